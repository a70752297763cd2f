//! The promises of cases, over random logs: replaying is deterministic (and a
//! log written out and read back replays to the same state); a refused event
//! leaves the case as it was; a role's view holds nothing `share` keeps from
//! it; merging two devices' logs does not depend on their order and keeps every
//! event.
//!
//! Logs come from a simulator: from a seed, it records what a field worker
//! could — completing ready tasks late or on time, answers, consent given and
//! withdrawn, referrals and their outcomes, plan entries, facts, notes, closing
//! when `close` is ready — and sometimes something the protocol refuses.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::case::{parse_log, Case, CaseOptions, Event};
mod support {
    pub mod corpus;
}

use accord_core::Engine;
use jiff::civil::Date;
use proptest::prelude::*;
use serde_json::{json, Value};

fn engine() -> Engine {
    support::corpus::ruleset(&support::corpus::dir("cases"))
}

/// xorshift: enough randomness for a simulator, from proptest's seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const ROLES: [&str; 5] = [
    "school_coordinator",
    "social_worker",
    "case_manager",
    "rehabilitation_specialist",
    "head_of_service",
];
const NEEDS: [&str; 3] = [
    "speech_therapy",
    "family_counselling",
    "social_benefit_check",
];
const PROVIDERS: [&str; 3] = ["speech_centre", "family_ngo", "social_office"];

fn event(v: Value, line: usize) -> Event {
    Event::parse(line, &v.to_string()).unwrap()
}

/// A candidate next event for the case as it stands on `at`.
fn candidate(rng: &mut Rng, state: &Value, at: Date) -> Value {
    let at = at.to_string();
    let tasks = state["tasks"].as_array().cloned().unwrap_or_default();
    match rng.below(12) {
        0..=4 if !tasks.is_empty() => {
            let t = rng.pick(&tasks).clone();
            let step = t["step"].as_str().unwrap();
            let role = t["role"].clone();
            match step {
                "assess" => {
                    let mut answers = serde_json::Map::new();
                    for (q, vals) in [
                        ("speech_delay", vec![json!(true), json!(false)]),
                        ("health_concern", vec![json!(0), json!(2), json!(3)]),
                        ("basic_care", vec![json!(0), json!(1), json!(3)]),
                        ("housing", vec![json!(true), json!(false)]),
                        ("income_problem", vec![json!(true), json!(false)]),
                    ] {
                        if rng.below(4) != 0 {
                            answers.insert(q.into(), rng.pick(&vals).clone());
                        }
                    }
                    json!({"type": "assessed", "step": step, "by": role, "at": at, "answers": answers})
                }
                "close" => json!({"type": "closed", "reason": "done", "by": role, "at": at}),
                _ => match &t["need"] {
                    Value::Null => json!({"type": "completed", "step": step, "by": role, "at": at}),
                    need if rng.below(2) == 0 => {
                        json!({"type": "referred", "step": step, "need": need, "provider": rng.pick(&PROVIDERS), "by": role, "at": at})
                    }
                    need => {
                        json!({"type": "completed", "step": step, "need": need, "by": role, "at": at})
                    }
                },
            }
        }
        5 => json!({"type": "consent", "given": rng.below(4) != 0, "by": "case_manager", "at": at}),
        6 => {
            json!({"type": "facts", "set": {"in_school": rng.below(2) == 0, "disability": rng.pick(&["none", "group_2"])}, "by": rng.pick(&ROLES), "at": at})
        }
        7 => {
            json!({"type": "planned", "need": rng.pick(&NEEDS), "service": rng.pick(&["speech_therapy", "family_counselling", "benefits_advice"]), "responsible": rng.pick(&ROLES), "goal": "a goal", "review": "2025-12-01", "by": "case_manager", "at": at})
        }
        8 => {
            json!({"type": rng.pick(&["referral_accepted", "referral_declined", "referral_completed"]), "need": rng.pick(&NEEDS), "by": "case_manager", "at": at})
        }
        9 => {
            json!({"type": "note", "text": format!("note {}", rng.below(1000)), "with": [rng.pick(&ROLES)], "by": rng.pick(&ROLES), "at": at})
        }
        10 => json!({"type": "reopened", "reason": "again", "by": "case_manager", "at": at}),
        _ => {
            json!({"type": "completed", "step": rng.pick(&["notify", "assess", "plan", "review", "rehabilitation"]), "by": rng.pick(&ROLES), "at": at})
        }
    }
}

/// A log of about `len` events the protocol allowed, and the events it refused
/// on the way (each with the log before it).
fn simulate(engine: &Engine, seed: u64, len: usize) -> (Vec<Event>, Vec<(usize, Event)>) {
    let mut rng = Rng(seed | 1);
    let mut date: Date = "2025-02-03".parse().unwrap();
    let disability = if rng.below(3) == 0 { "group_1" } else { "none" };
    let opened = event(
        json!({"type": "opened", "at": date.to_string(), "protocol": "out_of_school", "subject": {"in_school": false, "disability": disability}}),
        1,
    );
    let mut case = Case::open(engine, opened.clone(), CaseOptions::default()).unwrap();
    let mut log = vec![opened];
    let mut refused = Vec::new();
    for _ in 0..len * 3 {
        if log.len() >= len {
            break;
        }
        date = date
            .checked_add(jiff::Span::new().days(rng.below(6) as i64))
            .unwrap();
        let state = serde_json::to_value(case.state(date, None, None).unwrap()).unwrap();
        let e = event(candidate(&mut rng, &state, date), log.len() + 1);
        match case.apply(e.clone()) {
            Ok(()) => log.push(e),
            Err(_) => refused.push((log.len(), e)),
        }
    }
    (log, refused)
}

fn state_of(engine: &Engine, log: &[Event], as_of: Date, role: Option<&str>) -> Value {
    let mut c = Case::replay(engine, log, CaseOptions::default(), Some(as_of)).unwrap();
    serde_json::to_value(c.state(as_of, role, None).unwrap()).unwrap()
}

fn last_date(log: &[Event]) -> Date {
    log.last().unwrap().at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn replay_is_deterministic(seed in any::<u64>(), len in 2usize..40) {
        let engine = engine();
        let (log, _) = simulate(&engine, seed, len);
        let as_of = last_date(&log);
        let first = state_of(&engine, &log, as_of, None);
        prop_assert_eq!(&first, &state_of(&engine, &log, as_of, None));
        // Written out and read back, the log replays to the same state.
        let text: String = log.iter().map(|e| e.to_json_line() + "\n").collect();
        let read = parse_log(&text).unwrap();
        prop_assert_eq!(&first, &state_of(&engine, &read, as_of, None));
    }

    #[test]
    fn a_refused_event_changes_nothing(seed in any::<u64>(), len in 2usize..40) {
        let engine = engine();
        let (log, refused) = simulate(&engine, seed, len);
        for (at, e) in refused.iter().take(5) {
            let prefix = &log[..*at];
            let as_of = e.at.max(last_date(prefix));
            let mut case = Case::replay(&engine, prefix, CaseOptions::default(), None).unwrap();
            let before = serde_json::to_value(case.state(as_of, None, None).unwrap()).unwrap();
            prop_assert!(case.apply(e.clone()).is_err());
            let after = serde_json::to_value(case.state(as_of, None, None).unwrap()).unwrap();
            prop_assert_eq!(before, after);
        }
    }

    #[test]
    fn views_hold_only_what_is_shared(seed in any::<u64>(), len in 2usize..40) {
        let engine = engine();
        let (log, _) = simulate(&engine, seed, len);
        let as_of = last_date(&log);
        // `share child_wellbeing with social_worker, case_manager`.
        for role in ["school_coordinator", "rehabilitation_specialist", "head_of_service"] {
            let view = state_of(&engine, &log, as_of, Some(role));
            prop_assert_eq!(&view["assessments"], &json!([]));
            prop_assert_eq!(&view["needs"], &json!([]));
            prop_assert_eq!(&view["risk"], &Value::Null);
            prop_assert!(view.get("subject").is_none());
            let text = view.to_string();
            for q in ["speech_delay", "health_concern", "basic_care", "income_problem"] {
                prop_assert!(!text.contains(q), "{} sees {}", role, q);
            }
            // Needs appear only in plan entries the role is responsible for.
            for p in view["plan"].as_array().unwrap() {
                prop_assert_eq!(p["responsible"].as_str(), Some(role));
            }
            prop_assert_eq!(&view["referrals"], &json!([]));
        }
        for role in ROLES {
            let view = state_of(&engine, &log, as_of, Some(role));
            for t in view["tasks"].as_array().unwrap() {
                prop_assert_eq!(t["role"].as_str(), Some(role));
            }
            for h in view["history"].as_array().unwrap() {
                let line = h["line"].as_u64().unwrap() as usize;
                let e = &log[line - 1];
                let mine = e.json.by.as_deref() == Some(role)
                    || e.json.with.iter().flatten().any(|w| w == role);
                prop_assert!(mine, "{} sees line {}", role, line);
            }
        }
    }

    #[test]
    fn merging_does_not_depend_on_order(seed in any::<u64>(), len in 2usize..30, split in any::<u64>()) {
        let engine = engine();
        let (log, _) = simulate(&engine, seed, len);
        // A common prefix, then each later event on one device or both.
        let mut rng = Rng(split | 1);
        let common = 1 + rng.below(log.len());
        let (mut a, mut b) = (log[..common].to_vec(), log[..common].to_vec());
        for e in &log[common..] {
            match rng.below(3) {
                0 => a.push(e.clone()),
                1 => b.push(e.clone()),
                _ => { a.push(e.clone()); b.push(e.clone()); }
            }
        }
        let ab = engine.merge_logs(&a, &b, CaseOptions::default()).unwrap();
        let ba = engine.merge_logs(&b, &a, CaseOptions::default()).unwrap();
        prop_assert_eq!(ab.to_jsonl(), ba.to_jsonl());
        prop_assert_eq!(&ab.conflicts, &ba.conflicts);
        // Every event of either log is in the merge: as many copies as the
        // log holding more of them.
        let text = |j: &accord_core::case::EventJson| { let mut j = j.clone(); j.conflict = None; serde_json::to_string(&j).unwrap() };
        let merged: Vec<String> = ab.events.iter().map(|e| text(&e.json)).collect();
        let count = |v: &[Event], t: &str| v.iter().filter(|e| text(&e.json) == t).count();
        for e in log.iter() {
            let t = text(&e.json);
            prop_assert_eq!(merged.iter().filter(|m| **m == t).count(), count(&a, &t).max(count(&b, &t)));
        }
        // The merged log replays (conflicts are kept, not applied).
        let read = parse_log(&ab.to_jsonl()).unwrap();
        prop_assert!(Case::replay(&engine, &read, CaseOptions::default(), None).is_ok());
    }
}

/// The simulator reaches every part of the protocol: otherwise the properties
/// above would hold of short, dull logs.
#[test]
fn the_simulator_reaches_the_whole_protocol() {
    let engine = engine();
    let (mut closed, mut referred, mut planned, mut refused) = (0, 0, 0, 0);
    for seed in 1..200u64 {
        let (log, r) = simulate(&engine, seed * 7919, 40);
        refused += r.len();
        let as_of = last_date(&log);
        let state = state_of(&engine, &log, as_of, None);
        closed +=
            usize::from(state["status"] == "closed" || log.iter().any(|e| e.json.kind == "closed"));
        referred += usize::from(!state["referrals"].as_array().unwrap().is_empty());
        planned += usize::from(!state["plan"].as_array().unwrap().is_empty());
    }
    eprintln!("closed {closed}, referred {referred}, planned {planned}, refused {refused}");
    assert!(closed >= 10 && referred >= 20 && planned >= 20 && refused >= 200);
}
