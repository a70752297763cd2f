//! `accord case`, `accord caseload` and `accord merge` as scripts and field
//! workers see them: the state on stdout, a refused event as an error naming
//! its line with exit 1 and the log untouched, events added one by one with
//! `--add`, a role's agenda, two devices' logs merged.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{accord, code, repo, scratch, stderr, stdout};

fn corpus() -> String {
    repo().join("tests/cases").to_string_lossy().into_owned()
}

fn case_log(name: &str) -> String {
    repo()
        .join("tests/cases")
        .join(name)
        .join("events.jsonl")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_state_has_the_briefs_fields() {
    let out = accord(&[
        "case",
        &corpus(),
        "--events",
        &case_log("missed_deadline_escalation"),
        "--as-of",
        "2025-03-28",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let state: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for field in [
        "protocol",
        "status",
        "tasks",
        "escalations",
        "needs",
        "risk",
        "referrals",
    ] {
        assert!(state.get(field).is_some(), "no `{field}`");
    }
    assert_eq!(state["status"], "open");
    let task = &state["tasks"][0];
    assert_eq!(task["step"], "assess");
    assert_eq!(task["due"], "2025-03-18");
    assert_eq!(task["overdue"], true);
    assert_eq!(state["escalations"][0]["to"], "head_of_service");
    assert_eq!(state["escalations"][0]["since"], "2025-03-25");
}

#[test]
fn a_refused_event_names_its_line_and_exits_1() {
    let out = accord(&[
        "case",
        &corpus(),
        "--events",
        &case_log("reject_not_ready"),
        "--as-of",
        "2025-03-10",
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains(":2: C0016: step `assess` is not ready"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn events_are_added_one_by_one_and_a_refused_one_leaves_the_log_as_it_was() {
    let dir = scratch("case-add");
    let log = dir.join("case.jsonl");
    let log_s = log.to_string_lossy().into_owned();
    let add = |event: &str| {
        accord(&[
            "case",
            &corpus(),
            "--events",
            &log_s,
            "--as-of",
            "2025-03-20",
            "--add",
            event,
            "--format",
            "json",
        ])
    };
    let out = add(
        r#"{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}}"#,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The log records the version the case was opened with.
    assert!(fs::read_to_string(&log).unwrap().contains(r#""version":1"#));
    let out = add(
        r#"{"type": "completed", "step": "notify", "by": "school_coordinator", "at": "2025-03-04"}"#,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let state: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(state["tasks"][0]["step"], "assess");
    let before = fs::read_to_string(&log).unwrap();
    let out =
        add(r#"{"type": "completed", "step": "plan", "by": "case_manager", "at": "2025-03-05"}"#);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("C0016"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&log).unwrap(), before);
    assert_eq!(before.lines().count(), 2);
}

#[test]
fn a_role_sees_only_what_is_shared_with_it() {
    let out = accord(&[
        "case",
        &corpus(),
        "--events",
        &case_log("plan_and_referrals"),
        "--as-of",
        "2025-04-22",
        "--role",
        "school_coordinator",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("speech_therapy"), "{text}");
    assert!(!text.contains("speech_delay"), "{text}");
}

#[test]
fn a_caseload_gives_a_roles_agenda_and_the_figures() {
    let out = accord(&[
        "caseload",
        &corpus(),
        "--cases",
        &format!("{}/missed_deadline_escalation", corpus()),
        &format!("{}/plan_and_referrals", corpus()),
        &format!("{}/school_notice_to_closure", corpus()),
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let m = &report["monitoring"];
    assert_eq!(m["cases"], 3);
    assert_eq!(m["closed"], 1);
    assert_eq!(m["median_days_to_close"], 60.0);
    // Overdue first.
    assert_eq!(report["agenda"][0]["overdue"], true);
    let csv = accord(&[
        "caseload",
        &corpus(),
        "--cases",
        &corpus(),
        "--as-of",
        "2025-04-01",
        "--role",
        "case_manager",
        "--format",
        "csv",
    ]);
    let text = stdout(&csv);
    assert!(text.starts_with("case,protocol,step,need,role"), "{text}");
    assert!(text
        .lines()
        .skip(1)
        .all(|l| l.contains(",case_manager,") || l.contains("true")));
}

#[test]
fn a_caseload_speaks_the_language_asked_for() {
    // The two cases of the conformance case `caseload_agencies_lang` (whose
    // README row works them out): on Monday 2026-03-16, c-1's `notify` was
    // due 2026-03-05 (3 working days after Monday 2026-03-02), overdue and
    // escalated to `head` since 2026-03-12 (5 working days later); c-2's
    // `visit`, ready 2026-03-03, is due 2026-03-17 (10 working days later).
    // In Russian: the words from ru.json (`2 дела`: `few`), the roles' and
    // steps' labels from their `[ru: …]` translations, the protocol by name.
    let dir = scratch("caseload-lang");
    let opened = |c: &str| {
        format!(
            r#"{{"type": "opened", "at": "2026-03-02", "by": "coordinator", "protocol": "out_of_school", "case": "{c}", "subject": {{"age": 9, "in_school": false}}}}"#
        )
    };
    fs::write(dir.join("c-1.jsonl"), opened("c-1") + "\n").unwrap();
    fs::write(
        dir.join("c-2.jsonl"),
        opened("c-2")
            + "\n"
            + r#"{"type": "completed", "at": "2026-03-03", "by": "coordinator", "step": "notify"}"#
            + "\n",
    )
    .unwrap();
    let ruleset = repo()
        .join("tests/corpus/valid/protocol_agencies")
        .to_string_lossy()
        .into_owned();
    let cases = dir.to_string_lossy().into_owned();
    let caseload = |lang: Option<&str>| {
        let mut args = vec![
            "caseload",
            &ruleset,
            "--cases",
            &cases,
            "--as-of",
            "2026-03-16",
        ];
        if let Some(l) = lang {
            args.extend(["--lang", l]);
        }
        accord(&args)
    };
    let out = caseload(Some("ru"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        "нагрузка на 2026-03-16: 2 дела, открыто 2, закрыто 0\n\
         \x20 ПРОСРОЧЕНО (срок 2026-03-05), эскалировано: c-1 notify — Уведомить социальную службу (Школьный координатор)\n\
         \x20 срок 2026-03-17: c-2 visit — Посетить семью (Социальный работник)\n\
         просроченных задач: 1, эскалаций: 1\n\
         медиана от открытия до плана: -; до закрытия: -\n\
         \x20 Уведомить социальную службу (out_of_school): открыто 1, просрочено 1\n\
         \x20 Посетить семью (out_of_school): открыто 1, просрочено 0\n"
    );
    // Without `--lang`: English, the ruleset's first language, as before.
    let out = caseload(None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("caseload as of 2026-03-16: 2 cases, 2 open, 0 closed\n"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("c-2 visit — Visit the family (Social worker)"));
    // A language the ruleset does not declare: a warning, as `accord case`
    // and `accord screen` give, and the labels of the first language.
    let out = caseload(Some("et"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the ruleset has no language `et` (it has en, ru)"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("c-2 visit — Visit the family (Social worker)"));
}

#[test]
fn merging_two_devices_logs_reports_conflicts() {
    let dir = scratch("case-merge");
    let common = r#"{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}}
{"type": "completed", "step": "notify", "by": "school_coordinator", "at": "2025-03-04"}
"#;
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    fs::write(&a, format!("{common}{}\n", r#"{"type": "facts", "set": {"in_school": true}, "by": "school_coordinator", "at": "2025-03-05"}"#)).unwrap();
    fs::write(&b, format!("{common}{}\n", r#"{"type": "facts", "set": {"in_school": false}, "by": "social_worker", "at": "2025-03-05"}"#)).unwrap();
    let merge = |x: &Path, y: &Path| {
        accord(&[
            "merge",
            &corpus(),
            "--events",
            &x.to_string_lossy(),
            "--with",
            &y.to_string_lossy(),
        ])
    };
    let ab = merge(&a, &b);
    let ba = merge(&b, &a);
    assert_eq!(code(&ab), 1);
    assert_eq!(stdout(&ab), stdout(&ba));
    assert_eq!(stdout(&ab).lines().count(), 4);
    assert!(
        stderr(&ab).contains("contradicts line 3"),
        "{}",
        stderr(&ab)
    );
    // The merged log replays, its conflict shown and not applied.
    let merged = dir.join("merged.jsonl");
    fs::write(&merged, stdout(&ab)).unwrap();
    let out = accord(&[
        "case",
        &corpus(),
        "--events",
        &merged.to_string_lossy(),
        "--as-of",
        "2025-03-06",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let state: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(state["conflicts"][0]["line"], 4);
}

/// A new user's path: Armenia's out-of-school protocol from the school's notice
/// to closure, one `--add` at a time, with the assessment late and escalated.
#[test]
fn the_out_of_school_protocol_runs_from_notice_to_closure_with_the_cli() {
    let armenia = repo()
        .join("examples/armenia")
        .to_string_lossy()
        .into_owned();
    let catalogue = repo()
        .join("examples/armenia/catalogue.json")
        .to_string_lossy()
        .into_owned();
    let source = repo().join("examples/armenia/cases/out_of_school/school_notice_to_closure.jsonl");
    let dir = scratch("case-new-user");
    let log = dir.join("gor.jsonl").to_string_lossy().into_owned();
    let mut escalated = false;
    for line in fs::read_to_string(&source).unwrap().lines() {
        let at = serde_json::from_str::<Value>(line).unwrap()["at"]
            .as_str()
            .unwrap()
            .to_string();
        let out = accord(&[
            "case",
            &armenia,
            "--events",
            &log,
            "--catalogue",
            &catalogue,
            "--as-of",
            &at,
            "--add",
            line,
            "--format",
            "json",
        ]);
        assert_eq!(code(&out), 0, "{line}: {}", stderr(&out));
        let state: Value = serde_json::from_str(&stdout(&out)).unwrap();
        escalated |= !state["escalations"].as_array().unwrap().is_empty();
    }
    assert!(escalated, "the late assessment was escalated on the way");
    let out = accord(&[
        "case",
        &armenia,
        "--events",
        &log,
        "--catalogue",
        &catalogue,
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ]);
    let state: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let expected: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("examples/armenia/cases/out_of_school/expected/school_notice_to_closure@2025-06-01.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["status"], "closed");
    assert_eq!(state["tasks"], expected["tasks"]);
    assert_eq!(state["referrals"], expected["referrals"]);
    assert_eq!(state["plan"], expected["plan"]);
}
