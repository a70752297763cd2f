//! What every front end gets from the facade alike: a question's options in
//! the fact's own type, ready for `answer`, and a ruleset that gives the same
//! bytes whatever the order its files are passed in.

use accord_core::facade::Ruleset;
use accord_core::SourceFile;
use serde_json::{json, Value};

const RULES: &str = "ruleset r { languages en }\n\
    enum Region { north, south }\n\
    entity H {\n  citizen: Boolean\n  region: Region\n}\n\
    program p { for H\n  eligible when citizen and region = north }\n";

#[test]
fn a_boolean_question_offers_json_booleans_that_answer_takes() {
    let r = Ruleset::load(vec![SourceFile::new("r.accord", RULES)]).unwrap();
    let next: Value =
        serde_json::from_str(&r.next_questions("{}", "2025-03-01", None).unwrap()).unwrap();
    let questions = next["next_questions"].as_array().unwrap();
    let citizen = questions.iter().find(|q| q["path"] == "citizen").unwrap();
    assert_eq!(citizen["type"], "Boolean");
    let values: Vec<&Value> = citizen["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["value"])
        .collect();
    assert_eq!(values, [&json!(true), &json!(false)]);
    let region = questions.iter().find(|q| q["path"] == "region").unwrap();
    let values: Vec<&Value> = region["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["value"])
        .collect();
    assert_eq!(values, [&json!("north"), &json!("south")]);
    // Each option's value, as JSON, is an answer the facts document takes.
    let mut facts = "{}".to_string();
    for q in [citizen, region] {
        let value = q["options"][0]["value"].to_string();
        facts = r
            .answer(&facts, q["path"].as_str().unwrap(), &value)
            .unwrap();
    }
    assert_eq!(
        serde_json::from_str::<Value>(&facts).unwrap(),
        json!({"citizen": true, "region": "north"})
    );
    let screened: Value =
        serde_json::from_str(&r.screen(&facts, "2025-03-01", None).unwrap()).unwrap();
    assert_eq!(screened["results"][0]["status"], "eligible");
    // The human text shows the values as they are answered.
    let report = r.screen_report("{}", "2025-03-01", None).unwrap();
    assert!(
        report.render().contains("true | false"),
        "{}",
        report.render()
    );
}

#[test]
fn files_in_any_order_give_the_same_bytes() {
    let files = [
        ("b.accord", "program b { for H\n  eligible when citizen }\n"),
        (
            "a.accord",
            "ruleset r { languages en }\nentity H {\n  citizen: Boolean\n}\n",
        ),
        (
            "c.accord",
            "program a { for H\n  eligible when not citizen }\n",
        ),
    ];
    let load = |order: &[usize]| {
        let files = order
            .iter()
            .map(|&i| SourceFile::new(files[i].0, files[i].1))
            .collect();
        Ruleset::load(files).unwrap()
    };
    let facts = r#"{"citizen": true}"#;
    let lines = "{\"citizen\": true}\n{}\n";
    let first = load(&[0, 1, 2]);
    let want = (
        first.screen(facts, "2025-03-01", None).unwrap(),
        first
            .screen_jsonl(lines, "2025-03-01", false, None)
            .unwrap(),
        first.info(),
    );
    // Programmes in the order of their files' names: `b` (in b.accord) first.
    let v: Value = serde_json::from_str(&want.0).unwrap();
    assert_eq!(v["results"][0]["program"], "b");
    for order in [[1, 0, 2], [2, 1, 0], [2, 0, 1], [0, 2, 1]] {
        let r = load(&order);
        let got = (
            r.screen(facts, "2025-03-01", None).unwrap(),
            r.screen_jsonl(lines, "2025-03-01", false, None).unwrap(),
            r.info(),
        );
        assert_eq!(got, want, "order {order:?}");
    }
}
