//! Replaying a case: each event is checked against the protocol and the case as
//! it stands, then applied — or refused with the case unchanged. Every check
//! of an event happens before the first change it makes.
//!
//! Readiness is recomputed after each change: a step is ready when every step
//! it comes `after` is done and its `when` holds (an unknown guard does not
//! hold). Guards are the protocol's lowered expressions, evaluated by the
//! screening machine over the subject's facts, with the case's step statuses
//! and risks as inputs; they are evaluated again only when something they
//! read has changed (or, for guards that read the date or a parameter, when
//! the date has).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::{Map, Value as Json};

use super::calendar::WorkCalendar;
use super::event::{parse_date, Event, EventKind};
use super::scope::{ConsentRecord, Data, Decision, DisclosureRecord, Recipient};
use super::CaseError;
use crate::assess::AssessReport;
use crate::check::{ProtocolDef, StepDef};
use crate::codes::Code;
use crate::providers::Catalogue;
use crate::screen::lower::{CaseInput, LProtocol, NodeId};
use crate::screen::machine::{AsOf, Machine, Scratch};
use crate::screen::value::{tri, V};
use crate::screen::Engine;
use crate::screen::Facts;
use accord_grammar::ast::Quantifier;

/// What a replay may check events against besides the ruleset.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseOptions<'a> {
    /// Referrals and plan entries name providers of this catalogue, offering
    /// a service that meets the need. Without one, providers are not checked.
    pub catalogue: Option<&'a Catalogue>,
}

/// One step of the case.
#[derive(Debug, Clone, Default)]
pub(crate) struct StepRun {
    /// The day the step last became ready, while it is.
    pub ready_since: Option<Date>,
    /// Completed on (a recurring step: first completed on; a step per need:
    /// the day its last task was).
    pub done_at: Option<Date>,
    /// A recurring step's last completion.
    pub last_done: Option<Date>,
    /// A step with an assessment: the answers so far and what they find.
    pub answers: Map<String, Json>,
    pub report: Option<AssessReport>,
    /// A step per need: one task per need, made when the step first becomes ready.
    pub tasks: Option<Vec<NeedTask>>,
    /// A step per need with `where`: the needs whose condition is not known
    /// yet (a fact not recorded). No task is made for them until it is.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct NeedTask {
    pub need: String,
    pub done_at: Option<Date>,
    /// The day the task last became ready, while it is: a task of a step
    /// chained per need waits for the same need's task of the earlier step.
    pub ready_since: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanEntry {
    pub need: String,
    pub service: String,
    pub provider: Option<String>,
    pub responsible: String,
    pub goal: String,
    pub review: Date,
    pub at: Date,
    pub line: usize,
    /// `elsewhere`, `full`, `region_unknown`: what `referrals … flagged` found.
    pub flags: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReferralStatus {
    Referred,
    Accepted,
    Declined,
    Completed,
}

impl ReferralStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReferralStatus::Referred => "referred",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Completed => "completed",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Referral {
    pub step: usize,
    pub need: String,
    pub provider: String,
    pub service: Option<String>,
    pub status: ReferralStatus,
    pub since: Date,
    pub referred_at: Date,
    pub reason: Option<String>,
    /// `elsewhere`, `full`, `region_unknown`: what `referrals … flagged` found.
    pub flags: Vec<&'static str>,
}

/// A provider rated by a `rates providers` step: the survey's score for a
/// provider the case used, for the service it used.
#[derive(Debug, Clone)]
pub(crate) struct CaseRating {
    pub provider: String,
    pub service: String,
    /// From 1 to 5 (exact: a mean of answers may have many decimals).
    pub score: rust_decimal::Decimal,
    /// The survey's answered `scale 1..5` questions (index, answer).
    pub questions: Vec<(usize, rust_decimal::Decimal)>,
    /// The step that rated, and its assessment (the survey).
    pub step: usize,
    pub survey: usize,
}

/// A case: the protocol version it runs, and everything its events recorded.
pub struct Case<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) catalogue: Option<&'a Catalogue>,
    pub(crate) def: &'a ProtocolDef,
    pub(crate) low: Option<&'a LProtocol>,
    pub(crate) cal: WorkCalendar,
    pub(crate) case_id: Option<String>,
    pub(crate) held_by: Option<String>,
    pub(crate) opened: Date,
    pub(crate) last_at: Date,
    /// The last event's line, for "dated before the previous event".
    last_line: usize,
    pub(crate) closed: Option<(Date, Option<String>)>,
    /// Recurring tasks restart from a reopening.
    pub(crate) reopened_at: Option<Date>,
    pub(crate) subject: Map<String, Json>,
    facts: Facts,
    pub(crate) consent: Option<(bool, Date)>,
    /// Whether consent was ever given: a `false` after it is a withdrawal,
    /// a `false` without it a refusal.
    consent_ever_given: bool,
    /// Every `consent` event, in order, with its scope.
    pub(crate) consents: Vec<ConsentRecord>,
    /// What the events disclosed to whom, under which consent.
    pub(crate) disclosures: Vec<DisclosureRecord>,
    pub(crate) steps: Vec<StepRun>,
    pub(crate) plan: Vec<PlanEntry>,
    pub(crate) first_plan: Option<Date>,
    pub(crate) referrals: Vec<Referral>,
    /// What `rates providers` steps rated, in the order rated.
    pub(crate) ratings: Vec<CaseRating>,
    pub(crate) assignees: BTreeMap<String, String>,
    pub(crate) transfers: Vec<(Date, String)>,
    /// The events of the log replayed (borrowed: a long log is not copied),
    /// then those applied since; applied or kept as conflicts.
    pub(crate) prefix: &'a [Event],
    pub(crate) events: Vec<Event>,
    /// (line, why) of the events a merge marked as conflicts.
    pub(crate) conflicts: Vec<(usize, String)>,
    /// The events dated after the as-of date the case was replayed to.
    pub(crate) later: usize,
    guards_dirty: bool,
    guards_date: Option<Date>,
    guards_read_date: bool,
    /// `facts` events since `facts` was last built from `subject`: it is
    /// rebuilt when a guard is next evaluated.
    facts_stale: bool,
    scratch: Scratch,
    /// The `close` step's index (asked for on every readiness check).
    close: Option<usize>,
    /// The ways to close: the steps marked `closes` and the `close` step.
    pub(crate) closers: Vec<usize>,
    /// The closing step the case was closed through, while it is closed.
    pub(crate) closed_as: Option<usize>,
    /// While a `where` on needs is evaluated: the need considered.
    filter_need: Option<String>,
    /// (line, step): the events whose `back to` reopened a step.
    pub(crate) loops: Vec<(usize, usize)>,
    /// The parameters of the last date guards were evaluated on.
    asof: Option<AsOf>,
    inputs: Vec<V>,
}

impl std::fmt::Debug for Case<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("protocol", &self.def.name)
            .field("events", &(self.prefix.len() + self.events.len()))
            .finish()
    }
}

fn role_index(def: &ProtocolDef, name: &str) -> Option<usize> {
    def.roles.iter().position(|r| r.name == name)
}

pub(crate) fn unknown_role_error(def: &ProtocolDef, name: &str) -> CaseError {
    unknown_role(def, 0, name)
}

fn unknown_role(def: &ProtocolDef, line: usize, name: &str) -> CaseError {
    let help = super::name_help(name, def.roles.iter().map(|r| r.name.as_str()), |all| {
        format!("the roles of `{}` are {all}", def.name)
    });
    CaseError::at(
        line,
        Code::C0006,
        format!("protocol `{}` has no role `{name}`", def.name),
        help,
    )
}

impl<'a> Case<'a> {
    /// Opens a case from its first event, which must be `opened`.
    pub fn open(
        engine: &'a Engine,
        first: Event,
        options: CaseOptions<'a>,
    ) -> Result<Case<'a>, CaseError> {
        let mut case = Case::open_ref(engine, &first, options)?;
        let mut first = first;
        // The log keeps the version the case was opened with, so a later
        // version of the protocol never changes it.
        first.json.version.get_or_insert(case.def.version);
        case.events.push(first);
        Ok(case)
    }

    fn open_ref(
        engine: &'a Engine,
        first: &Event,
        options: CaseOptions<'a>,
    ) -> Result<Case<'a>, CaseError> {
        let line = first.line;
        if first.kind != EventKind::Opened {
            return Err(CaseError::at(
                line,
                Code::C0004,
                format!(
                    "a case starts with an `opened` event, not `{}`",
                    first.kind.as_str()
                ),
                "put the `opened` event, with the protocol and the subject's facts, first",
            ));
        }
        let name = required(first, "protocol", &first.json.protocol)?;
        let protocol = engine.resolve_protocol(line, name, first.json.version, first.at)?;
        let Some(def) = engine.checked.protocols.get(protocol) else {
            return Err(CaseError::at(
                line,
                Code::C0009,
                "no such protocol",
                "check the ruleset",
            ));
        };
        if let Some(by) = &first.json.by {
            if role_index(def, by).is_none() {
                return Err(unknown_role(def, line, by));
            }
        }
        let subject =
            match &first.json.subject {
                None => Map::new(),
                Some(Json::Object(m)) => m.clone(),
                Some(_) => return Err(CaseError::at(
                    line,
                    Code::C0010,
                    "`subject` must be a JSON object of the subject's facts",
                    "write the facts of the protocol's `for` entity, e.g. {\"in_school\": false}",
                )),
            };
        let facts = engine.subject_facts(def, line, &subject)?;
        let cal = WorkCalendar::new(def.calendar.and_then(|c| engine.checked.calendars.get(c.0)));
        let low = engine.lowered.protocols.get(protocol);
        let guards_read_date = low.is_some_and(|l| l.when_reads_date);
        let mut case = Case {
            engine,
            catalogue: options.catalogue,
            def,
            low,
            cal,
            case_id: first.json.case.clone(),
            held_by: first.json.held_by.clone(),
            opened: first.at,
            last_at: first.at,
            last_line: line,
            closed: None,
            reopened_at: None,
            subject,
            facts,
            consent: None,
            consent_ever_given: false,
            consents: Vec::new(),
            disclosures: Vec::new(),
            steps: vec![StepRun::default(); def.steps.len()],
            plan: Vec::new(),
            first_plan: None,
            referrals: Vec::new(),
            ratings: Vec::new(),
            assignees: BTreeMap::new(),
            transfers: Vec::new(),
            prefix: &[],
            events: Vec::new(),
            conflicts: Vec::new(),
            later: 0,
            guards_dirty: true,
            guards_date: None,
            guards_read_date,
            facts_stale: false,
            scratch: Scratch::default(),
            asof: None,
            inputs: Vec::new(),
            close: def.steps.iter().position(|s| s.name == "close"),
            closers: (0..def.steps.len())
                .filter(|i| def.steps.get(*i).is_some_and(|s| s.closes))
                .collect(),
            closed_as: None,
            filter_need: None,
            loops: Vec::new(),
        };
        // `low.start` is `def.start` lowered: both there, or neither.
        debug_assert_eq!(
            low.is_some_and(|l| l.start.is_some()),
            low.is_some() && def.start.is_some()
        );
        if let (Some(start), Some(start_when)) = (low.and_then(|l| l.start), &def.start) {
            if case.guard(start, first.at) == Some(false) {
                let text = engine.source_text(def.loc.file, start_when.span);
                return Err(CaseError::at(
                    line,
                    Code::C0011,
                    format!(
                        "the subject does not meet the start condition of `{}`: {text}",
                        def.name
                    ),
                    "check the subject's facts; a case is opened only when `start when` may hold",
                ));
            }
        }
        case.refresh(first.at);
        Ok(case)
    }

    /// Replays a whole log, stopping at the first event the protocol does not
    /// allow. Events dated after `until` are not applied (they are counted).
    pub fn replay(
        engine: &'a Engine,
        events: &'a [Event],
        options: CaseOptions<'a>,
        until: Option<Date>,
    ) -> Result<Case<'a>, CaseError> {
        let Some(first) = events.first() else {
            return Err(CaseError {
                code: Code::C0004,
                line: None,
                message: "the log has no events".to_string(),
                help: Some("a case starts with an `opened` event".to_string()),
            });
        };
        if until.is_some_and(|u| first.at > u) {
            return Err(CaseError::at(
                first.line,
                Code::C0005,
                format!("the case was opened on {}, after the as-of date", first.at),
                "choose an as-of date on or after the opening",
            ));
        }
        if let Some(past) = events.get(crate::limits::MAX_EVENTS) {
            return Err(super::event::too_many_events(past.line));
        }
        let mut case = Case::open_ref(engine, first, options)?;
        // Dates never go back in a log, so the events after the as-of date
        // are its tail.
        let mut applied = 1;
        for e in events.iter().skip(1) {
            if until.is_some_and(|u| e.at > u) {
                break;
            }
            case.apply_ref(e)?;
            applied += 1;
        }
        case.later = events.len() - applied;
        // `applied` counts events of `events`.
        debug_assert!(applied <= events.len());
        case.prefix = events.get(..applied).unwrap_or_default();
        Ok(case)
    }

    /// The name of step `si` (empty for none).
    pub(crate) fn step_name(&self, si: usize) -> String {
        self.def
            .steps
            .get(si)
            .map_or(String::new(), |s| s.name.clone())
    }

    /// What the case's `rates providers` steps rated.
    pub(crate) fn ratings(&self) -> &[CaseRating] {
        &self.ratings
    }

    /// The protocol's name and version.
    pub fn protocol(&self) -> &str {
        &self.def.name
    }

    /// Every event of the case, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.prefix.iter().chain(self.events.iter())
    }

    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    fn step(&self, line: usize, name: &str) -> Result<(usize, &'a StepDef), CaseError> {
        let def = self.def;
        if let Some(found) = def.steps.iter().enumerate().find(|(_, s)| s.name == name) {
            return Ok(found);
        }
        let help = super::name_help(name, def.steps.iter().map(|s| s.name.as_str()), |all| {
            format!("the steps of `{}` are {all}", def.name)
        });
        Err(CaseError::at(
            line,
            Code::C0008,
            format!("protocol `{}` has no step `{name}`", def.name),
            help,
        ))
    }

    pub(crate) fn close_step(&self) -> Option<usize> {
        self.close
    }

    /// Whether step `si` is done, as `after` and `STEP done` see it.
    pub(crate) fn is_done(&self, si: usize) -> bool {
        if self.closers.contains(&si) {
            return self.closed.is_some() && self.closed_as == Some(si);
        }
        let Some(run) = self.steps.get(si) else {
            return false;
        };
        match &run.tasks {
            Some(tasks) => run.pending.is_empty() && tasks.iter().all(|t| t.done_at.is_some()),
            None => run.done_at.is_some(),
        }
    }

    /// The day `within … from` counts from for a task of a step (of `need`, for
    /// a step per need): the day the anchor step was done (its task for the
    /// same need, when it has one) or the last event of the anchor's type (for
    /// an event that names a need, the last one naming `need`). `None` until
    /// the anchor has happened.
    pub(crate) fn anchor_day(
        &self,
        anchor: crate::check::Anchor,
        need: Option<&str>,
    ) -> Option<Date> {
        use crate::check::Anchor;
        match anchor {
            Anchor::Step(a) => {
                if self.closers.contains(&a) {
                    return self
                        .closed
                        .as_ref()
                        .filter(|_| self.closed_as == Some(a))
                        .map(|(d, _)| *d);
                }
                let run = self.steps.get(a)?;
                let task = need.and_then(|n| {
                    run.tasks
                        .as_ref()
                        .and_then(|t| t.iter().find(|t| t.need == n))
                });
                match task {
                    Some(t) => t.done_at,
                    None if run.tasks.is_some() => self.is_done(a).then_some(run.done_at).flatten(),
                    None => run.last_done.or(run.done_at),
                }
            }
            Anchor::Event(kind) => self
                .events()
                .filter(|e| e.json.conflict.is_none() && e.kind.as_str() == kind.as_str())
                .filter(|e| match (need, &e.json.need) {
                    (Some(n), Some(m)) => n == m,
                    _ => true,
                })
                .last()
                .map(|e| e.at),
        }
    }

    /// Whether step `si` waits for step `a` need by need: both are `for each
    /// need` of the same step, and `si` comes `after` `a`.
    pub(crate) fn chained(&self, si: usize, a: usize) -> bool {
        let (Some(s), Some(x)) = (self.def.steps.get(si), self.def.steps.get(a)) else {
            return false;
        };
        s.for_each_need.is_some() && s.for_each_need == x.for_each_need && s.after.contains(&a)
    }

    /// Whether step `si` may become ready as far as `after` `a` goes: `a` is
    /// done, or, chained per need, has made its tasks (each of `si`'s tasks
    /// then waits for its own need's).
    fn after_met(&self, si: usize, a: usize) -> bool {
        match self.chained(si, a) {
            true => self.steps.get(a).is_some_and(|r| r.tasks.is_some()),
            false => self.is_done(a),
        }
    }

    /// The earlier step whose task for `need` task `need` of step `si` still
    /// waits for (chained per need), if any.
    pub(crate) fn task_waits_for(&self, si: usize, need: &str) -> Option<usize> {
        let s = self.def.steps.get(si)?;
        s.after.iter().copied().find(|a| {
            self.chained(si, *a)
                && self.steps.get(*a).is_some_and(|r| {
                    r.pending.iter().any(|n| n == need)
                        || r.tasks
                            .as_ref()
                            .is_none_or(|t| t.iter().any(|t| t.need == need && t.done_at.is_none()))
                })
        })
    }

    fn input(&self, input: CaseInput) -> V {
        match input {
            CaseInput::Done(q, step) => {
                let si = step as usize;
                let tasks = self.steps.get(si).and_then(|r| r.tasks.as_ref());
                let is_each = self
                    .def
                    .steps
                    .get(si)
                    .is_some_and(|s| s.for_each_need.is_some());
                V::Bool(match (q, tasks) {
                    (Some(Quantifier::Any), Some(t)) => t.iter().any(|t| t.done_at.is_some()),
                    (Some(Quantifier::Any), None) if !is_each => self.is_done(si),
                    (Some(Quantifier::Any), None) => false,
                    (_, Some(_)) => self.is_done(si),
                    (_, None) if is_each => false,
                    (_, None) => self.is_done(si),
                })
            }
            CaseInput::Found(step, need) => {
                let Some(report) = self.step_report(step as usize) else {
                    return V::Unknown;
                };
                let name = self
                    .step_assessment(step as usize)
                    .and_then(|a| a.needs.get(need as usize))
                    .map_or("", |n| n.name.as_str());
                match (
                    report.needs.iter().any(|n| n == name),
                    report.possible_needs.iter().any(|n| n == name),
                ) {
                    (true, _) => V::Bool(true),
                    (false, true) => V::Unknown,
                    (false, false) => V::Bool(false),
                }
            }
            CaseInput::NeedIs(step, need) => {
                let name = self
                    .step_assessment(step as usize)
                    .and_then(|a| a.needs.get(need as usize))
                    .map(|n| n.name.as_str());
                match (&self.filter_need, name) {
                    (Some(considered), Some(n)) => V::Bool(considered == n),
                    _ => V::Unknown,
                }
            }
            CaseInput::Risk(step) => {
                let level = self
                    .step_report(step as usize)
                    .and_then(|r| r.risk.as_ref());
                let index = self
                    .step_assessment(step as usize)
                    .zip(level)
                    .and_then(|(a, level)| a.risk_levels.iter().position(|l| l == level));
                match index {
                    Some(i) => V::Variant(i as u32),
                    None => V::Unknown,
                }
            }
        }
    }

    /// What step `si`'s assessment has found so far.
    fn step_report(&self, si: usize) -> Option<&AssessReport> {
        self.steps.get(si).and_then(|r| r.report.as_ref())
    }

    /// Step `si`'s assessment.
    fn step_assessment(&self, si: usize) -> Option<&'a crate::check::AssessmentDef> {
        let a = self.def.steps.get(si).and_then(|s| s.assessment)?;
        self.engine.checked.assessments.get(a.0)
    }

    /// The name of role `i` of the protocol (empty for none).
    pub(crate) fn role_name(&self, i: Option<usize>) -> String {
        i.and_then(|i| self.def.roles.get(i))
            .map_or(String::new(), |r| r.name.clone())
    }

    /// Evaluates a guard on `date`: `None` when unknown.
    fn guard(&mut self, node: NodeId, date: Date) -> Option<bool> {
        if self.facts_stale {
            // Every fact was checked when it was recorded.
            if let Ok(f) = self.engine.subject_facts(self.def, 0, &self.subject) {
                self.facts = f;
            }
            self.facts_stale = false;
        }
        let mut inputs = std::mem::take(&mut self.inputs);
        inputs.clear();
        if let Some(l) = self.low {
            inputs.extend(l.inputs.iter().map(|i| self.input(*i)));
        }
        let low = &self.engine.lowered;
        // Parameters are resolved once per date, not once per guard.
        if self.asof.as_ref().is_none_or(|a| a.date != date) {
            self.asof = Some(AsOf::unfolded(low, date));
        }
        let result = match &self.asof {
            Some(asof) => {
                let mut m = Machine::new(low, &self.facts, asof, &mut self.scratch);
                m.case_inputs = &inputs;
                tri(m.eval_for(0, node))
            }
            None => None,
        };
        self.inputs = inputs;
        result
    }

    /// Why step `si` is not ready (for an error), or `None` when it is.
    pub(crate) fn not_ready_because(&self, si: usize) -> Option<String> {
        let s = self.def.steps.get(si)?;
        if let Some(a) = s.after.iter().find(|a| !self.after_met(si, **a)) {
            let name = self.def.steps.get(*a).map_or("", |s| s.name.as_str());
            return Some(format!("it comes after `{name}`, which is not done"));
        }
        if let Some(src) = s.for_each_need {
            if !self.is_done(src) {
                let name = self.def.steps.get(src).map_or("", |s| s.name.as_str());
                debug_assert!(
                    src < self.def.steps.len(),
                    "`for each need of` names a step"
                );
                return Some(format!("its tasks come from `{name}`, which is not done"));
            }
        }
        let run = self.steps.get(si)?;
        if run.ready_since.is_some() {
            return None;
        }
        if let Some(when) = &s.when {
            let text = self.engine.source_text(self.def.loc.file, when.span);
            return Some(format!("its condition does not hold: when {text}"));
        }
        Some("it is done".to_string())
    }

    /// Readiness on the as-of date of a state, when guards read the date.
    pub(crate) fn refresh_for(&mut self, as_of: Date) {
        if self.guards_read_date && self.guards_date != Some(as_of) {
            self.refresh(as_of);
        }
    }

    /// The protocol version the case runs.
    pub fn version(&self) -> u32 {
        self.def.version
    }

    /// Recomputes which steps are ready on `date`.
    fn refresh(&mut self, date: Date) {
        self.guards_dirty = false;
        self.guards_date = Some(date);
        let closed = self.closed.is_some();
        for si in 0..self.def.steps.len() {
            let Some(s) = self.def.steps.get(si) else {
                continue;
            };
            let deps = s.after.iter().all(|a| self.after_met(si, *a))
                && s.for_each_need.is_none_or(|src| self.is_done(src));
            let has_tasks = self.steps.get(si).is_some_and(|r| r.tasks.is_some());
            let mut ready = match () {
                _ if closed => false,
                _ if self.closers.contains(&si) || s.every.is_some() => deps,
                _ if s.for_each_need.is_some() => deps && (!has_tasks || !self.is_done(si)),
                _ => deps && !self.is_done(si),
            };
            if ready {
                if let Some(node) = self.low.and_then(|l| l.when.get(si).copied().flatten()) {
                    ready = self.guard(node, date) == Some(true);
                }
            }
            // A step per need makes its tasks once, from the needs found when
            // it first becomes ready (with `where`, those for which it holds;
            // a need whose condition is unknown waits, and is decided again
            // on each refresh).
            if ready && s.for_each_need.is_some() {
                let first = self.steps.get(si).is_some_and(|r| r.tasks.is_none());
                let candidates: Vec<String> = match first {
                    true => s
                        .for_each_need
                        .and_then(|src| self.steps.get(src))
                        .and_then(|r| r.report.as_ref())
                        // The source step not assessed: no needs found.
                        .map(|r| r.needs.clone())
                        .unwrap_or_default(),
                    false => self
                        .steps
                        .get(si)
                        .map(|r| r.pending.clone())
                        .unwrap_or_default(),
                };
                let filter = self
                    .low
                    .and_then(|l| l.need_filter.get(si).copied().flatten());
                let mut made = Vec::new();
                let mut pending = Vec::new();
                for n in candidates {
                    let holds = match filter {
                        None => Some(true),
                        Some(node) => {
                            self.filter_need = Some(n.clone());
                            let r = self.guard(node, date);
                            self.filter_need = None;
                            r
                        }
                    };
                    match holds {
                        Some(true) => made.push(NeedTask {
                            need: n,
                            done_at: None,
                            ready_since: None,
                        }),
                        Some(false) => {}
                        None => pending.push(n),
                    }
                }
                if let Some(run) = self.steps.get_mut(si) {
                    run.tasks.get_or_insert_with(Vec::new).extend(made);
                    run.pending = pending;
                }
                let all_done = self.is_done(si);
                if let Some(run) = self.steps.get_mut(si) {
                    if all_done {
                        run.done_at.get_or_insert(date);
                    }
                }
                ready = !all_done;
            }
            if let Some(run) = self.steps.get_mut(si) {
                match (ready, run.ready_since) {
                    (true, None) => run.ready_since = Some(date),
                    (false, Some(_)) => run.ready_since = None,
                    _ => {}
                }
            }
            // Each task of a step per need: ready with its step, and, chained
            // per need, once the earlier step's task for the same need is done.
            let task_ready: Vec<bool> = self
                .steps
                .get(si)
                .and_then(|r| r.tasks.as_ref())
                .map(|t| {
                    t.iter()
                        .map(|t| ready && self.task_waits_for(si, &t.need).is_none())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(tasks) = self.steps.get_mut(si).and_then(|r| r.tasks.as_mut()) {
                for (t, r) in tasks.iter_mut().zip(task_ready) {
                    match (r && t.done_at.is_none(), t.ready_since) {
                        (true, None) => t.ready_since = Some(date),
                        (false, Some(_)) => t.ready_since = None,
                        _ => {}
                    }
                }
            }
        }
    }

    fn require_role(&self, e: &Event, step: &StepDef) -> Result<(), CaseError> {
        let by = required(e, "by", &e.json.by)?;
        let want = step
            .by
            .and_then(|r| self.def.roles.get(r))
            .map_or("", |r| r.name.as_str());
        if by != want {
            return Err(CaseError::at(
                e.line,
                Code::C0012,
                format!("step `{}` is done by `{want}`, not by `{by}`", step.name),
                format!("record the event with \"by\": \"{want}\""),
            ));
        }
        Ok(())
    }

    fn require_ready(&self, e: &Event, si: usize, step: &StepDef) -> Result<(), CaseError> {
        match self.not_ready_because(si) {
            None => Ok(()),
            Some(why) => Err(CaseError::at(
                e.line,
                Code::C0016,
                format!("step `{}` is not ready: {why}", step.name),
                "record the steps it waits for first",
            )),
        }
    }

    fn require_consent(&self, e: &Event, step: &StepDef) -> Result<(), CaseError> {
        let Some(by) = step.by.filter(|_| step.requires_consent) else {
            return Ok(());
        };
        // The step needs consent covering its role, for any information.
        let decision = self.consent_for(Recipient::Role(by), None, e.at);
        if !decision.allows() {
            // Say which: withdrawn (given, then not), refused (never given),
            // ended (`until`) or never asked (no `consent` event covering it).
            let why = match decision {
                Decision::Withdrawn(c) => format!("consent was withdrawn on {}", c.at),
                Decision::Refused(c) => format!("consent was refused on {}", c.at),
                other => other.why_not(&format!("role `{}`", self.role_name(Some(by)))),
            };
            return Err(CaseError::at(
                e.line,
                Code::C0017,
                format!("step `{}` requires the subject's consent: {why}", step.name),
                "record a `consent` event with \"given\": true first",
            ));
        }
        Ok(())
    }

    fn need_met_by(&self, need: &str, service: &str) -> bool {
        self.engine
            .checked
            .services
            .iter()
            .any(|s| s.name == service && s.meets.iter().any(|m| m == need))
    }

    /// Checks a provider against the catalogue: it exists and offers `service`
    /// (or, without one, a service meeting `need`).
    fn check_provider(
        &self,
        e: &Event,
        provider: &str,
        need: &str,
        service: Option<&str>,
    ) -> Result<(), CaseError> {
        let Some(cat) = self.catalogue else {
            return Ok(());
        };
        let Some(offers) = cat.provider_services(provider) else {
            let help = crate::check::suggest(provider, cat.provider_ids())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "name a provider of the catalogue".to_string());
            return Err(CaseError::at(
                e.line,
                Code::C0022,
                format!("the catalogue has no provider `{provider}`"),
                help,
            ));
        };
        let services = &self.engine.checked.services;
        let ok = offers
            .iter()
            .filter_map(|i| services.get(*i))
            .any(|s| match service {
                Some(want) => s.name == want,
                None => s.meets.iter().any(|m| m == need),
            });
        if !ok {
            let what = match service {
                Some(s) => format!("service `{s}`"),
                None => format!("a service meeting need `{need}`"),
            };
            return Err(CaseError::at(
                e.line,
                Code::C0023,
                format!("provider `{provider}` does not offer {what}"),
                format!("`accord providers --need {need}` lists the providers that do"),
            ));
        }
        Ok(())
    }

    fn check_service(&self, e: &Event, need: &str, service: &str) -> Result<(), CaseError> {
        if !self
            .engine
            .checked
            .services
            .iter()
            .any(|s| s.name == service)
        {
            let help = crate::check::suggest(
                service,
                self.engine.checked.services.iter().map(|s| s.name.as_str()),
            )
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| "name a `service` of the ruleset".to_string());
            return Err(CaseError::at(
                e.line,
                Code::C0021,
                format!("the ruleset has no service `{service}`"),
                help,
            ));
        }
        if !self.need_met_by(need, service) {
            let meeting: Vec<&str> = self
                .engine
                .checked
                .services
                .iter()
                .filter(|s| s.meets.iter().any(|m| m == need))
                .map(|s| s.name.as_str())
                .collect();
            return Err(CaseError::at(
                e.line,
                Code::C0021,
                format!("service `{service}` does not meet need `{need}`"),
                match meeting.is_empty() {
                    true => format!("no service of the ruleset meets `{need}`"),
                    false => format!("services meeting `{need}`: {}", meeting.join(", ")),
                },
            ));
        }
        Ok(())
    }

    /// The needs established by the case's assessments, each once, in the
    /// protocol's order of steps.
    pub(crate) fn needs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for run in &self.steps {
            for n in run.report.iter().flat_map(|r| r.needs.iter()) {
                if !out.contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Applies one event, or refuses it with the case unchanged.
    pub fn apply(&mut self, e: Event) -> Result<(), CaseError> {
        if self.prefix.len() + self.events.len() >= crate::limits::MAX_EVENTS {
            return Err(super::event::too_many_events(e.line));
        }
        self.apply_ref(&e)?;
        self.events.push(e);
        Ok(())
    }

    fn apply_ref(&mut self, e: &Event) -> Result<(), CaseError> {
        let line = e.line;
        if let Some(why) = &e.json.conflict {
            // Kept as the merge left it: shown, never applied.
            self.conflicts.push((line, why.clone()));
            return Ok(());
        }
        if e.kind == EventKind::Opened {
            return Err(CaseError::at(
                line,
                Code::C0004,
                "the case is already open: a log has one `opened` event, first",
                "to open a new case for the subject, start a new log",
            ));
        }
        if e.at < self.last_at {
            return Err(CaseError::at(
                line,
                Code::C0005,
                format!(
                    "the event is dated {}, before the previous event ({}, line {})",
                    e.at, self.last_at, self.last_line
                ),
                "events are recorded in the order they happened; check the date",
            ));
        }
        let by = required(e, "by", &e.json.by)?;
        if role_index(self.def, by).is_none() {
            return Err(unknown_role(self.def, line, by));
        }
        if self.closed.is_some() && !matches!(e.kind, EventKind::Reopened | EventKind::Note) {
            let (d, _) = self.closed.clone().unwrap_or((e.at, None));
            return Err(CaseError::at(
                line,
                Code::C0007,
                format!("the case was closed on {d}"),
                "record a `reopened` event first",
            ));
        }
        if self.guards_read_date && self.guards_date != Some(e.at) {
            self.refresh(e.at);
        }
        match e.kind {
            EventKind::Opened => {}
            EventKind::Completed => self.completed(e)?,
            EventKind::Assessed => self.assessed(e)?,
            EventKind::Consent => {
                let record = self.read_consent(e)?;
                let given = record.given;
                self.consents.push(record);
                self.consent_ever_given |= given;
                self.consent = Some((given, e.at));
            }
            EventKind::Referred => self.referred(e)?,
            EventKind::ReferralAccepted
            | EventKind::ReferralDeclined
            | EventKind::ReferralCompleted => self.referral_outcome(e)?,
            EventKind::Planned => self.planned(e)?,
            EventKind::Facts => self.facts(e)?,
            EventKind::Reassigned => {
                let role = required(e, "role", &e.json.role)?;
                if role_index(self.def, role).is_none() {
                    return Err(unknown_role(self.def, line, role));
                }
                let to = nonempty(
                    e,
                    e.json.to_name(),
                    "to",
                    "name the worker who takes the role over",
                )?;
                self.assignees.insert(role.to_string(), to.to_string());
            }
            EventKind::Transferred => {
                let to = nonempty(
                    e,
                    e.json.to_name(),
                    "to",
                    "name the agency or municipality that takes the case over",
                )?;
                self.held_by = Some(to.to_string());
                self.transfers.push((e.at, to.to_string()));
            }
            EventKind::Closed => self.close(e)?,
            EventKind::Reopened => {
                if self.closed.is_none() {
                    return Err(CaseError::at(
                        line,
                        Code::C0028,
                        "the case is open: only a closed case can be reopened",
                        "remove the event",
                    ));
                }
                self.closed = None;
                self.closed_as = None;
                self.reopened_at = Some(e.at);
                self.guards_dirty = true;
            }
            EventKind::Note => {
                nonempty(e, e.json.text.as_deref(), "text", "write the note")?;
                for r in e.json.with.iter().flatten() {
                    if role_index(self.def, r).is_none() {
                        return Err(unknown_role(self.def, line, r));
                    }
                }
            }
        }
        self.last_at = e.at;
        self.last_line = line;
        if self.guards_dirty {
            self.refresh(e.at);
        }
        Ok(())
    }

    fn completed(&mut self, e: &Event) -> Result<(), CaseError> {
        let (si, step) = self.step(e.line, required(e, "step", &e.json.step)?)?;
        if step.closes {
            return Err(CaseError::at(
                e.line,
                Code::C0009,
                "the case is closed with a `closed` event",
                match step.name.as_str() {
                    "close" => "record {\"type\": \"closed\", \"reason\": …}".to_string(),
                    name => format!(
                        "record {{\"type\": \"closed\", \"step\": \"{name}\", \"reason\": …}}"
                    ),
                },
            ));
        }
        if step.assessment.is_some() {
            return Err(CaseError::at(
                e.line,
                Code::C0009,
                format!(
                    "step `{}` is completed by an `assessed` event with the answers",
                    step.name
                ),
                "record {\"type\": \"assessed\", \"step\": …, \"answers\": {…}}",
            ));
        }
        self.require_role(e, step)?;
        match (&e.json.need, step.for_each_need.is_some()) {
            (None, true) => {
                return Err(CaseError::at(
                    e.line,
                    Code::C0013,
                    format!(
                        "step `{}` has one task per need: say which with `need`",
                        step.name
                    ),
                    format!("the open tasks are: {}", self.open_needs(si).join(", ")),
                ))
            }
            (Some(n), false) => {
                return Err(CaseError::at(
                    e.line,
                    Code::C0013,
                    format!(
                        "step `{}` has no tasks per need, but the event names need `{n}`",
                        step.name
                    ),
                    "remove `need`",
                ))
            }
            _ => {}
        }
        let recurring = step.every.is_some();
        if let Some(need) = &e.json.need {
            self.task_index(e, si, need)?;
        } else if !recurring {
            if let Some(d) = self.steps.get(si).and_then(|r| r.done_at) {
                return Err(CaseError::at(
                    e.line,
                    Code::C0015,
                    format!("step `{}` is already done (on {d})", step.name),
                    "a step is completed once; record a `note` to add to it",
                ));
            }
        }
        self.require_ready(e, si, step)?;
        if let Some(need) = &e.json.need {
            self.require_task_ready(e, si, need)?;
        }
        self.require_consent(e, step)?;
        // Checked; now change.
        let at = e.at;
        let was_done = self.is_done(si);
        if let Some(need) = &e.json.need {
            let idx = self.task_index(e, si, need)?;
            if let Some(run) = self.steps.get_mut(si) {
                if let Some(t) = run.tasks.as_mut().and_then(|t| t.get_mut(idx)) {
                    t.done_at = Some(at);
                }
                if run
                    .tasks
                    .as_ref()
                    .is_some_and(|t| t.iter().all(|t| t.done_at.is_some()))
                {
                    run.done_at = Some(at);
                }
            }
        } else if let Some(run) = self.steps.get_mut(si) {
            // A recurring step's later completions change no guard's input.
            if !recurring || run.done_at.is_none() {
                self.guards_dirty = true;
            }
            run.done_at.get_or_insert(at);
            run.last_done = Some(at);
        }
        if e.json.need.is_some() {
            self.guards_dirty = true;
        }
        // A recurring step goes back on any completion; others when done.
        let recurring_completion = step.every.is_some() && e.json.need.is_none();
        if recurring_completion || (!was_done && self.is_done(si)) {
            self.go_back(e, si);
        }
        Ok(())
    }

    /// A task of a step chained per need waits for the same need's task of
    /// the earlier step (C0016 while it does).
    fn require_task_ready(&self, e: &Event, si: usize, need: &str) -> Result<(), CaseError> {
        let Some(a) = self.task_waits_for(si, need) else {
            return Ok(());
        };
        let step = self.def.steps.get(si).map_or("", |s| s.name.as_str());
        let earlier = self.def.steps.get(a).map_or("", |s| s.name.as_str());
        Err(CaseError::at(
            e.line,
            Code::C0016,
            format!("the task of step `{step}` for need `{need}` is not ready: it comes after `{earlier}` for the same need, which is not done"),
            format!("complete `{earlier}` for need `{need}` first"),
        ))
    }

    /// `back to STEP when EXPR` of step `si`, just done by event `e`: the first
    /// whose condition holds (an unknown one does not) makes STEP and every
    /// step after it, through `after` and `for each need of`, this one
    /// included, undone again. Readiness is recomputed after the event.
    fn go_back(&mut self, e: &Event, si: usize) {
        let Some(s) = self.def.steps.get(si) else {
            return;
        };
        if s.back_to.is_empty() {
            return;
        }
        let nodes: Vec<Option<NodeId>> = self
            .low
            .and_then(|l| l.back_when.get(si))
            .cloned()
            .unwrap_or_default();
        let mut target = None;
        for (b, node) in s.back_to.iter().zip(nodes) {
            if let Some(node) = node {
                if self.guard(node, e.at) == Some(true) {
                    target = Some(b.step);
                    break;
                }
            }
        }
        let Some(target) = target else {
            return;
        };
        // STEP and everything that waits for it, transitively.
        let n = self.def.steps.len();
        let mut undo = vec![false; n];
        if let Some(u) = undo.get_mut(target) {
            *u = true;
        }
        let mut changed = true;
        while changed {
            changed = false;
            for (x, st) in self.def.steps.iter().enumerate() {
                if undo.get(x).copied().unwrap_or(true) {
                    continue;
                }
                let waits = st
                    .after
                    .iter()
                    .chain(st.for_each_need.iter())
                    .any(|a| undo.get(*a).copied().unwrap_or(false));
                if waits {
                    if let Some(u) = undo.get_mut(x) {
                        *u = true;
                    }
                    changed = true;
                }
            }
        }
        for (x, u) in undo.iter().enumerate() {
            if *u && !self.closers.contains(&x) {
                if let Some(run) = self.steps.get_mut(x) {
                    *run = StepRun::default();
                }
            }
        }
        self.loops.push((e.line, target));
        self.guards_dirty = true;
    }

    fn open_needs(&self, si: usize) -> Vec<String> {
        self.steps
            .get(si)
            .and_then(|r| r.tasks.as_ref())
            .map(|t| {
                t.iter()
                    .filter(|t| t.done_at.is_none())
                    .map(|t| t.need.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The open task for `need` of step `si`.
    fn task_index(&self, e: &Event, si: usize, need: &str) -> Result<usize, CaseError> {
        let step = self.def.steps.get(si).map_or("", |s| s.name.as_str());
        let tasks = self.steps.get(si).and_then(|r| r.tasks.as_ref());
        let Some(tasks) = tasks else {
            return Err(CaseError::at(
                e.line,
                Code::C0016,
                format!("step `{step}` is not ready: it has no tasks yet"),
                "record the steps it waits for first",
            ));
        };
        match tasks.iter().position(|t| t.need == need) {
            Some(i) if tasks.get(i).is_some_and(|t| t.done_at.is_some()) => Err(CaseError::at(
                e.line,
                Code::C0015,
                format!("the task of step `{step}` for need `{need}` is already done"),
                "a task is completed once",
            )),
            Some(i) => Ok(i),
            None => Err(CaseError::at(
                e.line,
                Code::C0014,
                format!("step `{step}` has no task for need `{need}`: the assessment did not establish it"),
                match self.open_needs(si).is_empty() {
                    true => "the step has no open tasks".to_string(),
                    false => format!("the open tasks are: {}", self.open_needs(si).join(", ")),
                },
            )),
        }
    }

    fn assessed(&mut self, e: &Event) -> Result<(), CaseError> {
        let (si, step) = self.step(e.line, required(e, "step", &e.json.step)?)?;
        let Some(aid) = step.assessment else {
            return Err(CaseError::at(
                e.line,
                Code::C0009,
                format!("step `{}` has no assessment", step.name),
                "record a `completed` event for it",
            ));
        };
        let aname = self
            .engine
            .checked
            .assessments
            .get(aid.0)
            .map_or("", |a| a.name.as_str());
        self.require_role(e, step)?;
        if let Some(d) = self.steps.get(si).and_then(|r| r.done_at) {
            return Err(CaseError::at(
                e.line,
                Code::C0015,
                format!(
                    "step `{}` is already done (on {d}): its answers decided every need and the risk",
                    step.name
                ),
                "a step is completed once; record a `note` to add to it",
            ));
        }
        self.require_ready(e, si, step)?;
        let Some(Json::Object(new)) = &e.json.answers else {
            return Err(CaseError::at(
                e.line,
                Code::C0018,
                "`answers` must be a JSON object from question names to answers",
                "see `accord assess --form`",
            ));
        };
        // `si` is a step of the protocol, and the case has a run of each.
        debug_assert!(si < self.steps.len());
        let mut answers = self
            .steps
            .get(si)
            .map(|r| r.answers.clone())
            .unwrap_or_default();
        for (k, v) in new {
            match v {
                Json::Null => answers.remove(k),
                _ => answers.insert(k.clone(), v.clone()),
            };
        }
        let validated = self
            .engine
            .answers_from_value(aname, &Json::Object(answers.clone()))
            .map_err(|err| {
                CaseError::at(
                    e.line,
                    Code::C0018,
                    format!("the answers to `{aname}` are not valid: {err}"),
                    "see `accord assess --form` for the questions and their answers",
                )
            })?;
        let report = self.engine.assess(&validated, None);
        let decided = report.possible_needs.is_empty()
            && (report.risk.is_some() || report.possible_risks.is_empty());
        if decided {
            self.require_consent(e, step)?;
        }
        let ratings = match decided && step.rates_providers {
            true => Some(self.rate_providers(e, si, aid.0, aname, &answers)?),
            false => None,
        };
        if let Some(ratings) = ratings {
            // Completed again (after a reopening): the new answers rate.
            self.ratings.retain(|r| r.step != si);
            self.ratings.extend(ratings);
        }
        if let Some(run) = self.steps.get_mut(si) {
            run.answers = answers;
            run.report = Some(report);
            if decided {
                run.done_at = Some(e.at);
            }
        }
        // The roles the assessment is shared with receive the answers.
        let by = e.json.by.as_deref().and_then(|b| role_index(self.def, b));
        for ri in 0..self.def.roles.len() {
            if Some(ri) == by {
                continue;
            }
            if let Some(consent) = self.share_view(si, ri, Recipient::Role(ri), e.at) {
                self.disclosures.push(DisclosureRecord {
                    role: Some(ri),
                    provider: None,
                    plan: false,
                    need: None,
                    assessment: Some(aname.to_string()),
                    event: "assessed",
                    line: e.line,
                    at: e.at,
                    consent,
                });
            }
        }
        self.guards_dirty = true;
        if decided {
            self.go_back(e, si);
        }
        Ok(())
    }

    fn referred(&mut self, e: &Event) -> Result<(), CaseError> {
        let (si, step) = self.step(e.line, required(e, "step", &e.json.step)?)?;
        if step.for_each_need.is_none() {
            return Err(CaseError::at(
                e.line,
                Code::C0019,
                format!(
                    "step `{}` is not a step per need: referrals belong to a `for each need` step",
                    step.name
                ),
                "name the step with `for each need of …`",
            ));
        }
        self.require_role(e, step)?;
        self.require_ready(e, si, step)?;
        let need = required(e, "need", &e.json.need)?;
        self.task_index(e, si, need)?;
        self.require_task_ready(e, si, need)?;
        if let Some(r) = self.referrals.iter().rev().find(|r| r.need == need) {
            if matches!(
                r.status,
                ReferralStatus::Referred | ReferralStatus::Accepted
            ) {
                return Err(CaseError::at(
                    e.line,
                    Code::C0020,
                    format!(
                        "need `{need}` is already referred to `{}` ({})",
                        r.provider,
                        r.status.as_str()
                    ),
                    "record `referral_declined` before referring elsewhere",
                ));
            }
        }
        if let Some(service) = &e.json.service {
            self.check_service(e, need, service)?;
        }
        let provider = nonempty(
            e,
            e.json.provider.as_deref(),
            "provider",
            "name the provider",
        )?;
        self.check_provider(e, provider, need, e.json.service.as_deref())?;
        let flags = self.provider_rules(e, provider, need, e.json.service.as_deref())?;
        let assessment = self.need_assessment(si);
        let consent = match assessment {
            Some(a) => self.require_disclosure(
                e,
                provider,
                Data::Assessment(a),
                &format!("referring need `{need}`"),
            )?,
            None => None,
        };
        self.disclosures.push(DisclosureRecord {
            role: None,
            provider: Some(provider.to_string()),
            plan: false,
            need: Some(need.to_string()),
            assessment: assessment.map(String::from),
            event: "referred",
            line: e.line,
            at: e.at,
            consent,
        });
        self.referrals.push(Referral {
            step: si,
            need: need.to_string(),
            provider: provider.to_string(),
            service: e.json.service.clone(),
            status: ReferralStatus::Referred,
            since: e.at,
            referred_at: e.at,
            reason: None,
            flags,
        });
        Ok(())
    }

    fn referral_outcome(&mut self, e: &Event) -> Result<(), CaseError> {
        let need = required(e, "need", &e.json.need)?;
        let Some(i) = self.referrals.iter().rposition(|r| r.need == need) else {
            return Err(CaseError::at(
                e.line,
                Code::C0024,
                format!("need `{need}` has not been referred"),
                "record a `referred` event first",
            ));
        };
        if e.kind == EventKind::ReferralAccepted {
            if let Some(r) = self
                .referrals
                .get(i)
                .filter(|r| r.status == ReferralStatus::Referred)
            {
                // Accepting gives the provider the need and what found it.
                let assessment = self.need_assessment(r.step);
                if let Some(a) = assessment {
                    let consent = self.require_disclosure(
                        e,
                        &r.provider,
                        Data::Assessment(a),
                        &format!("accepting the referral of need `{need}`"),
                    )?;
                    self.disclosures.push(DisclosureRecord {
                        role: None,
                        provider: Some(r.provider.clone()),
                        plan: false,
                        need: Some(need.to_string()),
                        assessment: Some(a.to_string()),
                        event: "referral_accepted",
                        line: e.line,
                        at: e.at,
                        consent,
                    });
                }
            }
        }
        let Some(r) = self.referrals.get_mut(i) else {
            return Ok(());
        };
        use ReferralStatus::*;
        let next = match (e.kind, r.status) {
            (EventKind::ReferralAccepted, Referred) => Accepted,
            (EventKind::ReferralDeclined, Referred | Accepted) => Declined,
            (EventKind::ReferralCompleted, Referred | Accepted) => Completed,
            (_, status) => {
                return Err(CaseError::at(
                    e.line,
                    Code::C0025,
                    format!("the referral of need `{need}` to `{}` is {}: it cannot be {}", r.provider, status.as_str(), e.kind.as_str().trim_start_matches("referral_")),
                    "accepted and declined follow `referred`; completed follows `referred` or `accepted`",
                ))
            }
        };
        r.status = next;
        r.since = e.at;
        r.reason = e.json.reason.clone();
        Ok(())
    }

    fn planned(&mut self, e: &Event) -> Result<(), CaseError> {
        let need = required(e, "need", &e.json.need)?;
        if !self.needs().contains(&need) {
            let found = self.needs();
            return Err(CaseError::at(
                e.line,
                Code::C0026,
                format!("need `{need}` has not been established by an assessment of this case"),
                match found.is_empty() {
                    true => "the case's assessments have established no needs yet".to_string(),
                    false => format!("the needs found are: {}", found.join(", ")),
                },
            ));
        }
        let service = required(e, "service", &e.json.service)?;
        self.check_service(e, need, service)?;
        let responsible = required(e, "responsible", &e.json.responsible)?;
        if role_index(self.def, responsible).is_none() {
            return Err(unknown_role(self.def, e.line, responsible));
        }
        let goal = nonempty(
            e,
            e.json.goal.as_deref(),
            "goal",
            "state what the service should achieve",
        )?;
        let review_text = required(e, "review", &e.json.review)?;
        let Some(review) = parse_date(review_text) else {
            return Err(CaseError::at(
                e.line,
                Code::C0027,
                "`review` must be a date written YYYY-MM-DD",
                "write the day the plan entry is reviewed",
            ));
        };
        if review < e.at {
            return Err(CaseError::at(
                e.line,
                Code::C0027,
                format!("the review date {review} is before the event ({})", e.at),
                "review the plan on or after the day it is agreed",
            ));
        }
        let mut flags = Vec::new();
        if let Some(p) = &e.json.provider {
            self.check_provider(e, p, need, Some(service))?;
            flags = self.provider_rules(e, p, need, Some(service))?;
        }
        let consent = match &e.json.provider {
            Some(p) => Some(self.require_disclosure(
                e,
                p,
                Data::Plan,
                &format!("planning need `{need}`"),
            )?),
            None => None,
        };
        // Checked; now change.
        if let (Some(p), Some(consent)) = (&e.json.provider, consent) {
            self.disclosures.push(DisclosureRecord {
                role: None,
                provider: Some(p.clone()),
                plan: true,
                need: Some(need.to_string()),
                assessment: None,
                event: "planned",
                line: e.line,
                at: e.at,
                consent,
            });
        }
        if let Some(ri) = role_index(self.def, responsible) {
            let consent = self
                .consent_for(Recipient::Role(ri), Some(Data::Plan), e.at)
                .line();
            self.disclosures.push(DisclosureRecord {
                role: Some(ri),
                provider: None,
                plan: true,
                need: Some(need.to_string()),
                assessment: None,
                event: "planned",
                line: e.line,
                at: e.at,
                consent,
            });
        }
        let entry = PlanEntry {
            need: need.to_string(),
            service: service.to_string(),
            provider: e.json.provider.clone(),
            responsible: responsible.to_string(),
            goal: goal.to_string(),
            review,
            at: e.at,
            line: e.line,
            flags,
        };
        match self.plan.iter_mut().find(|p| p.need == need) {
            Some(p) => *p = entry,
            None => self.plan.push(entry),
        }
        self.first_plan.get_or_insert(e.at);
        Ok(())
    }

    fn facts(&mut self, e: &Event) -> Result<(), CaseError> {
        let Some(Json::Object(set)) = &e.json.set else {
            return Err(CaseError::at(
                e.line,
                Code::C0010,
                "`set` must be a JSON object of the subject's facts",
                "e.g. {\"set\": {\"in_school\": true}}",
            ));
        };
        // Each fact is checked on its own, so the facts given are checked
        // without rebuilding the whole subject; that waits for a guard.
        self.engine.subject_facts(self.def, e.line, set)?;
        let read = match self.low.and_then(|l| l.when_fields.as_ref()) {
            Some(fields) => set.keys().any(|k| fields.contains(k)),
            None => true,
        };
        for (k, v) in set {
            self.subject.insert(k.clone(), v.clone());
        }
        self.facts_stale = true;
        if read {
            self.guards_dirty = true;
        }
        Ok(())
    }

    /// The closing step a `closed` event names (`step`), else `close`, else
    /// the only way to close.
    fn closing_way(&self, e: &Event) -> Result<usize, CaseError> {
        let ways = || {
            self.closers
                .iter()
                .filter_map(|c| self.def.steps.get(*c))
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &e.json.step {
            Some(name) => {
                let (si, step) = self.step(e.line, name)?;
                if !step.closes {
                    return Err(CaseError::at(
                        e.line,
                        Code::C0040,
                        format!("step `{name}` is not a way to close the case"),
                        format!("the ways to close `{}` are {}", self.def.name, ways()),
                    ));
                }
                Ok(si)
            }
            None => match (self.close_step(), self.closers.as_slice()) {
                (Some(c), _) => Ok(c),
                (None, [only]) => Ok(*only),
                (None, []) => Err(CaseError::at(
                    e.line,
                    Code::C0009,
                    "the protocol has no closing step",
                    "check the ruleset",
                )),
                (None, _) => Err(CaseError::at(
                    e.line,
                    Code::C0040,
                    "the protocol has several ways to close and no `close` step: the `closed` event must name one",
                    format!("add \"step\": one of {}", ways()),
                )),
            },
        }
    }

    fn close(&mut self, e: &Event) -> Result<(), CaseError> {
        let ci = self.closing_way(e)?;
        let Some(step) = self.def.steps.get(ci) else {
            return Ok(());
        };
        self.require_role(e, step)?;
        self.require_ready(e, ci, step)?;
        self.require_consent(e, step)?;
        self.closed = Some((e.at, e.json.reason.clone()));
        self.closed_as = Some(ci);
        self.guards_dirty = true;
        Ok(())
    }
}

/// The subject's region and the providers' places (`referrals …`), and the
/// ratings of `rates providers` steps.
impl Case<'_> {
    /// What `referrals elsewhere …, full …` says of referring need `need` to
    /// `provider` (a provider of the catalogue offering `service`, or a
    /// service meeting the need): refused (`C0060`, `C0061`, `C0062` for a
    /// region not recorded), or accepted with the flags it is shown with.
    /// Without a catalogue nothing is known of providers, and nothing is
    /// flagged; without a region field, the region is not checked.
    fn provider_rules(
        &self,
        e: &Event,
        provider: &str,
        need: &str,
        service: Option<&str>,
    ) -> Result<Vec<&'static str>, CaseError> {
        use accord_grammar::ast::ReferralAction::{Flagged, Refused};
        let Some(cat) = self.catalogue else {
            return Ok(Vec::new());
        };
        let rules = self.def.referrals;
        let mut flags = Vec::new();
        // The subject's region: `None` when not recorded; the field itself
        // only when the protocol has one.
        let region = self
            .def
            .region
            .as_ref()
            .map(|field| self.subject.get(field).and_then(Json::as_str));
        let to = format!("`{provider}`");
        let what = match service {
            Some(s) => format!("service `{s}`"),
            None => format!("need `{need}`"),
        };
        match region {
            None => {}
            Some(None) if cat.provider_serves_all(provider) == Some(true) => {}
            Some(None) => match rules.elsewhere {
                Refused => {
                    return Err(CaseError::at(
                        e.line,
                        Code::C0062,
                        format!("the subject's region is not recorded, so whether {to} serves it cannot be told"),
                        format!(
                            "record the subject's `{}` first (a `facts` event), then refer",
                            self.def.region.as_deref().unwrap_or_default()
                        ),
                    ))
                }
                Flagged => flags.push("region_unknown"),
            },
            Some(Some(r)) if self.engine.provider_serves(cat, provider, r) == Some(false) => {
                match rules.elsewhere {
                    Refused => {
                        let serving = self.alternatives(need, service, Some(r), false);
                        return Err(CaseError::at(
                            e.line,
                            Code::C0060,
                            format!("provider {to} does not serve the subject's region, and the protocol refuses referrals elsewhere"),
                            match serving.is_empty() {
                                true => format!("no provider of the catalogue offers {what} in the subject's region"),
                                false => format!("providers that offer {what} in the subject's region: {}", serving.join(", ")),
                            },
                        ));
                    }
                    Flagged => flags.push("elsewhere"),
                }
            }
            Some(Some(_)) => {}
        }
        if cat.provider_full(provider) == Some(true) {
            match rules.full {
                Refused => {
                    let r = region.flatten();
                    let with_places = self.alternatives(need, service, r, true);
                    let here = match r {
                        Some(_) => " in the subject's region",
                        None => "",
                    };
                    return Err(CaseError::at(
                        e.line,
                        Code::C0061,
                        format!("provider {to} has no places left, and the protocol refuses referrals to full providers"),
                        match with_places.is_empty() {
                            true => format!("no provider of the catalogue with places left offers {what}{here}"),
                            false => format!("providers with places left that offer {what}{here}: {}", with_places.join(", ")),
                        },
                    ));
                }
                Flagged => flags.push("full"),
            }
        }
        Ok(flags)
    }

    /// The providers (ids, ranked as `accord providers` ranks them, at most
    /// [`MAX_LISTED`]) that meet `need` with `service` (any service meeting
    /// it when `None`) in `region` (anywhere when `None`), only those with
    /// places left when `with_places`.
    fn alternatives(
        &self,
        need: &str,
        service: Option<&str>,
        region: Option<&str>,
        with_places: bool,
    ) -> Vec<String> {
        const MAX_LISTED: usize = 8;
        let Some(cat) = self.catalogue else {
            return Vec::new();
        };
        let Ok(report) = self.engine.providers_for(cat, need, region, None, None) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = report
            .providers
            .into_iter()
            .filter(|m| !(with_places && m.full))
            .filter(|m| service.is_none_or(|s| m.services.iter().any(|x| x == s)))
            .map(|m| format!("`{}`", m.id))
            .collect();
        if ids.len() > MAX_LISTED {
            ids.truncate(MAX_LISTED);
            ids.push("…".to_string());
        }
        ids
    }

    /// The ratings a `rates providers` step gives with `answers`: the survey's
    /// score (its `satisfaction` score, else the mean of its answered
    /// `scale 1..5` questions) for every provider the case used, for each
    /// service it used. Answers that give no score from 1 to 5 are `C0063`.
    fn rate_providers(
        &self,
        e: &Event,
        si: usize,
        assessment: usize,
        name: &str,
        answers: &Map<String, Json>,
    ) -> Result<Vec<CaseRating>, CaseError> {
        let (score, questions) = self
            .engine
            .survey_score(assessment, name, &Json::Object(answers.clone()))
            .map_err(|_| {
                CaseError::at(
                    e.line,
                    Code::C0063,
                    format!("the answers to `{name}` give no rating from 1 to 5, and the step rates the providers"),
                    "answer the survey's 1–5 questions, or those of its `satisfaction` score",
                )
            })?;
        Ok(self
            .providers_used()
            .into_iter()
            .map(|(provider, service)| CaseRating {
                provider,
                service,
                score,
                questions: questions.clone(),
                step: si,
                survey: assessment,
            })
            .collect())
    }

    /// Every (provider, service) the case used, each once, in the order of
    /// use: referrals accepted or completed, then plan entries naming a
    /// provider. A referral without a service used the plan's service for
    /// the need when the plan names the same provider; else the provider's
    /// services meeting the need (with a catalogue) or the ruleset's.
    fn providers_used(&self) -> Vec<(String, String)> {
        let mut used: Vec<(String, String)> = Vec::new();
        let mut add = |p: &str, s: &str| {
            if !used.iter().any(|(a, b)| a == p && b == s) {
                used.push((p.to_string(), s.to_string()));
            }
        };
        let services = &self.engine.checked.services;
        for r in &self.referrals {
            if !matches!(
                r.status,
                ReferralStatus::Accepted | ReferralStatus::Completed
            ) {
                continue;
            }
            if let Some(s) = &r.service {
                add(&r.provider, s);
                continue;
            }
            let planned = self
                .plan
                .iter()
                .find(|p| p.need == r.need && p.provider.as_deref() == Some(r.provider.as_str()));
            if let Some(p) = planned {
                add(&r.provider, &p.service);
                continue;
            }
            let offered = self
                .catalogue
                .and_then(|c| c.provider_services(&r.provider));
            for (i, s) in services.iter().enumerate() {
                let offers = offered.is_none_or(|o| o.contains(&i));
                if offers && s.meets.contains(&r.need) {
                    add(&r.provider, &s.name);
                }
            }
        }
        for p in &self.plan {
            if let Some(provider) = &p.provider {
                add(provider, &p.service);
            }
        }
        used
    }
}

/// A field [`Event::from_json`] requires of the event's kind: there in every
/// event read from a log. An event built by hand without it is refused as a
/// log's would be.
fn required<'e>(e: &Event, field: &str, v: &'e Option<String>) -> Result<&'e str, CaseError> {
    v.as_deref().ok_or_else(|| {
        CaseError::at(
            e.line,
            Code::C0003,
            format!("a `{}` event needs `{field}`", e.kind.as_str()),
            format!("give the `{}` event its `{field}`", e.kind.as_str()),
        )
    })
}

fn nonempty<'e>(
    e: &Event,
    v: Option<&'e str>,
    field: &str,
    help: &str,
) -> Result<&'e str, CaseError> {
    match v.map(str::trim) {
        Some(t) if !t.is_empty() => Ok(t),
        _ => Err(CaseError::at(
            e.line,
            Code::C0003,
            format!("a `{}` event needs a non-empty `{field}`", e.kind.as_str()),
            help,
        )),
    }
}

impl Engine {
    /// The protocol `name` a case opened on `date` runs: `version` when given,
    /// otherwise the one in force that day.
    fn resolve_protocol(
        &self,
        line: usize,
        name: &str,
        version: Option<u32>,
        date: Date,
    ) -> Result<usize, CaseError> {
        if self.checked.protocol_by_name(name).is_none() {
            let names = self.protocol_names();
            let help = super::name_help(name, names.iter().copied(), |all| {
                format!("the ruleset's protocols are {all}")
            });
            return Err(CaseError::at(
                line,
                Code::C0009,
                format!("the ruleset has no protocol `{name}`"),
                help,
            ));
        }
        if let Some(p) = self.checked.protocol_version(name, version, date) {
            return Ok(p.0);
        }
        let versions: Vec<String> = self
            .checked
            .protocol_versions(name)
            .iter()
            .filter_map(|p| self.checked.protocols.get(p.0))
            .map(|p| match p.from {
                Some(f) => format!("{} (from {f})", p.version),
                None => p.version.to_string(),
            })
            .collect();
        let message = match version {
            Some(v) => format!("protocol `{name}` has no version {v}"),
            None => format!("no version of protocol `{name}` is in force on {date}"),
        };
        Err(CaseError::at(
            line,
            Code::C0009,
            message,
            format!("its versions are {}", versions.join(", ")),
        ))
    }

    /// Validates the subject's facts against the protocol's `for` entity.
    fn subject_facts(
        &self,
        def: &ProtocolDef,
        line: usize,
        subject: &Map<String, Json>,
    ) -> Result<Facts, CaseError> {
        let Some(entity) = def.subject else {
            return Err(CaseError::at(
                line,
                Code::C0010,
                "the protocol has no `for` entity",
                "check the ruleset",
            ));
        };
        crate::screen::facts_json::from_json_value(
            &self.lowered,
            &self.checked,
            entity.0 as u32,
            &Json::Object(subject.clone()),
        )
        .map_err(|err| {
            let name = self
                .checked
                .entities
                .get(entity.0)
                .map_or("", |e| e.name.as_str());
            CaseError::at(
                line,
                Code::C0010,
                format!("the subject's facts are not valid for `{name}`: {err}"),
                "see `accord schema --entity` for the facts and their types",
            )
        })
    }

    /// The source text of an expression, for messages.
    pub(crate) fn source_text(&self, file: usize, span: accord_grammar::ast::Span) -> String {
        let text = self.sources.file(file);
        debug_assert!(text.is_some(), "the model's locations are in its sources");
        text.map(|f| crate::source::balanced_text(&f.text, span))
            .unwrap_or_default()
    }
}
