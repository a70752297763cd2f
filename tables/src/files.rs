//! Registries in files: Parquet or CSV households in (and a members file
//! joined by id), Parquet, CSV or JSON-lines results out, streamed batch by
//! batch. The results are written beside the output (`NAME.partial`) and
//! renamed when complete, so a failed run leaves no half-written file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_core::facade::Ruleset;
use accord_core::Code;
use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rust_decimal::Decimal;

use crate::join::{Batches, Join};
use crate::screen::{Counts, TableOptions};
use crate::stream::ScreenStream;
use crate::Error;

/// Households read at a time.
pub const BATCH_ROWS: usize = 4096;

/// A file's format, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Parquet,
    Csv,
    Jsonl,
}

impl FileFormat {
    pub fn of(path: &Path) -> Result<FileFormat, Error> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("parquet" | "pq") => Ok(FileFormat::Parquet),
            Some("csv") => Ok(FileFormat::Csv),
            Some("jsonl" | "ndjson") => Ok(FileFormat::Jsonl),
            _ => Err(Error::request(
                Code::U0041,
                format!(
                    "`{}` is not a .parquet, .csv or .jsonl file",
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("the file")
                ),
                Some(
                    "name the file by its format: registry.parquet, households.csv, results.jsonl"
                        .into(),
                ),
            )),
        }
    }
}

/// How a file is screened.
#[derive(Debug, Clone)]
pub struct FileOptions {
    pub table: TableOptions,
    /// A members file joined by the id column into this list field:
    /// (`members`, `members.csv`).
    pub members: Option<(String, PathBuf)>,
}

/// A file of households (or members) opened as batches.
struct Opened {
    schema: SchemaRef,
    batches: Batches,
    /// Rows in all, when the file says (Parquet's metadata).
    rows: Option<u64>,
    /// Every column is text (CSV).
    text: bool,
}

fn open(path: &Path) -> Result<Opened, Error> {
    let name = path.display().to_string();
    let format = FileFormat::of(path)?;
    let file = File::open(path).map_err(|e| Error::io(format!("cannot open {name}"), e))?;
    match format {
        FileFormat::Parquet => {
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
            let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).ok();
            let reader = builder.with_batch_size(BATCH_ROWS).build()?;
            let schema = reader.schema();
            Ok(Opened {
                schema,
                batches: Box::new(reader.map(|b| b.map_err(Error::from))),
                rows,
                text: false,
            })
        }
        FileFormat::Csv => {
            // The header row names the columns; every column is read as text
            // and typed by the facts it feeds.
            let mut file = BufReader::new(file);
            let (inferred, _) = arrow_csv::reader::Format::default()
                .with_header(true)
                .infer_schema(&mut file, Some(0))?;
            file.rewind()
                .map_err(|e| Error::io(format!("cannot read {name}"), e))?;
            let fields: Vec<Field> = inferred
                .fields()
                .iter()
                .map(|f| Field::new(f.name(), DataType::Utf8, true))
                .collect();
            let schema = Arc::new(Schema::new(fields));
            let reader = arrow_csv::ReaderBuilder::new(schema.clone())
                .with_header(true)
                .with_batch_size(BATCH_ROWS)
                .build(file)?;
            Ok(Opened {
                schema,
                batches: Box::new(reader.map(|b| b.map_err(Error::from))),
                rows: None,
                text: true,
            })
        }
        FileFormat::Jsonl => Err(Error::request(
            Code::U0041,
            "JSON-lines households are screened with --facts-jsonl",
            Some("`accord screen RULES --facts-jsonl registry.jsonl --format jsonl`; --input takes .parquet and .csv".into()),
        )),
    }
}

/// Where results go.
enum Writer {
    Parquet(Box<ArrowWriter<File>>),
    Csv(Box<arrow_csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
}

impl Writer {
    fn create(path: &Path, format: FileFormat, schema: &SchemaRef) -> Result<Writer, Error> {
        let file = File::create(path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        Ok(match format {
            FileFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_size(1 << 17)
                    .build();
                Writer::Parquet(Box::new(ArrowWriter::try_new(
                    file,
                    schema.clone(),
                    Some(props),
                )?))
            }
            FileFormat::Csv => Writer::Csv(Box::new(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .build(BufWriter::new(file)),
            )),
            FileFormat::Jsonl => Writer::Jsonl(BufWriter::new(file)),
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), Error> {
        match self {
            Writer::Parquet(w) => {
                w.write(batch)?;
                // Bounded memory: a row group is flushed once it is full.
                if w.in_progress_rows() >= 1 << 17 {
                    w.flush()?;
                }
            }
            Writer::Csv(w) => w.write(&flat(batch)?)?,
            Writer::Jsonl(w) => write_jsonl(w, batch)?,
        }
        Ok(())
    }

    fn close(self, path: &Path) -> Result<(), Error> {
        let what = || format!("cannot write {}", path.display());
        match self {
            Writer::Parquet(w) => {
                w.close()?;
            }
            Writer::Csv(w) => {
                w.into_inner().flush().map_err(|e| Error::io(what(), e))?;
            }
            Writer::Jsonl(mut w) => w.flush().map_err(|e| Error::io(what(), e))?,
        }
        Ok(())
    }
}

/// An amount of the `amount` column as its shortest exact text (`25500`,
/// `7.407`).
fn amount_text(v: i128) -> String {
    match Decimal::try_from_i128_with_scale(v, crate::AMOUNT_SCALE as u32) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => String::new(),
    }
}

/// The results with `missing` as one text (paths joined by `;`) and amounts as
/// their shortest text: what a CSV file holds.
fn flat(batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let schema = batch.schema();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::List(_) => {
                let list = column.as_list::<i32>();
                let texts: StringArray = (0..list.len())
                    .map(|i| {
                        if list.is_null(i) {
                            return None;
                        }
                        let items = list.value(i);
                        let items = items.as_string::<i32>();
                        let parts: Vec<&str> = (0..items.len()).map(|k| items.value(k)).collect();
                        Some(parts.join(";"))
                    })
                    .collect();
                fields.push(Field::new(field.name(), DataType::Utf8, true));
                columns.push(Arc::new(texts));
            }
            DataType::Decimal128(_, _) => {
                let d = column.as_primitive::<Decimal128Type>();
                let texts: StringArray = (0..d.len())
                    .map(|i| (!d.is_null(i)).then(|| amount_text(d.value(i))))
                    .collect();
                fields.push(Field::new(field.name(), DataType::Utf8, true));
                columns.push(Arc::new(texts));
            }
            _ => {
                fields.push(field.as_ref().clone());
                columns.push(column.clone());
            }
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// One JSON object per result row, keys as the columns, amounts as decimal
/// texts (as the registry's JSON lines have them).
fn write_jsonl(out: &mut BufWriter<File>, batch: &RecordBatch) -> Result<(), Error> {
    let flat = flat(batch)?;
    let schema = flat.schema();
    let formatters: Vec<_> = flat
        .columns()
        .iter()
        .map(|c| arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &Default::default()))
        .collect::<Result<_, _>>()?;
    let original = batch.schema();
    let mut line = String::new();
    for row in 0..flat.num_rows() {
        line.clear();
        for ((field, column), formatter) in
            schema.fields().iter().zip(flat.columns()).zip(&formatters)
        {
            let value = if column.is_null(row) {
                serde_json::Value::Null
            } else {
                let original_type = original
                    .field_with_name(field.name())
                    .map(|f| f.data_type().clone())
                    .unwrap_or(DataType::Utf8);
                match original_type {
                    DataType::List(_) => {
                        let list = batch
                            .column_by_name(field.name())
                            .map(|c| c.as_list::<i32>().value(row));
                        let items: Vec<serde_json::Value> = match &list {
                            Some(items) => {
                                let items = items.as_string::<i32>();
                                (0..items.len())
                                    .map(|k| serde_json::Value::from(items.value(k)))
                                    .collect()
                            }
                            None => Vec::new(),
                        };
                        serde_json::Value::Array(items)
                    }
                    DataType::Boolean => serde_json::Value::Bool(column.as_boolean().value(row)),
                    DataType::Int8
                    | DataType::Int16
                    | DataType::Int32
                    | DataType::Int64
                    | DataType::UInt8
                    | DataType::UInt16
                    | DataType::UInt32
                    | DataType::UInt64 => {
                        let text = formatter.value(row).to_string();
                        text.parse::<i64>()
                            .map(serde_json::Value::from)
                            .unwrap_or(serde_json::Value::String(text))
                    }
                    _ => serde_json::Value::String(formatter.value(row).to_string()),
                }
            };
            // The columns' order, as the table has them.
            line.push(if line.is_empty() { '{' } else { ',' });
            line.push_str(&serde_json::Value::from(field.name().as_str()).to_string());
            line.push(':');
            line.push_str(&value.to_string());
        }
        line.push_str("}\n");
        out.write_all(line.as_bytes())
            .map_err(|e| Error::io("cannot write the results", e))?;
    }
    Ok(())
}

/// Screens the households in `input` into `output` (formats by extension),
/// calling `progress(households done, households in all if known)` after each
/// batch. Nothing is left at `output` unless every household was screened.
pub fn screen_file(
    ruleset: Arc<Ruleset>,
    input: &Path,
    output: &Path,
    options: FileOptions,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Counts, Error> {
    let format = FileFormat::of(output)?;
    let households = open(input)?;
    let mut table = options.table;
    table.text = households.text;
    let join = match &options.members {
        Some((field, path)) => {
            let members = open(path)?;
            table.text = table.text || members.text;
            let id = table.id_column.clone().ok_or_else(|| {
                Error::request(
                    Code::U0043,
                    "a members file is joined by the households' id column, and none is named",
                    Some("name it: --id-column household_id".into()),
                )
            })?;
            Some(Join::new(field, &id, &members.schema, members.batches)?)
        }
        None => None,
    };
    let total = households.rows;
    // Screened ahead: the next chunk is screened while this one is written.
    let mut stream =
        ScreenStream::new(ruleset, households.schema, households.batches, join, table)?.ahead()?;
    let partial = partial_path(output);
    let result = (|| {
        let mut writer = Writer::create(&partial, format, &stream.output_schema())?;
        while let Some(batch) = stream.next_batch()? {
            writer.write(&batch)?;
            progress(stream.counts().households, total);
        }
        writer.close(&partial)?;
        std::fs::rename(&partial, output)
            .map_err(|e| Error::io(format!("cannot write {}", output.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map(|()| stream.counts())
}

/// `results.parquet` → `results.parquet.partial`, beside it.
fn partial_path(output: &Path) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    output.with_file_name(name)
}
