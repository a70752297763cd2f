//! The one diagnostic type every front end shows: the CLI (human and JSON), the
//! WebAssembly build and the bindings all serialise this shape.

use accord_grammar::ast::Span;
use serde::Serialize;

use crate::codes::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location that helps explain a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub message: String,
    /// Index of the file in the [`crate::SourceMap`].
    pub file: usize,
    pub span: Span,
}

/// One finding about the sources.
///
/// Messages are lowercase, put the user's own names in backticks, and never carry
/// facts about a person (they may be logged). `help` says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0203`; documented in `docs/diagnostics.md`.
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Index of the file in the [`crate::SourceMap`].
    pub file: usize,
    pub span: Span,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// The text that would fix the mistake in place of `span` (the name a "did
    /// you mean" suggests), for editors' quick fixes (the `ide` feature, so the
    /// screener's WebAssembly carries none of it); not part of the JSON.
    #[cfg(feature = "ide")]
    #[serde(skip)]
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, file: usize, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file,
            span,
            help: None,
            related: Vec::new(),
            #[cfg(feature = "ide")]
            fix: None,
        }
    }

    pub fn warning(code: Code, file: usize, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The help, and the text that replaces the span to fix it, when there is one
    /// (a "did you mean": the name meant).
    pub fn with_suggestion(mut self, (help, fix): (String, Option<String>)) -> Self {
        self.help = Some(help);
        #[cfg(feature = "ide")]
        {
            self.fix = fix;
        }
        #[cfg(not(feature = "ide"))]
        let _ = fix;
        self
    }

    pub fn with_related(mut self, file: usize, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            message: message.into(),
            file,
            span,
        });
        self
    }
}
