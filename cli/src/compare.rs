//! `accord compare`: a registry screened under a base ruleset and a reform,
//! tallied per programme. The registry is streamed on every core in chunks of
//! whole lines (the reader of `accord screen`); each worker keeps its own
//! tally, and the tallies add up at the end, so memory stays flat. Deciles
//! read the registry twice (incomes first), so they need a file.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use accord_core::compare::{CompareOptions, Comparison, Deciles, Incomes, Tally};
use accord_core::{CompareRequest, SourceFile};

use crate::args::{Lang, TableFormat, Threads};
use crate::files::load;
use crate::screen::{line_groups, read_chunks, Chunk, Pool, WORKER_STACK};
use crate::{cannot_run, load_ruleset, report_error, warn_unknown_lang, CANNOT_RUN, PROBLEMS};

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// The base ruleset: a `.accord` file or a directory of them.
    #[arg(value_name = "BASE")]
    base: PathBuf,
    /// The reform: a `.accord` file (or a directory) whose declarations replace
    /// the base's of the same name.
    #[arg(value_name = "REFORM")]
    reform: Option<PathBuf>,
    /// The registry: one facts document per line (`-` for standard input).
    #[arg(long, value_name = "IN.jsonl")]
    facts_jsonl: PathBuf,
    /// Set a parameter for the reform: `NAME=VALUE` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// The date from which each `--set` value holds (its first date otherwise).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// The as-of date (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Figures by a fact of the root of enum type (a region).
    #[arg(long, value_name = "FACT")]
    by: Option<String>,
    /// Figures by decile of a number fact or `let` of the root (an income).
    #[arg(long, value_name = "FACT")]
    decile_by: Option<String>,
    /// The root's list of people (its first list of entities by default).
    #[arg(long, value_name = "LIST")]
    people: Option<String>,
    #[command(flatten)]
    lang: Lang,
    /// `human` (a table per programme), `json` or `csv`.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    format: TableFormat,
    #[command(flatten)]
    threads: Threads,
    /// Show a progress bar (default: when standard error is a terminal).
    #[arg(long, overrides_with = "no_progress")]
    progress: bool,
    #[arg(long, hide = true)]
    no_progress: bool,
}

pub(crate) fn compare_command(args: &CompareArgs) -> ExitCode {
    let json = args.format == TableFormat::Json;
    let as_of = match crate::args::as_of(args.as_of.as_deref(), json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let base = match load_ruleset(std::slice::from_ref(&args.base), None, json) {
        Ok(r) => r,
        Err(code) => return code,
    };
    warn_unknown_lang(base.engine(), args.lang.get());
    let reform_path = args.reform.as_deref();
    let mut request = CompareRequest {
        options: CompareOptions {
            by: args.by.clone(),
            decile_by: args.decile_by.clone(),
            people: args.people.clone(),
        },
        settings: Vec::new(),
    };
    for set in &args.set {
        match accord_core::compare::parse_setting(set, args.from.as_deref()) {
            Ok(s) => request.settings.push(s),
            Err(e) => {
                report_error(&accord_core::Error::from(e), "`--set` is", json);
                return ExitCode::from(CANNOT_RUN);
            }
        }
    }
    if reform_path.is_none() && request.settings.is_empty() {
        eprintln!("error: give a REFORM file or `--set NAME=VALUE` to compare with");
        return ExitCode::from(CANNOT_RUN);
    }
    let reformed = match reformed_with(&base, reform_path, &request.settings, json) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let comparison = match Comparison::new(base.engine(), reformed.engine(), &request.options) {
        Ok(c) => c,
        Err(e) => {
            report_error(&accord_core::Error::from(e), "the request is", json);
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let stdin = args.facts_jsonl.as_os_str() == "-";
    if comparison.needs_incomes() && stdin {
        eprintln!(
            "error: `--decile-by` reads the registry twice (incomes first): give a file, not `-`"
        );
        return ExitCode::from(CANNOT_RUN);
    }
    let progress = crate::screen::progress_wanted(if args.progress {
        Some(true)
    } else if args.no_progress {
        Some(false)
    } else {
        None
    });
    let started = std::time::Instant::now();
    let job = Job {
        comparison: &comparison,
        as_of,
        input: &args.facts_jsonl,
        threads: args.threads.count(),
        progress,
    };
    let deciles = if comparison.needs_incomes() {
        match job.incomes() {
            Ok(i) => i.cutoffs(),
            Err(e) => return io_failed(&args.facts_jsonl, &e),
        }
    } else {
        Deciles::default()
    };
    let tally = match job.tally(&deciles) {
        Ok(t) => t,
        Err(e) => return io_failed(&args.facts_jsonl, &e),
    };
    let report = comparison.report(&tally, as_of, args.lang.get());
    let text = match args.format {
        TableFormat::Json => format!("{}\n", report.to_json()),
        TableFormat::Csv => report.to_csv(),
        TableFormat::Human => report.render(),
    };
    let mut out = crate::screen::stdout_writer();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(CANNOT_RUN);
    }
    // The bad lines, by number and code (messages name fields, never values).
    for e in &report.errors {
        eprintln!("line {}: {}", e.line, e.error);
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "compared {} households in {seconds:.2} s{}",
        tally.households(),
        match tally.bad_lines() {
            0 => String::new(),
            n => format!("; {n} bad line{} skipped", if n == 1 { "" } else { "s" }),
        }
    );
    if tally.bad_lines() > 0 {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--reform REFORM`, `--set NAME=VALUE` and `--from DATE` of `accord test`
/// and `accord screen`: the ruleset those commands run on is the reformed one
/// (the bindings' `Ruleset.reform`).
#[derive(Debug, clap::Args)]
pub(crate) struct ReformArgs {
    /// A reform (section 22): a `.accord` file (or a directory) whose
    /// declarations replace the ruleset's of the same name; the command runs on
    /// the reformed ruleset.
    #[arg(long, value_name = "REFORM")]
    reform: Option<PathBuf>,
    /// Set a parameter for the reform: `NAME=VALUE` (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// The date from which each `--set` value holds (its first date otherwise).
    #[arg(long, value_name = "DATE", requires = "set")]
    from: Option<String>,
}

impl ReformArgs {
    /// `base` reformed as asked (`base` itself without `--reform` or
    /// `--set`), or the exit code once the errors are printed.
    pub(crate) fn apply(
        &self,
        base: accord_core::Ruleset,
        json: bool,
    ) -> Result<accord_core::Ruleset, ExitCode> {
        if self.reform.is_none() && self.set.is_empty() {
            return Ok(base);
        }
        let mut settings = Vec::with_capacity(self.set.len());
        for set in &self.set {
            match accord_core::compare::parse_setting(set, self.from.as_deref()) {
                Ok(s) => settings.push(s),
                Err(e) => {
                    report_error(&accord_core::Error::from(e), "`--set` is", json);
                    return Err(ExitCode::from(CANNOT_RUN));
                }
            }
        }
        reformed_with(&base, self.reform.as_deref(), &settings, json)
    }
}

fn reformed_with(
    base: &accord_core::Ruleset,
    reform: Option<&std::path::Path>,
    settings: &[accord_core::compare::Setting],
    json: bool,
) -> Result<accord_core::Ruleset, ExitCode> {
    let files: Vec<SourceFile> = match reform {
        Some(path) => match load(&[path.to_path_buf()]) {
            Ok(files) => files.into_iter().map(|f| f.source).collect(),
            Err(e) => return Err(cannot_run(&e)),
        },
        None => Vec::new(),
    };
    match base.reform(files, settings) {
        Ok(r) => Ok(r),
        Err(e) if e.kind == accord_core::ErrorKind::Ruleset => {
            // The reform's diagnostics, each at its file and line.
            if json {
                outln!("{}", e.to_json());
            }
            eprintln!("error: {}", e.message);
            for p in &e.problems {
                eprintln!(
                    "  {}:{}:{}: {}: {}",
                    p.file.as_deref().unwrap_or_default(),
                    p.line.unwrap_or(0),
                    p.column.unwrap_or(0),
                    p.code,
                    p.message
                );
                if let Some(h) = &p.help {
                    eprintln!("    help: {h}");
                }
            }
            Err(ExitCode::from(PROBLEMS))
        }
        Err(e) => {
            report_error(&e, "the reform is", json);
            Err(ExitCode::from(match e.kind {
                accord_core::ErrorKind::Request => CANNOT_RUN,
                _ => PROBLEMS,
            }))
        }
    }
}

fn io_failed(path: &std::path::Path, e: &io::Error) -> ExitCode {
    eprintln!("error: cannot read `{}`: {e}", path.display());
    ExitCode::from(CANNOT_RUN)
}

struct Job<'a, 'e> {
    comparison: &'a Comparison<'e>,
    as_of: jiff::civil::Date,
    input: &'a PathBuf,
    threads: usize,
    progress: bool,
}

impl<'e> Job<'_, 'e> {
    fn incomes(&self) -> io::Result<Incomes> {
        self.run(
            "reading incomes",
            |ws, lines, acc: &mut Incomes| self.comparison.incomes(ws, lines, acc),
            Incomes::merge,
        )
    }

    fn tally(&self, deciles: &Deciles) -> io::Result<Tally> {
        self.run(
            "comparing",
            |ws, lines, acc: &mut Tally| self.comparison.tally(ws, lines, deciles, acc),
            Tally::merge,
        )
    }

    /// One pass over the registry on `threads` workers, each adding its lines
    /// to its own `A`; the workers' `A`s are merged at the end.
    fn run<A: Default + Send>(
        &self,
        what: &str,
        step: impl Fn(&mut accord_core::compare::Workspace<'e>, &[(usize, &[u8])], &mut A) + Sync,
        merge: fn(&mut A, A),
    ) -> io::Result<A> {
        let (reader, total): (Box<dyn Read + Send>, Option<u64>) = if self.input.as_os_str() == "-"
        {
            (Box::new(io::stdin()), None)
        } else {
            let f = File::open(self.input)?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(f), len)
        };
        let bar = (self.progress && io::stderr().is_terminal()).then(|| {
            let bar = match total {
                Some(n) => indicatif::ProgressBar::new(n),
                None => indicatif::ProgressBar::new_spinner(),
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(what.to_string());
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar
        });
        let threads = self.threads.max(1);
        let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(threads * 2);
        let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
        let pool: Pool<Vec<u8>> = Pool::default();
        let mut result = A::default();
        let mut failed = false;
        let read = std::thread::scope(|scope| -> io::Result<()> {
            let pool = &pool;
            let reader_handle = scope.spawn(move || read_chunks(reader, work_tx, pool));
            let mut workers = Vec::new();
            for _ in 0..threads {
                let rx = std::sync::Arc::clone(&work_rx);
                let (step, bar) = (&step, &bar);
                let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
                let spawned = worker.spawn_scoped(scope, move || {
                    let mut ws = self.comparison.workspace(self.as_of);
                    let mut acc = A::default();
                    loop {
                        let chunk = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => break,
                        };
                        let Ok(chunk) = chunk else { break };
                        line_groups(&chunk, |lines| step(&mut ws, lines, &mut acc));
                        if let Some(bar) = bar {
                            bar.inc(chunk.text.len() as u64);
                        }
                        pool.give(chunk.text);
                    }
                    acc
                });
                match spawned {
                    Ok(h) => workers.push(h),
                    Err(_) => failed = true,
                }
            }
            drop(work_rx);
            for h in workers {
                match h.join() {
                    Ok(acc) => merge(&mut result, acc),
                    Err(_) => failed = true,
                }
            }
            match reader_handle.join() {
                Ok(r) => r,
                Err(_) => Err(io::Error::other("the reader thread failed")),
            }
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        read?;
        if failed {
            return Err(io::Error::other(
                "a comparison worker failed inside the engine (this is a bug in Accord: please report it)",
            ));
        }
        Ok(result)
    }
}
