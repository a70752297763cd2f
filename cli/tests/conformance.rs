//! The conformance corpus through the command line: every case that has a
//! CLI command must print exactly the facade's output (what the bindings give),
//! and a refused one must exit 1 naming the same codes. So the CLI, the
//! WebAssembly package and the Python and Kotlin bindings agree byte for byte.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{code, repo, scratch, stderr, stdout};
use serde_json::Value;

/// The CLI's arguments for one case (run in the ruleset's directory, the files
/// named as the corpus names them), or `None` for a call without a command.
struct Run {
    args: Vec<String>,
    /// Where the command leaves its output (`fmt`, `case --add`, `merge`).
    written: Option<PathBuf>,
    /// Where it runs, when not in the ruleset's directory (`caseload`, which
    /// names cases by their files' paths as given).
    cwd: Option<PathBuf>,
}

fn arg(dir: &Path, args: &Value, name: &str) -> Option<String> {
    match args.get(name)? {
        Value::String(s) => Some(match s.strip_prefix('@') {
            Some(f) => fs::read_to_string(dir.join(f)).unwrap(),
            None => s.clone(),
        }),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `--set NAME=VALUE` (and `--from DATE`) for each of a reform's settings.
fn set_flags(args: &mut Vec<String>, sets: &[Value]) {
    for set in sets {
        let value = match &set["value"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        args.push("--set".into());
        args.push(format!("{}={value}", set["name"].as_str().unwrap()));
        if let Some(from) = set["from"].as_str() {
            args.push("--from".into());
            args.push(from.to_string());
        }
    }
}

fn command(dir: &Path, case: &Value, work: &Path) -> Option<Run> {
    let root = repo();
    let ruleset = root.join(case["ruleset"].as_str().unwrap());
    let mut files: Vec<String> = fs::read_dir(&ruleset)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "accord"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let empty = Value::Object(Default::default());
    let a = case.get("args").unwrap_or(&empty);
    let get = |n: &str| arg(dir, a, n);
    // Inline or referenced text, as a file the CLI can read.
    let file = |n: &str, name: &str| -> Option<String> {
        let text = get(n)?;
        let path = work.join(name);
        fs::write(&path, text).unwrap();
        Some(path.to_string_lossy().into_owned())
    };
    let abs = |p: &str| root.join(p).to_string_lossy().into_owned();
    let mut args: Vec<String> = Vec::new();
    let opt = |args: &mut Vec<String>, flag: &str, v: Option<String>| {
        if let Some(v) = v {
            args.push(flag.to_string());
            args.push(v);
        }
    };
    let mut written = None;
    let call = case["call"].as_str().unwrap();
    let head: &[&str] = match call {
        "check" => &["check", "--format", "json"],
        "run_tests" => &["test", "--format", "json"],
        "schema" => &["schema"],
        "screen" | "screen_jsonl" => &["screen"],
        "assess" | "assessment_form" => &["assess"],
        "providers" | "providers_for_result" => &["providers", "--format", "json"],
        "needs_map" => &["plan", "--format", "json"],
        "caseload" => &["caseload", "--format", "json"],
        "case_state" | "case_view" | "case_add" => &["case", "--format", "json"],
        "merge" => &["merge"],
        "graph" => &["graph"],
        "compare" => &[
            "compare",
            "--format",
            "json",
            "--threads",
            "1",
            "--no-progress",
        ],
        "format" => &["fmt"],
        _ => return None,
    };
    args.extend(head.iter().map(|s| s.to_string()));
    if call == "format" {
        let path = file("source", &get("name").unwrap())?;
        written = Some(PathBuf::from(&path));
        args.push(path);
        return Some(Run {
            args,
            written,
            cwd: None,
        });
    }
    let mut cwd = None;
    if call == "caseload" {
        // Each log as NAME.jsonl in the scratch directory, run from there, so
        // the CLI names each case as the corpus does; the ruleset's files by
        // their full paths.
        let cases = a.get("cases")?.as_object()?;
        args.extend(
            files
                .iter()
                .map(|f| ruleset.join(f).to_string_lossy().into_owned()),
        );
        args.push("--cases".into());
        for (name, log) in cases {
            let text = arg(dir, &serde_json::json!({ "v": log }), "v").unwrap();
            fs::write(work.join(format!("{name}.jsonl")), text).unwrap();
            args.push(format!("{name}.jsonl"));
        }
        cwd = Some(work.to_path_buf());
    } else if call == "compare" {
        // BASE is the ruleset's directory (the command runs there); REFORM a file.
        args.push(".".into());
        let name = get("reform_name").unwrap();
        args.push(file("reform", &name)?);
    } else {
        args.extend(files.iter().cloned());
    }
    if let Some(e) = case.get("entity").and_then(Value::as_str) {
        opt(&mut args, "--entity", Some(e.to_string()));
    }
    for key in ["catalogue", "ratings"] {
        let v = case.get(key).and_then(Value::as_str).map(abs);
        opt(&mut args, &format!("--{key}"), v);
    }
    opt(&mut args, "--lang", get("lang"));
    // A reform laid over the ruleset (`accord test` and `accord screen` take
    // `--reform`, `--set`, `--from`); settings that are not a list have no
    // command line.
    let reform = case.get("reform").and_then(Value::as_str);
    let settings = case.get("settings").and_then(Value::as_str);
    if reform.is_some() || settings.is_some() {
        if !matches!(call, "run_tests" | "screen" | "screen_jsonl") {
            return None;
        }
        if let Some(reform) = reform {
            // Run from the scratch directory with copies of the ruleset's
            // files and the reform, so the CLI names each by its file name
            // as the corpus does.
            for f in &files {
                fs::copy(ruleset.join(f), work.join(f)).unwrap();
            }
            let name = Path::new(reform).file_name().unwrap();
            fs::copy(root.join(reform), work.join(name)).unwrap();
            opt(
                &mut args,
                "--reform",
                Some(name.to_string_lossy().into_owned()),
            );
            cwd = Some(work.to_path_buf());
        }
        if let Some(settings) = settings {
            let Ok(Value::Array(sets)) = serde_json::from_str::<Value>(settings) else {
                return None;
            };
            set_flags(&mut args, &sets);
        }
    }
    match call {
        "screen" => {
            opt(&mut args, "--facts", file("facts", "facts.json"));
            opt(&mut args, "--as-of", get("as_of"));
            args.extend(["--format".into(), "json".into()]);
        }
        "screen_jsonl" => {
            opt(&mut args, "--facts-jsonl", file("lines", "in.jsonl"));
            opt(&mut args, "--as-of", get("as_of"));
            args.extend(["--format", "jsonl", "--threads", "1", "--no-progress"].map(String::from));
            if a.get("explain").and_then(Value::as_bool) == Some(true) {
                args.push("--explain".into());
            }
            opt(&mut args, "--id-key", get("id_key"));
            opt(&mut args, "--only", get("statuses"));
        }
        "assessment_form" => {
            opt(&mut args, "--assessment", get("assessment"));
            args.push("--form".into());
        }
        "assess" => {
            opt(&mut args, "--assessment", get("assessment"));
            opt(&mut args, "--answers", file("answers", "answers.json"));
            args.extend(["--format".into(), "json".into()]);
        }
        "providers" => {
            opt(&mut args, "--need", get("need"));
            opt(&mut args, "--region", get("region"));
        }
        "providers_for_result" => {
            opt(&mut args, "--result", file("result", "result.json"));
            opt(&mut args, "--region", get("region"));
        }
        "needs_map" => {
            opt(&mut args, "--results", file("results", "results.jsonl"));
        }
        "caseload" => {
            opt(&mut args, "--as-of", get("as_of"));
            opt(&mut args, "--role", get("role"));
        }
        "case_state" | "case_view" => {
            opt(&mut args, "--events", file("log", "log.jsonl"));
            opt(&mut args, "--as-of", get("as_of"));
            opt(&mut args, "--role", get("role"));
            opt(&mut args, "--provider", get("provider"));
        }
        "case_add" => {
            let log = file("log", "log.jsonl");
            written = log.clone().map(PathBuf::from);
            opt(&mut args, "--events", log);
            let event = get("event").unwrap();
            // The state printed after is the event's day's.
            let at = serde_json::from_str::<Value>(&event)
                .ok()
                .and_then(|e| e["at"].as_str().map(str::to_string));
            opt(&mut args, "--as-of", at.or(Some("2025-06-30".into())));
            opt(&mut args, "--add", Some(event));
        }
        "merge" => {
            opt(&mut args, "--events", file("a", "a.jsonl"));
            opt(&mut args, "--with", file("b", "b.jsonl"));
            let out = work.join("merged.jsonl");
            written = Some(out.clone());
            opt(
                &mut args,
                "--output",
                Some(out.to_string_lossy().into_owned()),
            );
        }
        "compare" => {
            opt(&mut args, "--facts-jsonl", file("lines", "in.jsonl"));
            opt(&mut args, "--as-of", get("as_of"));
            let options: Value = serde_json::from_str(&get("options").unwrap()).unwrap();
            for key in ["by", "decile_by", "people"] {
                let v = options.get(key).and_then(Value::as_str).map(str::to_string);
                opt(&mut args, &format!("--{}", key.replace('_', "-")), v);
            }
            if let Some(sets) = options.get("set").and_then(Value::as_array) {
                set_flags(&mut args, sets);
            }
        }
        "graph" => {
            opt(&mut args, "--protocol", get("protocol"));
            opt(&mut args, "--format", get("format"));
            opt(&mut args, "--version", get("version"));
        }
        _ => {}
    }
    Some(Run { args, written, cwd })
}

#[test]
fn the_cli_prints_what_every_binding_returns() {
    let corpus = repo().join("tests/conformance/cases");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut compared = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let case: Value =
            serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let work = scratch(&format!("conformance/{name}"));
        let Some(run) = command(dir, &case, &work) else {
            continue;
        };
        let ruleset = repo().join(case["ruleset"].as_str().unwrap());
        let output = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(&run.args)
            .current_dir(run.cwd.as_ref().unwrap_or(&ruleset))
            .output()
            .unwrap();
        compared += 1;
        let call = case["call"].as_str().unwrap();
        if let Ok(expected) = fs::read_to_string(dir.join("expected.out")) {
            let got = match &run.written {
                Some(path) => fs::read_to_string(path).unwrap_or_default(),
                None => stdout(&output),
            };
            let expected = match call {
                // The log, as the facade's merge returns it beside the conflicts.
                "merge" => serde_json::from_str::<Value>(&expected).unwrap()["log"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                // Printed with a newline after the document.
                "check"
                | "run_tests"
                | "schema"
                | "screen"
                | "assess"
                | "assessment_form"
                | "providers"
                | "case_state"
                | "case_view"
                | "providers_for_result"
                | "needs_map"
                | "caseload"
                | "compare" => expected + "\n",
                _ => expected,
            };
            if got != expected {
                failures.push(format!(
                    "{name}: `accord {}` printed\n{got}\n--- instead of\n{expected}\n{}",
                    run.args.join(" "),
                    stderr(&output)
                ));
            }
        } else {
            let error: Value =
                serde_json::from_str(&fs::read_to_string(dir.join("expected.err.json")).unwrap())
                    .unwrap();
            let text = stdout(&output) + &stderr(&output);
            let codes: Vec<&str> = error["problems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["code"].as_str().unwrap())
                .collect();
            // The CLI checks the as-of date, the format and the catalogue before
            // the facade, and `compare`'s request (`--set`, `--by`, …): a usage
            // error; so is `--only`'s (U0045).
            let usage = error["kind"] == "request"
                && matches!(
                    codes[..],
                    ["U0001"
                        | "U0006"
                        | "U0008"
                        | "U0030"
                        | "U0031"
                        | "U0032"
                        | "U0033"
                        | "U0034"
                        | "U0035"
                        | "U0036"
                        | "U0037"
                        | "U0038"
                        | "U0045"]
                );
            let want = if usage { 2 } else { 1 };
            let missing: Vec<&&str> = codes
                .iter()
                .filter(|c| !usage && !text.contains(**c))
                .collect();
            if code(&output) != want || !missing.is_empty() {
                failures.push(format!(
                    "{name}: `accord {}` exited {} (expected {want}), codes {missing:?} missing:\n{text}",
                    run.args.join(" "),
                    code(&output)
                ));
            }
        }
    }
    assert!(compared >= 150, "compared {compared} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
