//! The formatter keeps the author's paragraphs: one blank line where the source had
//! one or more, none at the start or end of a block, and formatting stays idempotent.

use accord_grammar::{parse, print};

fn format(src: &str) -> String {
    let parsed = parse(src);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    print(&parsed.file)
}

#[test]
fn keeps_one_blank_line_between_groups_and_none_at_block_edges() {
    let src = "// Header comment.\n\n\n\nentity Person {\n\n  age: Integer\n  income: Money\n\n\n\n  // Derived values.\n  let adult = age >= 18\n\n  let poor = income < 1000\n\n}\n";
    let expected = "// Header comment.\n\nentity Person {\n  age: Integer\n  income: Money\n\n  // Derived values.\n  let adult = age >= 18\n\n  let poor = income < 1000\n}\n";
    let once = format(src);
    assert_eq!(once, expected);
    assert_eq!(format(&once), once, "formatting is idempotent");
}

#[test]
fn header_comment_stays_glued_when_the_author_glued_it() {
    let src = "// Person facts.\nentity Person {\n  age: Integer\n}\n";
    assert_eq!(format(src), src);
}

#[test]
fn blank_lines_inside_block_comments_are_not_layout() {
    let src = "entity Person {\n  age: Integer\n  /* a note\n\n     spanning a paragraph */\n  income: Money\n}\n";
    assert_eq!(format(src), src);
}
