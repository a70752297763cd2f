//! Protocols as workflow graphs: the brief's protocol exported as DOT, Mermaid
//! and JSON (snapshots), the graph's structure, an unknown protocol's error,
//! escaping, and the warning for roles that never act (W0108).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::{check, Engine, SourceFile};
use serde_json::Value;

mod support {
    pub mod eval;
}

fn brief() -> Engine {
    Engine::compile(support::eval::load_dir(
        &support::eval::repo().join("examples/brief"),
    ))
    .unwrap_or_else(|r| panic!("{}", r.render(Default::default())))
}

fn engine(text: &str) -> Engine {
    Engine::compile(vec![SourceFile::new("p.accord", text)])
        .unwrap_or_else(|r| panic!("{}", r.render(Default::default())))
}

#[test]
fn the_briefs_protocol_as_dot() {
    let g = brief().protocol_graph("out_of_school", None).unwrap();
    insta::assert_snapshot!(g.to_dot());
}

#[test]
fn the_briefs_protocol_as_mermaid() {
    let g = brief().protocol_graph("out_of_school", None).unwrap();
    insta::assert_snapshot!(g.to_mermaid());
}

#[test]
fn the_briefs_protocol_as_json() {
    let g = brief().protocol_graph("out_of_school", None).unwrap();
    insta::assert_snapshot!(g.to_json());
}

#[test]
fn steps_are_nodes_and_after_gives_edges_from_the_earlier_step() {
    let engine = brief();
    assert_eq!(engine.protocol_names(), ["out_of_school"]);
    let g = engine.protocol_graph("out_of_school", None).unwrap();
    let steps: Vec<&str> = g.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        steps,
        ["notify", "assess", "plan", "refer", "review", "close"]
    );
    let edges: Vec<(&str, &str)> = g
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(
        edges,
        [
            ("notify", "assess"),
            ("assess", "plan"),
            ("plan", "refer"),
            ("refer", "review"),
            ("plan", "close"),
        ]
    );
    assert_eq!(g.start_steps(), ["notify"]);
    assert_eq!(g.next_steps("plan"), ["refer", "close"]);
    assert!(g.next_steps("close").is_empty());
    assert_eq!(
        g.start.as_deref(),
        Some("not in_school or unexcused_absence_days >= 10")
    );

    let json: Value = serde_json::from_str(&g.to_json()).unwrap();
    assert_eq!(json["subject"], "Person");
    assert_eq!(json["calendar"], "armenia");
    assert_eq!(json["roles"][0]["agency"], "school");
    let close = &json["steps"][5];
    assert_eq!(close["when"], "risk(assess) = low and all refer done");
    assert_eq!(close["after"], serde_json::json!(["plan"]));
    assert_eq!(json["steps"][1]["assessment"], "child_wellbeing");
    assert_eq!(json["steps"][2]["requires_consent"], true);
    assert_eq!(json["steps"][3]["for_each_need_of"], "assess");
    assert_eq!(json["steps"][4]["every"], "30 days");
    assert_eq!(json["steps"][0]["within"], "3 working days");
    assert_eq!(
        json["escalations"],
        serde_json::json!([{"to": "head_of_service", "overdue_by": "5 working days"}])
    );
    assert_eq!(
        json["shares"],
        serde_json::json!([{"what": "child_wellbeing", "with": ["social_worker", "case_manager"]}])
    );
}

#[test]
fn an_unknown_protocol_is_g0001_with_a_suggestion() {
    let e = brief().protocol_graph("out_of_scool", None).unwrap_err();
    assert_eq!(e.errors[0].code, "G0001");
    assert_eq!(
        e.errors[0].message,
        "no protocol `out_of_scool` in the ruleset"
    );
    assert_eq!(
        e.errors[0].help.as_deref(),
        Some("did you mean `out_of_school`?")
    );
    let e = brief().protocol_graph("zzz", None).unwrap_err();
    assert_eq!(
        e.errors[0].help.as_deref(),
        Some("the ruleset's protocols: out_of_school")
    );
}

const SMALL: &str = r#"
ruleset r "R" { languages en, hy }

entity Person { age: Integer "Age" }

protocol p "Say \"hi\" \\ back" [hy: "Ողջույն"] {
  for Person
  roles {
    worker "Worker \"W\"" [hy: "Աշխատող"] at city_hall
    loner "Loner"
  }
  start when age < 18

  step first "First <step> & #1" {
    by worker
    every 1 week
  }
  step second {
    by loner
    when age >= 16
  }
  step close {
    by worker
    after first, second
  }
}
"#;

#[test]
fn labels_in_the_requested_language_and_escaped_for_each_format() {
    let engine = engine(SMALL);
    let g = engine.protocol_graph("p", Some("hy")).unwrap();
    assert_eq!(g.label, "Ողջույն");
    assert_eq!(g.roles[0].label, "Աշխատող");
    // No translation: the first language.
    assert_eq!(g.roles[1].label, "Loner");
    assert_eq!(g.start_steps(), ["first", "second"]);

    let g = engine.protocol_graph("p", None).unwrap();
    let dot = g.to_dot();
    // The compact header: the label alone (no name), then what it is for.
    assert!(
        dot.contains(r#"label="Say \"hi\" \\ back\nfor Person""#),
        "{dot}"
    );
    assert!(
        dot.contains(r#""first" [label="First <step> & #1\nWorker \"W\"\n↻ every 1 week"];"#),
        "{dot}"
    );
    // A role without an agency: its steps are outside every lane.
    assert!(dot.contains("\n  \"second\" [label="), "{dot}");
    assert!(dot.contains(r#"\n◇ when age >= 16"#), "{dot}");
    assert!(
        dot.contains("\"first\" -> \"first\" [style=dashed"),
        "{dot}"
    );

    let mermaid = g.to_mermaid();
    assert!(
        mermaid.starts_with("---\ntitle: \"Say \\\"hi\\\" \\\\ back\"\n---\nflowchart TD\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains(
            "s0[\"First #lt;step#gt; #amp; #35;1<br/>Worker #quot;W#quot;<br/>↻ every 1 week\"]"
        ),
        "{mermaid}"
    );
    assert!(mermaid.contains("s2[[\""), "{mermaid}");
    assert!(
        mermaid.contains("  start --> s0\n  start --> s1\n  s0 --> s2\n  s1 --> s2\n"),
        "{mermaid}"
    );
}

fn warnings(text: &str) -> Vec<(String, String)> {
    check(vec![SourceFile::new("p.accord", text)])
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect()
}

#[test]
fn a_role_that_never_acts_is_w0108() {
    let text = SMALL.replace("by loner", "by worker");
    let found = warnings(&text);
    assert!(
        found.contains(&(
            "W0108".into(),
            "role `loner` never acts: no step is done by it and no escalation goes to it".into()
        )),
        "{found:?}"
    );
    assert_eq!(found.iter().filter(|(c, _)| c == "W0108").count(), 1);
    // An escalation to it is acting.
    let text = text.replace(
        "  step close {",
        "  escalate to loner when overdue by 2 days\n  step close {",
    );
    assert!(!warnings(&text).iter().any(|(c, _)| c == "W0108"));
    // The brief's head of service only receives escalations: no warning.
    let files = support::eval::load_dir(&support::eval::repo().join("examples/brief"));
    assert!(!accord_core::check(files)
        .diagnostics
        .iter()
        .any(|d| d.code == "W0108"));
}

#[test]
fn a_misspelt_by_is_not_also_an_idle_role() {
    let found = warnings(&SMALL.replace("by loner", "by lonr"));
    assert!(found.iter().any(|(c, _)| c == "E0111"), "{found:?}");
    assert!(!found.iter().any(|(c, _)| c == "W0108"), "{found:?}");
}

#[test]
fn versions_of_a_protocol_are_one_name_and_the_graph_is_the_latest() {
    let one = r#"
protocol p "P" {
  VERSION
  for Person
  roles { worker "Worker" at city_hall }
  step STEP { by worker }
  step close { by worker  after STEP }
}
"#;
    let text = format!(
        "ruleset r {{ languages en }}\nentity Person {{ age: Integer \"Age\" }}\n{}{}",
        one.replace("VERSION", "").replace("STEP", "first"),
        one.replace("VERSION", "version 2 from 2026-01-01")
            .replace("STEP", "second"),
    );
    let engine = engine(&text);
    assert_eq!(engine.protocol_names(), ["p"]);
    let g = engine.protocol_graph("p", None).unwrap();
    assert_eq!(g.version, 2);
    assert_eq!(g.start_steps(), ["second"]);
    assert!(g.to_dot().contains("label=\"P\\nfor Person · version 2\""));
}

const AGENCIES: &str = r#"
ruleset r "R" { languages en, ru }

entity Person "Person" [ru: "Лицо"] { age: Integer "Age" }

protocol p "P" [ru: "П"] {
  for Person
  legal "Decree No. 1" [ru: "Постановление № 1"]
  agency district "District social service" [ru: "Районная социальная служба"] {
    worker "Social worker" [ru: "Социальный работник"]
  }
  agency school "School" [ru: "Школа"] {
    teacher "Teacher" [ru: "Учитель"]
  }
  agency empty "Nobody here" {
  }
  roles {
    head "Head of service" [ru: "Руководитель службы"] at district
  }
  step notify "Notify" [ru: "Уведомить"] {
    by teacher
    within 3 working days
  }
  step close "Close" [ru: "Закрыть"] {
    by worker
    after notify
    when age >= 16
  }
  escalate to head when overdue by 2 working days
}
"#;

#[test]
fn agencies_are_lanes_titled_with_their_labels() {
    let engine = engine(AGENCIES);
    let g = engine.protocol_graph("p", Some("ru")).unwrap();
    let json: Value = serde_json::from_str(&g.to_json()).unwrap();
    assert_eq!(json["legal"], "Постановление № 1");
    assert_eq!(
        json["agencies"],
        serde_json::json!([
            {"name": "district", "label": "Районная социальная служба"},
            {"name": "school", "label": "Школа"},
            {"name": "empty", "label": "Nobody here"}
        ])
    );
    // Roles in a block belong to it; `at district` joins the declared agency.
    let agencies: Vec<(&str, Option<&str>)> = g
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.agency.as_deref()))
        .collect();
    assert_eq!(
        agencies,
        [
            ("worker", Some("district")),
            ("teacher", Some("school")),
            ("head", Some("district"))
        ]
    );
    let dot = g.to_dot();
    // The header: label, subject's label, the legal basis, then the legend,
    // all in Russian (2 рабочих дня: `few`).
    assert!(
        dot.contains(
            r#"label="П\nполучатель: Лицо\nправовое основание: Постановление № 1\n⚠ эскалация: Руководитель службы, при просрочке на 2 рабочих дня""#
        ),
        "{dot}"
    );
    // One lane per declared agency with roles, in declaration order, titled
    // with its label and its roles' labels; the empty agency has no lane.
    assert!(
        dot.contains(
            r#"subgraph "cluster_0" {
    label="Районная социальная служба\nСоциальный работник, Руководитель службы";"#
        ),
        "{dot}"
    );
    assert!(
        dot.contains(
            r#"subgraph "cluster_1" {
    label="Школа\nУчитель";"#
        ),
        "{dot}"
    );
    assert!(!dot.contains("cluster_2"), "{dot}");
    assert!(
        dot.contains(r#""notify" [label="Уведомить\nУчитель\nсрок: 3 рабочих дня"];"#),
        "{dot}"
    );
    assert!(dot.contains(r#"◇ условие: age >= 16"#), "{dot}");
    let mermaid = g.to_mermaid();
    assert!(
        mermaid.contains("subgraph lane1[\"Школа<br/>Учитель\"]"),
        "{mermaid}"
    );
}

/// Issue 18's flow items in the graph: `within … from`, `where`, a second closing
/// step (double border, subroutine box) and a `back to` (a dashed edge back,
/// labelled with its condition), listed in the JSON.
#[test]
fn flow_items_are_drawn_and_listed() {
    let engine = engine(
        r#"ruleset r "R" { languages en }
entity Child "Child" { in_school: Boolean "Attends school" }
assessment a "A" {
  for Child
  section s "S" { question q "Q": Boolean points 1 }
  need help "Help" when q
  risk low otherwise
}
protocol p "P" {
  for Child
  roles { worker "Worker" at office }
  step assess "Assess" { by worker  assessment a }
  step plan "Plan" { by worker  after assess  within 5 days from assess }
  step refer "Refer" { for each need of assess where need = help  by worker  after plan }
  step review "Review" { by worker  after refer  back to plan when not in_school }
  step close "Close" { by worker  after review }
  step moved "Moved away" { by worker  after assess  closes }
}"#,
    );
    let g = engine.protocol_graph("p", None).unwrap();
    let json: Value = serde_json::from_str(&g.to_json()).unwrap();
    assert_eq!(json["steps"][1]["within_from"], "assess");
    assert_eq!(json["steps"][2]["where"], "need = help");
    assert_eq!(json["steps"][5]["closes"], true);
    assert_eq!(
        json["steps"][4]["closes"], true,
        "`close` is a closing step"
    );
    // Only where used: a step without them has none of the keys.
    assert!(json["steps"][0].get("within_from").is_none());
    assert!(json["steps"][0].get("closes").is_none());
    assert_eq!(
        json["back_edges"],
        serde_json::json!([{"from": "review", "to": "plan", "when": "not in_school"}])
    );
    let dot = g.to_dot();
    // Steps by their labels: the deadline counts from `Assess`, the step
    // `assess`'s label; the `where` goes on its own line under the `∀` mark.
    assert!(dot.contains("within 5 days from Assess"), "{dot}");
    assert!(
        dot.contains("∀ for each need of Assess\\nwhere need = help"),
        "{dot}"
    );
    assert!(
        dot.contains(
            "\"review\" -> \"plan\" [style=dashed, constraint=false, label=\"back when not in_school\"];"
        ),
        "{dot}"
    );

    let double = dot.lines().filter(|l| l.contains("peripheries=2")).count();
    assert_eq!(double, 2, "both closing steps have a double border:\n{dot}");
    let mermaid = g.to_mermaid();
    assert!(
        mermaid.contains("s3 -.->|\"back when not in_school\"| s1"),
        "{mermaid}"
    );
    assert!(mermaid.contains("class s4,s5 closeNode"), "{mermaid}");
}
