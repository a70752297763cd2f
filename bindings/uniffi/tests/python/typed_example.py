"""A typed program using accord, checked with `mypy --strict` by
bindings/uniffi/test.sh (and run by test_api.py): the package's annotations must
be enough for strict code."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

import accord


def eligible_amounts(ruleset: accord.Ruleset, household: Dict[str, Any],
                     as_of: date) -> Dict[str, Optional[Decimal]]:
    report: Dict[str, Any] = ruleset.screen(household, as_of=as_of)
    out: Dict[str, Optional[Decimal]] = {}
    for result in report["results"]:
        if result["status"] == "eligible":
            amount: Optional[str] = result["amount"]
            out[str(result["program"])] = None if amount is None else Decimal(amount)
    return out


def first_question(ruleset: accord.Ruleset, household: Dict[str, Any]) -> Optional[str]:
    asked: List[Dict[str, Any]] = ruleset.next_questions(household, "2025-03-01")["next_questions"]
    return str(asked[0]["path"]) if asked else None


def located(error: accord.AccordError) -> List[Tuple[str, Optional[str]]]:
    problems: List[accord.Problem] = error.problems
    return [(p.code, p.path) for p in problems]


def main(directory: str) -> int:
    ruleset: accord.Ruleset = accord.load_dir(directory)
    household: Dict[str, Any] = {
        "region": "shirak",
        "vulnerability_score": Decimal("31.5"),
        "members": [{"birth_date": date(1988, 7, 23), "monthly_income": Decimal("95000")}],
    }
    amounts = eligible_amounts(ruleset, household, date(2025, 3, 1))
    question = first_question(ruleset, household)
    answered: Dict[str, Any] = ruleset.answer(household, "members[0].citizen", True)
    text: str = ruleset.screen_json('{"region": "lori"}', "2025-03-01", lang="en")
    try:
        ruleset.screen({"region": 3}, date(2025, 3, 1))
    except accord.AccordError.Input as error:
        where = located(error)
        print(str(error), repr(error), where)
    version: str = accord.__version__
    print(version, sorted(amounts), question, answered["members"][0]["citizen"], len(text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "examples/armenia"))
