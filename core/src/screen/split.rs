//! Bounded case splitting: a result the three-valued evaluation leaves
//! undetermined (or an eligible result whose amount it leaves unknown) is
//! evaluated again under every completion of its missing facts, when those are
//! few Booleans and enum values. If every completion gives the same status (and
//! amount), that is the result, whichever values the facts take. (An integer
//! fact whose domain holds at most four values, `in 0..3`, is split on too.)
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

/// The values an unknown fact can take, when it is a Boolean, an enum of at
/// most [`MAX_SPLIT_VALUES`] variants or an integer whose domain holds at most
/// that many; `None` otherwise.
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
        // An integer whose domain holds at most four values (`in 0..3`).
        FieldKind::Int => {
            let d = field.domain.as_ref()?;
            let ((lo, lo_in), (hi, hi_in)) = (d.low?, d.high?);
            let first = if lo_in {
                lo.ceil()
            } else {
                lo.floor() + rust_decimal::Decimal::ONE
            };
            let last = if hi_in {
                hi.floor()
            } else {
                hi.ceil() - rust_decimal::Decimal::ONE
            };
            let (first, last) = (i64::try_from(first).ok()?, i64::try_from(last).ok()?);
            let n = last.checked_sub(first)?.checked_add(1)?;
            (1..=MAX_SPLIT_VALUES as i64)
                .contains(&n)
                .then(|| (first..=last).map(V::Int).collect())
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

/// What every completion split on gave one result: a decided status, and the
/// amount when all agree on it (else `Unknown`, with the facts it misses).
struct Outcome {
    status: bool,
    amount: V,
    amount_missing: Vec<FactRef>,
}

/// The state of one result's splitting: the document's copy being completed,
/// the facts split on so far along the current branch, every fact split on,
/// and what is left of the document's budget.
struct Tree<'w> {
    work: &'w mut Facts,
    path: Vec<FactRef>,
    all: Vec<FactRef>,
    budget: &'w mut usize,
}

impl<'e> Session<'e> {
    /// Splits the results of the document `facts`, `self.results[from..]`.
    pub(crate) fn split_undetermined(&mut self, facts: &Facts, from: usize) {
        let low = &self.engine.lowered;
        let open = |r: &super::RawResult| {
            r.status.is_none()
                || (r.status == Some(true) && r.amount.is_unknown() && has_amount(low, r))
        };
        if !self
            .results
            .get(from..)
            .is_some_and(|rs| rs.iter().any(open))
        {
            return;
        }
        let mut budget = SPLIT_BUDGET;
        let mut work: Option<Facts> = None;
        for i in from..self.results.len() {
            let Some(r) = self.results.get(i).copied() else {
                break;
            };
            if !open(&r) || budget == 0 {
                continue;
            }
            // Only when every missing fact can be split on, and they are few.
            let (start, len) = (r.missing.0 as usize, r.missing.1 as usize);
            let splittable = (1..=MAX_SPLIT_FACTS).contains(&len)
                && self
                    .result_missing
                    .get(start..start + len)
                    .is_some_and(|m| m.iter().all(|f| values_of(low, facts, *f).is_some()));
            if !splittable {
                continue;
            }
            let work = work.get_or_insert_with(|| facts.clone());
            let mut tree = Tree {
                work,
                path: Vec::new(),
                all: Vec::new(),
                budget: &mut budget,
            };
            let Some(o) = self.decide(&mut tree, &r) else {
                continue;
            };
            let mut split_on = tree.all;
            split_on.sort_unstable();
            split_on.dedup();
            let was_eligible = r.status == Some(true);
            if was_eligible && o.amount.is_unknown() {
                // Eligible already; its amount stays unknown.
                continue;
            }
            let (status, amount) = (Some(o.status), o.amount);
            let at = self.result_missing.len();
            if o.status && amount.is_unknown() && has_amount(low, &r) {
                self.result_missing.extend(o.amount_missing);
                dedup_tail(&mut self.result_missing, at);
            }
            let w = (self.result_missing.len() - at) as u32;
            if let Some(slot) = self.results.get_mut(i) {
                slot.status = status;
                slot.amount = if o.status { amount } else { V::Unknown };
                slot.missing = if w == 0 { (0, 0) } else { (at as u32, w) };
            }
            self.splits.push(Split {
                result: i as u32,
                facts: split_on,
            });
        }
    }

    /// Evaluates result `r` on the document as completed so far; when its
    /// status is unknown (or its amount, when eligible), splits on the first
    /// missing fact that can be split on, and requires every value of it to
    /// give the same status. `None` when a branch stays undetermined, or the
    /// limits are reached.
    fn decide(&mut self, t: &mut Tree<'_>, r: &super::RawResult) -> Option<Outcome> {
        let low = &self.engine.lowered;
        *t.budget = t.budget.checked_sub(1)?;
        let (status, amount, missing) = {
            let mut m = Machine::new(low, t.work, &self.asof, &mut self.scratch);
            let (status, amount, mark) = m.program_direct(r.program, r.subject);
            let open = status.is_none()
                || (status == Some(true) && amount.is_unknown() && has_amount(low, r));
            let missing: Vec<FactRef> = match open {
                true => m.s.missing.get(mark..).unwrap_or_default().to_vec(),
                false => Vec::new(),
            };
            (status, amount, missing)
        };
        let amount = match status == Some(true) && has_amount(low, r) {
            true => amount,
            false => V::Unknown,
        };
        let split = match missing.is_empty() || t.path.len() >= MAX_SPLIT_FACTS {
            true => None,
            false => missing
                .iter()
                .find_map(|f| values_of(low, t.work, *f).map(|vs| (*f, vs))),
        };
        let Some((fact, values)) = split else {
            // Nothing more to split on: decided or not, as evaluated.
            let status = status?;
            return Some(Outcome {
                status,
                amount,
                amount_missing: missing,
            });
        };
        if status == Some(true) && *t.budget < values.len() {
            // An amount that cannot be worked out within the budget.
            return Some(Outcome {
                status: true,
                amount,
                amount_missing: missing,
            });
        }
        t.path.push(fact);
        t.all.push(fact);
        let mut out: Option<Outcome> = None;
        let mut failed = false;
        for v in values {
            set_slot(t.work, fact, v);
            let Some(o) = self.decide(t, r) else {
                failed = true;
                break;
            };
            match out.as_mut() {
                None => out = Some(o),
                Some(acc) => {
                    if acc.status != o.status {
                        failed = true;
                        break;
                    }
                    if !same(acc.amount, o.amount) {
                        if !acc.amount.is_unknown() || !o.amount.is_unknown() {
                            acc.amount_missing.push(fact);
                        }
                        acc.amount = V::Unknown;
                    }
                    acc.amount_missing.extend(o.amount_missing);
                }
            }
        }
        set_slot(t.work, fact, V::Unknown);
        t.path.pop();
        if failed {
            // An eligible status is decided whatever the split: only its
            // amount stays unknown, with the facts it misses.
            return match status {
                Some(true) => Some(Outcome {
                    status: true,
                    amount: V::Unknown,
                    amount_missing: missing,
                }),
                _ => None,
            };
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

/// Says, in the explanations of a report just screened (`session.results` are
/// its results, in order), which results were decided by splitting:
/// `whichever` lists the facts, the summary says the result is the same
/// whichever values they take, the unknown clauses are the decisive ones (when
/// none else is), and an amount decided by splitting is shown.
pub(crate) fn annotate(
    session: &Session<'_>,
    facts: &Facts,
    report: &mut super::report::ScreenReport,
) {
    let engine = session.engine;
    let lang = report.lang.clone();
    for split in &session.splits {
        let i = split.result as usize;
        let (Some(r), Some(out)) = (session.results.get(i), report.results.get_mut(i)) else {
            continue;
        };
        let Some(e) = out.explanation.as_mut() else {
            continue;
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
                a.value =
                    super::report::show(engine, facts, &[], r.amount, &crate::check::Type::Money);
            }
        }
        let status = super::Status::from_tri(r.status);
        let shown: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
        e.summary = format!(
            "{}: {} — {}: {}",
            out.label,
            crate::labels::word(&lang, status_key(status)),
            crate::labels::word(&lang, "screen.whichever"),
            shown.join(", ")
        );
        e.whichever = paths;
    }
}

fn status_key(status: super::Status) -> &'static str {
    match status {
        super::Status::Eligible => "screen.eligible",
        super::Status::Ineligible => "screen.ineligible",
        super::Status::Undetermined => "screen.undetermined",
    }
}
