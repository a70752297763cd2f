//! Recovery at declaration level and the wording of syntax errors.

// Test helpers outside `#[test]` functions may fail loudly too.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod common;

use accord_grammar::ast::Decl;
use accord_grammar::parse;
use accord_grammar::SyntaxErrorKind;

/// Every error of `src` as `KIND line:col message [help]` lines, with the text the
/// span covers, for snapshots.
fn render(src: &str) -> String {
    let parsed = parse(src);
    let mut out = String::new();
    for e in &parsed.errors {
        let before = &src[..e.span.start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        out.push_str(&format!(
            "{:?} {line}:{col} {} (at `{}`)\n",
            e.kind,
            e.message,
            &src[e.span.start..e.span.end]
        ));
        if let Some(h) = &e.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

#[test]
fn recovery_keeps_the_good_declarations() {
    let src =
        "entity A {\n  x: \n}\n\nprogram p {\n  eligible when a ==\n}\n\nenum Good { a, b }\n";
    let p = parse(src);
    assert_eq!(p.errors.len(), 2);
    assert!(p
        .errors
        .iter()
        .all(|e| e.kind == SyntaxErrorKind::Unexpected));
    assert_eq!(p.file.decls.len(), 1);
    assert!(matches!(&p.file.decls[0], Decl::Enum(e) if e.name.name == "Good"));
}

#[test]
fn recovery_resumes_at_declaration_lines_only() {
    // A missing `}`: the next declaration, at column 1, is still found.
    let src = "entity A {\n  x: Integer\nentity B {\n  y: Integer\n}\n  entity C { broken\nsector s\n/// Docs.\nsector t\n";
    let p = parse(src);
    assert_eq!(p.errors.len(), 2, "{:#?}", p.errors);
    let names: Vec<String> = p
        .file
        .decls
        .iter()
        .map(|d| match d {
            Decl::Entity(e) => e.name.name.clone(),
            Decl::Sector(s) => format!("{}{:?}", s.name.name, s.docs),
            _ => String::new(),
        })
        .collect();
    assert_eq!(names, ["B", "s[]", "t[\"Docs.\"]"]);
}

#[test]
fn junk_after_a_declaration() {
    let p = parse("enum A { a } junk\nenum B { b }\n");
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.file.decls.len(), 2);
}

#[test]
fn empty_and_trivia_only_files() {
    for src in ["", "   \n\n", "// only a comment\n", "/* a */ /* b */"] {
        let p = parse(src);
        assert!(p.errors.is_empty() && p.file.decls.is_empty(), "{src:?}");
    }
}

#[test]
fn error_messages() {
    let cases = [
        "entity A {\n  let y = a == b\n}",
        "program p {\n  eligible when a && b\n}",
        "program p {\n  eligible when a || b\n}",
        "program p {\n  eligible when !a\n}",
        "entity A {\n  where: Integer\n}",
        "entity A {\n  let if = 1\n}",
        "entity A\n  x: Integer\n}",
        "entity A {\n  x: Integer \"unterminated\n}",
        "program p {\n  eligible when a < b < c\n}",
        "entity A {\n  x: Integer\n  /// dangling\n}",
        "/// nothing after",
        "entity A {\n  let x = \"a\\qb\"\n}",
        "program p {\n  amount = 5 junk\n}",
        "table t(a: Integer) -> Integer {\n  a | result\n  1 | 2 junk\n}",
        "entity A {\n  let x = (1 +\n}",
        "entity A {\n  x Integer\n}",
        "program p {\n  eligible when\n}",
        "program p {\n  amount = { from 2020-01-01: 1 }\n}",
        "entity A {\n  x: Integer",
        "entitty A { }",
        "parameter p: Money {\n  from 2020-1-1: 5\n}",
        "protocol p {\n  step s {\n    within 3 working weeks\n  }\n}",
        "test \"t\" {\n  expect p maybe\n}",
        "enum E { a b c } }",
        "entity A {\n  let x = a /* never closed\n}",
        "service s { sector }",
    ];
    let mut all = String::new();
    for src in cases {
        all.push_str(&format!("--- {src:?}\n{}", render(src)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn every_error_span_is_inside_the_source() {
    let src = include_str!("data/brief.accord");
    // Truncate the brief at many points: every prefix gives errors with sane spans.
    let mut cut = 0;
    while cut < src.len() {
        if src.is_char_boundary(cut) {
            let part = &src[..cut];
            for e in parse(part).errors {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= part.len(),
                    "{e:?}"
                );
                assert!(part.is_char_boundary(e.span.start) && part.is_char_boundary(e.span.end));
                assert!(!e.message.is_empty());
            }
        }
        cut += 97;
    }
}

#[test]
fn doc_comments_before_a_broken_declaration_give_one_error() {
    // Three doc lines: recovery skips them with their declaration, rather than
    // resuming at each one and reporting the same error again.
    let src = "/// One.\n/// Two.\n\n// a comment among them\n/// Three.\nprogram p {\n  amount = if a then b junk\n}\n/// Next.\nenum E { a }\n";
    let p = parse(src);
    assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
    assert_eq!(p.file.decls.len(), 1);
    assert!(matches!(&p.file.decls[0], Decl::Enum(e) if e.docs == ["Next."]));
}

#[test]
fn broken_declarations_keep_their_kind_and_name() {
    use accord_grammar::ast::DeclKind;
    let src = "/// Docs.\ntable grant(a: Integer) -> Integer {\n  a | result\n  1 |\n}\nprogram  p {\n  amount = if x then y\n}\ntest \"t\" { junk }\nentity if { }\nentity E {\n  x: Integer \"\\q\"\n}\n";
    let p = parse(src);
    assert_eq!(p.errors.len(), 5, "{:#?}", p.errors);
    let broken: Vec<(DeclKind, &str, &str)> = p
        .file
        .broken
        .iter()
        .map(|b| {
            (
                b.kind,
                b.name.name.as_str(),
                &src[b.name.span.start..b.name.span.end],
            )
        })
        .collect();
    // A test has no name, and `if` is no name: neither is recorded. The entity
    // whose label has a bad escape parsed, but could not be built.
    assert_eq!(
        broken,
        [
            (DeclKind::Table, "grant", "grant"),
            (DeclKind::Program, "p", "p"),
            (DeclKind::Entity, "E", "E"),
        ]
    );
    assert_eq!(
        &src[p.file.broken[0].span.start..p.file.broken[0].span.end],
        "table grant"
    );
}

#[test]
fn grouped_digits_in_a_table_cell_keep_the_table() {
    use accord_grammar::ast::{Cell, CellValue, Literal};
    let src = "table t(a: Integer) -> Decimal hit first {\n  a | result\n  1,632 | 0,5\n  < -2,000,000 | 1,632.25\n  {1,632} | 1\n}\n";
    let p = parse(src);
    let Decl::Table(t) = &p.file.decls[0] else {
        panic!("the table is kept: {:#?}", p.errors)
    };
    let value = |c: &Cell| match c {
        Cell::Value(CellValue::Literal(Literal::Integer(x, _) | Literal::Decimal(x, _)))
        | Cell::Compare(
            _,
            CellValue::Literal(Literal::Integer(x, _) | Literal::Decimal(x, _)),
            _,
        ) => x.clone(),
        Cell::Set(vs, _) => format!("{} values", vs.len()),
        other => panic!("{other:?}"),
    };
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(value).collect())
        .collect();
    // In a set, `,` separates values, as always.
    assert_eq!(
        cells,
        [["1632", "0.5"], ["-2000000", "1632.25"], ["2 values", "1"]]
    );
    let errors: Vec<(SyntaxErrorKind, &str, Option<&str>)> = p
        .errors
        .iter()
        .map(|e| (e.kind, &src[e.span.start..e.span.end], e.help.as_deref()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                SyntaxErrorKind::Unexpected,
                "1,632",
                Some("write `1_632` or `1632`")
            ),
            (SyntaxErrorKind::Unexpected, "0,5", Some("write `0.5`")),
            (
                SyntaxErrorKind::Unexpected,
                "-2,000,000",
                Some("write `-2_000_000` or `-2000000`")
            ),
            (
                SyntaxErrorKind::Unexpected,
                "1,632.25",
                Some("write `1_632.25` or `1632.25`")
            ),
        ]
    );
}

#[test]
fn helps_for_numbers_durations_and_if() {
    let help = |src: &str| {
        let p = parse(src);
        assert_eq!(p.errors.len(), 1, "{src}: {:#?}", p.errors);
        p.errors[0].help.clone().unwrap_or_default()
    };
    let program = |body: &str| format!("program p {{\n  {body}\n}}\n");
    assert_eq!(help(&program("amount = 1,632")), "write `1_632` or `1632`");
    assert_eq!(help(&program("amount = 2,5 * x")), "write `2.5`");
    assert_eq!(help(&program("amount = 1 500")), "write `1_500` or `1500`");
    assert_eq!(
        help(&program("amount = x * 20 %")),
        "write `20%` without a space"
    );
    assert_eq!(
        help(&program("amount = if a then 1")),
        "an `if` needs an `else`"
    );
    assert_eq!(
        help("test \"t\" {\n  given P { income: 1,632 }\n}\n"),
        "write `1_632` or `1632`"
    );
    for unit in ["workdays", "workday", "business days", "weekdays"] {
        let src = format!("protocol p {{\n  step s {{\n    within 3 {unit}\n  }}\n}}\n");
        assert_eq!(help(&src), "write `3 working days`", "{unit}");
    }
    // A call's arguments and a set are separated by `,`: no error there.
    assert!(parse(&program("amount = max(1,632)")).errors.is_empty());
    assert!(parse(&program("eligible when x in {1,632}"))
        .errors
        .is_empty());
}

#[test]
fn syntax_error_is_an_error() {
    let p = parse("entity A {\n  x Integer\n}\n");
    let e: &dyn std::error::Error = &p.errors[0];
    assert_eq!(
        e.to_string(),
        "unexpected input at bytes 15..22: expected `:`, found `Integer`"
    );
}

#[test]
fn number_helps_are_not_given_for_names_and_dates() {
    for src in [
        "program p {\n  amount = x1,632\n}\n",
        "calendar c {\n  holiday 2025-01-01,2025\n}\n",
    ] {
        let p = parse(src);
        assert_eq!(p.errors.len(), 1, "{src}");
        let help = p.errors[0].help.as_deref().unwrap_or("");
        assert!(!help.contains("write `"), "{src}: {help}");
    }
}

#[test]
fn a_set_in_a_cell_still_expects_a_cell() {
    let p = parse("table t(a: Integer) -> Integer {\n  a | result\n  {1, ) | 2\n}\n");
    let messages: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["expected a cell or `}`, found `)`"]);
}
