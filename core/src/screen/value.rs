//! Runtime values and the arithmetic on them.
//!
//! A [`V`] is small and `Copy`, so the evaluator moves values around without
//! allocating. Whole numbers stay `i64` while they fit (counts, ages, most money in
//! a currency without minor units); anything else is an exact `Decimal`. Money never
//! touches floating point.

use std::cmp::Ordering;

use accord_grammar::ast::{BinaryOp, DurationUnit};
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::DurationValue;

/// A list held either by the facts (a `list of` field) or by the evaluation's
/// scratch arena (a filtered list, a projection, a `collect list` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListRef {
    pub scratch: bool,
    pub start: u32,
    pub len: u32,
}

/// A duration as calendar months plus days; `working` durations only make sense
/// with a protocol's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Dur {
    // 32 bits each (saturating): a duration then fits in a value's 16 payload
    // bytes beside a decimal, so values keep a plain layout, tag first.
    pub months: i32,
    pub days: i32,
    pub working: bool,
}

/// `n` clamped to the range of a duration's parts.
fn dur_part(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

impl Dur {
    pub(crate) fn from_value(d: DurationValue) -> Dur {
        let n = i64::from(d.amount);
        match d.unit {
            DurationUnit::Days => Dur {
                months: 0,
                days: dur_part(n),
                working: false,
            },
            DurationUnit::WorkingDays => Dur {
                months: 0,
                days: dur_part(n),
                working: true,
            },
            DurationUnit::Weeks => Dur {
                months: 0,
                days: dur_part(n.saturating_mul(7)),
                working: false,
            },
            DurationUnit::Months => Dur {
                months: dur_part(n),
                days: 0,
                working: false,
            },
            DurationUnit::Years => Dur {
                months: dur_part(n.saturating_mul(12)),
                days: 0,
                working: false,
            },
        }
    }
}

/// A text: one of the ruleset's constants or one of the facts' strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextRef {
    Model(u32),
    Facts(u32),
}

/// A runtime value. `Unknown` is the third truth value and the unknown number,
/// date, list…
// `repr(u64)`: a word-sized tag, and every payload at offset 8, so a value is
// copied as three aligned words. Left free, the compiler hides the tag in a
// niche of one payload and copies values in overlapping unaligned pieces, which
// stall store forwarding (measured: a fifth of the old column evaluator's time).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[repr(u64)]
pub(crate) enum V {
    #[default]
    Unknown,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Date(Date),
    Text(TextRef),
    /// A variant of an enum, a risk level or a choice option, by index.
    Variant(u32),
    Dur(Dur),
    /// An entity instance of the facts.
    Entity(u32),
    List(ListRef),
}

impl V {
    pub(crate) fn is_unknown(self) -> bool {
        matches!(self, V::Unknown)
    }

    pub(crate) fn number(d: Decimal) -> V {
        // Keep whole numbers on the integer fast path.
        if d.scale() == 0 {
            if let Ok(i) = i64::try_from(d) {
                return V::Int(i);
            }
        }
        V::Dec(d)
    }

    pub(crate) fn as_decimal(self) -> Option<Decimal> {
        match self {
            V::Int(i) => Some(Decimal::from(i)),
            V::Dec(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            V::Int(i) => Some(i),
            V::Dec(d) if d.fract().is_zero() => i64::try_from(d).ok(),
            _ => None,
        }
    }
}

/// A comparison operator; its semantics on values are [`compare_known`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// The comparison a binary operator makes, if it is one.
    pub(crate) fn of(op: BinaryOp) -> Option<Cmp> {
        match op {
            BinaryOp::Eq => Some(Cmp::Eq),
            BinaryOp::Ne => Some(Cmp::Ne),
            BinaryOp::Lt => Some(Cmp::Lt),
            BinaryOp::Le => Some(Cmp::Le),
            BinaryOp::Gt => Some(Cmp::Gt),
            BinaryOp::Ge => Some(Cmp::Ge),
            _ => None,
        }
    }

    /// Whether `a op b` holds for every `a` in `a_lo..=a_hi` and `b` in
    /// `b_lo..=b_hi` (`Some(true)`), for none (`Some(false)`), or for some
    /// only (`None`): [`Cmp::holds`] lifted to ranges (the assessments'
    /// interval evaluator).
    pub(crate) fn holds_over<T: Ord>(
        self,
        (a_lo, a_hi): (T, T),
        (b_lo, b_hi): (T, T),
    ) -> Option<bool> {
        // The pairs most and least favourable to the operator.
        let (always, never) = match self {
            Cmp::Lt | Cmp::Le => (self.holds(a_hi.cmp(&b_lo)), !self.holds(a_lo.cmp(&b_hi))),
            Cmp::Gt | Cmp::Ge => (self.holds(a_lo.cmp(&b_hi)), !self.holds(a_hi.cmp(&b_lo))),
            Cmp::Eq | Cmp::Ne => {
                let same = a_lo == a_hi && b_lo == b_hi && a_lo == b_lo;
                let apart = a_hi < b_lo || b_hi < a_lo;
                match self == Cmp::Eq {
                    true => (same, apart),
                    false => (apart, same),
                }
            }
        };
        match (always, never) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            (false, false) => None,
        }
    }

    /// Whether `a op b` holds when `a` is `ord` to `b`.
    #[inline(always)]
    pub(crate) fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Ne => ord != Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

/// An interval a number lies in (a fact's declared domain, a known value, or
/// what arithmetic over them gives): each end `(bound, inclusive)`, `None`
/// unbounded. The screening evaluator's domain reasoning (language reference
/// §6) decides a comparison with an unknown operand when every pair of values
/// of the two intervals decides it alike.
pub(crate) type Interval = crate::check::Domain;

/// The interval holding only `x`.
pub(crate) fn point(x: Decimal) -> Interval {
    Interval {
        low: Some((x, true)),
        high: Some((x, true)),
    }
}

/// `a + b` over intervals; `None` on overflow.
pub(crate) fn interval_add(a: Interval, b: Interval) -> Option<Interval> {
    let end = |x: Option<(Decimal, bool)>, y: Option<(Decimal, bool)>| match (x, y) {
        (Some((p, pi)), Some((q, qi))) => p.checked_add(q).map(|r| Some((r, pi && qi))),
        _ => Some(None),
    };
    Some(Interval {
        low: end(a.low, b.low)?,
        high: end(a.high, b.high)?,
    })
}

/// `-a` over an interval.
pub(crate) fn interval_neg(a: Interval) -> Interval {
    let neg = |e: Option<(Decimal, bool)>| e.map(|(x, i)| (-x, i));
    Interval {
        low: neg(a.high),
        high: neg(a.low),
    }
}

/// `a * k` for a known `k`; `None` on overflow.
pub(crate) fn interval_scale(a: Interval, k: Decimal) -> Option<Interval> {
    if k.is_zero() {
        return Some(point(k));
    }
    let mul = |e: Option<(Decimal, bool)>| match e {
        Some((x, i)) => x.checked_mul(k).map(|r| Some((r, i))),
        None => Some(None),
    };
    let (low, high) = (mul(a.low)?, mul(a.high)?);
    Some(match k.is_sign_negative() {
        false => Interval { low, high },
        true => Interval {
            low: high,
            high: low,
        },
    })
}

/// The number an interval holds alone, if it is a point.
pub(crate) fn point_of(a: Interval) -> Option<Decimal> {
    match (a.low, a.high) {
        (Some((x, true)), Some((y, true))) if x == y => Some(x),
        _ => None,
    }
}

/// `a / k` for a known `k` (none for `k = 0`, which is an evaluation error,
/// or on overflow). The ends are divided as the evaluator divides, rounding
/// alike, so they are kept inclusive: rounding may reach an open end.
pub(crate) fn interval_div(a: Interval, k: Decimal) -> Option<Interval> {
    if k.is_zero() {
        return None;
    }
    let div = |e: Option<(Decimal, bool)>| match e {
        Some((x, _)) => x.checked_div(k).map(|r| Some((r, true))),
        None => Some(None),
    };
    let (low, high) = (div(a.low)?, div(a.high)?);
    Some(match k.is_sign_negative() {
        false => Interval { low, high },
        true => Interval {
            low: high,
            high: low,
        },
    })
}

/// Whether `x op y` holds for every `x` in `a` and `y` in `b` (`Some(true)`),
/// for none (`Some(false)`), or for some only (`None`). Unbounded ends decide
/// nothing on their side.
pub(crate) fn decide_over(op: Cmp, a: Interval, b: Interval) -> Option<bool> {
    // Every x < every y: a's top below b's bottom (touching only when an end
    // is open). Every x <= every y: a's top at most b's bottom.
    let all_lt = |a: Interval, b: Interval| match (a.high, b.low) {
        (Some((p, pi)), Some((q, qi))) => p < q || (p == q && !(pi && qi)),
        _ => false,
    };
    let all_le = |a: Interval, b: Interval| match (a.high, b.low) {
        (Some((p, _)), Some((q, _))) => p <= q,
        _ => false,
    };
    let always = |op: Cmp| match op {
        Cmp::Lt => all_lt(a, b),
        Cmp::Le => all_le(a, b),
        Cmp::Gt => all_lt(b, a),
        Cmp::Ge => all_le(b, a),
        // Equal for every pair: both the same single point.
        Cmp::Eq => a.low == a.high && b.low == b.high && a.low == b.low && a.low.is_some(),
        Cmp::Ne => all_lt(a, b) || all_lt(b, a),
    };
    let negation = match op {
        Cmp::Lt => Cmp::Ge,
        Cmp::Le => Cmp::Gt,
        Cmp::Gt => Cmp::Le,
        Cmp::Ge => Cmp::Lt,
        Cmp::Eq => Cmp::Ne,
        Cmp::Ne => Cmp::Eq,
    };
    if always(op) {
        Some(true)
    } else if always(negation) {
        Some(false)
    } else {
        None
    }
}

/// `a op b` for two known values, texts read through `text`; `None` when they
/// cannot be compared (different kinds, or an order asked of texts).
pub(crate) fn compare_known<'t>(
    op: Cmp,
    a: V,
    b: V,
    text: impl Fn(TextRef) -> &'t str,
) -> Option<bool> {
    if let (V::Text(x), V::Text(y)) = (a, b) {
        let eq = text(x) == text(y);
        return match op {
            Cmp::Eq => Some(eq),
            Cmp::Ne => Some(!eq),
            _ => None,
        };
    }
    Some(op.holds(compare(a, b)?))
}

/// A value as a truth: `None` for unknown (or anything not a Boolean).
pub(crate) fn tri(v: V) -> Option<bool> {
    match v {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

pub(crate) fn from_tri(t: Option<bool>) -> V {
    t.map(V::Bool).unwrap_or(V::Unknown)
}

/// `date(y, m, d)` for known parts.
pub(crate) fn make_date(y: V, m: V, d: V) -> Result<V, Fault> {
    let parts = (
        y.as_i64().and_then(|y| i16::try_from(y).ok()),
        m.as_i64().and_then(|m| i8::try_from(m).ok()),
        d.as_i64().and_then(|d| i8::try_from(d).ok()),
    );
    match parts {
        (Some(y), Some(m), Some(d)) => Date::new(y, m, d)
            .map(V::Date)
            .map_err(|_| Fault::InvalidDate),
        _ => Err(Fault::InvalidDate),
    }
}

/// `round`, `floor`, `ceil` (to `places` decimals; a negative number of places
/// rounds to tens, hundreds, …) or `abs` of a known number.
pub(crate) fn rounded(func: crate::check::Builtin, x: V, places: V) -> Result<V, Fault> {
    use crate::check::Builtin;
    let places = places.as_i64().ok_or(Fault::Overflow)?;
    match func {
        Builtin::Round => round(x, places, RoundingStrategy::MidpointAwayFromZero),
        Builtin::Floor => round(x, places, RoundingStrategy::ToNegativeInfinity),
        Builtin::Ceil => round(x, places, RoundingStrategy::ToPositiveInfinity),
        _ => abs(x),
    }
}

/// Why a value could not be computed. Reported in explanations, never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    DivisionByZero,
    Overflow,
    InvalidDate,
    /// Working days need a protocol's calendar.
    WorkingDays,
    /// Values of types the checker should have kept apart (defensive).
    Type,
}

impl Fault {
    /// Its message's key in the catalogue (`crate::messages`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Fault::DivisionByZero => "fault.division_by_zero",
            Fault::Overflow => "fault.overflow",
            Fault::InvalidDate => "fault.invalid_date",
            Fault::WorkingDays => "fault.working_days",
            Fault::Type => "fault.type",
        }
    }
}

fn dec_op(op: BinaryOp, a: Decimal, b: Decimal) -> Result<V, Fault> {
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => {
            if b.is_zero() {
                return Err(Fault::DivisionByZero);
            }
            a.checked_div(b)
        }
        _ => return Err(Fault::Type),
    };
    r.map(V::number).ok_or(Fault::Overflow)
}

/// `a op b` for known operands of `+ - * /`.
pub(crate) fn arith(op: BinaryOp, a: V, b: V) -> Result<V, Fault> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => {
            let r = match op {
                BinaryOp::Add => x.checked_add(y),
                BinaryOp::Sub => x.checked_sub(y),
                BinaryOp::Mul => x.checked_mul(y),
                BinaryOp::Div => {
                    if y == 0 {
                        return Err(Fault::DivisionByZero);
                    }
                    if x % y == 0 {
                        x.checked_div(y)
                    } else {
                        None
                    }
                }
                _ => return Err(Fault::Type),
            };
            match r {
                Some(v) => Ok(V::Int(v)),
                None => dec_op(op, Decimal::from(x), Decimal::from(y)),
            }
        }
        (V::Int(_) | V::Dec(_), V::Int(_) | V::Dec(_)) => match (a.as_decimal(), b.as_decimal()) {
            (Some(x), Some(y)) => dec_op(op, x, y),
            _ => Err(Fault::Type),
        },
        (V::Date(d), V::Dur(u)) if op == BinaryOp::Add => add_duration(d, u, 1),
        (V::Dur(u), V::Date(d)) if op == BinaryOp::Add => add_duration(d, u, 1),
        (V::Date(d), V::Dur(u)) if op == BinaryOp::Sub => add_duration(d, u, -1),
        (V::Dur(x), V::Dur(y)) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
            let s = if op == BinaryOp::Add { 1 } else { -1 };
            Ok(V::Dur(Dur {
                months: x.months.saturating_add(y.months.saturating_mul(s)),
                days: x.days.saturating_add(y.days.saturating_mul(s)),
                working: x.working || y.working,
            }))
        }
        _ => Err(Fault::Type),
    }
}

pub(crate) fn negate(v: V) -> Result<V, Fault> {
    match v {
        V::Int(i) => match i.checked_neg() {
            Some(n) => Ok(V::Int(n)),
            None => Ok(V::Dec(-Decimal::from(i))),
        },
        V::Dec(d) => Ok(V::Dec(-d)),
        V::Dur(d) => Ok(V::Dur(Dur {
            months: d.months.saturating_neg(),
            days: d.days.saturating_neg(),
            working: d.working,
        })),
        _ => Err(Fault::Type),
    }
}

/// Adds a duration to a date; months keep the day of the month or take the last
/// day where that day does not exist.
pub(crate) fn add_duration(d: Date, u: Dur, sign: i64) -> Result<V, Fault> {
    if u.working {
        return Err(Fault::WorkingDays);
    }
    let months = add_months(d, sign.saturating_mul(i64::from(u.months)))?;
    let span = jiff::Span::new()
        .try_days(sign.saturating_mul(i64::from(u.days)))
        .map_err(|_| Fault::Overflow)?;
    months
        .checked_add(span)
        .map(V::Date)
        .map_err(|_| Fault::InvalidDate)
}

fn add_months(d: Date, months: i64) -> Result<Date, Fault> {
    if months == 0 {
        return Ok(d);
    }
    let total = i64::from(d.year()) * 12 + i64::from(d.month()) - 1 + months;
    let year = total.div_euclid(12);
    let month = total.rem_euclid(12) + 1;
    let year = i16::try_from(year).map_err(|_| Fault::InvalidDate)?;
    let month = i8::try_from(month).map_err(|_| Fault::InvalidDate)?;
    let first = Date::new(year, month, 1).map_err(|_| Fault::InvalidDate)?;
    let day = d.day().min(first.days_in_month());
    Date::new(year, month, day).map_err(|_| Fault::InvalidDate)
}

/// Whole years from `a` to `b`, as ages are counted: someone born on 29 February
/// is a year older on 28 February in common years.
pub(crate) fn years_between(a: Date, b: Date) -> Result<i64, Fault> {
    // Ages are computed for every person of every household: plain arithmetic on
    // (month, day), with the anniversary of 29 February on 28 February in common
    // years, as month arithmetic does.
    let mut y = i64::from(b.year()) - i64::from(a.year());
    let anniversary_day = |year: i16| -> i8 {
        if a.month() == 2 && a.day() == 29 && !is_leap(year) {
            28
        } else {
            a.day()
        }
    };
    if y > 0 && (b.month(), b.day()) < (a.month(), anniversary_day(b.year())) {
        y -= 1;
    } else if y < 0 && (b.month(), b.day()) > (a.month(), anniversary_day(b.year())) {
        y += 1;
    }
    Ok(y)
}

fn is_leap(year: i16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Whole months from `a` to `b` (negative when `b` is earlier), truncated toward 0.
pub(crate) fn months_between(a: Date, b: Date) -> Result<i64, Fault> {
    let mut m = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month())
        - i64::from(a.month());
    if m > 0 && add_months(a, m)? > b {
        m -= 1;
    } else if m < 0 && add_months(a, m)? < b {
        m += 1;
    }
    Ok(m)
}

pub(crate) fn days_between(a: Date, b: Date) -> Result<i64, Fault> {
    a.until(b)
        .map(|s| i64::from(s.get_days()))
        .map_err(|_| Fault::Overflow)
}

/// The smaller (`min`) or the larger of two known values: on a tie the first for
/// the smaller, the second for the larger (which only shows in how a number is
/// written, `5` or `5.00`); `None` when they cannot be compared. What `min`,
/// `max` and their list forms take, in every evaluator.
pub(crate) fn extreme(a: V, b: V, min: bool) -> Option<V> {
    let o = compare(a, b)?;
    Some(if (o == Ordering::Greater) == min {
        b
    } else {
        a
    })
}

/// `min(a, b, …)` or `max(a, b, …)` taken one argument at a time: an unknown
/// argument is noted (the others are still taken, so every evaluator reads all
/// of them), two that cannot be compared are an error.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extreme {
    acc: Option<V>,
    unknown: bool,
}

impl Extreme {
    pub(crate) fn add(&mut self, v: V, min: bool) -> Result<(), Fault> {
        if v.is_unknown() {
            self.unknown = true;
            return Ok(());
        }
        self.acc = Some(match self.acc {
            None => v,
            Some(a) => extreme(a, v, min).ok_or(Fault::Type)?,
        });
        Ok(())
    }

    /// The result, `None` when an argument was unknown.
    pub(crate) fn value(self) -> Option<V> {
        if self.unknown {
            None
        } else {
            Some(self.acc.unwrap_or(V::Unknown))
        }
    }
}

/// Orders two known values of one type; `None` when they cannot be compared.
pub(crate) fn compare(a: V, b: V) -> Option<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(&y)),
        (V::Int(_) | V::Dec(_), V::Int(_) | V::Dec(_)) => {
            Some(a.as_decimal()?.cmp(&b.as_decimal()?))
        }
        (V::Date(x), V::Date(y)) => Some(x.cmp(&y)),
        (V::Dur(x), V::Dur(y)) => {
            // Only durations of one shape have an order (`1 month` vs `30 days` has none).
            if x.working != y.working {
                None
            } else if x.days == 0 && y.days == 0 {
                Some(x.months.cmp(&y.months))
            } else if x.months == 0 && y.months == 0 {
                Some(x.days.cmp(&y.days))
            } else if x == y {
                Some(Ordering::Equal)
            } else {
                None
            }
        }
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(&y)),
        (V::Variant(x), V::Variant(y)) => Some(x.cmp(&y)),
        (V::Entity(x), V::Entity(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

pub(crate) fn round(v: V, places: i64, strategy: RoundingStrategy) -> Result<V, Fault> {
    match v {
        V::Int(_) if places >= 0 => Ok(v),
        V::Int(i) => round_decimal(Decimal::from(i), places, strategy)
            .map(V::number)
            .ok_or(Fault::Overflow),
        V::Dec(d) => round_decimal(d, places, strategy)
            .map(V::number)
            .ok_or(Fault::Overflow),
        _ => Err(Fault::Type),
    }
}

/// `d` rounded to `places` decimals by `strategy`; a negative number of places
/// rounds to tens, hundreds, … (`-2`: to the nearest hundred, as "rounded to
/// 100 drams" in law). `None` when the result does not fit.
pub(crate) fn round_decimal(
    d: Decimal,
    places: i64,
    strategy: RoundingStrategy,
) -> Option<Decimal> {
    if places >= 0 {
        // More places than a decimal holds leave it as it is.
        let places = u32::try_from(places).unwrap_or(u32::MAX);
        return Some(d.round_dp_with_strategy(places, strategy));
    }
    let k = u32::try_from(places.checked_neg()?)
        .ok()
        .filter(|k| *k <= 28)?;
    let mut unit = Decimal::ONE;
    for _ in 0..k {
        unit = unit.checked_mul(Decimal::TEN)?;
    }
    d.checked_div(unit)?
        .round_dp_with_strategy(0, strategy)
        .checked_mul(unit)
}

pub(crate) fn abs(v: V) -> Result<V, Fault> {
    match v {
        V::Int(i) => match i.checked_abs() {
            Some(a) => Ok(V::Int(a)),
            None => Ok(V::Dec(Decimal::from(i).abs())),
        },
        V::Dec(d) => Ok(V::Dec(d.abs())),
        _ => Err(Fault::Type),
    }
}

// Tests only (compiled under `cfg(test)`, allowed by clippy.toml): the unwraps
// below run on fixed dates and numbers written here, never on input.
#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn rounding_to_places_and_to_hundreds() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let half_up = RoundingStrategy::MidpointAwayFromZero;
        // 66.675 to the cent: half away from zero.
        assert_eq!(round_decimal(d("66.675"), 2, half_up), Some(d("66.68")));
        // To the nearest hundred: 12 349.99 is 123.4999 hundreds → 123 → 12 300;
        // 12 350 is 123.5 hundreds → 124 → 12 400.
        assert_eq!(round_decimal(d("12349.99"), -2, half_up), Some(d("12300")));
        assert_eq!(round_decimal(d("12350"), -2, half_up), Some(d("12400")));
        // Down and up to the thousand: 12 999 → 12 000; 12 001 → 13 000.
        let down = RoundingStrategy::ToNegativeInfinity;
        let up = RoundingStrategy::ToPositiveInfinity;
        assert_eq!(round_decimal(d("12999"), -3, down), Some(d("12000")));
        assert_eq!(round_decimal(d("12001"), -3, up), Some(d("13000")));
        // An integer to tens: 1 234 → 1 230 (123.4 tens → 123).
        assert_eq!(round(V::Int(1234), -1, half_up), Ok(V::Int(1230)));
        assert_eq!(round(V::Int(1234), 2, half_up), Ok(V::Int(1234)));
        // Past a decimal's 28 digits: no result, never a panic.
        assert_eq!(round_decimal(d("5"), -29, half_up), None);
        assert_eq!(round_decimal(d("5"), i64::MIN, half_up), None);
        assert_eq!(round_decimal(d("5.5"), i64::MAX, half_up), Some(d("5.5")));
    }

    #[test]
    fn ages_count_whole_years_and_leap_days() {
        assert_eq!(
            years_between(date(1990, 5, 1), date(2025, 3, 1)).unwrap(),
            34
        );
        assert_eq!(
            years_between(date(1990, 3, 1), date(2025, 3, 1)).unwrap(),
            35
        );
        assert_eq!(
            years_between(date(2000, 2, 29), date(2001, 2, 28)).unwrap(),
            1
        );
        assert_eq!(
            years_between(date(2000, 2, 29), date(2001, 2, 27)).unwrap(),
            0
        );
        assert_eq!(
            years_between(date(2025, 3, 1), date(1990, 5, 1)).unwrap(),
            -34
        );
        assert_eq!(
            months_between(date(2024, 1, 31), date(2024, 2, 29)).unwrap(),
            1
        );
    }

    #[test]
    fn fast_ages_agree_with_month_arithmetic() {
        let mut days = Vec::new();
        let mut d = date(1999, 12, 25);
        while d < date(2005, 3, 5) {
            days.push(d);
            d = d.tomorrow().unwrap();
        }
        for (i, a) in days.iter().enumerate().step_by(7) {
            for b in days.iter().skip(i % 5).step_by(11) {
                assert_eq!(
                    years_between(*a, *b).unwrap(),
                    months_between(*a, *b).unwrap() / 12,
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_the_last_day() {
        let one_month = Dur {
            months: 1,
            days: 0,
            working: false,
        };
        assert_eq!(
            add_duration(date(2024, 1, 31), one_month, 1).unwrap(),
            V::Date(date(2024, 2, 29))
        );
        assert_eq!(
            add_duration(date(2024, 3, 31), one_month, -1).unwrap(),
            V::Date(date(2024, 2, 29))
        );
    }

    #[test]
    fn integers_fall_back_to_decimals() {
        assert_eq!(
            arith(BinaryOp::Div, V::Int(7), V::Int(2)).unwrap(),
            V::Dec(Decimal::new(35, 1))
        );
        assert_eq!(
            arith(BinaryOp::Div, V::Int(8), V::Int(2)).unwrap(),
            V::Int(4)
        );
        assert_eq!(
            arith(BinaryOp::Mul, V::Int(i64::MAX), V::Int(2)).unwrap(),
            V::Dec(Decimal::from(i64::MAX) * Decimal::from(2))
        );
        assert_eq!(
            arith(BinaryOp::Div, V::Int(1), V::Int(0)),
            Err(Fault::DivisionByZero)
        );
    }
}

#[cfg(test)]
mod size {
    #[test]
    fn value_is_small() {
        // Every evaluation step moves values: keep them within three words.
        assert!(
            std::mem::size_of::<super::V>() <= 24,
            "{}",
            std::mem::size_of::<super::V>()
        );
    }
}
