//! The Accord language's syntax: text → typed AST → text.
//!
//! ```text
//! parse(source) -> Parsed { file: ast::File, errors }   // never panics
//! print(&file)  -> String                               // canonical layout
//! ```
//!
//! Invariants: this crate knows nothing of meaning (no name resolution, no types),
//! does no I/O, and never panics on any input. Parsing recovers at declaration
//! level, so one run reports every broken declaration and keeps the good ones.

pub mod ast;
mod comments;
mod parser;
mod printer;
mod text;
mod trivia;

pub use parser::{
    is_identifier, Limits, Parsed, SyntaxError, SyntaxErrorKind, DECL_KEYWORDS, LIMITS,
};
pub use printer::print;

/// Parses one source file. Never panics, whatever the input.
pub fn parse(source: &str) -> Parsed {
    let mut parsed = parser::parse(source);
    parsed.file.blank_lines = trivia::blank_lines(source, &parsed.file.comments);
    parsed
}
