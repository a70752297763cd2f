//! [`Ruleset`]: a compiled ruleset and every call a front end makes on it, with
//! JSON text in and JSON text out. The CLI, the WebAssembly package and the
//! uniffi bindings (Python, Kotlin, Swift) all go through these functions, so
//! every front end answers byte for byte alike; `tests/conformance/` holds them
//! to it.
//!
//! Each call returns exactly what the CLI prints with `--format json` (the
//! pretty-printed document), or an [`Error`].

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value as Json;

use crate::assess::AssessReport;
use crate::case::{parse_log, Case, CaseOptions, CaseState, Event, Merged};
use crate::codes::Code;
use crate::facade::{Error, Problem};
use crate::providers::{Catalogue, NeedsMap, ProvidersReport, Ratings};
use crate::screen::{Engine, FactsError, ScreenOptions, ScreenReport};
use crate::source::SourceFile;
use crate::testrun::TestReport;

/// A ruleset compiled once and queried many times; cheap to share between
/// threads (every call takes `&self`) and cheap to clone (the compiled engine,
/// the catalogue and the ratings are shared, not copied).
///
/// The catalogue and ratings are given builder-style: [`Ruleset::with_catalogue`]
/// and [`Ruleset::with_ratings`] return a new ruleset, so a ruleset shared
/// between threads never changes under them (the bindings need no lock). The
/// `set_*` twins change one in place, for a caller that owns it (the CLI).
#[derive(Clone)]
pub struct Ruleset {
    pub(super) engine: Arc<Engine>,
    pub(super) catalogue: Option<Arc<Catalogue>>,
    pub(super) ratings: Option<Arc<Ratings>>,
}

/// What a ruleset holds, for a front end building its screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesetInfo {
    pub languages: Vec<String>,
    pub programs: Vec<String>,
    pub assessments: Vec<String>,
    pub protocols: Vec<String>,
    /// How many warnings the checker gave (`Ruleset::warnings`).
    pub warnings: usize,
}

/// The graph exports of [`Ruleset::graph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

impl GraphFormat {
    /// `dot`, `mermaid` or `json` (U0006 otherwise).
    pub fn parse(text: &str) -> Result<GraphFormat, Error> {
        match text {
            "dot" => Ok(GraphFormat::Dot),
            "mermaid" => Ok(GraphFormat::Mermaid),
            "json" => Ok(GraphFormat::Json),
            other => Err(Error::request(
                Code::U0006,
                format!("`{other}` is not a graph format"),
                Some("one of `dot`, `mermaid`, `json`".to_string()),
            )),
        }
    }
}

/// Parses an as-of date (`YYYY-MM-DD`; U0001 otherwise).
pub fn parse_as_of(text: &str) -> Result<Date, Error> {
    crate::case::event::parse_date(text).ok_or_else(|| {
        Error::request(
            Code::U0001,
            "the as-of date is not a date",
            Some("write the as-of date as YYYY-MM-DD, e.g. 2025-03-01".to_string()),
        )
    })
}

/// Sorts a ruleset's files by name (byte order; stable, so files of equal
/// names keep the order given): the order [`Ruleset::load`] and the CLI
/// compile them in.
pub fn sort_by_name(files: &mut [SourceFile]) {
    files.sort_by(|a, b| a.name.cmp(&b.name));
}

pub(super) fn pretty(json: &impl Serialize) -> String {
    serde_json::to_string_pretty(json).unwrap_or_else(|_| "{}".to_string())
}

/// Byte-order marks come from editors on Windows; JSON does not allow one.
pub(super) fn text(json: &str) -> &str {
    json.strip_prefix('\u{feff}').unwrap_or(json)
}

/// How many levels of derived values [`Ruleset::explain`] shows as computed.
pub const EXPLAIN_TREE: usize = 3;

impl Ruleset {
    /// Parses and checks `files` together and compiles them. Errors come back
    /// as one [`Error`] of kind `ruleset` with every diagnostic, warnings too.
    ///
    /// The files are taken in order of their names ([`sort_by_name`]), whatever
    /// the order they are passed in: the order of results and diagnostics
    /// follows the files', so every front end (and the CLI, which loads a
    /// directory's files sorted by name) gives the same bytes.
    pub fn load(mut files: Vec<SourceFile>) -> Result<Ruleset, Error> {
        sort_by_name(&mut files);
        match Engine::compile(files) {
            Ok(engine) => Ok(Ruleset::from_engine(engine)),
            Err(report) => Err(Error::ruleset(&report)),
        }
    }

    /// [`Ruleset::load`], with `entity` as the root of facts documents when the
    /// ruleset has several candidates (F0007 otherwise).
    pub fn load_with_entity(mut files: Vec<SourceFile>, entity: &str) -> Result<Ruleset, Error> {
        sort_by_name(&mut files);
        let engine = Engine::compile(files).map_err(|report| Error::ruleset(&report))?;
        let engine = engine
            .with_root(entity)
            .map_err(|e| Error::input("the entity is", e))?;
        Ok(Ruleset::from_engine(engine))
    }

    /// A ruleset over an engine compiled already (the CLI compiles itself to
    /// render diagnostics with their source lines).
    pub fn from_engine(engine: Engine) -> Ruleset {
        Ruleset {
            engine: Arc::new(engine),
            catalogue: None,
            ratings: None,
        }
    }

    /// The engine under the facade, for Rust callers who want typed results.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The catalogue given by [`Ruleset::with_catalogue`].
    pub fn catalogue(&self) -> Option<&Catalogue> {
        self.catalogue.as_deref()
    }

    /// This ruleset with the provider catalogue (JSON) that referrals, plans
    /// and `providers` are checked against, in place of any earlier one and
    /// without its ratings. A refused catalogue is an error and gives no
    /// ruleset; the one it was called on is unchanged.
    ///
    /// ```no_run
    /// # fn demo(files: Vec<accord_core::SourceFile>) -> Result<(), accord_core::facade::Error> {
    /// use accord_core::facade::Ruleset;
    /// let ruleset = Ruleset::load(files)?
    ///     .with_catalogue(r#"{"providers": []}"#)?
    ///     .with_ratings(r#"{"ratings": []}"#)?;
    /// # let _ = ruleset; Ok(()) }
    /// ```
    pub fn with_catalogue(mut self, json: &str) -> Result<Ruleset, Error> {
        self.set_catalogue(json)?;
        Ok(self)
    }

    /// This ruleset with satisfaction scores (JSON) that rank providers, in
    /// place of any earlier ones; needs a catalogue (U0008).
    pub fn with_ratings(mut self, json: &str) -> Result<Ruleset, Error> {
        self.set_ratings(json)?;
        Ok(self)
    }

    /// [`Ruleset::with_catalogue`] in place: on an error the ruleset is unchanged.
    pub fn set_catalogue(&mut self, json: &str) -> Result<(), Error> {
        let catalogue = self
            .engine
            .catalogue_from_json(text(json))
            .map_err(|e| Error::input("the catalogue is", FactsError { errors: e.errors }))?;
        self.catalogue = Some(Arc::new(catalogue));
        self.ratings = None;
        Ok(())
    }

    /// [`Ruleset::with_ratings`] in place: on an error the ruleset is unchanged.
    pub fn set_ratings(&mut self, json: &str) -> Result<(), Error> {
        let Some(catalogue) = &self.catalogue else {
            return Err(no_catalogue());
        };
        let ratings = self
            .engine
            .ratings_from_json(catalogue, text(json))
            .map_err(|e| Error::input("the ratings are", e))?;
        self.ratings = Some(Arc::new(ratings));
        Ok(())
    }

    /// Languages, programmes, assessments and protocols, as JSON.
    pub fn info(&self) -> String {
        pretty(&self.info_report())
    }

    pub fn info_report(&self) -> RulesetInfo {
        RulesetInfo {
            languages: self.engine.languages().to_vec(),
            programs: self.engine.program_names().map(str::to_string).collect(),
            assessments: self
                .engine
                .assessment_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
            protocols: self
                .engine
                .protocol_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
            warnings: self.engine.warnings().warning_count(),
        }
    }

    /// The checker's warnings, as `accord check --format json` prints them.
    pub fn warnings(&self) -> String {
        self.engine.warnings().to_json()
    }

    /// Screens one facts document: every programme's status, amount, missing
    /// facts and explanation, and the questions to ask next
    /// (`accord screen --facts F --format json`).
    pub fn screen(&self, facts: &str, as_of: &str, lang: Option<&str>) -> Result<String, Error> {
        Ok(self.screen_report(facts, as_of, lang)?.to_json())
    }

    /// [`Ruleset::screen`], or with `explain: false` the same report without
    /// the explanations (each result's `"explanation": null`): cheaper when
    /// only statuses, amounts and missing facts are read.
    pub fn screen_with(
        &self,
        facts: &str,
        as_of: &str,
        lang: Option<&str>,
        explain: bool,
    ) -> Result<String, Error> {
        Ok(self.screened(facts, as_of, lang, explain, 0)?.to_json())
    }

    /// [`Ruleset::screen`], typed.
    pub fn screen_report(
        &self,
        facts: &str,
        as_of: &str,
        lang: Option<&str>,
    ) -> Result<ScreenReport, Error> {
        self.screened(facts, as_of, lang, true, 0)
    }

    /// `tree`: how many levels of derived values the explanations expand (0: the
    /// short form).
    fn screened(
        &self,
        facts: &str,
        as_of: &str,
        lang: Option<&str>,
        explain: bool,
        tree: usize,
    ) -> Result<ScreenReport, Error> {
        let as_of = parse_as_of(as_of)?;
        let facts = self
            .engine
            .facts_from_json(text(facts))
            .map_err(|e| Error::input("the facts are", e))?;
        Ok(self.engine.session(as_of).screen(
            &facts,
            &ScreenOptions {
                explain,
                lang: lang.map(str::to_string),
                tree,
            },
        ))
    }

    /// The questions to ask next, most decisive first:
    /// `{"as_of", "lang", "next_questions": [...]}`. Cheaper than
    /// [`Ruleset::screen`]: no explanations are built.
    pub fn next_questions(
        &self,
        facts: &str,
        as_of: &str,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let report = self.screened(facts, as_of, lang, false, 0)?;
        #[derive(Serialize)]
        struct Next<'a> {
            as_of: &'a str,
            lang: &'a str,
            next_questions: &'a [crate::screen::report::NextQuestion],
        }
        Ok(pretty(&Next {
            as_of: &report.as_of,
            lang: &report.lang,
            next_questions: &report.next_questions,
        }))
    }

    /// One programme's results with their explanations, and the questions
    /// that could decide them: a screening report narrowed to `program`
    /// (U0004 when the ruleset has no such programme). Its explanations show how
    /// each derived value was computed, [`EXPLAIN_TREE`] levels down.
    pub fn explain(
        &self,
        facts: &str,
        as_of: &str,
        program: &str,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(self.explain_report(facts, as_of, program, lang)?.to_json())
    }

    /// [`Ruleset::explain`], typed.
    pub fn explain_report(
        &self,
        facts: &str,
        as_of: &str,
        program: &str,
        lang: Option<&str>,
    ) -> Result<ScreenReport, Error> {
        let programs: Vec<&str> = self.engine.program_names().collect();
        if !programs.contains(&program) {
            return Err(Error::request(
                Code::U0004,
                format!("the ruleset has no programme `{program}`"),
                Some(crate::case::name_help(
                    program,
                    programs.iter().copied(),
                    |all| format!("the programmes are {all}"),
                )),
            ));
        }
        let mut report = self.screened(facts, as_of, lang, true, EXPLAIN_TREE)?;
        report.results.retain(|r| r.program == program);
        let missing: std::collections::BTreeSet<&str> = report
            .results
            .iter()
            .flat_map(|r| r.missing.iter().map(String::as_str))
            .collect();
        let next = std::mem::take(&mut report.next_questions)
            .into_iter()
            .filter(|q| missing.contains(q.path.as_str()))
            .collect();
        report.next_questions = next;
        Ok(report)
    }

    /// Screens a registry: one facts document per line in, one JSON line per
    /// line out, in order, bad lines reported in place, a line whose
    /// evaluation ran out of work marked `"work_limit": true`
    /// (`accord screen --facts-jsonl IN --format jsonl [--explain]`).
    pub fn screen_jsonl(
        &self,
        lines: &str,
        as_of: &str,
        explain: bool,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let options = super::JsonlOptions {
            explain,
            lang,
            ..Default::default()
        };
        Ok(self.screen_jsonl_report(lines, as_of, &options)?.text)
    }

    /// Sets the fact at `path` (`region`, `members[1].birth_date`) of a facts
    /// document to `value` (JSON; `null` makes it unknown), creating the
    /// objects on the way and appending a list element when the index is the
    /// list's length. The result is checked like any facts document and comes
    /// back as compact JSON: this is how a screener records an answer to a
    /// next question.
    pub fn answer(&self, facts: &str, path: &str, value: &str) -> Result<String, Error> {
        let facts = text(facts);
        let mut doc: Json = if facts.trim().is_empty() {
            Json::Object(Default::default())
        } else {
            serde_json::from_str(facts).map_err(|e| {
                Error::input(
                    "the facts are",
                    FactsError::one(
                        Code::F0001,
                        "",
                        format!("malformed JSON: {}", crate::redact::serde_message(&e)),
                    ),
                )
            })?
        };
        let value: Json = serde_json::from_str(value).map_err(|e| {
            Error::request(
                Code::U0005,
                format!(
                    "the answer is not JSON: {}",
                    crate::redact::serde_message(&e)
                ),
                Some("give the value as JSON: `\"shirak\"`, `3`, `true`, `null`".to_string()),
            )
        })?;
        set_path(&mut doc, path, value)?;
        self.engine
            .facts_from_value(&doc)
            .map_err(|e| Error::input("the facts are", e))?;
        // A `Value`'s `Display` is its compact JSON, with no failure to fall back from.
        Ok(doc.to_string())
    }

    /// A JSON Schema of the facts document, titles in `lang`.
    pub fn schema(&self, lang: Option<&str>) -> Result<String, Error> {
        self.engine
            .json_schema(lang)
            .map(|s| pretty(&s))
            .map_err(|e| Error::input("the ruleset's root entity is", e))
    }

    /// The assessment to use: `name`, or the ruleset's only one (U0003).
    fn assessment<'a>(&'a self, name: Option<&'a str>) -> Result<&'a str, Error> {
        let names = self.engine.assessment_names();
        if let Some(n) = name.filter(|n| !names.contains(n)) {
            return Err(Error::request(
                Code::U0003,
                format!("the ruleset has no assessment `{n}`"),
                Some(crate::case::name_help(n, names.iter().copied(), |all| {
                    if all.is_empty() {
                        "the ruleset declares no assessment".to_string()
                    } else {
                        format!("the assessments are {all}")
                    }
                })),
            ));
        }
        the_only_one(name, &names, Code::U0003, ("assessment", "assessments"))
    }

    /// The questionnaire as a form, every label in every language
    /// (`accord assess --form`).
    pub fn assessment_form(&self, assessment: Option<&str>) -> Result<String, Error> {
        let name = self.assessment(assessment)?;
        self.engine
            .assessment_form(name)
            .map(|f| pretty(&f))
            .map_err(|e| Error::input("the assessment is", e))
    }

    /// Scores answers (a JSON object from question names to answers):
    /// scores, needs, risk and what to ask next (`accord assess --format json`).
    pub fn assess(
        &self,
        assessment: Option<&str>,
        answers: &str,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(self.assess_report(assessment, answers, lang)?.to_json())
    }

    pub fn assess_report(
        &self,
        assessment: Option<&str>,
        answers: &str,
        lang: Option<&str>,
    ) -> Result<AssessReport, Error> {
        let name = self.assessment(assessment)?;
        let answers = self
            .engine
            .answers_from_json(name, text(answers))
            .map_err(|e| Error::input("the answers are", e))?;
        Ok(self.engine.assess(&answers, lang))
    }

    /// Every provider that can meet `need` in `region` (anywhere when `None`),
    /// ranked (`accord providers --need N --format json`); needs a catalogue.
    pub fn providers(
        &self,
        need: &str,
        region: Option<&str>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(self.providers_report(need, region, lang)?.to_json())
    }

    pub fn providers_report(
        &self,
        need: &str,
        region: Option<&str>,
        lang: Option<&str>,
    ) -> Result<ProvidersReport, Error> {
        let Some(catalogue) = &self.catalogue else {
            return Err(no_catalogue());
        };
        self.engine
            .providers_for(catalogue, need, region, self.ratings.as_deref(), lang)
            .map_err(|e| Error::input("the request is", e))
    }

    /// Providers for every need an assessment result (`assess`'s JSON)
    /// established: a list with one report per need, in the result's order
    /// (`accord providers --result R --format json`); needs a catalogue.
    pub fn providers_for_result(
        &self,
        result: &str,
        region: Option<&str>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(pretty(
            &self.providers_for_result_report(result, region, lang)?,
        ))
    }

    /// [`Ruleset::providers_for_result`], typed.
    pub fn providers_for_result_report(
        &self,
        result: &str,
        region: Option<&str>,
        lang: Option<&str>,
    ) -> Result<Vec<ProvidersReport>, Error> {
        let Some(catalogue) = &self.catalogue else {
            return Err(no_catalogue());
        };
        self.engine
            .providers_for_result(
                catalogue,
                text(result),
                region,
                self.ratings.as_deref(),
                lang,
            )
            .map_err(|e| Error::input("the request is", e))
    }

    /// The territorial map: assessment results with a region (JSON lines,
    /// `assess`'s output with a `region` added) counted per region and
    /// established need against the places left with the providers serving
    /// the region (`accord plan --format json`); needs a catalogue. Lines that
    /// are not such results are listed in `skipped` (codes `M…`), not refused.
    pub fn needs_map(&self, results: &str) -> Result<String, Error> {
        Ok(self.needs_map_report(results)?.to_json())
    }

    /// [`Ruleset::needs_map`], typed.
    pub fn needs_map_report(&self, results: &str) -> Result<NeedsMap, Error> {
        let Some(catalogue) = &self.catalogue else {
            return Err(no_catalogue());
        };
        Ok(self.engine.needs_map(catalogue, text(results)))
    }

    /// The options every case of this ruleset is run with.
    pub fn case_options(&self) -> CaseOptions<'_> {
        CaseOptions {
            catalogue: self.catalogue.as_deref(),
        }
    }

    /// A case's state on `as_of` from its event log (JSON lines), in full or
    /// as `role` may see it (`accord case --events LOG --format json`).
    pub fn case_state(
        &self,
        log: &str,
        as_of: &str,
        role: Option<&str>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(self.case_state_report(log, as_of, role, lang)?.to_json())
    }

    pub fn case_state_report(
        &self,
        log: &str,
        as_of: &str,
        role: Option<&str>,
        lang: Option<&str>,
    ) -> Result<CaseState, Error> {
        self.case_view_report(log, as_of, role, None, lang)
    }

    /// A case's state as `role` may see it, or, for a role `is provider`, as
    /// `provider` playing it may (`accord case --role R --provider ID`): the
    /// referrals and plan entries of that provider only, their data only
    /// under the subject's consent. A provider for a role not `is provider`,
    /// or none for one that is, is `U0020`.
    pub fn case_view(
        &self,
        log: &str,
        as_of: &str,
        role: Option<&str>,
        provider: Option<&str>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        Ok(self
            .case_view_report(log, as_of, role, provider, lang)?
            .to_json())
    }

    /// [`Ruleset::case_view`], typed.
    pub fn case_view_report(
        &self,
        log: &str,
        as_of: &str,
        role: Option<&str>,
        provider: Option<&str>,
        lang: Option<&str>,
    ) -> Result<CaseState, Error> {
        let as_of = parse_as_of(as_of)?;
        let events = parse_log(text(log)).map_err(Error::case)?;
        Case::replay(&self.engine, &events, self.case_options(), Some(as_of))
            .and_then(|mut c| c.view(as_of, role, provider, lang))
            .map_err(|e| match e.code {
                // A request the view cannot answer, not a fault of the log.
                Code::U0020 => Error::request(e.code, e.message, e.help),
                _ => Error::case(vec![e]),
            })
    }

    /// Checks `event` (one JSON object) against the case its log describes,
    /// whatever the dates, and returns the log with the event appended as
    /// the engine writes it (the protocol's version filled in on `opened`).
    /// An empty log is a case to open. A refused event changes nothing: the
    /// error names its line, code and why (`accord case --add`).
    pub fn case_add(&self, log: &str, event: &str) -> Result<String, Error> {
        let log = text(log);
        let events = parse_log(log).map_err(Error::case)?;
        let line = log.lines().count() + 1;
        let event = Event::parse(line, event.trim()).map_err(|e| Error::case(vec![e]))?;
        let added = match events.is_empty() {
            true => Case::open(&self.engine, event, self.case_options()).map(|c| last_line(&c)),
            false => {
                Case::replay(&self.engine, &events, self.case_options(), None).and_then(|mut c| {
                    c.apply(event)?;
                    Ok(last_line(&c))
                })
            }
        }
        .map_err(|e| Error::case(vec![e]))?;
        let mut out = log.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&added);
        out.push('\n');
        Ok(out)
    }

    /// Merges two logs of one case written offline on two devices:
    /// `{"log": "JSON lines", "conflicts": [{"line", "reason"}]}`
    /// (`accord merge`).
    pub fn merge(&self, a: &str, b: &str) -> Result<String, Error> {
        let merged = self.merge_report(a, b)?;
        #[derive(Serialize)]
        struct Out<'a> {
            log: String,
            conflicts: &'a [crate::case::MergeConflict],
        }
        Ok(pretty(&Out {
            log: merged.to_jsonl(),
            conflicts: &merged.conflicts,
        }))
    }

    /// [`Ruleset::merge`], typed.
    pub fn merge_report(&self, a: &str, b: &str) -> Result<Merged, Error> {
        let a = parse_log(text(a)).map_err(Error::case)?;
        let b = parse_log(text(b)).map_err(Error::case)?;
        self.engine
            .merge_logs(&a, &b, self.case_options())
            .map_err(|e| Error::case(vec![e]))
    }

    /// The protocol to use: `name` (an unknown one is the engine's G0001), or
    /// the ruleset's only one (U0007).
    pub fn protocol<'a>(&'a self, name: Option<&'a str>) -> Result<&'a str, Error> {
        the_only_one(
            name,
            &self.engine.protocol_names(),
            Code::U0007,
            ("protocol", "protocols"),
        )
    }

    /// A protocol's workflow graph (its latest version, or `version`) as DOT,
    /// Mermaid or JSON (`accord graph`).
    pub fn graph(
        &self,
        protocol: Option<&str>,
        format: GraphFormat,
        version: Option<u32>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let protocol = self.protocol(protocol)?;
        let graph = match version {
            Some(v) => self.engine.protocol_version_graph(protocol, v, lang),
            None => self.engine.protocol_graph(protocol, lang),
        }
        .map_err(|e| Error::input("the request is", e))?;
        Ok(match format {
            GraphFormat::Dot => graph.to_dot(),
            GraphFormat::Mermaid => graph.to_mermaid(),
            GraphFormat::Json => graph.to_json() + "\n",
        })
    }

    /// Runs the ruleset's `test` blocks (`accord test --format json`).
    pub fn run_tests(&self) -> String {
        self.run_tests_report().to_json()
    }

    /// [`Ruleset::run_tests`], typed.
    pub fn run_tests_report(&self) -> TestReport {
        self.engine.run_tests()
    }
}

pub(super) fn no_catalogue() -> Error {
    Error::request(
        Code::U0008,
        "no provider catalogue was given",
        Some(
            "give the ruleset a provider catalogue first (`with_catalogue`, `--catalogue`)"
                .to_string(),
        ),
    )
}

/// One step of a fact's path.
enum Step<'p> {
    Field(&'p str),
    Index(usize),
    /// A month of a monthly series, `income[2025-01]` (language reference §6.5).
    Month(&'p str),
}

fn bad_path(path: &str, why: &str) -> Error {
    Error::request(
        Code::U0005,
        format!("`{path}` is not a fact's path: {why}"),
        Some("write paths as the next questions give them: `region`, `members[1].age`".to_string()),
    )
}

/// The case's last event as the engine writes it: the one just opened or
/// applied, so there is one.
fn last_line(case: &Case) -> String {
    let line = case.events().last().map(Event::to_json_line);
    debug_assert!(
        line.is_some(),
        "INVARIANT: the event just added is the case's last"
    );
    line.unwrap_or_default()
}

fn parse_path(path: &str) -> Result<Vec<Step<'_>>, Error> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => {
                let why = "`i` is where a `[` starts";
                (
                    crate::source::slice(part, ..i, why),
                    crate::source::slice(part, i.., why),
                )
            }
            None => (part, ""),
        };
        if name.is_empty() {
            return Err(bad_path(path, "a name is empty"));
        }
        steps.push(Step::Field(name));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| bad_path(path, "a `[` is not closed"))?;
            let inside = rest.get(1..close).unwrap_or("");
            match inside.parse::<usize>() {
                Ok(index) => steps.push(Step::Index(index)),
                Err(_) if crate::check::parse_month(inside).is_some() => {
                    steps.push(Step::Month(inside));
                }
                Err(_) => return Err(bad_path(path, "an index is not a number")),
            }
            rest = crate::source::slice(rest, close + 1.., "just past the one-byte `]` at `close`");
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad_path(path, "text follows an index"));
            }
        }
    }
    Ok(steps)
}

fn set_path(doc: &mut Json, path: &str, value: Json) -> Result<(), Error> {
    let steps = parse_path(path)?;
    let mut at = doc;
    let mut value = Some(value);
    let last = steps.len().saturating_sub(1);
    for (i, step) in steps.iter().enumerate() {
        let next_is_index = matches!(steps.get(i + 1), Some(Step::Index(_)));
        let fresh = || match next_is_index {
            true => Json::Array(Vec::new()),
            false => Json::Object(Default::default()),
        };
        at = match step {
            Step::Field(name) => {
                let Json::Object(map) = at else {
                    return Err(bad_path(path, &format!("`{name}` is not in an object")));
                };
                if i == last {
                    map.insert((*name).to_string(), value.take().unwrap_or(Json::Null));
                    return Ok(());
                }
                let slot = map.entry((*name).to_string()).or_insert_with(fresh);
                if slot.is_null() {
                    *slot = fresh();
                }
                slot
            }
            Step::Index(n) => {
                let Json::Array(list) = at else {
                    return Err(bad_path(path, "an index is not on a list"));
                };
                if *n == list.len() {
                    list.push(fresh());
                } else if *n > list.len() {
                    return Err(bad_path(
                        path,
                        &format!("the list has {} elements; add them in order", list.len()),
                    ));
                }
                let Some(slot) = list.get_mut(*n) else {
                    return Err(bad_path(path, "no such element"));
                };
                if i == last {
                    *slot = value.take().unwrap_or(Json::Null);
                    return Ok(());
                }
                slot
            }
            // A month of a series: a key of the series' object, always last.
            Step::Month(month) => {
                if i != last {
                    return Err(bad_path(path, "a month `[YYYY-MM]` ends a path"));
                }
                let Json::Object(map) = at else {
                    return Err(bad_path(path, "a month is not on a monthly series"));
                };
                map.insert((*month).to_string(), value.take().unwrap_or(Json::Null));
                return Ok(());
            }
        };
    }
    Err(bad_path(path, "it is empty"))
}

impl From<crate::facade::CheckReport> for Error {
    fn from(report: crate::facade::CheckReport) -> Error {
        Error::ruleset(&report)
    }
}

impl Problem {
    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == crate::diagnostics::Severity::Error
    }
}

/// `name` when the request gives one, otherwise the only one of `names`; with
/// none or several, a `code` error naming them (`kind`: singular and plural).
fn the_only_one<'a>(
    name: Option<&'a str>,
    names: &[&'a str],
    code: Code,
    (one, many): (&str, &str),
) -> Result<&'a str, Error> {
    match (name, names) {
        (Some(n), _) => Ok(n),
        (None, [only]) => Ok(only),
        (None, []) => Err(Error::request(
            code,
            format!("the ruleset declares no {one}"),
            None,
        )),
        (None, names) => Err(Error::request(
            code,
            format!("the ruleset has several {many}; name one"),
            Some(format!("the {many} are {}", names.join(", "))),
        )),
    }
}
