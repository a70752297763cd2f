//! `accord assess` as scripts see it: the report on stdout, bad answers as errors
//! with exit 1, the questionnaire as a form.

use std::fs;

use serde_json::Value;

mod common;
use common::{accord, brief, code, repo, scratch, stderr, stdout};

#[test]
fn partial_answers_give_the_briefs_fields_and_what_to_ask_next() {
    let dir = scratch("assess-partial");
    let answers = dir.join("a.json");
    fs::write(
        &answers,
        r#"{"health_concern": 1, "speech_delay": true, "basic_care": 2}"#,
    )
    .unwrap();
    let out = accord(&[
        "assess",
        &brief(),
        "--assessment",
        "child_wellbeing",
        "--answers",
        answers.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["assessment"], "child_wellbeing");
    assert_eq!(v["scores"]["development"], "3");
    assert!(v["scores"]["total"].is_null());
    assert_eq!(v["score_ranges"]["total"]["min"], "5");
    assert_eq!(v["score_ranges"]["total"]["max"], "10");
    // points(parenting) = 2 already: established although two questions are open.
    assert_eq!(
        v["needs"],
        serde_json::json!(["speech_therapy", "family_counselling"])
    );
    assert_eq!(
        v["possible_needs"],
        serde_json::json!(["social_benefit_check"])
    );
    assert!(v["risk"].is_null());
    assert_eq!(v["possible_risks"], serde_json::json!(["high", "medium"]));
    assert_eq!(
        v["unanswered"],
        serde_json::json!(["housing", "income_problem"])
    );
    assert_eq!(v["next_questions"][0]["question"], "income_problem");
}

#[test]
fn bad_answers_exit_1_with_every_error() {
    let dir = scratch("assess-bad");
    let answers = dir.join("a.json");
    fs::write(
        &answers,
        r#"{"speech_delay": "often", "health_concern": 9, "mood": 1}"#,
    )
    .unwrap();
    let path = answers.to_str().unwrap();
    let out = accord(&[
        "assess",
        &brief(),
        "--assessment",
        "child_wellbeing",
        "--answers",
        path,
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The facade's error, as every binding gives it.
    assert_eq!(v["kind"], "input", "{v}");
    let codes: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["A0005", "A0004", "A0003"]);
    // The readable form names the question; no answer is repeated.
    let out = accord(&[
        "assess",
        &brief(),
        "--assessment",
        "child_wellbeing",
        "--answers",
        path,
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("A0004 at `speech_delay`"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("often"), "{}", stderr(&out));
}

#[test]
fn a_missing_assessment_or_file_is_an_error_not_a_panic() {
    let out = accord(&["assess", &brief(), "--assessment", "child", "--form"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("did you mean `child_wellbeing`?"),
        "{}",
        stderr(&out)
    );
    let out = accord(&[
        "assess",
        &brief(),
        "--assessment",
        "child_wellbeing",
        "--answers",
        "/nonexistent.json",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let out = accord(&["assess", &brief(), "--assessment", "child_wellbeing"]);
    assert_eq!(code(&out), 2, "--answers or --form is required");
}

#[test]
fn the_form_has_every_question_with_labels_in_every_language() {
    let out = accord(&[
        "assess",
        &brief(),
        "--assessment",
        "child_wellbeing",
        "--form",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let langs = v["languages"].as_array().unwrap().clone();
    assert!(!langs.is_empty());
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 3);
    let first = &sections[0]["questions"][0];
    assert_eq!(first["question"], "health_concern");
    assert_eq!(first["type"], "scale");
    assert_eq!(first["min"], 0);
    assert_eq!(first["max"], 3);
    assert_eq!(first["options"].as_array().unwrap().len(), 4);
    for lang in &langs {
        assert!(first["label"][lang.as_str().unwrap()].is_string());
    }
    assert_eq!(
        v["risk_levels"],
        serde_json::json!(["high", "medium", "low"])
    );
}

#[test]
fn the_assessment_may_be_left_out_when_the_ruleset_has_one() {
    let tartu = repo().join("examples/tartu");
    let answers = tartu.join("assessments/child_wellbeing/liis_urgent.json");
    let out = accord(&[
        "assess",
        tartu.to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
        "--lang",
        "et",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Lapse heaolu hindamine (child_wellbeing)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("risk: high Kõrge"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn providers_and_plan_from_the_command_line() {
    let tartu = repo().join("examples/tartu");
    let t = tartu.to_str().unwrap();
    let cat = tartu.join("catalogue.json");
    let out = accord(&[
        "providers",
        t,
        "--catalogue",
        cat.to_str().unwrap(),
        "--need",
        "family_counselling",
        "--region",
        "elva",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["providers"][0]["id"], "tartumaa-tugikeskus");
    let out = accord(&[
        "providers",
        t,
        "--catalogue",
        cat.to_str().unwrap(),
        "--need",
        "nothing",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("P0011"), "{}", stderr(&out));
    let results = tartu.join("assessments/child_wellbeing/results.jsonl");
    let out = accord(&[
        "plan",
        t,
        "--catalogue",
        cat.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("region,need,people,capacity,gap,providers,shared\n"));
    let dir = scratch("bad-catalogue");
    let bad = dir.join("c.json");
    fs::write(&bad, r#"{"providers": [{"id": "x"}]}"#).unwrap();
    let out = accord(&[
        "providers",
        t,
        "--catalogue",
        bad.to_str().unwrap(),
        "--need",
        "leisure",
    ]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("P0004 at `providers[0].name`"),
        "{}",
        stderr(&out)
    );
}

/// `--cases`: the survey of `survey_rates_providers` (4.5) rates
/// `home_care_north`, (15 + 4.5) / 6 = 3.25; the refused log of
/// `reject_survey_no_rating` is a warning naming its code, and skipped.
#[test]
fn providers_rated_from_case_logs() {
    let cases = repo().join("tests/cases");
    let out = accord(&[
        "providers",
        cases.join("ruleset.accord").to_str().unwrap(),
        "--catalogue",
        cases.join("catalogue.json").to_str().unwrap(),
        "--need",
        "home_care",
        "--region",
        "north",
        "--cases",
        cases.join("survey_rates_providers").to_str().unwrap(),
        cases.join("reject_survey_no_rating").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["providers"][0]["id"], "home_care_north");
    assert_eq!(v["providers"][0]["rating"], "3.25");
    assert_eq!(v["providers"][0]["votes"], 1);
    let err = stderr(&out);
    assert!(
        err.contains("reject_survey_no_rating/events` skipped: line 9: C0063"),
        "{err}"
    );
}
