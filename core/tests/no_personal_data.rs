//! Errors never echo personal data: every input surface is fed sentinel
//! values, in wrong places and right ones, and no error's message or help (nor
//! the facade error's JSON, which the front ends print) may contain one. See
//! docs/language.md, "Errors and personal data".

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::path::{Path, PathBuf};

use accord_core::facade::{Error, Ruleset};
use accord_core::SourceFile;
use proptest::prelude::*;

const TEXT: &str = "Zq7Armen";
const NUMBER: &str = "918273645";
const DATE: &str = "1903-04-05";
const BAD_DATE: &str = "05/04/1903x";
/// What must never appear in an error (a number may be echoed in part).
const SENTINELS: [&str; 6] = [TEXT, "Zq7", NUMBER, "9182736", DATE, "05/04/1903"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(dirs: &[&str]) -> Ruleset {
    let mut files = Vec::new();
    for dir in dirs {
        let dir = root().join(dir);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "accord"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            files.push(SourceFile::new(p.display().to_string(), text));
        }
    }
    match Ruleset::load(files) {
        Ok(r) => r,
        Err(e) => panic!("{dirs:?}: {}", e.to_json()),
    }
}

fn clean(what: &str, text: &str) {
    for s in SENTINELS {
        assert!(
            !text.contains(s),
            "{what}: an error echoes the sentinel {s:?}:\n{text}"
        );
    }
}

/// The error (if any) must not echo a sentinel, nor suggest from a value.
fn check<T>(what: &str, r: Result<T, Error>, value_errors: bool) {
    if let Err(e) = r {
        clean(what, &e.message);
        clean(what, &e.to_json());
        for p in &e.problems {
            clean(what, &p.message);
            if let Some(h) = &p.help {
                clean(what, h);
                if value_errors {
                    assert!(!h.contains("did you mean"), "{what}: {h}");
                }
            }
        }
    }
}

/// JSON values holding sentinels, of every kind.
fn bad_values() -> Vec<String> {
    vec![
        format!("\"{TEXT}\""),
        NUMBER.to_string(),
        format!("{NUMBER}.5"),
        format!("-{NUMBER}"),
        format!("\"{NUMBER}\""),
        format!("\"{NUMBER}{NUMBER}{NUMBER}{NUMBER}\""),
        format!("{NUMBER}{NUMBER}{NUMBER}{NUMBER}.5"),
        format!("\"{DATE}\""),
        format!("\"{BAD_DATE}\""),
        "true".to_string(),
        format!("[\"{TEXT}\", {NUMBER}]"),
        // Keys may be named (they are the schema's vocabulary); values may not.
        format!("{{\"no_such_key\": \"{TEXT}\"}}"),
        "\"nonee\"".to_string(),
        "\"shirk\"".to_string(),
        "\"lots\"".to_string(),
        "\"yess\"".to_string(),
    ]
}

const BRIEF_FIELDS: [&str; 10] = [
    "region",
    "vulnerability_score",
    "members[0].birth_date",
    "members[0].disability",
    "members[0].monthly_income",
    "members[0].insurance_years",
    "members[0].in_school",
    "members[0].unexcused_absence_days",
    "members[0].receives_insurance_pension",
    "members[1]",
];

#[test]
fn facts_and_answers_of_the_brief() {
    let r = load(&["examples/brief"]);
    let family = std::fs::read_to_string(root().join("examples/brief/facts/family.json")).unwrap();
    for path in BRIEF_FIELDS {
        for v in bad_values() {
            let what = format!("answer {path} = {v}");
            let set = r.answer(&family, path, &v);
            // A value of the right type is fine; the document is then screened.
            match set {
                Ok(doc) => check(&what, r.screen(&doc, "2025-03-01", None), true),
                Err(e) => check(&what, Err::<(), _>(e), true),
            }
        }
    }
    // Malformed values and paths, and a bad as-of date.
    check("answer", r.answer(&family, "region", TEXT), true);
    check(
        "answer",
        r.answer(&family, "region", &format!("\"{TEXT}")),
        true,
    );
    check(
        "answer",
        r.answer(&format!("{{\"region\": {TEXT}}}"), "region", "1"),
        true,
    );
    check("as of", r.screen(&family, BAD_DATE, None), true);
    check("as of", r.screen_jsonl("{}", BAD_DATE, false, None), true);
}

#[test]
fn facts_documents_and_registry_lines() {
    for dirs in [&["examples/brief"][..], &["tests/screening/brief_partial"]] {
        let r = load(dirs);
        let mut docs = Vec::new();
        for v in bad_values() {
            docs.push(format!("{{\"region\": {v}}}"));
            docs.push(format!("{{\"vulnerability_score\": {v}}}"));
            docs.push(format!("{{\"members\": {v}}}"));
            docs.push(format!("{{\"members\": [{v}]}}"));
            for f in [
                "birth_date",
                "disability",
                "monthly_income",
                "insurance_years",
                "in_school",
            ] {
                docs.push(format!("{{\"members\": [{{\"{f}\": {v}}}]}}"));
            }
            docs.push(v.clone());
        }
        docs.push(format!("{{\"region\": \"{TEXT}\", \"region\": 1}}"));
        docs.push(format!(
            "{{\"members\": [{{\"birth_date\": \"{BAD_DATE}\"}}], "
        ));
        for d in &docs {
            check(d, r.screen(d, "2025-03-01", None), true);
        }
        let lines = docs.join("\n");
        let out = r.screen_jsonl(&lines, "2025-03-01", false, None).unwrap();
        for line in out.lines().filter(|l| l.contains("\"error\"")) {
            clean("screen_jsonl", line);
            assert!(!line.contains("did you mean"), "{line}");
        }
    }
}

#[test]
fn assessment_answers() {
    let r = load(&["tests/assessments"]);
    let questions = [
        "concern", "delay", "housing", "support", "visits", "help", "notes",
    ];
    for q in questions {
        for v in bad_values() {
            let doc = format!("{{\"{q}\": {v}}}");
            check(&doc, r.assess(Some("wellbeing"), &doc, None), true);
            let doc = format!("{{\"{q}\": [{v}]}}");
            check(&doc, r.assess(Some("wellbeing"), &doc, None), true);
        }
    }
    check(
        "answers",
        r.assess(Some("wellbeing"), &format!("[\"{TEXT}\"]"), None),
        true,
    );
    check(
        "answers",
        r.assess(Some("wellbeing"), &format!("{{\"a\": {TEXT}}}"), None),
        true,
    );
}

fn cases() -> Ruleset {
    let mut r = load(&["tests/cases"]);
    let catalogue = std::fs::read_to_string(root().join("tests/cases/catalogue.json")).unwrap();
    r.set_catalogue(&catalogue).unwrap();
    r
}

const OPENED: &str = r#"{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}, "case": "C1", "held_by": "office"}"#;
const NOTIFIED: &str =
    r#"{"type": "completed", "step": "notify", "by": "school_coordinator", "at": "2025-03-04"}"#;

/// Event fields naming the ruleset's or the catalogue's things, not a person.
const VOCABULARY: [&str; 8] = [
    "by", "step", "need", "provider", "service", "protocol", "version", "role",
];

#[test]
fn case_events() {
    let r = cases();
    let values = bad_values();
    let mut events = Vec::new();
    // Every field of every event type, as the engine lists them: a field added
    // later is covered too.
    let fields: Vec<&str> = ["at", "by", "who", "id"]
        .into_iter()
        .chain(accord_core::case::event::ALL_FIELDS)
        .collect();
    for kind in accord_core::case::event::event_types() {
        for &f in &fields {
            // The vocabulary slots name things of the ruleset and may be echoed
            // (docs/language.md §18.1): only values of the wrong type go there.
            let vocabulary = VOCABULARY.contains(&f);
            for v in values
                .iter()
                .filter(|v| !(vocabulary && v.starts_with('"')))
            {
                events.push(format!(
                    "{{\"type\": \"{kind}\", \"at\": \"2025-03-05\", \"by\": \"case_manager\", \"{f}\": {v}}}"
                ));
            }
        }
    }
    for v in &values {
        events.push(format!(
            r#"{{"type": "facts", "at": "2025-03-05", "by": "social_worker", "set": {{"in_school": {v}, "birth_date": {v}, "disability": {v}, "unexcused_absence_days": {v}}}}}"#
        ));
        events.push(format!(
            r#"{{"type": "assessed", "step": "assess", "by": "social_worker", "at": "2025-03-12", "answers": {{"speech_delay": {v}, "health_concern": {v}, "basic_care": {v}}}}}"#
        ));
        events.push(format!(
            r#"{{"type": "planned", "need": "speech_therapy", "service": "speech_therapy", "provider": "speech_centre", "responsible": {v}, "goal": {v}, "review": {v}, "by": "case_manager", "at": "2025-03-13"}}"#
        ));
    }
    events.push(format!(
        r#"{{"type": "note", "at": "{BAD_DATE}", "by": "case_manager", "text": "{TEXT}"}}"#
    ));
    events.push(format!(
        r#"{{"type": "note", "at": {NUMBER}, "by": "case_manager"}}"#
    ));
    events.push(format!(
        r#"{{"type": "note", "at": "2025-03-05", "by": "case_manager", "text": "{TEXT}"#
    ));
    events.push(format!(r#"{{"type": {NUMBER}, "at": "2025-03-05"}}"#));
    // A consent's `purpose` is free text: never echoed, whatever else is wrong.
    events.push(format!(r#"{{"type": "consent", "given": true, "to": {{"kinds": ["ngos"]}}, "purpose": "{TEXT}", "by": "case_manager", "at": "2025-03-05"}}"#));
    events.push(format!(r#"{{"type": "consent", "given": true, "purpose": "{TEXT}", "until": "{BAD_DATE}", "by": "case_manager", "at": "2025-03-05"}}"#));
    events.push(format!(r#"{{"type": "planned", "need": "speech_therapy", "service": "speech_therapy", "provider": "speech_centre", "responsible": "case_manager", "goal": "{TEXT}", "review": "{BAD_DATE}", "by": "case_manager", "at": "2025-03-13"}}"#));
    let log = format!("{OPENED}\n{NOTIFIED}\n");
    for e in &events {
        check(e, r.case_add(&log, e), false);
        check(
            e,
            r.case_state(&format!("{log}{e}\n"), "2025-04-01", None, None),
            false,
        );
        // As the first event of a log.
        let opened = e.replacen("\"type\": \"", "\"type\": \"opened\", \"x_type\": \"", 1);
        check(
            e,
            r.case_state(&format!("{opened}\n"), "2025-04-01", None, None),
            false,
        );
    }
    for v in &values {
        let opened = format!(
            r#"{{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {{"in_school": {v}, "birth_date": {v}, "disability": {v}}}, "case": "{TEXT}", "held_by": "{TEXT}"}}"#
        );
        check(
            &opened,
            r.case_state(&opened, "2025-04-01", None, None),
            false,
        );
        let opened = format!(
            r#"{{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {v}, "case": "{TEXT}"}}"#
        );
        check(
            &opened,
            r.case_state(&opened, "2025-04-01", None, None),
            false,
        );
    }
    check("as of", r.case_state(OPENED, BAD_DATE, None, None), false);
}

#[test]
fn needs_map_and_ratings() {
    let r = cases();
    let catalogue = r.catalogue().unwrap();
    let mut lines = Vec::new();
    for v in bad_values() {
        lines.push(format!(
            "{{\"region\": {v}, \"needs\": [\"speech_therapy\"]}}"
        ));
        lines.push(format!("{{\"region\": {v}, \"needs\": {v}}}"));
        lines.push(v.clone());
    }
    let map = r.engine().needs_map(catalogue, &lines.join("\n"));
    for p in &map.skipped {
        clean("needs map", &p.message);
        if let Some(h) = &p.help {
            clean("needs map", h);
            assert!(!h.contains("did you mean"), "{h}");
        }
    }
    clean("needs map", &map.to_json());
    for v in bad_values() {
        let ratings = format!(
            r#"{{"survey": "child_wellbeing", "ratings": [{{"provider": "speech_centre", "service": "speech_therapy", "answers": {{"health_concern": {v}}}, "score": {v}}}]}}"#
        );
        let mut r2 = cases();
        check(&ratings, r2.set_ratings(&ratings), false);
        // A need is named by the ruleset (vocabulary): only wrong types here.
        if !v.contains(TEXT) {
            let result = format!("{{\"needs\": {v}}}");
            check(&result, r.providers_for_result(&result, None, None), false);
        }
    }
}

fn sentinel_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}".prop_map(|s| format!("\"{TEXT}{s}\"")),
        (0u32..1000).prop_map(|n| format!("{NUMBER}{n}")),
        (0u32..1000).prop_map(|n| format!("{NUMBER}.{n}")),
        Just(format!("\"{DATE}\"")),
        Just(format!("\"{BAD_DATE}\"")),
        "[a-z]{0,6}".prop_map(|s| format!("[\"{TEXT}{s}\"]")),
        Just(format!("{{\"no_such_key\": {NUMBER}}}")),
        any::<bool>().prop_map(|b| b.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_value_anywhere_in_facts(
        values in proptest::collection::vec(sentinel_value(), BRIEF_FIELDS.len()),
        member in proptest::collection::vec(sentinel_value(), 7),
    ) {
        thread_local! {
            static BRIEF: Ruleset = load(&["examples/brief"]);
        }
        let fields = ["birth_date", "disability", "monthly_income", "insurance_years",
            "in_school", "unexcused_absence_days", "receives_insurance_pension"];
        let member: Vec<String> =
            fields.iter().zip(&member).map(|(f, v)| format!("\"{f}\": {v}")).collect();
        let doc = format!(
            "{{\"region\": {}, \"vulnerability_score\": {}, \"members\": [{{{}}}, {}]}}",
            values[0], values[1], member.join(", "), values[2]
        );
        BRIEF.with(|r| {
            check(&doc, r.screen(&doc, "2025-03-01", None), true);
            let out = r.screen_jsonl(&doc, "2025-03-01", false, None).unwrap();
            for line in out.lines().filter(|l| l.contains("\"error\"")) {
                clean(&doc, line);
            }
        });
    }
}
