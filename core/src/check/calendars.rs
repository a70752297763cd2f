//! Calendars: weekends, holidays (dated, annual, Easter-based, moved off weekends),
//! days declared working by decree, and regional calendars extending a base.

use accord_grammar::ast;

use super::collect::unknown;
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

const WEEKDAYS: [(&str, jiff::civil::Weekday); 7] = [
    ("monday", jiff::civil::Weekday::Monday),
    ("tuesday", jiff::civil::Weekday::Tuesday),
    ("wednesday", jiff::civil::Weekday::Wednesday),
    ("thursday", jiff::civil::Weekday::Thursday),
    ("friday", jiff::civil::Weekday::Friday),
    ("saturday", jiff::civil::Weekday::Saturday),
    ("sunday", jiff::civil::Weekday::Sunday),
];

const COMPUTUS: [(&str, Computus); 2] = [
    ("orthodox", Computus::Orthodox),
    ("western", Computus::Western),
];

/// A calendar's own items, before its base's are folded in.
struct Own {
    def: CalendarDef,
    /// It writes its own `weekend`.
    has_weekend: bool,
}

impl<'a> Checker<'a> {
    pub(super) fn resolve_calendars(&mut self) {
        let list = self.calendar_ast.clone();
        let own: Vec<Own> = list
            .iter()
            .map(|&(file, c)| self.calendar_own(file, c))
            .collect();
        // `extends`: unknown bases (E0114), then cycles (E0131).
        let mut bases: Vec<Option<usize>> = Vec::with_capacity(list.len());
        for &(file, c) in &list {
            let base = c.extends.as_ref().and_then(|b| {
                let id = self.out.index.calendars.get(&b.name).map(|id| id.0);
                if id.is_some() {
                    refer!(self, file, b.span, Sym::global(SymKind::Calendar, &b.name));
                }
                if id.is_none() {
                    let cands = self
                        .out
                        .index
                        .calendars
                        .keys()
                        .map(String::as_str)
                        .filter(|n| *n != c.name.name)
                        .collect();
                    let d = unknown(
                        Code::E0114,
                        file,
                        b,
                        "calendar",
                        cands,
                        "declare the base with `calendar NAME { … }`, or remove `extends`",
                    );
                    self.emit(d);
                }
                id
            });
            bases.push(base);
        }
        let mut in_cycle = vec![false; list.len()];
        for (i, &(file, c)) in list.iter().enumerate() {
            if in_cycle.get(i).copied().unwrap_or(false) {
                continue;
            }
            // Follow the bases from `i`; back at `i`, every calendar on the way is in
            // the cycle, reported once, at the first of them declared (this one).
            let mut chain = vec![i];
            let mut at = bases.get(i).copied().flatten();
            while let Some(b) = at {
                if b == i {
                    for &j in &chain {
                        if let Some(x) = in_cycle.get_mut(j) {
                            *x = true;
                        }
                    }
                    let names: Vec<String> = chain
                        .iter()
                        .chain(std::iter::once(&i))
                        .filter_map(|j| list.get(*j))
                        .map(|(_, c)| format!("`{}`", c.name.name))
                        .collect();
                    let span = c.extends.as_ref().map_or(c.name.span, |b| b.span);
                    self.emit(
                        Diagnostic::error(
                            Code::E0131,
                            file,
                            span,
                            format!(
                                "calendar `{}` extends itself: {}",
                                c.name.name,
                                names.join(" extends ")
                            ),
                        )
                        .with_help(
                            "a regional calendar extends a national one; remove one `extends`",
                        ),
                    );
                    break;
                }
                if chain.contains(&b) {
                    break;
                }
                chain.push(b);
                at = bases.get(b).copied().flatten();
            }
        }
        // Fold each calendar's bases in, the farthest first.
        for (i, o) in own.iter().enumerate() {
            let mut def = o.def.clone();
            let mut chain = Vec::new();
            let mut at = match in_cycle.get(i).copied().unwrap_or(false) {
                true => None,
                false => bases.get(i).copied().flatten(),
            };
            while let Some(b) = at {
                if b == i || chain.contains(&b) {
                    break;
                }
                chain.push(b);
                at = bases.get(b).copied().flatten();
            }
            def.base = chain.first().map(|b| CalendarId(*b));
            let mut weekend_from_base = !o.has_weekend;
            let mut holidays = Vec::new();
            let mut working = Vec::new();
            for b in chain.iter().rev() {
                if let Some(base) = own.get(*b) {
                    holidays.extend(base.def.holidays.iter().copied());
                    working.extend(base.def.working.iter().copied());
                }
            }
            for b in &chain {
                if let Some(base) = own.get(*b) {
                    if weekend_from_base && base.has_weekend {
                        def.weekend = base.def.weekend.clone();
                        weekend_from_base = false;
                    }
                }
            }
            holidays.extend(def.holidays.iter().copied());
            working.extend(def.working.iter().copied());
            def.holidays = holidays;
            working.sort_unstable();
            working.dedup();
            def.working = working;
            self.out.calendars.push(def);
        }
    }

    /// A calendar's own weekend, holidays and decree days, each checked.
    fn calendar_own(&mut self, file: usize, c: &ast::Calendar) -> Own {
        let mut def = CalendarDef {
            name: c.name.name.clone(),
            label: c.label.clone(),
            weekend: Vec::new(),
            holidays: Vec::new(),
            working: Vec::new(),
            base: None,
            loc: Loc {
                file,
                span: c.name.span,
            },
        };
        let mut weekend_at: Option<ast::Span> = None;
        for item in &c.items {
            match item {
                ast::CalendarItem::Weekend(days, span) => {
                    if let Some(f) = weekend_at {
                        self.duplicate_clause(file, *span, "weekend", f);
                        continue;
                    }
                    weekend_at = Some(*span);
                    self.weekend(file, days, &mut def);
                }
                ast::CalendarItem::Holiday {
                    days,
                    next_working_day,
                    ..
                } => {
                    for day in days {
                        let Some((rule_day, span)) = self.holiday_day(file, day) else {
                            continue;
                        };
                        if def.holidays.iter().any(|h| h.day == rule_day) {
                            self.emit(
                                Diagnostic::warning(
                                    Code::W0105,
                                    file,
                                    span,
                                    format!("holiday {} is listed twice", describe(rule_day)),
                                )
                                .with_help(match rule_day {
                                    HolidayDate::On(_) => "remove the repeated date",
                                    _ => "remove the repeated day",
                                }),
                            );
                            continue;
                        }
                        def.holidays.push(HolidayRule {
                            day: rule_day,
                            moves: *next_working_day,
                        });
                    }
                }
                ast::CalendarItem::Working(dates, _) => {
                    for lit in dates {
                        if let Some(d) = self.date(file, lit) {
                            if def.working.contains(&d) {
                                self.emit(
                                    Diagnostic::warning(
                                        Code::W0105,
                                        file,
                                        lit.span,
                                        format!("working day {d} is listed twice"),
                                    )
                                    .with_help("remove the repeated date"),
                                );
                                continue;
                            }
                            def.working.push(d);
                        }
                    }
                }
            }
        }
        Own {
            def,
            has_weekend: weekend_at.is_some(),
        }
    }

    fn weekend(&mut self, file: usize, days: &[ast::Ident], def: &mut CalendarDef) {
        for d in days {
            match WEEKDAYS.iter().find(|(n, _)| *n == d.name) {
                Some((_, w)) => {
                    if !def.weekend.contains(w) {
                        def.weekend.push(*w);
                    }
                }
                None => {
                    let cands = WEEKDAYS.iter().map(|(n, _)| *n).collect();
                    let diag = unknown(
                        Code::E0115,
                        file,
                        d,
                        "day",
                        cands,
                        "write a day name in lowercase English, e.g. `saturday`",
                    );
                    self.emit(diag);
                }
            }
        }
    }

    /// One day of a `holiday` line, checked: a real date, an existing `MM-DD`
    /// (`02-29` is allowed: leap years only), a known computus.
    fn holiday_day(
        &mut self,
        file: usize,
        day: &ast::HolidayDay,
    ) -> Option<(HolidayDate, ast::Span)> {
        match day {
            ast::HolidayDay::Date(lit) => {
                self.date(file, lit).map(|d| (HolidayDate::On(d), lit.span))
            }
            ast::HolidayDay::Every(md) => {
                // 2024 is a leap year: every day of some year exists in it.
                let ok = i8::try_from(md.month)
                    .ok()
                    .zip(i8::try_from(md.day).ok())
                    .filter(|(m, d)| jiff::civil::Date::new(2024, *m, *d).is_ok());
                if ok.is_none() {
                    self.emit(
                        Diagnostic::error(
                            Code::E0211,
                            file,
                            md.span,
                            format!("`{:02}-{:02}` is not a day of the year", md.month, md.day),
                        )
                        .with_help("write an existing month and day as MM-DD, e.g. `03-08`"),
                    );
                }
                ok.map(|(month, day)| (HolidayDate::Every { month, day }, md.span))
            }
            ast::HolidayDay::Easter {
                computus,
                offset,
                span,
            } => {
                let Some((_, c)) = COMPUTUS.iter().find(|(n, _)| *n == computus.name) else {
                    let cands = COMPUTUS.iter().map(|(n, _)| *n).collect();
                    let diag = unknown(
                        Code::E0130,
                        file,
                        computus,
                        "Easter computus",
                        cands,
                        "write `easter orthodox` or `easter western`",
                    );
                    self.emit(diag);
                    return None;
                };
                // The grammar allows at most three digits.
                let offset = i16::try_from(*offset).ok()?;
                Some((
                    HolidayDate::Easter {
                        computus: *c,
                        offset,
                    },
                    *span,
                ))
            }
        }
    }
}

/// A holiday as written, for messages: `2025-01-01`, `every 03-08`,
/// `easter orthodox + 1 day`.
fn describe(day: HolidayDate) -> String {
    match day {
        HolidayDate::On(d) => d.to_string(),
        HolidayDate::Every { month, day } => format!("every {month:02}-{day:02}"),
        HolidayDate::Easter { computus, offset } => {
            let name = match computus {
                Computus::Orthodox => "orthodox",
                Computus::Western => "western",
            };
            match offset {
                0 => format!("easter {name}"),
                1 => format!("easter {name} + 1 day"),
                -1 => format!("easter {name} - 1 day"),
                n if n < 0 => format!("easter {name} - {} days", n.unsigned_abs()),
                n => format!("easter {name} + {n} days"),
            }
        }
    }
}
