#!/usr/bin/env python3
"""Writes the conformance cases (cases/*/case.json) from the other corpora under
tests/ and from the examples. The expected files come from the Rust facade:
run `ACCORD_BLESS=1 cargo test -p accord-core --test conformance` afterwards and
read the diff. Inputs are referenced (`@../../../...`), never copied; a `check`
case's ruleset is a symbolic link to the corpus file it checks."""

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
CASES = HERE / "cases"
UP = "../../../"  # from a case directory to tests/


GENERATED = set()


def case(name, ruleset, call, args=None, **extra):
    GENERATED.add(name)
    d = CASES / name
    d.mkdir(parents=True, exist_ok=True)
    body = {"ruleset": ruleset}
    body.update(extra)
    body["call"] = call
    body["args"] = {k: v for k, v in (args or {}).items() if v is not None}
    (d / "case.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return d


def read(path):
    return json.loads(Path(path).read_text())


def main():
    # Cases are (re)written in place: a case written by hand (its own case.json,
    # not produced below) and every expected file are kept.
    CASES.mkdir(exist_ok=True)
    before = {d.name for d in CASES.iterdir() if d.is_dir()}

    # Screening: each case of tests/screening through `screen`.
    for d in sorted((TESTS / "screening").iterdir()):
        if not d.is_dir():
            continue
        c = read(d / "case.json")
        case(f"screen_{d.name}", f"tests/screening/{d.name}", "screen",
             {"facts": f"@{UP}screening/{d.name}/facts.json", "as_of": c["as_of"], "lang": c["lang"]})

    # Assessments: each case of tests/assessments through `assess`.
    for d in sorted((TESTS / "assessments").iterdir()):
        if not d.is_dir():
            continue
        c = read(d / "case.json")
        case(f"assess_{d.name}", "tests/assessments", "assess",
             {"assessment": c["assessment"], "answers": f"@{UP}assessments/{d.name}/answers.json",
              "lang": c["lang"]})

    # Cases: each case of tests/cases through `case_state`.
    for d in sorted((TESTS / "cases").iterdir()):
        if not d.is_dir():
            continue
        c = read(d / "case.json")
        extra = {"catalogue": "tests/cases/catalogue.json"} if c.get("catalogue") else {}
        if c.get("provider"):
            # A provider's view (a role `is provider`): `case_view`.
            case(f"case_{d.name}", "tests/cases", "case_view",
                 {"log": f"@{UP}cases/{d.name}/events.jsonl", "as_of": c["as_of"], "role": c["role"],
                  "provider": c["provider"], "lang": c["lang"]}, **extra)
            continue
        case(f"case_{d.name}", "tests/cases", "case_state",
             {"log": f"@{UP}cases/{d.name}/events.jsonl", "as_of": c["as_of"], "role": c["role"],
              "lang": c["lang"]}, **extra)

    # Providers: each case of tests/providers through `providers`.
    for d in sorted((TESTS / "providers").iterdir()):
        if not d.is_dir():
            continue
        c = read(d / "case.json")
        own = d / "catalogue.json"
        if c.get("map"):
            # The territorial map (`accord plan`): the results are the case's own.
            case(f"providers_{d.name}", "tests/providers", "needs_map",
                 {"results": f"@{UP}providers/{d.name}/results.jsonl"},
                 catalogue=f"tests/providers/{d.name}/catalogue.json" if own.exists()
                 else "tests/providers/catalogue.json")
            continue
        extra = {"catalogue": f"tests/providers/{d.name}/catalogue.json" if own.exists()
                 else "tests/providers/catalogue.json"}
        if c.get("ratings"):
            own = d / "ratings.json"
            extra["ratings"] = (f"tests/providers/{d.name}/ratings.json" if own.exists()
                                else "tests/providers/ratings.json")
        case(f"providers_{d.name}", "tests/providers", "providers",
             {"need": c["need"], "region": c["region"], "lang": c["lang"]}, **extra)

    # Checking: every invalid and warning file of tests/corpus, alone.
    for kind in ("invalid", "warnings"):
        for f in sorted((TESTS / "corpus" / kind).glob("*.accord")):
            d = case(f"check_{kind}_{f.stem}", f"tests/conformance/cases/check_{kind}_{f.stem}", "check")
            link = d / f.name
            if not link.is_symlink():
                os.symlink(f"{UP}corpus/{kind}/{f.name}", link)
    # Formatting: every valid file of tests/corpus.
    for f in sorted((TESTS / "corpus" / "valid").glob("*.accord")):
        case(f"format_{f.stem}", "examples/brief", "format",
             {"name": f.name, "source": f"@{UP}corpus/valid/{f.name}"})

    # The examples, through every call.
    arm = "examples/armenia"
    facts = f"@{UP}../examples/armenia/facts"
    for lang in ("en", "hy", "ru"):
        case(f"armenia_screen_partial_{lang}", arm, "screen",
             {"facts": f"{facts}/family_partial.json", "as_of": "2025-03-01", "lang": lang})
    case("armenia_screen_complete", arm, "screen",
         {"facts": f"{facts}/family_complete.json", "as_of": "2025-03-01"})
    case("armenia_screen_empty", arm, "screen", {"facts": "{}", "as_of": "2025-03-01", "lang": "ru"})
    case("armenia_screen_bad_facts", arm, "screen",
         {"facts": '{"region": "Shirak", "members": [{"birth_date": "1990-13-01", "age": 4}]}',
          "as_of": "2025-03-01"})
    case("armenia_screen_malformed", arm, "screen", {"facts": '{"region": ', "as_of": "2025-03-01"})
    case("armenia_screen_bad_date", arm, "screen", {"facts": "{}", "as_of": "1 March 2025"})
    case("armenia_next_questions_partial", arm, "next_questions",
         {"facts": f"{facts}/family_partial.json", "as_of": "2025-03-01", "lang": "hy"})
    case("armenia_next_questions_empty", arm, "next_questions", {"facts": "{}", "as_of": "2025-03-01"})
    case("armenia_explain_family_benefit", arm, "explain",
         {"facts": f"{facts}/family_partial.json", "as_of": "2025-03-01", "program": "family_benefit",
          "lang": "ru"})
    case("armenia_explain_unknown_program", arm, "explain",
         {"facts": "{}", "as_of": "2025-03-01", "program": "family_benefits"})
    case("armenia_screen_jsonl", arm, "screen_jsonl",
         {"lines": f"{facts}/registry_sample.jsonl", "as_of": "2025-03-01"})
    case("armenia_screen_jsonl_explained", arm, "screen_jsonl",
         {"lines": f"{facts}/registry_sample.jsonl", "as_of": "2025-03-01", "explain": True, "lang": "hy"})
    case("armenia_screen_jsonl_bad_lines", arm, "screen_jsonl",
         {"lines": '{"region": "shirak"}\nnot json\n\n{"region": "lori", "members": [{"birth_date": "2024-05-01"}]}\n',
          "as_of": "2025-03-01"})
    # `compare` (tests/compare/README.md works the figures out by hand).
    for name, options, lang in (
        ("compare_demo_reform", '{"by": "region", "decile_by": "income"}', "hy"),
        ("compare_demo_set_bad", '{"set": [{"name": "family_benefit", "value": 27}]}', None),
    ):
        args = {"reform_name": "reform.accord", "reform": f"@{UP}compare/reform.accord",
                "lines": f"@{UP}compare/registry.jsonl", "as_of": "2026-03-01", "options": options}
        if lang:
            args["lang"] = lang
        case(name, "tests/compare/base", "compare", args)
    case("armenia_answer_region", arm, "answer", {"facts": "{}", "path": "region", "value": '"shirak"'})
    case("armenia_answer_new_member", arm, "answer",
         {"facts": '{"region": "shirak", "members": []}', "path": "members[0].birth_date",
          "value": '"2019-04-02"'})
    case("armenia_answer_unknown_again", arm, "answer",
         {"facts": '{"region": "shirak"}', "path": "region", "value": "null"})
    case("armenia_answer_wrong_type", arm, "answer",
         {"facts": "{}", "path": "owns_dwelling", "value": '"yes"'})
    case("armenia_answer_outside_domain", arm, "answer",
         {"facts": '{"members": [{}]}', "path": "members[0].monthly_income", "value": '"-5000"'})
    case("armenia_answer_gap_in_list", arm, "answer",
         {"facts": '{"members": []}', "path": "members[2].birth_date", "value": '"2019-04-02"'})
    case("armenia_answer_bad_path", arm, "answer", {"facts": "{}", "path": "members[x", "value": "1"})
    for lang in ("en", "hy"):
        case(f"armenia_schema_{lang}", arm, "schema", {"lang": lang})
    case("armenia_load", arm, "load")
    case("armenia_warnings", arm, "warnings")
    case("armenia_assessment_form", arm, "assessment_form", {"assessment": "child_needs"})
    for f in sorted((ROOT / arm / "assessments/child_needs").glob("*.json")):
        case(f"armenia_assess_{f.stem}", arm, "assess",
             {"assessment": "child_needs", "answers": f"@{UP}../{arm}/assessments/child_needs/{f.name}",
              "lang": "hy"})
    case("armenia_assess_unknown", arm, "assess", {"assessment": "child_need", "answers": "{}"})
    for fmt in ("dot", "mermaid", "json"):
        case(f"armenia_graph_{fmt}", arm, "graph", {"protocol": "out_of_school", "format": fmt, "lang": "hy"})
    case("armenia_graph_bad_format", arm, "graph", {"format": "svg"})
    case("armenia_graph_unknown_protocol", arm, "graph", {"protocol": "out_of_schol", "format": "json"})
    # Declared agencies (lanes titled with their labels) and the legal basis, in Russian.
    for fmt in ("dot", "json"):
        case(f"agencies_graph_{fmt}", "tests/corpus/valid/protocol_agencies", "graph",
             {"protocol": "out_of_school", "format": fmt, "lang": "ru"})
    cat = {"catalogue": f"{arm}/catalogue.json"}
    logs = f"@{UP}../{arm}/cases/out_of_school"
    for f in sorted((ROOT / arm / "cases/out_of_school/expected").glob("*.json")):
        parts = f.stem.split("@")
        case(f"armenia_case_{'_'.join(parts)}".replace("-", ""), arm, "case_state",
             {"log": f"{logs}/{parts[0]}.jsonl", "as_of": parts[1],
              "role": parts[2] if len(parts) > 2 else None}, **cat)
    case("armenia_case_add_completed", arm, "case_add",
         {"log": f"{logs}/in_progress.jsonl",
          "event": '{"type": "note", "at": "2025-06-03", "by": "social_worker", "text": "called the family"}'},
         **cat)
    case("armenia_case_add_refused", arm, "case_add",
         {"log": f"{logs}/in_progress.jsonl",
          "event": '{"type": "completed", "at": "2025-06-03", "step": "notfy", "by": "school"}'}, **cat)
    case("armenia_case_add_malformed", arm, "case_add",
         {"log": f"{logs}/in_progress.jsonl", "event": '{"type": "completed", "at": '}, **cat)
    case("armenia_case_state_bad_date", arm, "case_state",
         {"log": f"{logs}/in_progress.jsonl", "as_of": "2025-13-01"}, **cat)
    case("armenia_case_state_unknown_role", arm, "case_state",
         {"log": f"{logs}/in_progress.jsonl", "as_of": "2025-06-02", "role": "teacher"}, **cat)
    case("armenia_providers_no_catalogue", arm, "providers", {"need": "speech_therapy"})
    case("armenia_run_tests", arm, "run_tests")
    case("brief_run_tests", "examples/brief", "run_tests")
    case("brief_check", "examples/brief", "check")
    case("armenia_check", arm, "check")

    tartu = "examples/tartu"
    for proto in ("municipal_case", "county_case"):
        d = ROOT / tartu / "cases" / proto
        for f in sorted((d / "expected").glob("*.json")):
            parts = f.stem.split("@")
            case(f"tartu_{proto}_{'_'.join(parts)}".replace("-", ""), tartu, "case_state",
                 {"log": f"@{UP}../{tartu}/cases/{proto}/{parts[0]}.jsonl", "as_of": parts[1],
                  "role": parts[2] if len(parts) > 2 else None, "lang": "en"},
                 catalogue=f"{tartu}/catalogue.json")
        case(f"tartu_graph_{proto}", tartu, "graph", {"protocol": proto, "format": "json", "lang": "en"})

    kz = "examples/kazakhstan"
    for a in sorted((ROOT / kz / "assessments").iterdir()):
        for f in sorted(a.glob("*.json")):
            case(f"kazakhstan_assess_{a.name}_{f.stem}", kz, "assess",
                 {"assessment": a.name, "answers": f"@{UP}../{kz}/assessments/{a.name}/{f.name}", "lang": "ru"})
    case("kazakhstan_providers_ranked", kz, "providers", {"need": "home_care", "lang": "ru"},
         catalogue=f"{kz}/catalogue.json", ratings=f"{kz}/ratings.json")
    # The East Kazakhstan case logs on their README's dates (LOG@DATE[@ROLE[@PROVIDER]]);
    # Ridder's refused line gives the error.
    d = ROOT / kz / "cases" / "special_social_services"
    for f in sorted((d / "expected").glob("*.json")):
        parts = f.stem.split("@")
        args = {"log": f"@{UP}../{kz}/cases/special_social_services/{parts[0]}.jsonl",
                "as_of": parts[1], "role": parts[2] if len(parts) > 2 else None, "lang": "en"}
        if len(parts) > 3:
            args["provider"] = parts[3]
        case(f"kazakhstan_{'_'.join(parts)}".replace("-", "_"), kz,
             "case_view" if len(parts) > 3 else "case_state", args,
             catalogue=f"{kz}/catalogue.json")

    # Merging two devices' logs of the case corpus's story.
    case("merge_same_log", "tests/cases", "merge",
         {"a": f"@{UP}cases/plan_and_referrals/events.jsonl", "b": f"@{UP}cases/plan_and_referrals/events.jsonl"},
         catalogue="tests/cases/catalogue.json")
    case("merge_prefix_and_whole", "tests/cases", "merge",
         {"a": f"@{UP}cases/escalation_not_yet/events.jsonl", "b": f"@{UP}cases/plan_and_referrals/events.jsonl"},
         catalogue="tests/cases/catalogue.json")

    # Providers for every need of an assessment result (`providers --result`).
    prov = {"catalogue": "tests/providers/catalogue.json", "ratings": "tests/providers/ratings.json"}
    case("providers_for_result_north", "tests/providers", "providers_for_result",
         {"result": '{"assessment": "frailty", "needs": ["home_help", "company"], "risk": null}',
          "region": "north"}, **prov)
    case("providers_for_result_no_needs_list", "tests/providers", "providers_for_result",
         {"result": '{"assessment": "frailty", "scores": {}}'}, **prov)
    case("providers_map_no_catalogue", "tests/providers", "needs_map",
         {"results": f"@{UP}providers/map/results.jsonl"})

    # Caseloads: several logs of the case corpus on one date (`accord caseload`).
    def logs(*names):
        return {n: f"@{UP}cases/{n}/events.jsonl" for n in names}
    cases_cat = {"catalogue": "tests/cases/catalogue.json"}
    case("caseload_three_cases", "tests/cases", "caseload",
         {"cases": logs("missed_deadline_escalation", "plan_and_referrals", "school_notice_to_closure"),
          "as_of": "2025-06-01"}, **cases_cat)
    case("caseload_closing_ways", "tests/cases", "caseload",
         {"cases": logs("flow_back_to_plan", "flow_closed_as_withdrawn", "school_notice_to_closure"),
          "as_of": "2025-06-01"}, **cases_cat)
    case("caseload_case_manager_with_a_broken_log", "tests/cases", "caseload",
         {"cases": logs("missed_deadline_escalation", "plan_and_referrals", "reject_malformed_lines",
                        "reject_no_consent"),
          "as_of": "2025-04-01", "role": "case_manager"}, **cases_cat)
    case("caseload_not_an_object", "tests/cases", "caseload",
         {"cases": '["missed_deadline_escalation"]', "as_of": "2025-06-01"}, **cases_cat)
    case("caseload_bad_date", "tests/cases", "caseload",
         {"cases": logs("plan_and_referrals"), "as_of": "1 June 2025"}, **cases_cat)
    # A caseload in the ruleset's second language (`accord caseload --lang ru`):
    # the agenda's labels from the `[ru: …]` translations (README).
    opened = ('{"type": "opened", "at": "2026-03-02", "by": "coordinator", "protocol": "out_of_school", '
              '"case": "%s", "subject": {"age": 9, "in_school": false}}\n')
    case("caseload_agencies_lang", "tests/corpus/valid/protocol_agencies", "caseload",
         {"cases": {"c-1": opened % "c-1",
                    "c-2": opened % "c-2" + '{"type": "completed", "at": "2026-03-03", "by": "coordinator", '
                                            '"step": "notify"}\n'},
          "as_of": "2026-03-16", "lang": "ru"})

    # A ruleset that does not load: every call reports its diagnostics.
    case("load_invalid_ruleset", "tests/conformance/cases/check_invalid_duplicate_declaration", "load")

    kept = sorted(before - GENERATED)
    print(f"{len(GENERATED)} cases written; {len(kept)} kept as they are (written by hand):")
    for name in kept:
        print(f"  {name}")


if __name__ == "__main__":
    main()
