//! **Completeness** of three-valued evaluation within its documented limit
//! (docs/language.md §11.1, bounded case splitting): for generated rulesets and
//! facts with at most [`K`] unknown facts of small domains (Booleans, an enum of
//! three values, integers `in 0..3`), each programme's status — and an eligible
//! result's amount — is what brute-force enumeration over every completion
//! gives: decided when every completion agrees, undetermined only when two
//! completions disagree.
//!
//! The generator stays inside the limit, where the engine promises this:
//! - at most 3 unknown facts (`K`), each of at most 4 values (the split limit);
//! - at most 4 programmes, all about the household, so that splitting every
//!   result stays within the document's budget (256 evaluations = 4 × 4³);
//! - no `known` / `otherwise` (presumptions decide on what is unknown), no
//!   evaluation errors (no division, every parameter in force): a result that
//!   fails has no missing fact to split on;
//! - `Money` facts (no finite domain) are always known.
//!
//! Outside it — more unknown facts, wider domains, unknown numbers — the engine
//! stays sound (core/tests/soundness.rs) but may leave undetermined what every
//! completion decides.
//!
//! `cargo test -p accord-core --test completeness figures -- --ignored
//! --nocapture` prints the figures of bench/README.md (issue 19): how many
//! results of the examples and of this property's sample are undetermined
//! although every completion of their missing facts decides them alike.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

mod support {
    pub mod rng;
}

use accord_core::screen::OptionValue;
use accord_core::{Engine, ScreenOptions, SourceFile, Status};
use proptest::prelude::*;
use serde_json::Value;
use support::rng::Rng;

/// At most this many unknown facts per generated document.
const K: usize = 3;

const HEADER: &str = r#"
ruleset generated { languages en currency AMD }
enum Kind { a, b, c }
entity Household {
  k: Kind
  n: Integer in 0..3
  f: Boolean
  h: Boolean
  m: Money >= 0
  members: list of Person
  let total = sum(members.inc)
}
entity Person {
  g: Boolean
  x: Integer in 0..3
  inc: Money >= 0
}
parameter lim: Money { from 2020-01-01: 100 }
"#;

const DATE: (i16, i8, i8) = (2025, 3, 1);

struct Gen {
    rng: Rng,
    programs: usize,
}

impl Gen {
    fn small(&mut self) -> String {
        self.rng.below(4).to_string()
    }
    fn money(&mut self) -> String {
        self.rng.pick(&["0", "50", "100", "150"]).to_string()
    }

    fn person_bool(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(50) {
            return match self.rng.below(6) {
                0 => "g".into(),
                1 => format!("x > {}", self.small()),
                2 => format!("x = {}", self.small()),
                3 => format!("inc >= {}", self.money()),
                4 => "household.f".into(),
                _ => "not g".into(),
            };
        }
        let (a, b) = (self.person_bool(depth - 1), self.person_bool(depth - 1));
        match self.rng.below(3) {
            0 => format!("({a} and {b})"),
            1 => format!("({a} or {b})"),
            _ => format!("not ({a})"),
        }
    }

    fn house_bool(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(35) {
            return match self.rng.below(15) {
                0 => "f".into(),
                1 => "h".into(),
                2 => format!("k = {}", self.rng.pick(&["a", "b", "c"])),
                3 => format!("k in {{{}, c}}", self.rng.pick(&["a", "b"])),
                4 => format!("n > {}", self.small()),
                5 => format!("n != {}", self.small()),
                // Not an interval: only splitting decides it.
                6 => format!("n * n {} {}", self.rng.pick(&["<", ">="]), self.small()),
                7 => format!("m >= {}", self.money()),
                8 => format!("(any members where {})", self.person_bool(1)),
                9 => format!("(all members where {})", self.person_bool(1)),
                10 => format!(
                    "count(members where {}) >= {}",
                    self.person_bool(1),
                    self.rng.below(3)
                ),
                11 => format!(
                    "sum((members where {}).inc) <= {}",
                    self.person_bool(1),
                    self.money()
                ),
                12 => format!("total > {}", self.money()),
                13 if self.programs > 0 => {
                    format!("eligible(p{})", self.rng.below(self.programs as u64))
                }
                _ => format!(
                    "(if {} then {} else {})",
                    self.house_bool(0),
                    self.house_bool(0),
                    self.house_bool(0)
                ),
            };
        }
        let a = self.house_bool(depth - 1);
        match self.rng.below(5) {
            0 => format!("({a} and {})", self.house_bool(depth - 1)),
            1 => format!("({a} or {})", self.house_bool(depth - 1)),
            2 => format!("not ({a})"),
            3 => format!("({a} implies {})", self.house_bool(depth - 1)),
            _ => format!(
                "(if {a} then {} else {})",
                self.house_bool(depth - 1),
                self.house_bool(depth - 1)
            ),
        }
    }

    fn house_money(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(40) {
            return match self.rng.below(6) {
                0 => "m".into(),
                1 => "lim".into(),
                2 => self.money(),
                3 => "lim * n".into(),
                4 => format!("sum((members where {}).inc)", self.person_bool(1)),
                _ => "total".into(),
            };
        }
        let a = self.house_money(depth - 1);
        match self.rng.below(3) {
            0 => format!("({a} + {})", self.house_money(depth - 1)),
            1 => format!(
                "(if {} then {a} else {})",
                self.house_bool(1),
                self.house_money(depth - 1)
            ),
            _ => format!("max({a}, {})", self.house_money(depth - 1)),
        }
    }

    fn program(&mut self) -> String {
        let i = self.programs;
        let mut s = format!("program p{i} {{\n  for Household\n");
        for _ in 0..1 + self.rng.below(2) {
            s.push_str(&format!("  eligible when {}\n", self.house_bool(3)));
        }
        if self.rng.chance(40) {
            s.push_str(&format!("  unless {}\n", self.house_bool(2)));
        }
        if self.rng.chance(70) {
            s.push_str(&format!("  amount = {}\n", self.house_money(2)));
        }
        s.push_str("}\n");
        self.programs += 1;
        s
    }
}

fn ruleset(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng::new(seed),
        programs: 0,
    };
    let mut s = HEADER.to_string();
    for _ in 0..1 + g.rng.below(4) {
        s.push_str(&g.program());
    }
    s
}

/// The facts that may be unknown, with every value each can take.
fn candidates() -> Vec<(&'static str, Vec<Value>)> {
    let bools = || vec![Value::Bool(false), Value::Bool(true)];
    let small = || (0..4).map(Value::from).collect::<Vec<_>>();
    vec![
        (
            "k",
            ["a", "b", "c"].iter().map(|v| Value::from(*v)).collect(),
        ),
        ("n", small()),
        ("f", bools()),
        ("h", bools()),
        ("members[0].g", bools()),
        ("members[0].x", small()),
        ("members[1].g", bools()),
        ("members[1].x", small()),
    ]
}

/// A complete household.
fn household(rng: &mut Rng) -> Value {
    let person = |rng: &mut Rng| {
        serde_json::json!({
            "g": rng.chance(50),
            "x": rng.below(4),
            "inc": 50 * rng.below(3),
        })
    };
    let members: Vec<Value> = (0..1 + rng.below(2)).map(|_| person(rng)).collect();
    serde_json::json!({
        "k": rng.pick(&["a", "b", "c"]),
        "n": rng.below(4),
        "f": rng.chance(50),
        "h": rng.chance(50),
        "m": 60 * rng.below(3),
        "members": members,
    })
}

/// The value at a path such as `members[1].g` (an object key, or a list
/// element then a key), or `None` when the document has no such place.
fn place<'v>(doc: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut at = doc;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, Some(rest.trim_end_matches(']').parse::<usize>().ok()?)),
            None => (part, None),
        };
        at = at.as_object_mut()?.get_mut(key)?;
        if let Some(i) = index {
            at = at.as_array_mut()?.get_mut(i)?;
        }
    }
    Some(at)
}

/// Sets `path` (whose parent exists) to `v`, or removes it when `v` is null.
fn set(doc: &mut Value, path: &str, v: &Value) {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (place(doc, p), k),
        None => (Some(doc), path),
    };
    if let Some(obj) = parent.and_then(Value::as_object_mut) {
        match v {
            Value::Null => {
                obj.remove(key);
            }
            _ => {
                obj.insert(key.to_string(), v.clone());
            }
        }
    }
}

type Results = Vec<(String, String, Status, Option<String>)>;

fn screen(engine: &Engine, doc: &Value) -> Results {
    let facts = engine.facts_from_value(doc).unwrap();
    let date = jiff::civil::date(DATE.0, DATE.1, DATE.2);
    let report = engine
        .session(date)
        .screen(&facts, &ScreenOptions::default());
    report
        .results
        .into_iter()
        .map(|r| (r.program, r.subject, r.status, r.amount))
        .collect()
}

/// What every completion of `unknown` (each fact over its values) gives each
/// result: the status all agree on (undetermined when two disagree), and the
/// amount when all are eligible with the same one.
fn brute_force(
    engine: &Engine,
    doc: &Value,
    unknown: &[(String, Vec<Value>)],
    screen: &dyn Fn(&Engine, &Value) -> Results,
) -> Results {
    let mut pick = vec![0usize; unknown.len()];
    let mut agreed: Option<Results> = None;
    loop {
        let mut full = doc.clone();
        for ((path, values), k) in unknown.iter().zip(&pick) {
            set(&mut full, path, &values[*k]);
        }
        let got = screen(engine, &full);
        agreed = Some(match agreed {
            None => got,
            Some(mut a) => {
                for (x, y) in a.iter_mut().zip(&got) {
                    if x.2 != y.2 || y.2 == Status::Undetermined {
                        x.2 = Status::Undetermined;
                        x.3 = None;
                    } else if x.3 != y.3 {
                        x.3 = None;
                    }
                }
                a
            }
        });
        let mut carry = true;
        for (k, (_, values)) in pick.iter_mut().zip(unknown) {
            if !carry {
                break;
            }
            *k += 1;
            carry = *k >= values.len();
            if carry {
                *k = 0;
            }
        }
        if carry {
            break;
        }
    }
    agreed.unwrap_or_default()
}

/// A generated case: the ruleset, a partial document and its unknown facts.
fn case(seed: u64, doc: u64) -> (String, Value, Vec<(String, Vec<Value>)>) {
    let source = ruleset(seed);
    let mut rng = Rng::new(seed ^ doc.wrapping_mul(0x1234_5678));
    let mut partial = household(&mut rng);
    let members = partial["members"].as_array().map_or(0, Vec::len);
    let mut unknown = Vec::new();
    for (path, values) in candidates() {
        if unknown.len() < K && rng.chance(35) && place(&mut partial, path).is_some() {
            unknown.push((path.to_string(), values));
        }
    }
    assert!(members >= 1);
    for (path, _) in &unknown {
        set(&mut partial, path, &Value::Null);
    }
    (source, partial, unknown)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn decided_exactly_when_every_completion_agrees(seed in any::<u64>()) {
        let source = ruleset(seed);
        let engine = match Engine::compile(vec![SourceFile::new("gen.accord", source.clone())]) {
            Ok(e) => e,
            Err(report) => panic!("generated ruleset does not check:\n{source}\n{}", report.render(Default::default())),
        };
        for doc in 0..6 {
            let (_, partial, unknown) = case(seed, doc);
            let got = screen(&engine, &partial);
            let expected = brute_force(&engine, &partial, &unknown, &screen);
            prop_assert_eq!(
                &got, &expected,
                "seed {} document {}: {}\nunknown {:?}\nruleset\n{}",
                seed, doc, partial, unknown.iter().map(|u| &u.0).collect::<Vec<_>>(), source
            );
        }
    }
}

// ---- figures ----

/// The screening inputs of the examples: every case of tests/screening, every
/// `screen` call of the conformance corpus, and the examples' facts documents
/// (as of 2025-03-01): (name, ruleset files, entity, facts, as-of date).
/// A screening input: (name, ruleset files, root entity, facts, as-of date).
type Input = (
    String,
    Vec<SourceFile>,
    Option<String>,
    String,
    jiff::civil::Date,
);

fn example_inputs() -> Vec<Input> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let load = |dir: &Path| -> Vec<SourceFile> {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "accord"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                SourceFile::new(
                    p.file_name().unwrap().to_string_lossy(),
                    fs::read_to_string(p).unwrap(),
                )
            })
            .collect()
    };
    let dirs = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        v.sort();
        v
    };
    let mut out = Vec::new();
    for dir in dirs(&root.join("tests/screening")) {
        let Ok(case) = fs::read_to_string(dir.join("case.json")) else {
            continue;
        };
        let case: Value = serde_json::from_str(&case).unwrap();
        let Ok(date) = case["as_of"].as_str().unwrap_or("").parse() else {
            continue;
        };
        let Ok(facts) = fs::read_to_string(dir.join("facts.json")) else {
            continue;
        };
        out.push((dir.display().to_string(), load(&dir), None, facts, date));
    }
    for dir in dirs(&root.join("tests/conformance/cases")) {
        let case: Value =
            serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        if case["call"] != "screen" {
            continue;
        }
        let (Some(ruleset), Some(facts), Some(date)) = (
            case["ruleset"].as_str(),
            case["args"]["facts"].as_str(),
            case["args"]["as_of"].as_str(),
        ) else {
            continue;
        };
        let facts = match facts.strip_prefix('@') {
            Some(file) => fs::read_to_string(dir.join(file)).unwrap(),
            None => facts.to_string(),
        };
        let Ok(date) = date.parse() else { continue };
        let entity = case["entity"].as_str().map(str::to_string);
        out.push((
            dir.display().to_string(),
            load(&root.join(ruleset)),
            entity,
            facts,
            date,
        ));
    }
    for example in dirs(&root.join("examples")) {
        let Ok(entries) = fs::read_dir(example.join("facts")) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            out.push((
                f.display().to_string(),
                load(&example),
                None,
                fs::read_to_string(&f).unwrap(),
                jiff::civil::date(2025, 3, 1),
            ));
        }
    }
    out
}

/// Counts (results, undetermined, undetermined whose missing facts can all be
/// enumerated, undetermined although every completion of their missing facts
/// decides them alike) in one document. Only missing facts
/// with options (Booleans and enums) are enumerated, at most 4096 completions;
/// other facts are left unknown, so the count is a lower bound.
fn count_document(
    engine: &Engine,
    doc: &Value,
    date: jiff::civil::Date,
) -> (usize, usize, usize, usize) {
    let run = |engine: &Engine, doc: &Value| -> Option<accord_core::ScreenReport> {
        let facts = engine.facts_from_value(doc).ok()?;
        Some(
            engine
                .session(date)
                .screen(&facts, &ScreenOptions::default()),
        )
    };
    let Some(report) = run(engine, doc) else {
        return (0, 0, 0, 0);
    };
    let (mut undetermined, mut checked, mut decided) = (0, 0, 0);
    for (i, r) in report.results.iter().enumerate() {
        if r.status != Status::Undetermined {
            continue;
        }
        undetermined += 1;
        let mut unknown: Vec<(String, Vec<Value>)> = Vec::new();
        for path in &r.missing {
            let Some(q) = report.next_questions.iter().find(|q| &q.path == path) else {
                unknown.clear();
                break;
            };
            let values: Vec<Value> = q
                .options
                .iter()
                .map(|o| match &o.value {
                    OptionValue::Boolean(b) => Value::Bool(*b),
                    OptionValue::Variant(v) => Value::from(v.as_str()),
                })
                .collect();
            if values.is_empty() {
                unknown.clear();
                break;
            }
            unknown.push((path.clone(), values));
        }
        let size: usize = unknown.iter().map(|u| u.1.len()).product();
        if unknown.is_empty() || size > 4096 {
            continue;
        }
        let mut doc = doc.clone();
        if unknown.iter().any(|(p, _)| {
            p.rsplit_once('.')
                .is_some_and(|(parent, _)| place(&mut doc, parent).is_none())
        }) {
            continue;
        }
        checked += 1;
        let mut status: Option<Status> = None;
        let mut pick = vec![0usize; unknown.len()];
        let mut alike = true;
        'completions: loop {
            let mut full = doc.clone();
            for ((path, values), k) in unknown.iter().zip(&pick) {
                set(&mut full, path, &values[*k]);
            }
            let s = run(engine, &full).map_or(Status::Undetermined, |rep| rep.results[i].status);
            if s == Status::Undetermined || status.is_some_and(|t| t != s) {
                alike = false;
                break 'completions;
            }
            status = Some(s);
            let mut carry = true;
            for (k, (_, values)) in pick.iter_mut().zip(&unknown) {
                if !carry {
                    break;
                }
                *k += 1;
                carry = *k >= values.len();
                if carry {
                    *k = 0;
                }
            }
            if carry {
                break;
            }
        }
        decided += usize::from(alike);
    }
    (report.results.len(), undetermined, checked, decided)
}

#[test]
#[ignore = "prints the figures of bench/README.md; run by hand"]
fn figures() {
    let (mut docs, mut results, mut undetermined, mut checked, mut decided) = (0, 0, 0, 0, 0);
    for (name, files, entity, facts, date) in example_inputs() {
        let Ok(mut engine) = Engine::compile(files) else {
            continue;
        };
        if let Some(e) = entity {
            engine = engine.with_root(&e).unwrap();
        }
        let Ok(doc) = serde_json::from_str::<Value>(&facts) else {
            continue;
        };
        let (r, u, c, d) = count_document(&engine, &doc, date);
        if d > 0 {
            println!("  {name}: {d} of {u} undetermined results decided by every completion");
        }
        docs += 1;
        results += r;
        undetermined += u;
        checked += c;
        decided += d;
    }
    println!("examples: {docs} documents, {results} results, {undetermined} undetermined, {checked} of them with only Boolean/enum missing facts, {decided} of them decided by every completion");
    let (mut results, mut undetermined, mut decided) = (0, 0, 0);
    for seed in 0..200u64 {
        let Ok(engine) = Engine::compile(vec![SourceFile::new("gen.accord", ruleset(seed))]) else {
            continue;
        };
        for doc in 0..6 {
            let (_, partial, unknown) = case(seed, doc);
            let got = screen(&engine, &partial);
            let expected = brute_force(&engine, &partial, &unknown, &screen);
            results += got.len();
            for (g, e) in got.iter().zip(&expected) {
                if g.2 == Status::Undetermined {
                    undetermined += 1;
                    decided += usize::from(e.2 != Status::Undetermined);
                }
            }
        }
    }
    println!("property sample (seeds 0..200, 6 documents each): {results} results, {undetermined} undetermined, {decided} of them decided by every completion");
}

/// A result decided by splitting says so in its explanation (language
/// reference §11.5): `heating` in the screening case `case_splitting` is
/// eligible whether `disabled` is true (80 000 <= 150 000) or false
/// (80 000 <= 100 000), with its constant amount 10 000; `open` (`eligible
/// when disabled`) is not decided, so it has no `whichever`.
#[test]
fn explanations_name_the_facts_split_on() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/screening/case_splitting");
    let engine = Engine::compile(vec![SourceFile::new(
        "rules.accord",
        fs::read_to_string(dir.join("rules.accord")).unwrap(),
    )])
    .unwrap();
    let facts = engine
        .facts_from_json(&fs::read_to_string(dir.join("facts.json")).unwrap())
        .unwrap();
    let options = ScreenOptions {
        explain: true,
        ..ScreenOptions::default()
    };
    let report = engine
        .session(jiff::civil::date(2025, 3, 1))
        .screen(&facts, &options);
    let find = |p: &str| report.results.iter().find(|r| r.program == p).unwrap();
    let heating = find("heating").explanation.clone().unwrap();
    assert_eq!(heating.whichever, vec!["disabled".to_string()]);
    assert_eq!(
        heating.summary,
        "heating: eligible — the same whichever value these take: `disabled`"
    );
    assert_eq!(heating.clauses[0].result, None);
    assert!(heating.clauses[0].decisive);
    assert_eq!(heating.amount.unwrap().value.as_deref(), Some("10000"));
    let open = find("open").explanation.clone().unwrap();
    assert!(open.whichever.is_empty());
    assert_eq!(find("open").status, Status::Undetermined);
}
