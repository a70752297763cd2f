//! The twenty programmes as a ZEN decision graph (`rules/twenty.jdm.json`), evaluated with
//! zen-engine on the household's JSON, as ZEN's users call it.

use crate::{program_index, Outcome, Results, HOUSEHOLD_PROGRAMS, PERSON_PROGRAMS};
use serde_json::Value;
use std::sync::Arc;
use zen_engine::model::DecisionContent;
use zen_engine::{Decision, DecisionEngine, Variable};

/// The decision graph, as shipped.
pub const JDM: &str = include_str!("../rules/twenty.jdm.json");

/// A compiled ZEN decision. ZEN's values are reference-counted (`Rc`), so each thread
/// builds its own inputs; the decision itself is cheap to clone.
#[derive(Clone)]
pub struct ZenRunner {
    decision: Decision,
}

impl ZenRunner {
    /// Loads and pre-compiles the graph (expressions and table indexes), as ZEN's loaders do.
    pub fn new(jdm: &str) -> Result<ZenRunner, String> {
        let content: DecisionContent =
            serde_json::from_str(jdm).map_err(|e| format!("bad JDM: {e}"))?;
        let engine = DecisionEngine::default();
        let mut decision = engine
            .create_decision(Arc::new(content))
            .map_err(|e| format!("{e:?}"))?;
        decision.compile();
        Ok(ZenRunner { decision })
    }

    /// ZEN's input: the facts document plus the as-of date (`asOf`), which the rules need
    /// to compute ages.
    pub fn input(facts: &Value, as_of: &str) -> Value {
        let mut input = facts.clone();
        if let Value::Object(map) = &mut input {
            map.insert("asOf".into(), Value::String(as_of.into()));
        }
        input
    }

    /// Evaluates the graph; ZEN's API is async, but nothing in this graph awaits I/O, so a
    /// minimal executor drives it to completion on the calling thread.
    pub fn evaluate(&self, input: Variable) -> Result<Variable, String> {
        pollster::block_on(self.decision.evaluate(input))
            .map(|response| response.result)
            .map_err(|e| format!("{e:?}"))
    }

    /// Evaluates from a JSON value, converting it as `decision.evaluate(json.into())` does.
    pub fn evaluate_json(&self, input: &Value) -> Result<Variable, String> {
        self.evaluate(Variable::from(input))
    }
}

fn field(v: &Variable, key: &str) -> Option<Variable> {
    match v {
        Variable::Object(map) => map.borrow().get_str(key).cloned(),
        _ => None,
    }
}

fn outcome(v: &Variable, program: &str) -> Result<Outcome, String> {
    let r = field(v, program).ok_or_else(|| format!("no result for `{program}`"))?;
    let eligible = match field(&r, "eligible") {
        Some(Variable::Bool(b)) => b,
        other => return Err(format!("`{program}.eligible` is {other:?}")),
    };
    let amount = match field(&r, "amount") {
        None | Some(Variable::Null) => None,
        Some(Variable::Number(n)) => Some(n),
        Some(other) => return Err(format!("`{program}.amount` is {other:?}")),
    };
    Ok(Outcome { eligible, amount })
}

/// Reads the programmes' results out of ZEN's output.
pub fn results(out: &Variable, into: &mut Results) -> Result<(), String> {
    for (slot, name) in into.household.iter_mut().zip(HOUSEHOLD_PROGRAMS) {
        *slot = outcome(out, name)?;
    }
    into.persons.clear();
    let people = match field(out, "people") {
        Some(Variable::Array(a)) => a,
        other => return Err(format!("`people` is {other:?}")),
    };
    for person in people.borrow().iter() {
        let mut row = [Outcome::NO; 8];
        for (slot, name) in row.iter_mut().zip(PERSON_PROGRAMS) {
            *slot = outcome(person, name)?;
        }
        into.persons.push(row);
    }
    debug_assert!(program_index("family_benefit").is_some());
    Ok(())
}
