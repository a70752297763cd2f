//! The benchmark's generated ruleset is a real one: it parses and checks cleanly,
//! so the benchmark measures the normal path, not error recovery.

mod support {
    pub mod ruleset_gen;
}

use accord_core::{check, RenderOptions, SourceFile};

#[test]
fn generated_ruleset_checks_without_errors() {
    let text = support::ruleset_gen::generate(80);
    assert_eq!(text.matches("\nprogram ").count(), 80);
    assert!(text.contains("for Household") && text.contains("for Person"));
    let report = check(vec![SourceFile::new("generated.accord", text)]);
    assert!(
        !report.has_errors(),
        "{}",
        report.render(RenderOptions::default())
    );
}
