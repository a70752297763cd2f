//! `accord screen --input … --output …` on the tables corpus
//! (tests/tables/README.md: expected.csv worked out by hand).

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap is its assertion: failing loudly is the point"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tables")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accord-cli-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn screen(output: &Path, extra: &[&str]) -> std::process::Output {
    let c = corpus();
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("screen")
        .arg(c.join("rules.accord"))
        .arg("--input")
        .arg(c.join("households.csv"))
        .arg("--join")
        .arg(format!("members={}", c.join("members.csv").display()))
        .args([
            "--id-column",
            "household_id",
            "--as-of",
            "2025-03-01",
            "--output",
        ])
        .arg(output)
        .args(extra)
        .output()
        .unwrap()
}

/// Standard error of a run that exited with `code` (else the test fails,
/// showing it).
fn exited(run: &std::process::Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(code), "{stderr}");
    stderr
}

#[test]
fn the_corpus_gives_the_hand_worked_rows() {
    let out = scratch("results.csv");
    let run = screen(&out, &["--threads", "2"]);
    // A refused household (h4) makes the exit code 1, as a bad registry line does.
    let stderr = exited(&run, 1);
    let expected = std::fs::read_to_string(corpus().join("expected.csv")).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert!(
        stderr.contains("screened 5 households into 14 result rows"),
        "{stderr}"
    );
    assert!(stderr.contains("1 household was refused"), "{stderr}");
    // The message never echoes the refused value.
    assert!(!stderr.contains("paris"));
}

#[test]
fn json_lines_out_carry_the_same_rows() {
    let out = scratch("results.jsonl");
    screen(&out, &[]);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 14);
    // Row 7 of expected.csv: h2's member gets the pension, 32500.
    assert_eq!(lines[6]["household_id"], "h2");
    assert_eq!(lines[6]["subject"], "members[0]");
    assert_eq!(lines[6]["amount"], "32500");
    // Row 9: h3's housing support waits on `owns_dwelling`.
    assert_eq!(lines[8]["status"], "undetermined");
    assert_eq!(lines[8]["missing"], serde_json::json!(["owns_dwelling"]));
    // Row 12: h4 refused, with code and path.
    assert_eq!(lines[11]["status"], "error");
    assert_eq!(lines[11]["error_code"], "F0005");
    assert_eq!(lines[11]["error_path"], "region");
}

#[test]
fn a_bad_id_column_is_a_request_error_and_writes_nothing() {
    let out = scratch("never.parquet");
    let c = corpus();
    let run = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("screen")
        .arg(c.join("rules.accord"))
        .arg("--input")
        .arg(c.join("households.csv"))
        .args(["--id-column", "hh", "--as-of", "2025-03-01", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = exited(&run, 2);
    assert!(stderr.contains("U0040"), "{stderr}");
    assert!(!out.exists());
}

/// `--only eligible,undetermined`: expected.csv's eligible rows (h1
/// child_benefit and housing_support, h2 old_age_pension), h3's undetermined
/// housing_support and h4's error row, in order: 5 of the 14 rows. A name that
/// is not a status is refused before anything is written (U0045, exit 2).
#[test]
fn only_keeps_the_statuses_named() {
    let out = scratch("only.csv");
    let run = screen(&out, &["--only", "eligible,undetermined"]);
    let stderr = exited(&run, 1);
    let expected = std::fs::read_to_string(corpus().join("expected.csv")).unwrap();
    let want: Vec<&str> = expected
        .lines()
        .enumerate()
        .filter(|(i, l)| {
            *i == 0 || ["eligible", "undetermined", "error"].contains(&l.split(',').nth(4).unwrap())
        })
        .map(|(_, l)| l)
        .collect();
    assert_eq!(want.len(), 1 + 5);
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(got.lines().collect::<Vec<_>>(), want);
    assert!(
        stderr.contains("screened 5 households into 5 result rows"),
        "{stderr}"
    );

    let refused = scratch("only-refused.csv");
    let stderr = exited(&screen(&refused, &["--only", "eligible,undetermned"]), 2);
    assert!(
        stderr.contains("U0045: `undetermned` is not a status of a result")
            && stderr.contains("did you mean `undetermined`?"),
        "{stderr}"
    );
    assert!(!refused.exists(), "nothing written");
}
