//! A caseload: many cases on one as-of date — the agenda of a role (due and
//! overdue tasks, sorted) and the monitoring figures a service follows each
//! case up with (open cases by step, overdue tasks, escalations, days from
//! opening to the individual plan and to closure).
//!
//! A [`Caseload`] is built case by case and two can be combined, so a front end
//! may build parts on several threads; the result does not depend on how the
//! cases were split.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::event::Event;
use super::run::{Case, CaseOptions};
use super::CaseError;
use crate::labels::Shown;
use crate::messages;
use crate::screen::Engine;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AgendaItem {
    pub case: String,
    pub protocol: String,
    pub step: String,
    pub label: String,
    pub need: Option<String>,
    pub role: String,
    pub assignee: Option<String>,
    pub held_by: Option<String>,
    pub ready_since: String,
    pub due: Option<String>,
    pub overdue: bool,
    /// Escalated to someone (the task is overdue by the protocol's margin).
    pub escalated: bool,
}

/// Counts for one step (or one holder of cases).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Open cases with an open task at this step (or held by this holder).
    pub open: u64,
    /// Overdue tasks.
    pub overdue: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Monitoring {
    pub cases: u64,
    pub open: u64,
    pub closed: u64,
    /// Closed cases per protocol and closing way: `"out_of_school.close"`
    /// (present when some case is closed).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub closed_by_way: BTreeMap<String, u64>,
    /// Per protocol and step: `"out_of_school.assess"`.
    pub by_step: BTreeMap<String, Counts>,
    /// Per agency or municipality holding the case (`held_by`; `""` when not
    /// recorded).
    pub by_holder: BTreeMap<String, Counts>,
    pub overdue_tasks: u64,
    pub escalations: u64,
    /// Median days from opening to the first entry of the individual plan,
    /// over the cases that have one.
    pub median_days_to_plan: Option<f64>,
    /// Median days from opening to closure, over closed cases.
    pub median_days_to_close: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CaseFailure {
    pub case: String,
    pub error: CaseError,
}

/// `accord caseload --format json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseloadReport {
    pub as_of: String,
    pub role: Option<String>,
    pub agenda: Vec<AgendaItem>,
    pub monitoring: Monitoring,
    /// Cases whose log could not be replayed, with why; they count nowhere else.
    pub errors: Vec<CaseFailure>,
    /// Labels and the words' language for [`render`](Self::render): the
    /// language asked for, else the ruleset's first.
    #[serde(skip)]
    pub(crate) shown: Shown,
}

/// What a caseload needs of one case.
struct Summary {
    protocol: String,
    held_by: Option<String>,
    closed: Option<Date>,
    /// The closing step, while closed.
    closed_as: Option<String>,
    tasks: Vec<super::state::Task>,
    escalations: Vec<super::state::Escalation>,
}

/// A caseload being built.
#[derive(Debug, Clone)]
pub struct Caseload {
    as_of: Date,
    role: Option<String>,
    agenda: Vec<AgendaItem>,
    cases: u64,
    open: u64,
    closed_by_way: BTreeMap<String, u64>,
    by_step: BTreeMap<String, Counts>,
    by_holder: BTreeMap<String, Counts>,
    overdue: u64,
    escalations: u64,
    to_plan: Vec<i32>,
    to_close: Vec<i32>,
    errors: Vec<CaseFailure>,
    shown: Shown,
    /// The language of the tasks' labels and the words (`""`: the ruleset's
    /// first).
    lang: String,
}

fn median(v: &mut [i32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    // `v` is not empty: `mid` is an index, and so is `mid - 1` for an even length.
    let mid = v.len() / 2;
    let hi = f64::from(*v.get(mid)?);
    match v.len() % 2 {
        1 => Some(hi),
        _ => Some((f64::from(*v.get(mid.checked_sub(1)?)?) + hi) / 2.0),
    }
}

fn days(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

impl Caseload {
    /// An empty caseload on `as_of`, for `role` (every role when `None`),
    /// in the ruleset's first language.
    pub fn new(as_of: Date, role: Option<&str>) -> Caseload {
        Caseload::in_lang(as_of, role, None)
    }

    /// An empty caseload on `as_of`, for `role`, its tasks' labels and its
    /// words in `lang` (the ruleset's first language when `None`), as a case
    /// state's (`accord caseload --lang`).
    pub fn in_lang(as_of: Date, role: Option<&str>, lang: Option<&str>) -> Caseload {
        Caseload {
            as_of,
            role: role.map(String::from),
            agenda: Vec::new(),
            cases: 0,
            open: 0,
            closed_by_way: BTreeMap::new(),
            by_step: BTreeMap::new(),
            by_holder: BTreeMap::new(),
            overdue: 0,
            escalations: 0,
            to_plan: Vec::new(),
            to_close: Vec::new(),
            errors: Vec::new(),
            shown: Shown::default(),
            lang: lang.unwrap_or_default().to_string(),
        }
    }

    /// Adds one case: its log (events after the as-of date are not applied).
    /// `name` identifies it when the log's `opened` event has no `case`.
    pub fn add(&mut self, engine: &Engine, name: &str, events: &[Event], options: CaseOptions<'_>) {
        // A case opened after the as-of date does not exist yet on it.
        if events.first().is_some_and(|e| e.at > self.as_of) {
            return;
        }
        let result = Case::replay(engine, events, options, Some(self.as_of)).and_then(|mut c| {
            // Only the work and the figures: no history, no assessments.
            c.refresh_for(self.as_of);
            let (tasks, escalations) = c.open_work(self.as_of, None, &self.lang)?;
            // The tasks' labels are in the caseload's language: so are the
            // words.
            self.shown
                .absorb(Shown::new(&engine.checked, c.def, &self.lang));
            Ok((
                c.first_plan,
                c.opened,
                Summary {
                    protocol: c.def.name.clone(),
                    held_by: c.held_by.clone(),
                    closed: c.closed.as_ref().map(|(d, _)| *d),
                    closed_as: c
                        .closed_as
                        .and_then(|i| c.def.steps.get(i))
                        .map(|s| s.name.clone()),
                    tasks,
                    escalations,
                },
            ))
        });
        let id = events
            .first()
            .and_then(|e| e.json.case.clone())
            .unwrap_or_else(|| name.to_string());
        let (first_plan, opened, state) = match result {
            Ok(r) => r,
            Err(error) => {
                self.errors.push(CaseFailure { case: id, error });
                return;
            }
        };
        self.cases += 1;
        if let Some(p) = first_plan {
            self.to_plan.push(days(opened, p));
        }
        // A case held by no one counts under `""` (see `by_holder`).
        let holder = state.held_by.clone().unwrap_or_default();
        if let Some(c) = state.closed {
            self.to_close.push(days(opened, c));
            let way = state.closed_as.as_deref().unwrap_or("close");
            *self
                .closed_by_way
                .entry(format!("{}.{way}", state.protocol))
                .or_default() += 1;
            return;
        }
        self.open += 1;
        let h = self.by_holder.entry(holder).or_default();
        h.open += 1;
        let mut steps_seen: Vec<&str> = Vec::new();
        for t in &state.tasks {
            let key = format!("{}.{}", state.protocol, t.step);
            let counts = self.by_step.entry(key).or_default();
            if !steps_seen.contains(&t.step.as_str()) {
                counts.open += 1;
                steps_seen.push(&t.step);
            }
            if t.overdue {
                counts.overdue += 1;
                self.overdue += 1;
                h.overdue += 1;
            }
        }
        self.escalations += state.escalations.len() as u64;
        let role = self.role.as_deref();
        for t in state.tasks {
            let escalated = state
                .escalations
                .iter()
                .any(|e| e.step == t.step && e.need == t.need);
            let to_me = role.is_some_and(|r| {
                state
                    .escalations
                    .iter()
                    .any(|e| e.step == t.step && e.need == t.need && e.to == r)
            });
            if role.is_some_and(|r| r != t.role) && !to_me {
                continue;
            }
            self.agenda.push(AgendaItem {
                case: id.clone(),
                protocol: state.protocol.clone(),
                step: t.step,
                label: t.label,
                need: t.need,
                role: t.role,
                assignee: t.assignee,
                held_by: state.held_by.clone(),
                ready_since: t.ready_since,
                due: t.due,
                overdue: t.overdue,
                escalated,
            });
        }
    }

    /// Counts a log whose lines could not be read as a case in error.
    pub fn add_unreadable(&mut self, name: &str, errors: Vec<CaseError>) {
        if let Some(error) = errors.into_iter().next() {
            self.errors.push(CaseFailure {
                case: name.to_string(),
                error,
            });
        }
    }

    /// Adds the cases of `other` (built on the same date for the same role,
    /// in the same language).
    pub fn absorb(&mut self, other: Caseload) {
        self.agenda.extend(other.agenda);
        self.cases += other.cases;
        self.open += other.open;
        for (k, c) in other.by_step {
            let e = self.by_step.entry(k).or_default();
            e.open += c.open;
            e.overdue += c.overdue;
        }
        for (k, c) in other.by_holder {
            let e = self.by_holder.entry(k).or_default();
            e.open += c.open;
            e.overdue += c.overdue;
        }
        for (k, n) in other.closed_by_way {
            *self.closed_by_way.entry(k).or_default() += n;
        }
        self.overdue += other.overdue;
        self.escalations += other.escalations;
        self.to_plan.extend(other.to_plan);
        self.to_close.extend(other.to_close);
        self.errors.extend(other.errors);
        self.shown.absorb(other.shown);
    }

    /// The agenda sorted (overdue first, then by due date, tasks without a
    /// deadline last; then by case and step) and the figures.
    pub fn finish(mut self) -> CaseloadReport {
        self.agenda.sort_by(|a, b| {
            (
                !a.overdue,
                a.due.is_none(),
                &a.due,
                &a.ready_since,
                &a.case,
                &a.step,
                &a.need,
            )
                .cmp(&(
                    !b.overdue,
                    b.due.is_none(),
                    &b.due,
                    &b.ready_since,
                    &b.case,
                    &b.step,
                    &b.need,
                ))
        });
        self.errors.sort_by(|a, b| a.case.cmp(&b.case));
        CaseloadReport {
            as_of: self.as_of.to_string(),
            role: self.role,
            agenda: self.agenda,
            monitoring: Monitoring {
                cases: self.cases,
                open: self.open,
                closed: self.cases - self.open,
                closed_by_way: self.closed_by_way,
                by_step: self.by_step,
                by_holder: self.by_holder,
                overdue_tasks: self.overdue,
                escalations: self.escalations,
                median_days_to_plan: median(&mut self.to_plan),
                median_days_to_close: median(&mut self.to_close),
            },
            errors: self.errors,
            shown: self.shown,
        }
    }
}

impl CaseloadReport {
    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: a caseload report is strings, numbers, booleans, options, lists and maps with string keys, which serde_json always writes"
    )]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a caseload report serialises")
    }

    /// The agenda as CSV: one row per task.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "case,protocol,step,need,role,assignee,held_by,ready_since,due,overdue,escalated\n",
        );
        let field = |s: &str| match s.contains([',', '"', '\n']) {
            true => format!("\"{}\"", s.replace('"', "\"\"")),
            false => s.to_string(),
        };
        // An absent need, assignee, holder or deadline is an empty cell.
        for a in &self.agenda {
            let row = [
                field(&a.case),
                field(&a.protocol),
                field(&a.step),
                field(a.need.as_deref().unwrap_or("")),
                field(&a.role),
                field(a.assignee.as_deref().unwrap_or("")),
                field(a.held_by.as_deref().unwrap_or("")),
                a.ready_since.clone(),
                a.due.clone().unwrap_or_default(),
                a.overdue.to_string(),
                a.escalated.to_string(),
            ];
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }

    /// For people: the agenda, then the figures, in the language asked for
    /// (else the ruleset's first) with labels for roles, needs and steps.
    pub fn render(&self) -> String {
        let sh = &self.shown;
        let m = &self.monitoring;
        let role = self
            .role
            .as_deref()
            .map(|r| format!(" {}", sh.say("caseload.for", &[("role", sh.role(r))])))
            .unwrap_or_default();
        let cases = messages::count(&sh.lang, "caseload.cases", m.cases, &[]);
        let mut out = sh.say(
            "caseload.header",
            &[
                ("date", &self.as_of),
                ("role", &role),
                ("cases", &cases),
                ("open", &m.open.to_string()),
                ("closed", &m.closed.to_string()),
            ],
        );
        out.push('\n');
        for a in &self.agenda {
            let need = a
                .need
                .as_deref()
                .map(|n| format!(" [{}]", sh.need(n)))
                .unwrap_or_default();
            let due = match (&a.due, a.overdue) {
                (Some(d), true) => sh.say("caseload.overdue", &[("date", d)]),
                (Some(d), false) => sh.say("case.due", &[("date", d)]),
                (None, _) => sh.say("caseload.no_deadline", &[]),
            };
            let esc = match a.escalated {
                true => format!(", {}", sh.say("caseload.escalated", &[])),
                false => String::new(),
            };
            out.push_str(&format!(
                "  {due}{esc}: {} {}{need} — {} ({})\n",
                a.case,
                a.step,
                a.label,
                sh.role(&a.role)
            ));
        }
        out.push_str(&sh.say(
            "caseload.totals",
            &[
                ("overdue", &m.overdue_tasks.to_string()),
                ("escalations", &m.escalations.to_string()),
            ],
        ));
        out.push('\n');
        let med = |v: Option<f64>| {
            v.map_or("-".to_string(), |d| {
                messages::count_decimal(&sh.lang, "duration.days", d)
            })
        };
        out.push_str(&sh.say(
            "caseload.medians",
            &[
                ("plan", &med(m.median_days_to_plan)),
                ("close", &med(m.median_days_to_close)),
            ],
        ));
        out.push('\n');
        if !m.closed_by_way.is_empty() {
            // `protocol.way`: the closing step's label after the protocol's name.
            let ways: Vec<String> = m
                .closed_by_way
                .iter()
                .map(|(way, n)| match way.split_once('.') {
                    Some((p, s)) => format!("{} ({p}) {n}", sh.step(s)),
                    None => format!("{way} {n}"),
                })
                .collect();
            out.push_str(&sh.say("caseload.closed_by_way", &[("ways", &ways.join(", "))]));
            out.push('\n');
        }
        for (step, c) in &m.by_step {
            // `protocol.step`: the step's label after the protocol's name.
            let shown = match step.split_once('.') {
                Some((p, s)) => format!("{} ({p})", sh.step(s)),
                None => step.clone(),
            };
            out.push_str("  ");
            out.push_str(&sh.say(
                "caseload.step",
                &[
                    ("step", &shown),
                    ("open", &c.open.to_string()),
                    ("overdue", &c.overdue.to_string()),
                ],
            ));
            out.push('\n');
        }
        for e in &self.errors {
            let error = e.error.to_string();
            out.push_str(&sh.say("caseload.error", &[("case", &e.case), ("error", &error)]));
            out.push('\n');
        }
        out
    }
}
