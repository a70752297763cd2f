//! `accord compare`'s engine: a generated registry of the bench's twenty
//! programmes (`bench/rules/twenty.accord`, households as
//! `bench/scripts/make_registry.py` makes them) compared under the base and
//! `bench/rules/twenty_reform.accord`, by region and by income decile, on one
//! thread. Lines are generated on the fly, a group at a time, so memory stays
//! flat. `ACCORD_BENCH_HOUSEHOLDS` sets the registry's size (100 000 by default;
//! the README's 1M-household figures come from `accord compare` end to end).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "benchmarks run on fixed, known-good inputs; a failure must stop the run loudly"
)]

use accord_core::compare::{CompareOptions, Comparison, Incomes, Tally};
use accord_core::{Ruleset, SourceFile};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn read(name: &str) -> SourceFile {
    let path = format!("{}/../bench/rules/{name}", env!("CARGO_MANIFEST_DIR"));
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
}

/// A small seeded generator (xorshift64*): the same households every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

/// One household, as `make_registry.py` writes them.
fn household(r: &mut Rng, out: &mut String) {
    use std::fmt::Write;
    let b = |r: &mut Rng, one_in: u64| {
        if r.below(one_in) == 0 {
            "true"
        } else {
            "false"
        }
    };
    let _ = write!(
        out,
        r#"{{"region":"{}","settlement":"{}","vulnerability_score":{}.{},"owns_dwelling":{},"members":["#,
        r.pick(&["yerevan", "shirak", "lori", "tavush", "syunik"]),
        r.pick(&["urban", "rural", "mountainous"]),
        r.below(50),
        r.below(10),
        b(r, 2)
    );
    for i in 0..1 + r.below(6) {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"birth_date":"{}-{:02}-{:02}","disability":"{}","monthly_income":{},"insurance_years":{},"employed":{},"in_school":{},"pregnant":{},"receives_insurance_pension":{}}}"#,
            1940 + r.below(86),
            1 + r.below(12),
            1 + r.below(28),
            r.pick(&["none", "none", "none", "none", "group_1", "group_2", "group_3"]),
            r.below(20) * 10_000,
            r.below(40),
            b(r, 2),
            b(r, 2),
            b(r, 10),
            b(r, 4)
        );
    }
    out.push_str("]}");
}

fn households() -> usize {
    std::env::var("ACCORD_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// A pass's step over a group of lines.
type Step<'s, 'e> = dyn FnMut(&mut accord_core::compare::Workspace<'e>, &[(usize, &[u8])]) + 's;

/// Both passes over `n` generated households, 64 lines at a time.
fn compare<'e>(comparison: &Comparison<'e>, n: usize) -> Tally {
    let as_of = jiff::civil::date(2025, 3, 1);
    let mut ws = comparison.workspace(as_of);
    let mut text = String::new();
    let mut pass = |f: &mut Step<'_, 'e>| {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        let mut done = 0;
        while done < n {
            let group = 64.min(n - done);
            text.clear();
            let mut ends = Vec::with_capacity(group);
            for _ in 0..group {
                household(&mut r, &mut text);
                ends.push(text.len());
            }
            let mut start = 0;
            let lines: Vec<(usize, &[u8])> = ends
                .iter()
                .enumerate()
                .map(|(i, &end)| {
                    let line = (done + i + 1, &text.as_bytes()[start..end]);
                    start = end;
                    line
                })
                .collect();
            f(&mut ws, &lines);
            done += group;
        }
    };
    let mut incomes = Incomes::default();
    pass(&mut |ws, lines| comparison.incomes(ws, lines, &mut incomes));
    let deciles = incomes.cutoffs();
    let mut tally = Tally::default();
    pass(&mut |ws, lines| comparison.tally(ws, lines, &deciles, &mut tally));
    tally
}

fn comparing(c: &mut Criterion) {
    let base = Ruleset::load(vec![read("twenty.accord")]).unwrap();
    let reform = base
        .reform(vec![read("twenty_reform.accord")], &[])
        .unwrap();
    let options = CompareOptions {
        by: Some("region".into()),
        decile_by: Some("income".into()),
        people: None,
    };
    let comparison = Comparison::new(base.engine(), reform.engine(), &options).unwrap();
    let n = households();
    let mut group = c.benchmark_group("compare (twenty programmes)");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(
        format!("{n} households, by region and decile, one thread"),
        |b| b.iter(|| std::hint::black_box(compare(&comparison, n).households())),
    );
    group.finish();
}

criterion_group!(benches, comparing);
criterion_main!(benches);
