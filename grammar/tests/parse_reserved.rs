//! `ast::RESERVED_WORDS` and the grammar's `reserved` rule must agree: every listed
//! word is refused as a name (with the reserved-word message), and a name that merely
//! starts with one (`income`, `order`, `android`) is an ordinary name.

use accord_grammar::{ast::RESERVED_WORDS, parse};

#[test]
fn every_reserved_word_is_refused_as_a_name() {
    let mut accepted = Vec::new();
    for word in RESERVED_WORDS {
        // An enum variant: a position where no keyword can begin (in an entity,
        // `let` would start a derived value).
        let parsed = parse(&format!("enum E {{ a, {word} }}\n"));
        let refused = parsed.errors.iter().any(|e| {
            e.message.contains("reserved word")
                || e.help
                    .as_deref()
                    .is_some_and(|h| h.contains("reserved word"))
        });
        if !refused {
            accepted.push((word, parsed.errors));
        }
    }
    assert!(accepted.is_empty(), "not refused as names: {accepted:#?}");
}

#[test]
fn names_that_start_with_a_reserved_word_are_names() {
    for word in RESERVED_WORDS {
        let name = format!("{word}_x");
        let parsed = parse(&format!(
            "entity E {{\n  {name}: Integer\n  {word}x: Integer\n}}\n"
        ));
        assert!(parsed.errors.is_empty(), "`{name}`: {:?}", parsed.errors);
    }
}
