"""The Python API beyond the corpus: typed exceptions, defaults, garbage in,
threads (the Pythonic layer itself: test_pythonic.py)."""

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
        accord.format_source(accord.SourceFile(name="a.accord", text="program {"))
    report = accord.check([accord.SourceFile(name="a.accord", text="program {")])
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
    assert r.providers("health_care")
    with pytest.raises(accord.AccordError.Input):
        r.set_catalogue("[1, 2")
    # A refused catalogue changes nothing.
    assert r.providers("health_care")


GARBAGE = [
    "", " ", "\u0000", "\ufeff", "null", "[]", "{}", "[" * 10_000, "{\"a\":" * 10_000,
    "\"\\ud800\"", "1e999999", "-0", "{\"members\": [{}]}", "{\"members\": 3}",
    "\n\n\n", "Ընտանիք", "🙂" * 1000, "{\"type\": \"opened\"}", "x" * 100_000,
    "2025-02-30", "9999-99-99", "members[18446744073709551616]", "a..b", "[0]",
]


def test_garbage_never_crosses_as_anything_but_accord_error(armenia):
    rng = random.Random(7)
    calls = [
        lambda s: armenia.screen_json(s, s, s),
        lambda s: armenia.screen_json(s, "2025-03-01"),
        lambda s: armenia.next_questions_json(s, "2025-03-01", s),
        lambda s: armenia.explain_json(s, "2025-03-01", "family_benefit"),
        lambda s: armenia.explain_json(FACTS, s, s),
        lambda s: armenia.screen_jsonl(s, "2025-03-01", True),
        lambda s: armenia.answer_json(s, s, s),
        lambda s: armenia.answer_json(FACTS, s, "1"),
        lambda s: armenia.answer_json("{}", "region", s),
        lambda s: armenia.schema_json(s),
        lambda s: armenia.assessment_form_json(s),
        lambda s: armenia.assess_json(None, s, s),
        lambda s: armenia.assess_json(s, s),
        lambda s: armenia.providers_json(s, s, s),
        lambda s: armenia.case_state_json(s, s, s, s),
        lambda s: armenia.case_state_json(s, "2025-06-02"),
        lambda s: armenia.case_add_json(s, s),
        lambda s: armenia.case_add_json(LOG, s),
        lambda s: armenia.case_add_json("", s),
        lambda s: armenia.merge_json(s, s),
        lambda s: armenia.merge_json(LOG, s),
        lambda s: armenia.graph(s, s),
        lambda s: armenia.graph(None, "json", 4_000_000_000, s),
        lambda s: accord.check_json([accord.SourceFile(name=s, text=s)]),
        lambda s: accord.format_source(accord.SourceFile(name=s, text=s)),
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
    assert r.providers("health_care")


def test_a_reform_is_a_new_ruleset_and_the_base_is_untouched():
    compare = ROOT / "tests" / "compare"
    base = accord.load_dir(compare / "base")
    household = '{"region": "north", "score": 28, "members": [{"age": 35}, {"age": 2}]}'
    before = base.screen_json(household, "2026-03-01")
    text = (compare / "reform.accord").read_bytes().decode("utf-8")
    reformed = base.reform([accord.SourceFile(name="reform.accord", text=text)])
    tests = reformed.run_tests()["tests"]
    assert [(t["name"], t["file"], t["failures"]) for t in tests] == [
        ("The lower threshold from 2026", "reform.accord", [])
    ]
    results = reformed.screen(household, "2026-03-01")["results"]
    assert [(r["program"], r["status"], r["amount"]) for r in results] == [
        ("family_benefit", "eligible", "15000"),
        ("child_allowance", "ineligible", None),
        ("child_allowance", "eligible", "4000"),
    ]
    setting = '[{"name": "family_benefit_threshold", "value": 27, "from": "2026-01-01"}]'
    results = base.reform([], setting).screen(household, "2026-03-01")["results"]
    assert [r["amount"] for r in results] == ["15000", None, "3000"]
    assert base.reform([]).screen_json(household, "2026-03-01") == before
    assert base.screen_json(household, "2026-03-01") == before


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


# --------------------------------------------------------------------------
# The Pythonic layer: dicts, lists and dates in and out; the `*_json` twins.

from datetime import date, datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
import inspect  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

AS_OF = "2025-03-01"


def test_screen_takes_a_dict_and_a_date_and_returns_a_dict(armenia):
    household = json.loads(FACTS)
    report = armenia.screen(household, as_of=date(2025, 3, 1))
    assert isinstance(report, dict)
    assert report == json.loads(armenia.screen_json(FACTS, AS_OF))
    # JSON text and "YYYY-MM-DD" still work; a datetime gives its date.
    assert armenia.screen(FACTS, AS_OF) == report
    assert armenia.screen(household, datetime(2025, 3, 1, 12, 30)) == report
    amounts = {r["program"]: r["amount"] for r in report["results"] if r["status"] == "eligible"}
    assert amounts["family_benefit"] == "33000"


def test_every_pythonic_call_agrees_with_its_json_twin(armenia):
    r = accord.load_dir(ARMENIA)
    r.set_catalogue(json.loads(CATALOGUE))
    household = json.loads(FACTS)
    answers_text = (ARMENIA / "assessments" / "child_needs" / "gor_initial.json").read_text("utf-8")
    pairs = [
        (r.info(), r.info_json()),
        (r.warnings(), r.warnings_json()),
        (r.schema("hy"), r.schema_json("hy")),
        (r.run_tests(), r.run_tests_json()),
        (r.next_questions(household, date(2025, 3, 1)), r.next_questions_json(FACTS, AS_OF)),
        (r.explain(household, date(2025, 3, 1), "family_benefit", lang="ru"),
         r.explain_json(FACTS, AS_OF, "family_benefit", "ru")),
        (r.assessment_form(), r.assessment_form_json()),
        (r.assess("child_needs", json.loads(answers_text)), r.assess_json("child_needs", answers_text)),
        (r.providers("health_care", region="shirak"), r.providers_json("health_care", "shirak")),
        (r.case_state(LOG, date(2025, 6, 2)), r.case_state_json(LOG, "2025-06-02")),
        (r.case_state([json.loads(line) for line in LOG.splitlines()], date(2025, 6, 2)),
         r.case_state_json(LOG, "2025-06-02")),
        (r.case_view(LOG, date(2025, 6, 2), role="head_of_service"),
         r.case_view_json(LOG, "2025-06-02", "head_of_service")),
        (r.merge(LOG, LOG), r.merge_json(LOG, LOG)),
        (r.caseload({"a": LOG}, date(2025, 6, 1)), r.caseload_json(json.dumps({"a": LOG}), "2025-06-01")),
        (accord.check(accord.sources(ARMENIA)), accord.check_json(accord.sources(ARMENIA))),
    ]
    for parsed, text in pairs:
        assert parsed == json.loads(text, parse_float=Decimal)
    event = {"type": "note", "at": "2025-06-03", "by": "social_worker", "text": "called"}
    assert r.case_add(LOG, event) == r.case_add_json(LOG, json.dumps(event))


def test_screen_many_takes_documents_or_lines(armenia):
    lines = (ARMENIA / "facts" / "registry_sample.jsonl").read_text("utf-8")
    docs = [json.loads(line) for line in lines.splitlines()]
    many = armenia.screen_many(docs, date(2025, 3, 1))
    assert many == [json.loads(line) for line in armenia.screen_jsonl(lines, AS_OF).splitlines()]
    assert armenia.screen_many(lines, AS_OF) == many
    assert [m["line"] for m in many] == list(range(1, len(docs) + 1))
    bad = armenia.screen_many([{"region": "shirak"}, "not json"], AS_OF)
    assert "results" in bad[0] and bad[1]["error"].startswith("F0001")
    with pytest.raises(TypeError):
        armenia.screen_many({"region": "shirak"}, AS_OF)


def test_screen_many_counts_bad_lines_and_work_limits(armenia):
    # Four lines: a household, `not json`, an empty line, a household. The
    # two in the middle are refused in place; none runs out of work.
    lines = '{"region": "shirak"}\nnot json\n\n{"region": "lori"}\n'
    many = armenia.screen_many(lines, AS_OF)
    assert isinstance(many, accord.ScreenedLines) and isinstance(many, list)
    assert len(many) == 4 and (many.bad, many.work_limit) == (2, 0)
    assert ["error" in m for m in many] == [False, True, True, False]
    report = armenia.screen_jsonl_report(lines, AS_OF)
    assert (report.lines, report.bad, report.work_limit) == (4, 2, 0)
    assert report.text == armenia.screen_jsonl(lines, AS_OF)


def test_screen_many_on_threads_gives_the_same_answer(armenia):
    lines = (ARMENIA / "facts" / "registry_sample.jsonl").read_text("utf-8") * 30
    one = armenia.screen_jsonl(lines, AS_OF)
    assert armenia.screen_jsonl(lines, AS_OF, threads=3) == one
    assert armenia.screen_many(lines, AS_OF, threads=2) == armenia.screen_many(lines, AS_OF)
    with pytest.raises(ValueError):
        armenia.screen_many(lines, AS_OF, threads=0)


def test_screen_many_carries_an_id_through(armenia):
    households = [
        {"household_id": "H-1", "region": "shirak"},
        {"household_id": 2, "region": "lori"},
        {"region": "lori"},
    ]
    many = armenia.screen_many(households, AS_OF, id_key="household_id")
    assert [m["id"] for m in many] == ["H-1", 2, None]
    assert many.bad == 0
    # The key is not a fact: each line is the household's without it, plus the id.
    plain = armenia.screen_many([{"region": "shirak"}, {"region": "lori"}, {"region": "lori"}], AS_OF)
    assert [{k: v for k, v in m.items() if k != "id"} for m in many] == plain
    # Without `id_key`, the ruleset refuses the unknown field.
    assert armenia.screen_many(households, AS_OF).bad == 2


def test_screen_many_keeps_the_statuses_asked_for(armenia):
    # Every line is still there; each keeps only the results of the statuses
    # named, in the same order as without the filter; a refused line keeps
    # its error.
    lines = (ARMENIA / "facts" / "registry_sample.jsonl").read_text("utf-8") + "not json\n"
    full = armenia.screen_many(lines, AS_OF)
    keep = ["eligible", "undetermined"]
    only = armenia.screen_many(lines, AS_OF, statuses=keep, threads=2)
    assert len(only) == len(full) and only.bad == full.bad == 1
    assert only == [
        {**m, "results": [r for r in m["results"] if r["status"] in keep]} if "results" in m else m
        for m in full
    ]
    assert any(r["status"] == "ineligible" for m in full for r in m.get("results", []))
    text = armenia.screen_jsonl(lines, AS_OF, statuses=keep)
    assert [json.loads(line) for line in text.splitlines()] == only
    with pytest.raises(accord.AccordError) as error:
        armenia.screen_many(lines, AS_OF, statuses=["error"])
    assert error.value.code == "U0045"


def test_screen_without_explanations(armenia):
    full = armenia.screen(FACTS, AS_OF)
    bare = armenia.screen(FACTS, AS_OF, explain=False)
    assert all(r["explanation"] is not None for r in full["results"])
    assert all(r["explanation"] is None for r in bare["results"])
    assert bare == {**full, "results": [{**r, "explanation": None} for r in full["results"]]}
    assert armenia.screen_json(FACTS, AS_OF, explain=True) == armenia.screen_json(FACTS, AS_OF)


def test_with_catalogue_gives_a_new_ruleset(armenia):
    r = accord.load_dir(ARMENIA)
    with_catalogue = r.with_catalogue(CATALOGUE)
    assert with_catalogue.providers("health_care")
    with pytest.raises(accord.AccordError.Request):
        r.providers("health_care")  # unchanged: still no catalogue
    with pytest.raises(accord.AccordError.Request):
        r.with_ratings("{}")  # ratings need a catalogue (U0008)
    rated, added = with_catalogue.with_case_ratings({})
    assert isinstance(rated, accord.Ruleset) and added["cases"] == 0


@pytest.mark.parametrize(
    "path, value, stored",
    [
        ("members[0].disability", "none", "none"),
        ("members[0].citizen", True, True),
        ("members[0].insurance_years", 5, 5),
        ("vulnerability_score", Decimal("1.5"), "1.5"),
        ("members[0].birth_date", date(1956, 2, 11), "1956-02-11"),
        ("members[0].monthly_income", None, None),
    ],
)
def test_answer_takes_python_values(armenia, path, value, stored):
    facts = armenia.answer(json.loads(FACTS), path, value)
    assert isinstance(facts, dict)
    node = facts
    for part in path.replace("[", ".").replace("]", "").split("."):
        node = node[int(part)] if part.isdigit() else node.get(part)
    assert node == stored
    assert facts == json.loads(armenia.answer_json(FACTS, path, json.dumps(
        str(value) if isinstance(value, (Decimal, date)) else value)))


def test_answer_refuses_a_value_of_the_wrong_type(armenia):
    with pytest.raises(accord.AccordError.Input):
        armenia.answer(FACTS, "members[0].citizen", "yes")
    with pytest.raises(TypeError):
        armenia.answer(FACTS, "members[0].citizen", object())


def test_decimals_in_the_answers_never_become_floats(armenia):
    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        else:
            yield value

    report = armenia.explain(FACTS, AS_OF, "family_benefit")
    assert not [v for v in walk(report) if isinstance(v, float)]


def test_errors_read_well_and_carry_no_fact_values(armenia):
    secret = {"region": "Shirak-secret", "members": [{"birth_date": "1990-13-01", "age": 4}]}
    with pytest.raises(accord.AccordError.Input) as caught:
        armenia.screen(secret, AS_OF)
    error = caught.value
    check_error(error, "input")
    assert str(error) == "F0005 at region: the value is not a `Region` (and 2 more problems)"
    assert repr(error).startswith("AccordError.Input(code='F0005', path='region', message=")
    assert error.path == "region"
    assert repr(error.problems[1]) == (
        "Problem(code='F0006', path='members[0].birth_date', "
        "message='the text is not a date written \"YYYY-MM-DD\"')"
    )
    for text in (str(error), repr(error), error.message, *map(repr, error.problems)):
        assert "secret" not in text and "1990-13-01" not in text


def test_ruleset_and_request_errors_say_where(armenia):
    with pytest.raises(accord.AccordError.Ruleset) as caught:
        accord.load([accord.SourceFile(name="bad.accord", text="program {")])
    first = caught.value.problems[0]
    assert str(caught.value).startswith(f"{first.code} at bad.accord:1:{first.column}: ")
    assert repr(caught.value).startswith(f"AccordError.Ruleset(code='{first.code}', file='bad.accord', line=1")
    with pytest.raises(accord.AccordError.Request) as caught:
        armenia.screen(FACTS, "1 March 2025")
    assert str(caught.value).startswith("U0001")
    assert caught.value.path is None
    with pytest.raises(TypeError):
        armenia.screen(FACTS, 20250301)


def test_the_namespace_is_clean():
    public = {n for n in dir(accord) if not n.startswith("_")}
    assert not public & {"os", "pathlib", "typing", "json", "annotations"}
    assert set(accord.__all__) <= set(dir(accord))
    assert "format" not in accord.__all__ and "format_source" in accord.__all__
    assert accord.format is accord.format_source
    namespace: dict = {}
    exec("from accord import *", namespace)
    assert "format" not in namespace and "Ruleset" in namespace


def test_version():
    assert accord.__version__ == accord.version()
    assert accord.__version__.count(".") == 2


def test_optional_arguments_are_plain_none():
    for fn in (accord.Ruleset.screen, accord.Ruleset.explain, accord.Ruleset.providers,
               accord.Ruleset.case_view, accord.Ruleset.graph, accord.Ruleset.reform, accord.load_dir):
        for p in inspect.signature(fn).parameters.values():
            if p.default is not inspect.Parameter.empty:
                assert p.default is None or isinstance(p.default, (bool, str)), (fn, p)


def test_the_package_is_typed():
    import pathlib

    assert (pathlib.Path(accord.__file__).parent / "py.typed").is_file()


def test_the_typed_example_runs():
    example = pathlib_of(__file__).parent / "typed_example.py"
    out = subprocess.run([sys.executable, str(example), str(ARMENIA)], check=True,
                         capture_output=True, text=True).stdout
    assert "F0004 at region" in out and accord.__version__ in out


def pathlib_of(path):
    import pathlib

    return pathlib.Path(path).resolve()


def test_compare_takes_households_and_options_as_python_values():
    compare = ROOT / "tests" / "compare"
    base = accord.load_dir(compare / "base")
    reform = [accord.SourceFile(name="reform.accord", text=(compare / "reform.accord").read_text("utf-8"))]
    lines = (compare / "registry.jsonl").read_text("utf-8")
    options = {"by": "region", "decile_by": "income"}
    text = base.compare_json(reform, lines, "2026-03-01", json.dumps(options), "hy")
    expected = ROOT / "tests" / "conformance" / "cases" / "compare_demo_reform" / "expected.out"
    assert text.encode("utf-8") == expected.read_bytes()
    got = base.compare(reform, lines.splitlines(), date(2026, 3, 1), options, lang="hy")
    assert got == json.loads(text, parse_float=Decimal)
    assert base.compare(reform, lines, "2026-03-01") == json.loads(
        base.compare_json(reform, lines, "2026-03-01", "{}"), parse_float=Decimal)


def test_errors_pickle_with_every_field(armenia):
    import pickle

    with pytest.raises(accord.AccordError.Input) as caught:
        armenia.screen({"region": 3}, AS_OF)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is accord.AccordError.Input
    assert (str(copy), repr(copy), copy.json, copy.problems) == (
        str(caught.value), repr(caught.value), caught.value.json, caught.value.problems)


def test_any_mapping_is_a_document(armenia):
    from types import MappingProxyType

    household = json.loads(FACTS)
    household["members"] = tuple(MappingProxyType(m) for m in household["members"])
    assert armenia.screen(MappingProxyType(household), AS_OF) == armenia.screen(FACTS, AS_OF)
