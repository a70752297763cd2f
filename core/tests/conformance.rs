//! The conformance corpus (`tests/conformance/`, format in its README) through
//! the Rust facade: every case's output must be byte for byte its expected
//! file. The WebAssembly, Python and Kotlin suites hold the bindings to the
//! same files. `ACCORD_BLESS=1` rewrites them.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::fs;
use std::path::{Path, PathBuf};

use accord_core::facade::{self, Error, GraphFormat, Ruleset};
use accord_core::SourceFile;
use serde_json::Value;

#[path = "support/corpus.rs"]
mod corpus;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `*.accord` files of a ruleset directory, sorted, named by file name.
fn sources(dir: &Path) -> Vec<SourceFile> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "accord"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            SourceFile::new(
                p.file_name().unwrap().to_string_lossy(),
                fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

struct Args<'a> {
    dir: &'a Path,
    args: &'a Value,
}

impl Args<'_> {
    /// An argument's text: inline, or a file's when it starts with `@`.
    fn opt(&self, name: &str) -> Option<String> {
        match self.args.get(name)? {
            Value::Null => None,
            Value::String(s) => Some(match s.strip_prefix('@') {
                Some(file) => {
                    let path = self.dir.join(file);
                    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                }
                None => s.clone(),
            }),
            other => panic!("argument `{name}` is not a string: {other}"),
        }
    }

    fn req(&self, name: &str) -> String {
        self.opt(name)
            .unwrap_or_else(|| panic!("{}: argument `{name}` missing", self.dir.display()))
    }

    fn flag(&self, name: &str) -> bool {
        self.args
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// An object argument (`caseload`'s `cases`) as JSON text, each value
    /// that starts with `@` replaced by that file's text; a string argument
    /// is passed as it is.
    fn object(&self, name: &str) -> String {
        match self.args.get(name) {
            Some(Value::Object(map)) => {
                let resolved: serde_json::Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| {
                        let one = Args {
                            dir: self.dir,
                            args: &serde_json::json!({ "v": v }),
                        };
                        (k.clone(), Value::String(one.req("v")))
                    })
                    .collect();
                serde_json::to_string(&resolved).unwrap()
            }
            _ => self.req(name),
        }
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.args
            .get(name)
            .and_then(Value::as_u64)
            .map(|n| u32::try_from(n).unwrap())
    }
}

/// Runs one case: its output, or its error.
fn run(dir: &Path) -> Result<String, Error> {
    let case: Value = serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let root = root();
    let files = sources(&root.join(case["ruleset"].as_str().expect("ruleset")));
    let call = case["call"].as_str().expect("call");
    let empty = Value::Object(Default::default());
    let a = Args {
        dir,
        args: case.get("args").unwrap_or(&empty),
    };
    let lang = a.opt("lang");
    let lang = lang.as_deref();
    match call {
        "check" => return Ok(facade::check(files).to_json()),
        "format" => {
            return facade::format(SourceFile::new(a.req("name"), a.req("source")))
                .map_err(Error::from)
        }
        _ => {}
    }
    let mut ruleset = match case.get("entity").and_then(Value::as_str) {
        Some(entity) => Ruleset::load_with_entity(files, entity)?,
        None => Ruleset::load(files)?,
    };
    // A reform laid over the ruleset (§22): the call runs on the reformed one.
    let reform = case.get("reform").and_then(Value::as_str);
    let settings = case.get("settings").and_then(Value::as_str);
    if reform.is_some() || settings.is_some() {
        let files = reform
            .map(|reform| {
                let path = root.join(reform);
                SourceFile::new(
                    path.file_name().unwrap().to_string_lossy(),
                    fs::read_to_string(&path).unwrap(),
                )
            })
            .into_iter()
            .collect();
        ruleset = ruleset.reform_json(files, settings.unwrap_or(""))?;
    }
    for (key, set) in [
        (
            "catalogue",
            Ruleset::set_catalogue as fn(&mut Ruleset, &str) -> _,
        ),
        ("ratings", Ruleset::set_ratings),
    ] {
        if let Some(path) = case.get(key).and_then(Value::as_str) {
            set(&mut ruleset, &fs::read_to_string(root.join(path)).unwrap())?;
        }
    }
    let r = &ruleset;
    match call {
        "load" => Ok(r.info()),
        "warnings" => Ok(r.warnings()),
        "screen" => r.screen(&a.req("facts"), &a.req("as_of"), lang),
        "next_questions" => r.next_questions(&a.req("facts"), &a.req("as_of"), lang),
        "explain" => r.explain(&a.req("facts"), &a.req("as_of"), &a.req("program"), lang),
        "screen_jsonl" => {
            let id_key = a.opt("id_key");
            // `statuses`: the names to keep, comma-separated (`--only`).
            let statuses = match a.opt("statuses") {
                Some(names) => {
                    accord_core::facade::parse_statuses(&names.split(',').collect::<Vec<_>>())
                }
                None => Ok(accord_core::StatusFilter::ALL),
            };
            statuses.and_then(|statuses| {
                let options = accord_core::facade::JsonlOptions {
                    explain: a.flag("explain"),
                    lang,
                    threads: 1,
                    id_key: id_key.as_deref(),
                    statuses,
                };
                r.screen_jsonl_report(&a.req("lines"), &a.req("as_of"), &options)
                    .map(|s| s.text)
            })
        }
        "compare" => r.compare(
            vec![SourceFile::new(a.req("reform_name"), a.req("reform"))],
            &a.req("lines"),
            &a.req("as_of"),
            &a.req("options"),
            lang,
        ),
        "answer" => r.answer(&a.req("facts"), &a.req("path"), &a.req("value")),
        "schema" => r.schema(lang),
        "assessment_form" => r.assessment_form(a.opt("assessment").as_deref()),
        "assess" => r.assess(a.opt("assessment").as_deref(), &a.req("answers"), lang),
        "providers" => r.providers(&a.req("need"), a.opt("region").as_deref(), lang),
        "case_state" => r.case_state(
            &a.req("log"),
            &a.req("as_of"),
            a.opt("role").as_deref(),
            lang,
        ),
        "case_view" => r.case_view(
            &a.req("log"),
            &a.req("as_of"),
            a.opt("role").as_deref(),
            a.opt("provider").as_deref(),
            lang,
        ),
        "case_add" => r.case_add(&a.req("log"), &a.req("event")),
        "merge" => r.merge(&a.req("a"), &a.req("b")),
        "graph" => r.graph(
            a.opt("protocol").as_deref(),
            GraphFormat::parse(&a.req("format"))?,
            a.number("version"),
            lang,
        ),
        "run_tests" => Ok(r.run_tests()),
        "needs_map" => r.needs_map(&a.req("results")),
        "providers_for_result" => {
            r.providers_for_result(&a.req("result"), a.opt("region").as_deref(), lang)
        }
        "caseload" => r.caseload(
            &a.object("cases"),
            &a.req("as_of"),
            a.opt("role").as_deref(),
            lang,
        ),
        other => panic!("{}: unknown call `{other}`", dir.display()),
    }
}

#[test]
fn every_case_gives_its_expected_bytes() {
    let corpus = root().join("tests/conformance/cases");
    let bless = corpus::blessing();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 100,
        "the corpus has its cases: {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let (ok, err) = (dir.join("expected.out"), dir.join("expected.err.json"));
        let got = run(dir);
        // A case has one expected file: blessing an answer removes the other.
        if bless {
            let _ = fs::remove_file(&ok);
            let _ = fs::remove_file(&err);
        }
        let (path, text) = match &got {
            Ok(text) => (&ok, text.clone()),
            Err(e) => (&err, e.to_json()),
        };
        if let Err(e) = corpus::expect_text(path, &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
