"""Runs the ```python snippets of docs/guide-python.md, in order and in one
namespace, from the repository's root: the guide's examples must work."""

import os
import re

from conftest import ROOT

GUIDE = ROOT / "docs" / "guide-python.md"


def snippets():
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_guide_has_snippets():
    assert len(snippets()) >= 8


def test_the_guide_filters_on_statuses_the_engine_returns():
    # The engine says "eligible", "ineligible" or "undetermined"; never "unknown".
    assert '"unknown"' not in GUIDE.read_text(encoding="utf-8")


def test_the_guide_snippets_run(capsys):
    namespace = {"__name__": "guide"}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        for number, code in enumerate(snippets(), start=1):
            try:
                exec(compile(code, f"{GUIDE.name} snippet {number}", "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"snippet {number} failed:\n{code}") from error
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out
    assert "family_benefit 33000" in printed
