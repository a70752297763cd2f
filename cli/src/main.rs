//! `accord`: the command line over `accord-core`'s facade.
//!
//! Exit codes, for scripts: 0 success; 1 the input has problems (diagnostics with
//! errors, files that `fmt --check` would change or cannot format); 2 the command
//! could not run (bad usage, a missing or unreadable file, a file that is not
//! UTF-8). The CLI only loads files and prints: every answer comes from the facade.

/// `print!` to standard output that ends the program quietly (exit 0) when the
/// reader has gone, as in `accord screen … | head`: a closed pipe is not the
/// user's mistake, and `print!` would panic on it.
macro_rules! out {
    ($($t:tt)*) => { $crate::write_stdout(format_args!($($t)*), false) };
}

/// `println!` to standard output, like [`out!`].
macro_rules! outln {
    ($($t:tt)*) => { $crate::write_stdout(format_args!($($t)*), true) };
}

mod args;
mod case;
mod compare;
mod files;
mod graph;
mod screen;
mod table;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use accord_core::{RenderOptions, SourceFile};
use clap::{Parser, Subcommand, ValueEnum};

use args::{Format, HumanOrJson, Lang, RulesetFiles, TableFormat, Threads};
use files::{load, LoadError};

/// Accord: rules for social protection programmes, checked and explained.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand of the brief's "Command line" contract; the others
/// (doc) join as they are built.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check a ruleset: exit 0 when valid (warnings allowed), 1 with errors.
    Check(CheckArgs),
    /// Rewrite files in the canonical layout.
    Fmt(FmtArgs),
    /// Screen facts: which programmes, how much, why, and what to ask next.
    Screen(ScreenArgs),
    /// Run the ruleset's `test` blocks: exit 1 if any fails.
    Test(TestArgs),
    /// Print a JSON Schema of the facts document, with labels.
    Schema(SchemaArgs),
    /// Score an assessment's answers: scores, needs, risk, what to ask next; or
    /// print its questionnaire as a form (`--form`).
    Assess(AssessArgs),
    /// Every provider, state and non-state, that can meet a need in a region.
    Providers(ProvidersArgs),
    /// The territorial map: needs found by assessments against capacity, per region.
    Plan(PlanArgs),
    /// A case's state from its event log (tasks, deadlines, escalations, needs,
    /// plan, referrals), as a whole or for one role; `--add` checks and appends
    /// an event.
    Case(case::CaseArgs),
    /// Many cases on one date: a role's agenda (due and overdue tasks, sorted)
    /// and the monitoring figures.
    Caseload(case::CaseloadArgs),
    /// Merge two logs of one case written offline on two devices: every event
    /// kept, conflicts marked and reported (exit 1 when there are any).
    Merge(case::MergeArgs),
    /// A protocol's workflow graph as DOT, Mermaid or JSON; `--list` its names.
    Graph(graph::GraphArgs),
    /// What if: a registry screened under a base ruleset and a reform (a
    /// ruleset file replacing declarations, or `--set NAME=VALUE`), per
    /// programme, region and income decile.
    Compare(compare::CompareArgs),
    /// The language server for editors (the Language Server Protocol over
    /// standard input and output): diagnostics as you type, hover, go to
    /// definition, references, rename, completion, formatting, quick fixes.
    Lsp(LspArgs),
}

#[derive(Debug, clap::Args)]
struct LspArgs {
    /// Accepted for editors that start servers with `--stdio`; standard input
    /// and output are the only transport.
    #[arg(long)]
    stdio: bool,
    /// Publish diagnostics this long after the last edit (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 200)]
    debounce: u64,
}

#[derive(Debug, clap::Args)]
struct ProvidersArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The provider catalogue (JSON).
    #[arg(long, value_name = "PROVIDERS.json")]
    catalogue: PathBuf,
    /// The need to meet.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "result",
        conflicts_with = "result"
    )]
    need: Option<String>,
    /// An assessment result (`accord assess --format json`): providers for each
    /// need it established.
    #[arg(long, value_name = "RESULT.json")]
    result: Option<PathBuf>,
    /// The region (a variant of the ruleset's `regions` enum); anywhere by default.
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Satisfaction scores (JSON) that rank the providers.
    #[arg(long, value_name = "RATINGS.json")]
    ratings: Option<PathBuf>,
    /// Case logs (`.jsonl`, or directories of them, searched recursively)
    /// whose `rates providers` surveys add to the ratings; a log that cannot
    /// be replayed is reported and skipped.
    #[arg(long, num_args = 1.., value_name = "DIR")]
    cases: Vec<PathBuf>,
    #[command(flatten)]
    lang: Lang,
    #[command(flatten)]
    format: HumanOrJson,
}

#[derive(Debug, clap::Args)]
struct PlanArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The provider catalogue (JSON).
    #[arg(long, value_name = "PROVIDERS.json")]
    catalogue: PathBuf,
    /// Assessment results with a region, one JSON object per line.
    #[arg(long, value_name = "RESULTS.jsonl")]
    results: PathBuf,
    /// `human` (a table), `json` or `csv`.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    format: TableFormat,
}

#[derive(Debug, clap::Args)]
struct AssessArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The assessment's name (may be left out when the ruleset has one).
    #[arg(long, value_name = "ID")]
    assessment: Option<String>,
    /// The answers: a JSON object from question names to answers.
    #[arg(
        long,
        value_name = "A.json",
        required_unless_present = "form",
        conflicts_with = "form"
    )]
    answers: Option<PathBuf>,
    /// Print the questionnaire as JSON, with every label in every language.
    #[arg(long)]
    form: bool,
    #[command(flatten)]
    lang: Lang,
    #[command(flatten)]
    format: HumanOrJson,
}

#[derive(Debug, clap::Args)]
struct ScreenArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// One facts document (JSON) describing the root entity.
    #[arg(
        long,
        value_name = "FACTS.json",
        conflicts_with_all = ["facts_jsonl", "input"],
        required_unless_present_any = ["facts_jsonl", "input"]
    )]
    facts: Option<PathBuf>,
    /// A registry: one facts document per line (`-` for standard input).
    #[arg(long, value_name = "IN.jsonl", conflicts_with = "input")]
    facts_jsonl: Option<PathBuf>,
    /// A registry as a table: a Parquet file, or a CSV file with a header row;
    /// one household a row, its columns the root's facts (docs/guide-data.md).
    #[arg(long, value_name = "IN.parquet|IN.csv", requires = "output")]
    input: Option<PathBuf>,
    /// Where `--input`'s results go: `.parquet`, `.csv` or `.jsonl`, one row per
    /// household, programme and subject.
    #[arg(long, value_name = "OUT", requires = "input")]
    output: Option<PathBuf>,
    /// The column of `--input` carried through as each household's id (not a
    /// fact); without it, results carry the household's row number.
    #[arg(long, value_name = "COLUMN", requires = "input")]
    id_column: Option<String>,
    /// A members file joined to `--input` by the id column: `members=members.csv`
    /// gives each household the list `members` of the rows with its id (grouped
    /// by household, in the households' order).
    #[arg(long, value_name = "FIELD=FILE", requires = "id_column")]
    join: Option<String>,
    /// The as-of date (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    lang: Lang,
    /// `human`, `json` (one document) or `jsonl` (a registry).
    #[arg(long, value_enum)]
    format: Option<ScreenFormat>,
    #[command(flatten)]
    threads: Threads,
    /// Include explanations in registry output.
    #[arg(long)]
    explain: bool,
    /// With `--facts-jsonl`: the key of each document that identifies it
    /// (`household_id`), taken out before the document is checked (it is not
    /// a fact) and carried into its line as `"id"`.
    #[arg(long, value_name = "KEY", requires = "facts_jsonl")]
    id_key: Option<String>,
    /// With a registry (`--facts-jsonl`, `--input`): keep only the results of
    /// these statuses (`eligible,undetermined`); every result by default. A
    /// refused household is always written.
    #[arg(
        long,
        value_name = "STATUS,…",
        value_delimiter = ',',
        conflicts_with_all = ["facts", "why"]
    )]
    only: Option<Vec<String>>,
    /// Explain one programme in full: its results, with how each derived value was
    /// computed (a tree, 3 levels deep), and the questions that could decide it.
    #[arg(long, value_name = "PROGRAM", conflicts_with = "facts_jsonl")]
    why: Option<String>,
    /// The root entity, when the ruleset has several.
    #[arg(long, value_name = "ENTITY")]
    entity: Option<String>,
    #[command(flatten)]
    reform: compare::ReformArgs,
    /// Show a progress bar (default: when standard error is a terminal).
    #[arg(long, overrides_with = "no_progress")]
    progress: bool,
    #[arg(long, hide = true)]
    no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScreenFormat {
    Human,
    Json,
    Jsonl,
}

#[derive(Debug, clap::Args)]
struct TestArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    #[command(flatten)]
    reform: compare::ReformArgs,
    #[command(flatten)]
    format: HumanOrJson,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    #[command(flatten)]
    lang: Lang,
    /// The root entity, when the ruleset has several.
    #[arg(long, value_name = "ENTITY")]
    entity: Option<String>,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// `human` (source snippets on stderr) or `json` (on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct FmtArgs {
    /// Write nothing; list the files that would change and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// Files to format; a directory stands for its `*.accord` files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// The command ran and found problems in its input.
pub(crate) const PROBLEMS: u8 = 1;
/// The command could not run.
pub(crate) const CANNOT_RUN: u8 = 2;

/// Writes to standard output (see [`out!`]); any other write error is reported
/// and ends the program with exit status 2.
fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(args).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(2);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Fmt(args) => fmt(&args),
        Command::Screen(args) => screen_command(&args),
        Command::Test(args) => test_command(&args),
        Command::Schema(args) => schema_command(&args),
        Command::Assess(args) => assess_command(&args),
        Command::Providers(args) => providers_command(&args),
        Command::Plan(args) => plan_command(&args),
        Command::Graph(args) => graph::graph_command(&args),
        Command::Case(args) => case::case_command(&args),
        Command::Caseload(args) => case::caseload_command(&args),
        Command::Merge(args) => case::merge_command(&args),
        Command::Compare(args) => compare::compare_command(&args),
        Command::Lsp(args) => lsp_command(&args),
    }
}

fn lsp_command(args: &LspArgs) -> ExitCode {
    let options = accord_lsp::Options {
        debounce: std::time::Duration::from_millis(args.debounce),
        ..accord_lsp::Options::default()
    };
    match accord_lsp::serve_stdio(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the language server stopped: {e}");
            ExitCode::from(2)
        }
    }
}

/// Loads and compiles a ruleset; on errors prints them (readably on stderr,
/// and with `json` the facade's error on stdout) and gives the exit code.
fn compile(
    paths: &[PathBuf],
    entity: Option<&str>,
    json: bool,
) -> Result<accord_core::Engine, ExitCode> {
    let files = load(paths).map_err(|e| cannot_run(&e))?;
    // In order of their names, as the facade's `Ruleset::load` takes them, so
    // files named in any order give the same bytes as every front end.
    let mut sources: Vec<_> = files.into_iter().map(|f| f.source).collect();
    accord_core::facade::sort_by_name(&mut sources);
    let engine = match accord_core::Engine::compile(sources) {
        Ok(engine) => engine,
        Err(report) => {
            if json {
                outln!("{}", accord_core::Error::from(report.clone()).to_json());
            }
            eprint!("{}", report.render(stderr_render_options()));
            return Err(ExitCode::from(PROBLEMS));
        }
    };
    match entity {
        Some(name) => engine.with_root(name).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(CANNOT_RUN)
        }),
        None => Ok(engine),
    }
}

/// [`compile`], as the facade every front end calls.
pub(crate) fn load_ruleset(
    paths: &[PathBuf],
    entity: Option<&str>,
    json: bool,
) -> Result<accord_core::Ruleset, ExitCode> {
    compile(paths, entity, json).map(accord_core::Ruleset::from_engine)
}

pub(crate) fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(CANNOT_RUN)
}

/// Warns when `--lang` names a language the ruleset does not have.
pub(crate) fn warn_unknown_lang(engine: &accord_core::Engine, lang: Option<&str>) {
    if let Some(lang) = lang {
        if !engine.languages().iter().any(|l| l == lang) {
            eprintln!(
                "warning: the ruleset has no language `{lang}` (it has {}); labels fall back to the first",
                engine.languages().join(", ")
            );
        }
    }
}

fn screen_command(args: &ScreenArgs) -> ExitCode {
    let json = args.format == Some(ScreenFormat::Json);
    let as_of = match args::as_of(args.as_of.as_deref(), json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let ruleset = match load_ruleset(&args.ruleset.files, args.entity.as_deref(), json)
        .and_then(|r| args.reform.apply(r, json))
    {
        Ok(r) => r,
        Err(code) => return code,
    };
    warn_unknown_lang(ruleset.engine(), args.lang.get());
    let statuses = match &args.only {
        Some(names) => match accord_core::facade::parse_statuses(names) {
            Ok(s) => s,
            Err(e) => {
                report_error(&e, "`--only` is", json);
                return exit_for(&e);
            }
        },
        None => accord_core::StatusFilter::ALL,
    };
    let progress = screen::progress_wanted(if args.progress {
        Some(true)
    } else if args.no_progress {
        Some(false)
    } else {
        None
    });
    if let (Some(input), Some(output)) = (&args.input, &args.output) {
        if args.format.is_some() {
            return usage_error("a table's results take the format of `--output` (.parquet, .csv or .jsonl), not `--format`");
        }
        let job = table::TableJob {
            input,
            output,
            as_of: as_of.to_string(),
            id_column: args.id_column.clone(),
            join: args.join.as_deref(),
            threads: args.threads.count(),
            statuses,
            explain: args.explain,
            lang: args.lang.get(),
            progress,
        };
        return table::run(ruleset, &job);
    }
    if let Some(input) = &args.facts_jsonl {
        if matches!(args.format, Some(ScreenFormat::Human | ScreenFormat::Json)) {
            return usage_error("a registry (`--facts-jsonl`) is screened with `--format jsonl`");
        }
        let job = screen::Batch {
            engine: ruleset.engine(),
            as_of,
            input,
            threads: args.threads.count(),
            explain: args.explain,
            lang: args.lang.get(),
            id_key: args.id_key.as_deref(),
            statuses,
            progress,
        };
        let mut out = screen::stdout_writer();
        return match screen::batch(&job, &mut out) {
            Ok(s) => {
                eprintln!("{}", screen::summary(&s));
                if s.bad_lines > 0 {
                    ExitCode::from(PROBLEMS)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) if e.get_ref().is_some_and(|i| i.is::<screen::WorkerFailed>()) => {
                eprintln!("error: {e}");
                ExitCode::from(CANNOT_RUN)
            }
            Err(e) => cannot_run(&LoadError::Read(input.clone(), e)),
        };
    }
    let Some(path) = &args.facts else {
        return usage_error("give `--facts FACTS.json` or `--facts-jsonl IN.jsonl`");
    };
    if args.format == Some(ScreenFormat::Jsonl) {
        return usage_error("`--format jsonl` is for a registry given with `--facts-jsonl`");
    }
    let text = match read_input(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let report = match &args.why {
        Some(program) => {
            ruleset.explain_report(&text, &as_of.to_string(), program, args.lang.get())
        }
        None => ruleset.screen_report(&text, &as_of.to_string(), args.lang.get()),
    };
    match report {
        Ok(report) => {
            if json {
                outln!("{}", report.to_json());
            } else {
                out!("{}", report.render());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e, &format!("the facts in `{}` are", path.display()), json);
            exit_for(&e)
        }
    }
}

/// The exit code of a facade error: 2 when the request itself could not run
/// (`U…`), 1 when an input has problems.
pub(crate) fn exit_for(e: &accord_core::Error) -> ExitCode {
    match e.kind {
        accord_core::ErrorKind::Request => ExitCode::from(CANNOT_RUN),
        _ => ExitCode::from(PROBLEMS),
    }
}

/// Prints an error of the facade: with `--format json`, its JSON on stdout,
/// exactly as every binding gives it (`{"kind", "message", "problems"}`);
/// and always readably on stderr. `what` names the input ("the facts in
/// `f.json` are") or, for a case, its log.
pub(crate) fn report_error(e: &accord_core::Error, what: &str, json: bool) {
    use accord_core::ErrorKind;
    if json {
        outln!("{}", e.to_json());
    }
    match e.kind {
        ErrorKind::Input => eprintln!("error: {what} not valid:"),
        ErrorKind::Ruleset => eprintln!("error: {}", e.message),
        ErrorKind::Case | ErrorKind::Request => {}
    }
    for p in &e.problems {
        match (e.kind, &p.path, p.line) {
            (ErrorKind::Case, _, Some(l)) => {
                eprintln!("error: {what}:{l}: {}: {}", p.code, p.message)
            }
            (ErrorKind::Case, _, None) => eprintln!("error: {what}: {}: {}", p.code, p.message),
            (ErrorKind::Request, _, _) => eprintln!("error: {}: {}", p.code, p.message),
            (_, Some(path), _) if !path.is_empty() => {
                eprintln!("  {} at `{path}`: {}", p.code, p.message)
            }
            _ => eprintln!("  {}: {}", p.code, p.message),
        }
        if let Some(h) = &p.help {
            match e.kind {
                ErrorKind::Case | ErrorKind::Request => eprintln!("  help: {h}"),
                _ => eprintln!("    help: {h}"),
            }
        }
    }
}

fn assess_command(args: &AssessArgs) -> ExitCode {
    let json = args.format.json();
    let ruleset = match load_ruleset(&args.ruleset.files, None, json) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let assessment = args.assessment.as_deref();
    if args.form {
        return match ruleset.assessment_form(assessment) {
            Ok(form) => {
                outln!("{form}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                report_error(&e, "the assessment is", json);
                ExitCode::from(PROBLEMS)
            }
        };
    }
    let Some(path) = &args.answers else {
        return usage_error("give `--answers A.json` or `--form`");
    };
    let text = match read_input(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match ruleset.assess_report(assessment, &text, args.lang.get()) {
        Ok(report) => {
            if json {
                outln!("{}", report.to_json());
            } else {
                out!("{}", report.render());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(
                &e,
                &format!("the answers in `{}` are", path.display()),
                json,
            );
            ExitCode::from(PROBLEMS)
        }
    }
}

/// Reads a text file given on the command line (without a byte-order mark).
/// Reads a JSON document or a log, never more than the largest input the
/// engine takes (the engine refuses what is over its limit, with its code).
fn read_input(path: &std::path::Path) -> Result<String, ExitCode> {
    let limit = accord_core::limits::MAX_LOG_BYTES
        .max(accord_core::limits::MAX_DOCUMENT_BYTES)
        .max(accord_core::limits::MAX_FACTS_BYTES);
    files::read_bounded(path, limit).map_err(|e| cannot_run(&e))
}

fn providers_command(args: &ProvidersArgs) -> ExitCode {
    let json = args.format.json();
    let mut ruleset = match load_ruleset(&args.ruleset.files, None, json) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let inputs = [
        (Some(&args.catalogue), "catalogue", "is"),
        (args.ratings.as_ref(), "ratings", "are"),
    ];
    for (path, what, verb) in inputs {
        let Some(path) = path else { continue };
        let text = match read_input(path) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let set = match what {
            "catalogue" => ruleset.set_catalogue(&text),
            _ => ruleset.set_ratings(&text),
        };
        if let Err(e) = set {
            report_error(&e, &format!("the {what} `{}` {verb}", path.display()), json);
            return ExitCode::from(PROBLEMS);
        }
    }
    if !args.cases.is_empty() {
        if let Err(code) = ratings_from_cases(&mut ruleset, &args.cases, json) {
            return code;
        }
    }
    let (region, lang) = (args.region.as_deref(), args.lang.get());
    // JSON is the facade's text itself; people get the reports rendered.
    let printed = match (&args.need, &args.result, json) {
        (Some(need), _, true) => ruleset.providers(need, region, lang),
        (Some(need), _, false) => ruleset
            .providers_report(need, region, lang)
            .map(|r| r.render()),
        (None, Some(path), _) => {
            let text = match read_input(path) {
                Ok(t) => t,
                Err(code) => return code,
            };
            match json {
                true => ruleset.providers_for_result(&text, region, lang),
                false => ruleset
                    .providers_for_result_report(&text, region, lang)
                    .map(|reports| reports.iter().map(|r| r.render()).collect()),
            }
        }
        (None, None, _) => return usage_error("give `--need ID` or `--result RESULT.json`"),
    };
    match printed {
        Ok(text) if json => {
            outln!("{text}");
            ExitCode::SUCCESS
        }
        Ok(text) => {
            out!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e, "the request is", json);
            ExitCode::from(PROBLEMS)
        }
    }
}

/// Adds the ratings of the cases' `rates providers` surveys; a log that
/// cannot be replayed is reported on stderr (with its code) and skipped.
fn ratings_from_cases(
    ruleset: &mut accord_core::facade::Ruleset,
    paths: &[PathBuf],
    json: bool,
) -> Result<(), ExitCode> {
    let logs = case::read_logs(paths)?;
    let cases: Vec<(&str, &str)> = logs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let added = ruleset.add_case_ratings_report(&cases).map_err(|e| {
        report_error(&e, "the request is", json);
        ExitCode::from(PROBLEMS)
    })?;
    for s in &added.skipped {
        eprintln!("warning: case `{}` skipped: {}", s.case, s.error);
    }
    Ok(())
}

fn plan_command(args: &PlanArgs) -> ExitCode {
    let json = args.format == TableFormat::Json;
    let ruleset =
        match case::ruleset_and_catalogue(&args.ruleset.files, Some(&args.catalogue), json) {
            Ok(r) => r,
            Err(code) => return code,
        };
    let results = match read_input(&args.results) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let map = match ruleset.needs_map_report(&results) {
        Ok(map) => map,
        Err(e) => {
            report_error(&e, "the request is", json);
            return exit_for(&e);
        }
    };
    match args.format {
        TableFormat::Json => outln!("{}", map.to_json()),
        TableFormat::Csv => out!("{}", map.to_csv()),
        TableFormat::Human => out!("{}", map.render()),
    }
    for s in &map.skipped {
        eprintln!("warning: {} skipped ({}): {}", s.path, s.code, s.message);
    }
    ExitCode::SUCCESS
}

fn test_command(args: &TestArgs) -> ExitCode {
    let json = args.format.json();
    let ruleset = match load_ruleset(&args.ruleset.files, None, json)
        .and_then(|r| args.reform.apply(r, json))
    {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = ruleset.run_tests_report();
    match json {
        true => outln!("{}", report.to_json()),
        false => out!("{}", report.render()),
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PROBLEMS)
    }
}

fn schema_command(args: &SchemaArgs) -> ExitCode {
    let ruleset = match load_ruleset(&args.ruleset.files, args.entity.as_deref(), false) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match ruleset.schema(args.lang.get()) {
        Ok(schema) => {
            outln!("{schema}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_error(&e, "the ruleset's root entity is", false);
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let files = match load(&args.ruleset.files) {
        Ok(files) => files,
        Err(error) => return cannot_run(&error),
    };
    let count = files.len();
    let report = accord_core::check(files.into_iter().map(|f| f.source).collect());
    match args.format {
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe is the reader's choice, not our failure.
            let _ = writeln!(stdout, "{}", report.to_json());
        }
        Format::Human => {
            let rendered = report.render(stderr_render_options());
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(rendered.as_bytes());
            if !report.has_errors() {
                let noun = if count == 1 { "file" } else { "files" };
                let _ = writeln!(stderr, "checked {count} {noun}: no errors");
            }
        }
    }
    if report.has_errors() {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
}

fn fmt(args: &FmtArgs) -> ExitCode {
    let files = match load(&args.files) {
        Ok(files) => files,
        Err(error) => return cannot_run(&error),
    };
    let options = stderr_render_options();
    let mut problems = false;
    for file in files {
        let original = file.source.text.clone();
        let display = file.path.display().to_string();
        match accord_core::format(file.source) {
            Err(report) => {
                problems = true;
                eprint!("{}", report.render(options));
                eprintln!("{display}: not formatted (left unchanged)");
            }
            Ok(formatted) if formatted == original => {}
            Ok(_) if args.check => {
                problems = true;
                outln!("{display}");
            }
            Ok(formatted) => {
                if let Err(error) = std::fs::write(&file.path, formatted) {
                    return cannot_run(&LoadError::Write(file.path, error));
                }
            }
        }
    }
    if problems {
        ExitCode::from(PROBLEMS)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn cannot_run(error: &LoadError) -> ExitCode {
    let color = colors_wanted(std::io::stderr().is_terminal());
    let word = if color {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    eprintln!("{word}: {error}");
    ExitCode::from(CANNOT_RUN)
}

fn stderr_render_options() -> RenderOptions {
    RenderOptions {
        color: colors_wanted(std::io::stderr().is_terminal()),
    }
}

/// Colours only on a terminal, and never when `NO_COLOR` is set to anything
/// but the empty string (<https://no-color.org>).
fn colors_wanted(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A loaded file: the path to write back to and the source the facade sees.
pub struct Loaded {
    pub path: PathBuf,
    pub source: SourceFile,
}
