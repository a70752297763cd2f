//! Reforms and what-if: a registry screened under a base ruleset and a
//! reform, tallied per programme (households and people eligible, cost,
//! gainers and losers), in total, by region and by income decile.
//!
//! ```text
//! reform::reformed(base, reform, settings)  the reform's sources, checked as one ruleset
//! Comparison::new(base, reform, options)    what to tally (region, income, people)
//! comparison.incomes(lines, ..)             pass 1, only with deciles: income counts
//! comparison.tally(lines, ..)               pass 2: both rulesets, every line
//! comparison.report(tally, lang)            the owned report: JSON, CSV, a table
//! ```
//!
//! State is bounded whatever the registry's length: per programme, one set of
//! figures in total, per region (an enum's variants) and per decile; the
//! decile cut-offs need the count of each distinct income (pass 1).

pub mod reform;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::codes::Code;
use crate::labels::localize;
use crate::pipeline::CheckReport;
use crate::screen::lower::FieldKind;
use crate::screen::report::resolve_lang;
use crate::screen::value::V;
use crate::screen::{Engine, Facts, Session};

pub use reform::{parse_setting, Setting};

/// Why a comparison cannot be made: a request's problem (`U…`) or the reform's
/// diagnostics. The facade turns it into its one `Error`.
#[derive(Debug, Clone)]
pub enum Refused {
    Request {
        code: Code,
        message: String,
        help: Option<String>,
    },
    Ruleset(CheckReport),
}

impl Refused {
    pub(crate) fn request(
        code: Code,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) -> Refused {
        Refused::Request {
            code,
            message: message.into(),
            help: help.into(),
        }
    }

    pub(crate) fn ruleset(report: &CheckReport) -> Refused {
        Refused::Ruleset(report.clone())
    }
}

type Error = Refused;

/// At most this many bad lines are listed in a report (all are counted).
pub const MAX_LISTED_ERRORS: usize = 100;

/// What to tally besides the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompareOptions {
    /// A root fact of enum type: figures per variant.
    pub by: Option<String>,
    /// A root fact of number type (Money, Integer, Decimal): figures per decile.
    pub decile_by: Option<String>,
    /// The root's list of people; its first `list of` entity field by default.
    pub people: Option<String>,
}

/// A registry's comparison, set up for two engines with the same facts.
pub struct Comparison<'e> {
    base: &'e Engine,
    reform: &'e Engine,
    /// Every programme of either ruleset, the base's first.
    names: Vec<String>,
    base_map: Vec<usize>,
    reform_map: Vec<usize>,
    /// Whether each (union) programme is about the root entity.
    about_root: Vec<bool>,
    has_amount: Vec<bool>,
    by: Option<(String, u32, u32)>,
    /// The income: a root fact (`Ok(field)`) or a root `let` (`Err(index)`).
    decile_by: Option<(String, Result<u32, u32>)>,
    people: Option<u32>,
    /// Facts read by the base engine can be evaluated by the reform's.
    same_layout: bool,
}

/// Figures while tallying.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Acc {
    households: [u64; 2],
    people: [u64; 2],
    cost: [Decimal; 2],
    gainers: u64,
    gain: Decimal,
    losers: u64,
    loss: Decimal,
    undetermined: u64,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        for (a, b) in self.households.iter_mut().zip(o.households) {
            *a += b;
        }
        for (a, b) in self.people.iter_mut().zip(o.people) {
            *a += b;
        }
        // Decimal sums cost more than the rest together: zeros are skipped.
        let add = |a: &mut Decimal, b: Decimal| {
            if !b.is_zero() {
                *a = a.saturating_add(b);
            }
        };
        for (a, b) in self.cost.iter_mut().zip(o.cost) {
            add(a, b);
        }
        self.gainers += o.gainers;
        add(&mut self.gain, o.gain);
        self.losers += o.losers;
        add(&mut self.loss, o.loss);
        self.undetermined += o.undetermined;
    }
}

/// A household's outcome for one programme under one ruleset.
#[derive(Debug, Clone, Copy, Default)]
struct Outcome {
    eligible: u64,
    amount: Decimal,
    undetermined: bool,
}

/// The running figures of a comparison; tallies of parts of a registry add
/// up ([`Tally::merge`]), so workers keep one each.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    households: u64,
    bad_lines: u64,
    errors: Vec<(usize, String)>,
    total: Vec<Acc>,
    /// Per region variant (`None`: unknown region).
    regions: BTreeMap<Option<u32>, Vec<Acc>>,
    /// Per decile 1–10 (`None`: unknown income).
    deciles: BTreeMap<Option<u8>, Vec<Acc>>,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        self.households += other.households;
        self.bad_lines += other.bad_lines;
        self.errors.extend(other.errors);
        self.errors.sort_by_key(|e| e.0);
        self.errors.truncate(MAX_LISTED_ERRORS);
        add_all(&mut self.total, &other.total);
        for (k, v) in other.regions {
            add_all(self.regions.entry(k).or_default(), &v);
        }
        for (k, v) in other.deciles {
            add_all(self.deciles.entry(k).or_default(), &v);
        }
    }

    /// Lines that could not be screened.
    pub fn bad_lines(&self) -> u64 {
        self.bad_lines
    }

    /// Lines screened.
    pub fn households(&self) -> u64 {
        self.households
    }
}

/// A map's entries with the unknown key (`None`) last.
fn known_first<K: Copy + Ord, V>(
    map: &BTreeMap<Option<K>, V>,
) -> impl Iterator<Item = (&Option<K>, &V)> {
    map.iter()
        .filter(|(k, _)| k.is_some())
        .chain(map.iter().filter(|(k, _)| k.is_none()))
}

fn add_all(into: &mut Vec<Acc>, from: &[Acc]) {
    if into.len() < from.len() {
        into.resize(from.len(), Acc::default());
    }
    for (a, b) in into.iter_mut().zip(from) {
        a.add(b);
    }
}

/// How many households have each income (pass 1); adds up like a tally.
#[derive(Debug, Clone, Default)]
pub struct Incomes(BTreeMap<Decimal, u64>);

impl Incomes {
    pub fn merge(&mut self, other: Incomes) {
        for (k, n) in other.0 {
            *self.0.entry(k).or_default() += n;
        }
    }

    /// Each distinct income's decile: the decile of a household whose income
    /// is `x` is `min(10, floor(10 * below / n) + 1)` with `below` the
    /// households with a smaller income and `n` those with a known income, so
    /// equal incomes share a decile.
    pub fn cutoffs(&self) -> Deciles {
        let n: u64 = self.0.values().sum();
        let mut below = 0u64;
        let mut out = BTreeMap::new();
        for (k, count) in &self.0 {
            let d = (below * 10).checked_div(n).unwrap_or(0) + 1;
            out.insert(*k, d.min(10) as u8);
            below += count;
        }
        Deciles(out)
    }
}

/// Each distinct income's decile (from [`Incomes::cutoffs`]).
#[derive(Debug, Clone, Default)]
pub struct Deciles(BTreeMap<Decimal, u8>);

impl Deciles {
    fn of(&self, x: Decimal) -> Option<u8> {
        self.0.range(..=x).next_back().map(|(_, d)| *d).or(Some(1))
    }
}

/// Evaluation state of one worker: a session per ruleset and reusable buffers.
pub struct Workspace<'e> {
    base: Session<'e>,
    reform: Session<'e>,
    docs: Vec<Facts>,
    reform_docs: Vec<Facts>,
    spare: Vec<Facts>,
    outs: Vec<[Outcome; 2]>,
}

fn request(code: Code, message: String, help: &str) -> Error {
    Error::request(code, message, Some(help.to_string()))
}

impl<'e> Comparison<'e> {
    /// Set up for `base` and `reform` (the reform's sources laid over the
    /// base's). `U0034`–`U0036` when an option names no fit fact.
    pub fn new(
        base: &'e Engine,
        reform: &'e Engine,
        options: &CompareOptions,
    ) -> Result<Comparison<'e>, Error> {
        let mut names: Vec<String> = base.program_names().map(str::to_string).collect();
        let base_map: Vec<usize> = (0..names.len()).collect();
        let mut reform_map = Vec::new();
        for n in reform.program_names() {
            match names.iter().position(|x| x == n) {
                Some(i) => reform_map.push(i),
                None => {
                    reform_map.push(names.len());
                    names.push(n.to_string());
                }
            }
        }
        let root = base.root;
        let mut about_root = vec![false; names.len()];
        let mut has_amount = vec![false; names.len()];
        for (engine, map) in [(reform, &reform_map), (base, &base_map)] {
            for (pi, p) in engine.checked.programs.iter().enumerate() {
                if let Some(&u) = map.get(pi) {
                    if let Some(a) = about_root.get_mut(u) {
                        *a = p.subject.map(|e| e.0 as u32) == root;
                    }
                    if let Some(h) = has_amount.get_mut(u) {
                        *h = p.amount.is_some();
                    }
                }
            }
        }
        let root_fields = root
            .and_then(|r| base.lowered.entities.get(r as usize))
            .map(|e| e.fields.as_slice())
            .unwrap_or_default();
        let field = |name: &str| root_fields.iter().enumerate().find(|(_, f)| f.name == name);
        let field_names = || {
            root_fields
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let by = match &options.by {
            None => None,
            Some(name) => match field(name) {
                Some((i, f)) => match f.kind {
                    FieldKind::Enum(e) => Some((name.clone(), i as u32, e)),
                    _ => {
                        return Err(request(
                            Code::U0034,
                            format!("`{name}` is not a fact of an enum type"),
                            "`by` names a fact of the root of enum type (a region)",
                        ))
                    }
                },
                None => {
                    return Err(request(
                        Code::U0034,
                        format!("the root has no fact `{name}`"),
                        &format!("`by` names a fact of the root: {}", field_names()),
                    ))
                }
            },
        };
        let number = |t: &crate::check::Type| {
            matches!(
                t,
                crate::check::Type::Integer
                    | crate::check::Type::Decimal
                    | crate::check::Type::Money
            )
        };
        let root_let = |name: &str| {
            root.and_then(|r| base.checked.entities.get(r as usize))
                .and_then(|e| e.lets.iter().enumerate().find(|(_, l)| l.name == name))
                .map(|(i, l)| (i as u32, number(&l.ty)))
        };
        let not_number = |name: &str| {
            request(
                Code::U0035,
                format!("`{name}` is not a number"),
                "`decile_by` names a fact or `let` of the root of type Money, Integer or Decimal",
            )
        };
        let decile_by = match &options.decile_by {
            None => None,
            Some(name) => match (field(name), root_let(name)) {
                (Some((i, f)), _) => match f.kind {
                    FieldKind::Int | FieldKind::Dec | FieldKind::Money => {
                        Some((name.clone(), Ok(i as u32)))
                    }
                    _ => return Err(not_number(name)),
                },
                (None, Some((i, true))) => Some((name.clone(), Err(i))),
                (None, Some(_)) => return Err(not_number(name)),
                (None, None) => {
                    return Err(request(
                        Code::U0035,
                        format!("the root has no fact or `let` `{name}`"),
                        &format!("`decile_by` names a fact of the root: {}", field_names()),
                    ))
                }
            },
        };
        let is_list = |f: &crate::screen::lower::LField| matches!(&f.kind, FieldKind::List(k) if matches!(**k, FieldKind::Entity(_)));
        let people = match &options.people {
            None => root_fields.iter().position(is_list).map(|i| i as u32),
            Some(name) => match field(name) {
                Some((i, f)) if is_list(f) => Some(i as u32),
                _ => {
                    return Err(request(
                        Code::U0036,
                        format!("the root has no list of people `{name}`"),
                        "`people` names a `list of` entity field of the root",
                    ))
                }
            },
        };
        let same_layout = base.lowered.entities.len() == reform.lowered.entities.len()
            && base
                .lowered
                .entities
                .iter()
                .zip(&reform.lowered.entities)
                .all(|(a, b)| {
                    a.fields.len() == b.fields.len()
                        && a.fields.iter().zip(&b.fields).all(|(x, y)| {
                            x.name == y.name && x.kind == y.kind && x.domain == y.domain
                        })
                })
            && base.lowered.enum_variants == reform.lowered.enum_variants
            && base.root == reform.root;
        Ok(Comparison {
            base,
            reform,
            names,
            base_map,
            reform_map,
            about_root,
            has_amount,
            by,
            decile_by,
            people,
            same_layout,
        })
    }

    /// Whether deciles are asked for (and so pass 1 is needed).
    pub fn needs_incomes(&self) -> bool {
        self.decile_by.is_some()
    }

    pub fn workspace(&self, as_of: jiff::civil::Date) -> Workspace<'e> {
        Workspace {
            base: self.base.session(as_of),
            reform: self.reform.session(as_of),
            docs: Vec::new(),
            reform_docs: Vec::new(),
            spare: Vec::new(),
            outs: Vec::new(),
        }
    }

    /// The household's income under the base ruleset (a fact, or a `let`
    /// evaluated on the as-of date).
    fn income(&self, session: &mut Session<'e>, facts: &Facts) -> Option<Decimal> {
        match self.decile_by.as_ref()?.1 {
            Ok(field) => facts.slot(0, field).as_decimal(),
            Err(index) => {
                let mut m = crate::screen::machine::Machine::new(
                    &self.base.lowered,
                    facts,
                    &session.asof,
                    &mut session.scratch,
                );
                m.let_value(0, index).as_decimal()
            }
        }
    }

    /// Reads `lines` into the workspace's documents; bad lines into `tally`.
    fn read(&self, ws: &mut Workspace<'e>, lines: &[(usize, &[u8])], tally: &mut Tally) {
        ws.spare.append(&mut ws.docs);
        ws.spare.append(&mut ws.reform_docs);
        for &(n, raw) in lines {
            let refused = |message: &str, tally: &mut Tally| {
                tally.bad_lines += 1;
                if tally.errors.len() < MAX_LISTED_ERRORS {
                    tally.errors.push((n, message.to_string()));
                }
            };
            let Ok(line) = std::str::from_utf8(raw) else {
                refused("the line is not UTF-8 text", tally);
                continue;
            };
            let line = line.strip_prefix('\u{feff}').unwrap_or(line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                refused("empty line: expected a facts object", tally);
                continue;
            }
            match self
                .base
                .facts_from_json_reusing(line, ws.spare.pop().unwrap_or_default())
            {
                Ok(facts) => {
                    if !self.same_layout {
                        match self
                            .reform
                            .facts_from_json_reusing(line, ws.spare.pop().unwrap_or_default())
                        {
                            Ok(r) => ws.reform_docs.push(r),
                            Err(e) => {
                                ws.spare.push(facts);
                                refused(&e.to_string(), tally);
                                continue;
                            }
                        }
                    }
                    ws.docs.push(facts);
                }
                Err(e) => refused(&e.to_string(), tally),
            }
        }
    }

    /// Pass 1 (deciles only): counts each income of `lines`.
    pub fn incomes(&self, ws: &mut Workspace<'e>, lines: &[(usize, &[u8])], out: &mut Incomes) {
        let mut ignored = Tally::default();
        self.read(ws, lines, &mut ignored);
        for facts in &ws.docs {
            if let Some(x) = self.income(&mut ws.base, facts) {
                *out.0.entry(x.normalize()).or_default() += 1;
            }
        }
    }

    /// Pass 2: screens `lines` under both rulesets and adds them to `tally`.
    pub fn tally(
        &self,
        ws: &mut Workspace<'e>,
        lines: &[(usize, &[u8])],
        deciles: &Deciles,
        tally: &mut Tally,
    ) {
        self.read(ws, lines, tally);
        let p = self.names.len();
        if tally.total.len() < p {
            tally.total.resize(p, Acc::default());
        }
        ws.base.run_many(&ws.docs);
        let reform_docs = if self.same_layout {
            &ws.docs
        } else {
            &ws.reform_docs
        };
        ws.reform.run_many(reform_docs);
        for (d, facts) in ws.docs.iter().enumerate() {
            tally.households += 1;
            ws.outs.clear();
            ws.outs.resize(p, [Outcome::default(); 2]);
            for (side, session, map) in [
                (0usize, &ws.base, &self.base_map),
                (1, &ws.reform, &self.reform_map),
            ] {
                let Some(&(from, to)) = session.doc_results.get(d) else {
                    continue;
                };
                for r in session
                    .results
                    .get(from as usize..to as usize)
                    .unwrap_or_default()
                {
                    let Some(o) = map
                        .get(r.program as usize)
                        .and_then(|&u| ws.outs.get_mut(u))
                        .and_then(|o| o.get_mut(side))
                    else {
                        continue;
                    };
                    match r.status {
                        Some(true) => {
                            o.eligible += 1;
                            match r.amount {
                                V::Unknown => {
                                    let u = map.get(r.program as usize).copied().unwrap_or(0);
                                    if self.has_amount.get(u).copied().unwrap_or(false) {
                                        o.undetermined = true;
                                    }
                                }
                                v => {
                                    o.amount =
                                        o.amount.saturating_add(v.as_decimal().unwrap_or_default())
                                }
                            }
                        }
                        Some(false) => {}
                        None => o.undetermined = true,
                    }
                }
            }
            let household_people = match self.people {
                Some(f) => match facts.slot(0, f) {
                    V::List(l) => u64::from(l.len),
                    _ => 0,
                },
                None => 1,
            };
            let region = self.by.as_ref().map(|(_, f, _)| match facts.slot(0, *f) {
                V::Variant(v) => Some(v),
                _ => None,
            });
            let decile = self.decile_by.as_ref().map(|_| {
                self.income(&mut ws.base, facts)
                    .and_then(|x| deciles.of(x.normalize()))
            });
            // Each group's figures, made as long as the programmes once.
            let mut region_accs = region.map(|r| {
                let v = tally.regions.entry(r).or_default();
                if v.len() < p {
                    v.resize(p, Acc::default());
                }
                v
            });
            let mut decile_accs = decile.map(|d| {
                let v = tally.deciles.entry(d).or_default();
                if v.len() < p {
                    v.resize(p, Acc::default());
                }
                v
            });
            for (u, [b, a]) in ws.outs.iter().enumerate() {
                // Ineligible under both, nothing undetermined: nothing to add
                // (most programmes, for most households).
                if b.eligible == 0 && a.eligible == 0 && !b.undetermined && !a.undetermined {
                    continue;
                }
                let root = self.about_root.get(u).copied().unwrap_or(false);
                let people = |o: &Outcome| match (root, o.eligible > 0) {
                    (true, true) => household_people,
                    (true, false) => 0,
                    (false, _) => o.eligible,
                };
                let mut acc = Acc {
                    households: [u64::from(b.eligible > 0), u64::from(a.eligible > 0)],
                    people: [people(b), people(a)],
                    cost: [b.amount, a.amount],
                    ..Acc::default()
                };
                let (hb, ha) = (b.eligible > 0, a.eligible > 0);
                if b.undetermined || a.undetermined {
                    acc.undetermined = 1;
                } else if a.amount > b.amount || (a.amount == b.amount && ha && !hb) {
                    acc.gainers = 1;
                    acc.gain = a.amount - b.amount;
                } else if a.amount < b.amount || (a.amount == b.amount && hb && !ha) {
                    acc.losers = 1;
                    acc.loss = b.amount - a.amount;
                }
                for group in [
                    tally.total.get_mut(u),
                    region_accs.as_mut().and_then(|v| v.get_mut(u)),
                    decile_accs.as_mut().and_then(|v| v.get_mut(u)),
                ]
                .into_iter()
                .flatten()
                {
                    group.add(&acc);
                }
            }
        }
    }

    /// The report of a finished tally, labels in `lang`.
    pub fn report(
        &self,
        tally: &Tally,
        as_of: jiff::civil::Date,
        lang: Option<&str>,
    ) -> CompareReport {
        let lang = resolve_lang(self.reform, lang);
        let program_label = |name: &str| {
            let find = |e: &Engine| {
                e.checked
                    .programs
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.label.clone())
            };
            let label = find(self.reform).or_else(|| find(self.base));
            localize(label.as_ref(), &lang, name)
        };
        let enum_def = self
            .by
            .as_ref()
            .and_then(|(_, _, e)| self.base.checked.enums.get(*e as usize));
        let programs = self
            .names
            .iter()
            .enumerate()
            .map(|(u, name)| {
                let pick = |v: &Vec<Acc>| v.get(u).copied().unwrap_or_default();
                ProgramComparison {
                    program: name.clone(),
                    label: program_label(name),
                    total: Figures::from(pick(&tally.total)),
                    by_region: known_first(&tally.regions)
                        .map(|(k, v)| {
                            let variant =
                                k.and_then(|i| enum_def.and_then(|e| e.variants.get(i as usize)));
                            RegionFigures {
                                region: variant.map(|v| v.name.clone()),
                                label: variant.map(|v| localize(v.label.as_ref(), &lang, &v.name)),
                                figures: Figures::from(pick(v)),
                            }
                        })
                        .collect(),
                    by_decile: known_first(&tally.deciles)
                        .map(|(k, v)| DecileFigures {
                            decile: *k,
                            figures: Figures::from(pick(v)),
                        })
                        .collect(),
                }
            })
            .collect();
        CompareReport {
            as_of: as_of.strftime("%Y-%m-%d").to_string(),
            lang,
            by: self.by.as_ref().map(|b| b.0.clone()),
            decile_by: self.decile_by.as_ref().map(|d| d.0.clone()),
            households: tally.households,
            bad_lines: tally.bad_lines,
            errors: tally
                .errors
                .iter()
                .map(|(line, error)| LineError {
                    line: *line,
                    error: error.clone(),
                })
                .collect(),
            programs,
        }
    }
}

/// One group's figures: before (the base) and after (the reform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub households_before: u64,
    pub households_after: u64,
    pub people_before: u64,
    pub people_after: u64,
    pub cost_before: String,
    pub cost_after: String,
    pub gainers: u64,
    pub gain: String,
    pub losers: u64,
    pub loss: String,
    pub undetermined: u64,
}

fn money(d: Decimal) -> String {
    d.normalize().to_string()
}

impl From<Acc> for Figures {
    fn from(a: Acc) -> Figures {
        Figures {
            households_before: a.households[0],
            households_after: a.households[1],
            people_before: a.people[0],
            people_after: a.people[1],
            cost_before: money(a.cost[0]),
            cost_after: money(a.cost[1]),
            gainers: a.gainers,
            gain: money(a.gain),
            losers: a.losers,
            loss: money(a.loss),
            undetermined: a.undetermined,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionFigures {
    /// The variant's name; `null` for households whose region is unknown.
    pub region: Option<String>,
    pub label: Option<String>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecileFigures {
    /// 1 (the lowest incomes) to 10; `null` for an unknown income.
    pub decile: Option<u8>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramComparison {
    pub program: String,
    pub label: String,
    pub total: Figures,
    pub by_region: Vec<RegionFigures>,
    pub by_decile: Vec<DecileFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: usize,
    pub error: String,
}

/// What `accord compare --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompareReport {
    pub as_of: String,
    pub lang: String,
    pub by: Option<String>,
    pub decile_by: Option<String>,
    pub households: u64,
    pub bad_lines: u64,
    pub errors: Vec<LineError>,
    pub programs: Vec<ProgramComparison>,
}

const CSV_HEADER: &str = "program,group,key,households_before,households_after,people_before,\
people_after,cost_before,cost_after,gainers,gain,losers,loss,undetermined\n";

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl CompareReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    fn rows(&self) -> Vec<(&str, &'static str, String, String, &Figures)> {
        let mut rows = Vec::new();
        for p in &self.programs {
            rows.push((
                p.program.as_str(),
                "total",
                String::new(),
                String::new(),
                &p.total,
            ));
            for r in &p.by_region {
                rows.push((
                    p.program.as_str(),
                    "region",
                    r.region.clone().unwrap_or_default(),
                    r.label.clone().unwrap_or_else(|| "(unknown)".to_string()),
                    &r.figures,
                ));
            }
            for d in &p.by_decile {
                let key = d.decile.map(|d| d.to_string()).unwrap_or_default();
                let shown = if key.is_empty() {
                    "(unknown)".to_string()
                } else {
                    format!("decile {key}")
                };
                rows.push((p.program.as_str(), "decile", key, shown, &d.figures));
            }
        }
        rows
    }

    /// One row per programme and group (`total`, `region`, `decile`).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(CSV_HEADER);
        for (program, group, key, _, f) in self.rows() {
            out.push_str(&format!(
                "{},{group},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                csv_field(program),
                csv_field(&key),
                f.households_before,
                f.households_after,
                f.people_before,
                f.people_after,
                f.cost_before,
                f.cost_after,
                f.gainers,
                f.gain,
                f.losers,
                f.loss,
                f.undetermined
            ));
        }
        out
    }

    /// A table per programme, for people.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} households compared on {}{}\n",
            self.households,
            self.as_of,
            match self.bad_lines {
                0 => String::new(),
                1 => " (1 line could not be screened)".to_string(),
                n => format!(" ({n} lines could not be screened)"),
            }
        );
        let rows = self.rows();
        for p in &self.programs {
            out.push_str(&format!("\n{} ({})\n", p.label, p.program));
            out.push_str(&format!(
                "  {:<16} {:>21} {:>21} {:>31} {:>24} {:>24} {:>12}\n",
                "",
                "households",
                "people",
                "cost",
                "gainers (gain)",
                "losers (loss)",
                "undetermined"
            ));
            for (_, group, _, shown, f) in rows.iter().filter(|r| r.0 == p.program) {
                let name = if *group == "total" {
                    "all"
                } else {
                    shown.as_str()
                };
                out.push_str(&format!(
                    "  {:<16} {:>21} {:>21} {:>31} {:>24} {:>24} {:>12}\n",
                    name,
                    format!("{} → {}", f.households_before, f.households_after),
                    format!("{} → {}", f.people_before, f.people_after),
                    format!("{} → {}", f.cost_before, f.cost_after),
                    format!("{} (+{})", f.gainers, f.gain),
                    format!("{} (−{})", f.losers, f.loss),
                    f.undetermined
                ));
            }
        }
        out
    }
}
