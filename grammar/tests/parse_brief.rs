//! Every ```accord block of the language brief parses and means what it says.
//! The blocks are copied into `tests/data/` because the brief lives outside the
//! repository.

// Test helpers outside `#[test]` functions may fail loudly too.
#![expect(
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod common;

use accord_grammar::ast::*;
use common::{expr, parse_ok, sexp, text};

const BRIEF: &str = include_str!("data/brief.accord");
const BRIEF_EXPRESSIONS: &str = include_str!("data/brief_expressions.txt");

fn kind(d: &Decl) -> &'static str {
    match d {
        Decl::Ruleset(_) => "ruleset",
        Decl::Sector(_) => "sector",
        Decl::Enum(_) => "enum",
        Decl::Entity(_) => "entity",
        Decl::Parameter(_) => "parameter",
        Decl::Table(_) => "table",
        Decl::Program(_) => "program",
        Decl::Assessment(_) => "assessment",
        Decl::Service(_) => "service",
        Decl::Calendar(_) => "calendar",
        Decl::Protocol(_) => "protocol",
        Decl::Test(_) => "test",
        Decl::Scale(_) => "scale",
    }
}

fn decl<'a>(file: &'a File, name: &str) -> &'a Decl {
    file.decls
        .iter()
        .find(|d| match d {
            Decl::Ruleset(x) => x.name.name == name,
            Decl::Enum(x) => x.name.name == name,
            Decl::Entity(x) => x.name.name == name,
            Decl::Parameter(x) => x.name.name == name,
            Decl::Table(x) => x.name.name == name,
            Decl::Program(x) => x.name.name == name,
            Decl::Assessment(x) => x.name.name == name,
            Decl::Service(x) => x.name.name == name,
            Decl::Calendar(x) => x.name.name == name,
            Decl::Protocol(x) => x.name.name == name,
            Decl::Test(x) => x.name.text == name,
            Decl::Sector(x) => x.name.name == name,
            Decl::Scale(x) => x.name.name == name,
        })
        .unwrap_or_else(|| panic!("no declaration {name}"))
}

#[test]
fn brief_declarations_parse_with_the_right_kinds() {
    let file = parse_ok(BRIEF);
    let kinds: Vec<&str> = file.decls.iter().map(kind).collect();
    assert_eq!(
        kinds,
        [
            "ruleset",
            "enum",
            "enum",
            "entity",
            "entity",
            "parameter",
            "parameter",
            "parameter",
            "parameter",
            "table",
            "program",
            "program",
            "assessment",
            "service",
            "service",
            "calendar",
            "protocol",
            "test"
        ]
    );
    // Every declaration's span starts at its keyword and ends at its `}`.
    for d in &file.decls {
        let t = text(BRIEF, d.span());
        assert!(t.starts_with(kind(d)), "{t}");
        assert!(t.ends_with('}'), "{t}");
    }
    // The fixture's only comment is its first line.
    assert_eq!(file.comments.len(), 1);
    assert!(!file.comments[0].trailing);
}

#[test]
fn ruleset_and_enums() {
    let file = parse_ok(BRIEF);
    let Decl::Ruleset(r) = decl(&file, "armenia_social") else {
        panic!()
    };
    let label = r.label.as_ref().unwrap();
    assert_eq!(label.text, "State social protection programmes");
    let langs: Vec<&str> = label
        .translations
        .iter()
        .map(|t| t.lang.name.as_str())
        .collect();
    assert_eq!(langs, ["hy", "ru"]);
    assert_eq!(
        label.translations[1].text,
        "Государственные программы социальной защиты"
    );
    assert!(
        matches!(&r.items[..], [RulesetItem::Languages { langs, .. }, RulesetItem::Currency { code, .. }]
        if langs.len() == 3 && code.name == "AMD")
    );

    let Decl::Enum(region) = decl(&file, "Region") else {
        panic!()
    };
    assert_eq!(region.variants.len(), 3);
    assert_eq!(
        region.variants[0].label.as_ref().unwrap().translations[0].text,
        "Երևան"
    );
    assert!(region.variants[2]
        .label
        .as_ref()
        .unwrap()
        .translations
        .is_empty());
    let Decl::Enum(dis) = decl(&file, "Disability") else {
        panic!()
    };
    let names: Vec<&str> = dis.variants.iter().map(|v| v.name.name.as_str()).collect();
    assert_eq!(names, ["none", "group_1", "group_2", "group_3"]);
    assert_eq!(text(BRIEF, dis.variants[3].span), "group_3");
}

#[test]
fn entities_fields_and_lets() {
    let file = parse_ok(BRIEF);
    let Decl::Entity(h) = decl(&file, "Household") else {
        panic!()
    };
    assert_eq!(
        h.docs,
        ["A household as registered in the family vulnerability assessment system."]
    );
    assert_eq!(
        text(BRIEF, h.span).lines().next(),
        Some("entity Household \"Household\" {")
    );
    let Member::Field(members) = &h.members[2] else {
        panic!()
    };
    assert!(
        matches!(&members.ty, TypeExpr::List(inner, _) if matches!(&**inner, TypeExpr::Named(i) if i.name == "Person"))
    );
    assert_eq!(
        text(BRIEF, members.span),
        "members: list of Person \"Members\""
    );
    let lets: Vec<(String, String)> = h
        .members
        .iter()
        .filter_map(|m| match m {
            Member::Let(l) => Some((l.name.name.clone(), sexp(&l.value))),
            Member::Field(_) => None,
        })
        .collect();
    assert_eq!(
        lets,
        [
            ("size".to_string(), "count(members)".to_string()),
            (
                "children".to_string(),
                "(where members (< age 18))".to_string()
            ),
            (
                "income_per_member".to_string(),
                "(/ sum((. members monthly_income)) size)".to_string()
            ),
        ]
    );
    let Decl::Entity(p) = decl(&file, "Person") else {
        panic!()
    };
    assert_eq!(p.members.len(), 8);
    let Member::Let(age) = &p.members[7] else {
        panic!()
    };
    assert_eq!(sexp(&age.value), "years_between(birth_date, today)");
    assert_eq!(
        text(BRIEF, age.span),
        "let age = years_between(birth_date, today)"
    );
}

#[test]
fn parameters_and_table() {
    let file = parse_ok(BRIEF);
    let Decl::Parameter(t) = decl(&file, "family_benefit_threshold") else {
        panic!()
    };
    assert!(
        matches!(&t.items[0], ParameterItem::Source(l) if l.text == "Government decision No. 145-N")
    );
    let ParameterItem::From {
        date,
        value,
        source,
        ..
    } = &t.items[2]
    else {
        panic!()
    };
    assert_eq!((date.year, date.month, date.day), (2023, 1, 1));
    assert!(matches!(value, Some(Expr::Literal(Literal::Decimal(d, _)) ) if d == "29.00"));
    assert!(source.is_none());

    let Decl::Table(tb) = decl(&file, "birth_grant") else {
        panic!()
    };
    assert_eq!(tb.docs.len(), 2);
    assert!(tb.docs[0].starts_with("Cells: a literal"));
    assert_eq!(tb.params.len(), 1);
    assert_eq!(tb.params[0].name.name, "order");
    assert!(matches!(&tb.result, TypeExpr::Named(i) if i.name == "Money"));
    assert_eq!(tb.hit.unwrap().kind, HitPolicyKind::First);
    let cols: Vec<&str> = tb.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["order", "result"]);
    assert_eq!(tb.rows.len(), 3);
    assert!(matches!(
        &tb.rows[0].cells[..],
        [Cell::Compare(CompareOp::Le, CellValue::Literal(Literal::Integer(a, _)), _), Cell::Value(CellValue::Literal(Literal::Integer(b, _)))]
        if a == "2" && b == "300_000"
    ));
    assert!(matches!(&tb.rows[2].cells[0], Cell::Any(_)));
    assert_eq!(text(BRIEF, tb.rows[1].span), "<= 4  | 1_000_000");
}

#[test]
fn programs() {
    let file = parse_ok(BRIEF);
    let Decl::Program(fb) = decl(&file, "family_benefit") else {
        panic!()
    };
    assert_eq!(fb.label.as_ref().unwrap().translations.len(), 2);
    assert_eq!(fb.items.len(), 8);
    let amount = fb
        .items
        .iter()
        .find_map(|i| match i {
            ProgramItem::Amount(e, _) => Some(e),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        sexp(amount),
        "(+ family_benefit_base (* child_supplement count(children)))"
    );
    let ProgramItem::Eligible(second) = &fb.items[4] else {
        panic!()
    };
    assert_eq!(
        sexp(&second.condition),
        "(and (>= vulnerability_score 25) (>= count(children) 3))"
    );
    assert_eq!(
        second.legal.as_ref().unwrap().text,
        "Government decision No. 145-N, point 12"
    );
    let ProgramItem::Eligible(first) = &fb.items[3] else {
        panic!()
    };
    assert!(first.legal.is_none());
    assert!(matches!(&fb.items[7], ProgramItem::Documents(d, _) if d.len() == 2));

    let Decl::Program(op) = decl(&file, "old_age_social_pension") else {
        panic!()
    };
    let ProgramItem::Unless(u) = &op.items[3] else {
        panic!()
    };
    assert_eq!(sexp(&u.condition), "receives_insurance_pension");
    assert_eq!(
        u.legal.as_ref().unwrap().text,
        "Law on State Pensions, Article 18"
    );
}

#[test]
fn assessment() {
    let file = parse_ok(BRIEF);
    let Decl::Assessment(a) = decl(&file, "child_wellbeing") else {
        panic!()
    };
    assert_eq!(a.items.len(), 12);
    let AssessmentItem::Section(dev) = &a.items[1] else {
        panic!()
    };
    assert!(
        matches!(&dev.questions[0].kind, QuestionKind::Scale { low, high, options, .. }
        if low == "0" && high == "3" && options.len() == 4 && options[3].text == "severe")
    );
    assert!(
        matches!(&dev.questions[1].kind, QuestionKind::Boolean { points: Some(p), else_points: None, .. } if p == "2")
    );
    let AssessmentItem::Section(env) = &a.items[3] else {
        panic!()
    };
    assert!(
        matches!(&env.questions[0].kind, QuestionKind::Boolean { points: Some(p), else_points: Some(e), .. } if p == "0" && e == "2")
    );
    let AssessmentItem::Score { name, value, .. } = &a.items[5] else {
        panic!()
    };
    assert_eq!(name.name, "total");
    assert_eq!(
        sexp(value),
        "(+ (+ points(development) points(parenting)) points(environment))"
    );
    let AssessmentItem::Need {
        name,
        label,
        condition,
        ..
    } = &a.items[7]
    else {
        panic!()
    };
    assert_eq!(name.name, "family_counselling");
    assert_eq!(label.as_ref().unwrap().text, "Family counselling");
    assert_eq!(sexp(condition), "(>= points(parenting) 2)");
    let AssessmentItem::Risk {
        level, condition, ..
    } = &a.items[9]
    else {
        panic!()
    };
    assert_eq!(level.name, "high");
    assert_eq!(
        sexp(condition.as_ref().unwrap()),
        "(or (>= total 8) (= basic_care 3))"
    );
    assert!(
        matches!(&a.items[11], AssessmentItem::Risk { level, condition: None, .. } if level.name == "low")
    );
}

#[test]
fn services_calendar_protocol() {
    let file = parse_ok(BRIEF);
    let Decl::Service(s) = decl(&file, "speech_therapy") else {
        panic!()
    };
    assert!(
        matches!(&s.items[..], [ServiceItem::Sector(sec, _), ServiceItem::Meets(m, _)]
        if sec.name == "health" && m.len() == 1 && m[0].name == "speech_therapy")
    );
    let Decl::Calendar(c) = decl(&file, "armenia") else {
        panic!()
    };
    assert!(
        matches!(&c.items[..], [CalendarItem::Weekend(w, _), CalendarItem::Holiday { days: h, next_working_day: false, .. }]
        if w.len() == 2 && h.len() == 4 && matches!(&h[3], HolidayDay::Date(d) if d.month == 3 && d.day == 8))
    );

    let Decl::Protocol(p) = decl(&file, "out_of_school") else {
        panic!()
    };
    let ProtocolItem::Roles(roles, _) = &p.items[2] else {
        panic!()
    };
    assert_eq!(roles.len(), 4);
    assert_eq!(roles[3].agency.as_ref().unwrap().name, "social_services");
    assert_eq!(
        text(BRIEF, roles[0].span),
        "school_coordinator \"School coordinator\" at school"
    );
    let ProtocolItem::Start(start, _) = &p.items[3] else {
        panic!()
    };
    assert_eq!(
        sexp(start),
        "(or (not in_school) (>= unexcused_absence_days 10))"
    );
    let steps: Vec<&Step> = p
        .items
        .iter()
        .filter_map(|i| match i {
            ProtocolItem::Step(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(steps.len(), 6);
    assert!(matches!(&steps[0].items[..], [
        StepItem::By(by, _),
        StepItem::Within(Duration { amount, unit: DurationUnit::WorkingDays, .. }, _),
        StepItem::Contact(c, _),
    ] if by.name == "school_coordinator" && amount == "3" && c.text.starts_with("Written notice")));
    assert!(
        matches!(&steps[1].items[3], StepItem::Assessment(a, _) if a.name == "child_wellbeing")
    );
    assert!(matches!(&steps[2].items[3], StepItem::Requires(r, _) if r.name == "consent"));
    assert!(matches!(&steps[3].items[0], StepItem::ForEachNeed(s, _) if s.name == "assess"));
    assert!(
        matches!(&steps[4].items[2], StepItem::Every(Duration { amount, unit: DurationUnit::Days, .. }, _) if amount == "30")
    );
    let StepItem::When(when, _) = &steps[5].items[2] else {
        panic!()
    };
    assert_eq!(sexp(when), "(and (= risk(assess) low) (all-done refer))");
    assert!(
        matches!(&p.items[10], ProtocolItem::Escalate { to, overdue_by, .. }
        if to.name == "head_of_service" && overdue_by.amount == "5" && overdue_by.unit == DurationUnit::WorkingDays)
    );
    assert!(
        matches!(&p.items[11], ProtocolItem::Share { what, with, .. }
        if what.name == "child_wellbeing" && with.len() == 2)
    );
}

#[test]
fn test_block() {
    let file = parse_ok(BRIEF);
    let Decl::Test(t) = decl(&file, "Poor family with three children") else {
        panic!()
    };
    let TestItem::AsOf(d, _) = &t.items[0] else {
        panic!()
    };
    assert_eq!((d.year, d.month, d.day), (2025, 3, 1));
    let TestItem::Given { entity, value, .. } = &t.items[1] else {
        panic!()
    };
    assert_eq!(entity.name, "Household");
    assert_eq!(value.entries.len(), 3);
    assert!(matches!(&value.entries[0].value, Value::Name(n) if n.name == "shirak"));
    let Value::List(members, _) = &value.entries[2].value else {
        panic!()
    };
    assert_eq!(members.len(), 4);
    let Value::Object(first) = &members[0] else {
        panic!()
    };
    assert!(
        matches!(&first.entries[1].value, Value::Literal(Literal::Integer(n, _)) if n == "60_000")
    );
    assert!(matches!(
        &t.items[2],
        TestItem::Expect(Expect {
            outcome: ExpectOutcome::Eligible(_),
            subject: None,
            ..
        })
    ));
    assert!(
        matches!(&t.items[3], TestItem::Expect(Expect { outcome: ExpectOutcome::Amount(Literal::Integer(n, _)), .. }) if n == "40_500")
    );
    let TestItem::Expect(e) = &t.items[4] else {
        panic!()
    };
    let path = e.subject.as_ref().unwrap();
    assert_eq!(path.segments[0].field.name, "members");
    assert_eq!(path.segments[0].index.as_deref(), Some("0"));
    assert!(matches!(e.outcome, ExpectOutcome::Ineligible(_)));
}

#[test]
fn brief_expression_examples() {
    // The expression block shows several expressions per line, separated by wide
    // gaps, with explanatory comments.
    let mut got = Vec::new();
    for line in BRIEF_EXPRESSIONS.lines() {
        let code = line.split("//").next().unwrap();
        for part in code.split("   ").map(str::trim).filter(|p| !p.is_empty()) {
            got.push(sexp(&expr(part)));
        }
    }
    assert_eq!(
        got,
        [
            "count(members)",
            "count((where members (< age 18)))",
            "sum((. members monthly_income))",
            "min((. members age))",
            "max((. members age))",
            "(any members (!= disability none))",
            "(all members (implies (>= age 18) employed))",
            "(where members in_school)",
            "known(insurance_years)",
            "(otherwise insurance_years 0)",
            "years_between(birth_date, today)",
            "(- today 6 Months)",
            "date(2025, 1, 1)",
        ]
    );
}
