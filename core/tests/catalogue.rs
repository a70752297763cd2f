//! Providers, matching, ratings and the territorial map, on the Tartu and East
//! Kazakhstan examples and on small catalogues written here; and the examples'
//! assessments, scored from their answers.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::Engine;

mod support {
    pub mod eval;
}
use serde_json::{json, Value};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

fn engine(name: &str) -> Engine {
    Engine::compile(support::eval::load_dir(&example(name)))
        .unwrap_or_else(|r| panic!("{}", r.render(Default::default())))
}

fn read(name: &str, file: &str) -> String {
    fs::read_to_string(example(name).join(file)).unwrap()
}

fn ids(report: &accord_core::ProvidersReport) -> Vec<&str> {
    report.providers.iter().map(|p| p.id.as_str()).collect()
}

fn codes(e: &[accord_core::FactError]) -> Vec<&str> {
    e.iter().map(|e| e.code.as_str()).collect()
}

#[test]
fn every_provider_that_can_meet_a_need_in_elva_state_and_ngo_none_dropped() {
    let engine = engine("tartu");
    let cat = engine
        .catalogue_from_json(&read("tartu", "catalogue.json"))
        .unwrap();
    let ratings = engine
        .ratings_from_json(&cat, &read("tartu", "ratings.json"))
        .unwrap();
    let r = engine
        .providers_for(
            &cat,
            "family_counselling",
            Some("elva"),
            Some(&ratings),
            Some("et"),
        )
        .unwrap();
    // The county's shared centre (serving all eight) and Elva's NGO; the Tartu
    // NGO is listed as elsewhere rather than dropped.
    assert_eq!(ids(&r), ["tartumaa-tugikeskus", "elva-perekeskus"]);
    assert_eq!(r.region.as_deref(), Some("Elva vald"));
    assert_eq!(r.need_label, "Perenõustamine");
    let elsewhere: Vec<&str> = r.elsewhere.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(elsewhere, ["laste-tugikeskus-mtu"]);
    assert_eq!(r.providers[0].capacity_left, Some(8));
    assert_eq!(r.providers[0].votes, 16);
    assert_eq!(r.providers[0].kind, "municipal");
    assert_eq!(r.providers[1].kind, "ngo");
    // A full provider comes after those with room, whatever its rating.
    let r = engine
        .providers_for(&cat, "speech_therapy", Some("elva"), Some(&ratings), None)
        .unwrap();
    assert_eq!(ids(&r), ["logopeed-erapraksis", "rajaleidja-tartu"]);
    assert!(r.providers[1].full);
    // Without a region: every provider meeting the need.
    let r = engine
        .providers_for(&cat, "child_protection", None, None, None)
        .unwrap();
    assert_eq!(r.providers.len(), 8, "the eight local governments");
    assert!(r.elsewhere.is_empty());
}

#[test]
fn few_ratings_do_not_outrank_many_good_ones() {
    let engine = engine("tartu");
    let cat = engine
        .catalogue_from_json(
            &json!({"providers": [
                {"id": "one-vote", "name": "One vote", "kind": "ngo",
                 "services": ["family_counselling"], "regions": "all"},
                {"id": "many-votes", "name": "Many votes", "kind": "municipal",
                 "services": ["family_counselling"], "regions": "all"},
                {"id": "unrated", "name": "Unrated", "kind": "private",
                 "services": ["family_counselling"], "regions": "all"},
            ]})
            .to_string(),
        )
        .unwrap();
    let mut ratings =
        vec![json!({"provider": "one-vote", "service": "family_counselling", "score": 5})];
    for s in [5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4] {
        ratings
            .push(json!({"provider": "many-votes", "service": "family_counselling", "score": s}));
    }
    let ratings = engine
        .ratings_from_json(&cat, &json!({ "ratings": ratings }).to_string())
        .unwrap();
    let r = engine
        .providers_for(&cat, "family_counselling", None, Some(&ratings), None)
        .unwrap();
    assert_eq!(ids(&r), ["many-votes", "one-vote", "unrated"]);
    assert_eq!(r.providers[0].mean.as_deref(), Some("4.5"));
    assert_eq!(r.providers[1].mean.as_deref(), Some("5"));
    assert_eq!(r.providers[1].votes, 1);
    assert!(r.providers[2].rating.is_none());
}

#[test]
fn a_bad_catalogue_reports_every_problem_with_its_path() {
    let engine = engine("tartu");
    let e = engine
        .catalogue_from_json(
            &json!({"providers": [
                {"id": "a", "name": "A", "kind": "charity", "services": ["family_counseling"],
                 "regions": ["elva", "tartu"], "capacity": -3, "phone": "1"},
                {"id": "a", "kind": "ngo", "services": [], "regions": []},
                "not an object",
            ]})
            .to_string(),
        )
        .unwrap_err();
    let found: Vec<(&str, &str)> = e
        .errors
        .iter()
        .map(|x| (x.code.as_str(), x.path.as_str()))
        .collect();
    for expected in [
        ("P0003", "providers[0].phone"),
        ("P0006", "providers[0].kind"),
        ("P0007", "providers[0].services[0]"),
        ("P0008", "providers[0].regions[1]"),
        ("P0009", "providers[0].capacity"),
        ("P0005", "providers[1].id"),
        ("P0004", "providers[1].name"),
        ("P0004", "providers[1].services"),
        ("P0004", "providers[1].regions"),
        ("P0002", "providers[2]"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    let service = e.errors.iter().find(|x| x.code == "P0007").unwrap();
    assert_eq!(
        service.help.as_deref(),
        Some("did you mean `family_counselling`?")
    );
    assert_eq!(
        codes(&engine.catalogue_from_json("{").unwrap_err().errors),
        ["P0001"]
    );
    assert_eq!(
        codes(&engine.catalogue_from_json("[]").unwrap_err().errors),
        ["P0001"]
    );
}

#[test]
fn bad_ratings_and_requests_are_errors() {
    let engine = engine("tartu");
    let cat = engine
        .catalogue_from_json(&read("tartu", "catalogue.json"))
        .unwrap();
    let e = engine
        .ratings_from_json(
            &cat,
            &json!({"ratings": [
                {"provider": "nobody", "service": "family_counselling", "score": 4},
                {"provider": "elva-perekeskus", "service": "speech_therapy", "score": 4},
                {"provider": "elva-perekeskus", "service": "family_counselling", "score": 6},
                {"provider": "elva-perekeskus", "service": "family_counselling", "score": 0},
            ]})
            .to_string(),
        )
        .unwrap_err();
    assert_eq!(codes(&e.errors), ["R0002", "R0003", "R0004", "R0004"]);
    let e = engine
        .providers_for(&cat, "family_counseling", None, None, None)
        .unwrap_err();
    assert_eq!(codes(&e.errors), ["P0011"]);
    assert_eq!(
        e.errors[0].help.as_deref(),
        Some("did you mean `family_counselling`?")
    );
    let e = engine
        .providers_for(&cat, "family_counselling", Some("elwa"), None, None)
        .unwrap_err();
    assert_eq!(codes(&e.errors), ["P0008"]);
    assert_eq!(e.errors[0].help.as_deref(), Some("did you mean `elva`?"));
}

#[test]
fn the_territorial_map_counts_needs_against_places_per_region() {
    let engine = engine("tartu");
    let cat = engine
        .catalogue_from_json(&read("tartu", "catalogue.json"))
        .unwrap();
    let results = [
        json!({"region": "elva", "needs": ["family_counselling", "social_benefits"]}),
        json!({"region": "elva", "needs": ["family_counselling"]}),
        json!({"region": "noo", "needs": ["health_care"]}),
        json!({"region": "nowhere", "needs": ["leisure"]}),
        json!({"needs": ["leisure"]}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n")
        + "\nnot json\n";
    let map = engine.needs_map(&cat, &results);
    let row = |region: &str, need: &str| {
        map.rows
            .iter()
            .find(|r| r.region == region && r.need == need)
            .unwrap_or_else(|| panic!("{region}/{need} in {:?}", map.rows))
            .clone()
    };
    // Elva: the shared centre (8 left) and Elva's NGO (4 left).
    let fc = row("elva", "family_counselling");
    assert_eq!(
        (fc.people, fc.capacity, fc.gap, fc.providers, fc.shared),
        (2, Some(12), Some(0), 2, 2)
    );
    // Elva's social department is full: the one person in need is the gap.
    let sb = row("elva", "social_benefits");
    assert_eq!((sb.people, sb.capacity, sb.gap), (1, Some(0), Some(1)));
    // The hospital states no capacity: capacity and gap are unknown.
    let hc = row("noo", "health_care");
    assert_eq!((hc.capacity, hc.gap), (None, None));
    assert_eq!(map.rows.len(), 3);
    let skipped: Vec<&str> = map.skipped.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(skipped, ["M0002", "M0002", "M0001"]);
    let csv = map.to_csv();
    assert!(csv.starts_with("region,need,people,capacity,gap,providers,shared\n"));
    assert!(csv.contains("elva,social_benefits,1,0,1,1,0\n"), "{csv}");
}

/// The examples' answers, with the needs and risk a social worker would find.
#[test]
fn the_examples_assessments_find_their_needs() {
    let cases = [
        (
            "tartu",
            "child_wellbeing",
            "mari_partial",
            vec![
                "speech_therapy",
                "learning_support",
                "parenting_support",
                "housing_support",
            ],
            None,
        ),
        (
            "tartu",
            "child_wellbeing",
            "jaan_complete",
            vec![
                "psychological_support",
                "family_counselling",
                "social_benefits",
                "leisure",
            ],
            Some("medium"),
        ),
        (
            "tartu",
            "child_wellbeing",
            "liis_urgent",
            vec!["parenting_support", "child_protection"],
            Some("high"),
        ),
        (
            "kazakhstan",
            "special_services_need",
            "aigul_older_alone",
            vec!["home_care"],
            Some("high"),
        ),
        (
            "kazakhstan",
            "special_services_need",
            "timur_child",
            vec!["home_care", "day_care", "rehabilitation", "respite"],
            None,
        ),
        (
            "kazakhstan",
            "special_services_need",
            "first_visit",
            vec![],
            None,
        ),
    ];
    for (ex, assessment, file, needs, risk) in cases {
        let engine = engine(ex);
        let answers = read(ex, &format!("assessments/{assessment}/{file}.json"));
        let a = engine.answers_from_json(assessment, &answers).unwrap();
        let r = engine.assess(&a, None);
        assert_eq!(r.needs, needs, "{ex}/{file}");
        assert_eq!(r.risk.as_deref(), risk, "{ex}/{file}");
        // Every established need has a provider somewhere in the example's catalogue.
        let cat = engine
            .catalogue_from_json(&read(ex, "catalogue.json"))
            .unwrap();
        for n in &r.needs {
            let p = engine.providers_for(&cat, n, None, None, None).unwrap();
            assert!(!p.providers.is_empty(), "{ex}: nobody meets {n}");
        }
    }
}

/// The new user's path: a child assessed in Estonian, then the providers that can
/// meet each need found, in Elva parish.
#[test]
fn providers_for_each_need_an_assessment_found() {
    let engine = engine("tartu");
    let answers = engine
        .answers_from_json(
            "child_wellbeing",
            &read("tartu", "assessments/child_wellbeing/mari_partial.json"),
        )
        .unwrap();
    let result = engine.assess(&answers, Some("et")).to_json();
    let cat = engine
        .catalogue_from_json(&read("tartu", "catalogue.json"))
        .unwrap();
    let reports = engine
        .providers_for_result(&cat, &result, Some("elva"), None, Some("et"))
        .unwrap();
    let needs: Vec<&str> = reports.iter().map(|r| r.need.as_str()).collect();
    assert_eq!(
        needs,
        [
            "speech_therapy",
            "learning_support",
            "parenting_support",
            "housing_support"
        ]
    );
    for r in &reports {
        assert!(!r.providers.is_empty(), "someone in Elva meets {}", r.need);
    }
    assert_eq!(
        codes(
            &engine
                .providers_for_result(&cat, "{}", None, None, None)
                .unwrap_err()
                .errors
        ),
        ["P0012"]
    );
}

/// Ratings given as answers to a satisfaction survey (an assessment): the
/// survey's `satisfaction` score is the rating, and each 1–5 question is
/// aggregated too.
#[test]
fn satisfaction_surveys_rate_providers_per_question() {
    let engine = engine("kazakhstan");
    let cat = engine
        .catalogue_from_json(&read("kazakhstan", "catalogue.json"))
        .unwrap();
    let ratings = engine
        .ratings_from_json(&cat, &read("kazakhstan", "ratings.json"))
        .unwrap();
    let r = engine
        .providers_for(
            &cat,
            "home_care",
            Some("oskemen"),
            Some(&ratings),
            Some("en"),
        )
        .unwrap();
    let state = r
        .providers
        .iter()
        .find(|p| p.id == "oskemen-home-care")
        .unwrap();
    // 20 plain scores (79) and two surveys (8/3 and 4): (15 + 85.67) / 27.
    assert_eq!(state.votes, 22);
    assert_eq!(state.rating.as_deref(), Some("3.73"));
    let timeliness = state
        .by_question
        .iter()
        .find(|q| q.question == "timeliness")
        .unwrap();
    assert_eq!((timeliness.votes, timeliness.mean.as_str()), (2, "3"));
    assert_eq!(timeliness.label, "Help came on time");
    // Errors: an unknown survey, answers without one, bad answers (with their path),
    // answers that give no overall score.
    let bad = |doc: serde_json::Value| {
        engine
            .ratings_from_json(&cat, &doc.to_string())
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.code.as_str(), e.path))
            .collect::<Vec<_>>()
    };
    let one = |answers: serde_json::Value| json!({"provider": "of-meyirim", "service": "home_social_care", "answers": answers});
    assert_eq!(
        bad(json!({"survey": "satisfaction", "ratings": []})),
        [("R0005", "survey".to_string())]
    );
    assert_eq!(
        bad(json!({"ratings": [one(json!({"respect": 5}))]})),
        [("R0006", "ratings[0].answers".to_string())]
    );
    assert_eq!(
        bad(json!({"survey": "service_satisfaction", "ratings": [one(json!({"respect": 9}))]})),
        [("A0005", "ratings[0].answers.respect".to_string())]
    );
    assert_eq!(
        bad(
            json!({"survey": "service_satisfaction", "ratings": [one(json!({"recommend": true}))]})
        ),
        [("R0007", "ratings[0].answers".to_string())]
    );
}
