//! Working-day calendars: deadlines in working or calendar days.
//!
//! A calendar knows the holidays of the years it lists, and no others: it
//! *covers* the years from its first holiday to its last. Counting working days
//! through a day outside them is an error naming the calendar and the years it
//! covers — a silent answer would be a wrong deadline as soon as next year's
//! holidays are missing. A calendar without holidays covers every year (its
//! author said there are none). Calendar days, weeks, months and years need no
//! calendar.

use accord_grammar::ast::DurationUnit;
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use crate::check::{CalendarDef, DurationValue};

/// A protocol's calendar, ready for counting.
#[derive(Debug, Clone)]
pub(crate) struct WorkCalendar {
    pub name: String,
    /// Weekend days, indexed by `Weekday::to_monday_zero_offset`.
    weekend: [bool; 7],
    /// Sorted, without repeats.
    holidays: Vec<Date>,
    /// The first and last year covered; `None` covers every year.
    covers: Option<(i16, i16)>,
}

/// Counting reached a day the calendar does not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutsideCalendar {
    pub calendar: String,
    pub date: Date,
    pub first: i16,
    pub last: i16,
}

impl OutsideCalendar {
    pub(crate) fn message(&self) -> String {
        let years = match self.first == self.last {
            true => self.first.to_string(),
            false => format!("{}–{}", self.first, self.last),
        };
        format!(
            "counting working days reaches {}, but calendar `{}` lists holidays only for {years}",
            self.date, self.calendar
        )
    }

    pub(crate) fn help(&self) -> String {
        format!(
            "add the holidays of {} to calendar `{}`",
            self.date.year(),
            self.calendar
        )
    }
}

/// The most days a deadline may lie ahead: a duration beyond this is refused
/// rather than counted (and no date arithmetic overflows).
const MAX_DAYS: i64 = 366 * 20;

impl WorkCalendar {
    /// The calendar `def`, or Monday to Friday without holidays.
    pub(crate) fn new(def: Option<&CalendarDef>) -> WorkCalendar {
        let mut weekend = [false; 7];
        let days: &[Weekday] = match def {
            Some(d) if !d.weekend.is_empty() => &d.weekend,
            _ => &[Weekday::Saturday, Weekday::Sunday],
        };
        for d in days {
            if let Some(w) = weekend.get_mut(d.to_monday_zero_offset() as usize) {
                *w = true;
            }
        }
        // Without a calendar: Monday to Friday, no holidays.
        let mut holidays = def.map(|d| d.holidays.clone()).unwrap_or_default();
        holidays.sort_unstable();
        holidays.dedup();
        let covers = match (holidays.first(), holidays.last()) {
            (Some(a), Some(b)) => Some((a.year(), b.year())),
            _ => None,
        };
        WorkCalendar {
            name: def.map_or_else(|| "(Monday to Friday)".to_string(), |d| d.name.clone()),
            weekend,
            holidays,
            covers,
        }
    }

    fn check(&self, d: Date) -> Result<(), OutsideCalendar> {
        match self.covers {
            Some((first, last)) if d.year() < first || d.year() > last => Err(OutsideCalendar {
                calendar: self.name.clone(),
                date: d,
                first,
                last,
            }),
            _ => Ok(()),
        }
    }

    /// Whether `d` is a working day (an error outside the years covered).
    pub(crate) fn is_working(&self, d: Date) -> Result<bool, OutsideCalendar> {
        self.check(d)?;
        let day = self
            .weekend
            .get(d.weekday().to_monday_zero_offset() as usize);
        debug_assert!(day.is_some(), "a weekday's offset from Monday is 0 to 6");
        let weekend = day.copied().unwrap_or(false);
        Ok(!weekend && self.holidays.binary_search(&d).is_err())
    }

    /// The day `n` working days after `from` (`from` not counted).
    pub(crate) fn add_working_days(&self, from: Date, n: u32) -> Result<Date, DeadlineError> {
        if self.weekend.iter().all(|w| *w) {
            return Err(DeadlineError::NoWorkingDays(self.name.clone()));
        }
        let mut d = from;
        let mut left = n;
        let mut steps = 0i64;
        while left > 0 {
            d = d.tomorrow().map_err(|_| DeadlineError::TooFar)?;
            steps += 1;
            if steps > MAX_DAYS {
                return Err(DeadlineError::TooFar);
            }
            if self.is_working(d).map_err(DeadlineError::Outside)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The `n`-th working day after `from`, if it is on or before `until`.
    /// Only the days up to `until` must be covered: an escalation not yet due
    /// needs no holidays of a later year.
    pub(crate) fn nth_working_day_until(
        &self,
        from: Date,
        n: u32,
        until: Date,
    ) -> Result<Option<Date>, DeadlineError> {
        if self.weekend.iter().all(|w| *w) {
            return Err(DeadlineError::NoWorkingDays(self.name.clone()));
        }
        let mut d = from;
        let mut left = n;
        while left > 0 {
            if d >= until {
                return Ok(None);
            }
            d = d.tomorrow().map_err(|_| DeadlineError::TooFar)?;
            if self.is_working(d).map_err(DeadlineError::Outside)? {
                left -= 1;
            }
        }
        Ok(Some(d))
    }

    /// `from` plus `duration`, counted as the brief says: working days by this
    /// calendar, everything else as calendar arithmetic (a month after 31 January
    /// is the last day of February).
    pub(crate) fn add(&self, from: Date, duration: DurationValue) -> Result<Date, DeadlineError> {
        let n = i64::from(duration.amount);
        let span = match duration.unit {
            DurationUnit::WorkingDays => return self.add_working_days(from, duration.amount),
            DurationUnit::Days if n <= MAX_DAYS => n.days(),
            DurationUnit::Weeks if n * 7 <= MAX_DAYS => n.weeks(),
            DurationUnit::Months if n * 31 <= MAX_DAYS => n.months(),
            DurationUnit::Years if n * 366 <= MAX_DAYS => n.years(),
            _ => return Err(DeadlineError::TooFar),
        };
        from.checked_add(span).map_err(|_| DeadlineError::TooFar)
    }
}

/// Why a deadline could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeadlineError {
    Outside(OutsideCalendar),
    /// Every day of the week is a weekend day.
    NoWorkingDays(String),
    TooFar,
}

impl DeadlineError {
    pub(crate) fn message(&self) -> String {
        match self {
            DeadlineError::Outside(o) => o.message(),
            DeadlineError::NoWorkingDays(c) => {
                format!("calendar `{c}` has no working days: every day is a weekend day")
            }
            DeadlineError::TooFar => "the deadline lies more than 20 years ahead".to_string(),
        }
    }

    pub(crate) fn help(&self) -> String {
        match self {
            DeadlineError::Outside(o) => o.help(),
            DeadlineError::NoWorkingDays(_) => "list fewer days after `weekend`".to_string(),
            DeadlineError::TooFar => "use a shorter duration".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn armenia() -> WorkCalendar {
        WorkCalendar::new(Some(&CalendarDef {
            name: "armenia".into(),
            label: None,
            weekend: vec![Weekday::Saturday, Weekday::Sunday],
            holidays: vec![
                date(2025, 1, 1),
                date(2025, 1, 2),
                date(2025, 1, 6),
                date(2025, 3, 8),
                date(2025, 12, 31),
                date(2026, 1, 1),
                date(2026, 1, 1),
            ],
            loc: Default::default(),
        }))
    }

    fn wd(n: u32) -> DurationValue {
        DurationValue {
            amount: n,
            unit: DurationUnit::WorkingDays,
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() -> Result<(), DeadlineError> {
        let c = armenia();
        // Monday 2025-03-03 + 3 working days: Tue, Wed, Thu.
        assert_eq!(c.add(date(2025, 3, 3), wd(3))?, date(2025, 3, 6));
        // Friday + 1: Monday.
        assert_eq!(c.add(date(2025, 3, 7), wd(1))?, date(2025, 3, 10));
        // Across New Year: 30 Dec 2025 (Tue) + 1 skips 31 Dec and 1 Jan: Fri 2 Jan;
        // + 2 is Monday 5 Jan.
        assert_eq!(c.add(date(2025, 12, 30), wd(1))?, date(2026, 1, 2));
        assert_eq!(c.add(date(2025, 12, 30), wd(2))?, date(2026, 1, 5));
        // Zero working days is the day itself.
        assert_eq!(c.add(date(2025, 3, 8), wd(0))?, date(2025, 3, 8));
        Ok(())
    }

    #[test]
    fn outside_the_years_covered_is_an_error() -> Result<(), String> {
        let c = armenia();
        let result = c.add(date(2026, 12, 30), wd(3));
        let Err(DeadlineError::Outside(o)) = result else {
            return Err(format!(
                "expected an error past the calendar's years, got {result:?}"
            ));
        };
        assert_eq!(o.date, date(2027, 1, 1));
        assert_eq!((o.first, o.last), (2025, 2026));
        assert!(o.message().contains("2025–2026"), "{}", o.message());
        // Calendar days need no holidays.
        let days = DurationValue {
            amount: 30,
            unit: DurationUnit::Days,
        };
        assert_eq!(c.add(date(2026, 12, 30), days), Ok(date(2027, 1, 29)));
        Ok(())
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let c = WorkCalendar::new(None);
        let one = DurationValue {
            amount: 1,
            unit: DurationUnit::Months,
        };
        assert_eq!(c.add(date(2025, 1, 31), one), Ok(date(2025, 2, 28)));
        let huge = DurationValue {
            amount: u32::MAX,
            unit: DurationUnit::Years,
        };
        assert_eq!(c.add(date(2025, 1, 31), huge), Err(DeadlineError::TooFar));
        // Without a calendar every year is covered.
        assert_eq!(c.add(date(2099, 12, 31), wd(1)), Ok(date(2100, 1, 1)));
    }
}
