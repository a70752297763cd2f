//! What several targets share: the case corpus's engine and roles, and
//! `Many`, a list whose length is read from one byte.
// Each target uses what it needs of these.
#![allow(dead_code)]

use std::sync::OnceLock;

use accord_core::{Engine, SourceFile};
use arbitrary::Arbitrary;

/// The engine of the case corpus's protocols (`tests/cases/ruleset.accord`),
/// compiled once.
pub fn cases_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        match Engine::compile(vec![SourceFile::new(
            "ruleset.accord",
            include_str!("../../../tests/cases/ruleset.accord"),
        )]) {
            Ok(e) => e,
            Err(report) => panic!("the ruleset does not compile: {report:?}"),
        }
    })
}

/// The roles of the case corpus's protocols.
pub const CASE_ROLES: [&str; 6] = [
    "school_coordinator",
    "social_worker",
    "case_manager",
    "rehabilitation_specialist",
    "head_of_service",
    "benefits_adviser",
];

/// A list of up to `N` elements, its length read from one byte (a derived
/// `Vec` continues with probability one half per element, so lists would be
/// one element long on average).
#[derive(Debug)]
pub struct Many<T, const N: usize>(pub Vec<T>);

impl<'a, T: Arbitrary<'a>, const N: usize> Arbitrary<'a> for Many<T, N> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=N)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::arbitrary(u)?);
        }
        Ok(Many(v))
    }
}

/// A registry line of `facts`, plain and explained in `lang`, is JSON.
pub fn assert_registry_lines(
    session: &mut accord_core::Session<'_>,
    facts: &accord_core::Facts,
    lang: Option<&str>,
) {
    let mut line = String::new();
    session.write_jsonl(1, facts, &mut line);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&line) {
        panic!("the registry line is not JSON: {e}: {line}");
    }
    line.clear();
    session.write_jsonl_explained(1, facts, lang, &mut line);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&line) {
        panic!("the explained registry line is not JSON: {e}: {line}");
    }
}
