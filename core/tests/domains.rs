//! Fact domains (language reference §6.4, §11.1): the JSON Schema says them,
//! the facts document is held to them (F0010, at its path, never echoing the
//! value), and both evaluators — the row machine and the certain path, one
//! document at a time and in a batch — decide from them what every value of
//! the domain decides alike. Every expected result is worked out by hand
//! beside it.

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

/// `limit` is 100 000; `half` the income per member at most 60 000.
const RULES: &str = r#"ruleset domains { currency AMD }

entity Household {
  members: list of Person
  let total = sum(members.monthly_income)
}

entity Person {
  monthly_income: Money >= 0 "Monthly income"
  age: Integer in 0..130 "Age"
  hours: Decimal > 0
  debts: Decimal < 10
  name: Text
}

parameter limit: Money { from 2020-01-01: 100_000 }

program low_income {
  for Household
  eligible when total <= limit
}

program per_member {
  for Household
  eligible when sum(members.monthly_income) / count(members) <= 60_000
}

program has_member_of_any_age {
  for Household
  eligible when any members where age >= 0
}

program ages_in_range {
  for Person
  eligible when age in 0..200
}
"#;

/// The same ruleset without any domain.
fn without_domains() -> String {
    RULES
        .replace("Money >= 0", "Money")
        .replace("Integer in 0..130", "Integer")
        .replace("Decimal > 0", "Decimal")
        .replace("Decimal < 10", "Decimal")
}

fn engine(source: &str) -> Engine {
    Engine::compile(vec![SourceFile::new("domains.accord", source)]).unwrap()
}

type Row = (String, String, Status, Vec<String>);

/// Every result of `json` by the row machine, checked against the certain
/// path alone and in a batch (they must agree, missing facts included).
fn screen(engine: &Engine, json: &str) -> Vec<Row> {
    let date = jiff::civil::date(2025, 3, 1);
    let facts = engine.facts_from_json(json).unwrap();
    let mut rows = engine.session(date);
    rows.set_certain_path(false);
    let expected = full(&rows.evaluate(&facts));
    let mut certain = engine.session(date);
    assert!(certain.has_certain_path());
    assert_eq!(full(&certain.evaluate(&facts)), expected, "certain path");
    // A document whose results are all decided is settled by the certain
    // path, domains or not: it never gives up on what the row machine decides.
    let decided = expected.iter().all(|r| r.2 != Status::Undetermined);
    assert_eq!(certain.settled_by_certain_path(), u64::from(decided));
    let docs = vec![facts.clone(), facts];
    let mut batch = engine.session(date);
    let many = batch.evaluate_many(&docs);
    for i in 0..2 {
        assert_eq!(full(&many.get(i).unwrap()), expected, "batch, document {i}");
    }
    expected
        .into_iter()
        .map(|(p, s, st, _, miss)| (p, s, st, miss))
        .collect()
}

fn row(program: &str, subject: &str, status: Status, missing: &[&str]) -> Row {
    (
        program.to_string(),
        subject.to_string(),
        status,
        missing.iter().map(|m| m.to_string()).collect(),
    )
}

#[test]
fn an_income_above_the_limit_and_one_unknown_is_decided() {
    use Status::{Eligible, Ineligible, Undetermined};
    // members[0] earns 150 000; members[1]'s income and age are unknown.
    let json = r#"{"members": [{"monthly_income": 150000, "age": 40}, {}]}"#;
    // With `Money >= 0`: total ∈ 150 000 + [0, ∞) = [150 000, ∞), all above
    // 100 000, so `total <= limit` is false: ineligible, nothing to ask.
    // The income per member ∈ [150 000, ∞) / 2 = [75 000, ∞), above 60 000:
    // ineligible. members[1].age ∈ [0, 130], so `age >= 0` holds for it (and
    // for members[0], 40): eligible; and `age in 0..200` holds for both.
    assert_eq!(
        screen(&engine(RULES), json),
        vec![
            row("low_income", "", Ineligible, &[]),
            row("per_member", "", Ineligible, &[]),
            row("has_member_of_any_age", "", Eligible, &[]),
            row("ages_in_range", "members[0]", Eligible, &[]),
            row("ages_in_range", "members[1]", Eligible, &[]),
        ]
    );
    // Without domains, the unknown income could be −60 000: undetermined, and
    // the screener would ask for it. `any … age >= 0` is already true thanks
    // to members[0] (40); members[1]'s `age in 0..200` is undetermined.
    let income = "members[1].monthly_income";
    assert_eq!(
        screen(&engine(&without_domains()), json),
        vec![
            row("low_income", "", Undetermined, &[income]),
            row("per_member", "", Undetermined, &[income]),
            row("has_member_of_any_age", "", Eligible, &[]),
            row("ages_in_range", "members[0]", Eligible, &[]),
            row(
                "ages_in_range",
                "members[1]",
                Undetermined,
                &["members[1].age"]
            ),
        ]
    );
}

#[test]
fn a_domain_that_does_not_decide_leaves_the_question() {
    use Status::{Eligible, Undetermined};
    // members[0] earns 50 000: total ∈ [50 000, ∞) straddles 100 000, and the
    // income per member ∈ [25 000, ∞) straddles 60 000: both undetermined on
    // members[1]'s income. members[0]'s age is unknown too, but `any` only
    // needs one member: members[1]'s age, unknown, lies in [0, 130], so
    // `age >= 0` holds for both — eligible, nothing missing.
    let json = r#"{"members": [{"monthly_income": 50000}, {"name": "x"}]}"#;
    let income = "members[1].monthly_income";
    assert_eq!(
        screen(&engine(RULES), json),
        vec![
            row("low_income", "", Undetermined, &[income]),
            row("per_member", "", Undetermined, &[income]),
            row("has_member_of_any_age", "", Eligible, &[]),
            row("ages_in_range", "members[0]", Eligible, &[]),
            row("ages_in_range", "members[1]", Eligible, &[]),
        ]
    );
}

#[test]
fn the_json_schema_gives_the_bounds() {
    let r = Ruleset::load(vec![SourceFile::new("domains.accord", RULES)]).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&r.schema(None).unwrap()).unwrap();
    let person = &schema["$defs"]["Person"]["properties"];
    // Each fact is `anyOf: [its type, null]`; the bounds are on its type.
    let of = |name: &str| person[name]["anyOf"][0].clone();
    assert_eq!(of("monthly_income")["minimum"], serde_json::json!(0));
    assert!(of("monthly_income").get("maximum").is_none());
    assert_eq!(of("age")["minimum"], serde_json::json!(0));
    assert_eq!(of("age")["maximum"], serde_json::json!(130));
    // `> 0` and `< 10` are exclusive.
    assert_eq!(of("hours")["exclusiveMinimum"], serde_json::json!(0));
    assert!(of("hours").get("minimum").is_none());
    assert_eq!(of("debts")["exclusiveMaximum"], serde_json::json!(10));
    assert!(of("name").get("minimum").is_none());
}

/// A value that must never appear in an error, and its leading digits.
const SENTINELS: [&str; 2] = ["918273645", "9182736"];

fn clean(text: &str) {
    for s in SENTINELS {
        assert!(!text.contains(s), "an error echoes the value:\n{text}");
    }
}

#[test]
fn a_value_outside_its_domain_is_refused_at_its_path_without_echo() {
    let engine = engine(RULES);
    // Each: the document, the path of its one error, the domain its help names.
    let cases = [
        (
            r#"{"members": [{"age": 918273645}]}"#,
            "members[0].age",
            "in 0..130",
        ),
        (
            r#"{"members": [{}, {"monthly_income": "-918273645.50"}]}"#,
            "members[1].monthly_income",
            ">= 0",
        ),
        // `> 0` excludes 0 itself; `< 10` excludes 10.
        (r#"{"members": [{"hours": 0}]}"#, "members[0].hours", "> 0"),
        (
            r#"{"members": [{"debts": 10}]}"#,
            "members[0].debts",
            "< 10",
        ),
    ];
    for (json, path, domain) in cases {
        let e = engine.facts_from_json(json).unwrap_err();
        assert_eq!(e.errors.len(), 1, "{json}: {e}");
        let err = &e.errors[0];
        assert_eq!(err.code.as_str(), "F0010", "{json}");
        assert_eq!(err.path, path);
        let help = err.help.clone().unwrap();
        assert!(help.contains(domain), "{json}: help {help:?}");
        clean(&err.message);
        clean(&help);
    }
    // The ends of an inclusive domain are in it.
    for json in [
        r#"{"members": [{"age": 0, "monthly_income": 0}]}"#,
        r#"{"members": [{"age": 130, "hours": 0.5, "debts": -3}]}"#,
    ] {
        assert!(engine.facts_from_json(json).is_ok(), "{json}");
    }
    // Through the facade: an answer, a screening, a registry line.
    let r = Ruleset::load(vec![SourceFile::new("domains.accord", RULES)]).unwrap();
    let e = r
        .answer(r#"{"members": [{}]}"#, "members[0].age", "918273645")
        .unwrap_err();
    assert_eq!(e.code(), "F0010");
    clean(&e.to_json());
    let e = r
        .screen(r#"{"members": [{"age": 918273645}]}"#, "2025-03-01", None)
        .unwrap_err();
    assert_eq!(e.code(), "F0010");
    clean(&e.to_json());
    let lines = "{\"members\": [{\"age\": 40}]}\n{\"members\": [{\"age\": 918273645}]}\n";
    let out = r.screen_jsonl(lines, "2025-03-01", false, None).unwrap();
    let second = out.lines().nth(1).unwrap();
    assert!(
        second.contains("F0010") && second.contains("members[0].age"),
        "{second}"
    );
    clean(&out);
}

/// `if C then A else B` with `C` unknown (language reference §11.1).
const IFS: &str = r#"ruleset ifs { currency AMD }

entity Household {
  flag: Boolean
  rent: Money
  income: Money >= 0
}

parameter base: Money { from 2020-01-01: 1_000 }

program same_constant { for Household eligible when true amount = if flag then 100 else 100 }
program same_parameter { for Household eligible when true amount = if flag then base else base }
program same_known_value { for Household eligible when true amount = if flag then rent * 2 else rent + rent }
program different { for Household eligible when true amount = if flag then 100 else 200 }
program scale_differs { for Household eligible when true amount = if flag then rent else rent * 1.0 }
program unknown_branches { for Household eligible when true amount = if flag then income else income }
program same_truth { for Household eligible when if flag then true else true }
"#;

#[test]
fn an_if_whose_branches_agree_does_not_need_its_condition() {
    use Status::Eligible;
    // `flag` and `income` are unknown; `rent` is 300.50.
    let engine = engine(IFS);
    let facts = engine.facts_from_json(r#"{"rent": "300.50"}"#).unwrap();
    let date = jiff::civil::date(2025, 3, 1);
    let got = full(&engine.session(date).evaluate(&facts));
    let mut rows = engine.session(date);
    rows.set_certain_path(false);
    assert_eq!(full(&rows.evaluate(&facts)), got, "row machine");
    let amount = |a: Option<&str>, missing: &[&str]| {
        (
            Eligible,
            a.map(str::to_string),
            missing.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
        )
    };
    let expected = vec![
        // Both branches 100 whatever `flag` is: 100, nothing to ask.
        amount(Some("100"), &[]),
        // Both the parameter in force, 1 000.
        amount(Some("1000"), &[]),
        // 300.50 × 2 = 601.00 and 300.50 + 300.50 = 601.00, the same scale.
        amount(Some("601.00"), &[]),
        // 100 or 200: `flag` decides.
        amount(None, &["flag"]),
        // 300.50 or 300.500: equal numbers written differently, so a completion
        // could give either text: unknown, `flag` asked.
        amount(None, &["flag"]),
        // The same unknown income either way: not one known value.
        amount(None, &["flag"]),
        // `true` either way (no amount).
        amount(None, &[]),
    ];
    let got: Vec<_> = got.into_iter().map(|(_, _, s, a, m)| (s, a, m)).collect();
    assert_eq!(got, expected);
}
