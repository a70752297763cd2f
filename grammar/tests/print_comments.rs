//! Comment placement by span, from hand-built trees whose spans stand for a
//! source the parser would have read.

mod support;

use accord_grammar::ast::*;
use accord_grammar::print;
use insta::assert_snapshot;
use support::build::*;

fn comment(text: &str, trailing: bool, at: usize) -> Comment {
    Comment {
        text: text.to_string(),
        trailing,
        span: Span::new(at, at + text.len()),
    }
}

fn field_at(name: &str, start: usize, end: usize) -> Member {
    Member::Field(Field {
        docs: Vec::new(),
        name: id(name),
        ty: ty("Integer"),
        domain: None,
        label: None,
        span: Span::new(start, end),
    })
}

/// An entity spanning 100..200 with members at 120..130 and 150..160, then an
/// enum at 300..340 with variants at 310 and 330.
fn two_decls(comments: Vec<Comment>) -> File {
    File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: vec![
            Decl::Entity(Entity {
                docs: vec!["Documented.".to_string()],
                name: id("Person"),
                label: None,
                members: vec![field_at("a", 120, 130), field_at("b", 150, 160)],
                span: Span::new(100, 200),
            }),
            Decl::Enum(EnumDecl {
                docs: Vec::new(),
                name: id("Kind"),
                label: None,
                variants: vec![
                    Variant {
                        docs: Vec::new(),
                        name: id("x"),
                        label: None,
                        span: Span::new(310, 311),
                    },
                    Variant {
                        docs: Vec::new(),
                        name: id("y"),
                        label: None,
                        span: Span::new(330, 331),
                    },
                ],
                span: Span::new(300, 340),
            }),
        ],
        comments,
    }
}

#[test]
fn every_position() {
    let f = two_decls(vec![
        comment("// file header", false, 0),
        comment("/* before the entity */", false, 50),
        comment("// after the brace", true, 110),
        comment("// about b", false, 140),
        comment("// b's reason", true, 161),
        comment("/* also b */", true, 165),
        comment("// last in the block", false, 180),
        comment("// after the entity", true, 201),
        comment("// before the enum", false, 250),
        comment("// inside the enum", false, 320),
        comment("/* end\n   of file */", false, 400),
    ]);
    assert_snapshot!(print(&f));
}

#[test]
fn enum_stays_on_one_line_without_inner_comments() {
    let f = two_decls(vec![comment("// after all", true, 345)]);
    assert_snapshot!(print(&f));
}

#[test]
fn trailing_comment_never_merges_into_a_line_comment() {
    // Two trailing comments after the same line: the second cannot follow a `//`.
    let f = two_decls(vec![
        comment("// one", true, 131),
        comment("// two", true, 140),
        comment("/* three */", true, 145),
    ]);
    let out = print(&f);
    assert!(out.contains("  a: Integer // one\n  // two\n  /* three */\n  b: Integer\n"));
}

#[test]
fn clause_legal_gets_its_own_comments() {
    let f = File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: vec![Decl::Program(Program {
            docs: Vec::new(),
            name: id("p"),
            label: None,
            items: vec![
                ProgramItem::Eligible(Clause {
                    condition: n("a"),
                    legal: Some(Label {
                        text: "Art. 1".into(),
                        translations: Vec::new(),
                        span: Span::new(40, 48),
                    }),
                    span: Span::new(10, 48),
                }),
                ProgramItem::Amount(num("1"), Span::new(60, 70)),
            ],
            span: Span::new(0, 80),
        })],
        comments: vec![
            comment("// why a", true, 25),
            comment("// on legal", true, 49),
        ],
    };
    assert_snapshot!(print(&f));
}

#[test]
fn table_rows_keep_their_comments() {
    let f = File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: vec![Decl::Table(Table {
            docs: Vec::new(),
            name: id("t"),
            params: Vec::new(),
            result: ty("Integer"),
            label: None,
            hit: None,
            columns: vec![
                Ident {
                    name: "order".into(),
                    span: Span::new(20, 25),
                },
                Ident {
                    name: "result".into(),
                    span: Span::new(28, 34),
                },
            ],
            rows: vec![
                Row {
                    cells: vec![Cell::Any(Span::new(40, 41)), Cell::Any(Span::new(44, 45))],
                    span: Span::new(40, 45),
                },
                Row {
                    cells: vec![
                        Cell::Value(CellValue::Literal(int("1"))),
                        Cell::Value(CellValue::Literal(int("22"))),
                    ],
                    span: Span::new(70, 80),
                },
            ],
            versions: Vec::new(),
            each: Vec::new(),
            span: Span::new(0, 100),
        })],
        comments: vec![
            comment("// the columns", false, 15),
            comment("// catch-all", true, 46),
            comment("// now the exact one", false, 60),
            comment("// exact", true, 81),
        ],
    };
    assert_snapshot!(print(&f));
}

#[test]
fn comments_alone_and_with_default_spans() {
    let only = File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls: Vec::new(),
        comments: vec![
            comment("// just a note", false, 0),
            comment("/* and more */", false, 20),
        ],
    };
    assert_eq!(print(&only), "// just a note\n/* and more */\n");

    // A hand-built tree with default spans: every comment lands at the end.
    let mut f = let_file(num("1"));
    f.comments = vec![comment("// kept", false, 5), comment("// too", true, 9)];
    assert_eq!(print(&f), "entity E {\n  let x = 1\n}\n\n// kept\n// too\n");
}
