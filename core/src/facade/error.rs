//! The one error every front end receives: a kind, a one-line message and the
//! problems, each with a code, a message, help and a location (a file, line and
//! column in the ruleset; a path in a JSON document; a line of an event log).

use serde::Serialize;

use crate::case::CaseError;
use crate::codes::Code;
use crate::diagnostics::Severity;
use crate::facade::CheckReport;
use crate::screen::FactsError;

/// Which input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The ruleset's sources do not parse or check (codes `E…`).
    Ruleset,
    /// A JSON document given to a call: facts, answers, a catalogue, ratings
    /// (codes `F…`, `A…`, `P…`, `R…`, `G…`).
    Input,
    /// An event log or an event (codes `C…`).
    Case,
    /// The call itself: an as-of date that is not a date, an unknown
    /// assessment, programme or format (codes `U…`).
    Request,
}

/// One problem, located where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: Code,
    /// `error` or `warning` (only ruleset diagnostics can be warnings).
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The ruleset file, for diagnostics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based: the line in the file, or the event's line in the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
    /// Where in a JSON document: `members[1].birth_date` (`""`: the whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// What a facade call returns when it cannot answer. Serialises as
/// `{"kind", "message", "problems": [...]}`; [`Error::to_json`] is the text
/// every binding hands over (wasm's exception, uniffi's `AccordError`).
///
/// Messages never carry a person's facts: they name fields and codes, so an
/// operator may log them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    /// One line: what was refused and its first problem.
    pub message: String,
    pub problems: Vec<Problem>,
}

impl Error {
    /// The code of the first problem (`""` when there is none).
    pub fn code(&self) -> &str {
        self.problems.first().map_or("", |p| p.code.as_str())
    }

    /// Pretty-printed JSON, as every front end shows it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// A request refused: `code` is a `U…` code of `docs/diagnostics.md`
    /// (public so that a binding's own refusals, U0009 and U0010, read alike).
    pub fn request(
        code: Code,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) -> Error {
        let message = message.into();
        Error {
            kind: ErrorKind::Request,
            message: format!("{code}: {message}"),
            problems: vec![Problem::plain(code, message, help.into())],
        }
    }

    /// The facts, answers, catalogue or ratings refused; `what` names the
    /// document with its verb ("the facts are").
    pub(crate) fn input(what: &str, e: FactsError) -> Error {
        let problems: Vec<Problem> = e
            .errors
            .into_iter()
            .map(|f| Problem {
                path: Some(f.path),
                ..Problem::plain(f.code, f.message, f.help)
            })
            .collect();
        Error {
            kind: ErrorKind::Input,
            message: summary(what, "not valid", &problems),
            problems,
        }
    }

    pub(crate) fn case(errors: Vec<CaseError>) -> Error {
        let problems: Vec<Problem> = errors
            .into_iter()
            .map(|c| Problem {
                line: c.line,
                ..Problem::plain(c.code, c.message, c.help)
            })
            .collect();
        Error {
            kind: ErrorKind::Case,
            message: summary("the event was", "refused", &problems),
            problems,
        }
    }

    pub(crate) fn ruleset(report: &CheckReport) -> Error {
        let problems: Vec<Problem> = report
            .located()
            .into_iter()
            .map(|d| Problem {
                code: d.code,
                severity: d.severity,
                message: d.message,
                help: d.help,
                file: Some(d.file),
                line: Some(d.line),
                column: Some(d.column),
                end_line: Some(d.end_line),
                end_column: Some(d.end_column),
                path: None,
            })
            .collect();
        let errors = report.error_count();
        let noun = if errors == 1 { "error" } else { "errors" };
        let first = problems
            .iter()
            .find(|p| p.severity == Severity::Error)
            .map(|p| format!(": {}: {}", p.code, p.message))
            .unwrap_or_default();
        Error {
            kind: ErrorKind::Ruleset,
            message: format!("the ruleset has {errors} {noun}{first}"),
            problems,
        }
    }
}

impl Problem {
    fn plain(code: Code, message: String, help: Option<String>) -> Problem {
        Problem {
            code,
            severity: Severity::Error,
            message,
            help,
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            path: None,
        }
    }
}

fn summary(what: &str, verdict: &str, problems: &[Problem]) -> String {
    match problems.first() {
        None => format!("{what} {verdict}"),
        Some(p) => {
            let at = match (&p.path, p.line) {
                (Some(path), _) if !path.is_empty() => format!(" at `{path}`"),
                (_, Some(line)) => format!(" at line {line}"),
                _ => String::new(),
            };
            let more = match problems.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("{what} {verdict}: {}{at}: {}{more}", p.code, p.message)
        }
    }
}
