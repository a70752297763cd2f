//! Graphs a ministry can print: for every example protocol and every language
//! its ruleset declares, no text the DOT or Mermaid diagram shows is a bare
//! identifier where the ruleset gives a label — roles, agencies, steps,
//! assessments, needs, the subject's entity and the calendar are shown by
//! their labels. Conditions (`when`, `start when`, `where`, `back to … when`)
//! are source text and are left out of the check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::{BTreeMap, BTreeSet};

use accord_core::{messages, Engine};
use accord_grammar::ast::{AssessmentItem, Decl, Label, ProtocolItem};

mod support {
    pub mod eval;
}

/// The identifiers of a ruleset that have labels, with their labels: the
/// ones a diagram must never show bare.
fn labelled_names(files: &[accord_core::SourceFile]) -> BTreeMap<String, Label> {
    let mut names = BTreeMap::new();
    for f in files {
        let parsed = accord_grammar::parse(&f.text);
        assert!(parsed.errors.is_empty(), "{} parses", f.name);
        for decl in &parsed.file.decls {
            match decl {
                Decl::Protocol(p) => {
                    for r in p.roles() {
                        add(&mut names, &r.name.name, &r.label);
                    }
                    for item in &p.items {
                        match item {
                            ProtocolItem::Agency(a) => add(&mut names, &a.name.name, &a.label),
                            ProtocolItem::Step(s) => add(&mut names, &s.name.name, &s.label),
                            _ => {}
                        }
                    }
                }
                Decl::Assessment(a) => {
                    add(&mut names, &a.name.name, &a.label);
                    for item in &a.items {
                        if let AssessmentItem::Need { name, label, .. } = item {
                            add(&mut names, &name.name, label);
                        }
                    }
                }
                Decl::Entity(e) => add(&mut names, &e.name.name, &e.label),
                Decl::Calendar(c) => add(&mut names, &c.name.name, &c.label),
                _ => {}
            }
        }
    }
    names
}

fn add(names: &mut BTreeMap<String, Label>, name: &str, label: &Option<Label>) {
    if let Some(l) = label {
        names.entry(name.to_string()).or_insert_with(|| l.clone());
    }
}

/// A label in `lang` (its own text without a translation).
fn localized<'l>(label: &'l Label, lang: &str) -> &'l str {
    label
        .translations
        .iter()
        .find(|t| t.lang.name == lang)
        .map_or(label.text.as_str(), |t| t.text.as_str())
}

/// The texts of a DOT diagram: every `label="…"`, split at its line breaks.
fn dot_texts(dot: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = dot;
    while let Some(at) = rest.find("label=\"") {
        rest = &rest[at + 7..];
        let mut text = String::new();
        let mut chars = rest.char_indices();
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, c)) => text.push(c),
                    None => {}
                },
                '"' => {
                    end = i + 1;
                    break;
                }
                c => text.push(c),
            }
        }
        out.extend(text.split('\n').map(String::from));
        rest = &rest[end..];
    }
    out
}

/// The texts of a Mermaid diagram: its title and every quoted label, split at
/// `<br/>`.
fn mermaid_texts(mermaid: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in mermaid.lines() {
        let mut parts = line.split('"');
        parts.next();
        // Odd parts are inside quotes.
        for (i, part) in parts.enumerate() {
            if i % 2 == 0 {
                out.extend(part.split("<br/>").map(String::from));
            }
        }
    }
    out
}

/// Identifier-like words of a text.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn no_diagram_shows_a_bare_identifier_where_a_label_exists() {
    let examples = support::eval::repo().join("examples");
    let mut dirs: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut checked = 0;
    let mut problems = Vec::new();
    for dir in dirs {
        let files = support::eval::load_dir(&dir);
        if files.is_empty() {
            continue; // not a ruleset (the web screener)
        }
        let labelled = labelled_names(&files);
        let engine = Engine::compile(files)
            .unwrap_or_else(|r| panic!("{}: {}", dir.display(), r.render(Default::default())));
        let langs: Vec<String> = engine.languages().to_vec();
        for protocol in engine.protocol_names() {
            for lang in &langs {
                let g = engine.protocol_graph(protocol, Some(lang)).unwrap();
                // Conditions are source text: their words may be identifiers.
                let mut conditions: BTreeSet<&str> = BTreeSet::new();
                for c in g
                    .start
                    .iter()
                    .chain(g.steps.iter().filter_map(|s| s.when.as_ref()))
                    .chain(g.steps.iter().filter_map(|s| s.need_where.as_ref()))
                    .chain(g.back_edges.iter().filter_map(|b| b.when.as_ref()))
                {
                    conditions.extend(words(c));
                }
                let when = messages::text(lang, "graph.when", &[("condition", "")]);
                // Words of the labels themselves (`Child well-being`) are text,
                // and a name whose label in this language is the name itself
                // (`Person "Person"`) is shown by its label.
                let mut label_words: BTreeSet<String> = BTreeSet::new();
                for l in labelled.values() {
                    label_words.extend(words(localized(l, lang)).into_iter().map(String::from));
                }
                label_words.extend(words(&g.label).into_iter().map(String::from));
                // The start node's fixed word (`start`) is the catalogue's, even
                // where a step happens to be named `start`.
                let start = messages::text(lang, "graph.start", &[]);
                label_words.extend(words(&start).into_iter().map(String::from));
                for (format, texts) in [
                    ("dot", dot_texts(&g.to_dot())),
                    ("mermaid", mermaid_texts(&g.to_mermaid())),
                ] {
                    for line in &texts {
                        let shown = line.trim_start_matches(['◇', ' ']);
                        let shown = shown.strip_prefix(when.trim_end()).unwrap_or(shown);
                        let ws = words(shown);
                        // A line of a wrapped condition.
                        if !ws.is_empty() && ws.iter().all(|w| conditions.contains(w)) {
                            continue;
                        }
                        for w in ws {
                            if labelled.contains_key(w)
                                && !label_words.contains(w)
                                && !conditions.contains(w)
                            {
                                problems.push(format!(
                                    "{} {protocol} [{lang}] {format}: `{w}` shown bare in “{line}”",
                                    dir.file_name().unwrap().to_string_lossy()
                                ));
                            }
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 4,
        "the examples' protocols were checked ({checked})"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_bare_identifier_is_found() {
    // The check itself: a step name in a line of text is caught.
    let texts = dot_texts("digraph { a [label=\"Notify\\n∀ for each need of assess\"]; }");
    assert_eq!(texts, ["Notify", "∀ for each need of assess"]);
    assert!(words(&texts[1]).contains(&"assess"));
    let m = mermaid_texts("  s1[\"Refer<br/>Case manager\"]");
    assert_eq!(m, ["Refer", "Case manager"]);
}
