//! Every code lives in one place (`accord_core::Code`), and that place and
//! `docs/diagnostics.md` agree: a code given is documented, a documented code is
//! given, and no code is written in the source as a bare string.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use accord_core::Code;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `X0000`: one capital letter and four digits.
fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// The codes `docs/diagnostics.md` documents: the first cell of its tables' rows.
fn documented() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split_once(' '))
        .map(|(first, _)| first.to_string())
        .filter(|c| is_code(c))
        .collect()
}

/// The library sources of every crate that gives codes (not tests).
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = [
        "core/src",
        "grammar/src",
        "tables/src",
        "cli/src",
        "bindings/wasm/src",
        "bindings/uniffi/src",
    ]
    .iter()
    .map(|d| root().join(d))
    .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// `codes.rs` without the list that declares the codes (its uses, like the syntax
/// errors' codes, count).
fn without_declarations(text: &str) -> String {
    let start = text.find("\ncodes! {").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn every_code_is_documented_and_every_documented_code_exists() {
    let documented = documented();
    let declared: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    let undocumented: Vec<_> = declared.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&declared).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from docs/diagnostics.md: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/diagnostics.md documents codes that `Code` does not have: {unknown:?}"
    );
    assert_eq!(declared.len(), Code::ALL.len(), "a code is declared twice");
}

#[test]
fn every_code_is_given_somewhere() {
    let text: String = sources()
        .iter()
        .map(|(path, text)| match path.ends_with("codes.rs") {
            true => without_declarations(text),
            false => text.clone(),
        })
        .collect();
    let unused: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !text.contains(&format!("Code::{c}")))
        .collect();
    assert!(unused.is_empty(), "codes no source gives: {unused:?}");
}

#[test]
fn no_code_is_written_as_a_string() {
    let mut found = Vec::new();
    for (path, text) in sources() {
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue; // docs may show a code's text
            }
            let b = line.as_bytes();
            let quoted = (0..b.len().saturating_sub(6)).any(|i| {
                b[i] == b'"'
                    && b[i + 6] == b'"'
                    && std::str::from_utf8(&b[i + 1..i + 6]).is_ok_and(is_code)
            });
            if quoted {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "codes written as strings (use `Code::…`):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_code_reads_and_serialises_as_its_text() {
    assert_eq!(Code::E0101.to_string(), "E0101");
    assert_eq!(serde_json::to_string(&Code::F0003).unwrap(), "\"F0003\"");
    assert!(Code::ALL.iter().all(|c| is_code(c.as_str())));
}
