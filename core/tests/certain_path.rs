//! The certain path (compiled closures, for documents whose results can all be
//! decided) gives exactly what the row machine gives each document alone, one by
//! one and in batches (`Session::evaluate_many`): statuses, amounts and missing
//! facts, for the shipped examples and every case of the screening corpus, on
//! complete and partial facts. (Generated rulesets are covered by
//! `soundness.rs`.)

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod support {
    pub mod eval;
}

use std::path::PathBuf;

use accord_core::{Engine, Facts, Status};
use support::eval::{full, load_dir, repo as root, Full};

/// Evaluates `docs` one by one by the row machine, one by one with the certain
/// path, and as one batch, on `date`, and compares. Returns how many documents
/// the certain path settled.
fn agree(engine: &Engine, docs: &[Facts], date: jiff::civil::Date, what: &str) -> u64 {
    let mut rows = engine.session(date);
    rows.set_certain_path(false);
    let alone: Vec<Full> = docs.iter().map(|f| full(&rows.evaluate(f))).collect();
    let mut certain = engine.session(date);
    assert!(certain.has_certain_path(), "{what}: no certain path");
    for (i, (f, expected)) in docs.iter().zip(&alone).enumerate() {
        let got = full(&certain.evaluate(f));
        assert_eq!(
            &got, expected,
            "{what}: document {i} as of {date} (certain path)"
        );
    }
    let settled = certain.settled_by_certain_path();
    // Every document whose results are all decided (amounts included) must have
    // been settled by the certain path: it is never slower to give up.
    let decided = alone
        .iter()
        .filter(|rs| {
            rs.iter()
                .all(|(_, _, status, amount, missing)| match status {
                    Status::Undetermined => false,
                    Status::Eligible => amount.is_some() || missing.is_empty(),
                    Status::Ineligible => true,
                })
        })
        .count() as u64;
    assert_eq!(
        settled, decided,
        "{what}: documents settled by the certain path as of {date}"
    );
    let mut batches = engine.session(date);
    // Twice: the second batch runs on recycled buffers.
    for _ in 0..2 {
        let batch = batches.evaluate_many(docs);
        assert_eq!(batch.len(), docs.len());
        for (i, expected) in alone.iter().enumerate() {
            let got = full(&batch.get(i).unwrap());
            assert_eq!(&got, expected, "{what}: document {i} as of {date}");
        }
    }
    settled
}

#[test]
fn armenian_registry_and_families_agree() {
    let engine = Engine::compile(load_dir(&root().join("examples/armenia"))).unwrap();
    assert!(engine.has_certain_path());
    let facts_dir = root().join("examples/armenia/facts");
    let mut texts: Vec<String> = std::fs::read_to_string(facts_dir.join("registry_sample.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    for name in ["family_complete.json", "family_partial.json"] {
        texts.push(std::fs::read_to_string(facts_dir.join(name)).unwrap());
    }
    // Interleaved copies: documents of every shape next to each other.
    let docs: Vec<Facts> = (0..3)
        .flat_map(|_| texts.iter())
        .map(|t| engine.facts_from_json(t).unwrap())
        .collect();
    for date in [
        jiff::civil::date(2023, 6, 1),
        jiff::civil::date(2025, 3, 1),
        jiff::civil::date(2026, 11, 23),
    ] {
        // The twenty-one complete documents, thrice, less the two sample lines
        // whose facts leave results undetermined.
        assert_eq!(agree(&engine, &docs, date, "examples/armenia"), 57);
    }
}

#[test]
fn brief_example_agrees() {
    let engine = Engine::compile(load_dir(&root().join("examples/brief"))).unwrap();
    let text = std::fs::read_to_string(root().join("examples/brief/facts/family.json")).unwrap();
    let docs: Vec<Facts> = (0..30)
        .map(|_| engine.facts_from_json(&text).unwrap())
        .collect();
    let settled = agree(
        &engine,
        &docs,
        jiff::civil::date(2025, 3, 1),
        "examples/brief",
    );
    assert_eq!(settled, 30);
}

#[test]
fn every_screening_case_agrees() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/screening"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let Ok(engine) = Engine::compile(load_dir(&dir)) else {
            continue;
        };
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let date: jiff::civil::Date = case["as_of"].as_str().unwrap().parse().unwrap();
        let text = std::fs::read_to_string(dir.join("facts.json")).unwrap();
        let Ok(one) = engine.facts_from_json(&text) else {
            continue;
        };
        let docs: Vec<Facts> = (0..24).map(|_| one.clone()).collect();
        agree(&engine, &docs, date, &dir.display().to_string());
    }
}

/// A session fed partial facts (a screener's) stops trying the certain path on
/// every document after eight failures in a row, tries one document in sixteen,
/// and takes it up again once it succeeds; the answers never change.
#[test]
fn a_session_backs_off_after_failures_and_comes_back() {
    let engine = Engine::compile(load_dir(&root().join("examples/armenia"))).unwrap();
    let facts_dir = root().join("examples/armenia/facts");
    let read = |name: &str| {
        engine
            .facts_from_json(&std::fs::read_to_string(facts_dir.join(name)).unwrap())
            .unwrap()
    };
    let (partial, complete) = (read("family_partial.json"), read("family_complete.json"));
    let date = jiff::civil::date(2025, 3, 1);
    let mut rows = engine.session(date);
    rows.set_certain_path(false);
    let expected = full(&rows.evaluate(&complete));
    let mut session = engine.session(date);
    for _ in 0..8 {
        session.evaluate(&partial);
    }
    assert_eq!(session.settled_by_certain_path(), 0);
    // Documents 9 to 15 go straight to the row machine.
    for _ in 9..16 {
        assert_eq!(full(&session.evaluate(&complete)), expected);
    }
    assert_eq!(session.settled_by_certain_path(), 0);
    // The sixteenth is tried, succeeds, and the session tries every one again.
    assert_eq!(full(&session.evaluate(&complete)), expected);
    assert_eq!(session.settled_by_certain_path(), 1);
    assert_eq!(full(&session.evaluate(&complete)), expected);
    assert_eq!(session.settled_by_certain_path(), 2);
}
