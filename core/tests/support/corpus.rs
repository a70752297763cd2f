//! The loop every JSON corpus under `tests/` shares: run each case directory,
//! compare with its `expected.json`, or rewrite it with `ACCORD_BLESS=1`; and
//! reading a corpus's ruleset and JSON files.

// Each test file uses what it needs of these.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::{Engine, SourceFile};
use serde_json::Value;

/// Runs `run` on every case directory of `corpus` (at least `min` of them) and
/// fails with every case whose output differs from its `expected.json`; with
/// `ACCORD_BLESS` set, writes the outputs as the expected files instead.
pub fn check_cases(corpus: &Path, min: usize, run: impl Fn(&Path) -> Value) {
    let bless = std::env::var_os("ACCORD_BLESS").is_some();
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= min, "the corpus has its cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let got = run(dir);
        let path = dir.join("expected.json");
        if bless {
            fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected: Value = serde_json::from_str(&text).unwrap();
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected}\n  got      {got}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus directory `tests/NAME` at the repository root.
pub fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(name)
}

/// The corpus's `ruleset.accord`, compiled.
pub fn ruleset(corpus: &Path) -> Engine {
    let text = fs::read_to_string(corpus.join("ruleset.accord")).unwrap();
    Engine::compile(vec![SourceFile::new("ruleset.accord", text)])
        .unwrap_or_else(|r| panic!("{}", r.render(Default::default())))
}

/// A JSON file of a case.
pub fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
