//! Accord's engine. The pipeline, as the facade runs it:
//!
//! ```text
//! sources ──parse (accord-grammar)──▶ AST ──check──▶ diagnostics + checked model
//! ```
//!
//! Invariants: knows no front end, does no I/O, never reads the clock (an as-of
//! date is always an input), and never panics on any input.

pub mod assess;
pub mod case;
pub mod check;
pub mod diagnostics;
pub mod facade;
pub mod labels;
pub mod limits;
mod pipeline;
pub mod providers;
mod redact;
pub mod render;
pub mod screen;
pub mod source;
pub mod testrun;

pub use assess::{Answers, AssessReport};
pub use diagnostics::{Diagnostic, Severity};
pub use facade::*;
pub use providers::{Catalogue, NeedsMap, ProvidersReport, Ratings};
pub use render::RenderOptions;
pub use screen::{
    Engine, Evaluation, Evaluations, Facts, FactsError, ResultView, ScreenOptions, ScreenReport,
    Session, Status, SubjectId,
};
pub use source::{LineIndex, Position, SourceFile, SourceMap};
pub use testrun::{TestFailure, TestOutcome, TestReport};
