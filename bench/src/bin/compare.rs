//! Generates households, checks that every engine gives the same results, then measures
//! single-household latency and batch throughput on 1 and 2 threads.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml --bin compare [--features accord]
//!   -- [--households N] [--seed S] [--as-of YYYY-MM-DD] [--sample K]`

use accord_bench::gen::{self, Household};
use accord_bench::native::NativeSession;
use accord_bench::zen::{self, ZenRunner};
use accord_bench::{Results, DEFAULT_AS_OF};
use jiff::civil::Date;
use serde_json::Value;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

struct Options {
    households: usize,
    seed: u64,
    as_of: Date,
    sample: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        households: 100_000,
        seed: 2025,
        as_of: DEFAULT_AS_OF.parse().map_err(|e| format!("{e}"))?,
        sample: 2_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--households" | "-n" => o.households = value.parse().map_err(|e| bad(&e))?,
            "--seed" => o.seed = value.parse().map_err(|e| bad(&e))?,
            "--as-of" => o.as_of = value.parse().map_err(|e| bad(&e))?,
            "--sample" => o.sample = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if o.households == 0 {
        return Err("--households must be at least 1".into());
    }
    Ok(o)
}

/// Median time of one call, in ns: each sampled household is evaluated `reps` times in
/// a row (facts loaded, caches warm), and the per-call mean of each is one observation.
fn latency(sample: &[usize], reps: u32, mut f: impl FnMut(usize) -> u64) -> f64 {
    let mut sink = 0u64;
    let mut times: Vec<f64> = sample
        .iter()
        .map(|&i| {
            sink = sink.wrapping_add(f(i)); // warm-up call
            let start = Instant::now();
            for _ in 0..reps {
                sink = sink.wrapping_add(f(i));
            }
            start.elapsed().as_nanos() as f64 / f64::from(reps)
        })
        .collect();
    black_box(sink);
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Households per second over `items`, split into `threads` contiguous chunks; each thread
/// makes its own state (session, scratch buffers) first.
fn throughput<T: Sync, S>(
    items: &[T],
    threads: usize,
    make: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> u64 + Sync,
) -> f64 {
    let chunk = items.len().div_ceil(threads).max(1);
    let start = Instant::now();
    let total: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let (make, f) = (&make, &f);
                scope.spawn(move || {
                    let mut state = make();
                    part.iter()
                        .fold(0u64, |acc, item| acc.wrapping_add(f(&mut state, item)))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(0))
            .fold(0u64, u64::wrapping_add)
    });
    let secs = start.elapsed().as_secs_f64();
    black_box(total);
    items.len() as f64 / secs
}

struct Row {
    name: &'static str,
    latency_ns: f64,
    one: f64,
    two: f64,
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let o = options()?;
    let as_of_text = o.as_of.to_string();
    let t = Instant::now();
    let households: Vec<Household> = gen::households(o.seed, o.households, o.as_of);
    let facts_values: Vec<Value> = households.iter().map(gen::facts_json).collect();
    let facts_texts: Vec<String> = facts_values.iter().map(Value::to_string).collect();
    let zen_inputs: Vec<Value> = facts_values
        .iter()
        .map(|v| ZenRunner::input(v, &as_of_text))
        .collect();
    let members: usize = households.iter().map(|h| h.members.len()).sum();
    println!(
        "{} households ({} members, {:.2} per household), seed {}, as of {}, generated in {:.1?}",
        o.households,
        members,
        members as f64 / o.households as f64,
        o.seed,
        o.as_of,
        t.elapsed()
    );

    let zen_runner = ZenRunner::new(zen::JDM)?;
    #[cfg(feature = "accord")]
    let engine = accord_bench::accord::engine()?;
    #[cfg(feature = "accord")]
    let accord_facts: Vec<accord_core::Facts> = facts_texts
        .iter()
        .map(|text| accord_bench::accord::facts(&engine, text))
        .collect::<Result<_, _>>()?;

    // (b) Agreement on every programme, subject, status and amount.
    let t = Instant::now();
    let mut native = NativeSession::new(o.as_of);
    let (mut expected, mut got) = (Results::default(), Results::default());
    let mut disagreements = 0usize;
    let mut eligible = 0u64;
    for (i, h) in households.iter().enumerate() {
        native.evaluate(h, &mut expected);
        eligible += expected.digest();
        let mut others: Vec<(&str, Result<Results, String>)> = Vec::new();
        let zen_out = zen_runner
            .evaluate_json(&zen_inputs[i])
            .and_then(|out| zen::results(&out, &mut got).map(|()| got.clone()));
        others.push(("zen", zen_out));
        #[cfg(feature = "accord")]
        others.push((
            "accord",
            accord_bench::accord::evaluate_into(
                &engine,
                o.as_of,
                &accord_facts[i],
                h.members.len(),
                &mut got,
            )
            .map(|()| got.clone()),
        ));
        for (engine_name, result) in others {
            let diffs = match result {
                Ok(r) => expected.differences(&r),
                Err(e) => vec![format!("error: {e}")],
            };
            if !diffs.is_empty() {
                disagreements += 1;
                if disagreements <= 5 {
                    println!("\nDISAGREEMENT household {i}, native vs {engine_name}:");
                    for d in &diffs {
                        println!("  {d}");
                    }
                    println!("  facts: {}", facts_texts[i]);
                }
            }
        }
    }
    if disagreements > 0 {
        println!("\n{disagreements} disagreements: not measuring");
        return Ok(false);
    }
    let engines = if cfg!(feature = "accord") {
        "native, ZEN and Accord"
    } else {
        "native and ZEN (Accord not built: --features accord)"
    };
    println!(
        "{engines} agree on all {} results ({eligible} eligible), checked in {:.1?}\n",
        o.households * 12 + members * 8,
        t.elapsed()
    );

    // (c) Timing.
    let step = (o.households / o.sample.max(1)).max(1);
    let sample: Vec<usize> = (0..o.households).step_by(step).take(o.sample).collect();
    let mut rows = Vec::new();

    let mut out = Results::default();
    let mut session = NativeSession::new(o.as_of);
    rows.push(Row {
        name: "native Rust",
        latency_ns: latency(&sample, 200, |i| {
            session.evaluate(&households[i], &mut out);
            out.digest()
        }),
        one: 0.0,
        two: 0.0,
    });
    for (threads, slot) in [(1, 0), (2, 1)] {
        let v = throughput(
            &households,
            threads,
            || (NativeSession::new(o.as_of), Results::default()),
            |(s, r), h| {
                s.evaluate(h, r);
                r.digest()
            },
        );
        set(rows.last_mut(), slot, v);
    }

    #[cfg(feature = "accord")]
    {
        let mut session = engine.session(o.as_of);
        rows.push(Row {
            name: "Accord",
            latency_ns: latency(&sample, 100, |i| {
                accord_bench::accord::digest(&mut session, &accord_facts[i])
            }),
            one: 0.0,
            two: 0.0,
        });
        for (threads, slot) in [(1, 0), (2, 1)] {
            let v = throughput(
                &accord_facts,
                threads,
                || engine.session(o.as_of),
                |s, f| accord_bench::accord::digest(s, f),
            );
            set(rows.last_mut(), slot, v);
        }
        // (c2) In batches: `evaluate_many` over chunks of 256 households, the way
        // a registry's lines are evaluated in groups (the same certain path as one
        // by one; kept to show the batch API costs nothing extra).
        rows.push(Row {
            name: "Accord, batches of 256",
            latency_ns: f64::NAN,
            one: 0.0,
            two: 0.0,
        });
        let chunks: Vec<&[accord_core::Facts]> = accord_facts.chunks(256).collect();
        {
            // The batches must count the same eligible results as one by one.
            let mut s = engine.session(o.as_of);
            let one_by_one: u64 = accord_facts
                .iter()
                .map(|f| accord_bench::accord::digest(&mut s, f))
                .sum();
            let batched: u64 = chunks
                .iter()
                .map(|c| accord_bench::accord::digest_many(&mut s, c))
                .sum();
            if one_by_one != batched {
                eprintln!("batches disagree: {batched} eligible results, one by one {one_by_one}");
                return Ok(false);
            }
        }
        for (threads, slot) in [(1, 0), (2, 1)] {
            let per_chunk = throughput(
                &chunks,
                threads,
                || engine.session(o.as_of),
                |s, chunk| accord_bench::accord::digest_many(s, chunk),
            );
            set(rows.last_mut(), slot, per_chunk * accord_facts.len() as f64 / chunks.len() as f64);
        }
        // (d) End to end from JSON text.
        let mut session = engine.session(o.as_of);
        rows.push(Row {
            name: "Accord from JSON text",
            latency_ns: latency(&sample, 20, |i| {
                accord_bench::accord::facts(&engine, &facts_texts[i])
                    .map(|f| accord_bench::accord::digest(&mut session, &f))
                    .unwrap_or(0)
            }),
            one: 0.0,
            two: 0.0,
        });
        for (threads, slot) in [(1, 0), (2, 1)] {
            let v = throughput(
                &facts_texts,
                threads,
                || engine.session(o.as_of),
                |s, text| {
                    accord_bench::accord::facts(&engine, text)
                        .map(|f| accord_bench::accord::digest(s, &f))
                        .unwrap_or(0)
                },
            );
            set(rows.last_mut(), slot, v);
        }
    }

    let zen_digest = |runner: &ZenRunner, input: &Value| -> u64 {
        runner
            .evaluate_json(input)
            .map(|out| match out {
                zen_engine::Variable::Object(map) => map.borrow().len() as u64,
                _ => 0,
            })
            .unwrap_or(0)
    };
    rows.push(Row {
        name: "ZEN (from serde_json::Value)",
        latency_ns: latency(&sample, 5, |i| zen_digest(&zen_runner, &zen_inputs[i])),
        one: 0.0,
        two: 0.0,
    });
    for (threads, slot) in [(1, 0), (2, 1)] {
        let v = throughput(
            &zen_inputs,
            threads,
            || zen_runner.clone(),
            |runner, input| zen_digest(runner, input),
        );
        set(rows.last_mut(), slot, v);
    }

    print_table(&rows);
    Ok(true)
}

fn set(row: Option<&mut Row>, slot: usize, v: f64) {
    if let Some(row) = row {
        if slot == 0 {
            row.one = v;
        } else {
            row.two = v;
        }
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<30} {:>14} {:>16} {:>16}",
        "engine (20 programmes)", "ns/household", "1 thread hh/s", "2 threads hh/s"
    );
    for r in rows {
        println!(
            "{:<30} {:>14.0} {:>16.0} {:>16.0}",
            r.name, r.latency_ns, r.one, r.two
        );
    }
    let find = |name: &str| rows.iter().find(|r| r.name == name);
    let ratio = |a: Option<&Row>, b: Option<&Row>, label: &str| {
        if let (Some(a), Some(b)) = (a, b) {
            println!(
                "{label:<30} {:>14.2} {:>16.2} {:>16.2}",
                a.latency_ns / b.latency_ns,
                b.one / a.one,
                b.two / a.two
            );
        }
    };
    println!("\nratios (time: a/b; >1 means a is slower)");
    ratio(find("Accord"), find("native Rust"), "Accord / native");
    ratio(
        find("ZEN (from serde_json::Value)"),
        find("Accord"),
        "ZEN / Accord",
    );
    ratio(
        find("ZEN (from serde_json::Value)"),
        find("native Rust"),
        "ZEN / native",
    );
}
