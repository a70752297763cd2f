//! The canonical layout of every declaration, from hand-built trees with default
//! spans and no comments.

mod support;

use accord_grammar::ast::*;
use accord_grammar::print;
use insta::assert_snapshot;
use support::build::*;

fn docs(lines: &[&str]) -> Docs {
    lines.iter().map(|s| s.to_string()).collect()
}

fn variant(name: &str, label: Option<Label>) -> Variant {
    Variant {
        docs: Vec::new(),
        name: id(name),
        label,
        span: sp(),
    }
}

fn enum_decl(name: &str, label: Option<Label>, variants: Vec<Variant>) -> Decl {
    Decl::Enum(EnumDecl {
        docs: Vec::new(),
        name: id(name),
        label,
        variants,
        span: sp(),
    })
}

#[test]
fn ruleset_and_sector() {
    let f = file(vec![
        Decl::Ruleset(Ruleset {
            docs: Vec::new(),
            name: id("armenia_social"),
            label: Some(lbl_tr(
                "State social protection programmes",
                &[("hy", "Սոցիալական պաշտպանության պետական ծրագրեր")],
            )),
            items: vec![
                RulesetItem::Languages {
                    langs: vec![id("en"), id("hy"), id("ru")],
                    span: sp(),
                },
                RulesetItem::Currency {
                    code: id("AMD"),
                    span: sp(),
                },
            ],
            span: sp(),
        }),
        Decl::Sector(SectorDecl {
            docs: docs(&["Culture and sport."]),
            name: id("culture"),
            label: Some(lbl_tr("Culture", &[("ru", "Культура")])),
            span: sp(),
        }),
        Decl::Ruleset(Ruleset {
            docs: Vec::new(),
            name: id("empty"),
            label: None,
            items: Vec::new(),
            span: sp(),
        }),
    ]);
    assert_snapshot!(print(&f));
}

#[test]
fn enums_one_line_and_multi_line() {
    let mut documented = variant("group_1", None);
    documented.docs = docs(&["First group.", "", "  indented"]);
    let f = file(vec![
        enum_decl(
            "Disability",
            None,
            vec![
                variant("none", None),
                variant("group_1", None),
                variant("group_2", None),
            ],
        ),
        enum_decl(
            "Region",
            Some(lbl("Region")),
            vec![
                variant(
                    "yerevan",
                    Some(lbl_tr("Yerevan", &[("hy", "Երևան"), ("ru", "Ереван")])),
                ),
                variant("tavush", Some(lbl("Tavush"))),
                variant("other", None),
            ],
        ),
        enum_decl("Documented", None, vec![documented, variant("b", None)]),
        enum_decl("Empty", Some(lbl("Nothing")), Vec::new()),
    ]);
    assert_snapshot!(print(&f));
}

#[test]
fn entity_members() {
    let f = file(vec![Decl::Entity(Entity {
        docs: docs(&["A household as registered."]),
        name: id("Household"),
        label: Some(lbl("Household")),
        members: vec![
            Member::Field(Field {
                docs: Vec::new(),
                name: id("region"),
                ty: ty("Region"),
                domain: None,
                label: Some(lbl("Region of residence")),
                span: sp(),
            }),
            Member::Field(Field {
                docs: docs(&["Everyone living there."]),
                name: id("members"),
                ty: list_of(ty("Person")),
                domain: None,
                label: None,
                span: sp(),
            }),
            Member::Let(Let {
                docs: Vec::new(),
                name: id("size"),
                label: None,
                value: call("count", vec![n("members")]),
                span: sp(),
            }),
            Member::Let(Let {
                docs: Vec::new(),
                name: id("children"),
                label: Some(lbl("Children")),
                value: where_(n("members"), bin(BinaryOp::Lt, n("age"), num("18"))),
                span: sp(),
            }),
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

#[test]
fn parameter_items_in_order() {
    let f = file(vec![Decl::Parameter(Parameter {
        docs: Vec::new(),
        name: id("family_benefit_threshold"),
        ty: ty("Decimal"),
        label: Some(lbl("Vulnerability score threshold")),
        items: vec![
            ParameterItem::Source(lbl("Government decision No. 145-N")),
            ParameterItem::From {
                date: date(2014, 1, 1),
                value: Some(lit(dec("30.00"))),
                source: None,
                span: sp(),
            },
            ParameterItem::From {
                date: date(2023, 1, 1),
                value: Some(neg(lit(dec("29.00")))),
                source: Some(lbl("Decision No. 1200-N")),
                span: sp(),
            },
            // Repealed from 2024 (no value), enacted again, then ended.
            ParameterItem::From {
                date: date(2024, 1, 1),
                value: None,
                source: Some(lbl("Repeal")),
                span: sp(),
            },
            ParameterItem::From {
                date: date(2025, 1, 1),
                value: Some(lit(dec("28.00"))),
                source: None,
                span: sp(),
            },
            ParameterItem::Until {
                date: date(2025, 12, 31),
                source: None,
                span: sp(),
            },
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

fn value(l: Literal) -> Cell {
    Cell::Value(CellValue::Literal(l))
}

#[test]
fn table_columns_align_by_chars() {
    let f = file(vec![
        Decl::Table(Table {
            docs: docs(&["Cells: a literal, `*`, a comparison, a range or a set."]),
            name: id("birth_grant"),
            params: vec![TableParam {
                name: id("order"),
                ty: ty("Integer"),
                span: sp(),
            }],
            result: ty("Money"),
            label: Some(lbl("One-time childbirth grant")),
            hit: Some(HitPolicy {
                kind: HitPolicyKind::First,
                span: sp(),
            }),
            columns: vec![id("order"), id("result")],
            rows: vec![
                Row {
                    cells: vec![
                        Cell::Compare(CompareOp::Le, CellValue::Literal(int("2")), sp()),
                        value(int("300_000")),
                    ],
                    span: sp(),
                },
                Row {
                    cells: vec![
                        Cell::Compare(CompareOp::Le, CellValue::Literal(int("4")), sp()),
                        value(int("1_000_000")),
                    ],
                    span: sp(),
                },
                Row {
                    cells: vec![Cell::Any(sp()), value(int("1_500_000"))],
                    span: sp(),
                },
            ],
            versions: Vec::new(),
            each: Vec::new(),
            span: sp(),
        }),
        Decl::Table(Table {
            docs: Vec::new(),
            name: id("label_of"),
            params: vec![
                TableParam {
                    name: id("region"),
                    ty: ty("Region"),
                    span: sp(),
                },
                TableParam {
                    name: id("age"),
                    ty: ty("Integer"),
                    span: sp(),
                },
            ],
            result: ty("Text"),
            label: None,
            // The default policy, written out: it is kept.
            hit: Some(HitPolicy {
                kind: HitPolicyKind::Unique,
                span: sp(),
            }),
            columns: vec![id("region"), id("age"), id("result")],
            rows: vec![
                Row {
                    cells: vec![
                        Cell::Set(
                            vec![CellValue::Name(id("shirak")), CellValue::Name(id("tavush"))],
                            sp(),
                        ),
                        Cell::Range(
                            CellValue::Literal(int("6")),
                            CellValue::Literal(int("17")),
                            sp(),
                        ),
                        value(txt("Շիրակ | Տավուշ")),
                    ],
                    span: sp(),
                },
                Row {
                    cells: vec![
                        Cell::Value(CellValue::Name(id("yerevan"))),
                        value(int("-5")),
                        value(txt("Ереван")),
                    ],
                    span: sp(),
                },
                Row {
                    cells: vec![Cell::Any(sp()), Cell::Any(sp()), value(txt("—"))],
                    span: sp(),
                },
            ],
            versions: Vec::new(),
            each: Vec::new(),
            span: sp(),
        }),
        Decl::Table(Table {
            docs: Vec::new(),
            name: id("collect"),
            params: Vec::new(),
            result: list_of(ty("Integer")),
            label: None,
            hit: Some(HitPolicy {
                kind: HitPolicyKind::CollectList,
                span: sp(),
            }),
            columns: vec![id("result")],
            rows: Vec::new(),
            versions: Vec::new(),
            each: Vec::new(),
            span: sp(),
        }),
    ]);
    assert_snapshot!(print(&f));
}

#[test]
fn program_clauses_and_legal() {
    let f = file(vec![Decl::Program(Program {
        docs: Vec::new(),
        name: id("family_benefit"),
        label: Some(lbl_tr(
            "Family benefit",
            &[("hy", "Ընտանեկան նպաստ"), ("ru", "Семейное пособие")],
        )),
        items: vec![
            ProgramItem::For(id("Household"), sp()),
            ProgramItem::Sector(id("social"), sp()),
            ProgramItem::Legal(lbl("Law on State Benefits, Article 7"), sp()),
            ProgramItem::Eligible(Clause {
                condition: bin(
                    BinaryOp::Ge,
                    n("vulnerability_score"),
                    n("family_benefit_threshold"),
                ),
                legal: None,
                span: sp(),
            }),
            ProgramItem::Eligible(Clause {
                condition: bin(
                    BinaryOp::And,
                    bin(BinaryOp::Ge, n("vulnerability_score"), num("25")),
                    bin(BinaryOp::Ge, call("count", vec![n("children")]), num("3")),
                ),
                legal: Some(lbl("Government decision No. 145-N, point 12")),
                span: sp(),
            }),
            ProgramItem::Unless(Clause {
                condition: n("receives_insurance_pension"),
                legal: None,
                span: sp(),
            }),
            ProgramItem::Amount(
                bin(
                    BinaryOp::Add,
                    n("family_benefit_base"),
                    bin(
                        BinaryOp::Mul,
                        n("child_supplement"),
                        call("count", vec![n("children")]),
                    ),
                ),
                sp(),
            ),
            ProgramItem::Apply(lbl("Territorial centre"), sp()),
            ProgramItem::Documents(
                vec![
                    lbl("Passport of each adult member"),
                    lbl("Birth certificates"),
                ],
                sp(),
            ),
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

fn question(name: &str, label: Option<Label>, kind: QuestionKind) -> Question {
    Question {
        docs: Vec::new(),
        name: id(name),
        label,
        kind,
        span: sp(),
    }
}

#[test]
fn assessment_items() {
    let f = file(vec![Decl::Assessment(Assessment {
        docs: Vec::new(),
        name: id("child_wellbeing"),
        label: Some(lbl("Child well-being assessment")),
        items: vec![
            AssessmentItem::For(id("Person"), sp()),
            AssessmentItem::Section(Section {
                docs: docs(&["How the child develops."]),
                name: id("development"),
                label: Some(lbl("The child's development")),
                questions: vec![
                    question(
                        "health_concern",
                        Some(lbl("Health or developmental concern")),
                        QuestionKind::Scale {
                            low: "0".into(),
                            high: "3".into(),
                            options: vec![lbl("none"), lbl("mild"), lbl("moderate")],
                            span: sp(),
                        },
                    ),
                    question(
                        "speech_delay",
                        Some(lbl("Speech is delayed")),
                        QuestionKind::Boolean {
                            points: Some("2".into()),
                            else_points: None,
                            span: sp(),
                        },
                    ),
                ],
                span: sp(),
            }),
            AssessmentItem::Section(Section {
                docs: Vec::new(),
                name: id("empty"),
                label: None,
                questions: Vec::new(),
                span: sp(),
            }),
            AssessmentItem::Question(question(
                "housing",
                Some(lbl("Housing is adequate")),
                QuestionKind::Boolean {
                    points: Some("0".into()),
                    else_points: Some("2".into()),
                    span: sp(),
                },
            )),
            AssessmentItem::Question(question(
                "meals",
                None,
                QuestionKind::Choice {
                    options: vec![
                        ChoiceOption {
                            name: id("yes"),
                            label: Some(lbl("Yes")),
                            points: Some("2".into()),
                            span: sp(),
                        },
                        ChoiceOption {
                            name: id("no"),
                            label: None,
                            points: None,
                            span: sp(),
                        },
                    ],
                    multiple: false,
                    span: sp(),
                },
            )),
            AssessmentItem::Question(question(
                "plain_choice",
                None,
                QuestionKind::Choice {
                    options: vec![
                        ChoiceOption {
                            name: id("never"),
                            label: None,
                            points: None,
                            span: sp(),
                        },
                        ChoiceOption {
                            name: id("often"),
                            label: None,
                            points: Some("3".into()),
                            span: sp(),
                        },
                    ],
                    multiple: false,
                    span: sp(),
                },
            )),
            AssessmentItem::Question(question(
                "absences",
                None,
                QuestionKind::Value {
                    ty: id("Integer"),
                    range: Some(("0".into(), "30".into())),
                    span: sp(),
                },
            )),
            AssessmentItem::Question(question(
                "plain",
                None,
                QuestionKind::Boolean {
                    points: None,
                    else_points: None,
                    span: sp(),
                },
            )),
            AssessmentItem::Score {
                docs: docs(&["Sum of all sections."]),
                name: id("total"),
                label: Some(lbl("Total")),
                value: bin(
                    BinaryOp::Add,
                    call("points", vec![n("development")]),
                    call("points", vec![n("parenting")]),
                ),
                span: sp(),
            },
            AssessmentItem::Need {
                docs: Vec::new(),
                name: id("speech_therapy"),
                label: Some(lbl("Speech therapy")),
                condition: n("speech_delay"),
                span: sp(),
            },
            AssessmentItem::Risk {
                level: id("high"),
                label: None,
                condition: Some(bin(
                    BinaryOp::Or,
                    bin(BinaryOp::Ge, n("total"), num("8")),
                    bin(BinaryOp::Eq, n("basic_care"), num("3")),
                )),
                span: sp(),
            },
            AssessmentItem::Risk {
                level: id("low"),
                label: Some(lbl("Low")),
                condition: None,
                span: sp(),
            },
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

#[test]
fn service_and_calendar() {
    let f = file(vec![
        Decl::Service(Service {
            docs: Vec::new(),
            name: id("speech_therapy"),
            label: Some(lbl("Speech therapy")),
            items: vec![
                ServiceItem::Sector(id("health"), sp()),
                ServiceItem::Meets(vec![id("speech_therapy"), id("hearing")], sp()),
            ],
            span: sp(),
        }),
        Decl::Calendar(Calendar {
            docs: Vec::new(),
            name: id("armenia"),
            label: None,
            extends: None,
            items: vec![
                CalendarItem::Weekend(vec![id("saturday"), id("sunday")], sp()),
                CalendarItem::Holiday {
                    days: vec![
                        HolidayDay::Date(date(2025, 1, 1)),
                        HolidayDay::Date(date(2025, 3, 8)),
                    ],
                    next_working_day: false,
                    span: sp(),
                },
            ],
            span: sp(),
        }),
        // Annual and Easter-based days, a move, a decree and a base calendar.
        Decl::Calendar(Calendar {
            docs: Vec::new(),
            name: id("almaty"),
            label: Some(lbl("Almaty")),
            extends: Some(id("kazakhstan")),
            items: vec![
                CalendarItem::Holiday {
                    days: vec![
                        HolidayDay::Every(MonthDay {
                            month: 1,
                            day: 1,
                            span: sp(),
                        }),
                        HolidayDay::Every(MonthDay {
                            month: 3,
                            day: 8,
                            span: sp(),
                        }),
                        HolidayDay::Date(date(2025, 6, 6)),
                        HolidayDay::Every(MonthDay {
                            month: 12,
                            day: 16,
                            span: sp(),
                        }),
                    ],
                    next_working_day: true,
                    span: sp(),
                },
                CalendarItem::Holiday {
                    days: vec![
                        HolidayDay::Easter {
                            computus: id("western"),
                            offset: -2,
                            span: sp(),
                        },
                        HolidayDay::Easter {
                            computus: id("orthodox"),
                            offset: 0,
                            span: sp(),
                        },
                        HolidayDay::Easter {
                            computus: id("orthodox"),
                            offset: 1,
                            span: sp(),
                        },
                    ],
                    next_working_day: false,
                    span: sp(),
                },
                CalendarItem::Working(vec![date(2025, 1, 5)], sp()),
            ],
            span: sp(),
        }),
    ]);
    assert_snapshot!(print(&f));
}

fn role(name: &str, label: &str, agency: Option<&str>) -> Role {
    Role {
        docs: Vec::new(),
        name: id(name),
        label: Some(lbl(label)),
        agency: agency.map(id),
        kind: None,
        span: sp(),
    }
}

fn step(name: &str, label: &str, items: Vec<StepItem>) -> ProtocolItem {
    ProtocolItem::Step(Step {
        docs: Vec::new(),
        name: id(name),
        label: Some(lbl(label)),
        items,
        span: sp(),
    })
}

#[test]
fn protocol_roles_and_steps() {
    let f = file(vec![Decl::Protocol(Protocol {
        docs: Vec::new(),
        name: id("out_of_school"),
        label: Some(lbl("Out-of-school children")),
        items: vec![
            ProtocolItem::For(id("Person"), sp()),
            ProtocolItem::Calendar(id("armenia"), sp()),
            ProtocolItem::Roles(
                vec![
                    role("school_coordinator", "School coordinator", Some("school")),
                    role("observer", "Observer", None),
                ],
                sp(),
            ),
            ProtocolItem::Start(
                bin(
                    BinaryOp::Or,
                    not(n("in_school")),
                    bin(BinaryOp::Ge, n("unexcused_absence_days"), num("10")),
                ),
                sp(),
            ),
            step(
                "notify",
                "Notify the social service",
                vec![
                    StepItem::By(id("school_coordinator"), sp()),
                    StepItem::Within(dur("3", DurationUnit::WorkingDays), sp()),
                    StepItem::Contact(lbl("Written notice"), sp()),
                ],
            ),
            step(
                "refer",
                "Refer to a service",
                vec![
                    StepItem::ForEachNeed(id("assess"), sp()),
                    StepItem::After(vec![id("plan"), id("notify")], sp()),
                    StepItem::Every(dur("1", DurationUnit::Weeks), sp()),
                    StepItem::Assessment(id("child_wellbeing"), sp()),
                    StepItem::Requires(id("consent"), sp()),
                    StepItem::Legal(lbl("Order No. 5"), sp()),
                ],
            ),
            step(
                "close",
                "Close the case",
                vec![StepItem::When(
                    bin(
                        BinaryOp::And,
                        bin(BinaryOp::Eq, call("risk", vec![n("assess")]), n("low")),
                        done(Some(Quantifier::All), "refer"),
                    ),
                    sp(),
                )],
            ),
            ProtocolItem::Escalate {
                to: id("head_of_service"),
                overdue_by: dur("5", DurationUnit::WorkingDays),
                span: sp(),
            },
            ProtocolItem::Share {
                what: id("child_wellbeing"),
                with: vec![id("social_worker"), id("case_manager")],
                requires_consent: false,
                span: sp(),
            },
            ProtocolItem::Roles(Vec::new(), sp()),
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

fn entry(field: &str, value: Value) -> ObjectEntry {
    ObjectEntry {
        field: id(field),
        value,
        span: sp(),
    }
}

fn obj(entries: Vec<ObjectEntry>) -> ObjectValue {
    ObjectValue {
        entries,
        span: sp(),
    }
}

fn vlit(l: Literal) -> Value {
    Value::Literal(l)
}

fn seg(field: &str, index: Option<&str>) -> PathSegment {
    PathSegment {
        field: id(field),
        index: index.map(str::to_string),
        span: sp(),
    }
}

#[test]
fn test_given_layout() {
    let person = |born: DateLit, income: Option<&str>| {
        let mut entries = vec![entry("birth_date", vlit(Literal::Date(born)))];
        if let Some(income) = income {
            entries.push(entry("monthly_income", vlit(int(income))));
        }
        Value::Object(obj(entries))
    };
    let given = obj(vec![
        entry("region", Value::Name(id("shirak"))),
        entry("vulnerability_score", vlit(int("27"))),
        entry("balance", vlit(dec("-12.5"))),
        entry("note", vlit(txt("line\nbreak"))),
        entry("insurance_years", Value::Unknown(sp())),
        entry(
            "scores",
            Value::List(vec![vlit(int("1")), vlit(int("2"))], sp()),
        ),
        entry("nothing", Value::List(Vec::new(), sp())),
        entry(
            "members",
            Value::List(
                vec![
                    person(date(1990, 5, 1), Some("60_000")),
                    person(date(2015, 1, 10), None),
                    Value::Object(obj(Vec::new())),
                    Value::Object(obj(vec![entry(
                        "nested",
                        Value::Object(obj(vec![entry("a", vlit(int("1")))])),
                    )])),
                ],
                sp(),
            ),
        ),
        entry(
            "address",
            Value::Object(obj(vec![
                entry("city", vlit(txt("Gyumri"))),
                entry("flags", Value::List(vec![Value::Name(id("a"))], sp())),
            ])),
        ),
    ]);
    let f = file(vec![Decl::Test(Test {
        docs: docs(&["The brief's example."]),
        name: lbl_tr(
            "Poor family with three children",
            &[("hy", "Աղքատ ընտանիք")],
        ),
        items: vec![
            TestItem::AsOf(date(2025, 3, 1), sp()),
            TestItem::Given {
                entity: id("Household"),
                value: given,
                span: sp(),
            },
            TestItem::Given {
                entity: id("Person"),
                value: obj(Vec::new()),
                span: sp(),
            },
            TestItem::Expect(Expect {
                program: id("family_benefit"),
                subject: None,
                outcome: ExpectOutcome::Eligible(sp()),
                span: sp(),
            }),
            TestItem::Expect(Expect {
                program: id("family_benefit"),
                subject: None,
                outcome: ExpectOutcome::Amount(int("-40_500")),
                span: sp(),
            }),
            TestItem::Expect(Expect {
                program: id("old_age_social_pension"),
                subject: Some(SubjectPath {
                    segments: vec![seg("members", Some("0")), seg("children", Some("1"))],
                    span: sp(),
                }),
                outcome: ExpectOutcome::Ineligible(sp()),
                span: sp(),
            }),
            TestItem::Expect(Expect {
                program: id("x"),
                subject: Some(SubjectPath {
                    segments: vec![seg("spouse", None)],
                    span: sp(),
                }),
                outcome: ExpectOutcome::Undetermined(sp()),
                span: sp(),
            }),
        ],
        span: sp(),
    })]);
    assert_snapshot!(print(&f));
}

#[test]
fn empty_file_prints_nothing() {
    assert_eq!(print(&File::default()), "");
}
