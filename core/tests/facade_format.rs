//! `format` and `check` through the facade on real text (parser, printer and
//! checker together).

// Test helpers may unwrap: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::path::Path;

use accord_core::{check, format, SourceFile};

fn valid_corpus() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/valid");
    let mut paths = vec![];
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).unwrap() {
                paths.push(inner.unwrap().path());
            }
        } else {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
        .map(|p| {
            SourceFile::new(
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn formatting_is_idempotent_on_the_valid_corpus() {
    let files = valid_corpus();
    assert!(files.len() >= 3);
    for file in files {
        let name = file.name.clone();
        let once =
            format(file).unwrap_or_else(|r| panic!("{name}:\n{}", r.render(Default::default())));
        assert!(!once.trim().is_empty(), "{name}");
        let twice = format(SourceFile::new(name.clone(), once.clone())).unwrap();
        assert_eq!(once, twice, "{name}");
    }
}

#[test]
fn formatting_a_file_with_syntax_errors_returns_them() {
    let text = "enum A { a }\n\nentity Person {\n  age: \n}\n";
    let report = format(SourceFile::new("broken.accord", text)).unwrap_err();
    assert!(report.has_errors());
    let located = report.located();
    assert_eq!(located[0].file, "broken.accord");
    assert!(
        located.iter().all(|d| d.code.as_str().starts_with("E000")),
        "{located:?}"
    );
}

#[test]
fn good_declarations_are_checked_even_when_others_have_syntax_errors() {
    // One broken declaration, and a good one that refers to an unknown name.
    let text = "entity Person {\n  age: Integer\n  let x = \n}\n\nentity Household {\n  size: Integer\n  let big = size > missing_threshold\n}\n";
    let report = check(vec![SourceFile::new("mixed.accord", text)]);
    let codes: Vec<&str> = report
        .located()
        .into_iter()
        .map(|d| d.code.as_str())
        .collect();
    assert!(codes.iter().any(|c| c.starts_with("E000")), "{codes:?}");
    assert!(codes.iter().any(|c| !c.starts_with("E000")), "{codes:?}");
}

#[test]
fn a_ruleset_of_several_files_is_one_namespace() {
    let a = SourceFile::new(
        "a.accord",
        "ruleset r {\n  languages en\n  currency AMD\n}\n\nentity Household {\n  members: list of Person\n\n  let size = count(members)\n}\n",
    );
    let b = SourceFile::new(
        "b.accord",
        "entity Person {\n  age: Integer\n}\n\nprogram p {\n  for Household\n  eligible when size > 1 and all members where age > 1\n}\n",
    );
    let report = check(vec![a, b.clone()]);
    assert!(
        !report.has_errors(),
        "{}",
        report.render(Default::default())
    );
    // Without `a`, `size` and the ruleset header are missing.
    assert!(check(vec![b]).has_errors());
}
