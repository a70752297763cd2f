//! Working-day calendars: deadlines in working or calendar days.
//!
//! A calendar knows the days off of the years it covers, and no others. Its
//! holidays are dated (`holiday 2025-01-03`), annual (`holiday every 03-08`) or
//! counted from Easter (`holiday easter orthodox + 1 day`); `working DATE` declares
//! a day a working day by decree. It *covers* the years from its first to its last
//! dated item (dated holidays and decree days, its base's included): those are the
//! days only a decree of that year can tell. Counting working days through a day
//! outside them is an error naming the calendar and the years it covers — a silent
//! answer would be a wrong deadline as soon as next year's decrees are missing. A
//! calendar without dated items covers every year (its rules say everything).
//! Calendar days, weeks, months and years need no calendar.
//!
//! A working day is a decree day (`working`), or a day that is neither a weekend
//! day nor a day off. The days off of a year: its holidays, and its moved
//! holidays. A holiday of a line ending `or next working day` that falls on a
//! weekend day moves to the first later day that is not a weekend day, not a
//! holiday and not taken by a holiday moved before it (holidays move in date
//! order: the second of two weekend holidays moves one day further). A holiday
//! not on a weekend day, or of a line without `or next working day`, stays.
//! Several holidays on one day make one day off, which moves if one of them does.

use accord_grammar::ast::DurationUnit;
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use crate::check::{CalendarDef, Computus, DurationValue, HolidayDate, HolidayRule};

/// A protocol's calendar, ready for counting.
#[derive(Debug, Clone)]
pub(crate) struct WorkCalendar {
    pub name: String,
    /// Weekend days, indexed by `Weekday::to_monday_zero_offset`.
    weekend: [bool; 7],
    holidays: Vec<HolidayRule>,
    /// Decree working days, sorted.
    working: Vec<Date>,
    /// The first and last year covered; `None` covers every year.
    covers: Option<(i16, i16)>,
}

/// The days off of one year, computed once while counting through it.
type YearCache = Option<(i16, Vec<Date>)>;

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
        let holidays = def.map(|d| d.holidays.clone()).unwrap_or_default();
        let mut working = def.map(|d| d.working.clone()).unwrap_or_default();
        working.sort_unstable();
        working.dedup();
        let dated = holidays
            .iter()
            .filter_map(|h| match h.day {
                HolidayDate::On(d) => Some(d.year()),
                _ => None,
            })
            .chain(working.iter().map(|d| d.year()));
        let covers = dated.fold(None, |acc: Option<(i16, i16)>, y| match acc {
            None => Some((y, y)),
            Some((a, b)) => Some((a.min(y), b.max(y))),
        });
        WorkCalendar {
            name: def.map_or_else(|| "(Monday to Friday)".to_string(), |d| d.name.clone()),
            weekend,
            holidays,
            working,
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

    fn is_weekend(&self, d: Date) -> bool {
        let day = self
            .weekend
            .get(d.weekday().to_monday_zero_offset() as usize);
        debug_assert!(day.is_some(), "a weekday's offset from Monday is 0 to 6");
        day.copied().unwrap_or(false)
    }

    /// The days off of `year`, sorted: its holidays and the holidays moved into it.
    /// Holidays of the three years either side are placed too (an Easter offset
    /// reaches at most 999 days; a move may cross a year end).
    fn days_off(&self, year: i16) -> Vec<Date> {
        let mut fixed: Vec<(Date, bool)> = Vec::new();
        for y in year.saturating_sub(3)..=year.saturating_add(3) {
            for h in &self.holidays {
                if let Some(d) = place(h.day, y) {
                    fixed.push((d, h.moves));
                }
            }
        }
        // One day off however many holidays fall on it; it moves if one of them does.
        fixed.sort_unstable();
        fixed.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 |= later.1;
            }
            same
        });
        let mut moved: Vec<Date> = Vec::new();
        for (d, moves) in &fixed {
            if !*moves || !self.is_weekend(*d) {
                continue;
            }
            let mut t = *d;
            // A year of weekend days and holidays leaves nowhere to move to: the
            // holiday then stays where it is.
            for _ in 0..366 {
                let Ok(next) = t.tomorrow() else { break };
                t = next;
                let free = !self.is_weekend(t)
                    && fixed.binary_search_by_key(&t, |(f, _)| *f).is_err()
                    && !moved.contains(&t);
                if free {
                    moved.push(t);
                    break;
                }
            }
        }
        let mut off: Vec<Date> = fixed
            .into_iter()
            .map(|(d, _)| d)
            .chain(moved)
            .filter(|d| d.year() == year)
            .collect();
        off.sort_unstable();
        off.dedup();
        off
    }

    /// Whether `d` is a working day (an error outside the years covered).
    fn is_working(&self, d: Date, cache: &mut YearCache) -> Result<bool, OutsideCalendar> {
        self.check(d)?;
        if self.working.binary_search(&d).is_ok() {
            return Ok(true);
        }
        if self.is_weekend(d) {
            return Ok(false);
        }
        if self.holidays.is_empty() {
            return Ok(true);
        }
        if !matches!(cache, Some((y, _)) if *y == d.year()) {
            *cache = Some((d.year(), self.days_off(d.year())));
        }
        let off = cache.as_ref().map_or(&[][..], |(_, off)| off.as_slice());
        Ok(off.binary_search(&d).is_err())
    }

    /// The day `n` working days after `from` (`from` not counted).
    pub(crate) fn add_working_days(&self, from: Date, n: u32) -> Result<Date, DeadlineError> {
        if self.weekend.iter().all(|w| *w) {
            return Err(DeadlineError::NoWorkingDays(self.name.clone()));
        }
        let mut d = from;
        let mut left = n;
        let mut steps = 0i64;
        let mut cache = None;
        while left > 0 {
            d = d.tomorrow().map_err(|_| DeadlineError::TooFar)?;
            steps += 1;
            if steps > MAX_DAYS {
                return Err(DeadlineError::TooFar);
            }
            if self
                .is_working(d, &mut cache)
                .map_err(DeadlineError::Outside)?
            {
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
        let mut cache = None;
        while left > 0 {
            if d >= until {
                return Ok(None);
            }
            d = d.tomorrow().map_err(|_| DeadlineError::TooFar)?;
            if self
                .is_working(d, &mut cache)
                .map_err(DeadlineError::Outside)?
            {
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

/// The day `holiday` falls on in `year` (an Easter offset may take it into
/// another year), if any: `every 02-29` has none in a common year, a dated
/// holiday none outside its own year.
fn place(holiday: HolidayDate, year: i16) -> Option<Date> {
    match holiday {
        HolidayDate::On(d) => (d.year() == year).then_some(d),
        HolidayDate::Every { month, day } => Date::new(year, month, day).ok(),
        HolidayDate::Easter { computus, offset } => easter(computus, year)?
            .checked_add(i64::from(offset).days())
            .ok(),
    }
}

/// Easter Sunday of `year` in the Gregorian calendar, by the `computus`:
/// - Western: the anonymous Gregorian algorithm (Meeus/Jones/Butcher), for the
///   Gregorian calendar's years (1583 on);
/// - Orthodox: Meeus's Julian algorithm, then converted from the Julian calendar
///   to the Gregorian by adding the difference between the calendars in that
///   century (13 days in 1900–2099, 14 in 2100–2199): `year / 100 - year / 400 - 2`.
///
/// `None` for years before 1583 or a date beyond the calendar's range.
pub(crate) fn easter(computus: Computus, year: i16) -> Option<Date> {
    if year < 1583 {
        return None;
    }
    let y = i32::from(year);
    let (month, day) = match computus {
        Computus::Western => {
            let a = y % 19;
            let b = y / 100;
            let c = y % 100;
            let d = b / 4;
            let e = b % 4;
            let f = (b + 8) / 25;
            let g = (b - f + 1) / 3;
            let h = (19 * a + b - d - g + 15) % 30;
            let i = c / 4;
            let k = c % 4;
            let l = (32 + 2 * e + 2 * i - h - k) % 7;
            let m = (a + 11 * h + 22 * l) / 451;
            let n = h + l - 7 * m + 114;
            (n / 31, n % 31 + 1)
        }
        Computus::Orthodox => {
            let a = y % 4;
            let b = y % 7;
            let c = y % 19;
            let d = (19 * c + 15) % 30;
            let e = (2 * a + 4 * b - d + 34) % 7;
            let n = d + e + 114;
            (n / 31, n % 31 + 1)
        }
    };
    let date = Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
    match computus {
        Computus::Western => Some(date),
        Computus::Orthodox => {
            // The Julian date `date` in the Gregorian calendar. Easter is in
            // March to May, after the century's 29 February (Julian), so the
            // century's own difference applies.
            let shift = y / 100 - y / 400 - 2;
            date.checked_add(i64::from(shift).days()).ok()
        }
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
            holidays: [
                date(2025, 1, 1),
                date(2025, 1, 2),
                date(2025, 1, 6),
                date(2025, 3, 8),
                date(2025, 12, 31),
                date(2026, 1, 1),
                date(2026, 1, 1),
            ]
            .into_iter()
            .map(|d| HolidayRule {
                day: HolidayDate::On(d),
                moves: false,
            })
            .collect(),
            working: Vec::new(),
            base: None,
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

    fn every(month: i8, day: i8, moves: bool) -> HolidayRule {
        HolidayRule {
            day: HolidayDate::Every { month, day },
            moves,
        }
    }

    fn on(d: Date, moves: bool) -> HolidayRule {
        HolidayRule {
            day: HolidayDate::On(d),
            moves,
        }
    }

    fn calendar(holidays: Vec<HolidayRule>, working: Vec<Date>) -> WorkCalendar {
        WorkCalendar::new(Some(&CalendarDef {
            name: "test".into(),
            label: None,
            weekend: vec![Weekday::Saturday, Weekday::Sunday],
            holidays,
            working,
            base: None,
            loc: Default::default(),
        }))
    }

    /// Easter Sunday 2020–2035, written out from the table of Wikipedia's "List
    /// of dates for Easter" (Gregorian dates, Western and Eastern columns), and
    /// the same as python-dateutil's `easter()` with `EASTER_WESTERN` and
    /// `EASTER_ORTHODOX`.
    /// (year, Western (month, day), Orthodox (month, day)).
    type EasterRow = (i16, (i8, i8), (i8, i8));

    const EASTER_2020_2035: [EasterRow; 16] = [
        (2020, (4, 12), (4, 19)),
        (2021, (4, 4), (5, 2)),
        (2022, (4, 17), (4, 24)),
        (2023, (4, 9), (4, 16)),
        (2024, (3, 31), (5, 5)),
        (2025, (4, 20), (4, 20)),
        (2026, (4, 5), (4, 12)),
        (2027, (3, 28), (5, 2)),
        (2028, (4, 16), (4, 16)),
        (2029, (4, 1), (4, 8)),
        (2030, (4, 21), (4, 28)),
        (2031, (4, 13), (4, 13)),
        (2032, (3, 28), (5, 2)),
        (2033, (4, 17), (4, 24)),
        (2034, (4, 9), (4, 9)),
        (2035, (3, 25), (4, 29)),
    ];

    #[test]
    fn western_easter_matches_the_published_dates() {
        for (year, (m, d), _) in EASTER_2020_2035 {
            assert_eq!(
                easter(Computus::Western, year),
                Some(date(year, m, d)),
                "{year}"
            );
        }
    }

    #[test]
    fn orthodox_easter_matches_the_published_dates() {
        for (year, _, (m, d)) in EASTER_2020_2035 {
            assert_eq!(
                easter(Computus::Orthodox, year),
                Some(date(year, m, d)),
                "{year}"
            );
        }
        // Before the Gregorian calendar there is no Gregorian Easter.
        assert_eq!(easter(Computus::Western, 1500), None);
    }

    #[test]
    fn easter_offsets_place_good_friday_and_pentecost() {
        let c = calendar(
            vec![
                HolidayRule {
                    day: HolidayDate::Easter {
                        computus: Computus::Western,
                        offset: -2,
                    },
                    moves: false,
                },
                HolidayRule {
                    day: HolidayDate::Easter {
                        computus: Computus::Orthodox,
                        offset: 1,
                    },
                    moves: false,
                },
            ],
            Vec::new(),
        );
        // Western Easter 2026 is 5 April: Good Friday 3 April. Orthodox Easter
        // 2026 is 12 April: Easter Monday 13 April.
        assert_eq!(c.days_off(2026), vec![date(2026, 4, 3), date(2026, 4, 13)]);
        // No dated item: every year is covered.
        assert_eq!(c.covers, None);
    }

    /// Kazakhstan 2025 (Labour Code art. 84–85 and the Law on holidays): the
    /// holidays, moved off weekends except the religious ones, and the decree
    /// moving Sunday 5 January to Friday 3 January. The published production
    /// calendar for 2025 (five-day week) has 246 working days.
    #[test]
    fn kazakhstan_2025_has_246_working_days() -> Result<(), DeadlineError> {
        let mut holidays: Vec<HolidayRule> = [
            (1, 1),
            (1, 2),
            (3, 8),
            (3, 21),
            (3, 22),
            (3, 23),
            (5, 1),
            (5, 7),
            (5, 9),
            (7, 6),
            (8, 30),
            (10, 25),
            (12, 16),
        ]
        .into_iter()
        .map(|(m, d)| every(m, d, true))
        .collect();
        holidays.push(every(1, 7, false));
        holidays.push(on(date(2025, 6, 6), false));
        holidays.push(on(date(2025, 1, 3), false));
        let c = calendar(holidays, vec![date(2025, 1, 5)]);
        // Weekdays off, by hand: 1, 2, 3 (decree), 7 January; 10 March (8 March, a
        // Saturday, moved); 21 March; 24 and 25 March (Saturday 22 moved to Monday
        // 24, Sunday 23 finds 24 taken and moves to 25); 1, 7, 9 May; 6 June
        // (Kurban ait); 7 July (Sunday 6 moved); 1 September (Saturday 30 August
        // moved); 27 October (Saturday 25 moved); 16 December: 16 days. 2025 has
        // 104 Saturdays and Sundays, and Sunday 5 January works:
        // 365 - 104 - 16 + 1 = 246, and 31 December (a Wednesday) is the last.
        assert_eq!(c.add(date(2024, 12, 31), wd(246))?, date(2025, 12, 31));
        assert_eq!(c.add(date(2024, 12, 31), wd(245))?, date(2025, 12, 30));
        // Friday 7 March + 1: Monday 10 March is off, Tuesday 11.
        assert_eq!(c.add(date(2025, 3, 7), wd(1))?, date(2025, 3, 11));
        // Thursday 20 March + 1: Friday 21, Monday 24, Tuesday 25 are off: 26.
        assert_eq!(c.add(date(2025, 3, 20), wd(1))?, date(2025, 3, 26));
        // Thursday 2 January + 1: Friday 3 off, Saturday 4 off, Sunday 5 works.
        assert_eq!(c.add(date(2025, 1, 2), wd(1))?, date(2025, 1, 5));
        // Orthodox Christmas, Tuesday 7 January, does not move (it is a weekday
        // anyway): Monday 6 + 1 is Wednesday 8.
        assert_eq!(c.add(date(2025, 1, 6), wd(1))?, date(2025, 1, 8));
        // Covered: 2025 only (its dated items); 2026 is an error.
        assert!(matches!(
            c.add(date(2025, 12, 31), wd(1)),
            Err(DeadlineError::Outside(_))
        ));
        Ok(())
    }

    #[test]
    fn moved_holidays_collide_and_cross_the_year_end() -> Result<(), DeadlineError> {
        let c = calendar(
            vec![every(12, 31, true), every(1, 1, true), every(1, 2, true)],
            Vec::new(),
        );
        // 31 December 2022 is a Saturday: Sunday 1 January is a weekend day and
        // Monday 2 a holiday, so it moves to Tuesday 3 January 2023. Sunday 1
        // January 2023 moves past Monday 2 (a holiday) and Tuesday 3 (taken) to
        // Wednesday 4. Friday 30 December 2022 + 1 working day: Thursday 5.
        assert_eq!(c.add(date(2022, 12, 30), wd(1))?, date(2023, 1, 5));
        assert_eq!(
            c.days_off(2023),
            vec![
                date(2023, 1, 1),
                date(2023, 1, 2),
                date(2023, 1, 3),
                date(2023, 1, 4),
                date(2023, 12, 31)
            ]
        );
        // A religious holiday that stays and a holiday that moves, on one Saturday
        // (22 March 2025): the day moves, once, to Monday 24.
        let c = calendar(
            vec![on(date(2025, 3, 22), false), every(3, 22, true)],
            Vec::new(),
        );
        assert_eq!(c.days_off(2025), vec![date(2025, 3, 22), date(2025, 3, 24)]);
        // A holiday of a line without `or next working day` stays on the weekend.
        let c = calendar(vec![every(12, 31, false)], Vec::new());
        assert_eq!(c.add(date(2022, 12, 30), wd(1))?, date(2023, 1, 2));
        Ok(())
    }

    #[test]
    fn leap_day_holidays_fall_in_leap_years_only() {
        let c = calendar(vec![every(2, 29, false)], Vec::new());
        assert_eq!(c.days_off(2025), Vec::<Date>::new());
        assert_eq!(c.days_off(2028), vec![date(2028, 2, 29)]);
    }
}
