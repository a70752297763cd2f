//! Reading a provider catalogue: every problem, each with the path of the value
//! at fault.
//!
//! In two phases: the document's shape (serde: a provider is an object of the
//! [`FIELDS`], each read as raw JSON so that a wrong value is reported with its
//! own code rather than serde's words), then each field checked against the
//! ruleset's services and regions.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::{names_help, Catalogue, Name, Provider, Regions, KINDS};
use crate::codes::Code;
use crate::screen::document::JsonDocument;
use crate::screen::facts::{Errors, FactError, FactsError};
use crate::screen::Engine;

/// Everything wrong with a provider catalogue (at most
/// [`MAX_FACT_ERRORS`](crate::screen::MAX_FACT_ERRORS)), each problem with its
/// `P0001`–`P0013` code and the path of the value at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueError {
    pub errors: Vec<FactError>,
}

impl fmt::Display for CatalogueError {
    /// Read like a facts document's problems: `CODE at `path`: message (help)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problems = FactsError {
            errors: self.errors.clone(),
        };
        problems.fmt(f)
    }
}

impl std::error::Error for CatalogueError {}

impl From<FactError> for CatalogueError {
    fn from(e: FactError) -> CatalogueError {
        CatalogueError { errors: vec![e] }
    }
}

const CATALOGUE: JsonDocument = JsonDocument {
    name: "the catalogue",
    verb: "is",
    too_large: Some(Code::P0013),
    malformed: Code::P0001,
};

/// The fields of a provider, in the order of [`RawProvider`].
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

/// A provider's shape: an object whose fields are read as raw JSON (a missing
/// field and `null` alike are `None`) and checked afterwards. Any other field
/// is kept in `unknown`, so that each is reported (P0003), not only the first
/// as `deny_unknown_fields` would.
#[derive(Deserialize)]
struct RawProvider {
    id: Option<Json>,
    name: Option<Json>,
    kind: Option<Json>,
    services: Option<Json>,
    regions: Option<Json>,
    capacity: Option<Json>,
    load: Option<Json>,
    contact: Option<Json>,
    hours: Option<Json>,
    languages: Option<Json>,
    #[serde(flatten)]
    unknown: Map<String, Json>,
}

impl Engine {
    /// Reads and validates a provider catalogue (format in `docs/language.md`
    /// §13.1): every problem, each with the path of the value at fault.
    pub fn catalogue_from_json(&self, json: &str) -> Result<Catalogue, CatalogueError> {
        let doc = CATALOGUE.parse(json)?;
        let list = CATALOGUE.list(
            &doc,
            "providers",
            "",
            "a catalogue is an object with a list `providers`",
        )?;
        let mut check = Check {
            regions: self.region_names(),
            services: self
                .checked
                .services
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
            errors: Errors(Vec::new()),
            seen: HashMap::new(),
        };
        let mut providers = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            // Deserialising a `RawProvider` from a JSON value fails only when
            // the value is not an object: every field is optional and any
            // other is kept.
            match RawProvider::deserialize(p) {
                Ok(raw) => providers.push(check.provider(i, raw)),
                Err(_) => check.errors.push(
                    Code::P0002,
                    format!("providers[{i}]"),
                    "a provider is an object".into(),
                    None,
                ),
            }
        }
        if check.errors.0.is_empty() {
            Ok(Catalogue { providers })
        } else {
            Err(CatalogueError {
                errors: check.errors.0,
            })
        }
    }
}

/// The checks of a catalogue's providers against the ruleset, and the problems
/// found so far.
struct Check<'r> {
    regions: Vec<&'r str>,
    services: Vec<&'r str>,
    errors: Errors,
    /// Each id seen, with the provider that had it first.
    seen: HashMap<String, usize>,
}

impl Check<'_> {
    /// Provider `i` checked field by field; a field in error is replaced by a
    /// stand-in, so that the others are checked too (the catalogue is refused).
    fn provider(&mut self, i: usize, raw: RawProvider) -> Provider {
        for key in raw.unknown.keys() {
            self.errors.push(
                Code::P0003,
                at(i, key),
                format!("a provider has no field `{key}`"),
                names_help(key, FIELDS.iter().copied()),
            );
        }
        let id = self.id(i, raw.id.as_ref());
        let name = self.name(i, raw.name);
        let kind = self.kind(i, raw.kind.as_ref());
        let services = self.services(i, raw.services.as_ref());
        let regions = self.regions(i, raw.regions.as_ref());
        let capacity = self.count(i, "capacity", raw.capacity.as_ref());
        // No load stated: nobody placed yet.
        let load = self.count(i, "load", raw.load.as_ref()).unwrap_or(0);
        let contact = self.contact(i, raw.contact);
        let hours = self.hours(i, raw.hours);
        let languages = self.languages(i, raw.languages);
        Provider {
            id,
            name,
            kind,
            services,
            regions,
            capacity,
            load,
            contact,
            hours,
            languages,
        }
    }

    /// A non-empty text, the first provider to have it.
    fn id(&mut self, i: usize, v: Option<&Json>) -> String {
        let Some(id) = v.and_then(Json::as_str).filter(|s| !s.trim().is_empty()) else {
            self.errors.push(
                Code::P0004,
                at(i, "id"),
                "a provider needs an `id` (a non-empty text)".into(),
                None,
            );
            return String::new();
        };
        if let Some(first) = self.seen.insert(id.to_string(), i) {
            self.errors.push(
                Code::P0005,
                at(i, "id"),
                format!("the id `{id}` is also that of providers[{first}]"),
                Some("give every provider its own id".into()),
            );
        }
        id.to_string()
    }

    /// A non-empty text, or a non-empty object of texts by language.
    fn name(&mut self, i: usize, v: Option<Json>) -> Name {
        match v {
            Some(Json::String(s)) if !s.trim().is_empty() => Name::One(s),
            Some(Json::Object(m)) if !m.is_empty() && m.values().all(Json::is_string) => {
                // Every value is a text (the guard): none is dropped.
                Name::ByLang(
                    m.into_iter()
                        .filter_map(|(lang, text)| match text {
                            Json::String(text) => Some((lang, text)),
                            _ => None,
                        })
                        .collect(),
                )
            }
            _ => {
                self.errors.push(
                    Code::P0004,
                    at(i, "name"),
                    "a provider needs a `name`: a text, or texts by language".into(),
                    Some(r#"e.g. "name": {"et": "Elva vallavalitsus", "en": "Elva rural municipality"}"#.into()),
                );
                Name::One(String::new())
            }
        }
    }

    /// One of [`KINDS`]; `"state"` stands in for a wrong one.
    fn kind(&mut self, i: usize, v: Option<&Json>) -> &'static str {
        let Some(k) = v.and_then(Json::as_str) else {
            self.errors.push(
                Code::P0004,
                at(i, "kind"),
                "a provider needs a `kind`".into(),
                Some(format!("one of: {}", KINDS.join(", "))),
            );
            return "state";
        };
        match KINDS.iter().find(|x| **x == k) {
            Some(x) => x,
            None => {
                self.errors.push(
                    Code::P0006,
                    at(i, "kind"),
                    format!("`{k}` is not a kind of provider"),
                    names_help(k, KINDS.iter().copied()),
                );
                "state"
            }
        }
    }

    /// A non-empty list of the ruleset's services, as their indexes.
    fn services(&mut self, i: usize, v: Option<&Json>) -> Vec<usize> {
        let mut offered = Vec::new();
        match v.and_then(Json::as_array) {
            Some(list) if !list.is_empty() => {
                for (k, s) in list.iter().enumerate() {
                    let name = s.as_str();
                    match name.and_then(|s| self.services.iter().position(|x| *x == s)) {
                        Some(si) => offered.push(si),
                        None => self.errors.push(
                            Code::P0007,
                            format!("providers[{i}].services[{k}]"),
                            match name {
                                Some(s) => format!("the ruleset declares no service `{s}`"),
                                None => "a service is named by a text".into(),
                            },
                            name.and_then(|s| names_help(s, self.services.iter().copied())),
                        ),
                    }
                }
            }
            _ => self.errors.push(
                Code::P0004,
                at(i, "services"),
                "a provider needs `services`: a non-empty list of the ruleset's services".into(),
                names_help("", self.services.iter().copied()),
            ),
        }
        offered
    }

    /// `"all"`, or a non-empty list of the ruleset's regions (as indexes of
    /// the regions enum); everywhere stands in for a wrong value.
    fn regions(&mut self, i: usize, v: Option<&Json>) -> Regions {
        let list = match v {
            Some(Json::String(s)) if s == "all" => return Regions::All,
            Some(Json::Array(list)) if !list.is_empty() => list,
            _ => {
                self.errors.push(
                    Code::P0004,
                    at(i, "regions"),
                    "a provider needs `regions`: a non-empty list of regions, or \"all\"".into(),
                    None,
                );
                return Regions::All;
            }
        };
        if self.regions.is_empty() {
            // One problem for the list, not one per region.
            self.errors.push(
                Code::P0008,
                at(i, "regions"),
                "the ruleset declares no regions".into(),
                Some("add `regions ENUM` to the `ruleset` block, or serve `\"all\"`".into()),
            );
        }
        let mut served = Vec::new();
        for (k, r) in list.iter().enumerate() {
            let name = r.as_str();
            match name.and_then(|r| self.regions.iter().position(|x| *x == r)) {
                Some(ri) => served.push(ri),
                None if self.regions.is_empty() => {}
                None => self.errors.push(
                    Code::P0008,
                    format!("providers[{i}].regions[{k}]"),
                    match name {
                        Some(r) => format!("`{r}` is not one of the ruleset's regions"),
                        None => "a region is named by a text".into(),
                    },
                    name.and_then(|r| names_help(r, self.regions.iter().copied())),
                ),
            }
        }
        Regions::Some(served)
    }

    /// A whole number of people, when stated.
    fn count(&mut self, i: usize, field: &str, v: Option<&Json>) -> Option<u64> {
        let v = v?;
        let n = v.as_u64();
        if n.is_none() {
            self.errors.push(
                Code::P0009,
                at(i, field),
                format!("`{field}` is a whole number of people, 0 or more"),
                None,
            );
        }
        n
    }

    /// An object of texts, when stated.
    fn contact(&mut self, i: usize, v: Option<Json>) -> Option<Json> {
        match v? {
            Json::Object(m) if m.values().all(Json::is_string) => Some(Json::Object(m)),
            _ => {
                self.errors.push(
                    Code::P0010,
                    at(i, "contact"),
                    "`contact` is an object of texts (phone, email, address, web …)".into(),
                    None,
                );
                None
            }
        }
    }

    /// A text, when stated.
    fn hours(&mut self, i: usize, v: Option<Json>) -> Option<String> {
        match v? {
            Json::String(h) => Some(h),
            _ => {
                self.errors.push(
                    Code::P0010,
                    at(i, "hours"),
                    "`hours` is a text".into(),
                    None,
                );
                None
            }
        }
    }

    /// A list of language codes; none stated, none listed.
    fn languages(&mut self, i: usize, v: Option<Json>) -> Vec<String> {
        match v {
            None => Vec::new(),
            Some(Json::Array(l)) if l.iter().all(Json::is_string) => l
                .into_iter()
                .filter_map(|x| match x {
                    Json::String(x) => Some(x),
                    _ => None,
                })
                .collect(),
            Some(_) => {
                self.errors.push(
                    Code::P0010,
                    at(i, "languages"),
                    "`languages` is a list of language codes".into(),
                    None,
                );
                Vec::new()
            }
        }
    }
}

/// The path of provider `i`'s `field`.
fn at(i: usize, field: &str) -> String {
    format!("providers[{i}].{field}")
}
