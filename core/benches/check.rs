//! Parse + check of a generated ruleset of 80 programmes (about the size of a
//! country's whole social-protection catalogue). Target: under 10 ms in release.

use accord_core::{check, SourceFile};
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/support/ruleset_gen.rs"]
mod ruleset_gen;

fn parse_and_check(c: &mut Criterion) {
    let text = ruleset_gen::generate(80);
    c.bench_function("parse + check, 80 programmes", |b| {
        b.iter(|| {
            let report = check(vec![SourceFile::new("generated.accord", text.as_str())]);
            std::hint::black_box(report)
        })
    });
}

criterion_group!(benches, parse_and_check);
criterion_main!(benches);
