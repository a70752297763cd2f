//! The shared corpus at the repository root, `tests/corpus/` (see its README):
//!
//! - `valid/X.accord` (or a directory `valid/X/` of files checked together) must
//!   check with no errors;
//! - `invalid/X.accord` (or `invalid/X/`) must give at least one error, and
//!   its JSON and human output must match `tests/corpus/snapshots/X.snap`;
//! - `warnings/X.accord` (or `warnings/X/`) must give warnings and no error, with
//!   a snapshot like an invalid case.
//!
//! Adding a test means adding a file; `cargo insta review` (or `INSTA_UPDATE=always`)
//! writes the snapshot of a new case, to be read and committed with it.

// Test helpers may unwrap: a failure there is a failing test.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use accord_core::{check, CheckReport, RenderOptions, SourceFile};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

/// Each case in `dir`: a name and its files (a single file, or a directory's
/// `*.accord` files in name order), named relative to the corpus root so the
/// snapshots do not depend on where the repository lives.
fn cases(dir: &str) -> Vec<(String, Vec<SourceFile>)> {
    let root = corpus();
    let mut entries: Vec<PathBuf> = fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let load = |path: &Path| {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        SourceFile::new(name, fs::read_to_string(path).unwrap())
    };
    let mut cases = Vec::new();
    for entry in entries {
        let stem = entry.file_stem().unwrap().to_string_lossy().into_owned();
        if entry.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(&entry)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "accord"))
                .collect();
            files.sort();
            cases.push((stem, files.iter().map(|p| load(p)).collect()));
        } else if entry.extension().is_some_and(|e| e == "accord") {
            cases.push((stem, vec![load(&entry)]));
        }
    }
    cases
}

/// What a snapshot holds: the JSON output, then the human output without colour.
fn snapshot_text(report: &CheckReport) -> String {
    format!(
        "{}\n---- human ----\n{}",
        report.to_json(),
        report.render(RenderOptions { color: false })
    )
}

#[test]
fn valid_files_check_without_errors() {
    let cases = cases("valid");
    assert!(!cases.is_empty(), "no valid cases found");
    let mut failures = Vec::new();
    for (name, files) in cases {
        let report = check(files);
        if report.has_errors() {
            failures.push(format!(
                "{name}:\n{}",
                report.render(RenderOptions::default())
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_files_match_their_snapshots() {
    let cases = cases("invalid");
    assert!(!cases.is_empty(), "no invalid cases found");
    match_snapshots(cases, |report| {
        (!report.has_errors())
            .then_some("no errors (a case with warnings only belongs in warnings/)")
    });
}

/// `warnings/X.accord` (or `warnings/X/`): checks with no errors but at least one
/// warning, snapshotted like an invalid case. They are kept apart because
/// `accord check` exits 0 for them.
#[test]
fn warning_files_match_their_snapshots() {
    let cases = cases("warnings");
    assert!(!cases.is_empty(), "no warning cases found");
    match_snapshots(cases, |report| {
        report
            .has_errors()
            .then_some("has errors (it belongs in invalid/)")
    });
}

/// Compares each case's output with its snapshot; `wrong` names what disqualifies
/// a case from its directory.
fn match_snapshots(
    cases: Vec<(String, Vec<SourceFile>)>,
    wrong: impl Fn(&CheckReport) -> Option<&'static str>,
) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(corpus().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // Every case runs even when an earlier one fails, and all failures are named.
    let mut failures = Vec::new();
    for (name, files) in cases {
        let report = check(files);
        if report.diagnostics.is_empty() {
            failures.push(format!("{name}: no diagnostics"));
            continue;
        }
        if let Some(why) = wrong(&report) {
            failures.push(format!("{name}: {why}"));
            continue;
        }
        let text = snapshot_text(&report);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.clone(), text));
        }));
        if outcome.is_err() {
            failures.push(format!("{name}: output differs from its snapshot"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
