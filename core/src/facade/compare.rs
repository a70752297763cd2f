//! `compare`: a registry screened under this ruleset and a reform (§22 of
//! `docs/language.md`), the one implementation behind `accord compare` and
//! every binding's `compare`.

use serde_json::Value as Json;

use crate::codes::Code;
use crate::compare::{
    reform, CompareOptions, CompareReport, Comparison, Incomes, Refused, Setting, Tally,
};
use crate::facade::ruleset::parse_as_of;
use crate::facade::{Error, Ruleset};
use crate::screen::Engine;
use crate::source::SourceFile;

impl From<Refused> for Error {
    fn from(r: Refused) -> Error {
        match r {
            Refused::Request {
                code,
                message,
                help,
            } => Error::request(code, message, help),
            Refused::Ruleset(report) => Error::ruleset(&report),
        }
    }
}

/// A comparison's request: the options and the parameters set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompareRequest {
    pub options: CompareOptions,
    pub settings: Vec<Setting>,
}

fn bad_options(message: impl Into<String>) -> Error {
    Error::request(
        Code::U0037,
        message,
        Some(
            "the options are a JSON object with `by`, `decile_by`, `people` (texts) and `set` \
             (a list of `{\"name\", \"value\", \"from\"}`), all optional"
                .to_string(),
        ),
    )
}

fn bad_settings(message: impl Into<String>) -> Error {
    Error::request(
        Code::U0037,
        message,
        Some(
            "the settings are a JSON list of `{\"name\", \"value\", \"from\"}` (`from` \
             optional), as the `set` of compare's options"
                .to_string(),
        ),
    )
}

/// The parameters set (`--set NAME=VALUE --from DATE`) from their JSON: a list
/// of `{"name", "value", "from"}`, the `set` of compare's options.
fn settings_of(v: &Json, bad: fn(String) -> Error) -> Result<Vec<Setting>, Error> {
    let Json::Array(items) = v else {
        return Err(bad("the option `set` is not a list".to_string()));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let name = item.get("name").and_then(Json::as_str);
        let value = match item.get("value") {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Number(n)) => Some(n.to_string()),
            Some(Json::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        let (Some(name), Some(value)) = (name, value) else {
            return Err(bad(
                "each `set` is `{\"name\": …, \"value\": …, \"from\": …}`".to_string(),
            ));
        };
        let from = item.get("from").and_then(Json::as_str).map(str::to_string);
        out.push(Setting {
            name: name.to_string(),
            value,
            from,
        });
    }
    Ok(out)
}

/// A reform's parameters set, from JSON as the bindings give them: the list
/// compare's options hold under `set` (`[{"name", "value", "from"}]`); an
/// empty text or `null` sets none (`U0037` when it is not that shape).
pub fn settings_from_json(json: &str) -> Result<Vec<Setting>, Error> {
    let json = json.trim();
    if json.is_empty() {
        return Ok(Vec::new());
    }
    let value: Json = serde_json::from_str(json)
        .map_err(|_| bad_settings("the reform's settings are not valid JSON"))?;
    match value {
        Json::Null => Ok(Vec::new()),
        Json::Array(_) => settings_of(&value, bad_settings),
        _ => Err(bad_settings("the reform's settings are not a JSON list")),
    }
}

impl CompareRequest {
    /// Reads the options' JSON (`U0037` when it is not that shape).
    pub fn from_json(json: &str) -> Result<CompareRequest, Error> {
        let json = json.trim();
        if json.is_empty() {
            return Ok(CompareRequest::default());
        }
        let value: Json = serde_json::from_str(json)
            .map_err(|_| bad_options("the comparison's options are not valid JSON"))?;
        let Json::Object(map) = value else {
            return Err(bad_options(
                "the comparison's options are not a JSON object",
            ));
        };
        let mut out = CompareRequest::default();
        let text = |v: &Json, key: &str| -> Result<Option<String>, Error> {
            match v {
                Json::Null => Ok(None),
                Json::String(s) => Ok(Some(s.clone())),
                _ => Err(bad_options(format!("the option `{key}` is not a text"))),
            }
        };
        for (key, v) in &map {
            match key.as_str() {
                "by" => out.options.by = text(v, key)?,
                "decile_by" => out.options.decile_by = text(v, key)?,
                "people" => out.options.people = text(v, key)?,
                "set" => out.settings = settings_of(v, bad_options)?,
                other => return Err(bad_options(format!("unknown option `{other}`"))),
            }
        }
        Ok(out)
    }
}

impl Ruleset {
    /// This ruleset with `reform`'s files laid over it (a declaration of the
    /// same name replaces this ruleset's) and then each setting: the reformed
    /// ruleset, checked (the `ruleset` error with every diagnostic otherwise:
    /// E0901–E0904 for the overrides themselves).
    pub fn reform(&self, files: Vec<SourceFile>, settings: &[Setting]) -> Result<Ruleset, Error> {
        let base: Vec<SourceFile> = self.engine.sources.files().cloned().collect();
        let merged = reform::reformed(base, files, settings)?;
        let mut engine = Engine::compile(merged).map_err(|r| {
            let error = Error::ruleset(&r);
            // A value of `--set` the checker refuses is the request's fault.
            let set = error.problems.iter().find_map(|p| {
                let name = p.file.as_deref()?.strip_prefix("--set ")?;
                Some((name.to_string(), p.message.clone(), p.help.clone()))
            });
            match set {
                Some((name, message, help)) => Error::request(
                    Code::U0032,
                    format!(
                        "the value of `--set {name}` is not a value of the parameter: {message}"
                    ),
                    help,
                ),
                None => error,
            }
        })?;
        // The reform keeps the base's entities, in order: the base's root
        // (chosen with `load_with_entity`) is the reform's.
        if engine.root.is_none() {
            engine.root = self.engine.root;
        }
        Ok(Ruleset::from_engine(engine))
    }

    /// [`Ruleset::reform`] with the settings as JSON ([`settings_from_json`]):
    /// what every binding's `reform` calls.
    pub fn reform_json(&self, files: Vec<SourceFile>, settings: &str) -> Result<Ruleset, Error> {
        self.reform(files, &settings_from_json(settings)?)
    }

    /// Screens the registry `lines` (one facts document a line) under this
    /// ruleset and the reform (`reform` files and the `set` of `options`,
    /// JSON), and tallies the differences: JSON, as `accord compare --format
    /// json` prints it.
    pub fn compare(
        &self,
        reform: Vec<SourceFile>,
        lines: &str,
        as_of: &str,
        options: &str,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let request = CompareRequest::from_json(options)?;
        self.compare_report(reform, lines, as_of, &request, lang)
            .map(|r| r.to_json())
    }

    /// [`Ruleset::compare`], typed.
    pub fn compare_report(
        &self,
        reform: Vec<SourceFile>,
        lines: &str,
        as_of: &str,
        request: &CompareRequest,
        lang: Option<&str>,
    ) -> Result<CompareReport, Error> {
        let as_of = parse_as_of(as_of)?;
        if reform.is_empty() && request.settings.is_empty() {
            return Err(Error::request(
                Code::U0038,
                "a comparison needs a reform: files, or parameters set",
                Some("give a reform file or `--set NAME=VALUE`".to_string()),
            ));
        }
        let reformed = self.reform(reform, &request.settings)?;
        let comparison = Comparison::new(&self.engine, &reformed.engine, &request.options)?;
        let mut ws = comparison.workspace(as_of);
        let numbered: Vec<(usize, &[u8])> = lines
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_bytes()))
            .collect();
        let group = crate::screen::batch::GROUP_LINES;
        let mut incomes = Incomes::default();
        if comparison.needs_incomes() {
            for part in numbered.chunks(group) {
                comparison.incomes(&mut ws, part, &mut incomes);
            }
        }
        let deciles = incomes.cutoffs();
        let mut tally = Tally::default();
        for part in numbered.chunks(group) {
            comparison.tally(&mut ws, part, &deciles, &mut tally);
        }
        Ok(comparison.report(&tally, as_of, lang))
    }
}
