"""Runs one case of the conformance corpus (tests/conformance/README.md)
through the Python bindings' `*_json` calls, JSON text in and out: the call's
output, or the error's JSON."""

import json
import pathlib
import typing

import accord

from conftest import ROOT


def read(path: pathlib.Path) -> str:
    """A file's text byte for byte (no newline translation)."""
    return path.read_bytes().decode("utf-8")


class Args:
    def __init__(self, case_dir: pathlib.Path, args: dict):
        self.dir = case_dir
        self.args = args

    def opt(self, name: str) -> typing.Optional[str]:
        value = self.args.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"{self.dir.name}: argument `{name}` is not a string: {value!r}")
        if value.startswith("@"):
            return read(self.dir / value[1:])
        return value

    def req(self, name: str) -> str:
        value = self.opt(name)
        if value is None:
            raise KeyError(f"{self.dir.name}: argument `{name}` missing")
        return value

    def flag(self, name: str) -> bool:
        return bool(self.args.get(name) or False)

    def cases(self, name: str) -> str:
        """An object argument (`caseload`'s `cases`) as JSON text, each `@file`
        value replaced by the file's text; a string is passed as it is."""
        value = self.args.get(name)
        if isinstance(value, dict):
            return json.dumps({k: Args(self.dir, {"v": v}).req("v") for k, v in value.items()})
        return self.req(name)

    def number(self, name: str) -> typing.Optional[int]:
        value = self.args.get(name)
        return None if value is None else int(value)


def run(case_dir: pathlib.Path) -> typing.Tuple[bool, str]:
    """(True, output) when the call succeeds, (False, error JSON) when it
    raises an AccordError. Anything else raised is a failure of the suite."""
    case = json.loads(read(case_dir / "case.json"))
    try:
        return True, call(case_dir, case)
    except accord.AccordError as error:
        return False, error.json


def call(case_dir: pathlib.Path, case: dict) -> str:
    files = accord.sources(ROOT / case["ruleset"])
    a = Args(case_dir, case.get("args") or {})
    lang = a.opt("lang")
    name = case["call"]
    if name == "check":
        return accord.check_json(files)
    if name == "format":
        return accord.format_source(accord.SourceFile(name=a.req("name"), text=a.req("source")))
    entity = case.get("entity")
    if entity is None:
        r = accord.Ruleset.load(files)
    else:
        r = accord.Ruleset.load_with_entity(files, entity)
    if "reform" in case or "settings" in case:
        # A reform laid over the ruleset (§22): the call runs on the reformed one.
        reform = []
        if case.get("reform"):
            path = ROOT / case["reform"]
            reform = [accord.SourceFile(name=path.name, text=read(path))]
        r = r.reform(reform, case.get("settings"))
    if case.get("catalogue"):
        r = r.with_catalogue(read(ROOT / case["catalogue"]))
    if case.get("ratings"):
        r = r.with_ratings(read(ROOT / case["ratings"]))
    if name == "load":
        return r.info_json()
    if name == "warnings":
        return r.warnings_json()
    if name == "screen":
        return r.screen_json(a.req("facts"), a.req("as_of"), lang)
    if name == "next_questions":
        return r.next_questions_json(a.req("facts"), a.req("as_of"), lang)
    if name == "explain":
        return r.explain_json(a.req("facts"), a.req("as_of"), a.req("program"), lang)
    if name == "screen_jsonl":
        statuses = a.opt("statuses")
        return r.screen_jsonl(a.req("lines"), a.req("as_of"), a.flag("explain"), lang,
                              id_key=a.opt("id_key"),
                              statuses=statuses.split(",") if statuses is not None else None)
    if name == "compare":
        reform = [accord.SourceFile(name=a.req("reform_name"), text=a.req("reform"))]
        return r.compare_json(reform, a.req("lines"), a.req("as_of"), a.req("options"), lang)
    if name == "answer":
        return r.answer_json(a.req("facts"), a.req("path"), a.req("value"))
    if name == "schema":
        return r.schema_json(lang)
    if name == "assessment_form":
        return r.assessment_form_json(a.opt("assessment"))
    if name == "assess":
        return r.assess_json(a.opt("assessment"), a.req("answers"), lang)
    if name == "providers":
        return r.providers_json(a.req("need"), a.opt("region"), lang)
    if name == "case_state":
        return r.case_state_json(a.req("log"), a.req("as_of"), a.opt("role"), lang)
    if name == "case_view":
        return r.case_view_json(a.req("log"), a.req("as_of"), a.opt("role"), a.opt("provider"), lang)
    if name == "case_add":
        return r.case_add_json(a.req("log"), a.req("event"))
    if name == "merge":
        return r.merge_json(a.req("a"), a.req("b"))
    if name == "graph":
        return r.graph(a.opt("protocol"), a.req("format"), a.number("version"), lang)
    if name == "run_tests":
        return r.run_tests_json()
    if name == "needs_map":
        return r.needs_map_json(a.req("results"))
    if name == "providers_for_result":
        return r.providers_for_result_json(a.req("result"), a.opt("region"), lang)
    if name == "caseload":
        return r.caseload_json(a.cases("cases"), a.req("as_of"), a.opt("role"), lang)
    raise ValueError(f"{case_dir.name}: unknown call `{name}`")
