//! The twenty programmes of `rules/twenty.accord`, evaluated through accord-core's public
//! API (`Engine`, `Facts`, `Session`).

use crate::{program_index, Outcome, Results};
use accord_core::{Engine, Facts, SourceFile, Status};
use jiff::civil::Date;

/// The ruleset, as shipped.
pub const RULES: &str = include_str!("../rules/twenty.accord");

/// Compiles the ruleset.
pub fn engine() -> Result<Engine, String> {
    Engine::compile(vec![SourceFile::new("twenty.accord", RULES)])
        .map_err(|report| format!("the ruleset does not compile: {report:?}"))
}

/// Reads one household's facts document.
pub fn facts(engine: &Engine, json: &str) -> Result<Facts, String> {
    engine
        .facts_from_json(json)
        .map_err(|e| format!("bad facts: {e:?}"))
}

/// The subject's member index: `None` for the root, `Some(i)` for `members[i]`.
fn member_index(path: &str) -> Result<Option<usize>, String> {
    if path.is_empty() {
        return Ok(None);
    }
    path.strip_prefix("members[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|i| i.parse().ok())
        .map(Some)
        .ok_or_else(|| format!("unexpected subject `{path}`"))
}

/// Evaluates one household and writes its results into `into` (for checking; the
/// subject paths are built as strings here, which `digest` avoids).
pub fn evaluate_into(
    engine: &Engine,
    as_of: Date,
    facts: &Facts,
    members: usize,
    into: &mut Results,
) -> Result<(), String> {
    let mut session = engine.session(as_of);
    let evaluation = session.evaluate(facts);
    into.household = [Outcome::NO; 12];
    into.persons.clear();
    into.persons.resize(members, [Outcome::NO; 8]);
    for r in evaluation.results() {
        let eligible = match r.status {
            Status::Eligible => true,
            Status::Ineligible => false,
            Status::Undetermined => {
                return Err(format!(
                    "`{}` is undetermined with all facts known",
                    r.program
                ))
            }
        };
        let outcome = Outcome {
            eligible,
            amount: r.amount,
        };
        let path = evaluation.subject_path(r.subject);
        match (program_index(r.program), member_index(&path)?) {
            (Some(Ok(i)), None) => {
                if let Some(slot) = into.household.get_mut(i) {
                    *slot = outcome;
                }
            }
            (Some(Err(i)), Some(m)) => {
                match into.persons.get_mut(m).and_then(|row| row.get_mut(i)) {
                    Some(slot) => *slot = outcome,
                    None => return Err(format!("no member {path} for `{}`", r.program)),
                }
            }
            _ => return Err(format!("unexpected result `{}` for `{path}`", r.program)),
        }
    }
    Ok(())
}

/// Evaluates one household in a reused session and returns how many results are eligible
/// (what a timing loop keeps, so that nothing is optimised away).
pub fn digest(session: &mut accord_core::Session<'_>, facts: &Facts) -> u64 {
    let evaluation = session.evaluate(facts);
    evaluation
        .results()
        .filter(|r| r.status == Status::Eligible)
        .count() as u64
}

/// Evaluates households together (`evaluate_many`) and returns how many results are
/// eligible.
pub fn digest_many(session: &mut accord_core::Session<'_>, facts: &[Facts]) -> u64 {
    let evaluations = session.evaluate_many(facts);
    (0..evaluations.len())
        .filter_map(|i| evaluations.get(i))
        .map(|e| {
            e.results()
                .filter(|r| r.status == Status::Eligible)
                .count() as u64
        })
        .sum()
}
