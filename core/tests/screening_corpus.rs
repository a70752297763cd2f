//! The screening corpus shared by every front end (`tests/screening/`, format in its
//! README): each case's ruleset screens its facts as of its date, and the statuses,
//! amounts, missing facts and next questions must equal `expected.json` exactly.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test screening_corpus` rewrites the
//! expected files from the engine (not those of known failures, whose expected
//! values come from the documentation). Check every change by hand before committing.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use accord_core::{Engine, ScreenOptions, SourceFile};
use serde_json::{json, Value};

#[path = "support/corpus.rs"]
mod corpus;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/screening")
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Screens one case; `Err` when the ruleset or the facts are rejected.
fn screen(dir: &Path) -> Result<Value, String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "accord"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err("no .accord file".into());
    }
    let files = paths
        .iter()
        .map(|p| {
            SourceFile::new(
                p.file_name().unwrap().to_string_lossy(),
                fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let engine = Engine::compile(files).map_err(|report| {
        format!(
            "the ruleset does not compile:\n{}",
            report.render(Default::default())
        )
    })?;
    let case = read_json(&dir.join("case.json"));
    let as_of: jiff::civil::Date = case["as_of"]
        .as_str()
        .ok_or("case.json has no `as_of`")?
        .parse()
        .map_err(|e| format!("case.json: bad `as_of`: {e}"))?;
    let lang = case["lang"].as_str().map(str::to_string);
    let facts_text = fs::read_to_string(dir.join("facts.json")).unwrap();
    let facts = engine
        .facts_from_json(&facts_text)
        .map_err(|e| format!("the facts are rejected: {e}"))?;
    let report = engine.session(as_of).screen(
        &facts,
        &ScreenOptions {
            explain: false,
            lang,
            tree: 0,
        },
    );
    let results: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            json!({
                "program": r.program,
                "subject": r.subject,
                "status": r.status.as_str(),
                "amount": r.amount,
                "missing": r.missing,
            })
        })
        .collect();
    let questions: Vec<Value> = report
        .next_questions
        .iter()
        .map(|q| json!({"path": q.path, "type": q.ty, "decides": q.decides}))
        .collect();
    Ok(json!({"results": results, "next_questions": questions}))
}

/// `expected.json` as written by `ACCORD_BLESS`: one result or question per line,
/// keys in the documented order, so a change shows as a one-line diff.
fn expected_text(actual: &Value) -> String {
    let line = |v: &Value, keys: &[&str]| -> String {
        let fields: Vec<String> = keys
            .iter()
            .map(|k| format!("{}: {}", one_line(&json!(k)), one_line(&v[*k])))
            .collect();
        format!("{{{}}}", fields.join(", "))
    };
    let block = |name: &str, keys: &[&str]| -> String {
        let items: Vec<String> = actual[name]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|v| format!("    {}", line(v, keys)))
            .collect();
        if items.is_empty() {
            format!("  \"{name}\": []")
        } else {
            format!("  \"{name}\": [\n{}\n  ]", items.join(",\n"))
        }
    };
    format!(
        "{{\n{},\n{}\n}}\n",
        block(
            "results",
            &["program", "subject", "status", "amount", "missing"]
        ),
        block("next_questions", &["path", "type", "decides"])
    )
}

fn one_line(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// A readable difference: results keyed by programme and subject, then the questions.
fn diff(expected: &Value, actual: &Value) -> String {
    let mut out = String::new();
    let keyed = |v: &Value| -> BTreeMap<(String, String), (usize, Value)> {
        v["results"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    (
                        r["program"].as_str().unwrap_or("").to_string(),
                        r["subject"].as_str().unwrap_or("").to_string(),
                    ),
                    (i, r.clone()),
                )
            })
            .collect()
    };
    let (e, a) = (keyed(expected), keyed(actual));
    for (key, (i, er)) in &e {
        match a.get(key) {
            None => out.push_str(&format!("  missing result   {}\n", one_line(er))),
            Some((j, ar)) => {
                if er != ar {
                    out.push_str(&format!(
                        "  result {:?} {:?}\n    expected {}\n    actual   {}\n",
                        key.0,
                        key.1,
                        one_line(er),
                        one_line(ar)
                    ));
                } else if i != j {
                    out.push_str(&format!(
                        "  result {:?} {:?} at position {j}, expected {i}\n",
                        key.0, key.1
                    ));
                }
            }
        }
    }
    for (key, (_, ar)) in &a {
        if !e.contains_key(key) {
            out.push_str(&format!("  unexpected result {}\n", one_line(ar)));
        }
    }
    if expected["next_questions"] != actual["next_questions"] {
        out.push_str("  next_questions\n");
        let list = |v: &Value| -> Vec<String> {
            v["next_questions"]
                .as_array()
                .map(|a| a.iter().map(one_line).collect())
                .unwrap_or_default()
        };
        let (eq, aq) = (list(expected), list(actual));
        for i in 0..eq.len().max(aq.len()) {
            let (x, y) = (eq.get(i), aq.get(i));
            if x != y {
                out.push_str(&format!(
                    "    [{i}] expected {}\n        actual   {}\n",
                    x.map_or("(none)", String::as_str),
                    y.map_or("(none)", String::as_str)
                ));
            }
        }
    }
    if out.is_empty() {
        out.push_str("  (the documents differ outside results and next_questions)\n");
    }
    out
}

#[test]
fn screening_corpus() {
    let bless = corpus::blessing();
    let all = cases();
    assert!(all.len() >= 12, "only {} cases", all.len());
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut fixed = Vec::new();
    let mut passed = 0;
    for dir in &all {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let case = read_json(&dir.join("case.json"));
        let known_failure = case["known_failure"].as_str().map(str::to_string);
        let actual = match screen(dir) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let expected_path = dir.join("expected.json");
        if bless && known_failure.is_none() {
            fs::write(&expected_path, expected_text(&actual)).unwrap();
        }
        let expected = read_json(&expected_path);
        match (known_failure, expected == actual) {
            (None, true) => passed += 1,
            (None, false) => failures.push(format!("{name}:\n{}", diff(&expected, &actual))),
            (Some(why), false) => {
                skipped.push(format!("{name}: {why}\n{}", diff(&expected, &actual)))
            }
            (Some(_), true) => fixed.push(name),
        }
    }
    println!("screening corpus: {passed} passed of {} cases", all.len());
    if !skipped.is_empty() {
        eprintln!(
            "screening corpus: {} known failure(s) skipped (the engine disagrees with the documentation):\n{}",
            skipped.len(),
            skipped.join("\n")
        );
    }
    assert!(
        fixed.is_empty(),
        "these known failures now pass: remove `known_failure` from their case.json and the README: {fixed:?}"
    );
    assert!(
        failures.is_empty(),
        "{} case(s) differ from expected.json (- expected, + actual):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
