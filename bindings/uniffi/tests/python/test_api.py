"""The Python API beyond the corpus: typed exceptions, defaults, garbage in,
threads."""

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import accord
from conftest import ARMENIA, ROOT

FACTS = (ARMENIA / "facts" / "family_complete.json").read_bytes().decode("utf-8")
CATALOGUE = (ARMENIA / "catalogue.json").read_bytes().decode("utf-8")
LOG = (ARMENIA / "cases" / "out_of_school" / "in_progress.jsonl").read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def armenia():
    return accord.load_dir(ARMENIA)


def check_error(error, kind):
    """Every AccordError carries message, code, problems and its JSON, and
    they agree with each other."""
    assert isinstance(error, accord.AccordError)
    doc = json.loads(error.json)
    assert doc["kind"] == kind
    assert doc["message"] == error.message
    assert [p["code"] for p in doc["problems"]] == [p.code for p in error.problems]
    assert error.code == (error.problems[0].code if error.problems else "")
    for p in error.problems:
        assert isinstance(p, accord.Problem)
        assert p.severity in ("error", "warning")


def test_a_ruleset_with_errors_raises_ruleset_with_located_problems():
    files = [accord.SourceFile(name="bad.accord", text="program {")]
    with pytest.raises(accord.AccordError.Ruleset) as caught:
        accord.Ruleset.load(files)
    error = caught.value
    check_error(error, "ruleset")
    assert error.code.startswith("E")
    first = error.problems[0]
    assert first.file == "bad.accord"
    assert first.line == 1 and first.column >= 1
    assert first.end_line is not None and first.end_column is not None


def test_bad_facts_raise_input_with_a_path(armenia):
    with pytest.raises(accord.AccordError.Input) as caught:
        armenia.screen('{"region": 3}', "2025-03-01")
    check_error(caught.value, "input")
    assert caught.value.code.startswith("F")
    assert caught.value.problems[0].path is not None


def test_a_bad_event_raises_case_with_its_line(armenia):
    with pytest.raises(accord.AccordError.Case) as caught:
        armenia.case_add(LOG, "{not json")
    check_error(caught.value, "case")
    assert caught.value.code.startswith("C")
    assert caught.value.problems[0].line == LOG.count("\n") + 1


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda r: r.screen(FACTS, "1 March 2025"), "U0001"),
        (lambda r: r.explain(FACTS, "2025-03-01", "no_such_programme"), "U0004"),
        (lambda r: r.graph(None, "svg"), "U0006"),
        (lambda r: r.providers("health_care"), "U0008"),
        (lambda r: r.answer(FACTS, "members[x", "1"), "U0005"),
        (lambda r: r.assess("no_such_assessment", "{}"), "U0003"),
    ],
)
def test_refused_requests_raise_request(armenia, call, code):
    with pytest.raises(accord.AccordError.Request) as caught:
        call(armenia)
    check_error(caught.value, "request")
    assert caught.value.code == code


def test_the_variants_are_distinct_classes():
    kinds = [accord.AccordError.Ruleset, accord.AccordError.Input,
             accord.AccordError.Case, accord.AccordError.Request]
    assert len(set(kinds)) == 4
    assert all(issubclass(k, accord.AccordError) and issubclass(k, Exception) for k in kinds)


def test_format_raises_ruleset_on_syntax_errors_and_check_never_raises():
    with pytest.raises(accord.AccordError.Ruleset):
        accord.format(accord.SourceFile(name="a.accord", text="program {"))
    report = json.loads(accord.check([accord.SourceFile(name="a.accord", text="program {")]))
    assert report["diagnostics"][0]["file"] == "a.accord"
    assert accord.version().count(".") == 2


def test_optional_arguments_default_to_none(armenia):
    assert armenia.screen(FACTS, "2025-03-01") == armenia.screen(FACTS, "2025-03-01", None)
    assert armenia.screen(FACTS, "2025-03-01", lang="hy") == armenia.screen(FACTS, "2025-03-01", "hy")
    assert armenia.schema() == armenia.schema(None)
    assert armenia.graph(None, "dot") == armenia.graph(None, "dot", None, None)


def test_setters_replace_the_catalogue(armenia):
    r = accord.load_dir(ARMENIA)
    with pytest.raises(accord.AccordError.Request):
        r.providers("health_care")
    r.set_catalogue(CATALOGUE)
    assert json.loads(r.providers("health_care"))
    with pytest.raises(accord.AccordError.Input):
        r.set_catalogue("[1, 2")
    # A refused catalogue changes nothing.
    assert json.loads(r.providers("health_care"))


GARBAGE = [
    "", " ", "\u0000", "\ufeff", "null", "[]", "{}", "[" * 10_000, "{\"a\":" * 10_000,
    "\"\\ud800\"", "1e999999", "-0", "{\"members\": [{}]}", "{\"members\": 3}",
    "\n\n\n", "Ընտանիք", "🙂" * 1000, "{\"type\": \"opened\"}", "x" * 100_000,
    "2025-02-30", "9999-99-99", "members[18446744073709551616]", "a..b", "[0]",
]


def test_garbage_never_crosses_as_anything_but_accord_error(armenia):
    rng = random.Random(7)
    calls = [
        lambda s: armenia.screen(s, s, s),
        lambda s: armenia.screen(s, "2025-03-01"),
        lambda s: armenia.next_questions(s, "2025-03-01", s),
        lambda s: armenia.explain(s, "2025-03-01", "family_benefit"),
        lambda s: armenia.explain(FACTS, s, s),
        lambda s: armenia.screen_jsonl(s, "2025-03-01", True),
        lambda s: armenia.answer(s, s, s),
        lambda s: armenia.answer(FACTS, s, "1"),
        lambda s: armenia.answer("{}", "region", s),
        lambda s: armenia.schema(s),
        lambda s: armenia.assessment_form(s),
        lambda s: armenia.assess(None, s, s),
        lambda s: armenia.assess(s, s),
        lambda s: armenia.providers(s, s, s),
        lambda s: armenia.case_state(s, s, s, s),
        lambda s: armenia.case_state(s, "2025-06-02"),
        lambda s: armenia.case_add(s, s),
        lambda s: armenia.case_add(LOG, s),
        lambda s: armenia.case_add("", s),
        lambda s: armenia.merge(s, s),
        lambda s: armenia.merge(LOG, s),
        lambda s: armenia.graph(s, s),
        lambda s: armenia.graph(None, "json", 4_000_000_000, s),
        lambda s: accord.check([accord.SourceFile(name=s, text=s)]),
        lambda s: accord.format(accord.SourceFile(name=s, text=s)),
        lambda s: accord.Ruleset.load([accord.SourceFile(name=s, text=s)]),
        lambda s: accord.Ruleset.load_with_entity(accord.sources(ARMENIA), s),
    ]
    inputs = GARBAGE + ["".join(rng.choice("{}[]\":,0a \\n-.") for _ in range(rng.randrange(60)))
                        for _ in range(40)]
    for call in calls:
        for s in inputs:
            try:
                out = call(s)
            except accord.AccordError as error:
                json.loads(error.json)
            else:
                assert out is None or isinstance(out, (str, accord.Ruleset))


def test_one_ruleset_serves_many_threads():
    r = accord.load_dir(ARMENIA)
    r.set_catalogue(CATALOGUE)
    want = r.screen(FACTS, "2025-03-01", "hy")
    want_case = r.case_state(LOG, "2025-06-02")
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda i: (r.screen(FACTS, "2025-03-01", "hy"),
                                       r.case_state(LOG, "2025-06-02")), range(64)))
    assert all(g == (want, want_case) for g in got)


def test_setters_and_readers_race_without_harm():
    r = accord.load_dir(ARMENIA)
    stop = threading.Event()
    errors = []

    def reader():
        while not stop.is_set():
            try:
                r.providers("health_care")
            except accord.AccordError.Request as e:  # no catalogue yet
                if e.code != "U0008":
                    errors.append(e)
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(20):
        r.set_catalogue(CATALOGUE)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads(r.providers("health_care"))


def test_a_reform_is_a_new_ruleset_and_the_base_is_untouched():
    compare = ROOT / "tests" / "compare"
    base = accord.load_dir(compare / "base")
    household = '{"region": "north", "score": 28, "members": [{"age": 35}, {"age": 2}]}'
    before = base.screen(household, "2026-03-01")
    text = (compare / "reform.accord").read_bytes().decode("utf-8")
    reformed = base.reform([accord.SourceFile(name="reform.accord", text=text)])
    tests = json.loads(reformed.run_tests())["tests"]
    assert [(t["name"], t["file"], t["failures"]) for t in tests] == [
        ("The lower threshold from 2026", "reform.accord", [])
    ]
    results = json.loads(reformed.screen(household, "2026-03-01"))["results"]
    assert [(r["program"], r["status"], r["amount"]) for r in results] == [
        ("family_benefit", "eligible", "15000"),
        ("child_allowance", "ineligible", None),
        ("child_allowance", "eligible", "4000"),
    ]
    setting = '[{"name": "family_benefit_threshold", "value": 27, "from": "2026-01-01"}]'
    results = json.loads(base.reform([], setting).screen(household, "2026-03-01"))["results"]
    assert [r["amount"] for r in results] == ["15000", None, "3000"]
    assert base.reform([]).screen(household, "2026-03-01") == before
    assert base.screen(household, "2026-03-01") == before


def test_a_reform_that_does_not_check_raises_its_diagnostics():
    base = accord.load_dir(ROOT / "tests" / "compare" / "base")
    bad = accord.SourceFile(name="r.accord", text='entity Person "P" {\n  age: Integer "Age"\n}\n')
    with pytest.raises(accord.AccordError.Ruleset) as caught:
        base.reform([bad])
    check_error(caught.value, "ruleset")
    assert caught.value.code == "E0901"
    assert caught.value.problems[0].file == "r.accord"
    with pytest.raises(accord.AccordError.Request) as caught:
        base.reform([], '[{"name": "family_benefit_treshold", "value": 27}]')
    check_error(caught.value, "request")
    assert caught.value.code == "U0031"
    with pytest.raises(accord.AccordError.Request) as caught:
        base.reform([], "{}")
    assert caught.value.code == "U0037"
