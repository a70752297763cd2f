//! A case's state on an as-of date, in full or as one role may see it.
//!
//! The full state is for the case's record (an auditor, a supervisor), with its
//! consents and disclosures. A role's view keeps what `share` — and, for a share
//! `requires consent` or a provider, the consent in force — lets the role see
//! (a role `is provider` is seen as one provider, its own referrals and plan
//! entries only): its own tasks and the escalations
//! about or to it; the answers, scores, needs and risk of the assessments
//! shared with it (`share ASSESSMENT with …` or `share STEP with …`), and the
//! plan entries and referrals of those needs (or that it is responsible for, or
//! made); the history of its own events and of the notes addressed to it.
//! The subject's facts, the other roles' notes and merge conflicts are never in
//! a view.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::calendar::DeadlineError;
use super::event::EventKind;
use super::run::Case;
use super::scope::{Data, Recipient};
use super::CaseError;
use crate::codes::Code;
use crate::labels::{localize, Shown};

/// An open task: a ready step (or a need's task of a step per need).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Task {
    pub step: String,
    pub label: String,
    /// The need, for a task of a `for each need` step.
    pub need: Option<String>,
    pub role: String,
    /// The worker the role is assigned to in this case, if recorded.
    pub assignee: Option<String>,
    pub ready_since: String,
    /// `null` for a step without a deadline.
    pub due: Option<String>,
    pub overdue: bool,
    pub recurring: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Escalation {
    pub step: String,
    pub need: Option<String>,
    pub to: String,
    pub since: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AssessmentState {
    pub step: String,
    pub assessment: String,
    /// Whether the answers decide every need and the risk (the step is done).
    pub complete: bool,
    pub scores: Map<String, Json>,
    pub needs: Vec<String>,
    pub possible_needs: Vec<String>,
    pub risk: Option<String>,
    pub unanswered: Vec<String>,
    pub answers: Map<String, Json>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlanItem {
    pub need: String,
    pub service: String,
    pub provider: Option<String>,
    pub responsible: String,
    pub goal: String,
    pub review: String,
    /// The review date has passed.
    pub review_due: bool,
    pub agreed: String,
    /// `elsewhere`, `full`, `region_unknown` (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReferralItem {
    pub need: String,
    pub provider: String,
    pub service: Option<String>,
    /// `referred`, `accepted`, `declined` or `completed`.
    pub status: &'static str,
    pub referred: String,
    pub since: String,
    pub reason: Option<String>,
    /// `elsewhere` (the provider does not serve the subject's region),
    /// `full` (it had no places left), `region_unknown` (the subject's region
    /// was not recorded): what `referrals … flagged` found when referring
    /// (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
}

/// A provider rated by a `rates providers` step.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RatingItem {
    pub provider: String,
    pub service: String,
    /// From 1 to 5, to two decimals.
    pub score: String,
    /// The step whose survey rated.
    pub step: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StepStatus {
    pub step: String,
    /// `done`, `ready` or `waiting`.
    pub status: &'static str,
    pub done: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryItem {
    pub line: usize,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Written `YYYY-MM-DD` (a date, so a long history allocates less).
    #[serde(serialize_with = "as_text")]
    pub at: Date,
    pub by: Option<String>,
    pub who: Option<String>,
    pub summary: String,
}

fn as_text<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conflict {
    pub line: usize,
    pub reason: String,
}

/// `accord case --format json`: the brief's fields (`protocol`, `status`,
/// `tasks`, `escalations`, `needs`, `risk`, `referrals`) and the rest of the
/// case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseState {
    pub case: Option<String>,
    pub protocol: String,
    pub version: u32,
    pub label: String,
    pub as_of: String,
    /// The role whose view this is; `null` for the full state.
    pub role: Option<String>,
    /// The provider whose view this is (a role `is provider`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// `open` or `closed`.
    pub status: &'static str,
    pub opened: String,
    pub closed: Option<String>,
    pub closed_reason: Option<String>,
    /// The closing step the case was closed through, while closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_as: Option<String>,
    /// That step's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_as_label: Option<String>,
    pub held_by: Option<String>,
    pub tasks: Vec<Task>,
    pub escalations: Vec<Escalation>,
    pub needs: Vec<String>,
    pub risk: Option<String>,
    pub assessments: Vec<AssessmentState>,
    pub plan: Vec<PlanItem>,
    pub referrals: Vec<ReferralItem>,
    /// What `rates providers` steps rated (left out when nothing was).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<RatingItem>,
    /// `true` given, `false` withdrawn or refused, `null` never asked.
    pub consent: Option<bool>,
    pub assignees: BTreeMap<String, String>,
    pub steps: Vec<StepStatus>,
    /// The subject's facts (full state only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Map<String, Json>>,
    pub history: Vec<HistoryItem>,
    /// Events a merge kept without applying (full state only).
    pub conflicts: Vec<Conflict>,
    /// Events dated after the as-of date, not applied.
    pub later_events: usize,
    /// Every `consent` event with its scope and whether it is in force on the
    /// as-of date (full state only; left out when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<super::ConsentItem>,
    /// What the events disclosed, to whom, when and under which consent (full
    /// state only; left out when there is nothing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disclosures: Vec<super::Disclosure>,
    /// Labels and the words' language for [`render`](Self::render).
    #[serde(skip)]
    pub(crate) shown: Shown,
}

impl CaseState {
    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: a case state is strings, numbers, booleans, options, lists and JSON maps with string keys, which serde_json always writes"
    )]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a case state serialises")
    }

    /// For people: the status, the open tasks, escalations, needs and plan,
    /// in the state's language, with labels for roles, needs, services, risk
    /// levels and steps.
    pub fn render(&self) -> String {
        let sh = &self.shown;
        let mut out = String::new();
        let role = match (self.role.as_deref(), self.provider.as_deref()) {
            (Some(r), Some(p)) => format!(
                " {}",
                sh.say(
                    "case.as_provider",
                    &[("role", sh.role(r)), ("provider", sh.provider(p))]
                )
            ),
            (Some(r), None) => format!(" {}", sh.say("case.as_role", &[("role", sh.role(r))])),
            _ => String::new(),
        };
        let version = match self.version {
            1 => String::new(),
            v => format!(
                " {}",
                sh.say("case.version", &[("version", &v.to_string())])
            ),
        };
        // A log's `case` is optional: without one, the case is "case".
        let case = self
            .case
            .clone()
            .unwrap_or_else(|| sh.say("case.case", &[]));
        let status = match self.status {
            "closed" => sh.say("case.closed", &[]),
            _ => sh.say("case.open", &[]),
        };
        out.push_str(&sh.say(
            "case.header",
            &[
                ("case", &case),
                ("protocol", &self.label),
                ("version", &version),
                ("status", &status),
                ("date", &self.as_of),
                ("role", &role),
            ],
        ));
        out.push('\n');
        if let (Some(way), Some(label)) = (&self.closed_as, &self.closed_as_label) {
            // The usual way (`close`) goes without saying.
            if way != "close" {
                out.push_str(&sh.say("case.closed_as", &[("way", label)]));
                out.push('\n');
            }
        }
        if let Some(h) = &self.held_by {
            out.push_str(&sh.say("case.held_by", &[("holder", h)]));
            out.push('\n');
        }
        match self.tasks.is_empty() {
            true => out.push_str(&sh.say("case.no_tasks", &[])),
            false => out.push_str(&sh.say("case.tasks", &[])),
        }
        out.push('\n');
        let need = |n: &Option<String>| {
            n.as_deref()
                .map(|n| format!(" [{}]", sh.need(n)))
                .unwrap_or_default()
        };
        for t in &self.tasks {
            let due = match (&t.due, t.overdue) {
                (Some(d), true) => format!(", {}", sh.say("case.overdue", &[("date", d)])),
                (Some(d), false) => format!(", {}", sh.say("case.due", &[("date", d)])),
                (None, _) => String::new(),
            };
            out.push_str(&format!(
                "  {}{} — {} ({}{due})\n",
                t.step,
                need(&t.need),
                t.label,
                sh.role(&t.role)
            ));
        }
        for e in &self.escalations {
            let task = format!("{}{}", sh.step(&e.step), need(&e.need));
            out.push_str(&sh.say(
                "case.escalated",
                &[
                    ("task", &task),
                    ("role", sh.role(&e.to)),
                    ("date", &e.since),
                ],
            ));
            out.push('\n');
        }
        if !self.needs.is_empty() {
            let needs: Vec<&str> = self.needs.iter().map(|n| sh.need(n)).collect();
            out.push_str(&sh.say("case.needs", &[("needs", &needs.join(", "))]));
            out.push('\n');
        }
        if let Some(r) = &self.risk {
            out.push_str(&sh.say("case.risk", &[("risk", sh.risk(r))]));
            out.push('\n');
        }
        for p in &self.plan {
            let service = match &p.provider {
                Some(provider) => sh.say(
                    "case.plan_provider",
                    &[
                        ("service", sh.service(&p.service)),
                        ("provider", sh.provider(provider)),
                    ],
                ),
                None => sh.service(&p.service).to_string(),
            };
            let review = match p.review_due {
                true => sh.say("case.review_due", &[("date", &p.review)]),
                false => p.review.clone(),
            };
            out.push_str(&sh.say(
                "case.plan",
                &[
                    ("need", sh.need(&p.need)),
                    ("service", &service),
                    ("goal", &p.goal),
                    ("role", sh.role(&p.responsible)),
                    ("review", &review),
                ],
            ));
            out.push('\n');
            out.push_str(&flags_line(sh, &p.flags));
        }
        for r in &self.referrals {
            let status = match r.status {
                "accepted" => sh.say("referral.accepted", &[]),
                "declined" => sh.say("referral.declined", &[]),
                "completed" => sh.say("referral.completed", &[]),
                _ => sh.say("referral.referred", &[]),
            };
            out.push_str(&sh.say(
                "case.referral",
                &[
                    ("need", sh.need(&r.need)),
                    ("provider", sh.provider(&r.provider)),
                    ("status", &status),
                    ("date", &r.since),
                ],
            ));
            out.push_str(&flags_text(sh, &r.flags));
            out.push('\n');
        }
        for r in &self.ratings {
            out.push_str(&sh.say(
                "case.rated",
                &[
                    ("provider", sh.provider(&r.provider)),
                    ("service", sh.service(&r.service)),
                    ("score", &r.score),
                    ("step", sh.step(&r.step)),
                ],
            ));
            out.push('\n');
        }
        for c in &self.conflicts {
            let line = c.line.to_string();
            out.push_str(&sh.say("case.conflict", &[("line", &line), ("reason", &c.reason)]));
            out.push('\n');
        }
        out
    }
}

impl Case<'_> {
    /// The open tasks and escalations on `as_of` (readiness already computed
    /// for that date), of `role_ix` when given.
    pub(crate) fn open_work(
        &self,
        as_of: Date,
        role_ix: Option<usize>,
        lang: &str,
    ) -> Result<(Vec<Task>, Vec<Escalation>), CaseError> {
        let def = self.def;
        let mut tasks = Vec::new();
        let mut escalations = Vec::new();
        for (si, s) in def.steps.iter().enumerate() {
            let Some(run) = self.steps.get(si) else {
                continue;
            };
            let Some(ready) = run.ready_since else {
                continue;
            };
            let task_role = s.by;
            let mine = role_ix.is_none_or(|r| task_role == Some(r));
            let deadline = |base: Date, d| {
                self.cal
                    .add(base, d)
                    .map_err(|err| deadline_error(&s.name, base, &err))
            };
            // Each open task with the day it became ready: a task of a step
            // per need is ready on its own (chained per need).
            let needs: Vec<(Option<String>, Date)> = match &run.tasks {
                Some(t) => t
                    .iter()
                    .filter(|t| t.done_at.is_none())
                    .filter_map(|t| t.ready_since.map(|r| (Some(t.need.clone()), r)))
                    .collect(),
                None => vec![(None, ready)],
            };
            // The step's own escalations; else the protocol's, except for the
            // client's own tasks.
            let client = task_role
                .and_then(|r| def.roles.get(r))
                .is_some_and(|r| r.kind == Some(accord_grammar::ast::RoleKind::Client));
            let escalations_of_step: &[crate::check::EscalationDef] =
                match (s.escalations.is_empty(), client) {
                    (false, _) => &s.escalations,
                    (true, false) => &def.escalations,
                    (true, true) => &[],
                };
            for (need, ready) in needs {
                // `within … from`: counted from the anchor, no due date before it.
                let within_base = match s.within_from {
                    None => Some(ready),
                    Some(a) => self.anchor_day(a, need.as_deref()),
                };
                let mut due = None;
                if let Some(every) = s.every {
                    let first = run.last_done.is_none();
                    let mut base = run.last_done.unwrap_or(ready).max(ready);
                    if let Some(r) = self.reopened_at {
                        base = base.max(r);
                    }
                    due = match (first, s.within, within_base) {
                        (true, Some(w), Some(b)) => Some(deadline(b, w)?),
                        (true, Some(_), None) => None,
                        _ => Some(deadline(base, every)?),
                    };
                } else if let (Some(w), Some(b)) = (s.within, within_base) {
                    due = Some(deadline(b, w)?);
                }
                let overdue = due.is_some_and(|d| d < as_of);
                if let (true, Some(d)) = (overdue, due) {
                    for esc in escalations_of_step {
                        let since = match esc.overdue_by.unit {
                            accord_grammar::ast::DurationUnit::WorkingDays => self
                                .cal
                                .nth_working_day_until(d, esc.overdue_by.amount, as_of)
                                .map_err(|err| deadline_error(&s.name, d, &err))?,
                            _ => Some(deadline(d, esc.overdue_by)?).filter(|x| *x <= as_of),
                        };
                        let to = esc.to;
                        let visible = role_ix.is_none_or(|r| to == Some(r) || task_role == Some(r));
                        if let (Some(since), true) = (since, visible) {
                            escalations.push(Escalation {
                                step: s.name.clone(),
                                need: need.clone(),
                                to: self.role_name(to),
                                since: since.to_string(),
                            });
                        }
                    }
                }
                if mine {
                    tasks.push(Task {
                        step: s.name.clone(),
                        label: localize(s.label.as_ref(), lang, &s.name),
                        need,
                        role: self.role_name(task_role),
                        assignee: self.assignees.get(&self.role_name(task_role)).cloned(),
                        ready_since: ready.to_string(),
                        due: due.map(|d| d.to_string()),
                        overdue,
                        recurring: s.every.is_some(),
                    });
                }
            }
        }
        Ok((tasks, escalations))
    }

    /// The state on `as_of` (on or after the last event applied), in full or as
    /// `role` may see it.
    pub fn state(
        &mut self,
        as_of: Date,
        role: Option<&str>,
        lang: Option<&str>,
    ) -> Result<CaseState, CaseError> {
        self.view(as_of, role, None, lang)
    }

    /// The state on `as_of` in full, as `role` may see it, or — for a role `is
    /// provider` — as provider `provider` playing that role may see it.
    pub fn view(
        &mut self,
        as_of: Date,
        role: Option<&str>,
        provider: Option<&str>,
        lang: Option<&str>,
    ) -> Result<CaseState, CaseError> {
        let role_ix = match role {
            None => None,
            Some(r) => match self.def.roles.iter().position(|x| x.name == r) {
                Some(i) => Some(i),
                None => return Err(super::run::unknown_role_error(self.def, r)),
            },
        };
        self.check_view(role_ix, provider)?;
        self.refresh_for(as_of);
        // No language asked and none declared: `localize` takes the name.
        let lang = lang
            .or_else(|| self.engine.languages().first().map(String::as_str))
            .unwrap_or("");
        let def = self.def;
        let who = |r: usize| match provider {
            Some(p) => self.provider(p),
            None => Recipient::Role(r),
        };
        // A provider sees assessments only about a case it has work in.
        let has_work = provider.is_none_or(|p| {
            self.referrals.iter().any(|r| r.provider == p)
                || self.plan.iter().any(|e| e.provider.as_deref() == Some(p))
        });
        let sees_step = |si: usize| {
            role_ix.is_none_or(|r| has_work && self.share_view(si, r, who(r), as_of).is_some())
        };
        // The needs this view may name: those of the assessments it sees.
        let mut visible_needs: Vec<&str> = Vec::new();
        for (si, run) in self.steps.iter().enumerate() {
            if sees_step(si) {
                for n in run.report.iter().flat_map(|r| r.needs.iter()) {
                    if !visible_needs.contains(&n.as_str()) {
                        visible_needs.push(n);
                    }
                }
            }
        }
        // A provider's view: the needs referred or planned to it, and those of
        // them it may see under consent.
        let mut provider_needs: Vec<&str> = Vec::new();
        let referral_seen = |r: &super::run::Referral| match provider {
            None => true,
            Some(p) => {
                r.provider == p
                    && (!self.provider_needs_consent(p)
                        || self.need_assessment(r.step).is_some_and(|a| {
                            self.consent_for(self.provider(p), Some(Data::Assessment(a)), as_of)
                                .allows()
                        }))
            }
        };
        let plan_seen = |e: &super::run::PlanEntry| match provider {
            None => true,
            Some(p) => {
                e.provider.as_deref() == Some(p)
                    && (!self.provider_needs_consent(p)
                        || self
                            .consent_for(self.provider(p), Some(Data::Plan), as_of)
                            .allows())
            }
        };
        if let Some(p) = provider {
            for r in self.referrals.iter().filter(|r| r.provider == p) {
                provider_needs.push(&r.need);
                if referral_seen(r) && !visible_needs.contains(&r.need.as_str()) {
                    visible_needs.push(&r.need);
                }
            }
            for e in self
                .plan
                .iter()
                .filter(|e| e.provider.as_deref() == Some(p))
            {
                provider_needs.push(&e.need);
                if plan_seen(e) && !visible_needs.contains(&e.need.as_str()) {
                    visible_needs.push(&e.need);
                }
            }
        }
        // A role whose view depends on consent (a share `requires consent`, or a
        // provider) names a task's need only when it may see the need.
        let gated = provider.is_some()
            || role_ix.is_some_and(|r| {
                def.shares
                    .iter()
                    .any(|sh| sh.requires_consent && sh.with.contains(&r))
            });
        let (mut tasks, mut escalations) = self.open_work(as_of, role_ix, lang)?;
        if provider.is_some() {
            let mine =
                |n: &Option<String>| n.as_deref().is_none_or(|n| provider_needs.contains(&n));
            tasks.retain(|t| mine(&t.need));
            escalations.retain(|e| mine(&e.need));
        }
        if gated {
            let hide = |n: &mut Option<String>| {
                if n.as_deref().is_some_and(|n| !visible_needs.contains(&n)) {
                    *n = None;
                }
            };
            tasks.iter_mut().for_each(|t| hide(&mut t.need));
            escalations.iter_mut().for_each(|e| hide(&mut e.need));
        }
        let mut assessments = Vec::new();
        let mut risk = None;
        // One run per step of the protocol (`Case::replay`).
        debug_assert_eq!(self.steps.len(), def.steps.len(), "one run per step");
        for (si, (run, step)) in self.steps.iter().zip(&def.steps).enumerate() {
            let (Some(report), true) = (&run.report, sees_step(si)) else {
                continue;
            };
            let name = step.name.clone();
            if report.risk.is_some() {
                risk = report.risk.clone();
            }
            assessments.push(AssessmentState {
                step: name,
                assessment: report.assessment.clone(),
                complete: run.done_at.is_some(),
                scores: report.scores.clone(),
                needs: report.needs.clone(),
                possible_needs: report.possible_needs.clone(),
                risk: report.risk.clone(),
                unanswered: report.unanswered.clone(),
                answers: run.answers.clone(),
            });
        }
        let me = self.role_name(role_ix);
        let plan = self
            .plan
            .iter()
            .filter(|p| match provider {
                Some(_) => plan_seen(p),
                None => {
                    role_ix.is_none()
                        || visible_needs.contains(&p.need.as_str())
                        || p.responsible == me
                }
            })
            .map(|p| PlanItem {
                need: p.need.clone(),
                service: p.service.clone(),
                provider: p.provider.clone(),
                responsible: p.responsible.clone(),
                goal: p.goal.clone(),
                review: p.review.to_string(),
                review_due: p.review < as_of && self.closed.is_none(),
                agreed: p.at.to_string(),
                flags: p.flags.clone(),
            })
            .collect();
        let referrals = self
            .referrals
            .iter()
            .filter(|r| match provider {
                Some(_) => referral_seen(r),
                None => {
                    role_ix.is_none()
                        || visible_needs.contains(&r.need.as_str())
                        || def.steps.get(r.step).and_then(|s| s.by) == role_ix
                }
            })
            .map(|r| ReferralItem {
                need: r.need.clone(),
                provider: r.provider.clone(),
                service: r.service.clone(),
                status: r.status.as_str(),
                referred: r.referred_at.to_string(),
                since: r.since.to_string(),
                reason: r.reason.clone(),
                flags: r.flags.clone(),
            })
            .collect();
        let ratings = self
            .ratings
            .iter()
            .filter(|r| sees_step(r.step))
            .map(|r| RatingItem {
                provider: r.provider.clone(),
                service: r.service.clone(),
                score: r.score.round_dp(2).normalize().to_string(),
                step: def
                    .steps
                    .get(r.step)
                    .map_or(String::new(), |s| s.name.clone()),
            })
            .collect();
        let steps = def
            .steps
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let run = self.steps.get(si);
                let done = self.is_done(si);
                // A step per need is ready while one of its tasks is (a chained
                // step's tasks wait for the earlier step's, need by need).
                let ready = run
                    .filter(|r| {
                        r.tasks.as_ref().is_none_or(|t| {
                            t.iter()
                                .any(|t| t.ready_since.is_some() && t.done_at.is_none())
                        })
                    })
                    .and_then(|r| r.ready_since);
                StepStatus {
                    step: s.name.clone(),
                    status: match (done && s.every.is_none(), ready) {
                        (true, _) => "done",
                        (false, Some(_)) => "ready",
                        (false, None) => "waiting",
                    },
                    done: match self.closers.contains(&si) {
                        true => self
                            .closed
                            .as_ref()
                            .filter(|_| self.closed_as == Some(si))
                            .map(|(d, _)| d.to_string()),
                        false => run.and_then(|r| r.done_at).map(|d| d.to_string()),
                    },
                }
            })
            .collect();
        let history = self
            .events()
            .filter(|e| e.json.conflict.is_none())
            .filter(|e| match (role_ix, provider) {
                (None, _) => true,
                // A provider sees its role's events about the needs it may
                // see (or about none); notes are for roles, not providers.
                (Some(_), Some(_)) => {
                    e.json.by.as_deref() == Some(me.as_str())
                        && e.kind != EventKind::Note
                        && e.json.need.as_deref().is_none_or(|n| {
                            visible_needs.contains(&n) && provider_needs.contains(&n)
                        })
                }
                (Some(_), None) => {
                    e.json.by.as_deref() == Some(me.as_str())
                        || (e.kind == EventKind::Note
                            && e.json.with.iter().flatten().any(|w| *w == me))
                }
            })
            .map(|e| HistoryItem {
                line: e.line,
                kind: e.kind.as_str(),
                at: e.at,
                by: e.json.by.clone(),
                who: e.json.who.clone(),
                summary: summary(self, e),
            })
            .collect();
        let needs = match role_ix {
            None => self.needs().into_iter().map(String::from).collect(),
            Some(_) => visible_needs.iter().map(|n| n.to_string()).collect(),
        };
        Ok(CaseState {
            case: self.case_id.clone(),
            protocol: def.name.clone(),
            version: self.version(),
            label: localize(def.label.as_ref(), lang, &def.name),
            as_of: as_of.to_string(),
            role: role.map(String::from),
            provider: provider.map(String::from),
            status: if self.closed.is_some() {
                "closed"
            } else {
                "open"
            },
            opened: self.opened.to_string(),
            closed: self.closed.as_ref().map(|(d, _)| d.to_string()),
            closed_reason: self.closed.as_ref().and_then(|(_, r)| r.clone()),
            closed_as: self
                .closed_as
                .and_then(|c| def.steps.get(c))
                .map(|s| s.name.clone()),
            closed_as_label: self
                .closed_as
                .and_then(|c| def.steps.get(c))
                .map(|s| localize(s.label.as_ref(), lang, &s.name)),
            held_by: self.held_by.clone(),
            tasks,
            escalations,
            needs,
            risk,
            assessments,
            plan,
            referrals,
            ratings,
            consent: self.consent.map(|(g, _)| g),
            assignees: self.assignees.clone(),
            steps,
            subject: role_ix.is_none().then(|| self.subject.clone()),
            history,
            conflicts: match role_ix {
                None => self
                    .conflicts
                    .iter()
                    .map(|(line, reason)| Conflict {
                        line: *line,
                        reason: reason.clone(),
                    })
                    .collect(),
                Some(_) => Vec::new(),
            },
            later_events: self.later,
            consents: match role_ix {
                None => self.consent_items(as_of),
                Some(_) => Vec::new(),
            },
            disclosures: match role_ix {
                None => self.disclosure_items(),
                Some(_) => Vec::new(),
            },
            shown: {
                let mut shown = Shown::new(&self.engine.checked, def, lang);
                if let Some(cat) = self.catalogue {
                    let first = self.engine.languages().first().map(String::as_str);
                    shown.add_providers(cat.provider_names(lang, first));
                }
                shown
            },
        })
    }
}

/// ` (elsewhere, full)` after a referral's line; nothing without flags.
fn flags_text(sh: &Shown, flags: &[&str]) -> String {
    match flags.is_empty() {
        true => String::new(),
        false => format!(" ({})", flag_words(sh, flags)),
    }
}

/// The flags of a plan entry, on a line of their own.
fn flags_line(sh: &Shown, flags: &[&str]) -> String {
    match flags.is_empty() {
        true => String::new(),
        false => format!(
            "  {}\n",
            sh.say("case.flagged", &[("flags", &flag_words(sh, flags))])
        ),
    }
}

/// Flags (`elsewhere`, `full`, `region_unknown`) in the reader's language.
fn flag_words(sh: &Shown, flags: &[&str]) -> String {
    let words: Vec<String> = flags
        .iter()
        .map(|f| match *f {
            "elsewhere" => sh.say("flag.elsewhere", &[]),
            "full" => sh.say("flag.full", &[]),
            "region_unknown" => sh.say("flag.region_unknown", &[]),
            other => other.to_string(),
        })
        .collect();
    words.join(", ")
}

fn deadline_error(step: &str, from: Date, err: &DeadlineError) -> CaseError {
    CaseError {
        code: Code::C0030,
        line: None,
        message: format!(
            "the deadline of step `{step}` (counted from {from}) cannot be computed: {}",
            err.message()
        ),
        help: Some(err.help()),
    }
}

/// One line about an event, for the history.
fn summary(case: &Case<'_>, e: &super::Event) -> String {
    let line = summary_of(case, e);
    // `back to`: the step it reopened.
    match case.loops.iter().find(|(l, _)| *l == e.line) {
        Some((_, to)) => {
            let name = case.def.steps.get(*to).map_or("", |s| s.name.as_str());
            format!("{line}; back to `{name}`")
        }
        None => line,
    }
}

fn summary_of(case: &Case<'_>, e: &super::Event) -> String {
    let j = &e.json;
    /// A field the event's kind requires: the replayed events were read by
    /// `Event::from_json`, which refuses one without it (C0003).
    #[track_caller]
    fn s(o: &Option<String>) -> &str {
        debug_assert!(o.is_some(), "a field the event's kind requires");
        o.as_deref().unwrap_or_default()
    }
    /// `to` as a name: a `reassigned` or `transferred` event replayed has one.
    fn name(j: &super::EventJson) -> &str {
        debug_assert!(j.to_name().is_some(), "`to` names the worker or agency");
        j.to_name().unwrap_or_default()
    }
    // `reason` is optional: without one, the line says only what happened.
    let why = |what: &str| match &j.reason {
        Some(r) => format!("{what}: {r}"),
        None => what.to_string(),
    };
    match e.kind {
        EventKind::Opened => format!("opened under `{}`", case.def.name),
        EventKind::Completed => match &j.need {
            Some(n) => format!("completed `{}` for need `{n}`", s(&j.step)),
            None => format!("completed `{}`", s(&j.step)),
        },
        EventKind::Assessed => format!("answered `{}`", s(&j.step)),
        EventKind::Consent => match (j.given, case.withdraws(e.line)) {
            (Some(true), _) => "consent given".to_string(),
            // Never "withdrawn" for consent that was not given.
            (_, true) => "consent withdrawn".to_string(),
            (_, false) => "consent refused".to_string(),
        },
        EventKind::Referred => format!("referred need `{}` to `{}`", s(&j.need), s(&j.provider)),
        EventKind::ReferralAccepted => format!("referral of `{}` accepted", s(&j.need)),
        EventKind::ReferralDeclined => format!("referral of `{}` declined", s(&j.need)),
        EventKind::ReferralCompleted => format!("referral of `{}` completed", s(&j.need)),
        EventKind::Planned => format!("planned `{}` for need `{}`", s(&j.service), s(&j.need)),
        EventKind::Facts => {
            let keys: Vec<String> = match &j.set {
                Some(Json::Object(m)) => m.keys().cloned().collect(),
                _ => Vec::new(),
            };
            format!("facts recorded: {}", keys.join(", "))
        }
        EventKind::Reassigned => format!("`{}` reassigned to {}", s(&j.role), name(j)),
        EventKind::Transferred => format!("transferred to {}", name(j)),
        EventKind::Closed => match &j.step {
            Some(way) => why(&format!("closed as `{way}`")),
            None => why("closed"),
        },
        EventKind::Reopened => why("reopened"),
        EventKind::Note => s(&j.text).to_string(),
    }
}
