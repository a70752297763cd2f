//! The loop every JSON corpus under `tests/` shares: run each case directory,
//! compare with its `expected.json`, or rewrite it with `ACCORD_BLESS=1`.

use std::fs;
use std::path::{Path, PathBuf};

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
