//! Formatting the brief's own examples: it parses, formatting is idempotent, and
//! no comment is lost.

use accord_grammar::{parse, print};

const BRIEF: &str = include_str!("data/brief.accord");

#[test]
fn brief_formats_idempotently_and_keeps_comments() {
    let parsed = parse(BRIEF);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);

    let once = print(&parsed.file);
    let reparsed = parse(&once);
    assert!(
        reparsed.errors.is_empty(),
        "{:?} in\n{once}",
        reparsed.errors
    );
    assert_eq!(reparsed.file.decls, parsed.file.decls);
    assert_eq!(print(&reparsed.file), once, "formatting is not idempotent");

    let texts = |f: &accord_grammar::ast::File| -> Vec<String> {
        f.comments.iter().map(|c| c.text.clone()).collect()
    };
    assert_eq!(texts(&reparsed.file), texts(&parsed.file));
    for comment in &parsed.file.comments {
        assert!(once.contains(&comment.text), "lost {:?}", comment.text);
    }
    insta::assert_snapshot!(once);
}
