//! The tables corpus (tests/tables/README.md: expected.csv worked out by hand)
//! through the tables crate: CSV in with a members file, CSV, Parquet and JSON
//! lines out, on one thread and on two; and what must fail, failing whole.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap is its assertion: failing loudly is the point"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_core::facade::Ruleset;
use accord_core::SourceFile;
use accord_tables::{screen_file, FileOptions, TableOptions};
use arrow_array::Array;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tables")
}

fn ruleset() -> Arc<Ruleset> {
    let text = std::fs::read_to_string(corpus().join("rules.accord")).unwrap();
    Arc::new(Ruleset::load(vec![SourceFile::new("rules.accord", text)]).unwrap())
}

fn options(threads: usize) -> FileOptions {
    let mut table = TableOptions::new("2025-03-01");
    table.id_column = Some("household_id".into());
    table.threads = threads;
    FileOptions {
        table,
        members: Some(("members".into(), corpus().join("members.csv"))),
    }
}

/// The corpus's households.csv screened into `out`, progress unheard.
fn screen_households(
    out: &Path,
    options: FileOptions,
) -> Result<accord_tables::Counts, accord_tables::Error> {
    screen_file(
        ruleset(),
        &corpus().join("households.csv"),
        out,
        options,
        &mut |_, _| {},
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accord-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn csv_with_members_gives_the_hand_worked_rows_on_any_thread_count() {
    let expected = std::fs::read_to_string(corpus().join("expected.csv")).unwrap();
    for threads in [1, 2] {
        let out = scratch(&format!("out-{threads}.csv"));
        let counts = screen_households(&out, options(threads)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            expected,
            "threads {threads}"
        );
        // 5 households; 14 rows (README); h4 refused.
        assert_eq!(
            (
                counts.households,
                counts.rows,
                counts.bad,
                counts.work_limit
            ),
            (5, 14, 1, 0)
        );
    }
}

/// `statuses` (`--only`): the rows of expected.csv whose status is kept, in
/// the same order, and h4's error row whatever is kept (a refused household
/// is never left out). By hand from the README: eligible h1 child_benefit,
/// h1 housing_support, h2 old_age_pension (3 rows); undetermined h3
/// housing_support (1); ineligible the other 9; h4's error (1).
#[test]
fn statuses_keep_the_rows_of_their_statuses() {
    let expected = std::fs::read_to_string(corpus().join("expected.csv")).unwrap();
    let mut lines = expected.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let status_of = |row: &str| row.split(',').nth(4).unwrap().to_string();
    let cases: [(&[&str], u64); 4] = [
        (&["eligible"], 3 + 1),
        (&["eligible", "undetermined"], 4 + 1),
        (&["ineligible"], 9 + 1),
        (&["undetermined"], 1 + 1),
    ];
    for (keep, count) in cases {
        for threads in [1, 2] {
            let only = |explain: bool| {
                let mut o = options(threads);
                o.table.statuses = accord_core::facade::parse_statuses(keep).unwrap();
                o.table.explain = explain;
                o
            };
            let out = scratch(&format!("only-{}-{threads}.csv", keep.join("-")));
            let counts = screen_households(&out, only(false)).unwrap();
            let want: Vec<&str> = std::iter::once(header)
                .chain(rows.iter().copied().filter(|r| {
                    let s = status_of(r);
                    s == "error" || keep.contains(&s.as_str())
                }))
                .collect();
            let got = std::fs::read_to_string(&out).unwrap();
            assert_eq!(got.lines().collect::<Vec<_>>(), want, "{keep:?}");
            // Every household screened, h4 refused; `rows` counts the rows written.
            assert_eq!((counts.households, counts.rows, counts.bad), (5, count, 1));
            // Explained (a path of its own), the same rows are kept.
            let explained = scratch(&format!("only-x-{}-{threads}.jsonl", keep.join("-")));
            let counts = screen_households(&explained, only(true)).unwrap();
            assert_eq!(counts.rows, count, "explained, {keep:?}");
            let text = std::fs::read_to_string(&explained).unwrap();
            for line in text.lines() {
                let row: serde_json::Value = serde_json::from_str(line).unwrap();
                let s = row["status"].as_str().unwrap();
                assert!(s == "error" || keep.contains(&s), "{keep:?}: {line}");
            }
        }
    }
}

#[test]
fn parquet_round_trip_gives_the_same_rows() {
    // The results written as Parquet hold the rows of expected.csv: the ids
    // (texts, as the CSV gave them) and exact amounts, scaled by 10^10.
    let parquet = scratch("out.parquet");
    screen_households(&parquet, options(1)).unwrap();
    let file = std::fs::File::open(&parquet).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut rows = 0;
    let mut ids = Vec::new();
    let mut amounts = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        rows += batch.num_rows();
        let id = batch.column_by_name("household_id").unwrap();
        let id = id
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        ids.extend((0..id.len()).map(|i| id.value(i).to_string()));
        let amount = batch.column_by_name("amount").unwrap();
        let amount = amount
            .as_any()
            .downcast_ref::<arrow_array::Decimal128Array>()
            .unwrap();
        amounts.extend((0..amount.len()).map(|i| amount.is_valid(i).then(|| amount.value(i))));
    }
    assert_eq!(rows, 14);
    assert_eq!(ids.first().map(String::as_str), Some("h1"));
    // h1's child benefit is 10000, stored scaled by 10^10.
    assert_eq!(
        amounts.first().copied().flatten(),
        Some(10_000 * 10_000_000_000)
    );
    // h2's pension (row 7) is 32500.
    assert_eq!(
        amounts.get(6).copied().flatten(),
        Some(32_500 * 10_000_000_000)
    );
}

#[test]
fn members_out_of_order_fail_whole_and_leave_no_file() {
    // h2's member listed before h1's: h1's second member then follows h2,
    // which no later household matches.
    let members = scratch("members-out-of-order.csv");
    std::fs::write(
        &members,
        "household_id,birth_date,monthly_income\nh2,1950-01-01,40000\nh1,1980-05-01,60000\n",
    )
    .unwrap();
    let mut o = options(1);
    o.members = Some(("members".into(), members));
    let out = scratch("never.csv");
    let e = screen_households(&out, o).unwrap_err().into_facade();
    assert_eq!(e.code(), "U0043");
    assert!(!out.exists(), "no half-written results");
    assert!(!scratch("never.csv.partial").exists());
}

#[test]
fn an_unknown_id_column_or_format_is_refused_before_anything_is_written() {
    let mut o = options(1);
    o.table.id_column = Some("hh".into());
    o.members = None;
    let out = scratch("refused.csv");
    let e = screen_households(&out, o).unwrap_err().into_facade();
    assert_eq!(e.code(), "U0040");
    assert!(!out.exists());
    let e = screen_households(&scratch("results.xlsx"), options(1))
        .unwrap_err()
        .into_facade();
    assert_eq!(e.code(), "U0041");
}

#[test]
fn progress_is_told_after_each_batch() {
    let mut told = Vec::new();
    screen_file(
        ruleset(),
        &corpus().join("households.csv"),
        &scratch("progress.jsonl"),
        options(1),
        &mut |done, total| told.push((done, total)),
    )
    .unwrap();
    // One batch of 5 households; a CSV file does not say its length.
    assert_eq!(told, vec![(5, None)]);
}

#[test]
fn a_registry_with_no_refusal_has_null_error_columns() {
    // expected.csv without h4: the other households' rows, in order, and no
    // error anywhere (the error columns all null, so all empty in CSV).
    let households = scratch("no-refusal.csv");
    let text = std::fs::read_to_string(corpus().join("households.csv")).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("h4,")).collect();
    std::fs::write(&households, kept.join("\n") + "\n").unwrap();
    // h4's member goes too: a member row of no household is refused (U0043).
    let members = scratch("no-refusal-members.csv");
    let text = std::fs::read_to_string(corpus().join("members.csv")).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("h4,")).collect();
    std::fs::write(&members, kept.join("\n") + "\n").unwrap();
    let mut o = options(1);
    o.members = Some(("members".into(), members));
    let out = scratch("no-refusal-out.csv");
    let counts = screen_file(ruleset(), &households, &out, o, &mut |_, _| {}).unwrap();
    let expected = std::fs::read_to_string(corpus().join("expected.csv")).unwrap();
    let expected: Vec<&str> = expected.lines().filter(|l| !l.starts_with("h4,")).collect();
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(got.lines().collect::<Vec<_>>(), expected);
    assert_eq!((counts.households, counts.rows, counts.bad), (4, 13, 0));
}

/// 20 000 households (three chunks of 8 192 and a rest) screened ahead on a
/// thread of their own give the batches of the stream screened in step, in
/// the same order, with the same counts; dropped after one batch, the stream
/// ahead returns without waiting for the rest.
#[test]
fn screened_ahead_gives_the_same_batches() {
    use accord_tables::ScreenStream;
    use arrow_array::{RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};

    let n = 20_000;
    let regions = ["shirak", "yerevan", "paris"];
    let schema = Arc::new(Schema::new(vec![
        Field::new("household_id", DataType::Utf8, false),
        Field::new("region", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from_iter_values(
                (0..n).map(|i| format!("h{i}")),
            )),
            Arc::new(StringArray::from_iter_values(
                (0..n).map(|i| regions[i % 3]),
            )),
        ],
    )
    .unwrap();
    let stream = |threads: usize| {
        let mut options = TableOptions::new("2025-03-01");
        options.id_column = Some("household_id".into());
        options.threads = threads;
        let input = Box::new(vec![Ok(batch.clone())].into_iter());
        ScreenStream::new(ruleset(), schema.clone(), input, None, options).unwrap()
    };
    for threads in [1, 2] {
        let mut step = stream(threads);
        let mut in_step = Vec::new();
        while let Some(b) = step.next_batch().unwrap() {
            in_step.push(b);
        }
        let mut ahead = stream(threads).ahead().unwrap();
        let mut screened_ahead = Vec::new();
        while let Some(b) = ahead.next_batch().unwrap() {
            screened_ahead.push(b);
        }
        assert_eq!(screened_ahead, in_step, "{threads} threads");
        assert_eq!(ahead.counts(), step.counts());
        // Households 2, 5, …, 19 997 are in `paris`, not a region: refused,
        // (19 997 - 2) / 3 + 1 = 6 666 of them.
        assert_eq!(ahead.counts().households, n as u64);
        assert_eq!(ahead.counts().bad, 6_666);
        assert_eq!(ahead.next_batch().unwrap(), None, "done stays done");
    }
    let mut ahead = stream(2).ahead().unwrap();
    assert!(ahead.next_batch().unwrap().is_some());
    drop(ahead);
}
