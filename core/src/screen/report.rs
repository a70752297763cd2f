//! The owned screening report: results with paths and labels, explanations, next
//! questions; and the compact JSON line of a registry screening.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::facts::Facts;
use super::machine::{FactRef, FaultKind, Item, Machine, Recorder, Used};
use super::value::{TextRef, V};
use super::{in_model, Engine, RawResult, Session, Status, StatusFilter};
use crate::check::{FieldDef, Type};
use crate::labels::{localize, word};
use crate::messages::text;

/// What a screening returns beyond statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenOptions {
    /// Build an explanation for every result.
    pub explain: bool,
    /// The language of labels and explanations; the ruleset's first when `None` or
    /// not declared.
    pub lang: Option<String>,
    /// How many levels of derived values an explanation shows as computed (their
    /// formula and the values it read): 0 for the short form. At most
    /// [`MAX_COMPUTED`] derived values are expanded per explanation.
    pub tree: usize,
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            explain: true,
            lang: None,
            tree: 0,
        }
    }
}

/// The answer of `accord screen` for one facts document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenReport {
    pub as_of: String,
    /// The language labels are in.
    pub lang: String,
    pub results: Vec<ScreenResult>,
    pub next_questions: Vec<NextQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenResult {
    pub program: String,
    pub label: String,
    /// `""` for the root entity, `members[1]` otherwise.
    pub subject: String,
    pub status: Status,
    /// A decimal string for eligible results with a known amount, else null.
    pub amount: Option<String>,
    /// Facts that could decide an undetermined result, or the unknown amount of an
    /// eligible one.
    pub missing: Vec<String>,
    pub explanation: Option<Explanation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// One sentence: the status and why.
    pub summary: String,
    /// The programme's legal basis.
    pub legal: Vec<String>,
    pub clauses: Vec<ExplainedClause>,
    pub amount: Option<ExplainedClause>,
    pub apply: Option<String>,
    pub documents: Vec<String>,
    /// What `known(…)` and `… otherwise …` presumed.
    pub presumed: Vec<String>,
    /// Evaluation errors (division by zero, a parameter not in force, …).
    pub errors: Vec<String>,
    /// The unknown facts whose every value gives this result (bounded case
    /// splitting, `split.rs`); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub whichever: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedClause {
    /// `eligible`, `unless` or `amount`.
    pub kind: &'static str,
    /// The rule as written.
    pub rule: String,
    /// true / false / null (unknown); for an amount, null.
    pub result: Option<bool>,
    /// For an amount, its value.
    pub value: Option<String>,
    /// Whether this clause decided the status.
    pub decisive: bool,
    pub legal: Option<String>,
    pub values: Vec<UsedValue>,
    /// How many more values the clause read than `values` lists (at most 64 are
    /// kept per clause).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `Default` is only the base of the struct literals below (`..Default::default()`
/// for the optional parts a kind of value does not have).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UsedValue {
    /// `fact`, `derived`, `parameter`, `table` or `program`.
    pub kind: &'static str,
    pub name: String,
    pub label: String,
    /// A fact's path, a programme's subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Null when unknown.
    pub value: Option<String>,
    /// A parameter's version, or a dated table's: in force since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A table's matching row, counting from 1 (within the version in force for a
    /// dated table; null: no row matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<Option<usize>>,
    /// A table's `for each` line, applied: the value is the result at `above`
    /// plus `add` × `count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub each: Option<EachUsed>,
    /// How a derived value was computed: its formula and the values it read, to a
    /// bounded depth ([`ScreenOptions::tree`]); absent in the short form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<Box<Computed>>,
    /// A scale applied: its base and the slices (or, for `single`, the bracket)
    /// it used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleUsed>,
}

/// A scale as an explanation shows it: `kind` is `marginal` or `single`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleUsed {
    pub kind: &'static str,
    pub base: Option<String>,
    /// The slices of a marginal scale that the base reached, lowest first (none
    /// when it is at or below the first threshold); for a single-amount scale
    /// the one bracket it falls in (none below the first threshold).
    pub slices: Vec<SliceUsed>,
}

/// One slice of a scale: the bracket `from` (inclusive) up to `to` (none for
/// the top bracket); for `marginal` its `rate` (`12%`), the `part` of the base
/// in it and `rate × part`; for `single` the bracket's `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SliceUsed {
    pub from: String,
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    pub amount: String,
}

/// The most slices an explanation lists for one scale.
const MAX_SLICES: usize = 16;

fn scale_used(engine: &Engine, m: &Machine<'_>, scale: u32, base: V) -> Option<ScaleUsed> {
    let def = engine.checked.scales.get(scale as usize)?;
    let low = engine.lowered.scales.get(scale as usize)?;
    let brackets = low.in_force(m.asof.date)?;
    let x = base.as_decimal()?;
    let read = |o: super::lower::LOperand| match o {
        super::lower::LOperand::Const(v) => v,
        super::lower::LOperand::Param(p) => {
            m.asof.params.get(p as usize).copied().unwrap_or(V::Unknown)
        }
    };
    let (_, slices) = super::scale::apply(def.kind, brackets, x, read, MAX_SLICES).ok()?;
    let single = def.kind == accord_grammar::ast::ScaleKind::Single;
    let num = |d: rust_decimal::Decimal| d.normalize().to_string();
    Some(ScaleUsed {
        kind: def.kind.keyword(),
        base: Some(num(x)),
        slices: slices
            .iter()
            .map(|s| SliceUsed {
                from: num(s.low),
                to: s.high.map(num),
                rate: (!single)
                    .then(|| format!("{}%", num(s.rate * rust_decimal::Decimal::ONE_HUNDRED))),
                part: (!single).then(|| num(s.part)),
                amount: num(s.amount),
            })
            .collect(),
    })
}

/// A `let`'s formula as evaluated, and what it read (see [`UsedValue::computed`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    /// The formula as written (for one in versions by date, the version in force
    /// and its date).
    pub rule: String,
    pub values: Vec<UsedValue>,
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

/// How many derived values one explanation expands at most, over every level.
pub const MAX_COMPUTED: usize = 32;

/// A `for each COLUMN above N: ADD` line as an explanation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EachUsed {
    pub column: String,
    pub above: i64,
    pub add: Option<String>,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextQuestion {
    pub path: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<QuestionOption>,
    /// How many undetermined results (or unknown amounts) this fact could decide.
    pub decides: usize,
}

/// An answer a question offers: `value` is what to give `answer`, in the
/// fact's own type, `label` what to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionOption {
    pub value: OptionValue,
    pub label: String,
}

/// An option's value as the facts document takes it: JSON `true`/`false` for a
/// Boolean, the variant's name (a JSON string) for an enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OptionValue {
    Boolean(bool),
    Variant(String),
}

impl std::fmt::Display for OptionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Boolean(b) => write!(f, "{b}"),
            OptionValue::Variant(name) => f.write_str(name),
        }
    }
}

impl ScreenReport {
    #[expect(
        clippy::expect_used,
        reason = "INVARIANT: a report is strings, numbers, booleans, options and lists (no map with non-string keys, no failing Serialize impl), which serde_json always writes"
    )]
    pub fn to_json(&self) -> String {
        // Unreachable from input: a report holds only texts, numbers,
        // Booleans, options and lists built by the engine (facts' values are
        // already rendered as text or numbers), and serde_json fails only on
        // maps with non-text keys or a Serialize impl that errs, neither here.
        serde_json::to_string_pretty(self).expect("a screening report serialises")
    }
}

// ---- paths and values ----

pub(crate) fn instance_path(engine: &Engine, facts: &Facts, inst: u32) -> String {
    // The owner chain, root-most last; finite, as each owner precedes its records.
    let mut chain = Vec::new();
    let mut cur = inst;
    while let Some(i) = facts.instance(cur) {
        if i.owner == u32::MAX || i.owner >= cur {
            break;
        }
        chain.push(i);
        cur = i.owner;
    }
    let mut path = String::new();
    for i in chain.iter().rev() {
        let dot = !path.is_empty();
        push_step(&mut path, dot, engine, facts, i);
    }
    path
}

/// Appends one step of a path, `members[1]`, after its owner's path (`dot`
/// when that path is not empty: the root's path is `""`).
fn push_step(
    path: &mut String,
    dot: bool,
    engine: &Engine,
    facts: &Facts,
    inst: &super::facts::Instance,
) {
    if dot {
        path.push('.');
    }
    // Both callers step from an owner already on the path: it is an instance.
    let owner = in_model(facts.instance(inst.owner), "an instance's owner");
    if let Some(def) = owner.and_then(|o| field_def(engine, o.entity, inst.field)) {
        path.push_str(&def.name);
    }
    if let Some(k) = inst.index {
        let _ = write!(path, "[{k}]");
    }
}

/// The definition of field `field` of entity `entity` (ids set by this engine's
/// facts builder; see [`in_model`]).
fn field_def(engine: &Engine, entity: u32, field: u32) -> Option<&FieldDef> {
    in_model(
        engine
            .checked
            .entities
            .get(entity as usize)
            .and_then(|e| e.fields.get(field as usize)),
        "an instance's field",
    )
}

/// The definition of a fact an evaluation of `facts` read (see [`in_model`]).
fn fact_def<'e>(engine: &'e Engine, facts: &Facts, f: FactRef) -> Option<&'e FieldDef> {
    in_model(facts.instance(f.inst), "a fact's instance")
        .and_then(|i| field_def(engine, i.entity, f.field))
}

/// A fact's name (see [`fact_def`]).
fn fact_name<'e>(engine: &'e Engine, facts: &Facts, f: FactRef) -> &'e str {
    fact_def(engine, facts, f).map_or("", |d| d.name.as_str())
}

pub(crate) fn fact_path(engine: &Engine, facts: &Facts, f: FactRef) -> String {
    let base = instance_path(engine, facts, f.inst);
    let name = fact_name(engine, facts, f);
    let path = if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{name}")
    };
    super::series::with_month(path, f.month)
}

/// A value as shown in explanations and JSON: decimals without trailing zeros,
/// dates ISO, variants by name, lists of records by path.
pub(crate) fn show(
    engine: &Engine,
    facts: &Facts,
    items: &[Item],
    v: V,
    ty: &Type,
) -> Option<String> {
    Some(match v {
        V::Unknown => return None,
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Dec(d) => d.normalize().to_string(),
        V::Date(d) => d.to_string(),
        V::Text(TextRef::Model(i)) => engine.lowered.text(i).to_string(),
        V::Text(TextRef::Facts(i)) => facts.text(i).to_string(),
        V::Variant(i) => match ty {
            // A value of an enum's type is one of its variants (the checker).
            Type::Enum(e) => in_model(
                engine
                    .checked
                    .enums
                    .get(e.0)
                    .and_then(|d| d.variants.get(i as usize)),
                "a value's variant",
            )
            .map(|v| v.name.clone())?,
            // Only a presumed value is shown without its type (`Type::Error`).
            _ => i.to_string(),
        },
        V::Dur(d) => {
            if d.months != 0 && d.days == 0 {
                format!("{} months", d.months)
            } else if d.working {
                format!("{} working days", d.days)
            } else {
                format!("{} months {} days", d.months, d.days)
            }
        }
        V::Entity(i) => {
            let p = instance_path(engine, facts, i);
            if p.is_empty() {
                "(the record)".to_string()
            } else {
                p
            }
        }
        V::List(_) => {
            // A presumed list is shown without its type (`Type::Error`): so are
            // its elements.
            let el = ty.element().cloned().unwrap_or(Type::Error);
            let (elems, total) = list_items(facts, items, v);
            // A long list is shown by its first elements and its length.
            let mut shown: Vec<String> = elems
                .iter()
                .map(|(x, maybe)| {
                    // An unknown element is a value, not a name: it reads `?`,
                    // as an unknown value does in the terminal's report.
                    let s = show(engine, facts, items, *x, &el).unwrap_or_else(|| "?".into());
                    if *maybe {
                        format!("{s}?")
                    } else {
                        s
                    }
                })
                .collect();
            if total > SHOWN_ELEMENTS {
                shown.push(format!("… {total} in all"));
            }
            format!("[{}]", shown.join(", "))
        }
    })
}

/// How many elements of a list an explanation shows.
const SHOWN_ELEMENTS: usize = 10;

/// The first elements of a list value (a facts list, or one in the evaluation's
/// arena) and its length.
fn list_items(facts: &Facts, items: &[Item], v: V) -> (Vec<(V, bool)>, usize) {
    let V::List(l) = v else {
        return (Vec::new(), 0);
    };
    let shown = (l.len as usize).min(SHOWN_ELEMENTS) as u32;
    let range = l.start as usize..(l.start + shown) as usize;
    // A list value's elements are in the arena it names.
    let first: Vec<(V, bool)> = if l.scratch {
        in_model(items.get(range), "a scratch list's elements")
            .unwrap_or_default()
            .iter()
            .map(|it| (it.v, it.maybe))
            .collect()
    } else {
        in_model(facts.items.get(range), "a facts list's elements")
            .unwrap_or_default()
            .iter()
            .map(|x| (*x, false))
            .collect()
    };
    (first, l.len as usize)
}

/// A clause's or an amount's rule as written; for a formula in versions by date,
/// the version in force and its date (`age >= 63 (from 2024-01-01)`).
fn rule_text(engine: &Engine, m: &Machine, node: u32, text: &str) -> String {
    match engine.lowered.nodes.get(node as usize) {
        Some(&super::lower::Node::Dated(i)) => match engine.lowered.dated_index(i, m.asof.date) {
            Some((_, (from, Ok(formula)))) => {
                format!("{} (from {from})", source_text(engine, formula))
            }
            // After an end: the version it ended, said to be out of force.
            Some((k, (from, Err(end)))) => {
                let before = engine
                    .lowered
                    .dated
                    .get(i as usize)
                    .and_then(|vs| vs.get(..k))
                    .and_then(|vs| vs.last());
                let ended = match end {
                    crate::check::ParamEnd::Until(last) => format!("until {last}"),
                    crate::check::ParamEnd::Repealed => format!("repealed from {from}"),
                };
                match before {
                    Some(&(was, Ok(formula))) => {
                        format!("{} (from {was}, {ended})", source_text(engine, formula))
                    }
                    _ => text.to_string(),
                }
            }
            // Before the first version: that one, said to be not yet in force.
            None => match engine.lowered.dated.get(i as usize).and_then(|v| v.first()) {
                Some(&(from, Ok(formula))) => format!(
                    "{} (from {from}, not yet in force)",
                    source_text(engine, formula)
                ),
                _ => text.to_string(),
            },
        },
        _ => text.to_string(),
    }
}

/// The source text of a node (every node has a span in a file of the ruleset).
fn source_text(engine: &Engine, node: u32) -> String {
    let Some(&(file, start, end)) =
        in_model(engine.lowered.spans.get(node as usize), "a node's span")
    else {
        return String::new();
    };
    in_model(engine.sources.file(file as usize), "a span's file").map_or_else(String::new, |f| {
        crate::source::balanced_text(
            &f.text,
            accord_grammar::ast::Span::new(start as usize, end as usize),
        )
    })
}

/// What went wrong in an evaluation, in the report's language (`crate::messages`):
/// a law not in force, a table with no row, division by zero, … and where.
fn fault_text(engine: &Engine, kind: FaultKind, node: u32, lang: &str) -> String {
    use crate::check::ParamEnd;
    let at = source_text(engine, node);
    let say = |key: &str, args: &[(&str, &str)]| text(lang, key, args);
    // `key` with the law's name and a date: `table `limit` was repealed from …`.
    let named = |key: &str, name: &str, date: &dyn std::fmt::Display| {
        say(key, &[("name", name), ("date", &date.to_string())])
    };
    let what = match kind {
        FaultKind::Value(f) => say(f.key(), &[]),
        FaultKind::NotInForce(p) => {
            let name = in_model(
                engine.checked.parameters.get(p as usize),
                "a fault's parameter",
            )
            .map_or("", |d| d.name.as_str());
            say("fault.parameter_not_yet", &[("name", name)])
        }
        FaultKind::OutOfForce(p, i) => {
            let def = in_model(
                engine.checked.parameters.get(p as usize),
                "a fault's parameter",
            );
            let name = def.map_or("", |d| d.name.as_str());
            let version = def.and_then(|d| d.values.get(i as usize));
            match version.and_then(|dv| dv.end.map(|e| (dv.from, e))) {
                Some((_, ParamEnd::Until(last))) => named("fault.parameter_until", name, &last),
                Some((from, ParamEnd::Repealed)) => named("fault.parameter_repealed", name, &from),
                None => say("fault.parameter_out", &[("name", name)]),
            }
        }
        FaultKind::FormulaNotInForce(i, ended) => {
            let versions = engine.lowered.dated.get(i as usize);
            match ended.and_then(|k| versions.and_then(|vs| vs.get(k as usize))) {
                Some(&(_, Err(ParamEnd::Until(last)))) => {
                    return named("fault.formula_until", "", &last);
                }
                Some(&(from, Err(ParamEnd::Repealed))) => {
                    return named("fault.formula_repealed", "", &from);
                }
                _ => {}
            }
            // The whole block is long: name its first version's date instead.
            let first = versions
                .and_then(|vs| vs.first())
                .map(|(d, _)| d.to_string())
                .unwrap_or_default();
            return say("fault.formula_not_yet", &[("date", &first)]);
        }
        FaultKind::NoRow(t) => say("fault.no_row", &[("name", table_name(engine, t))]),
        FaultKind::TableNotInForce(t, ended) => {
            let def = in_model(engine.checked.tables.get(t as usize), "a fault's table");
            let name = table_name(engine, t);
            let version = ended.and_then(|k| def.and_then(|d| d.versions.get(k as usize)));
            match version.and_then(|v| v.end.map(|e| (v.from, e))) {
                Some((_, ParamEnd::Until(last))) => named("fault.table_until", name, &last),
                Some((from, ParamEnd::Repealed)) => named("fault.table_repealed", name, &from),
                None => match def.and_then(|d| d.versions.first()) {
                    Some(v) => named("fault.table_not_yet_from", name, &v.from),
                    None => say("fault.table_not_yet", &[("name", name)]),
                },
            }
        }
        FaultKind::ScaleNotInForce(i, ended) => {
            let def = in_model(engine.checked.scales.get(i as usize), "a fault's scale");
            let name = def.map_or("", |d| d.name.as_str());
            let version = |k: u32| def.and_then(|d| d.versions.get(k as usize));
            match ended.and_then(version).and_then(|v| v.from.zip(v.end)) {
                Some((_, ParamEnd::Until(last))) => named("fault.scale_until", name, &last),
                Some((end, ParamEnd::Repealed)) => named("fault.scale_repealed", name, &end),
                None => match def.and_then(|d| d.versions.first()).and_then(|v| v.from) {
                    Some(f) => named("fault.scale_not_yet_from", name, &f),
                    None => say("fault.scale_out", &[("name", name)]),
                },
            }
        }
        FaultKind::Conflict(t, a, b) => {
            // The rows are the table's; a dated table's are counted within their
            // version, which the message names.
            let version = in_model(engine.checked.tables.get(t as usize), "a fault's table")
                .and_then(|d| {
                    d.versions
                        .iter()
                        .rev()
                        .find(|v| v.end.is_none() && v.first <= a as usize)
                });
            let name = table_name(engine, t);
            match version {
                Some(v) => {
                    let (a, b) = (
                        (a as usize - v.first + 1).to_string(),
                        ((b as usize).saturating_sub(v.first) + 1).to_string(),
                    );
                    let date = v.from.to_string();
                    say(
                        "fault.conflict_version",
                        &[("a", &a), ("b", &b), ("date", &date), ("name", name)],
                    )
                }
                None => {
                    let (a, b) = ((a + 1).to_string(), (b + 1).to_string());
                    say("fault.conflict", &[("a", &a), ("b", &b), ("name", name)])
                }
            }
        }
        FaultKind::EmptyList => say("fault.empty_list", &[]),
        FaultKind::TooDeep => say("fault.too_deep", &[]),
        FaultKind::Budget => say(
            "fault.budget",
            &[("n", &crate::limits::MAX_WORK.to_string())],
        ),
        FaultKind::Cycle => say("fault.cycle", &[]),
        FaultKind::Unsupported => say("fault.unsupported", &[]),
    };
    if at.is_empty() {
        what
    } else {
        say("fault.at", &[("what", &what), ("at", &at)])
    }
}

fn table_name(engine: &Engine, t: u32) -> &str {
    in_model(engine.checked.tables.get(t as usize), "a fault's table")
        .map_or("", |d| d.name.as_str())
}

// ---- the report ----

/// `lang` when the ruleset has it, else its first language (`en` without any:
/// the documented default of a ruleset that declares no languages).
pub(crate) fn resolve_lang(engine: &Engine, lang: Option<&str>) -> String {
    lang.filter(|l| engine.checked.ruleset.languages.iter().any(|x| x == l))
        .or_else(|| engine.checked.ruleset.languages.first().map(|s| s.as_str()))
        .unwrap_or("en")
        .to_string()
}

pub(crate) fn screen(
    session: &mut Session<'_>,
    facts: &Facts,
    options: &ScreenOptions,
) -> ScreenReport {
    let engine = session.engine;
    let lang = resolve_lang(engine, options.lang.as_deref());
    session.run(facts);
    let raw: Vec<RawResult> = session.results.clone();
    let mut results = Vec::with_capacity(raw.len());
    // Per missing fact: how many results it could decide, and where it first
    // appears (result, position) to break ties in order of appearance.
    let mut counts: HashMap<FactRef, (usize, (usize, usize))> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        let missing_refs: Vec<FactRef> = in_model(
            session
                .result_missing
                .get(r.missing.0 as usize..(r.missing.0 + r.missing.1) as usize),
            "a result's missing facts",
        )
        .unwrap_or_default()
        .to_vec();
        for (k, f) in missing_refs.iter().enumerate() {
            let e = counts.entry(*f).or_insert((0, (i, k)));
            e.0 += 1;
        }
        let p = in_model(
            engine.checked.programs.get(r.program as usize),
            "a result's programme",
        );
        let name = p.map_or("", |p| p.name.as_str());
        let status = Status::from_tri(r.status);
        let amount_ty = Type::Money;
        results.push(ScreenResult {
            program: name.to_string(),
            label: localize(p.and_then(|p| p.label.as_ref()), &lang, name),
            subject: instance_path(engine, facts, r.subject),
            status,
            amount: if status == Status::Eligible {
                show(engine, facts, &[], r.amount, &amount_ty)
            } else {
                None
            },
            missing: missing_refs
                .iter()
                .map(|f| fact_path(engine, facts, *f))
                .collect(),
            explanation: None,
        });
    }
    if options.explain {
        // One machine for every explanation: lets and programmes are evaluated
        // once and then read from their memos (with their presumptions), so
        // explaining every result costs about one more evaluation, not one each.
        let mut m = Machine::new(&engine.lowered, facts, &session.asof, &mut session.scratch);
        for (r, out) in raw.iter().zip(results.iter_mut()) {
            out.explanation = Some(explain(engine, &mut m, facts, r, &lang, options.tree));
        }
    }
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    let next_questions = ranked
        .into_iter()
        .filter_map(|(f, (n, _))| question(engine, facts, f, n, &lang))
        .collect();
    ScreenReport {
        as_of: session.asof.date.to_string(),
        lang,
        results,
        next_questions,
    }
}

/// The question that asks for fact `f` (a fact the evaluation found missing:
/// `None` is unreachable, see [`fact_def`]).
fn question(
    engine: &Engine,
    facts: &Facts,
    f: FactRef,
    decides: usize,
    lang: &str,
) -> Option<NextQuestion> {
    let def = fact_def(engine, facts, f)?;
    let options = match &def.ty {
        Type::Enum(e) => in_model(engine.checked.enums.get(e.0), "a fact's enum")
            .map(|d| {
                d.variants
                    .iter()
                    .map(|v| QuestionOption {
                        value: OptionValue::Variant(v.name.clone()),
                        label: localize(v.label.as_ref(), lang, &v.name),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        // Yes and no from the message catalogue, capitalised as a form's options.
        // The values are JSON `true` and `false`, as `answer` takes them.
        Type::Boolean => [(true, "answer.yes"), (false, "answer.no")]
            .iter()
            .map(|(value, key)| QuestionOption {
                value: OptionValue::Boolean(*value),
                label: capitalised(&word(lang, key)),
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(NextQuestion {
        path: fact_path(engine, facts, f),
        // A month of a series: the series' label and the month (`Wages by month, 2025-02`).
        label: match super::series::month_of(f.month) {
            Some(month) => {
                let label = localize(def.label.as_ref(), lang, &def.name);
                text(
                    lang,
                    "question.month",
                    &[("label", &label), ("month", &month)],
                )
            }
            None => localize(def.label.as_ref(), lang, &def.name),
        },
        // The type as the ruleset writes it: `Money`, `list of Person`, `Region`;
        // a month of a series is asked as one value (`Money`).
        ty: engine
            .checked
            .type_name(super::series::asked_type(&def.ty, f.month)),
        options,
        decides,
    })
}

/// `word` with its first letter in capitals (`yes` → `Yes`, `да` → `Да`).
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn explain(
    engine: &Engine,
    m: &mut Machine<'_>,
    facts: &Facts,
    r: &RawResult,
    lang: &str,
    tree: usize,
) -> Explanation {
    let mut budget = MAX_COMPUTED;
    let low = &engine.lowered;
    let (Some(p), Some(def)) = (
        in_model(low.programs.get(r.program as usize), "a result's programme"),
        in_model(
            engine.checked.programs.get(r.program as usize),
            "a result's programme",
        ),
    ) else {
        return empty_explanation();
    };
    let status = Status::from_tri(r.status);
    let mut clauses = Vec::new();
    let mut presumed = Vec::new();
    let mut errors = Vec::new();
    // Each clause is re-walked with a recorder; what it uses is memoised.
    let _ = m.program(r.program, r.subject, u32::MAX);
    let groups: [(&'static str, &Vec<super::lower::LClause>); 2] =
        [("eligible", &p.eligible), ("unless", &p.unless)];
    for (kind, list) in groups {
        for c in list.iter() {
            m.start_recording();
            let faults_from = m.s.faults.len();
            let v = m.eval_for(r.subject, c.node);
            let rec = m.stop_recording();
            collect_faults(engine, m, faults_from, &mut errors, lang);
            let result = match v {
                V::Bool(b) => Some(b),
                _ => None,
            };
            let decisive = match (status, kind) {
                (Status::Eligible, "eligible") => result == Some(true),
                (Status::Eligible, _) => true,
                (Status::Ineligible, "unless") => result == Some(true),
                (Status::Ineligible, _) => !p.unless.is_empty() && result == Some(false),
                _ => result.is_none(),
            };
            clauses.push(ExplainedClause {
                kind,
                rule: rule_text(engine, m, c.node, &c.text),
                result,
                value: None,
                decisive,
                legal: c.legal.as_ref().map(|l| localize(Some(l), lang, "")),
                values: {
                    let mut values = used_values(engine, facts, m, &rec, lang, &mut presumed);
                    grow(engine, m, facts, &rec, &mut values, lang, tree, &mut budget);
                    values
                },
                omitted: rec.omitted,
            });
        }
    }
    // An ineligible result without a disqualification was decided by all grounds.
    if status == Status::Ineligible && !clauses.iter().any(|c| c.decisive) {
        for c in clauses.iter_mut().filter(|c| c.kind == "eligible") {
            c.decisive = true;
        }
    }
    let amount = match (&p.amount, status) {
        (Some(a), Status::Eligible) => {
            m.start_recording();
            let faults_from = m.s.faults.len();
            let v = m.eval_for(r.subject, a.node);
            let rec = m.stop_recording();
            collect_faults(engine, m, faults_from, &mut errors, lang);
            Some(ExplainedClause {
                kind: "amount",
                rule: rule_text(engine, m, a.node, &a.text),
                result: None,
                value: show(engine, facts, m.scratch_items(), v, &Type::Money),
                decisive: true,
                legal: None,
                values: {
                    let mut values = used_values(engine, facts, m, &rec, lang, &mut presumed);
                    grow(engine, m, facts, &rec, &mut values, lang, tree, &mut budget);
                    values
                },
                omitted: rec.omitted,
            })
        }
        _ => None,
    };
    let label = localize(def.label.as_ref(), lang, &def.name);
    let summary = summary(&clauses, status, &label, lang);
    presumed.dedup();
    errors.dedup();
    Explanation {
        summary,
        legal: def
            .legal
            .iter()
            .map(|l| localize(Some(l), lang, ""))
            .collect(),
        clauses,
        amount,
        apply: def.apply.as_ref().map(|l| localize(Some(l), lang, "")),
        documents: def
            .documents
            .iter()
            .map(|l| localize(Some(l), lang, ""))
            .collect(),
        presumed,
        errors,
        whichever: Vec::new(),
    }
}

fn empty_explanation() -> Explanation {
    Explanation {
        summary: String::new(),
        legal: Vec::new(),
        clauses: Vec::new(),
        amount: None,
        apply: None,
        documents: Vec::new(),
        presumed: Vec::new(),
        errors: Vec::new(),
        whichever: Vec::new(),
    }
}

/// What a clause's result means, in words: met, not met, disqualified by, unknown.
fn verdict(c: &ExplainedClause, lang: &str) -> String {
    match c.result {
        Some(true) if c.kind == "unless" => word(lang, "screen.disqualified"),
        Some(true) => word(lang, "screen.met"),
        Some(false) => word(lang, "screen.not_met"),
        None => word(lang, "screen.unknown"),
    }
}

/// The catalogue's key for a status's word.
fn status_key(status: Status) -> &'static str {
    match status {
        Status::Eligible => "screen.eligible",
        Status::Ineligible => "screen.ineligible",
        Status::Undetermined => "screen.undetermined",
    }
}

fn summary(clauses: &[ExplainedClause], status: Status, label: &str, lang: &str) -> String {
    let mut s = format!("{label}: {}", word(lang, status_key(status)));
    let decisive: Vec<&ExplainedClause> = clauses.iter().filter(|c| c.decisive).collect();
    for (i, c) in decisive.iter().enumerate() {
        s.push_str(if i == 0 { " — " } else { "; " });
        let _ = write!(s, "`{}` {}", c.rule, verdict(c, lang));
        if let Some(l) = &c.legal {
            let _ = write!(s, " ({l})");
        }
    }
    s
}

/// The faults recorded since there were `from` of them (faults are only added).
fn collect_faults(
    engine: &Engine,
    m: &Machine<'_>,
    from: usize,
    errors: &mut Vec<String>,
    lang: &str,
) {
    for f in in_model(m.s.faults.get(from..), "the faults since a mark").unwrap_or_default() {
        let t = fault_text(engine, f.kind, f.node, lang);
        if !errors.contains(&t) {
            errors.push(t);
        }
    }
}

/// Fills in [`UsedValue::computed`] for the derived values of `values` (made by
/// [`used_values`] from `rec`, in the same order), `depth` levels down, while
/// `budget` lasts: each `let` is evaluated again with a recorder, so what its
/// formula read is listed as a clause's values are.
#[expect(
    clippy::too_many_arguments,
    reason = "the explanation's context, passed down each level"
)]
fn grow(
    engine: &Engine,
    m: &mut Machine<'_>,
    facts: &Facts,
    rec: &Recorder,
    values: &mut [UsedValue],
    lang: &str,
    depth: usize,
    budget: &mut usize,
) {
    if depth == 0 {
        return;
    }
    let lets = rec.used.iter().filter_map(|u| match *u {
        Used::Let {
            inst,
            entity,
            index,
            ..
        } => Some((inst, entity, index)),
        _ => None,
    });
    let slots = values.iter_mut().filter(|v| v.kind == "derived");
    for ((inst, entity, index), slot) in lets.zip(slots) {
        if *budget == 0 {
            return;
        }
        let Some(&node) = in_model(
            engine
                .lowered
                .entities
                .get(entity as usize)
                .and_then(|e| e.lets.get(index as usize)),
            "a used definition's formula",
        ) else {
            continue;
        };
        *budget -= 1;
        m.start_recording();
        m.eval_for(inst, node);
        let sub = m.stop_recording();
        let mut inner = used_values(engine, facts, m, &sub, lang, &mut Vec::new());
        grow(engine, m, facts, &sub, &mut inner, lang, depth - 1, budget);
        slot.computed = Some(Box::new(Computed {
            rule: rule_text(engine, m, node, &source_text(engine, node)),
            values: inner,
            omitted: sub.omitted,
        }));
    }
}

fn used_values(
    engine: &Engine,
    facts: &Facts,
    m: &Machine<'_>,
    rec: &Recorder,
    lang: &str,
    presumed: &mut Vec<String>,
) -> Vec<UsedValue> {
    let mut out: Vec<UsedValue> = Vec::new();
    // Scratch lists are still in the machine's arena: show them from there.
    let items = m.scratch_items();
    for u in &rec.used {
        let uv = match *u {
            // What the evaluation used is in the model (see `in_model`): the
            // `continue`s below are unreachable.
            Used::Fact(f, v) => {
                let Some(def) = fact_def(engine, facts, f) else {
                    continue;
                };
                UsedValue {
                    kind: "fact",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: Some(fact_path(engine, facts, f)),
                    value: show(engine, facts, items, v, &def.ty),
                    ..Default::default()
                }
            }
            Used::Let {
                inst,
                entity,
                index,
                v,
            } => {
                let Some(def) = in_model(
                    engine
                        .checked
                        .entities
                        .get(entity as usize)
                        .and_then(|e| e.lets.get(index as usize)),
                    "a used definition",
                ) else {
                    continue;
                };
                let base = instance_path(engine, facts, inst);
                UsedValue {
                    kind: "derived",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: Some(if base.is_empty() {
                        def.name.clone()
                    } else {
                        format!("{base}.{}", def.name)
                    }),
                    value: show(engine, facts, items, v, &def.ty),
                    ..Default::default()
                }
            }
            Used::Param(p) => {
                let Some(def) = in_model(
                    engine.checked.parameters.get(p as usize),
                    "a used parameter",
                ) else {
                    continue;
                };
                let version = m
                    .asof
                    .version
                    .get(p as usize)
                    .copied()
                    .flatten()
                    .and_then(|i| def.values.get(i as usize));
                // Every parameter has its value for the date (unknown when not in force).
                let v = in_model(m.asof.params.get(p as usize), "a parameter's value")
                    .copied()
                    .unwrap_or(V::Unknown);
                let source = version
                    .and_then(|dv| dv.source.as_ref())
                    .or_else(|| def.sources.first())
                    .map(|l| localize(Some(l), lang, ""));
                UsedValue {
                    kind: "parameter",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: None,
                    value: show(engine, facts, items, v, &def.ty),
                    since: version.map(|dv| dv.from.to_string()),
                    source,
                    ..Default::default()
                }
            }
            Used::Row { table, row, v } => {
                let Some(def) = in_model(engine.checked.tables.get(table as usize), "a used table")
                else {
                    continue;
                };
                // A dated table names the version in force: its date and source.
                let version = def
                    .in_force(m.asof.date)
                    .and_then(|(_, k)| k)
                    .and_then(|k| def.versions.get(k));
                UsedValue {
                    kind: "table",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: None,
                    value: show(engine, facts, items, v, &def.result),
                    since: version.map(|v| v.from.to_string()),
                    source: version
                        .and_then(|v| v.source.as_ref())
                        .map(|l| localize(Some(l), lang, "")),
                    row: Some(row.map(|r| r as usize + 1)),
                    ..Default::default()
                }
            }
            Used::Each {
                table,
                count,
                add,
                v,
            } => {
                let Some(def) = in_model(engine.checked.tables.get(table as usize), "a used table")
                else {
                    continue;
                };
                let k = def.in_force(m.asof.date).and_then(|(_, k)| k);
                let version = k.and_then(|k| def.versions.get(k));
                let Some(each) = in_model(def.each_of(k), "a used `for each` line") else {
                    continue;
                };
                let add = show(engine, facts, items, add, &def.result);
                UsedValue {
                    kind: "table",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: None,
                    value: show(engine, facts, items, v, &def.result),
                    since: version.map(|v| v.from.to_string()),
                    source: version
                        .and_then(|v| v.source.as_ref())
                        .map(|l| localize(Some(l), lang, "")),
                    each: Some(EachUsed {
                        column: def
                            .params
                            .get(each.param)
                            .map_or_else(String::new, |(n, _)| n.clone()),
                        above: each.above,
                        add,
                        count,
                    }),
                    ..Default::default()
                }
            }
            Used::Scale { scale, base, v } => {
                let Some(def) = in_model(engine.checked.scales.get(scale as usize), "a used scale")
                else {
                    continue;
                };
                let version = def.in_force(m.asof.date).map(|(_, v)| v);
                UsedValue {
                    kind: "scale",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: None,
                    value: show(engine, facts, items, v, &Type::Money),
                    since: version.and_then(|v| v.from).map(|d| d.to_string()),
                    source: version
                        .and_then(|v| v.source.as_ref())
                        .map(|l| localize(Some(l), lang, "")),
                    scale: scale_used(engine, m, scale, base),
                    ..Default::default()
                }
            }
            Used::Program {
                program,
                inst,
                status,
                amount,
            } => {
                let Some(def) = in_model(
                    engine.checked.programs.get(program as usize),
                    "a used programme",
                ) else {
                    continue;
                };
                let st = Status::from_tri(status);
                let value = match (st, show(engine, facts, items, amount, &Type::Money)) {
                    (Status::Eligible, Some(a)) => format!("{} ({a})", st.as_str()),
                    _ => st.as_str().to_string(),
                };
                let subject = instance_path(engine, facts, inst);
                UsedValue {
                    kind: "program",
                    name: def.name.clone(),
                    label: localize(def.label.as_ref(), lang, &def.name),
                    path: (!subject.is_empty()).then_some(subject),
                    value: Some(value),
                    ..Default::default()
                }
            }
            Used::Presumed { node, v } => {
                let text = source_text(engine, node);
                // A presumed value is a value, not a name: unknown, it reads `?`
                // as in the terminal's report.
                let shown =
                    show(engine, facts, items, v, &Type::Error).unwrap_or_else(|| "?".into());
                let line = format!(
                    "{}: `{text}` {}, {} {shown}",
                    word(lang, "screen.presumed"),
                    word(lang, "screen.unknown"),
                    word(lang, "screen.taken_as")
                );
                if !presumed.contains(&line) {
                    presumed.push(line);
                }
                continue;
            }
        };
        if !out.contains(&uv) {
            out.push(uv);
        }
    }
    out
}

// ---- registry lines ----

/// Appends a whole number without going through `fmt`.
fn push_int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for &b in buf.iter().skip(i) {
        out.push(char::from(b));
    }
}

pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    // Names and paths need no escaping: copy them whole.
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Session<'_> {
    /// Writes every instance's path into the session's path buffer: an owner comes
    /// before what it holds, so each path extends its owner's.
    fn build_paths(&mut self, facts: &Facts) {
        let engine = self.engine;
        self.paths.clear();
        self.path_at.clear();
        for inst in &facts.instances {
            let start = self.paths.len();
            if let Some(&(s, e)) = self.path_at.get(inst.owner as usize) {
                // The owner's path is already in the buffer: copy it, add a step.
                self.paths.extend_from_within(s as usize..e as usize);
                push_step(&mut self.paths, e > s, engine, facts, inst);
            }
            self.path_at.push((start as u32, self.paths.len() as u32));
        }
    }

    /// The path of an instance of the facts of [`Session::build_paths`]: it
    /// has one, at char boundaries of the buffer.
    fn path_of(&self, inst: u32) -> &str {
        in_model(
            self.path_at
                .get(inst as usize)
                .and_then(|&(s, e)| self.paths.get(s as usize..e as usize)),
            "an instance's path",
        )
        .unwrap_or_default()
    }

    /// Evaluates `facts` and appends its JSON line (without the newline):
    /// `{"line": N, "results": [{"program", "subject", "status", "amount", "missing"}]}`,
    /// with `"work_limit": true` after the results when the evaluation ran out
    /// of work ([`crate::limits::MAX_WORK`]: its undetermined results may be
    /// the limit's, not missing facts').
    pub fn write_jsonl(&mut self, line: usize, facts: &Facts, out: &mut String) {
        self.run(facts);
        self.write_line(line, facts, 0, out);
    }

    /// Evaluates the documents together (see [`Session::evaluate_many`]) and
    /// appends each one's JSON line, newline included, to `out`, recording in
    /// `ends` where each line ends. `lines[i]` is the line number of `docs[i]`.
    pub fn write_jsonl_many(
        &mut self,
        docs: &[Facts],
        lines: &[usize],
        out: &mut String,
        ends: &mut Vec<usize>,
    ) {
        self.run_many(docs);
        for (i, (facts, line)) in docs.iter().zip(lines).enumerate() {
            self.write_line(*line, facts, i, out);
            out.push('\n');
            ends.push(out.len());
        }
    }

    /// Sets the language of the labels in registry lines (the ruleset's
    /// first when `lang` is not one of its languages), as in a report: a line
    /// has its labels with or without explanations.
    pub fn set_line_lang(&mut self, lang: Option<&str>) {
        let engine = self.engine;
        let lang = resolve_lang(engine, lang);
        if !self.line_prefix.is_empty() && self.line_lang == lang {
            return;
        }
        self.line_prefix = engine
            .checked
            .programs
            .iter()
            .map(|p| {
                let mut s = String::from("{\"program\":");
                push_json_str(&mut s, &p.name);
                s.push_str(",\"label\":");
                push_json_str(&mut s, &localize(p.label.as_ref(), &lang, &p.name));
                s.push_str(",\"subject\":\"");
                s
            })
            .collect();
        self.line_lang = lang;
    }

    /// Sets which results registry lines keep, by status (every result
    /// until set): the others are left out of each line's `results`; the
    /// line itself, and a refused line's error, is always written.
    pub fn set_line_statuses(&mut self, keep: StatusFilter) {
        self.line_keep = keep;
    }

    /// Appends the line of the `doc`-th document of the last run.
    fn write_line(&mut self, line: usize, facts: &Facts, doc: usize, out: &mut String) {
        if self.line_prefix.is_empty() {
            self.set_line_lang(None);
        }
        self.build_paths(facts);
        let engine = self.engine;
        out.push_str("{\"line\":");
        push_int(out, line as i64);
        out.push_str(",\"results\":[");
        // The last run evaluated the `doc`-th document: its results are there.
        let results = in_model(
            self.doc_results
                .get(doc)
                .and_then(|&(from, to)| self.results.get(from as usize..to as usize)),
            "a document's results",
        )
        .unwrap_or_default();
        let keep = self.line_keep;
        let mut first = true;
        for r in results.iter() {
            if !keep.keeps(Status::from_tri(r.status)) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            // `{"program":"name","label":"…","subject":"` is prepared once per
            // programme and language (`set_line_lang` above).
            out.push_str(
                in_model(
                    self.line_prefix.get(r.program as usize),
                    "a programme's line prefix",
                )
                .map_or("{\"program\":\"\",\"label\":\"\",\"subject\":\"", |s| {
                    s.as_str()
                }),
            );
            // Paths are names and indexes: nothing to escape.
            out.push_str(self.path_of(r.subject));
            out.push_str(match r.status {
                Some(true) => "\",\"status\":\"eligible\",\"amount\":",
                Some(false) => "\",\"status\":\"ineligible\",\"amount\":",
                None => "\",\"status\":\"undetermined\",\"amount\":",
            });
            match (r.status, r.amount) {
                (Some(true), V::Int(a)) => {
                    out.push('"');
                    push_int(out, a);
                    out.push('"');
                }
                (Some(true), V::Dec(d)) => {
                    let _ = write!(out, "\"{}\"", d.normalize());
                }
                _ => out.push_str("null"),
            }
            let miss = in_model(
                self.result_missing
                    .get(r.missing.0 as usize..(r.missing.0 + r.missing.1) as usize),
                "a result's missing facts",
            )
            .unwrap_or_default();
            if miss.is_empty() {
                out.push_str(",\"missing\":[]}");
                continue;
            }
            out.push_str(",\"missing\":[");
            for (k, f) in miss.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push('"');
                let base = self.path_of(f.inst);
                out.push_str(base);
                if !base.is_empty() {
                    out.push('.');
                }
                out.push_str(fact_name(engine, facts, *f));
                out.push('"');
            }
            out.push_str("]}");
        }
        out.push(']');
        if self.doc_work_limit.get(doc).copied().unwrap_or(false) {
            // The line's undetermined results may be the work limit's, not
            // gaps in the facts: said on the line, never silently.
            out.push_str(",\"work_limit\":true");
        }
        out.push('}');
    }

    /// Like [`Session::write_jsonl`], with every result's explanation.
    pub fn write_jsonl_explained(
        &mut self,
        line: usize,
        facts: &Facts,
        lang: Option<&str>,
        out: &mut String,
    ) {
        let mut report = self.screen(
            facts,
            &ScreenOptions {
                explain: true,
                lang: lang.map(|s| s.to_string()),
                tree: 0,
            },
        );
        let keep = self.line_keep;
        report.results.retain(|r| keep.keeps(r.status));
        #[derive(Serialize)]
        struct Line<'a> {
            line: usize,
            results: &'a [ScreenResult],
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            work_limit: bool,
        }
        match serde_json::to_string(&Line {
            line,
            results: &report.results,
            work_limit: self.doc_work_limit.first().copied().unwrap_or(false),
        }) {
            Ok(s) => out.push_str(&s),
            Err(e) => {
                let _ = write!(out, "{{\"line\":{line},\"error\":");
                push_json_str(out, &e.to_string());
                out.push('}');
            }
        }
    }
}

/// `{"line": N, "error": "..."}` for a line that could not be screened.
pub fn error_line(line: usize, message: &str, out: &mut String) {
    let _ = write!(out, "{{\"line\":{line},\"error\":");
    push_json_str(out, message);
    out.push('}');
}

/// The derived values that carry how they were computed, indented under the line
/// that lists them (with their values): `net_income = taxable - tax`, then what
/// that read.
fn render_computed(out: &mut String, values: &[UsedValue], indent: usize, lang: &str) {
    for v in values {
        let Some(c) = &v.computed else { continue };
        let name = v.path.as_deref().unwrap_or(&v.name);
        let _ = writeln!(out, "{:indent$}{name} = {}", "", c.rule);
        let shown = shown_values(&c.values, lang);
        if !shown.is_empty() {
            let _ = writeln!(
                out,
                "{:w$}{}{}",
                "",
                shown.join(", "),
                more(c.omitted, lang),
                w = indent + 2
            );
        }
        render_computed(out, &c.values, indent + 2, lang);
    }
}

/// `, … 3 more` after the values shown when some were left out.
fn more(omitted: usize, lang: &str) -> String {
    if omitted == 0 {
        return String::new();
    }
    let n = omitted.to_string();
    format!(", {}", text(lang, "explain.more", &[("n", &n)]))
}

/// `(what; version from 2025-10-01: source)`: what a value was made of, and the
/// version of the law it came from, in the report's language.
fn detail(what: Option<String>, since: Option<&str>, source: Option<&str>, lang: &str) -> String {
    let version = since.map(|date| match source {
        Some(src) => text(
            lang,
            "explain.version_source",
            &[("date", date), ("source", src)],
        ),
        None => text(lang, "explain.version", &[("date", date)]),
    });
    match (what, version) {
        (Some(w), Some(v)) => format!(" ({w}; {v})"),
        (Some(w), None) => format!(" ({w})"),
        (None, Some(v)) => format!(" ({v})"),
        (None, None) => String::new(),
    }
}

/// `name = value` for each value an explanation used, as the terminal shows it,
/// the engine's words in `lang`.
fn shown_values(values: &[UsedValue], lang: &str) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            let name = match (v.kind, &v.path) {
                ("program", Some(p)) => text(
                    lang,
                    "explain.eligible_for",
                    &[("program", &v.name), ("subject", p)],
                ),
                ("program", None) => format!("eligible({})", v.name),
                (_, Some(p)) => p.clone(),
                (_, None) => v.name.clone(),
            };
            // An unknown value (not a name) reads `?`.
            let value = v.value.as_deref().unwrap_or("?");
            let (since, source) = (v.since.as_deref(), v.source.as_deref());
            if let Some(e) = &v.each {
                let (count, above) = (e.count.to_string(), e.above.to_string());
                let tail = text(
                    lang,
                    "explain.each",
                    &[
                        ("column", &e.column),
                        ("above", &above),
                        ("add", e.add.as_deref().unwrap_or("?")),
                        ("count", &count),
                    ],
                );
                return format!(
                    "{name} = {value}{}",
                    detail(Some(tail), since, source, lang)
                );
            }
            if let Some(sc) = &v.scale {
                // The slices, briefly: `2% × 6000 + 6% × 6400`, or the bracket.
                let slices: Vec<String> = sc
                    .slices
                    .iter()
                    .map(|s| match (&s.rate, &s.part) {
                        (Some(r), Some(p)) => format!("{r} × {p}"),
                        _ => match &s.to {
                            Some(to) => {
                                text(lang, "explain.bracket", &[("from", &s.from), ("to", to)])
                            }
                            None => text(lang, "explain.bracket_from", &[("from", &s.from)]),
                        },
                    })
                    .collect();
                let base = sc.base.as_deref().unwrap_or("?");
                let used = if slices.is_empty() {
                    text(lang, "explain.scale_below", &[("base", base)])
                } else {
                    text(
                        lang,
                        "explain.scale_of",
                        &[("base", base), ("slices", &slices.join(" + "))],
                    )
                };
                return format!(
                    "{name} = {value}{}",
                    detail(Some(used), since, source, lang)
                );
            }
            // A table's row, counted within the version in force if it is dated.
            let name = match v.row {
                Some(Some(row)) => {
                    let row = row.to_string();
                    text(lang, "explain.row", &[("name", &name), ("row", &row)])
                }
                _ => name,
            };
            match since {
                Some(_) if v.kind == "table" || matches!(v.row, Some(Some(_))) => {
                    format!("{name} = {value}{}", detail(None, since, source, lang))
                }
                Some(date) => format!(
                    "{name} = {value} ({})",
                    text(lang, "explain.since", &[("date", date)])
                ),
                None => format!("{name} = {value}"),
            }
        })
        .collect()
}

impl ScreenReport {
    /// A readable report for a terminal: one block per result (eligible first),
    /// the reasons, then the questions to ask next.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let lang = self.lang.as_str();
        let as_of = self.as_of.to_string();
        let _ = writeln!(out, "{}", text(lang, "screen.as_of", &[("date", &as_of)]));
        let order = [Status::Eligible, Status::Undetermined, Status::Ineligible];
        for status in order {
            let group: Vec<&ScreenResult> =
                self.results.iter().filter(|r| r.status == status).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n{} ({})",
                word(lang, status_key(status)).to_uppercase(),
                group.len()
            );
            for r in group {
                let mark = match status {
                    Status::Eligible => "✓",
                    Status::Ineligible => "✗",
                    // The mark of an undetermined result, beside its label.
                    Status::Undetermined => "?",
                };
                let _ = write!(out, "  {mark} {}", r.label);
                if !r.subject.is_empty() {
                    let _ = write!(out, " — {}", r.subject);
                }
                if let Some(a) = &r.amount {
                    let _ = write!(out, ": {a}");
                } else if status == Status::Eligible && !r.missing.is_empty() {
                    let _ = write!(out, ": {}", word(lang, "screen.amount_unknown"));
                }
                out.push('\n');
                if let Some(e) = &r.explanation {
                    for c in e.clauses.iter().filter(|c| c.decisive) {
                        let _ = write!(out, "      {}: {}", verdict(c, lang), c.rule);
                        if let Some(l) = &c.legal {
                            let _ = write!(out, " [{l}]");
                        }
                        out.push('\n');
                        let shown = shown_values(&c.values, lang);
                        if !shown.is_empty() {
                            let more = more(c.omitted, lang);
                            let _ = writeln!(out, "        {}{more}", shown.join(", "));
                        }
                        render_computed(&mut out, &c.values, 10, lang);
                    }
                    if let Some(a) = &e.amount {
                        let _ = writeln!(out, "      = {}", a.rule);
                        let shown = shown_values(&a.values, lang);
                        if !shown.is_empty() {
                            let _ = writeln!(out, "        {}", shown.join(", "));
                        }
                        render_computed(&mut out, &a.values, 10, lang);
                    }
                    for p in &e.presumed {
                        let _ = writeln!(out, "      {p}");
                    }
                    for p in &e.errors {
                        let _ = writeln!(out, "      ! {p}");
                    }
                    if status == Status::Eligible {
                        if let Some(a) = &e.apply {
                            let _ = writeln!(out, "      → {a}");
                        }
                    }
                }
                if !r.missing.is_empty() {
                    let _ = writeln!(
                        out,
                        "      {}: {}",
                        word(lang, "screen.missing"),
                        r.missing.join(", ")
                    );
                }
            }
        }
        if !self.next_questions.is_empty() {
            let _ = writeln!(out, "\n{}:", word(lang, "screen.next_questions"));
            for (i, q) in self.next_questions.iter().enumerate() {
                let _ = write!(out, "  {}. {} ({}, {})", i + 1, q.label, q.path, q.ty);
                if !q.options.is_empty() {
                    let opts: Vec<String> = q.options.iter().map(|o| o.value.to_string()).collect();
                    let _ = write!(out, ": {}", opts.join(" | "));
                }
                let _ = writeln!(out, " — {}", q.decides);
            }
        }
        out
    }
}
