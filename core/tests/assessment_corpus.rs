//! The assessment corpus shared by every front end (`tests/assessments/`, format
//! in its README): each case's answers are validated and scored against
//! `tests/assessments/ruleset.accord`, and the report (or the errors) must equal
//! `expected.json` exactly.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test assessment_corpus` rewrites
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

use accord_core::Engine;
use serde_json::{json, Value};

fn corpus() -> PathBuf {
    support::corpus::dir("assessments")
}

fn engine() -> Engine {
    support::corpus::ruleset(&corpus())
}

use support::corpus::read_json;

fn run(engine: &Engine, dir: &Path) -> Value {
    let case = read_json(&dir.join("case.json"));
    let assessment = case["assessment"].as_str().unwrap();
    let lang = case["lang"].as_str();
    let answers = fs::read_to_string(dir.join("answers.json")).unwrap();
    match engine.answers_from_json(assessment, &answers) {
        Ok(a) => serde_json::to_value(engine.assess(&a, lang)).unwrap(),
        Err(e) => json!({ "errors": serde_json::to_value(&e.errors).unwrap() }),
    }
}

#[test]
fn every_case_gives_its_expected_report() {
    let engine = engine();
    support::corpus::check_cases(&corpus(), 6, |dir| run(&engine, dir));
}
