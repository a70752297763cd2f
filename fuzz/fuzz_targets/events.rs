//! Any text given as a case's event log, under the case corpus's protocols
//! (`tests/cases/ruleset.accord`): reading never panics and a refused line
//! says which; a log replays or stops at the event it refuses, with a code
//! and a message; every role's view and the state on the last date are
//! computed without panicking; a refused event leaves the state unchanged;
//! merging the log with itself, and with its first half, never panics and
//! gives the same log whichever comes first.
#![no_main]

#[path = "common/shared.rs"]
mod shared;

use accord_core::case::{parse_log, Case, CaseOptions};
use libfuzzer_sys::fuzz_target;
use shared::{cases_engine as engine, CASE_ROLES as ROLES};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let engine = engine();
    let events = match parse_log(text) {
        Ok(e) => e,
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.line.is_some() && !e.message.is_empty() && e.code.as_str().starts_with('C'));
            }
            return;
        }
    };
    let options = CaseOptions::default();
    match Case::replay(engine, &events, options, None) {
        Err(e) => assert!(e.code.as_str().starts_with('C') && !e.message.is_empty()),
        Ok(mut case) => {
            let Some(last) = events.last().map(|e| e.at) else { return };
            let as_of = last.checked_add(jiff::Span::new().days(40)).unwrap_or(last);
            let full = case.state(as_of, None, None).map(|s| s.to_json());
            for role in ROLES {
                let _ = case.state(as_of, Some(role), Some("et"));
            }
            // Refusing the first event again (a second `opened`) changes nothing.
            if let Some(first) = events.first() {
                assert!(case.apply(first.clone()).is_err());
                assert_eq!(full, case.state(as_of, None, None).map(|s| s.to_json()));
            }
        }
    }
    let half = events.get(..events.len() / 2).unwrap_or_default();
    let ab = engine.merge_logs(&events, half, options);
    let ba = engine.merge_logs(half, &events, options);
    match (ab, ba) {
        (Ok(a), Ok(b)) => assert_eq!(a.to_jsonl(), b.to_jsonl()),
        (Err(_), Err(_)) => {}
        _ => panic!("merging depends on the order of the logs"),
    }
});
