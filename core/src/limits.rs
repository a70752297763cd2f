//! The bounds that keep any input from exhausting time or memory, in one place.
//! Each exceeded bound is an error with its own code (`docs/diagnostics.md`),
//! never a crash, a hang or unbounded memory; `docs/language.md` §18 lists them.
//!
//! Rulesets and documents written by people stay far below every one of them:
//! Armenia's ruleset is 0.12 MiB in 18 files, a household's facts a few KiB, a
//! case's log a few dozen events.

pub use accord_grammar::LIMITS as PARSER;

/// Most files in one ruleset (`E0312`).
pub const MAX_RULESET_FILES: usize = 256;
/// Most bytes of source in one ruleset, all files together (`E0312`); one file
/// holds at most [`PARSER`]`.max_file_bytes`.
pub const MAX_RULESET_BYTES: usize = 32 * 1024 * 1024;
/// Largest facts document (one household, one registry line, a case's subject),
/// in bytes (`F0008`).
pub const MAX_FACTS_BYTES: usize = 4 * 1024 * 1024;
/// Most elements in one list of a facts document (`F0009`).
pub const MAX_LIST_LEN: usize = 10_000;
/// Largest answers, catalogue or ratings document, in bytes (`A0008`, `P0013`,
/// `R0008`).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// Most events in one case's log (`C0031`).
pub const MAX_EVENTS: usize = 100_000;
/// Largest case log, in bytes (`C0031`).
pub const MAX_LOG_BYTES: usize = 64 * 1024 * 1024;
/// Work one evaluation of one document may do, in steps: a list element
/// visited by an aggregate or a filter, a table row tried, a definition
/// computed. Past it the rest of the evaluation is unknown, with an evaluation
/// error saying why (language.md §11.6). A household of 10 000 members with a
/// 300-row table looked up per member takes 3 million; a ruleset whose nested aggregates over long lists would
/// take minutes stops within about a second.
pub const MAX_WORK: u64 = 5_000_000;
