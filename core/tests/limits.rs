//! The limits of `accord_core::limits` and the parser, each exceeded: a clear
//! error with its code, never a crash, a hang or unbounded memory. Sizes stay
//! just past each limit so the debug build runs them quickly; the adversarial
//! files of `scripts/adversarial.sh` (a million-row table, a 100 MB facts file, a
//! million-event log) are measured in release builds.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::facade::{Error, Ruleset};
use accord_core::limits::*;
use accord_core::SourceFile;

fn brief() -> Ruleset {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/brief");
    let files = ["ruleset", "programs", "assessment", "protocol"]
        .iter()
        .map(|f| {
            let path = format!("{dir}/{f}.accord");
            SourceFile::new(path.clone(), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    Ruleset::load(files).unwrap()
}

fn cases() -> Ruleset {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/cases/ruleset.accord");
    Ruleset::load(vec![SourceFile::new(
        path,
        std::fs::read_to_string(path).unwrap(),
    )])
    .unwrap()
}

fn codes(e: &Error) -> Vec<&str> {
    e.problems.iter().map(|p| p.code.as_str()).collect()
}

#[test]
fn too_many_files_and_too_large_a_ruleset() {
    let header = SourceFile::new("a.accord", "ruleset r { languages en }\n");
    let mut files = vec![header.clone()];
    // Files are taken in order of their names: the last one is past the limit.
    files.extend((1..=MAX_RULESET_FILES).map(|i| SourceFile::new(format!("f{i:04}.accord"), "")));
    let e = Ruleset::load(files).err().unwrap();
    assert_eq!(codes(&e), ["E0312"]);
    assert_eq!(
        e.problems[0].file.as_deref(),
        Some(format!("f{MAX_RULESET_FILES:04}.accord").as_str())
    );

    // Five files just under a file's limit are more than a ruleset's.
    let big = format!("// {}\n", "x".repeat(PARSER.max_file_bytes - 10));
    let mut files = vec![header];
    files.extend((0..5).map(|i| SourceFile::new(format!("big{i}.accord"), big.clone())));
    let e = Ruleset::load(files).err().unwrap();
    assert_eq!(codes(&e), ["E0312"]);
    assert!(
        e.problems[0].message.contains("too large"),
        "{}",
        e.problems[0].message
    );
}

#[test]
fn facts_too_large_and_lists_too_long() {
    let r = brief();
    let padding = " ".repeat(MAX_FACTS_BYTES);
    let e = r
        .screen(&format!("{{{padding}}}"), "2025-03-01", None)
        .err()
        .unwrap();
    assert_eq!(codes(&e), ["F0008"]);

    let member = r#"{"monthly_income": 10}"#;
    let members = vec![member; MAX_LIST_LEN + 1].join(",");
    let facts = format!(r#"{{"region": "shirak", "members": [{members}]}}"#);
    let e = r.screen(&facts, "2025-03-01", None).err().unwrap();
    assert_eq!(codes(&e), ["F0009"]);
    assert_eq!(e.problems[0].path.as_deref(), Some("members"));
    // At the limit, the list is accepted.
    let members = vec![member; MAX_LIST_LEN].join(",");
    let facts = format!(r#"{{"region": "shirak", "members": [{members}]}}"#);
    assert!(r.screen(&facts, "2025-03-01", None).is_ok());
}

#[test]
fn documents_too_large() {
    let mut r = brief();
    let huge = format!("{{{}}}", " ".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(
        codes(&r.assess(None, &huge, None).err().unwrap()),
        ["A0008"]
    );
    assert_eq!(codes(&r.set_catalogue(&huge).err().unwrap()), ["P0013"]);
    r.set_catalogue(r#"{"providers": []}"#).unwrap();
    assert_eq!(codes(&r.set_ratings(&huge).err().unwrap()), ["R0008"]);
}

const OPENED: &str = r#"{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}}"#;
const NOTE: &str = r#"{"type": "note", "at": "2025-03-04", "by": "social_worker", "text": "x"}"#;

#[test]
fn logs_with_too_many_events() {
    let r = cases();
    let mut log = String::from(OPENED);
    for _ in 0..MAX_EVENTS {
        log.push('\n');
        log.push_str(NOTE);
    }
    let e = r.case_state(&log, "2025-03-10", None, None).err().unwrap();
    assert_eq!(codes(&e), ["C0031"]);
    assert_eq!(e.problems[0].line, Some(MAX_EVENTS + 1));
    // Adding one to a log at the limit is refused the same way, and so is
    // merging it.
    let full = log.rsplit_once('\n').unwrap().0;
    assert!(r.case_state(full, "2025-03-10", None, None).is_ok());
    let e = r.case_add(full, NOTE).err().unwrap();
    assert_eq!(codes(&e), ["C0031"]);
    let e = r.merge(&log, OPENED).err().unwrap();
    assert_eq!(codes(&e), ["C0031"]);

    let padding = " ".repeat(MAX_LOG_BYTES);
    let e = r
        .case_state(&format!("{OPENED}{padding}"), "2025-03-10", None, None)
        .err()
        .unwrap();
    assert_eq!(codes(&e), ["C0031"]);
}

/// Two logs of the same events in opposite orders: every event is in a
/// conflict of order, and merging them still takes one step per event.
#[test]
fn merging_logs_in_opposite_orders_is_not_quadratic() {
    let r = cases();
    let notes: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"type": "note", "at": "2025-03-04", "by": "social_worker", "text": "x", "id": "n{i}"}}"#))
        .collect();
    let a = format!("{OPENED}\n{}", notes.join("\n"));
    let mut reversed = notes.clone();
    reversed.reverse();
    let b = format!("{OPENED}\n{}", reversed.join("\n"));
    let merged = r.merge_report(&a, &b).unwrap();
    assert_eq!(merged.to_jsonl().lines().count(), 20_001);
}

/// A table lookup for every member, over a long table: 10 000 members times
/// 5 000 rows would be 50 million row tests; the work limit stops it with an
/// evaluation error, the value unknown, and no missing fact.
#[test]
fn evaluation_work_is_bounded() {
    let rows: String = (0..5_000).map(|k| format!("  <= {k} | {k}\n")).collect();
    let src = format!(
        "ruleset r {{ languages en }}\n\
         entity H {{ members: list of P\n  let heavy = count(members where band(age) > 2) }}\n\
         entity P {{ age: Integer }}\n\
         table band(n: Integer) -> Integer hit first {{\n  n | result\n{rows}  * | 0\n}}\n\
         program p {{ for H\n  eligible when heavy > 0 }}\n"
    );
    let r = Ruleset::load(vec![SourceFile::new("r.accord", src)]).unwrap();
    let members = vec![r#"{"age": 4999}"#; MAX_LIST_LEN].join(",");
    let facts = format!(r#"{{"members": [{members}]}}"#);
    let out: serde_json::Value =
        serde_json::from_str(&r.explain(&facts, "2025-03-01", "p", None).unwrap()).unwrap();
    let result = &out["results"][0];
    assert_eq!(result["status"], "undetermined", "{result}");
    assert_eq!(result["missing"], serde_json::json!([]));
    let errors = result["explanation"]["errors"].to_string();
    assert!(errors.contains("steps of work"), "{errors}");
    // A household of ordinary size is not affected.
    let members = [r#"{"age": 4999}"#; 10].join(",");
    let facts = format!(r#"{{"members": [{members}]}}"#);
    let out: serde_json::Value =
        serde_json::from_str(&r.screen(&facts, "2025-03-01", None).unwrap()).unwrap();
    assert_eq!(out["results"][0]["status"], "eligible");
}

/// A registry line that runs out of work says so (`"work_limit": true`), with
/// or without explanations, so it is not mistaken for a gap in the facts; the
/// lines around it do not carry the flag.
#[test]
fn a_registry_line_out_of_work_is_marked() {
    let rows: String = (0..5_000).map(|k| format!("  <= {k} | {k}\n")).collect();
    let src = format!(
        "ruleset r {{ languages en }}\n\
         entity H {{ members: list of P\n  let heavy = count(members where band(age) > 2) }}\n\
         entity P {{ age: Integer }}\n\
         table band(n: Integer) -> Integer hit first {{\n  n | result\n{rows}  * | 0\n}}\n\
         program p {{ for H\n  eligible when heavy > 0 }}\n"
    );
    let r = Ruleset::load(vec![SourceFile::new("r.accord", src)]).unwrap();
    let heavy = vec![r#"{"age": 4999}"#; MAX_LIST_LEN].join(",");
    let light = [r#"{"age": 4999}"#; 10].join(",");
    let lines =
        format!("{{\"members\": [{light}]}}\n{{\"members\": [{heavy}]}}\n{{\"members\": []}}\n");
    for explain in [false, true] {
        let out = r.screen_jsonl(&lines, "2025-03-01", explain, None).unwrap();
        let out: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(out.len(), 3);
        assert_eq!(out[1]["work_limit"], true, "explain {explain}: {}", out[1]);
        assert_eq!(out[1]["results"][0]["status"], "undetermined");
        assert_eq!(out[1]["results"][0]["missing"], serde_json::json!([]));
        for ordinary in [&out[0], &out[2]] {
            assert!(ordinary.get("work_limit").is_none(), "{ordinary}");
        }
        assert_eq!(out[0]["results"][0]["status"], "eligible");
        // The count every front end gives beside the lines (the CLI's
        // summary): three lines, none bad, the second out of work.
        let options = accord_core::facade::JsonlOptions {
            explain,
            ..Default::default()
        };
        let report = r
            .screen_jsonl_report(&lines, "2025-03-01", &options)
            .unwrap();
        assert_eq!(
            (report.lines, report.bad, report.work_limit),
            (3, 0, 1),
            "explain {explain}"
        );
    }
}
