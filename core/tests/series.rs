//! Monthly series (language reference §6.5): facts with one value per month,
//! read over the complete calendar months before the as-of month. The facts
//! document is held to the `YYYY-MM` keys and to the domain per month (at the
//! month's path, never echoing the value); each unknown month is a missing fact
//! of its own, answered through the facade at its path; `test` blocks give
//! series; the row machine and the certain path (alone and in a batch) agree.
//! Every expected result is worked out by hand beside it.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod support {
    pub mod eval;
}

use accord_core::facade::Ruleset;
use accord_core::{Engine, SourceFile, Status};
use support::eval::full;

/// As of 2026-03-15 the last 3 months are 2025-12, 2026-01 and 2026-02.
const RULES: &str = r#"ruleset series { currency AMD }

entity Household {
  members: list of Person
  let total_recent = sum(members.recent)
}

entity Person {
  income: monthly Money >= 0 "Income"
  hours: monthly Integer
  let recent = sum_last(income, 3 months)
}

program low_income {
  for Person
  eligible when sum_last(income, 3 months) <= 300_000
  amount = average_last(income, 3 months)
}

program worked_every_month {
  for Person
  eligible when min_last(hours, 2 months) >= 80
}

test "three months" {
  as of 2026-03-15
  given Household {
    members: [
      { income: monthly { 2025-12: 100_000, 2026-01: 100_000, 2026-02: 90_000, 2026-03: 999_999 },
        hours: monthly { 2026-01: 80, 2026-02: 120 } },
      { income: monthly { 2025-12: 200_000, 2026-01: unknown, 2026-02: 150_000 } }
    ]
  }
  // 100 000 + 100 000 + 90 000 = 290 000 <= 300 000; the average 96 666.67 is
  // not a whole amount: 290 000 / 3. March 2026 is not read.
  expect low_income for members[0] eligible
  expect members[0].recent = 290_000
  // 200 000 + unknown + 150 000 >= 350 000 > 300 000 (income >= 0).
  expect low_income for members[1] ineligible
  expect members[1].recent = unknown
  // 2026-01: 80, 2026-02: 120: the lowest is 80 >= 80.
  expect worked_every_month for members[0] eligible
  expect worked_every_month for members[1] undetermined
}
"#;

fn engine() -> Engine {
    Engine::compile(vec![SourceFile::new("series.accord", RULES)]).unwrap()
}

fn date() -> jiff::civil::Date {
    jiff::civil::date(2026, 3, 15)
}

type Row = (String, String, Status, Option<String>, Vec<String>);

/// Every result by the row machine, checked against the certain path alone
/// and in a batch.
fn screen(engine: &Engine, json: &str) -> Vec<Row> {
    let facts = engine.facts_from_json(json).unwrap();
    let mut rows = engine.session(date());
    rows.set_certain_path(false);
    let expected = full(&rows.evaluate(&facts));
    let mut certain = engine.session(date());
    assert!(certain.has_certain_path());
    assert_eq!(full(&certain.evaluate(&facts)), expected, "certain path");
    let docs = vec![facts.clone(), facts];
    let mut batch = engine.session(date());
    let many = batch.evaluate_many(&docs);
    for i in 0..2 {
        assert_eq!(full(&many.get(i).unwrap()), expected, "batch, document {i}");
    }
    expected
}

#[test]
fn the_tests_of_the_ruleset_pass() {
    let r = Ruleset::load(vec![SourceFile::new("series.accord", RULES)]).unwrap();
    let report = r.run_tests_report();
    assert!(report.passed(), "{}", report.to_json());
    assert_eq!(report.tests[0].expectations, 6);
}

#[test]
fn the_months_before_the_as_of_month_are_read() {
    let engine = engine();
    let json = r#"{"members": [
        {"income": {"2025-12": 100000, "2026-01": 100000, "2026-02": 90000, "2026-03": 999999},
         "hours": {"2026-01": 80, "2026-02": 120}},
        {"income": {"2025-12": 200000, "2026-01": null, "2026-02": 150000}, "hours": {"2026-02": 200}},
        {"income": {"2025-11": 5, "2026-02": "0.30"}, "hours": {"2026-01": 79, "2026-02": null}}
    ]}"#;
    let rows = screen(&engine, json);
    let s = |p: &str, i: usize| {
        rows.iter()
            .find(|r| r.0 == p && r.1 == format!("members[{i}]"))
            .unwrap()
            .clone()
    };
    // members[0]: 290 000 <= 300 000, amount 290 000 / 3 = 96 666.666…
    let r = s("low_income", 0);
    assert_eq!(r.2, Status::Eligible);
    assert!(r.3.as_deref().unwrap().starts_with("96666.666"), "{r:?}");
    // members[1]: at least 350 000: ineligible, nothing asked.
    assert_eq!(s("low_income", 1).2, Status::Ineligible);
    assert!(s("low_income", 1).4.is_empty());
    // members[2]: 2025-12 and 2026-01 left out (2025-11 is outside the window),
    // 0.30 known: at least 0.30, undetermined; the two months asked, in order.
    let r = s("low_income", 2);
    assert_eq!(r.2, Status::Undetermined);
    assert_eq!(
        r.4,
        ["members[2].income[2025-12]", "members[2].income[2026-01]"]
    );
    // hours (no domain): members[0] min(80, 120) = 80 >= 80; members[1] has
    // 2026-01 unknown and 2026-02 200: the lowest is at most 200, which does
    // not decide `>= 80`, so 2026-01 is asked; members[2] has 2026-01 79 and
    // 2026-02 null: the lowest is at most 79 < 80 whatever 2026-02 is:
    // ineligible, nothing asked.
    assert_eq!(s("worked_every_month", 0).2, Status::Eligible);
    assert_eq!(s("worked_every_month", 1).2, Status::Undetermined);
    assert_eq!(s("worked_every_month", 1).4, ["members[1].hours[2026-01]"]);
    assert_eq!(s("worked_every_month", 2).2, Status::Ineligible);
    assert!(s("worked_every_month", 2).4.is_empty());
}

/// Values that must never appear in an error.
const SENTINELS: [&str; 2] = ["918273645", "2025-13"];

#[test]
fn a_series_is_refused_at_its_path_without_echo() {
    let engine = engine();
    // Each: the document, the code and path of its one error.
    let cases = [
        (
            r#"{"members": [{"income": {"2025-01": -918273645}}]}"#,
            "F0010",
            "members[0].income[2025-01]",
        ),
        (
            r#"{"members": [{"income": {"2025-13": 918273645}}]}"#,
            "F0017",
            "members[0].income",
        ),
        (
            r#"{"members": [{"income": {"2025-01": 1, "2025-01": 2}}]}"#,
            "F0017",
            "members[0].income[2025-01]",
        ),
        (
            r#"{"members": [{"income": {"2025-01": true}}]}"#,
            "F0004",
            "members[0].income[2025-01]",
        ),
        (
            r#"{"members": [{"income": [918273645]}]}"#,
            "F0004",
            "members[0].income",
        ),
        (
            r#"{"members": [{"hours": {"2025-01": 1.5}}]}"#,
            "F0004",
            "members[0].hours[2025-01]",
        ),
        // 1900-01 to 2025-01: more than 1 200 months.
        (
            r#"{"members": [{"income": {"1900-01": 0, "2025-01": 0}}]}"#,
            "F0018",
            "members[0].income",
        ),
    ];
    for (json, code, path) in cases {
        let e = engine.facts_from_json(json).unwrap_err();
        assert_eq!(e.errors.len(), 1, "{json}: {e}");
        assert_eq!(e.errors[0].code.as_str(), code, "{json}");
        assert_eq!(e.errors[0].path, path, "{json}");
        let text = e.to_string();
        for s in SENTINELS {
            assert!(!text.contains(s), "an error echoes the value:\n{text}");
        }
    }
    // 100 years exactly (1 200 months, 1925-02 to 2025-01) is accepted.
    assert!(engine
        .facts_from_json(r#"{"members": [{"income": {"1925-02": 0, "2025-01": 0}}]}"#)
        .is_ok());
}

#[test]
fn a_month_is_asked_and_answered_at_its_path() {
    let r = Ruleset::load(vec![SourceFile::new("series.accord", RULES)]).unwrap();
    let facts = r#"{"members": [{"income": {"2025-12": 100000, "2026-02": 90000}}]}"#;
    let report: serde_json::Value =
        serde_json::from_str(&r.screen(facts, "2026-03-15", None).unwrap()).unwrap();
    // The one month missing for low_income comes first (it decides 1 result,
    // and appears before the hours, which also decide 1 each).
    let q = &report["next_questions"][0];
    assert_eq!(q["path"], "members[0].income[2026-01]");
    assert_eq!(q["type"], "Money");
    // Asked by the series' label and the month.
    assert_eq!(q["label"], "Income, 2026-01");
    // Answering it fills the month: 100 000 + 50 000 + 90 000 = 240 000.
    let answered = r
        .answer(facts, "members[0].income[2026-01]", "50000")
        .unwrap();
    assert!(answered.contains(r#""2026-01":50000"#), "{answered}");
    let report: serde_json::Value =
        serde_json::from_str(&r.screen(&answered, "2026-03-15", None).unwrap()).unwrap();
    assert_eq!(report["results"][0]["status"], "eligible");
    assert_eq!(report["results"][0]["amount"], "80000");
    // A series not given yet: the answer creates it.
    let answered = r
        .answer(r#"{"members": [{}]}"#, "members[0].hours[2026-02]", "100")
        .unwrap();
    assert_eq!(answered, r#"{"members":[{"hours":{"2026-02":100}}]}"#);
    // A month answered outside the domain is refused at its path.
    let e = r
        .answer(facts, "members[0].income[2026-01]", "-918273645")
        .unwrap_err();
    assert_eq!(e.code(), "F0010");
    assert!(!e.to_json().contains("918273645"));
}

#[test]
fn the_json_schema_describes_months() {
    let r = Ruleset::load(vec![SourceFile::new("series.accord", RULES)]).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&r.schema(None).unwrap()).unwrap();
    let income = &schema["$defs"]["Person"]["properties"]["income"]["anyOf"][0];
    assert_eq!(income["type"], "object");
    assert_eq!(income["x-accord-type"], "monthly");
    assert_eq!(income["additionalProperties"], false);
    let month = &income["patternProperties"]["^[0-9]{4}-(0[1-9]|1[0-2])$"]["anyOf"];
    // The domain `>= 0` is each month's.
    assert_eq!(month[0]["minimum"], 0);
    assert_eq!(month[1]["type"], "null");
    assert!(income.get("minimum").is_none());
}

#[test]
fn complete_series_are_settled_by_the_certain_path() {
    let engine = engine();
    let json = r#"{"members": [
        {"income": {"2025-12": 100000, "2026-01": 100000, "2026-02": 90000},
         "hours": {"2026-01": 80, "2026-02": 120}},
        {"income": {"2025-12": 1, "2026-01": 2, "2026-02": 3}, "hours": {"2026-01": 1, "2026-02": 200}}
    ]}"#;
    let facts = engine.facts_from_json(json).unwrap();
    let mut session = engine.session(date());
    let decided = session
        .evaluate(&facts)
        .results()
        .all(|r| r.status != Status::Undetermined);
    assert!(decided);
    assert_eq!(session.settled_by_certain_path(), 1);
}
