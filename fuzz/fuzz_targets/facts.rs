//! Any text given as a facts document for the brief's ruleset: validating, evaluating
//! (by the row machine, and by the certain path one by one and in a batch, which
//! must agree) and screening (with
//! explanations) never panic, and what they print is JSON that agrees with the
//! evaluation.
#![no_main]

#[path = "common/shared.rs"]
mod shared;

use std::sync::OnceLock;

use accord_core::{Engine, ScreenOptions, SourceFile};
use libfuzzer_sys::fuzz_target;

const FILES: [(&str, &str); 5] = [
    (
        "ruleset.accord",
        include_str!("../../examples/brief/ruleset.accord"),
    ),
    (
        "programs.accord",
        include_str!("../../examples/brief/programs.accord"),
    ),
    (
        "assessment.accord",
        include_str!("../../examples/brief/assessment.accord"),
    ),
    (
        "protocol.accord",
        include_str!("../../examples/brief/protocol.accord"),
    ),
    (
        "tests.accord",
        include_str!("../../examples/brief/tests.accord"),
    ),
];

/// Compiled once: the ruleset is fixed, only the facts vary.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let files = FILES
            .iter()
            .map(|(name, text)| SourceFile::new(*name, *text))
            .collect();
        match Engine::compile(files) {
            Ok(engine) => engine,
            Err(report) => panic!("the brief's ruleset does not compile: {report:?}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = engine();
    let facts = match engine.facts_from_json(&text) {
        Ok(facts) => facts,
        Err(errors) => {
            // Errors are reported, never empty, and serialise.
            assert!(!errors.errors.is_empty());
            let _ = errors.to_string();
            return;
        }
    };
    let as_of = jiff::civil::date(2025, 3, 1);
    let mut session = engine.session(as_of);
    let statuses: Vec<_> = session
        .evaluate(&facts)
        .results()
        .map(|r| (r.program.to_owned(), r.status, r.amount))
        .collect();
    // The row machine alone, then the certain path one by one and in a batch of
    // copies: the same results, missing facts included.
    let mut rows = engine.session(as_of);
    rows.set_certain_path(false);
    let alone: Vec<_> = {
        let e = rows.evaluate(&facts);
        (0..e.len())
            .zip(e.results())
            .map(|(i, r)| (r.program.to_owned(), r.status, r.amount, e.missing(i)))
            .collect()
    };
    let one: Vec<_> = {
        let e = session.evaluate(&facts);
        (0..e.len())
            .zip(e.results())
            .map(|(i, r)| (r.program.to_owned(), r.status, r.amount, e.missing(i)))
            .collect()
    };
    assert_eq!(one, alone, "the certain path disagrees with the row machine");
    let docs = vec![facts.clone(); 24];
    let mut batches = engine.session(as_of);
    let batch = batches.evaluate_many(&docs);
    for i in 0..batch.len() {
        let Some(e) = batch.get(i) else {
            panic!("no evaluation for document {i}");
        };
        let got: Vec<_> = (0..e.len())
            .zip(e.results())
            .map(|(k, r)| (r.program.to_owned(), r.status, r.amount, e.missing(k)))
            .collect();
        assert_eq!(got, alone, "a batch disagrees with the row machine");
    }
    let report = session.screen(
        &facts,
        &ScreenOptions {
            explain: true,
            lang: Some("hy".into()),
            // The computed trees of `explain` too.
            tree: 3,
        },
    );
    assert_eq!(report.results.len(), statuses.len());
    for (r, (program, status, amount)) in report.results.iter().zip(&statuses) {
        assert_eq!(&r.program, program);
        assert_eq!(r.status, *status);
        assert_eq!(r.amount.is_some(), amount.is_some());
    }
    let json: serde_json::Value = match serde_json::from_str(&report.to_json()) {
        Ok(v) => v,
        Err(e) => panic!("the report is not JSON: {e}"),
    };
    assert!(json["results"].is_array());
    let _ = report.render();
    shared::assert_registry_lines(&mut session, &facts, Some("ru"));
});
