//! Monthly series: facts with one value per calendar month (`income: monthly
//! Money`), read by `sum_last`, `average_last`, `min_last`, `max_last` and
//! `month_value` over months counted back from the as-of date.
//!
//! A month is a number, `year * 12 + month - 1` (`check/series.rs`, with the
//! window a series function reads on a date). In the facts a series is a
//! list whose first element is the number of its first month and whose others
//! are the values of the months from it on, unknown where the document left a
//! month out or gave `null` (`facts::MonthsRead` builds it). Both evaluators
//! read a series through [`aggregate`], so they agree by construction; the
//! window of months is fixed when the nodes are folded for an as-of date.
//!
//! The reference months are the complete calendar months before the as-of
//! month: on 2026-03-15, `sum_last(income, 3 months)` reads 2025-12, 2026-01 and
//! 2026-02 (most benefit laws count the months before the application month;
//! the month in progress is not over). `month_value(income, 0 months)` is the
//! as-of month itself.

use std::fmt::Write as _;

use accord_grammar::ast::BinaryOp;
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Visitor};

use super::facts::Facts;
use super::value::{self, Interval, V};
use crate::check::Builtin;

pub(crate) use crate::check::{month_text, parse_month, window};

/// The value of month `m` of the series held in `slot` (unknown when the
/// series or the month is not given).
pub(crate) fn month(facts: &Facts, slot: V, m: i32) -> V {
    let V::List(l) = slot else {
        return V::Unknown;
    };
    let Some(V::Int(first)) = facts.items.get(l.start as usize) else {
        return V::Unknown;
    };
    let Some(off) = i64::from(m).checked_sub(*first) else {
        return V::Unknown;
    };
    if off < 0 || off >= i64::from(l.len) - 1 {
        return V::Unknown;
    }
    facts
        .items
        .get(l.start as usize + 1 + off as usize)
        .copied()
        .unwrap_or(V::Unknown)
}

/// `func` over the `count` months from `first` of the series in `slot`.
/// Unknown when a month it reads is unknown (each is passed to `missing`) or
/// the arithmetic fails; the domain reasoning ([`interval`]) may still decide
/// a comparison with it.
pub(crate) fn aggregate(
    func: Builtin,
    facts: &Facts,
    slot: V,
    (first, count): (i32, u32),
    mut missing: impl FnMut(i32),
) -> V {
    let mut acc: Option<V> = None;
    let mut unknown = false;
    for k in 0..count {
        let m = first.saturating_add(k as i32);
        let v = month(facts, slot, m);
        if v.is_unknown() {
            unknown = true;
            missing(m);
            continue;
        }
        if unknown {
            continue;
        }
        acc = Some(match acc {
            None => v,
            Some(a) => match func {
                Builtin::SumLast | Builtin::AverageLast => {
                    match value::arith(BinaryOp::Add, a, v) {
                        Ok(x) => x,
                        Err(_) => return V::Unknown,
                    }
                }
                _ => match value::extreme(a, v, func == Builtin::MinLast) {
                    Some(x) => x,
                    None => return V::Unknown,
                },
            },
        });
    }
    if unknown {
        return V::Unknown;
    }
    match (func, acc) {
        (Builtin::AverageLast, Some(s)) => {
            value::arith(BinaryOp::Div, s, V::Int(i64::from(count))).unwrap_or(V::Unknown)
        }
        (_, Some(v)) => v,
        (_, None) => V::Unknown,
    }
}

/// The interval `func` over the window lies in: each unknown month within the
/// series' domain, or anywhere when it has none (the lowest of 79 and an
/// unknown month is still at most 79).
pub(crate) fn interval(
    func: Builtin,
    facts: &Facts,
    slot: V,
    (first, count): (i32, u32),
    domain: Option<Interval>,
) -> Option<Interval> {
    let mut acc: Option<Interval> = None;
    for k in 0..count {
        let m = first.saturating_add(k as i32);
        let x = match month(facts, slot, m) {
            V::Unknown => domain.unwrap_or(Interval {
                low: None,
                high: None,
            }),
            v => value::point(v.as_decimal()?),
        };
        acc = Some(match acc {
            None => x,
            Some(a) => match func {
                Builtin::SumLast | Builtin::AverageLast => value::interval_add(a, x)?,
                _ => extreme(a, x, func == Builtin::MinLast),
            },
        });
    }
    match func {
        Builtin::AverageLast => value::interval_div(acc?, Decimal::from(count)),
        _ => acc,
    }
}

/// The interval of the smaller (`min`) or larger of two values from `a` and
/// `b`; its ends made inclusive, which only widens it.
fn extreme(a: Interval, b: Interval, min: bool) -> Interval {
    let pick = |x: Option<(Decimal, bool)>, y: Option<(Decimal, bool)>, lower_end: bool| {
        // An absent end is unbounded: below for a low end, above for a high one.
        match (x, y) {
            (Some((p, _)), Some((q, _))) => Some((if min { p.min(q) } else { p.max(q) }, true)),
            (None, other) | (other, None) => {
                if lower_end == min {
                    None
                } else {
                    other.map(|(p, _)| (p, true))
                }
            }
        }
    };
    Interval {
        low: pick(a.low, b.low, true),
        high: pick(a.high, b.high, false),
    }
}

/// `path` (or a label) with the month a missing fact names, `[2025-01]`;
/// unchanged for a whole fact (`month` 0, see `machine::FactRef`).
pub(crate) fn with_month(mut path: String, month: u32) -> String {
    if let Some(m) = month_of(month) {
        let _ = write!(path, "[{m}]");
    }
    path
}

/// The month a fact reference names (`2025-02`), if it is a month of a series
/// (`month` counts from 1; 0 is the whole fact).
pub(crate) fn month_of(month: u32) -> Option<String> {
    (month > 0).then(|| month_text(i32::try_from(i64::from(month) - 1).unwrap_or(0)))
}

/// The type a question for a fact asks: one month's for a month of a series.
pub(crate) fn asked_type(ty: &crate::check::Type, month: u32) -> &crate::check::Type {
    match ty {
        crate::check::Type::Monthly(inner) if month > 0 => inner,
        t => t,
    }
}

/// A month key of a series object.
pub(crate) enum MonthKey {
    Month(i32),
    /// Not a `YYYY-MM` month (F0017; the key is not echoed).
    Bad,
}

pub(crate) struct MonthKeySeed;

impl<'de> DeserializeSeed<'de> for MonthKeySeed {
    type Value = MonthKey;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<MonthKey, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MonthKeySeed {
    type Value = MonthKey;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a month written YYYY-MM")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<MonthKey, E> {
        Ok(parse_month(s).map_or(MonthKey::Bad, MonthKey::Month))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_and_print() {
        // 2025-01 is 2025 * 12 + 0.
        assert_eq!(parse_month("2025-01"), Some(24_300));
        assert_eq!(month_text(24_300), "2025-01");
        assert_eq!(month_text(24_311), "2025-12");
        for bad in [
            "2025-13",
            "2025-00",
            "2025-1",
            "25-01",
            "2025/01",
            "2025-01-01",
            "0000-01",
            "+202-01",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_window_is_the_months_before_the_as_of_month() {
        let d = jiff::civil::Date::new(2026, 3, 15).unwrap_or_default();
        // 3 months before March 2026: December 2025 to February 2026.
        let (first, n) = window(Builtin::SumLast, 3, d);
        assert_eq!((month_text(first), n), ("2025-12".to_string(), 3));
        // month_value 0 months: March 2026 itself; 12 months: March 2025.
        assert_eq!(month_text(window(Builtin::MonthValue, 0, d).0), "2026-03");
        assert_eq!(
            window(Builtin::MonthValue, 12, d),
            (parse_month("2025-03").unwrap_or(0), 1)
        );
    }
}
