//! Printer/parser round trip on generated trees.
//!
//! A. `parse(print(ast)).file == ast`, with no syntax errors (spans are ignored by
//!    equality);
//! B. `print(parse(print(ast)).file) == print(ast)` (formatting is idempotent);
//! C. comments put anywhere a line may start or end survive formatting, in order,
//!    and formatting a commented file is idempotent.

mod support;

use accord_grammar::ast::File;
use accord_grammar::{parse, print};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Comment texts in the order they appear in the file.
fn comment_texts(file: &File) -> Vec<String> {
    file.comments.iter().map(|c| c.text.clone()).collect()
}

/// Puts a comment at the end of some lines (trailing) and on a line of its own
/// before others. Table rows may end with a `//` comment, so a trailing line
/// comment is valid after any line.
fn with_comments(text: &str, picks: &[(usize, bool, bool)]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        for (k, &(at, own_line, block)) in picks.iter().enumerate() {
            if own_line && at % (lines.len() + 1) == i {
                if block {
                    out.push_str(&format!("/* own {k} */\n"));
                } else {
                    out.push_str(&format!("// own {k}\n"));
                }
            }
        }
        out.push_str(line);
        // After `///` a comment would be doc text.
        let is_doc = line.trim_start().starts_with("///");
        for (k, &(at, own_line, _)) in picks.iter().enumerate() {
            if !own_line && !is_doc && at % (lines.len() + 1) == i {
                out.push_str(&format!(" // end {k}"));
                // one line comment per line: the next would be inside it
                break;
            }
        }
        out.push('\n');
    }
    for (k, &(at, own_line, _)) in picks.iter().enumerate() {
        if own_line && at % (lines.len() + 1) == lines.len() {
            out.push_str(&format!("// last {k}\n"));
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_of_print_is_identity(file in support::file()) {
        let text = print(&file);
        let parsed = parse(&text);
        prop_assert!(parsed.errors.is_empty(), "errors {:?} in\n{}", parsed.errors, text);
        prop_assert_eq!(&parsed.file, &file, "printed as\n{}", text);
    }

    #[test]
    fn print_is_idempotent(file in support::file()) {
        let once = print(&file);
        let twice = print(&parse(&once).file);
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn comments_survive_formatting(
        file in support::file(),
        picks in proptest::collection::vec((0usize..200, any::<bool>(), any::<bool>()), 0..6),
    ) {
        let source = with_comments(&print(&file), &picks);
        let parsed = parse(&source);
        prop_assert!(parsed.errors.is_empty(), "errors {:?} in\n{}", parsed.errors, source);
        prop_assert_eq!(&parsed.file.decls, &file.decls, "source\n{}", source);
        let once = print(&parsed.file);
        let reparsed = parse(&once);
        prop_assert!(reparsed.errors.is_empty(), "errors {:?} in\n{}", reparsed.errors, once);
        prop_assert_eq!(comment_texts(&reparsed.file), comment_texts(&parsed.file), "formatted\n{}", once);
        prop_assert_eq!(&reparsed.file.decls, &file.decls);
        let twice = print(&reparsed.file);
        prop_assert_eq!(once, twice);
    }
}

/// The syntax decisions say to try `any NAME done` before the other forms, so
/// `any a done where b` is `(any a done) where b`, not `any (a done) where b`.
#[test]
fn quantified_done_before_where_is_a_done_form() {
    use accord_grammar::ast::{Decl, Expr, Member, Quantifier};
    let parsed = parse("entity E {\n  let x = any a done where b\n}\n");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let Some(Decl::Entity(e)) = parsed.file.decls.first() else {
        panic!("no entity");
    };
    let Some(Member::Let(l)) = e.members.first() else {
        panic!("no let");
    };
    let Expr::Where { list, .. } = &l.value else {
        panic!("not a where: {:?}", l.value);
    };
    assert!(matches!(
        **list,
        Expr::Done {
            quantifier: Some(Quantifier::Any),
            ..
        }
    ));
}
