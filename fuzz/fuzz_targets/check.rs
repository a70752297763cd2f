//! Any bytes given to `accord check`: parsing and checking never panic, hang or
//! overflow the stack, and every diagnostic points inside the file.
#![no_main]

use accord_core::{check, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let report = check(vec![SourceFile {
        name: "fuzz.accord".into(),
        text: text.to_owned(),
    }]);
    for d in &report.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
    }
});
