//! Helpers shared by the command-line test files: an `Output`'s exit code and
//! text, and scratch directories.

// Each test file uses what it needs of these.
#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each test binary uses a different part of this shared module; a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A fresh empty directory for one test (`name` may have several components).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `accord` with `args`.
pub fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .output()
        .unwrap()
}

/// The brief's example ruleset.
pub fn brief() -> String {
    repo().join("examples/brief").to_string_lossy().into_owned()
}
