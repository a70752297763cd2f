//! Screening the Armenian example (31 programmes, households of its registry
//! sample): reading facts, evaluating, explaining, and writing registry lines.
//! The comparison with hand-written Rust and zen-engine on 20 programmes is the
//! `bench/` crate.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "benchmarks run on fixed, known-good inputs; a failure must stop the run loudly"
)]

#[path = "../tests/support/eval.rs"]
mod support;

use accord_core::{Engine, ScreenOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn engine() -> Engine {
    Engine::compile(support::load_dir(&support::repo().join("examples/armenia"))).unwrap()
}

fn registry() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/armenia/facts/registry_sample.jsonl"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn screening(c: &mut Criterion) {
    let engine = engine();
    let lines = registry();
    let facts: Vec<_> = lines
        .iter()
        .map(|l| engine.facts_from_json(l).unwrap())
        .collect();
    let as_of = jiff::civil::date(2025, 3, 1);
    let mut group = c.benchmark_group("armenia (31 programmes)");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("facts_from_json, per registry sample", |b| {
        b.iter(|| {
            for l in &lines {
                std::hint::black_box(engine.facts_from_json(l).unwrap());
            }
        })
    });
    let mut session = engine.session(as_of);
    group.bench_function("evaluate, per registry sample", |b| {
        b.iter(|| {
            for f in &facts {
                std::hint::black_box(session.evaluate(f).len());
            }
        })
    });
    let mut out = String::new();
    group.bench_function("evaluate + JSON line, per registry sample", |b| {
        b.iter(|| {
            for (i, f) in facts.iter().enumerate() {
                out.clear();
                session.write_jsonl(i + 1, f, &mut out);
                std::hint::black_box(out.len());
            }
        })
    });
    group.finish();
    // In a batch: the sample repeated to 260 households.
    let many: Vec<_> = (0..13).flat_map(|_| facts.iter().cloned()).collect();
    let mut group = c.benchmark_group("armenia (31 programmes), in a batch");
    group.throughput(Throughput::Elements(many.len() as u64));
    group.bench_function("evaluate_many, batch of 260", |b| {
        b.iter(|| {
            let e = session.evaluate_many(&many);
            std::hint::black_box(e.len());
        })
    });
    group.finish();
    let options = ScreenOptions {
        explain: true,
        lang: Some("hy".into()),
        tree: 0,
    };
    c.bench_function("screen with explanations (hy), one household", |b| {
        b.iter(|| std::hint::black_box(session.screen(&facts[0], &options)))
    });
    // Partial facts (a screener's form): the row machine, and bounded case
    // splitting where a result is undetermined (issue 19).
    let partial = engine
        .facts_from_json(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../examples/armenia/facts/family_partial.json"
            ))
            .unwrap(),
        )
        .unwrap();
    c.bench_function("evaluate, partial household (family_partial.json)", |b| {
        b.iter(|| std::hint::black_box(session.evaluate(&partial).len()))
    });
}

criterion_group!(benches, screening);
criterion_main!(benches);
