//! `accord test`: runs the ruleset's `test` blocks.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::{ExpectDef, ExpectValueDef, ExpectedOutcome, MemberRef, TestDef, Value};
use crate::screen::facts::{self, Facts};
use crate::screen::machine::Machine;
use crate::screen::report::show;
use crate::screen::report::{Explanation, ScreenOptions};
use crate::screen::value::Dur;
use crate::screen::value::V;
use crate::screen::{in_model, Engine, Status};

/// The outcome of every test block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestReport {
    pub tests: Vec<TestOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestOutcome {
    pub name: String,
    pub file: String,
    pub line: usize,
    /// How many `expect` lines the test has.
    pub expectations: usize,
    pub failures: Vec<TestFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestFailure {
    /// The expectation as written: `family_benefit amount 40500`, or
    /// `members[0].age = 34` (a value expectation, its value as shown below).
    pub expect: String,
    pub line: usize,
    /// `eligible`, `amount 40500`; for a value expectation the value as reports
    /// show values (`34`, `671`, `shirak`, `2025-03-01`, `unknown`).
    pub expected: String,
    pub actual: String,
    /// The result's explanation; `None` for a value expectation.
    pub explanation: Option<Explanation>,
}

impl TestReport {
    pub fn passed(&self) -> bool {
        self.tests.iter().all(|t| t.failures.is_empty())
    }

    pub fn failed_count(&self) -> usize {
        self.tests.iter().filter(|t| !t.failures.is_empty()).count()
    }

    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: a test report is strings, numbers, booleans, options and lists (no map with non-string keys, no failing Serialize impl), which serde_json always writes"
    )]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a test report serialises")
    }

    /// A readable report: one line per test, and each failure with the expected
    /// and actual value and the explanation.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for t in &self.tests {
            let mark = if t.failures.is_empty() {
                "ok  "
            } else {
                "FAIL"
            };
            let _ = writeln!(out, "{mark} {} ({}:{})", t.name, t.file, t.line);
            for f in &t.failures {
                let _ = writeln!(out, "     expect {} (line {})", f.expect, f.line);
                let _ = writeln!(out, "       expected: {}", f.expected);
                let _ = writeln!(out, "       actual:   {}", f.actual);
                if let Some(e) = &f.explanation {
                    let _ = writeln!(out, "       why:      {}", e.summary);
                    for c in &e.clauses {
                        let r = match c.result {
                            Some(true) => "true",
                            Some(false) => "false",
                            None => "unknown",
                        };
                        let _ = writeln!(out, "         {} {} → {r}", c.kind, c.rule);
                        for v in &c.values {
                            let _ = writeln!(
                                out,
                                "           {} = {}",
                                v.path.as_deref().unwrap_or(&v.name),
                                v.value.as_deref().unwrap_or("unknown")
                            );
                        }
                    }
                    if let Some(a) = &e.amount {
                        let _ = writeln!(
                            out,
                            "         amount {} = {}",
                            a.rule,
                            a.value.as_deref().unwrap_or("unknown")
                        );
                    }
                    for p in &e.presumed {
                        let _ = writeln!(out, "         {p}");
                    }
                    for p in &e.errors {
                        let _ = writeln!(out, "         error: {p}");
                    }
                }
            }
        }
        let total = self.tests.len();
        let failed = self.failed_count();
        let _ = writeln!(
            out,
            "\n{} test{}: {} passed, {failed} failed",
            total,
            if total == 1 { "" } else { "s" },
            total - failed
        );
        out
    }
}

impl Engine {
    /// Runs every `test` block of the ruleset.
    pub fn run_tests(&self) -> TestReport {
        run(self)
    }
}

fn run(engine: &Engine) -> TestReport {
    let tests = engine
        .checked
        .tests
        .iter()
        .map(|t| run_one(engine, t))
        .collect();
    TestReport { tests }
}

/// The line of an offset of a test's span, in a file of the ruleset.
fn line_of(engine: &Engine, file: usize, offset: usize) -> usize {
    in_model(engine.sources.position(file, offset), "a test's position").map_or(0, |p| p.line)
}

fn run_one(engine: &Engine, t: &TestDef) -> TestOutcome {
    let file_name = in_model(engine.sources.file(t.loc.file), "a test's file")
        .map_or_else(String::new, |f| f.name.clone());
    let mut outcome = TestOutcome {
        name: t.name.text.clone(),
        file: file_name,
        line: line_of(engine, t.loc.file, t.loc.span.start),
        expectations: t.expects.len() + t.values.len(),
        failures: Vec::new(),
    };
    let (Some(as_of), Some((root, given))) = (t.as_of, t.given.as_ref()) else {
        // The checker reports these; a test that cannot run fails.
        outcome.failures.push(TestFailure {
            expect: "the test to run".into(),
            line: outcome.line,
            expected: "an `as of` date and a `given`".into(),
            actual: "missing".into(),
            explanation: None,
        });
        return outcome;
    };
    let facts = match facts::from_value(&engine.lowered, &engine.checked, root.0 as u32, given) {
        Ok(f) => f,
        Err(e) => {
            outcome.failures.push(TestFailure {
                expect: "valid facts".into(),
                line: outcome.line,
                expected: "facts the entities accept".into(),
                actual: e.to_string(),
                explanation: None,
            });
            return outcome;
        }
    };
    let mut session = engine.session(as_of);
    let mut report = None;
    let results = session.evaluate(&facts).results.to_vec();
    for x in &t.expects {
        let subject = subject_instance(&facts, x);
        let found = x.program.and_then(|p| {
            results
                .iter()
                .enumerate()
                .find(|(_, r)| r.program == p.0 as u32 && Some(r.subject) == subject)
        });
        let expect_text = expect_text(engine, root.0, x);
        let line = line_of(engine, t.loc.file, x.span.start);
        let Some((index, &r)) = found else {
            outcome.failures.push(TestFailure {
                expect: expect_text,
                line,
                expected: outcome_text(&x.outcome),
                actual: "no such result (the subject is not in the facts)".into(),
                explanation: None,
            });
            continue;
        };
        let status = Status::from_tri(r.status);
        let ok = match &x.outcome {
            ExpectedOutcome::Eligible => status == Status::Eligible,
            ExpectedOutcome::Ineligible => status == Status::Ineligible,
            ExpectedOutcome::Undetermined => status == Status::Undetermined,
            ExpectedOutcome::Amount(want) => {
                status == Status::Eligible && r.amount.as_decimal() == Some(*want)
            }
        };
        if ok {
            continue;
        }
        let actual = match (&x.outcome, status, r.amount) {
            (ExpectedOutcome::Amount(_), Status::Eligible, V::Unknown) => {
                "eligible, amount unknown".to_string()
            }
            // An eligible programme's known amount is a number (Money).
            (ExpectedOutcome::Amount(_), Status::Eligible, a) => format!(
                "amount {}",
                in_model(a.as_decimal(), "a known amount")
                    .map(|d| d.normalize().to_string())
                    .unwrap_or_default()
            ),
            (_, s, _) => s.as_str().to_string(),
        };
        let full = report.get_or_insert_with(|| session.screen(&facts, &ScreenOptions::default()));
        let explanation = full.results.get(index).and_then(|r| r.explanation.clone());
        outcome.failures.push(TestFailure {
            expect: expect_text,
            line,
            expected: outcome_text(&x.outcome),
            actual,
            explanation,
        });
    }
    for x in &t.values {
        if let Some(f) = check_value(engine, &mut session, &facts, t, x) {
            outcome.failures.push(f);
        }
    }
    // Failures in the order the expectations are written.
    outcome.failures.sort_by_key(|f| f.line);
    outcome
}

/// One `expect PATH.NAME = VALUE`: `None` when it holds. The values shown are the
/// test's own data, written by the ruleset's author.
fn check_value(
    engine: &Engine,
    session: &mut crate::screen::Session<'_>,
    facts: &Facts,
    t: &TestDef,
    x: &ExpectValueDef,
) -> Option<TestFailure> {
    let expected = expected_text(engine, &x.value, &x.ty);
    let line = line_of(engine, t.loc.file, x.span.start);
    let expect = format!("{} = {expected}", x.path);
    let Some(inst) = instance_of(facts, &x.subject) else {
        return Some(TestFailure {
            expect,
            line,
            expected,
            actual: "no such value (the subject is not in the facts)".into(),
            explanation: None,
        });
    };
    let mut m = Machine::new(&engine.lowered, facts, &session.asof, &mut session.scratch);
    let got = match x.member {
        MemberRef::Field(i) => facts.slot(inst, i as u32),
        MemberRef::Let(i) => m.let_value(inst, i as u32),
        MemberRef::Owner => V::Unknown,
    };
    let text =
        |v: V| show(engine, facts, m.scratch_items(), v, &x.ty).unwrap_or_else(|| "unknown".into());
    if holds(engine, facts, &x.value, got) {
        return None;
    }
    let actual = text(got);
    Some(TestFailure {
        expect,
        line,
        expected,
        actual,
        explanation: None,
    })
}

/// Whether a computed value is the expected one: the same number (`671` equals
/// `671.00`), text, date, duration, truth value or variant; `unknown` only when
/// the value is unknown.
fn holds(engine: &Engine, facts: &Facts, want: &Value, got: V) -> bool {
    match (want, got) {
        (Value::Unknown, V::Unknown) => true,
        (Value::Bool(a), V::Bool(b)) => *a == b,
        (Value::Number(a), g) => g.as_decimal() == Some(*a),
        (Value::Date(a), V::Date(b)) => *a == b,
        (Value::Text(a), V::Text(b)) => {
            crate::screen::machine::text_of(&engine.lowered, facts, b) == a.as_str()
        }
        (Value::Variant(_, a), V::Variant(b)) => *a == b as usize,
        (Value::Duration(a), V::Dur(b)) => Dur::from_value(*a) == b,
        _ => false,
    }
}

/// The expected value as the report shows values.
fn expected_text(engine: &Engine, v: &Value, ty: &crate::check::Type) -> String {
    match v {
        Value::Unknown => "unknown".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.normalize().to_string(),
        Value::Date(d) => d.to_string(),
        Value::Text(s) => s.clone(),
        Value::Variant(e, i) => engine
            .checked
            .enums
            .get(e.0)
            .and_then(|d| d.variants.get(*i))
            .map_or_else(String::new, |x| x.name.clone()),
        Value::Duration(d) => {
            let dur = Dur::from_value(*d);
            show_dur(engine, dur, ty)
        }
        _ => String::new(),
    }
}

fn show_dur(engine: &Engine, d: Dur, ty: &crate::check::Type) -> String {
    let empty = Facts::default();
    show(engine, &empty, &[], V::Dur(d), ty).unwrap_or_default()
}

/// The instance a path of (field, index) segments leads to from the root.
fn instance_of(facts: &Facts, path: &[(usize, Option<usize>)]) -> Option<u32> {
    let mut inst = 0u32;
    for (field, index) in path {
        let v = facts.slot(inst, *field as u32);
        inst = match (v, index) {
            (V::Entity(i), None) => i,
            (V::List(l), Some(k)) if (*k as u32) < l.len && !l.scratch => {
                match facts.items.get((l.start + *k as u32) as usize) {
                    Some(V::Entity(i)) => *i,
                    _ => return None,
                }
            }
            _ => return None,
        };
    }
    Some(inst)
}

fn outcome_text(o: &ExpectedOutcome) -> String {
    match o {
        ExpectedOutcome::Eligible => "eligible".into(),
        ExpectedOutcome::Ineligible => "ineligible".into(),
        ExpectedOutcome::Undetermined => "undetermined".into(),
        ExpectedOutcome::Amount(d) => format!("amount {}", d.normalize()),
    }
}

/// An expectation as written. Its programme and subject were resolved by the
/// checker: a ruleset with an unresolved one has errors and no engine.
fn expect_text(engine: &Engine, root: usize, x: &ExpectDef) -> String {
    let program = in_model(
        x.program.and_then(|p| engine.checked.programs.get(p.0)),
        "an expectation's programme",
    )
    .map_or("", |p| p.name.as_str());
    let mut s = program.to_string();
    if !x.subject.is_empty() {
        s.push_str(" for ");
        s.push_str(&subject_text(engine, root, x));
    }
    s.push(' ');
    s.push_str(&outcome_text(&x.outcome));
    s
}

fn subject_text(engine: &Engine, root: usize, x: &ExpectDef) -> String {
    let mut entity = root;
    let mut parts = Vec::new();
    for (field, index) in &x.subject {
        let def = in_model(
            engine
                .checked
                .entities
                .get(entity)
                .and_then(|e| e.fields.get(*field)),
            "an expectation's subject field",
        );
        let name = def.map_or("", |d| d.name.as_str());
        parts.push(match index {
            Some(i) => format!("{name}[{i}]"),
            None => name.to_string(),
        });
        if let Some(crate::check::Type::Entity(e)) =
            def.map(|d| d.ty.element().unwrap_or(&d.ty).clone())
        {
            entity = e.0;
        }
    }
    parts.join(".")
}

/// The instance an `expect … for PATH` names.
fn subject_instance(facts: &Facts, x: &ExpectDef) -> Option<u32> {
    instance_of(facts, &x.subject)
}
