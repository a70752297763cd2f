//! `accord graph` as scripts see it: DOT by default, Mermaid and JSON on request,
//! `--list`, `--output`, and an unknown protocol as an error with exit 1.

use std::fs;

use serde_json::Value;

mod common;
use common::{accord, brief, code, scratch, stderr, stdout};

#[test]
fn dot_is_the_default_format() {
    let out = accord(&["graph", &brief(), "--protocol", "out_of_school"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph \"out_of_school\" {\n"), "{dot}");
    assert!(dot.contains("subgraph \"cluster_0\""), "{dot}");
    assert!(dot.contains("\"(start)\" -> \"notify\";"), "{dot}");
    assert!(dot.contains("\"plan\" -> \"close\";"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    // The one protocol may be left out.
    let again = accord(&["graph", &brief()]);
    assert_eq!(stdout(&again), dot);
}

#[test]
fn json_and_mermaid() {
    let out = accord(&[
        "graph",
        &brief(),
        "--protocol",
        "out_of_school",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["protocol"], "out_of_school");
    assert_eq!(v["label"], "Out-of-school children");
    assert_eq!(v["subject"], "Person");
    assert_eq!(v["steps"].as_array().unwrap().len(), 6);
    assert_eq!(
        v["edges"][0],
        serde_json::json!({"from": "notify", "to": "assess"})
    );
    for key in ["calendar", "roles", "escalations", "shares"] {
        assert!(v.get(key).is_some(), "{key}");
    }

    let out = accord(&["graph", &brief(), "--format", "mermaid", "--lang", "hy"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let m = stdout(&out);
    assert!(m.contains("flowchart TD\n"), "{m}");
    assert!(m.contains("  start --> s0\n"), "{m}");
    assert!(m.contains("subgraph lane1[\"social_services"), "{m}");
}

#[test]
fn list_prints_protocol_names_and_output_writes_a_file() {
    let out = accord(&["graph", &brief(), "--list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "out_of_school\n");

    let dir = scratch("graph-output");
    let file = dir.join("g.dot");
    let out = accord(&["graph", &brief(), "--output", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(fs::read_to_string(&file).unwrap().starts_with("digraph "));
}

#[test]
fn an_unknown_protocol_exits_1_with_a_suggestion() {
    let out = accord(&["graph", &brief(), "--protocol", "out_of_scool"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("G0001"), "{err}");
    assert!(err.contains("did you mean `out_of_school`?"), "{err}");
    assert_eq!(stdout(&out), "");

    let out = accord(&["graph", &brief(), "--protocol", "nope", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["kind"], "input", "{v}");
    assert_eq!(v["problems"][0]["code"], "G0001");
}

#[test]
fn a_ruleset_without_protocols_or_with_errors() {
    let dir = scratch("graph-none");
    let none = dir.join("r.accord");
    fs::write(
        &none,
        "ruleset r { languages en }\nentity E { x: Integer \"X\" }\n",
    )
    .unwrap();
    let none = none.to_str().unwrap();
    let out = accord(&["graph", none, "--list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = accord(&["graph", none]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("declares no protocol"));

    let bad = dir.join("bad.accord");
    fs::write(&bad, "ruleset r { languages en }\nentity E { x: Nope }\n").unwrap();
    let out = accord(&["graph", bad.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("E01"), "{}", stderr(&out));
}

#[test]
fn a_version_of_a_protocol_is_drawn_on_request() {
    let corpus = common::repo()
        .join("tests/cases")
        .to_string_lossy()
        .into_owned();
    let graph = |v: &str| {
        accord(&[
            "graph",
            &corpus,
            "--protocol",
            "follow_up",
            "--version",
            v,
            "--format",
            "json",
        ])
    };
    let one: serde_json::Value = serde_json::from_str(&stdout(&graph("1"))).unwrap();
    assert_eq!(one["version"], 1);
    assert_eq!(one["steps"][0]["within"], "14 days");
    let two: serde_json::Value = serde_json::from_str(&stdout(&graph("2"))).unwrap();
    assert_eq!(two["steps"][0]["within"], "7 days");
    let none = graph("3");
    assert_eq!(code(&none), 1);
    assert!(stdout(&none).contains("G0002"), "{}", stdout(&none));
}
