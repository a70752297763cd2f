//! Checker tests from source text: one test per check, and the example rulesets
//! check without errors.

// Helpers outside `#[test]` functions may unwrap too: a failure is a test failure.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::checker::check;
use accord_core::Severity;

const HEADER: &str = "ruleset t { languages en, hy  currency AMD }\n";

/// Parses `src` (after a ruleset header) and checks it: (code, message) of every
/// diagnostic, in source order.
fn check_src(src: &str) -> Vec<(&'static str, String)> {
    diags(&format!("{HEADER}{src}"))
        .into_iter()
        .map(|d| (d.code.as_str(), d.message))
        .collect()
}

fn diags(full: &str) -> Vec<accord_core::Diagnostic> {
    let parsed = accord_grammar::parse(full);
    assert!(
        parsed.errors.is_empty(),
        "syntax errors: {:?}",
        parsed.errors
    );
    check(&[parsed.file]).1
}

/// The codes of the errors only.
fn errors(src: &str) -> Vec<&'static str> {
    check_src(src)
        .into_iter()
        .filter(|(c, _)| c.starts_with('E'))
        .map(|(c, _)| c)
        .collect()
}

/// The single error of `src`, which must have exactly one.
fn one_error(src: &str) -> (&'static str, String) {
    let errs: Vec<_> = check_src(src)
        .into_iter()
        .filter(|(c, _)| c.starts_with('E'))
        .collect();
    assert_eq!(errs.len(), 1, "expected one error, got {errs:?}");
    errs.into_iter().next().unwrap()
}

const PEOPLE: &str = r#"
enum Region { yerevan, shirak, tavush }
enum Disability { none, group_1, group_2 }
entity Household {
  region: Region
  score: Decimal
  members: list of Person
  let size = count(members)
  let children = members where age < 18
}
entity Person {
  birth_date: Date
  disability: Disability
  income: Money
  years: Integer
  in_school: Boolean
  let age = years_between(birth_date, today)
}
parameter base: Money { from 2020-01-01: 18_000 }
parameter threshold: Decimal { from 2020-01-01: 29.5 }
"#;

fn with_people(src: &str) -> String {
    format!("{PEOPLE}{src}")
}

// ---------------------------------------------------------------------------
// The examples check cleanly.

fn example_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

fn check_dir(name: &str) -> Vec<accord_core::Diagnostic> {
    let dir = example_dir(name);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
    {
        let text = std::fs::read_to_string(p).unwrap();
        let parsed = accord_grammar::parse(&text);
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            p.display(),
            parsed.errors
        );
        files.push(parsed.file);
    }
    assert!(!files.is_empty());
    check(&files).1
}

#[test]
fn the_brief_example_has_no_errors() {
    let d = check_dir("brief");
    let errs: Vec<_> = d.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errs.is_empty(), "{errs:#?}");
    // The brief never uses `disability` nor calls `birth_grant`.
    let warns: Vec<_> = d.iter().map(|d| d.code.as_str()).collect();
    assert!(
        warns.contains(&"W0101") && warns.contains(&"W0103"),
        "{warns:?}"
    );
}

#[test]
fn the_armenia_example_has_no_errors() {
    let d = check_dir("armenia");
    let errs: Vec<_> = d.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_brief_model_is_resolved() {
    let dir = example_dir("brief");
    let mut files = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
    {
        files.push(accord_grammar::parse(&std::fs::read_to_string(p).unwrap()).file);
    }
    let (m, _) = check(&files);
    use accord_core::checker::{MemberRef, Type};
    let hh = m.entity_by_name("Household").unwrap();
    let person = m.entity_by_name("Person").unwrap();
    assert_eq!(m.root(), Some(hh));
    let p = m.entity(person).unwrap();
    let owner = p.owner.as_ref().unwrap();
    assert_eq!((owner.name.as_str(), owner.owner), ("household", hh));
    let h = m.entity(hh).unwrap();
    let ty = |n: &str| match h.members[n] {
        MemberRef::Let(i) => h.lets[i].ty.clone(),
        MemberRef::Field(i) => h.fields[i].ty.clone(),
        MemberRef::Owner => unreachable!(),
    };
    assert_eq!(ty("size"), Type::Integer);
    assert_eq!(ty("children"), Type::List(Box::new(Type::Entity(person))));
    assert_eq!(ty("income_per_member"), Type::Money);
    let fb = m
        .program(m.program_by_name("family_benefit").unwrap())
        .unwrap();
    assert_eq!(fb.subject, Some(hh));
    assert_eq!(fb.eligible.len(), 2);
    assert_eq!(fb.amount.as_ref().unwrap().ty, Type::Money);
    let threshold = &m.parameters[m.parameter_by_name("family_benefit_threshold").unwrap().0];
    assert_eq!(threshold.values.len(), 2);
    let proto = &m.protocols[m.protocol_by_name("out_of_school").unwrap().0];
    let step = |n: &str| proto.steps.iter().position(|s| s.name == n).unwrap();
    assert_eq!(proto.steps[step("close")].after, vec![step("plan")]);
    assert_eq!(
        proto.steps[step("refer")].for_each_need,
        Some(step("assess"))
    );
    assert!(proto.steps[step("plan")].requires_consent);
    assert_eq!(m.tests.len(), 1);
    assert_eq!(m.tests[0].expects.len(), 3);
}

// ---------------------------------------------------------------------------
// Names

#[test]
fn unknown_type_suggests() {
    let d = diags(&format!("{HEADER}entity P {{ age: integer }}"));
    let e = d.iter().find(|d| d.code == "E0101").unwrap();
    assert_eq!(e.message, "unknown type `integer`");
    assert_eq!(e.help.as_deref(), Some("did you mean `Integer`?"));
}

#[test]
fn unknown_name_in_expression_suggests() {
    let d = diags(&format!(
        "{HEADER}{}",
        with_people("program p { for Person eligible when agee >= 65 }")
    ));
    let e = d.iter().find(|d| d.code == "E0102").unwrap();
    assert_eq!(e.help.as_deref(), Some("did you mean `age`?"));
}

#[test]
fn a_persons_field_in_a_household_rule_is_explained() {
    let d = diags(&format!(
        "{HEADER}{}",
        with_people("program p { for Household eligible when disability != none }")
    ));
    let e = d.iter().find(|d| d.code == "E0102").unwrap();
    assert_eq!(e.message, "unknown name `disability` in `Household`");
    assert!(
        e.help.as_deref().unwrap().contains("through `members`"),
        "{:?}",
        e.help
    );
}

#[test]
fn unknown_field_after_dot() {
    let (c, m) = one_error(&with_people(
        "program p { for Person eligible when household.regoin = shirak }",
    ));
    assert_eq!(
        (c, m.as_str()),
        ("E0103", "`Household` has no field `regoin`")
    );
}

#[test]
fn unknown_function_and_table() {
    assert_eq!(
        one_error(&with_people("entity X { let s = sume(base) }")).0,
        "E0104"
    );
}

#[test]
fn unknown_programme() {
    let src = with_people("program a { for Person eligible when true } program b { for Person eligible when eligible(aa) }");
    assert_eq!(one_error(&src).0, "E0105");
}

#[test]
fn unknown_variant_where_the_enum_is_known() {
    let src = with_people("program p { for Household eligible when region = Region.shirakk }");
    assert_eq!(one_error(&src).0, "E0106");
}

#[test]
fn unknown_sector_and_declared_sector() {
    assert_eq!(
        one_error(&with_people(
            "program p { for Person sector culture eligible when true }"
        ))
        .0,
        "E0107"
    );
    assert_eq!(
        errors(&with_people("sector culture \"Culture\"\nprogram p { for Person sector culture eligible when true }")),
        Vec::<&str>::new()
    );
}

#[test]
fn translation_into_an_undeclared_language() {
    let (c, _) = one_error("enum E \"E\" [de: \"E\"] { a }");
    assert_eq!(c, "E0108");
}

#[test]
fn duplicate_declarations_share_one_namespace() {
    let d = diags(&format!(
        "{HEADER}{}",
        with_people("table base(x: Integer) -> Integer hit first {\n x | result\n * | 1\n}")
    ));
    let e = d.iter().find(|d| d.code == "E0120").unwrap();
    assert_eq!(e.message, "`base` is declared more than once");
    assert_eq!(e.related.len(), 1);
    assert_eq!(e.related[0].message, "first defined here");
}

#[test]
fn duplicate_members_variants_and_steps() {
    assert_eq!(one_error("entity P { a: Integer  a: Integer }").0, "E0121");
    assert_eq!(one_error("enum E { a, b, a }").0, "E0121");
}

#[test]
fn where_resolves_against_the_element_first() {
    // `age` is a member of the element (Person), not of Household.
    let src = with_people(
        "program p { for Household eligible when any members where age >= 65 and region = shirak }",
    );
    assert_eq!(errors(&src), Vec::<&str>::new());
}

#[test]
fn owner_accessor_and_household_programme_from_a_person() {
    let src = with_people(
        "program h { for Household eligible when score > threshold }\n\
         program p { for Person eligible when household.region = shirak and eligible(h) }",
    );
    assert_eq!(errors(&src), Vec::<&str>::new());
}

#[test]
fn ambiguous_bare_variant() {
    let (c, _) = one_error("enum A { x, y } enum B { x, z } entity E { let v = x }");
    assert_eq!(c, "E0123");
    assert_eq!(
        errors("enum A { x, y } enum B { x, z } entity E { let v = A.x }"),
        Vec::<&str>::new()
    );
}

#[test]
fn today_cannot_be_declared() {
    assert_eq!(one_error("entity P { today: Date }").0, "E0124");
}

// ---------------------------------------------------------------------------
// Types

#[test]
fn money_arithmetic() {
    let ok = with_people(
        "program p { for Household eligible when true\n amount = base + 1_000 + base * size + sum(members.income) / size }",
    );
    assert_eq!(errors(&ok), Vec::<&str>::new());
    let (c, m) = one_error(&with_people("entity X { d: Integer  let bad = base + d }"));
    assert_eq!(
        (c, m.as_str()),
        ("E0202", "cannot apply `+` to `Money` and `Integer`")
    );
    assert_eq!(
        one_error(&with_people("entity X { let bad = base * base }")).0,
        "E0202"
    );
}

#[test]
fn money_compared_with_a_decimal_parameter() {
    let d = diags(&format!(
        "{HEADER}{}",
        with_people("program p { for Person eligible when income < threshold }")
    ));
    let e = d.iter().find(|d| d.code == "E0205").unwrap();
    assert_eq!(e.message, "cannot compare `Money` with `Decimal`");
    assert!(e.help.is_some());
    assert_eq!(
        errors(&with_people(
            "program p { for Person eligible when income < 30_000 }"
        )),
        Vec::<&str>::new()
    );
}

#[test]
fn date_arithmetic() {
    assert_eq!(
        errors(&with_people(
            "program p { for Person eligible when birth_date > today - 6 months }"
        )),
        Vec::<&str>::new()
    );
    assert_eq!(
        one_error(&with_people("entity X { let d = today - today }")).0,
        "E0203"
    );
}

#[test]
fn conditions_must_be_boolean() {
    let (c, m) = one_error(&with_people(
        "program p { for Household eligible when score }",
    ));
    assert_eq!(c, "E0204");
    assert!(m.contains("`Decimal`"), "{m}");
}

#[test]
fn enums_compare_with_their_own_variants_only() {
    assert_eq!(
        errors(&with_people(
            "program p { for Person eligible when disability != none }"
        )),
        Vec::<&str>::new()
    );
    assert_eq!(
        one_error(&with_people(
            "program p { for Household eligible when region = \"shirak\" }"
        ))
        .0,
        "E0205"
    );
    assert_eq!(
        one_error(&with_people(
            "program p { for Household eligible when region < shirak }"
        ))
        .0,
        "E0206"
    );
    assert_eq!(
        errors(&with_people(
            "program p { for Household eligible when region in {shirak, tavush} }"
        )),
        Vec::<&str>::new()
    );
}

#[test]
fn lists_for_where_and_aggregates() {
    assert_eq!(
        one_error(&with_people("entity X { let c = count(base) }")).0,
        "E0207"
    );
    assert_eq!(
        one_error(&with_people(
            "program p { for Household eligible when any size where true }"
        ))
        .0,
        "E0207"
    );
}

#[test]
fn builtin_arity() {
    let (c, m) = one_error(&with_people("entity X { let y = years_between(today) }"));
    assert_eq!(
        (c, m.as_str()),
        ("E0208", "`years_between` takes 2 arguments, found 1")
    );
}

#[test]
fn field_access_on_a_number() {
    assert_eq!(
        one_error(&with_people("entity X { let y = base.value }")).0,
        "E0209"
    );
}

#[test]
fn programme_for_another_entity() {
    let src = with_people(
        "program pp { for Person eligible when age >= 65 }\n\
         program h { for Household eligible when eligible(pp) }\n\
         program ok { for Household eligible when any members where eligible(pp) }",
    );
    assert_eq!(errors(&src), vec!["E0210"]);
}

#[test]
fn invalid_dates_anywhere() {
    assert_eq!(
        one_error(&with_people("entity X { let d = 2025-02-30 }")).0,
        "E0211"
    );
    assert_eq!(
        one_error(&with_people("entity X { let d = date(2025, 13, 1) }")).0,
        "E0211"
    );
}

#[test]
fn points_outside_an_assessment() {
    assert_eq!(
        one_error(&with_people("entity X { let y = points(a) }")).0,
        "E0213"
    );
}

#[test]
fn working_days_outside_protocols() {
    assert_eq!(
        one_error(&with_people("entity X { let d = today - 3 working days }")).0,
        "E0215"
    );
}

#[test]
fn otherwise_and_if_branches() {
    assert_eq!(
        errors(&with_people("entity X { let y = base otherwise 0 }")),
        Vec::<&str>::new()
    );
    assert_eq!(
        one_error(&with_people("entity X { let y = base otherwise \"none\" }")).0,
        "E0201"
    );
    assert_eq!(
        one_error(&with_people(
            "entity X { let y = if true then base else \"x\" }"
        ))
        .0,
        "E0201"
    );
}

#[test]
fn table_arguments_are_checked() {
    let src = with_people(
        "table t(order: Integer) -> Money hit first {\n order | result\n * | 1\n}\n\
         entity X { let a = t(1)  let b = t(\"x\")  let c = t(1, 2) }",
    );
    assert_eq!(errors(&src), vec!["E0201", "E0208"]);
}

// ---------------------------------------------------------------------------
// Declarations

#[test]
fn second_ruleset() {
    assert_eq!(one_error("ruleset u { }").0, "E0301");
}

#[test]
fn duplicate_programme_clauses() {
    let src = with_people("program p { for Person for Person sector social sector health eligible when true amount = 1 amount = 2 }");
    assert_eq!(errors(&src), vec!["E0302", "E0302", "E0302"]);
}

#[test]
fn programme_without_for_or_grounds() {
    assert_eq!(
        one_error(&with_people("program p { eligible when true }")).0,
        "E0303"
    );
    assert_eq!(
        one_error(&with_people("program p { for Person }")).0,
        "E0304"
    );
}

#[test]
fn duplicate_translation() {
    assert_eq!(
        one_error("enum E \"E\" [hy: \"a\", hy: \"b\"] { a }").0,
        "E0305"
    );
}

#[test]
fn cycles_among_lets_and_programmes() {
    let (c, m) = one_error("entity H { let a = b + 1  let b = a - 1 }");
    assert_eq!(c, "E0306");
    assert!(m.ends_with("`H.a` → `H.b` → `H.a`"), "{m}");
    let src = with_people(
        "program a { for Person eligible when eligible(b) }\nprogram b { for Person eligible when eligible(a) }",
    );
    let (c, m) = one_error(&src);
    assert_eq!(c, "E0306");
    assert!(
        m.ends_with("`eligible(a)` → `eligible(b)` → `eligible(a)`"),
        "{m}"
    );
}

#[test]
fn currency_code_and_money_without_currency() {
    let d = diags("ruleset u { currency dram }");
    assert_eq!(
        d.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        vec!["E0307"]
    );
    let d = diags("ruleset t { languages en }\nentity P { income: Money }");
    assert!(d.iter().any(|d| d.code == "E0310"), "{d:?}");
}

#[test]
fn missing_ruleset() {
    let d = diags("entity P { age: Integer }");
    assert!(d.iter().any(|d| d.code == "E0311"), "{d:?}");
}

// ---------------------------------------------------------------------------
// Tables and parameters

#[test]
fn table_header_and_rows() {
    let src = "table t(order: Integer) -> Integer {\n n | result\n 1 | 2 | 3\n 2 | 4\n}\nentity X { let y = t(1) }";
    assert_eq!(errors(src), vec!["E0401", "E0402"]);
}

#[test]
fn table_cells() {
    let src = "enum R { a, b }\ntable t(r: R, n: Integer) -> Integer hit first {\n r | n | result\n < a | * | 1\n c | 17..6 | 2\n a | 1 | *\n}\nentity X { let y = t(a, 1) }";
    assert_eq!(errors(src), vec!["E0403", "E0106", "E0403", "E0403"]);
}

#[test]
fn collect_sum_needs_numbers() {
    let src = "table t(n: Integer) -> Text hit collect sum {\n n | result\n * | \"a\"\n}\nentity X { let y = t(1) }";
    assert_eq!(errors(src), vec!["E0404"]);
}

#[test]
fn overlapping_unique_rows() {
    let src = "table birth_grant(order: Integer) -> Money {\n order | result\n <= 2 | 300_000\n <= 4 | 1_000_000\n}\nentity X { let y = birth_grant(1) }";
    let (c, m) = one_error(src);
    assert_eq!(
        (c, m.as_str()),
        (
            "E0405",
            "rows 1 and 2 of table `birth_grant` can both match"
        )
    );
    let disjoint = "enum R { a, b, c }\ntable t(order: Integer, r: R) -> Money {\n order | r | result\n < 3 | * | 1\n > 2 | {a, b} | 2\n > 2 | != a | 3\n}\nentity X { let y = t(1, a) }";
    // Rows 2 and 3 meet at `b`.
    assert_eq!(
        one_error(disjoint).1,
        "rows 2 and 3 of table `t` can both match"
    );
    let ok = "enum R { a, b }\ntable t(order: Integer, r: R) -> Money {\n order | r | result\n < 3 | * | 1\n > 2 | a | 2\n > 2 | != a | 3\n}\nentity X { let y = t(1, a) }";
    assert_eq!(errors(ok), Vec::<&str>::new());
}

#[test]
fn parameter_dates_and_values() {
    let src = "parameter p: Money {\n from 2023-01-01: 1\n from 2014-01-01: 2\n from 2024-01-01: \"x\"\n}\nentity X { let y = p }";
    assert_eq!(errors(src), vec!["E0406", "E0201"]);
    assert_eq!(
        one_error("parameter p: Integer { source \"x\" }\nentity X { let y = p }").0,
        "E0407"
    );
}

// ---------------------------------------------------------------------------
// Assessments, services, calendars, protocols

const ASSESS: &str = r#"
assessment a {
  for Person
  section dev { question q1: scale 0..3 ["a", "b", "c", "d"]  question q2: Boolean points 2 }
  score total = points(dev)
  need help when q2
  risk high when total >= 3
  risk low otherwise
}
"#;

#[test]
fn assessment_structure() {
    assert_eq!(errors(&with_people(ASSESS)), Vec::<&str>::new());
    let bad = with_people(
        "assessment b { for Person\n question q: scale 3..0\n question r: scale 0..3 [\"a\"]\n question q: Boolean\n score s = points(nope)\n risk low otherwise\n risk high when true }",
    );
    assert_eq!(
        errors(&bad),
        vec!["E0501", "E0502", "E0121", "E0109", "E0308"]
    );
}

#[test]
fn services_meet_declared_needs() {
    let src = with_people(&format!(
        "{ASSESS}service s {{ sector health meets help, nope }}\nservice t {{ sector health }}"
    ));
    assert_eq!(errors(&src), vec!["E0110", "E0512"]);
}

#[test]
fn calendars() {
    let src = "calendar c { weekend saturday, sun\n holiday 2025-01-01, 2025-02-30, 2025-01-01 }";
    let all = check_src(src);
    let codes: Vec<_> = all.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, vec!["E0115", "E0211", "W0105"]);
}

#[test]
fn regional_calendars_fold_in_their_bases() {
    let full = format!(
        "{HEADER}calendar national {{ weekend friday, saturday\n holiday every 01-01 or next working day\n working 2025-01-04 }}\n\
         calendar region extends national {{ holiday 2025-09-12 }}\n\
         calendar city extends region {{ weekend sunday\n holiday easter orthodox }}"
    );
    let parsed = accord_grammar::parse(&full);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let (checked, diags) = check(&[parsed.file]);
    assert!(diags.is_empty(), "{diags:?}");
    let get = |n: &str| &checked.calendars[checked.calendar_by_name(n).unwrap().0];
    use jiff::civil::Weekday;
    // `region` has no `weekend`: its base's. `city` writes its own.
    assert_eq!(
        get("region").weekend,
        vec![Weekday::Friday, Weekday::Saturday]
    );
    assert_eq!(get("city").weekend, vec![Weekday::Sunday]);
    // The base's holidays first, then its own; the decree days of every base.
    assert_eq!(get("city").holidays.len(), 3);
    assert!(get("city").holidays[0].moves);
    assert_eq!(get("city").working, vec![jiff::civil::date(2025, 1, 4)]);
    assert_eq!(
        get("city").base,
        Some(checked.calendar_by_name("region").unwrap())
    );
}

fn protocol(steps: &str) -> String {
    with_people(&format!(
        "{ASSESS}calendar cal {{ weekend saturday, sunday }}\nprotocol p {{\n for Person\n calendar cal\n roles {{ worker \"W\" at office  boss }}\n start when not in_school\n{steps}\n}}"
    ))
}

#[test]
fn a_protocol_that_works() {
    let src = protocol(
        "step assess { by worker within 3 working days assessment a }\n\
         step refer { for each need of assess by worker after assess }\n\
         step close { by boss after refer when risk(assess) = low and all refer done requires consent }\n\
         escalate to boss when overdue by 5 working days\n share a with boss",
    );
    assert_eq!(errors(&src), Vec::<&str>::new());
}

#[test]
fn protocol_names() {
    let src = protocol(
        "step s1 { by workr after nope }\n step close { by boss after s1 }\n escalate to bos when overdue by 1 day\n share nothing with worker",
    );
    assert_eq!(errors(&src), vec!["E0111", "E0112", "E0111", "E0511"]);
}

#[test]
fn protocol_cycles_and_unreachable_close() {
    let src = protocol("step a1 { by worker after a2 }\n step a2 { by worker after a1 }\n step b { by worker after a1 }\n step close { by boss after b }");
    let all = check_src(&src);
    let codes: Vec<_> = all
        .iter()
        .filter(|(c, _)| c.starts_with('E'))
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(codes, vec!["E0503", "E0504", "E0505"], "{all:?}");
    let cycle = &all.iter().find(|(c, _)| *c == "E0503").unwrap().1;
    assert!(cycle.ends_with("`a1` → `a2` → `a1`"), "{cycle}");
}

#[test]
fn protocol_without_close() {
    assert_eq!(errors(&protocol("step a1 { by worker }")), vec!["E0505"]);
}

#[test]
fn protocol_step_rules() {
    let src = protocol(
        "step n { by worker }\n step r { for each need of n by worker after n when risk(n) = low requires approval every 0 days }\n step x { after n }\n step close { by boss after r }",
    );
    assert_eq!(
        errors(&src),
        vec!["E0506", "E0507", "E0508", "E0510", "E0509"]
    );
}

// ---------------------------------------------------------------------------
// Tests

const PROGS: &str = r#"
program hb { for Household eligible when score >= threshold amount = base }
program pp { for Person eligible when age >= 65 }
"#;

fn test_block(body: &str) -> String {
    with_people(&format!("{PROGS}test \"t\" {{\n{body}\n}}"))
}

#[test]
fn a_good_test() {
    let src = test_block(
        "as of 2025-03-01\n given Household { region: shirak, score: 27, members: [{ birth_date: 1990-05-01, income: 60_000 }, { years: unknown }] }\n expect hb eligible\n expect hb amount 18_000\n expect pp for members[1] undetermined",
    );
    assert_eq!(errors(&src), Vec::<&str>::new());
}

#[test]
fn test_values_and_subjects() {
    let src = test_block(
        "as of 2025-03-01\n given Household { region: Shirak, score: \"x\", size: 3, nope: 1, members: [{ birth_date: 2025-02-30 }] }\n expect pp ineligible\n expect pp for members[3] eligible\n expect hb for members[0] eligible\n expect pp for members[0] amount 3\n expect nope eligible",
    );
    assert_eq!(
        errors(&src),
        vec![
            "E0106", "E0601", "E0607", "E0103", "E0211", "E0604", "E0603", "E0604", "E0605",
            "E0105"
        ]
    );
}

#[test]
fn test_needs_as_of_and_given() {
    assert_eq!(
        errors(&test_block("expect hb eligible")),
        vec!["E0606", "E0602"]
    );
    assert_eq!(
        errors(&test_block("as of 2025-01-01 given Person { years: 1 }")),
        vec!["E0608"]
    );
}

// ---------------------------------------------------------------------------
// Warnings

#[test]
fn unused_facts_parameters_and_tables() {
    let src = "entity P { a: Integer  b: Integer  let c = a }\nparameter q: Integer { from 2020-01-01: 1 }\ntable t(n: Integer) -> Integer hit first {\n n | result\n * | 1\n 2 | 3\n}";
    let warns: Vec<_> = check_src(src)
        .into_iter()
        .filter(|(c, _)| c.starts_with('W'))
        .collect();
    let codes: Vec<_> = warns.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, vec!["W0101", "W0102", "W0103", "W0106"], "{warns:?}");
    assert_eq!(warns[0].1, "fact `b` of `P` is never used");
}

#[test]
fn naming_conventions() {
    let warns: Vec<_> = check_src("entity person { Age: Integer  let x = Age }")
        .into_iter()
        .filter(|(c, _)| *c == "W0107")
        .collect();
    assert_eq!(warns.len(), 2, "{warns:?}");
}

#[test]
fn working_days_without_calendar() {
    let src = with_people(
        "protocol p { for Person roles { w } step close { by w within 3 working days } }",
    );
    assert!(check_src(&src).iter().any(|(c, _)| *c == "W0104"));
}

#[test]
fn a_broken_for_does_not_cascade() {
    let src = with_people("program p { for Persn eligible when age >= 65 and years < 10 }");
    assert_eq!(errors(&src), vec!["E0101"]);
}

#[test]
fn protocol_references_and_roles() {
    let src = with_people(&format!(
        "{ASSESS}assessment hh {{ for Household question q: Boolean }}\n\
         protocol p {{ for Person calendar nocal\n step s {{ by w assessment nope }}\n step close {{ by w assessment hh after s }}\n share hh with w }}"
    ));
    // No roles block: `w` is unknown too.
    assert_eq!(
        errors(&src),
        vec!["E0513", "E0114", "E0111", "E0113", "E0111", "E0514", "E0111"]
    );
    let unused =
        protocol("step s { by worker }\n step close { by boss after s }\n share a with worker");
    assert_eq!(errors(&unused), vec!["E0515"]);
}

#[test]
fn declarations_that_hide_builtins_or_say_nothing() {
    assert_eq!(errors("enum Date { a }"), vec!["E0122"]);
    assert_eq!(
        errors("table count(n: Integer) -> Integer hit first {\n n | result\n * | 1\n}"),
        vec!["E0122"]
    );
    assert_eq!(errors("enum E { }"), vec!["E0309"]);
    assert_eq!(
        errors("entity X { let n = 123456789012345678901234567890123 }"),
        vec!["E0212"]
    );
}

#[test]
fn extreme_numbers_in_cells_do_not_overflow() {
    let src = "table t(n: Integer) -> Integer {\n n | result\n > 79228162514264337593543950335 | 1\n < -79228162514264337593543950335 | 2\n}\nentity X { let y = t(1) }";
    assert_eq!(errors(src), Vec::<&str>::new());
}

/// Cut and shuffled versions of the brief never make the checker panic.
#[test]
fn mangled_sources_never_panic() {
    let dir = example_dir("brief");
    let mut text = String::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "accord"))
        .collect();
    paths.sort();
    for p in paths {
        text.push_str(&std::fs::read_to_string(p).unwrap());
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    for _ in 0..60 {
        // Drop a few lines and duplicate others: names go missing or repeat.
        let mut out: Vec<&str> = Vec::new();
        for l in &lines {
            match next(12) {
                0 => {}
                1 => {
                    out.push(l);
                    out.push(l);
                }
                _ => out.push(l),
            }
        }
        let src = out.join("\n");
        let parsed = accord_grammar::parse(&src);
        let _ = check(&[parsed.file.clone(), parsed.file]);
    }
}

#[test]
fn amounts_are_money() {
    let ok = with_people("program p { for Household eligible when true amount = 18_000 }");
    assert_eq!(errors(&ok), Vec::<&str>::new());
    let (c, m) = one_error(&with_people(
        "program p { for Household eligible when true amount = count(members) }",
    ));
    assert_eq!(
        (c, m.as_str()),
        ("E0201", "an amount must be `Money`, found `Integer`")
    );
}

#[test]
fn misspelt_variant_in_a_comparison() {
    let d = diags(&format!(
        "{HEADER}{}",
        with_people("program p { for Household eligible when region = shirakk }")
    ));
    let e = d.iter().find(|d| d.code == "E0106").unwrap();
    assert_eq!(e.message, "`shirakk` is not a variant of `Region`");
    assert_eq!(e.help.as_deref(), Some("did you mean `shirak`?"));
}
