//! Helpers shared by the evaluation tests: loading a ruleset directory, and every
//! result of an evaluation in comparable form.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this shared module"
)]

use std::path::{Path, PathBuf};

use accord_core::{Evaluation, SourceFile, Status};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `.accord` files of a directory, in name order.
pub fn load_dir(dir: &Path) -> Vec<SourceFile> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
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

/// Every result: programme, subject path, status, amount, missing facts.
/// Every result: programme, subject, status, amount as written (its scale
/// included: `1800.00` is not `1800` in a registry line) and missing facts.
pub type Full = Vec<(String, String, Status, Option<String>, Vec<String>)>;

pub fn full(e: &Evaluation<'_>) -> Full {
    e.results()
        .enumerate()
        .map(|(i, r)| {
            (
                r.program.to_string(),
                e.subject_path(r.subject),
                r.status,
                r.amount.map(|a| a.to_string()),
                e.missing(i),
            )
        })
        .collect()
}
