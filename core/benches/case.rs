//! Cases: replaying one long case (10,000 events), and a caseload's agenda and
//! figures over 10,000 cases. Targets (issue 5): under 5 ms and under 200 ms.
//! The protocol is the case corpus's out-of-school protocol (tests/cases).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "benchmarks run on fixed, known-good inputs; a failure must stop the run loudly"
)]

use accord_core::case::{parse_log, Case, CaseOptions, Caseload, Event};
use accord_core::{Engine, SourceFile};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jiff::civil::Date;
use serde_json::json;

fn engine() -> Engine {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/cases/ruleset.accord");
    Engine::compile(vec![SourceFile::new(
        "ruleset.accord",
        std::fs::read_to_string(path).unwrap(),
    )])
    .unwrap()
}

fn line(v: serde_json::Value) -> String {
    v.to_string()
}

/// The start of a case: from the notice to the referrals (11 events).
fn opening(case: &str, start: Date) -> Vec<String> {
    let d = |n: i64| {
        start
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .to_string()
    };
    vec![
        line(
            json!({"type": "opened", "at": d(0), "case": case, "protocol": "out_of_school", "held_by": "shirak", "subject": {"in_school": false, "disability": "none"}}),
        ),
        line(
            json!({"type": "completed", "step": "notify", "by": "school_coordinator", "at": d(1)}),
        ),
        line(
            json!({"type": "assessed", "step": "assess", "by": "social_worker", "at": d(8), "answers": {"speech_delay": true, "health_concern": 0, "basic_care": 2, "housing": true, "income_problem": false}}),
        ),
        line(json!({"type": "consent", "given": true, "by": "case_manager", "at": d(9)})),
        line(json!({"type": "completed", "step": "plan", "by": "case_manager", "at": d(9)})),
        line(
            json!({"type": "planned", "need": "speech_therapy", "service": "speech_therapy", "provider": "speech_centre", "responsible": "case_manager", "goal": "speech", "review": d(90), "by": "case_manager", "at": d(9)}),
        ),
        line(
            json!({"type": "referred", "step": "refer", "need": "speech_therapy", "provider": "speech_centre", "by": "case_manager", "at": d(10)}),
        ),
        line(
            json!({"type": "referred", "step": "refer", "need": "family_counselling", "provider": "family_ngo", "by": "case_manager", "at": d(10)}),
        ),
        line(
            json!({"type": "referral_accepted", "need": "speech_therapy", "by": "case_manager", "at": d(11)}),
        ),
        line(
            json!({"type": "completed", "step": "refer", "need": "speech_therapy", "by": "case_manager", "at": d(12)}),
        ),
        line(
            json!({"type": "completed", "step": "refer", "need": "family_counselling", "by": "case_manager", "at": d(12)}),
        ),
    ]
}

/// A case of `n` events: the opening, then years of monitoring — visits,
/// notes, facts — all dated within the calendar's year.
fn long_case(n: usize) -> String {
    let start = jiff::civil::date(2025, 1, 6);
    let mut lines = opening("long", start);
    let mut i = 0;
    while lines.len() < n {
        // Spread over the rest of 2025 (the calendar's only year).
        let day = 13 + (i * 340 / n) as i64;
        let at = start
            .checked_add(jiff::Span::new().days(day))
            .unwrap()
            .to_string();
        lines.push(match i % 4 {
            0 => line(json!({"type": "completed", "step": "review", "by": "case_manager", "at": at})),
            1 => line(json!({"type": "note", "text": format!("visit {i}"), "with": ["social_worker"], "by": "case_manager", "at": at})),
            2 => line(json!({"type": "facts", "set": {"unexcused_absence_days": i % 20}, "by": "school_coordinator", "at": at})),
            _ => line(json!({"type": "note", "text": "called", "by": "social_worker", "at": at})),
        });
        i += 1;
    }
    lines.join("\n") + "\n"
}

fn cases(engine: &Engine) -> (Vec<Vec<Event>>, Date) {
    let _ = engine;
    let logs: Vec<Vec<Event>> = (0..10_000)
        .map(|k| {
            let start = jiff::civil::date(2025, 1, 6)
                .checked_add(jiff::Span::new().days((k % 200) as i64))
                .unwrap();
            // Cases at every stage: 1 to 11 events of the opening.
            let lines = opening(&format!("AM-{k:05}"), start);
            let keep = 1 + k % lines.len();
            parse_log(&lines[..keep].join("\n")).unwrap()
        })
        .collect();
    (logs, jiff::civil::date(2025, 9, 1))
}

fn bench(c: &mut Criterion) {
    let engine = engine();
    let text = long_case(10_000);
    let events = parse_log(&text).unwrap();
    let as_of = jiff::civil::date(2025, 12, 20);
    let mut g = c.benchmark_group("case");
    g.sample_size(20);
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("replay 10,000 events", |b| {
        b.iter(|| {
            let mut case =
                Case::replay(&engine, &events, CaseOptions::default(), Some(as_of)).unwrap();
            case.state(as_of, None, None).unwrap()
        })
    });
    g.bench_function("read and replay 10,000 events (JSONL)", |b| {
        b.iter(|| {
            let events = parse_log(&text).unwrap();
            let mut case =
                Case::replay(&engine, &events, CaseOptions::default(), Some(as_of)).unwrap();
            case.state(as_of, None, None).unwrap()
        })
    });
    let (logs, as_of) = cases(&engine);
    g.throughput(Throughput::Elements(logs.len() as u64));
    g.bench_function("caseload of 10,000 cases, one thread", |b| {
        b.iter(|| {
            let mut load = Caseload::new(as_of, Some("case_manager"));
            for (i, log) in logs.iter().enumerate() {
                load.add(&engine, &i.to_string(), log, CaseOptions::default());
            }
            let report = load.finish();
            assert!(report.errors.is_empty());
            report
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
