//! Accord for the web and Node: [`accord_core::facade`] through wasm-bindgen.
//!
//! This crate only converts. Every function hands its strings to the facade and
//! hands the facade's string back, so a call answers byte for byte what the CLI
//! (`--format json`) and every other binding answer; `tests/conformance/` holds
//! it to that from Node (`bindings/wasm/test/conformance.test.mjs`).
//!
//! A refused call throws a JS `Error` whose `message` is the facade error's JSON
//! ([`accord_core::facade::Error::to_json`]: `{"kind", "message", "problems"}`);
//! the package's `index.js` turns it into a typed `AccordError`.
//!
//! Sources cross the boundary as one JSON text, `[{"name": …, "text": …}, …]`,
//! so no JS-object conversion crate is needed.

use accord_core::facade::{self, Error, GraphFormat};
use accord_core::Code;
use accord_core::SourceFile;

/// The wasm-bindgen exports. The crate keeps the workspace's
/// `forbid(unsafe_code)`: the glue `#[wasm_bindgen]` generates does not trip it.
mod exports {
    use wasm_bindgen::prelude::*;

    use super::*;

    fn thrown(error: Error) -> JsError {
        JsError::new(&error.to_json())
    }

    fn js<T>(result: Result<T, Error>) -> Result<T, JsError> {
        result.map_err(thrown)
    }

    /// A screened registry: its JSON lines and the counts of the CLI's summary.
    #[wasm_bindgen(getter_with_clone)]
    pub struct ScreenedLines {
        pub text: String,
        pub lines: usize,
        pub bad: usize,
        #[wasm_bindgen(js_name = workLimit)]
        pub work_limit: usize,
    }

    /// A compiled ruleset (the facade's `Ruleset`), strings in and out.
    #[wasm_bindgen]
    pub struct Ruleset {
        inner: facade::Ruleset,
    }

    #[wasm_bindgen]
    impl Ruleset {
        /// Parses, checks and compiles `sources` (`[{"name", "text"}, …]`),
        /// with `entity` as the facts' root when given.
        pub fn load(sources: &str, entity: Option<String>) -> Result<Ruleset, JsError> {
            js(super::load(sources, entity.as_deref()).map(|inner| Ruleset { inner }))
        }

        /// This ruleset with a reform laid over it (§22): `sources` as `load`
        /// takes them, their declarations replacing this ruleset's of the same
        /// name, then `settings`, the parameters set (JSON: a list of
        /// `{"name", "value", "from"}`, compare's `set`). A new ruleset,
        /// checked: a reform that does not check throws its diagnostics. The
        /// catalogue and ratings are not carried over.
        pub fn reform(&self, sources: &str, settings: Option<String>) -> Result<Ruleset, JsError> {
            js(super::sources(sources).and_then(|files| {
                self.inner
                    .reform_json(files, settings.as_deref().unwrap_or(""))
                    .map(|inner| Ruleset { inner })
            }))
        }

        /// A new ruleset: this one with the provider catalogue (JSON) in
        /// place of any earlier one and its ratings; this one unchanged (the
        /// compiled rules are shared, not copied).
        #[wasm_bindgen(js_name = withCatalogue)]
        pub fn with_catalogue(&self, json: &str) -> Result<Ruleset, JsError> {
            js(self
                .inner
                .clone()
                .with_catalogue(json)
                .map(|inner| Ruleset { inner }))
        }

        /// A new ruleset: this one with the ratings (JSON); needs a catalogue.
        #[wasm_bindgen(js_name = withRatings)]
        pub fn with_ratings(&self, json: &str) -> Result<Ruleset, JsError> {
            js(self
                .inner
                .clone()
                .with_ratings(json)
                .map(|inner| Ruleset { inner }))
        }

        #[wasm_bindgen(js_name = setCatalogue)]
        pub fn set_catalogue(&mut self, json: &str) -> Result<(), JsError> {
            js(self.inner.set_catalogue(json))
        }

        #[wasm_bindgen(js_name = setRatings)]
        pub fn set_ratings(&mut self, json: &str) -> Result<(), JsError> {
            js(self.inner.set_ratings(json))
        }

        /// Adds the ratings of the cases' `rates providers` surveys (`cases`:
        /// a JSON object from case names to event logs); returns what was
        /// added and the cases skipped, as JSON.
        #[wasm_bindgen(js_name = addCaseRatings)]
        pub fn add_case_ratings(&mut self, cases: &str) -> Result<String, JsError> {
            js(self.inner.add_case_ratings(cases))
        }

        pub fn info(&self) -> String {
            self.inner.info()
        }

        pub fn warnings(&self) -> String {
            self.inner.warnings()
        }

        pub fn screen(
            &self,
            facts: &str,
            as_of: &str,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self.inner.screen(facts, as_of, lang.as_deref()))
        }

        #[wasm_bindgen(js_name = nextQuestions)]
        pub fn next_questions(
            &self,
            facts: &str,
            as_of: &str,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self.inner.next_questions(facts, as_of, lang.as_deref()))
        }

        pub fn explain(
            &self,
            facts: &str,
            as_of: &str,
            program: &str,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self.inner.explain(facts, as_of, program, lang.as_deref()))
        }

        #[wasm_bindgen(js_name = screenJsonl)]
        pub fn screen_jsonl(
            &self,
            lines: &str,
            as_of: &str,
            explain: bool,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .screen_jsonl(lines, as_of, explain, lang.as_deref()))
        }

        /// `screenJsonl` with the counts of `accord screen --facts-jsonl`'s
        /// summary, `id_key`: the key of each document carried into its
        /// line as `"id"` (taken out before the facts are checked), and
        /// `statuses`: only the results of these statuses in each line
        /// (`["eligible", "undetermined"]`; `--only`).
        #[wasm_bindgen(js_name = screenJsonlReport)]
        pub fn screen_jsonl_report(
            &self,
            lines: &str,
            as_of: &str,
            explain: bool,
            lang: Option<String>,
            id_key: Option<String>,
            statuses: Option<Vec<String>>,
        ) -> Result<ScreenedLines, JsError> {
            let statuses = match &statuses {
                Some(names) => js(facade::parse_statuses(names))?,
                None => accord_core::StatusFilter::ALL,
            };
            let options = facade::JsonlOptions {
                explain,
                lang: lang.as_deref(),
                threads: 1,
                id_key: id_key.as_deref(),
                statuses,
            };
            js(self.inner.screen_jsonl_report(lines, as_of, &options)).map(|s| ScreenedLines {
                text: s.text,
                lines: s.lines,
                bad: s.bad,
                work_limit: s.work_limit,
            })
        }

        /// A registry's lines screened under this ruleset and a reform
        /// (`reform`: sources as `load` takes them; `options`: JSON, §22).
        pub fn compare(
            &self,
            reform: &str,
            lines: &str,
            as_of: &str,
            options: &str,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(super::sources(reform).and_then(|files| {
                self.inner
                    .compare(files, lines, as_of, options, lang.as_deref())
            }))
        }

        pub fn answer(&self, facts: &str, path: &str, value: &str) -> Result<String, JsError> {
            js(self.inner.answer(facts, path, value))
        }

        pub fn schema(&self, lang: Option<String>) -> Result<String, JsError> {
            js(self.inner.schema(lang.as_deref()))
        }

        #[wasm_bindgen(js_name = assessmentForm)]
        pub fn assessment_form(&self, assessment: Option<String>) -> Result<String, JsError> {
            js(self.inner.assessment_form(assessment.as_deref()))
        }

        pub fn assess(
            &self,
            assessment: Option<String>,
            answers: &str,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .assess(assessment.as_deref(), answers, lang.as_deref()))
        }

        pub fn providers(
            &self,
            need: &str,
            region: Option<String>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .providers(need, region.as_deref(), lang.as_deref()))
        }

        /// Providers for every need an assessment result established: a
        /// list of reports, one per need.
        #[wasm_bindgen(js_name = providersForResult)]
        pub fn providers_for_result(
            &self,
            result: &str,
            region: Option<String>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .providers_for_result(result, region.as_deref(), lang.as_deref()))
        }

        /// The territorial map: needs found against capacity, per region.
        #[wasm_bindgen(js_name = needsMap)]
        pub fn needs_map(&self, results: &str) -> Result<String, JsError> {
            js(self.inner.needs_map(results))
        }

        /// A role's agenda and the monitoring figures over many cases
        /// (`cases`: a JSON object from case names to event logs), the
        /// agenda's labels in `lang`.
        pub fn caseload(
            &self,
            cases: &str,
            as_of: &str,
            role: Option<String>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .caseload(cases, as_of, role.as_deref(), lang.as_deref()))
        }

        #[wasm_bindgen(js_name = caseState)]
        pub fn case_state(
            &self,
            log: &str,
            as_of: &str,
            role: Option<String>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self
                .inner
                .case_state(log, as_of, role.as_deref(), lang.as_deref()))
        }

        /// The state as a role, or a provider playing a role `is provider`,
        /// may see it.
        #[wasm_bindgen(js_name = caseView)]
        pub fn case_view(
            &self,
            log: &str,
            as_of: &str,
            role: Option<String>,
            provider: Option<String>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(self.inner.case_view(
                log,
                as_of,
                role.as_deref(),
                provider.as_deref(),
                lang.as_deref(),
            ))
        }

        #[wasm_bindgen(js_name = caseAdd)]
        pub fn case_add(&self, log: &str, event: &str) -> Result<String, JsError> {
            js(self.inner.case_add(log, event))
        }

        pub fn merge(&self, a: &str, b: &str) -> Result<String, JsError> {
            js(self.inner.merge(a, b))
        }

        /// `format` is `dot`, `mermaid` or `json`.
        pub fn graph(
            &self,
            protocol: Option<String>,
            format: &str,
            version: Option<u32>,
            lang: Option<String>,
        ) -> Result<String, JsError> {
            js(GraphFormat::parse(format).and_then(|format| {
                self.inner
                    .graph(protocol.as_deref(), format, version, lang.as_deref())
            }))
        }

        #[wasm_bindgen(js_name = runTests)]
        pub fn run_tests(&self) -> String {
            self.inner.run_tests()
        }
    }

    /// Every diagnostic of `sources` (`[{"name", "text"}, …]`), as
    /// `CheckReport::to_json`.
    #[wasm_bindgen]
    pub fn check(sources: &str) -> Result<String, JsError> {
        js(super::check(sources))
    }

    /// One file in the canonical layout, or its syntax errors (a `ruleset`
    /// error).
    #[wasm_bindgen]
    pub fn format(name: &str, source: &str) -> Result<String, JsError> {
        js(super::format(name, source))
    }

    /// This package's version (the workspace's).
    #[wasm_bindgen]
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }

    /// A ruleset being written, for an editor (the playground): built with
    /// the `ide` feature only, so the screener's package stays small.
    #[cfg(feature = "ide")]
    #[wasm_bindgen]
    pub struct Workbench {
        inner: accord_core::ide::Analysis,
    }

    #[cfg(feature = "ide")]
    #[wasm_bindgen]
    impl Workbench {
        /// Parses and checks `sources` (`[{"name", "text"}, …]`), however
        /// broken: every file is analysed.
        #[wasm_bindgen(constructor)]
        pub fn new(sources: &str) -> Result<Workbench, JsError> {
            js(super::sources(sources)).map(|files| Workbench {
                inner: accord_core::ide::Analysis::new(files),
            })
        }

        /// One editor question as JSON (`{"op": "hover", …}`), its answer as
        /// JSON: `accord_core::ide`'s `answer_json`.
        pub fn ask(&self, request: &str) -> String {
            self.inner.answer_json(request)
        }
    }
}

pub use exports::{check as js_check, format as js_format, Ruleset};

/// The sources of a ruleset from their JSON text; `U0009` when it is not a
/// list of `{"name", "text"}` objects.
pub fn sources(json: &str) -> Result<Vec<SourceFile>, Error> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    serde_json::from_str(json).map_err(|e| {
        let message = format!("the sources are not a list of {{\"name\", \"text\"}}: {e}");
        Error::request(
            Code::U0009,
            message,
            Some(
                "give the sources as JSON: [{\"name\": \"a.accord\", \"text\": \"…\"}]".to_string(),
            ),
        )
    })
}

/// [`facade::Ruleset::load`] / `load_with_entity` on JSON sources.
pub fn load(sources_json: &str, entity: Option<&str>) -> Result<facade::Ruleset, Error> {
    let files = sources(sources_json)?;
    match entity {
        Some(entity) => facade::Ruleset::load_with_entity(files, entity),
        None => facade::Ruleset::load(files),
    }
}

/// [`facade::check`] on JSON sources.
pub fn check(sources_json: &str) -> Result<String, Error> {
    Ok(facade::check(sources(sources_json)?).to_json())
}

/// [`facade::format`], its report as an [`Error`].
pub fn format(name: &str, source: &str) -> Result<String, Error> {
    facade::format(SourceFile::new(name, source)).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "ruleset tiny";

    #[test]
    fn sources_must_be_a_list_of_files() {
        let Err(error) = sources("{\"name\": 1}") else {
            unreachable!("an object is not a list");
        };
        assert_eq!(error.kind, accord_core::ErrorKind::Request);
        assert_eq!(error.code(), Code::U0009);
        assert!(error.to_json().contains("\"U0009\""));
    }

    #[test]
    fn sources_parse_with_a_byte_order_mark() {
        let files = sources("\u{feff}[{\"name\": \"a.accord\", \"text\": \"x\"}]");
        assert_eq!(files.ok(), Some(vec![SourceFile::new("a.accord", "x")]));
    }

    #[test]
    fn check_and_format_hand_over_the_facade_text() {
        let json = serde_json::json!([{"name": "a.accord", "text": RULES}]).to_string();
        let got = check(&json).ok();
        let want = facade::check(vec![SourceFile::new("a.accord", RULES)]).to_json();
        assert_eq!(got, Some(want));
        let bad = format("b.accord", "program {").err();
        assert_eq!(bad.map(|e| e.kind), Some(accord_core::ErrorKind::Ruleset));
    }
}
