//! `version N [from DATE]` in a protocol: parsed as an item of its own, moved to
//! the front of the protocol's items, printed first; `version` stays an ordinary
//! name everywhere else.

// Test helpers outside `#[test]` functions may fail loudly too.
#![expect(
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_grammar::ast::{Decl, ProtocolItem};
use accord_grammar::SyntaxErrorKind;
use accord_grammar::{parse, print};

fn protocol_items(text: &str) -> Vec<ProtocolItem> {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    match parsed.file.decls.into_iter().next() {
        Some(Decl::Protocol(p)) => p.items,
        other => panic!("not a protocol: {other:?}"),
    }
}

/// Formats `text`, checking what `accord fmt` checks: the output parses to the
/// same tree, keeps every comment, and formats to itself.
fn format(text: &str) -> String {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let once = print(&parsed.file);
    let reparsed = parse(&once);
    assert!(
        reparsed.errors.is_empty(),
        "{:?} in\n{once}",
        reparsed.errors
    );
    assert_eq!(reparsed.file.decls, parsed.file.decls, "in\n{once}");
    let mut before: Vec<&str> = parsed
        .file
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    let mut after: Vec<&str> = reparsed
        .file
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    before.sort_unstable();
    after.sort_unstable();
    assert_eq!(before, after, "comments changed in\n{once}");
    assert_eq!(print(&reparsed.file), once, "not idempotent");
    once
}

#[test]
fn version_with_and_without_from() {
    let items = protocol_items("protocol p {\n  version 2 from 2026-01-01\n  for Person\n}\n");
    let Some(ProtocolItem::Version { number, from, .. }) = items.first() else {
        panic!("{items:?}");
    };
    assert_eq!(number, "2");
    let from = from.unwrap();
    assert_eq!((from.year, from.month, from.day), (2026, 1, 1));

    let items = protocol_items("protocol p { version 3 }\n");
    assert!(
        matches!(&items[..], [ProtocolItem::Version { number, from: None, .. }] if number == "3")
    );
    // The number is kept as written; the checker decides whether it is a version.
    let items = protocol_items("protocol p { version 2.5 }\n");
    assert!(matches!(&items[..], [ProtocolItem::Version { number, .. }] if number == "2.5"));
}

#[test]
fn the_parser_puts_version_first() {
    let items = protocol_items(
        "protocol p {\n  for Person\n  calendar c\n  version 2 from 2026-01-01\n  roles { r }\n}\n",
    );
    assert!(
        matches!(items[0], ProtocolItem::Version { .. }),
        "{items:?}"
    );
    assert!(matches!(items[1], ProtocolItem::For(..)));
    assert!(matches!(items[2], ProtocolItem::Calendar(..)));
    assert!(matches!(items[3], ProtocolItem::Roles(..)));
    // Two `version` items (a checker error) keep their order, both in front.
    let items = protocol_items("protocol p { for Person  version 2  roles { r }  version 3 }\n");
    let numbers: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            ProtocolItem::Version { number, .. } => Some(number.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, ["2", "3"]);
    assert!(matches!(items[0], ProtocolItem::Version { .. }));
    assert!(matches!(items[1], ProtocolItem::Version { .. }));
}

#[test]
fn version_is_an_ordinary_name_elsewhere() {
    let text = "\
enum Kind { version, other }

entity Person {
  version: Integer \"Version of the form\"
  let newer = version >= 2
}

protocol p {
  version 2 from 2026-01-01
  for Person
  roles {
    version \"A role named version\" at version
  }
  start when version > 1 and newer
  step version {
    by version
    when version = 2
  }
  step close {
    by version
    after version
  }
  share version with version
}

table t(version: Integer) -> Integer {
  version | result
  1       | 2
}
";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(format(text), text);
}

#[test]
fn version_needs_a_number_and_from_a_date() {
    let parsed = parse("protocol p {\n  version\n  for Person\n}\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.errors[0].kind, SyntaxErrorKind::Unexpected);
    assert!(
        parsed.errors[0].message.contains("a number"),
        "{:?}",
        parsed.errors
    );

    let parsed = parse("protocol p {\n  version 2 from\n  for Person\n}\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert!(
        parsed.errors[0].message.contains("a date"),
        "{:?}",
        parsed.errors
    );

    let parsed = parse("protocol p {\n  version 2 from 2026-1-1\n}\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
}

#[test]
fn an_unknown_protocol_item_names_version_among_the_expected() {
    let parsed = parse("protocol p {\n  revision 2\n}\n");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert!(
        parsed.errors[0].message.contains("`version`"),
        "{:?}",
        parsed.errors
    );
}

#[test]
fn canonical_layout_has_version_first() {
    let text = "\
protocol out_of_school \"Out-of-school children\" {
  // The rules since the 2026 reform.
  version   2   from 2026-01-01   // replaces version 1
  for Person
  roles {
    case_manager
  }
  step close {
    by case_manager
  }
}
";
    let want = "\
protocol out_of_school \"Out-of-school children\" {
  // The rules since the 2026 reform.
  version 2 from 2026-01-01 // replaces version 1
  for Person
  roles {
    case_manager
  }
  step close {
    by case_manager
  }
}
";
    assert_eq!(format(text), want);
}

#[test]
fn a_version_written_later_moves_up_and_comments_stay() {
    let text = "\
protocol p {
  // whom it is about
  for Person

  calendar armenia
  // in force from 2026
  version 2 /* a */ from 2026-01-01 // decision 145-N
  // the roles
  roles {
    r
  }
}
";
    // The comments on its line go with it; the others stay among the items they
    // were among, and so does the blank line.
    let want = "\
protocol p {
  version 2 from 2026-01-01 /* a */ // decision 145-N
  // whom it is about
  for Person

  calendar armenia
  // in force from 2026
  // the roles
  roles {
    r
  }
}
";
    assert_eq!(format(text), want);
}

#[test]
fn a_version_without_from_prints_without_it() {
    let text = "protocol p {\n  for Person\n  version 1_0\n}\n";
    assert_eq!(
        format(text),
        "protocol p {\n  version 1_0\n  for Person\n}\n"
    );
}
