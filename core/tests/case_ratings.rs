//! `Ruleset::add_case_ratings` (`accord providers --cases`): the ratings that
//! `rates providers` surveys recorded in cases add to the providers' ratings;
//! a log that cannot be replayed is skipped with its error. Every expected
//! number is worked out by hand beside it.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::PathBuf;

use accord_core::facade::Ruleset;
use accord_core::SourceFile;
use serde_json::{json, Value};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/cases")
}

fn ruleset() -> Ruleset {
    let dir = cases_dir();
    let text = fs::read_to_string(dir.join("ruleset.accord")).unwrap();
    let mut r = Ruleset::load(vec![SourceFile::new("ruleset.accord", text)]).unwrap();
    r.set_catalogue(&fs::read_to_string(dir.join("catalogue.json")).unwrap())
        .unwrap();
    r
}

fn log(case: &str) -> String {
    fs::read_to_string(cases_dir().join(case).join("events.jsonl")).unwrap()
}

/// `survey_rates_providers` (the survey answered 5 and 4: 4.5 for
/// `home_care_north`, the one provider the case used), `reject_survey_no_rating`
/// (refused at line 9, C0063) and a log that is not JSON (C0001 at line 1).
fn cases() -> String {
    json!({
        "survey": log("survey_rates_providers"),
        "broken": log("reject_survey_no_rating"),
        "unreadable": "not json\n",
    })
    .to_string()
}

fn north_home_care(r: &Ruleset) -> Value {
    let report: Value =
        serde_json::from_str(&r.providers("home_care", Some("north"), None).unwrap()).unwrap();
    report["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "home_care_north")
        .unwrap()
        .clone()
}

#[test]
fn a_survey_in_a_case_rates_the_provider_and_bad_logs_are_skipped() {
    let mut r = ruleset();
    let added: Value = serde_json::from_str(&r.add_case_ratings(&cases()).unwrap()).unwrap();
    // Cases in name order: `broken` and `unreadable` skipped, `survey` rated.
    assert_eq!(added["cases"], 1);
    assert_eq!(
        added["rated"],
        json!([{"case": "survey", "provider": "home_care_north", "service": "home_care",
                "score": "4.5", "step": "survey"}])
    );
    let skipped: Vec<(&str, &str, u64)> = added["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["case"].as_str().unwrap(),
                s["error"]["code"].as_str().unwrap(),
                s["error"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [("broken", "C0063", 9), ("unreadable", "C0001", 1)]
    );
    // One vote of 4.5 from five of 3: (15 + 4.5) / 6 = 3.25. Per question:
    // respect 5 → (15 + 5) / 6 = 3.33; helpful 4 → (15 + 4) / 6 = 3.17.
    let north = north_home_care(&r);
    assert_eq!(north["rating"], "3.25");
    assert_eq!(north["votes"], 1);
    assert_eq!(north["mean"], "4.5");
    assert_eq!(
        north["by_question"],
        json!([
            {"question": "respect", "label": "I was treated with respect", "rating": "3.33", "votes": 1, "mean": "5"},
            {"question": "helpful", "label": "The service helped me", "rating": "3.17", "votes": 1, "mean": "4"}
        ])
    );
}

#[test]
fn case_ratings_add_to_a_ratings_file() {
    let mut r = ruleset();
    r.set_ratings(
        &json!({"ratings": [{"provider": "home_care_north", "service": "home_care", "score": 2}]})
            .to_string(),
    )
    .unwrap();
    r.add_case_ratings(&cases()).unwrap();
    // Votes 2 and 4.5: (15 + 6.5) / 7 = 3.0714… → 3.07; mean 6.5 / 2 = 3.25.
    let north = north_home_care(&r);
    assert_eq!(north["rating"], "3.07");
    assert_eq!(north["votes"], 2);
    assert_eq!(north["mean"], "3.25");
}

#[test]
fn case_ratings_need_a_catalogue() {
    let dir = cases_dir();
    let text = fs::read_to_string(dir.join("ruleset.accord")).unwrap();
    let mut r = Ruleset::load(vec![SourceFile::new("ruleset.accord", text)]).unwrap();
    let e = r.add_case_ratings(&cases()).unwrap_err();
    assert_eq!(e.problems[0].code, "U0008");
}
