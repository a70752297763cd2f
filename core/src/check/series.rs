//! Monthly series: the `monthly T` type of a fact, and the functions that read
//! one over the months before the as-of date (`sum_last`, `average_last`,
//! `min_last`, `max_last`, `month_value`).

use accord_grammar::ast::{self, DurationUnit, Ident};

use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// The most months a series function looks back: ten years.
pub(crate) const MAX_SERIES_MONTHS: u32 = 120;

/// The type of one month of a field: `Money` for `monthly Money`, the type
/// itself otherwise (a field's domain applies to each month).
pub(super) fn per_month(ty: &Type) -> &Type {
    match ty {
        Type::Monthly(inner) => inner,
        t => t,
    }
}

/// The number of months a series function's second argument stands for: a
/// duration written out in months or years (`3 months`, `1 year`).
pub(crate) fn months_of(v: &Value) -> Option<u32> {
    match v {
        Value::Duration(d) => match d.unit {
            DurationUnit::Months => Some(d.amount),
            DurationUnit::Years => d.amount.checked_mul(12),
            _ => None,
        },
        _ => None,
    }
}

/// A month written `YYYY-MM` (year 0001 to 9999, month 01 to 12), strictly:
/// its number, `year * 12 + month - 1`.
pub(crate) fn parse_month(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let digits = b
        .iter()
        .enumerate()
        .all(|(i, c)| i == 4 || c.is_ascii_digit());
    if b.len() != 7 || b.get(4) != Some(&b'-') || !digits {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: i32 = s.get(5..7)?.parse().ok()?;
    ((1..=9999).contains(&y) && (1..=12).contains(&m)).then_some(y * 12 + m - 1)
}

/// Whether `func` is a series function (lowered to a `Node::Series`).
pub(crate) fn is_series(func: Builtin) -> bool {
    matches!(
        func,
        Builtin::SumLast
            | Builtin::AverageLast
            | Builtin::MinLast
            | Builtin::MaxLast
            | Builtin::MonthValue
    )
}

/// The number of `d`'s month.
pub(crate) fn month_index(d: jiff::civil::Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

/// `YYYY-MM` for a month's number.
pub(crate) fn month_text(m: i32) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(7);
    let _ = write!(s, "{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    s
}

/// The months a series function reads on `date`, `back` months counted back:
/// the first month's number and how many. `month_value` reads one month,
/// `back` months before the as-of month; the others the `back` months before
/// it.
pub(crate) fn window(func: Builtin, back: u32, date: jiff::civil::Date) -> (i32, u32) {
    let asof = month_index(date);
    let back = i32::try_from(back).unwrap_or(i32::MAX);
    let first = asof.saturating_sub(back);
    match func {
        Builtin::MonthValue => (first, 1),
        _ => (first, u32::try_from(back).unwrap_or(0)),
    }
}

impl Checker<'_> {
    /// A test's `monthly { 2025-12: 100_000, … }`: each month a `YYYY-MM`
    /// given once (E0444), each value of the series' type. The values stay in
    /// the order written (an invalid one unknown), for the domain check.
    pub(super) fn given_months(
        &mut self,
        file: usize,
        m: &ast::MonthsValue,
        inner: &Type,
    ) -> Value {
        let mut out: Vec<(i32, Value)> = Vec::new();
        for e in &m.entries {
            let Some(month) = parse_month(&e.month) else {
                self.emit(
                    Diagnostic::error(
                        Code::E0444,
                        file,
                        e.month_span,
                        format!("`{}` is not a month written `YYYY-MM`", e.month),
                    )
                    .with_help("write the month as `2025-01` to `2025-12`"),
                );
                continue;
            };
            if out.iter().any(|(x, _)| *x == month) {
                self.emit(
                    Diagnostic::error(
                        Code::E0444,
                        file,
                        e.month_span,
                        format!("the month `{}` is given twice", e.month),
                    )
                    .with_help("give each month once"),
                );
                continue;
            }
            let v = self
                .given_value(file, &e.value, inner)
                .unwrap_or(Value::Unknown);
            out.push((month, v));
        }
        Value::Months(out)
    }

    /// `monthly T`: a series of numbers or money (E0440 otherwise).
    pub(super) fn monthly_type(&mut self, file: usize, inner: Type, span: ast::Span) -> Type {
        if inner.is_amount() {
            return Type::Monthly(Box::new(inner));
        }
        if !inner.is_error() {
            let t = self.type_name(&inner);
            self.emit(
                Diagnostic::error(
                    Code::E0440,
                    file,
                    span,
                    format!("a monthly series holds numbers or money, not `{t}`"),
                )
                .with_help("write `monthly Money`, `monthly Integer` or `monthly Decimal`"),
            );
        }
        Type::Error
    }

    /// A parameter's or a table's type is never a series (E0441): only facts
    /// vary by month.
    pub(super) fn not_monthly(&mut self, file: usize, t: &ast::TypeExpr, ty: Type) -> Type {
        if !matches!(t, ast::TypeExpr::Monthly(..)) {
            return ty;
        }
        if !ty.is_error() {
            self.emit(
                Diagnostic::error(
                    Code::E0441,
                    file,
                    t.span(),
                    "only a fact of an entity can be `monthly`".to_string(),
                )
                .with_help("declare the series as a field of an entity, and read it with `sum_last(field, 3 months)` or another series function"),
            );
        }
        Type::Error
    }

    /// The result type of a series function, after checking its arguments:
    /// a monthly fact named directly (E0442) and a constant number of months
    /// (E0443).
    pub(super) fn series_call(
        &mut self,
        file: usize,
        func: Builtin,
        args: &[RExpr],
        name: &Ident,
    ) -> Type {
        let (Some(series), Some(months)) = (args.first(), args.get(1)) else {
            return Type::Error;
        };
        let fact = matches!(
            &series.kind,
            RKind::Member {
                member: MemberRef::Field(_),
                ..
            } | RKind::Get {
                member: MemberRef::Field(_),
                ..
            }
        );
        let inner = match &series.ty {
            Type::Monthly(inner) if fact => Some((**inner).clone()),
            Type::Error => None,
            t => {
                let t = self.type_name(t);
                let what = if matches!(series.ty, Type::Monthly(_)) {
                    "a monthly fact named directly".to_string()
                } else {
                    format!("a monthly fact, found `{t}`")
                };
                self.emit(
                    Diagnostic::error(
                        Code::E0442,
                        file,
                        series.span,
                        format!("`{}` needs {what}", name.name),
                    )
                    .with_help("name a field declared `monthly Money` (or another `monthly` type), such as `income` or `member.income`"),
                );
                None
            }
        };
        let low = u32::from(func != Builtin::MonthValue);
        let n = match &months.kind {
            RKind::Const(v) => months_of(v),
            _ => None,
        };
        let ok = n.is_some_and(|n| (low..=MAX_SERIES_MONTHS).contains(&n));
        if !ok && !months.ty.is_error() {
            let first = if low == 0 { "0 months" } else { "1 month" };
            self.emit(
                Diagnostic::error(
                    Code::E0443,
                    file,
                    months.span,
                    format!(
                        "`{}` needs a number of months written out, from {first} to {MAX_SERIES_MONTHS} months",
                        name.name
                    ),
                )
                .with_help("write the months as a duration, such as `3 months` or `1 year`"),
            );
            return Type::Error;
        }
        match (func, inner) {
            (_, None) => Type::Error,
            (Builtin::AverageLast, Some(Type::Integer)) => Type::Decimal,
            (_, Some(t)) => t,
        }
    }
}
