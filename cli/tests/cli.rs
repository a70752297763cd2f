//! The `accord` binary as scripts see it: exit codes, JSON on stdout, messages on
//! stderr, `fmt` rewriting files (or, with `--check`, only listing them).

// Test helpers may unwrap: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{code, scratch, stderr, stdout};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn accord_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn corpus_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
        .collect();
    files.sort();
    files
}

#[test]
fn valid_corpus_exits_zero() {
    let armenia = corpus().join("valid/armenia");
    let out = accord(&["check", armenia.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checked 7 files: no errors"),
        "{}",
        stderr(&out)
    );
    for file in corpus_files("valid") {
        let out = accord(&["check", file.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}: {}", file.display(), stderr(&out));
    }
}

#[test]
fn invalid_corpus_exits_one_with_diagnostics_in_both_formats() {
    let files = corpus_files("invalid");
    assert!(!files.is_empty());
    for file in files {
        let path = file.to_str().unwrap();
        let human = accord(&["check", path]);
        assert_eq!(code(&human), 1, "{path}: {}", stderr(&human));
        let text = stderr(&human);
        assert!(text.contains("error["), "{path}: {text}");
        assert!(text.contains(&format!("--> {path}:")), "{path}: {text}");
        // Not a terminal here, so no colour.
        assert!(!text.contains('\x1b'), "{path}: {text:?}");

        let json = accord(&["check", "--format", "json", path]);
        assert_eq!(code(&json), 1, "{path}");
        let value: Value = serde_json::from_str(&stdout(&json)).unwrap();
        let diagnostics = value["diagnostics"].as_array().unwrap();
        assert!(!diagnostics.is_empty(), "{path}");
        for d in diagnostics {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            for key in [
                "code", "severity", "message", "file", "line", "column", "help",
            ] {
                assert!(keys.contains(&key), "{path}: missing {key} in {d}");
            }
            assert_eq!(d["file"], path);
            assert!(d["line"].as_u64().unwrap() >= 1);
            assert!(d["column"].as_u64().unwrap() >= 1);
        }
    }
}

/// The separator between the JSON and the human output in a snapshot.
const HUMAN: &str = "\n---- human ----\n";

/// The corpus's snapshots (`tests/corpus/snapshots/NAME.snap`, plain expected
/// files written by `core/tests/corpus.rs` with `ACCORD_BLESS=1`) are what the
/// binary prints: the JSON on stdout, the human output on stderr, with file names
/// as given on the command line (relative to the corpus).
#[test]
fn corpus_snapshots_are_what_the_binary_prints() {
    let root = corpus();
    let mut failures = Vec::new();
    let mut seen = 0;
    for (dir, warnings) in [("invalid", false), ("warnings", true)] {
        let mut entries: Vec<PathBuf> = fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "accord"))
            .collect();
        entries.sort();
        for entry in entries {
            seen += 1;
            let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
            let rel = entry
                .strip_prefix(&root)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let snap = root.join("snapshots").join(format!("{name}.snap"));
            let text =
                fs::read_to_string(&snap).unwrap_or_else(|e| panic!("{}: {e}", snap.display()));
            if text.starts_with("---\nsource:") {
                failures.push(format!(
                    "{}: an insta snapshot, not a plain expected file: re-bless with \
                     ACCORD_BLESS=1 cargo test -p accord-core --test corpus",
                    snap.display()
                ));
                continue;
            }
            let Some((json, human)) = text.split_once(HUMAN) else {
                failures.push(format!("{}: no `{}` line", snap.display(), HUMAN.trim()));
                continue;
            };
            let out = accord_in(&root, &["check", "--format", "json", &rel]);
            if stdout(&out) != format!("{json}\n") {
                failures.push(format!(
                    "{rel}: JSON differs from {}:\n{}",
                    snap.display(),
                    stdout(&out)
                ));
            }
            let out = accord_in(&root, &["check", &rel]);
            let mut want = human.to_string();
            if warnings {
                let count = if entry.is_dir() {
                    corpus_files(&rel).len()
                } else {
                    1
                };
                let noun = if count == 1 { "file" } else { "files" };
                want.push_str(&format!("checked {count} {noun}: no errors\n"));
            }
            if stderr(&out) != want {
                failures.push(format!(
                    "{rel}: human output differs from {}:\n{}",
                    snap.display(),
                    stderr(&out)
                ));
            }
            assert_eq!(code(&out), if warnings { 0 } else { 1 }, "{rel}");
        }
    }
    assert!(seen > 0, "no cases in invalid/ or warnings/");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn json_for_a_valid_ruleset_is_an_empty_list() {
    let file = corpus().join("valid/expressions.accord");
    let out = accord(&["check", "--format=json", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value, serde_json::json!({"diagnostics": []}));
}

#[test]
fn missing_file_is_a_usage_error_not_a_panic() {
    let out = accord(&["check", "no/such/file.accord"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot read `no/such/file.accord`: no such file or directory"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn non_utf8_file_is_a_usage_error_naming_the_line() {
    let dir = scratch("non_utf8");
    fs::write(dir.join("latin1.accord"), b"enum A { a }\n// caf\xe9\n").unwrap();
    let out = accord_in(&dir, &["check", "latin1.accord"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("`latin1.accord` is not UTF-8 text (first bad byte on line 2)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn directory_without_accord_files_is_a_usage_error() {
    let dir = scratch("empty_dir");
    fs::write(dir.join("notes.txt"), "not a rule").unwrap();
    let out = accord_in(&dir, &["check", "."]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("has no `.accord` files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(code(&accord(&["check"])), 2);
    assert_eq!(code(&accord(&["check", "--format", "xml", "x.accord"])), 2);
    assert_eq!(code(&accord(&["frobnicate"])), 2);
    assert_eq!(code(&accord(&["--help"])), 0);
}

#[test]
fn directory_expands_to_sorted_accord_files_named_by_path() {
    let dir = scratch("expand");
    fs::create_dir_all(dir.join("rules/nested")).unwrap();
    fs::write(dir.join("rules/b.accord"), "enum B { x }\nentity E {\n").unwrap();
    fs::write(dir.join("rules/a.accord"), "enum A { x }\nentity F {\n").unwrap();
    fs::write(dir.join("rules/readme.md"), "ignored").unwrap();
    // Not recursive: a subdirectory is usually another ruleset.
    fs::write(dir.join("rules/nested/c.accord"), "entity G {\n").unwrap();
    let out = accord_in(&dir, &["check", "--format", "json", "rules"]);
    assert_eq!(code(&out), 1);
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut files: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    // Sorted by file, so each file's diagnostics come together, `a` first.
    files.dedup();
    assert_eq!(files, ["rules/a.accord", "rules/b.accord"]);
}

#[test]
fn fmt_check_lists_files_that_would_change_and_writes_nothing() {
    let dir = scratch("fmt");
    let source = fs::read_to_string(corpus().join("valid/expressions.accord")).unwrap();
    // Canonical layout first: whatever `fmt` makes of the corpus file.
    fs::write(dir.join("tidy.accord"), &source).unwrap();
    let out = accord_in(&dir, &["fmt", "tidy.accord"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tidy = fs::read_to_string(dir.join("tidy.accord")).unwrap();
    assert!(tidy.contains("program rent_support"), "{tidy}");

    let messy = tidy.replace("\n  ", "\n        ").replace(" = ", "   =   ");
    fs::write(dir.join("messy.accord"), &messy).unwrap();
    let broken = "entity Person {\n  age: Integer\n";
    fs::write(dir.join("broken.accord"), broken).unwrap();

    // --check: lists the messy file, reports the broken one, writes nothing.
    let out = accord_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out), "./messy.accord\n");
    assert!(
        stderr(&out).contains("./broken.accord: not formatted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("messy.accord")).unwrap(), messy);
    assert_eq!(
        fs::read_to_string(dir.join("broken.accord")).unwrap(),
        broken
    );

    // Without --check: rewrites the messy file, leaves the broken one alone.
    let out = accord_in(&dir, &["fmt", "messy.accord", "broken.accord"]);
    assert_eq!(code(&out), 1);
    assert_eq!(fs::read_to_string(dir.join("messy.accord")).unwrap(), tidy);
    assert_eq!(
        fs::read_to_string(dir.join("broken.accord")).unwrap(),
        broken
    );

    // Idempotent: formatted files pass the check.
    let out = accord_in(&dir, &["fmt", "--check", "tidy.accord", "messy.accord"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
}

/// The examples are what a newcomer runs first: each directory of `.accord` files
/// is one ruleset that checks without errors and is already in the canonical
/// layout (the web screener is an application, not a ruleset).
#[test]
fn examples_check_without_errors_and_are_formatted() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut rulesets: Vec<PathBuf> = fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && fs::read_dir(p)
                    .unwrap()
                    .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "accord"))
        })
        .collect();
    rulesets.sort();
    assert!(
        rulesets.len() >= 2,
        "expected the brief and armenia examples"
    );
    for ruleset in &rulesets {
        let dir = ruleset.to_str().unwrap();
        let checked = accord(&["check", dir, "--format", "json"]);
        assert_eq!(code(&checked), 0, "{dir}: {}", stdout(&checked));
        let json: Value = serde_json::from_str(&stdout(&checked)).unwrap();
        let errors: Vec<&Value> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{dir}: {errors:?}");
        let formatted = accord(&["fmt", "--check", dir]);
        assert_eq!(
            code(&formatted),
            0,
            "{dir} is not formatted: {}",
            stdout(&formatted)
        );
    }
}
