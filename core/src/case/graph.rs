//! A protocol's workflow graph and its exports (`accord graph`).
//!
//! Steps are the nodes and each `after` an edge from the earlier step to the
//! later; guards, timers, roles, escalations and shares ride along. The graph
//! is owned and serialisable: `to_json` gives the brief's shape, `to_dot` a
//! Graphviz diagram with one swimlane (cluster) per agency, `to_mermaid` the
//! same as a Mermaid flowchart. Everything is in declaration order, so the
//! output is the same on every run.

use std::fmt::Write;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use serde::Serialize;

use crate::check::{Anchor, DurationValue, ProtocolDef, RExpr, ShareTarget};
use crate::codes::Code;
use crate::labels::localize;
use crate::messages;
use crate::screen::{in_model, Engine, FactsError};
use accord_grammar::ast::DurationUnit;

/// The step every protocol ends with.
const CLOSE: &str = "close";
/// Lines of node labels are wrapped at about this many characters.
const WRAP: usize = 40;

/// A protocol's workflow graph, with labels in one language.
#[derive(Debug, Clone, Serialize)]
pub struct ProtocolGraph {
    /// The protocol's name.
    pub protocol: String,
    /// Its version (`version N`; 1 without one).
    pub version: u32,
    pub label: String,
    /// The `for` entity.
    pub subject: Option<String>,
    pub calendar: Option<String>,
    /// The `start when` condition as written (whitespace collapsed).
    pub start: Option<String>,
    /// `legal LABEL`: the protocol's legal basis, in the requested language.
    pub legal: Option<String>,
    /// The declared agencies (`agency NAME [LABEL] { … }`), in order: the
    /// lanes of the diagrams.
    pub agencies: Vec<GraphAgency>,
    pub roles: Vec<GraphRole>,
    /// In declaration order.
    pub steps: Vec<GraphStep>,
    /// One per `after`: `from` must be done before `to` becomes ready.
    pub edges: Vec<GraphEdge>,
    pub escalations: Vec<GraphEscalation>,
    pub shares: Vec<GraphShare>,
    /// The subject's field holding its region (left out when it has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `referrals …` (left out when both are flagged, the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrals: Option<GraphReferrals>,
    /// `consent for referral to …`: the provider kinds that need consent
    /// (left out when none do).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consent_for_referral: Vec<String>,
    /// One per `back to STEP when …`: from the step that goes back to STEP
    /// (present only when some step goes back).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub back_edges: Vec<GraphBackEdge>,
    /// Node weights are indexes into `steps`; edge order is `edges`' order.
    #[serde(skip)]
    graph: DiGraph<usize, ()>,
    /// Labels the diagrams show besides names: each step's assessment.
    #[serde(skip)]
    assessment_labels: Vec<Option<String>>,
    /// Whether the ruleset has other versions of the protocol (the diagrams
    /// then say which one they show).
    #[serde(skip)]
    versioned: bool,
    /// What the diagrams show in the reader's language.
    #[serde(skip)]
    shown: Shown,
}

/// The diagrams' texts in the reader's language (the JSON keeps names and
/// durations as written): the language of the fixed words, and the labels of
/// what the graph names.
#[derive(Debug, Clone, Default)]
struct Shown {
    /// The language of the fixed words (`crate::messages`).
    words: String,
    subject: Option<String>,
    calendar: Option<String>,
    /// Per step: its deadline and its period, in words.
    within: Vec<Option<String>>,
    every: Vec<Option<String>>,
    /// Per escalation: how overdue, in words.
    escalations: Vec<String>,
    /// Per step: its own escalations' durations, in words.
    step_escalations: Vec<Vec<String>>,
    /// Per share: the label of what is shared.
    shares: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphAgency {
    pub name: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphRole {
    pub name: String,
    pub label: String,
    /// The organisation the role belongs to (`at school`).
    pub agency: Option<String>,
    /// `client` or `provider` (`is client`, `is provider`); left out for other roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<accord_grammar::ast::RoleKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphStep {
    pub name: String,
    pub label: String,
    /// The name of the role that does the step.
    pub role: Option<String>,
    /// The steps that must be done first.
    pub after: Vec<String>,
    /// The deadline, as text: `3 working days`.
    pub within: Option<String>,
    /// The period of a recurring task: `30 days`.
    pub every: Option<String>,
    /// The assessment the step fills in.
    pub assessment: Option<String>,
    pub requires_consent: bool,
    /// `for each need of STEP`: one task per need that step's assessment finds.
    pub for_each_need_of: Option<String>,
    /// The guard as written (whitespace collapsed).
    pub when: Option<String>,
    pub contact: Option<String>,
    pub legal: Vec<String>,
    /// The step's own escalations, a chain in the order written (left out
    /// when it has none and the protocol's apply).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<GraphEscalation>,
    /// `rates providers` (left out when `false`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rates_providers: bool,
    /// `within … from NAME`: the step or event the deadline counts from
    /// (present only when written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_from: Option<String>,
    /// `for each need of … where EXPR`: the condition as written (present
    /// only when written).
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub need_where: Option<String>,
    /// A way to close the case (`closes`, or the step named `close`; present
    /// only when true).
    #[serde(skip_serializing_if = "is_false")]
    pub closes: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `back to STEP when EXPR`: drawn dashed from the step back to STEP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphBackEdge {
    pub from: String,
    pub to: String,
    /// The condition as written (whitespace collapsed).
    pub when: Option<String>,
}

/// What happens to referrals elsewhere or to full providers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphReferrals {
    /// `refused` or `flagged`.
    pub elsewhere: &'static str,
    pub full: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEscalation {
    /// The name of the role the escalation goes to.
    pub to: Option<String>,
    pub overdue_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphShare {
    /// An assessment's or a step's name.
    pub what: String,
    /// Role names.
    pub with: Vec<String>,
    /// `requires consent` (left out when the share does not).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub requires_consent: bool,
}

impl Engine {
    /// The names of the protocols, in declaration order, each once (several
    /// versions of a protocol share its name).
    pub fn protocol_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.checked.protocols {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
        names
    }

    /// The workflow graph of protocol `protocol` (its latest version), labels
    /// in `lang` (or the ruleset's first language). An unknown protocol is
    /// `G0001`.
    pub fn protocol_graph(
        &self,
        protocol: &str,
        lang: Option<&str>,
    ) -> Result<ProtocolGraph, FactsError> {
        let p = self.protocol_def(protocol)?;
        // No language: labels in the ruleset's first (`localize` with `""`).
        Ok(build(self, p, lang.unwrap_or("")))
    }

    /// The workflow graph of one version of a protocol (`G0002` when the
    /// ruleset has no such version).
    pub fn protocol_version_graph(
        &self,
        protocol: &str,
        version: u32,
        lang: Option<&str>,
    ) -> Result<ProtocolGraph, FactsError> {
        self.protocol_def(protocol)?;
        let versions = self.checked.protocol_versions(protocol);
        let found = versions
            .iter()
            .filter_map(|id| self.checked.protocols.get(id.0))
            .find(|p| p.version == version);
        match found {
            Some(p) => Ok(build(self, p, lang.unwrap_or(""))),
            None => {
                let have: Vec<String> = versions
                    .iter()
                    .filter_map(|id| self.checked.protocols.get(id.0))
                    .map(|p| p.version.to_string())
                    .collect();
                let mut e = FactsError::one(
                    Code::G0002,
                    "",
                    format!("protocol `{protocol}` has no version {version}"),
                );
                if let Some(first) = e.errors.first_mut() {
                    first.help = Some(format!("its versions: {}", have.join(", ")));
                }
                Err(e)
            }
        }
    }

    /// The protocol named `name`: the latest version the checker's index finds,
    /// else the last declared with that name.
    fn protocol_def(&self, name: &str) -> Result<&ProtocolDef, FactsError> {
        let found = self
            .checked
            .protocol_by_name(name)
            .and_then(|id| self.checked.protocols.get(id.0))
            .filter(|p| p.name == name)
            .or_else(|| self.checked.protocols.iter().rev().find(|p| p.name == name));
        found.ok_or_else(|| {
            let names = self.protocol_names();
            let mut e = FactsError::one(
                Code::G0001,
                "",
                format!("no protocol `{name}` in the ruleset"),
            );
            if let Some(first) = e.errors.first_mut() {
                first.help = Some(super::name_help(
                    name,
                    names.iter().copied(),
                    |all| match all.is_empty() {
                        true => "the ruleset declares no protocol".to_string(),
                        false => format!("the ruleset's protocols: {all}"),
                    },
                ));
            }
            e
        })
    }
}

/// The graph of a protocol of a ruleset checked without errors: every role,
/// step, assessment, entity and calendar it refers to was resolved by the
/// checker, so each lookup below finds it (see [`in_model`]).
fn build(engine: &Engine, p: &ProtocolDef, lang: &str) -> ProtocolGraph {
    let text = in_model(engine.sources.file(p.loc.file), "a protocol's file")
        .map_or("", |f| f.text.as_str());
    let source = |e: &RExpr| crate::source::balanced_text(text, e.span);
    let role_name =
        |i: usize| in_model(p.roles.get(i), "a protocol's role").map(|r| r.name.clone());
    let step_name =
        |i: usize| in_model(p.steps.get(i), "a protocol's step").map(|s| s.name.clone());
    let checked = &engine.checked;

    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..p.steps.len()).map(|i| graph.add_node(i)).collect();
    let mut edges = Vec::new();
    for (si, s) in p.steps.iter().enumerate() {
        for &a in &s.after {
            if let (Some(&from), Some(&to), Some(name)) =
                (nodes.get(a), nodes.get(si), step_name(a))
            {
                graph.add_edge(from, to, ());
                edges.push(GraphEdge {
                    from: name,
                    to: s.name.clone(),
                });
            }
        }
    }
    let assessment = |s: &crate::check::StepDef| {
        s.assessment
            .and_then(|a| in_model(checked.assessments.get(a.0), "a step's assessment"))
    };
    let escalation = |e: &crate::check::EscalationDef| GraphEscalation {
        // `escalate to R` names a role (E-codes otherwise).
        to: in_model(e.to, "an escalation's role").and_then(role_name),
        overdue_by: duration_text(e.overdue_by),
    };
    let steps = p
        .steps
        .iter()
        .map(|s| GraphStep {
            name: s.name.clone(),
            label: localize(s.label.as_ref(), lang, &s.name),
            role: s.by.and_then(role_name),
            after: s.after.iter().filter_map(|a| step_name(*a)).collect(),
            within: s.within.map(duration_text),
            every: s.every.map(duration_text),
            assessment: assessment(s).map(|a| a.name.clone()),
            requires_consent: s.requires_consent,
            for_each_need_of: s.for_each_need.and_then(step_name),
            when: s.when.as_ref().map(source),
            contact: s.contact.as_ref().map(|l| localize(Some(l), lang, "")),
            legal: s
                .legal
                .iter()
                .map(|l| localize(Some(l), lang, ""))
                .collect(),
            escalations: s.escalations.iter().map(escalation).collect(),
            rates_providers: s.rates_providers,
            within_from: s.within_from.and_then(|a| match a {
                Anchor::Step(i) => step_name(i),
                Anchor::Event(e) => Some(e.as_str().to_string()),
            }),
            need_where: s.need_filter.as_ref().map(source),
            closes: s.closes,
        })
        .collect();
    let back_edges = p
        .steps
        .iter()
        .flat_map(|s| {
            s.back_to.iter().filter_map(|b| {
                Some(GraphBackEdge {
                    from: s.name.clone(),
                    to: step_name(b.step)?,
                    when: b.when.as_ref().map(source),
                })
            })
        })
        .collect();
    let assessment_labels = p
        .steps
        .iter()
        .map(|s| assessment(s).map(|a| localize(a.label.as_ref(), lang, &a.name)))
        .collect();
    let words = words_lang(engine, lang);
    let in_words = |d: Option<DurationValue>| d.map(|d| duration_words(&words, d));
    let shown = Shown {
        subject: p
            .subject
            .and_then(|e| in_model(checked.entities.get(e.0), "a protocol's subject"))
            .map(|e| localize(e.label.as_ref(), lang, &e.name)),
        calendar: p
            .calendar
            .and_then(|c| in_model(checked.calendars.get(c.0), "a protocol's calendar"))
            .map(|c| localize(c.label.as_ref(), lang, &c.name)),
        within: p.steps.iter().map(|s| in_words(s.within)).collect(),
        every: p.steps.iter().map(|s| in_words(s.every)).collect(),
        escalations: p
            .escalations
            .iter()
            .map(|e| duration_words(&words, e.overdue_by))
            .collect(),
        step_escalations: p
            .steps
            .iter()
            .map(|s| {
                s.escalations
                    .iter()
                    .map(|e| duration_words(&words, e.overdue_by))
                    .collect()
            })
            .collect(),
        shares: p
            .shares
            .iter()
            .map(|s| match s.what {
                ShareTarget::Assessment(a) => {
                    in_model(checked.assessments.get(a.0), "a shared assessment")
                        .map(|a| localize(a.label.as_ref(), lang, &a.name))
                        .unwrap_or_default()
                }
                ShareTarget::Step(i) => in_model(p.steps.get(i), "a shared step")
                    .map(|s| localize(s.label.as_ref(), lang, &s.name))
                    .unwrap_or_default(),
            })
            .collect(),
        words,
    };
    ProtocolGraph {
        protocol: p.name.clone(),
        version: p.version,
        label: localize(p.label.as_ref(), lang, &p.name),
        subject: p
            .subject
            .and_then(|e| in_model(checked.entities.get(e.0), "a protocol's subject"))
            .map(|e| e.name.clone()),
        calendar: p
            .calendar
            .and_then(|c| in_model(checked.calendars.get(c.0), "a protocol's calendar"))
            .map(|c| c.name.clone()),
        start: p.start.as_ref().map(source),
        legal: p.legal.as_ref().map(|l| localize(Some(l), lang, "")),
        agencies: p
            .agencies
            .iter()
            .map(|a| GraphAgency {
                name: a.name.clone(),
                label: localize(a.label.as_ref(), lang, &a.name),
            })
            .collect(),
        roles: p
            .roles
            .iter()
            .map(|r| GraphRole {
                name: r.name.clone(),
                label: localize(r.label.as_ref(), lang, &r.name),
                agency: r.agency.clone(),
                kind: r.kind,
            })
            .collect(),
        steps,
        edges,
        escalations: p.escalations.iter().map(escalation).collect(),
        shares: p
            .shares
            .iter()
            .map(|s| GraphShare {
                what: match s.what {
                    ShareTarget::Assessment(a) => {
                        in_model(checked.assessments.get(a.0), "a shared assessment")
                            .map(|a| a.name.clone())
                            .unwrap_or_default()
                    }
                    ShareTarget::Step(i) => step_name(i).unwrap_or_default(),
                },
                with: s.with.iter().filter_map(|r| role_name(*r)).collect(),
                requires_consent: s.requires_consent,
            })
            .collect(),
        region: p.region.clone(),
        referrals: (p.referrals != crate::check::ReferralRules::default()).then(|| {
            GraphReferrals {
                elsewhere: p.referrals.elsewhere.as_str(),
                full: p.referrals.full.as_str(),
            }
        }),
        consent_for_referral: p
            .consent_for_referral
            .iter()
            .map(|k| k.to_string())
            .collect(),
        back_edges,
        graph,
        assessment_labels,
        versioned: checked.protocol_versions(&p.name).len() > 1,
        shown,
    }
}

/// The language of a graph's fixed words: the one asked for, else the
/// ruleset's first (English without any).
fn words_lang(engine: &Engine, lang: &str) -> String {
    match lang {
        "" => engine
            .languages()
            .first()
            .map_or_else(|| "en".to_string(), Clone::clone),
        l => l.to_string(),
    }
}

/// `3 working days` in the reader's language (`10 рабочих дней`).
fn duration_words(lang: &str, d: DurationValue) -> String {
    let key = match d.unit {
        DurationUnit::Days => "duration.days",
        DurationUnit::WorkingDays => "duration.working_days",
        DurationUnit::Weeks => "duration.weeks",
        DurationUnit::Months => "duration.months",
        DurationUnit::Years => "duration.years",
    };
    messages::count(lang, key, u64::from(d.amount), &[])
}

/// `3 working days`, `1 day`: as the formatter writes durations.
fn duration_text(d: DurationValue) -> String {
    let one = d.amount == 1;
    let unit = match (d.unit, one) {
        (DurationUnit::Days, true) => "day",
        (DurationUnit::Days, false) => "days",
        (DurationUnit::WorkingDays, true) => "working day",
        (DurationUnit::WorkingDays, false) => "working days",
        (DurationUnit::Weeks, true) => "week",
        (DurationUnit::Weeks, false) => "weeks",
        (DurationUnit::Months, true) => "month",
        (DurationUnit::Months, false) => "months",
        (DurationUnit::Years, true) => "year",
        (DurationUnit::Years, false) => "years",
    };
    format!("{} {unit}", d.amount)
}

/// How a diagram shows one step: its lines, in order.
struct StepView {
    lines: Vec<String>,
    close: bool,
    recurring: bool,
}

/// A swimlane: an agency and the roles and steps in it.
struct Lane<'g> {
    agency: &'g str,
    /// The agency's label (its name for an undeclared one).
    title: &'g str,
    roles: Vec<&'g str>,
    steps: Vec<usize>,
}

impl ProtocolGraph {
    /// The steps that are ready when a case opens (no `after`), in order.
    pub fn start_steps(&self) -> Vec<&str> {
        let mut first: Vec<usize> = self
            .graph
            .externals(Direction::Incoming)
            .filter_map(|n| self.graph.node_weight(n).copied())
            .collect();
        first.sort_unstable();
        first
            .into_iter()
            .filter_map(|i| self.steps.get(i))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// The steps that wait for `step` (those with `after step`), in order.
    pub fn next_steps(&self, step: &str) -> Vec<&str> {
        let Some(at) = self.steps.iter().position(|s| s.name == step) else {
            return Vec::new();
        };
        let mut next: Vec<usize> = self
            .graph
            .neighbors_directed(NodeIndex::new(at), Direction::Outgoing)
            .filter_map(|n| self.graph.node_weight(n).copied())
            .collect();
        next.sort_unstable();
        next.dedup();
        next.into_iter()
            .filter_map(|i| self.steps.get(i))
            .map(|s| s.name.as_str())
            .collect()
    }

    /// The brief's JSON shape (pretty-printed).
    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: a graph is strings, numbers, booleans, options and lists (the petgraph is skipped), which serde_json always writes"
    )]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a protocol graph serialises")
    }

    fn role(&self, name: Option<&str>) -> Option<&GraphRole> {
        name.and_then(|n| self.roles.iter().find(|r| r.name == n))
    }

    /// The agencies with their roles and steps: the declared agencies in
    /// declaration order, titled with their labels, then the organisations
    /// roles name with a free `at X` in the order their first role is
    /// declared; steps whose role has no agency are left out of lanes.
    fn lanes(&self) -> Vec<Lane<'_>> {
        let mut lanes: Vec<Lane<'_>> = self
            .agencies
            .iter()
            .map(|a| Lane {
                agency: &a.name,
                title: &a.label,
                roles: Vec::new(),
                steps: Vec::new(),
            })
            .collect();
        for r in &self.roles {
            let Some(agency) = r.agency.as_deref() else {
                continue;
            };
            match lanes.iter_mut().find(|l| l.agency == agency) {
                Some(l) => l.roles.push(&r.label),
                None => lanes.push(Lane {
                    agency,
                    title: agency,
                    roles: vec![&r.label],
                    steps: Vec::new(),
                }),
            }
        }
        for (i, s) in self.steps.iter().enumerate() {
            let agency = self
                .role(s.role.as_deref())
                .and_then(|r| r.agency.as_deref());
            if let Some(l) = lanes.iter_mut().find(|l| Some(l.agency) == agency) {
                l.steps.push(i);
            }
        }
        // A declared agency without roles has nothing to draw.
        lanes.retain(|l| !l.roles.is_empty());
        lanes
    }

    /// Steps outside every lane (their role has no agency), in order.
    fn unlaned(&self) -> Vec<usize> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                self.role(s.role.as_deref())
                    .and_then(|r| r.agency.as_ref())
                    .is_none()
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// A fixed word of the diagrams, in the reader's language.
    fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        messages::text(&self.shown.words, key, args)
    }

    /// A step's label by its name (the name when the graph has no such step).
    fn step_label<'s>(&'s self, name: &'s str) -> &'s str {
        self.steps
            .iter()
            .find(|s| s.name == name)
            .map_or(name, |s| s.label.as_str())
    }

    /// What a deadline counts from: a step's label, or an event in words
    /// (`within … from opened`: "the opening of the case").
    fn anchor_label(&self, name: &str) -> String {
        if self.steps.iter().any(|s| s.name == name) {
            return self.step_label(name).to_string();
        }
        let key = match name {
            "opened" => "anchor.opened",
            "consent" => "anchor.consent",
            "referred" => "anchor.referred",
            "referral_accepted" => "anchor.referral_accepted",
            "planned" => "anchor.planned",
            _ => return name.to_string(),
        };
        self.say(key, &[])
    }

    /// A role's label by its name.
    fn role_label(&self, name: &str) -> String {
        self.role(Some(name))
            .map_or_else(|| name.to_string(), |r| r.label.clone())
    }

    /// A condition's lines after `key`'s words (`when {condition}`): wrapped
    /// only before a top-level `and`/`or`, so a comparison is never split.
    fn condition_lines(&self, mark: &str, key: &str, condition: &str) -> Vec<String> {
        let words = self.say(key, &[("condition", "\u{0}")]);
        let (before, after) = words.split_once('\u{0}').unwrap_or((words.as_str(), ""));
        wrap_condition(&format!("{mark}{before}"), condition, after, WRAP)
    }

    /// A step's lines: label, role, deadline, then its markers.
    fn step_view(&self, i: usize) -> StepView {
        let Some(s) = self.steps.get(i) else {
            return StepView {
                lines: Vec::new(),
                close: false,
                recurring: false,
            };
        };
        let mut lines = wrap(&s.label, WRAP);
        if let Some(r) = self.role(s.role.as_deref()) {
            lines.extend(wrap(&r.label, WRAP));
        }
        if let Some(w) = self.shown.within.get(i).cloned().flatten() {
            match &s.within_from {
                Some(f) => lines.extend(wrap(
                    &self.say(
                        "graph.within_from",
                        &[("duration", &w), ("anchor", &self.anchor_label(f))],
                    ),
                    WRAP,
                )),
                None => lines.push(self.say("graph.within", &[("duration", &w)])),
            }
        }
        if let Some(e) = self.shown.every.get(i).cloned().flatten() {
            lines.push(format!(
                "↻ {}",
                self.say("graph.every", &[("duration", &e)])
            ));
        }
        if let Some(a) = self.assessment_labels.get(i).cloned().flatten() {
            let text = self.say("graph.assessment", &[("assessment", &a)]);
            lines.extend(wrap(&format!("▤ {text}"), WRAP));
        }
        if s.requires_consent {
            lines.push(format!("✔ {}", self.say("graph.requires_consent", &[])));
        }
        if let Some(n) = &s.for_each_need_of {
            let text = self.say("graph.for_each_need", &[("step", self.step_label(n))]);
            lines.extend(wrap(&format!("∀ {text}"), WRAP));
            if let Some(w) = &s.need_where {
                lines.extend(self.condition_lines("", "graph.where", w));
            }
        }
        if let Some(w) = &s.when {
            lines.extend(self.condition_lines("◇ ", "graph.when", w));
        }
        // The step's own escalations (a chain); the protocol's are in the
        // legend (`note_lines`).
        let bys = self.shown.step_escalations.get(i);
        for (k, e) in s.escalations.iter().enumerate() {
            let by = bys.and_then(|b| b.get(k)).map_or("", String::as_str);
            lines.extend(wrap(&self.escalation_line(e, by), WRAP));
        }
        StepView {
            lines,
            close: s.name == CLOSE || s.closes,
            recurring: s.every.is_some(),
        }
    }

    /// A `back to` edge's label: `back when …`, wrapped like a guard.
    fn back_label(&self, b: &GraphBackEdge) -> Vec<String> {
        match &b.when {
            Some(w) => self.condition_lines("", "graph.back", w),
            None => vec![self.say("graph.back_plain", &[])],
        }
    }

    /// The start node's lines.
    fn start_lines(&self) -> Vec<String> {
        let mut lines = vec![self.say("graph.start", &[])];
        if let Some(s) = &self.start {
            lines.extend(self.condition_lines("", "graph.when", s));
        }
        lines
    }

    /// The compact header: the protocol's label; one line of what it is for,
    /// its calendar and version; its legal basis.
    fn header_lines(&self) -> Vec<String> {
        let mut lines = vec![self.label.clone()];
        let mut about = Vec::new();
        if let Some(s) = &self.shown.subject {
            about.push(self.say("graph.for", &[("subject", s)]));
        }
        if let Some(c) = &self.shown.calendar {
            about.push(self.say("graph.calendar", &[("calendar", c)]));
        }
        about.extend(self.version_note());
        if !about.is_empty() {
            lines.extend(wrap(&about.join(" · "), WRAP + 40));
        }
        if let Some(l) = &self.legal {
            lines.extend(wrap(&self.say("graph.legal", &[("legal", l)]), WRAP + 40));
        }
        lines
    }

    /// The diagram's title: the header, then the legend (the protocol's
    /// escalations and shares).
    fn title_lines(&self) -> Vec<String> {
        let mut lines = self.header_lines();
        lines.extend(self.note_lines());
        lines
    }

    /// `version 2`, when the protocol has several versions.
    fn version_note(&self) -> Vec<String> {
        match self.versioned {
            true => vec![self.say("graph.version", &[("version", &self.version.to_string())])],
            false => Vec::new(),
        }
    }

    /// One escalation, in words: `⚠ escalation to Head of service when overdue
    /// by 5 working days`. The protocol's escalations are drawn in the legend;
    /// a step's own (`escalate …` inside the step) are drawn at the step with
    /// this same line.
    fn escalation_line(&self, e: &GraphEscalation, overdue_by: &str) -> String {
        // `build` names every escalation's role.
        debug_assert!(e.to.is_some(), "an escalation's role is resolved");
        let to =
            e.to.as_deref()
                .map(|r| self.role_label(r))
                .unwrap_or_default();
        format!(
            "⚠ {}",
            self.say(
                "graph.escalation",
                &[("role", &to), ("duration", overdue_by)]
            )
        )
    }

    /// The legend: the protocol's escalations and shares.
    fn note_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (k, e) in self.escalations.iter().enumerate() {
            let by = self.shown.escalations.get(k).map_or("", String::as_str);
            lines.extend(wrap(&self.escalation_line(e, by), WRAP + 40));
        }
        for (k, s) in self.shares.iter().enumerate() {
            let with: Vec<String> = s.with.iter().map(|r| self.role_label(r)).collect();
            let what = self
                .shown
                .shares
                .get(k)
                .map_or(s.what.as_str(), String::as_str);
            let text = self.say(
                "graph.shared",
                &[("what", what), ("roles", &with.join(", "))],
            );
            lines.extend(wrap(&format!("⇄ {text}"), WRAP + 40));
        }
        lines
    }

    /// Graphviz DOT: one cluster per agency (swimlanes), a start node pointing
    /// at the first steps, `close` with a double border, recurring steps with a
    /// dashed loop, escalations and shares in the graph's label.
    pub fn to_dot(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph {} {{", dot_id(&self.protocol));
        let _ = writeln!(
            out,
            "  graph [charset=\"UTF-8\", fontname=\"Helvetica\", fontsize=14, labelloc=t, nodesep=0.35, ranksep=0.45, newrank=true, label={}];",
            dot_label(&self.title_lines())
        );
        out.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#4a5568\", fontname=\"Helvetica\", fontsize=11];\n");
        out.push_str("  edge [color=\"#4a5568\", fontname=\"Helvetica\", fontsize=10];\n");
        let _ = writeln!(
            out,
            "  \"(start)\" [shape=oval, fillcolor=\"#e2e8f0\", label={}];",
            dot_label(&self.start_lines())
        );
        let node = |out: &mut String, indent: &str, i: usize| {
            let Some(s) = self.steps.get(i) else { return };
            let v = self.step_view(i);
            let extra = if v.close {
                ", peripheries=2, fillcolor=\"#f0fff4\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{indent}{} [label={}{extra}];",
                dot_id(&s.name),
                dot_label(&v.lines)
            );
        };
        for (k, lane) in self.lanes().iter().enumerate() {
            let _ = writeln!(out, "  subgraph \"cluster_{k}\" {{");
            let mut title = vec![lane.title.to_string()];
            title.extend(wrap(&lane.roles.join(", "), WRAP + 20));
            let _ = writeln!(
                out,
                "    label={}; fontname=\"Helvetica-Bold\"; fontsize=12; style=\"rounded,filled\"; fillcolor=\"#f7fafc\"; color=\"#a0aec0\";",
                dot_label(&title)
            );
            for &i in &lane.steps {
                node(&mut out, "    ", i);
            }
            out.push_str("  }\n");
        }
        for i in self.unlaned() {
            node(&mut out, "  ", i);
        }
        for s in self.start_steps() {
            let _ = writeln!(out, "  \"(start)\" -> {};", dot_id(s));
        }
        for e in &self.edges {
            let _ = writeln!(out, "  {} -> {};", dot_id(&e.from), dot_id(&e.to));
        }
        for b in &self.back_edges {
            let _ = writeln!(
                out,
                "  {} -> {} [style=dashed, constraint=false, label={}];",
                dot_id(&b.from),
                dot_id(&b.to),
                dot_label(&self.back_label(b))
            );
        }
        for (i, s) in self.steps.iter().enumerate() {
            if self.step_view(i).recurring {
                let _ = writeln!(
                    out,
                    "  {} -> {} [style=dashed, arrowsize=0.6];",
                    dot_id(&s.name),
                    dot_id(&s.name)
                );
            }
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart: one subgraph per agency, the same nodes and marks
    /// as [`to_dot`](Self::to_dot); escalations and shares in a note.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::new();
        out.push_str("---\n");
        let _ = writeln!(out, "title: {}", yaml_str(&self.label));
        out.push_str("---\n");
        out.push_str("flowchart TD\n");
        let _ = writeln!(out, "  start([\"{}\"])", mermaid_lines(&self.start_lines()));
        let node = |out: &mut String, indent: &str, i: usize| {
            let v = self.step_view(i);
            let (open, close) = if v.close { ("[[", "]]") } else { ("[", "]") };
            let _ = writeln!(
                out,
                "{indent}s{i}{open}\"{}\"{close}",
                mermaid_lines(&v.lines)
            );
        };
        for (k, lane) in self.lanes().iter().enumerate() {
            let mut title = vec![lane.title.to_string()];
            title.extend(wrap(&lane.roles.join(", "), WRAP + 20));
            let _ = writeln!(out, "  subgraph lane{k}[\"{}\"]", mermaid_lines(&title));
            for &i in &lane.steps {
                node(&mut out, "    ", i);
            }
            out.push_str("  end\n");
        }
        for i in self.unlaned() {
            node(&mut out, "  ", i);
        }
        let index = |name: &str| self.steps.iter().position(|s| s.name == name);
        for s in self.start_steps() {
            if let Some(i) = index(s) {
                let _ = writeln!(out, "  start --> s{i}");
            }
        }
        for e in &self.edges {
            if let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) {
                let _ = writeln!(out, "  s{a} --> s{b}");
            }
        }
        for e in &self.back_edges {
            if let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) {
                let label = self.back_label(e);
                let _ = writeln!(out, "  s{a} -.->|\"{}\"| s{b}", mermaid_lines(&label));
            }
        }
        // The header's lines after the title, then the legend.
        let mut notes: Vec<String> = self.header_lines().into_iter().skip(1).collect();
        notes.extend(self.note_lines());
        if !notes.is_empty() {
            let _ = writeln!(out, "  notes>\"{}\"]", mermaid_lines(&notes));
        }
        out.push_str("  classDef startNode fill:#e2e8f0,stroke:#4a5568\n");
        out.push_str("  classDef closeNode fill:#f0fff4,stroke:#4a5568,stroke-width:3px\n");
        out.push_str("  class start startNode\n");
        let closes: Vec<String> = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.name == CLOSE || s.closes)
            .map(|(i, _)| format!("s{i}"))
            .collect();
        if !closes.is_empty() {
            let _ = writeln!(out, "  class {} closeNode", closes.join(","));
        }
        out
    }
}

/// A condition after `prefix` (and before `suffix`) in lines of about
/// `width` characters, broken only before a top-level `and` or `or`: each
/// comparison stays whole on its line (`age >= 63` is never split), however
/// long. A bracketed part too long for a line is broken the same way before
/// the `and`/`or` inside its brackets, its lines indented.
fn wrap_condition(prefix: &str, condition: &str, suffix: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = prefix.to_string();
    let mut fresh = true;
    for piece in condition_pieces(condition, 0) {
        let len = line.chars().count() + 1 + piece.chars().count();
        let inner = condition_pieces(&piece, 1);
        if piece.chars().count() > width && inner.len() > 1 {
            // Too long for any line: the bracket's own operators break it.
            let mut first = true;
            for sub in inner {
                match (first, fresh) {
                    (true, true) => line.push_str(&sub),
                    (true, false) => {
                        lines.push(std::mem::take(&mut line));
                        line = sub;
                    }
                    (false, _) => {
                        lines.push(std::mem::take(&mut line));
                        line = format!("  {sub}");
                    }
                }
                first = false;
            }
            fresh = false;
            continue;
        }
        if !fresh && len > width {
            lines.push(std::mem::take(&mut line));
        } else if !fresh {
            line.push(' ');
        }
        line.push_str(&piece);
        fresh = false;
    }
    line.push_str(suffix);
    lines.push(line);
    lines
}

/// A condition cut before each `and` and `or` at bracket depth `level`
/// (outside strings): at level 0, `a and (b or c) or d` is `a`, `and (b or
/// c)`, `or d`; at level 1, `and (b or c)` is `and (b`, `or c)`.
fn condition_pieces(condition: &str, level: i32) -> Vec<String> {
    let words: Vec<&str> = condition.split_whitespace().collect();
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quoted = false;
    for w in words {
        if depth == level && !quoted && (w == "and" || w == "or") && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(w);
        for c in w.chars() {
            match c {
                '"' => quoted = !quoted,
                '(' | '[' if !quoted => depth += 1,
                ')' | ']' if !quoted => depth -= 1,
                _ => {}
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Words of `text` in lines of at most `width` characters (a longer word
/// gets a line of its own); line breaks in the text are kept.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in para.split_whitespace() {
            let w = word.chars().count();
            if len > 0 && len + 1 + w > width {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            line.push_str(word);
            len += w;
        }
        lines.push(line);
    }
    lines
}

/// A DOT quoted string: `"` and `\` escaped, other control characters as
/// spaces (DOT reads UTF-8, so everything else is written as is).
fn dot_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_dot(&mut out, s);
    out.push('"');
    out
}

fn push_dot(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

/// A DOT label of several centred lines.
fn dot_label(lines: &[String]) -> String {
    let mut out = String::from("\"");
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        push_dot(&mut out, l);
    }
    out.push('"');
    out
}

/// Lines for a quoted Mermaid label: entity codes for the characters Mermaid
/// or its HTML labels would read (`"` as `#quot;`), `<br/>` between lines.
fn mermaid_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("<br/>");
        }
        for c in l.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '&' => out.push_str("#amp;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '`' => out.push_str("#96;"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

/// A YAML double-quoted string (the Mermaid front matter's title).
fn yaml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(dot_id("a\"b\\c\nd"), "\"a\\\"b\\\\c d\"");
        assert_eq!(
            dot_label(&["Ծրագիր \"x\"".into(), "y".into()]),
            "\"Ծրագիր \\\"x\\\"\\ny\""
        );
        assert_eq!(
            mermaid_lines(&["a \"b\" <c> & #d".into(), "e".into()]),
            "a #quot;b#quot; #lt;c#gt; #amp; #35;d<br/>e"
        );
        assert_eq!(yaml_str("a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("averyverylongword x", 5), ["averyverylongword", "x"]);
        assert_eq!(wrap("a\nb", 40), ["a", "b"]);
    }

    #[test]
    fn wraps_conditions_at_operators() {
        let c = "age >= 63 and (income < 100 or household_size > 4) and not employed";
        assert_eq!(
            wrap_condition("when ", c, "", 30),
            [
                "when age >= 63",
                // 40 characters: too long for 30, broken inside its brackets.
                "and (income < 100",
                "  or household_size > 4)",
                "and not employed"
            ]
        );
        // A comparison longer than the width stays on one line.
        assert_eq!(
            wrap_condition("◇ when ", "age >= 63", "", 5),
            ["◇ when age >= 63"]
        );
        assert_eq!(
            condition_pieces("a == \"x and y\" or b", 0),
            ["a == \"x and y\"", "or b"]
        );
        // A bracket too long for a line breaks inside, indented.
        assert_eq!(
            wrap_condition(
                "◇ when ",
                "in_school and (disability = none or rehabilitation_assessment done)",
                "",
                40
            ),
            [
                "◇ when in_school",
                "and (disability = none",
                "  or rehabilitation_assessment done)"
            ]
        );
    }

    #[test]
    fn durations_in_words() {
        let d = |amount, unit| DurationValue { amount, unit };
        assert_eq!(
            duration_words("ru", d(10, DurationUnit::WorkingDays)),
            "10 рабочих дней"
        );
        assert_eq!(duration_words("ru", d(2, DurationUnit::Weeks)), "2 недели");
        assert_eq!(duration_words("et", d(1, DurationUnit::Months)), "1 kuu");
        assert_eq!(duration_words("en", d(1, DurationUnit::Days)), "1 day");
    }

    #[test]
    fn durations() {
        let d = |amount, unit| duration_text(DurationValue { amount, unit });
        assert_eq!(d(3, DurationUnit::WorkingDays), "3 working days");
        assert_eq!(d(1, DurationUnit::Days), "1 day");
        assert_eq!(d(2, DurationUnit::Weeks), "2 weeks");
    }
}
