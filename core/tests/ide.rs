//! The editor questions of `accord_core::ide` over the example rulesets: what
//! the language server and the playground answer from. The promises:
//!
//! - every name the checker resolved leads to its declaration, and is written
//!   exactly where the reference says (so a rename replaces exactly it);
//! - renaming any declared name to an unused one leaves the ruleset with the
//!   same diagnostics (nothing broken, nothing fixed by accident), or is
//!   refused with the reason when a name means something by itself;
//! - every question at every position of a file answers without panicking,
//!   whatever has been typed.

#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap is its assertion: failing loudly is the point"
)]

use std::path::Path;

use accord_core::ide::{Analysis, ItemKind, RenameError, SymKind};
use accord_core::SourceFile;

fn example(name: &str) -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let mut files: Vec<SourceFile> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "accord"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            SourceFile::new(name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

const EXAMPLES: [&str; 5] = ["brief", "armenia", "tartu", "kazakhstan", "openfisca"];

fn text(a: &Analysis, file: usize) -> &str {
    &a.report().sources.file(file).unwrap().text
}

/// The file index and the offset of `|` in `marked`, found in the file `name`.
fn at(a: &Analysis, name: &str, marked: &str) -> (usize, usize) {
    let file = a.file_index(name).unwrap();
    let bar = marked.find('|').unwrap();
    let plain = marked.replacen('|', "", 1);
    (file, text(a, file).find(&plain).unwrap() + bar)
}

#[test]
fn every_reference_leads_to_its_declaration() {
    for name in EXAMPLES {
        let a = Analysis::new(example(name));
        assert!(!a.report().has_errors(), "{name} has errors");
        let mut refs = 0;
        for file in 0..a.report().sources.len() {
            for o in a.occurrences(file) {
                let written = text(&a, file).get(o.start..o.end).unwrap();
                if o.accessor {
                    // `household` for `Household`.
                    assert_eq!(
                        written.replace('_', ""),
                        o.sym.name.to_lowercase(),
                        "{name}: {o:?}"
                    );
                } else {
                    assert_eq!(written, o.sym.name, "{name}: {o:?}");
                }
                if o.declaration {
                    continue;
                }
                refs += 1;
                // Built-in sectors are the one kind of name never declared.
                if o.sym.kind == SymKind::Sector && a.declaration(&o.sym).is_none() {
                    continue;
                }
                let def = a.definition(file, o.start + 1);
                assert!(def.is_some(), "{name}: no declaration for {:?}", o.sym);
            }
        }
        assert!(refs > 50, "{name}: only {refs} references");
    }
}

#[test]
fn renaming_any_name_keeps_the_diagnostics() {
    // Every name of two examples; every seventh of the Armenian one (over a
    // thousand names, each rename a check of the whole ruleset).
    for (name, every) in [("brief", 1), ("tartu", 1), ("armenia", 7)] {
        let files = example(name);
        let a = Analysis::new(files.clone());
        let before: Vec<&str> = a
            .report()
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        let mut renamed = 0;
        for item in a.items().iter().step_by(every) {
            let Some(sym) = &item.sym else { continue };
            // Types are PascalCase, everything else snake_case (W0107).
            let new = match sym.kind {
                SymKind::Enum | SymKind::Entity => format!("Zz{}", sym.name),
                _ => format!("zz_{}", sym.name),
            };
            // A rename that would change what the rules mean (the step named
            // `close`) is refused with the reason; any other goes through.
            let edits = match a.rename(item.file, item.name.start, &new) {
                Err(RenameError::Meaning(_)) => continue,
                other => other.unwrap(),
            };
            assert!(!edits.is_empty(), "{name}: {sym:?}");
            let mut changed = files.clone();
            let mut by_file: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); files.len()];
            for e in edits {
                let l = e.location;
                by_file[l.file].push((l.start, l.end, e.text));
            }
            for (f, spans) in by_file.iter_mut().enumerate() {
                spans.sort_unstable();
                for (s, e, t) in spans.iter().rev() {
                    changed[f].text.replace_range(*s..*e, t);
                }
            }
            let b = Analysis::new(changed);
            let after: Vec<&str> = b
                .report()
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect();
            assert_eq!(before, after, "{name}: renaming {sym:?} to {new}");
            renamed += 1;
        }
        assert!(renamed > 30, "{name}: {renamed} names");
    }
}

#[test]
fn a_rename_to_a_taken_name_is_refused() {
    let a = Analysis::new(example("brief"));
    let (f, o) = at(&a, "ruleset.accord", "let si|ze");
    let err = a.rename(f, o, "members").unwrap_err();
    assert_eq!(err.to_string(), "a fact named `members` already exists");
    let (f, o) = at(&a, "ruleset.accord", "entity House|hold");
    assert_eq!(
        a.rename(f, o, "Person").unwrap_err().to_string(),
        "an entity named `Person` already exists"
    );
    assert!(a.rename(f, o, "Money").is_err(), "a built-in type's name");
}

#[test]
fn every_position_answers() {
    // Every offset of every file of the brief, as written and cut short there
    // (a file being typed): hover, completion, definition, references, fixes.
    let files = example("brief");
    let a = Analysis::new(files.clone());
    let date = jiff::civil::date(2025, 3, 1);
    for file in 0..files.len() {
        let len = text(&a, file).len();
        for offset in (0..=len).filter(|o| text(&a, file).is_char_boundary(*o)) {
            let _ = a.hover(file, offset, date);
            let _ = a.completions(file, offset);
            let _ = a.references(file, offset, true);
            let _ = a.fixes(file, offset, offset);
        }
    }
    for (file, f) in files.iter().enumerate() {
        for cut in (0..f.text.len())
            .step_by(97)
            .filter(|c| f.text.is_char_boundary(*c))
        {
            let mut cut_files = files.clone();
            cut_files[file].text.truncate(cut);
            let b = Analysis::new(cut_files);
            for offset in [0, cut / 2, cut] {
                let offset = (0..=offset)
                    .rev()
                    .find(|o| f.text.is_char_boundary(*o))
                    .unwrap_or(0);
                let _ = b.completions(file, offset);
                let _ = b.hover(file, offset, date);
            }
            let _ = b.folding_ranges(file);
            let _ = b.outline(file);
        }
    }
}

#[test]
fn outline_nests_members_under_their_declaration() {
    let a = Analysis::new(example("brief"));
    let file = a.file_index("ruleset.accord").unwrap();
    let outline = a.outline(file);
    let household = a
        .items()
        .iter()
        .position(|i| i.file == file && i.name_text == "Household")
        .unwrap();
    let members: Vec<&str> = a
        .items()
        .iter()
        .filter(|i| i.parent == Some(household))
        .map(|i| i.name_text.as_str())
        .collect();
    // Household's three facts, then its three lets, as written.
    assert_eq!(
        members,
        [
            "region",
            "vulnerability_score",
            "members",
            "size",
            "children",
            "income_per_member"
        ]
    );
    assert_eq!(outline[0].kind, ItemKind::Ruleset);
}

#[test]
fn a_misspelt_name_has_a_quick_fix() {
    let mut files = example("brief");
    let p = files
        .iter()
        .position(|f| f.name == "programs.accord")
        .unwrap();
    files[p].text = files[p]
        .text
        .replace("count(children) >= 3", "count(chidlren) >= 3");
    let a = Analysis::new(files);
    let (f, o) = at(&a, "programs.accord", "count(|chidlren)");
    let fixes = a.fixes(f, o, o);
    assert_eq!(fixes.len(), 1);
    assert_eq!(fixes[0].code, "E0102");
    let edits = &fixes[0].edits;
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].text, "children");
    let l = edits[0].location;
    assert_eq!(&text(&a, f)[l.start..l.end], "chidlren");
}

#[test]
fn completion_in_a_broken_protocol_reads_its_text() {
    let mut files = example("brief");
    let p = files
        .iter()
        .position(|f| f.name == "protocol.accord")
        .unwrap();
    files[p].text = files[p].text.replace("    after notify\n", "    after \n");
    let a = Analysis::new(files);
    let (f, o) = at(&a, "protocol.accord", "by social_worker\n    after |");
    let labels: Vec<String> = a.completions(f, o).into_iter().map(|c| c.label).collect();
    // The protocol no longer parses: its steps come from its text, in order.
    assert_eq!(
        labels,
        ["notify", "assess", "plan", "refer", "review", "close"]
    );
}
