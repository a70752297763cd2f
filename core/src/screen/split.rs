//! Bounded case splitting: a result the three-valued evaluation leaves
//! undetermined (or an eligible result whose amount it leaves unknown) is
//! evaluated again under every completion of its missing facts, when those are
//! few Booleans and enum values. If every completion gives the same status (and
//! amount), that is the result, whichever values the facts take.
//!
//! Sound because each completion is itself evaluated with the three-valued
//! rules, which are sound: a completion whose status is decided gives that
//! status for every completion of the facts still unknown, and the completions
//! enumerated cover every value the split facts can take.
//!
//! The limits (docs/language.md §11.1): at most [`MAX_SPLIT_FACTS`] facts of
//! at most [`MAX_SPLIT_VALUES`] values each per result, and at most
//! [`SPLIT_BUDGET`] evaluations of a programme per document.

use super::facts::Facts;
use super::lower::{FieldKind, Lowered};
use super::machine::{FactRef, Machine};
use super::value::V;
use super::{dedup_tail, Session};

/// At most this many missing facts are split on for one result.
pub(crate) const MAX_SPLIT_FACTS: usize = 3;
/// A fact is split on only when it has at most this many values (a Boolean has
/// 2, an enum its variants).
pub(crate) const MAX_SPLIT_VALUES: usize = 4;
/// At most this many evaluations of a programme, over all results of one
/// document, are spent on splitting.
pub(crate) const SPLIT_BUDGET: usize = 256;

/// A result decided (its status, or an eligible result's amount) by splitting:
/// the index of the result in the session's results and the facts split on.
#[derive(Debug, Clone)]
pub(crate) struct Split {
    pub result: u32,
    pub facts: Vec<FactRef>,
}

/// The values an unknown fact can take, when it is a Boolean or an enum of at
/// most [`MAX_SPLIT_VALUES`] variants; `None` otherwise.
fn values_of(low: &Lowered, facts: &Facts, f: FactRef) -> Option<Vec<V>> {
    let inst = facts.instance(f.inst)?;
    let field = low
        .entities
        .get(inst.entity as usize)?
        .fields
        .get(f.field as usize)?;
    match field.kind {
        FieldKind::Bool => Some(vec![V::Bool(false), V::Bool(true)]),
        FieldKind::Enum(e) => {
            let n = low.enum_variants.get(e as usize)?.len();
            (1..=MAX_SPLIT_VALUES)
                .contains(&n)
                .then(|| (0..n as u32).map(V::Variant).collect())
        }
        _ => None,
    }
}

/// The same value, written alike: `300.50` and `300.500` are equal numbers but
/// not the same amount (§11.1), so a split never picks one of them.
fn same(a: V, b: V) -> bool {
    match (a, b) {
        (V::Unknown, _) | (_, V::Unknown) => false,
        (V::Dec(x), V::Dec(y)) => x == y && x.scale() == y.scale(),
        _ => a == b,
    }
}

/// What the completions of one result gave.
struct Outcome {
    status: Option<bool>,
    amount: V,
    /// Every completion gave the status; the amounts all agree (and are known).
    amounts_agree: bool,
    /// The facts the completions' unknown amounts still miss.
    amount_missing: Vec<FactRef>,
}

impl<'e> Session<'e> {
    /// Splits the results of the document `facts`, `self.results[from..]`.
    pub(crate) fn split_undetermined(&mut self, facts: &Facts, from: usize) {
        let low = &self.engine.lowered;
        let open = |r: &super::RawResult| {
            r.status.is_none()
                || (r.status == Some(true)
                    && r.amount.is_unknown()
                    && low
                        .programs
                        .get(r.program as usize)
                        .is_some_and(|p| p.amount.is_some()))
        };
        if !self.results.get(from..).is_some_and(|rs| rs.iter().any(open)) {
            return;
        }
        let mut budget = SPLIT_BUDGET;
        let mut work: Option<Facts> = None;
        for i in from..self.results.len() {
            let Some(r) = self.results.get(i).copied() else {
                break;
            };
            if !open(&r) {
                continue;
            }
            let (start, len) = (r.missing.0 as usize, r.missing.1 as usize);
            let Some(missing) = self.result_missing.get(start..start + len) else {
                continue;
            };
            if missing.is_empty() || missing.len() > MAX_SPLIT_FACTS {
                continue;
            }
            let missing = missing.to_vec();
            let Some(domains) = missing
                .iter()
                .map(|f| values_of(low, facts, *f))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let completions: usize = domains.iter().map(Vec::len).product();
            if completions > budget {
                continue;
            }
            budget -= completions;
            let work = work.get_or_insert_with(|| facts.clone());
            let outcome = self.complete(work, &r, &missing, &domains);
            // Put the facts back as they were for the next result.
            for f in &missing {
                set_slot(work, *f, V::Unknown);
            }
            let Some(o) = outcome else {
                continue;
            };
            let was_undetermined = r.status.is_none();
            let (amount, new_missing): (V, Vec<FactRef>) = match o.status {
                Some(true) if o.amounts_agree => (o.amount, Vec::new()),
                Some(true) if has_amount(low, &r) => {
                    if !was_undetermined {
                        // Eligible already; its amount stays unknown.
                        continue;
                    }
                    let mut m = missing.clone();
                    m.extend(o.amount_missing);
                    (V::Unknown, m)
                }
                _ => (V::Unknown, Vec::new()),
            };
            let at = self.result_missing.len();
            self.result_missing.extend(new_missing);
            if self.result_missing.len() > at {
                dedup_tail(&mut self.result_missing, at);
            }
            let w = (self.result_missing.len() - at) as u32;
            if let Some(slot) = self.results.get_mut(i) {
                slot.status = o.status;
                slot.amount = amount;
                slot.missing = if w == 0 { (0, 0) } else { (at as u32, w) };
            }
            self.splits.push(Split {
                result: i as u32,
                facts: missing,
            });
        }
    }

    /// Evaluates result `r` under every completion of `missing` (each fact
    /// ranging over its `domains`); `Some` when all give the same decided status.
    fn complete(
        &mut self,
        work: &mut Facts,
        r: &super::RawResult,
        missing: &[FactRef],
        domains: &[Vec<V>],
    ) -> Option<Outcome> {
        let low = &self.engine.lowered;
        let mut pick = vec![0usize; missing.len()];
        let mut out: Option<Outcome> = None;
        loop {
            for ((f, d), k) in missing.iter().zip(domains).zip(&pick) {
                set_slot(work, *f, d.get(*k).copied().unwrap_or(V::Unknown));
            }
            let mut m = Machine::new(low, work, &self.asof, &mut self.scratch);
            let (status, amount, mark) = m.program_direct(r.program, r.subject);
            status?;
            let amount = if status == Some(true) {
                amount
            } else {
                V::Unknown
            };
            let mut amount_missing = Vec::new();
            if status == Some(true) && amount.is_unknown() {
                amount_missing.extend_from_slice(m.s.missing.get(mark..).unwrap_or_default());
            }
            match &mut out {
                None => {
                    out = Some(Outcome {
                        status,
                        amount,
                        amounts_agree: status != Some(true)
                            || !has_amount(low, r)
                            || !amount.is_unknown(),
                        amount_missing,
                    })
                }
                Some(o) => {
                    if o.status != status {
                        return None;
                    }
                    if status == Some(true) && has_amount(low, r) {
                        o.amounts_agree = o.amounts_agree && same(o.amount, amount);
                        o.amount_missing.extend(amount_missing);
                    }
                }
            }
            // The next completion, as an odometer; done when it wraps.
            let mut carry = true;
            for (k, d) in pick.iter_mut().zip(domains) {
                if !carry {
                    break;
                }
                *k += 1;
                carry = *k >= d.len();
                if carry {
                    *k = 0;
                }
            }
            if carry {
                break;
            }
        }
        if let Some(o) = out.as_mut() {
            if !(o.status == Some(true) && has_amount(low, r) && o.amounts_agree) {
                o.amount = V::Unknown;
            }
            o.amount_missing.sort_unstable();
            o.amount_missing.dedup();
        }
        out
    }
}

fn has_amount(low: &Lowered, r: &super::RawResult) -> bool {
    low.programs
        .get(r.program as usize)
        .is_some_and(|p| p.amount.is_some())
}

/// Sets fact `f` of `facts` (a copy the split owns) to `v`.
fn set_slot(facts: &mut Facts, f: FactRef, v: V) {
    let Some(base) = facts.instance(f.inst).map(|i| i.slots as usize) else {
        return;
    };
    if let Some(slot) = facts.slots.get_mut(base + f.field as usize) {
        *slot = v;
    }
}

/// Says, in the explanation of the `index`-th result, that it was decided by
/// splitting: `whichever` lists the facts, the summary says the result is the
/// same whichever values they take, the unknown clauses are the decisive ones
/// (when none else is), and an amount decided by splitting is shown.
pub(crate) fn annotate(
    engine: &super::Engine,
    facts: &Facts,
    splits: &[Split],
    index: usize,
    r: &super::RawResult,
    e: &mut super::report::Explanation,
    lang: &str,
) {
    let Some(split) = splits.iter().find(|s| s.result as usize == index) else {
        return;
    };
    let paths: Vec<String> = split
        .facts
        .iter()
        .map(|f| super::report::fact_path(engine, facts, *f))
        .collect();
    if !e.clauses.iter().any(|c| c.decisive) {
        for c in e.clauses.iter_mut().filter(|c| c.result.is_none()) {
            c.decisive = true;
        }
    }
    if let Some(a) = e.amount.as_mut() {
        if a.value.is_none() {
            a.value = super::report::show(engine, facts, &[], r.amount, &crate::check::Type::Money);
        }
    }
    let status = super::Status::from_tri(r.status);
    let label = engine
        .checked
        .programs
        .get(r.program as usize)
        .map(|p| crate::labels::localize(p.label.as_ref(), lang, &p.name))
        .unwrap_or_default();
    let shown: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
    e.summary = format!(
        "{label}: {} — {}: {}",
        crate::labels::word(lang, status_key(status)),
        crate::labels::word(lang, "screen.whichever"),
        shown.join(", ")
    );
    e.whichever = paths;
}

fn status_key(status: super::Status) -> &'static str {
    match status {
        super::Status::Eligible => "screen.eligible",
        super::Status::Ineligible => "screen.ineligible",
        super::Status::Undetermined => "screen.undetermined",
    }
}
