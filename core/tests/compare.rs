//! `Ruleset::compare`: a registry under a base and a reform (tests/compare/,
//! whose README works every figure out by hand).

#![expect(
    clippy::panic,
    reason = "a test's panic is its assertion: failing loudly is the point"
)]

use accord_core::{Ruleset, SourceFile};

fn file(name: &str) -> SourceFile {
    let path = format!("{}/../tests/compare/{name}", env!("CARGO_MANIFEST_DIR"));
    SourceFile::new(name, std::fs::read_to_string(path).unwrap_or_default())
}

fn base() -> Ruleset {
    match Ruleset::load(vec![file("base/base.accord")]) {
        Ok(r) => r,
        Err(e) => panic!("{}", e.to_json()),
    }
}

fn registry() -> String {
    file("registry.jsonl").text
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_default()
}

#[test]
fn the_reform_file_figures_match_the_hand_worked_ones() {
    let out = base()
        .compare(
            vec![file("reform.accord")],
            &registry(),
            "2026-03-01",
            r#"{"by": "region", "decile_by": "income"}"#,
            None,
        )
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let v = json(&out);
    // Seven lines, line 6 malformed: six households.
    assert_eq!(v["households"], 6);
    assert_eq!(v["bad_lines"], 1);
    assert_eq!(v["errors"][0]["line"], 6);
    let fb = &v["programs"][0];
    assert_eq!(fb["program"], "family_benefit");
    // Before: lines 1 (30 >= 29) and 7 (35); after also 2 (28 >= 27) and 3 (27).
    let t = &fb["total"];
    assert_eq!(t["households_before"], 2);
    assert_eq!(t["households_after"], 4);
    // People: 2 + 1 before; + 3 + 1 after.
    assert_eq!(t["people_before"], 3);
    assert_eq!(t["people_after"], 7);
    // 15 000 (one child) + 10 000; + 20 000 (two children) + 10 000.
    assert_eq!(t["cost_before"], "25000");
    assert_eq!(t["cost_after"], "55000");
    assert_eq!(t["gainers"], 2);
    assert_eq!(t["gain"], "30000");
    assert_eq!(t["losers"], 0);
    // Line 5 has no score.
    assert_eq!(t["undetermined"], 1);
    let ca = &v["programs"][1]["total"];
    // Under 6 before (lines 1, 2, 4, 5: one child each), under 3 after (2, 4).
    assert_eq!(ca["households_before"], 4);
    assert_eq!(ca["households_after"], 2);
    assert_eq!(ca["people_before"], 4);
    assert_eq!(ca["people_after"], 2);
    assert_eq!(ca["cost_before"], "12000");
    assert_eq!(ca["cost_after"], "8000");
    // Lines 2 and 4 gain 1 000 each; lines 1 and 5 lose 3 000 each.
    assert_eq!(ca["gainers"], 2);
    assert_eq!(ca["gain"], "2000");
    assert_eq!(ca["losers"], 2);
    assert_eq!(ca["loss"], "6000");
    // By region: north (lines 1, 2), south (3, 4, 5), unknown (7) last.
    let regions = &fb["by_region"];
    assert_eq!(regions[0]["region"], "north");
    assert_eq!(regions[0]["gainers"], 1);
    assert_eq!(regions[1]["region"], "south");
    assert_eq!(regions[1]["gain"], "10000");
    assert_eq!(regions[1]["undetermined"], 1);
    assert_eq!(regions[2]["region"], serde_json::Value::Null);
    assert_eq!(regions[2]["households_before"], 1);
    // Deciles of six incomes: 10 000 -> 1, 20 000 -> 2, 30 000 -> 4,
    // 40 000 -> 6, 50 000 -> 7, 80 000 -> 9.
    let deciles: Vec<_> = fb["by_decile"]
        .as_array()
        .map(|a| a.iter().map(|d| d["decile"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(
        deciles,
        [Some(1), Some(2), Some(4), Some(6), Some(7), Some(9)]
    );
    // Decile 2 is line 2: the 20 000 gain.
    assert_eq!(fb["by_decile"][1]["gain"], "20000");
}

#[test]
fn deciles_of_a_let() {
    // `child_count` per household: lines 3 and 7 have none, lines 1, 4, 5 one,
    // line 2 two. n = 6: 0 -> decile 1 (below 0), 1 -> floor(10 * 2 / 6) + 1 = 4,
    // 2 -> floor(10 * 5 / 6) + 1 = 9.
    let out = base()
        .compare(
            vec![file("reform.accord")],
            &registry(),
            "2026-03-01",
            r#"{"decile_by": "child_count"}"#,
            None,
        )
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let v = json(&out);
    let fb = &v["programs"][0]["by_decile"];
    let deciles: Vec<_> = fb
        .as_array()
        .map(|a| a.iter().map(|d| d["decile"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(deciles, [Some(1), Some(4), Some(9)]);
    // Line 3 (no child) gains 10 000; line 2 (two) 20 000; line 5 is undetermined.
    assert_eq!(fb[0]["gain"], "10000");
    assert_eq!(fb[1]["undetermined"], 1);
    assert_eq!(fb[2]["gain"], "20000");
    // A let that is not a number.
    let e = base()
        .compare(
            Vec::new(),
            &registry(),
            "2026-03-01",
            r#"{"set": [{"name": "child_supplement", "value": 1}], "decile_by": "children"}"#,
            None,
        )
        .err()
        .map(|e| e.code().to_string());
    assert_eq!(e.as_deref(), Some("U0035"));
}

#[test]
fn a_set_parameter_is_a_reform_of_one_parameter() {
    // Threshold 27 from 2026-01-01: the family benefit as with the reform
    // file; the child allowance unchanged.
    let out = base()
        .compare(
            Vec::new(),
            &registry(),
            "2026-03-01",
            r#"{"set": [{"name": "family_benefit_threshold", "value": 27, "from": "2026-01-01"}]}"#,
            None,
        )
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let v = json(&out);
    assert_eq!(v["programs"][0]["total"]["cost_after"], "55000");
    assert_eq!(v["programs"][1]["total"]["gainers"], 0);
    assert_eq!(v["programs"][1]["total"]["losers"], 0);
    // Before the date, the base's 29 still holds: nothing changes in 2025.
    let out = base()
        .compare(
            Vec::new(),
            &registry(),
            "2025-06-01",
            r#"{"set": [{"name": "family_benefit_threshold", "value": 27, "from": "2026-01-01"}]}"#,
            None,
        )
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    assert_eq!(json(&out)["programs"][0]["total"]["gainers"], 0);
}

#[test]
fn the_reform_tests_run_on_the_reformed_ruleset() {
    let reformed = base()
        .reform(vec![file("reform.accord")], &[])
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let report = reformed.run_tests_report();
    let json = report.to_json();
    assert!(
        json.contains("\"expectations\": 3") && json.contains("\"failures\": []"),
        "{json}"
    );
}

fn error(reform: &str, options: &str) -> accord_core::Error {
    let files = match reform {
        "" => Vec::new(),
        text => vec![SourceFile::new("reform.accord", text)],
    };
    match base().compare(files, &registry(), "2026-03-01", options, None) {
        Ok(out) => panic!("expected an error, got {out}"),
        Err(e) => e,
    }
}

#[test]
fn refusals_have_codes_and_never_echo_the_registry() {
    let cases = [
        ("enum Region { east }", "", "E0901"),
        (
            "parameter family_benefit_treshold: Decimal { from 2020-01-01: 27 }",
            "",
            "E0902",
        ),
        (
            "table family_benefit(x: Integer) -> Money {\n  x | result\n  * | 1\n}",
            "",
            "E0903",
        ),
        (
            "parameter family_benefit_threshold: Integer { from 2020-01-01: 27 }",
            "",
            "E0904",
        ),
        // A reform that does not check: an unknown name.
        (
            "program child_allowance { for Person\n eligible when agee < 3 }",
            "",
            "E0102",
        ),
        (
            "",
            r#"{"set": [{"name": "family_benefit", "value": 1}]}"#,
            "U0031",
        ),
        (
            "",
            r#"{"set": [{"name": "family_benefit_treshold", "value": 1}]}"#,
            "U0031",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": "1 }"}]}"#,
            "U0032",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": "yes"}]}"#,
            "U0032",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": 1, "from": "soon"}]}"#,
            "U0033",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": 1}], "by": "score"}"#,
            "U0034",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": 1}], "decile_by": "region"}"#,
            "U0035",
        ),
        (
            "",
            r#"{"set": [{"name": "child_supplement", "value": 1}], "people": "income"}"#,
            "U0036",
        ),
        ("", r#"{"colour": "red"}"#, "U0037"),
        ("", "", "U0038"),
    ];
    for (reform, options, code) in cases {
        let e = error(reform, options);
        assert_eq!(e.code(), code, "{reform} {options}: {}", e.to_json());
        let text = e.to_json();
        // Registry values never appear in an error.
        for value in ["50000", "80000", "north"] {
            assert!(!text.contains(value), "{text}");
        }
    }
}

#[test]
fn json_csv_and_table_agree() {
    let request = accord_core::CompareRequest::from_json(r#"{"by": "region"}"#)
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let report = base()
        .compare_report(
            vec![file("reform.accord")],
            &registry(),
            "2026-03-01",
            &request,
            Some("hy"),
        )
        .unwrap_or_else(|e| panic!("{}", e.to_json()));
    let csv = report.to_csv();
    assert!(csv.starts_with("program,group,key,households_before"));
    assert!(
        csv.contains("\nfamily_benefit,total,,2,4,3,7,25000,55000,2,30000,0,0,1\n"),
        "{csv}"
    );
    assert!(csv.contains("\nfamily_benefit,region,north,"), "{csv}");
    let table = report.render();
    // Labels in Armenian where the ruleset has them.
    assert!(table.contains("Ընտանեկան նպաստ"), "{table}");
    assert!(table.contains("Հյուսիս"), "{table}");
}

#[test]
fn reform_settings_are_read_from_compare_s_set_list() {
    use accord_core::compare::Setting;
    use accord_core::settings_from_json;
    for none in ["", "  ", "null", "[]"] {
        assert_eq!(settings_from_json(none).ok(), Some(Vec::new()), "{none:?}");
    }
    let set = settings_from_json(
        r#"[{"name": "a", "value": 27, "from": "2026-01-01"}, {"name": "b", "value": "x"}, {"name": "c", "value": true}]"#,
    );
    let want = vec![
        Setting {
            name: "a".into(),
            value: "27".into(),
            from: Some("2026-01-01".into()),
        },
        Setting {
            name: "b".into(),
            value: "x".into(),
            from: None,
        },
        Setting {
            name: "c".into(),
            value: "true".into(),
            from: None,
        },
    ];
    assert_eq!(set.ok(), Some(want));
    for bad in ["{", "{}", "[1]", r#"[{"name": "a"}]"#] {
        let code = settings_from_json(bad).err().map(|e| e.code().to_string());
        assert_eq!(code.as_deref(), Some("U0037"), "{bad}");
    }
    // The reformed ruleset answers for the reform; the base is untouched.
    let base = base();
    let facts = r#"{"region": "north", "score": 28, "members": [{"age": 2}]}"#;
    let before = base.screen(facts, "2026-03-01", None).unwrap();
    let reformed = base
        .reform_json(
            Vec::new(),
            r#"[{"name": "family_benefit_threshold", "value": 27}]"#,
        )
        .unwrap();
    let after = json(&reformed.screen(facts, "2026-03-01", None).unwrap());
    assert_eq!(after["results"][0]["amount"], "15000");
    assert_eq!(base.screen(facts, "2026-03-01", None).unwrap(), before);
}
