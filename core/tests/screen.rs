//! Screening through the facade: the examples' test blocks pass, facts are
//! validated with paths, and partial facts give missing facts and next questions.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod support {
    pub mod eval;
}

use accord_core::{Engine, ScreenOptions, SourceFile, Status};

fn load_dir(dir: &str) -> Vec<SourceFile> {
    support::eval::load_dir(&support::eval::repo().join(dir))
}

#[test]
fn brief_example_tests_pass() {
    let engine = Engine::compile(load_dir("examples/brief")).unwrap();
    let report = engine.run_tests();
    assert!(report.passed(), "{}", report.render());
    assert!(!report.tests.is_empty());
}

#[test]
fn armenian_example_tests_pass() {
    let engine = Engine::compile(load_dir("examples/armenia")).unwrap();
    let report = engine.run_tests();
    assert!(report.passed(), "{}", report.render());
    assert!(engine.program_names().count() >= 25);
    let expectations: usize = report.tests.iter().map(|t| t.expectations).sum();
    assert!(expectations >= 50, "{expectations}");
    println!("{}", report.render());
}

#[test]
fn partial_facts_give_missing_facts_and_questions() {
    let engine = Engine::compile(load_dir("examples/brief")).unwrap();
    let facts = engine
        .facts_from_json(
            r#"{"region": "shirak", "members": [{"birth_date": "1950-01-01"}, {"birth_date": "2015-01-10"}]}"#,
        )
        .unwrap();
    let date = jiff::civil::date(2025, 3, 1);
    let report = engine
        .session(date)
        .screen(&facts, &ScreenOptions::default());
    let fb = report
        .results
        .iter()
        .find(|r| r.program == "family_benefit")
        .unwrap();
    assert_eq!(fb.status, Status::Undetermined);
    assert!(
        fb.missing.contains(&"vulnerability_score".to_string()),
        "{:?}",
        fb.missing
    );
    // The fast path lists the same missing facts as the report.
    let mut session = engine.session(date);
    let eval = session.evaluate(&facts);
    for (i, (r, shown)) in eval.results().zip(&report.results).enumerate() {
        assert_eq!(
            (r.program, r.status),
            (shown.program.as_str(), shown.status)
        );
        assert_eq!(eval.missing(i), shown.missing);
    }
    assert!(!report.next_questions.is_empty());
    println!("{}", report.to_json());
}

fn brief() -> Engine {
    Engine::compile(load_dir("examples/brief")).unwrap()
}

fn fact_errors(json: &str) -> Vec<(String, String, String)> {
    let err = brief().facts_from_json(json).unwrap_err();
    err.errors
        .into_iter()
        .map(|e| (e.code.to_string(), e.path, e.message))
        .collect()
}

#[test]
fn facts_errors_name_the_path_and_all_are_reported() {
    let errors = fact_errors(
        r#"{"region": "Shirak", "vulnerability_scor": 3,
            "members": [{"birth_date": "1990-13-01"}, {"monthly_income": true, "age": 4}]}"#,
    );
    let codes: Vec<(&str, &str)> = errors
        .iter()
        .map(|(c, p, _)| (c.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("F0005", "region"),
            ("F0003", "vulnerability_scor"),
            ("F0006", "members[0].birth_date"),
            ("F0004", "members[1].monthly_income"),
            ("F0003", "members[1].age"),
        ],
        "{errors:?}"
    );
    assert!(errors[0].2.contains("the value is not a `Region`"));
    assert!(!errors[0].2.contains("Shirak"));
    assert!(errors[4].2.contains("derived"));
}

#[test]
fn malformed_json_and_wrong_root_are_errors_not_panics() {
    let e = fact_errors(r#"{"region": "shirak", "#);
    assert_eq!(e[0].0, "F0001");
    assert!(e[0].2.contains("line 1"), "{e:?}");
    let e = fact_errors("[1, 2]");
    assert_eq!(e[0].0, "F0002");
    let e = fact_errors(r#"{"members": [null]}"#);
    assert_eq!((e[0].0.as_str(), e[0].1.as_str()), ("F0004", "members[0]"));
}

const MONEY_RULES: &str = r#"
ruleset money { languages en currency AMD }
parameter rate: Decimal { from 2020-01-01: 0.1 }
entity Person { income: Money "Income" }
program rebate "Rebate" {
  for Person
  eligible when income > 0
  amount = income * rate * 3
}
"#;

#[test]
fn money_is_exact_from_numbers_and_strings() {
    let engine = Engine::compile(vec![SourceFile::new("m.accord", MONEY_RULES)]).unwrap();
    let date = jiff::civil::date(2025, 3, 1);
    for income in ["60000.10", "\"60000.10\"", "\"0.30000000000000000001\""] {
        let facts = engine
            .facts_from_json(&format!(r#"{{"income": {income}}}"#))
            .unwrap();
        let report = engine
            .session(date)
            .screen(&facts, &ScreenOptions::default());
        let want = if income.contains("0.3") {
            "0.090000000000000000003"
        } else {
            "18000.03"
        };
        assert_eq!(report.results[0].amount.as_deref(), Some(want), "{income}");
    }
}

#[test]
fn null_and_missing_are_unknown() {
    let engine = brief();
    let a = engine
        .facts_from_json(r#"{"region": null, "members": []}"#)
        .unwrap();
    let b = engine.facts_from_json(r#"{"members": []}"#).unwrap();
    let date = jiff::civil::date(2025, 3, 1);
    let ra = engine.session(date).screen(&a, &ScreenOptions::default());
    let rb = engine.session(date).screen(&b, &ScreenOptions::default());
    assert_eq!(ra, rb);
}

#[test]
fn a_fact_given_twice_is_an_error() {
    let e = fact_errors(r#"{"region": "shirak", "region": "tavush", "members": []}"#);
    assert_eq!(
        (e[0].0.as_str(), e[0].1.as_str()),
        ("F0003", "region"),
        "{e:?}"
    );
    assert!(e[0].2.contains("twice"));
}

/// A ruleset of `lets` definitions, each using the one before inside `ifs`
/// nested `if`s (two levels of nesting each), and a programme using the last.
fn chained_definitions(lets: usize, ifs: usize) -> Engine {
    let mut src =
        String::from("ruleset deep { languages en currency AMD }\nentity H {\n  x: Integer\n");
    for i in 0..lets {
        let mut expr = if i == 0 {
            "x".to_string()
        } else {
            format!("l{}", i - 1)
        };
        for d in 0..ifs {
            expr = format!("(if x > {d} then {expr} + 1 else 0)");
        }
        src.push_str(&format!("  let l{i} = {expr}\n"));
    }
    src.push_str(&format!(
        "}}\nprogram p {{\n  for H\n  eligible when l{} > 0\n}}\n",
        lets - 1
    ));
    Engine::compile(vec![SourceFile::new("deep.accord", src)]).unwrap()
}

/// A long chain of long definitions is an evaluation error, never a stack
/// overflow, within a default (2 MiB) test thread even in a debug build.
#[test]
fn deep_chains_of_definitions_do_not_overflow_the_stack() {
    let engine = chained_definitions(198, 28);
    let facts = engine.facts_from_json(r#"{"x": 100}"#).unwrap();
    let report = engine
        .session(jiff::civil::date(2025, 1, 1))
        .screen(&facts, &ScreenOptions::default());
    let p = &report.results[0];
    assert_eq!(p.status, Status::Undetermined);
    let errors = &p.explanation.as_ref().unwrap().errors;
    assert!(
        errors.iter().any(|e| e.contains("nested too deeply")),
        "{errors:?}"
    );
}

/// An explanation over a large household stays small: at most 64 values per
/// clause (the rest counted), lists shown by their first elements and length.
#[test]
fn explanations_of_large_households_stay_small() {
    let src = r#"
ruleset big { languages en currency AMD }
entity Household { members: list of Person }
entity Person { income: Money "Income" }
program all_earn {
  for Household
  eligible when all members where income > 0
}
"#;
    let engine = Engine::compile(vec![SourceFile::new("big.accord", src)]).unwrap();
    let members: Vec<String> = (0..300)
        .map(|i| format!(r#"{{"income": {}}}"#, i + 1))
        .collect();
    let facts = engine
        .facts_from_json(&format!(r#"{{"members": [{}]}}"#, members.join(",")))
        .unwrap();
    let report = engine
        .session(jiff::civil::date(2025, 1, 1))
        .screen(&facts, &ScreenOptions::default());
    let clause = &report.results[0].explanation.as_ref().unwrap().clauses[0];
    assert_eq!(clause.result, Some(true));
    assert_eq!(clause.values.len(), 64);
    assert!(clause.omitted > 200, "{}", clause.omitted);
    assert!(
        report.to_json().len() < 40_000,
        "{}",
        report.to_json().len()
    );
}

/// The longest chain the certain path takes on (sixteen definitions: fifteen
/// lets and the programme, each nested 62 levels, the parser allowing 64) fits a 1 MiB stack (WebAssembly's) in a debug
/// build: the certain path has no stack check of its own, the chain bound and
/// the nesting limit are what keep it small.
#[test]
fn the_certain_path_fits_a_small_stack() {
    let engine = chained_definitions(15, 31);
    assert!(engine.has_certain_path());
    let facts = engine.facts_from_json(r#"{"x": 100}"#).unwrap();
    let settled = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut session = engine.session(jiff::civil::date(2025, 1, 1));
            let statuses: Vec<Status> = session
                .evaluate(&facts)
                .results()
                .map(|r| r.status)
                .collect();
            (statuses, session.settled_by_certain_path())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(settled, (vec![Status::Eligible], 1));
}

/// `expect PATH.NAME = VALUE`: facts and `let`s of every kind of value, holding
/// and failing. Expected values worked out by hand beside each line.
#[test]
fn value_expectations_compare_facts_and_lets() {
    let text = r#"
ruleset r "R" { currency AMD }
enum Region "Region" { yerevan, shirak }
entity Household "Household" {
  region: Region "Region"
  name: Text "Name"
  members: list of Person "Members"
  let size = count(members)
  let total = sum(members.income)
  let per_member = total / size
  let big = size >= 3
}
entity Person "Person" {
  birth_date: Date "Date of birth"
  income: Money "Income"
  let age = years_between(birth_date, today)
}
program p "P" {
  for Household
  eligible when big
}
test "values" {
  as of 2025-03-01
  given Household {
    region: shirak
    name: "Hakobyan"
    members: [{ birth_date: 1990-05-01, income: 100_000 }, { birth_date: 2020-03-01, income: -1_000 }]
  }
  // Holding: two members; 100_000 + (-1_000) = 99_000; 99_000 / 2 = 49_500
  // (written 49_500.00); 2 >= 3 is false; the facts as given; the first member
  // is 34 (May birthday ahead), the second turned 5 on 2025-03-01.
  expect size = 2
  expect total = 99_000
  expect per_member = 49_500.00
  expect big = false
  expect region = shirak
  expect name = "Hakobyan"
  expect members[1].income = -1_000
  expect members[0].birth_date = 1990-05-01
  expect members[0].age = 34
  expect members[1].age = 5
  expect p ineligible
  // Failing: size is 2; region is shirak; the second member is 5, not unknown;
  // the name is "Hakobyan".
  expect size = 3
  expect region = yerevan
  expect members[1].age = unknown
  expect name = "Hakobian"
}
"#;
    let engine = Engine::compile(vec![SourceFile::new("r.accord", text)]).unwrap();
    let report = engine.run_tests();
    let t = &report.tests[0];
    assert_eq!(t.expectations, 15);
    let got: Vec<(&str, &str, &str)> = t
        .failures
        .iter()
        .map(|f| (f.expect.as_str(), f.expected.as_str(), f.actual.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("size = 3", "3", "2"),
            ("region = yerevan", "yerevan", "shirak"),
            ("members[1].age = unknown", "unknown", "5"),
            ("name = Hakobian", "Hakobian", "Hakobyan"),
        ],
        "{}",
        report.render()
    );
    assert!(t.failures.iter().all(|f| f.explanation.is_none()));
}

/// `explain` shows how each derived value was computed, three levels deep; the
/// screening report keeps the short form. Worked out by hand: gross 1000,
/// deduction 200, tax 100 on 2024-06-01; `taxable` = 1000 - 200 = 800;
/// `net_income` (the 2020 version) = 800 - 100 = 700; `half` = 700 / 2 = 350;
/// `quarter` = 350 / 2 = 175; the amount `quarter + 10` = 185. Three levels under
/// the amount reach `quarter` → `half` → `net_income`, whose `taxable` is listed
/// with its value but not expanded (a fourth level).
#[test]
fn explain_shows_how_derived_values_were_computed() {
    let text = r#"
ruleset r { languages en  currency AMD }
entity Household {
  gross: Money
  tax: Money
  deduction: Money
  let taxable = gross - deduction
  let net_income {
    from 2016-12-01: gross - tax
    from 2020-01-01: taxable - tax
  }
  let half = net_income / 2
  let quarter = half / 2
}
program pension {
  for Household
  eligible when gross > 0
  amount = quarter + 10
}
"#;
    let ruleset = accord_core::Ruleset::load(vec![SourceFile::new("r.accord", text)]).unwrap();
    let facts = r#"{"gross": 1000, "tax": 100, "deduction": 200}"#;
    let report = ruleset
        .explain_report(facts, "2024-06-01", "pension", None)
        .unwrap();
    let amount = report.results[0]
        .explanation
        .as_ref()
        .unwrap()
        .amount
        .as_ref()
        .unwrap();
    assert_eq!(amount.value.as_deref(), Some("185"));
    let quarter = &amount.values[0];
    assert_eq!(
        (quarter.name.as_str(), quarter.value.as_deref()),
        ("quarter", Some("175"))
    );
    let c1 = quarter.computed.as_ref().unwrap();
    assert_eq!(c1.rule, "half / 2");
    let half = &c1.values[0];
    assert_eq!(half.value.as_deref(), Some("350"));
    let c2 = half.computed.as_ref().unwrap();
    assert_eq!(c2.rule, "net_income / 2");
    let net = &c2.values[0];
    assert_eq!(net.value.as_deref(), Some("700"));
    let c3 = net.computed.as_ref().unwrap();
    // The version in force on 2024-06-01, with its date.
    assert_eq!(c3.rule, "taxable - tax (from 2020-01-01)");
    let names: Vec<(&str, Option<&str>)> = c3
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_deref()))
        .collect();
    assert_eq!(names, [("taxable", Some("800")), ("tax", Some("100"))]);
    // The fourth level is not expanded.
    assert!(c3.values[0].computed.is_none());
    // The screening report keeps the short form.
    let short = ruleset.screen_report(facts, "2024-06-01", None).unwrap();
    let values = &short.results[0]
        .explanation
        .as_ref()
        .unwrap()
        .amount
        .as_ref()
        .unwrap()
        .values;
    assert!(values.iter().all(|v| v.computed.is_none()));
}

/// At most `MAX_COMPUTED` (32) derived values are expanded in one explanation,
/// however many a clause reads: forty `let`s summed give forty values, the first
/// 32 (in the order read) with their formula, the other 8 without.
#[test]
fn explain_expands_a_bounded_number_of_values() {
    let mut text =
        String::from("ruleset r { languages en  currency AMD }\nentity H {\n  x: Integer\n");
    for i in 0..40 {
        text.push_str(&format!("  let v{i} = x + {i}\n"));
    }
    let sum: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
    text.push_str(&format!(
        "}}\nprogram p {{\n  for H\n  eligible when {} > 0\n}}\n",
        sum.join(" + ")
    ));
    let ruleset = accord_core::Ruleset::load(vec![SourceFile::new("r.accord", &text)]).unwrap();
    let report = ruleset
        .explain_report(r#"{"x": 1}"#, "2024-06-01", "p", None)
        .unwrap();
    let clause = &report.results[0].explanation.as_ref().unwrap().clauses[0];
    assert_eq!(clause.values.len(), 40);
    let expanded = clause
        .values
        .iter()
        .filter(|v| v.computed.is_some())
        .count();
    assert_eq!(expanded, accord_core::screen::report::MAX_COMPUTED);
    assert_eq!(expanded, 32);
}

/// The terminal's words around an explanation's values (a dated table's version
/// and row, a table's tail, a scale's slices, the date line) come from the
/// message catalogue: in Russian, no English word is left. Worked out by hand:
/// size 3 takes row 1 (100) plus one 50 for each member above 1, 100 + 50 × 2 =
/// 200; the tax of 5 000 is 2% × 1 000 + 10% × 4 000 = 20 + 400 = 420.
#[test]
fn the_terminal_words_of_explanations_are_in_the_requested_language() {
    let text = r#"
ruleset ml { languages en, ru  currency AMD }
entity Household { size: Integer  salary: Money >= 0 }
table limit(size: Integer) -> Money hit first {
  size | result
  from 2024-01-01: source "A"
  1 | 100
  for each size above 1: 50
}
scale tax marginal {
  from 2020-01-01: source "S"
  0 | 2%
  1000 | 10%
}
program p "P" [ru: "П"] { for Household  eligible when salary > limit(size)  amount = tax(salary) }
"#;
    let ruleset = accord_core::Ruleset::load(vec![SourceFile::new("ml.accord", text)]).unwrap();
    let facts = r#"{"size": 3, "salary": 5000}"#;
    let render = |lang| {
        ruleset
            .screen_report(facts, "2025-03-01", Some(lang))
            .unwrap()
            .render()
    };
    let ru = render("ru");
    for shown in [
        "по состоянию на 2025-03-01",
        "limit, строка 1 = 100 (редакция с 2024-01-01: A)",
        "limit = 200 (за каждое значение size сверх 1: 50 × 2; редакция с 2024-01-01: A)",
        "tax = 420 (от 5000: 2% × 1000 + 10% × 4000; редакция с 2020-01-01: S)",
    ] {
        assert!(ru.contains(shown), "{shown}\n{ru}");
    }
    for english in ["as of", " row ", "version from", "for each", "of 5000"] {
        assert!(!ru.contains(english), "{english}\n{ru}");
    }
    let en = render("en");
    assert!(
        en.contains("tax = 420 (of 5000: 2% × 1000 + 10% × 4000; version from 2020-01-01: S)"),
        "{en}"
    );
    // Before the table's first version, what went wrong is said in Russian too.
    let early = ruleset
        .screen_report(facts, "2023-03-01", Some("ru"))
        .unwrap()
        .render();
    assert!(
        early.contains("! таблица `limit` на эту дату ещё не действует (её первая редакция — с 2024-01-01), в `limit(size)`"),
        "{early}"
    );
}
