//! Structured: a small ruleset built from an `Arbitrary` description (an entity
//! with facts of every scalar type, an enum and a list of a member entity;
//! parameters, `let`s, tables, and programmes whose conditions and amounts are
//! typed random expressions), rendered to source text, with arbitrary facts.
//!
//! Properties: checking never panics and every diagnostic is inside the file;
//! the formatter's round trip holds for the source; when it checks, compiling,
//! evaluating and screening with explanations never panic, and
//! - evaluation is deterministic (a fresh session and a reused one agree),
//! - the certain path agrees with the row machine, one by one and in a batch,
//! - screening reports the statuses evaluation gives,
//! - soundness: a status decided (eligible or ineligible) with facts unknown,
//!   and a known amount, stays the same when those facts are given values
//!   (only for rulesets without `known`/`otherwise`, whose results are
//!   presumptions).
//!
//! `ACCORD_FUZZ_STATS=1` prints how many generated rulesets check.
#![no_main]

#[path = "common/shared.rs"]
mod shared;
#[path = "common/ruleset_gen.rs"]
mod ruleset_gen;

use std::sync::atomic::{AtomicU64, Ordering};

use accord_core::{Engine, Evaluation, Facts, ScreenOptions, SourceFile, Status};
use libfuzzer_sys::fuzz_target;
use ruleset_gen::Input;

static TOTAL: AtomicU64 = AtomicU64::new(0);
static CHECKED: AtomicU64 = AtomicU64::new(0);
static FACTS_OK: AtomicU64 = AtomicU64::new(0);
static DECIDED_WITH_UNKNOWN: AtomicU64 = AtomicU64::new(0);

type Full = Vec<(String, String, Status, Option<String>, Vec<String>)>;

fn full(e: &Evaluation<'_>) -> Full {
    e.results()
        .enumerate()
        .map(|(i, r)| {
            (
                r.program.to_owned(),
                e.subject_path(r.subject),
                r.status,
                r.amount.map(|a| a.to_string()),
                e.missing(i),
            )
        })
        .collect()
}

fn stats(checked: bool, facts_ok: bool) {
    if std::env::var_os("ACCORD_FUZZ_STATS").is_none() {
        return;
    }
    let total = TOTAL.fetch_add(1, Ordering::Relaxed) + 1;
    if checked {
        CHECKED.fetch_add(1, Ordering::Relaxed);
    }
    if facts_ok {
        FACTS_OK.fetch_add(1, Ordering::Relaxed);
    }
    if total % 2000 == 0 {
        let c = CHECKED.load(Ordering::Relaxed);
        eprintln!(
            "ruleset stats: {total} generated, {c} check ({:.1}%), facts accepted {} ({:.1}% of checked), decided-with-unknown results {}",
            100.0 * c as f64 / total as f64,
            FACTS_OK.load(Ordering::Relaxed),
            100.0 * FACTS_OK.load(Ordering::Relaxed) as f64 / c.max(1) as f64,
            DECIDED_WITH_UNKNOWN.load(Ordering::Relaxed),
        );
    }
}

fn facts(engine: &Engine, json: &str) -> Option<Facts> {
    match engine.facts_from_json(json) {
        Ok(f) => Some(f),
        Err(errors) => {
            assert!(!errors.errors.is_empty(), "rejected facts say why");
            let _ = errors.to_string();
            None
        }
    }
}

fuzz_target!(|input: Input| {
    let source = input.render();
    // Checking: never panics, every diagnostic inside the file.
    let report = accord_core::check(vec![SourceFile::new("gen.accord", source.as_str())]);
    for d in &report.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.len(),
            "a diagnostic outside the file: {d:?}\n{source}"
        );
    }
    // Formatting round trip.
    let parsed = accord_grammar::parse(&source);
    if parsed.errors.is_empty() {
        let printed = accord_grammar::print(&parsed.file);
        let reparsed = accord_grammar::parse(&printed);
        assert!(
            reparsed.errors.is_empty(),
            "formatted output does not parse:\n{printed}\nfrom\n{source}"
        );
        assert_eq!(reparsed.file.decls, parsed.file.decls, "{source}\n{printed}");
        assert_eq!(accord_grammar::print(&reparsed.file), printed);
    }
    let engine = match Engine::compile(vec![SourceFile::new("gen.accord", source.as_str())]) {
        Ok(e) => e,
        Err(report) => {
            if std::env::var_os("ACCORD_FUZZ_DUMP").is_some() {
                eprintln!("--- does not check:\n{}", report.render(Default::default()));
            }
            stats(false, false);
            return;
        }
    };
    let as_of = input.as_of();
    let json = input.facts_json();
    let Some(facts) = facts(&engine, &json) else {
        stats(true, false);
        return;
    };
    stats(true, true);

    // Determinism, and the certain path against the row machine.
    let mut rows = engine.session(as_of);
    rows.set_certain_path(false);
    let alone = full(&rows.evaluate(&facts));
    assert_eq!(alone, full(&rows.evaluate(&facts)), "the row machine is not deterministic");
    let mut session = engine.session(as_of);
    let one = full(&session.evaluate(&facts));
    assert_eq!(one, alone, "the certain path disagrees with the row machine\n{source}\n{json}");
    assert_eq!(one, full(&session.evaluate(&facts)), "a reused session differs");
    let docs = vec![facts.clone(); 3];
    let mut batches = engine.session(as_of);
    let batch = batches.evaluate_many(&docs);
    assert_eq!(batch.len(), docs.len());
    for i in 0..batch.len() {
        let Some(e) = batch.get(i) else { panic!("no evaluation for document {i}") };
        assert_eq!(full(&e), alone, "a batch disagrees with the row machine\n{source}\n{json}");
    }

    // Screening with explanations agrees with evaluation and prints JSON.
    let report = session.screen(&facts, &ScreenOptions { explain: true, lang: None, tree: 2 });
    assert_eq!(report.results.len(), alone.len());
    for (r, a) in report.results.iter().zip(&alone) {
        assert_eq!(r.program, a.0);
        assert_eq!(r.status, a.2);
    }
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&report.to_json()) {
        panic!("the report is not JSON: {e}");
    }
    let _ = report.render();
    shared::assert_registry_lines(&mut session, &facts, None);

    // Soundness over completions of the unknown facts.
    if input.presume || !input.facts.has_unknown() {
        return;
    }
    for k in 0..3u8 {
        let completed = input.completion_json(k);
        let Ok(cf) = engine.facts_from_json(&completed) else {
            panic!("a completion is not valid facts: {completed}\n{source}")
        };
        let got = full(&session.evaluate(&cf));
        for (program, subject, status, amount, _) in &alone {
            if *status == Status::Undetermined {
                continue;
            }
            DECIDED_WITH_UNKNOWN.fetch_add(1, Ordering::Relaxed);
            let Some(other) = got.iter().find(|r| &r.0 == program && &r.1 == subject) else {
                continue;
            };
            assert_eq!(
                *status, other.2,
                "unsound: {program} `{subject}` decided {status:?} on partial facts\n{json}\nbut {:?} on\n{completed}\nruleset\n{source}",
                other.2
            );
            if amount.is_some() {
                assert_eq!(
                    amount, &other.3,
                    "unsound amount: {program} `{subject}`\n{json}\ncompletion\n{completed}\nruleset\n{source}"
                );
            }
        }
    }
});
