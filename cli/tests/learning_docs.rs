//! The tutorial (`docs/tutorial.md`) and the cookbook (`docs/cookbook.md`) run as
//! written: each document is walked in order, as a reader would follow it, and every
//! fenced block does what it says.
//!
//! - A block whose info string has `file=PATH` (```` ```accord file=ruleset.accord ````,
//!   ```` ```json file=facts/complete.json ````) writes (or replaces) that file in the
//!   document's scratch folder. The tutorial is one folder; in the cookbook each `## `
//!   heading (a recipe) starts a fresh one.
//! - After a run of file blocks that wrote an `.accord` file, `accord check .` must
//!   report no error and `accord fmt --check .` find nothing to change (warnings are
//!   allowed), unless one of those blocks is marked `errors` (a mistake shown on
//!   purpose, which the next `sh` block checks).
//! - A ```` ```sh ```` block holds exactly one `accord …` command (a line may end with
//!   `\` to go on). It is split like a shell would split it — words, `'…'` and `"…"`
//!   quotes, `\` escapes — but no shell runs it: pipes, redirections, variables and
//!   globs are refused. It runs in the scratch folder with the `accord` just built, and
//!   must exit 0, or the code its info string gives (```` ```sh exit=1 ````).
//! - The ```` ```text ```` block right after it is what the command prints: its standard
//!   output, then its standard error. Lines are compared without their trailing spaces,
//!   and trailing blank lines are ignored; a line that is exactly `...` stands for any
//!   number of lines (none included).
//! - Nothing else is allowed: an `accord` block that writes no file, a `text` block that
//!   follows no command, a command without its output. So no snippet goes unrun.
//! - Each recipe of the cookbook runs at least one command.
//!
//! A failure names the Markdown line of the block at fault.

#![expect(
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod common;
use common::{code, scratch, stderr, stdout};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A piece of a Markdown document that the walk cares about.
enum Item {
    /// A `## ` heading, with its title.
    Heading(String),
    /// A fenced block: its info string (`accord file=x.accord`, `sh exit=1`, …) and text.
    Block { info: String, text: String },
}

/// The headings and fenced blocks of `md`, in order, each with its line (from 1).
fn items(md: &str) -> Vec<(usize, Item)> {
    let mut out = Vec::new();
    let mut lines = md.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            out.push((i + 1, Item::Heading(title.trim().to_string())));
        } else if let Some(info) = line.trim_start().strip_prefix("```") {
            // A block indented in a list has its fence's indentation removed.
            let indent = line.len() - line.trim_start().len();
            let mut text = String::new();
            let mut closed = false;
            for (_, line) in lines.by_ref() {
                if line.trim() == "```" {
                    closed = true;
                    break;
                }
                text.push_str(line.get(indent..).unwrap_or(line.trim_start()));
                text.push('\n');
            }
            assert!(closed, "line {}: a fence that is never closed", i + 1);
            let info = info.trim().to_string();
            out.push((i + 1, Item::Block { info, text }));
        }
    }
    out
}

/// The kind of a block (`accord`, `json`, `sh`, `text`) and its `key=value` and bare
/// flags.
struct Info<'a> {
    kind: &'a str,
    words: Vec<&'a str>,
}

impl<'a> Info<'a> {
    fn new(info: &'a str) -> Self {
        let mut words = info.split_whitespace();
        let kind = words.next().unwrap_or("");
        Info {
            kind,
            words: words.collect(),
        }
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.words
            .iter()
            .find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
    }

    fn has(&self, flag: &str) -> bool {
        self.words.contains(&flag)
    }
}

/// Splits a command line into words as a POSIX shell would, for the little the guides
/// need: blanks separate words, `'…'` keeps everything, `"…"` keeps everything but `\"`
/// and `\\`, `\` escapes the next character, and `\` at the end of a line joins the
/// next. Anything a shell would expand or redirect is refused, since there is no shell.
fn split(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a `'` that is never closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("a `\"` that is never closed".into()),
                        },
                        Some(c @ ('$' | '`')) => {
                            return Err(format!("`{c}` inside `\"…\"`: there is no shell"))
                        }
                        Some(c) => w.push(c),
                        None => return Err("a `\"` that is never closed".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(c) => word.get_or_insert_with(String::new).push(c),
            },
            '|' | '&' | ';' | '<' | '>' | '$' | '`' | '*' | '?' | '(' | ')' | '#' | '~' => {
                return Err(format!("`{c}`: there is no shell; write the command alone"))
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// Whether `got` is what `want` shows: line by line, trailing spaces and trailing blank
/// lines aside, a `want` line `...` matching any number of lines.
fn shows(want: &[&str], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((&"...", rest)) => {
            (0..=got.len()).any(|skip| shows(rest, got.get(skip..).unwrap_or(&[])))
        }
        Some((line, rest)) => match got.split_first() {
            Some((g, more)) => g == line && shows(rest, more),
            None => false,
        },
    }
}

fn lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// Runs `accord` with `args` in `dir`: its exit code, and its standard output followed
/// by its standard error.
fn run(dir: &Path, args: &[String]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("could not run accord: {e}"));
    (code(&out), stdout(&out) + &stderr(&out))
}

/// A walk through one document: the folder its files go to, what it counted, and what
/// went wrong.
struct Walk {
    doc: &'static str,
    dir: PathBuf,
    commands: usize,
    files: usize,
    recipes: usize,
    failures: Vec<String>,
    /// The recipe being walked (the cookbook's): its title, line, and commands run.
    recipe: Option<(String, usize, usize)>,
    /// A run of file blocks waiting for its check.
    pending: Option<Pending>,
}

/// A run of file blocks: the line of its first block, whether it wrote an `.accord`
/// file, and whether one of its blocks is marked `errors`.
struct Pending {
    line: usize,
    accord: bool,
    errors: bool,
}

/// The scratch folder of `doc` (`docs/cookbook.md`), or of its recipe number `n`.
fn folder(doc: &str, n: Option<usize>) -> PathBuf {
    let name = Path::new(doc)
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    match n {
        None => scratch(&format!("learning_docs/{name}")),
        Some(n) => scratch(&format!("learning_docs/{name}/{n:02}")),
    }
}

/// Walks `doc`; with `per_recipe`, each `## ` heading starts a new scratch folder.
fn walk(doc: &'static str, per_recipe: bool) -> Walk {
    let md = fs::read_to_string(common::repo().join(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let items = items(&md);
    let mut walk = Walk {
        doc,
        dir: folder(doc, None),
        commands: 0,
        files: 0,
        recipes: 0,
        failures: Vec::new(),
        recipe: None,
        pending: None,
    };
    let mut items = items.iter().peekable();
    while let Some((line, item)) = items.next() {
        let at = format!("{doc}:{line}");
        let file = match item {
            Item::Block { info, .. } => Info::new(info).get("file"),
            Item::Heading(_) => None,
        };
        if file.is_none() {
            walk.check_pending();
        }
        match item {
            Item::Heading(title) if per_recipe => {
                walk.finish_recipe();
                walk.recipes += 1;
                walk.dir = folder(doc, Some(walk.recipes));
                walk.recipe = Some((title.clone(), *line, 0));
            }
            Item::Heading(_) => {}
            Item::Block { info, text } => {
                let info = Info::new(info);
                match (file, info.kind) {
                    (Some(path), _) => walk.write(&at, *line, path, &info, text),
                    (None, "sh") => {
                        // The output shown: the `text` block right after.
                        let shown = match items.peek() {
                            Some((_, Item::Block { info, text }))
                                if Info::new(info).kind == "text" =>
                            {
                                items.next();
                                Some(text.as_str())
                            }
                            _ => None,
                        };
                        walk.command(&at, &info, text, shown);
                    }
                    (None, "accord") => walk.failures.push(format!(
                        "{at}: an `accord` block that writes no file: give it `file=NAME.accord`"
                    )),
                    (None, "text") => walk.failures.push(format!(
                        "{at}: a `text` block that follows no command: every output shown is \
                         the output of the command above it"
                    )),
                    (None, other) => walk.failures.push(format!(
                        "{at}: a ```{other} block the walk cannot run: write files with \
                         `file=PATH`, commands in ```sh"
                    )),
                }
            }
        }
    }
    walk.check_pending();
    walk.finish_recipe();
    walk
}

impl Walk {
    /// Writes a file block's text to its file.
    fn write(&mut self, at: &str, line: usize, path: &str, info: &Info, text: &str) {
        let file = self.dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("{at}: {}: {e}", parent.display()));
        }
        fs::write(&file, text).unwrap_or_else(|e| panic!("{at}: {}: {e}", file.display()));
        self.files += 1;
        let pending = self.pending.get_or_insert(Pending {
            line,
            accord: false,
            errors: false,
        });
        pending.accord |= info.kind == "accord";
        pending.errors |= info.has("errors");
    }

    /// Runs one `sh` block's command and compares what it prints with `shown`.
    fn command(&mut self, at: &str, info: &Info, text: &str, shown: Option<&str>) {
        self.commands += 1;
        if let Some((_, _, n)) = self.recipe.as_mut() {
            *n += 1;
        }
        let Some(shown) = shown else {
            self.failures.push(format!(
                "{at}: a command without its output: put a ```text block right after it"
            ));
            return;
        };
        let Ok(exit) = info.get("exit").map_or(Ok(0), str::parse::<i32>) else {
            self.failures.push(format!("{at}: `exit=` takes a number"));
            return;
        };
        let words = match split(text.trim()) {
            Ok(words) => words,
            Err(e) => {
                self.failures.push(format!("{at}: {e}"));
                return;
            }
        };
        let Some(("accord", args)) = words.split_first().map(|(p, a)| (p.as_str(), a)) else {
            self.failures
                .push(format!("{at}: a ```sh block holds one `accord …` command"));
            return;
        };
        let command = format!("accord {}", args.join(" "));
        let (got, output) = run(&self.dir, args);
        if got != exit {
            self.failures.push(format!(
                "{at}: `{command}` exited {got}, the guide says {exit}; it printed:\n{output}"
            ));
        } else if !shows(&lines(shown), &lines(&output)) {
            self.failures.push(format!(
                "{at}: `{command}` printed\n{output}\nbut the guide shows\n{shown}"
            ));
        }
    }

    /// After a run of file blocks that wrote an `.accord` file: `accord check .` finds
    /// no error and `accord fmt --check .` nothing to change, unless a block of the run
    /// was marked `errors`.
    fn check_pending(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        if !pending.accord || pending.errors {
            return;
        }
        let at = format!("{}:{}", self.doc, pending.line);
        let (exit, output) = run(&self.dir, &["check", "."].map(String::from));
        if exit != 0 || output.contains("error[") {
            self.failures.push(format!(
                "{at}: the ruleset written from here does not check (mark a mistake shown \
                 on purpose `errors`):\n{output}"
            ));
            return;
        }
        let (exit, output) = run(&self.dir, &["fmt", "--check", "."].map(String::from));
        if exit != 0 {
            self.failures.push(format!(
                "{at}: not in the canonical layout: `accord fmt` would change it, and a \
                 reader who formats it would see other text:\n{output}"
            ));
        }
    }

    /// Ends the recipe being walked: it must have run a command.
    fn finish_recipe(&mut self) {
        if let Some((title, line, 0)) = self.recipe.take() {
            self.failures.push(format!(
                "{}:{line}: the recipe `{title}` runs no command: show it working with \
                 `accord test` or `accord screen`",
                self.doc
            ));
        }
    }

    /// Fails with every problem found, each at its line; prints the summary otherwise.
    fn report(&self) {
        assert!(
            self.failures.is_empty(),
            "{} problems in {}:\n\n{}",
            self.failures.len(),
            self.doc,
            self.failures.join("\n\n")
        );
        // The tutorial is one recipe: each step builds on the ones before.
        let recipes = self.recipes.max(1);
        let s = if recipes == 1 { "" } else { "s" };
        println!(
            "{}: {} commands, {} files, {recipes} recipe{s} checked",
            self.doc, self.commands, self.files
        );
    }
}

#[test]
fn the_tutorial_runs_as_written() {
    let walk = walk("docs/tutorial.md", false);
    walk.report();
    assert!(
        walk.commands >= 8,
        "only {} commands in the tutorial",
        walk.commands
    );
}

#[test]
fn every_cookbook_recipe_runs_as_written() {
    let walk = walk("docs/cookbook.md", true);
    walk.report();
    assert!(
        walk.recipes >= 11,
        "only {} recipes in the cookbook",
        walk.recipes
    );
}

#[test]
fn the_splitter_reads_quotes_like_a_shell() {
    let words = split(
        r#"accord case . --add '{"a": "b c"}' "x \"y\"" a\ b \
  --as-of 2025-03-01"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        words,
        [
            "accord",
            "case",
            ".",
            "--add",
            r#"{"a": "b c"}"#,
            r#"x "y""#,
            "a b",
            "--as-of",
            "2025-03-01"
        ]
    );
    assert!(split("accord screen . | head").is_err());
    assert!(split("accord check *.accord").is_err());
    assert!(split("accord check 'open").is_err());
}

#[test]
fn dots_stand_for_any_lines() {
    assert!(shows(&["a", "...", "d"], &["a", "b", "c", "d"]));
    assert!(shows(&["a", "...", "d"], &["a", "d"]));
    assert!(!shows(&["a", "...", "d"], &["a", "b"]));
    assert!(!shows(&["a"], &["a", "b"]));
    assert!(shows(&["a", "..."], &["a"]));
}
