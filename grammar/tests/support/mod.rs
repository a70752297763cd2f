//! Proptest strategies for valid Accord syntax trees.
//!
//! Every tree generated here is one the concrete syntax can express, so that
//! `parse(print(tree)) == tree` is a fair property: identifiers are not reserved
//! words, number texts are valid, a programme-level `legal` only comes before the
//! first clause (likewise a parameter-level `source` never directly follows a
//! `from` line without its own source), there are no comments, and all spans are
//! the default (equality ignores spans).
//! Depth is bounded so a tree stays small.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this shared module"
)]

pub mod build;

use accord_grammar::ast::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

pub const RESERVED: &[&str] = &accord_grammar::ast::RESERVED_WORDS;

/// Words that are keywords somewhere. Random identifiers avoid them all, because
/// in a newline-insensitive list some of them are truly ambiguous (a role named
/// `at`, a field named `days` after a number).
const CONTEXTUAL: &[&str] = &[
    "eligible",
    "ineligible",
    "undetermined",
    "amount",
    "sum",
    "count",
    "first",
    "collect",
    "list",
    "of",
    "risk",
    "need",
    "points",
    "table",
    "program",
    "today",
    "legal",
    "source",
    "hit",
    "sector",
    "step",
    "by",
    "after",
    "within",
    "until",
    "every",
    "day",
    "days",
    "working",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "at",
    "is",
    "client",
    "provider",
    "consent",
    "referral",
    "to",
    "with",
    "score",
    "question",
    "section",
    "scale",
    "marginal",
    "single",
    "choice",
    "as",
    "given",
    "expect",
    "from",
    "languages",
    "currency",
    "weekend",
    "holiday",
    "calendar",
    "roles",
    "start",
    "escalate",
    "overdue",
    "share",
    "contact",
    "assessment",
    "requires",
    "meets",
    "apply",
    "documents",
    "enum",
    "entity",
    "parameter",
    "ruleset",
    "service",
    "protocol",
    "test",
    "unique",
    "min",
    "max",
];

/// Contextual words that the syntax decisions say are plain identifiers inside
/// expressions (`sum(x)`, `eligible(p)`, `today`).
const EXPRESSION_WORDS: &[&str] = &[
    "eligible", "amount", "sum", "count", "first", "list", "risk", "need", "points", "table",
    "program", "today", "min", "max", "source", "legal", "version",
];

pub fn span() -> Span {
    Span::default()
}

fn mk_ident(name: String) -> Ident {
    Ident { name, span: span() }
}

/// A snake_case identifier that is no keyword of any kind.
pub fn ident() -> impl Strategy<Value = Ident> {
    "[a-z_][a-z0-9_]{0,7}"
        .prop_filter("not a keyword", |s| {
            !RESERVED.contains(&s.as_str()) && !CONTEXTUAL.contains(&s.as_str())
        })
        .prop_map(mk_ident)
}

/// A PascalCase name (entities, enums, types, languages codes too).
pub fn type_name() -> impl Strategy<Value = Ident> {
    "[A-Z][A-Za-z0-9]{0,7}".prop_map(mk_ident)
}

/// A name inside an expression: sometimes a contextual word.
pub fn expr_ident() -> impl Strategy<Value = Ident> {
    prop_oneof![
        4 => ident(),
        1 => select(EXPRESSION_WORDS).prop_map(|s| mk_ident(s.to_string())),
    ]
}

/// Text with the characters that need escapes, non-Latin scripts and an emoji.
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"\\\\\n\t\u{1}\u{7f}|{}/*Ա-Ֆа-яё😀]{0,12}"
}

pub fn label() -> impl Strategy<Value = Label> {
    (
        text(),
        vec(
            (ident(), text()).prop_map(|(lang, text)| Translation {
                lang,
                text,
                span: span(),
            }),
            0..3,
        ),
    )
        .prop_map(|(text, translations)| Label {
            text,
            translations,
            span: span(),
        })
}

pub fn opt_label() -> impl Strategy<Value = Option<Label>> {
    option::of(label())
}

/// Doc lines: no line breaks; no leading `/`, which would make `////`.
pub fn docs() -> impl Strategy<Value = Docs> {
    vec("([a-zA-Z0-9,.`Ա-Ֆа-я][a-zA-Z0-9 ,.`Ա-Ֆа-я]{0,15})?", 0..3)
}

pub fn digits() -> impl Strategy<Value = String> {
    "[0-9][0-9_]{0,5}"
}

fn decimal_text() -> impl Strategy<Value = String> {
    "[0-9][0-9_]{0,3}\\.[0-9][0-9_]{0,3}"
}

pub fn date() -> impl Strategy<Value = DateLit> {
    (1000i32..=9999, 1u32..=12, 1u32..=31).prop_map(|(year, month, day)| DateLit {
        year,
        month,
        day,
        span: span(),
    })
}

pub fn duration() -> impl Strategy<Value = Duration> {
    (
        prop_oneof![Just("1".to_string()), "[0-9][0-9_]{0,3}"],
        select(vec![
            DurationUnit::Days,
            DurationUnit::WorkingDays,
            DurationUnit::Weeks,
            DurationUnit::Months,
            DurationUnit::Years,
        ]),
    )
        .prop_map(|(amount, unit)| Duration {
            amount,
            unit,
            span: span(),
        })
}

/// A literal as it may appear in an expression: numbers are non-negative.
pub fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<bool>().prop_map(|b| Literal::Bool(b, span())),
        digits().prop_map(|t| Literal::Integer(t, span())),
        decimal_text().prop_map(|t| Literal::Decimal(t, span())),
        prop_oneof![digits(), decimal_text()].prop_map(|t| Literal::Percent(t, span())),
        text().prop_map(|t| Literal::Text(t, span())),
        date().prop_map(Literal::Date),
        duration().prop_map(Literal::Duration),
    ]
}

/// A number that may be negative (table cells, `given` values, `expect … amount`).
pub fn signed_number() -> impl Strategy<Value = Literal> {
    prop_oneof![
        "-?[0-9][0-9_]{0,5}".prop_map(|t| Literal::Integer(t, span())),
        "-?[0-9][0-9_]{0,3}\\.[0-9][0-9_]{0,3}".prop_map(|t| Literal::Decimal(t, span())),
    ]
}

/// A literal where negative numbers are allowed.
pub fn signed_literal() -> impl Strategy<Value = Literal> {
    prop_oneof![2 => signed_number(), 3 => literal()]
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub fn binary_op() -> impl Strategy<Value = BinaryOp> {
    select(vec![
        BinaryOp::Implies,
        BinaryOp::Or,
        BinaryOp::And,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Otherwise,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
    ])
}

fn quantifier() -> impl Strategy<Value = Quantifier> {
    prop_oneof![Just(Quantifier::Any), Just(Quantifier::All)]
}

/// Expressions of every kind, at most `depth` levels of nesting.
pub fn expr_depth(depth: u32) -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        2 => literal().prop_map(Expr::Literal),
        3 => expr_ident().prop_map(Expr::Name),
        1 => (option::of(quantifier()), ident()).prop_map(|(quantifier, step)| Expr::Done {
            quantifier,
            step,
            span: span(),
        }),
    ];
    leaf.prop_recursive(depth, 48, 3, |inner| {
        prop_oneof![
            1 => (inner.clone(), expr_ident()).prop_map(|(base, field)| Expr::Field {
                base: boxed(base),
                field,
                span: span(),
            }),
            1 => (expr_ident(), vec(inner.clone(), 0..3)).prop_map(|(func, args)| Expr::Call {
                func,
                args,
                span: span(),
            }),
            1 => (any::<bool>(), inner.clone()).prop_map(|(not, operand)| Expr::Unary {
                op: if not { UnaryOp::Not } else { UnaryOp::Neg },
                operand: boxed(operand),
                span: span(),
            }),
            3 => (binary_op(), inner.clone(), inner.clone()).prop_map(|(op, lhs, rhs)| {
                Expr::Binary {
                    op,
                    lhs: boxed(lhs),
                    rhs: boxed(rhs),
                    span: span(),
                }
            }),
            1 => (inner.clone(), vec(inner.clone(), 1..3), any::<bool>()).prop_map(
                |(value, set, negated)| Expr::InSet {
                    value: boxed(value),
                    set,
                    negated,
                    span: span(),
                }
            ),
            1 => (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                |(value, low, high, negated)| Expr::InRange {
                    value: boxed(value),
                    low: boxed(low),
                    high: boxed(high),
                    negated,
                    span: span(),
                }
            ),
            1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, o)| Expr::If {
                condition: boxed(c),
                then: boxed(t),
                otherwise: boxed(o),
                span: span(),
            }),
            1 => (inner.clone(), inner.clone()).prop_map(|(list, condition)| Expr::Where {
                list: boxed(list),
                condition: boxed(condition),
                span: span(),
            }),
            1 => (quantifier(), inner.clone(), inner).prop_map(|(quantifier, list, condition)| {
                Expr::Quantified {
                    quantifier,
                    list: boxed(list),
                    condition: boxed(condition),
                    span: span(),
                }
            }),
        ]
    })
    .boxed()
}

pub fn expr() -> BoxedStrategy<Expr> {
    expr_depth(4)
}

pub fn type_expr() -> impl Strategy<Value = TypeExpr> {
    (type_name(), 0..3usize, prop::bool::weighted(0.1)).prop_map(|(name, lists, monthly)| {
        let mut t = TypeExpr::Named(name);
        for _ in 0..lists {
            t = TypeExpr::List(Box::new(t), span());
        }
        if monthly {
            t = TypeExpr::Monthly(Box::new(t), span());
        }
        t
    })
}

// ---------------------------------------------------------------------------
// Declarations

fn ruleset() -> impl Strategy<Value = Decl> {
    let item = prop_oneof![
        vec(ident(), 1..4).prop_map(|langs| RulesetItem::Languages {
            langs,
            span: span()
        }),
        type_name().prop_map(|code| RulesetItem::Currency { code, span: span() }),
    ];
    (docs(), ident(), opt_label(), vec(item, 0..3)).prop_map(|(docs, name, label, items)| {
        Decl::Ruleset(Ruleset {
            docs,
            name,
            label,
            items,
            span: span(),
        })
    })
}

fn sector() -> impl Strategy<Value = Decl> {
    (docs(), ident(), opt_label()).prop_map(|(docs, name, label)| {
        Decl::Sector(SectorDecl {
            docs,
            name,
            label,
            span: span(),
        })
    })
}

fn enum_decl() -> impl Strategy<Value = Decl> {
    // Plain variants half of the time, so both layouts are exercised.
    let variant = |decorated: bool| {
        let extra = if decorated {
            (docs(), opt_label()).boxed()
        } else {
            Just((Vec::new(), None)).boxed()
        };
        (extra, ident()).prop_map(|((docs, label), name)| Variant {
            docs,
            name,
            label,
            span: span(),
        })
    };
    (
        docs(),
        type_name(),
        opt_label(),
        prop_oneof![vec(variant(false), 0..5), vec(variant(true), 0..5)],
    )
        .prop_map(|(docs, name, label, variants)| {
            Decl::Enum(EnumDecl {
                docs,
                name,
                label,
                variants,
                span: span(),
            })
        })
}

/// A domain's number: signed, possibly with a fraction.
fn domain_number() -> impl Strategy<Value = String> {
    "-?[0-9]{1,3}(\\.[0-9]{1,2})?"
}

/// A field's domain: `>= N`, `> N`, `<= N`, `< N` or `in A..B`.
fn field_domain() -> impl Strategy<Value = FieldDomain> {
    prop_oneof![
        (
            select(vec![
                CompareOp::Ge,
                CompareOp::Gt,
                CompareOp::Le,
                CompareOp::Lt
            ]),
            domain_number()
        )
            .prop_map(|(op, bound)| FieldDomain::Compare {
                op,
                bound,
                span: span(),
            }),
        (domain_number(), domain_number()).prop_map(|(low, high)| FieldDomain::Range {
            low,
            high,
            span: span(),
        }),
    ]
}

fn member() -> impl Strategy<Value = Member> {
    prop_oneof![
        (
            docs(),
            ident(),
            type_expr(),
            option::of(field_domain()),
            opt_label()
        )
            .prop_map(|(docs, name, ty, domain, label)| Member::Field(Field {
                docs,
                name,
                ty,
                domain,
                label,
                span: span(),
            })),
        (docs(), ident(), opt_label(), defined_expr()).prop_map(|(docs, name, label, value)| {
            Member::Let(Let {
                docs,
                name,
                label,
                value,
                span: span(),
            })
        }),
    ]
}

fn entity() -> impl Strategy<Value = Decl> {
    (docs(), type_name(), opt_label(), vec(member(), 0..5)).prop_map(
        |(docs, name, label, members)| {
            Decl::Entity(Entity {
                docs,
                name,
                label,
                members,
                span: span(),
            })
        },
    )
}

/// The name an expression's text starts with, if it starts with one.
fn leftmost_name(e: &Expr) -> Option<&str> {
    match e {
        Expr::Name(i) | Expr::Call { func: i, .. } => Some(&i.name),
        Expr::Done {
            quantifier: None,
            step,
            ..
        } => Some(&step.name),
        Expr::Field { base, .. } => leftmost_name(base),
        Expr::Binary { lhs, .. } => leftmost_name(lhs),
        Expr::InSet { value, .. } | Expr::InRange { value, .. } => leftmost_name(value),
        Expr::Where { list, .. } => leftmost_name(list),
        _ => None,
    }
}

fn parameter() -> impl Strategy<Value = Decl> {
    let item = prop_oneof![
        label().prop_map(ParameterItem::Source),
        (date(), option::of(expr_depth(2)), option::of(label())).prop_map(
            |(date, value, source)| {
                // A value that starts with the word `source`, `from` or `until`
                // reads as the next item: such trees cannot be written.
                let value = value
                    .filter(|v| !matches!(leftmost_name(v), Some("source" | "from" | "until")));
                ParameterItem::From {
                    date,
                    value,
                    source,
                    span: span(),
                }
            }
        ),
        (date(), option::of(label())).prop_map(|(date, source)| ParameterItem::Until {
            date,
            source,
            span: span(),
        }),
    ];
    (docs(), ident(), type_expr(), opt_label(), vec(item, 0..4)).prop_map(
        |(docs, name, ty, label, all_items)| {
            // A `source` line right after a `from` line without its own source
            // reads as that line's source, so such trees cannot be written.
            let mut items: Vec<ParameterItem> = Vec::new();
            for item in all_items {
                let after_bare_from = matches!(
                    items.last(),
                    Some(
                        ParameterItem::From { source: None, .. }
                            | ParameterItem::Until { source: None, .. }
                    )
                );
                if !(after_bare_from && matches!(item, ParameterItem::Source(_))) {
                    items.push(item);
                }
            }
            Decl::Parameter(Parameter {
                docs,
                name,
                ty,
                label,
                items,
                span: span(),
            })
        },
    )
}

fn cell_value() -> impl Strategy<Value = CellValue> {
    prop_oneof![
        signed_literal().prop_map(CellValue::Literal),
        ident().prop_map(CellValue::Name),
    ]
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    select(vec![
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Gt,
        CompareOp::Ge,
    ])
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        1 => Just(Cell::Any(span())),
        3 => cell_value().prop_map(Cell::Value),
        1 => (compare_op(), cell_value()).prop_map(|(op, v)| Cell::Compare(op, v, span())),
        1 => (cell_value(), cell_value()).prop_map(|(a, b)| Cell::Range(a, b, span())),
        1 => vec(cell_value(), 1..4).prop_map(|vs| Cell::Set(vs, span())),
    ]
}

fn hit_policy() -> impl Strategy<Value = Option<HitPolicy>> {
    option::of(
        select(vec![
            HitPolicyKind::Unique,
            HitPolicyKind::First,
            HitPolicyKind::Any,
            HitPolicyKind::CollectSum,
            HitPolicyKind::CollectMin,
            HitPolicyKind::CollectMax,
            HitPolicyKind::CollectCount,
            HitPolicyKind::CollectList,
        ])
        .prop_map(|kind| HitPolicy { kind, span: span() }),
    )
}

fn table() -> impl Strategy<Value = Decl> {
    let param = (ident(), type_expr()).prop_map(|(name, ty)| TableParam {
        name,
        ty,
        span: span(),
    });
    let row = vec(cell(), 1..5).prop_map(|cells| Row {
        cells,
        span: span(),
    });
    (
        docs(),
        ident(),
        vec(param, 0..3),
        type_expr(),
        opt_label(),
        hit_policy(),
        vec(ident(), 1..5),
        vec(row, 0..5),
        // Dated versions: (where the version starts, as a share of the rows;
        // its date; its source; an `until` line rather than `from`).
        vec((0usize..6, date(), option::of(text()), any::<bool>()), 0..3),
        // `for each` lines: (after how many rows; column; above; add).
        vec((0usize..6, ident(), cell_value(), cell_value()), 0..3),
    )
        .prop_map(
            |(docs, name, params, result, label, hit, columns, rows, versions, each)| {
                let mut versions: Vec<TableVersion> = versions
                    .into_iter()
                    .map(|(at, from, source, until)| TableVersion {
                        from,
                        source: source.map(|text| Label {
                            text,
                            translations: Vec::new(),
                            span: span(),
                        }),
                        until,
                        first: at.min(rows.len()),
                        span: span(),
                    })
                    .collect();
                versions.sort_by_key(|v| v.first);
                // Written after the `from` lines at the same place, as the
                // formatter prints them.
                let mut each: Vec<TableEach> = each
                    .into_iter()
                    .map(|(at, column, above, add)| {
                        let after = at.min(rows.len());
                        TableEach {
                            column,
                            above,
                            add,
                            after,
                            versions_before: versions.iter().filter(|v| v.first <= after).count(),
                            span: span(),
                        }
                    })
                    .collect();
                each.sort_by_key(|e| (e.after, e.versions_before));
                Decl::Table(Table {
                    docs,
                    name,
                    params,
                    result,
                    label,
                    hit,
                    columns,
                    rows,
                    versions,
                    each,
                    span: span(),
                })
            },
        )
}

/// The whole value of a `let`, a clause or an `amount`: an expression, or (one
/// time in four) a formula in versions by date, some of them ends (`from DATE:`
/// without a formula, `until DATE`).
fn defined_expr() -> impl Strategy<Value = Expr> {
    let version = prop_oneof![
        4 => (date(), expr()).prop_map(|(date, e)| (date, Some(e), false)),
        1 => date().prop_map(|date| (date, None, false)),
        1 => date().prop_map(|date| (date, None, true)),
    ];
    prop_oneof![
        3 => expr(),
        1 => vec(version, 1..4).prop_map(|vs| Expr::Dated {
            versions: vs
                .into_iter()
                .map(|(date, expr, until)| DatedExpr {
                    date,
                    // A formula that starts with the word `from` or `until`
                    // would read as the next line: not generated.
                    expr: expr.filter(|e| !matches!(leftmost_name(e), Some("from" | "until"))),
                    until,
                    span: span(),
                })
                .collect(),
            span: span(),
        }),
    ]
}

fn clause() -> impl Strategy<Value = Clause> {
    (defined_expr(), option::of(label())).prop_map(|(condition, legal)| Clause {
        condition,
        legal,
        span: span(),
    })
}

/// Programme items other than clauses and `legal`.
fn program_plain_item() -> impl Strategy<Value = ProgramItem> {
    prop_oneof![
        type_name().prop_map(|i| ProgramItem::For(i, span())),
        ident().prop_map(|i| ProgramItem::Sector(i, span())),
        defined_expr().prop_map(|e| ProgramItem::Amount(e, span())),
        label().prop_map(|l| ProgramItem::Apply(l, span())),
        vec(label(), 1..3).prop_map(|ls| ProgramItem::Documents(ls, span())),
    ]
}

fn program() -> impl Strategy<Value = Decl> {
    // A programme-level `legal` after a clause would read as the clause's own, so
    // the `legal` items all come before the first clause.
    let head = vec(
        prop_oneof![
            3 => program_plain_item(),
            1 => label().prop_map(|l| ProgramItem::Legal(l, span())),
        ],
        0..4,
    );
    let tail = vec(
        prop_oneof![
            1 => program_plain_item(),
            1 => clause().prop_map(ProgramItem::Eligible),
            1 => clause().prop_map(ProgramItem::Unless),
        ],
        0..5,
    );
    (docs(), ident(), opt_label(), head, tail).prop_map(|(docs, name, label, mut items, tail)| {
        items.extend(tail);
        Decl::Program(Program {
            docs,
            name,
            label,
            items,
            span: span(),
        })
    })
}

fn points() -> impl Strategy<Value = String> {
    "[0-9]{1,2}"
}

fn question_kind() -> impl Strategy<Value = QuestionKind> {
    let choice_option =
        (ident(), opt_label(), option::of(points())).prop_map(|(name, label, points)| {
            ChoiceOption {
                name,
                label,
                points,
                span: span(),
            }
        });
    prop_oneof![
        // `else` points only after `points`
        option::of((points(), option::of(points()))).prop_map(|p| {
            let (points, else_points) = match p {
                Some((p, e)) => (Some(p), e),
                None => (None, None),
            };
            QuestionKind::Boolean {
                points,
                else_points,
                span: span(),
            }
        }),
        (points(), points(), vec(label(), 0..4)).prop_map(|(low, high, options)| {
            QuestionKind::Scale {
                low,
                high,
                options,
                span: span(),
            }
        }),
        (vec(choice_option, 0..4), any::<bool>()).prop_map(|(options, multiple)| {
            QuestionKind::Choice {
                options,
                multiple,
                span: span(),
            }
        }),
        (
            select(vec!["Integer", "Decimal", "Date", "Text"]),
            option::of((points(), points()))
        )
            .prop_map(|(ty, range)| QuestionKind::Value {
                ty: mk_ident(ty.to_string()),
                range,
                span: span(),
            }),
    ]
}

fn question() -> impl Strategy<Value = Question> {
    (docs(), ident(), opt_label(), question_kind()).prop_map(|(docs, name, label, kind)| Question {
        docs,
        name,
        label,
        kind,
        span: span(),
    })
}

fn assessment() -> impl Strategy<Value = Decl> {
    let item = prop_oneof![
        type_name().prop_map(|i| AssessmentItem::For(i, span())),
        (docs(), ident(), opt_label(), vec(question(), 0..3)).prop_map(
            |(docs, name, label, questions)| AssessmentItem::Section(Section {
                docs,
                name,
                label,
                questions,
                span: span(),
            })
        ),
        question().prop_map(AssessmentItem::Question),
        (docs(), ident(), opt_label(), expr()).prop_map(|(docs, name, label, value)| {
            AssessmentItem::Score {
                docs,
                name,
                label,
                value,
                span: span(),
            }
        }),
        (docs(), ident(), opt_label(), expr()).prop_map(|(docs, name, label, condition)| {
            AssessmentItem::Need {
                docs,
                name,
                label,
                condition,
                span: span(),
            }
        }),
        (ident(), opt_label(), option::of(expr())).prop_map(|(level, label, condition)| {
            AssessmentItem::Risk {
                level,
                label,
                condition,
                span: span(),
            }
        }),
    ];
    (docs(), ident(), opt_label(), vec(item, 0..6)).prop_map(|(docs, name, label, items)| {
        Decl::Assessment(Assessment {
            docs,
            name,
            label,
            items,
            span: span(),
        })
    })
}

fn service() -> impl Strategy<Value = Decl> {
    let item = prop_oneof![
        ident().prop_map(|i| ServiceItem::Sector(i, span())),
        vec(ident(), 1..3).prop_map(|v| ServiceItem::Meets(v, span())),
    ];
    (docs(), ident(), opt_label(), vec(item, 0..3)).prop_map(|(docs, name, label, items)| {
        Decl::Service(Service {
            docs,
            name,
            label,
            items,
            span: span(),
        })
    })
}

fn calendar() -> impl Strategy<Value = Decl> {
    let item = prop_oneof![
        vec(ident(), 1..3).prop_map(|v| CalendarItem::Weekend(v, span())),
        (vec(holiday_day(), 1..4), any::<bool>()).prop_map(|(days, next_working_day)| {
            CalendarItem::Holiday {
                days,
                next_working_day,
                span: span(),
            }
        }),
        vec(date(), 1..4).prop_map(|v| CalendarItem::Working(v, span())),
    ];
    (
        docs(),
        ident(),
        opt_label(),
        proptest::option::of(ident()),
        vec(item, 0..3),
    )
        .prop_map(|(docs, name, label, extends, items)| {
            Decl::Calendar(Calendar {
                docs,
                name,
                label,
                extends,
                items,
                span: span(),
            })
        })
}

fn holiday_day() -> impl Strategy<Value = HolidayDay> {
    prop_oneof![
        date().prop_map(HolidayDay::Date),
        (0u32..=99, 0u32..=99).prop_map(|(month, day)| HolidayDay::Every(MonthDay {
            month,
            day,
            span: span(),
        })),
        (ident(), -999i32..=999).prop_map(|(computus, offset)| HolidayDay::Easter {
            computus,
            offset,
            span: span(),
        }),
    ]
}

fn step_item() -> impl Strategy<Value = StepItem> {
    prop_oneof![
        ident().prop_map(|i| StepItem::By(i, span())),
        vec(ident(), 1..3).prop_map(|v| StepItem::After(v, span())),
        duration().prop_map(|d| StepItem::Within(d, span())),
        duration().prop_map(|d| StepItem::Every(d, span())),
        label().prop_map(|l| StepItem::Contact(l, span())),
        ident().prop_map(|i| StepItem::Assessment(i, span())),
        ident().prop_map(|i| StepItem::Requires(i, span())),
        ident().prop_map(|i| StepItem::ForEachNeed(i, span())),
        expr().prop_map(|e| StepItem::When(e, span())),
        label().prop_map(|l| StepItem::Legal(l, span())),
        (ident(), duration()).prop_map(|(to, overdue_by)| StepItem::Escalate {
            to,
            overdue_by,
            span: span(),
        }),
        Just(StepItem::RatesProviders(span())),
        (duration(), ident()).prop_map(|(d, f)| StepItem::WithinFrom(d, f, span())),
        (ident(), expr()).prop_map(|(i, e)| StepItem::ForEachNeedWhere(i, e, span())),
        Just(StepItem::Closes(span())),
        (ident(), expr()).prop_map(|(i, e)| StepItem::BackTo(i, e, span())),
    ]
}

fn referral_rule() -> impl Strategy<Value = ReferralRule> {
    (
        prop_oneof![Just(ReferralCase::Elsewhere), Just(ReferralCase::Full)],
        prop_oneof![Just(ReferralAction::Refused), Just(ReferralAction::Flagged)],
    )
        .prop_map(|(case, action)| ReferralRule {
            case,
            action,
            span: span(),
        })
}

fn protocol() -> impl Strategy<Value = Decl> {
    let kind = option::of(prop_oneof![
        Just(RoleKind::Client),
        Just(RoleKind::Provider)
    ]);
    let role = (docs(), ident(), opt_label(), option::of(ident()), kind)
        .prop_map(|(docs, name, label, agency, kind)| Role {
            docs,
            name,
            label,
            agency,
            kind,
            span: span(),
        })
        .boxed();
    let step = (docs(), ident(), opt_label(), vec(step_item(), 0..5)).prop_map(
        |(docs, name, label, items)| Step {
            docs,
            name,
            label,
            items,
            span: span(),
        },
    );
    let item = prop_oneof![
        1 => type_name().prop_map(|i| ProtocolItem::For(i, span())),
        1 => ident().prop_map(|i| ProtocolItem::Calendar(i, span())),
        1 => vec(role.clone(), 0..4).prop_map(|r| ProtocolItem::Roles(r, span())),
        1 => (docs(), ident(), opt_label(), vec(role, 0..3)).prop_map(
            |(docs, name, label, roles)| ProtocolItem::Agency(Agency {
                docs,
                name,
                label,
                roles,
                span: span(),
            })
        ),
        1 => label().prop_map(|l| ProtocolItem::Legal(l, span())),
        1 => expr().prop_map(|e| ProtocolItem::Start(e, span())),
        2 => step.prop_map(ProtocolItem::Step),
        1 => (ident(), duration()).prop_map(|(to, overdue_by)| ProtocolItem::Escalate {
            to,
            overdue_by,
            span: span(),
        }),
        1 => (ident(), vec(ident(), 1..3), any::<bool>()).prop_map(|(what, with, requires_consent)| ProtocolItem::Share {
            what,
            with,
            requires_consent,
            span: span(),
        }),
        1 => vec(ident(), 1..3).prop_map(|sectors| ProtocolItem::ConsentForReferral {
            sectors,
            span: span(),
        }),
        1 => ident().prop_map(|i| ProtocolItem::Region(i, span())),
        1 => vec(referral_rule(), 1..3).prop_map(|r| ProtocolItem::Referrals(r, span())),
    ];
    // `version` items come first: the parser moves them there (see `ast::Protocol`).
    let version = (
        prop_oneof![3 => digits(), 1 => decimal_text()],
        option::of(date()),
    )
        .prop_map(|(number, from)| ProtocolItem::Version {
            number,
            from,
            span: span(),
        });
    (
        docs(),
        ident(),
        opt_label(),
        vec(version, 0..2),
        vec(item, 0..6),
    )
        .prop_map(|(docs, name, label, mut items, rest)| {
            items.extend(rest);
            Decl::Protocol(Protocol {
                docs,
                name,
                label,
                items,
                span: span(),
            })
        })
}

/// `given` values: literals (numbers may be negative), enum names, `unknown`,
/// lists and objects nested a few levels.
pub fn value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        3 => signed_literal().prop_map(Value::Literal),
        1 => ident().prop_map(Value::Name),
        1 => Just(Value::Unknown(span())),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|v| Value::List(v, span())),
            object(inner.clone()).prop_map(Value::Object),
            months(inner).prop_map(Value::Months),
        ]
    })
    .boxed()
}

/// A monthly series: months as written (the parser does not read them, so
/// some are not months), values of any kind.
fn months(value: BoxedStrategy<Value>) -> impl Strategy<Value = MonthsValue> {
    vec(
        ("[0-9]{4}-[0-9]{2}", value).prop_map(|(month, value)| MonthEntry {
            month,
            month_span: span(),
            value,
            span: span(),
        }),
        0..4,
    )
    .prop_map(|entries| MonthsValue {
        entries,
        span: span(),
    })
}

fn object(value: BoxedStrategy<Value>) -> impl Strategy<Value = ObjectValue> {
    vec(
        (ident(), value).prop_map(|(field, value)| ObjectEntry {
            field,
            value,
            span: span(),
        }),
        0..4,
    )
    .prop_map(|entries| ObjectValue {
        entries,
        span: span(),
    })
}

fn test_decl() -> impl Strategy<Value = Decl> {
    let path = vec(
        (ident(), option::of("[0-9]{1,3}")).prop_map(|(field, index)| PathSegment {
            field,
            index,
            span: span(),
        }),
        1..3,
    )
    .prop_map(|segments| SubjectPath {
        segments,
        span: span(),
    })
    .boxed();
    let outcome = prop_oneof![
        Just(ExpectOutcome::Eligible(span())),
        Just(ExpectOutcome::Ineligible(span())),
        Just(ExpectOutcome::Undetermined(span())),
        signed_number().prop_map(ExpectOutcome::Amount),
    ];
    let expect_value = (path.clone(), value()).prop_map(|(path, value)| ExpectValue {
        path,
        value,
        span: span(),
    });
    let expect =
        (ident(), option::of(path), outcome).prop_map(|(program, subject, outcome)| Expect {
            program,
            subject,
            outcome,
            span: span(),
        });
    let item = prop_oneof![
        1 => date().prop_map(|d| TestItem::AsOf(d, span())),
        1 => (type_name(), object(value())).prop_map(|(entity, value)| TestItem::Given {
            entity,
            value,
            span: span(),
        }),
        2 => expect.prop_map(TestItem::Expect),
        1 => expect_value.prop_map(TestItem::ExpectValue),
    ];
    (docs(), label(), vec(item, 0..5)).prop_map(|(docs, name, items)| {
        Decl::Test(Test {
            docs,
            name,
            items,
            span: span(),
        })
    })
}

pub fn decl() -> impl Strategy<Value = Decl> {
    prop_oneof![
        ruleset(),
        sector(),
        enum_decl(),
        entity(),
        parameter(),
        table(),
        program(),
        assessment(),
        service(),
        calendar(),
        protocol(),
        test_decl(),
        scale(),
    ]
}

/// A scale: undated brackets, or versions (some without brackets).
fn scale_bracket() -> impl Strategy<Value = ScaleBracket> {
    (cell_value(), cell_value()).prop_map(|(threshold, value)| ScaleBracket {
        threshold,
        value,
        span: span(),
    })
}

fn scale() -> impl Strategy<Value = Decl> {
    let bracket = scale_bracket();
    let version = (
        date(),
        option::of(label()),
        vec(scale_bracket(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(from, source, brackets, until)| ScaleVersion {
            from,
            source,
            until,
            // An `until` line has no brackets.
            brackets: if until { Vec::new() } else { brackets },
            span: span(),
        });
    (
        docs(),
        ident(),
        opt_label(),
        select(vec![ScaleKind::Marginal, ScaleKind::Single]),
        prop_oneof![
            vec(bracket, 0..4).prop_map(|b| (b, Vec::new())),
            vec(version, 1..4).prop_map(|v| (Vec::new(), v)),
        ],
    )
        .prop_map(|(docs, name, label, kind, (brackets, versions))| {
            Decl::Scale(Scale {
                docs,
                name,
                label,
                kind,
                brackets,
                versions,
                span: span(),
            })
        })
}

/// A file of a few declarations, without comments.
pub fn file() -> impl Strategy<Value = File> {
    vec(decl(), 0..4).prop_map(|decls| File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls,
        comments: Vec::new(),
    })
}
