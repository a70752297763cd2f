//! The shared corpus at the repository root, `tests/corpus/` (see its README):
//!
//! - `valid/X.accord` (or a directory `valid/X/` of files checked together) must
//!   check with no errors;
//! - `invalid/X.accord` (or `invalid/X/`) must give at least one error, and
//!   its JSON and human output must match `tests/corpus/snapshots/X.snap`;
//! - `warnings/X.accord` (or `warnings/X/`) must give warnings and no error, with
//!   a snapshot like an invalid case.
//!
//! A snapshot is a plain expected file, compared byte for byte, like every other
//! corpus's: adding a test means adding a file, then `ACCORD_BLESS=1 cargo test
//! -p accord-core --test corpus` writes its snapshot, to be read against the
//! expectation written in the case and committed with it.

// Test helpers may unwrap: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::{check, CheckReport, RenderOptions, SourceFile};

mod support {
    pub mod corpus;
}
use support::corpus::expect_text;

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

fn snapshots() -> PathBuf {
    corpus().join("snapshots")
}

/// What a snapshot holds: the JSON output, then the human output without colour
/// (what `accord check --format json` and `accord check` print; `cli/tests/cli.rs`
/// holds the binary to the same files).
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

/// Compares each case's output with its snapshot (or writes it, with
/// `ACCORD_BLESS`); `wrong` names what disqualifies a case from its directory.
fn match_snapshots(
    cases: Vec<(String, Vec<SourceFile>)>,
    wrong: impl Fn(&CheckReport) -> Option<&'static str>,
) {
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
        let path = snapshots().join(format!("{name}.snap"));
        if let Err(e) = expect_text(&path, &snapshot_text(&report)) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every snapshot belongs to a case of `invalid/` or `warnings/`: a case
/// renamed or removed takes its snapshot with it.
#[test]
fn every_snapshot_has_its_case() {
    let names: Vec<String> = cases("invalid")
        .into_iter()
        .chain(cases("warnings"))
        .map(|(name, _)| name)
        .collect();
    let mut orphans = Vec::new();
    for entry in fs::read_dir(snapshots()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_snap = path.extension().is_some_and(|e| e == "snap");
        if !is_snap || !names.contains(&stem) {
            orphans.push(path.display().to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "files in snapshots/ without a case in invalid/ or warnings/: {orphans:?}"
    );
}
