//! Merging two devices' logs, case by case: what is kept, in which order, and
//! what is reported as a conflict.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::case::{parse_log, CaseOptions, Event};
mod support {
    pub mod corpus;
}

use accord_core::Engine;

fn engine() -> Engine {
    support::corpus::ruleset(&support::corpus::dir("cases"))
}

fn log(lines: &[&str]) -> Vec<Event> {
    parse_log(&lines.join("\n")).unwrap()
}

const OPENED: &str = r#"{"type": "opened", "at": "2025-03-03", "protocol": "out_of_school", "subject": {"in_school": false, "disability": "none"}}"#;
const NOTIFY: &str =
    r#"{"type": "completed", "step": "notify", "by": "school_coordinator", "at": "2025-03-04"}"#;
const NOTE_A: &str = r#"{"type": "note", "text": "a", "by": "social_worker", "at": "2025-03-05"}"#;
const NOTE_B: &str = r#"{"type": "note", "text": "b", "by": "social_worker", "at": "2025-03-05"}"#;

#[test]
fn a_log_merged_with_itself_or_its_prefix_is_itself() {
    let engine = engine();
    let a = log(&[OPENED, NOTIFY, NOTE_A]);
    let m = engine.merge_logs(&a, &a, CaseOptions::default()).unwrap();
    assert_eq!(m.events.len(), 3);
    assert!(m.conflicts.is_empty());
    let p = engine
        .merge_logs(&a, &a[..1], CaseOptions::default())
        .unwrap();
    assert_eq!(p.to_jsonl(), m.to_jsonl());
}

#[test]
fn the_same_step_completed_on_both_devices_is_a_conflict() {
    let engine = engine();
    let a = log(&[OPENED, NOTIFY]);
    let b = log(&[OPENED, &NOTIFY.replace("03-04", "03-05")]);
    let m = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    assert_eq!(m.events.len(), 3);
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].line, 3);
    assert!(
        m.conflicts[0].reason.starts_with("C0015"),
        "{}",
        m.conflicts[0].reason
    );
    assert!(m.events[2].json.conflict.is_some());
}

#[test]
fn events_the_logs_order_differently_are_placed_by_date_and_reported() {
    let engine = engine();
    let a = log(&[OPENED, NOTIFY, NOTE_A, NOTE_B]);
    let b = log(&[OPENED, NOTIFY, NOTE_B, NOTE_A]);
    let ab = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    let ba = engine.merge_logs(&b, &a, CaseOptions::default()).unwrap();
    assert_eq!(ab.to_jsonl(), ba.to_jsonl());
    assert_eq!(ab.events.len(), 4);
    assert!(ab
        .conflicts
        .iter()
        .any(|c| c.reason.contains("order this event differently")));
}

#[test]
fn events_with_the_same_id_and_content_are_one_event() {
    let engine = engine();
    let note = r#"{"type": "note", "id": "n1", "text": "typed on the phone", "by": "social_worker", "at": "2025-03-05"}"#;
    let a = log(&[OPENED, note]);
    let b = log(&[OPENED, note]);
    let m = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    assert_eq!(m.events.len(), 2);
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
}

/// An event edited on one device keeps its `id` and changes its content: both
/// versions are kept, the one with the smaller text applied and the other
/// marked, whichever log is given first (found by the `case` fuzz target).
#[test]
fn two_versions_of_one_event_are_both_kept_whichever_log_comes_first() {
    let engine = engine();
    let a = log(&[
        OPENED,
        r#"{"type": "note", "id": "n1", "text": "typed on the phone", "by": "social_worker", "at": "2025-03-05"}"#,
    ]);
    let b = log(&[
        OPENED,
        r#"{"type": "note", "id": "n1", "text": "typed on the phone ", "by": "social_worker", "at": "2025-03-05"}"#,
    ]);
    let ab = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    let ba = engine.merge_logs(&b, &a, CaseOptions::default()).unwrap();
    assert_eq!(ab.to_jsonl(), ba.to_jsonl());
    assert_eq!(ab.events.len(), 3);
    assert_eq!(ab.conflicts.len(), 1, "{:?}", ab.conflicts);
    assert!(
        ab.conflicts[0].reason.contains("another version"),
        "{:?}",
        ab.conflicts
    );
    // Different events under one id, as the fuzzer found them.
    let a = log(&[
        OPENED,
        r#"{"type": "consent", "at": "2025-03-05", "by": "case_manager", "id": "e2", "given": true}"#,
    ]);
    let b = log(&[
        OPENED,
        r#"{"type": "completed", "at": "2025-03-04", "by": "school_coordinator", "id": "e2", "step": "notify"}"#,
    ]);
    let ab = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    let ba = engine.merge_logs(&b, &a, CaseOptions::default()).unwrap();
    assert_eq!(ab.to_jsonl(), ba.to_jsonl());
    assert_eq!(ab.events.len(), 3);
}

#[test]
fn two_openings_keep_the_first_and_mark_the_second() {
    let engine = engine();
    let a = log(&[OPENED]);
    let b = log(&[&OPENED.replace("03-03", "03-04")]);
    let m = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
    assert_eq!(m.events.len(), 2);
    assert!(
        m.conflicts[0].reason.starts_with("C0004"),
        "{:?}",
        m.conflicts
    );
}

/// Issue 18's flow under merging (protocol `service_flow` of the case corpus):
/// one device records the review that goes back to planning (20 March), the
/// other the same review a day later. Merged by date, the first applies and
/// undoes `review`, so the second no longer applies: `review` waits again for
/// `start_service`, so it is a conflict (`C0016`), not silently applied; and a
/// `closed` through another way (`withdrawn`) on one device merges as usual.
#[test]
fn back_to_and_closing_ways_merge_like_other_events() {
    let engine = engine();
    let base = [
        r#"{"type": "opened", "at": "2025-03-03", "protocol": "service_flow", "subject": {"in_school": false, "disability": "none"}}"#,
        r#"{"type": "assessed", "step": "assess", "by": "social_worker", "at": "2025-03-05", "answers": {"speech_delay": true, "health_concern": 0, "basic_care": 0, "housing": true, "income_problem": false}}"#,
        r#"{"type": "consent", "given": true, "by": "case_manager", "at": "2025-03-06"}"#,
        r#"{"type": "completed", "step": "plan", "by": "case_manager", "at": "2025-03-07"}"#,
        r#"{"type": "completed", "step": "choose", "need": "speech_therapy", "by": "case_manager", "at": "2025-03-10"}"#,
        r#"{"type": "completed", "step": "start_service", "need": "speech_therapy", "by": "case_manager", "at": "2025-03-12"}"#,
    ];
    let review = |at: &str| {
        format!(r#"{{"type": "completed", "step": "review", "by": "case_manager", "at": "{at}"}}"#)
    };
    let (ra, rb) = (review("2025-03-20"), review("2025-03-21"));
    let mut a: Vec<&str> = base.to_vec();
    a.push(&ra);
    let mut b: Vec<&str> = base.to_vec();
    b.push(&rb);
    let m = engine
        .merge_logs(&log(&a), &log(&b), CaseOptions::default())
        .unwrap();
    assert_eq!(m.events.len(), 8);
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert_eq!(m.conflicts[0].line, 8);
    assert!(
        m.conflicts[0].reason.starts_with("C0016"),
        "{}",
        m.conflicts[0].reason
    );
    let closed = r#"{"type": "closed", "step": "withdrawn", "reason": "moved away", "by": "case_manager", "at": "2025-03-25"}"#;
    let mut c: Vec<&str> = base.to_vec();
    c.push(closed);
    let m = engine
        .merge_logs(&log(&a), &log(&c), CaseOptions::default())
        .unwrap();
    assert_eq!(m.events.len(), 8);
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
}
