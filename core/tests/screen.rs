//! Screening through the facade: the examples' test blocks pass, facts are
//! validated with paths, and partial facts give missing facts and next questions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
use accord_core::{Engine, ScreenOptions, SourceFile, Status};

fn load_dir(dir: &str) -> Vec<SourceFile> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "accord"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            SourceFile::new(
                p.file_name().unwrap().to_string_lossy(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn brief_example_tests_pass() {
    let engine = Engine::compile(load_dir("examples/brief")).unwrap();
    let report = engine.run_tests();
    assert!(report.passed(), "{}", report.render());
    assert!(!report.tests.is_empty());
}

#[test]
fn armenian_example_tests_pass() {
    let engine = Engine::compile(load_dir("examples/armenia")).unwrap();
    let report = engine.run_tests();
    assert!(report.passed(), "{}", report.render());
    assert!(engine.program_names().count() >= 25);
    let expectations: usize = report.tests.iter().map(|t| t.expectations).sum();
    assert!(expectations >= 50, "{expectations}");
    println!("{}", report.render());
}

#[test]
fn partial_facts_give_missing_facts_and_questions() {
    let engine = Engine::compile(load_dir("examples/brief")).unwrap();
    let facts = engine
        .facts_from_json(
            r#"{"region": "shirak", "members": [{"birth_date": "1950-01-01"}, {"birth_date": "2015-01-10"}]}"#,
        )
        .unwrap();
    let date = jiff::civil::date(2025, 3, 1);
    let report = engine
        .session(date)
        .screen(&facts, &ScreenOptions::default());
    let fb = report
        .results
        .iter()
        .find(|r| r.program == "family_benefit")
        .unwrap();
    assert_eq!(fb.status, Status::Undetermined);
    assert!(
        fb.missing.contains(&"vulnerability_score".to_string()),
        "{:?}",
        fb.missing
    );
    assert!(!report.next_questions.is_empty());
    println!("{}", report.to_json());
}
