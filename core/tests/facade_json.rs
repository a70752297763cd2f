//! The JSON contract of `accord check --format json`:
//! `{"diagnostics": [{"code", "severity", "message", "file", "line", "column",
//! "help", "end_line", "end_column"}]}`.

use accord_core::Code;
use accord_core::{check, CheckReport, Diagnostic, SourceFile, SourceMap};
use accord_grammar::ast::Span;
use serde_json::{json, Value};

#[test]
fn json_has_exactly_the_contract_fields() {
    let text = "entity Person \"Õpilane\" {\n  vanus: Integer \"Վանուս\"\n}\n";
    let start = text.find("Integer").unwrap_or_default();
    let diagnostics = vec![
        Diagnostic::error(
            Code::E0203,
            0,
            Span::new(start, start + 7),
            "unknown type `Integer`",
        )
        .with_help("did you mean `Integer`?"),
        Diagnostic::warning(
            Code::W0101,
            0,
            Span::new(0, 6),
            "entity `Person` is never used",
        ),
    ];
    let report = CheckReport::new(
        SourceMap::new(vec![SourceFile::new("rules/a.accord", text)]),
        diagnostics,
    );
    let value: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        value,
        json!({"diagnostics": [
            {"code": "W0101", "severity": "warning", "message": "entity `Person` is never used",
             "file": "rules/a.accord", "line": 1, "column": 1, "help": null,
             "end_line": 1, "end_column": 7},
            {"code": "E0203", "severity": "error", "message": "unknown type `Integer`",
             "file": "rules/a.accord", "line": 2, "column": 10, "help": "did you mean `Integer`?",
             "end_line": 2, "end_column": 17},
        ]})
    );
    assert!(report.has_errors());
    assert_eq!((report.error_count(), report.warning_count()), (1, 1));
    // Serialising the report itself gives the same document (for the bindings).
    assert_eq!(serde_json::to_value(&report).unwrap(), value);
}

#[test]
fn diagnostics_sort_by_file_then_position() {
    let files = vec![SourceFile::new("a", "aaaa"), SourceFile::new("b", "bbbb")];
    let report = CheckReport::new(
        SourceMap::new(files),
        vec![
            Diagnostic::error(Code::E0202, 1, Span::new(0, 1), "b0"),
            Diagnostic::error(Code::E0101, 0, Span::new(3, 4), "a3"),
            Diagnostic::error(Code::E0101, 0, Span::new(1, 2), "a1"),
        ],
    );
    let order: Vec<_> = report.located().into_iter().map(|d| d.message).collect();
    assert_eq!(order, ["a1", "a3", "b0"]);
}

#[test]
fn an_empty_ruleset_has_no_diagnostics() {
    let report = check(vec![SourceFile::new("empty.accord", "")]);
    assert!(!report.has_errors());
    let value: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(value, json!({"diagnostics": []}));
    assert_eq!(report.render(accord_core::RenderOptions::default()), "");
}
