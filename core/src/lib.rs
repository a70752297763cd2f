//! Accord's engine. The pipeline, as the facade runs it:
//!
//! ```text
//! sources ──parse (accord-grammar)──▶ AST ──check──▶ diagnostics + checked model   pipeline, check/
//!                                                   │
//!                                     lower, once ──▶ Engine                         screen/
//!   facts ──▶ screen: statuses, amounts, missing facts, explanations                 screen/
//!   answers ──▶ assess: scores, needs, risk level                                    assess/
//!   catalogue + needs ──▶ providers: matching, ratings, the needs map                providers/
//!   event log ──▶ case: a protocol's state, merges, caseloads, graphs                case/
//! ```
//!
//! Every room presents labels through `labels` and reports places in sources
//! through `source`; the facade (`facade/`) is the one entry point front ends
//! call. No room uses a room above it (`tests/module_cycles.rs`).
//!
//! Invariants: knows no front end, does no I/O, never reads the clock (an as-of
//! date is always an input), and never panics on any input.
//!
//! The public surface: the facade ([`check()`], [`format()`], [`Ruleset`]) and the
//! typed values its methods return, re-exported here; the engine's own API
//! ([`Engine`], [`Session`], …) for Rust callers that screen at scale; and
//! [`checker`], the checker's entry on parsed files and its model, for tools
//! and tests that read the model. Everything else is `pub(crate)`.

pub mod assess;
pub mod case;
mod check;
mod codes;
pub mod compare;
mod diagnostics;
pub mod facade;
#[cfg(feature = "ide")]
pub mod ide;
mod labels;
pub mod limits;
pub mod messages;
mod pipeline;
pub mod providers;
mod redact;
mod render;
pub mod screen;
mod source;
mod testrun;

/// The checker on parsed files ([`checker::check`]) and the checked model it
/// builds. The facade's [`check`](crate::check()) parses and checks sources;
/// this is the step after parsing, for tools and tests that read the model.
pub mod checker {
    pub use crate::check::*;
}

pub use assess::{Answers, AssessReport};
pub use codes::Code;
pub use diagnostics::{Diagnostic, Related, Severity};
pub use facade::*;
pub use providers::{Catalogue, CatalogueError, NeedsMap, ProvidersReport, Ratings};
pub use render::RenderOptions;
pub use screen::{
    Engine, Evaluation, Evaluations, FactError, Facts, FactsError, ResultView, ScreenOptions,
    ScreenReport, Session, Status, StatusFilter, SubjectId,
};
pub use source::{LineIndex, Position, SourceFile, SourceMap};
pub use testrun::{TestFailure, TestOutcome, TestReport};
