//! Record batches of households screened into record batches of results: one
//! row per (household, programme, subject), as the registry's JSON lines have
//! them, with the household's id carried through.

use std::sync::Arc;

use accord_core::facade::{parse_as_of, Ruleset};
use accord_core::screen::{Facts, FactsError, ScreenOptions, Session};
use accord_core::StatusFilter;
use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int32Builder, ListBuilder, StringBuilder,
};
use arrow_array::{Array, ArrayRef, DictionaryArray, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::de::{readable, Row};
use crate::Error;
use accord_core::Code;

/// Decimal places of the `amount` column: amounts are exact to 10 places;
/// an amount with more (an unrounded division) is rounded half to even at the
/// tenth.
pub const AMOUNT_SCALE: i8 = 10;
/// Digits of the `amount` column (Arrow's widest 128-bit decimal).
pub const AMOUNT_PRECISION: u8 = 38;

/// Households screened together by one thread: enough for the batch
/// evaluation to pay off (the registry's lines use the same).
const GROUP: usize = accord_core::screen::batch::GROUP_LINES;

/// How a table is screened.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The column carried through as the household's id (not a fact); without
    /// one, results carry `row`, the household's 1-based row number.
    pub id_column: Option<String>,
    /// An `explanation` column (JSON text), as `screen --explain` gives.
    pub explain: bool,
    /// The language of labels and explanations.
    pub lang: Option<String>,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Every column is text (a CSV file): `true`/`false` are Booleans and an
    /// empty cell is unknown.
    pub text: bool,
    /// The results written, by status (every result by default); a refused
    /// household's error rows are always written.
    pub statuses: StatusFilter,
}

impl TableOptions {
    pub fn new(as_of: impl Into<String>) -> TableOptions {
        TableOptions {
            as_of: as_of.into(),
            id_column: None,
            explain: false,
            lang: None,
            threads: 1,
            text: false,
            statuses: StatusFilter::ALL,
        }
    }
}

/// What a screening met, besides results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Households screened (rows read).
    pub households: u64,
    /// Result rows written.
    pub rows: u64,
    /// Households whose facts were refused (an error row each problem).
    pub bad: u64,
    /// Households whose evaluation ran out of work (`work_limit` rows).
    pub work_limit: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.households += other.households;
        self.rows += other.rows;
        self.bad += other.bad;
        self.work_limit += other.work_limit;
    }
}

/// Screens batches of one input schema with one ruleset.
pub struct TableScreener {
    ruleset: Arc<Ruleset>,
    options: TableOptions,
    as_of: jiff::civil::Date,
    /// The id column's index in the input.
    id: Option<usize>,
    /// The input columns that are facts.
    facts: Vec<usize>,
    dictionaries: Dictionaries,
    output: SchemaRef,
}

/// The values of the dictionary columns: the ruleset's programme names and
/// labels (keyed by the programme's index) and the statuses.
struct Dictionaries {
    names: Arc<StringArray>,
    labels: Arc<StringArray>,
    statuses: Arc<StringArray>,
}

/// The statuses, in the order of their keys.
const STATUSES: [&str; 4] = ["eligible", "ineligible", "undetermined", "error"];
const STATUS_ERROR: i32 = 3;

/// A result's key in [`STATUSES`] (one a row: no text compared).
fn status_key(status: accord_core::Status) -> i32 {
    match status {
        accord_core::Status::Eligible => 0,
        accord_core::Status::Ineligible => 1,
        accord_core::Status::Undetermined => 2,
    }
}

impl TableScreener {
    /// Checks the input schema against the options: the id column exists,
    /// every other column is of a type Accord reads (whether it names a fact
    /// is checked row by row, as in JSON, with its path).
    pub fn new(
        ruleset: Arc<Ruleset>,
        input: &Schema,
        options: TableOptions,
    ) -> Result<TableScreener, Error> {
        let as_of = parse_as_of(&options.as_of).map_err(Error::Facade)?;
        let id = match &options.id_column {
            Some(name) => Some(input.index_of(name).map_err(|_| {
                Error::request(
                    Code::U0040,
                    format!("the id column `{name}` is not a column of the input"),
                    Some(format!("the columns are: {}", column_list(input))),
                )
            })?),
            None => None,
        };
        let mut facts = Vec::new();
        for (i, field) in input.fields().iter().enumerate() {
            if Some(i) == id {
                continue;
            }
            if let Err(t) = readable(field.data_type()) {
                return Err(Error::request(
                    Code::U0040,
                    format!("the column `{}` is of type {t}, which Accord cannot read", field.name()),
                    Some("facts are Booleans, numbers, decimals, texts, dates, and structs, lists and maps (monthly series) of them".into()),
                ));
            }
            facts.push(i);
        }
        let lang = options.lang.as_deref();
        let named = ruleset.engine().program_labels(lang);
        let dictionaries = Dictionaries {
            names: Arc::new(named.iter().map(|(n, _)| Some(*n)).collect()),
            labels: Arc::new(named.iter().map(|(_, l)| Some(l.as_str())).collect()),
            statuses: Arc::new(STATUSES.iter().map(|s| Some(*s)).collect()),
        };
        let id_field = match id.and_then(|i| input.fields().get(i)) {
            Some(f) => Field::new(f.name(), f.data_type().clone(), true),
            None => Field::new("row", DataType::Int64, false),
        };
        let mut fields = vec![
            id_field,
            Field::new(
                "program",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                true,
            ),
            Field::new(
                "label",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                true,
            ),
            Field::new("subject", DataType::Utf8, true),
            Field::new(
                "status",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                false,
            ),
            Field::new(
                "amount",
                DataType::Decimal128(AMOUNT_PRECISION, AMOUNT_SCALE),
                true,
            ),
            Field::new(
                "missing",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
            Field::new("work_limit", DataType::Boolean, false),
            Field::new("error_code", DataType::Utf8, true),
            Field::new("error_path", DataType::Utf8, true),
            Field::new("error", DataType::Utf8, true),
        ];
        if options.explain {
            fields.push(Field::new("explanation", DataType::Utf8, true));
        }
        Ok(TableScreener {
            ruleset,
            as_of,
            id,
            facts,
            dictionaries,
            output: Arc::new(Schema::new(fields)),
            options,
        })
    }

    /// The threads a batch is screened on.
    pub fn threads(&self) -> usize {
        self.options.threads
    }

    /// The schema of the results: the id column (or `row`), `program`,
    /// `label`, `subject`, `status`, `amount`, `missing`, `work_limit`,
    /// `error_code`, `error_path`, `error`, and with `explain` `explanation`.
    pub fn output_schema(&self) -> SchemaRef {
        self.output.clone()
    }

    /// Screens `batch` (its rows numbered from `first_row` + 1 when there is
    /// no id column) on the options' threads; the results in input order, a
    /// batch for each thread's share of the rows.
    pub fn screen(
        &self,
        batch: &RecordBatch,
        first_row: u64,
    ) -> Result<(Vec<RecordBatch>, Counts), Error> {
        let n = batch.num_rows();
        let threads = self.options.threads.clamp(1, n.div_ceil(GROUP).max(1));
        let per = n.div_ceil(threads).max(1);
        let parts: Vec<Result<(Part, Counts), Error>> = if threads == 1 {
            vec![self.screen_rows(batch, 0, n)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let from = (t * per).min(n);
                        let to = ((t + 1) * per).min(n);
                        scope.spawn(move || self.screen_rows(batch, from, to))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(Error::request(
                                Code::U0044,
                                "a worker screening the table failed inside the engine",
                                Some(
                                    "report it as a bug; no partial table is returned".to_string(),
                                ),
                            ))
                        })
                    })
                    .collect()
            })
        };
        // One result batch per thread's share, in order: no copy to join them.
        let mut counts = Counts::default();
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            let (mut part, c) = p?;
            counts.add(c);
            let rows = std::mem::take(&mut part.rows);
            let batch_out =
                self.finish(batch, first_row, &rows, part.finish(&self.dictionaries)?)?;
            counts.rows += batch_out.num_rows() as u64;
            out.push(batch_out);
        }
        Ok((out, counts))
    }

    /// Screens rows `from..to` of `batch` with a session of its own.
    fn screen_rows(
        &self,
        batch: &RecordBatch,
        from: usize,
        to: usize,
    ) -> Result<(Part, Counts), Error> {
        let engine = self.ruleset.engine();
        let mut session = engine.session(self.as_of);
        // Most rulesets give a few results a programme per household (one per
        // member for a person's programmes).
        let programs = self.dictionaries.names.len();
        let mut part = Part::new(self.options.explain, (to - from) * programs * 2);
        let mut counts = Counts {
            households: (to - from) as u64,
            ..Counts::default()
        };
        let mut spare: Vec<Facts> = Vec::new();
        let mut subjects: Vec<(accord_core::SubjectId, String)> = Vec::new();
        let keep = self.options.statuses;
        let mut row = from;
        while row < to {
            let end = (row + GROUP).min(to);
            // Each row: its document's index, or why it was refused.
            let mut docs = Vec::with_capacity(end - row);
            let mut slots: Vec<Result<usize, FactsError>> = Vec::with_capacity(end - row);
            for r in row..end {
                let de = Row {
                    batch,
                    columns: &self.facts,
                    row: r,
                    text: self.options.text,
                };
                let spare = spare.pop().unwrap_or_default();
                match engine.facts_from_deserializer(de, spare, self.options.text) {
                    Ok(facts) => {
                        slots.push(Ok(docs.len()));
                        docs.push(facts);
                    }
                    Err(e) => {
                        counts.bad += 1;
                        slots.push(Err(e));
                    }
                }
            }
            if self.options.explain {
                self.explained(&mut session, &docs, &slots, row, &mut part, &mut counts)?;
            } else {
                let evaluations = session.evaluate_many(&docs);
                for (k, slot) in slots.iter().enumerate() {
                    let r = (row + k) as u32;
                    let d = match slot {
                        Ok(d) => *d,
                        Err(e) => {
                            part.errors(r, e);
                            continue;
                        }
                    };
                    let Some(eval) = evaluations.get(d) else {
                        continue;
                    };
                    let work_limit = eval.work_limit();
                    counts.work_limit += u64::from(work_limit);
                    // A household has a few subjects and many results: each
                    // subject's path is written once.
                    subjects.clear();
                    for (i, result) in eval.results().enumerate() {
                        if !keep.keeps(result.status) {
                            continue;
                        }
                        let at = match subjects.iter().position(|(s, _)| *s == result.subject) {
                            Some(at) => at,
                            None => {
                                subjects.push((result.subject, eval.subject_path(result.subject)));
                                subjects.len() - 1
                            }
                        };
                        let subject = subjects.get(at).map_or("", |(_, p)| p.as_str());
                        part.result(
                            r,
                            ResultRow {
                                program: result.program_index as i32,
                                subject,
                                status: status_key(result.status),
                                amount: result.amount,
                                missing: &eval.missing(i),
                                work_limit,
                                explanation: None,
                            },
                        );
                    }
                }
            }
            spare.append(&mut docs);
            row = end;
        }
        Ok((part, counts))
    }

    /// The explained screening of a group: one report each household.
    fn explained(
        &self,
        session: &mut Session<'_>,
        docs: &[Facts],
        slots: &[Result<usize, FactsError>],
        first: usize,
        part: &mut Part,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let options = ScreenOptions {
            explain: true,
            lang: self.options.lang.clone(),
            tree: 0,
        };
        for (k, slot) in slots.iter().enumerate() {
            let r = (first + k) as u32;
            let facts = match slot {
                Ok(d) => docs.get(*d),
                Err(e) => {
                    part.errors(r, e);
                    continue;
                }
            };
            let Some(facts) = facts else { continue };
            let report = session.screen(facts, &options);
            let work_limit = session.ran_out_of_work();
            counts.work_limit += u64::from(work_limit);
            for result in report.results {
                if !self.options.statuses.keeps(result.status) {
                    continue;
                }
                let amount = match &result.amount {
                    Some(a) => Some(a.parse::<Decimal>().map_err(|_| {
                        Error::request(
                            Code::U0044,
                            "an amount the engine gave is not a decimal",
                            None,
                        )
                    })?),
                    None => None,
                };
                let explanation = match &result.explanation {
                    Some(e) => Some(serde_json::to_string(e).map_err(|_| {
                        Error::request(Code::U0044, "an explanation could not be written", None)
                    })?),
                    None => None,
                };
                part.result(
                    r,
                    ResultRow {
                        program: self
                            .dictionaries
                            .names
                            .iter()
                            .position(|n| n == Some(result.program.as_str()))
                            .map_or(-1, |i| i as i32),
                        subject: &result.subject,
                        status: status_key(result.status),
                        amount,
                        missing: &result.missing,
                        work_limit,
                        explanation,
                    },
                );
            }
        }
        Ok(())
    }

    /// A result batch: the id column taken from the input rows, then the
    /// other columns.
    fn finish(
        &self,
        batch: &RecordBatch,
        first_row: u64,
        rows: &[u32],
        columns_after_id: Vec<ArrayRef>,
    ) -> Result<RecordBatch, Error> {
        let id: ArrayRef = match self.id.and_then(|i| batch.columns().get(i)) {
            Some(column) => {
                let rows = UInt32Array::from(rows.to_vec());
                arrow_select::take::take(column.as_ref(), &rows, None)?
            }
            None => Arc::new(
                rows.iter()
                    .map(|&r| first_row as i64 + i64::from(r) + 1)
                    .collect::<arrow_array::Int64Array>(),
            ),
        };
        let mut columns = vec![id];
        columns.extend(columns_after_id);
        Ok(RecordBatch::try_new(self.output.clone(), columns)?)
    }
}

fn column_list(schema: &Schema) -> String {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    names.join(", ")
}

/// Result rows built column by column by one thread, in input order.
struct Part {
    explained: bool,
    /// Whether any row is a refused household's: until one is, the error
    /// columns are all null and are not built row by row.
    errored: bool,
    rows: Vec<u32>,
    /// The programme's index: the key of `program` and `label` (dictionaries
    /// of the ruleset's names and labels).
    program: Int32Builder,
    subject: StringBuilder,
    /// The key of `status` in [`STATUSES`].
    status: Int32Builder,
    amount: Decimal128Builder,
    missing: ListBuilder<StringBuilder>,
    work_limit: BooleanBuilder,
    error_code: StringBuilder,
    error_path: StringBuilder,
    error: StringBuilder,
    explanation: StringBuilder,
}

/// One result row's columns.
struct ResultRow<'r> {
    /// The programme's index (declaration order).
    program: i32,
    subject: &'r str,
    /// The status's index in [`STATUSES`].
    status: i32,
    amount: Option<Decimal>,
    missing: &'r [String],
    work_limit: bool,
    explanation: Option<String>,
}

impl Part {
    fn new(explained: bool, rows: usize) -> Part {
        Part {
            explained,
            errored: false,
            rows: Vec::with_capacity(rows),
            program: Int32Builder::with_capacity(rows),
            subject: StringBuilder::with_capacity(rows, 4 * rows),
            status: Int32Builder::with_capacity(rows),
            amount: Decimal128Builder::with_capacity(rows),
            missing: ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
                "item",
                DataType::Utf8,
                true,
            ))),
            work_limit: BooleanBuilder::with_capacity(rows),
            error_code: StringBuilder::new(),
            error_path: StringBuilder::new(),
            error: StringBuilder::new(),
            explanation: StringBuilder::new(),
        }
    }

    fn result(&mut self, row: u32, r: ResultRow<'_>) {
        self.rows.push(row);
        self.program.append_value(r.program);
        self.subject.append_value(r.subject);
        self.status.append_value(r.status);
        self.amount.append_option(r.amount.and_then(to_decimal128));
        for m in r.missing {
            self.missing.values().append_value(m);
        }
        self.missing.append(true);
        self.work_limit.append_value(r.work_limit);
        if self.errored {
            self.error_code.append_null();
            self.error_path.append_null();
            self.error.append_null();
        }
        if self.explained {
            self.explanation.append_option(r.explanation);
        }
    }

    /// A refused household: one row each problem, with its code and path
    /// (messages name fields and types, never values).
    fn errors(&mut self, row: u32, e: &FactsError) {
        if !self.errored {
            // The rows so far had no error: their nulls, now.
            self.errored = true;
            let before = self.rows.len();
            self.error_code.append_nulls(before);
            self.error_path.append_nulls(before);
            self.error.append_nulls(before);
        }
        for f in &e.errors {
            self.rows.push(row);
            self.program.append_null();
            self.subject.append_null();
            self.status.append_value(STATUS_ERROR);
            self.amount.append_null();
            self.missing.append(false);
            self.work_limit.append_value(false);
            self.error_code.append_value(f.code.as_str());
            self.error_path.append_value(&f.path);
            self.error.append_value(&f.message);
            if self.explained {
                self.explanation.append_null();
            }
        }
    }

    /// The columns after the id, in the output schema's order.
    fn finish(mut self, dictionaries: &Dictionaries) -> Result<Vec<ArrayRef>, Error> {
        // The rows' count (their input rows may already be taken).
        let n = arrow_array::builder::ArrayBuilder::len(&self.status);
        let program = self.program.finish();
        let names: ArrayRef = dictionaries.names.clone();
        let labels: ArrayRef = dictionaries.labels.clone();
        let statuses: ArrayRef = dictionaries.statuses.clone();
        let amount = self
            .amount
            .finish()
            .with_precision_and_scale(AMOUNT_PRECISION, AMOUNT_SCALE)?;
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(DictionaryArray::try_new(program.clone(), names)?),
            Arc::new(DictionaryArray::try_new(program, labels)?),
            Arc::new(self.subject.finish()),
            Arc::new(DictionaryArray::try_new(self.status.finish(), statuses)?),
            Arc::new(amount),
            Arc::new(self.missing.finish()),
            Arc::new(self.work_limit.finish()),
        ];
        if self.errored {
            columns.push(Arc::new(self.error_code.finish()));
            columns.push(Arc::new(self.error_path.finish()));
            columns.push(Arc::new(self.error.finish()));
        } else {
            for _ in 0..3 {
                columns.push(arrow_array::new_null_array(&DataType::Utf8, n));
            }
        }
        if self.explained {
            columns.push(Arc::new(self.explanation.finish()));
        }
        Ok(columns)
    }
}

/// An amount as the `amount` column's 128-bit integer (scaled by 10^10):
/// exact up to 10 places, rounded half to even beyond; `None` past 38 digits.
fn to_decimal128(d: Decimal) -> Option<i128> {
    let d = if d.scale() > AMOUNT_SCALE as u32 {
        d.round_dp_with_strategy(AMOUNT_SCALE as u32, RoundingStrategy::MidpointNearestEven)
    } else {
        d
    };
    let up = 10i128.checked_pow(AMOUNT_SCALE as u32 - d.scale())?;
    let v = d.mantissa().checked_mul(up)?;
    (v.unsigned_abs() < 10u128.pow(u32::from(AMOUNT_PRECISION))).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::{status_key, to_decimal128, STATUSES, STATUS_ERROR};

    #[test]
    fn status_keys_name_their_statuses() {
        for status in accord_core::Status::ALL {
            let key = usize::try_from(status_key(status)).unwrap();
            assert_eq!(STATUSES.get(key), Some(&status.as_str()));
        }
        assert_eq!(STATUSES.get(STATUS_ERROR as usize), Some(&"error"));
    }
    use rust_decimal::Decimal;

    #[test]
    fn amounts_scale_exactly() {
        // 33000 is 33000 × 10^10 in the column.
        assert_eq!(
            to_decimal128(Decimal::from(33000)),
            Some(330_000_000_000_000)
        );
        // 7.407 (6% of 123.45) keeps its three places: 7407 × 10^7.
        assert_eq!(to_decimal128(Decimal::new(7407, 3)), Some(74_070_000_000));
        // 1/3 has 28 places: rounded at the tenth, 0.3333333333.
        let third = Decimal::ONE / Decimal::from(3);
        assert_eq!(to_decimal128(third), Some(3_333_333_333));
        // Half to even at the tenth place: 0.00000000005 → 0.0000000000,
        // 0.00000000015 → 0.0000000002.
        assert_eq!(to_decimal128(Decimal::new(5, 11)), Some(0));
        assert_eq!(to_decimal128(Decimal::new(15, 11)), Some(2));
        // Negative amounts (clawbacks) keep their sign.
        assert_eq!(to_decimal128(Decimal::new(-125, 1)), Some(-125_000_000_000));
    }
}
