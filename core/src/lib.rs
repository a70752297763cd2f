//! Accord's engine. The pipeline, as the facade runs it:
//!
//! ```text
//! sources ──parse (accord-grammar)──▶ AST ──check──▶ diagnostics + checked model
//! ```
//!
//! Invariants: knows no front end, does no I/O, never reads the clock (an as-of
//! date is always an input), and never panics on any input.

pub mod case;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod facade;
pub mod limits;
mod redact;
pub mod render;
pub mod source;

pub use diagnostics::{Diagnostic, Severity};
pub use eval::{
    Answers, AssessReport, Catalogue, Engine, Evaluation, Evaluations, Facts, FactsError, NeedsMap,
    ProvidersReport, Ratings, ResultView, ScreenOptions, ScreenReport, Session, Status, SubjectId,
};
pub use facade::*;
pub use render::RenderOptions;
pub use source::{LineIndex, Position, SourceFile, SourceMap};
