//! Small helpers: name suggestions, literal conversion, naming.

use std::collections::HashMap;
use std::str::FromStr;

use accord_grammar::ast;
use rust_decimal::Decimal;

use super::model::DurationValue;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// The closest candidate to `name`, when one is close enough to be a likely typo.
///
/// Jaro-Winkler similarity (which favours shared prefixes, common in snake_case
/// names) with a threshold of 0.8; exact matches are skipped.
pub(crate) fn suggest<'n>(
    name: &str,
    candidates: impl IntoIterator<Item = &'n str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for cand in candidates {
        if cand == name {
            continue;
        }
        if !COMPARISONS.with(take_one) {
            return None;
        }
        let score = strsim::jaro_winkler(name, cand);
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

// Comparisons `suggest` may still make on this thread (`None`: no bound).
// A file of ten thousand misspelt names among ten thousand declarations
// would otherwise take a hundred million comparisons (a minute): checking
// bounds them, and the diagnostics past the bound just get no suggestion.
// The count depends only on the input, so the diagnostics stay deterministic.
thread_local! {
    static COMPARISONS: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Most name comparisons for suggestions in one check of a ruleset.
pub(crate) const MAX_SUGGESTION_COMPARISONS: u64 = 2_000_000;

fn take_one(left: &std::cell::Cell<Option<u64>>) -> bool {
    match left.get() {
        None => true,
        Some(0) => false,
        Some(n) => {
            left.set(Some(n - 1));
            true
        }
    }
}

/// Runs `f` with at most `n` suggestion comparisons (then restores the bound
/// that was before).
pub(crate) fn with_suggestion_budget<T>(n: u64, f: impl FnOnce() -> T) -> T {
    let before = COMPARISONS.with(|c| c.replace(Some(n)));
    let result = f();
    COMPARISONS.with(|c| c.set(before));
    result
}

/// `did you mean `x`?` with `x` as the fix of the diagnostic's span when a
/// suggestion exists, the fallback otherwise (see [`Diagnostic::with_suggestion`]).
pub(crate) fn help_for<'n>(
    name: &str,
    candidates: impl IntoIterator<Item = &'n str>,
    fallback: impl Into<String>,
) -> (String, Option<String>) {
    match suggest(name, candidates) {
        // The fix is kept for editors only (see `Diagnostic::fix`).
        Some(s) => (
            format!("did you mean `{s}`?"),
            cfg!(feature = "ide").then(|| s.to_string()),
        ),
        None => (fallback.into(), None),
    }
}

/// The value of a number literal's text (`45_000`, `-2.5`); `None` when it does not
/// fit an exact decimal.
pub(crate) fn parse_number(text: &str) -> Option<Decimal> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    Decimal::from_str(&clean).ok()
}

/// A percentage's value: `12` → 0.12.
pub(crate) fn parse_percent(text: &str) -> Option<Decimal> {
    parse_number(text)?.checked_div(Decimal::ONE_HUNDRED)
}

pub(crate) fn civil_date(d: &ast::DateLit) -> Option<jiff::civil::Date> {
    let year = i16::try_from(d.year).ok()?;
    let month = i8::try_from(d.month).ok()?;
    let day = i8::try_from(d.day).ok()?;
    if !(1..=9999).contains(&year) {
        return None;
    }
    jiff::civil::Date::new(year, month, day).ok()
}

/// Days since 0000-03-01 (proleptic Gregorian): an integer order for dates.
pub(crate) fn day_number(d: jiff::civil::Date) -> i64 {
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

pub(crate) fn duration_value(d: &ast::Duration) -> Option<DurationValue> {
    let clean: String = d.amount.chars().filter(|c| *c != '_').collect();
    Some(DurationValue {
        amount: clean.parse().ok()?,
        unit: d.unit,
    })
}

/// Why a protocol's `version` number is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadVersion {
    /// `2.5`
    NotWhole,
    /// `0`: versions count from 1.
    Zero,
    /// More than `u32::MAX`.
    TooLarge,
}

/// The value of a protocol's `version` number as written (`2`, `1_000`): a whole
/// number from 1.
pub(crate) fn version_number(text: &str) -> Result<u32, BadVersion> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || !clean.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadVersion::NotWhole);
    }
    match clean.parse::<u32>() {
        Ok(0) => Err(BadVersion::Zero),
        Ok(v) => Ok(v),
        // All digits, so the only failure is size.
        Err(_) => Err(BadVersion::TooLarge),
    }
}

/// The first `version` item of a protocol: its number's text, its `from` date and
/// its span. `None` when there is none (the protocol is version 1).
pub(crate) fn version_item(p: &ast::Protocol) -> Option<(&str, Option<&ast::DateLit>, ast::Span)> {
    p.items.iter().find_map(|i| match i {
        ast::ProtocolItem::Version { number, from, span } => {
            Some((number.as_str(), from.as_ref(), *span))
        }
        _ => None,
    })
}

/// `Household` → `household`, `HouseholdMember` → `household_member`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Backticked names joined with commas: "`a`, `b`"; past the first
/// [`MAX_LISTED`], "and N more" (a help listing ten thousand variants on each
/// of ten thousand diagnostics would be a gigabyte).
pub(crate) fn list_names<'n>(names: impl IntoIterator<Item = &'n str>) -> String {
    let mut names = names.into_iter();
    let shown: Vec<String> = names
        .by_ref()
        .take(MAX_LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    let mut out = shown.join(", ");
    let more = names.count();
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// Most names a help lists.
pub(crate) const MAX_LISTED: usize = 30;

/// The help for a written-out value of the wrong type: how to write one of the
/// expected type (`w` is that type's name), since the usual slip is quoting a
/// number or a date.
pub(crate) fn value_help(want: &super::model::Type, w: &str) -> String {
    use super::model::Type;
    match want {
        Type::Integer => "write a whole number without quotes, e.g. `3`".into(),
        Type::Decimal => "write a number without quotes, e.g. `29.5`".into(),
        Type::Money => "write an amount without quotes, e.g. `18_000`".into(),
        Type::Date => "write a date as YYYY-MM-DD without quotes, e.g. `2025-01-01`".into(),
        Type::Boolean => "write `true` or `false`".into(),
        Type::Text => "write text in double quotes".into(),
        _ => format!("write a `{w}` value"),
    }
}

/// Tracks first definitions inside one declaration (E0121 on repeats).
pub(super) struct Members<'n> {
    first: HashMap<&'n str, ast::Span>,
    what: &'static str,
}

impl<'n> Members<'n> {
    pub(super) fn new(what: &'static str) -> Self {
        Members {
            first: HashMap::new(),
            what,
        }
    }
    /// True when new; otherwise reports the duplicate.
    pub(super) fn add(&mut self, c: &mut Vec<Diagnostic>, file: usize, id: &'n ast::Ident) -> bool {
        if let Some(f) = self.first.get(id.name.as_str()) {
            c.push(
                Diagnostic::error(
                    Code::E0121,
                    file,
                    id.span,
                    format!("{} `{}` is defined more than once", self.what, id.name),
                )
                .with_help("rename or remove one of them")
                .with_related(file, *f, "first defined here"),
            );
            return false;
        }
        self.first.insert(&id.name, id.span);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_only() {
        assert_eq!(
            suggest("memebrs", ["members", "region"]),
            Some("members".into())
        );
        assert_eq!(suggest("xyz", ["members", "region"]), None);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(parse_number("45_000"), Some(Decimal::from(45_000)));
        assert_eq!(parse_percent("12"), Decimal::from_str("0.12").ok());
        let bad = ast::DateLit {
            year: 2025,
            month: 2,
            day: 30,
            span: ast::Span::default(),
        };
        assert!(civil_date(&bad).is_none());
        let d1 = jiff::civil::date(2024, 2, 28);
        let d2 = jiff::civil::date(2024, 3, 1);
        assert_eq!(day_number(d2) - day_number(d1), 2);
        assert_eq!(snake_case("HouseholdMember"), "household_member");
    }

    #[test]
    fn version_numbers() {
        assert_eq!(version_number("2"), Ok(2));
        assert_eq!(version_number("1_000"), Ok(1000));
        assert_eq!(version_number("02"), Ok(2));
        assert_eq!(version_number("0"), Err(BadVersion::Zero));
        assert_eq!(version_number("2.5"), Err(BadVersion::NotWhole));
        assert_eq!(version_number("4294967295"), Ok(u32::MAX));
        assert_eq!(version_number("4294967296"), Err(BadVersion::TooLarge));
    }
}
