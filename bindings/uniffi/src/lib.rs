//! Accord for Python, Kotlin and Swift: [`accord_core::facade`] through uniffi.
//!
//! This crate only converts. Every call hands its strings to the facade and
//! hands the facade's string back, so a call answers byte for byte what the CLI
//! (`--format json`), the WebAssembly package and every other binding answer;
//! `tests/conformance/` holds it to that from Python
//! (`tests/python/test_conformance.py`) and Kotlin (`tests/kotlin/Conformance.kt`).
//!
//! A refused call raises [`AccordError`], one variant per
//! [`facade::ErrorKind`], each with the facade's message, the first problem's
//! code, every problem, and the error's JSON ([`facade::Error::to_json`]).
//!
//! The uniffi namespace is `accord`: the Python module is `accord`, the Kotlin
//! package `uniffi.accord`, the Swift files `accord.swift` and `accordFFI.h`.

use std::sync::Arc;

use accord_core::facade::{self, ErrorKind, GraphFormat};
use accord_core::Severity;

// The scaffolding: `UniFfiTag`, the exported buffer functions and the contract
// version the generated bindings check. uniffi's macros expand to the FFI glue;
// none of it trips the workspace's `forbid(unsafe_code)` (see `Cargo.toml`).
uniffi::setup_scaffolding!("accord");

mod tables;

/// One ruleset file: its name (as diagnostics show it) and its text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// One problem of an [`AccordError`], located where it is: a file, line and
/// column in the ruleset; a path in a JSON document; a line of an event log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    pub code: String,
    /// `error` or `warning` (only ruleset diagnostics can be warnings).
    pub severity: String,
    pub message: String,
    pub help: Option<String>,
    /// The ruleset file, for diagnostics.
    pub file: Option<String>,
    /// 1-based: the line in the file, or the event's line in the log.
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub end_line: Option<u64>,
    pub end_column: Option<u64>,
    /// Where in a JSON document: `members[1].birth_date` (`""`: the whole).
    pub path: Option<String>,
}

/// What a call raises when it cannot answer: one variant per kind of input
/// refused. `message` is one line, `code` the first problem's code (`""` when
/// there is none), `problems` every problem, and `json` the whole error as
/// every front end shows it (`{"kind", "message", "problems"}`).
///
/// Messages never carry a person's facts: they name fields and codes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum AccordError {
    /// The ruleset's sources do not parse or check (codes `E…`).
    Ruleset {
        message: String,
        code: String,
        problems: Vec<Problem>,
        json: String,
    },
    /// A JSON document given to a call: facts, answers, a catalogue, ratings
    /// (codes `F…`, `A…`, `P…`, `R…`, `G…`).
    Input {
        message: String,
        code: String,
        problems: Vec<Problem>,
        json: String,
    },
    /// An event log or an event (codes `C…`).
    Case {
        message: String,
        code: String,
        problems: Vec<Problem>,
        json: String,
    },
    /// The call itself: an as-of date that is not a date, an unknown
    /// assessment, programme or graph format (codes `U…`).
    Request {
        message: String,
        code: String,
        problems: Vec<Problem>,
        json: String,
    },
}

impl AccordError {
    /// The one-line message, whatever the variant.
    pub fn message(&self) -> &str {
        match self {
            AccordError::Ruleset { message, .. }
            | AccordError::Input { message, .. }
            | AccordError::Case { message, .. }
            | AccordError::Request { message, .. } => message,
        }
    }

    /// The error's JSON (`facade::Error::to_json`), whatever the variant.
    pub fn json(&self) -> &str {
        match self {
            AccordError::Ruleset { json, .. }
            | AccordError::Input { json, .. }
            | AccordError::Case { json, .. }
            | AccordError::Request { json, .. } => json,
        }
    }

    /// The code of the first problem, whatever the variant.
    pub fn code(&self) -> &str {
        match self {
            AccordError::Ruleset { code, .. }
            | AccordError::Input { code, .. }
            | AccordError::Case { code, .. }
            | AccordError::Request { code, .. } => code,
        }
    }
}

impl std::fmt::Display for AccordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AccordError {}

fn number(n: Option<usize>) -> Option<u64> {
    n.map(|n| u64::try_from(n).unwrap_or(u64::MAX))
}

impl From<facade::Problem> for Problem {
    fn from(p: facade::Problem) -> Problem {
        Problem {
            code: p.code.as_str().to_owned(),
            severity: match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_string(),
            message: p.message,
            help: p.help,
            file: p.file,
            line: number(p.line),
            column: number(p.column),
            end_line: number(p.end_line),
            end_column: number(p.end_column),
            path: p.path,
        }
    }
}

impl From<facade::Error> for AccordError {
    fn from(e: facade::Error) -> AccordError {
        let json = e.to_json();
        let code = e.code().to_string();
        let message = e.message;
        let problems = e.problems.into_iter().map(Problem::from).collect();
        match e.kind {
            ErrorKind::Ruleset => AccordError::Ruleset {
                message,
                code,
                problems,
                json,
            },
            ErrorKind::Input => AccordError::Input {
                message,
                code,
                problems,
                json,
            },
            ErrorKind::Case => AccordError::Case {
                message,
                code,
                problems,
                json,
            },
            ErrorKind::Request => AccordError::Request {
                message,
                code,
                problems,
                json,
            },
        }
    }
}

fn sources(files: Vec<SourceFile>) -> Vec<accord_core::SourceFile> {
    files
        .into_iter()
        .map(|f| accord_core::SourceFile::new(f.name, f.text))
        .collect()
}

/// A compiled ruleset (the facade's `Ruleset`): JSON text in, JSON text out.
/// It never changes once made (`with_catalogue` and `with_ratings` give a new
/// one), so one can be shared between threads freely, with no lock.
#[derive(uniffi::Object)]
pub struct Ruleset {
    inner: Arc<facade::Ruleset>,
}

impl Ruleset {
    fn new(inner: facade::Ruleset) -> Arc<Ruleset> {
        Arc::new(Ruleset {
            inner: Arc::new(inner),
        })
    }

    /// The facade's ruleset, shared: for work that outlives the call (a
    /// stream of batches holding its own handle).
    pub(crate) fn shared(&self) -> Arc<facade::Ruleset> {
        Arc::clone(&self.inner)
    }

    /// Runs `call` on the facade's ruleset.
    fn read<T>(
        &self,
        call: impl FnOnce(&facade::Ruleset) -> Result<T, facade::Error>,
    ) -> Result<T, AccordError> {
        call(&self.inner).map_err(AccordError::from)
    }

    /// A copy of the facade's ruleset (cheap: the compiled engine is shared)
    /// for a builder call to make a new one from.
    fn copy(&self) -> facade::Ruleset {
        facade::Ruleset::clone(&self.shared())
    }
}

/// What `with_case_ratings` gives: the new ruleset and what was added.
#[derive(uniffi::Record)]
pub struct RatedRuleset {
    /// The ruleset with the cases' ratings added.
    pub ruleset: Arc<Ruleset>,
    /// JSON: `{"cases", "rated", "skipped"}`, as `add_case_ratings` returned.
    pub added: String,
}

/// A screened registry (`screen_jsonl_report`): the JSON lines and the
/// counts `accord screen --facts-jsonl` prints in its summary.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreenedLines {
    /// One JSON line per input line, in order (`screen_jsonl`'s text).
    pub text: String,
    /// Input lines screened, bad ones included.
    pub lines: u64,
    /// Lines that could not be screened (`{"line": N, "error": …}`).
    pub bad: u64,
    /// Lines that ran out of work (`"work_limit": true`).
    pub work_limit: u64,
}

impl From<facade::ScreenedLines> for ScreenedLines {
    fn from(s: facade::ScreenedLines) -> ScreenedLines {
        let n = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        ScreenedLines {
            lines: n(s.lines),
            bad: n(s.bad),
            work_limit: n(s.work_limit),
            text: s.text,
        }
    }
}

#[uniffi::export]
impl Ruleset {
    /// Parses, checks and compiles `files` together. A ruleset with
    /// errors raises `AccordError.Ruleset` with every diagnostic.
    #[uniffi::constructor]
    pub fn load(files: Vec<SourceFile>) -> Result<Arc<Ruleset>, AccordError> {
        facade::Ruleset::load(sources(files))
            .map(Ruleset::new)
            .map_err(AccordError::from)
    }

    /// [`Ruleset::load`], with `entity` as the root of facts documents
    /// when the ruleset has several candidates.
    #[uniffi::constructor]
    pub fn load_with_entity(
        files: Vec<SourceFile>,
        entity: String,
    ) -> Result<Arc<Ruleset>, AccordError> {
        facade::Ruleset::load_with_entity(sources(files), &entity)
            .map(Ruleset::new)
            .map_err(AccordError::from)
    }

    /// This ruleset with a reform laid over it (docs/language.md §22): the
    /// `reform` files replace its declarations of the same name, then
    /// `settings` (JSON: a list of `{"name", "value", "from"}`, compare's
    /// `set`; `None` for none) set parameters. A new ruleset, checked: a
    /// reform that does not check raises `AccordError.Ruleset` with its
    /// diagnostics, a bad setting `AccordError.Request`. The catalogue and
    /// ratings are not carried over. `accord test --reform`, `accord screen
    /// --reform --set`.
    #[uniffi::method(default(settings = None))]
    pub fn reform(
        &self,
        reform: Vec<SourceFile>,
        settings: Option<String>,
    ) -> Result<Arc<Ruleset>, AccordError> {
        self.read(|r| r.reform_json(sources(reform), settings.as_deref().unwrap_or("")))
            .map(Ruleset::new)
    }

    /// A new ruleset: this one with the provider catalogue (JSON) that
    /// referrals, plans and `providers` are checked against, in place of any
    /// earlier one and its ratings. This ruleset is unchanged.
    pub fn with_catalogue(&self, json: String) -> Result<Arc<Ruleset>, AccordError> {
        self.copy()
            .with_catalogue(&json)
            .map(Ruleset::new)
            .map_err(AccordError::from)
    }

    /// A new ruleset: this one with satisfaction scores (JSON) that rank
    /// providers; needs a catalogue. This ruleset is unchanged.
    pub fn with_ratings(&self, json: String) -> Result<Arc<Ruleset>, AccordError> {
        self.copy()
            .with_ratings(&json)
            .map(Ruleset::new)
            .map_err(AccordError::from)
    }

    /// A new ruleset: this one with the ratings of the cases' `rates
    /// providers` surveys added (`cases`: a JSON object from case names to
    /// event logs), and what was added and the cases skipped, as JSON
    /// (`accord providers --cases`). This ruleset is unchanged.
    pub fn with_case_ratings(&self, cases: String) -> Result<RatedRuleset, AccordError> {
        let (ruleset, added) = self
            .copy()
            .with_case_ratings(&cases)
            .map_err(AccordError::from)?;
        Ok(RatedRuleset {
            ruleset: Ruleset::new(ruleset),
            added,
        })
    }

    /// Languages, programmes, assessments and protocols, as JSON.
    pub fn info(&self) -> Result<String, AccordError> {
        self.read(|r| Ok(r.info()))
    }

    /// The checker's warnings, as `accord check --format json` prints them.
    pub fn warnings(&self) -> Result<String, AccordError> {
        self.read(|r| Ok(r.warnings()))
    }

    /// Screens one facts document (`accord screen --format json`); with
    /// `explain` false, without the explanations (`"explanation": null`).
    #[uniffi::method(default(lang = None, explain = true))]
    pub fn screen(
        &self,
        facts: String,
        as_of: String,
        lang: Option<String>,
        explain: bool,
    ) -> Result<String, AccordError> {
        self.read(|r| r.screen_with(&facts, &as_of, lang.as_deref(), explain))
    }

    /// The questions to ask next, most decisive first.
    #[uniffi::method(default(lang = None))]
    pub fn next_questions(
        &self,
        facts: String,
        as_of: String,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.next_questions(&facts, &as_of, lang.as_deref()))
    }

    /// One programme's results with their explanations.
    #[uniffi::method(default(lang = None))]
    pub fn explain(
        &self,
        facts: String,
        as_of: String,
        program: String,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.explain(&facts, &as_of, &program, lang.as_deref()))
    }

    /// Screens a registry: one facts document per line in, one JSON line
    /// per line out, bad lines reported in place.
    #[uniffi::method(default(explain = false, lang = None))]
    pub fn screen_jsonl(
        &self,
        lines: String,
        as_of: String,
        explain: bool,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.screen_jsonl(&lines, &as_of, explain, lang.as_deref()))
    }

    /// Screens a registry as `screen_jsonl` does, with the counts of `accord
    /// screen --facts-jsonl`'s summary. `threads`: how many to screen on (the
    /// same bytes whatever the count; `None`: one). `id_key`: the key of each
    /// document that identifies it, taken out before checking and carried
    /// into its line as `"id"` (`--id-key`). `statuses`: only the results of
    /// these statuses in each line (`["eligible", "undetermined"]`; `None`:
    /// every result; `--only`).
    #[uniffi::method(default(
        explain = false,
        lang = None,
        threads = None,
        id_key = None,
        statuses = None
    ))]
    #[expect(
        clippy::too_many_arguments,
        reason = "each is an option of `--facts-jsonl`, with a default"
    )]
    pub fn screen_jsonl_report(
        &self,
        lines: String,
        as_of: String,
        explain: bool,
        lang: Option<String>,
        threads: Option<u32>,
        id_key: Option<String>,
        statuses: Option<Vec<String>>,
    ) -> Result<ScreenedLines, AccordError> {
        let statuses = match &statuses {
            Some(names) => facade::parse_statuses(names)?,
            None => accord_core::StatusFilter::ALL,
        };
        let options = facade::JsonlOptions {
            explain,
            lang: lang.as_deref(),
            threads: threads.map_or(1, |n| usize::try_from(n).unwrap_or(1)),
            id_key: id_key.as_deref(),
            statuses,
        };
        self.read(|r| r.screen_jsonl_report(&lines, &as_of, &options))
            .map(ScreenedLines::from)
    }

    /// A registry's lines screened under this ruleset and a reform (its
    /// files; `options`: JSON, docs/language.md §22), tallied per programme.
    #[uniffi::method(default(lang = None))]
    pub fn compare(
        &self,
        reform: Vec<SourceFile>,
        lines: String,
        as_of: String,
        options: String,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.compare(sources(reform), &lines, &as_of, &options, lang.as_deref()))
    }

    /// Sets the fact at `path` of a facts document to `value` (JSON text;
    /// `null` makes it unknown) and returns the document, compact.
    pub fn answer(
        &self,
        facts: String,
        path: String,
        value: String,
    ) -> Result<String, AccordError> {
        self.read(|r| r.answer(&facts, &path, &value))
    }

    /// A JSON Schema of the facts document, titles in `lang`.
    #[uniffi::method(default(lang = None))]
    pub fn schema(&self, lang: Option<String>) -> Result<String, AccordError> {
        self.read(|r| r.schema(lang.as_deref()))
    }

    /// The questionnaire as a form, every label in every language.
    #[uniffi::method(default(assessment = None))]
    pub fn assessment_form(&self, assessment: Option<String>) -> Result<String, AccordError> {
        self.read(|r| r.assessment_form(assessment.as_deref()))
    }

    /// Scores answers (a JSON object from question names to answers).
    /// `assessment` may be `None` when the ruleset has only one.
    #[uniffi::method(default(lang = None))]
    pub fn assess(
        &self,
        assessment: Option<String>,
        answers: String,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.assess(assessment.as_deref(), &answers, lang.as_deref()))
    }

    /// Every provider that can meet `need` in `region` (anywhere when
    /// `None`), ranked; needs a catalogue.
    #[uniffi::method(default(region = None, lang = None))]
    pub fn providers(
        &self,
        need: String,
        region: Option<String>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.providers(&need, region.as_deref(), lang.as_deref()))
    }

    /// Providers for every need an assessment result (`assess`'s JSON)
    /// established: a JSON list with one report per need; needs a catalogue.
    #[uniffi::method(default(region = None, lang = None))]
    pub fn providers_for_result(
        &self,
        result: String,
        region: Option<String>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.providers_for_result(&result, region.as_deref(), lang.as_deref()))
    }

    /// The territorial map: assessment results with a region (JSON lines)
    /// against the places the providers of each region have left; needs a
    /// catalogue (`accord plan --format json`).
    pub fn needs_map(&self, results: String) -> Result<String, AccordError> {
        self.read(|r| r.needs_map(&results))
    }

    /// A role's agenda (every role when `None`) and the monitoring figures
    /// on `as_of` over many cases: `cases` is a JSON object from case names
    /// to event logs (`accord caseload --format json`), the agenda's labels
    /// in `lang` (the ruleset's first language when `None`).
    #[uniffi::method(default(role = None, lang = None))]
    pub fn caseload(
        &self,
        cases: String,
        as_of: String,
        role: Option<String>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.caseload(&cases, &as_of, role.as_deref(), lang.as_deref()))
    }

    /// A case's state on `as_of` from its event log (JSON lines), in full
    /// or as `role` may see it.
    #[uniffi::method(default(role = None, lang = None))]
    pub fn case_state(
        &self,
        log: String,
        as_of: String,
        role: Option<String>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| r.case_state(&log, &as_of, role.as_deref(), lang.as_deref()))
    }

    /// A case's state as `role` may see it, or, for a role `is provider`, as
    /// `provider` (its catalogue id) playing it may see it.
    #[uniffi::method(default(role = None, provider = None, lang = None))]
    pub fn case_view(
        &self,
        log: String,
        as_of: String,
        role: Option<String>,
        provider: Option<String>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| {
            r.case_view(
                &log,
                &as_of,
                role.as_deref(),
                provider.as_deref(),
                lang.as_deref(),
            )
        })
    }

    /// Checks `event` against the case its log describes and returns the
    /// log with the event appended (an empty log opens a case).
    pub fn case_add(&self, log: String, event: String) -> Result<String, AccordError> {
        self.read(|r| r.case_add(&log, &event))
    }

    /// Merges two logs of one case written offline on two devices.
    pub fn merge(&self, a: String, b: String) -> Result<String, AccordError> {
        self.read(|r| r.merge(&a, &b))
    }

    /// A protocol's workflow graph (its latest version, or `version`);
    /// `format` is `dot`, `mermaid` or `json`. `protocol` may be `None`
    /// when the ruleset has only one.
    #[uniffi::method(default(version = None, lang = None))]
    pub fn graph(
        &self,
        protocol: Option<String>,
        format: String,
        version: Option<u32>,
        lang: Option<String>,
    ) -> Result<String, AccordError> {
        self.read(|r| {
            let format = GraphFormat::parse(&format)?;
            r.graph(protocol.as_deref(), format, version, lang.as_deref())
        })
    }

    /// Runs the ruleset's `test` blocks (`accord test --format json`).
    pub fn run_tests(&self) -> Result<String, AccordError> {
        self.read(|r| Ok(r.run_tests()))
    }
}

/// Every diagnostic of `files`, errors and warnings, as JSON
/// (`accord check --format json`); needs no compiled ruleset.
#[uniffi::export]
pub fn check(files: Vec<SourceFile>) -> String {
    facade::check(sources(files)).to_json()
}

/// One file in the canonical layout; a file with syntax errors raises
/// `AccordError.Ruleset` with them.
#[uniffi::export]
pub fn format(file: SourceFile) -> Result<String, AccordError> {
    facade::format(accord_core::SourceFile::new(file.name, file.text))
        .map_err(|report| AccordError::from(facade::Error::from(report)))
}

/// This library's version (the workspace's).
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::Code;

    fn tiny() -> Vec<SourceFile> {
        vec![SourceFile {
            name: "a.accord".to_string(),
            text: "ruleset tiny".to_string(),
        }]
    }

    #[test]
    fn check_hands_over_the_facade_text() {
        let want = facade::check(vec![accord_core::SourceFile::new(
            "a.accord",
            "ruleset tiny",
        )])
        .to_json();
        assert_eq!(check(tiny()), want);
    }

    #[test]
    fn format_errors_are_ruleset_errors_with_their_json() {
        let file = SourceFile {
            name: "b.accord".to_string(),
            text: "program {".to_string(),
        };
        let Err(error) = format(file) else {
            unreachable!("`program {{` does not parse");
        };
        assert!(matches!(error, AccordError::Ruleset { .. }));
        assert!(error.code().starts_with('E'));
        assert!(error.json().contains("\"kind\": \"ruleset\""));
    }

    #[test]
    fn errors_keep_kind_code_problems_and_json() {
        let error = AccordError::from(facade::Error::request(
            Code::U0010,
            "m",
            Some("h".to_string()),
        ));
        let AccordError::Request {
            code,
            problems,
            json,
            message,
        } = &error
        else {
            unreachable!("a request error stays one");
        };
        assert_eq!(code, Code::U0010.as_str());
        assert_eq!(problems.len(), 1);
        assert!(json.contains("\"U0010\""));
        assert_eq!(error.to_string(), *message);
    }

    #[test]
    fn builders_leave_the_ruleset_unchanged() {
        let file = SourceFile {
            name: "a.accord".to_string(),
            text: "ruleset r { languages en }\n".to_string(),
        };
        let Ok(r) = Ruleset::load(vec![file]) else {
            unreachable!("a ruleset with a language loads");
        };
        let Ok(with) = r.with_catalogue(r#"{"providers": []}"#.to_string()) else {
            unreachable!("an empty catalogue is a catalogue");
        };
        assert!(with.inner.catalogue().is_some());
        assert!(r.inner.catalogue().is_none());
        assert!(std::ptr::eq(r.shared().engine(), with.shared().engine()));
        let Err(e) = r.with_ratings("{}".to_string()) else {
            unreachable!("ratings need a catalogue");
        };
        assert_eq!(e.code(), Code::U0008.as_str());
    }

    #[test]
    fn problems_carry_their_location() {
        let p = Problem::from(facade::Problem {
            code: Code::F0001,
            severity: Severity::Warning,
            message: "m".to_string(),
            help: None,
            file: None,
            line: Some(3),
            column: None,
            end_line: None,
            end_column: None,
            path: Some("members[1]".to_string()),
        });
        assert_eq!(p.severity, "warning");
        assert_eq!(p.line, Some(3));
        assert_eq!(p.path.as_deref(), Some("members[1]"));
    }
}
