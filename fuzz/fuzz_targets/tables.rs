//! Any bytes as a registry in CSV, households and members (split at the first
//! NUL byte), screened with the tables corpus's ruleset (`tests/tables`): the
//! run never panics; it either screens every household (as many households as
//! the CSV has records, a results file written) or is refused whole with a
//! `U004x` code and writes nothing.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use accord_core::facade::Ruleset;
use accord_core::SourceFile;
use accord_tables::{screen_file, FileOptions, TableOptions};
use libfuzzer_sys::fuzz_target;

fn ruleset() -> Arc<Ruleset> {
    static RULESET: OnceLock<Arc<Ruleset>> = OnceLock::new();
    RULESET
        .get_or_init(|| {
            let text = include_str!("../../tests/tables/rules.accord");
            match Ruleset::load(vec![SourceFile::new("rules.accord", text)]) {
                Ok(r) => Arc::new(r),
                Err(e) => panic!("the corpus ruleset does not load: {e}"),
            }
        })
        .clone()
}

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("accord-fuzz-tables-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let (households, members) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let d = dir();
    let input = d.join("households.csv");
    let output = d.join("results.jsonl");
    let _ = std::fs::remove_file(&output);
    std::fs::write(&input, households).unwrap_or_else(|e| panic!("{e}"));
    let mut table = TableOptions::new("2025-03-01");
    table.id_column = Some("household_id".into());
    // The input's length picks the statuses kept (every result one time in eight).
    let keep = accord_core::StatusFilter::only(
        accord_core::Status::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| data.len() & (1 << i) != 0)
            .map(|(_, s)| s),
    );
    table.statuses = if keep.statuses().next().is_none() { accord_core::StatusFilter::ALL } else { keep };
    let statuses = table.statuses;
    let members = members.map(|m| {
        let path = d.join("members.csv");
        std::fs::write(&path, m).unwrap_or_else(|e| panic!("{e}"));
        ("members".to_string(), path)
    });
    let options = FileOptions { table, members };
    match screen_file(ruleset(), &input, &output, options, &mut |_, _| {}) {
        Ok(counts) => {
            assert!(output.exists(), "screened but no results file");
            assert!(counts.bad <= counts.households);
            // Every row written is of a status kept, or a refused household's.
            let text = std::fs::read_to_string(&output).unwrap_or_else(|e| panic!("{e}"));
            for line in text.lines() {
                let row: serde_json::Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                let status = row["status"].as_str().unwrap_or_default();
                let kept = accord_core::Status::from_name(status).is_some_and(|s| statuses.keeps(s));
                assert!(kept || status == "error", "a row of status {status} was not asked for");
            }
        }
        Err(e) => {
            let e = e.into_facade();
            assert!(e.code().starts_with("U004"), "unexpected code {}", e.code());
            assert!(!output.exists(), "refused but a results file was left");
        }
    }
});
