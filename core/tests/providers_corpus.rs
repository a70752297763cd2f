//! The providers corpus shared by every front end (`tests/providers/`, format in
//! its README): matching a need in a region with or without ratings, the
//! territorial map, and bad catalogues and ratings, against `expected.json`.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test providers_corpus` rewrites
//! the expected files from the engine. Check every change by hand before
//! committing.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

mod support {
    pub mod corpus;
}

use accord_core::{Engine, SourceFile};
use serde_json::{json, Value};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/providers")
}

/// A case's own file, or the corpus's shared one.
fn text(dir: &Path, name: &str) -> String {
    let own = dir.join(name);
    let path = if own.exists() {
        own
    } else {
        corpus().join(name)
    };
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(e: &[accord_core::FactError]) -> Value {
    json!({ "errors": serde_json::to_value(e).unwrap() })
}

fn run(engine: &Engine, dir: &Path) -> Value {
    let case: Value = serde_json::from_str(&text(dir, "case.json")).unwrap();
    let cat = match engine.catalogue_from_json(&text(dir, "catalogue.json")) {
        Ok(c) => c,
        Err(e) => return errors(&e.errors),
    };
    if case["map"] == true {
        return serde_json::to_value(engine.needs_map(&cat, &text(dir, "results.jsonl"))).unwrap();
    }
    let ratings = if case["ratings"] == true {
        match engine.ratings_from_json(&cat, &text(dir, "ratings.json")) {
            Ok(r) => Some(r),
            Err(e) => return errors(&e.errors),
        }
    } else {
        None
    };
    match engine.providers_for(
        &cat,
        case["need"].as_str().unwrap(),
        case["region"].as_str(),
        ratings.as_ref(),
        case["lang"].as_str(),
    ) {
        Ok(r) => serde_json::to_value(r).unwrap(),
        Err(e) => errors(&e.errors),
    }
}

#[test]
fn every_case_gives_its_expected_output() {
    let engine = Engine::compile(vec![SourceFile::new(
        "ruleset.accord",
        fs::read_to_string(corpus().join("ruleset.accord")).unwrap(),
    )])
    .unwrap_or_else(|r| panic!("{}", r.render(Default::default())));
    support::corpus::check_cases(&corpus(), 9, |dir| run(&engine, dir));
}
