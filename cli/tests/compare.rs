//! `accord compare` as scripts see it: exit codes, the three formats, errors
//! with codes. The figures are those of `tests/compare/README.md`, worked out
//! by hand (the facade's tests check them one by one).

use serde_json::Value;

mod common;
use common::{accord, code, repo, scratch, stderr, stdout};

fn path(name: &str) -> String {
    repo()
        .join("tests/compare")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn compare(extra: &[&str]) -> std::process::Output {
    let (base, registry) = (path("base"), path("registry.jsonl"));
    let mut args = vec![
        "compare",
        base.as_str(),
        "--facts-jsonl",
        registry.as_str(),
        "--as-of",
        "2026-03-01",
    ];
    args.extend_from_slice(extra);
    accord(&args)
}

#[test]
fn a_reform_file_gives_the_hand_worked_figures_in_json() {
    let reform = path("reform.accord");
    let out = compare(&[
        &reform,
        "--format",
        "json",
        "--by",
        "region",
        "--decile-by",
        "income",
        "--threads",
        "2",
    ]);
    // Line 6 is not JSON: reported, and the exit status says so.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("line 6: F0001"), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["households"], 6);
    let t = &v["programs"][0]["total"];
    assert_eq!(
        (
            t["households_before"].as_u64(),
            t["households_after"].as_u64()
        ),
        (Some(2), Some(4))
    );
    assert_eq!(
        (t["cost_before"].as_str(), t["cost_after"].as_str()),
        (Some("25000"), Some("55000"))
    );
    assert_eq!(v["programs"][1]["total"]["loss"], "6000");
    // The same bytes as the facade, whatever the threads.
    let out1 = compare(&[
        &reform,
        "--format",
        "json",
        "--by",
        "region",
        "--decile-by",
        "income",
        "--threads",
        "1",
    ]);
    assert_eq!(stdout(&out1), stdout(&out));
}

#[test]
fn set_with_from_in_csv() {
    let out = compare(&[
        "--set",
        "family_benefit_threshold=27",
        "--from",
        "2026-01-01",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "program,group,key,households_before,households_after,people_before,people_after,cost_before,cost_after,gainers,gain,losers,loss,undetermined\n\
         family_benefit,total,,2,4,3,7,25000,55000,2,30000,0,0,1\n\
         child_allowance,total,,4,4,4,4,12000,12000,0,0,0,0,0\n"
    );
}

#[test]
fn the_human_table_has_the_labels_in_the_language() {
    let reform = path("reform.accord");
    let out = compare(&[&reform, "--by", "region", "--lang", "hy"]);
    let text = stdout(&out);
    assert!(text.contains("Ընտանեկան նպաստ (family_benefit)"), "{text}");
    assert!(text.contains("Հյուսիս"), "{text}");
    assert!(text.contains("25000 → 55000"), "{text}");
}

#[test]
fn errors_have_codes_and_exit_statuses() {
    // Not NAME=VALUE; not a parameter; a value of the wrong type: usage, 2.
    for (set, code_text) in [
        ("family_benefit_threshold", "U0030"),
        ("family_benefit=1", "U0031"),
        ("child_supplement=yes", "U0032"),
    ] {
        let out = compare(&["--set", set]);
        assert_eq!(code(&out), 2, "{set}: {}", stderr(&out));
        assert!(stderr(&out).contains(code_text), "{set}: {}", stderr(&out));
    }
    // A reform that overrides a parameter with another type: the ruleset's
    // error, 1, with the reform's file and line.
    let dir = common::scratch("compare/mismatch");
    let bad = dir.join("reform.accord");
    std::fs::write(
        &bad,
        "parameter child_supplement: Integer {\n  from 2020-01-01: 1\n}\n",
    )
    .unwrap();
    let out = compare(&[bad.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("E0904"), "{}", stderr(&out));
    assert!(stderr(&out).contains("reform.accord:1"), "{}", stderr(&out));
    // Nothing to compare with.
    let out = compare(&[]);
    assert_eq!(code(&out), 2);
    // Deciles need a file.
    let base = path("base");
    let out = accord(&[
        "compare",
        &base,
        "--set",
        "child_supplement=1",
        "--facts-jsonl",
        "-",
        "--decile-by",
        "income",
        "--as-of",
        "2026-03-01",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn a_reform_is_tested_on_the_reformed_ruleset() {
    // reform.accord's test holds on the reformed ruleset (15 000 for one child
    // at score 27), not on the base (27 < 29).
    let (base, reform) = (path("base"), path("reform.accord"));
    let out = accord(&["test", &base, "--reform", &reform]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("The lower threshold from 2026"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_household_is_screened_under_a_reform_or_a_setting() {
    // Line 2 of the registry: 28 < 29 under the base, >= 27 under the reform
    // and the setting alike (10 000 + 2 x 5 000); the setting alone keeps the
    // base's allowance (3 000 for the two-year-old), the reform gives 4 000.
    let dir = scratch("compare/screen_reform");
    let facts = dir.join("facts.json");
    std::fs::write(
        &facts,
        r#"{"region": "north", "score": 28, "members": [{"age": 35}, {"age": 2}, {"age": 10}]}"#,
    )
    .unwrap();
    let facts = facts.to_string_lossy().into_owned();
    let base = path("base");
    let screen = |extra: &[&str]| {
        let mut args = vec![
            "screen",
            &base,
            "--facts",
            &facts,
            "--as-of",
            "2026-03-01",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = accord(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["amount"].as_str().unwrap_or("-").to_string())
            .collect::<Vec<_>>()
    };
    let reform = path("reform.accord");
    assert_eq!(screen(&[]), ["-", "-", "3000", "-"]);
    assert_eq!(screen(&["--reform", &reform]), ["20000", "-", "4000", "-"]);
    assert_eq!(
        screen(&[
            "--set",
            "family_benefit_threshold=27",
            "--from",
            "2026-01-01"
        ]),
        ["20000", "-", "3000", "-"]
    );
    // A setting naming no parameter is a usage error.
    let out = accord(&["test", &base, "--set", "family_benefit_treshold=27"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("U0031"), "{}", stderr(&out));
}
