//! Scoped consent, the data: what a `consent` event covers (recipients, data,
//! until when), what decides a recipient and a piece of information on a day,
//! and the disclosures the state lists. The replay (`run`) keeps these; the
//! rules that read the case are in `consent`.

use jiff::civil::Date;
use serde::Serialize;

use super::event::ConsentTo;
use crate::check::ProtocolDef;

/// The information a consent may cover besides assessments.
pub(crate) const DATA_WORDS: [&str; 2] = ["plan", "facts"];

/// One `consent` event, validated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConsentRecord {
    pub line: usize,
    pub at: Date,
    pub given: bool,
    /// `None`: every recipient.
    pub to: Option<ConsentTo>,
    /// `None`: all information.
    pub data: Option<Vec<String>>,
    pub purpose: Option<String>,
    /// The last day it is in force.
    pub until: Option<Date>,
}

/// Who receives information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recipient<'x> {
    /// A role of the protocol (an index).
    Role(usize),
    /// A provider by id, with its kind when the catalogue knows it.
    Provider {
        id: &'x str,
        kind: Option<&'static str>,
    },
}

/// What is disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Data<'x> {
    /// An assessment's answers, scores and needs, by the assessment's name.
    Assessment(&'x str),
    Plan,
}

impl Data<'_> {
    pub(crate) fn word(&self) -> &str {
        match self {
            Data::Assessment(a) => a,
            Data::Plan => "plan",
        }
    }
}

/// What decides a (recipient, data) pair on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Decision<'c> {
    Given(&'c ConsentRecord),
    /// `given: false` with nothing covering given before.
    Refused(&'c ConsentRecord),
    /// `given: false` after a covering consent was given.
    Withdrawn(&'c ConsentRecord),
    /// The covering consent's `until` has passed.
    Expired(&'c ConsentRecord),
    /// No consent event covers the pair (`any`: whether the log has consent
    /// events at all).
    NeverAsked {
        any: bool,
    },
}

impl ConsentRecord {
    pub(crate) fn covers(
        &self,
        def: &ProtocolDef,
        r: Recipient<'_>,
        data: Option<Data<'_>>,
    ) -> bool {
        let to = match &self.to {
            None => true,
            Some(to) => match r {
                Recipient::Role(i) => def.roles.get(i).is_some_and(|role| {
                    to.roles.contains(&role.name)
                        || role
                            .agency
                            .as_ref()
                            .is_some_and(|a| to.agencies.contains(a))
                }),
                Recipient::Provider { id, kind } => {
                    to.providers.iter().any(|p| p == id)
                        || kind.is_some_and(|k| to.kinds.iter().any(|x| x == k))
                }
            },
        };
        let data = match (&self.data, data) {
            (None, _) | (_, None) => true,
            (Some(d), Some(want)) => d.iter().any(|x| x == want.word()),
        };
        to && data
    }

    /// Whether the scopes of two consents share a recipient and a piece of
    /// information (by name: a role, agency, kind or provider both name).
    pub(crate) fn overlaps(&self, other: &ConsentRecord) -> bool {
        fn meet(a: &[String], b: &[String]) -> bool {
            a.iter().any(|x| b.contains(x))
        }
        let to = match (&self.to, &other.to) {
            (None, _) | (_, None) => true,
            (Some(a), Some(b)) => {
                meet(&a.roles, &b.roles)
                    || meet(&a.agencies, &b.agencies)
                    || meet(&a.kinds, &b.kinds)
                    || meet(&a.providers, &b.providers)
            }
        };
        let data = match (&self.data, &other.data) {
            (None, _) | (_, None) => true,
            (Some(a), Some(b)) => meet(a, b),
        };
        to && data
    }

    pub(crate) fn in_force(&self, day: Date) -> bool {
        self.at <= day && self.until.is_none_or(|u| day <= u)
    }
}

impl Decision<'_> {
    pub(crate) fn allows(&self) -> bool {
        matches!(self, Decision::Given(_))
    }

    /// The consent event that allowed, if any.
    pub(crate) fn line(&self) -> Option<(usize, Date)> {
        match self {
            Decision::Given(c) => Some((c.line, c.at)),
            _ => None,
        }
    }
}

/// Why consent does not allow: refused, withdrawn, expired or never asked.
impl Decision<'_> {
    pub(crate) fn why_not(&self, whom: &str) -> String {
        match self {
            Decision::Given(_) => "consent is given".to_string(),
            Decision::Refused(c) => format!("consent was refused on {} (line {})", c.at, c.line),
            Decision::Withdrawn(c) => {
                format!("consent was withdrawn on {} (line {})", c.at, c.line)
            }
            Decision::Expired(c) => match c.until {
                Some(u) => format!(
                    "the consent given on {} (line {}) ended on {u}",
                    c.at, c.line
                ),
                None => format!("the consent given on {} (line {}) has ended", c.at, c.line),
            },
            Decision::NeverAsked { any: false } => {
                "consent was never asked (the log has no `consent` event)".to_string()
            }
            Decision::NeverAsked { any: true } => {
                format!("consent was never asked for {whom}: no `consent` event covers it")
            }
        }
    }
}

/// One consent event as the state lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConsentItem {
    pub line: usize,
    pub at: String,
    pub given: bool,
    /// The recipients; `null`: every recipient.
    pub to: Option<ConsentTo>,
    /// The information; `null`: all.
    pub data: Option<Vec<String>>,
    pub purpose: Option<String>,
    pub until: Option<String>,
    /// In force on the as-of date (recorded by then, not past `until`).
    pub in_force: bool,
}

/// A recipient of a disclosure: a role or a provider.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DisclosureRecipient {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// What an event disclosed to whom, and under which consent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Disclosure {
    pub to: DisclosureRecipient,
    /// `assessment` (a need and the assessment that found it) or `plan` (a
    /// plan entry).
    pub what: &'static str,
    pub need: Option<String>,
    pub assessment: Option<String>,
    /// The event that disclosed: its type, line and date.
    pub event: &'static str,
    pub line: usize,
    pub at: String,
    /// The consent event it was disclosed under (`null`: none was needed).
    pub consent_line: Option<usize>,
    pub consent_at: Option<String>,
}

/// A disclosure as the replay records it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DisclosureRecord {
    pub role: Option<usize>,
    pub provider: Option<String>,
    pub plan: bool,
    pub need: Option<String>,
    pub assessment: Option<String>,
    pub event: &'static str,
    pub line: usize,
    pub at: Date,
    pub consent: Option<(usize, Date)>,
}
