//! Reading a provider catalogue: every problem, each with the path of the value
//! at fault.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{names_help, Catalogue, Name, Provider, Regions, KINDS};
use crate::codes::Code;
use crate::screen::facts::{Errors, FactsError};
use crate::screen::Engine;

impl Engine {
    /// Reads and validates a provider catalogue (format in `docs/language.md`
    /// §13.1): every problem, each with the path of the value at fault.
    pub fn catalogue_from_json(&self, json: &str) -> Result<Catalogue, FactsError> {
        FactsError::check_size(
            Code::P0013,
            "the catalogue",
            json,
            crate::limits::MAX_DOCUMENT_BYTES,
        )?;
        let doc: Json = serde_json::from_str(json).map_err(|e| {
            FactsError::one(
                Code::P0001,
                "",
                format!(
                    "the catalogue is not valid JSON: {}",
                    crate::redact::serde_message(&e)
                ),
            )
        })?;
        let Some(list) = doc.get("providers").and_then(Json::as_array) else {
            return Err(FactsError::one(
                Code::P0001,
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
                    Code::P0002,
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
                        Code::P0003,
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
                        Code::P0004,
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
                        Code::P0005,
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
                        Code::P0004,
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
                            Code::P0006,
                            at("kind"),
                            format!("`{k}` is not a kind of provider"),
                            names_help(k, KINDS.iter().copied()),
                        );
                        "state"
                    }
                },
                None => {
                    errors.push(
                        Code::P0004,
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
                                Code::P0007,
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
                    Code::P0004,
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
                            Code::P0008,
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
                                Code::P0008,
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
                        Code::P0004,
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
                                Code::P0009,
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
                        Code::P0010,
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
                    errors.push(Code::P0010, at("hours"), "`hours` is a text".into(), None);
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
                        Code::P0010,
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
}
