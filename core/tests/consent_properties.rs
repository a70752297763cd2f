//! Consent, over random logs of the corpus's `special_services` protocol
//! (`consent for referral to ngo, private`; `share child_wellbeing with
//! provider_staff requires consent`): consent given, refused and withdrawn with
//! random scopes and end dates, referrals, acceptances and plan entries to
//! providers of every kind, with and without a catalogue.
//!
//! - No accepted `referred`, `referral_accepted` or `planned` event discloses to
//!   a provider whose kind needs consent (or whose kind is unknown, without a
//!   catalogue) outside the consent in force on its day.
//! - No provider's view shows a referral, plan entry, assessment or need the
//!   consent in force on the as-of date does not cover.
//! - Every disclosure the state lists to such a provider names a consent that
//!   was given and covers it.
//! - A refusal never says "withdrawn" unless consent was given before.
//!
//! The consent in force is worked out here again, from the events, by the rule
//! of §15.3: the latest `consent` event recorded by that day and not past its
//! `until` whose scope covers the recipient and the data decides.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::case::{Case, CaseOptions, Event};
use accord_core::{Catalogue, Engine};
use jiff::civil::Date;
use proptest::prelude::*;
use serde_json::{json, Value};

mod support {
    pub mod corpus;
}

fn engine() -> Engine {
    support::corpus::ruleset(&support::corpus::dir("cases"))
}

fn catalogue(engine: &Engine) -> Catalogue {
    let text =
        std::fs::read_to_string(support::corpus::dir("cases").join("catalogue.json")).unwrap();
    engine.catalogue_from_json(&text).unwrap()
}

/// The providers of `tests/cases/catalogue.json` and their kinds, and one the
/// catalogue does not have (used only without a catalogue).
const PROVIDERS: [(&str, &str); 3] = [
    ("speech_centre", "state"),
    ("family_ngo", "ngo"),
    ("social_office", "municipal"),
];
const KINDS: [&str; 4] = ["state", "municipal", "ngo", "private"];
const NEEDS: [&str; 2] = ["speech_therapy", "family_counselling"];
const SERVICES: [(&str, &str); 2] = [
    ("speech_therapy", "speech_therapy"),
    ("family_counselling", "family_counselling"),
];

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
    /// A random sub-list (possibly empty).
    fn some(&mut self, v: &[&str]) -> Vec<String> {
        v.iter()
            .filter(|_| self.below(3) == 0)
            .map(|s| s.to_string())
            .collect()
    }
}

fn event(v: &Value, line: usize) -> Event {
    Event::parse(line, &v.to_string()).unwrap()
}

/// A random consent event on `at`.
fn consent(rng: &mut Rng, at: Date, with_catalogue: bool) -> Value {
    let mut e = json!({"type": "consent", "given": rng.below(3) != 0, "by": "case_manager", "at": at.to_string()});
    if rng.below(4) != 0 {
        let mut to = serde_json::Map::new();
        let kinds = rng.some(&KINDS);
        let mut ids: Vec<&str> = PROVIDERS.iter().map(|(p, _)| *p).collect();
        if !with_catalogue {
            ids.push("unlisted_org");
        }
        let providers = rng.some(&ids);
        let roles = rng.some(&["social_worker", "case_manager", "provider_staff"]);
        if !kinds.is_empty() {
            to.insert("kinds".into(), json!(kinds));
        }
        if !providers.is_empty() {
            to.insert("providers".into(), json!(providers));
        }
        if !roles.is_empty() {
            to.insert("roles".into(), json!(roles));
        }
        if to.is_empty() {
            to.insert("kinds".into(), json!([rng.pick(&KINDS)]));
        }
        e["to"] = Value::Object(to);
    }
    if rng.below(3) != 0 {
        let mut data = rng.some(&["child_wellbeing", "plan", "facts"]);
        if data.is_empty() {
            data.push("plan".into());
        }
        e["data"] = json!(data);
    }
    if rng.below(3) == 0 {
        let until = at
            .checked_add(jiff::Span::new().days(rng.below(8) as i64))
            .unwrap();
        e["until"] = json!(until.to_string());
    }
    e
}

fn candidate(rng: &mut Rng, at: Date, with_catalogue: bool) -> Value {
    let at_s = at.to_string();
    let mut ids: Vec<&str> = PROVIDERS.iter().map(|(p, _)| *p).collect();
    if !with_catalogue {
        ids.push("unlisted_org");
    }
    let (need, service) = *rng.pick(&SERVICES);
    match rng.below(9) {
        0..=2 => consent(rng, at, with_catalogue),
        3 | 4 => {
            json!({"type": "referred", "step": "refer", "need": need, "provider": rng.pick(&ids), "service": service, "by": "case_manager", "at": at_s})
        }
        5 => {
            json!({"type": rng.pick(&["referral_accepted", "referral_accepted", "referral_declined", "referral_completed"]), "need": rng.pick(&NEEDS), "by": "provider_staff", "at": at_s})
        }
        6 | 7 => {
            json!({"type": "planned", "need": need, "service": service, "provider": rng.pick(&ids), "responsible": "case_manager", "goal": "a goal", "review": "2025-12-01", "by": "case_manager", "at": at_s})
        }
        _ => {
            json!({"type": "completed", "step": rng.pick(&["refer", "start"]), "need": rng.pick(&NEEDS), "by": rng.pick(&["case_manager", "provider_staff"]), "at": at_s})
        }
    }
}

/// A log the protocol allowed, and the events it refused with their errors.
fn simulate(
    engine: &Engine,
    cat: Option<&Catalogue>,
    seed: u64,
    len: usize,
) -> (Vec<Event>, Vec<(Event, String, String)>) {
    let mut rng = Rng(seed | 1);
    let mut date: Date = "2025-03-03".parse().unwrap();
    let opened = event(
        &json!({"type": "opened", "at": date.to_string(), "protocol": "special_services", "subject": {"in_school": false, "disability": "none"}}),
        1,
    );
    let options = CaseOptions { catalogue: cat };
    let mut case = Case::open(engine, opened.clone(), options).unwrap();
    let mut log = vec![opened];
    // The assessment finds both needs.
    let assessed = event(
        &json!({"type": "assessed", "step": "assess", "by": "social_worker", "at": "2025-03-04",
                "answers": {"speech_delay": true, "health_concern": 0, "basic_care": 2, "housing": true, "income_problem": false}}),
        2,
    );
    case.apply(assessed.clone()).unwrap();
    log.push(assessed);
    date = "2025-03-04".parse().unwrap();
    let mut refused = Vec::new();
    for _ in 0..len * 3 {
        if log.len() >= len {
            break;
        }
        date = date
            .checked_add(jiff::Span::new().days(rng.below(3) as i64))
            .unwrap();
        let e = event(&candidate(&mut rng, date, cat.is_some()), log.len() + 1);
        match case.apply(e.clone()) {
            Ok(()) => log.push(e),
            Err(err) => refused.push((e, err.code.to_string(), err.message)),
        }
    }
    (log, refused)
}

/// The consent in force for (provider, data) on `day`, by the rule of §15.3,
/// from the log's `consent` events.
fn allowed(log: &[Event], provider: &str, kind: Option<&str>, data: &str, day: Date) -> bool {
    let mut decided = None;
    for e in log
        .iter()
        .filter(|e| e.json.kind == "consent" && e.at <= day)
    {
        let j = serde_json::to_value(&e.json).unwrap();
        if let Some(u) = j["until"].as_str() {
            if u.parse::<Date>().unwrap() < day {
                continue;
            }
        }
        let has = |v: &Value, x: &str| {
            v.as_array()
                .is_some_and(|a| a.iter().any(|y| y.as_str() == Some(x)))
        };
        let to = &j["to"];
        let covers_to = to.is_null()
            || has(&to["providers"], provider)
            || kind.is_some_and(|k| has(&to["kinds"], k));
        let covers_data = j["data"].is_null() || has(&j["data"], data);
        if covers_to && covers_data {
            decided = Some(j["given"].as_bool().unwrap());
        }
    }
    decided == Some(true)
}

fn kind_of(cat: bool, provider: &str) -> Option<&'static str> {
    if !cat {
        return None;
    }
    PROVIDERS
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, k)| *k)
}

/// Whether giving to `provider` needs consent: an NGO or private provider, or
/// any provider whose kind is unknown.
fn needs_consent(kind: Option<&str>) -> bool {
    kind.is_none_or(|k| k == "ngo" || k == "private")
}

fn view(
    engine: &Engine,
    cat: Option<&Catalogue>,
    log: &[Event],
    as_of: Date,
    provider: &str,
) -> Value {
    let mut c = Case::replay(engine, log, CaseOptions { catalogue: cat }, Some(as_of)).unwrap();
    serde_json::to_value(
        c.view(as_of, Some("provider_staff"), Some(provider), None)
            .unwrap(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn nothing_is_disclosed_outside_the_consent_in_force(
        seed in any::<u64>(),
        len in 3usize..30,
        with_catalogue in any::<bool>(),
    ) {
        let engine = engine();
        let catalogue = catalogue(&engine);
        let cat = with_catalogue.then_some(&catalogue);
        let (log, refused) = simulate(&engine, cat, seed, len);

        // Every accepted event that disclosed to a provider did so under the
        // consent in force on its day, when the provider's kind needs it.
        let mut referred_to: Vec<(String, String)> = Vec::new();
        for (i, e) in log.iter().enumerate() {
            let before = &log[..i];
            let (provider, data) = match e.json.kind.as_str() {
                "referred" => {
                    let p = e.json.provider.clone().unwrap();
                    referred_to.retain(|(n, _)| Some(n) != e.json.need.as_ref());
                    referred_to.push((e.json.need.clone().unwrap(), p.clone()));
                    (p, "child_wellbeing")
                }
                "referral_accepted" => {
                    let need = e.json.need.clone().unwrap();
                    let p = referred_to.iter().rev().find(|(n, _)| *n == need).unwrap().1.clone();
                    (p, "child_wellbeing")
                }
                "planned" => (e.json.provider.clone().unwrap(), "plan"),
                _ => continue,
            };
            let kind = kind_of(with_catalogue, &provider);
            if needs_consent(kind) {
                prop_assert!(
                    allowed(before, &provider, kind, data, e.at),
                    "line {} disclosed {} to {} outside the consent in force", e.line, data, provider
                );
            }
        }

        // No provider's view shows what the consent in force does not cover.
        let mut dates = vec![log.last().unwrap().at];
        dates.push(dates[0].checked_add(jiff::Span::new().days(5)).unwrap());
        let mut ids: Vec<&str> = PROVIDERS.iter().map(|(p, _)| *p).collect();
        if !with_catalogue {
            ids.push("unlisted_org");
        }
        for as_of in dates {
            for p in &ids {
                let v = view(&engine, cat, &log, as_of, p);
                let kind = kind_of(with_catalogue, p);
                let ok = |data: &str| !needs_consent(kind) || allowed(&log, p, kind, data, as_of);
                for r in v["referrals"].as_array().unwrap() {
                    prop_assert_eq!(r["provider"].as_str(), Some(*p));
                    prop_assert!(ok("child_wellbeing"), "{} sees a referral without consent", p);
                }
                for e in v["plan"].as_array().unwrap() {
                    prop_assert_eq!(e["provider"].as_str(), Some(*p));
                    prop_assert!(ok("plan"), "{} sees a plan entry without consent", p);
                }
                // The share with `provider_staff` requires consent, whatever the kind.
                if !v["assessments"].as_array().unwrap().is_empty() {
                    prop_assert!(allowed(&log, p, kind, "child_wellbeing", as_of), "{} sees the assessment without consent", p);
                }
                let needs: Vec<&str> = v["needs"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
                if !needs.is_empty() {
                    prop_assert!(ok("child_wellbeing") || ok("plan") || allowed(&log, p, kind, "child_wellbeing", as_of));
                }
                for t in v["tasks"].as_array().unwrap() {
                    if let Some(n) = t["need"].as_str() {
                        prop_assert!(needs.contains(&n), "{} sees need {} in a task", p, n);
                    }
                }
                prop_assert!(v.get("subject").is_none() && v.get("disclosures").is_none());
                let text = v.to_string();
                if v["assessments"].as_array().unwrap().is_empty() {
                    prop_assert!(!text.contains("speech_delay") && !text.contains("basic_care"));
                }
                if v["plan"].as_array().unwrap().is_empty() {
                    prop_assert!(!text.contains("a goal"));
                }
            }
        }

        // Every disclosure listed to a provider that needs consent names a
        // consent event that was given and covers it.
        let mut c = Case::replay(&engine, &log, CaseOptions { catalogue: cat }, None).unwrap();
        let state = serde_json::to_value(c.state(log.last().unwrap().at, None, None).unwrap()).unwrap();
        for d in state["disclosures"].as_array().into_iter().flatten() {
            let Some(p) = d["to"]["provider"].as_str() else { continue };
            let kind = kind_of(with_catalogue, p);
            if needs_consent(kind) {
                let line = d["consent_line"].as_u64().unwrap() as usize;
                let at: Date = d["at"].as_str().unwrap().parse().unwrap();
                let data = if d["what"] == "plan" { "plan" } else { "child_wellbeing" };
                prop_assert_eq!(log[line - 1].json.given, Some(true));
                prop_assert!(allowed(&log[..d["line"].as_u64().unwrap() as usize - 1], p, kind, data, at));
            }
        }

        // "withdrawn" only after consent was given.
        for (e, code, message) in &refused {
            if code == "C0051" && message.contains("withdrawn") {
                let given_before = log.iter().any(|x| x.at <= e.at && x.json.given == Some(true));
                prop_assert!(given_before, "{}", message);
            }
        }
    }
}

/// The simulator reaches what the property is about: referrals and plan
/// entries to providers that need consent, accepted and refused.
#[test]
fn the_simulator_reaches_consent_gating() {
    let engine = engine();
    let catalogue = catalogue(&engine);
    let (mut disclosed, mut refused, mut withdrawn) = (0, 0, 0);
    for seed in 1..120u64 {
        let cat = (seed % 2 == 0).then_some(&catalogue);
        let (log, r) = simulate(&engine, cat, seed * 7919, 30);
        disclosed += log
            .iter()
            .filter(|e| {
                matches!(e.json.kind.as_str(), "referred" | "planned")
                    && e.json.provider.as_deref() != Some("speech_centre")
            })
            .count();
        refused += r.iter().filter(|(_, c, _)| c == "C0051").count();
        withdrawn += r.iter().filter(|(_, _, m)| m.contains("withdrawn")).count();
    }
    eprintln!("disclosed {disclosed}, refused {refused}, withdrawn {withdrawn}");
    assert!(disclosed >= 50 && refused >= 100 && withdrawn >= 5);
}
