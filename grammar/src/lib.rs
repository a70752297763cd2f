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

pub use parser::{parse, Parsed, SyntaxError, LIMITS};
pub use printer::print;
