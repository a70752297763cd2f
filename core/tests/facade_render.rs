//! Human rendering of diagnostics: headers, locations, underlines under non-Latin
//! text, related spans, help, the summary line. Diagnostics are built by hand so
//! these tests pin the renderer alone.

// Test helpers may unwrap: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_core::Code;
use accord_core::{CheckReport, Diagnostic, RenderOptions, SourceFile, SourceMap};
use accord_grammar::ast::Span;

const PLAIN: RenderOptions = RenderOptions { color: false };

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len())
}

fn report(files: &[(&str, &str)], diagnostics: Vec<Diagnostic>) -> CheckReport {
    let files = files
        .iter()
        .map(|(name, text)| SourceFile::new(*name, *text))
        .collect();
    CheckReport::new(SourceMap::new(files), diagnostics)
}

const ARMENIAN: &str = "program family_benefit \"Family benefit\" [hy: \"Ընտանեկան նպաստ\", ru: \"Семейное пособие\"] {\n  for Household\n  eligible when vulnerability_scor >= 30\n}\n";

#[test]
fn underline_sits_under_the_span_after_armenian_and_cyrillic_text() {
    let d = Diagnostic::error(
        Code::E0201,
        0,
        span_of(ARMENIAN, "Семейное"),
        "label `Семейное` is odd",
    )
    .with_help("use a label");
    let out = report(&[("rules.accord", ARMENIAN)], vec![d]).render(PLAIN);
    insta::assert_snapshot!(out);
    // The column is counted in chars, not bytes.
    let column = ARMENIAN[..ARMENIAN.find("Семейное").unwrap()]
        .chars()
        .count()
        + 1;
    assert_eq!(column, 70);
    assert!(out.contains("--> rules.accord:1:70"), "{out}");
    let source_line = out
        .lines()
        .find(|l| l.contains("Семейное пособие"))
        .unwrap();
    let underline = out
        .lines()
        .skip_while(|l| !l.contains("Семейное пособие"))
        .nth(1)
        .unwrap();
    let col = |s: &str, c: char| s.chars().position(|x| x == c).unwrap();
    let first_mark = underline
        .chars()
        .position(|c| c == '─' || c == '┬')
        .unwrap();
    assert_eq!(
        first_mark,
        col(source_line, 'С'),
        "\n{source_line}\n{underline}"
    );
}

#[test]
fn error_with_help_and_related_span_in_another_file() {
    let a = "entity Person {\n  age: Integer\n}\n";
    let b = "// Estonian: õpilane\nentity Person \"Õpilane\" {\n}\n";
    let d = Diagnostic::error(
        Code::E0101,
        1,
        span_of(b, "Person"),
        "`Person` is defined twice",
    )
    .with_help("rename one of them")
    .with_related(0, span_of(a, "Person"), "first defined here");
    let out = report(&[("a.accord", a), ("b.accord", b)], vec![d]).render(PLAIN);
    insta::assert_snapshot!(out);
    assert!(out.starts_with("error[E0101]: `Person` is defined twice\n"));
    assert!(out.contains("--> b.accord:2:8"));
    assert!(out.contains("first defined here"));
    assert!(out.contains("rename one of them"));
    assert!(out.ends_with("error: 1 error\n"));
}

#[test]
fn summary_counts_errors_and_warnings() {
    let text = "a\nb\nc\n";
    let ds = vec![
        Diagnostic::warning(Code::W0101, 0, Span::new(4, 5), "unused `c`"),
        Diagnostic::error(Code::E0001, 0, Span::new(0, 1), "bad `a`"),
        Diagnostic::error(Code::E0001, 0, Span::new(2, 3), "bad `b`"),
    ];
    let r = report(&[("x.accord", text)], ds);
    let out = r.render(PLAIN);
    insta::assert_snapshot!(out);
    assert!(out.ends_with("\nerror: 2 errors, 1 warning\n"));
    // Sorted by position whatever the order found.
    let a = out.find("bad `a`").unwrap();
    let c = out.find("unused `c`").unwrap();
    assert!(a < c);
    let only_warning = report(
        &[("x.accord", text)],
        vec![Diagnostic::warning(
            Code::W0101,
            0,
            Span::new(4, 5),
            "unused `c`",
        )],
    );
    assert!(only_warning
        .render(PLAIN)
        .ends_with("\nwarning: 1 warning\n"));
    assert!(!only_warning.has_errors());
}

#[test]
fn clean_report_renders_nothing() {
    let r = report(&[("x.accord", "enum A { a }\n")], vec![]);
    assert_eq!(r.render(PLAIN), "");
    assert_eq!(r.render(RenderOptions { color: true }), "");
}

#[test]
fn no_escape_codes_without_color_and_some_with() {
    let text = "x\n";
    let d = vec![Diagnostic::error(Code::E0001, 0, Span::new(0, 1), "bad").with_help("fix")];
    let plain = report(&[("x.accord", text)], d.clone()).render(PLAIN);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let colored = report(&[("x.accord", text)], d).render(RenderOptions { color: true });
    assert!(colored.contains("\x1b["), "{colored:?}");
}

#[test]
fn hostile_spans_do_not_panic() {
    let text = "Ընտանեկան\nx";
    let spans = [
        Span::new(1, 2),                   // inside a char
        Span::new(7, 3),                   // backwards
        Span::new(500, 900),               // past the end
        Span::new(text.len(), text.len()), // empty at the end
        Span::new(0, 0),
        Span::new(0, usize::MAX),
    ];
    for span in spans {
        let d = Diagnostic::error(Code::E0001, 0, span, "m").with_related(7, span, "no such file");
        let r = report(&[("x.accord", text)], vec![d]);
        let out = r.render(PLAIN);
        assert!(out.starts_with("error[E0001]: m\n"), "{out}");
        let json = r.to_json();
        assert!(json.contains("\"line\""));
    }
    // A diagnostic naming a file that is not there.
    let d = Diagnostic::error(Code::E0001, 3, Span::new(0, 1), "m").with_help("h");
    let out = report(&[("x.accord", text)], vec![d]).render(PLAIN);
    assert!(out.contains("help: h"));
}

#[test]
fn empty_span_at_end_of_line_still_points() {
    let text = "entity A {\n  x: Integer\n";
    let d = Diagnostic::error(
        Code::E0001,
        0,
        Span::new(text.len(), text.len()),
        "expected `}`",
    );
    let out = report(&[("x.accord", text)], vec![d]).render(PLAIN);
    insta::assert_snapshot!(out);
}

#[test]
fn lone_carriage_return_does_not_shift_lines() {
    let text = "a\rb\nc d\n";
    let d = Diagnostic::error(Code::E0001, 0, span_of(text, "d"), "bad `d`");
    let out = report(&[("x.accord", text)], vec![d]).render(PLAIN);
    assert!(out.contains("--> x.accord:2:3"), "{out}");
    assert!(out.contains(" 2 │ c d"), "{out}");
}
