//! The message catalogue (`core/src/messages/*.json`): every language has
//! every key, with the same parameters and the plural forms its language
//! needs, and every key is used by the code.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's expect, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::BTreeSet;
use std::path::Path;

use accord_core::messages::{self, Message};

/// The parameters of a message: every `{name}` in any of its forms.
fn params(m: &Message) -> BTreeSet<String> {
    match m {
        Message::Text(t) => messages::parameters(t).into_iter().collect(),
        Message::Plural(forms) => forms
            .values()
            .flat_map(|t| messages::parameters(t))
            .collect(),
    }
}

#[test]
fn every_language_has_every_key_with_the_same_parameters() {
    let english = messages::catalogue("en").expect("an English catalogue");
    assert_eq!(messages::languages(), ["en", "hy", "ru", "et", "kk"]);
    for lang in messages::languages() {
        let c = messages::catalogue(lang).expect("every listed catalogue parses");
        let mine: BTreeSet<&String> = c.keys().collect();
        let theirs: BTreeSet<&String> = english.keys().collect();
        assert_eq!(
            mine, theirs,
            "`{lang}` has the English keys, no more, no fewer"
        );
        for (key, en) in english {
            let m = &c[key];
            assert_eq!(
                params(m),
                params(en),
                "`{lang}` `{key}`: the same parameters"
            );
            match (en, m) {
                (Message::Text(_), Message::Text(t)) => {
                    assert!(!t.trim().is_empty(), "`{lang}` `{key}` is empty");
                }
                (Message::Plural(_), Message::Plural(forms)) => {
                    let have: Vec<&str> = forms.keys().map(String::as_str).collect();
                    assert_eq!(
                        have,
                        messages::plural_categories(lang),
                        "`{lang}` `{key}`: one form per plural category of the language"
                    );
                    // Every form shows the count.
                    for t in forms.values() {
                        assert!(t.contains("{n}"), "`{lang}` `{key}`: `{t}` shows `{{n}}`");
                    }
                }
                _ => panic!("`{lang}` `{key}`: plural in one language, not in the other"),
            }
        }
    }
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("core/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).expect("a source file"));
        }
    }
}

#[test]
fn every_key_is_used() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let code = files.join("\n");
    let english = messages::catalogue("en").expect("an English catalogue");
    let unused: Vec<&String> = english
        .keys()
        .filter(|k| !code.contains(&format!("\"{k}\"")))
        .collect();
    assert!(unused.is_empty(), "keys no code names: {unused:?}");
}

#[test]
fn a_language_without_a_catalogue_reads_english() {
    assert_eq!(messages::text("fr", "graph.start", &[]), "start");
    assert_eq!(messages::text("ru", "graph.start", &[]), "начало");
    assert_eq!(
        messages::count("ru", "duration.working_days", 3, &[]),
        "3 рабочих дня"
    );
    assert_eq!(
        messages::count("hy", "duration.working_days", 10, &[]),
        "10 աշխատանքային օր"
    );
}
