//! Source files and the mapping from byte offsets to line and column.

/// One `.accord` file as loaded by a front end (core does no I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The name shown in diagnostics, usually the path given on the command line.
    pub name: String,
    pub text: String,
}

/// The files of one ruleset, indexed by position; diagnostics refer to them by index.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub files: Vec<SourceFile>,
}
