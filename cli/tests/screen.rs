//! `accord screen`, `accord test` and `accord schema` as scripts see them: exit codes,
//! JSON on stdout, messages naming the path of a bad fact, registries line by line.

// Test helpers may unwrap: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{code, stderr, stdout};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn armenia() -> String {
    repo()
        .join("examples/armenia")
        .to_str()
        .unwrap()
        .to_string()
}

fn armenia_facts(name: &str) -> String {
    repo()
        .join("examples/armenia/facts")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn accord_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(output),
            stderr(output)
        )
    })
}

/// A fresh empty directory for one test of this file.
fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("screen/{name}"))
}

/// No panic message and no backtrace: bad input is a clear error.
fn assert_no_panic(output: &Output) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert_ne!(code(output), 101, "{err}");
}

/// `accord screen` of the Armenian example on `facts` as of 2025-03-01, with
/// `extra` arguments.
fn screen_armenia(facts: &str, extra: &[&str]) -> Output {
    let armenia = armenia();
    let mut args = vec![
        "screen",
        armenia.as_str(),
        "--facts",
        facts,
        "--as-of",
        "2025-03-01",
    ];
    args.extend_from_slice(extra);
    let out = accord(&args);
    assert_no_panic(&out);
    out
}

fn screen_json(facts: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let out = screen_armenia(facts, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    json(&out)
}

fn result<'a>(report: &'a Value, program: &str, subject: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["program"] == program && r["subject"] == subject)
        .unwrap_or_else(|| panic!("no result for {program} / {subject:?}"))
}

/// Asserts a result's status and amount (`None`: amount null).
fn expect(report: &Value, program: &str, subject: &str, status: &str, amount: Option<&str>) {
    let r = result(report, program, subject);
    assert_eq!(r["status"], status, "{program} {subject:?}: {r}");
    let want = amount.map_or(Value::Null, |a| Value::String(a.into()));
    assert_eq!(r["amount"], want, "{program} {subject:?}: {r}");
}

#[test]
fn complete_facts_give_decided_results_in_the_documented_shape() {
    let report = screen_json(&armenia_facts("family_complete.json"), &[]);
    assert_eq!(report["as_of"], "2025-03-01");
    let results = report["results"].as_array().unwrap();
    assert!(results.len() > 25, "{}", results.len());
    for r in results {
        for key in [
            "program",
            "subject",
            "status",
            "amount",
            "missing",
            "explanation",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        let subject = r["subject"].as_str().unwrap();
        assert!(
            subject.is_empty()
                || (subject.starts_with("members[")
                    && subject.ends_with(']')
                    && subject["members[".len()..subject.len() - 1]
                        .parse::<usize>()
                        .is_ok()),
            "{subject}"
        );
        let status = r["status"].as_str().unwrap();
        assert!(
            ["eligible", "ineligible", "undetermined"].contains(&status),
            "{status}"
        );
        // An amount is a decimal string, and only ever for an eligible result.
        match &r["amount"] {
            Value::Null => {}
            Value::String(s) => {
                assert_eq!(status, "eligible", "{r}");
                assert!(s.parse::<f64>().is_ok(), "{s}");
                assert!(!s.contains('e') && !s.contains('E'), "{s}");
            }
            other => panic!("amount is neither a string nor null: {other}"),
        }
        // Every fact is given, so nothing is missing and nothing undetermined.
        assert_eq!(r["missing"], Value::Array(vec![]), "{r}");
        assert_ne!(status, "undetermined", "{r}");
        assert!(r["explanation"]["summary"].is_string(), "{r}");
    }
    assert_eq!(report["next_questions"], Value::Array(vec![]));

    // Score 31.5 >= 29 (threshold from 2023), two children under 18 (born 2016 and
    // 2024) in an urban settlement: 18_000 + 7_500 * 2.
    expect(&report, "family_benefit", "", "eligible", Some("33000"));
    // There are children, so the social benefit (for families without) is not paid.
    expect(&report, "social_benefit", "", "ineligible", None);
    // The family benefit makes the household eligible for tariff support:
    // 10 * min(210, 250) + 20 * min(140, 100) = 2_100 + 2_000.
    expect(&report, "energy_subsidy", "", "eligible", Some("4100"));
    // Not paid together with the family benefit.
    expect(&report, "emergency_assistance", "", "ineligible", None);
    // members[0] is 69 with 7 insurance years and no insurance pension.
    let pension = "old_age_social_pension";
    expect(&report, pension, "members[0]", "eligible", Some("32500"));
    expect(&report, pension, "members[1]", "ineligible", None);
    // members[4], born 2024-08-30, is under one: a second child (300_000), and a
    // parent (members[2]) is on child-care leave in an urban settlement (37_500).
    expect(
        &report,
        "childbirth_grant",
        "members[4]",
        "eligible",
        Some("300000"),
    );
    expect(
        &report,
        "childcare_allowance",
        "members[4]",
        "eligible",
        Some("37500"),
    );
    // A programme without an amount: eligible with amount null.
    expect(&report, "free_school_meals", "members[3]", "eligible", None);
    // The explanation names the parameter version in force.
    let fb = result(&report, "family_benefit", "");
    let clause = &fb["explanation"]["clauses"][0];
    assert_eq!(clause["result"], true);
    let threshold = clause["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "family_benefit_threshold")
        .unwrap();
    assert_eq!(threshold["value"], "29");
    assert_eq!(threshold["since"], "2023-01-01");
}

#[test]
fn partial_facts_give_missing_facts_and_ranked_questions() {
    let report = screen_json(&armenia_facts("family_partial.json"), &[]);
    expect(&report, "family_benefit", "", "undetermined", None);
    let fb = result(&report, "family_benefit", "");
    assert_eq!(fb["missing"], serde_json::json!(["vulnerability_score"]));
    // Two children are known, so the social benefit is decided whatever the score.
    let social = result(&report, "social_benefit", "");
    assert_eq!(social["status"], "ineligible");
    assert_eq!(social["missing"], Value::Array(vec![]));
    // Eligible with an unknown birth order: amount null, the order listed as missing.
    expect(&report, "childbirth_grant", "members[4]", "eligible", None);
    let grant = result(&report, "childbirth_grant", "members[4]");
    assert_eq!(
        grant["missing"],
        serde_json::json!(["members[4].birth_order"])
    );
    // Who among the adults is on child-care leave decides the allowance.
    let care = result(&report, "childcare_allowance", "members[4]");
    assert_eq!(care["status"], "undetermined");
    assert_eq!(
        care["missing"],
        serde_json::json!([
            "members[0].on_childcare_leave",
            "members[2].on_childcare_leave"
        ])
    );
    let undetermined = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "undetermined")
        .count();
    assert!(undetermined > 5, "{undetermined}");
    for r in report["results"].as_array().unwrap() {
        if r["status"] == "undetermined" {
            assert!(!r["missing"].as_array().unwrap().is_empty(), "{r}");
        }
    }

    let questions = report["next_questions"].as_array().unwrap();
    assert!(questions.len() > 3);
    let decides: Vec<u64> = questions
        .iter()
        .map(|q| q["decides"].as_u64().unwrap())
        .collect();
    assert!(decides.windows(2).all(|w| w[0] >= w[1]), "{decides:?}");
    assert!(decides.iter().all(|&d| d >= 1), "{decides:?}");
    for q in questions {
        assert!(q["path"].is_string() && q["type"].is_string(), "{q}");
        assert!(!q["label"].as_str().unwrap().is_empty(), "{q}");
    }
    // The score decides the most programmes (family, emergency, tariff support, …).
    assert_eq!(questions[0]["path"], "vulnerability_score");
    assert_eq!(questions[0]["label"], "Family vulnerability score");
    assert_eq!(questions[0]["type"], "Decimal");
    // Every path asked about is missing from some result.
    let missing: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["missing"].as_array().unwrap())
        .collect();
    for q in questions {
        assert!(missing.contains(&&q["path"]), "{q}");
    }
    // An enum question carries its options with labels.
    let disability = questions
        .iter()
        .find(|q| q["type"] == "Disability")
        .unwrap();
    let options = disability["options"].as_array().unwrap();
    assert_eq!(options[0]["value"], "none");
    assert_eq!(options[0]["label"], "No disability");
}

#[test]
fn armenian_labels_and_english_fallback() {
    let report = screen_json(&armenia_facts("family_partial.json"), &["--lang", "hy"]);
    let question = &report["next_questions"][0];
    assert_eq!(question["path"], "vulnerability_score");
    let label = "Ընտանիքի անապահովության միավոր";
    assert_eq!(question["label"], label);
    // The label is exactly the one written in the ruleset for this fact.
    let entities = fs::read_to_string(repo().join("examples/armenia/entities.accord")).unwrap();
    let line = entities
        .lines()
        .find(|l| l.trim_start().starts_with("vulnerability_score:"))
        .unwrap();
    assert!(line.contains(&format!("hy: \"{label}\"")), "{line}");
    let fb = result(&report, "family_benefit", "");
    let summary = fb["explanation"]["summary"].as_str().unwrap();
    assert!(summary.starts_with("Ընտանեկան նպաստ"), "{summary}");
    // The clause's citation has no Armenian translation: it falls back to English.
    let clause = &fb["explanation"]["clauses"][0];
    assert_eq!(clause["legal"], "Government decision No. 145-N");
    assert!(
        summary.contains("Government decision No. 145-N"),
        "{summary}"
    );
}

#[test]
fn human_output_shows_labels_and_next_questions() {
    let facts = armenia_facts("family_partial.json");
    let out = screen_armenia(&facts, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("as of 2025-03-01"), "{text}");
    for needle in [
        "Family benefit",
        "Lump-sum childbirth grant — members[4]",
        "UNDETERMINED",
        "missing facts: vulnerability_score",
        "next questions:",
        "Family vulnerability score (vulnerability_score, Decimal)",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    let questions = text.split("next questions:").nth(1).unwrap();
    assert!(
        questions
            .trim_start()
            .starts_with("1. Family vulnerability score"),
        "{questions}"
    );

    let out = screen_armenia(&facts, &["--lang", "ru"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Семейное пособие"), "{text}");
    assert!(text.contains("Балл уязвимости семьи"), "{text}");
}

/// Writes `facts` to a scratch file and screens it.
fn screen_bad(name: &str, facts: &str, format: &[&str]) -> Output {
    let dir = scratch(name);
    let path = dir.join("facts.json");
    fs::write(&path, facts).unwrap();
    screen_armenia(path.to_str().unwrap(), format)
}

#[test]
fn bad_facts_exit_one_naming_the_path() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "malformed",
            r#"{"region": "shirak", "#,
            "F0001",
            &["malformed JSON", "line 1"],
        ),
        (
            "unknown_field",
            r#"{"region": "shirak", "colour": 3}"#,
            "F0003",
            &["at `colour`", "`Household` has no fact `colour`"],
        ),
        (
            "wrong_type",
            r#"{"vulnerability_score": true}"#,
            "F0004",
            &["at `vulnerability_score`", "expected a number"],
        ),
        (
            "unknown_variant",
            r#"{"region": "Shirak"}"#,
            "F0005",
            &["at `region`", "the value is not a `Region`", "\"shirak\""],
        ),
        (
            "bad_date",
            r#"{"members": [{"birth_date": "1990-01-01"}, {"birth_date": "2020-02-30"}]}"#,
            "F0006",
            &["at `members[1].birth_date`", "is not a date"],
        ),
        (
            "nested_wrong_type",
            r#"{"members": [{"citizen": true}, {"in_school": "yes"}]}"#,
            "F0004",
            &["at `members[1].in_school`"],
        ),
        ("not_an_object", "[1, 2]", "F0002", &[]),
    ];
    for (name, facts, code_str, needles) in cases {
        let out = screen_bad(name, facts, &[]);
        assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("are not valid"), "{name}: {err}");
        assert!(err.contains(code_str), "{name}: {err}");
        for needle in *needles {
            assert!(err.contains(needle), "{name}: {needle} not in {err}");
        }
        assert!(stdout(&out).is_empty(), "{name}: {}", stdout(&out));
    }
}

#[test]
fn bad_facts_in_json_format_give_the_errors_as_json() {
    let out = screen_bad(
        "json_errors",
        r#"{"region": "Shirak", "members": [{}, {"birth_date": "2020-02-30"}]}"#,
        &["--format", "json"],
    );
    assert_eq!(code(&out), 1);
    // The facade's error (`{"kind", "message", "problems"}`), as every binding gives it.
    let error = json(&out);
    assert_eq!(error["kind"], "input", "{error}");
    let errors = error["problems"].as_array().unwrap().clone();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["region", "members[1].birth_date"]);
    assert_eq!(errors[0]["code"], "F0005");
    assert_eq!(errors[1]["code"], "F0006");
    assert!(errors[1]["message"].is_string());
}

#[test]
fn usage_errors_exit_two() {
    let armenia = armenia();
    let facts = armenia_facts("family_complete.json");
    let missing = scratch("usage").join("no_such_facts.json");
    let missing = missing.to_str().unwrap();
    let out = accord(&["screen", &armenia, "--facts", missing]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no_such_facts.json"),
        "{}",
        stderr(&out)
    );
    assert_no_panic(&out);

    let out = accord(&[
        "screen",
        &armenia,
        "--facts",
        &facts,
        "--as-of",
        "2025-13-01",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("U0001: the as-of date is not a date"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("2025-13-01"), "{}", stderr(&out));

    let out = accord(&["screen", &armenia, "--facts", &facts, "--format", "jsonl"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--facts-jsonl"), "{}", stderr(&out));

    let registry = armenia_facts("registry_sample.jsonl");
    let out = accord(&[
        "screen",
        &armenia,
        "--facts-jsonl",
        &registry,
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    // Neither --facts nor --facts-jsonl.
    let out = accord(&["screen", &armenia]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

fn registry(args: &[&str]) -> Output {
    let armenia = armenia();
    let mut all = vec![
        "screen",
        armenia.as_str(),
        "--as-of",
        "2025-03-01",
        "--format",
        "jsonl",
        "--no-progress",
    ];
    all.extend_from_slice(args);
    let out = accord(&all);
    assert_no_panic(&out);
    out
}

fn lines(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn registry_gives_one_line_per_input_line_deterministically() {
    let input = armenia_facts("registry_sample.jsonl");
    let n = fs::read_to_string(&input).unwrap().lines().count();
    assert!(n >= 10);
    let one = registry(&["--facts-jsonl", &input, "--threads", "1"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let four = registry(&["--facts-jsonl", &input, "--threads", "4"]);
    assert_eq!(code(&four), 0, "{}", stderr(&four));
    assert_eq!(stdout(&one), stdout(&four));
    let parsed = lines(&one);
    assert_eq!(parsed.len(), n);
    for (i, line) in parsed.iter().enumerate() {
        assert_eq!(line["line"], i + 1);
        let results = line["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            assert!(r.get("explanation").is_none(), "{r}");
            assert!(r["missing"].is_array() && r["status"].is_string(), "{r}");
        }
    }
}

/// The registry writes its lines by a faster path than `--facts`: both must agree,
/// on complete and on partial documents.
#[test]
fn registry_lines_equal_screening_each_document_alone() {
    let mut documents: Vec<String> = fs::read_to_string(armenia_facts("registry_sample.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    for name in ["family_partial.json", "family_complete.json"] {
        let v: Value =
            serde_json::from_str(&fs::read_to_string(armenia_facts(name)).unwrap()).unwrap();
        documents.push(v.to_string());
    }
    let dir = scratch("registry_vs_single");
    let input = dir.join("in.jsonl");
    fs::write(&input, documents.join("\n") + "\n").unwrap();
    let out = registry(&["--facts-jsonl", input.to_str().unwrap(), "--threads", "2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let parsed = lines(&out);
    assert_eq!(parsed.len(), documents.len());
    for (i, document) in documents.iter().enumerate() {
        let single = dir.join(format!("{i}.json"));
        fs::write(&single, document).unwrap();
        let report = screen_json(single.to_str().unwrap(), &[]);
        let alone: Vec<Value> = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "program": r["program"], "label": r["label"], "subject": r["subject"],
                    "status": r["status"], "amount": r["amount"], "missing": r["missing"],
                })
            })
            .collect();
        assert_eq!(
            parsed[i]["results"].as_array().unwrap(),
            &alone,
            "line {}",
            i + 1
        );
    }
}

/// A registry of several megabytes: read in many blocks (lines cut across
/// reads), evaluated in groups, with bad lines, CRLF line ends and no newline at
/// the very end. Each line must equal its document screened in a small registry
/// of its own.
#[test]
fn large_registries_equal_small_ones_line_by_line() {
    let sample = fs::read_to_string(armenia_facts("registry_sample.jsonl")).unwrap();
    let mut documents: Vec<String> = sample.lines().map(str::to_string).collect();
    for name in ["family_partial.json", "family_complete.json"] {
        let v: Value =
            serde_json::from_str(&fs::read_to_string(armenia_facts(name)).unwrap()).unwrap();
        documents.push(v.to_string());
    }
    let dir = scratch("registry_large");
    // Each document alone.
    let mut alone = Vec::new();
    for (i, d) in documents.iter().enumerate() {
        let path = dir.join(format!("one{i}.jsonl"));
        fs::write(&path, format!("{d}\n")).unwrap();
        let out = registry(&["--facts-jsonl", path.to_str().unwrap()]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        alone.push(lines(&out)[0]["results"].clone());
    }
    let total = 2000;
    let mut text = String::new();
    let mut which = Vec::new();
    for k in 0..total {
        let bad = k % 397 == 5;
        if bad {
            text.push_str(r#"{"region": 3}"#);
            which.push(None);
        } else {
            let d = (k * 7) % documents.len();
            text.push_str(&documents[d]);
            which.push(Some(d));
        }
        if k + 1 < total {
            text.push_str(if k % 5 == 0 { "\r\n" } else { "\n" });
        }
    }
    assert!(text.len() > 3 << 20, "{} bytes", text.len());
    let path = dir.join("large.jsonl");
    fs::write(&path, &text).unwrap();
    let out = registry(&["--facts-jsonl", path.to_str().unwrap(), "--threads", "2"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let parsed = lines(&out);
    assert_eq!(parsed.len(), total);
    for (k, (line, doc)) in parsed.iter().zip(&which).enumerate() {
        assert_eq!(line["line"], k + 1);
        match doc {
            Some(d) => assert_eq!(line["results"], alone[*d], "line {}", k + 1),
            None => assert!(line["error"].as_str().unwrap().contains("region"), "{line}"),
        }
    }
}

#[test]
fn registry_bad_lines_are_reported_and_the_run_goes_on() {
    let sample = fs::read_to_string(armenia_facts("registry_sample.jsonl")).unwrap();
    let good: Vec<&str> = sample.lines().collect();
    let text = [
        good[0],
        good[1],
        r#"{"region": "#,
        good[2],
        r#"{"colour": 1}"#,
        "",
        r#"{"members": [{"birth_date": "2020-02-30"}]}"#,
        good[3],
    ]
    .join("\n")
        + "\n";
    let dir = scratch("registry_bad");
    let path = dir.join("in.jsonl");
    fs::write(&path, &text).unwrap();
    for threads in ["1", "3"] {
        let out = registry(&[
            "--facts-jsonl",
            path.to_str().unwrap(),
            "--threads",
            threads,
        ]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).contains("4 bad lines"), "{}", stderr(&out));
        let parsed = lines(&out);
        assert_eq!(parsed.len(), 8);
        for (i, line) in parsed.iter().enumerate() {
            assert_eq!(line["line"], i + 1, "{line}");
            let bad = [3, 5, 6, 7].contains(&(i + 1));
            assert_eq!(line.get("error").is_some(), bad, "{line}");
            assert_eq!(line.get("results").is_some(), !bad, "{line}");
        }
        let error = |n: usize| parsed[n - 1]["error"].as_str().unwrap().to_string();
        assert!(error(3).contains("malformed JSON"), "{}", error(3));
        assert!(error(5).contains("colour"), "{}", error(5));
        assert!(error(6).contains("empty line"), "{}", error(6));
        assert!(error(7).contains("members[0].birth_date"), "{}", error(7));
    }
}

#[test]
fn registry_explain_and_standard_input() {
    let input = armenia_facts("registry_sample.jsonl");
    let text = fs::read(&input).unwrap();
    let from_file = registry(&["--facts-jsonl", &input]);
    let armenia = armenia();
    let from_stdin = accord_stdin(
        &[
            "screen",
            &armenia,
            "--as-of",
            "2025-03-01",
            "--format",
            "jsonl",
            "--facts-jsonl",
            "-",
        ],
        &text,
    );
    assert_eq!(code(&from_stdin), 0, "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_file), stdout(&from_stdin));

    let explained = registry(&["--facts-jsonl", &input, "--explain", "--lang", "hy"]);
    assert_eq!(code(&explained), 0, "{}", stderr(&explained));
    let parsed = lines(&explained);
    assert_eq!(parsed.len(), lines(&from_file).len());
    for line in &parsed {
        for r in line["results"].as_array().unwrap() {
            assert!(r["explanation"]["summary"].is_string(), "{r}");
        }
    }
    let fb = &parsed[0]["results"][0];
    assert_eq!(fb["program"], "family_benefit");
    assert!(
        fb["explanation"]["summary"]
            .as_str()
            .unwrap()
            .starts_with("Ընտանեկան նպաստ"),
        "{fb}"
    );
}

#[test]
fn armenian_ruleset_tests_all_pass() {
    let out = accord(&["test", &armenia()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let summary = text.lines().last().unwrap();
    let (count, rest) = summary.split_once(" tests: ").unwrap();
    let count: usize = count.parse().unwrap();
    assert!(count >= 10, "{summary}");
    assert_eq!(rest, format!("{count} passed, 0 failed"));
    assert_eq!(text.lines().filter(|l| l.starts_with("ok ")).count(), count);
    assert!(!text.contains("FAIL"), "{text}");

    let out = accord(&["test", &armenia(), "--format", "json"]);
    assert_eq!(code(&out), 0);
    let report = json(&out);
    let tests = report["tests"].as_array().unwrap();
    assert_eq!(tests.len(), count);
    for t in tests {
        assert_eq!(t["failures"], Value::Array(vec![]), "{t}");
        assert!(t["expectations"].as_u64().unwrap() >= 1, "{t}");
    }
}

const FAILING_TEST: &str = r#"
test "Wrong expectations" {
  as of 2025-03-01
  given Household {
    region: shirak
    vulnerability_score: 27
    members: [
      { birth_date: 1990-05-01, monthly_income: 60_000 },
      { birth_date: 2015-01-10 }, { birth_date: 2018-02-11 }, { birth_date: 2021-07-30 }
    ]
  }
  expect family_benefit eligible
  expect family_benefit amount 41_000
  expect old_age_social_pension for members[0] eligible
  // Born 1990-05-01: on 2025-03-01 the May birthday is still ahead, so 34 (holds).
  expect members[0].age = 34
  // `size` counts the four members: 4, not 5 (fails).
  expect size = 5
  // Three of the four incomes are not given, so their sum, and the income per
  // member, is unknown (fails: the test expects 15_000).
  expect income_per_member = 15_000
}
"#;

#[test]
fn a_failing_test_exits_one_with_expected_actual_and_why() {
    let dir = scratch("failing_test");
    for entry in fs::read_dir(repo().join("examples/brief")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".accord") && name != "tests.accord" {
            fs::copy(&path, dir.join(name)).unwrap();
        }
    }
    fs::write(dir.join("tests.accord"), FAILING_TEST).unwrap();
    let out = accord(&["test", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert_no_panic(&out);
    let text = stdout(&out);
    for needle in [
        "FAIL Wrong expectations",
        "expected: amount 41000",
        "actual:   amount 40500",
        "expected: eligible",
        "actual:   ineligible",
        "why:",
        "members[0].age = 34",
        "expect size = 5",
        "expected: 5",
        "actual:   4",
        "expect income_per_member = 15000",
        "actual:   unknown",
        "1 test: 0 passed, 1 failed",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }

    let out = accord(&["test", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let failures = report["tests"][0]["failures"].as_array().unwrap();
    assert_eq!(report["tests"][0]["expectations"], 6);
    assert_eq!(failures.len(), 4, "{failures:?}");
    assert_eq!(failures[0]["expected"], "amount 41000");
    assert_eq!(failures[0]["actual"], "amount 40500");
    assert_eq!(failures[0]["explanation"]["amount"]["value"], "40500");
    assert_eq!(failures[1]["expected"], "eligible");
    assert_eq!(failures[1]["actual"], "ineligible");
    assert!(failures[1]["explanation"]["summary"].is_string());
    // The value expectations that fail, in the order written (`members[0].age = 34`
    // holds), without an explanation.
    assert_eq!(failures[2]["expect"], "size = 5");
    assert_eq!(failures[2]["expected"], "5");
    assert_eq!(failures[2]["actual"], "4");
    assert!(failures[2]["explanation"].is_null());
    assert_eq!(failures[3]["expect"], "income_per_member = 15000");
    assert_eq!(failures[3]["actual"], "unknown");
}

#[test]
fn schema_describes_the_facts_document_with_labels() {
    let out = accord(&["schema", &armenia()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let schema = json(&out);
    assert!(schema["$schema"].as_str().unwrap().contains("json-schema"));
    assert_eq!(schema["$ref"], "#/$defs/Household");
    let members = &schema["$defs"]["Household"]["properties"]["members"];
    assert_eq!(members["title"], "Members");
    let array = members["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "array")
        .unwrap();
    assert_eq!(array["items"]["$ref"], "#/$defs/Person");
    let person = &schema["$defs"]["Person"]["properties"];
    assert_eq!(person["birth_date"]["title"], "Date of birth");
    let regions = schema["$defs"]["Region"]["oneOf"].as_array().unwrap();
    assert_eq!(regions.len(), 11);
    assert_eq!(regions[0]["const"], "yerevan");
    assert_eq!(regions[0]["title"], "Yerevan");

    let out = accord(&["schema", &armenia(), "--lang", "ru"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ru = json(&out);
    assert_eq!(ru["$defs"]["Region"]["oneOf"][0]["title"], "Ереван");
    assert_eq!(
        ru["$defs"]["Household"]["properties"]["region"]["title"],
        "Регион проживания"
    );
    let disability = ru["$defs"]["Disability"]["oneOf"].as_array().unwrap();
    assert_eq!(disability[0]["const"], "none");
    assert_eq!(disability[0]["title"], "Нет инвалидности");
}

const PRECISION_RULES: &str = r#"
ruleset precision {
  currency AMD
}

entity Household {
  d: Decimal
  m: Money
}

program positive { for Household eligible when d > 0 }
program paid { for Household eligible when true amount = m }
"#;

/// Screens `facts` against `PRECISION_RULES`: the exit code and the statuses and
/// amounts by programme.
fn screen_precision(name: &str, facts: &str) -> (i32, String, Vec<(String, String, Value)>) {
    let dir = scratch(name);
    fs::write(dir.join("rules.accord"), PRECISION_RULES).unwrap();
    fs::write(dir.join("facts.json"), facts).unwrap();
    let out = accord(&[
        "screen",
        dir.join("rules.accord").to_str().unwrap(),
        "--facts",
        dir.join("facts.json").to_str().unwrap(),
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
    ]);
    assert_no_panic(&out);
    let results = if code(&out) == 0 {
        json(&out)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["program"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                    r["amount"].clone(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    (code(&out), stderr(&out), results)
}

#[test]
fn exact_decimal_strings_within_28_digits_are_read_exactly() {
    let (code, err, results) = screen_precision(
        "precision_exact",
        r#"{"d": "0.000000000000000000000000001", "m": "1234567890123456789.123456789"}"#,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(results[0].1, "eligible");
    assert_eq!(results[1].2, "1234567890123456789.123456789");
}

/// docs/language.md §3: "Numbers are exact up to 28 significant digits; an overflow is
/// an evaluation error, never a silent rounding", and §6.3: decimal strings "stay
/// exact". A decimal string the engine cannot hold exactly must be rejected (F0004
/// naming the path) or read exactly, never rounded: here 1e-29 (one significant
/// digit) became 0, so `d > 0` was decided false, and a 30-digit amount became 1.
#[test]
fn decimal_strings_are_never_silently_rounded() {
    let (code, err, results) = screen_precision(
        "precision_small",
        r#"{"d": "0.00000000000000000000000000001"}"#,
    );
    assert!(
        (code == 1 && err.contains("at `d`"))
            || (code == 0 && results[0] == ("positive".into(), "eligible".into(), Value::Null)),
        "exit {code}, {results:?}, {err}"
    );
    let (code, err, results) = screen_precision(
        "precision_long",
        r#"{"m": "1.00000000000000000000000000001"}"#,
    );
    assert!(
        (code == 1 && err.contains("at `m`"))
            || (code == 0 && results[1].2 == "1.00000000000000000000000000001"),
        "exit {code}, {results:?}, {err}"
    );
}

#[test]
fn an_undeclared_language_warns_and_falls_back_to_the_first() {
    let facts = armenia_facts("family_partial.json");
    let out = screen_armenia(&facts, &["--format", "json", "--lang", "et"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no language `et`"),
        "{}",
        stderr(&out)
    );
    let report = json(&out);
    assert_eq!(
        report["next_questions"][0]["label"],
        "Family vulnerability score"
    );
}

/// Files saved by Windows editors start with a byte-order mark, which JSON does
/// not allow; the command line drops it, for a document and for a registry.
#[test]
fn a_byte_order_mark_is_ignored() {
    let dir = scratch("bom");
    let facts = dir.join("bom.json");
    fs::write(
        &facts,
        "\u{feff}{\"region\": \"shirak\", \"members\": []}\n",
    )
    .unwrap();
    let facts = facts.to_str().unwrap();
    let brief = repo().join("examples/brief");
    let brief = brief.to_str().unwrap();
    let one = accord(&[
        "screen",
        brief,
        "--facts",
        facts,
        "--as-of",
        "2025-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let lines = accord(&[
        "screen",
        brief,
        "--facts-jsonl",
        facts,
        "--as-of",
        "2025-03-01",
        "--format",
        "jsonl",
    ]);
    assert_eq!(code(&lines), 0, "{}", stderr(&lines));
    assert!(
        stdout(&lines).starts_with("{\"line\":1,\"results\":["),
        "{}",
        stdout(&lines)
    );
}

/// Inputs past the engine's limits: the CLI reads only what it needs to refuse
/// them, and refuses them with the engine's code. A registry line longer than a
/// facts document may be is one error line; the lines around it are screened.
#[test]
fn oversized_inputs_are_refused_with_bounded_reads() {
    let dir = common::scratch("screen/oversized");
    let limit = accord_core::limits::MAX_FACTS_BYTES;
    let huge = dir.join("huge.json");
    fs::write(
        &huge,
        format!("{{\"members\": [], \"x\": \"{}\"}}", "a".repeat(2 * limit)),
    )
    .unwrap();
    let out = accord(&[
        "screen",
        &armenia(),
        "--facts",
        huge.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let errors: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(errors["problems"][0]["code"], "F0008", "{errors}");

    let sample = fs::read_to_string(armenia_facts("registry_sample.jsonl")).unwrap();
    let first = sample.lines().next().unwrap();
    let long_line = format!("{{\"x\": \"{}\"}}", "é".repeat(limit));
    let input = dir.join("registry.jsonl");
    fs::write(&input, format!("{first}\n{long_line}\n{first}\n")).unwrap();
    let out = registry(&["--facts-jsonl", input.to_str().unwrap()]);
    let parsed = lines(&out);
    assert_eq!(parsed.len(), 3, "{}", stderr(&out));
    assert!(parsed[0]["results"].is_array());
    assert_eq!(parsed[1]["line"], 2);
    assert!(
        parsed[1]["error"].as_str().unwrap().contains("F0008"),
        "{}",
        parsed[1]
    );
    assert_eq!(parsed[2]["results"], parsed[0]["results"]);
}

/// Bug 12: the summary says what was screened and what was not, and every
/// result carries its label with or without `--explain`.
#[test]
fn a_registry_summary_says_what_was_screened_and_labels_need_no_explain() {
    let dir = scratch("registry-summary");
    let sample = fs::read_to_string(armenia_facts("registry_sample.jsonl")).unwrap();
    // Five good lines and three bad ones (not JSON, empty, wrong type): 8 lines.
    let mut text: Vec<&str> = sample.lines().take(5).collect();
    text.insert(1, "not json");
    text.insert(3, "");
    text.push(r#"{"region": 3}"#);
    let input = dir.join("in.jsonl");
    fs::write(&input, text.join("\n") + "\n").unwrap();
    for explain in [false, true] {
        let mut args = vec!["--facts-jsonl", input.to_str().unwrap(), "--lang", "ru"];
        if explain {
            args.push("--explain");
        }
        let out = registry(&args);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("screened 5 of 8 lines in "), "{err}");
        assert!(err.contains("; 3 bad lines reported in place"), "{err}");
        assert!(!err.contains("skipped"), "{err}");
        let got = lines(&out);
        assert_eq!(got.len(), 8);
        let bad: Vec<u64> = got
            .iter()
            .filter(|l| l.get("error").is_some())
            .map(|l| l["line"].as_u64().unwrap())
            .collect();
        assert_eq!(bad, [2, 4, 8]);
        // Labels in `--lang`, explained or not.
        let first = &got[0]["results"][0];
        assert_eq!(first["program"], "family_benefit");
        assert_eq!(first["label"], "Семейное пособие", "{first}");
        assert_eq!(first.get("explanation").is_some(), explain);
    }
    // No bad line: just the count.
    let good = dir.join("good.jsonl");
    fs::write(&good, sample.lines().take(2).collect::<Vec<_>>().join("\n")).unwrap();
    let out = registry(&["--facts-jsonl", good.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("screened 2 lines in "),
        "{}",
        stderr(&out)
    );
}

/// A dated table's value names the version in force, in the terminal: the
/// version's date and source, and the row within it. Worked out by hand from
/// `tests/screening/dated_tables` (size 2): on 2025-10-01 the FY2026 version's row 2,
/// 2292; on 2025-09-30 the FY2025 version's row 2, 2215; on 2024-09-30 neither is in
/// force yet, and `gross_limit` is unknown with the reason.
#[test]
fn dated_table_names_its_version_in_the_terminal() {
    let dir = repo().join("tests/screening/dated_tables");
    let facts = dir.join("facts.json");
    let screen = |date: &str| {
        let out = accord(&[
            "screen",
            dir.to_str().unwrap(),
            "--facts",
            facts.to_str().unwrap(),
            "--as-of",
            date,
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let text = screen("2025-10-01");
    assert!(
        text.contains("gross_limit row 2 = 2292 (version from 2025-10-01: FY2026 limits)"),
        "{text}"
    );
    let text = screen("2025-09-30");
    assert!(
        text.contains("gross_limit row 2 = 2215 (version from 2024-10-01: FY2025 limits)"),
        "{text}"
    );
    let text = screen("2024-09-30");
    assert!(
        text.contains(
            "table `gross_limit` is not yet in force on this date (its first version is from 2024-10-01), in `gross_limit(size)`"
        ),
        "{text}"
    );
}

/// A table's `for each` line, in the terminal: the row at the last size the rows
/// cover, then the total with the line applied. Worked out by hand from
/// `tests/screening/table_each_additional` (size 11): `gross_limit(8)` is row 2,
/// 4000; 4000 + 583 × 3 = 5749; the dated table's FY2026 version: row 1, 4100,
/// and 4100 + 600 × 3 = 5900.
#[test]
fn table_each_line_is_shown_in_the_terminal() {
    let dir = repo().join("tests/screening/table_each_additional");
    let facts = dir.join("facts.json");
    let out = accord(&[
        "screen",
        dir.to_str().unwrap(),
        "--facts",
        facts.to_str().unwrap(),
        "--as-of",
        "2025-10-01",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "gross_limit row 2 = 4000, gross_limit = 5749 (for each size above 8: 583 × 3)",
        "dated_limit row 1 = 4100 (version from 2025-10-01: FY2026), dated_limit = 5900 (for each size above 8: 600 × 3; version from 2025-10-01: FY2026)",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
}

/// `--why PROGRAM` explains one programme with how its derived values were
/// computed. By hand, on 2025-03-01: the children are the members under 18,
/// members[3] (born 2016-10-14, 8) and members[4] (born 2024-08-30, 0); the
/// amount is 18 000 + 7 500 × 2 = 33 000. An unknown programme is U0004, exit 2,
/// with a did-you-mean.
#[test]
fn why_explains_one_programme_with_how_values_were_computed() {
    let facts = armenia_facts("family_complete.json");
    let out = screen_armenia(&facts, &["--why", "family_benefit"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "✓ Family benefit: 33000",
        "children = members where age < 18",
        "members[3].age = years_between(birth_date, today)",
        "members[3].birth_date = 2016-10-14",
        "members[4].age = 0",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    // Only that programme.
    assert!(!text.contains("Old-age social pension"), "{text}");
    let report = screen_json(&facts, &["--why", "family_benefit"]);
    assert_eq!(report["results"].as_array().unwrap().len(), 1);
    let children = &report["results"][0]["explanation"]["amount"]["values"][3];
    assert_eq!(children["name"], "children");
    assert_eq!(children["computed"]["rule"], "members where age < 18");
    let bad = screen_armenia(&facts, &["--why", "family_benefitt"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("U0004"), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("did you mean `family_benefit`?"),
        "{}",
        stderr(&bad)
    );
}

/// A reader that goes away (`accord screen … | head`) ends `accord` quietly with
/// exit status 0, never a panic: the read end of its standard output is closed
/// before it writes, for the human and the JSON output and for `--why`.
#[test]
fn a_closed_standard_output_is_not_a_panic() {
    let facts = armenia_facts("family_complete.json");
    let armenia = armenia();
    for extra in [
        &[][..],
        &["--format", "json"][..],
        &["--why", "family_benefit"][..],
    ] {
        let mut args = vec![
            "screen",
            armenia.as_str(),
            "--facts",
            facts.as_str(),
            "--as-of",
            "2025-03-01",
        ];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_no_panic(&out);
        assert_eq!(code(&out), 0, "{extra:?}: {}", stderr(&out));
    }
}

/// A registry line that runs out of work is marked `"work_limit": true` and
/// counted in the summary, so it is not taken for a gap in the facts.
#[test]
fn registry_lines_out_of_work_are_marked_and_counted() {
    let rows: String = (0..5_000).map(|k| format!("  <= {k} | {k}\n")).collect();
    let src = format!(
        "ruleset r {{ languages en }}\n\
         entity H {{ members: list of P\n  let heavy = count(members where band(age) > 2) }}\n\
         entity P {{ age: Integer }}\n\
         table band(n: Integer) -> Integer hit first {{\n  n | result\n{rows}  * | 0\n}}\n\
         program p {{ for H\n  eligible when heavy > 0 }}\n"
    );
    let dir = scratch("registry_work_limit");
    let rules = dir.join("r.accord");
    fs::write(&rules, src).unwrap();
    let heavy = vec![r#"{"age": 4999}"#; accord_core::limits::MAX_LIST_LEN].join(",");
    let input = dir.join("in.jsonl");
    fs::write(
        &input,
        format!("{{\"members\": [{{\"age\": 4999}}]}}\n{{\"members\": [{heavy}]}}\n"),
    )
    .unwrap();
    let out = accord(&[
        "screen",
        rules.to_str().unwrap(),
        "--as-of",
        "2025-03-01",
        "--facts-jsonl",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--no-progress",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let parsed = lines(&out);
    assert!(parsed[0].get("work_limit").is_none(), "{}", parsed[0]);
    assert_eq!(parsed[1]["work_limit"], true, "{}", parsed[1]);
    assert_eq!(parsed[1]["results"][0]["status"], "undetermined");
    assert!(
        stderr(&out).contains("1 line ran out of work"),
        "{}",
        stderr(&out)
    );
}

/// The files of a ruleset give the same bytes in whatever order they are named.
#[test]
fn files_named_in_any_order_give_the_same_bytes() {
    let dir = repo().join("examples/armenia");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "accord"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    let facts = armenia_facts("registry_sample.jsonl");
    let run = |files: &[String]| {
        let mut args: Vec<&str> = vec!["screen"];
        args.extend(files.iter().map(String::as_str));
        args.extend([
            "--as-of",
            "2025-03-01",
            "--facts-jsonl",
            &facts,
            "--format",
            "jsonl",
            "--no-progress",
        ]);
        let out = accord(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let sorted = run(&files);
    files.reverse();
    assert_eq!(run(&files), sorted);
    // And the same as the directory, which is read sorted by name.
    assert_eq!(run(&[dir.to_str().unwrap().to_string()]), sorted);
}

/// A ruleset small enough to work registry lines out by hand: a household is
/// eligible when its income is below 100.
const INCOME_RULES: &str = "ruleset r { languages en }\n\
                            entity H { income: Integer }\n\
                            program p { for H\n  eligible when income < 100 }\n";

/// `INCOME_RULES` and a registry of `lines` written under `name`: the rules'
/// and the registry's paths.
fn income_registry(name: &str, lines: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let rules = dir.join("r.accord");
    fs::write(&rules, INCOME_RULES).unwrap();
    let input = dir.join("in.jsonl");
    fs::write(&input, lines).unwrap();
    (rules, input)
}

/// `accord screen RULES --facts-jsonl IN --format jsonl` on 2025-03-01, with
/// `extra` options.
fn screen_registry(rules: &Path, input: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "screen",
        rules.to_str().unwrap(),
        "--as-of",
        "2025-03-01",
        "--facts-jsonl",
        input.to_str().unwrap(),
        "--format",
        "jsonl",
        "--no-progress",
    ];
    args.extend_from_slice(extra);
    accord(&args)
}

/// The facade's lines for the same registry and options (`screen_jsonl_report`).
fn facade_lines(text: &str, options: &accord_core::facade::JsonlOptions<'_>) -> String {
    let ruleset = accord_core::facade::Ruleset::load(vec![accord_core::SourceFile::new(
        "r.accord",
        INCOME_RULES,
    )])
    .unwrap();
    ruleset
        .screen_jsonl_report(text, "2025-03-01", options)
        .unwrap()
        .text
}

/// `--id-key`: each line carries its document's id as `"id"`, the key taken
/// out before checking; the bytes are the facade's (`screen_jsonl_report`
/// with the same key) on any number of threads. Income 50 < 100 is eligible,
/// 150 is not; the third line has no id.
#[test]
fn an_id_key_is_carried_through_a_registry() {
    let text = "{\"household_id\": \"H-1\", \"income\": 50}\n\
                {\"household_id\": \"H-2\", \"income\": 150}\n\
                {\"income\": 20}\n";
    let (rules, input) = income_registry("registry_id_key", text);
    let run = |threads: &str| {
        screen_registry(
            &rules,
            &input,
            &["--id-key", "household_id", "--threads", threads],
        )
    };
    let out = run("1");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let parsed = lines(&out);
    let ids: Vec<&Value> = parsed.iter().map(|l| &l["id"]).collect();
    assert_eq!(
        ids,
        [&Value::from("H-1"), &Value::from("H-2"), &Value::Null]
    );
    let statuses: Vec<&Value> = parsed.iter().map(|l| &l["results"][0]["status"]).collect();
    assert_eq!(statuses, ["eligible", "ineligible", "eligible"]);
    let options = accord_core::facade::JsonlOptions {
        id_key: Some("household_id"),
        ..Default::default()
    };
    let facade = facade_lines(text, &options);
    assert_eq!(stdout(&out), facade);
    assert_eq!(stdout(&run("2")), facade);
}

/// `--only` with `--facts-jsonl`: each line keeps the results of the statuses
/// named, every line is still written, and the bytes are the facade's with the
/// same statuses. Income 50 < 100 is eligible, 150 ineligible, no income
/// undetermined: `--only eligible` keeps line 1's result and empties lines 2
/// and 3; the bad line 4 keeps its error. `--only` with one household
/// (`--facts`) is a usage error: it filters registries.
#[test]
fn only_keeps_the_statuses_named_in_a_registry() {
    let text = "{\"income\": 50}\n{\"income\": 150}\n{}\nnot json\n";
    let (rules, input) = income_registry("registry_only", text);
    let run = |only: &str| screen_registry(&rules, &input, &["--only", only, "--threads", "2"]);
    let out = run("eligible");
    // The bad line makes the exit code 1, as without `--only`.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let parsed = lines(&out);
    assert_eq!(parsed.len(), 4);
    assert_eq!(parsed[0]["results"][0]["status"], "eligible");
    assert_eq!(parsed[0]["results"].as_array().unwrap().len(), 1);
    assert_eq!(parsed[1]["results"], serde_json::json!([]));
    assert_eq!(parsed[2]["results"], serde_json::json!([]));
    assert!(parsed[3]["error"].is_string());
    let options = accord_core::facade::JsonlOptions {
        statuses: accord_core::facade::parse_statuses(&["eligible"]).unwrap(),
        ..Default::default()
    };
    assert_eq!(stdout(&out), facade_lines(text, &options));
    // `ineligible,undetermined`: line 2's and line 3's results.
    let parsed = lines(&run("ineligible,undetermined"));
    let statuses: Vec<&Value> = parsed.iter().map(|l| &l["results"][0]["status"]).collect();
    assert_eq!(
        statuses,
        [
            &Value::Null,
            &Value::from("ineligible"),
            &Value::from("undetermined"),
            &Value::Null
        ]
    );
    // A misspelt status: refused (exit 2), with the statuses listed.
    let out = run("eligable");
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("U0045"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did you mean `eligible`?"),
        "{}",
        stderr(&out)
    );
    // One household: `--only` does not apply.
    let facts = input.with_file_name("one.json");
    fs::write(&facts, "{\"income\": 50}").unwrap();
    let out = accord(&[
        "screen",
        rules.to_str().unwrap(),
        "--facts",
        facts.to_str().unwrap(),
        "--only",
        "eligible",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}
