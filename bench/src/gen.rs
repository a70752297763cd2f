//! A deterministic generator of households: the same seed gives the same households, as
//! native structs and as Accord facts JSON.

use jiff::civil::Date;
use jiff::ToSpan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Yerevan,
    Shirak,
    Lori,
    Tavush,
    Syunik,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    Urban,
    Rural,
    Mountainous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disability {
    None,
    Group1,
    Group2,
    Group3,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub birth_date: Date,
    pub disability: Disability,
    pub monthly_income: Decimal,
    pub insurance_years: i32,
    pub employed: bool,
    pub in_school: bool,
    pub pregnant: bool,
    pub receives_insurance_pension: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub region: Region,
    pub settlement: Settlement,
    pub vulnerability_score: Decimal,
    pub owns_dwelling: bool,
    pub members: Vec<Person>,
}

impl Region {
    pub fn name(self) -> &'static str {
        match self {
            Region::Yerevan => "yerevan",
            Region::Shirak => "shirak",
            Region::Lori => "lori",
            Region::Tavush => "tavush",
            Region::Syunik => "syunik",
        }
    }
}

impl Settlement {
    pub fn name(self) -> &'static str {
        match self {
            Settlement::Urban => "urban",
            Settlement::Rural => "rural",
            Settlement::Mountainous => "mountainous",
        }
    }
}

impl Disability {
    pub fn name(self) -> &'static str {
        match self {
            Disability::None => "none",
            Disability::Group1 => "group_1",
            Disability::Group2 => "group_2",
            Disability::Group3 => "group_3",
        }
    }
}

/// Generates `n` households from `seed`, with ages counted at `as_of`.
pub fn households(seed: u64, n: usize, as_of: Date) -> Vec<Household> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| household(&mut rng, as_of)).collect()
}

/// Picks an index by integer weights.
fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut pick = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    weights.len() - 1
}

fn household(rng: &mut ChaCha8Rng, as_of: Date) -> Household {
    let size = 1 + weighted(rng, &[15, 22, 20, 18, 11, 7, 4, 3]);
    let mut ages = Vec::with_capacity(size);
    // The head: an adult, older in small households (many single pensioners).
    let head = if size == 1 && rng.random_bool(0.45) {
        rng.random_range(60..95)
    } else {
        rng.random_range(18..80)
    };
    ages.push(head);
    for i in 1..size {
        let age = if i == 1 && rng.random_bool(0.7) {
            // A partner of about the head's age.
            (head as i32 + rng.random_range(-8..8)).clamp(18, 95) as u32
        } else {
            match weighted(rng, &[75, 15, 10]) {
                0 => rng.random_range(0..18),
                1 => rng.random_range(60..95),
                _ => rng.random_range(18..60),
            }
        };
        ages.push(age);
    }
    let members = ages
        .into_iter()
        .map(|age| person(rng, age, as_of))
        .collect();
    // Triangular 0.0..60.0, one decimal: most households score in the middle.
    let tenths = rng.random_range(0..300) + rng.random_range(0..301);
    Household {
        region: [
            Region::Yerevan,
            Region::Shirak,
            Region::Lori,
            Region::Tavush,
            Region::Syunik,
        ][weighted(rng, &[35, 20, 20, 12, 13])],
        settlement: [
            Settlement::Urban,
            Settlement::Rural,
            Settlement::Mountainous,
        ][weighted(rng, &[55, 35, 10])],
        vulnerability_score: Decimal::new(tenths, 1),
        owns_dwelling: rng.random_bool(0.7),
        members,
    }
}

fn person(rng: &mut ChaCha8Rng, age: u32, as_of: Date) -> Person {
    // Born `age` whole years and 0..365 days before the as-of date.
    let days_back = i64::from(age) * 365 + i64::from(age / 4) + rng.random_range(0..365);
    let birth_date = as_of.checked_sub(days_back.days()).unwrap_or(as_of);
    let disability = [
        Disability::None,
        Disability::Group1,
        Disability::Group2,
        Disability::Group3,
    ][weighted(rng, &[88, 3, 4, 5])];
    let adult = age >= 18;
    let elderly = age >= 63;
    let employed = adult && !elderly && rng.random_bool(0.55);
    let receives_insurance_pension = elderly && rng.random_bool(0.7);
    let income: i64 = if employed {
        rng.random_range(120..800) * 500
    } else if receives_insurance_pension {
        rng.random_range(60..180) * 500
    } else if adult && rng.random_bool(0.5) {
        rng.random_range(0..20) * 500
    } else {
        0
    };
    let insurance_years = if adult {
        rng.random_range(0..=(age - 18).min(45)) as i32
    } else {
        0
    };
    Person {
        birth_date,
        disability,
        monthly_income: Decimal::from(income),
        insurance_years,
        employed,
        in_school: (6..18).contains(&age) && rng.random_bool(0.93),
        pregnant: (16..46).contains(&age) && rng.random_bool(0.04),
        receives_insurance_pension,
    }
}

fn number(d: Decimal) -> Value {
    // Integers stay integers; the one-decimal score goes through f64, whose shortest
    // representation ("27.5") is exact for one decimal.
    match d.fract().is_zero().then(|| d.to_i64()).flatten() {
        Some(i) => json!(i),
        None => serde_json::Number::from_f64(d.to_f64().unwrap_or(0.0))
            .map(Value::Number)
            .unwrap_or(Value::Null),
    }
}

/// The household as an Accord facts document (the root entity `Household`).
pub fn facts_json(h: &Household) -> Value {
    let members: Vec<Value> = h
        .members
        .iter()
        .map(|p| {
            json!({
                "birth_date": p.birth_date.to_string(),
                "disability": p.disability.name(),
                "monthly_income": number(p.monthly_income),
                "insurance_years": p.insurance_years,
                "employed": p.employed,
                "in_school": p.in_school,
                "pregnant": p.pregnant,
                "receives_insurance_pension": p.receives_insurance_pension,
            })
        })
        .collect();
    let mut root = Map::new();
    root.insert("region".into(), h.region.name().into());
    root.insert("settlement".into(), h.settlement.name().into());
    root.insert("vulnerability_score".into(), number(h.vulnerability_score));
    root.insert("owns_dwelling".into(), h.owns_dwelling.into());
    root.insert("members".into(), Value::Array(members));
    Value::Object(root)
}

/// The facts as JSON text.
pub fn facts_text(h: &Household) -> String {
    facts_json(h).to_string()
}
