//! Any text through the facade's JSON entry points, as a binding passes it
//! (the brief's ruleset: programmes, an assessment, a protocol): every call
//! returns an answer or an `Error` whose JSON parses and has a code, and never
//! panics. The first byte picks the call; the rest, split at NUL bytes, gives
//! its arguments (for a registry, the third is the statuses to keep).
#![no_main]

use std::sync::OnceLock;

use accord_core::facade::{GraphFormat, Ruleset};
use accord_core::SourceFile;
use libfuzzer_sys::fuzz_target;

fn ruleset() -> &'static Ruleset {
    static RULESET: OnceLock<Ruleset> = OnceLock::new();
    RULESET.get_or_init(|| {
        let files = [
            ("ruleset.accord", include_str!("../../examples/brief/ruleset.accord")),
            ("programs.accord", include_str!("../../examples/brief/programs.accord")),
            ("assessment.accord", include_str!("../../examples/brief/assessment.accord")),
            ("protocol.accord", include_str!("../../examples/brief/protocol.accord")),
        ];
        match Ruleset::load(files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect()) {
            Ok(r) => r,
            Err(e) => panic!("the brief does not load: {e}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&call, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut args = text.split('\0');
    let mut next = || args.next().unwrap_or("");
    let r = ruleset();
    let (a, b, c) = (next(), next(), next());
    let lang = match call & 0x80 {
        0 => None,
        _ => Some("hy"),
    };
    let result = match call % 12 {
        0 => r.screen(a, b, lang),
        1 => r.next_questions(a, b, lang),
        2 => r.explain(a, b, c, lang),
        // A third argument is the statuses to keep, comma-separated (`--only`).
        3 if !c.is_empty() => accord_core::facade::parse_statuses(&c.split(',').collect::<Vec<_>>())
            .and_then(|statuses| {
                let options = accord_core::facade::JsonlOptions {
                    explain: call & 0x40 != 0,
                    lang,
                    statuses,
                    ..Default::default()
                };
                r.screen_jsonl_report(a, b, &options).map(|s| s.text)
            }),
        3 => r.screen_jsonl(a, b, call & 0x40 != 0, lang),
        4 => r.answer(a, b, c),
        5 => r.assess(Some(c).filter(|s| !s.is_empty()), a, lang),
        6 => r.case_state(a, b, Some(c).filter(|s| !s.is_empty()), lang),
        7 => r.case_add(a, b),
        8 => r.merge(a, b),
        9 => GraphFormat::parse(b).and_then(|f| r.graph(Some(a).filter(|s| !s.is_empty()), f, None, lang)),
        10 => accord_core::facade::format(SourceFile::new("f.accord", a)).map_err(Into::into),
        _ => Ok(accord_core::facade::check(vec![SourceFile::new("f.accord", a)]).to_json()),
    };
    if let Err(e) = result {
        let json: serde_json::Value = match serde_json::from_str(&e.to_json()) {
            Ok(v) => v,
            Err(err) => panic!("the error's JSON does not parse: {err}"),
        };
        assert!(json["problems"].is_array(), "an error lists its problems");
        assert!(!e.code().is_empty(), "an error has a code: {}", e.to_json());
    }
});
