//! The one entry point every front end (CLI, WebAssembly, uniffi) calls.
//!
//! Front ends load files, call these functions, and convert the answers; they hold
//! no logic of their own, so every front end gives the same answers.

use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceMap};

/// The outcome of checking a ruleset.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub sources: SourceMap,
    /// Syntax errors first, then checker findings, each group in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and checks the files of one ruleset.
pub fn check(files: Vec<SourceFile>) -> CheckReport {
    CheckReport {
        sources: SourceMap { files },
        diagnostics: Vec::new(),
    }
}
