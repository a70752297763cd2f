//! The one entry point every front end (CLI, WebAssembly, uniffi, Python) calls.
//!
//! Front ends load files, call these functions, and convert the answers; they hold
//! no logic of their own, so every front end gives the same answers. Everything
//! returned here is owned and serialisable.
//!
//! ```text
//! check(files)  -> CheckReport            parse every file, then check them together
//! format(file)  -> Result<String, CheckReport>
//! report.has_errors() / .to_json() / .render(RenderOptions { color })
//! Ruleset::load(files) -> Result<Ruleset, Error>   files taken sorted by name
//! ruleset.screen(facts, as_of, lang) / .assess(..) / .case_state(..) / ...
//!                -> Result<String, Error>  JSON text, as `--format json` prints it
//! ruleset.screen_report(..) / .assess_report(..) / .caseload_report(..) / ...
//!                -> Result<typed report, Error>  what the CLI renders for people
//! ```
//!
//! One naming rule for the methods of [`Ruleset`]: a method named for what it
//! answers (`screen`, `assess`, `providers`, `case_state`, `merge`, `info`)
//! returns JSON text, exactly what the CLI prints with `--format json`, for
//! front ends that pass JSON on (WebAssembly, uniffi); its typed twin, for Rust
//! callers, is the same name with `_report` (`screen_report`, `assess_report`,
//! `providers_report`, `case_state_report`, `merge_report`, `info_report`).
//!
//! `accord_core::check` is this facade's function (sources in, a
//! [`CheckReport`] out); the checker itself, on parsed files, is
//! `accord_core::checker::check`.

use crate::codes::Code;
use crate::diagnostics::Diagnostic;
use crate::pipeline::syntax_diagnostic;
pub use crate::pipeline::{CheckReport, LocatedDiagnostic, LocatedRelated};
use crate::source::{SourceFile, SourceMap};

/// Parses and checks the files of one ruleset, collecting every diagnostic.
///
/// Files with syntax errors still contribute the declarations that did parse, so
/// one run reports the syntax errors and the meaning errors of the rest.
/// Diagnostics come sorted by file (in the order given), then position.
pub fn check(files: Vec<SourceFile>) -> CheckReport {
    crate::pipeline::parse_and_check(files).0
}

/// Formats one file in the canonical layout.
///
/// A file with syntax errors is not formatted: the errors come back instead. So
/// does a file the formatter cannot print faithfully (its output would parse to
/// different rules, code `E0900`): formatting never changes what a file means.
pub fn format(file: SourceFile) -> Result<String, CheckReport> {
    let parsed = accord_grammar::parse(&file.text);
    if !parsed.errors.is_empty() {
        let diagnostics = parsed
            .errors
            .into_iter()
            .map(|e| syntax_diagnostic(0, e))
            .collect();
        return Err(CheckReport::new(SourceMap::new(vec![file]), diagnostics));
    }
    let printed = accord_grammar::print(&parsed.file);
    let reparsed = accord_grammar::parse(&printed);
    // Spans are ignored by AST equality, so this compares what the rules say;
    // comments may move (and stop trailing) but none may be lost or invented.
    if !reparsed.errors.is_empty()
        || reparsed.file.decls != parsed.file.decls
        || comment_texts(&reparsed.file) != comment_texts(&parsed.file)
    {
        // About the whole file; its start is where a reader looks first.
        let diagnostic = Diagnostic::error(
            Code::E0900,
            0,
            accord_grammar::ast::Span::new(0, 0),
            "the formatter could not print this file faithfully; it was left unchanged",
        )
        .with_help("this is a bug in `accord fmt`; please report it with the file");
        return Err(CheckReport::new(
            SourceMap::new(vec![file]),
            vec![diagnostic],
        ));
    }
    Ok(printed)
}

fn comment_texts(file: &accord_grammar::ast::File) -> Vec<&str> {
    let mut texts: Vec<&str> = file.comments.iter().map(|c| c.text.trim_end()).collect();
    texts.sort_unstable();
    texts
}

mod case_ratings;
mod caseload;
mod compare;
mod error;
mod jsonl;
mod ruleset;

pub use case_ratings::{CaseRated, CaseRatings, SkippedCase};
pub use compare::{settings_from_json, CompareRequest};
pub use error::{Error, ErrorKind, Problem};
pub use jsonl::{parse_statuses, JsonlOptions, ScreenedLines};
pub use ruleset::{parse_as_of, sort_by_name, GraphFormat, Ruleset, RulesetInfo};
