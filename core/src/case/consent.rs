//! Scoped consent: what each `consent` event covers (recipients, data, until
//! when), which consent decides for a recipient and a piece of information on
//! a day, and the disclosures the case's events made.
//!
//! For a (recipient, data) pair on a day, the latest `consent` event in force
//! that day whose scope covers the pair decides: `given: true` allows,
//! `given: false` refuses (nothing covering given before) or withdraws. An event
//! without `to` covers every recipient, one without `data` all information, so
//! logs written before scopes existed keep their meaning.

use jiff::civil::Date;

use super::event::{parse_date, Event, EventTo};
use super::run::Case;
use super::scope::{
    ConsentItem, ConsentRecord, Data, Decision, Disclosure, DisclosureRecipient, Recipient,
    DATA_WORDS,
};
use super::CaseError;
use crate::check::ProtocolDef;
use crate::codes::Code;

/// The recipients, data and end of a `consent` event, checked against the
/// protocol (and the catalogue, when there is one). Nothing the event holds
/// beyond names of the ruleset is echoed.
impl Case<'_> {
    /// See [`read_consent`].
    pub(crate) fn read_consent(&self, e: &Event) -> Result<ConsentRecord, CaseError> {
        read_consent(self, e)
    }
}

fn read_consent(case: &Case<'_>, e: &Event) -> Result<ConsentRecord, CaseError> {
    let def = case.def;
    let bad = |message: String, help: String| CaseError::at(e.line, Code::C0050, message, help);
    let to = match &e.json.to {
        None => None,
        Some(EventTo::Name(_)) => {
            return Err(bad(
                "`to` of a `consent` event must be an object of recipients".to_string(),
                "write e.g. \"to\": {\"roles\": [\"social_worker\"], \"kinds\": [\"state\"]}"
                    .to_string(),
            ))
        }
        Some(EventTo::Recipients(to)) => Some(to),
    };
    if let Some(to) = to {
        if to.roles.is_empty()
            && to.agencies.is_empty()
            && to.kinds.is_empty()
            && to.providers.is_empty()
        {
            return Err(bad(
                "`to` names no recipient".to_string(),
                "name `roles`, `agencies`, `kinds` or `providers`, or leave `to` out for every recipient".to_string(),
            ));
        }
        for r in &to.roles {
            if !def.roles.iter().any(|x| &x.name == r) {
                let help = super::name_help(r, def.roles.iter().map(|x| x.name.as_str()), |all| {
                    format!("the roles of `{}` are {all}", def.name)
                });
                return Err(bad(
                    format!(
                        "consent names role `{r}`, which protocol `{}` does not have",
                        def.name
                    ),
                    help,
                ));
            }
        }
        let agencies = agencies(def);
        for a in &to.agencies {
            if !agencies.contains(&a.as_str()) {
                let help = match agencies.is_empty() {
                    true => format!("the roles of `{}` name no agency (`at`)", def.name),
                    false => super::name_help(a, agencies.iter().copied(), |all| {
                        format!("the agencies of `{}` are {all}", def.name)
                    }),
                };
                return Err(bad(
                    format!(
                        "consent names agency `{a}`, which no role of `{}` is at",
                        def.name
                    ),
                    help,
                ));
            }
        }
        for k in &to.kinds {
            if !crate::providers::KINDS.contains(&k.as_str()) {
                let help = super::name_help(k, crate::providers::KINDS.iter().copied(), |all| {
                    format!("the kinds of provider are {all}")
                });
                return Err(bad(format!("`{k}` is not a kind of provider"), help));
            }
        }
        for p in &to.providers {
            if p.trim().is_empty() {
                return Err(bad(
                    "consent names a provider with an empty id".to_string(),
                    "name providers by their catalogue id".to_string(),
                ));
            }
            if let Some(cat) = case.catalogue {
                if cat.provider_kind(p).is_none() {
                    let help = crate::check::suggest(p, cat.provider_ids())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "name a provider of the catalogue".to_string());
                    return Err(bad(
                        format!("consent names provider `{p}`, which the catalogue does not have"),
                        help,
                    ));
                }
            }
        }
    }
    if let Some(data) = &e.json.data {
        if data.is_empty() {
            return Err(bad(
                "`data` names no information".to_string(),
                "name assessments, `plan` or `facts`, or leave `data` out for all information"
                    .to_string(),
            ));
        }
        let names = data_names(case);
        for d in data {
            if !names.contains(&d.as_str()) {
                let help = super::name_help(d, names.iter().copied(), |all| {
                    format!("consent may cover {all}")
                });
                return Err(bad(
                    format!("consent names data `{d}`, which is neither an assessment of `{}` nor `plan` or `facts`", def.name),
                    help,
                ));
            }
        }
    }
    let until = match &e.json.until {
        None => None,
        Some(text) => match parse_date(text) {
            None => {
                return Err(bad(
                    "`until` must be a date written YYYY-MM-DD".to_string(),
                    "write the last day the consent is in force".to_string(),
                ))
            }
            Some(d) if d < e.at => {
                return Err(bad(
                    format!("the consent ends ({d}) before it is recorded ({})", e.at),
                    "`until` is the last day the consent is in force, on or after the event"
                        .to_string(),
                ))
            }
            Some(d) => Some(d),
        },
    };
    Ok(ConsentRecord {
        line: e.line,
        at: e.at,
        given: e.json.given.unwrap_or(false),
        to: to.cloned(),
        data: e.json.data.clone(),
        purpose: e.json.purpose.clone(),
        until,
    })
}

/// The agencies of the protocol's roles (their `at`), each once.
fn agencies(def: &ProtocolDef) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for a in def.roles.iter().filter_map(|r| r.agency.as_deref()) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// The names a consent's `data` may use: the protocol's assessments, `plan`
/// and `facts`.
fn data_names<'c>(case: &Case<'c>) -> Vec<&'c str> {
    let mut out: Vec<&str> = Vec::new();
    for s in &case.def.steps {
        if let Some(a) = s
            .assessment
            .and_then(|a| case.engine.checked.assessments.get(a.0))
        {
            if !out.contains(&a.name.as_str()) {
                out.push(&a.name);
            }
        }
    }
    out.extend(DATA_WORDS);
    out
}

impl<'a> Case<'a> {
    /// What decides whether `r` may receive `data` (any data: `None`) on `day`.
    pub(crate) fn consent_for(
        &self,
        r: Recipient<'_>,
        data: Option<Data<'_>>,
        day: Date,
    ) -> Decision<'_> {
        let mut decided: Option<&ConsentRecord> = None;
        let mut expired: Option<&ConsentRecord> = None;
        for c in self.consents.iter().filter(|c| c.at <= day) {
            if !c.covers(self.def, r, data) {
                continue;
            }
            if c.in_force(day) {
                decided = Some(c);
            } else if c.given {
                expired = Some(c);
            }
        }
        // An expired consent later than what decides says more than it.
        let expired = expired.filter(|x| decided.is_none_or(|d| x.line > d.line && !d.given));
        match (decided, expired) {
            (_, Some(x)) => Decision::Expired(x),
            (Some(d), None) if d.given => Decision::Given(d),
            (Some(d), None) => {
                let earlier = self
                    .consents
                    .iter()
                    .any(|c| c.line < d.line && c.given && c.covers(self.def, r, data));
                match earlier {
                    true => Decision::Withdrawn(d),
                    false => Decision::Refused(d),
                }
            }
            (None, None) => Decision::NeverAsked {
                any: !self.consents.is_empty(),
            },
        }
    }

    /// Whether the `consent` event on `line` withdraws (`given: false` after a
    /// consent given whose scope it overlaps) rather than refuses.
    pub(crate) fn withdraws(&self, line: usize) -> bool {
        let Some(c) = self.consents.iter().find(|c| c.line == line) else {
            return false;
        };
        !c.given
            && self
                .consents
                .iter()
                .any(|g| g.line < line && g.given && g.overlaps(c))
    }

    /// A provider as a recipient: its kind from the catalogue (unknown
    /// without one).
    pub(crate) fn provider<'p>(&self, id: &'p str) -> Recipient<'p> {
        Recipient::Provider {
            id,
            kind: self.catalogue.and_then(|c| c.provider_kind(id)),
        }
    }

    /// Whether information given to provider `id` needs consent: its kind is
    /// one the protocol's `consent for referral` names, or, without a
    /// catalogue, unknown (never a guess) while the protocol names any.
    pub(crate) fn provider_needs_consent(&self, id: &str) -> bool {
        let kinds = &self.def.consent_for_referral;
        match self.catalogue.and_then(|c| c.provider_kind(id)) {
            Some(k) => kinds.contains(&k),
            None => !kinds.is_empty(),
        }
    }

    /// Whether `who` (a role, or a provider playing role `role`) may see step
    /// `si`'s assessment on `day` through a `share`: `None` when not;
    /// otherwise the consent event it relies on (`None` when the share needs
    /// none). A share `requires consent`, and any share to a provider whose
    /// kind needs consent, discloses only under consent covering the
    /// recipient and the assessment.
    pub(crate) fn share_view(
        &self,
        si: usize,
        role: usize,
        who: Recipient<'_>,
        day: Date,
    ) -> Option<Option<(usize, Date)>> {
        let step = self.def.steps.get(si)?;
        let name = step
            .assessment
            .and_then(|a| self.engine.checked.assessments.get(a.0))
            .map(|a| a.name.as_str())?;
        let provider_needs = match who {
            Recipient::Provider { id, .. } => self.provider_needs_consent(id),
            Recipient::Role(_) => false,
        };
        let mut best: Option<Option<(usize, Date)>> = None;
        for sh in self.def.shares.iter().filter(|sh| {
            sh.with.contains(&role)
                && match sh.what {
                    crate::check::ShareTarget::Assessment(a) => step.assessment == Some(a),
                    crate::check::ShareTarget::Step(s) => s == si,
                }
        }) {
            let decision = self.consent_for(who, Some(Data::Assessment(name)), day);
            if decision.allows() {
                return Some(decision.line());
            }
            if !sh.requires_consent && !provider_needs {
                best = Some(None);
            }
        }
        best
    }

    /// A view names a provider exactly when its role `is provider` (`U0020`
    /// otherwise), and, with a catalogue, a provider of the catalogue.
    pub(crate) fn check_view(
        &self,
        role: Option<usize>,
        provider: Option<&str>,
    ) -> Result<(), CaseError> {
        let usage = |message: String, help: String| CaseError {
            code: Code::U0020,
            line: None,
            message,
            help: Some(help),
        };
        let is_provider = |r: usize| {
            self.def
                .roles
                .get(r)
                .is_some_and(|x| x.kind == Some(accord_grammar::ast::RoleKind::Provider))
        };
        let providers: Vec<&str> = self
            .def
            .roles
            .iter()
            .filter(|r| r.kind == Some(accord_grammar::ast::RoleKind::Provider))
            .map(|r| r.name.as_str())
            .collect();
        let provider_roles = || match providers.is_empty() {
            true => format!("protocol `{}` has no role `is provider`", self.def.name),
            false => format!("the roles `is provider` are {}", providers.join(", ")),
        };
        match (role, provider) {
            (None, Some(_)) => Err(usage(
                "a provider's view needs the role it plays".to_string(),
                format!("give the role too; {}", provider_roles()),
            )),
            (Some(r), Some(_)) if !is_provider(r) => Err(usage(
                format!(
                    "role `{}` is not `is provider`: its view is not a provider's",
                    self.role_name(Some(r))
                ),
                format!("leave the provider out, or {}", provider_roles()),
            )),
            (Some(r), None) if is_provider(r) => Err(usage(
                format!(
                    "role `{}` is played by providers: its view needs the provider's id",
                    self.role_name(Some(r))
                ),
                "name the provider (`--provider ID`)".to_string(),
            )),
            (_, Some(p)) => match self.catalogue {
                Some(cat) if cat.provider_kind(p).is_none() => {
                    let help = crate::check::suggest(p, cat.provider_ids())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "name a provider of the catalogue".to_string());
                    Err(usage(format!("the catalogue has no provider `{p}`"), help))
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// The assessment whose needs the tasks of step `si` (a step per need)
    /// come from.
    pub(crate) fn need_assessment(&self, si: usize) -> Option<&'a str> {
        let def = self.def;
        let src = def.steps.get(si)?.for_each_need?;
        let a = def.steps.get(src)?.assessment?;
        self.engine
            .checked
            .assessments
            .get(a.0)
            .map(|a| a.name.as_str())
    }

    /// Refuses (`C0051`) an event that would give `data` to provider `id`
    /// when it needs consent and the consent in force does not allow it;
    /// otherwise the consent event that allowed it, if one was needed.
    pub(crate) fn require_disclosure(
        &self,
        e: &Event,
        id: &str,
        data: Data<'_>,
        what: &str,
    ) -> Result<Option<(usize, Date)>, CaseError> {
        let r = self.provider(id);
        let decision = self.consent_for(r, Some(data), e.at);
        if decision.allows() {
            return Ok(decision.line());
        }
        if !self.provider_needs_consent(id) {
            return Ok(None);
        }
        let kind = match r {
            Recipient::Provider { kind: Some(k), .. } => format!("a provider of kind `{k}`"),
            _ => "a provider whose kind is unknown without a catalogue".to_string(),
        };
        let why = decision.why_not(&format!("provider `{id}`"));
        Err(CaseError::at(
            e.line,
            Code::C0051,
            format!("{what} would disclose `{}` to `{id}`, {kind}, without the subject's consent: {why}", data.word()),
            format!(
                "record a `consent` event with \"given\": true, \"to\": {{\"providers\": [\"{id}\"]}} (or its kind) and \"data\" including \"{}\" first",
                data.word()
            ),
        ))
    }
}

impl Case<'_> {
    /// The consent events as the state lists them, on `as_of`.
    pub(crate) fn consent_items(&self, as_of: Date) -> Vec<ConsentItem> {
        self.consents
            .iter()
            .map(|c| ConsentItem {
                line: c.line,
                at: c.at.to_string(),
                given: c.given,
                to: c.to.clone(),
                data: c.data.clone(),
                purpose: c.purpose.clone(),
                until: c.until.map(|u| u.to_string()),
                in_force: c.in_force(as_of),
            })
            .collect()
    }

    /// The disclosure record.
    pub(crate) fn disclosure_items(&self) -> Vec<Disclosure> {
        self.disclosures
            .iter()
            .map(|d| Disclosure {
                to: DisclosureRecipient {
                    role: d.role.map(|r| self.role_name(Some(r))),
                    provider: d.provider.clone(),
                },
                what: if d.plan { "plan" } else { "assessment" },
                need: d.need.clone(),
                assessment: d.assessment.clone(),
                event: d.event,
                line: d.line,
                at: d.at.to_string(),
                consent_line: d.consent.map(|(l, _)| l),
                consent_at: d.consent.map(|(_, a)| a.to_string()),
            })
            .collect()
    }
}
