//! Cooperation protocols at run time: working-day calendars, the workflow graph
//! and its exports, cases as event logs (replay, state, role views, the
//! individual plan), caseloads and the merging of logs written offline.
//!
//! Everything here is a pure function of the engine, the events and an as-of
//! date: no I/O, no clock.
pub(crate) mod calendar;
pub mod caseload;
pub(crate) mod consent;
pub mod event;
pub mod graph;
pub mod merge;
pub(crate) mod run;
pub(crate) mod scope;
pub mod state;

use crate::codes::Code;
use serde::Serialize;

pub use caseload::{Caseload, CaseloadReport};
pub use event::{parse_log, Event, EventJson, EventKind};
pub use merge::{MergeConflict, Merged};
pub use run::{Case, CaseOptions};
pub use scope::{ConsentItem, Disclosure, DisclosureRecipient};
pub use state::{CaseState, Task};

/// Why an event, a log or a state was refused: a code (`C0001`…, see
/// `docs/diagnostics.md`), the event's line, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseError {
    pub code: Code,
    /// The event's line in the log (from 1); `None` for the case as a whole.
    pub line: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// The help for an unknown name: "did you mean `x`?" for the nearest of
/// `names`, otherwise `list` given every name, joined.
pub(crate) fn name_help<'n>(
    name: &str,
    names: impl Iterator<Item = &'n str> + Clone,
    list: impl FnOnce(String) -> String,
) -> String {
    match crate::check::suggest(name, names.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => list(names.collect::<Vec<_>>().join(", ")),
    }
}

impl CaseError {
    pub(crate) fn at(
        line: usize,
        code: Code,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> CaseError {
        CaseError {
            code,
            line: (line > 0).then_some(line),
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.code, self.message)?,
            None => write!(f, "{}: {}", self.code, self.message)?,
        }
        if let Some(h) = &self.help {
            write!(f, " (help: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CaseError {}
