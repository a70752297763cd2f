//! Each construct of the grammar, and the precedence of expressions.

// Test helpers outside `#[test]` functions may fail loudly too.

mod common;

use accord_grammar::ast::*;
use accord_grammar::parse;
use accord_grammar::SyntaxErrorKind;
use common::{expr, parse_ok, sexp, text};

fn tree(src: &str) -> String {
    sexp(&expr(src))
}

#[test]
fn precedence() {
    let cases = [
        ("not a = b and c", "(and (not (= a b)) c)"),
        ("a otherwise 0 + 1", "(otherwise a (+ 0 1))"),
        ("a + b otherwise 0", "(otherwise (+ a b) 0)"),
        ("x in 6..17", "(in x 6..17)"),
        ("x not in 6..17", "(not-in x 6..17)"),
        ("x in {a, b}", "(in x {a b})"),
        ("x not in {a, b,}", "(not-in x {a b})"),
        // `[…]` is read as a set too (issue 18 writes `need in [housing, income]`).
        ("need in [housing, income]", "(in need {housing income})"),
        ("x not in [a, b,]", "(not-in x {a b})"),
        (
            "x + 1 in 1..y otherwise 2",
            "(in (+ x 1) 1..(otherwise y 2))",
        ),
        ("a implies b implies c", "(implies a (implies b c))"),
        ("a or b implies c", "(implies (or a b) c)"),
        ("a or b and c", "(or a (and b c))"),
        (
            "members where age < 18 and in_school",
            "(where members (and (< age 18) in_school))",
        ),
        ("a where b where c", "(where a (where b c))"),
        ("a implies b where c", "(where (implies a b) c)"),
        ("all refer done", "(all-done refer)"),
        ("any refer done", "(any-done refer)"),
        ("refer done and x", "(and (done refer) x)"),
        ("today - 6 months", "(- today 6 Months)"),
        ("today + 1 working day", "(+ today 1 WorkingDays)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a - (b - c)", "(- a (- b c))"),
        ("a * b + c / d", "(+ (* a b) (/ c d))"),
        ("-a * b", "(* (neg a) b)"),
        ("-(a + b)", "(neg (+ a b))"),
        ("- - x", "(neg (neg x))"),
        ("not not x", "(not (not x))"),
        ("-5", "(neg 5)"),
        ("a.b.c", "(. (. a b) c)"),
        ("f(a, b).c", "(. f(a, b) c)"),
        ("f (a)", "f(a)"),
        ("f()", "f()"),
        ("12% * x", "(* 12% x)"),
        ("29.5 + 45_000", "(+ 29.5 45_000)"),
        ("\"a\\\"b\\u{1F600}\\n\"", "\"a\\\"b😀\\n\""),
        ("2025-03-01", "2025-03-01"),
        ("true and false", "(and true false)"),
        ("if a then 1 else 2", "(if a 1 2)"),
        ("if a then 1 else if b then 2 else 3", "(if a 1 (if b 2 3))"),
        ("if a then 1 else 2 + 3", "(if a 1 (+ 2 3))"),
        ("1 + if a then 1 else 2 + 3", "(+ 1 (if a 1 (+ 2 3)))"),
        ("if if a then b else c then 1 else 2", "(if (if a b c) 1 2)"),
        ("any members where age > 65", "(any members (> age 65))"),
        ("all h.members where x or y", "(all (. h members) (or x y))"),
        ("any (a where b) where c", "(any (where a b) c)"),
        ("not any members where x", "(not (any members x))"),
        (
            "count(members where age < 18) >= 3",
            "(>= count((where members (< age 18))) 3)",
        ),
        ("(a = b) = c", "(= (= a b) c)"),
        ("a != b", "(!= a b)"),
        ("nothing or notable", "(or nothing notable)"),
        ("order_x and android", "(and order_x android)"),
        ("a /* c */ + b", "(+ a b)"),
        ("a // c\n + b", "(+ a b)"),
    ];
    for (src, want) in cases {
        assert_eq!(tree(src), want, "for {src}");
    }
}

#[test]
fn comparisons_do_not_chain() {
    for src in [
        "a < b < c",
        "a = b = c",
        "a in {1} in {2}",
        "a = b in {1}",
        "a < b != c",
    ] {
        let p = parse(&format!("entity E {{ let x = {src} }}"));
        assert_eq!(p.errors.len(), 1, "{src}");
        assert_eq!(p.errors[0].message, "comparisons cannot be chained");
        assert!(p.file.decls.is_empty());
    }
}

#[test]
fn expression_spans() {
    let src = "entity E {\n  let x = a + f(b, c) * -d\n}\n";
    let file = parse_ok(src);
    let Decl::Entity(e) = &file.decls[0] else {
        panic!()
    };
    let Member::Let(l) = &e.members[0] else {
        panic!()
    };
    assert_eq!(text(src, l.value.span()), "a + f(b, c) * -d");
    let Expr::Binary { rhs, .. } = &l.value else {
        panic!()
    };
    assert_eq!(text(src, rhs.span()), "f(b, c) * -d");
    let Expr::Binary {
        lhs: call,
        rhs: neg,
        ..
    } = &**rhs
    else {
        panic!()
    };
    assert_eq!(text(src, call.span()), "f(b, c)");
    assert_eq!(text(src, neg.span()), "-d");
}

#[test]
fn sector_enum_entity_forms() {
    let src = r#"
/// Culture.
sector culture "Culture" [hy: "Մշակույթ"]
enum A { x, y, }
enum B "B" {
  /// The first.
  p "P"
  q
}
entity E {
  /// A field.
  n: list of list of Integer
  let s "Sum" = n
}
"#;
    let file = parse_ok(src);
    let Decl::Sector(s) = &file.decls[0] else {
        panic!()
    };
    assert_eq!(s.docs, ["Culture."]);
    assert_eq!(
        text(src, s.span),
        "sector culture \"Culture\" [hy: \"Մշակույթ\"]"
    );
    let Decl::Enum(a) = &file.decls[1] else {
        panic!()
    };
    assert_eq!(a.variants.len(), 2);
    let Decl::Enum(b) = &file.decls[2] else {
        panic!()
    };
    assert_eq!(b.variants[0].docs, ["The first."]);
    assert_eq!(text(src, b.variants[0].span), "p \"P\"");
    let Decl::Entity(e) = &file.decls[3] else {
        panic!()
    };
    let Member::Field(f) = &e.members[0] else {
        panic!()
    };
    assert_eq!(f.docs, ["A field."]);
    assert_eq!(text(src, f.span), "n: list of list of Integer");
    assert!(
        matches!(&f.ty, TypeExpr::List(inner, s) if text(src, *s) == "list of list of Integer"
        && matches!(&**inner, TypeExpr::List(i2, s2) if text(src, *s2) == "list of Integer"
            && matches!(&**i2, TypeExpr::Named(n) if n.name == "Integer")))
    );
    let Member::Let(l) = &e.members[1] else {
        panic!()
    };
    assert_eq!(l.label.as_ref().unwrap().text, "Sum");
}

#[test]
fn parameter_from_with_source() {
    let src = "parameter p: Money {\n  from 2023-01-01: 29.00 source \"Decision 1200-N\"\n  source \"Law\"\n  from 2024-01-01: -5\n}";
    let file = parse_ok(src);
    let Decl::Parameter(p) = &file.decls[0] else {
        panic!()
    };
    assert!(
        matches!(&p.items[0], ParameterItem::From { source: Some(l), .. } if l.text == "Decision 1200-N")
    );
    assert!(matches!(&p.items[1], ParameterItem::Source(l) if l.text == "Law"));
    let ParameterItem::From {
        value: Some(value),
        span,
        ..
    } = &p.items[2]
    else {
        panic!()
    };
    assert_eq!(sexp(value), "(neg 5)");
    assert_eq!(text(src, *span), "from 2024-01-01: -5");
}

/// `from DATE:` without a value (a repeal, with or without a source, also on the
/// next line) and `until DATE`; a name after `:` that is a keyword starting the
/// next item is not read as the value.
#[test]
fn parameter_repeal_and_until() {
    let src = "parameter p: Money {\n  from 2020-01-01: 5\n  from 2024-01-01:\n  from 2025-01-01: 6\n  from 2026-01-01: source \"Repeal\"\n  from 2027-01-01: 7\n  until 2027-12-31\n  source \"Law\"\n}";
    let file = parse_ok(src);
    let Decl::Parameter(p) = &file.decls[0] else {
        panic!()
    };
    assert_eq!(p.items.len(), 6, "{:?}", p.items);
    assert!(
        matches!(&p.items[1], ParameterItem::From { value: None, source: None, span, .. } if text(src, *span) == "from 2024-01-01:")
    );
    assert!(
        matches!(&p.items[3], ParameterItem::From { value: None, source: Some(l), .. } if l.text == "Repeal")
    );
    // A `source` line right after `until` is that line's source.
    assert!(
        matches!(&p.items[5], ParameterItem::Until { source: Some(l), span, .. }
        if l.text == "Law" && text(src, *span).starts_with("until 2027-12-31"))
    );
}

#[test]
fn tables_all_hit_policies_and_cells() {
    for (policy, kind) in [
        ("", None),
        ("hit unique", Some(HitPolicyKind::Unique)),
        ("hit first", Some(HitPolicyKind::First)),
        ("hit any", Some(HitPolicyKind::Any)),
        ("hit collect sum", Some(HitPolicyKind::CollectSum)),
        ("hit collect min", Some(HitPolicyKind::CollectMin)),
        ("hit collect max", Some(HitPolicyKind::CollectMax)),
        ("hit collect count", Some(HitPolicyKind::CollectCount)),
        ("hit collect list", Some(HitPolicyKind::CollectList)),
    ] {
        let src = format!("table t(a: Integer) -> Integer {policy} {{\n  a | result\n  * | 1\n}}");
        let file = parse_ok(&src);
        let Decl::Table(t) = &file.decls[0] else {
            panic!()
        };
        assert_eq!(t.hit.map(|h| h.kind), kind, "{policy}");
    }
    let src = "table t(a: Integer, r: Region, s: Text,) -> Decimal \"T\" hit first {\n  a | r | s | result\n  >= -5 | {shirak, tavush} | \"x|y\" | -2.5 // why\n\n  6..17 | != none | = \"a\" | 12%   \n  // between rows\n  *|*|*|true\n  -3..-1 | shirak | 2025-01-01 | 3 days\n}";
    let file = parse_ok(src);
    let Decl::Table(t) = &file.decls[0] else {
        panic!()
    };
    assert_eq!(t.params.len(), 3);
    assert_eq!(t.columns.len(), 4);
    assert_eq!(t.rows.len(), 4);
    let r0 = &t.rows[0].cells;
    assert!(
        matches!(&r0[0], Cell::Compare(CompareOp::Ge, CellValue::Literal(Literal::Integer(n, _)), _) if n == "-5")
    );
    assert!(matches!(&r0[1], Cell::Set(v, _) if v.len() == 2));
    assert!(matches!(&r0[2], Cell::Value(CellValue::Literal(Literal::Text(s, _))) if s == "x|y"));
    assert!(
        matches!(&r0[3], Cell::Value(CellValue::Literal(Literal::Decimal(n, _))) if n == "-2.5")
    );
    assert_eq!(
        text(src, t.rows[0].span),
        ">= -5 | {shirak, tavush} | \"x|y\" | -2.5"
    );
    let r1 = &t.rows[1].cells;
    assert!(
        matches!(&r1[0], Cell::Range(CellValue::Literal(Literal::Integer(a, _)), CellValue::Literal(Literal::Integer(b, _)), _) if a == "6" && b == "17")
    );
    assert!(
        matches!(&r1[1], Cell::Compare(CompareOp::Ne, CellValue::Name(n), _) if n.name == "none")
    );
    assert!(matches!(&r1[3], Cell::Value(CellValue::Literal(Literal::Percent(p, _))) if p == "12"));
    assert_eq!(text(src, t.rows[1].span), "6..17 | != none | = \"a\" | 12%");
    assert!(t.rows[2]
        .cells
        .iter()
        .take(3)
        .all(|c| matches!(c, Cell::Any(_))));
    assert!(matches!(&t.rows[3].cells[0], Cell::Range(..)));
    assert!(matches!(
        &t.rows[3].cells[3],
        Cell::Value(CellValue::Literal(Literal::Duration(_)))
    ));
    // The row's comment and the comment between rows are both kept.
    let comments: Vec<(&str, bool)> = file
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing))
        .collect();
    assert_eq!(comments, [("// why", true), ("// between rows", false)]);
}

#[test]
fn table_rows_are_lines() {
    // Two rows on one line are an error; a row split over two lines too.
    for src in [
        "table t(a: Integer) -> Integer {\n  a | result\n  1 | 2 3 | 4\n}",
        "table t(a: Integer) -> Integer {\n  a | result\n  1 |\n 2\n}",
    ] {
        let p = parse(src);
        assert_eq!(p.errors.len(), 1, "{src}");
    }
}

#[test]
fn assessment_question_kinds() {
    let src = r#"assessment a {
  for Person
  question c "Choice": choice { yes "Yes" points 2, no "No"
    maybe points 1 }
  question n: Integer 0..30
  question d: Decimal
  question b: Boolean
  /// Score docs.
  score s "S" = 1
  /// Need docs.
  need x when s > 0
  risk high "High" when s > 2
}"#;
    let file = parse_ok(src);
    let Decl::Assessment(a) = &file.decls[0] else {
        panic!()
    };
    let AssessmentItem::Question(c) = &a.items[1] else {
        panic!()
    };
    let QuestionKind::Choice { options, .. } = &c.kind else {
        panic!()
    };
    assert_eq!(options.len(), 3);
    assert_eq!(options[0].points.as_deref(), Some("2"));
    assert_eq!(options[1].points, None);
    assert!(options[2].label.is_none());
    let AssessmentItem::Question(n) = &a.items[2] else {
        panic!()
    };
    assert!(
        matches!(&n.kind, QuestionKind::Value { ty, range: Some((lo, hi)), .. } if ty.name == "Integer" && lo == "0" && hi == "30")
    );
    let AssessmentItem::Question(d) = &a.items[3] else {
        panic!()
    };
    assert!(matches!(&d.kind, QuestionKind::Value { range: None, .. }));
    let AssessmentItem::Question(b) = &a.items[4] else {
        panic!()
    };
    assert!(matches!(
        &b.kind,
        QuestionKind::Boolean {
            points: None,
            else_points: None,
            ..
        }
    ));
    assert!(
        matches!(&a.items[5], AssessmentItem::Score { docs, label: Some(_), .. } if docs == &["Score docs."])
    );
    assert!(
        matches!(&a.items[6], AssessmentItem::Need { docs, label: None, .. } if docs == &["Need docs."])
    );
    assert!(
        matches!(&a.items[7], AssessmentItem::Risk { label: Some(l), condition: Some(_), .. } if l.text == "High")
    );
}

#[test]
fn protocol_docs_and_step_items() {
    let src = r#"protocol p {
  roles {
    /// Does the work.
    worker
    boss "Boss"
  }
  /// The only step.
  step s {
    after a, b
    legal "Art. 3"
    within 1 week
    every 2 years
  }
}"#;
    let file = parse_ok(src);
    let Decl::Protocol(p) = &file.decls[0] else {
        panic!()
    };
    let ProtocolItem::Roles(roles, _) = &p.items[0] else {
        panic!()
    };
    assert_eq!(roles[0].docs, ["Does the work."]);
    assert!(roles[0].label.is_none() && roles[0].agency.is_none());
    assert_eq!(text(src, roles[0].span), "worker");
    let ProtocolItem::Step(s) = &p.items[1] else {
        panic!()
    };
    assert_eq!(s.docs, ["The only step."]);
    assert!(text(src, s.span).starts_with("step s {"));
    assert!(matches!(&s.items[0], StepItem::After(v, _) if v.len() == 2));
    assert!(matches!(&s.items[1], StepItem::Legal(l, _) if l.text == "Art. 3"));
    assert!(matches!(
        &s.items[2],
        StepItem::Within(
            Duration {
                unit: DurationUnit::Weeks,
                ..
            },
            _
        )
    ));
    assert!(matches!(
        &s.items[3],
        StepItem::Every(
            Duration {
                unit: DurationUnit::Years,
                ..
            },
            _
        )
    ));
}

#[test]
fn role_kinds() {
    // `is` is a keyword only after a role: `is client` / `is provider` end the role,
    // while `is` followed by anything else is the next role's name.
    let src = r#"protocol p {
  roles {
    family "Family" is client
    provider_worker "Provider" at ngo is provider
    worker at office
    is
    other
  }
  step s {
    by worker
  }
}"#;
    let file = parse_ok(src);
    let Decl::Protocol(p) = &file.decls[0] else {
        panic!()
    };
    let ProtocolItem::Roles(roles, _) = &p.items[0] else {
        panic!()
    };
    let got: Vec<_> = roles
        .iter()
        .map(|r| {
            (
                r.name.name.as_str(),
                r.agency.as_ref().map(|a| a.name.as_str()),
                r.kind,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("family", None, Some(RoleKind::Client)),
            ("provider_worker", Some("ngo"), Some(RoleKind::Provider)),
            ("worker", Some("office"), None),
            ("is", None, None),
            ("other", None, None),
        ]
    );
    assert_eq!(
        text(src, roles[1].span),
        "provider_worker \"Provider\" at ngo is provider"
    );
    // The formatter writes the kind back.
    let printed = accord_grammar::print(&file);
    assert!(
        printed.contains("family \"Family\" is client\n"),
        "{printed}"
    );
    assert!(
        printed.contains("provider_worker \"Provider\" at ngo is provider\n"),
        "{printed}"
    );
    assert_eq!(parse_ok(&printed), file);
}

#[test]
fn agencies_and_the_legal_basis() {
    // `agency` and `legal` are protocol items; `agency` stays an ordinary name
    // elsewhere (a role may be called `agency`).
    let src = r#"protocol p "P" {
  legal "Decree No. 1" [ru: "Постановление № 1"]
  /// The district's social service.
  agency district "District social service" [ru: "Районная служба"] {
    worker "Social worker"
    agency "Liaison" is client
  }
  agency school {
  }
  roles {
    head "Head" at district
  }
  step s {
    by worker
  }
}"#;
    let file = parse_ok(src);
    let Decl::Protocol(p) = &file.decls[0] else {
        panic!()
    };
    let ProtocolItem::Legal(l, _) = &p.items[0] else {
        panic!("{:?}", p.items[0])
    };
    assert_eq!(l.text, "Decree No. 1");
    let ProtocolItem::Agency(a) = &p.items[1] else {
        panic!("{:?}", p.items[1])
    };
    assert_eq!(a.name.name, "district");
    assert_eq!(a.docs.len(), 1);
    assert_eq!(a.label.as_ref().unwrap().text, "District social service");
    let names: Vec<&str> = a.roles.iter().map(|r| r.name.name.as_str()).collect();
    assert_eq!(names, ["worker", "agency"]);
    assert_eq!(a.roles[1].kind, Some(RoleKind::Client));
    let ProtocolItem::Agency(empty) = &p.items[2] else {
        panic!()
    };
    assert!(empty.roles.is_empty() && empty.label.is_none());
    // Every role, in blocks and in `roles { }`.
    let all: Vec<&str> = p.roles().map(|r| r.name.name.as_str()).collect();
    assert_eq!(all, ["worker", "agency", "head"]);
    let printed = accord_grammar::print(&file);
    assert!(
        printed.contains("  legal \"Decree No. 1\" [ru: \"Постановление № 1\"]\n"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "  /// The district's social service.\n  agency district \"District social service\" [ru: \"Районная служба\"] {\n    worker \"Social worker\"\n"
        ),
        "{printed}"
    );
    assert_eq!(parse_ok(&printed), file);
    assert_eq!(accord_grammar::print(&parse_ok(&printed)), printed);
}

#[test]
fn test_values() {
    let src = r#"test "Values" {
  given Household {
    a: unknown
    b: -5, c: -0.5
    d: [1, 2, [3]]
    e: { f: { g: "x" } }
    h: 12%
    i: true
  }
  expect p undetermined
  expect p for members[0].children[12] amount -10.50
  expect p for head eligible
}"#;
    let file = parse_ok(src);
    let Decl::Test(t) = &file.decls[0] else {
        panic!()
    };
    let TestItem::Given { value, .. } = &t.items[0] else {
        panic!()
    };
    let v: Vec<&Value> = value.entries.iter().map(|e| &e.value).collect();
    assert!(matches!(v[0], Value::Unknown(_)));
    assert!(matches!(v[1], Value::Literal(Literal::Integer(n, _)) if n == "-5"));
    assert!(matches!(v[2], Value::Literal(Literal::Decimal(n, _)) if n == "-0.5"));
    assert!(matches!(v[3], Value::List(l, _) if l.len() == 3 && matches!(&l[2], Value::List(..))));
    assert!(matches!(v[4], Value::Object(o) if matches!(&o.entries[0].value, Value::Object(_))));
    assert!(matches!(v[5], Value::Literal(Literal::Percent(..))));
    assert!(matches!(v[6], Value::Literal(Literal::Bool(true, _))));
    assert!(matches!(
        &t.items[1],
        TestItem::Expect(Expect {
            outcome: ExpectOutcome::Undetermined(_),
            ..
        })
    ));
    let TestItem::Expect(e) = &t.items[2] else {
        panic!()
    };
    let path = e.subject.as_ref().unwrap();
    assert_eq!(path.segments.len(), 2);
    assert_eq!(path.segments[1].index.as_deref(), Some("12"));
    assert_eq!(text(src, path.span), "members[0].children[12]");
    assert!(matches!(&e.outcome, ExpectOutcome::Amount(Literal::Decimal(n, _)) if n == "-10.50"));
    let TestItem::Expect(e) = &t.items[3] else {
        panic!()
    };
    assert!(e.subject.as_ref().unwrap().segments[0].index.is_none());
}

#[test]
fn unicode_labels_have_byte_spans() {
    let src = "enum Region \"Регион\" [hy: \"Մարզ\", ru: \"Регион\"] {\n  yerevan \"Երևան\"\n}\n// Комментарий\nsector x \"Ü\"\n";
    let file = parse_ok(src);
    let Decl::Enum(e) = &file.decls[0] else {
        panic!()
    };
    let label = e.label.as_ref().unwrap();
    assert_eq!(label.text, "Регион");
    assert_eq!(
        text(src, label.span),
        "\"Регион\" [hy: \"Մարզ\", ru: \"Регион\"]"
    );
    assert_eq!(text(src, label.translations[0].span), "hy: \"Մարզ\"");
    assert_eq!(label.translations[0].text, "Մարզ");
    assert_eq!(text(src, e.variants[0].span), "yerevan \"Երևան\"");
    assert_eq!(text(src, file.comments[0].span), "// Комментарий");
    let Decl::Sector(s) = &file.decls[1] else {
        panic!()
    };
    assert_eq!(text(src, s.span), "sector x \"Ü\"");
    assert_eq!(text(src, s.name.span), "x");
}

#[test]
fn text_escapes() {
    assert_eq!(tree(r#""\t\\\u{41}""#), "\"\\t\\\\A\"");
    for (bad, shown) in [
        (r#""\q""#, "\\q"),
        (r#""\u{110000}""#, "\\u{110000}"),
        (r#""\u{}""#, "\\u{}"),
        (r#""\u41""#, "\\u"),
        (r#""\u{1234567}""#, "\\u{1234567}"),
    ] {
        let src = format!("entity E {{ let x = {bad} }}");
        let p = parse(&src);
        assert_eq!(p.errors.len(), 1, "{bad}");
        assert_eq!(p.errors[0].kind, SyntaxErrorKind::BadEscape, "{bad}");
        assert_eq!(text(&src, p.errors[0].span), shown, "{bad}");
    }
}

#[test]
fn comments_everywhere_and_docs() {
    let src = "// head\n/* block */ entity E { // trailing\n  x: Integer /* in */ \"L\"\n}\n//// not a doc\n";
    let file = parse_ok(src);
    let texts: Vec<(&str, bool)> = file
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing))
        .collect();
    assert_eq!(
        texts,
        [
            ("// head", false),
            ("/* block */", false),
            ("// trailing", true),
            ("/* in */", true),
            ("//// not a doc", false),
        ]
    );
    let Decl::Entity(e) = &file.decls[0] else {
        panic!()
    };
    // Spans stop before trailing comments.
    assert_eq!(text(src, e.members[0].span()), "x: Integer /* in */ \"L\"");
    let src2 = "entity E {\n  x: Integer // note\n  y: Integer\n}";
    let file = parse_ok(src2);
    let Decl::Entity(e) = &file.decls[0] else {
        panic!()
    };
    assert_eq!(text(src2, e.members[0].span()), "x: Integer");
    // Doc text loses one leading space only.
    let file = parse_ok("///  two\n///\n///x\nsector s\n");
    let Decl::Sector(s) = &file.decls[0] else {
        panic!()
    };
    assert_eq!(s.docs, [" two", "", "x"]);
}

#[test]
fn crlf_sources() {
    let src = "entity E {\r\n  x: Integer // c\r\n}\r\ntable t(a: Integer) -> Integer {\r\n  a | result\r\n  1 | 2 // r\r\n  * | 3\r\n}\r\n";
    let file = parse_ok(src);
    assert_eq!(file.decls.len(), 2);
    let Decl::Table(t) = &file.decls[1] else {
        panic!()
    };
    assert_eq!(t.rows.len(), 2);
    assert_eq!(file.comments[0].text, "// c");
    assert_eq!(file.comments[1].text, "// r");
}

/// Issue 18's step items: `within … from`, `for each need … where`, `closes`,
/// `back to … when`, each read into its own item.
#[test]
fn flow_step_items() {
    let f = parse_ok(
        "protocol p { step s { within 10 working days from choose  for each need of assess where need != transport  closes  back to plan when not in_school } }",
    );
    let Some(Decl::Protocol(p)) = f.decls.first() else {
        panic!("a protocol")
    };
    let Some(ProtocolItem::Step(s)) = p.items.first() else {
        panic!("a step")
    };
    let kinds: Vec<String> = s
        .items
        .iter()
        .map(|i| match i {
            StepItem::WithinFrom(d, from, _) => format!("within {} from {}", d.amount, from.name),
            StepItem::ForEachNeedWhere(of, e, _) => format!("each {} where {}", of.name, sexp(e)),
            StepItem::Closes(_) => "closes".to_string(),
            StepItem::BackTo(to, e, _) => format!("back {} when {}", to.name, sexp(e)),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "within 10 from choose",
            "each assess where (!= need transport)",
            "closes",
            "back plan when (not in_school)",
        ]
    );
}

/// Tables, scales and formula versions end the way parameters do: a `from DATE:`
/// line with nothing under it (no rows, no brackets, no formula) and an `until
/// DATE` line; the formatter writes them back as they were.
#[test]
fn tables_scales_and_formulas_that_end() {
    let src = "table grant(size: Integer) -> Money {\n  size | result\n  from 2020-01-01: source \"Decree 1\"\n  *    | 100\n  until 2022-12-31 source \"Decree 2\"\n  from 2024-01-01:\n  *    | 120\n  from 2025-01-01:\n}\n\nscale tax marginal {\n  from 2020-01-01:\n    0 | 2%\n  until 2021-12-31 source \"Law\"\n  from 2023-01-01:\n    0 | 3%\n  from 2024-01-01:\n}\n\nentity Person {\n  age: Integer\n  let old {\n    from 2020-01-01: age >= 63\n    until 2022-12-31\n    from 2024-01-01: age >= 65\n    from 2025-01-01:\n  }\n}\n";
    let file = parse_ok(src);
    let Decl::Table(t) = &file.decls[0] else {
        panic!()
    };
    let shape: Vec<(bool, usize, Option<&str>)> = t
        .versions
        .iter()
        .map(|v| (v.until, v.first, v.source.as_ref().map(|l| l.text.as_str())))
        .collect();
    assert_eq!(
        shape,
        [
            (false, 0, Some("Decree 1")),
            (true, 1, Some("Decree 2")),
            (false, 1, None),
            (false, 2, None)
        ]
    );
    let Decl::Scale(s) = &file.decls[1] else {
        panic!()
    };
    let shape: Vec<(bool, usize, bool)> = s
        .versions
        .iter()
        .map(|v| (v.until, v.brackets.len(), v.source.is_some()))
        .collect();
    assert_eq!(
        shape,
        [
            (false, 1, false),
            (true, 0, true),
            (false, 1, false),
            (false, 0, false)
        ]
    );
    let Decl::Entity(e) = &file.decls[2] else {
        panic!()
    };
    let Member::Let(l) = &e.members[1] else {
        panic!()
    };
    assert_eq!(
        sexp(&l.value),
        "(dated 2020-01-01: (>= age 63) until 2022-12-31: end 2024-01-01: (>= age 65) 2025-01-01: end)"
    );
    assert_eq!(
        accord_grammar::print(&file),
        src,
        "the formatter keeps every form"
    );
}
