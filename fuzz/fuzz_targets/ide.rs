//! Any text in an editor (`accord lsp`, the playground): analysing it and
//! every question at positions across it — hover, completion, definition,
//! references, rename, quick fixes, outline, folding — never panic or hang,
//! and every place answered lies inside the file, on character boundaries.
#![no_main]

use accord_core::ide::{Analysis, Location};
use accord_core::SourceFile;
use libfuzzer_sys::fuzz_target;

fn inside(text: &str, l: Location) {
    assert!(l.start <= l.end && l.end <= text.len(), "{l:?} outside the text");
    assert!(text.is_char_boundary(l.start) && text.is_char_boundary(l.end), "{l:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let a = Analysis::new(vec![SourceFile::new("fuzz.accord", text)]);
    let date = jiff::civil::Date::constant(2026, 1, 15);
    let step = (text.len() / 16).max(1);
    let offsets = (0..=text.len()).step_by(step).chain([text.len()]);
    for offset in offsets.filter(|o| text.is_char_boundary(*o)) {
        if let Some(h) = a.hover(0, offset, date) {
            inside(text, h.location);
        }
        let _ = a.completions(0, offset);
        if let Some(l) = a.definition(0, offset) {
            inside(text, l);
        }
        for l in a.references(0, offset, true) {
            inside(text, l);
        }
        if let Ok(edits) = a.rename(0, offset, "renamed_name") {
            for e in edits {
                inside(text, e.location);
            }
        }
        for f in a.fixes(0, offset, offset) {
            inside(text, f.location);
        }
    }
    for l in a.folding_ranges(0) {
        inside(text, l);
    }
    for item in a.outline(0) {
        assert!(item.name.end <= text.len() && item.span.end <= text.len());
    }
});
