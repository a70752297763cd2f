//! `Ruleset::screen_jsonl_report`: a registry screened with the CLI's options
//! (threads, an id carried through) and the counts of its summary. The
//! ruleset is small enough to work every expected line out by hand: a
//! household is eligible when its income is below 100.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::facade::{JsonlOptions, Ruleset};
use accord_core::SourceFile;
use serde_json::{json, Value};

const AS_OF: &str = "2025-03-01";

fn ruleset() -> Ruleset {
    let src = "ruleset r { languages en }\n\
               entity H { income: Integer }\n\
               program p { for H\n  eligible when income < 100 }\n";
    Ruleset::load(vec![SourceFile::new("r.accord", src)]).unwrap()
}

fn parsed(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Without options, the report's text is `screen_jsonl`'s, byte for byte.
#[test]
fn the_default_is_screen_jsonl() {
    let r = ruleset();
    let lines = "{\"income\": 50}\nnot json\n{}\n";
    let report = r
        .screen_jsonl_report(lines, AS_OF, &JsonlOptions::default())
        .unwrap();
    assert_eq!(
        report.text,
        r.screen_jsonl(lines, AS_OF, false, None).unwrap()
    );
    // Three lines; `not json` is the one bad line; nothing runs out of work.
    assert_eq!((report.lines, report.bad, report.work_limit), (3, 1, 0));
}

/// 200 lines, income 0 to 199: the same bytes on 1, 2, 3 or 8 threads (the
/// shares are whole groups of 64 lines, lines kept in input order), and
/// exactly the first 100 eligible (income 0–99 < 100).
#[test]
fn threads_give_the_same_bytes() {
    let r = ruleset();
    let lines: String = (0..200).map(|i| format!("{{\"income\": {i}}}\n")).collect();
    let one = r.screen_jsonl(&lines, AS_OF, false, None).unwrap();
    for threads in [0, 1, 2, 3, 8] {
        let options = JsonlOptions {
            threads,
            ..Default::default()
        };
        let report = r.screen_jsonl_report(&lines, AS_OF, &options).unwrap();
        assert_eq!(report.text, one, "{threads} threads");
        assert_eq!((report.lines, report.bad, report.work_limit), (200, 0, 0));
    }
    let out = parsed(&one);
    for (i, line) in out.iter().enumerate() {
        assert_eq!(line["line"], i + 1);
        let want = if i < 100 { "eligible" } else { "ineligible" };
        assert_eq!(line["results"][0]["status"], want, "income {i}");
    }
}

/// `id_key`: the key leaves the document before it is checked and comes back
/// as the line's `"id"`, whatever its JSON type; a document without it, or a
/// line that is not a document, gets `null`.
#[test]
fn an_id_key_is_carried_through() {
    let r = ruleset();
    let lines = "{\"household_id\": \"H-1\", \"income\": 50}\n\
                 {\"income\": 150, \"household_id\": 7}\n\
                 {\"income\": 20}\n\
                 not json\n\
                 {\"household_id\": \"H-5\"}\n";
    let options = JsonlOptions {
        id_key: Some("household_id"),
        threads: 2,
        ..Default::default()
    };
    let report = r.screen_jsonl_report(lines, AS_OF, &options).unwrap();
    assert_eq!((report.lines, report.bad, report.work_limit), (5, 1, 0));
    let out = parsed(&report.text);
    let ids: Vec<&Value> = out.iter().map(|l| &l["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("H-1"),
            &json!(7),
            &Value::Null,
            &Value::Null,
            &json!("H-5")
        ]
    );
    // 50 < 100 eligible; 150 not; 20 eligible; line 4 refused; line 5 has no
    // income: undetermined, missing it.
    assert_eq!(out[0]["results"][0]["status"], "eligible");
    assert_eq!(out[1]["results"][0]["status"], "ineligible");
    assert_eq!(out[2]["results"][0]["status"], "eligible");
    assert!(out[3]["error"].is_string());
    assert_eq!(out[4]["results"][0]["status"], "undetermined");
    assert_eq!(out[4]["results"][0]["missing"], json!(["income"]));
    // The id sits just after the line's number; taken out, the line is the
    // one the document gives without the key.
    let first = report.text.lines().next().unwrap();
    assert!(
        first.starts_with("{\"line\":1,\"id\":\"H-1\",\"results\":["),
        "{first}"
    );
    let plain = r
        .screen_jsonl("{\"income\": 50}\n", AS_OF, false, None)
        .unwrap();
    assert_eq!(first.replacen("\"id\":\"H-1\",", "", 1), plain.trim_end());
    // Without the key, the id is a field the ruleset does not know: refused.
    let without = r
        .screen_jsonl_report(lines, AS_OF, &JsonlOptions::default())
        .unwrap();
    assert_eq!(
        without.bad, 4,
        "lines 1, 2, 5 carry the unknown key; line 4 is not JSON"
    );
    // With explanations, the same ids.
    let explained = JsonlOptions {
        explain: true,
        ..options
    };
    let report = r.screen_jsonl_report(lines, AS_OF, &explained).unwrap();
    let ids: Vec<Value> = parsed(&report.text)
        .into_iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            json!("H-1"),
            json!(7),
            Value::Null,
            Value::Null,
            json!("H-5")
        ]
    );
}

/// `screen_with(…, explain: false)`: the report of `screen` without its
/// explanations, every other byte alike.
#[test]
fn screen_without_explanations() {
    let r = ruleset();
    let facts = "{\"income\": 50}";
    assert_eq!(
        r.screen_with(facts, AS_OF, None, true).unwrap(),
        r.screen(facts, AS_OF, None).unwrap()
    );
    let mut full: Value = serde_json::from_str(&r.screen(facts, AS_OF, None).unwrap()).unwrap();
    let bare: Value =
        serde_json::from_str(&r.screen_with(facts, AS_OF, None, false).unwrap()).unwrap();
    assert!(full["results"][0]["explanation"].is_object());
    assert!(bare["results"][0]["explanation"].is_null());
    full["results"][0]["explanation"] = Value::Null;
    assert_eq!(full, bare);
}

/// The builders leave the ruleset they start from as it was.
#[test]
fn builders_make_a_new_ruleset() {
    let r = ruleset();
    let with = r.clone().with_catalogue(r#"{"providers": []}"#).unwrap();
    assert!(with.catalogue().is_some());
    assert!(r.catalogue().is_none());
    let refused = r.clone().with_catalogue("[1, 2");
    assert!(refused.is_err());
    let e = r.clone().with_ratings("{}").err().unwrap();
    assert_eq!(e.code(), accord_core::Code::U0008.as_str());
}

/// `statuses` (`--only`): each line keeps only the results of the statuses
/// named, and every line is still there, a refused one with its error. For
/// every choice of statuses, threads and explanations, the lines are the
/// unfiltered lines with the other results taken out. By hand: incomes 0–199
/// and 20 documents without an income (undetermined), one bad line: 100
/// eligible, 100 ineligible, 20 undetermined results.
#[test]
fn statuses_keep_only_their_results() {
    use accord_core::facade::parse_statuses;
    let r = ruleset();
    let mut lines: String = (0..200).map(|i| format!("{{\"income\": {i}}}\n")).collect();
    lines.push_str("not json\n");
    lines.push_str(&"{}\n".repeat(20));
    let names = ["eligible", "ineligible", "undetermined"];
    for explain in [false, true] {
        let all = parsed(
            &r.screen_jsonl_report(
                &lines,
                AS_OF,
                &JsonlOptions {
                    explain,
                    ..Default::default()
                },
            )
            .unwrap()
            .text,
        );
        for mask in 1..8u8 {
            let keep: Vec<&str> = (0..3)
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| names[b])
                .collect();
            let statuses = parse_statuses(&keep).unwrap();
            for threads in [1, 2] {
                let options = JsonlOptions {
                    explain,
                    threads,
                    statuses,
                    ..Default::default()
                };
                let report = r.screen_jsonl_report(&lines, AS_OF, &options).unwrap();
                // Every line, one bad, whatever is kept.
                assert_eq!((report.lines, report.bad), (221, 1));
                let got = parsed(&report.text);
                let want: Vec<Value> = all
                    .iter()
                    .map(|line| {
                        let mut line = line.clone();
                        if let Some(results) = line.get_mut("results") {
                            let kept: Vec<Value> = results
                                .as_array()
                                .unwrap()
                                .iter()
                                .filter(|x| keep.contains(&x["status"].as_str().unwrap()))
                                .cloned()
                                .collect();
                            *results = Value::Array(kept);
                        }
                        line
                    })
                    .collect();
                assert_eq!(got, want, "{keep:?}, {threads} threads, explain {explain}");
                let count = |status: &str| {
                    got.iter()
                        .filter_map(|l| l["results"].as_array())
                        .flatten()
                        .filter(|x| x["status"] == status)
                        .count()
                };
                let expected = |status: &str, n: usize| if keep.contains(&status) { n } else { 0 };
                assert_eq!(count("eligible"), expected("eligible", 100));
                assert_eq!(count("ineligible"), expected("ineligible", 100));
                assert_eq!(count("undetermined"), expected("undetermined", 20));
                // The bad line is there, with its error.
                assert!(got[200]["error"].is_string(), "{keep:?}");
            }
        }
    }
}

/// The names `statuses` takes: a status, each once or more, with blanks
/// around; not `error` (refused lines are always written), not a misspelling
/// (with a did-you-mean), not nothing.
#[test]
fn statuses_are_named_exactly() {
    use accord_core::facade::parse_statuses;
    use accord_core::{Status, StatusFilter};
    let keep = parse_statuses(&[" eligible", "undetermined ", "eligible"]).unwrap();
    assert!(keep.keeps(Status::Eligible) && keep.keeps(Status::Undetermined));
    assert!(!keep.keeps(Status::Ineligible));
    assert_eq!(
        parse_statuses(&["ineligible", "eligible", "undetermined"]).unwrap(),
        StatusFilter::ALL
    );
    let problem = |names: &[&str]| {
        let e = parse_statuses(names).unwrap_err();
        assert_eq!(e.problems.len(), 1, "one mistake, one diagnostic");
        let p = &e.problems[0];
        (
            p.code.to_string(),
            p.message.clone(),
            p.help.clone().unwrap(),
        )
    };
    let (code, message, help) = problem(&["eligible", "undetermind"]);
    assert_eq!(code, "U0045");
    assert_eq!(message, "`undetermind` is not a status of a result");
    assert!(help.starts_with("did you mean `undetermined`?"), "{help}");
    let (code, message, _) = problem(&["error"]);
    assert_eq!(code, "U0045");
    assert!(message.contains("always written"), "{message}");
    for nothing in [&[][..], &[""], &[" ", ""]] {
        let (code, message, _) = problem(nothing);
        assert_eq!(code, "U0045");
        assert!(message.starts_with("no status to keep"), "{message}");
    }
}
