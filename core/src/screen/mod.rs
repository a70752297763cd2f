//! Screening: evaluating a facts document against a ruleset's programmes.
//!
//! ```text
//! Engine::compile(files)        check + lower, once per ruleset (Send + Sync)
//! engine.facts_from_json(text)  validate a facts document against the entities
//! engine.session(as_of)         parameters resolved for the date; reusable buffers
//! session.evaluate(&facts)      every programme for every subject, no allocation
//! session.screen(&facts, opts)  the owned report: missing facts, explanations,
//!                               next questions, labels in the requested language
//! ```

pub mod batch;
mod compiled;
pub(crate) mod document;
pub(crate) mod facts;
pub(crate) mod facts_json;
pub(crate) mod lower;
pub(crate) mod machine;
mod memo;
pub(crate) mod plan;
pub mod report;
pub(crate) mod scale;
mod schema;
pub(crate) mod series;
pub(crate) mod split;
pub(crate) mod value;

pub use facts::{FactError, Facts, FactsError, MAX_FACT_ERRORS};
pub use report::{
    ExplainedClause, Explanation, NextQuestion, OptionValue, QuestionOption, ScreenOptions,
    ScreenReport, ScreenResult, UsedValue,
};

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::check::Checked;
use crate::codes::Code;
use crate::pipeline::CheckReport;
use crate::source::{SourceFile, SourceMap};
use lower::Lowered;
use machine::{AsOf, FactRef, Machine, Scratch};
use value::V;

/// A lookup by an id this engine produced: a result's programme, a fault's
/// table or parameter, a fact's instance, entity and field, a result's range of
/// missing facts. Results and faults come from this engine's evaluation, and
/// instances from its facts builder (a [`Facts`] is screened by the engine that
/// built it), so the lookup finds what it asks for.
///
/// INVARIANT: `found` is `Some`; `debug_assert!` checks it (the fuzz targets and
/// property tests run debug builds), and a caller's fallback for `None` (no
/// name, no entry) is unreachable.
#[track_caller]
pub(crate) fn in_model<T>(found: Option<T>, what: &'static str) -> Option<T> {
    debug_assert!(
        found.is_some(),
        "{what}: an id this engine produced is in its model"
    );
    found
}

/// A programme's status for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Eligible,
    Ineligible,
    Undetermined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Ineligible => "ineligible",
            Status::Undetermined => "undetermined",
        }
    }

    pub(crate) fn from_tri(t: Option<bool>) -> Status {
        match t {
            Some(true) => Status::Eligible,
            Some(false) => Status::Ineligible,
            None => Status::Undetermined,
        }
    }

    /// Every status, in the order reports name them.
    pub const ALL: [Status; 3] = [Status::Eligible, Status::Ineligible, Status::Undetermined];

    /// The status a name (as [`Status::as_str`] gives it) names.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Which results a registry screening writes, by status (`accord screen
/// --only eligible,undetermined`): a team screening for families to reach
/// keeps the eligible and the undetermined and leaves out the many
/// ineligible results. The default keeps every result. A refused household
/// (an error line or error rows) is always written: it is not a result, and
/// leaving it out would lose it silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusFilter {
    eligible: bool,
    ineligible: bool,
    undetermined: bool,
}

impl Default for StatusFilter {
    fn default() -> StatusFilter {
        StatusFilter::ALL
    }
}

impl StatusFilter {
    /// Every result kept.
    pub const ALL: StatusFilter = StatusFilter {
        eligible: true,
        ineligible: true,
        undetermined: true,
    };

    /// Keeps exactly `statuses` (empty keeps none: only refused households
    /// are written).
    pub fn only(statuses: impl IntoIterator<Item = Status>) -> StatusFilter {
        let mut f = StatusFilter {
            eligible: false,
            ineligible: false,
            undetermined: false,
        };
        for s in statuses {
            match s {
                Status::Eligible => f.eligible = true,
                Status::Ineligible => f.ineligible = true,
                Status::Undetermined => f.undetermined = true,
            }
        }
        f
    }

    /// Whether a result of `status` is written.
    pub fn keeps(self, status: Status) -> bool {
        match status {
            Status::Eligible => self.eligible,
            Status::Ineligible => self.ineligible,
            Status::Undetermined => self.undetermined,
        }
    }

    /// Whether every result is kept (no filtering to do).
    pub fn keeps_all(self) -> bool {
        self == StatusFilter::ALL
    }

    /// The statuses kept, in [`Status::ALL`]'s order.
    pub fn statuses(self) -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(move |s| self.keeps(*s))
    }
}

/// A ruleset checked without errors and lowered for evaluation. Immutable, and
/// shared freely between threads.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) checked: Checked,
    pub(crate) lowered: Lowered,
    pub(crate) sources: SourceMap,
    /// The warnings of the check (the ruleset had no errors).
    pub(crate) warnings: CheckReport,
    /// The root entity of facts documents, when there is exactly one candidate.
    pub(crate) root: Option<u32>,
    /// Whether sessions compile the certain path (chains of definitions short
    /// enough); otherwise every document goes to the row machine.
    pub(crate) certain: bool,
}

impl Engine {
    /// Checks the files as one ruleset and prepares it for evaluation. Errors (not
    /// warnings) come back as the report.
    pub fn compile(files: Vec<SourceFile>) -> Result<Engine, CheckReport> {
        let (report, checked) = crate::pipeline::parse_and_check(files);
        if report.has_errors() {
            return Err(report);
        }
        let sources = report.sources.clone();
        let lowered = lower::lower(&checked, &|file| sources.file(file).map(|f| f.text.clone()));
        let root = match checked.roots.as_slice() {
            [one] => Some(one.0 as u32),
            _ => None,
        };
        let certain = plan::chains_bounded(&lowered);
        Ok(Engine {
            certain,
            checked,
            lowered,
            sources,
            warnings: report,
            root,
        })
    }

    /// Whether documents whose results can all be decided are evaluated by the
    /// certain path (they are unless a chain of definitions is deeper than it
    /// takes on; then every document goes to the row machine, with the same
    /// results).
    pub fn has_certain_path(&self) -> bool {
        self.certain
    }

    /// The check's warnings.
    pub fn warnings(&self) -> &CheckReport {
        &self.warnings
    }

    /// The ruleset's declared languages; the first is the language of labels.
    pub fn languages(&self) -> &[String] {
        &self.checked.ruleset.languages
    }

    /// The names of the programmes, in declaration order.
    pub fn program_names(&self) -> impl Iterator<Item = &str> {
        self.checked.programs.iter().map(|p| p.name.as_str())
    }

    /// Names of the entities that can be the root of a facts document.
    pub fn root_candidates(&self) -> Vec<&str> {
        self.checked
            .roots
            .iter()
            .filter_map(|e| self.checked.entities.get(e.0))
            .map(|e| e.name.as_str())
            .collect()
    }

    /// Uses `entity` as the root of facts documents (`--entity`), when the ruleset
    /// has several candidates.
    pub fn with_root(mut self, entity: &str) -> Result<Engine, FactsError> {
        match self.checked.roots.iter().find(|e| {
            self.checked
                .entities
                .get(e.0)
                .is_some_and(|d| d.name == entity)
        }) {
            Some(e) => {
                self.root = Some(e.0 as u32);
                Ok(self)
            }
            None => Err(FactsError::one(
                Code::F0007,
                "",
                format!(
                    "`{entity}` cannot be the root of the facts; the candidates are {}",
                    self.root_candidates().join(", ")
                ),
            )),
        }
    }

    fn root(&self) -> Result<u32, FactsError> {
        self.root.ok_or_else(|| {
            FactsError::one(
                Code::F0007,
                "",
                format!(
                    "the ruleset has several root entities ({}); name the one the facts describe",
                    self.root_candidates().join(", ")
                ),
            )
        })
    }

    /// Validates a facts document (JSON text) describing the root entity. Missing
    /// fields and `null` are unknown facts.
    pub fn facts_from_json(&self, json: &str) -> Result<Facts, FactsError> {
        self.facts_from_json_reusing(json, Facts::default())
    }

    /// Like [`Engine::facts_from_json`], filling the buffers of `spare` (a facts
    /// document no longer needed) instead of allocating: a registry reads
    /// millions of documents.
    pub fn facts_from_json_reusing(&self, json: &str, spare: Facts) -> Result<Facts, FactsError> {
        FactsError::check_size(
            Code::F0008,
            "the facts document",
            json,
            crate::limits::MAX_FACTS_BYTES,
        )?;
        let root = self.root()?;
        facts_json::from_text(&self.lowered, &self.checked, root, json, spare)
    }

    /// Validates a facts document read by any serde deserializer (a row of an
    /// Arrow table, say), filling `spare`'s buffers: the same checks, paths and
    /// errors as JSON. With `text_scalars` (every value a text, as in CSV),
    /// `"true"`/`"false"` are read as Booleans too.
    pub fn facts_from_deserializer<'de, D: serde::Deserializer<'de>>(
        &self,
        de: D,
        spare: Facts,
        text_scalars: bool,
    ) -> Result<Facts, FactsError> {
        let root = self.root()?;
        facts_json::from_deserializer(&self.lowered, &self.checked, root, de, spare, text_scalars)
    }

    /// The programmes' labels in `lang` (the ruleset's first language when
    /// `lang` is not one of its languages), in declaration order: the order of
    /// results.
    pub fn program_labels(&self, lang: Option<&str>) -> Vec<(&str, String)> {
        let lang = report::resolve_lang(self, lang);
        self.checked
            .programs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    crate::labels::localize(p.label.as_ref(), &lang, &p.name),
                )
            })
            .collect()
    }

    /// Validates a facts document already parsed as JSON.
    pub fn facts_from_value(&self, json: &serde_json::Value) -> Result<Facts, FactsError> {
        let root = self.root()?;
        facts_json::from_json_value(&self.lowered, &self.checked, root, json)
    }

    /// A session evaluating as of `as_of`. Hold one per thread and reuse it.
    pub fn session(&self, as_of: Date) -> Session<'_> {
        let asof = AsOf::new(&self.lowered, as_of);
        // The plan's bound on chains of definitions also bounds the certain
        // path's recursion, so it is compiled only when there is a plan.
        let fast = match self.certain {
            true => compiled::Compiled::new(&self.lowered, &asof.folded),
            false => None,
        };
        Session {
            engine: self,
            asof,
            fast,
            fast_scratch: compiled::FastScratch::default(),
            certain_path: true,
            settled: 0,
            tried: 0,
            failures: 0,
            scratch: Scratch::default(),
            doc_results: Vec::new(),
            doc_work_limit: Vec::new(),
            results: Vec::new(),
            result_missing: Vec::new(),
            splits: Vec::new(),
            paths: String::new(),
            path_at: Vec::new(),
            line_prefix: Vec::new(),
            line_lang: String::new(),
            line_keep: StatusFilter::ALL,
        }
    }

    /// A JSON Schema of the facts document, with labels in `lang` (or the first
    /// language).
    pub fn json_schema(&self, lang: Option<&str>) -> Result<serde_json::Value, FactsError> {
        let root = self.root()?;
        Ok(schema::schema(self, root, lang))
    }
}

/// Sorts `v[from..]` (document order) and drops repeated facts.
fn dedup_tail(v: &mut Vec<FactRef>, from: usize) {
    if let Some(tail) = v.get_mut(from..) {
        tail.sort_unstable();
    }
    let mut keep = from;
    for r in from..v.len() {
        let cur = v.get(r).copied();
        let last = keep
            .checked_sub(1)
            .filter(|&k| k >= from)
            .and_then(|k| v.get(k).copied());
        if cur != last {
            if let (Some(c), Some(slot)) = (cur, v.get_mut(keep)) {
                *slot = c;
            }
            keep += 1;
        }
    }
    v.truncate(keep);
}

/// Which subject a result is about: an instance of the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectId(pub(crate) u32);

#[derive(Debug, Clone, Copy)]
pub(crate) struct RawResult {
    pub program: u32,
    pub subject: u32,
    pub status: Option<bool>,
    pub amount: V,
    pub missing: (u32, u32),
}

/// Failures of the certain path in a row after which a session tries it less.
const FAILURES_BEFORE_BACKING_OFF: u32 = 8;

/// Evaluation state for one as-of date: resolved parameters and reusable buffers.
pub struct Session<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) asof: AsOf,
    /// The certain path for this date (`None` when the ruleset cannot have one).
    pub(crate) fast: Option<compiled::Compiled>,
    pub(crate) fast_scratch: compiled::FastScratch,
    certain_path: bool,
    settled: u64,
    /// Documents offered to the certain path, and its failures in a row.
    tried: u64,
    failures: u32,
    pub(crate) scratch: Scratch,
    /// Each document's results in `results`, after [`Session::run_many`].
    pub(crate) doc_results: Vec<(u32, u32)>,
    /// Whether each document's evaluation ran out of work
    /// ([`crate::limits::MAX_WORK`]), after [`Session::run_many`].
    pub(crate) doc_work_limit: Vec<bool>,
    pub(crate) results: Vec<RawResult>,
    pub(crate) result_missing: Vec<FactRef>,
    /// The results decided by splitting on a few unknown facts (`split.rs`).
    pub(crate) splits: Vec<split::Split>,
    /// Every instance's path, for registry lines (reused buffers).
    pub(crate) paths: String,
    pub(crate) path_at: Vec<(u32, u32)>,
    /// Each programme's `{"program":"name","label":"…","subject":"` opening
    /// for registry lines, with labels in `line_lang` (built when first needed).
    pub(crate) line_prefix: Vec<String>,
    pub(crate) line_lang: String,
    /// The results registry lines keep ([`Session::set_line_statuses`]).
    pub(crate) line_keep: StatusFilter,
}

impl<'e> Session<'e> {
    pub fn as_of(&self) -> Date {
        self.asof.date
    }

    /// Turns the certain path off (or on again, forgetting its failures): every
    /// document then goes to the row machine. For tests that hold the two to the
    /// same answers.
    #[doc(hidden)]
    pub fn set_certain_path(&mut self, on: bool) {
        self.certain_path = on;
        self.failures = 0;
    }

    /// Whether this session has a certain path (see `compiled.rs`).
    #[doc(hidden)]
    pub fn has_certain_path(&self) -> bool {
        self.fast.is_some()
    }

    /// How many documents this session's certain path has settled (the rest went
    /// to the row machine). For tests that check it is taken.
    #[doc(hidden)]
    pub fn settled_by_certain_path(&self) -> u64 {
        self.settled
    }

    /// Whether the last [`Session::screen`] (or the first document of the last
    /// evaluation) ran out of work ([`crate::limits::MAX_WORK`]).
    pub fn ran_out_of_work(&self) -> bool {
        self.doc_work_limit.first().copied().unwrap_or(false)
    }

    /// Evaluates every programme for every subject of `facts`.
    pub fn evaluate<'s>(&'s mut self, facts: &'s Facts) -> Evaluation<'s> {
        self.run(facts);
        Evaluation {
            engine: self.engine,
            facts,
            work_limit: self.doc_work_limit.first().copied().unwrap_or(false),
            results: &self.results,
            missing: &self.result_missing,
        }
    }

    /// Evaluates every programme for every subject of each document: the same
    /// results as one [`Session::evaluate`] each, kept together (the registry
    /// screening's groups of lines use it).
    pub fn evaluate_many<'s>(&'s mut self, docs: &'s [Facts]) -> Evaluations<'s> {
        self.run_many(docs);
        Evaluations {
            engine: self.engine,
            docs,
            ranges: &self.doc_results,
            work_limit: &self.doc_work_limit,
            results: &self.results,
            missing: &self.result_missing,
        }
    }

    pub(crate) fn run(&mut self, facts: &Facts) {
        self.run_many(std::slice::from_ref(facts));
    }

    /// Evaluates several documents, each by the certain path when it can decide
    /// every result, otherwise by the row machine.
    pub(crate) fn run_many(&mut self, docs: &[Facts]) {
        self.results.clear();
        self.result_missing.clear();
        self.doc_results.clear();
        self.doc_work_limit.clear();
        self.splits.clear();
        for (d, facts) in docs.iter().enumerate() {
            if let Some(next) = docs.get(d + 1) {
                std::hint::black_box(next.touch());
            }
            let from = self.results.len() as u32;
            // The certain path stays within the work limit (a document that
            // would not goes to the row machine).
            let mut work_limit = false;
            if !self.run_fast(facts) {
                work_limit = self.run_row(facts);
                self.split_undetermined(facts, from as usize);
            }
            self.doc_results.push((from, self.results.len() as u32));
            self.doc_work_limit.push(work_limit);
        }
    }

    /// The certain path: appends the results of `facts` when it can decide them
    /// all, and says whether it did.
    fn run_fast(&mut self, facts: &Facts) -> bool {
        let Some(fast) = self.fast.as_ref().filter(|_| self.certain_path) else {
            return false;
        };
        // A session fed partial facts (a screener's form) would try in vain on
        // every document: after a run of failures it tries one document in
        // sixteen until one succeeds. Only speed depends on this, never an answer.
        self.tried += 1;
        if self.failures >= FAILURES_BEFORE_BACKING_OFF && !self.tried.is_multiple_of(16) {
            return false;
        }
        let done = fast.run(
            &self.engine.lowered,
            &self.asof,
            facts,
            &mut self.fast_scratch,
            (&mut self.results, self.result_missing.len() as u32),
        );
        self.settled += u64::from(done);
        self.failures = if done {
            0
        } else {
            self.failures.saturating_add(1)
        };
        done
    }

    /// The row machine: appends the results of `facts`, and says whether
    /// their evaluation ran out of work ([`crate::limits::MAX_WORK`]).
    fn run_row(&mut self, facts: &Facts) -> bool {
        let engine = self.engine;
        let low = &engine.lowered;
        let mut m = Machine::new(low, facts, &self.asof, &mut self.scratch);
        for (pi, p) in low.programs.iter().enumerate() {
            for (ii, inst) in facts.instances.iter().enumerate() {
                if inst.entity != p.subject {
                    continue;
                }
                let from = self.result_missing.len();
                let (status, amount) = if p.referenced {
                    let mark = m.s.missing.len();
                    let memo = m.program(pi as u32, ii as u32, u32::MAX);
                    let (status, amount) = (memo.status, memo.amount);
                    let (start, len) = match status {
                        Some(true) if amount.is_unknown() && p.amount.is_some() => memo.amount_miss,
                        None => memo.miss,
                        _ => (0, 0),
                    };
                    m.s.missing.truncate(mark);
                    if len > 0 {
                        if let Some(part) =
                            m.s.memo_missing.get(start as usize..(start + len) as usize)
                        {
                            self.result_missing.extend_from_slice(part);
                        }
                    }
                    (status, amount)
                } else {
                    // Nothing refers to it: no memo, and the missing facts are
                    // still on the stack (of the status, or of an unknown amount).
                    let (status, amount, mark) = m.program_direct(pi as u32, ii as u32);
                    let unknown_amount =
                        status == Some(true) && amount.is_unknown() && p.amount.is_some();
                    if status.is_none() || unknown_amount {
                        if let Some(part) = m.s.missing.get(mark..) {
                            self.result_missing.extend_from_slice(part);
                        }
                    }
                    m.s.missing.truncate(mark);
                    (status, amount)
                };
                if self.result_missing.len() > from {
                    dedup_tail(&mut self.result_missing, from);
                }
                let (from, w) = (from as u32, self.result_missing.len());
                self.results.push(RawResult {
                    program: pi as u32,
                    subject: ii as u32,
                    status,
                    amount: if status == Some(true) {
                        amount
                    } else {
                        V::Unknown
                    },
                    missing: (from, w as u32 - from),
                });
            }
        }
        m.work_spent()
    }

    /// Screens `facts`: statuses, amounts, missing facts, explanations (when asked)
    /// and next questions, with labels in the requested language.
    pub fn screen(&mut self, facts: &Facts, options: &ScreenOptions) -> ScreenReport {
        let mut report = report::screen(self, facts, options);
        split::annotate(self, facts, &mut report);
        report
    }
}

/// The results of one evaluation, borrowed from the session.
pub struct Evaluation<'s> {
    engine: &'s Engine,
    facts: &'s Facts,
    work_limit: bool,
    pub(crate) results: &'s [RawResult],
    missing: &'s [FactRef],
}

/// The results of [`Session::evaluate_many`], one [`Evaluation`] per document.
pub struct Evaluations<'s> {
    engine: &'s Engine,
    docs: &'s [Facts],
    ranges: &'s [(u32, u32)],
    work_limit: &'s [bool],
    results: &'s [RawResult],
    missing: &'s [FactRef],
}

impl<'s> Evaluations<'s> {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The evaluation of the `i`-th document.
    pub fn get(&self, i: usize) -> Option<Evaluation<'s>> {
        let &(from, to) = self.ranges.get(i)?;
        Some(Evaluation {
            engine: self.engine,
            facts: self.docs.get(i)?,
            work_limit: self.work_limit.get(i).copied().unwrap_or(false),
            results: self.results.get(from as usize..to as usize)?,
            missing: self.missing,
        })
    }
}

/// One programme's result for one subject.
#[derive(Debug, Clone, Copy)]
pub struct ResultView<'s> {
    pub program: &'s str,
    /// The programme's index in declaration order (that of
    /// [`Engine::program_names`] and [`Engine::program_labels`]).
    pub program_index: usize,
    pub subject: SubjectId,
    pub status: Status,
    /// Only for eligible results of programmes with an amount, when it is known.
    pub amount: Option<Decimal>,
    /// How many facts could decide an undetermined result (or an unknown amount).
    pub missing_count: usize,
}

impl<'s> Evaluation<'s> {
    pub fn len(&self) -> usize {
        self.results.len()
    }

    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    pub fn results(&self) -> impl Iterator<Item = ResultView<'s>> + '_ {
        let engine = self.engine;
        self.results.iter().map(move |r| ResultView {
            program: in_model(
                engine.checked.programs.get(r.program as usize),
                "a result's programme",
            )
            .map_or("", |p| p.name.as_str()),
            program_index: r.program as usize,
            subject: SubjectId(r.subject),
            status: Status::from_tri(r.status),
            amount: r.amount.as_decimal(),
            missing_count: r.missing.1 as usize,
        })
    }

    /// Whether the evaluation ran out of work ([`crate::limits::MAX_WORK`]):
    /// its undetermined results are not a gap in the facts.
    pub fn work_limit(&self) -> bool {
        self.work_limit
    }

    /// `""` for the root, `members[1]` for a person.
    pub fn subject_path(&self, subject: SubjectId) -> String {
        report::instance_path(self.engine, self.facts, subject.0)
    }

    /// The paths of the facts that could decide the `index`-th result.
    pub fn missing(&self, index: usize) -> Vec<String> {
        let Some(r) = self.results.get(index) else {
            return Vec::new();
        };
        in_model(
            self.missing
                .get(r.missing.0 as usize..(r.missing.0 + r.missing.1) as usize),
            "a result's missing facts",
        )
        .unwrap_or_default()
        .iter()
        .map(|f| report::fact_path(self.engine, self.facts, *f))
        .collect()
    }
}
