//! The case corpus shared by every front end (`tests/cases/`, format in its
//! README): each case's event log is replayed against `tests/cases/ruleset.accord`
//! and its state on the as-of date (or the error refusing an event) must equal
//! `expected.json` exactly.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test case_corpus` rewrites the
//! expected files from the engine. Check every change by hand before committing.

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

use accord_core::case::{parse_log, Case, CaseOptions};
use accord_core::{Catalogue, Engine};
use serde_json::{json, Value};

fn corpus() -> PathBuf {
    support::corpus::dir("cases")
}

fn engine() -> Engine {
    support::corpus::ruleset(&corpus())
}

use support::corpus::read_json;

fn run(engine: &Engine, catalogue: &Catalogue, dir: &Path) -> Value {
    let case = read_json(&dir.join("case.json"));
    let as_of: jiff::civil::Date = case["as_of"].as_str().unwrap().parse().unwrap();
    let role = case["role"].as_str();
    // A provider's view (a role `is provider`), when the case names one.
    let provider = case["provider"].as_str();
    let lang = case["lang"].as_str();
    let options = CaseOptions {
        catalogue: case["catalogue"]
            .as_bool()
            .unwrap_or(false)
            .then_some(catalogue),
    };
    let text = fs::read_to_string(dir.join("events.jsonl")).unwrap();
    let events = match parse_log(&text) {
        Ok(e) => e,
        Err(errors) => return json!({ "errors": errors }),
    };
    match Case::replay(engine, &events, options, Some(as_of))
        .and_then(|mut c| c.view(as_of, role, provider, lang))
    {
        Ok(state) => serde_json::to_value(state).unwrap(),
        Err(e) => json!({ "error": e }),
    }
}

#[test]
fn every_case_gives_its_expected_state() {
    let engine = engine();
    let catalogue = engine
        .catalogue_from_json(&fs::read_to_string(corpus().join("catalogue.json")).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    support::corpus::check_cases(&corpus(), 20, |dir| run(&engine, &catalogue, dir));
}
