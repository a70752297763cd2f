//! Criterion benchmarks: one household (twenty programmes, facts loaded) and a batch of
//! 10 000 households, for hand-written Rust, Accord (with `--features accord`) and ZEN.
//!
//! `cargo bench --manifest-path bench/Cargo.toml [--features accord] -- --warm-up-time 1 --measurement-time 3`

use accord_bench::gen::{self, Household};
use accord_bench::native::NativeSession;
use accord_bench::zen::{self, ZenRunner};
use accord_bench::{Results, DEFAULT_AS_OF};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jiff::civil::Date;
use serde_json::Value;
use std::hint::black_box;

const BATCH: usize = 10_000;

struct Data {
    as_of: Date,
    households: Vec<Household>,
    zen_inputs: Vec<Value>,
    #[cfg(feature = "accord")]
    texts: Vec<String>,
    /// The single-household case: the first household with four members.
    single: usize,
}

fn data() -> Data {
    let as_of: Date = DEFAULT_AS_OF.parse().unwrap();
    let households = gen::households(2025, BATCH, as_of);
    let values: Vec<Value> = households.iter().map(gen::facts_json).collect();
    let zen_inputs = values
        .iter()
        .map(|v| ZenRunner::input(v, DEFAULT_AS_OF))
        .collect();
    let single = households
        .iter()
        .position(|h| h.members.len() == 4)
        .unwrap_or(0);
    Data {
        as_of,
        #[cfg(feature = "accord")]
        texts: values.iter().map(Value::to_string).collect(),
        households,
        zen_inputs,
        single,
    }
}

fn single(c: &mut Criterion) {
    let d = data();
    let mut g = c.benchmark_group("single_household");
    g.throughput(Throughput::Elements(1));

    let mut session = NativeSession::new(d.as_of);
    let mut out = Results::default();
    let h = &d.households[d.single];
    g.bench_function("native", |b| {
        b.iter(|| {
            session.evaluate(black_box(h), &mut out);
            out.digest()
        })
    });

    #[cfg(feature = "accord")]
    {
        let engine = accord_bench::accord::engine().unwrap();
        let facts = accord_bench::accord::facts(&engine, &d.texts[d.single]).unwrap();
        let mut session = engine.session(d.as_of);
        g.bench_function("accord", |b| {
            b.iter(|| accord_bench::accord::digest(&mut session, black_box(&facts)))
        });
        let text = &d.texts[d.single];
        g.bench_function("accord_from_json_text", |b| {
            b.iter(|| {
                let facts = accord_bench::accord::facts(&engine, black_box(text)).unwrap();
                accord_bench::accord::digest(&mut session, &facts)
            })
        });
    }

    let runner = ZenRunner::new(zen::JDM).unwrap();
    let input = &d.zen_inputs[d.single];
    g.bench_function("zen", |b| {
        b.iter(|| runner.evaluate_json(black_box(input)).unwrap())
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let d = data();
    let mut g = c.benchmark_group("batch_10000");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(10);

    let mut session = NativeSession::new(d.as_of);
    let mut out = Results::default();
    g.bench_function("native", |b| {
        b.iter(|| {
            d.households.iter().fold(0u64, |acc, h| {
                session.evaluate(h, &mut out);
                acc + out.digest()
            })
        })
    });

    #[cfg(feature = "accord")]
    {
        let engine = accord_bench::accord::engine().unwrap();
        let facts: Vec<_> = d
            .texts
            .iter()
            .map(|t| accord_bench::accord::facts(&engine, t).unwrap())
            .collect();
        let mut session = engine.session(d.as_of);
        g.bench_function("accord", |b| {
            b.iter(|| {
                facts.iter().fold(0u64, |acc, f| {
                    acc + accord_bench::accord::digest(&mut session, f)
                })
            })
        });
    }

    let runner = ZenRunner::new(zen::JDM).unwrap();
    g.bench_function("zen", |b| {
        b.iter(|| {
            d.zen_inputs
                .iter()
                .filter(|input| runner.evaluate_json(input).is_ok())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
