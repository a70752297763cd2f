//! Case events: one JSON object per line, read strictly (an unknown field is an
//! error, so a misspelt `"nede"` is not silently ignored) and kept as written,
//! so that a log merged or appended to is written back unchanged.

use crate::codes::Code;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::CaseError;

/// An event as written in the log. Which fields an event needs depends on its
/// `type`; [`Event::parse`] checks the ones every event has, the replay the rest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The worker, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    /// Unique within the case when given; merging uses it to recognise an event
    /// both devices hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The worker or agency (`reassigned`, `transferred`), or the recipients a
    /// `consent` event is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<EventTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<Vec<String>>,
    /// `consent`: the information it is for (assessment names, `plan`, `facts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<String>>,
    /// `consent`: what for, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// `consent`: the last day it is in force, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Set by a merge on an event that could not apply after it: the event is
    /// kept in the log and shown as a conflict, and not applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
}

/// `to`: a name (the worker of `reassigned`, the agency of `transferred`) or
/// the recipients of a `consent` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventTo {
    Name(String),
    Recipients(ConsentTo),
}

/// The recipients a `consent` event is for: roles, the roles of agencies,
/// providers of kinds, named providers. A list left out names none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentTo {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
}

impl EventJson {
    /// `to` when it is a name.
    pub fn to_name(&self) -> Option<&str> {
        match &self.to {
            Some(EventTo::Name(n)) => Some(n),
            _ => None,
        }
    }
}

/// The kinds of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Opened,
    Completed,
    Assessed,
    Consent,
    Referred,
    ReferralAccepted,
    ReferralDeclined,
    ReferralCompleted,
    Planned,
    Facts,
    Reassigned,
    Transferred,
    Closed,
    Reopened,
    Note,
}

/// Every event type, as written in a log.
pub fn event_types() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|(name, _)| *name)
}

pub(crate) const KINDS: [(&str, EventKind); 15] = [
    ("opened", EventKind::Opened),
    ("completed", EventKind::Completed),
    ("assessed", EventKind::Assessed),
    ("consent", EventKind::Consent),
    ("referred", EventKind::Referred),
    ("referral_accepted", EventKind::ReferralAccepted),
    ("referral_declined", EventKind::ReferralDeclined),
    ("referral_completed", EventKind::ReferralCompleted),
    ("planned", EventKind::Planned),
    ("facts", EventKind::Facts),
    ("reassigned", EventKind::Reassigned),
    ("transferred", EventKind::Transferred),
    ("closed", EventKind::Closed),
    ("reopened", EventKind::Reopened),
    ("note", EventKind::Note),
];

impl EventKind {
    pub fn as_str(self) -> &'static str {
        let name = KINDS.iter().find(|(_, k)| *k == self).map(|(n, _)| *n);
        debug_assert!(name.is_some(), "`KINDS` names every kind of event");
        name.unwrap_or("event")
    }

    /// The fields an event of this kind may carry besides `type`, `at`, `by`,
    /// `who`, `id` and `conflict`; the first `required` of them must be there.
    fn fields(self) -> (&'static [&'static str], usize) {
        use EventKind::*;
        match self {
            Opened => (&["protocol", "subject", "version", "case", "held_by"], 1),
            Completed => (&["step", "need"], 1),
            Assessed => (&["step", "answers"], 2),
            Consent => (&["given", "to", "data", "purpose", "until"], 1),
            Referred => (&["step", "need", "provider", "service"], 3),
            ReferralAccepted | ReferralDeclined | ReferralCompleted => (&["need", "reason"], 1),
            Planned => (
                &[
                    "need",
                    "service",
                    "responsible",
                    "goal",
                    "review",
                    "provider",
                ],
                5,
            ),
            Facts => (&["set"], 1),
            Reassigned => (&["role", "to"], 2),
            Transferred => (&["to", "reason"], 1),
            Closed => (&["reason", "step"], 0),
            Reopened => (&["reason"], 0),
            Note => (&["text", "with"], 1),
        }
    }
}

/// One event of a log: as written, with its line and what was read of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The line in the log, from 1 (0 for an event not read from a log).
    pub line: usize,
    pub json: EventJson,
    pub kind: EventKind,
    pub at: Date,
}

impl EventJson {
    /// Which of [`ALL_FIELDS`] the event has, a bit each.
    fn present_mask(&self) -> u32 {
        let has = [
            self.protocol.is_some(),
            self.subject.is_some(),
            self.version.is_some(),
            self.case.is_some(),
            self.held_by.is_some(),
            self.step.is_some(),
            self.need.is_some(),
            self.answers.is_some(),
            self.given.is_some(),
            self.provider.is_some(),
            self.service.is_some(),
            self.responsible.is_some(),
            self.goal.is_some(),
            self.review.is_some(),
            self.set.is_some(),
            self.role.is_some(),
            self.to.is_some(),
            self.reason.is_some(),
            self.text.is_some(),
            self.with.is_some(),
            self.data.is_some(),
            self.purpose.is_some(),
            self.until.is_some(),
        ];
        has.iter()
            .enumerate()
            .fold(0, |m, (i, h)| m | (u32::from(*h) << i))
    }

    fn present(&self, field: &str) -> bool {
        ALL_FIELDS
            .iter()
            .position(|f| *f == field)
            .is_some_and(|i| self.present_mask() & (1 << i) != 0)
    }
}

/// Every field an event may have besides `type`, `at`, `by`, `who` and `id`.
pub const ALL_FIELDS: [&str; 23] = [
    "protocol",
    "subject",
    "version",
    "case",
    "held_by",
    "step",
    "need",
    "answers",
    "given",
    "provider",
    "service",
    "responsible",
    "goal",
    "review",
    "set",
    "role",
    "to",
    "reason",
    "text",
    "with",
    "data",
    "purpose",
    "until",
];

/// Reads a date written `YYYY-MM-DD` (strictly: see the facts' reader).
pub fn parse_date(text: &str) -> Option<Date> {
    crate::screen::facts::parse_date(text)
}

impl Event {
    /// Reads one event (a line of a log). `line` numbers it in errors.
    pub fn parse(line: usize, text: &str) -> Result<Event, CaseError> {
        let json: EventJson = serde_json::from_str(text).map_err(|e| {
            // serde's data errors name the value: only its kind is kept.
            let message = crate::redact::serde_message(&e);
            let help = match message.contains("unknown field") {
                true => "see the event types and their fields in the language reference, §15.3",
                false => "write one JSON object per line, with \"type\" and \"at\"",
            };
            CaseError::at(
                line,
                Code::C0001,
                format!("the event is not valid: {message}"),
                help,
            )
        })?;
        Event::from_json(line, json)
    }

    /// Checks an event already read: its type, date and fields.
    pub fn from_json(line: usize, json: EventJson) -> Result<Event, CaseError> {
        let Some(kind) = KINDS.iter().find(|(n, _)| *n == json.kind).map(|(_, k)| *k) else {
            let help = super::name_help(&json.kind, KINDS.iter().map(|(n, _)| *n), |all| {
                format!("the types are {all}")
            });
            return Err(CaseError::at(
                line,
                Code::C0002,
                format!("unknown event type `{}`", json.kind),
                help,
            ));
        };
        let Some(at) = parse_date(&json.at) else {
            return Err(CaseError::at(
                line,
                Code::C0003,
                "`at` must be a date written YYYY-MM-DD",
                "write the day the event happened, e.g. \"2025-03-04\"",
            ));
        };
        let (allowed, required) = kind.fields();
        // Only for an error's help: built when one is reported.
        let fields = || {
            allowed
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // The masks of the fields allowed and required, per kind, once.
        static MASKS: std::sync::OnceLock<Vec<(EventKind, u32, u32)>> = std::sync::OnceLock::new();
        let masks = MASKS.get_or_init(|| {
            KINDS
                .iter()
                .map(|(_, k)| {
                    let (allowed, required) = k.fields();
                    let bit = |f: &&str| {
                        let i = ALL_FIELDS.iter().position(|a| a == f);
                        debug_assert!(i.is_some(), "`ALL_FIELDS` lists every kind's fields");
                        i.map_or(0, |i| 1u32 << i)
                    };
                    let all = allowed.iter().map(bit).fold(0, |m, b| m | b);
                    let need = allowed.iter().take(required).map(bit).fold(0, |m, b| m | b);
                    (*k, all, need)
                })
                .collect()
        });
        let present = json.present_mask();
        let fine = masks
            .iter()
            .find(|(k, _, _)| *k == kind)
            .is_some_and(|(_, all, need)| present & !all == 0 && present & need == *need);
        for f in allowed.iter().take(required).filter(|_| !fine) {
            if !json.present(f) {
                return Err(CaseError::at(
                    line,
                    Code::C0003,
                    format!("a `{}` event needs `{f}`", kind.as_str()),
                    format!("a `{}` event has {}", kind.as_str(), fields()),
                ));
            }
        }
        if let Some(f) = ALL_FIELDS
            .iter()
            .filter(|_| !fine)
            .find(|f| json.present(f) && !allowed.contains(f))
        {
            return Err(CaseError::at(
                line,
                Code::C0003,
                format!("a `{}` event has no field `{f}`", kind.as_str()),
                format!("a `{}` event may have {}", kind.as_str(), fields()),
            ));
        }
        if kind != EventKind::Opened && json.by.is_none() {
            return Err(CaseError::at(
                line,
                Code::C0003,
                format!("a `{}` event needs `by`, the role that acts", kind.as_str()),
                "name one of the protocol's roles",
            ));
        }
        Ok(Event {
            line,
            json,
            kind,
            at,
        })
    }

    /// The event as one line of JSON.
    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: an event is strings, dates, numbers, options, lists and maps with string keys, which serde_json always writes"
    )]
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(&self.json).expect("an event serialises")
    }
}

/// Reads a log: one event per non-blank line. Every malformed line is
/// reported, not just the first.
pub fn parse_log(text: &str) -> Result<Vec<Event>, Vec<CaseError>> {
    use crate::limits::{MAX_EVENTS, MAX_LOG_BYTES};
    if text.len() > MAX_LOG_BYTES {
        return Err(vec![CaseError {
            code: Code::C0031,
            line: None,
            message: format!("the log is too large: more than {MAX_LOG_BYTES} bytes"),
            help: Some(too_long_help()),
        }]);
    }
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if events.len() + errors.len() >= MAX_EVENTS {
            errors.push(too_many_events(i + 1));
            break;
        }
        match Event::parse(i + 1, line) {
            Ok(e) => events.push(e),
            Err(e) if errors.len() < 50 => errors.push(e),
            Err(_) => {}
        }
    }
    match errors.is_empty() {
        true => Ok(events),
        false => Err(errors),
    }
}

/// `C0031` at `line`: the event past [`crate::limits::MAX_EVENTS`].
pub(crate) fn too_many_events(line: usize) -> CaseError {
    CaseError::at(
        line,
        Code::C0031,
        format!(
            "too many events: a case's log holds at most {}",
            crate::limits::MAX_EVENTS
        ),
        too_long_help(),
    )
}

fn too_long_help() -> String {
    "a case this long is several cases: close it and open a new one that refers to it".to_string()
}
