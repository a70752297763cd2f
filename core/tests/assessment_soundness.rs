//! The promise of partial answers: an output decided on some answers is the same
//! for every completion of them (scores, needs, risk), and an open score's range
//! holds every completion's value. Over the corpus assessment
//! (`tests/assessments/ruleset.accord`): every kind of question, negative points,
//! scores of scores, rules in order.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::Path;

use accord_core::{Engine, SourceFile};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

fn engine() -> Engine {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/assessments/ruleset.accord");
    Engine::compile(vec![SourceFile::new(
        "ruleset.accord",
        fs::read_to_string(path).unwrap(),
    )])
    .unwrap()
}

/// One answer per question, each drawn from its domain.
fn full_answers() -> impl Strategy<Value = Vec<(&'static str, Value)>> {
    (
        0i64..=3,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["strong", "some", "none"]),
        0i64..=12,
        prop::sample::subsequence(vec!["relatives", "neighbours", "paid", "nobody"], 0..=4),
    )
        .prop_map(|(concern, delay, housing, support, visits, help)| {
            vec![
                ("concern", json!(concern)),
                ("delay", json!(delay)),
                ("housing", json!(housing)),
                ("support", json!(support)),
                ("visits", json!(visits)),
                ("help", json!(help)),
                ("notes", json!("a note")),
            ]
        })
}

fn report(engine: &Engine, answers: &[(&str, Value)]) -> Value {
    let map: Map<String, Value> = answers
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let a = engine
        .answers_from_json("wellbeing", &Value::Object(map).to_string())
        .unwrap();
    serde_json::to_value(engine.assess(&a, None)).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn decided_outputs_hold_for_every_completion(
        complete in full_answers(),
        keep in prop::collection::vec(any::<bool>(), 7),
        others in prop::collection::vec(full_answers(), 8),
    ) {
        let engine = engine();
        let partial: Vec<(&str, Value)> = complete
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(a, _)| a.clone())
            .collect();
        let p = report(&engine, &partial);
        // Completions: the answers given, the rest from another full set.
        let mut completions = vec![complete.clone()];
        for other in &others {
            completions.push(
                complete
                    .iter()
                    .zip(other)
                    .zip(&keep)
                    .map(|((mine, theirs), k)| if *k { mine.clone() } else { theirs.clone() })
                    .collect(),
            );
        }
        let needs = names(&p["needs"]);
        let possible = names(&p["possible_needs"]);
        for c in &completions {
            let full = report(&engine, c);
            prop_assert!(full["unanswered"].as_array().unwrap().is_empty());
            for (name, value) in p["scores"].as_object().unwrap() {
                let got = &full["scores"][name];
                if value.is_null() {
                    if let Some(range) = p["score_ranges"].get(name) {
                        let x = dec(got);
                        prop_assert!(dec(&range["min"]) <= x && x <= dec(&range["max"]),
                            "{name} = {x} outside {range}");
                    }
                } else {
                    prop_assert_eq!(dec(value), dec(got), "score {}", name);
                }
            }
            let full_needs = names(&full["needs"]);
            for n in &needs {
                prop_assert!(full_needs.contains(n), "established need {n} not in {full_needs:?}");
            }
            for n in &full_needs {
                prop_assert!(needs.contains(n) || possible.contains(n), "need {n} was ruled out");
            }
            if p["risk"].is_null() {
                let level = full["risk"].as_str().unwrap().to_string();
                prop_assert!(names(&p["possible_risks"]).contains(&level), "risk {level} was not possible");
            } else {
                prop_assert_eq!(&p["risk"], &full["risk"]);
            }
        }
        // Next questions are unanswered ones.
        let unanswered = names(&p["unanswered"]);
        for q in p["next_questions"].as_array().unwrap() {
            prop_assert!(unanswered.contains(&q["question"].as_str().unwrap().to_string()));
        }
    }
}
