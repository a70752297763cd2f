//! What every corpus under `tests/` shares: expected files compared with what
//! the engine gives, or rewritten with `ACCORD_BLESS=1` (`blessing`,
//! `expect_text`); the loop over case directories with an `expected.json`
//! (`check_cases`); and reading a corpus's ruleset and JSON files.

// Each test file uses what it needs of these.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this shared module"
)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::{Engine, SourceFile};
use serde_json::Value;

/// Runs `run` on every case directory of `corpus` (at least `min` of them) and
/// fails with every case whose output differs from its `expected.json`; with
/// `ACCORD_BLESS` set, writes the outputs as the expected files instead.
pub fn check_cases(corpus: &Path, min: usize, run: impl Fn(&Path) -> Value) {
    let bless = blessing();
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

/// Whether `ACCORD_BLESS` is set: expected files are then rewritten with what
/// the engine gives, to be read (`git diff`) before they are committed.
pub fn blessing() -> bool {
    std::env::var_os("ACCORD_BLESS").is_some()
}

/// The first line of a snapshot written by insta (`---`, then `source: …`),
/// which expected files no longer have.
const INSTA_HEADER: &str = "---\nsource:";

/// Holds `got` to the expected file at `path`, byte for byte; when blessing,
/// writes it there instead. The error says what differs and how to fix it.
pub fn expect_text(path: &Path, got: &str) -> Result<(), String> {
    if blessing() {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        return fs::write(path, got).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return Err(format!(
                "{}: {e} (a new case: write it with ACCORD_BLESS=1, then read it)",
                path.display()
            ))
        }
    };
    if expected.starts_with(INSTA_HEADER) {
        return Err(format!(
            "{}: an insta snapshot, not a plain expected file: re-bless with ACCORD_BLESS=1 \
             and read the result",
            path.display()
        ));
    }
    if expected != got {
        return Err(format!(
            "{}: differs (ACCORD_BLESS=1 rewrites it; read the diff first)\n--- expected\n{expected}\n--- got\n{got}",
            path.display()
        ));
    }
    Ok(())
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
