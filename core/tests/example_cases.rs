//! The examples' case logs (`examples/*/cases/PROTOCOL/*.jsonl`) replayed on the
//! dates their READMEs work out by hand; each state must equal
//! `cases/PROTOCOL/expected/LOG@DATE[@ROLE].json`. Headline figures of the
//! READMEs are asserted here as well, so a blessed file cannot drift from them.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test example_cases` rewrites the
//! expected files; compare them with the READMEs before committing.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/eval.rs"]
mod support;

use accord_core::case::{parse_log, Case, CaseOptions};
use accord_core::Engine;
use serde_json::Value;

/// (example, protocol, log, as-of, role, with the catalogue)
const RUNS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-02-25",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-03-11",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-04-15",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-06-01",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "consent_withdrawn",
        "2026-10-09",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "consent_withdrawn",
        "2026-10-23",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-05-21",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-06-02",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-06-02",
        Some("head_of_service"),
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-04-25",
        None,
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-06-02",
        None,
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-06-30",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-11-24",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-11-24",
        Some("centre_specialist"),
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-12-11",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2026-02-25",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2026-03-10",
        None,
    ),
];

fn state(
    engine: &Engine,
    dir: &Path,
    protocol: &str,
    log: &str,
    as_of: &str,
    role: Option<&str>,
) -> Value {
    let catalogue = engine
        .catalogue_from_json(&fs::read_to_string(dir.join("catalogue.json")).unwrap())
        .unwrap();
    let text = fs::read_to_string(
        dir.join("cases")
            .join(protocol)
            .join(format!("{log}.jsonl")),
    )
    .unwrap();
    let events = parse_log(&text).unwrap_or_else(|e| panic!("{log}: {e:?}"));
    let as_of = as_of.parse().unwrap();
    let options = CaseOptions {
        catalogue: Some(&catalogue),
    };
    let mut case = Case::replay(engine, &events, options, Some(as_of))
        .unwrap_or_else(|e| panic!("{log}: {e}"));
    serde_json::to_value(
        case.state(as_of, role, None)
            .unwrap_or_else(|e| panic!("{log}: {e}")),
    )
    .unwrap()
}

fn expected_path(
    dir: &Path,
    protocol: &str,
    log: &str,
    as_of: &str,
    role: Option<&str>,
) -> PathBuf {
    let name = match role {
        Some(r) => format!("{log}@{as_of}@{r}.json"),
        None => format!("{log}@{as_of}.json"),
    };
    dir.join("cases").join(protocol).join("expected").join(name)
}

#[test]
fn every_example_case_gives_its_expected_state() {
    let bless = corpus::blessing();
    let mut failures = Vec::new();
    for (example, protocol, log, as_of, role) in RUNS {
        let dir = support::repo().join("examples").join(example);
        let engine = Engine::compile(support::load_dir(&dir)).unwrap();
        let got = state(&engine, &dir, protocol, log, as_of, *role);
        let path = expected_path(&dir, protocol, log, as_of, *role);
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value = serde_json::from_str(
            &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
        .unwrap();
        if got != want {
            failures.push(path.display().to_string());
        }
    }
    assert!(failures.is_empty(), "states differ: {failures:?}");
}

fn tasks(s: &Value) -> Vec<(String, Option<String>, Option<String>, bool)> {
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["step"].as_str().unwrap().to_string(),
                t["need"].as_str().map(String::from),
                t["due"].as_str().map(String::from),
                t["overdue"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The figures examples/armenia/cases/README.md works out by hand.
#[test]
fn the_out_of_school_run_has_the_deadlines_worked_out_by_hand() {
    let dir = support::repo().join("examples/armenia");
    let engine = Engine::compile(support::load_dir(&dir)).unwrap();
    let s = |d| {
        state(
            &engine,
            &dir,
            "out_of_school",
            "school_notice_to_closure",
            d,
            None,
        )
    };
    // The assessment is late: due 19 February, escalated from the 24th.
    let feb = s("2025-02-25");
    assert_eq!(
        tasks(&feb),
        vec![("assess".into(), None, Some("2025-02-19".into()), true)]
    );
    assert_eq!(feb["escalations"][0]["since"], "2025-02-24");
    assert_eq!(feb["escalations"][0]["to"], "head_of_service");
    let mar = s("2025-03-11");
    assert_eq!(mar["risk"], "medium");
    assert!(tasks(&mar).contains(&(
        "refer".into(),
        Some("rehabilitation".into()),
        Some("2025-03-11".into()),
        false
    )));
    assert_eq!(mar["escalations"], Value::Array(vec![]));
    let june = s("2025-06-01");
    assert_eq!(june["status"], "closed");
    assert_eq!(june["closed"], "2025-05-23");
    assert_eq!(june["risk"], "low");
    assert_eq!(june["tasks"], Value::Array(vec![]));
}
