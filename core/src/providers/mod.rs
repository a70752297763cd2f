//! The provider catalogue: who offers which services where, with how much room,
//! and how satisfied their clients are — data, not rules, validated against the
//! ruleset's services and regions. From it: every provider that can meet a need
//! in a region (state and non-state alike), and the territorial map of needs
//! against capacity.
//!
//! Ratings are aggregated with a Bayesian average that starts every provider
//! with [`PRIOR_WEIGHT`] imaginary votes of [`PRIOR_SCORE`], the middle of the
//! scale: a provider is taken as middling until its clients say otherwise, so
//! one perfect score does not outrank twenty good ones, and an unrated
//! provider ranks below rated ones that are better than middling.
//!
//! | file | what it holds |
//! |---|---|
//! | `catalogue.rs` | reading and validating a catalogue (`catalogue_from_json`) |
//! | `ratings.rs` | satisfaction scores and surveys, the Bayesian average |
//! | `matching.rs` | the providers that can meet a need in a region |
//! | `needs.rs` | the territorial map of needs against capacity |

use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::codes::Code;
use crate::labels::localize;
use crate::screen::facts::FactsError;
use crate::screen::Engine;

mod catalogue;
mod matching;
mod needs;
mod ratings;

pub use catalogue::CatalogueError;
pub use matching::{Elsewhere, Match, ProvidersReport};
pub use needs::{MapRow, NeedsMap};
pub use ratings::{QuestionRating, Ratings};

/// How many imaginary votes each provider's ratings start with.
pub const PRIOR_WEIGHT: u32 = 5;
/// The score of those votes: the middle of the 1–5 scale.
pub const PRIOR_SCORE: u32 = 3;

/// The kinds of provider (the brief: state, municipal, NGO, private).
pub const KINDS: [&str; 4] = crate::check::PROVIDER_KINDS;

/// A provider's name: one text, or texts by language.
#[derive(Debug, Clone, PartialEq)]
enum Name {
    One(String),
    ByLang(Vec<(String, String)>),
}

impl Name {
    /// The name in `lang`, else in the ruleset's first language `first`,
    /// else the first given.
    fn shown(&self, lang: &str, first: Option<&str>) -> String {
        match self {
            Name::One(s) => s.clone(),
            Name::ByLang(list) => {
                // The catalogue's check refuses an empty list of names.
                debug_assert!(!list.is_empty());
                list.iter()
                    .find(|(l, _)| l == lang)
                    .or_else(|| first.and_then(|f| list.iter().find(|(l, _)| l == f)))
                    .or(list.first())
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Regions {
    All,
    /// Variant indexes of the regions enum.
    Some(Vec<usize>),
}

#[derive(Debug, Clone)]
struct Provider {
    id: String,
    name: Name,
    kind: &'static str,
    /// Service indexes of the ruleset.
    services: Vec<usize>,
    regions: Regions,
    /// People it can serve at once; `None`: not stated.
    capacity: Option<u64>,
    load: u64,
    contact: Option<Json>,
    hours: Option<String>,
    languages: Vec<String>,
}

/// A catalogue of providers, validated.
#[derive(Debug, Clone)]
pub struct Catalogue {
    providers: Vec<Provider>,
}

impl Catalogue {
    /// The ruleset's service indexes a provider offers; `None` when the
    /// catalogue has no such provider.
    pub(crate) fn provider_services(&self, id: &str) -> Option<&[usize]> {
        self.providers
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.services.as_slice())
    }

    /// A provider's kind (`state`, `municipal`, `ngo`, `private`); `None` when
    /// the catalogue has no such provider.
    pub(crate) fn provider_kind(&self, id: &str) -> Option<&'static str> {
        self.providers.iter().find(|p| p.id == id).map(|p| p.kind)
    }

    /// Every provider's id with its name in `lang` (else in the ruleset's
    /// first language `first`), for human output.
    pub(crate) fn provider_names<'c>(
        &'c self,
        lang: &'c str,
        first: Option<&'c str>,
    ) -> impl Iterator<Item = (&'c str, String)> + 'c {
        self.providers
            .iter()
            .map(move |p| (p.id.as_str(), p.name.shown(lang, first)))
    }

    /// Every provider's id, for suggestions.
    pub(crate) fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|p| p.id.as_str())
    }

    /// Whether provider `id` has no places left: its capacity is stated and
    /// its load reaches it. `None` when the catalogue has no such provider.
    pub(crate) fn provider_full(&self, id: &str) -> Option<bool> {
        let p = self.providers.iter().find(|p| p.id == id)?;
        Some(p.capacity.is_some_and(|c| c <= p.load))
    }

    /// Whether provider `id` serves every region (`"all"`).
    pub(crate) fn provider_serves_all(&self, id: &str) -> Option<bool> {
        let p = self.providers.iter().find(|p| p.id == id)?;
        Some(p.regions == Regions::All)
    }
}

impl Engine {
    /// Whether provider `id` of `catalogue` serves `region`, a variant of the
    /// ruleset's `regions`; `None` when either is unknown.
    pub(crate) fn provider_serves(
        &self,
        catalogue: &Catalogue,
        id: &str,
        region: &str,
    ) -> Option<bool> {
        let p = catalogue.providers.iter().find(|p| p.id == id)?;
        let r = self.region_index(region)?;
        Some(match &p.regions {
            Regions::All => true,
            Regions::Some(list) => list.contains(&r),
        })
    }
}

/// The Bayesian average of `votes` scores adding up to `sum`, from
/// [`PRIOR_WEIGHT`] votes of `prior`.
fn bayesian(prior: Decimal, sum: Decimal, votes: u64) -> Decimal {
    let w = Decimal::from(PRIOR_WEIGHT);
    (w * prior + sum) / (w + Decimal::from(votes))
}

/// Two decimals of `sum / votes` (exact, rounded half away from zero).
fn ratio(num: Decimal, den: Decimal) -> Option<String> {
    if den.is_zero() {
        return None;
    }
    num.checked_div(den)
        .map(|r| r.round_dp(2).normalize().to_string())
}

fn names_help<'n>(name: &str, all: impl Iterator<Item = &'n str> + Clone) -> Option<String> {
    crate::check::suggest(name, all.clone())
        .map(|s| format!("did you mean `{s}`?"))
        .or_else(|| {
            let list: Vec<&str> = all.collect();
            (!list.is_empty()).then(|| format!("one of: {}", list.join(", ")))
        })
}

impl Engine {
    /// The variants of the ruleset's `regions` enum; none when it declares
    /// no `regions`.
    fn region_names(&self) -> Vec<&str> {
        self.checked
            .ruleset
            .regions
            .and_then(|e| self.checked.enums.get(e.0))
            .map(|e| e.variants.iter().map(|v| v.name.as_str()).collect())
            .unwrap_or_default()
    }

    /// The label of region `i`, an index into [`Engine::region_names`].
    fn region_label(&self, i: usize, lang: &str) -> String {
        let region = self
            .checked
            .ruleset
            .regions
            .and_then(|e| self.checked.enums.get(e.0))
            .and_then(|e| e.variants.get(i));
        debug_assert!(region.is_some(), "`i` is one of the regions");
        region
            .map(|v| localize(v.label.as_ref(), lang, &v.name))
            .unwrap_or_default()
    }

    fn region_index(&self, name: &str) -> Option<usize> {
        self.region_names().iter().position(|r| *r == name)
    }

    /// The services of the ruleset that meet `need` (an error when no
    /// assessment declares the need).
    fn services_for(&self, need: &str) -> Result<Vec<usize>, FactsError> {
        if !self.checked.index.needs.contains(need) {
            let mut e = FactsError::one(
                Code::P0011,
                "",
                format!("no assessment declares a need `{need}`"),
            );
            if let Some(first) = e.errors.first_mut() {
                first.help = names_help(need, self.checked.index.needs.iter().map(String::as_str));
            }
            return Err(e);
        }
        Ok(self.services_meeting(need))
    }

    /// The services of the ruleset that meet `need`, a need an assessment
    /// declares.
    fn services_meeting(&self, need: &str) -> Vec<usize> {
        self.checked
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.meets.iter().any(|m| m == need))
            .map(|(i, _)| i)
            .collect()
    }

    fn need_label(&self, need: &str, lang: &str) -> String {
        self.checked
            .assessments
            .iter()
            .flat_map(|a| a.needs.iter())
            .find(|n| n.name == need)
            .map(|n| localize(n.label.as_ref(), lang, need))
            .unwrap_or_else(|| need.to_string())
    }

    fn regions_json(&self, r: &Regions) -> Json {
        match r {
            Regions::All => Json::from("all"),
            Regions::Some(list) => {
                let names = self.region_names();
                Json::from(
                    list.iter()
                        .filter_map(|&i| names.get(i).map(|n| Json::from(*n)))
                        .collect::<Vec<_>>(),
                )
            }
        }
    }
}
