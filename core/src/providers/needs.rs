//! The territorial map: needs established by assessments against the places
//! left with the providers serving each region.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use super::{Catalogue, Provider, Regions};
use crate::codes::Code;
use crate::screen::facts::{Errors, FactError};
use crate::screen::Engine;

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

impl Engine {
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
                    skipped.push(Code::M0001, at, "not a JSON object".into(), None);
                    continue;
                }
            };
            let region = doc.get("region").and_then(Json::as_str);
            let Some(ri) = region.and_then(|r| regions.iter().position(|x| *x == r)) else {
                skipped.push(
                    Code::M0002,
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
                    Code::M0003,
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
                // Only declared needs are counted (above).
                let services = self.services_meeting(&need);
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
                let region = regions.get(ri);
                debug_assert!(region.is_some(), "`ri` is a position in `regions`");
                MapRow {
                    region: region.map_or(String::new(), |r| (*r).to_string()),
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
