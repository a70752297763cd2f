//! Record batches of households screened into record batches of results: one
//! row per (household, programme, subject), as the registry's JSON lines have
//! them, with the household's id carried through.

use std::sync::Arc;

use accord_core::facade::{parse_as_of, Ruleset};
use accord_core::screen::{Facts, FactsError, ScreenOptions, Session};
use arrow_array::builder::{BooleanBuilder, Decimal128Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, UInt32Array};
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
    labels: Vec<String>,
    output: SchemaRef,
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
        let labels = ruleset
            .engine()
            .program_labels(lang)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        let id_field = match id.and_then(|i| input.fields().get(i)) {
            Some(f) => Field::new(f.name(), f.data_type().clone(), true),
            None => Field::new("row", DataType::Int64, false),
        };
        let mut fields = vec![
            id_field,
            Field::new("program", DataType::Utf8, true),
            Field::new("label", DataType::Utf8, true),
            Field::new("subject", DataType::Utf8, true),
            Field::new("status", DataType::Utf8, false),
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
            labels,
            output: Arc::new(Schema::new(fields)),
            options,
        })
    }

    /// The schema of the results: the id column (or `row`), `program`,
    /// `label`, `subject`, `status`, `amount`, `missing`, `work_limit`,
    /// `error_code`, `error_path`, `error`, and with `explain` `explanation`.
    pub fn output_schema(&self) -> SchemaRef {
        self.output.clone()
    }

    /// Screens `batch` (its rows numbered from `first_row` + 1 when there is
    /// no id column) on the options' threads; the results in input order.
    pub fn screen(
        &self,
        batch: &RecordBatch,
        first_row: u64,
    ) -> Result<(RecordBatch, Counts), Error> {
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
        let mut counts = Counts::default();
        let mut part = Part::new(self.options.explain);
        for p in parts {
            let (p, c) = p?;
            part.append(p);
            counts.add(c);
        }
        let out = self.finish(batch, first_row, part)?;
        counts.rows = out.num_rows() as u64;
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
        let mut part = Part::new(self.options.explain);
        let mut counts = Counts {
            households: (to - from) as u64,
            ..Counts::default()
        };
        let mut spare: Vec<Facts> = Vec::new();
        let mut row = from;
        while row < to {
            let end = (row + GROUP).min(to);
            let mut docs = Vec::with_capacity(end - row);
            let mut rows = Vec::with_capacity(end - row);
            for r in row..end {
                let de = Row {
                    batch,
                    columns: &self.facts,
                    row: r,
                    text: self.options.text,
                };
                match engine.facts_from_deserializer(
                    de,
                    spare.pop().unwrap_or_default(),
                    self.options.text,
                ) {
                    Ok(facts) => {
                        docs.push(facts);
                        rows.push(r);
                    }
                    Err(e) => {
                        counts.bad += 1;
                        part.errors(r as u32, &e);
                    }
                }
            }
            if self.options.explain {
                self.explained(&mut session, &docs, &rows, &mut part, &mut counts)?;
            } else {
                let evaluations = session.evaluate_many(&docs);
                for (d, &r) in rows.iter().enumerate() {
                    let Some(eval) = evaluations.get(d) else {
                        continue;
                    };
                    let work_limit = eval.work_limit();
                    counts.work_limit += u64::from(work_limit);
                    for (k, result) in eval.results().enumerate() {
                        let label = self
                            .labels
                            .get(result_program_index(engine, result.program))
                            .map_or("", String::as_str);
                        part.result(
                            r as u32,
                            ResultRow {
                                program: result.program,
                                label,
                                subject: &eval.subject_path(result.subject),
                                status: result.status.as_str(),
                                amount: result.amount,
                                missing: &eval.missing(k),
                                work_limit,
                                explanation: None,
                            },
                        );
                    }
                }
            }
            part.end_group();
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
        rows: &[usize],
        part: &mut Part,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let options = ScreenOptions {
            explain: true,
            lang: self.options.lang.clone(),
            tree: 0,
        };
        for (facts, &r) in docs.iter().zip(rows) {
            let report = session.screen(facts, &options);
            let work_limit = session.ran_out_of_work();
            counts.work_limit += u64::from(work_limit);
            for result in &report.results {
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
                    r as u32,
                    ResultRow {
                        program: &result.program,
                        label: &result.label,
                        subject: &result.subject,
                        status: result.status.as_str(),
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

    /// The result batch: the id column taken from the input rows.
    fn finish(
        &self,
        batch: &RecordBatch,
        first_row: u64,
        part: Part,
    ) -> Result<RecordBatch, Error> {
        let rows = UInt32Array::from(part.rows.clone());
        let id: ArrayRef = match self.id.and_then(|i| batch.columns().get(i)) {
            Some(column) => arrow_select::take::take(column.as_ref(), &rows, None)?,
            None => Arc::new(
                part.rows
                    .iter()
                    .map(|&r| first_row as i64 + i64::from(r) + 1)
                    .collect::<arrow_array::Int64Array>(),
            ),
        };
        let mut columns = vec![id];
        columns.extend(part.finish()?);
        Ok(RecordBatch::try_new(self.output.clone(), columns)?)
    }
}

/// The index of a programme among the ruleset's (the order of labels).
fn result_program_index(engine: &accord_core::screen::Engine, program: &str) -> usize {
    engine
        .program_names()
        .position(|p| p == program)
        .unwrap_or(usize::MAX)
}

fn column_list(schema: &Schema) -> String {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    names.join(", ")
}

/// Result rows as plain vectors, appended by one thread, then joined.
#[derive(Default)]
struct Part {
    /// Whether rows carry an explanation.
    explained: bool,
    rows: Vec<u32>,
    program: Vec<Option<String>>,
    label: Vec<Option<String>>,
    subject: Vec<Option<String>>,
    status: Vec<&'static str>,
    amount: Vec<Option<Decimal>>,
    missing: Vec<Option<Vec<String>>>,
    work_limit: Vec<bool>,
    error_code: Vec<Option<String>>,
    error_path: Vec<Option<String>>,
    error: Vec<Option<String>>,
    explanation: Vec<Option<String>>,
    /// Where the current group's rows start.
    group: usize,
}

/// One result row's columns.
struct ResultRow<'r> {
    program: &'r str,
    label: &'r str,
    subject: &'r str,
    status: &'static str,
    amount: Option<Decimal>,
    missing: &'r [String],
    work_limit: bool,
    explanation: Option<String>,
}

impl Part {
    fn new(explained: bool) -> Part {
        Part {
            explained,
            ..Part::default()
        }
    }

    fn result(&mut self, row: u32, r: ResultRow<'_>) {
        self.rows.push(row);
        self.program.push(Some(r.program.to_string()));
        self.label.push(Some(r.label.to_string()));
        self.subject.push(Some(r.subject.to_string()));
        self.status.push(r.status);
        self.amount.push(r.amount);
        self.missing.push(Some(r.missing.to_vec()));
        self.work_limit.push(r.work_limit);
        self.error_code.push(None);
        self.error_path.push(None);
        self.error.push(None);
        if self.explained {
            self.explanation.push(r.explanation);
        }
    }

    /// A refused household: one row each problem, with its code and path
    /// (messages name fields and types, never values).
    fn errors(&mut self, row: u32, e: &FactsError) {
        for f in &e.errors {
            self.rows.push(row);
            self.program.push(None);
            self.label.push(None);
            self.subject.push(None);
            self.status.push("error");
            self.amount.push(None);
            self.missing.push(None);
            self.work_limit.push(false);
            self.error_code.push(Some(f.code.as_str().to_string()));
            self.error_path.push(Some(f.path.clone()));
            self.error.push(Some(f.message.clone()));
            if self.explained {
                self.explanation.push(None);
            }
        }
    }

    /// Puts the rows appended since the group began in input-row order:
    /// error rows were appended while reading, results after evaluating
    /// (a stable sort: a household's rows keep their order).
    fn end_group(&mut self) {
        let from = self.group;
        let to = self.rows.len();
        self.group = to;
        let Some(group) = self.rows.get(from..to) else {
            return;
        };
        if group.windows(2).all(|w| w.first() <= w.get(1)) {
            return;
        }
        let mut order: Vec<usize> = (from..to).collect();
        order.sort_by_key(|&i| self.rows.get(i).copied().unwrap_or(u32::MAX));
        fn permute<T: Clone>(v: &mut [T], from: usize, order: &[usize]) {
            let taken: Vec<T> = order.iter().filter_map(|&i| v.get(i).cloned()).collect();
            if let Some(dst) = v.get_mut(from..from + taken.len()) {
                dst.clone_from_slice(&taken);
            }
        }
        permute(&mut self.rows, from, &order);
        permute(&mut self.program, from, &order);
        permute(&mut self.label, from, &order);
        permute(&mut self.subject, from, &order);
        permute(&mut self.status, from, &order);
        permute(&mut self.amount, from, &order);
        permute(&mut self.missing, from, &order);
        permute(&mut self.work_limit, from, &order);
        permute(&mut self.error_code, from, &order);
        permute(&mut self.error_path, from, &order);
        permute(&mut self.error, from, &order);
        permute(&mut self.explanation, from, &order);
    }

    fn append(&mut self, mut other: Part) {
        self.rows.append(&mut other.rows);
        self.program.append(&mut other.program);
        self.label.append(&mut other.label);
        self.subject.append(&mut other.subject);
        self.status.append(&mut other.status);
        self.amount.append(&mut other.amount);
        self.missing.append(&mut other.missing);
        self.work_limit.append(&mut other.work_limit);
        self.error_code.append(&mut other.error_code);
        self.error_path.append(&mut other.error_path);
        self.error.append(&mut other.error);
        self.explanation.append(&mut other.explanation);
        self.group = self.rows.len();
    }

    /// The columns after the id, in the output schema's order.
    fn finish(self) -> Result<Vec<ArrayRef>, Error> {
        let n = self.rows.len();
        let text = |v: Vec<Option<String>>| -> ArrayRef {
            let mut b = StringBuilder::with_capacity(v.len(), 16 * v.len());
            for s in v {
                b.append_option(s);
            }
            Arc::new(b.finish())
        };
        let mut status = StringBuilder::with_capacity(n, 12 * n);
        for s in &self.status {
            status.append_value(s);
        }
        let mut amount = Decimal128Builder::with_capacity(n)
            .with_precision_and_scale(AMOUNT_PRECISION, AMOUNT_SCALE)?;
        for a in &self.amount {
            amount.append_option(a.and_then(to_decimal128));
        }
        let mut missing = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
            "item",
            DataType::Utf8,
            true,
        )));
        for m in self.missing {
            match m {
                Some(paths) => {
                    for p in paths {
                        missing.values().append_value(p);
                    }
                    missing.append(true);
                }
                None => missing.append(false),
            }
        }
        let mut work_limit = BooleanBuilder::with_capacity(n);
        for w in &self.work_limit {
            work_limit.append_value(*w);
        }
        let mut columns: Vec<ArrayRef> = vec![
            text(self.program),
            text(self.label),
            text(self.subject),
            Arc::new(status.finish()),
            Arc::new(amount.finish()),
            Arc::new(missing.finish()),
            Arc::new(work_limit.finish()),
            text(self.error_code),
            text(self.error_path),
            text(self.error),
        ];
        if self.explained {
            columns.push(text(self.explanation));
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
    use super::to_decimal128;
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
