//! Labels and fixed words in the reader's language, for every room that
//! presents something: screening reports, assessments, providers, cases and
//! protocol graphs.

use std::collections::BTreeMap;

use accord_grammar::ast::Label;

use crate::check::{Checked, ProtocolDef};

pub(crate) fn localize(label: Option<&Label>, lang: &str, fallback: &str) -> String {
    match label {
        Some(l) => l
            .translations
            .iter()
            .find(|t| t.lang.name == lang)
            .map(|t| t.text.clone())
            .unwrap_or_else(|| l.text.clone()),
        None => fallback.to_string(),
    }
}

/// A fixed word of reports from the message catalogue (`crate::messages`):
/// `key` is a message without parameters.
pub(crate) fn word(lang: &str, key: &str) -> String {
    crate::messages::text(lang, key, &[])
}

/// What human output shows for the names a case state or a caseload holds:
/// the language of the fixed words and the labels of roles, needs, services,
/// risk levels and steps, in that language. The JSON keeps the names; only
/// `render` reads this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    /// The language of the fixed words (`crate::messages`).
    pub(crate) lang: String,
    roles: BTreeMap<String, String>,
    needs: BTreeMap<String, String>,
    services: BTreeMap<String, String>,
    risks: BTreeMap<String, String>,
    steps: BTreeMap<String, String>,
    providers: BTreeMap<String, String>,
}

impl Shown {
    /// The labels of `protocol`'s roles and steps and of every need, service
    /// and risk level of the ruleset, in `lang` (`""`: the ruleset's first
    /// language, or `en` without any).
    pub(crate) fn new(checked: &Checked, protocol: &ProtocolDef, lang: &str) -> Shown {
        let mut shown = Shown {
            lang: match lang {
                "" => checked
                    .ruleset
                    .languages
                    .first()
                    .map_or_else(|| "en".to_string(), Clone::clone),
                l => l.to_string(),
            },
            ..Shown::default()
        };
        shown.add_protocol(protocol, lang);
        for a in &checked.assessments {
            for n in &a.needs {
                shown
                    .needs
                    .entry(n.name.clone())
                    .or_insert_with(|| localize(n.label.as_ref(), lang, &n.name));
            }
            for r in &a.risks {
                shown
                    .risks
                    .entry(r.level.clone())
                    .or_insert_with(|| localize(r.label.as_ref(), lang, &r.level));
            }
        }
        for s in &checked.services {
            shown
                .services
                .entry(s.name.clone())
                .or_insert_with(|| localize(s.label.as_ref(), lang, &s.name));
        }
        shown
    }

    /// Adds the labels of `protocol`'s roles and steps (the first label of a
    /// name wins).
    fn add_protocol(&mut self, protocol: &ProtocolDef, lang: &str) {
        for r in &protocol.roles {
            self.roles
                .entry(r.name.clone())
                .or_insert_with(|| localize(r.label.as_ref(), lang, &r.name));
        }
        for s in &protocol.steps {
            self.steps
                .entry(s.name.clone())
                .or_insert_with(|| localize(s.label.as_ref(), lang, &s.name));
        }
    }

    /// Adds the names of a provider catalogue's providers.
    pub(crate) fn add_providers(
        &mut self,
        names: impl Iterator<Item = (impl Into<String>, String)>,
    ) {
        for (id, name) in names {
            self.providers.entry(id.into()).or_insert(name);
        }
    }

    pub(crate) fn provider<'a>(&'a self, id: &'a str) -> &'a str {
        self.providers.get(id).map_or(id, String::as_str)
    }

    /// Adds what `other` shows that this does not (a caseload's parts).
    pub(crate) fn absorb(&mut self, other: Shown) {
        if self.lang.is_empty() {
            self.lang = other.lang;
        }
        for (mine, theirs) in [
            (&mut self.roles, other.roles),
            (&mut self.needs, other.needs),
            (&mut self.services, other.services),
            (&mut self.risks, other.risks),
            (&mut self.steps, other.steps),
            (&mut self.providers, other.providers),
        ] {
            for (k, v) in theirs {
                mine.entry(k).or_insert(v);
            }
        }
    }

    /// A fixed word with parameters (`crate::messages::text`).
    pub(crate) fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        crate::messages::text(&self.lang, key, args)
    }

    pub(crate) fn role<'a>(&'a self, name: &'a str) -> &'a str {
        self.roles.get(name).map_or(name, String::as_str)
    }

    pub(crate) fn need<'a>(&'a self, name: &'a str) -> &'a str {
        self.needs.get(name).map_or(name, String::as_str)
    }

    pub(crate) fn service<'a>(&'a self, name: &'a str) -> &'a str {
        self.services.get(name).map_or(name, String::as_str)
    }

    pub(crate) fn risk<'a>(&'a self, level: &'a str) -> &'a str {
        self.risks.get(level).map_or(level, String::as_str)
    }

    pub(crate) fn step<'a>(&'a self, name: &'a str) -> &'a str {
        self.steps.get(name).map_or(name, String::as_str)
    }
}
