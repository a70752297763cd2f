//! Name resolution, types and structural checks over the parsed files.

use crate::diagnostics::Diagnostic;
use accord_grammar::ast;

/// What the checker learned about a ruleset: resolved symbols and their types,
/// kept for the later stages (lowering, evaluation, protocol graphs).
#[derive(Debug, Clone, Default)]
pub struct Checked {}

/// Checks a ruleset made of `files` (index = the file's index in the
/// [`crate::SourceMap`]). Collects every diagnostic rather than stopping at the first.
pub fn check(files: &[ast::File]) -> (Checked, Vec<Diagnostic>) {
    let _ = files;
    (Checked::default(), Vec::new())
}
