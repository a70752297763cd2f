//! The parse-and-check pipeline, below every room that needs a checked ruleset
//! (the facade, `Engine::compile`):
//!
//! ```text
//! sources ──parse (accord-grammar)──▶ AST ──check──▶ CheckReport + Checked
//! ```
//!
//! [`CheckReport`] is the diagnostics with the sources they point into, and
//! their located (file, line, column) JSON shape.

use accord_grammar::ast::Span;
use serde::{Serialize, Serializer};

use crate::codes::Code;
use crate::diagnostics::{Diagnostic, Severity};
use crate::render::{self, RenderOptions};
use crate::source::{SourceFile, SourceMap};

/// The diagnostics found in a ruleset, with the sources they point into.
///
/// Serialises as the JSON of [`CheckReport::to_json`].
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The files the diagnostics point into.
    pub sources: SourceMap,
    /// Sorted by file, then position; spans are byte offsets.
    pub diagnostics: Vec<Diagnostic>,
}

/// A diagnostic resolved to a file name, line and column: the shape of the JSON
/// output and of every binding's diagnostics. Lines and columns are 1-based,
/// columns count Unicode scalar values, and the end is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedDiagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The file's name as the front end gave it.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub help: Option<String>,
    pub end_line: usize,
    pub end_column: usize,
    /// Other places that explain this one ("first defined here"). An extension of
    /// the brief's shape, left out of the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<LocatedRelated>,
}

/// A related location, placed like the diagnostic itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedRelated {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Parses and checks the files of one ruleset: the diagnostics (the facade's
/// [`crate::check()`] returns them) and the checked model (for lowering, by
/// `Engine::compile`).
///
/// Files with syntax errors still contribute the declarations that did parse, so
/// one run reports the syntax errors and the meaning errors of the rest.
/// Diagnostics come sorted by file (in the order given), then position.
pub(crate) fn parse_and_check(files: Vec<SourceFile>) -> (CheckReport, crate::check::Checked) {
    let (report, checked, _) = parse_check(files, false);
    (report, checked)
}

/// [`parse_and_check`] for editors: the references recorded, and the parsed
/// files kept (editors read the declarations where they are written).
#[cfg(feature = "ide")]
pub(crate) fn parse_check_keeping(
    files: Vec<SourceFile>,
) -> (
    CheckReport,
    crate::check::Checked,
    Vec<accord_grammar::ast::File>,
) {
    parse_check(files, true)
}

fn parse_check(
    files: Vec<SourceFile>,
    for_editors: bool,
) -> (
    CheckReport,
    crate::check::Checked,
    Vec<accord_grammar::ast::File>,
) {
    use crate::limits::{MAX_RULESET_BYTES, MAX_RULESET_FILES};
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::with_capacity(files.len());
    let mut total = 0usize;
    for (index, file) in files.iter().enumerate() {
        total = total.saturating_add(file.text.len());
        // Past a bound of the whole ruleset, the rest is not parsed: one error,
        // on the file that crosses it, and a bounded amount of work.
        let over = match (index >= MAX_RULESET_FILES, total > MAX_RULESET_BYTES) {
            (true, _) => Some(format!(
                "too many files: a ruleset has at most {MAX_RULESET_FILES}"
            )),
            (_, true) => Some(format!(
                "the ruleset is too large: its files hold more than {MAX_RULESET_BYTES} bytes together"
            )),
            _ => None,
        };
        if let Some(message) = over {
            diagnostics.push(
                Diagnostic::error(Code::E0312, index, Span::new(0, 0), message)
                    .with_help("a ruleset this large is data, not rules: give the data as facts"),
            );
            break;
        }
        let result = accord_grammar::parse(&file.text);
        diagnostics.extend(
            result
                .errors
                .into_iter()
                .map(|e| syntax_diagnostic(index, e)),
        );
        parsed.push(result.file);
    }
    let syntax_errors = !diagnostics.is_empty();
    #[cfg(feature = "ide")]
    let (checked, found) = if for_editors {
        crate::check::check_for_editors(&parsed, syntax_errors)
    } else {
        crate::check::check_parsed(&parsed, syntax_errors)
    };
    #[cfg(not(feature = "ide"))]
    let (checked, found) = {
        let _ = for_editors;
        crate::check::check_parsed(&parsed, syntax_errors)
    };
    diagnostics.extend(found);
    (
        CheckReport::new(SourceMap::new(files), diagnostics),
        checked,
        parsed,
    )
}

pub(crate) fn syntax_diagnostic(file: usize, error: accord_grammar::SyntaxError) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        crate::codes::syntax(error.kind),
        file,
        error.span,
        error.message,
    );
    match error.help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

impl CheckReport {
    /// A report over `sources`; the diagnostics are sorted by file, then position
    /// (ties keep the order given).
    pub fn new(sources: SourceMap, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|d| (d.file, d.span.start, d.span.end));
        CheckReport {
            sources,
            diagnostics,
        }
    }

    /// Whether any diagnostic is an error (warnings alone leave a ruleset valid).
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The diagnostics with file names, lines and columns.
    pub fn located(&self) -> Vec<LocatedDiagnostic> {
        self.diagnostics.iter().map(|d| self.locate(d)).collect()
    }

    fn locate(&self, d: &Diagnostic) -> LocatedDiagnostic {
        let at = self.place(d.file, d.span);
        LocatedDiagnostic {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            file: at.file,
            line: at.line,
            column: at.column,
            help: d.help.clone(),
            end_line: at.end_line,
            end_column: at.end_column,
            related: d
                .related
                .iter()
                .map(|r| LocatedRelated {
                    message: r.message.clone(),
                    ..self.place(r.file, r.span)
                })
                .collect(),
        }
    }

    /// File name and 1-based start/end line and column of a span (0 where the
    /// file index is out of range, which no diagnostic of ours produces).
    fn place(&self, file: usize, span: Span) -> LocatedRelated {
        let start = self.sources.position(file, span.start.min(span.end));
        let end = self.sources.position(file, span.end.max(span.start));
        LocatedRelated {
            message: String::new(),
            file: self
                .sources
                .file(file)
                .map_or_else(String::new, |f| f.name.clone()),
            line: start.map_or(0, |p| p.line),
            column: start.map_or(0, |p| p.column),
            end_line: end.map_or(0, |p| p.line),
            end_column: end.map_or(0, |p| p.column),
        }
    }

    /// `{"diagnostics": [{"code", "severity", "message", "file", "line", "column",
    /// "help", "end_line", "end_column", "related"?}]}`, pretty-printed; `help` is
    /// `null` when there is none, `related` is left out when empty.
    pub fn to_json(&self) -> String {
        match serde_json::to_string_pretty(self) {
            Ok(json) => json,
            // Unreachable: every field is a string, a number or null. Still, say
            // so in valid JSON rather than panic.
            Err(error) => format!(
                "{{\"diagnostics\": [], \"error\": {}}}",
                serde_json::Value::String(error.to_string())
            ),
        }
    }

    /// Every diagnostic for people (source snippets, help), then a summary line
    /// (`error: 2 errors, 1 warning`); empty when there is nothing to report.
    pub fn render(&self, options: RenderOptions) -> String {
        render::render(&self.sources, &self.diagnostics, options)
    }
}

impl Serialize for CheckReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            diagnostics: Vec<LocatedDiagnostic>,
        }
        Json {
            diagnostics: self.located(),
        }
        .serialize(serializer)
    }
}
