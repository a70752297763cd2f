//! Calendars: weekends and holidays, for counting working days.

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

impl<'a> Checker<'a> {
    pub(super) fn resolve_calendars(&mut self) {
        let list = self.calendar_ast.clone();
        for &(file, c) in &list {
            let mut def = CalendarDef {
                name: c.name.name.clone(),
                label: c.label.clone(),
                weekend: Vec::new(),
                holidays: Vec::new(),
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
                    ast::CalendarItem::Holiday(dates, _) => {
                        for lit in dates {
                            if let Some(d) = self.date(file, lit) {
                                if def.holidays.contains(&d) {
                                    self.emit(
                                        Diagnostic::warning(
                                            Code::W0105,
                                            file,
                                            lit.span,
                                            format!("holiday {d} is listed twice"),
                                        )
                                        .with_help("remove the repeated date"),
                                    );
                                }
                                def.holidays.push(d);
                            }
                        }
                    }
                }
            }
            def.holidays.sort();
            def.holidays.dedup();
            self.out.calendars.push(def);
        }
    }
}
