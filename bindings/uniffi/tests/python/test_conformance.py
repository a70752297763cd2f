"""The whole conformance corpus (tests/conformance/cases/) through the Python
bindings: every case must give exactly the bytes of its expected file."""

import pytest

from conftest import CASES
from corpus import run

DIRS = sorted(p for p in CASES.iterdir() if (p / "case.json").is_file())


def test_the_corpus_has_its_cases():
    assert len(DIRS) >= 100, f"only {len(DIRS)} cases under {CASES}"


@pytest.mark.parametrize("case_dir", DIRS, ids=[p.name for p in DIRS])
def test_case(case_dir):
    ok_path, err_path = case_dir / "expected.out", case_dir / "expected.err.json"
    ok, text = run(case_dir)
    path = ok_path if ok else err_path
    assert path.is_file(), (
        f"{case_dir.name}: gave {'an output' if ok else 'an error'} but has no {path.name}:\n{text}"
    )
    expected = path.read_bytes()
    got = text.encode("utf-8")
    if got != expected:
        # The diff pytest shows on text is easier to read than on bytes.
        assert text == expected.decode("utf-8"), f"{case_dir.name}: differs from {path.name}"
        assert got == expected
