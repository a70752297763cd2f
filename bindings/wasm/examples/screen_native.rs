//! The native side of `bench/screen.mjs`: the same facade calls the wasm
//! package makes, timed in-process. Prints one JSON object.
//!
//! `cargo run --release -p accord-wasm --example screen_native -- RULESET_DIR FACTS_JSONL [REPEAT]`

use std::time::Instant;
use std::{env, fs};

use accord_core::facade::Ruleset;
use accord_core::SourceFile;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = env::args().collect();
    let (Some(dir), Some(jsonl)) = (args.get(1), args.get(2)) else {
        return Err("usage: screen_native RULESET_DIR FACTS_JSONL [REPEAT]".into());
    };
    let repeat: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(50);
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".accord"))
        .collect();
    names.sort();
    let mut files = Vec::new();
    for name in names {
        let text = fs::read_to_string(format!("{dir}/{name}"))?;
        files.push(SourceFile::new(name, text));
    }
    let started = Instant::now();
    let ruleset = Ruleset::load(files)?;
    let load_ns = started.elapsed().as_nanos();
    let text = fs::read_to_string(jsonl)?;
    let households: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_of = "2025-03-01";

    // Warm up, then one `screen` call (explanations on) per household.
    let mut bytes = 0;
    for h in &households {
        bytes += ruleset.screen(h, as_of, Some("en"))?.len();
    }
    let started = Instant::now();
    for _ in 0..repeat {
        for h in &households {
            bytes += ruleset.screen(h, as_of, Some("en"))?.len();
        }
    }
    let screen_ns = started.elapsed().as_nanos() / (repeat * households.len()).max(1) as u128;

    // A registry: every household in one `screen_jsonl` call, no explanations.
    let registry: String = (0..repeat).map(|_| text.as_str()).collect();
    bytes += ruleset.screen_jsonl(&text, as_of, false, None)?.len();
    let started = Instant::now();
    bytes += ruleset.screen_jsonl(&registry, as_of, false, None)?.len();
    let jsonl_ns = started.elapsed().as_nanos() / (repeat * households.len()).max(1) as u128;

    println!(
        "{{\"households\": {}, \"repeat\": {repeat}, \"load_ns\": {load_ns}, \"screen_ns\": {screen_ns}, \"screen_jsonl_ns\": {jsonl_ns}, \"bytes\": {bytes}}}",
        households.len()
    );
    Ok(())
}
