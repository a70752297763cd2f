//! Human output in the reader's language: a case state and a caseload worded
//! from the message catalogue, with labels (not identifiers) for roles and
//! agencies' roles, and Russian plural forms. Expected texts worked out by
//! hand, with the reasoning beside them.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test's unwrap or panic is its assertion: failing loudly is the point"
)]

use accord_core::facade::Ruleset;
use accord_core::SourceFile;

const RULESET: &str = r#"
ruleset r "R" { languages ru, en }

entity Person "Лицо" [en: "Person"] { age: Integer "Возраст" [en: "Age"] }

calendar plain "Рабочие дни" [en: "Working days"] { weekend saturday, sunday }

protocol p "Защита детей" [en: "Child protection"] {
  for Person
  calendar plain
  agency district "Районная служба" [en: "District service"] {
    worker "Социальный работник" [en: "Social worker"]
    head "Руководитель" [en: "Head of service"]
  }
  step visit "Посетить семью" [en: "Visit the family"] {
    by worker
    within 2 working days
  }
  step close "Закрыть дело" [en: "Close the case"] {
    by worker
    after visit
  }
  escalate to head when overdue by 1 working day
}
"#;

const LOG: &str = r#"{"type": "opened", "at": "2026-03-02", "by": "worker", "protocol": "p", "case": "c-1", "subject": {"age": 9}}
"#;

fn ruleset() -> Ruleset {
    Ruleset::load(vec![SourceFile::new("r.accord", RULESET)]).unwrap()
}

#[test]
fn a_case_state_in_russian_and_in_english() {
    // Opened Monday 2026-03-02: `visit` is ready that day, due 2 working days
    // later, Wednesday 2026-03-04. On Friday 2026-03-06 it is overdue; the
    // escalation to `head` comes 1 working day after the due date, Thursday
    // 2026-03-05.
    let state = ruleset()
        .case_state_report(LOG, "2026-03-06", None, Some("ru"))
        .unwrap();
    assert_eq!(
        state.render(),
        "c-1 — Защита детей, открыто на 2026-03-06\n\
         задачи:\n  visit — Посетить семью (Социальный работник, ПРОСРОЧЕНО: срок был 2026-03-04)\n\
         эскалация: Посетить семью → Руководитель с 2026-03-05\n"
    );
    let state = ruleset()
        .case_state_report(LOG, "2026-03-06", Some("head"), Some("en"))
        .unwrap();
    // The head's view: no task of its own, the escalation to it.
    assert_eq!(
        state.render(),
        "c-1 — Child protection, open as of 2026-03-06 (as Head of service)\n\
         no open tasks\n\
         escalated: Visit the family to Head of service since 2026-03-05\n"
    );
}

#[test]
fn a_caseload_in_the_rulesets_first_language() {
    // Two copies of the case, one as of 2026-03-06: two open cases, two
    // overdue tasks, two escalations. Russian (the first language): 2 дела
    // (`few`); no plan and no closure yet, so both medians are `-`.
    let second = LOG.replace("c-1", "c-2");
    let report = ruleset()
        .caseload_report(&[("a", LOG), ("b", &second)], "2026-03-06", None, None, 1)
        .unwrap();
    assert_eq!(
        report.render(),
        "нагрузка на 2026-03-06: 2 дела, открыто 2, закрыто 0\n\
         \x20 ПРОСРОЧЕНО (срок 2026-03-04), эскалировано: c-1 visit — Посетить семью (Социальный работник)\n\
         \x20 ПРОСРОЧЕНО (срок 2026-03-04), эскалировано: c-2 visit — Посетить семью (Социальный работник)\n\
         просроченных задач: 2, эскалаций: 2\n\
         медиана от открытия до плана: -; до закрытия: -\n\
         \x20 Посетить семью (p): открыто 2, просрочено 2\n"
    );
}

#[test]
fn a_caseload_in_the_language_asked_for() {
    // The same two cases as above, for `head` in English (the ruleset's
    // second language): the tasks are the worker's, but escalated to `head`
    // (1 working day after 2026-03-04, on 2026-03-05), so both are on its
    // agenda. The words from en.json (`2 cases`: `other`), the role's, the
    // step's and the tasks' labels from their `[en: …]` translations; the
    // protocol keeps its name `p` in the figures, as in Russian.
    let second = LOG.replace("c-1", "c-2");
    let report = ruleset()
        .caseload_report(
            &[("a", LOG), ("b", &second)],
            "2026-03-06",
            Some("head"),
            Some("en"),
            2,
        )
        .unwrap();
    assert_eq!(
        report.render(),
        "caseload as of 2026-03-06 for Head of service: 2 cases, 2 open, 0 closed\n\
         \x20 OVERDUE (due 2026-03-04), escalated: c-1 visit — Visit the family (Social worker)\n\
         \x20 OVERDUE (due 2026-03-04), escalated: c-2 visit — Visit the family (Social worker)\n\
         overdue tasks: 2, escalations: 2\n\
         median from opening to plan: -; to closure: -\n\
         \x20 Visit the family (p): 2 open, 2 overdue\n"
    );
    // The JSON keeps the names; the agenda's labels are in English too.
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["agenda"][0]["label"], "Visit the family");
    assert_eq!(json["agenda"][0]["role"], "worker");
    // Without a language: Russian, the first, as before.
    let json = ruleset()
        .caseload(
            &serde_json::json!({ "a": LOG }).to_string(),
            "2026-03-06",
            None,
            None,
        )
        .unwrap();
    assert!(json.contains("\"label\": \"Посетить семью\""), "{json}");
}
