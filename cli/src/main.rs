//! `accord`: the command line over `accord-core`'s facade.
//!
//! Exit codes, for scripts: 0 success; 1 the input has problems (diagnostics with
//! errors, files that `fmt --check` would change or cannot format); 2 the command
//! could not run (bad usage, a missing or unreadable file, a file that is not
//! UTF-8). The CLI only loads files and prints: every answer comes from the facade.

mod files;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use accord_core::{RenderOptions, SourceFile};
use clap::{Parser, Subcommand, ValueEnum};

use files::{load, LoadError};

/// Accord: rules for social protection programmes, checked and explained.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand of the brief's "Command line" contract; the others
/// (screen, test, assess, case, graph, providers, schema) join as they are built.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check a ruleset: exit 0 when valid (warnings allowed), 1 with errors.
    Check(CheckArgs),
    /// Rewrite files in the canonical layout.
    Fmt(FmtArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The ruleset's `.accord` files; a directory stands for its `*.accord` files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// `human` (source snippets on stderr) or `json` (on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
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
const PROBLEMS: u8 = 1;
/// The command could not run.
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Fmt(args) => fmt(&args),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let files = match load(&args.files) {
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
                println!("{display}");
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

fn cannot_run(error: &LoadError) -> ExitCode {
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
