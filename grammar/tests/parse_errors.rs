//! Recovery at declaration level and the wording of syntax errors.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod common;

use accord_grammar::ast::Decl;
use accord_grammar::parse;

/// Every error of `src` as `CODE line:col message [help]` lines, with the text the
/// span covers, for snapshots.
fn render(src: &str) -> String {
    let parsed = parse(src);
    let mut out = String::new();
    for e in &parsed.errors {
        let before = &src[..e.span.start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        out.push_str(&format!(
            "{} {line}:{col} {} (at `{}`)\n",
            e.code,
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
    assert!(p.errors.iter().all(|e| e.code == "E0001"));
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
