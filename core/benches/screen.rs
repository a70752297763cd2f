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

/// Monthly series (language reference §6.5): households whose members have 12
/// months of income and hours and the household 12 months of rent, screened by
/// programmes that read 1, 3 and 12 months (`sum_last`, `average_last`,
/// `min_last`, `max_last`, `month_value`), every month known.
const SERIES_RULES: &str = r#"ruleset series_bench { currency AMD }

entity Household {
  members: list of Person
  rent: monthly Money >= 0
  let yearly_income = sum(members.year_income)
}

entity Person {
  income: monthly Money >= 0
  hours: monthly Integer >= 0
  let year_income = sum_last(income, 12 months)
}

program low_income {
  for Person
  eligible when sum_last(income, 3 months) <= 300_000
  amount = average_last(income, 12 months) / 10
}
program steady_work { for Person eligible when min_last(hours, 12 months) >= 80 }
program ever_worked { for Person eligible when max_last(income, 1 year) > 0 }
program household_low { for Household eligible when yearly_income <= 2_400_000 }
program rent_support {
  for Household
  eligible when average_last(rent, 12 months) * 12 >= 600_000
  amount = month_value(rent, 1 month) / 2
}
"#;

/// A small deterministic generator (xorshift*): each call gives a number below `n`.
fn numbers(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move |n: u64| {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// A household of 1–5 members with 12 months (2024-03 to 2025-02) of each
/// series, from a small deterministic generator.
fn series_household(seed: u64) -> String {
    let mut next = numbers(seed);
    let months = |next: &mut dyn FnMut(u64) -> u64, scale: u64| {
        let parts: Vec<String> = (0..12)
            .map(|i| {
                let (y, m) = if i < 10 { (2024, i + 3) } else { (2025, i - 9) };
                format!("\"{y}-{m:02}\": {}", next(scale))
            })
            .collect();
        format!("{{{}}}", parts.join(", "))
    };
    let members: Vec<String> = (0..1 + next(5))
        .map(|_| {
            format!(
                "{{\"income\": {}, \"hours\": {}}}",
                months(&mut next, 200_000),
                months(&mut next, 200)
            )
        })
        .collect();
    format!(
        "{{\"rent\": {}, \"members\": [{}]}}",
        months(&mut next, 120_000),
        members.join(", ")
    )
}

fn series(c: &mut Criterion) {
    generated(
        c,
        "series (12 months, 5 programmes)",
        SERIES_RULES,
        series_household,
        true,
    );
}

/// One household's evaluation (the certain path and the row machine alone) and
/// a batch of 1 000 generated households, under `rules` as of 2025-03-01;
/// `read` adds the reading of one household's facts.
fn generated(c: &mut Criterion, name: &str, rules: &str, household: fn(u64) -> String, read: bool) {
    let engine =
        Engine::compile(vec![accord_core::SourceFile::new("bench.accord", rules)]).unwrap();
    let lines: Vec<String> = (0..1000).map(household).collect();
    let facts: Vec<_> = lines
        .iter()
        .map(|l| engine.facts_from_json(l).unwrap())
        .collect();
    let as_of = jiff::civil::date(2025, 3, 1);
    let mut session = engine.session(as_of);
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    if read {
        group.bench_function("facts_from_json, one household", |b| {
            b.iter(|| std::hint::black_box(engine.facts_from_json(&lines[0]).unwrap()))
        });
    }
    group.bench_function("evaluate, one household (certain path)", |b| {
        b.iter(|| std::hint::black_box(session.evaluate(&facts[0]).len()))
    });
    let mut rows = engine.session(as_of);
    rows.set_certain_path(false);
    group.bench_function("evaluate, one household (row machine)", |b| {
        b.iter(|| std::hint::black_box(rows.evaluate(&facts[0]).len()))
    });
    group.finish();
    let mut group = c.benchmark_group(format!("{name}, in a batch"));
    group.throughput(Throughput::Elements(facts.len() as u64));
    group.bench_function("evaluate_many, batch of 1000", |b| {
        b.iter(|| std::hint::black_box(session.evaluate_many(&facts).len()))
    });
    group.finish();
}

/// Scales (language reference §8.6): a marginal income tax of seven brackets in
/// three dated versions (one threshold a parameter), a marginal contribution, and a
/// single-amount housing allowance, applied to each member's salary and to the
/// household's total, on households of 1–5 members with every salary known.
const SCALES_RULES: &str = r#"ruleset scales_bench { currency EUR }

entity Household {
  members: list of Person
  let total_salary = sum(members.salary)
}

entity Person {
  salary: Money >= 0
  let tax = income_tax(salary * 12)
}

parameter top_threshold: Money { from 2020-01-01: 150_000 }

scale income_tax marginal {
  from 2020-01-01: source "version one"
    0             | 0%
    10_000        | 10%
    25_000        | 20%
    50_000        | 30%
    80_000        | 40%
    top_threshold | 45%
  from 2023-01-01: source "version two"
    0             | 0%
    10_500        | 11%
    26_000        | 21%
    52_000        | 30%
    85_000        | 41%
    top_threshold | 45%
  from 2024-07-01: source "version three"
    0             | 0%
    11_000        | 11%
    27_000        | 22%
    55_000        | 30%
    90_000        | 41%
    120_000       | 43%
    top_threshold | 45%
}

scale contribution marginal {
  0      | 2%
  6_000  | 6%
  12_400 | 12%
}

scale housing_allowance single {
  0     | 300
  1_000 | 150
  2_000 | 75
  3_000 | 0
}

program net_pay { for Person  eligible when salary > 0  amount = salary - contribution(salary) - tax / 12 }
program housing { for Household  eligible when total_salary < 3_000  amount = housing_allowance(total_salary) }
program high_earner { for Person  eligible when tax > 20_000 }
"#;

/// A household of 1–5 members with monthly salaries from 0 to 15 000, from a
/// small deterministic generator.
fn scales_household(seed: u64) -> String {
    let mut next = numbers(seed);
    let members: Vec<String> = (0..1 + next(5))
        .map(|_| format!("{{\"salary\": {}}}", next(15_000)))
        .collect();
    format!("{{\"members\": [{}]}}", members.join(", "))
}

fn scales(c: &mut Criterion) {
    generated(
        c,
        "scales (3 scales, 3 programmes)",
        SCALES_RULES,
        scales_household,
        false,
    );
}

criterion_group!(benches, screening, series, scales);
criterion_main!(benches);
