//! Structured: an `Arbitrary` sequence of case operations under the case
//! corpus's protocols (`tests/cases/ruleset.accord`), drawn mostly from the
//! protocols' own vocabulary (event types, steps and their roles, needs,
//! services, providers, answers), dated mostly forward and sometimes back, and
//! rendered to a JSONL log.
//!
//! Properties: the log reads; it replays or is refused with a code and a
//! message; applied one by one, a refused event leaves the state unchanged;
//! the accepted events replay to the same state as applied, twice alike, and
//! again after being written out and read back; every role's view holds only
//! its own tasks, and roles the assessment is not shared with see no
//! assessment, need, risk or subject; merging two devices' logs (a common
//! prefix, then events on one or both) gives the same log whichever comes
//! first, keeps every event id, and replays; merging two arbitrary logs does
//! not depend on their order either. Under `special_services` (`consent for
//! referral to ngo, private`, no catalogue: every provider needs consent),
//! consent events with random scopes (`to`, `data`, `purpose`, `until`) gate
//! referrals, acceptances and plan entries; each provider's view shows only that
//! provider's referrals and plan entries, and `provider_staff` without a
//! provider is refused with `U0020`.
//!
//! `ACCORD_FUZZ_STATS=1` prints the fraction of generated events accepted.
#![no_main]

#[path = "common/shared.rs"]
mod shared;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

use accord_core::case::{parse_log, Case, CaseOptions, Event};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use shared::{cases_engine as engine, Many, CASE_ROLES as ROLES};

const NOT_SHARED: [&str; 3] = ["school_coordinator", "rehabilitation_specialist", "head_of_service"];
const NEEDS: [&str; 4] = ["speech_therapy", "family_counselling", "social_benefit_check", "housing"];
const SERVICES: [&str; 4] = ["speech_therapy", "family_counselling", "benefits_advice", "dentist"];
const PROVIDERS: [&str; 4] = ["speech_centre", "family_ngo", "social_office", "unlisted_org"];
const PROTOCOLS: [&str; 6] = ["out_of_school", "out_of_school", "follow_up", "family_support", "nope", "special_services"];
const KINDS: [&str; 5] = ["state", "municipal", "ngo", "private", "ngos"];
const DATA: [&str; 5] = ["child_wellbeing", "plan", "facts", "wellbeing", "child_wellbeing"];
/// (step, its role) per protocol.
const STEPS: [&[(&str, &str)]; 4] = [
    &[
        ("notify", "school_coordinator"),
        ("assess", "social_worker"),
        ("rehabilitation", "rehabilitation_specialist"),
        ("plan", "case_manager"),
        ("refer", "case_manager"),
        ("review", "case_manager"),
        ("close", "case_manager"),
    ],
    &[("call", "case_manager"), ("close", "case_manager")],
    &[("assess", "social_worker"), ("advise", "benefits_adviser"), ("close", "social_worker")],
    &[("assess", "social_worker"), ("refer", "case_manager"), ("start", "provider_staff"), ("close", "case_manager")],
];

fn pick<'a>(items: &[&'a str], i: u8) -> &'a str {
    items[i as usize % items.len()]
}

#[derive(Arbitrary, Debug)]
struct Open {
    protocol: u8,
    in_school: u8,
    disability: u8,
    absences: u8,
    version: u8,
    start: u8,
}

#[derive(Arbitrary, Debug)]
struct Op {
    kind: u8,
    step: u8,
    /// Below 40 (of 256): another role than the step's.
    role: u8,
    need: u8,
    other: u8,
    /// Days forward; above 240 (of 256): some days back instead.
    days: u8,
    /// Even: the event gets an `id`.
    id: u8,
}

#[derive(Arbitrary, Debug)]
struct Input {
    open: Open,
    common: u8,
    /// Where each accepted event goes in the merge: device a, b or both.
    split: [u8; 32],
    /// A second, independent log for the order-independence of any merge
    /// (short: a derived `Vec` continues with probability one half).
    other: Vec<Op>,
    ops: Many<Op, 60>,
}

static EVENTS: AtomicU64 = AtomicU64::new(0);
static ACCEPTED: AtomicU64 = AtomicU64::new(0);
static RUNS: AtomicU64 = AtomicU64::new(0);

fn answers(o: &Op) -> Value {
    let mut a = serde_json::Map::new();
    let v = u32::from(o.need) << 8 | u32::from(o.other);
    let qs: [(&str, Value); 5] = [
        ("speech_delay", json!(v & 1 == 0)),
        ("health_concern", json!((v >> 1) % 4)),
        ("basic_care", json!((v >> 3) % 4)),
        ("housing", json!(v & 32 == 0)),
        ("income_problem", json!(v & 64 == 0)),
    ];
    for (i, (q, val)) in qs.into_iter().enumerate() {
        if (v >> (7 + i)) & 3 != 0 {
            a.insert(q.into(), val);
        }
    }
    if o.other > 250 {
        a.insert("health_concern".into(), json!(9));
    }
    Value::Object(a)
}

/// A consent event: for everyone and everything (as logs before scopes), or
/// scoped by bits of `need`: recipients (`to`), data, an end (`until`).
fn consent(o: &Op, by: &str, at: &str) -> Value {
    let mut e = json!({"type": "consent", "given": o.other % 4 != 0, "by": by, "at": at});
    let bits = o.need;
    if bits & 1 == 1 {
        let mut to = serde_json::Map::new();
        if bits & 2 != 0 {
            to.insert("kinds".into(), json!([pick(&KINDS, o.other / 4)]));
        }
        if bits & 4 != 0 {
            to.insert("providers".into(), json!([pick(&PROVIDERS, o.other / 16)]));
        }
        if bits & 8 != 0 {
            to.insert("roles".into(), json!([pick(&ROLES, o.other / 8)]));
        }
        e["to"] = Value::Object(to);
    }
    if bits & 16 != 0 {
        e["data"] = json!([pick(&DATA, o.other / 32), pick(&DATA, o.other)]);
    }
    if bits & 32 != 0 {
        e["purpose"] = json!("referral");
    }
    if bits & 64 != 0 {
        e["until"] = json!(if bits & 128 != 0 { "2025-01-01" } else { "2026-01-01" });
    }
    e
}

struct Renderer {
    date: jiff::civil::Date,
    steps: &'static [(&'static str, &'static str)],
    /// The step a field worker would do next, in protocol order: most
    /// `completed` events name it, so the log gets somewhere.
    next: usize,
}

impl Renderer {
    fn opened(o: &Open) -> (Renderer, Value) {
        let protocol = pick(&PROTOCOLS, o.protocol);
        let steps = match protocol {
            "follow_up" => STEPS[1],
            "family_support" => STEPS[2],
            "special_services" => STEPS[3],
            _ => STEPS[0],
        };
        let date = jiff::civil::date(2025, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(o.start) * 2))
            .unwrap_or(jiff::civil::date(2025, 1, 1));
        let mut subject = serde_json::Map::new();
        if o.in_school % 4 != 0 {
            subject.insert("in_school".into(), json!(o.in_school % 5 == 0));
        }
        subject.insert("disability".into(), json!(pick(&["none", "group_1", "none", "group_2"], o.disability)));
        if o.absences % 3 == 0 {
            subject.insert("unexcused_absence_days".into(), json!(o.absences / 8));
        }
        let mut e = json!({"type": "opened", "at": date.to_string(), "protocol": protocol, "subject": subject});
        if o.version % 5 == 1 {
            e["version"] = json!(o.version % 3);
        }
        if o.version % 7 == 2 {
            e["case"] = json!("C-1");
            e["held_by"] = json!("elva");
        }
        (Renderer { date, steps, next: 0 }, e)
    }

    fn event(&mut self, o: &Op, n: usize, prefix: &str) -> Value {
        if o.days > 240 {
            self.date = self.date.checked_sub(jiff::Span::new().days(i64::from(o.days - 240))).unwrap_or(self.date);
        } else {
            self.date = self.date.checked_add(jiff::Span::new().days(i64::from(o.days % 8))).unwrap_or(self.date);
        }
        let at = self.date.to_string();
        let i = if o.step < 170 { self.next % self.steps.len() } else { o.step as usize % self.steps.len() };
        let (step, step_role) = self.steps[i];
        if o.kind % 16 <= 6 && o.step < 170 {
            self.next += 1;
        }
        let by = if o.role < 40 { pick(&ROLES, o.role) } else { step_role };
        let need = pick(&NEEDS, o.need);
        let mut e = match o.kind % 16 {
            0..=3 => json!({"type": "completed", "step": step, "by": by, "at": at}),
            4 => json!({"type": "completed", "step": "refer", "need": need, "by": by, "at": at}),
            5 | 6 => json!({"type": "assessed", "step": if o.other % 8 == 0 { pick(&["notify", "call"], o.need) } else { "assess" }, "answers": answers(o), "by": if o.role < 40 { by } else { "social_worker" }, "at": at}),
            7 => consent(o, by, &at),
            8 => json!({"type": "referred", "step": "refer", "need": need, "provider": pick(&PROVIDERS, o.other), "by": if o.role < 40 { by } else { "case_manager" }, "at": at}),
            9 => json!({"type": pick(&["referral_accepted", "referral_declined", "referral_completed"], o.other), "need": need, "by": "case_manager", "at": at}),
            10 => json!({"type": "planned", "need": need, "service": pick(&SERVICES, o.other), "provider": pick(&PROVIDERS, o.other / 4), "responsible": pick(&ROLES, o.role), "goal": "a goal", "review": if o.other % 3 == 0 { "2025-01-01" } else { "2026-06-01" }, "by": "case_manager", "at": at}),
            11 => json!({"type": "facts", "set": {"in_school": o.other % 2 == 0, "disability": pick(&["none", "group_2", "group_9"], o.other / 2)}, "by": by, "at": at}),
            12 => json!({"type": "note", "text": format!("note {n}"), "with": [pick(&ROLES, o.other)], "by": by, "at": at}),
            13 => json!({"type": pick(&["reassigned", "transferred"], o.other), "role": "social_worker", "to": "someone", "by": "head_of_service", "at": at}),
            14 => json!({"type": pick(&["closed", "reopened"], o.other), "reason": "why", "by": if o.role < 40 { by } else { "case_manager" }, "at": at}),
            _ => json!({"type": pick(&["completed", "escalated", "opened"], o.other), "step": pick(&["nope", step], o.need), "by": by, "at": at, "bogus": o.other % 5 == 0}),
        };
        if e["type"] == "transferred" {
            if let Some(m) = e.as_object_mut() {
                m.remove("role");
                m.insert("reason".into(), json!("moved"));
            }
        }
        if e.get("bogus") == Some(&json!(false)) {
            if let Some(m) = e.as_object_mut() {
                m.remove("bogus");
            }
        }
        if o.id % 2 == 0 {
            e["id"] = json!(format!("{prefix}{n}"));
        }
        e
    }
}

/// `prefix` starts every event id: two independent logs with the same prefix
/// give one id to different events.
fn render(open: &Open, ops: &[Op], prefix: &str) -> String {
    let (mut r, first) = Renderer::opened(open);
    let mut text = first.to_string() + "\n";
    for (i, o) in ops.iter().take(60).enumerate() {
        text.push_str(&r.event(o, i + 2, prefix).to_string());
        text.push('\n');
    }
    text
}

fn state(case: &mut Case<'_>, as_of: jiff::civil::Date, role: Option<&str>) -> Option<Value> {
    case.state(as_of, role, None).ok().and_then(|s| serde_json::to_value(s).ok())
}

fn ids(events: &[Event]) -> BTreeSet<String> {
    events.iter().filter_map(|e| e.json.id.clone()).collect()
}

fuzz_target!(|input: Input| {
    let engine = engine();
    let options = CaseOptions::default();
    let text = render(&input.open, &input.ops.0, "e");
    let events = match parse_log(&text) {
        Ok(e) => e,
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.line.is_some() && !e.message.is_empty() && e.code.as_str().starts_with('C'), "{e:?}");
            }
            return;
        }
    };
    if let Err(e) = Case::replay(engine, &events, options, None) {
        assert!(e.code.as_str().starts_with('C') && !e.message.is_empty(), "{e:?}");
    }
    let Some(first) = events.first() else { return };
    // One by one: refused events change nothing.
    let mut case = match Case::open(engine, first.clone(), options) {
        Ok(c) => c,
        Err(e) => {
            assert!(e.code.as_str().starts_with('C') && !e.message.is_empty());
            return;
        }
    };
    let mut accepted = vec![first.clone()];
    let mut last = first.at;
    for e in &events[1..] {
        let as_of = e.at.max(last);
        let before = state(&mut case, as_of, None);
        match case.apply(e.clone()) {
            Ok(()) => {
                accepted.push(e.clone());
                last = last.max(e.at);
            }
            Err(err) => {
                assert!(err.code.as_str().starts_with('C') && !err.message.is_empty(), "{err:?}");
                assert_eq!(before, state(&mut case, as_of, None), "a refused event changed the case: {}", e.to_json_line());
            }
        }
    }
    if std::env::var_os("ACCORD_FUZZ_STATS").is_some() {
        EVENTS.fetch_add(events.len() as u64 - 1, Ordering::Relaxed);
        ACCEPTED.fetch_add(accepted.len() as u64 - 1, Ordering::Relaxed);
        let runs = RUNS.fetch_add(1, Ordering::Relaxed) + 1;
        if runs % 100 == 0 {
            let (n, a) = (EVENTS.load(Ordering::Relaxed), ACCEPTED.load(Ordering::Relaxed));
            eprintln!("case stats: {runs} logs opened, {n} events after `opened`, {a} accepted ({:.1}%)", 100.0 * a as f64 / n.max(1) as f64);
        }
    }
    let as_of = last.checked_add(jiff::Span::new().days(20)).unwrap_or(last);
    let applied = state(&mut case, as_of, None);
    // Replay determinism, and the log written out and read back.
    let replayed = |log: &[Event]| {
        let mut c = match Case::replay(engine, log, options, None) {
            Ok(c) => c,
            Err(e) => panic!("the accepted events do not replay: {e:?}"),
        };
        state(&mut c, as_of, None)
    };
    let once = replayed(&accepted);
    assert_eq!(once, applied, "replaying differs from applying one by one");
    assert_eq!(once, replayed(&accepted), "replay is not deterministic");
    let written: String = accepted.iter().map(|e| e.to_json_line() + "\n").collect();
    let Ok(read) = parse_log(&written) else { panic!("a written log does not read:\n{written}") };
    // Its history, consents and disclosures count the lines of the log it was
    // read from (the events' own lines, not their places among the accepted
    // ones): leave them out.
    let unlined = |v: Option<Value>| {
        v.map(|mut v| {
            for key in ["history", "consents", "disclosures"] {
                for h in v[key].as_array_mut().into_iter().flatten() {
                    for field in ["line", "consent_line"] {
                        if h.get(field).is_some() {
                            h[field] = Value::Null;
                        }
                    }
                }
            }
            v
        })
    };
    assert_eq!(unlined(once.clone()), unlined(replayed(&read)), "a written log replays differently");
    // Role views.
    for role in ROLES {
        let Ok(mut c) = Case::replay(engine, &accepted, options, None) else { continue };
        let Some(view) = state(&mut c, as_of, Some(role)) else { continue };
        for t in view["tasks"].as_array().into_iter().flatten() {
            assert_eq!(t["role"].as_str(), Some(role), "{role} sees another role's task");
        }
        assert!(view.get("subject").is_none_or(Value::is_null), "{role} sees the subject");
        if NOT_SHARED.contains(&role) {
            assert_eq!(view["assessments"], json!([]), "{role} sees assessments");
            assert_eq!(view["needs"], json!([]), "{role} sees needs");
            assert_eq!(view["risk"], Value::Null, "{role} sees the risk");
        }
    }
    // A provider's view: that provider's referrals and plan entries only; the
    // provider role without a provider is a usage error.
    if let Ok(mut c) = Case::replay(engine, &accepted, options, None) {
        if c.protocol() == "special_services" {
            let err = c.view(as_of, Some("provider_staff"), None, None).err();
            assert_eq!(err.map(|e| e.code.as_str()), Some("U0020"), "a provider role's view without a provider");
            for p in PROVIDERS {
                let Some(view) = c.view(as_of, Some("provider_staff"), Some(p), None).ok().and_then(|s| serde_json::to_value(s).ok()) else {
                    panic!("no view for provider {p}");
                };
                for r in view["referrals"].as_array().into_iter().flatten() {
                    assert_eq!(r["provider"].as_str(), Some(p), "{p} sees another provider's referral");
                }
                for e in view["plan"].as_array().into_iter().flatten() {
                    assert_eq!(e["provider"].as_str(), Some(p), "{p} sees another provider's plan entry");
                }
                assert!(view.get("subject").is_none() && view.get("disclosures").is_none(), "{p} sees the subject or the disclosures");
            }
        }
    }
    // Two devices: a common prefix, then each event on one device or both.
    let common = 1 + input.common as usize % accepted.len();
    let (mut a, mut b) = (accepted[..common].to_vec(), accepted[..common].to_vec());
    for (i, e) in accepted[common..].iter().enumerate() {
        match input.split.get(i).copied().unwrap_or(0) % 3 {
            0 => a.push(e.clone()),
            1 => b.push(e.clone()),
            _ => {
                a.push(e.clone());
                b.push(e.clone());
            }
        }
    }
    match (engine.merge_logs(&a, &b, options), engine.merge_logs(&b, &a, options)) {
        (Ok(ab), Ok(ba)) => {
            assert_eq!(ab.to_jsonl(), ba.to_jsonl(), "merging depends on the order");
            let kept = ids(&ab.events);
            for id in ids(&a).union(&ids(&b)) {
                assert!(kept.contains(id), "the merge lost event {id}");
            }
            let Ok(read) = parse_log(&ab.to_jsonl()) else { panic!("a merged log does not read") };
            if let Err(e) = Case::replay(engine, &read, options, None) {
                panic!("a merged log does not replay: {e:?}\n{}", ab.to_jsonl());
            }
        }
        (Err(_), Err(_)) => {}
        _ => panic!("merging succeeds in one order only"),
    }
    // Any two logs: the merge does not depend on their order, also when they
    // give one id to different events (an event edited on one device).
    let prefix = if input.other.len() % 2 == 0 { "e" } else { "o" };
    let other = render(&input.open, &input.other, prefix);
    if let Ok(other) = parse_log(&other) {
        match (engine.merge_logs(&events, &other, options), engine.merge_logs(&other, &events, options)) {
            (Ok(x), Ok(y)) => assert_eq!(x.to_jsonl(), y.to_jsonl(), "merging depends on the order"),
            (Err(_), Err(_)) => {}
            _ => panic!("merging succeeds in one order only"),
        }
    }
});
