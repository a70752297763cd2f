//! The examples in `docs/language.md` and `docs/diagnostics.md` are real.
//!
//! - Every ```` ```accord ```` block parses (no `E00xx`); one with a `ruleset`
//!   declaration is a complete ruleset and checks without errors. A block that
//!   is only a piece of a declaration (an expression, a label) is marked
//!   ```` ```accord fragment ```` and is not run.
//! - An `accord` block followed by a ```` ```text check ```` block gives exactly
//!   the diagnostics listed there, in order: one `error[CODE]: message` or
//!   `warning[CODE]: message` line each (as `accord check` prints them), and,
//!   where a line `  = help: …` follows, that help.
//! - An `accord` block followed by a ```` ```text screen ```` block is screened:
//!   the first line is `as of DATE, facts {JSON}`, every other line an
//!   evaluation error or a presumption that an explanation of the result must
//!   name or, for facts
//!   that are not valid, a problem the error gives, as `CODE at PATH: message`.
//! - Every message quoted in the docs' prose (text between “ and ”, where `…`
//!   stands for any text) is something the engine prints: it is found in an
//!   output of those examples, or in an expected file of a corpus under
//!   `tests/` (the checker corpus's snapshots, the conformance, screening,
//!   cases, assessments and providers corpora), all of which their own tests
//!   hold to the engine. A quote that is not printed output is written with
//!   plain quotes ("…"); `UNREACHABLE` lists the few printed messages no input
//!   can produce.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::facade::Ruleset;
use accord_core::{check, SourceFile};
use serde_json::Value;

const DOCS: [&str; 2] = ["docs/language.md", "docs/diagnostics.md"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fenced block of a Markdown file.
struct Block {
    /// The info string after the fence (`accord`, `text check`, …).
    info: String,
    text: String,
    /// The line of its opening fence, counting from 1.
    line: usize,
}

impl Block {
    fn kind(&self) -> &str {
        self.info.split_whitespace().next().unwrap_or("")
    }

    fn is(&self, info: &str) -> bool {
        self.info.split_whitespace().eq(info.split_whitespace())
    }
}

/// The fenced blocks of `md`, in order; an indented block (inside a list) has
/// its fence's indentation removed from its lines.
fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = md.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let mut text = String::new();
        for (_, line) in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            text.push_str(line.get(indent..).unwrap_or(line.trim_start()));
            text.push('\n');
        }
        out.push(Block {
            info: info.trim().to_string(),
            text,
            line: i + 1,
        });
    }
    out
}

fn read_doc(doc: &str) -> String {
    fs::read_to_string(root().join(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"))
}

/// The diagnostics of a check, as `(severity, code, message, help)` from its
/// JSON (the facade's shape, which every front end prints).
fn diagnostics(source: &str) -> Vec<(String, String, String, String)> {
    let report = check(vec![SourceFile::new("example.accord", source)]);
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
            (s("severity"), s("code"), s("message"), s("help"))
        })
        .collect()
}

/// `error[E0405]: rows … can both match` (a diagnostic's first line as the
/// human output prints it).
fn line_of(d: &(String, String, String, String)) -> String {
    format!("{}[{}]: {}", d.0, d.1, d.2)
}

/// Each diagnostic a `text check` block lists: its first line, and its help
/// where the block gives one.
fn expected_diagnostics(block: &Block) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for line in block.text.lines().filter(|l| !l.trim().is_empty()) {
        match line.trim().strip_prefix("= help: ") {
            Some(help) => match out.last_mut() {
                Some((_, h @ None)) => *h = Some(help.to_string()),
                _ => panic!("line {}: a help without its diagnostic", block.line),
            },
            None => out.push((line.to_string(), None)),
        }
    }
    out
}

/// What a screening's explanations say beside the results: every `errors` list
/// (evaluation errors) and `presumed` list (what `known`/`otherwise` presumed).
fn evaluation_errors(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("errors" | "presumed", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(String::from))
                    }
                    _ => evaluation_errors(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| evaluation_errors(v, out)),
        _ => {}
    }
}

/// Runs every example of `doc`; returns the failures and adds every text the
/// engine printed for them to `printed`.
fn run_examples(doc: &str, printed: &mut Vec<String>) -> (Vec<String>, usize) {
    let blocks = blocks(&read_doc(doc));
    let mut failures = Vec::new();
    let mut run = 0;
    for (i, block) in blocks.iter().enumerate() {
        if block.kind() != "accord" || block.is("accord fragment") {
            continue;
        }
        let at = format!("{doc}:{}", block.line);
        assert!(
            block.is("accord"),
            "{at}: unknown info string `{}`",
            block.info
        );
        run += 1;
        let found = diagnostics(&block.text);
        printed.extend(found.iter().flat_map(|d| [d.2.clone(), d.3.clone()]));
        let next = blocks.get(i + 1);
        if let Some(expected) = next.filter(|b| b.is("text check")) {
            let want = expected_diagnostics(expected);
            let got: Vec<String> = found.iter().map(line_of).collect();
            let lines: Vec<&String> = want.iter().map(|(l, _)| l).collect();
            if got.iter().collect::<Vec<_>>() != lines {
                failures.push(format!(
                    "{at}: the check gives\n  {}\nbut the docs say\n  {}",
                    got.join("\n  "),
                    want.iter()
                        .map(|(l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join("\n  ")
                ));
                continue;
            }
            for ((line, help), d) in want.iter().zip(&found) {
                if let Some(help) = help.as_ref().filter(|h| **h != d.3) {
                    failures.push(format!(
                        "{at}: `{line}` has the help\n  {}\nbut the docs say\n  {help}",
                        d.3
                    ));
                }
            }
            continue;
        }
        let syntax: Vec<String> = found
            .iter()
            .filter(|d| d.1.starts_with("E00"))
            .map(line_of)
            .collect();
        if !syntax.is_empty() {
            failures.push(format!(
                "{at}: does not parse (mark a piece of a declaration `accord fragment`):\n  {}",
                syntax.join("\n  ")
            ));
            continue;
        }
        let complete = block.text.lines().any(|l| l.starts_with("ruleset "));
        let errors: Vec<String> = found
            .iter()
            .filter(|d| d.0 == "error")
            .map(line_of)
            .collect();
        if complete && !errors.is_empty() {
            failures.push(format!(
                "{at}: a complete ruleset with errors (list them in a `text check` block after it):\n  {}",
                errors.join("\n  ")
            ));
            continue;
        }
        if let Some(screen) = next.filter(|b| b.is("text screen")) {
            let mut lines = screen.text.lines();
            let first = lines.next().unwrap_or("");
            let Some((as_of, facts)) = first
                .strip_prefix("as of ")
                .and_then(|rest| rest.split_once(", facts "))
            else {
                panic!("{doc}:{}: starts `as of DATE, facts {{JSON}}`", screen.line);
            };
            let ruleset = Ruleset::load(vec![SourceFile::new("example.accord", &*block.text)])
                .unwrap_or_else(|e| panic!("{at}: {}", e.to_json()));
            let mut errors = Vec::new();
            match ruleset.screen(facts, as_of, None) {
                Ok(out) => evaluation_errors(&serde_json::from_str(&out).unwrap(), &mut errors),
                // Facts that are not valid: each problem as `CODE at PATH: message`.
                Err(e) => {
                    let json: Value = serde_json::from_str(&e.to_json()).unwrap();
                    strings(&json, printed);
                    for p in json["problems"].as_array().into_iter().flatten() {
                        let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
                        errors.push(format!("{} at {}: {}", s("code"), s("path"), s("message")));
                    }
                }
            }
            printed.extend(errors.iter().cloned());
            for want in lines.filter(|l| !l.trim().is_empty()) {
                if !errors.iter().any(|e| e == want) {
                    failures.push(format!("{at}: screening gives {errors:?}, not `{want}`"));
                }
            }
        }
    }
    (failures, run)
}

#[test]
fn every_example_gives_what_the_docs_say() {
    let mut printed = Vec::new();
    let mut failures = Vec::new();
    let mut run = 0;
    for doc in DOCS {
        let (f, n) = run_examples(doc, &mut printed);
        failures.extend(f);
        run += n;
    }
    assert!(run >= 19, "only {run} examples ran");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every text a corpus under `tests/` expects: the strings of its JSON files,
/// and the lines of its other expected files (the checker corpus's snapshots
/// hold the human output too).
fn corpus_texts(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            corpus_texts(&path, out);
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy();
        if !(name.starts_with("expected") || name.ends_with(".snap")) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => strings(&value, out),
            Err(_) => out.extend(text.lines().map(String::from)),
        }
        // A snapshot's JSON part, before the human output.
        if let Some((json, _)) = text.split_once("\n---- human ----\n") {
            if let Ok(value) = serde_json::from_str::<Value>(json) {
                strings(&value, out);
            }
        }
    }
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The texts between “ and ” in `md`, with line breaks and indentation made
/// single spaces (a quote may wrap), each with its line.
fn quotes(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut rest = md;
    let mut offset = 0;
    while let Some(start) = rest.find('“') {
        let after = &rest[start + '“'.len_utf8()..];
        let Some(end) = after.find('”') else { break };
        let quote = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let line = md[..offset + start].matches('\n').count() + 1;
        out.push((line, quote));
        let consumed = start + '“'.len_utf8() + end + '”'.len_utf8();
        offset += consumed;
        rest = &rest[consumed..];
    }
    out
}

/// Whether `text` holds `quote`, where `…` in the quote stands for any text.
fn holds(text: &str, quote: &str) -> bool {
    let mut at = 0;
    for piece in quote.split('…') {
        match text[at..].find(piece) {
            Some(i) => at += i + piece.len(),
            None => return false,
        }
    }
    true
}

/// Messages the docs quote that no input can make the engine print, each with
/// where it is written and why it cannot be shown.
const UNREACHABLE: &[(&str, &str)] = &[(
    "the formatter could not print this file faithfully; it was left unchanged",
    "E0900 (core/src/facade/mod.rs, `format`) is given only when the formatter has a bug",
)];

#[test]
fn every_quoted_message_is_printed_output() {
    let mut printed = Vec::new();
    for doc in DOCS {
        run_examples(doc, &mut printed);
    }
    corpus_texts(&root().join("tests"), &mut printed);
    let mut unknown = Vec::new();
    let mut count = 0;
    for doc in DOCS {
        for (line, quote) in quotes(&read_doc(doc)) {
            count += 1;
            let unreachable = UNREACHABLE.iter().any(|(q, _)| *q == quote);
            if !unreachable && !printed.iter().any(|p| holds(p, &quote)) {
                unknown.push(format!("{doc}:{line}: “{quote}”"));
            }
        }
    }
    assert!(count >= 50, "only {count} quotes found");
    assert!(
        unknown.is_empty(),
        "{} quoted messages the engine is not seen to print (fix the text, or add an \
         example that prints it):\n{}",
        unknown.len(),
        unknown.join("\n")
    );
}
