//! The examples' case logs (`examples/*/cases/PROTOCOL/*.jsonl`) replayed on the
//! dates their READMEs work out by hand; each state must equal
//! `cases/PROTOCOL/expected/LOG@DATE[@ROLE].json`. Headline figures of the
//! READMEs are asserted here as well, so a blessed file cannot drift from them.
//!
//! `ACCORD_BLESS=1 cargo test -p accord-core --test example_cases` rewrites the
//! expected files; compare them with the READMEs before committing.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/eval.rs"]
mod support;

use accord_core::case::{parse_log, Case, CaseOptions};
use accord_core::Engine;
use serde_json::Value;

/// (example, protocol, log, as-of, role); every run has the example's catalogue
const RUNS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-02-25",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-03-11",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-04-15",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "school_notice_to_closure",
        "2025-06-01",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "consent_withdrawn",
        "2026-10-09",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "consent_withdrawn",
        "2026-10-23",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-05-21",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-06-02",
        None,
    ),
    (
        "armenia",
        "out_of_school",
        "in_progress",
        "2025-06-02",
        Some("head_of_service"),
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-04-25",
        None,
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-04-28",
        None,
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-06-02",
        None,
    ),
    (
        "tartu",
        "municipal_case",
        "elva_to_tartu_transfer",
        "2025-06-30",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-11-24",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-11-24",
        Some("centre_specialist"),
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2025-12-11",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2026-02-25",
        None,
    ),
    (
        "tartu",
        "county_case",
        "kastre_to_support_centre",
        "2026-03-10",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-03-26",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-04-02",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-11-12",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-11-20",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ridder_no_ngo",
        "2025-05-07",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "glubokoe_moved_out",
        "2025-08-13",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "glubokoe_moved_out",
        "2025-08-20",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "zaisan_commission_late",
        "2025-03-27",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "zaisan_commission_late",
        "2025-04-07",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "zaisan_commission_late",
        "2025-05-13",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ulan_plan_reopened",
        "2025-03-01",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ulan_plan_reopened",
        "2025-08-22",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ulan_plan_reopened",
        "2025-09-15",
        None,
    ),
    (
        "kazakhstan",
        "special_social_services",
        "zaisan_commission_late",
        "2025-04-07",
        Some("head_of_department"),
    ),
];

/// Provider views (`--role ROLE --provider ID`): (example, protocol, log, as-of,
/// role, provider); expected in `cases/PROTOCOL/expected/LOG@DATE@ROLE@PROVIDER.json`.
const PROVIDER_VIEWS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-03-26",
        "provider",
        "oskemen-day-care",
    ),
    (
        "kazakhstan",
        "special_social_services",
        "oskemen_to_survey",
        "2025-03-26",
        "provider",
        "of-meyirim",
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ridder_no_ngo",
        "2025-05-07",
        "provider",
        "polyclinic-home-nursing",
    ),
    (
        "kazakhstan",
        "special_social_services",
        "ridder_no_ngo",
        "2025-05-07",
        "provider",
        "ridder-ngo-care",
    ),
];

fn state(
    engine: &Engine,
    dir: &Path,
    protocol: &str,
    log: &str,
    as_of: &str,
    role: Option<&str>,
) -> Value {
    view(engine, dir, protocol, log, as_of, role, None)
}

fn view(
    engine: &Engine,
    dir: &Path,
    protocol: &str,
    log: &str,
    as_of: &str,
    role: Option<&str>,
    provider: Option<&str>,
) -> Value {
    let catalogue = engine
        .catalogue_from_json(&fs::read_to_string(dir.join("catalogue.json")).unwrap())
        .unwrap();
    let text = fs::read_to_string(
        dir.join("cases")
            .join(protocol)
            .join(format!("{log}.jsonl")),
    )
    .unwrap();
    let events = parse_log(&text).unwrap_or_else(|e| panic!("{log}: {e:?}"));
    let as_of = as_of.parse().unwrap();
    let options = CaseOptions {
        catalogue: Some(&catalogue),
    };
    let mut case = Case::replay(engine, &events, options, Some(as_of))
        .unwrap_or_else(|e| panic!("{log}: {e}"));
    serde_json::to_value(
        case.view(as_of, role, provider, None)
            .unwrap_or_else(|e| panic!("{log}: {e}")),
    )
    .unwrap()
}

fn expected_path(
    dir: &Path,
    protocol: &str,
    log: &str,
    as_of: &str,
    role: Option<&str>,
    provider: Option<&str>,
) -> PathBuf {
    let name = match (role, provider) {
        (Some(r), Some(p)) => format!("{log}@{as_of}@{r}@{p}.json"),
        (Some(r), None) => format!("{log}@{as_of}@{r}.json"),
        _ => format!("{log}@{as_of}.json"),
    };
    dir.join("cases").join(protocol).join("expected").join(name)
}

#[test]
fn every_example_case_gives_its_expected_state() {
    let bless = corpus::blessing();
    let mut failures = Vec::new();
    let runs = RUNS
        .iter()
        .map(|&(e, p, l, d, r)| (e, p, l, d, r, None))
        .chain(
            PROVIDER_VIEWS
                .iter()
                .map(|&(e, p, l, d, r, v)| (e, p, l, d, Some(r), Some(v))),
        );
    for (example, protocol, log, as_of, role, provider) in runs {
        let dir = support::repo().join("examples").join(example);
        let engine = Engine::compile(support::load_dir(&dir)).unwrap();
        let got = view(&engine, &dir, protocol, log, as_of, role, provider);
        let path = expected_path(&dir, protocol, log, as_of, role, provider);
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value = serde_json::from_str(
            &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
        .unwrap();
        if got != want {
            failures.push(path.display().to_string());
        }
    }
    assert!(failures.is_empty(), "states differ: {failures:?}");
}

fn tasks(s: &Value) -> Vec<(String, Option<String>, Option<String>, bool)> {
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["step"].as_str().unwrap().to_string(),
                t["need"].as_str().map(String::from),
                t["due"].as_str().map(String::from),
                t["overdue"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The figures examples/armenia/cases/README.md works out by hand.
#[test]
fn the_out_of_school_run_has_the_deadlines_worked_out_by_hand() {
    let dir = support::repo().join("examples/armenia");
    let engine = Engine::compile(support::load_dir(&dir)).unwrap();
    let s = |d| {
        state(
            &engine,
            &dir,
            "out_of_school",
            "school_notice_to_closure",
            d,
            None,
        )
    };
    // The assessment is late: due 19 February, escalated from the 24th.
    let feb = s("2025-02-25");
    assert_eq!(
        tasks(&feb),
        vec![("assess".into(), None, Some("2025-02-19".into()), true)]
    );
    assert_eq!(feb["escalations"][0]["since"], "2025-02-24");
    assert_eq!(feb["escalations"][0]["to"], "head_of_service");
    let mar = s("2025-03-11");
    assert_eq!(mar["risk"], "medium");
    assert!(tasks(&mar).contains(&(
        "refer".into(),
        Some("rehabilitation".into()),
        Some("2025-03-11".into()),
        false
    )));
    assert_eq!(mar["escalations"], Value::Array(vec![]));
    let june = s("2025-06-01");
    assert_eq!(june["status"], "closed");
    assert_eq!(june["closed"], "2025-05-23");
    assert_eq!(june["risk"], "low");
    assert_eq!(june["tasks"], Value::Array(vec![]));
}

/// The East Kazakhstan logs, on the dates examples/kazakhstan/README.md counts
/// by hand against `calendar kazakhstan` (2025's weekdays off: 10 March; 21, 24,
/// 25 March; 1, 7, 9 May; 6 June; 7 July; 1 September; 27 October).
#[test]
fn the_kazakhstan_runs_have_the_deadlines_worked_out_by_hand() {
    let dir = support::repo().join("examples/kazakhstan");
    let engine = Engine::compile(support::load_dir(&dir)).unwrap();
    let s = |log, d| state(&engine, &dir, "special_social_services", log, d, None);
    let task = |s: &Value, step: &str, need: Option<&str>| {
        s["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["step"] == step && t["need"].as_str() == need)
            .unwrap_or_else(|| panic!("no task {step} {need:?}: {}", s["tasks"]))
            .clone()
    };

    // Oskemen. `start` counts 10 working days from `choose` (12 March): 13, 14,
    // 17–20, 26–28, 31 March (21, 24, 25 off) → 31 March for both needs; home
    // care's task is ready on 14 March, when its own `arrange` was done.
    let mar14 = s("oskemen_to_survey", "2025-03-14");
    let home = task(&mar14, "start", Some("home_care"));
    assert_eq!(
        (&home["ready_since"], &home["due"]),
        (&"2025-03-14".into(), &"2025-03-31".into())
    );
    assert_eq!(
        task(&mar14, "arrange", Some("rehabilitation"))["due"],
        "2025-03-17"
    );
    let mar26 = s("oskemen_to_survey", "2025-03-26");
    assert_eq!(
        tasks(&mar26),
        vec![(
            "start".into(),
            Some("rehabilitation".into()),
            Some("2025-03-31".into()),
            false
        )]
    );
    let nov20 = s("oskemen_to_survey", "2025-11-20");
    assert_eq!(
        (&nov20["status"], &nov20["closed"], &nov20["closed_as"]),
        (&"closed".into(), &"2025-11-18".into(), &"close".into())
    );
    // The survey: (5 + 4 + 5) / 3 = 14/3, rating both providers the case used.
    assert_eq!(
        nov20["ratings"],
        serde_json::json!([
            {"provider": "of-meyirim", "service": "home_social_care", "score": "4.67", "step": "survey"},
            {"provider": "oskemen-day-care", "service": "day_care_centre", "score": "4.67", "step": "survey"}
        ])
    );

    // Ridder. As of 7 May (a holiday): `arrange` home care due 6 May, overdue;
    // `start` nursing due 19 May (2, 5, 6, 8, 12–16, 19 May from `choose` on
    // 30 April); the full state unit declined, flagged `full`.
    let may7 = s("ridder_no_ngo", "2025-05-07");
    assert_eq!(
        tasks(&may7),
        vec![
            (
                "arrange".into(),
                Some("home_care".into()),
                Some("2025-05-06".into()),
                true
            ),
            (
                "start".into(),
                Some("nursing_care".into()),
                Some("2025-05-19".into()),
                false
            ),
        ]
    );
    let declined = may7["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["provider"] == "ridder-home-care")
        .unwrap();
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["flags"], serde_json::json!(["full"]));

    // Glubokoe: `assess` due 17 June from `opened` (6 June, Kurban ait, off);
    // `moved_out` a task without a deadline on 13 August; closed through it.
    let jun3 = s("glubokoe_moved_out", "2025-06-03");
    assert_eq!(task(&jun3, "assess", None)["due"], "2025-06-17");
    let aug13 = s("glubokoe_moved_out", "2025-08-13");
    assert_eq!(task(&aug13, "moved_out", None)["due"], Value::Null);
    let aug20 = s("glubokoe_moved_out", "2025-08-20");
    assert_eq!(
        (&aug20["closed"], &aug20["closed_as"]),
        (&"2025-08-14".into(), &"moved_out".into())
    );
    assert_eq!(aug20["ratings"], Value::Null);

    // Zaisan: `assess` due 18 March (from `opened`, 3 March); its own chain: the
    // head from the 5th working day overdue (19, 20, 26, 27, 28 March), the region
    // from the 10th (31 March, 1–4 April); the client's `choose` is never escalated.
    let esc = |d| {
        s("zaisan_commission_late", d)["escalations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["to"].as_str().unwrap().to_string(),
                    e["since"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        task(&s("zaisan_commission_late", "2025-03-27"), "assess", None)["due"],
        "2025-03-18"
    );
    assert_eq!(esc("2025-03-27"), vec![]);
    assert_eq!(
        esc("2025-04-07"),
        vec![
            ("head_of_department".into(), "2025-03-28".into()),
            ("regional_coordinator".into(), "2025-04-04".into())
        ]
    );
    assert_eq!(
        tasks(&s("zaisan_commission_late", "2025-05-13")),
        vec![("choose".into(), None, Some("2025-04-25".into()), true)]
    );
    assert_eq!(esc("2025-05-13"), vec![]);

    // Ulan: the review of 20 August goes back to `plan` (due 27 August: 21, 22,
    // 25–27 Aug); the new `start` counts from the new choice (28 August: 29 Aug,
    // 2–5, 8–12 Sep, 1 September off) → 12 September; the review six months
    // after the new start (8 September) → 8 March 2026.
    assert_eq!(
        tasks(&s("ulan_plan_reopened", "2025-08-22")),
        vec![("plan".into(), None, Some("2025-08-27".into()), false)]
    );
    assert_eq!(
        task(
            &s("ulan_plan_reopened", "2025-09-02"),
            "start",
            Some("home_care")
        )["due"],
        "2025-09-12"
    );
    assert_eq!(
        tasks(&s("ulan_plan_reopened", "2025-09-15")),
        vec![("review".into(), None, Some("2026-03-08".into()), false)]
    );
}

/// Ridder's line 16 (a referral to an NGO) is refused: consent to NGOs was
/// refused on 23 April (line 5), never given, so the message never says
/// "withdrawn". On the log before it, a referral to Oskemen's state unit (which
/// serves only `oskemen`) is refused as elsewhere (`referrals elsewhere refused`).
#[test]
fn the_ridder_referrals_outside_the_consent_and_the_district_are_refused() {
    let dir = support::repo().join("examples/kazakhstan");
    let engine = Engine::compile(support::load_dir(&dir)).unwrap();
    let catalogue = engine
        .catalogue_from_json(&fs::read_to_string(dir.join("catalogue.json")).unwrap())
        .unwrap();
    let options = || CaseOptions {
        catalogue: Some(&catalogue),
    };
    let text =
        fs::read_to_string(dir.join("cases/special_social_services/ridder_no_ngo.jsonl")).unwrap();
    let events = parse_log(&text).unwrap();
    let Err(e) = Case::replay(&engine, &events, options(), "2025-05-08".parse().ok()) else {
        panic!("line 16 must be refused");
    };
    assert_eq!(
        (e.code.to_string(), e.line),
        ("C0051".to_string(), Some(16))
    );
    assert!(e
        .message
        .contains("consent was refused on 2025-04-23 (line 5)"));
    assert!(!e.message.contains("withdrawn"));

    let before = events.get(..15).unwrap();
    let mut case = Case::replay(&engine, before, options(), "2025-05-08".parse().ok()).unwrap();
    let add = parse_log(
        r#"{"type": "referred", "at": "2025-05-08", "by": "case_manager", "step": "arrange", "need": "home_care", "provider": "oskemen-home-care", "service": "home_social_care"}"#,
    )
    .unwrap();
    let e = case.apply(add.into_iter().next().unwrap()).unwrap_err();
    assert_eq!(e.code.to_string(), "C0060");
}

/// `accord providers --cases`: the Oskemen survey (14/3) is one vote for each
/// provider the case used; the other logs rate nobody, Ridder's is skipped.
/// Alone: (15 + 14/3) / 6 = 3.28. With ratings.json: «Мейірім» for home care
/// 3 + 1 votes, (15 + 40/3 + 14/3) / 9 = 3.67; the day-care unit for
/// rehabilitation 8 + 1 votes, (15 + 30 + 14/3) / 14 = 3.55.
#[test]
fn the_kazakhstan_cases_add_to_the_ratings_as_worked_out_by_hand() {
    use accord_core::facade::Ruleset;
    let dir = support::repo().join("examples/kazakhstan");
    let logs_dir = dir.join("cases/special_social_services");
    let mut logs = serde_json::Map::new();
    for entry in fs::read_dir(&logs_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            logs.insert(name, fs::read_to_string(&path).unwrap().into());
        }
    }
    let logs = Value::Object(logs).to_string();
    let ruleset = |ratings: bool| {
        let mut r = Ruleset::load(support::load_dir(&dir)).unwrap();
        r.set_catalogue(&fs::read_to_string(dir.join("catalogue.json")).unwrap())
            .unwrap();
        if ratings {
            r.set_ratings(&fs::read_to_string(dir.join("ratings.json")).unwrap())
                .unwrap();
        }
        let added: Value = serde_json::from_str(&r.add_case_ratings(&logs).unwrap()).unwrap();
        assert_eq!(added["skipped"][0]["error"]["code"], "C0051");
        r
    };
    let rating = |r: &Ruleset, need: &str, id: &str| {
        let report: Value =
            serde_json::from_str(&r.providers(need, Some("oskemen"), None).unwrap()).unwrap();
        let p = report["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()
            .clone();
        (
            p["rating"].as_str().unwrap().to_string(),
            p["votes"].as_u64().unwrap(),
        )
    };
    let alone = ruleset(false);
    assert_eq!(
        rating(&alone, "home_care", "of-meyirim"),
        ("3.28".into(), 1)
    );
    assert_eq!(
        rating(&alone, "rehabilitation", "oskemen-day-care"),
        ("3.28".into(), 1)
    );
    let with = ruleset(true);
    assert_eq!(rating(&with, "home_care", "of-meyirim"), ("3.67".into(), 4));
    assert_eq!(
        rating(&with, "rehabilitation", "oskemen-day-care"),
        ("3.55".into(), 9)
    );
}
