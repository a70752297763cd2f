//! The arguments several commands share, declared once and flattened into
//! each command (`#[command(flatten)]`), with the one reading of each.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::{report_error, CANNOT_RUN};

/// The ruleset's files.
#[derive(Debug, clap::Args)]
pub(crate) struct RulesetFiles {
    /// The ruleset's `.accord` files; a directory stands for its `*.accord` files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `--lang`.
#[derive(Debug, clap::Args)]
pub(crate) struct Lang {
    /// Language of labels and explanations (one of the ruleset's `languages`).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

impl Lang {
    pub fn get(&self) -> Option<&str> {
        self.lang.as_deref()
    }
}

/// `--format human|json`.
#[derive(Debug, clap::Args)]
pub(crate) struct HumanOrJson {
    /// `human` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl HumanOrJson {
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Human,
    Json,
}

/// `--format human|json|csv`: a table (`plan`, `caseload`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableFormat {
    Human,
    Json,
    Csv,
}

/// `--threads`.
#[derive(Debug, clap::Args)]
pub(crate) struct Threads {
    /// Worker threads; all cores by default.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

impl Threads {
    /// The threads asked for, or one per core (at least one).
    pub fn count(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1)
    }
}

/// `--as-of DATE`, or today: the CLI may read the clock; the engine never
/// does. Read by the facade's one parser (`U0001` otherwise, a usage error).
pub(crate) fn as_of(text: Option<&str>, json: bool) -> Result<jiff::civil::Date, ExitCode> {
    match text {
        Some(text) => match accord_core::parse_as_of(text) {
            Ok(date) => Ok(date),
            Err(e) => {
                report_error(&e, "`--as-of` is", json);
                Err(ExitCode::from(CANNOT_RUN))
            }
        },
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}
