//! Formatting: whatever parses, prints to text that parses to the same tree and
//! formats to itself (idempotence), keeping every comment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = accord_grammar::parse(text);
    if !parsed.errors.is_empty() {
        return;
    }
    let printed = accord_grammar::print(&parsed.file);
    let reparsed = accord_grammar::parse(&printed);
    assert!(reparsed.errors.is_empty(), "formatted output does not parse:\n{printed}");
    assert_eq!(reparsed.file.decls, parsed.file.decls);
    assert_eq!(reparsed.file.comments.len(), parsed.file.comments.len());
    assert_eq!(accord_grammar::print(&reparsed.file), printed);
});
