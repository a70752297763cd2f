//! The promises of three-valued evaluation, as properties over generated rulesets
//! and facts:
//!
//! - **soundness**: a status decided on partial facts (eligible or ineligible),
//!   and a known amount, is what every completion of those facts gives;
//! - **determinism**: the same facts give the same results, whether the session
//!   is fresh or reused after other households (its buffers are recycled);
//! - **one answer, two evaluators**: the certain path (compiled closures), one
//!   document at a time and in a batch (`evaluate_many`), gives exactly what the
//!   row machine gives each document — statuses, amounts and missing facts, on
//!   complete and partial facts.
//!
//! The header declares scales (`sc`, marginal with versions by date, a threshold
//! from a parameter and an end; `ss`, single-amount; `su`, ended by `until`),
//! applied to money that may be unknown, and a dated table (`dend`) and a formula
//! (`ending`) that end and come back (issue 19): on 2024-06-01 in force, on
//! 2025-03-01 out of force, on 2031-01-01 `dend` repealed and `ending` again in
//! force.
//!
//! The facts `n`, `m`, `inc` and `x` declare domains (language reference §6),
//! and every completion stays inside them (the generated values are in range),
//! so a comparison the evaluator decides from a domain alone (`x > -3` with
//! `x: Integer in -2..6`) must hold for every completion too.
//!
//! The monthly series `r` (`monthly Money >= 0`) and `w` (`monthly Integer`,
//! no domain) are read by the series functions over windows before each as-of
//! date; partial facts leave months out or `null`, and completions fill them.
//!
//! Rulesets are generated as source text (so they go through parse, check and
//! lowering like any user's) from a seed; a failing case prints the seed, the
//! ruleset and the facts.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod support {
    pub mod eval;
    pub mod rng;
}

use accord_core::{Engine, SourceFile, Status};
use proptest::prelude::*;
use support::eval::{full, Full};
use support::rng::Rng;

const HEADER: &str = r#"
ruleset generated { languages en currency AMD }
enum Kind { a, b, c }
entity Household {
  k: Kind
  n: Integer in -2..6
  m: Money >= 0
  f: Boolean
  d: Date
  r: monthly Money >= 0
  members: list of Person
  let kids = members where age < 18
  let total = sum(members.inc)
  let versioned {
    from 2020-01-01: m
    from 2025-01-01: m + total
  }
  let not_yet {
    from 2030-01-01: m
  }
  let ending {
    from 2020-01-01: m
    from 2025-01-01:
    from 2030-01-01: m + total
  }
}
entity Person {
  bd: Date
  inc: Money >= 0
  g: Boolean
  x: Integer in -2..6
  w: monthly Integer
  let age = years_between(bd, today)
}
parameter lim: Money { from 2020-01-01: 50_000 }
parameter later: Money { from 2030-01-01: 1 }
parameter gone: Money {
  from 2020-01-01: 10
  until 2024-12-31
}
parameter repealed: Money {
  from 2020-01-01: 20
  from 2025-01-01:
}
table t(x: Integer) -> Money hit first {
  x    | result
  <= 2 | 100
  <= 5 | 200
  *    | 300
}
table u(k: Kind, f: Boolean) -> Integer {
  k      | f     | result
  a      | *     | 1
  {b, c} | true  | 2
  {b, c} | false | 3
}
table tags(x: Integer) -> Integer hit collect sum {
  x    | result
  >= 0 | 1
  >= 3 | 10
}
table dt(x: Integer) -> Money hit first {
  x    | result
  from 2020-01-01: source "old"
  <= 2 | 100
  *    | 300
  from 2025-03-01:
  <= 0 | 150
  <= 4 | 250
  from 2030-01-01:
  *    | 400
}
table te(x: Integer) -> Money hit first {
  x    | result
  from 2020-01-01:
  <= 1 | 100
  <= 3 | 200
  for each x above 3: 50
  from 2025-03-01:
  <= 2 | 120
  for each x above 2: lim
}
parameter cut: Money { from 2020-01-01: 20_000 }
scale sc marginal {
  from 2020-01-01:
    0      | 2%
    cut    | 6%
    60_000 | 12%
  from 2025-03-01:
    0      | 3%
    50_000 | 10%
  from 2030-01-01:
}
scale ss single {
  0      | 100
  10_000 | 50
  60_000 | 0
}
table dend(x: Integer) -> Money hit first {
  x    | result
  from 2020-01-01:
  <= 2 | 100
  *    | 300
  until 2025-02-28
  from 2030-01-01:
  *    | 50
  from 2031-01-01: source "repeal"
}
scale su marginal {
  from 2020-01-01:
    0 | 5%
  until 2025-02-28
}
table dlater(k: Kind) -> Integer hit collect sum {
  k | result
  from 2030-01-01:
  a | 1
  * | 2
}
"#;

/// The as-of dates the properties are checked on: before the second version of
/// `dt` (and before `dlater`), the day it starts, and after `dt`'s third version
/// and `dlater`'s first (and `later`'s).
const DATES: [(i16, i8, i8); 3] = [(2024, 6, 1), (2025, 3, 1), (2031, 1, 1)];

fn as_of(seed: u64) -> jiff::civil::Date {
    let (y, m, d) = DATES[(seed % 3) as usize];
    jiff::civil::date(y, m, d)
}

struct Gen {
    rng: Rng,
    /// Whether to use `known` and `otherwise`, which decide on what is unknown
    /// (so soundness over completions does not apply to them).
    presume: bool,
    /// (name, for Person) of the programmes generated so far.
    programs: Vec<(String, bool)>,
}

impl Gen {
    /// -3..=7: one past each end of the domains of `n` and `x` (-2..6), so
    /// that some comparisons are decided by a domain alone (`x > -3`, `n > 6`).
    fn int(&mut self) -> String {
        (self.rng.below(11) as i64 - 3).to_string()
    }
    fn money(&mut self) -> String {
        self.rng
            .pick(&["0", "10_000", "50_000", "60_000", "100_000"])
            .to_string()
    }

    /// A condition on a monthly series over a window before the as-of date.
    fn series_bool(&mut self, person: bool) -> String {
        let months = self
            .rng
            .pick(&["1 month", "2 months", "3 months", "1 year"]);
        if person {
            let f = self
                .rng
                .pick(&["sum_last", "min_last", "max_last", "average_last"]);
            return format!("{f}(w, {months}) > {}", self.int());
        }
        let op = self.rng.pick(&["<", "<=", ">", ">=", "="]);
        match self.rng.below(3) {
            0 => format!(
                "month_value(r, {}) {op} {}",
                self.rng.pick(&["0 months", "1 month", "2 months"]),
                self.money()
            ),
            1 => format!("(any members where sum_last(w, {months}) > {})", self.int()),
            _ => {
                let f = self
                    .rng
                    .pick(&["sum_last", "min_last", "max_last", "average_last"]);
                format!("{f}(r, {months}) {op} {}", self.money())
            }
        }
    }

    fn person_bool(&mut self, depth: u32) -> String {
        if depth > 0 && self.rng.chance(6) {
            return self.series_bool(true);
        }
        if depth == 0 || self.rng.chance(40) {
            return match self.rng.below(if self.presume { 8 } else { 7 }) {
                7 => "not known(inc)".into(),
                0 => "g".into(),
                1 => format!("x > {}", self.int()),
                2 => format!("inc >= {}", self.money()),
                3 => format!("age >= {}", self.rng.pick(&["2", "18", "65"])),
                4 => "household.f".into(),
                5 => format!("x in {}..{}", self.int(), self.rng.below(6)),
                _ => format!("household.n < {}", self.int()),
            };
        }
        self.combine(depth, Gen::person_bool)
    }

    fn combine(&mut self, depth: u32, leaf: fn(&mut Gen, u32) -> String) -> String {
        let a = leaf(self, depth - 1);
        match self.rng.below(5) {
            0 => format!("({a} and {})", leaf(self, depth - 1)),
            1 => format!("({a} or {})", leaf(self, depth - 1)),
            2 => format!("not ({a})"),
            3 => format!("({a} implies {})", leaf(self, depth - 1)),
            _ => format!(
                "(if {a} then {} else {})",
                leaf(self, depth - 1),
                leaf(self, depth - 1)
            ),
        }
    }

    fn house_bool(&mut self, depth: u32) -> String {
        if depth > 0 && self.rng.chance(8) {
            return self.series_bool(false);
        }
        if depth == 0 || self.rng.chance(35) {
            return match self.rng.below(if self.presume { 19 } else { 17 }) {
                17 => "known(m)".into(),
                18 => format!("(n otherwise {}) > 1", self.int()),
                // Comparisons of sums, differences, multiples and quotients,
                // which the domains may decide (`sum(members.inc) + m >= 0`).
                14 => format!(
                    "{} {} {}",
                    self.house_money(2),
                    self.rng.pick(&["<", "<=", ">", ">=", "=", "!="]),
                    self.house_money(1)
                ),
                16 => format!(
                    "(if {} then {} else {})",
                    self.house_bool(0),
                    self.rng.pick(&["true", "false"]),
                    self.rng.pick(&["true", "false"])
                ),
                15 => format!(
                    "sum(members.inc) / {} {} {}",
                    self.rng.pick(&["2", "count(members)", "(n + 3)"]),
                    self.rng.pick(&["<=", ">"]),
                    self.money()
                ),
                0 => "f".into(),
                1 => format!("n > {}", self.int()),
                2 => format!("m >= {}", self.money()),
                3 => format!("k = {}", self.rng.pick(&["a", "b", "c"])),
                4 => format!("k in {{{}, c}}", self.rng.pick(&["a", "b"])),
                5 => format!("d < {}", self.rng.pick(&["2000-01-01", "2020-06-30"])),
                6 => format!("count(kids) >= {}", self.rng.below(3)),
                7 => format!("total > {}", self.money()),
                8 => format!("(any members where {})", self.person_bool(1)),
                9 => format!("(all members where {})", self.person_bool(1)),
                10 => format!(
                    "count(members where {}) >= {}",
                    self.person_bool(1),
                    self.rng.below(3)
                ),
                11 => match self.rng.below(4) {
                    0 => format!(
                        "{}(n) > {}",
                        self.rng.pick(&["dt", "dend"]),
                        self.rng.pick(&["150", "250"])
                    ),
                    2 => format!("te(n) > {}", self.rng.pick(&["150", "250"])),
                    1 => format!("dlater(k) >= {}", self.rng.below(3)),
                    _ => format!("t(n) > {}", self.rng.pick(&["150", "250"])),
                },
                12 => format!("u(k, f) = {}", self.rng.below(4)),
                _ => self.reference(false).unwrap_or_else(|| "f".into()),
            };
        }
        self.combine(depth, Gen::house_bool)
    }

    fn reference(&mut self, person: bool) -> Option<String> {
        let same: Vec<String> = self
            .programs
            .iter()
            .filter(|(_, p)| *p == person)
            .map(|(n, _)| n.clone())
            .collect();
        if same.is_empty() {
            return None;
        }
        let name = same[self.rng.below(same.len() as u64) as usize].clone();
        Some(format!("eligible({name})"))
    }

    fn house_money(&mut self, depth: u32) -> String {
        if depth > 0 && self.rng.chance(5) {
            return format!(
                "sum_last(r, {})",
                self.rng.pick(&["1 month", "2 months", "3 months"])
            );
        }
        if depth == 0 || self.rng.chance(40) {
            return match self.rng.below(8) {
                0 => "m".into(),
                1 => "lim".into(),
                2 => self.money(),
                // Scales: versions by date (the last ends `sc`), a threshold
                // from a parameter, a single-amount scale, unknown bases.
                3 => self
                    .rng
                    .pick(&[
                        "t(n)",
                        "dt(n)",
                        "te(n)",
                        "sc(m)",
                        "ss(total)",
                        "sc(m + total)",
                        "dend(n)",
                        "su(m)",
                    ])
                    .into(),
                4 => "total".into(),
                5 => "sum(members.inc)".into(),
                6 => "lim * tags(n)".into(),
                // Out of force on the as-of date (2025-03-01): unknown.
                // Out of force, and formulas in versions by date (the second
                // version of `versioned`, none yet of `not_yet`).
                7 if self.rng.chance(50) => self
                    .rng
                    .pick(&["gone", "repealed + m", "versioned", "not_yet", "ending"])
                    .into(),
                _ => "max(m, lim)".into(),
            };
        }
        let a = self.house_money(depth - 1);
        match self.rng.below(5) {
            0 => format!("({a} + {})", self.house_money(depth - 1)),
            1 => format!("({a} - {})", self.house_money(depth - 1)),
            2 => format!("{a} * {}", self.rng.below(4)),
            // The same branch twice: known when it is, whatever the condition.
            3 => format!("(if {} then {a} else {a})", self.house_bool(1)),
            _ => format!(
                "(if {} then {a} else {})",
                self.house_bool(1),
                self.house_money(depth - 1)
            ),
        }
    }

    fn program(&mut self, i: usize) -> String {
        let person = self.rng.chance(30);
        let name = format!("p{i}");
        let mut s = format!(
            "program {name} {{\n  for {}\n",
            if person { "Person" } else { "Household" }
        );
        let clauses = 1 + self.rng.below(2);
        for _ in 0..clauses {
            let c = if person {
                match self.reference(true) {
                    Some(r) if self.rng.chance(20) => r,
                    _ => self.person_bool(2),
                }
            } else {
                self.house_bool(3)
            };
            s.push_str(&format!("  eligible when {c}\n"));
        }
        if self.rng.chance(40) {
            let c = if person {
                self.person_bool(1)
            } else {
                self.house_bool(2)
            };
            s.push_str(&format!("  unless {c}\n"));
        }
        if self.rng.chance(70) {
            let a = if person {
                self.rng
                    .pick(&["inc", "lim", "inc * 2", "max(inc, lim)", "lim - inc"])
                    .to_string()
            } else {
                self.house_money(2)
            };
            s.push_str(&format!("  amount = {a}\n"));
        }
        s.push_str("}\n");
        self.programs.push((name, person));
        s
    }
}

fn ruleset(seed: u64) -> String {
    ruleset_with(seed, false)
}

fn ruleset_with(seed: u64, presume: bool) -> String {
    let mut g = Gen {
        presume,
        rng: Rng::new(seed),
        programs: Vec::new(),
    };
    let mut s = HEADER.to_string();
    let n = 3 + g.rng.below(6) as usize;
    for i in 0..n {
        s.push_str(&g.program(i));
    }
    s
}

/// A complete household, as JSON fields (name → JSON value).
fn household(rng: &mut Rng) -> Vec<(String, String)> {
    let mut fields = vec![
        ("k".into(), format!("\"{}\"", rng.pick(&["a", "b", "c"]))),
        ("n".into(), (rng.below(9) as i64 - 2).to_string()),
        (
            "m".into(),
            rng.pick(&["0", "10000", "50000", "\"60000.50\"", "100000"])
                .to_string(),
        ),
        ("f".into(), rng.chance(50).to_string()),
        (
            "d".into(),
            format!(
                "\"{}\"",
                rng.pick(&["1999-12-31", "2010-05-05", "2024-01-01"])
            ),
        ),
    ];
    fields.push((
        "r".into(),
        series(rng, &["0", "10000", "\"20000.50\"", "50000"]),
    ));
    fields.push(("members".into(), members(rng, None)));
    fields
}

/// The months around the as-of dates (`DATES`) a series function reads.
const MONTHS: [&str; 14] = [
    "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-11", "2024-12", "2025-01",
    "2025-02", "2025-03", "2030-10", "2030-11", "2030-12", "2031-01",
];

/// A complete monthly series over [`MONTHS`], its values from `values`.
fn series(rng: &mut Rng, values: &[&str]) -> String {
    let parts: Vec<String> = MONTHS
        .iter()
        .map(|m| format!("\"{m}\": {}", rng.pick(values)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// `series` with some months left out or `null`.
fn partial_series(series: &str, mask: &mut Rng) -> String {
    let value: serde_json::Value = serde_json::from_str(series).unwrap();
    let mut obj = value.as_object().unwrap().clone();
    obj.retain(|_, _| !mask.chance(20));
    for v in obj.values_mut() {
        if mask.chance(15) {
            *v = serde_json::Value::Null;
        }
    }
    serde_json::Value::Object(obj).to_string()
}

/// `partial`'s known months over a fresh complete series.
fn complete_series(partial: &str, rng: &mut Rng, values: &[&str]) -> String {
    let fresh: serde_json::Value = serde_json::from_str(&series(rng, values)).unwrap();
    let mut obj = fresh.as_object().unwrap().clone();
    let given: serde_json::Value = serde_json::from_str(partial).unwrap();
    for (k, v) in given.as_object().unwrap() {
        if !v.is_null() {
            obj.insert(k.clone(), v.clone());
        }
    }
    serde_json::Value::Object(obj).to_string()
}

const W_VALUES: [&str; 5] = ["-1", "0", "1", "2", "3"];

fn person(rng: &mut Rng, unknown: Option<&mut Rng>) -> String {
    let mut parts = vec![
        format!(
            "\"bd\": \"{}\"",
            rng.pick(&["1950-03-01", "1990-07-15", "2010-01-01", "2024-02-29"])
        ),
        format!(
            "\"inc\": {}",
            rng.pick(&["0", "20000", "50000", "70000.25"])
        ),
        format!("\"g\": {}", rng.chance(50)),
        format!("\"x\": {}", rng.below(9) as i64 - 2),
        format!("\"w\": {}", series(rng, &W_VALUES)),
    ];
    if let Some(u) = unknown {
        parts.retain(|_| !u.chance(30));
        for p in &mut parts {
            if let Some(w) = p.strip_prefix("\"w\": ") {
                *p = format!("\"w\": {}", partial_series(w, u));
            }
        }
    }
    format!("{{{}}}", parts.join(", "))
}

fn members(rng: &mut Rng, mut unknown: Option<&mut Rng>) -> String {
    let n = rng.below(4);
    let list: Vec<String> = (0..n)
        .map(|_| person(rng, unknown.as_deref_mut()))
        .collect();
    format!("[{}]", list.join(", "))
}

fn to_json(fields: &[(String, String)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

type Outcome = Vec<(String, String, Status, Option<rust_decimal::Decimal>)>;

fn outcome(engine: &Engine, json: &str, date: jiff::civil::Date) -> Outcome {
    let facts = engine.facts_from_json(json).unwrap();
    let mut session = engine.session(date);
    let eval = session.evaluate(&facts);
    eval.results()
        .map(|r| {
            (
                r.program.to_string(),
                eval.subject_path(r.subject),
                r.status,
                r.amount,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn decided_results_hold_for_every_completion(seed in any::<u64>()) {
        let source = ruleset(seed);
        let engine = match Engine::compile(vec![SourceFile::new("gen.accord", source.clone())]) {
            Ok(e) => e,
            Err(report) => panic!("generated ruleset does not check:\n{source}\n{}", report.render(Default::default())),
        };
        let mut rng = Rng::new(seed ^ 0xABCD);
        for _ in 0..6 {
            // Partial facts: some household facts, some member facts, or the whole
            // member list, left unknown.
            let mut partial = household(&mut rng);
            let mut mask = Rng::new(rng.next());
            partial.retain(|(k, _)| k == "members" || !mask.chance(35));
            for f in partial.iter_mut().filter(|(k, _)| k == "r") {
                f.1 = partial_series(&f.1, &mut mask);
            }
            let members_known = !mask.chance(15);
            if members_known {
                let mut r2 = Rng::new(rng.next());
                let list = members(&mut r2, Some(&mut mask));
                for f in partial.iter_mut().filter(|(k, _)| k == "members") {
                    f.1 = list.clone();
                }
            } else {
                partial.retain(|(k, _)| k != "members");
            }
            let partial_json = to_json(&partial);
            let decided = outcome(&engine, &partial_json, as_of(seed));
            for _ in 0..8 {
                let completion = complete(&partial, &mut rng);
                let full = outcome(&engine, &completion, as_of(seed));
                for (program, subject, status, amount) in &decided {
                    if *status == Status::Undetermined {
                        continue;
                    }
                    let other = full.iter().find(|r| &r.0 == program && &r.1 == subject);
                    let Some(other) = other else { continue };
                    let context = format!(
                        "seed {seed}: {program} `{subject}` decided on partial facts\n{partial_json}\ncompletion\n{completion}\nruleset\n{source}"
                    );
                    prop_assert_eq!(status, &other.2, "{}", context);
                    if amount.is_some() {
                        prop_assert_eq!(amount, &other.3, "{}", context);
                    }
                }
            }
        }
    }

    #[test]
    fn reused_sessions_give_the_same_results(seed in any::<u64>()) {
        let source = ruleset(seed);
        let engine = Engine::compile(vec![SourceFile::new("gen.accord", source.clone())]).unwrap();
        let mut rng = Rng::new(seed);
        let docs: Vec<String> = (0..5).map(|_| to_json(&household(&mut rng))).collect();
        let facts: Vec<_> = docs.iter().map(|d| engine.facts_from_json(d).unwrap()).collect();
        let date = as_of(seed);
        let mut shared = engine.session(date);
        for (doc, f) in docs.iter().zip(&facts) {
            let reused: Outcome = {
                let e = shared.evaluate(f);
                e.results()
                    .map(|r| (r.program.to_string(), e.subject_path(r.subject), r.status, r.amount))
                    .collect()
            };
            prop_assert_eq!(reused, outcome(&engine, doc, date), "seed {}", seed);
        }
    }
}

/// A household with some facts left unknown (or none, one time in three).
fn maybe_partial(rng: &mut Rng) -> String {
    let mut fields = household(rng);
    if rng.chance(33) {
        return to_json(&fields);
    }
    let mut mask = Rng::new(rng.next());
    fields.retain(|(k, _)| k == "members" || !mask.chance(25));
    for f in fields.iter_mut().filter(|(k, _)| k == "r") {
        f.1 = partial_series(&f.1, &mut mask);
    }
    let mut r2 = Rng::new(rng.next());
    let list = members(&mut r2, Some(&mut mask));
    for f in fields.iter_mut().filter(|(k, _)| k == "members") {
        f.1 = list.clone();
    }
    to_json(&fields)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn certain_path_agrees_with_rows(seed in any::<u64>()) {
        let source = ruleset_with(seed, true);
        let engine = Engine::compile(vec![SourceFile::new("gen.accord", source.clone())]).unwrap();
        let mut rng = Rng::new(seed ^ 0x5EED);
        let docs: Vec<String> = (0..48).map(|_| maybe_partial(&mut rng)).collect();
        let facts: Vec<_> = docs.iter().map(|d| engine.facts_from_json(d).unwrap()).collect();
        let date = as_of(seed);
        let mut rows = engine.session(date);
        rows.set_certain_path(false);
        let alone: Vec<Full> = facts.iter().map(|f| full(&rows.evaluate(f))).collect();
        let mut certain = engine.session(date);
        for (i, (f, expected)) in facts.iter().zip(&alone).enumerate() {
            // Every document tried, however many failed before it.
            certain.set_certain_path(true);
            let got = full(&certain.evaluate(f));
            prop_assert_eq!(&got, expected, "seed {}: document {} (certain path)\n{}\nruleset\n{}", seed, i, docs[i], source);
        }
        let mut batches = engine.session(date);
        let batch = batches.evaluate_many(&facts);
        prop_assert_eq!(batch.len(), docs.len());
        for (i, expected) in alone.iter().enumerate() {
            let got = full(&batch.get(i).unwrap());
            prop_assert_eq!(&got, expected, "seed {}: document {}\n{}\nruleset\n{}", seed, i, docs[i], source);
        }
    }
}

/// Fills every unknown fact of `partial` with a random value.
fn complete(partial: &[(String, String)], rng: &mut Rng) -> String {
    let full = household(rng);
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in &full {
        match partial.iter().find(|(pk, _)| pk == k) {
            Some((_, pv)) if k == "members" => out.push((k.clone(), complete_members(pv, rng))),
            Some((_, pv)) if k == "r" => out.push((
                k.clone(),
                complete_series(pv, rng, &["0", "10000", "\"20000.50\"", "50000"]),
            )),
            Some((_, pv)) => out.push((k.clone(), pv.clone())),
            None => out.push((k.clone(), v.clone())),
        }
    }
    to_json(&out)
}

/// Completes each member object of a JSON list by adding the fields it lacks.
fn complete_members(list: &str, rng: &mut Rng) -> String {
    let value: serde_json::Value = serde_json::from_str(list).unwrap();
    let items: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let fresh: serde_json::Value = serde_json::from_str(&person(rng, None)).unwrap();
            let mut obj = fresh.as_object().unwrap().clone();
            for (k, v) in m.as_object().unwrap() {
                let v = match v.as_object() {
                    // A series: its known months over the fresh one's.
                    Some(_) if k == "w" => {
                        serde_json::from_str(&complete_series(&v.to_string(), rng, &W_VALUES))
                            .unwrap()
                    }
                    _ => v.clone(),
                };
                obj.insert(k.clone(), v);
            }
            serde_json::Value::Object(obj).to_string()
        })
        .collect();
    format!("[{}]", items.join(", "))
}
