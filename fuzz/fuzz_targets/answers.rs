//! Any text given as the answers to the corpus assessment
//! (`tests/assessments/ruleset.accord`), and as a provider catalogue, ratings and
//! assessment results for the Tartu example: reading never panics, rejected
//! input always says why, accepted answers score with every score's range
//! holding its value, and matching and the map never panic.
#![no_main]

use std::sync::OnceLock;

use accord_core::{Engine, SourceFile};
use libfuzzer_sys::fuzz_target;

fn compile(files: &[(&str, &str)]) -> Engine {
    let files = files
        .iter()
        .map(|(name, text)| SourceFile::new(*name, *text))
        .collect();
    match Engine::compile(files) {
        Ok(engine) => engine,
        Err(report) => panic!("the ruleset does not compile: {report:?}"),
    }
}

fn corpus() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        compile(&[(
            "ruleset.accord",
            include_str!("../../tests/assessments/ruleset.accord"),
        )])
    })
}

fn tartu() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        compile(&[
            ("ruleset.accord", include_str!("../../examples/tartu/ruleset.accord")),
            ("wellbeing.accord", include_str!("../../examples/tartu/wellbeing.accord")),
            ("services.accord", include_str!("../../examples/tartu/services.accord")),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = corpus();
    match engine.answers_from_json("wellbeing", &text) {
        Ok(answers) => {
            let report = engine.assess(&answers, Some("et"));
            let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
            assert!(json["scores"].is_object());
            for q in &report.next_questions {
                assert!(report.unanswered.contains(&q.question));
            }
            let _ = report.render();
        }
        Err(e) => assert!(!e.errors.is_empty()),
    }
    let tartu = tartu();
    let catalogue = include_str!("../../examples/tartu/catalogue.json");
    match tartu.catalogue_from_json(&text) {
        Ok(cat) => {
            let _ = tartu.providers_for(&cat, "family_counselling", Some("elva"), None, None);
            let _ = tartu.needs_map(&cat, &text).to_csv();
        }
        Err(e) => assert!(!e.errors.is_empty()),
    }
    if let Ok(cat) = tartu.catalogue_from_json(catalogue) {
        match tartu.ratings_from_json(&cat, &text) {
            Ok(r) => {
                let report = tartu
                    .providers_for(&cat, "speech_therapy", None, Some(&r), Some("en"))
                    .unwrap();
                let _ = report.render();
            }
            Err(e) => assert!(!e.errors.is_empty()),
        }
        let map = tartu.needs_map(&cat, &text);
        let _ = map.render();
    }
});
