//! Accord, hand-written Rust and zen-engine on the same twenty social-protection
//! programmes (`rules/twenty.accord`, `rules/twenty.jdm.json`, `src/native.rs`).

#[cfg(feature = "accord")]
pub mod accord;
pub mod gen;
pub mod native;
pub mod zen;

use rust_decimal::Decimal;

/// The as-of date every run uses unless told otherwise.
pub const DEFAULT_AS_OF: &str = "2025-03-15";

/// The programmes for the household, in the order of `Results::household`.
pub const HOUSEHOLD_PROGRAMS: [&str; 12] = [
    "family_benefit",
    "low_income_allowance",
    "large_family_grant",
    "energy_subsidy",
    "housing_support",
    "mountain_supplement",
    "school_supplies",
    "elderly_household_support",
    "single_parent_allowance",
    "childbirth_grant",
    "disabled_child_care",
    "emergency_food",
];

/// The programmes for each person, in the order of `Results::persons[i]`.
pub const PERSON_PROGRAMS: [&str; 8] = [
    "old_age_social_pension",
    "disability_pension",
    "child_disability_benefit",
    "child_benefit",
    "unemployment_assistance",
    "school_attendance_bonus",
    "maternity_benefit",
    "carer_allowance",
];

/// One programme's result for one subject (all facts are known, so never undetermined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub eligible: bool,
    /// Some only when eligible and the programme has an amount.
    pub amount: Option<Decimal>,
}

impl Outcome {
    pub const NO: Outcome = Outcome {
        eligible: false,
        amount: None,
    };

    /// Equal status and equal amounts as numbers (`1800.00` = `1800`).
    pub fn same(&self, other: &Outcome) -> bool {
        self.eligible == other.eligible
            && self.amount.map(|a| a.normalize()) == other.amount.map(|a| a.normalize())
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.eligible, self.amount) {
            (false, _) => write!(f, "ineligible"),
            (true, None) => write!(f, "eligible"),
            (true, Some(a)) => write!(f, "eligible {}", a.normalize()),
        }
    }
}

/// Every programme's result for one household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub household: [Outcome; 12],
    /// One row per member, in `members` order.
    pub persons: Vec<[Outcome; 8]>,
}

impl Default for Results {
    fn default() -> Self {
        Results {
            household: [Outcome::NO; 12],
            persons: Vec::new(),
        }
    }
}

impl Results {
    /// The differences from `other`, one line each (`program subject: a vs b`).
    pub fn differences(&self, other: &Results) -> Vec<String> {
        let mut out = Vec::new();
        for ((name, a), b) in HOUSEHOLD_PROGRAMS
            .iter()
            .zip(&self.household)
            .zip(&other.household)
        {
            if !a.same(b) {
                out.push(format!("{name} (household): {a} vs {b}"));
            }
        }
        if self.persons.len() != other.persons.len() {
            out.push(format!(
                "{} person rows vs {}",
                self.persons.len(),
                other.persons.len()
            ));
        }
        for (i, (ra, rb)) in self.persons.iter().zip(&other.persons).enumerate() {
            for ((name, a), b) in PERSON_PROGRAMS.iter().zip(ra).zip(rb) {
                if !a.same(b) {
                    out.push(format!("{name} members[{i}]: {a} vs {b}"));
                }
            }
        }
        out
    }

    /// A cheap digest, so a timing loop cannot be optimised away.
    pub fn digest(&self) -> u64 {
        let count = |o: &Outcome| u64::from(o.eligible);
        self.household.iter().map(count).sum::<u64>()
            + self.persons.iter().flatten().map(count).sum::<u64>()
    }
}

/// Index of a programme name in `HOUSEHOLD_PROGRAMS` (`Ok`) or `PERSON_PROGRAMS` (`Err`).
pub fn program_index(name: &str) -> Option<Result<usize, usize>> {
    if let Some(i) = HOUSEHOLD_PROGRAMS.iter().position(|p| *p == name) {
        return Some(Ok(i));
    }
    PERSON_PROGRAMS.iter().position(|p| *p == name).map(Err)
}
