//! Protocol versions in the checker: several declarations of one protocol name
//! with distinct `version`s, the checks across them (E0120, E0516–E0519), and the
//! lookups `protocol_by_name`, `protocol_versions` and `protocol_version`.

// Helpers outside `#[test]` functions may unwrap too: a failure is a test failure.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::checker::{check, Checked};
use accord_core::{Diagnostic, Severity};
use jiff::civil::date;

const HEADER: &str = "ruleset t { languages en }\n
entity Person { in_school: Boolean }
entity Household { members: list of Person }
";

/// A protocol named `name` with the given `version` line (or none) and subject.
fn protocol(name: &str, version: &str, subject: &str) -> String {
    // Uses the fact, so that no test has an unused-fact warning.
    let start = if subject == "Person" {
        "not in_school"
    } else {
        "true"
    };
    format!(
        "protocol {name} {{
  {version}
  for {subject}
  roles {{ worker }}
  start when {start}
  step close {{ by worker }}
}}
"
    )
}

fn run(src: &str) -> (Checked, Vec<Diagnostic>) {
    let parsed = accord_grammar::parse(&format!("{HEADER}{src}"));
    assert!(
        parsed.errors.is_empty(),
        "syntax errors: {:?}",
        parsed.errors
    );
    check(&[parsed.file])
}

fn errors(src: &str) -> Vec<Diagnostic> {
    run(src)
        .1
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// The single error of `src`, which must have exactly one.
fn one_error(src: &str) -> Diagnostic {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    errs.into_iter().next().unwrap()
}

fn versions(m: &Checked, name: &str) -> Vec<u32> {
    m.protocol_versions(name)
        .into_iter()
        .map(|id| m.protocol(id).unwrap().version)
        .collect()
}

#[test]
fn versions_of_one_name_check_and_are_found() {
    // Declared out of order, on purpose: the index sorts by version.
    let src = [
        protocol("p", "version 3 from 2027-01-01", "Person"),
        protocol("p", "", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Person"),
    ]
    .concat();
    let (m, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(m.protocols.len(), 3);
    assert_eq!(versions(&m, "p"), [1, 2, 3]);

    let latest = m.protocol_by_name("p").unwrap();
    assert_eq!(m.protocol(latest).unwrap().version, 3);
    assert_eq!(m.protocol(latest).unwrap().from, Some(date(2027, 1, 1)));
    let v1 = m.protocol_version("p", Some(1), date(2000, 1, 1)).unwrap();
    assert_eq!(m.protocol(v1).unwrap().from, None);

    let in_force = |d| {
        m.protocol_version("p", None, d)
            .map(|id| m.protocol(id).unwrap().version)
    };
    assert_eq!(in_force(date(1990, 5, 1)), Some(1));
    assert_eq!(in_force(date(2025, 12, 31)), Some(1));
    assert_eq!(in_force(date(2026, 1, 1)), Some(2));
    assert_eq!(in_force(date(2026, 12, 31)), Some(2));
    assert_eq!(in_force(date(2027, 1, 1)), Some(3));
    assert_eq!(in_force(date(2099, 1, 1)), Some(3));

    // An exact version ignores the date.
    let v2 = m.protocol_version("p", Some(2), date(1990, 1, 1)).unwrap();
    assert_eq!(m.protocol(v2).unwrap().version, 2);
    assert_eq!(m.protocol_version("p", Some(4), date(2030, 1, 1)), None);
    assert_eq!(m.protocol_version("q", None, date(2030, 1, 1)), None);
    assert!(m.protocol_versions("q").is_empty());
    assert_eq!(m.protocol_by_name("q"), None);
}

#[test]
fn a_protocol_without_version_is_version_1_in_force_from_the_beginning() {
    let (m, diags) = run(&protocol("p", "", "Person"));
    assert!(diags.is_empty(), "{diags:#?}");
    let id = m.protocol_by_name("p").unwrap();
    let p = m.protocol(id).unwrap();
    assert_eq!((p.version, p.from), (1, None));
    assert_eq!(m.protocol_versions("p"), [id]);
    assert_eq!(m.protocol_version("p", None, date(1000, 1, 1)), Some(id));
    assert_eq!(m.protocol_version("p", Some(1), date(1000, 1, 1)), Some(id));
}

#[test]
fn no_version_is_in_force_before_the_first_from() {
    let src = [
        protocol("p", "version 1 from 2025-01-01", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Person"),
    ]
    .concat();
    let (m, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(m.protocol_version("p", None, date(2024, 12, 31)), None);
    let on = m.protocol_version("p", None, date(2025, 1, 1)).unwrap();
    assert_eq!(m.protocol(on).unwrap().version, 1);
    // The version alone is still there for a case opened with it.
    assert!(m.protocol_version("p", Some(1), date(2024, 1, 1)).is_some());
}

#[test]
fn gaps_between_version_numbers_are_allowed() {
    let src = [
        protocol("p", "version 2", "Person"),
        protocol("p", "version 5 from 2026-01-01", "Person"),
    ]
    .concat();
    let (m, diags) = run(&src);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(versions(&m, "p"), [2, 5]);
}

#[test]
fn the_same_version_twice_is_a_duplicate() {
    // Two without `version`: both are version 1, the error of old.
    let src = [protocol("p", "", "Person"), protocol("p", "", "Person")].concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0120");
    assert_eq!(e.message, "`p` is declared more than once");
    assert!(
        e.help.as_deref().unwrap().contains("version 2 from"),
        "{e:?}"
    );
    assert_eq!(e.related.len(), 1);

    // An explicit version 1 is the implicit one.
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 1", "Person"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0120");
    assert_eq!(
        e.message,
        "version 1 of protocol `p` is declared more than once"
    );

    let src = [
        protocol("p", "version 2 from 2026-01-01", "Person"),
        protocol("p", "version 2 from 2027-01-01", "Person"),
    ]
    .concat();
    let (m, diags) = run(&src);
    let errs: Vec<_> = diags
        .iter()
        .filter(|d| d.code.as_str().starts_with('E'))
        .collect();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].code, "E0120");
    assert_eq!(
        errs[0].message,
        "version 2 of protocol `p` is declared more than once"
    );
    assert_eq!(
        errs[0].help.as_deref(),
        Some("give each version of `p` its own number, e.g. `version 3 from DATE`")
    );
    // The duplicate is left out; the first stays.
    assert_eq!(m.protocols.len(), 1);
    assert_eq!(m.protocols[0].from, Some(date(2026, 1, 1)));
}

#[test]
fn a_protocol_may_not_share_a_name_with_another_kind_of_declaration() {
    for src in [
        format!(
            "{}parameter p: Integer {{ from 2020-01-01: 1 }}\n",
            protocol("p", "version 2", "Person")
        ),
        format!(
            "parameter p: Integer {{ from 2020-01-01: 1 }}\n{}",
            protocol("p", "version 2", "Person")
        ),
    ] {
        let e = one_error(&src);
        assert_eq!(e.code.as_str(), "E0120", "{e:?}");
        assert_eq!(e.message, "`p` is declared more than once");
    }
}

#[test]
fn a_version_is_a_whole_number_from_1() {
    for (version, message) in [
        ("version 0", "protocol versions count from 1, not 0"),
        ("version 2.5", "version `2.5` is not a whole number"),
        ("version 4294967296", "version `4294967296` is too large"),
    ] {
        let src = [
            protocol("p", version, "Person"),
            protocol("p", "", "Person"),
        ]
        .concat();
        let (m, diags) = run(&src);
        let errs: Vec<_> = diags
            .iter()
            .filter(|d| d.code.as_str().starts_with('E'))
            .collect();
        assert_eq!(errs.len(), 1, "{version}: {errs:#?}");
        assert_eq!(errs[0].code, "E0516");
        assert_eq!(errs[0].message, message);
        assert!(errs[0].help.is_some());
        // Its body is still checked, but the name finds only the good version.
        assert_eq!(m.protocols.len(), 2);
        assert_eq!(versions(&m, "p"), [1]);
    }
    let (m, diags) = run(&protocol("p", "version 1_000", "Person"));
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(versions(&m, "p"), [1000]);
}

#[test]
fn a_higher_version_may_not_come_into_force_earlier() {
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Person"),
        protocol("p", "version 3 from 2025-06-01", "Person"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0517");
    assert_eq!(
        e.message,
        "version 3 of protocol `p` comes into force before version 2 (2026-01-01)"
    );
    assert_eq!(e.related[0].message, "version 2 is in force from here");

    // Declaration order does not matter: the versions are compared by number.
    let src = [
        protocol("p", "version 3 from 2025-06-01", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Person"),
    ]
    .concat();
    assert_eq!(one_error(&src).code, "E0517");

    let src = [
        protocol("p", "version 1 from 2026-01-01", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Person"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0517");
    assert_eq!(
        e.message,
        "version 2 of protocol `p` comes into force on the same day as version 1 (2026-01-01)"
    );
}

#[test]
fn only_the_lowest_version_may_lack_from() {
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 2", "Person"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0518");
    assert_eq!(e.message, "version 2 of protocol `p` has no `from` date");
    assert!(
        e.help.as_deref().unwrap().contains("version 2 from"),
        "{e:?}"
    );

    // The lowest declared version, whatever its number.
    let src = [
        protocol("p", "version 2", "Person"),
        protocol("p", "version 3 from 2026-01-01", "Person"),
    ]
    .concat();
    assert!(errors(&src).is_empty());
    let src = [
        protocol("p", "version 2 from 2026-01-01", "Person"),
        protocol("p", "version 3", "Person"),
    ]
    .concat();
    assert_eq!(one_error(&src).code, "E0518");
}

#[test]
fn every_version_has_the_same_subject() {
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Household"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0519");
    assert_eq!(
        e.message,
        "version 2 of protocol `p` is for `Household`, version 1 for `Person`"
    );
    assert_eq!(e.related[0].message, "version 1 is for `Person`");
    // An unknown subject is its own error, not also a different subject.
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 2 from 2026-01-01", "Persn"),
    ]
    .concat();
    let errs = errors(&src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].code, "E0101");
}

#[test]
fn one_version_item_per_protocol() {
    let src = "protocol p {
  for Person
  version 2 from 2026-01-01
  version 3
  roles { worker }
  step close { by worker }
}
";
    let (m, diags) = run(src);
    let errs: Vec<_> = diags
        .iter()
        .filter(|d| d.code.as_str().starts_with('E'))
        .collect();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].code, "E0302");
    assert_eq!(errs[0].message, "`version` is given more than once");
    let p = m.protocol(m.protocol_by_name("p").unwrap()).unwrap();
    assert_eq!((p.version, p.from), (2, Some(date(2026, 1, 1))));
}

#[test]
fn an_invalid_from_date_is_e0211() {
    let src = [
        protocol("p", "", "Person"),
        protocol("p", "version 2 from 2026-02-30", "Person"),
    ]
    .concat();
    let e = one_error(&src);
    assert_eq!(e.code.as_str(), "E0211");
}

#[test]
fn formatting_moves_version_first_and_stays_faithful() {
    // `accord fmt`'s own check (same tree, same comments) would report E0900.
    let text = "ruleset t { languages en }\n\nprotocol p {\n  // the subject\n  for Person\n  version 2 from 2026-01-01 // the reform\n  roles {\n    r\n  }\n}\n";
    let once = accord_core::format(accord_core::SourceFile::new("p.accord", text))
        .unwrap_or_else(|r| panic!("{}", r.render(Default::default())));
    assert_eq!(
        once,
        "ruleset t {\n  languages en\n}\n\nprotocol p {\n  version 2 from 2026-01-01 // the reform\n  // the subject\n  for Person\n  roles {\n    r\n  }\n}\n"
    );
    let twice =
        accord_core::format(accord_core::SourceFile::new("p.accord", once.clone())).unwrap();
    assert_eq!(once, twice);
}
