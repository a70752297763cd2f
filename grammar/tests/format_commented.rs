//! A file with comments in every kind of place formats into a stable layout
//! that keeps each comment, in order.

use accord_grammar::{parse, print};

const COMMENTED: &str = include_str!("data/commented.accord");

#[test]
fn commented_file_keeps_every_comment() {
    let parsed = parse(COMMENTED);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let once = print(&parsed.file);
    let reparsed = parse(&once);
    assert!(
        reparsed.errors.is_empty(),
        "{:?} in\n{once}",
        reparsed.errors
    );
    assert_eq!(reparsed.file.decls, parsed.file.decls);
    let texts = |f: &accord_grammar::ast::File| -> Vec<String> {
        f.comments.iter().map(|c| c.text.clone()).collect()
    };
    assert_eq!(texts(&reparsed.file), texts(&parsed.file));
    assert_eq!(print(&reparsed.file), once, "formatting is not idempotent");
    insta::assert_snapshot!(once);
}
