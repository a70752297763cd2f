//! The `ruleset` target's generator: an `Arbitrary` description of a ruleset,
//! rendered to source text following docs/language.md.
//!
//! The skeleton is fixed (so names always resolve): `Household` with one fact
//! of each type and `members: list of Person`; `Person` with its own facts;
//! the enum `Kind`; `Person`'s monthly series `mi` (never given, so its months are missing facts); four parameters; three tables. What varies: the
//! parameters' versions and values, the tables' hit policy and rows (and
//! whether `ti` is dated and `tm` ends with a `for each` line, and whether `tm`
//! is dated and ends), the parameters' ends (`until`, `from DATE:` alone), the
//! `let`s of both entities (some in versions by date that end) and the programmes;
//! a fixed scale `sm` (versions, parameters in brackets, an `until` and an end)
//! that money may apply.
//! Expressions are an untyped random tree (`E`) that the renderer reads at
//! the type the context needs (`Ty`), so almost every generated file
//! type-checks; the node's choice byte
//! picks among the forms of that type, children are rendered at the types the
//! form needs, and past a depth every node is read as a leaf.

use arbitrary::Arbitrary;
use jiff::civil::Date;

use super::shared::Many;

#[derive(Arbitrary, Debug)]
pub enum E {
    Leaf(u8, u8),
    Un(u8, Box<E>),
    Bin(u8, Box<E>, Box<E>),
    Tri(u8, Box<E>, Box<E>, Box<E>),
}

static LEAF: E = E::Leaf(0, 0);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Bool,
    Int,
    Dec,
    Money,
    Date,
    Text,
    Kind,
}

const LET_TYPES: [Ty; 7] = [Ty::Bool, Ty::Int, Ty::Dec, Ty::Money, Ty::Date, Ty::Text, Ty::Kind];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    House,
    Person,
}

#[derive(Arbitrary, Debug)]
pub struct Prog {
    person: bool,
    label: u8,
    clauses: Many<E, 2>,
    unless: Option<E>,
    amount: Option<E>,
    legal: u8,
}

#[derive(Arbitrary, Debug)]
pub struct Param {
    /// Which `from` dates are present (bits over `FROM_DATES`).
    mask: u8,
    values: [i16; 4],
}

/// One fact's value: the selector picks given / missing / null / wrong type.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Fv(u8, u8);

#[derive(Arbitrary, Debug)]
pub struct FactsIn {
    /// Below 24: values of the wrong type are allowed in this document.
    wrong: u8,
    house: [Fv; 7],
    /// Below 20: the member list is left out.
    members_sel: u8,
    members: Many<[Fv; 6], 4>,
}

#[derive(Arbitrary, Debug)]
pub struct Input {
    hlets: Many<(u8, E), 4>,
    plets: Many<(u8, E), 3>,
    params: [Param; 4],
    tm_policy: u8,
    tm_rows: Many<(u8, i8, i8, u16), 5>,
    /// Odd, under `hit first`: `tm` ends with a `for each v above N: ADD` line.
    tm_each: u8,
    ti_rows: Many<(u8, u8, i8), 4>,
    /// `ti` is dated: 0 not, 1 versions from 2024-07-01 and 2025-03-01, 2 only from
    /// 2025-03-01 (unknown before it, whatever the row).
    ti_dated: u8,
    programs: Many<Prog, 5>,
    pub presume: bool,
    as_of: u8,
    pub facts: FactsIn,
    completions: Vec<u8>,
}

const FROM_DATES: [&str; 5] = ["2000-01-01", "2019-01-01", "2024-07-01", "2025-03-01", "2030-01-01"];
/// The day before each of `FROM_DATES` but the first: where a parameter's first
/// version may end (`until`) or be repealed (`from DATE:`) before the next.
const UNTIL_DATES: [&str; 4] = ["2018-12-31", "2024-06-30", "2025-02-28", "2029-12-31"];
const DATES: [&str; 7] = [
    "1950-03-01", "1990-07-15", "2010-01-01", "2024-02-29", "2025-03-01", "2031-12-31", "2007-03-01",
];
const DURATIONS: [&str; 6] = ["3 days", "1 day", "2 weeks", "6 months", "1 year", "18 years"];
const TEXTS: [&str; 4] = ["A", "b c", "", "é\\n\\\""];
const VARIANTS: [&str; 5] = ["a", "b", "c", "Kind.a", "Kind.c"];
const HOUSE_FACTS: [(&str, Ty); 7] = [
    ("n", Ty::Int),
    ("x", Ty::Dec),
    ("m", Ty::Money),
    ("f", Ty::Bool),
    ("d", Ty::Date),
    ("t", Ty::Text),
    ("k", Ty::Kind),
];
const PERSON_FACTS: [(&str, Ty); 6] = [
    ("age", Ty::Int),
    ("inc", Ty::Money),
    ("g", Ty::Bool),
    ("bd", Ty::Date),
    ("pk", Ty::Kind),
    ("nm", Ty::Text),
];

fn pick<'a>(items: &[&'a str], i: u8) -> &'a str {
    items[i as usize % items.len()]
}

struct R<'a> {
    presume: bool,
    /// `let`s of each entity declared so far: (name, type).
    hlets: Vec<(String, Ty)>,
    plets: Vec<(String, Ty)>,
    /// Programmes declared so far: (name, for Person, has an amount).
    programs: Vec<(String, bool, bool)>,
    _p: std::marker::PhantomData<&'a ()>,
}

fn int_lit(l: u8) -> String {
    (l as i64 % 23 - 3).to_string()
}
fn money_lit(l: u8) -> &'static str {
    pick(&["0", "10_000", "50_000", "60_000.50", "100_000", "1", "999_999_999"], l)
}

impl R<'_> {
    fn lets(&self, sc: Scope, ty: Ty) -> Vec<String> {
        let v = match sc {
            Scope::House => &self.hlets,
            Scope::Person => &self.plets,
        };
        v.iter().filter(|(_, t)| *t == ty).map(|(n, _)| n.clone()).collect()
    }

    fn progs(&self, sc: Scope, amount: bool) -> Vec<String> {
        self.programs
            .iter()
            .filter(|(_, person, has)| (!amount || *has) && (sc == Scope::Person || !*person))
            .map(|(n, _, _)| n.clone())
            .collect()
    }

    /// The list a quantifier or aggregate runs over, from `sc`.
    fn list(&self, sc: Scope, l: u8) -> String {
        match sc {
            Scope::House if l % 3 == 0 => "(members where age < 18)".into(),
            Scope::House => "members".into(),
            Scope::Person => "household.members".into(),
        }
    }

    fn leaf(&self, ty: Ty, sc: Scope, c: u8, l: u8) -> String {
        let lets = self.lets(sc, ty);
        if !lets.is_empty() && c % 7 == 6 {
            return lets[l as usize % lets.len()].clone();
        }
        let h = sc == Scope::House;
        match ty {
            Ty::Bool => match c % 12 {
                0 => if h { "f" } else { "g" }.into(),
                1 => format!("({} > {})", if h { "n" } else { "age" }, int_lit(l)),
                2 => format!("({} >= {})", if h { "m" } else { "inc" }, money_lit(l)),
                3 => format!("({} = {})", if h { "k" } else { "pk" }, pick(&VARIANTS, l)),
                4 => format!("({} in {{a, b}})", if h { "k" } else { "pk" }),
                5 => format!("({} < {})", if h { "d" } else { "bd" }, pick(&DATES, l)),
                6 => format!("({} = \"{}\")", if h { "t" } else { "nm" }, pick(&TEXTS, l)),
                7 => format!("(count({}) >= {})", self.list(sc, l), l % 4),
                8 => "p_bool".into(),
                9 => {
                    let p = self.progs(sc, false);
                    if p.is_empty() {
                        "true".into()
                    } else {
                        format!("eligible({})", p[l as usize % p.len()])
                    }
                }
                10 if self.presume => format!("known({})", if h { "m" } else { "inc" }),
                10 => "false".into(),
                _ => if h { "(x >= 1.5)" } else { "household.f" }.into(),
            },
            Ty::Int => match c % 8 {
                0 => if h { "n" } else { "age" }.into(),
                1 => int_lit(l),
                2 => format!("count({})", self.list(sc, l)),
                3 => "p_int".into(),
                4 => format!("years_between({}, today)", if h { "d" } else { "bd" }),
                5 => if h { "ti(k, f)" } else { "ti(pk, g)" }.into(),
                6 => if h { "days_between(d, today)" } else { "household.n" }.into(),
                _ => format!("{}", l % 5),
            },
            Ty::Dec => match c % 6 {
                0 => if h { "x" } else { "household.x" }.into(),
                1 => pick(&["1.5", "0.125", "29.00", "12%", "12.5%", "0.0"], l).into(),
                2 => "p_dec".into(),
                3 => format!("({} / {})", if h { "n" } else { "age" }, l % 4),
                _ => "p_dec".into(),
            },
            Ty::Money => match c % 8 {
                0 => if h { "m" } else { "inc" }.into(),
                1 => "p_money".into(),
                2 => match (h, l % 3) {
                    (true, 0) => "sm(m)",
                    (false, 0) => "sm(inc)",
                    (true, _) => "tm(n)",
                    (false, _) => "tm(age)",
                }
                .into(),
                3 => format!("sum({}.inc)", self.list(sc, l)),
                4 => money_lit(l).into(),
                5 => {
                    let p = self.progs(sc, true);
                    if p.is_empty() {
                        "p_money".into()
                    } else {
                        format!("amount({})", p[l as usize % p.len()])
                    }
                }
                6 => if h { "max(m, p_money)" } else { "household.m" }.into(),
                // A monthly series (never in the generated facts: its months
                // are missing facts of their own).
                _ if !h && l % 2 == 1 => pick(&["sum_last(mi, 2 months)", "month_value(mi, 0 months)"], l / 2).into(),
                _ => if h { "(p_money * n)" } else { "(p_money * age)" }.into(),
            },
            Ty::Date => match c % 5 {
                0 => if h { "d" } else { "bd" }.into(),
                1 => "today".into(),
                2 => pick(&DATES, l).into(),
                3 => if h { "max(d, today)" } else { "household.d" }.into(),
                _ => format!("(today - {})", pick(&DURATIONS, l)),
            },
            Ty::Text => match c % 3 {
                0 => if h { "t" } else { "nm" }.into(),
                1 => format!("\"{}\"", pick(&TEXTS, l)),
                _ => if h { "t" } else { "household.t" }.into(),
            },
            Ty::Kind => match c % 5 {
                0 => if h { "k" } else { "pk" }.into(),
                1 => pick(&VARIANTS, l).into(),
                2 => if h { "tk(k)" } else { "tk(pk)" }.into(),
                3 => if h { "k" } else { "household.k" }.into(),
                _ => "Kind.b".into(),
            },
        }
    }

    fn r(&self, e: &E, ty: Ty, sc: Scope, depth: u32) -> String {
        let (c, l, kids): (u8, u8, [&E; 3]) = match e {
            E::Leaf(c, l) => return self.leaf(ty, sc, *c, *l),
            E::Un(c, a) => (*c, 0, [a, &LEAF, &LEAF]),
            E::Bin(c, a, b) => (*c, 1, [a, b, &LEAF]),
            E::Tri(c, a, b, d) => (*c, 2, [a, b, d]),
        };
        if depth == 0 {
            return self.leaf(ty, sc, c, l.wrapping_mul(37).wrapping_add(c));
        }
        let d = depth - 1;
        let [a, b, z] = kids;
        let go = |e: &E, ty: Ty| self.r(e, ty, sc, d);
        // Forms by arity: unary forms use `a`, binary `a, b`, ternary all three.
        match (ty, l) {
            (Ty::Bool, 0) => match c % 7 {
                0 => format!("(not {})", go(a, Ty::Bool)),
                1 => format!("(any {} where {})", self.list(sc, c / 7), self.r(a, Ty::Bool, Scope::Person, d)),
                2 => format!("(all {} where {})", self.list(sc, c / 7), self.r(a, Ty::Bool, Scope::Person, d)),
                3 if self.presume => format!("known({})", go(a, Ty::Int)),
                4 => format!("({} in {{a, c}})", go(a, Ty::Kind)),
                5 => format!("({} != \"A\")", go(a, Ty::Text)),
                _ => format!("({} in {}..{})", go(a, Ty::Int), c % 4, 3 + c % 9),
            },
            (Ty::Bool, 1) => {
                let cmp = pick(&["=", "!=", "<", "<=", ">", ">="], c / 9);
                let eq = pick(&["=", "!="], c / 9);
                match c % 9 {
                    0 => format!("({} and {})", go(a, Ty::Bool), go(b, Ty::Bool)),
                    1 => format!("({} or {})", go(a, Ty::Bool), go(b, Ty::Bool)),
                    2 => format!("({} implies {})", go(a, Ty::Bool), go(b, Ty::Bool)),
                    3 => format!("({} {cmp} {})", go(a, Ty::Int), go(b, Ty::Int)),
                    4 => format!("({} {cmp} {})", go(a, Ty::Money), go(b, Ty::Money)),
                    5 => format!("({} {cmp} {})", go(a, Ty::Date), go(b, Ty::Date)),
                    6 => format!("({} {cmp} {})", go(a, Ty::Dec), go(b, Ty::Int)),
                    7 => format!("({} {eq} {})", go(a, Ty::Kind), go(b, Ty::Kind)),
                    _ => format!("({} {eq} {})", go(a, Ty::Bool), go(b, Ty::Bool)),
                }
            }
            (Ty::Int, 0) => match c % 8 {
                0 => format!("(-{})", go(a, Ty::Int)),
                1 => format!("abs({})", go(a, Ty::Int)),
                2 => format!("count({} where {})", self.list(sc, c / 8), self.r(a, Ty::Bool, Scope::Person, d)),
                3 if self.presume => format!("({} otherwise {})", go(a, Ty::Int), c % 5),
                4 => format!("round({})", go(a, Ty::Dec)),
                5 => format!("floor({})", go(a, Ty::Dec)),
                6 => format!("months_between({}, today)", go(a, Ty::Date)),
                _ => format!("ceil({})", go(a, Ty::Dec)),
            },
            (Ty::Int, 1) => match c % 5 {
                0 => format!("({} + {})", go(a, Ty::Int), go(b, Ty::Int)),
                1 => format!("({} - {})", go(a, Ty::Int), go(b, Ty::Int)),
                2 => format!("({} * {})", go(a, Ty::Int), go(b, Ty::Int)),
                3 => format!("min({}, {})", go(a, Ty::Int), go(b, Ty::Int)),
                _ => format!("max({}, {})", go(a, Ty::Int), go(b, Ty::Int)),
            },
            (Ty::Dec, 0) => match c % 4 {
                0 => format!("(-{})", go(a, Ty::Dec)),
                1 => format!("round({}, {})", go(a, Ty::Dec), c % 3),
                2 => format!("({} / {})", go(a, Ty::Int), 1 + c % 3),
                _ => format!("(({} - p_money) / p_money)", go(a, Ty::Money)),
            },
            (Ty::Dec, 1) => match c % 5 {
                0 => format!("({} + {})", go(a, Ty::Dec), go(b, Ty::Dec)),
                1 => format!("({} - {})", go(a, Ty::Dec), go(b, Ty::Int)),
                2 => format!("({} * {})", go(a, Ty::Dec), go(b, Ty::Dec)),
                3 => format!("({} / {})", go(a, Ty::Dec), go(b, Ty::Dec)),
                _ => format!("max({}, {})", go(a, Ty::Dec), go(b, Ty::Int)),
            },
            (Ty::Money, 0) => match c % 7 {
                0 => format!("(-{})", go(a, Ty::Money)),
                1 => format!("round({})", go(a, Ty::Money)),
                2 => format!("abs({})", go(a, Ty::Money)),
                3 if self.presume => format!("({} otherwise 0)", go(a, Ty::Money)),
                4 => format!("sum(({} where {}).inc)", self.list(sc, c / 7), self.r(a, Ty::Bool, Scope::Person, d)),
                5 => format!("(p_money * {})", go(a, Ty::Int)),
                _ => format!("({} * 12%)", go(a, Ty::Money)),
            },
            (Ty::Money, 1) => match c % 6 {
                0 => format!("({} + {})", go(a, Ty::Money), go(b, Ty::Money)),
                1 => format!("({} - {})", go(a, Ty::Money), go(b, Ty::Money)),
                2 => format!("min({}, {})", go(a, Ty::Money), go(b, Ty::Money)),
                3 => format!("max({}, {})", go(a, Ty::Money), go(b, Ty::Money)),
                4 => format!("({} * {})", go(a, Ty::Money), go(b, Ty::Dec)),
                _ => format!("({} / {})", go(a, Ty::Money), go(b, Ty::Int)),
            },
            (Ty::Date, 0) => match c % 3 {
                0 => format!("({} + {})", go(a, Ty::Date), pick(&DURATIONS, c / 3)),
                1 => format!("({} - {})", go(a, Ty::Date), pick(&DURATIONS, c / 3)),
                _ => format!("date({}, {}, {})", 1990 + u32::from(c % 40), 1 + c % 12, 1 + c % 28),
            },
            (Ty::Date, 1) => match c % 2 {
                0 => format!("min({}, {})", go(a, Ty::Date), go(b, Ty::Date)),
                _ => format!("max({}, {})", go(a, Ty::Date), go(b, Ty::Date)),
            },
            (_, 2) => format!("(if {} then {} else {})", go(a, Ty::Bool), go(b, ty), go(z, ty)),
            // Text and Kind have no unary or binary forms: read as a leaf.
            _ => self.leaf(ty, sc, c, l),
        }
    }
}

fn label(i: u8, what: &str) -> String {
    match i % 4 {
        0 => String::new(),
        1 => format!(" \"{what}\""),
        2 => format!(" \"{what}\" [et: \"{what} (et)\"]"),
        _ => format!(" \"{what} — ü\""),
    }
}

const DEPTH: u32 = 4;

impl Input {
    pub fn as_of(&self) -> Date {
        let d = pick(&["2025-03-01", "2024-07-01", "2019-06-01", "2030-01-01", "2025-02-28"], self.as_of);
        d.parse().unwrap_or(jiff::civil::date(2025, 3, 1))
    }

    pub fn render(&self) -> String {
        let mut r = R {
            presume: self.presume,
            hlets: Vec::new(),
            plets: Vec::new(),
            programs: Vec::new(),
            _p: std::marker::PhantomData,
        };
        let mut s = String::from(
            "ruleset generated \"Generated\" {\n  languages en, et\n  currency EUR\n}\n\n\
             enum Kind { a, b, c }\n\n",
        );
        // The `let`s: each may use the ones before it.
        let mut hl = String::new();
        for (i, (t, e)) in self.hlets.0.iter().take(4).enumerate() {
            let ty = LET_TYPES[*t as usize % LET_TYPES.len()];
            let mut v = r.r(e, ty, Scope::House, DEPTH - 1);
            if ty == Ty::Money {
                // A `let` has its value's type: keep it Money even when written out.
                v = format!("{v} + p_money");
            }
            // Some are formulas in versions by date that end (`until`, or a
            // `from` line without a formula) and come back in 2030.
            match t / 8 % 3 {
                1 => hl.push_str(&format!(
                    "  let hl{i} {{\n    from 2000-01-01: {v}\n    until 2025-02-28\n    from 2030-01-01: {v}\n  }}\n"
                )),
                2 => hl.push_str(&format!("  let hl{i} {{\n    from 2000-01-01: {v}\n    from 2024-07-01:\n  }}\n")),
                _ => hl.push_str(&format!("  let hl{i} = {v}\n")),
            }
            r.hlets.push((format!("hl{i}"), ty));
        }
        let mut pl = String::new();
        for (i, (t, e)) in self.plets.0.iter().take(3).enumerate() {
            let ty = LET_TYPES[*t as usize % LET_TYPES.len()];
            let mut v = r.r(e, ty, Scope::Person, DEPTH - 1);
            if ty == Ty::Money {
                v = format!("{v} + p_money");
            }
            pl.push_str(&format!("  let pl{i} = {v}\n"));
            r.plets.push((format!("pl{i}"), ty));
        }
        s.push_str(&format!(
            "/// A household.\nentity Household \"Household\" {{\n  n: Integer \"Number\"\n  x: Decimal\n  m: Money \"Money\" [et: \"Raha\"]\n  f: Boolean\n  d: Date\n  t: Text\n  k: Kind\n  members: list of Person \"Members\"\n{hl}}}\n\n"
        ));
        s.push_str(&format!(
            "entity Person {{\n  age: Integer\n  inc: Money\n  g: Boolean\n  bd: Date\n  pk: Kind\n  nm: Text\n  mi: monthly Money >= 0\n{pl}}}\n\n"
        ));
        // Parameters.
        for (p, (name, ty)) in self.params.iter().zip([
            ("p_money", "Money"),
            ("p_int", "Integer"),
            ("p_dec", "Decimal"),
            ("p_bool", "Boolean"),
        ]) {
            s.push_str(&format!("parameter {name}: {ty} \"{name}\" {{\n  source \"Decision 1\"\n"));
            let mut k = 0;
            let mut last = "";
            // Always at least one version; the first from 2000 unless bit 7 is set.
            let mask = if p.mask & 0x1F == 0 { 1 } else { p.mask & 0x1F };
            let mask = if p.mask & 0x80 == 0 { mask | 1 } else { mask };
            for (bit, date) in FROM_DATES.iter().enumerate() {
                if mask & (1 << bit) == 0 {
                    continue;
                }
                // Bit 5: the first version ends (`until`) the day before the next
                // date of `FROM_DATES`; bit 6 (without bit 5): it is repealed then.
                if k == 1 && p.mask & 0x60 != 0 {
                    let end = UNTIL_DATES[bit.saturating_sub(1)];
                    if p.mask & 0x20 != 0 {
                        s.push_str(&format!("  until {end}\n"));
                    } else {
                        s.push_str(&format!("  from {end}:\n"));
                    }
                }
                let v = p.values[k % 4];
                k += 1;
                let value = match ty {
                    "Money" => format!("{}", v as i64 * 100),
                    "Integer" => format!("{}", v % 100),
                    "Decimal" => format!("{}.{:02}", v / 100, (v % 100).unsigned_abs()),
                    _ => format!("{}", v % 2 == 0),
                };
                s.push_str(&format!("  from {date}: {value}\n"));
                last = date;
            }
            // A single version from before 2025-02-28 ends then.
            if k == 1 && p.mask & 0x60 != 0 && last < "2025-02-28" {
                s.push_str(if p.mask & 0x20 != 0 { "  until 2025-02-28\n" } else { "  from 2025-03-01:\n" });
            }
            s.push_str("}\n\n");
        }
        // Tables.
        let policy = pick(&["first", "collect sum", "collect max", "collect min", "first"], self.tm_policy);
        s.push_str(&format!("table tm(v: Integer) -> Money \"Table\" hit {policy} {{\n  v | result\n"));
        // Some tables are dated and end: `until` (enacted again in 2030), or a
        // `from` line without rows (a repeal).
        let ends = self.tm_policy / 8 % 3;
        if ends != 0 {
            s.push_str("  from 2000-01-01: source \"Decree\"\n");
        }
        for (op, a, b, res) in self.tm_rows.0.iter().take(5) {
            let (a, b) = ((*a as i64) % 30, (*b as i64) % 30);
            let cell = match op % 6 {
                0 => format!("<= {a}"),
                1 => format!("> {a}"),
                2 => format!("{}..{}", a.min(b), a.max(b)),
                3 => format!("{{{a}, {b}}}"),
                4 => format!("{a}"),
                _ => "*".into(),
            };
            s.push_str(&format!("  {cell} | {}\n", res % 5000));
        }
        if policy == "first" || self.tm_rows.0.is_empty() {
            s.push_str("  * | 7\n");
        }
        if policy == "first" && self.tm_each % 2 == 1 {
            s.push_str(&format!("  for each v above {}: {}\n", self.tm_each % 10, self.tm_each / 2 % 100));
        }
        match ends {
            1 => s.push_str("  until 2025-02-28 source \"Decree 2\"\n  from 2030-01-01:\n  * | 9\n"),
            2 => s.push_str("  from 2024-07-01: source \"Repeal\"\n"),
            _ => {}
        }
        s.push_str("}\n\n");
        s.push_str("table ti(k: Kind, b: Boolean) -> Integer hit first {\n  k | b | result\n");
        let ti_row = |s: &mut String, (kc, bc, res): &(u8, u8, i8)| {
            let kcell = pick(&["a", "{b, c}", "*", "!= a", "c"], *kc);
            let bcell = pick(&["true", "false", "*"], *bc);
            s.push_str(&format!("  {kcell} | {bcell} | {res}\n"));
        };
        let ti_rows: Vec<_> = self.ti_rows.0.iter().take(4).collect();
        match self.ti_dated % 3 {
            1 => {
                // The first version: the first half of the rows; the second: all.
                s.push_str("  from 2024-07-01: source \"Decision 2\"\n");
                for r in ti_rows.iter().take(ti_rows.len() / 2) {
                    ti_row(&mut s, *r);
                }
                s.push_str("  * | * | 1\n  from 2025-03-01:\n");
            }
            2 => s.push_str("  from 2025-03-01: source \"Decision 3\"\n"),
            _ => {}
        }
        for r in ti_rows {
            ti_row(&mut s, r);
        }
        s.push_str("  * | * | 0\n}\n\n");
        s.push_str("table tk(k: Kind) -> Kind {\n  k | result\n  a | b\n  b | c\n  c | a\n}\n\n");
        // A scale: versions by date, a threshold and a rate from parameters, an end.
        s.push_str(
            "scale sm \"Scale\" marginal {\n  from 2019-01-01: source \"Decision 4\"\n    0       | 2%\n    p_money | 6%\n  until 2024-06-30\n  from 2025-03-01:\n    0     | 3%\n    1_000 | p_dec\n  from 2030-01-01:\n}\n\n",
        );
        // Programmes.
        for (i, p) in self.programs.0.iter().take(5).enumerate() {
            let sc = if p.person { Scope::Person } else { Scope::House };
            let name = format!("prog{i}");
            s.push_str(&format!(
                "program {name}{} {{\n  for {}\n",
                label(p.label, "Programme"),
                if p.person { "Person" } else { "Household" }
            ));
            if p.legal % 3 == 0 {
                s.push_str("  sector social\n  legal \"Law 1\"\n");
            }
            let mut clauses = p.clauses.0.iter().take(2);
            let first = clauses.next().unwrap_or(&LEAF);
            s.push_str(&format!("  eligible when {}\n", r.r(first, Ty::Bool, sc, DEPTH)));
            if p.legal % 2 == 1 {
                s.push_str("    legal \"Article 2\"\n");
            }
            for c in clauses {
                s.push_str(&format!("  eligible when {}\n", r.r(c, Ty::Bool, sc, DEPTH)));
            }
            if let Some(u) = &p.unless {
                s.push_str(&format!("  unless {}\n", r.r(u, Ty::Bool, sc, DEPTH - 1)));
            }
            if let Some(a) = &p.amount {
                s.push_str(&format!("  amount = {}\n", r.r(a, Ty::Money, sc, DEPTH)));
            }
            if p.legal % 5 == 0 {
                s.push_str("  apply \"Office\"\n  documents \"Passport\", \"Proof\"\n");
            }
            s.push_str("}\n\n");
            r.programs.push((name, p.person, p.amount.is_some()));
        }
        if self.programs.0.is_empty() {
            s.push_str("program always {\n  for Household\n  eligible when true\n  amount = p_money\n}\n");
        }
        s
    }

    /// The facts document, as given (some facts missing or null; with `wrong`,
    /// some of the wrong type).
    pub fn facts_json(&self) -> String {
        self.facts.json(None)
    }

    /// The facts with every unknown one given a value (from `completions`).
    pub fn completion_json(&self, k: u8) -> String {
        self.facts.json(Some((&self.completions, k)))
    }
}

fn value(ty: Ty, v: u8) -> String {
    match ty {
        Ty::Int => int_lit(v),
        Ty::Dec => pick(&["\"1.5\"", "0", "\"29.00\"", "-2.25", "\"0.125\"", "3"], v).into(),
        Ty::Money => pick(&["\"0\"", "10000", "\"50000\"", "\"60000.50\"", "100000", "\"-5\""], v).into(),
        Ty::Bool => (v % 2 == 0).to_string(),
        Ty::Date => format!("\"{}\"", pick(&DATES, v)),
        Ty::Text => format!("\"{}\"", pick(&["A", "b c", "", "é"], v)),
        Ty::Kind => format!("\"{}\"", pick(&["a", "b", "c"], v)),
    }
}

fn wrong(ty: Ty, v: u8) -> String {
    match ty {
        Ty::Int => pick(&["\"abc\"", "1.5", "true"], v).into(),
        Ty::Dec | Ty::Money => pick(&["\"1,5\"", "false", "[1]"], v).into(),
        Ty::Bool => pick(&["1", "\"yes\""], v).into(),
        Ty::Date => pick(&["\"2025-02-30\"", "20250101", "\"2025-2-1\""], v).into(),
        Ty::Text => pick(&["5", "{}"], v).into(),
        Ty::Kind => pick(&["\"d\"", "\"A\"", "1"], v).into(),
    }
}

impl Fv {
    fn unknown(self) -> bool {
        self.0 % 16 < 3
    }
}

impl FactsIn {
    pub fn has_unknown(&self) -> bool {
        self.members_sel < 20
            || self.house.iter().any(|f| f.unknown())
            || self.members.0.iter().take(4).flatten().any(|f| f.unknown())
    }

    fn field(&self, name: &str, ty: Ty, f: Fv, fill: &mut Option<(&[u8], u8, usize)>) -> Option<String> {
        let given = match f.0 % 16 {
            0 => None,
            1 => Some("null".into()),
            2 if self.wrong < 24 => Some(wrong(ty, f.1)),
            2 => None,
            _ => Some(value(ty, f.1)),
        };
        let given = match (given, fill) {
            (Some(g), _) if g != "null" => Some(g),
            (_, Some((bytes, k, pos))) => {
                *pos += 1;
                let b = bytes.get(*pos % bytes.len().max(1)).copied().unwrap_or(0);
                Some(value(ty, b.wrapping_add(k.wrapping_mul(31)).wrapping_add(*pos as u8)))
            }
            (g, None) => g,
        };
        given.map(|g| format!("\"{name}\": {g}"))
    }

    fn json(&self, complete: Option<(&[u8], u8)>) -> String {
        let mut fill = complete.map(|(b, k)| (b, k, 0usize));
        let mut parts: Vec<String> = Vec::new();
        for ((name, ty), f) in HOUSE_FACTS.iter().zip(self.house) {
            if let Some(p) = self.field(name, *ty, f, &mut fill) {
                parts.push(p);
            }
        }
        let members: Vec<[Fv; 6]> = if self.members_sel < 20 {
            match &mut fill {
                // An unknown list completed with up to two members.
                Some((_, k, _)) => (0..*k % 3).map(|i| [Fv(3 + i, *k); 6]).collect(),
                None => Vec::new(),
            }
        } else {
            self.members.0.iter().take(4).copied().collect()
        };
        if self.members_sel >= 20 || fill.is_some() {
            let list: Vec<String> = members
                .iter()
                .map(|m| {
                    let fields: Vec<String> = PERSON_FACTS
                        .iter()
                        .zip(m)
                        .filter_map(|((name, ty), f)| self.field(name, *ty, *f, &mut fill))
                        .collect();
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            parts.push(format!("\"members\": [{}]", list.join(", ")));
        }
        format!("{{{}}}", parts.join(", "))
    }
}
