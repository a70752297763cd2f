//! `accord case`: a case's state from its event log, or one event added to it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::args::{self, HumanOrJson, Lang, RulesetFiles, TableFormat, Threads};
use crate::{
    exit_for, load_ruleset, read_input, report_error, warn_unknown_lang, CANNOT_RUN, PROBLEMS,
};

#[derive(Debug, clap::Args)]
pub(crate) struct CaseArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The case's event log: one JSON event per line.
    #[arg(long, value_name = "EVENTS.jsonl")]
    events: PathBuf,
    /// The as-of date (YYYY-MM-DD); today by default. Events after it are not applied.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Show only what this role may see (its tasks, the assessments shared with it).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// With `--role` of a role `is provider`: show what this provider (its
    /// catalogue id) may see — its referrals and plan entries, under consent.
    #[arg(long, value_name = "ID")]
    provider: Option<String>,
    /// The provider catalogue: referrals and plan entries are checked against it.
    #[arg(long, value_name = "PROVIDERS.json")]
    catalogue: Option<PathBuf>,
    /// Check one event (JSON) against the case and append it to the log; the
    /// log is created by an `opened` event.
    #[arg(long, value_name = "EVENT_JSON")]
    add: Option<String>,
    #[command(flatten)]
    lang: Lang,
    #[command(flatten)]
    format: HumanOrJson,
}

/// Compiles the ruleset and sets the catalogue, when one is given.
pub(crate) fn ruleset_and_catalogue(
    files: &[PathBuf],
    catalogue: Option<&PathBuf>,
    json: bool,
) -> Result<accord_core::Ruleset, ExitCode> {
    let mut ruleset = load_ruleset(files, None, json)?;
    if let Some(path) = catalogue {
        let text = read_input(path)?;
        if let Err(e) = ruleset.set_catalogue(&text) {
            report_error(&e, &format!("the catalogue `{}` is", path.display()), json);
            return Err(ExitCode::from(PROBLEMS));
        }
    }
    Ok(ruleset)
}

pub(crate) fn case_command(args: &CaseArgs) -> ExitCode {
    let json = args.format.json();
    let as_of = match args::as_of(args.as_of.as_deref(), json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let ruleset = match ruleset_and_catalogue(&args.ruleset.files, args.catalogue.as_ref(), json) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // As `accord screen` and `accord graph`: an undeclared language is a
    // warning, and the labels are the ruleset's first language's.
    warn_unknown_lang(ruleset.engine(), args.lang.get());
    let log_name = args.events.display().to_string();
    let mut text = match (&args.add, args.events.exists()) {
        (Some(_), false) => String::new(),
        _ => match read_input(&args.events) {
            Ok(t) => t,
            Err(code) => return code,
        },
    };
    if let Some(add) = &args.add {
        // The whole log, whatever the as-of date: the event goes at its end.
        text = match ruleset.case_add(&text, add) {
            Ok(t) => t,
            Err(e) => {
                report_error(&e, &log_name, json);
                return ExitCode::from(PROBLEMS);
            }
        };
        if let Err(e) = write_atomically(&args.events, &text) {
            eprintln!("error: cannot write `{log_name}`: {e}");
            return ExitCode::from(CANNOT_RUN);
        }
    }
    match ruleset.case_view_report(
        &text,
        &as_of.to_string(),
        args.role.as_deref(),
        args.provider.as_deref(),
        args.lang.get(),
    ) {
        Ok(state) => {
            if json {
                outln!("{}", state.to_json());
            } else {
                out!("{}", state.render());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e, &log_name, json);
            ExitCode::from(PROBLEMS)
        }
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: a log is never left half-written.
pub(crate) fn write_atomically(path: &PathBuf, text: &str) -> std::io::Result<()> {
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[derive(Debug, clap::Args)]
pub(crate) struct CaseloadArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The cases: event logs (`.jsonl`), or directories of them (searched
    /// recursively). A case is named by its `opened` event's `case`, or its file.
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    cases: Vec<PathBuf>,
    /// The as-of date (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The agenda of this role only (its tasks and those escalated to it).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// The provider catalogue referrals are checked against.
    #[arg(long, value_name = "PROVIDERS.json")]
    catalogue: Option<PathBuf>,
    #[command(flatten)]
    threads: Threads,
    #[command(flatten)]
    lang: Lang,
    /// `human`, `json` or `csv` (the agenda).
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    format: TableFormat,
}

/// Every `.jsonl` file under `path` (itself, if it is a file), sorted.
fn logs_under(path: &PathBuf, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "jsonl") {
                logs_under(&e, out)?;
            }
        }
    } else {
        out.push(path.clone());
    }
    Ok(())
}

/// Every log under `paths` (files, or directories searched recursively for
/// `.jsonl` files), named by its path without `.jsonl`, with its text.
pub(crate) fn read_logs(paths: &[PathBuf]) -> Result<Vec<(String, String)>, ExitCode> {
    let mut found = Vec::new();
    for p in paths {
        if let Err(e) = logs_under(p, &mut found) {
            eprintln!("error: cannot read `{}`: {e}", p.display());
            return Err(ExitCode::from(CANNOT_RUN));
        }
    }
    let mut logs = Vec::with_capacity(found.len());
    for p in &found {
        // The path names a case whose `opened` event does not.
        let shown = p.display().to_string();
        let name = shown.strip_suffix(".jsonl").unwrap_or(&shown).to_string();
        logs.push((name, read_input(p)?));
    }
    Ok(logs)
}

pub(crate) fn caseload_command(args: &CaseloadArgs) -> ExitCode {
    let json = args.format == TableFormat::Json;
    let as_of = match args::as_of(args.as_of.as_deref(), json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let ruleset = match ruleset_and_catalogue(&args.ruleset.files, args.catalogue.as_ref(), json) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // As `accord screen` and `accord graph`: an undeclared language is a
    // warning, and the labels are the ruleset's first language's.
    warn_unknown_lang(ruleset.engine(), args.lang.get());
    let logs = match read_logs(&args.cases) {
        Ok(logs) => logs,
        Err(code) => return code,
    };
    let cases: Vec<(&str, &str)> = logs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let report = match ruleset.caseload_report(
        &cases,
        &as_of.to_string(),
        args.role.as_deref(),
        args.lang.get(),
        args.threads.count(),
    ) {
        Ok(report) => report,
        // A worker that failed: no caseload rather than one with cases missing.
        Err(e) => {
            report_error(&e, "the caseload", json);
            return exit_for(&e);
        }
    };
    match args.format {
        TableFormat::Json => outln!("{}", report.to_json()),
        TableFormat::Csv => out!("{}", report.to_csv()),
        TableFormat::Human => out!("{}", report.render()),
    }
    match report.errors.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(PROBLEMS),
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// One device's log of the case.
    #[arg(long, value_name = "A.jsonl")]
    events: PathBuf,
    /// The other device's log of the same case.
    #[arg(long, value_name = "B.jsonl")]
    with: PathBuf,
    /// Write the merged log here (standard output by default).
    #[arg(long, value_name = "OUT.jsonl")]
    output: Option<PathBuf>,
    /// The provider catalogue referrals are checked against.
    #[arg(long, value_name = "PROVIDERS.json")]
    catalogue: Option<PathBuf>,
}

pub(crate) fn merge_command(args: &MergeArgs) -> ExitCode {
    let ruleset = match ruleset_and_catalogue(&args.ruleset.files, args.catalogue.as_ref(), false) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut logs = Vec::new();
    for p in [&args.events, &args.with] {
        match read_input(p) {
            Ok(t) => logs.push(t),
            Err(code) => return code,
        }
    }
    let (a, b) = match logs.as_slice() {
        [a, b] => (a, b),
        _ => return ExitCode::from(CANNOT_RUN),
    };
    let merged = match ruleset.merge_report(a, b) {
        Ok(m) => m,
        Err(e) => {
            report_error(&e, "the logs", false);
            return ExitCode::from(PROBLEMS);
        }
    };
    let text = merged.to_jsonl();
    match &args.output {
        Some(p) => {
            if let Err(e) = write_atomically(p, &text) {
                eprintln!("error: cannot write `{}`: {e}", p.display());
                return ExitCode::from(CANNOT_RUN);
            }
        }
        None => out!("{text}"),
    }
    eprintln!(
        "merged {} and {} events into {}",
        a.lines().filter(|l| !l.trim().is_empty()).count(),
        b.lines().filter(|l| !l.trim().is_empty()).count(),
        merged.events.len()
    );
    for c in &merged.conflicts {
        eprintln!("conflict at line {}: {}", c.line, c.reason);
    }
    // Conflicts need a person: the log is written, and the exit says so.
    match merged.conflicts.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(PROBLEMS),
    }
}
