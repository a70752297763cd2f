//! Matching: the providers that can meet a need in a region, in the
//! documented order.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;

use super::{bayesian, names_help, ratio, Catalogue, Regions, PRIOR_SCORE};
use super::{QuestionRating, Ratings};
use crate::codes::Code;
use crate::labels::localize;
use crate::messages;
use crate::screen::document::JsonDocument;
use crate::screen::facts::FactsError;
use crate::screen::Engine;

/// A provider that can meet the need.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Match {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    /// Its services that meet the need.
    pub services: Vec<String>,
    /// `"all"` or the regions it serves.
    pub regions: Json,
    pub capacity: Option<u64>,
    pub load: u64,
    /// `null` when the capacity is not stated.
    pub capacity_left: Option<u64>,
    pub full: bool,
    /// The Bayesian average of its ratings for those services, two decimals;
    /// `null` without ratings.
    pub rating: Option<String>,
    pub votes: u64,
    /// The plain mean of its ratings, two decimals.
    pub mean: Option<String>,
    /// Per question of the satisfaction survey, when the ratings answer one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_question: Vec<QuestionRating>,
    pub contact: Option<Json>,
    pub hours: Option<String>,
    pub languages: Vec<String>,
}

/// `accord providers --format json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProvidersReport {
    pub need: String,
    pub need_label: String,
    pub region: Option<String>,
    /// The ruleset's services that meet the need.
    pub services: Vec<String>,
    /// Every provider that can meet the need there, in the documented order.
    pub providers: Vec<Match>,
    /// Providers that offer those services, but not in the region: listed so that
    /// nobody is dropped silently.
    pub elsewhere: Vec<Elsewhere>,
    /// The language of [`render`](Self::render)'s words.
    #[serde(skip)]
    pub(crate) lang: String,
    /// The labels of the services named, for `render`.
    #[serde(skip)]
    pub(crate) service_labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Elsewhere {
    pub id: String,
    pub name: String,
    pub regions: Json,
}

impl ProvidersReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// For people, in the report's language: the providers in order with
    /// their kind, services, room and rating, then those elsewhere.
    pub fn render(&self) -> String {
        let lang = self.lang.as_str();
        let say = |key: &str, args: &[(&str, &str)]| messages::text(lang, key, args);
        let mut out = format!(
            "{} ({}){}\n",
            self.need_label,
            self.need,
            self.region.as_ref().map_or(String::new(), |r| format!(
                " {}",
                say("providers.in", &[("region", r)])
            ))
        );
        if self.providers.is_empty() {
            out.push_str(&format!("  {}\n", say("providers.none", &[])));
        }
        for (i, p) in self.providers.iter().enumerate() {
            let room = match (p.capacity_left, p.full) {
                (_, true) => say("providers.full", &[]),
                (Some(left), false) => messages::count(lang, "providers.places_left", left, &[]),
                (None, false) => say("providers.capacity_unknown", &[]),
            };
            let rating = p.rating.as_ref().map_or_else(
                || say("providers.no_ratings", &[]),
                |r| messages::count(lang, "providers.rated", p.votes, &[("rating", r)]),
            );
            let kind = match p.kind {
                "municipal" => say("kind.municipal", &[]),
                "ngo" => say("kind.ngo", &[]),
                "private" => say("kind.private", &[]),
                _ => say("kind.state", &[]),
            };
            let services: Vec<&str> = p
                .services
                .iter()
                .map(|s| {
                    self.service_labels
                        .get(s)
                        .map_or(s.as_str(), String::as_str)
                })
                .collect();
            out.push_str(&format!(
                "  {}. {} [{kind}] {}: {room}; {rating}\n",
                i + 1,
                p.name,
                services.join(", "),
            ));
        }
        if !self.elsewhere.is_empty() {
            let names: Vec<&str> = self.elsewhere.iter().map(|e| e.name.as_str()).collect();
            out.push_str(&format!(
                "  {}\n",
                say("providers.elsewhere", &[("providers", &names.join(", "))])
            ));
        }
        out
    }
}

/// An assessment result read for its needs. It has no size code of its own:
/// unlike the other documents, it is not refused for its size (as before).
const RESULT: JsonDocument = JsonDocument {
    name: "the assessment result",
    verb: "is",
    too_large: None,
    malformed: Code::P0012,
};

impl Engine {
    /// Every provider that can meet `need` in `region` (anywhere when `None`),
    /// state and non-state, ordered: those with room (or no stated capacity)
    /// before full ones, then by rating (the Bayesian average; an unrated
    /// provider counts as [`PRIOR_SCORE`]), then by places left, then by id.
    pub fn providers_for(
        &self,
        catalogue: &Catalogue,
        need: &str,
        region: Option<&str>,
        ratings: Option<&Ratings>,
        lang: Option<&str>,
    ) -> Result<ProvidersReport, FactsError> {
        // No language asked for: the ruleset's first.
        let lang = lang.unwrap_or("");
        let services = self.services_for(need)?;
        let region_index = match region {
            None => None,
            Some(r) => Some(self.region_index(r).ok_or_else(|| {
                let mut e = FactsError::one(
                    Code::P0008,
                    "",
                    format!("`{r}` is not one of the ruleset's regions"),
                );
                if let Some(first) = e.errors.first_mut() {
                    first.help = names_help(r, self.region_names().into_iter());
                }
                e
            })?),
        };
        let prior = ratings.map(|_| Decimal::from(PRIOR_SCORE));
        let mut matches: Vec<(Match, Option<Decimal>)> = Vec::new();
        let mut elsewhere = Vec::new();
        for (pi, p) in catalogue.providers.iter().enumerate() {
            let meets: Vec<usize> = p
                .services
                .iter()
                .copied()
                .filter(|s| services.contains(s))
                .collect();
            if meets.is_empty() {
                continue;
            }
            let name = p
                .name
                .shown(lang, self.languages().first().map(String::as_str));
            let serves = match (&p.regions, region_index) {
                (_, None) | (Regions::All, _) => true,
                (Regions::Some(rs), Some(r)) => rs.contains(&r),
            };
            if !serves {
                elsewhere.push(Elsewhere {
                    id: p.id.clone(),
                    name,
                    regions: self.regions_json(&p.regions),
                });
                continue;
            }
            let (sum, votes) = match ratings {
                Some(r) => meets.iter().fold((Decimal::ZERO, 0u64), |(s, v), si| {
                    let (a, b) = r.by.get(&(pi, *si)).copied().unwrap_or((Decimal::ZERO, 0));
                    (s + a, v + b)
                }),
                _ => (Decimal::ZERO, 0),
            };
            let bayes = prior.map(|m| bayesian(m, sum, votes));
            let by_question = match ratings {
                Some(r) => self.question_ratings(r, pi, &meets, lang),
                None => Vec::new(),
            };
            let left = p.capacity.map(|c| c.saturating_sub(p.load));
            matches.push((
                Match {
                    id: p.id.clone(),
                    name,
                    kind: p.kind,
                    services: meets
                        .iter()
                        .filter_map(|&s| self.checked.services.get(s).map(|d| d.name.clone()))
                        .collect(),
                    regions: self.regions_json(&p.regions),
                    capacity: p.capacity,
                    load: p.load,
                    capacity_left: left,
                    full: left == Some(0),
                    rating: if votes > 0 {
                        bayes.map(|b| b.round_dp(2).normalize().to_string())
                    } else {
                        None
                    },
                    votes,
                    mean: ratio(sum, Decimal::from(votes)),
                    by_question,
                    contact: p.contact.clone(),
                    hours: p.hours.clone(),
                    languages: p.languages.clone(),
                },
                bayes,
            ));
        }
        matches.sort_by(|(a, ra), (b, rb)| {
            a.full
                .cmp(&b.full)
                .then_with(|| rb.cmp(ra))
                .then_with(|| {
                    b.capacity_left
                        .unwrap_or(u64::MAX)
                        .cmp(&a.capacity_left.unwrap_or(u64::MAX))
                })
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(ProvidersReport {
            need: need.to_string(),
            need_label: self.need_label(need, lang),
            // `region_index` is `region`'s, there when `region` is.
            region: region.zip(region_index).map(|(r, i)| {
                let label = self.region_label(i, lang);
                if label.is_empty() || label == r {
                    r.to_string()
                } else {
                    label
                }
            }),
            services: services
                .iter()
                .filter_map(|&s| self.checked.services.get(s).map(|d| d.name.clone()))
                .collect(),
            providers: matches.into_iter().map(|(m, _)| m).collect(),
            elsewhere,
            lang: match lang {
                "" => self
                    .languages()
                    .first()
                    .map_or_else(|| "en".to_string(), Clone::clone),
                l => l.to_string(),
            },
            service_labels: services
                .iter()
                .filter_map(|&s| self.checked.services.get(s))
                .map(|d| (d.name.clone(), localize(d.label.as_ref(), lang, &d.name)))
                .collect(),
        })
    }

    /// Providers for every need an assessment established: `result` is an
    /// assessment result as JSON (`accord assess --format json`; its `needs`
    /// are read), one report per need in its order.
    pub fn providers_for_result(
        &self,
        catalogue: &Catalogue,
        result: &str,
        region: Option<&str>,
        ratings: Option<&Ratings>,
        lang: Option<&str>,
    ) -> Result<Vec<ProvidersReport>, FactsError> {
        let doc = RESULT.parse(result)?;
        let needs = RESULT.list(
            &doc,
            "needs",
            "needs",
            "an assessment result has a list `needs` (the output of `accord assess --format json`)",
        )?;
        let mut out = Vec::with_capacity(needs.len());
        for (i, n) in needs.iter().enumerate() {
            let Some(need) = n.as_str() else {
                return Err(FactsError::one(
                    Code::P0012,
                    &format!("needs[{i}]"),
                    "a need is named by a text".to_string(),
                ));
            };
            out.push(self.providers_for(catalogue, need, region, ratings, lang)?);
        }
        Ok(out)
    }
}
