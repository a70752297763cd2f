//! `accord screen --input registry.parquet|.csv --output results.parquet|.csv|.jsonl`:
//! a registry as a table, streamed through `accord-tables` (the same rows as
//! Python's `screen_arrow` and `screen_parquet`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use accord_core::facade::Ruleset;
use accord_tables::{screen_file, Counts, FileOptions, TableOptions};

/// A table to screen.
pub struct TableJob<'a> {
    pub input: &'a Path,
    pub output: &'a Path,
    pub as_of: String,
    pub id_column: Option<String>,
    /// `FIELD=FILE`: a members file joined by the id column.
    pub join: Option<&'a str>,
    pub threads: usize,
    /// `--only`: the statuses of the results written.
    pub statuses: accord_core::StatusFilter,
    pub explain: bool,
    pub lang: Option<&'a str>,
    pub progress: bool,
}

/// `members=members.csv` → (`members`, `members.csv`).
fn parse_join(text: &str) -> Option<(String, PathBuf)> {
    let (field, file) = text.split_once('=')?;
    let field = field.trim();
    if field.is_empty() || file.is_empty() {
        return None;
    }
    Some((field.to_string(), PathBuf::from(file)))
}

pub fn run(ruleset: Ruleset, job: &TableJob<'_>) -> ExitCode {
    let members = match job.join {
        Some(text) => match parse_join(text) {
            Some(j) => Some(j),
            None => {
                return crate::usage_error(
                    "`--join` is `FIELD=FILE`: the list field the members make, and their file (`--join members=members.csv`)",
                )
            }
        },
        None => None,
    };
    let mut table = TableOptions::new(job.as_of.clone());
    table.id_column = job.id_column.clone();
    table.explain = job.explain;
    table.lang = job.lang.map(str::to_string);
    table.threads = job.threads.max(1);
    table.statuses = job.statuses;
    let options = FileOptions { table, members };
    let bar = job.progress.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} households {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let started = Instant::now();
    let mut progress = |done: u64, total: Option<u64>| {
        if let Some(bar) = &bar {
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
        }
    };
    let result = screen_file(
        Arc::new(ruleset),
        job.input,
        job.output,
        options,
        &mut progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(counts) => {
            eprintln!(
                "{}",
                summary(&counts, started.elapsed().as_secs_f64(), job.output)
            );
            if counts.bad > 0 {
                ExitCode::from(crate::PROBLEMS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let e = e.into_facade();
            crate::report_error(&e, "the registry is", false);
            crate::exit_for(&e)
        }
    }
}

/// The line on stderr after a table: what was screened and what was not.
fn summary(c: &Counts, seconds: f64, output: &Path) -> String {
    let rate = c.households as f64 / seconds.max(1e-9);
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let mut line = format!(
        "screened {} {} into {} result {} in {} in {seconds:.2} s ({rate:.0} households/s)",
        c.households,
        plural(c.households, "household", "households"),
        c.rows,
        plural(c.rows, "row", "rows"),
        output.display()
    );
    if c.bad > 0 {
        line.push_str(&format!(
            "; {} {} refused, reported as `error` rows with their code and path",
            c.bad,
            plural(c.bad, "household was", "households were")
        ));
    }
    if c.work_limit > 0 {
        line.push_str(&format!(
            "; {} {} out of work ({} steps), its rows marked `work_limit`: their undetermined results may not be missing facts",
            c.work_limit,
            plural(c.work_limit, "household ran", "households ran"),
            accord_core::limits::MAX_WORK
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::parse_join;

    #[test]
    fn joins_are_field_and_file() {
        assert_eq!(
            parse_join("members=m.csv"),
            Some(("members".to_string(), "m.csv".into()))
        );
        assert_eq!(parse_join("members"), None);
        assert_eq!(parse_join("=m.csv"), None);
        assert_eq!(parse_join("members="), None);
    }
}
