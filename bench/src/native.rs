//! The twenty programmes of `rules/twenty.accord`, written by hand in plain Rust over the
//! native structs: what a developer would write without a rules engine.

use crate::gen::{Disability, Household, Region, Settlement};
use crate::{Outcome, Results, HOUSEHOLD_PROGRAMS, PERSON_PROGRAMS};
use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

/// Whole years from `from` to `to`, as ages are counted: the anniversary of 29 February
/// falls on 28 February in common years (Accord's `years_between`).
pub fn years_between(from: Date, to: Date) -> i32 {
    let mut years = i32::from(to.year()) - i32::from(from.year());
    if anniversary(from, years).is_some_and(|a| a > to) {
        years -= 1;
    }
    years
}

fn anniversary(from: Date, years: i32) -> Option<Date> {
    let year = i16::try_from(i32::from(from.year()) + years).ok()?;
    let first = Date::new(year, from.month(), 1).ok()?;
    let day = from.day().min(first.days_in_month());
    Date::new(year, from.month(), day).ok()
}

/// The parameters in force on one as-of date.
#[derive(Debug, Clone)]
struct Params {
    family_benefit_threshold: Decimal,
    family_benefit_base: Decimal,
    child_supplement: Decimal,
    poverty_line: Decimal,
    low_income_cap: Decimal,
    large_family_per_child: Decimal,
    energy_base: Decimal,
    energy_per_member: Decimal,
    energy_cap: Decimal,
    mountain_rate: Decimal,
    school_kit: Decimal,
    elderly_supplement: Decimal,
    single_parent_per_child: Decimal,
    care_allowance: Decimal,
    social_pension_base: Decimal,
    child_disability_amount: Decimal,
    child_benefit_amount: Decimal,
    child_benefit_infant: Decimal,
    unemployment_per_year: Decimal,
    unemployment_floor: Decimal,
    unemployment_cap: Decimal,
    attendance_bonus: Decimal,
    maternity_amount: Decimal,
    carer_amount: Decimal,
}

fn on_or_after(as_of: Date, y: i16, m: i8, d: i8) -> bool {
    Date::new(y, m, d).is_ok_and(|from| as_of >= from)
}

impl Params {
    /// The versions in force on `as_of`. Valid from 2023-01-01 on: before that some of the
    /// ruleset's parameters have no value (Accord reports unknown), which is not modelled.
    fn at(as_of: Date) -> Params {
        let dec = |n: i64| Decimal::from(n);
        Params {
            family_benefit_threshold: if on_or_after(as_of, 2023, 1, 1) {
                dec(29)
            } else {
                dec(30)
            },
            family_benefit_base: dec(18_000),
            child_supplement: if on_or_after(as_of, 2024, 7, 1) {
                dec(7_500)
            } else {
                dec(6_000)
            },
            poverty_line: if on_or_after(as_of, 2024, 1, 1) {
                dec(52_000)
            } else {
                dec(45_000)
            },
            low_income_cap: dec(60_000),
            large_family_per_child: dec(12_000),
            energy_base: dec(8_000),
            energy_per_member: dec(1_500),
            energy_cap: dec(15_000),
            mountain_rate: Decimal::new(10, 2),
            school_kit: dec(25_000),
            elderly_supplement: dec(9_000),
            single_parent_per_child: dec(11_000),
            care_allowance: dec(20_000),
            social_pension_base: dec(32_500),
            child_disability_amount: dec(28_000),
            child_benefit_amount: dec(10_000),
            child_benefit_infant: dec(15_000),
            unemployment_per_year: dec(1_200),
            unemployment_floor: dec(12_000),
            unemployment_cap: dec(30_000),
            attendance_bonus: dec(5_000),
            maternity_amount: dec(50_000),
            carer_amount: dec(16_000),
        }
    }
}

fn birth_grant(order: i64) -> Decimal {
    match order {
        ..=2 => Decimal::from(300_000),
        3..=4 => Decimal::from(1_000_000),
        _ => Decimal::from(1_500_000),
    }
}

fn rent_support(region: Region) -> Decimal {
    match region {
        Region::Yerevan => Decimal::from(30_000),
        Region::Shirak | Region::Lori => Decimal::from(20_000),
        Region::Tavush | Region::Syunik => Decimal::from(15_000),
    }
}

fn disability_amount(group: Disability) -> Decimal {
    match group {
        Disability::None => Decimal::ZERO,
        Disability::Group1 => Decimal::from(40_000),
        Disability::Group2 => Decimal::from(30_000),
        Disability::Group3 => Decimal::from(20_000),
    }
}

fn outcome(eligible: bool, amount: impl FnOnce() -> Decimal) -> Outcome {
    Outcome {
        eligible,
        amount: eligible.then(amount),
    }
}

/// Evaluates households at one as-of date; keeps its scratch buffer between calls.
pub struct NativeSession {
    as_of: Date,
    params: Params,
    ages: Vec<i32>,
}

impl NativeSession {
    pub fn new(as_of: Date) -> NativeSession {
        NativeSession {
            as_of,
            params: Params::at(as_of),
            ages: Vec::with_capacity(16),
        }
    }

    /// Evaluates the twenty programmes for `h` into `out` (reused: no allocation once its
    /// person rows have grown to the largest household). Households have at least one
    /// member; an empty one is reported ineligible for everything.
    pub fn evaluate(&mut self, h: &Household, out: &mut Results) {
        let p = &self.params;
        self.ages.clear();
        self.ages.extend(
            h.members
                .iter()
                .map(|m| years_between(m.birth_date, self.as_of)),
        );
        let ages = &self.ages;
        out.persons.clear();
        let Some(size) = i64::try_from(ages.len()).ok().filter(|n| *n > 0) else {
            out.household = [Outcome::NO; HOUSEHOLD_PROGRAMS.len()];
            return;
        };
        let size_d = Decimal::from(size);
        let members = || h.members.iter().zip(ages.iter().copied());

        let child_count = ages.iter().filter(|a| **a < 18).count() as i64;
        let adult_count = size - child_count;
        let income: Decimal = h.members.iter().map(|m| m.monthly_income).sum();
        let income_per_member = income / size_d;
        let school_children = members()
            .filter(|(m, a)| (6..=17).contains(a) && m.in_school)
            .count() as i64;
        let disabled_children = members()
            .filter(|(m, a)| m.disability == Disability::Group1 && *a < 18)
            .count() as i64;
        let any_group_1 = h.members.iter().any(|m| m.disability == Disability::Group1);
        let score = h.vulnerability_score;
        let pl = p.poverty_line;
        let two_pl = pl * Decimal::TWO;

        let family_benefit = outcome(
            score >= p.family_benefit_threshold || (score >= Decimal::from(25) && child_count >= 3),
            || p.family_benefit_base + p.child_supplement * Decimal::from(child_count),
        );
        let low_income_allowance = outcome(
            income_per_member < pl && !(h.owns_dwelling && score < Decimal::from(10)),
            || {
                ((pl - income_per_member) * size_d)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                    .min(p.low_income_cap)
            },
        );
        let large_family_grant = outcome(child_count >= 4, || {
            p.large_family_per_child * Decimal::from(child_count)
        });
        let energy_subsidy = outcome(
            (family_benefit.eligible
                || h.members
                    .iter()
                    .any(|m| matches!(m.disability, Disability::Group1 | Disability::Group2)))
                && !(h.region == Region::Yerevan && income_per_member >= pl),
            || (p.energy_base + p.energy_per_member * size_d).min(p.energy_cap),
        );
        let housing_support = outcome(
            !h.owns_dwelling
                && score >= Decimal::from(20)
                && income_per_member <= pl * Decimal::from(3),
            || rent_support(h.region),
        );
        let mountain_supplement = outcome(
            h.settlement == Settlement::Mountainous && family_benefit.eligible,
            || family_benefit.amount.unwrap_or_default() * p.mountain_rate,
        );
        let school_supplies = outcome(school_children >= 1 && income_per_member < two_pl, || {
            p.school_kit * Decimal::from(school_children)
        });
        let elderly_household_support = outcome(
            ages.iter().all(|a| *a >= 63) && income_per_member < two_pl,
            || p.elderly_supplement * size_d,
        );
        let single_parent_allowance = outcome(adult_count == 1 && child_count >= 1, || {
            p.single_parent_per_child * Decimal::from(child_count)
        });
        let childbirth_grant = outcome(ages.iter().any(|a| *a < 1), || birth_grant(child_count));
        let disabled_child_care =
            outcome(disabled_children >= 1 && score >= Decimal::from(5), || {
                p.care_allowance * Decimal::from(disabled_children)
            });
        let emergency_food = Outcome {
            eligible: (score >= Decimal::from(35) || income_per_member < pl / Decimal::TWO)
                && !family_benefit.eligible,
            amount: None,
        };
        out.household = [
            family_benefit,
            low_income_allowance,
            large_family_grant,
            energy_subsidy,
            housing_support,
            mountain_supplement,
            school_supplies,
            elderly_household_support,
            single_parent_allowance,
            childbirth_grant,
            disabled_child_care,
            emergency_food,
        ];

        for (m, age) in members() {
            let old_age = outcome(
                age >= 65 && m.insurance_years < 10 && !m.receives_insurance_pension,
                || p.social_pension_base,
            );
            let disabled = m.disability != Disability::None;
            out.persons.push([
                old_age,
                outcome(
                    disabled && age >= 18 && !m.receives_insurance_pension,
                    || disability_amount(m.disability),
                ),
                outcome(disabled && age < 18, || p.child_disability_amount),
                outcome(age < 6 || (age < 18 && score >= Decimal::from(25)), || {
                    if age < 2 {
                        p.child_benefit_infant
                    } else {
                        p.child_benefit_amount
                    }
                }),
                outcome(
                    (18..=62).contains(&age)
                        && !m.employed
                        && m.monthly_income < Decimal::from(10_000)
                        && !m.receives_insurance_pension,
                    || {
                        (p.unemployment_per_year * Decimal::from(m.insurance_years))
                            .min(p.unemployment_cap)
                            .max(p.unemployment_floor)
                    },
                ),
                outcome(
                    (6..=17).contains(&age) && m.in_school && income_per_member < two_pl,
                    || p.attendance_bonus,
                ),
                outcome(
                    m.pregnant
                        && age >= 16
                        && !(m.employed && m.monthly_income >= Decimal::from(150_000)),
                    || p.maternity_amount,
                ),
                outcome(
                    age >= 18 && !m.employed && any_group_1 && !old_age.eligible,
                    || p.carer_amount,
                ),
            ]);
        }
        debug_assert_eq!(PERSON_PROGRAMS.len(), 8);
    }
}

#[cfg(test)]
mod tests {
    use super::years_between;
    use jiff::civil::date;

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(years_between(date(2000, 3, 15), date(2025, 3, 14)), 24);
        assert_eq!(years_between(date(2000, 3, 15), date(2025, 3, 15)), 25);
        assert_eq!(years_between(date(2024, 12, 31), date(2025, 3, 15)), 0);
        // 29 February birthdays count on 28 February in common years.
        assert_eq!(years_between(date(2012, 2, 29), date(2025, 2, 27)), 12);
        assert_eq!(years_between(date(2012, 2, 29), date(2025, 2, 28)), 13);
        assert_eq!(years_between(date(2012, 2, 29), date(2024, 2, 29)), 12);
    }
}
