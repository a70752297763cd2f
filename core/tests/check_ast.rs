//! Checker tests on hand-built trees (independent of the parser).

use accord_core::checker::check;
use accord_grammar::ast::*;

fn sp() -> Span {
    Span::default()
}
fn id(n: &str) -> Ident {
    Ident {
        name: n.into(),
        span: sp(),
    }
}
fn name(n: &str) -> Expr {
    Expr::Name(id(n))
}
fn int(n: &str) -> Expr {
    Expr::Literal(Literal::Integer(n.into(), sp()))
}
fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    Expr::Binary {
        op,
        lhs: Box::new(l),
        rhs: Box::new(r),
        span: sp(),
    }
}
fn ty(n: &str) -> TypeExpr {
    TypeExpr::Named(id(n))
}
fn date(y: i32, m: u32, d: u32) -> DateLit {
    DateLit {
        year: y,
        month: m,
        day: d,
        span: sp(),
    }
}
fn ruleset() -> Decl {
    Decl::Ruleset(Ruleset {
        docs: vec![],
        name: id("r"),
        label: None,
        items: vec![RulesetItem::Currency {
            code: id("AMD"),
            span: sp(),
        }],
        span: sp(),
    })
}
fn entity(n: &str, members: Vec<Member>) -> Decl {
    Decl::Entity(Entity {
        docs: vec![],
        name: id(n),
        label: None,
        members,
        span: sp(),
    })
}
fn field(n: &str, t: &str) -> Member {
    Member::Field(Field {
        docs: vec![],
        name: id(n),
        ty: ty(t),
        domain: None,
        label: None,
        span: sp(),
    })
}
fn let_(n: &str, value: Expr) -> Member {
    Member::Let(Let {
        docs: vec![],
        name: id(n),
        label: None,
        value,
        span: sp(),
    })
}
fn codes(decls: Vec<Decl>) -> Vec<(&'static str, String)> {
    let mut all = vec![ruleset()];
    all.extend(decls);
    let (_, diags) = check(&[File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: all,
        comments: vec![],
    }]);
    diags
        .into_iter()
        .map(|d| (d.code.as_str(), d.message))
        .collect()
}
fn errors(decls: Vec<Decl>) -> Vec<(&'static str, String)> {
    codes(decls)
        .into_iter()
        .filter(|(c, _)| c.starts_with('E'))
        .collect()
}

#[test]
fn let_cycle_is_reported_once_with_its_path() {
    let e = entity(
        "Household",
        vec![
            let_("a", bin(BinaryOp::Add, name("b"), int("1"))),
            let_("b", bin(BinaryOp::Sub, name("a"), int("1"))),
        ],
    );
    let errs = errors(vec![e]);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "E0306");
    assert!(
        errs[0]
            .1
            .contains("`Household.a` → `Household.b` → `Household.a`"),
        "{}",
        errs[0].1
    );
}

#[test]
fn date_minus_date_is_an_error() {
    let e = entity(
        "Person",
        vec![
            field("birth_date", "Date"),
            let_("x", bin(BinaryOp::Sub, name("today"), name("birth_date"))),
        ],
    );
    let errs = errors(vec![e]);
    assert_eq!(
        errs,
        vec![("E0203", "cannot subtract a date from a date".to_string())]
    );
}

#[test]
fn unknown_name_suggests_the_closest() {
    let e = entity(
        "Person",
        vec![
            field("insurance_years", "Integer"),
            let_("x", name("insurance_yaers")),
        ],
    );
    let (_, diags) = check(&[File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: vec![ruleset(), e],
        comments: vec![],
    }]);
    let d = diags.iter().find(|d| d.code == "E0102").expect("E0102");
    assert_eq!(d.help.as_deref(), Some("did you mean `insurance_years`?"));
}

#[test]
fn parameter_dates_must_increase() {
    let p = Decl::Parameter(Parameter {
        docs: vec![],
        name: id("base"),
        ty: ty("Money"),
        label: None,
        items: vec![
            ParameterItem::From {
                date: date(2023, 1, 1),
                value: Some(int("1")),
                source: None,
                span: sp(),
            },
            ParameterItem::From {
                date: date(2014, 1, 1),
                value: Some(int("2")),
                source: None,
                span: sp(),
            },
            ParameterItem::From {
                date: date(2025, 2, 30),
                value: Some(int("3")),
                source: None,
                span: sp(),
            },
        ],
        span: sp(),
    });
    let errs: Vec<_> = errors(vec![p]).into_iter().map(|(c, _)| c).collect();
    assert_eq!(errs, vec!["E0406", "E0211"]);
}

#[test]
fn overlapping_unique_rows_are_found() {
    let cell = |op: CompareOp, n: &str| {
        Cell::Compare(
            op,
            CellValue::Literal(Literal::Integer(n.into(), sp())),
            sp(),
        )
    };
    let res = |n: &str| Cell::Value(CellValue::Literal(Literal::Integer(n.into(), sp())));
    let t = Decl::Table(Table {
        docs: vec![],
        name: id("grant"),
        params: vec![TableParam {
            name: id("order"),
            ty: ty("Integer"),
            span: sp(),
        }],
        result: ty("Money"),
        label: None,
        hit: None,
        columns: vec![id("order"), id("result")],
        rows: vec![
            Row {
                cells: vec![cell(CompareOp::Le, "2"), res("300")],
                span: sp(),
            },
            Row {
                cells: vec![cell(CompareOp::Gt, "2"), res("400")],
                span: sp(),
            },
            Row {
                cells: vec![cell(CompareOp::Le, "4"), res("500")],
                span: sp(),
            },
        ],
        versions: vec![],
        each: vec![],
        span: sp(),
    });
    let errs = errors(vec![t]);
    // Row 3 overlaps rows 1 and 2; each row is reported once, against the first.
    assert_eq!(
        errs,
        vec![(
            "E0405",
            "rows 1 and 3 of table `grant` can both match".to_string()
        )]
    );
}

#[test]
fn empty_and_odd_trees_do_not_panic() {
    let (_, d) = check(&[]);
    assert!(d.is_empty());
    let (_, d) = check(&[File::default(), File::default()]);
    assert!(d.is_empty());
    // A let referring to itself through a field of a list of itself.
    let e = entity("Node", vec![field("kids", "Node"), let_("x", name("x"))]);
    let errs = errors(vec![e]);
    assert!(errs.iter().any(|(c, _)| *c == "E0306"), "{errs:?}");
}

/// Checking the deepest trees the checker follows fits a 2 MiB stack in a debug build.
#[test]
fn deep_expressions_fit_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let chain = |n: usize| {
                let mut e = int("1");
                for _ in 0..n {
                    e = bin(BinaryOp::Add, e, int("1"));
                }
                e
            };
            // Just within the limit: checks cleanly.
            assert_eq!(
                errors(vec![entity("Household", vec![let_("deep", chain(250))])]),
                vec![]
            );
            let mut lets = vec![let_("deep", chain(400))];
            // A ring of lets, each deeply nested, typed on demand from each other.
            for i in 0..40 {
                let mut x = name(&format!("l{}", (i + 1) % 40));
                for _ in 0..60 {
                    x = Expr::Unary {
                        op: UnaryOp::Neg,
                        operand: Box::new(x),
                        span: sp(),
                    };
                }
                lets.push(let_(&format!("l{i}"), x));
            }
            let errs = errors(vec![entity("Household", lets)]);
            let codes: Vec<_> = errs.iter().map(|(c, _)| *c).collect();
            assert_eq!(codes, vec!["E0214", "E0306"], "{errs:?}");
        })
        .unwrap();
    handle.join().unwrap();
}

/// About the size of a national ruleset: 80 programmes over a household of persons,
/// each with a few clauses and lets. Checking stays well within the 10 ms budget
/// (asserted loosely here, since tests run unoptimised on shared machines).
#[test]
fn checking_eighty_programmes_is_fast() {
    let mut person = vec![field("birth_date", "Date"), field("income", "Money")];
    let mut decls = vec![];
    for i in 0..80 {
        person.push(field(&format!("f{i}"), "Integer"));
        person.push(let_(
            &format!("l{i}"),
            bin(BinaryOp::Add, name(&format!("f{i}")), int("1")),
        ));
        let cond = bin(
            BinaryOp::And,
            bin(BinaryOp::Ge, name(&format!("l{i}")), int("3")),
            bin(BinaryOp::Lt, name("income"), int("30_000")),
        );
        decls.push(Decl::Program(Program {
            docs: vec![],
            name: id(&format!("p{i}")),
            label: None,
            items: vec![
                ProgramItem::For(id("Person"), sp()),
                ProgramItem::Eligible(Clause {
                    condition: cond,
                    legal: None,
                    span: sp(),
                }),
                ProgramItem::Amount(bin(BinaryOp::Mul, name("income"), int("2")), sp()),
            ],
            span: sp(),
        }));
    }
    decls.push(entity("Person", person));
    let t = std::time::Instant::now();
    let errs = errors(decls);
    let took = t.elapsed();
    assert_eq!(errs, vec![]);
    assert!(took < std::time::Duration::from_millis(200), "{took:?}");
    eprintln!("checked 80 programmes in {took:?}");
}
