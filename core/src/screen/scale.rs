//! Scales at run time (their lowered form is `lower::LScale`): the arithmetic of a `marginal`
//! or `single` scale, shared by the row machine, the certain path and the
//! explanations so that all three compute the same thing.
//!
//! Exact decimals throughout, never rounded here: 2% of 6 000 is 120, 6% of
//! 123.45 is 7.4070. A rule that wants a rounded figure says so (`round(…)`).

use accord_grammar::ast::ScaleKind;
use rust_decimal::Decimal;

use super::lower::LOperand;
use super::value::V;

/// One slice of a marginal scale that the base reached: `[low, high)` (no
/// `high` for the top bracket), its rate, the part of the base in it, and
/// `rate × part`. For a `single` scale, the bracket the base falls in, with
/// `rate` its amount and `part`/`amount` both the amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slice {
    pub low: Decimal,
    pub high: Option<Decimal>,
    pub rate: Decimal,
    pub part: Decimal,
    pub amount: Decimal,
}

/// Why a scale gave no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    /// A threshold, rate or amount (a parameter) is unknown on this date.
    Unknown,
    /// The arithmetic overflowed.
    Overflow,
}

/// Applies the brackets to `base`: the total and the slices used (at most
/// `keep` of them are kept, the total counts them all).
///
/// `marginal`: Σ rate_i × (min(base, t_{i+1}) − t_i) over the brackets whose
/// threshold `t_i` the base exceeds; a base at or below the first threshold
/// gives 0, as OpenFisca's `MarginalRateTaxScale.calc`. `single`: the amount of
/// the last bracket whose threshold is at or below the base (a threshold is
/// inclusive: a base equal to it is in that bracket), 0 below the first
/// threshold, as OpenFisca's `SingleAmountTaxScale.calc`.
pub(crate) fn apply(
    kind: ScaleKind,
    brackets: &[(LOperand, LOperand)],
    base: Decimal,
    mut operand: impl FnMut(LOperand) -> V,
    keep: usize,
) -> Result<(Decimal, Vec<Slice>), Miss> {
    let mut cells = Vec::with_capacity(brackets.len());
    for (t, r) in brackets {
        let t = operand(*t).as_decimal().ok_or(Miss::Unknown)?;
        let r = operand(*r).as_decimal().ok_or(Miss::Unknown)?;
        cells.push((t, r));
    }
    let mut slices = Vec::new();
    match kind {
        ScaleKind::Marginal => {
            let mut total = Decimal::ZERO;
            for (i, &(low, rate)) in cells.iter().enumerate() {
                let high = cells.get(i + 1).map(|c| c.0);
                if base <= low {
                    continue;
                }
                let top = high.map_or(base, |h| base.min(h));
                let part = top.checked_sub(low).ok_or(Miss::Overflow)?;
                if part <= Decimal::ZERO {
                    continue;
                }
                let amount = rate.checked_mul(part).ok_or(Miss::Overflow)?;
                total = total.checked_add(amount).ok_or(Miss::Overflow)?;
                if slices.len() < keep {
                    slices.push(Slice {
                        low,
                        high,
                        rate,
                        part: part.normalize(),
                        amount: amount.normalize(),
                    });
                }
            }
            Ok((total.normalize(), slices))
        }
        ScaleKind::Single => {
            let Some(i) = cells.iter().rposition(|c| c.0 <= base) else {
                return Ok((Decimal::ZERO, slices));
            };
            let Some(&(low, amount)) = cells.get(i) else {
                return Ok((Decimal::ZERO, slices));
            };
            if keep > 0 {
                slices.push(Slice {
                    low,
                    high: cells.get(i + 1).map(|c| c.0),
                    rate: amount,
                    part: amount,
                    amount,
                });
            }
            Ok((amount.normalize(), slices))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn brackets(cells: &[(&str, &str)]) -> Vec<(LOperand, LOperand)> {
        cells
            .iter()
            .map(|(t, r)| (LOperand::Const(V::Dec(d(t))), LOperand::Const(V::Dec(d(r)))))
            .collect()
    }

    // The OpenFisca country template's 2017 scale: 0 | 2%, 12 400 | 12%.
    #[test]
    fn marginal_slices() {
        let b = brackets(&[("0", "0.02"), ("12400", "0.12")]);
        // 20 000: 2% × 12 400 = 248, 12% × 7 600 = 912; 248 + 912 = 1 160.
        let (total, slices) = apply(
            ScaleKind::Marginal,
            &b,
            d("20000"),
            |o| match o {
                LOperand::Const(v) => v,
                LOperand::Param(_) => V::Unknown,
            },
            8,
        )
        .unwrap_or_default();
        assert_eq!(total, d("1160"));
        assert_eq!(slices.len(), 2);
        // At the first threshold and below: 0, no slice.
        let (total, slices) = apply(ScaleKind::Marginal, &b, d("0"), |_| V::Unknown, 8)
            .map_err(|_| ())
            .unwrap_or((d("1"), Vec::new()));
        // The brackets' operands are unknown: a miss, shown as (1, []).
        assert_eq!((total, slices.len()), (d("1"), 0));
    }

    #[test]
    fn single_threshold_is_inclusive() {
        let b = brackets(&[("0", "300"), ("1000", "150"), ("2000", "0")]);
        let at = |x: &str| {
            apply(
                ScaleKind::Single,
                &b,
                d(x),
                |o| match o {
                    LOperand::Const(v) => v,
                    LOperand::Param(_) => V::Unknown,
                },
                1,
            )
            .map(|r| r.0)
            .unwrap_or_default()
        };
        // 999.99 is in the first bracket, 1 000 in the second, -1 below all: 0.
        assert_eq!(at("999.99"), d("300"));
        assert_eq!(at("1000"), d("150"));
        assert_eq!(at("2500"), d("0"));
        assert_eq!(at("-1"), d("0"));
    }
}
