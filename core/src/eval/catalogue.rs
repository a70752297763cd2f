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

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;

use super::facts::{Errors, FactError, FactsError};
use super::report::localize;
use super::Engine;

/// How many imaginary votes each provider's ratings start with.
pub const PRIOR_WEIGHT: u32 = 5;
/// The score of those votes: the middle of the 1–5 scale.
pub const PRIOR_SCORE: u32 = 3;

/// The kinds of provider (the brief: state, municipal, NGO, private).
pub const KINDS: [&str; 4] = ["state", "municipal", "ngo", "private"];

/// A provider's name: one text, or texts by language.
#[derive(Debug, Clone, PartialEq)]
enum Name {
    One(String),
    ByLang(Vec<(String, String)>),
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

    /// Every provider's id, for suggestions.
    pub(crate) fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|p| p.id.as_str())
    }
}

/// Satisfaction scores (1–5) per provider and service, validated against a
/// catalogue.
#[derive(Debug, Clone, Default)]
pub struct Ratings {
    /// (provider index, service index) → (sum, votes).
    by: HashMap<(usize, usize), (Decimal, u64)>,
    /// The satisfaction survey, when ratings answer one: its assessment and,
    /// per (provider, service, question), the question's (sum, votes).
    survey: Option<usize>,
    by_question: HashMap<(usize, usize, usize), (Decimal, u64)>,
}

/// A survey question's rating of a provider.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuestionRating {
    pub question: String,
    pub label: String,
    pub rating: String,
    pub votes: u64,
    pub mean: String,
}

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
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Elsewhere {
    pub id: String,
    pub name: String,
    pub regions: Json,
}

/// One region and need of the territorial map.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapRow {
    pub region: String,
    pub need: String,
    /// People whose assessment established the need.
    pub people: u64,
    /// Places left with the providers serving the region that meet the need;
    /// `null` when one of them states no capacity.
    pub capacity: Option<u64>,
    /// `people - capacity` when positive: places missing.
    pub gap: Option<u64>,
    pub providers: usize,
    /// Providers counted here that also serve other regions (their places are
    /// counted in each).
    pub shared: usize,
}

/// `accord plan`: needs against capacity, per region.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NeedsMap {
    pub rows: Vec<MapRow>,
    /// Input lines that were not assessment results with a region.
    pub skipped: Vec<FactError>,
}

impl NeedsMap {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::from("region,need,people,capacity,gap,providers,shared\n");
        for r in &self.rows {
            let opt = |x: Option<u64>| x.map_or(String::new(), |v| v.to_string());
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                r.region,
                r.need,
                r.people,
                opt(r.capacity),
                opt(r.gap),
                r.providers,
                r.shared
            ));
        }
        out
    }

    /// A readable table, widest region first.
    pub fn render(&self) -> String {
        let w = self
            .rows
            .iter()
            .map(|r| r.region.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let n = self
            .rows
            .iter()
            .map(|r| r.need.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!(
            "{:<w$}  {:<n$}  {:>6}  {:>8}  {:>5}\n",
            "region", "need", "people", "capacity", "gap"
        );
        for r in &self.rows {
            out.push_str(&format!(
                "{:<w$}  {:<n$}  {:>6}  {:>8}  {:>5}\n",
                r.region,
                r.need,
                r.people,
                r.capacity.map_or("-".to_string(), |c| c.to_string()),
                r.gap.map_or("-".to_string(), |g| g.to_string()),
            ));
        }
        for s in &self.skipped {
            out.push_str(&format!("skipped {}: {}\n", s.path, s.message));
        }
        out
    }
}

impl ProvidersReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    pub fn render(&self) -> String {
        let mut out = format!(
            "{} ({}){}\n",
            self.need_label,
            self.need,
            self.region
                .as_ref()
                .map_or(String::new(), |r| format!(" in {r}"))
        );
        if self.providers.is_empty() {
            out.push_str("  no provider can meet this need here\n");
        }
        for (i, p) in self.providers.iter().enumerate() {
            let room = match (p.capacity_left, p.full) {
                (_, true) => "full".to_string(),
                (Some(left), false) => format!("{left} places left"),
                (None, false) => "capacity not stated".to_string(),
            };
            let rating = p.rating.as_ref().map_or("no ratings".to_string(), |r| {
                format!(
                    "rated {r} ({} vote{})",
                    p.votes,
                    if p.votes == 1 { "" } else { "s" }
                )
            });
            out.push_str(&format!(
                "  {}. {} [{}] {}: {}; {}\n",
                i + 1,
                p.name,
                p.kind,
                p.services.join(", "),
                room,
                rating
            ));
        }
        if !self.elsewhere.is_empty() {
            let ids: Vec<&str> = self.elsewhere.iter().map(|e| e.name.as_str()).collect();
            out.push_str(&format!("  elsewhere: {}\n", ids.join(", ")));
        }
        out
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
    fn region_names(&self) -> Vec<&str> {
        self.checked
            .ruleset
            .regions
            .and_then(|e| self.checked.enums.get(e.0))
            .map(|e| e.variants.iter().map(|v| v.name.as_str()).collect())
            .unwrap_or_default()
    }

    fn region_label(&self, i: usize, lang: &str) -> String {
        self.checked
            .ruleset
            .regions
            .and_then(|e| self.checked.enums.get(e.0))
            .and_then(|e| e.variants.get(i))
            .map(|v| localize(v.label.as_ref(), lang, &v.name))
            .unwrap_or_default()
    }

    fn region_index(&self, name: &str) -> Option<usize> {
        self.region_names().iter().position(|r| *r == name)
    }

    /// Reads and validates a provider catalogue (format in `docs/language.md`
    /// §13.1): every problem, each with the path of the value at fault.
    pub fn catalogue_from_json(&self, json: &str) -> Result<Catalogue, FactsError> {
        FactsError::check_size(
            "P0013",
            "the catalogue",
            json,
            crate::limits::MAX_DOCUMENT_BYTES,
        )?;
        let doc: Json = serde_json::from_str(json).map_err(|e| {
            FactsError::one(
                "P0001",
                "",
                format!(
                    "the catalogue is not valid JSON: {}",
                    crate::redact::serde_message(&e)
                ),
            )
        })?;
        let Some(list) = doc.get("providers").and_then(Json::as_array) else {
            return Err(FactsError::one(
                "P0001",
                "",
                "a catalogue is an object with a list `providers`".to_string(),
            ));
        };
        let regions = self.region_names();
        let services: Vec<&str> = self
            .checked
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let mut errors = Errors(Vec::new());
        let mut providers = Vec::with_capacity(list.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, p) in list.iter().enumerate() {
            let at = |field: &str| format!("providers[{i}].{field}");
            let Some(obj) = p.as_object() else {
                errors.push(
                    "P0002",
                    format!("providers[{i}]"),
                    "a provider is an object".into(),
                    None,
                );
                continue;
            };
            const FIELDS: [&str; 10] = [
                "id",
                "name",
                "kind",
                "services",
                "regions",
                "capacity",
                "load",
                "contact",
                "hours",
                "languages",
            ];
            for key in obj.keys() {
                if !FIELDS.contains(&key.as_str()) {
                    errors.push(
                        "P0003",
                        at(key),
                        format!("a provider has no field `{key}`"),
                        names_help(key, FIELDS.iter().copied()),
                    );
                }
            }
            let id = match obj.get("id").and_then(Json::as_str) {
                Some(s) if !s.trim().is_empty() => s.to_string(),
                _ => {
                    errors.push(
                        "P0004",
                        at("id"),
                        "a provider needs an `id` (a non-empty text)".into(),
                        None,
                    );
                    String::new()
                }
            };
            if !id.is_empty() {
                if let Some(first) = seen.insert(id.clone(), i) {
                    errors.push(
                        "P0005",
                        at("id"),
                        format!("the id `{id}` is also that of providers[{first}]"),
                        Some("give every provider its own id".into()),
                    );
                }
            }
            let name = match obj.get("name") {
                Some(Json::String(s)) if !s.trim().is_empty() => Name::One(s.clone()),
                Some(Json::Object(m)) if !m.is_empty() && m.values().all(Json::is_string) => {
                    Name::ByLang(
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect(),
                    )
                }
                _ => {
                    errors.push(
                        "P0004",
                        at("name"),
                        "a provider needs a `name`: a text, or texts by language".into(),
                        Some(r#"e.g. "name": {"et": "Elva vallavalitsus", "en": "Elva rural municipality"}"#.into()),
                    );
                    Name::One(String::new())
                }
            };
            let kind = match obj.get("kind").and_then(Json::as_str) {
                Some(k) => match KINDS.iter().find(|x| **x == k) {
                    Some(x) => x,
                    None => {
                        errors.push(
                            "P0006",
                            at("kind"),
                            format!("`{k}` is not a kind of provider"),
                            names_help(k, KINDS.iter().copied()),
                        );
                        "state"
                    }
                },
                None => {
                    errors.push(
                        "P0004",
                        at("kind"),
                        "a provider needs a `kind`".into(),
                        Some(format!("one of: {}", KINDS.join(", "))),
                    );
                    "state"
                }
            };
            let mut offered = Vec::new();
            match obj.get("services").and_then(Json::as_array) {
                Some(list) if !list.is_empty() => {
                    for (k, s) in list.iter().enumerate() {
                        match s
                            .as_str()
                            .and_then(|s| services.iter().position(|x| *x == s))
                        {
                            Some(si) => offered.push(si),
                            None => errors.push(
                                "P0007",
                                format!("providers[{i}].services[{k}]"),
                                match s.as_str() {
                                    Some(s) => format!("the ruleset declares no service `{s}`"),
                                    None => "a service is named by a text".into(),
                                },
                                s.as_str()
                                    .and_then(|s| names_help(s, services.iter().copied())),
                            ),
                        }
                    }
                }
                _ => errors.push(
                    "P0004",
                    at("services"),
                    "a provider needs `services`: a non-empty list of the ruleset's services"
                        .into(),
                    names_help("", services.iter().copied()),
                ),
            }
            let served = match obj.get("regions") {
                Some(Json::String(s)) if s == "all" => Regions::All,
                Some(Json::Array(list)) if !list.is_empty() => {
                    if regions.is_empty() {
                        errors.push(
                            "P0008",
                            at("regions"),
                            "the ruleset declares no regions".into(),
                            Some(
                                "add `regions ENUM` to the `ruleset` block, or serve `\"all\"`"
                                    .into(),
                            ),
                        );
                    }
                    let mut rs = Vec::new();
                    for (k, r) in list.iter().enumerate() {
                        match r
                            .as_str()
                            .and_then(|r| regions.iter().position(|x| *x == r))
                        {
                            Some(ri) => rs.push(ri),
                            None if regions.is_empty() => {}
                            None => errors.push(
                                "P0008",
                                format!("providers[{i}].regions[{k}]"),
                                match r.as_str() {
                                    Some(r) => format!("`{r}` is not one of the ruleset's regions"),
                                    None => "a region is named by a text".into(),
                                },
                                r.as_str()
                                    .and_then(|r| names_help(r, regions.iter().copied())),
                            ),
                        }
                    }
                    Regions::Some(rs)
                }
                _ => {
                    errors.push(
                        "P0004",
                        at("regions"),
                        "a provider needs `regions`: a non-empty list of regions, or \"all\""
                            .into(),
                        None,
                    );
                    Regions::All
                }
            };
            let count = |field: &str, errors: &mut Errors| -> Option<u64> {
                match obj.get(field) {
                    None | Some(Json::Null) => None,
                    Some(v) => match v.as_u64() {
                        Some(n) => Some(n),
                        None => {
                            errors.push(
                                "P0009",
                                at(field),
                                format!("`{field}` is a whole number of people, 0 or more"),
                                None,
                            );
                            None
                        }
                    },
                }
            };
            let capacity = count("capacity", &mut errors);
            let load = count("load", &mut errors).unwrap_or(0);
            let contact = match obj.get("contact") {
                None | Some(Json::Null) => None,
                Some(c @ Json::Object(m)) if m.values().all(Json::is_string) => Some(c.clone()),
                Some(_) => {
                    errors.push(
                        "P0010",
                        at("contact"),
                        "`contact` is an object of texts (phone, email, address, web …)".into(),
                        None,
                    );
                    None
                }
            };
            let hours = match obj.get("hours") {
                None | Some(Json::Null) => None,
                Some(Json::String(h)) => Some(h.clone()),
                Some(_) => {
                    errors.push("P0010", at("hours"), "`hours` is a text".into(), None);
                    None
                }
            };
            let languages = match obj.get("languages") {
                None | Some(Json::Null) => Vec::new(),
                Some(Json::Array(l)) if l.iter().all(Json::is_string) => l
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                Some(_) => {
                    errors.push(
                        "P0010",
                        at("languages"),
                        "`languages` is a list of language codes".into(),
                        None,
                    );
                    Vec::new()
                }
            };
            providers.push(Provider {
                id,
                name,
                kind,
                services: offered,
                regions: served,
                capacity,
                load,
                contact,
                hours,
                languages,
            });
        }
        if errors.0.is_empty() {
            Ok(Catalogue { providers })
        } else {
            Err(FactsError { errors: errors.0 })
        }
    }

    /// Reads satisfaction scores for a catalogue's providers:
    /// `{"ratings": [{"provider": ID, "service": NAME, "score": 1..5}]}`.
    pub fn ratings_from_json(
        &self,
        catalogue: &Catalogue,
        json: &str,
    ) -> Result<Ratings, FactsError> {
        FactsError::check_size(
            "R0008",
            "the ratings",
            json,
            crate::limits::MAX_DOCUMENT_BYTES,
        )?;
        let doc: Json = serde_json::from_str(json).map_err(|e| {
            FactsError::one(
                "R0001",
                "",
                format!(
                    "the ratings are not valid JSON: {}",
                    crate::redact::serde_message(&e)
                ),
            )
        })?;
        let Some(list) = doc.get("ratings").and_then(Json::as_array) else {
            return Err(FactsError::one(
                "R0001",
                "",
                "ratings are an object with a list `ratings`".to_string(),
            ));
        };
        let mut errors = Errors(Vec::new());
        let mut r = Ratings::default();
        let survey = match doc.get("survey") {
            None | Some(Json::Null) => None,
            Some(Json::String(name)) => match self.checked.assessment_by_name(name) {
                Some(a) => Some((a.0, name.clone())),
                None => {
                    errors.push(
                        "R0005",
                        "survey".into(),
                        format!("no assessment `{name}` to be the satisfaction survey"),
                        names_help(name, self.assessment_names().into_iter()),
                    );
                    None
                }
            },
            Some(_) => {
                errors.push(
                    "R0005",
                    "survey".into(),
                    "`survey` names the assessment the ratings answer".into(),
                    None,
                );
                None
            }
        };
        r.survey = survey.as_ref().map(|(a, _)| *a);
        for (i, x) in list.iter().enumerate() {
            let at = |f: &str| format!("ratings[{i}].{f}");
            let provider = x.get("provider").and_then(Json::as_str);
            let pi = provider.and_then(|p| catalogue.providers.iter().position(|q| q.id == p));
            let Some(pi) = pi else {
                errors.push(
                    "R0002",
                    at("provider"),
                    match provider {
                        Some(p) => format!("the catalogue has no provider `{p}`"),
                        None => "a rating names its `provider` by id".into(),
                    },
                    provider.and_then(|p| {
                        names_help(p, catalogue.providers.iter().map(|q| q.id.as_str()))
                    }),
                );
                continue;
            };
            let service = x.get("service").and_then(Json::as_str);
            let si = service.and_then(|s| self.checked.services.iter().position(|d| d.name == s));
            let offered = catalogue
                .providers
                .get(pi)
                .is_some_and(|p| si.is_some_and(|s| p.services.contains(&s)));
            let Some(si) = si.filter(|_| offered) else {
                errors.push(
                    "R0003",
                    at("service"),
                    match service {
                        Some(s) => {
                            format!("`{}` does not offer `{s}`", provider.unwrap_or_default())
                        }
                        None => "a rating names the `service` rated".into(),
                    },
                    None,
                );
                continue;
            };
            if let Some(answers) = x.get("answers") {
                let Some((a, name)) = &survey else {
                    errors.push(
                        "R0006",
                        at("answers"),
                        "answers need the ratings' `survey` (the assessment they answer)".into(),
                        None,
                    );
                    continue;
                };
                match self.survey_score(*a, name, answers) {
                    Ok((overall, questions)) => {
                        let e = r.by.entry((pi, si)).or_insert((Decimal::ZERO, 0));
                        e.0 += overall;
                        e.1 += 1;
                        for (q, v) in questions {
                            let e = r
                                .by_question
                                .entry((pi, si, q))
                                .or_insert((Decimal::ZERO, 0));
                            e.0 += v;
                            e.1 += 1;
                        }
                    }
                    Err(mut problems) => {
                        for p in &mut problems.errors {
                            p.path = if p.path.is_empty() {
                                at("answers")
                            } else {
                                format!("ratings[{i}].answers.{}", p.path)
                            };
                        }
                        for p in problems.errors {
                            errors.push(p.code, p.path, p.message, p.help);
                        }
                    }
                }
                continue;
            }
            match x
                .get("score")
                .and_then(Json::as_u64)
                .filter(|s| (1..=5).contains(s))
            {
                Some(score) => {
                    let e = r.by.entry((pi, si)).or_insert((Decimal::ZERO, 0));
                    e.0 += Decimal::from(score);
                    e.1 += 1;
                }
                None => errors.push(
                    "R0004",
                    at("score"),
                    "a score is a whole number from 1 to 5".into(),
                    None,
                ),
            }
        }
        if errors.0.is_empty() {
            Ok(r)
        } else {
            Err(FactsError { errors: errors.0 })
        }
    }

    /// One survey's answers: its overall score (the survey's `satisfaction`
    /// score when it declares one, otherwise the mean of its answered 1–5
    /// scales) and each answered 1–5 scale question's answer.
    fn survey_score(
        &self,
        assessment: usize,
        name: &str,
        answers: &Json,
    ) -> Result<(Decimal, Vec<(usize, Decimal)>), FactsError> {
        let parsed = self.answers_from_json(name, &answers.to_string())?;
        let report = self.assess(&parsed, None);
        let def = self.checked.assessments.get(assessment);
        let mut questions = Vec::new();
        if let (Some(def), Some(Json::Object(given))) = (def, Some(answers)) {
            for (qi, q) in def.questions.iter().enumerate() {
                let is_rating = matches!(
                    q.kind,
                    crate::check::QuestionSpec::Scale {
                        low: 1,
                        high: 5,
                        ..
                    }
                );
                if let (true, Some(v)) = (is_rating, given.get(&q.name).and_then(Json::as_i64)) {
                    questions.push((qi, Decimal::from(v)));
                }
            }
        }
        let declared = report
            .scores
            .get("satisfaction")
            .and_then(Json::as_str)
            .and_then(|v| v.parse::<Decimal>().ok());
        let overall = match declared {
            Some(v) => Some(v),
            None if report.scores.contains_key("satisfaction") => None,
            None if questions.is_empty() => None,
            None => {
                let sum: Decimal = questions.iter().map(|(_, v)| *v).sum();
                sum.checked_div(Decimal::from(questions.len()))
            }
        };
        match overall.filter(|v| *v >= Decimal::ONE && *v <= Decimal::from(5)) {
            Some(v) => Ok((v, questions)),
            None => Err(FactsError::one(
                "R0007",
                "",
                "the survey's answers give no overall score from 1 to 5 (answer its 1–5 questions, or its `satisfaction` score's)".to_string(),
            )),
        }
    }

    /// The services of the ruleset that meet `need` (an error when no
    /// assessment declares the need).
    fn services_for(&self, need: &str) -> Result<Vec<usize>, FactsError> {
        if !self.checked.index.needs.contains(need) {
            let mut e = FactsError::one(
                "P0011",
                "",
                format!("no assessment declares a need `{need}`"),
            );
            if let Some(first) = e.errors.first_mut() {
                first.help = names_help(need, self.checked.index.needs.iter().map(String::as_str));
            }
            return Err(e);
        }
        Ok(self
            .checked
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.meets.iter().any(|m| m == need))
            .map(|(i, _)| i)
            .collect())
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

    /// A provider's ratings per survey question, for the services meeting a need.
    fn question_ratings(
        &self,
        r: &Ratings,
        pi: usize,
        services: &[usize],
        lang: &str,
    ) -> Vec<QuestionRating> {
        let Some(def) = r.survey.and_then(|a| self.checked.assessments.get(a)) else {
            return Vec::new();
        };
        def.questions
            .iter()
            .enumerate()
            .filter_map(|(qi, q)| {
                let (sum, votes) = services.iter().fold((Decimal::ZERO, 0u64), |(s, v), si| {
                    let (a, b) = r
                        .by_question
                        .get(&(pi, *si, qi))
                        .copied()
                        .unwrap_or((Decimal::ZERO, 0));
                    (s + a, v + b)
                });
                (votes > 0).then(|| QuestionRating {
                    question: q.name.clone(),
                    label: localize(q.label.as_ref(), lang, &q.name),
                    rating: bayesian(Decimal::from(PRIOR_SCORE), sum, votes)
                        .round_dp(2)
                        .normalize()
                        .to_string(),
                    votes,
                    mean: ratio(sum, Decimal::from(votes)).unwrap_or_default(),
                })
            })
            .collect()
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
        let lang = lang.unwrap_or("");
        let services = self.services_for(need)?;
        let region_index = match region {
            None => None,
            Some(r) => Some(self.region_index(r).ok_or_else(|| {
                let mut e = FactsError::one(
                    "P0008",
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
            let name = match &p.name {
                Name::One(s) => s.clone(),
                Name::ByLang(list) => list
                    .iter()
                    .find(|(l, _)| l == lang)
                    .or_else(|| {
                        self.languages()
                            .first()
                            .and_then(|first| list.iter().find(|(l, _)| l == first))
                    })
                    .or(list.first())
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            };
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
            region: region.map(|r| {
                let label = region_index
                    .map(|i| self.region_label(i, lang))
                    .unwrap_or_default();
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
        let doc: Json = serde_json::from_str(result).map_err(|e| {
            FactsError::one(
                "P0012",
                "",
                format!(
                    "the assessment result is not valid JSON: {}",
                    crate::redact::serde_message(&e)
                ),
            )
        })?;
        let Some(needs) = doc.get("needs").and_then(Json::as_array) else {
            return Err(FactsError::one(
                "P0012",
                "needs",
                "an assessment result has a list `needs` (the output of `accord assess --format json`)"
                    .to_string(),
            ));
        };
        let mut out = Vec::with_capacity(needs.len());
        for (i, n) in needs.iter().enumerate() {
            let Some(need) = n.as_str() else {
                return Err(FactsError::one(
                    "P0012",
                    &format!("needs[{i}]"),
                    "a need is named by a text".to_string(),
                ));
            };
            out.push(self.providers_for(catalogue, need, region, ratings, lang)?);
        }
        Ok(out)
    }

    /// The territorial map: `results` are JSON lines of assessment results with
    /// a region (`{"region": "elva", "needs": ["…"], …}` — `accord assess
    /// --format json` output with a `region` added), counted per region and
    /// established need against the places left with the providers serving the
    /// region. Lines that are not such results are reported and skipped.
    pub fn needs_map(&self, catalogue: &Catalogue, results: &str) -> NeedsMap {
        let regions = self.region_names();
        let mut people: BTreeMap<(usize, String), u64> = BTreeMap::new();
        let mut skipped = Errors(Vec::new());
        for (n, line) in results.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at = format!("line {}", n + 1);
            let doc: Json = match serde_json::from_str(line) {
                Ok(d) => d,
                Err(_) => {
                    skipped.push("M0001", at, "not a JSON object".into(), None);
                    continue;
                }
            };
            let region = doc.get("region").and_then(Json::as_str);
            let Some(ri) = region.and_then(|r| regions.iter().position(|x| *x == r)) else {
                skipped.push(
                    "M0002",
                    at,
                    // The region of a person's result is personal data:
                    // listed from the ruleset, never echoed nor suggested from.
                    match region {
                        Some(_) => "the region is not one of the ruleset's regions".into(),
                        None => "a result needs a `region`".into(),
                    },
                    region.map(|_| format!("one of: {}", regions.join(", "))),
                );
                continue;
            };
            let Some(needs) = doc.get("needs").and_then(Json::as_array) else {
                skipped.push(
                    "M0003",
                    at,
                    "a result needs its list of `needs`".into(),
                    None,
                );
                continue;
            };
            for need in needs.iter().filter_map(Json::as_str) {
                if self.checked.index.needs.contains(need) {
                    *people.entry((ri, need.to_string())).or_insert(0) += 1;
                }
            }
        }
        let rows = people
            .into_iter()
            .map(|((ri, need), count)| {
                let services = self.services_for(&need).unwrap_or_default();
                let serving: Vec<&Provider> = catalogue
                    .providers
                    .iter()
                    .filter(|p| p.services.iter().any(|s| services.contains(s)))
                    .filter(|p| match &p.regions {
                        Regions::All => true,
                        Regions::Some(rs) => rs.contains(&ri),
                    })
                    .collect();
                let capacity = serving.iter().try_fold(0u64, |acc, p| {
                    p.capacity
                        .map(|c| acc.saturating_add(c.saturating_sub(p.load)))
                });
                let shared = serving
                    .iter()
                    .filter(|p| !matches!(&p.regions, Regions::Some(rs) if rs.len() == 1))
                    .count();
                MapRow {
                    region: regions.get(ri).map_or(String::new(), |r| (*r).to_string()),
                    need,
                    people: count,
                    capacity,
                    gap: capacity.map(|c| count.saturating_sub(c)),
                    providers: serving.len(),
                    shared,
                }
            })
            .collect();
        NeedsMap {
            rows,
            skipped: skipped.0,
        }
    }
}
