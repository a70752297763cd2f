//! Registries as tables for the bindings: Arrow streams through Arrow's C
//! data interface (Python's `screen_arrow`: pyarrow exports the households'
//! stream, the results come back as a stream, no copy and no JSON between),
//! and files streamed in bounded memory (`screen_file`: Parquet or CSV in,
//! Parquet, CSV or JSON lines out, with progress). Both through
//! `accord-tables`, as the CLI's `screen --input … --output …`.

use std::path::Path;
use std::sync::Arc;

use accord_tables::{FileOptions, Join, ScreenStream, TableOptions as Options};
use arrow_array::ffi::{from_ffi_and_data_type, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchReader, StructArray};
use arrow_schema::{ArrowError, DataType, Schema, SchemaRef};

use accord_core::facade;

use crate::{AccordError, Ruleset};

/// How a table is screened.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TableOptions {
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The column carried through as the household's id (not a fact);
    /// without one, results carry `row`, the 1-based row number.
    #[uniffi(default = None)]
    pub id_column: Option<String>,
    /// An `explanation` column (JSON text).
    #[uniffi(default = false)]
    pub explain: bool,
    #[uniffi(default = None)]
    pub lang: Option<String>,
    /// Worker threads (0: one).
    #[uniffi(default = 1)]
    pub threads: u32,
    /// With a members table or file: the list field its rows make (`members`).
    #[uniffi(default = None)]
    pub join_field: Option<String>,
    /// Only the results of these statuses (`["eligible", "undetermined"]`;
    /// `None`: every result); a refused household's rows are always written
    /// (`--only`; U0045 for another name).
    #[uniffi(default = None)]
    pub statuses: Option<Vec<String>>,
}

impl TableOptions {
    fn options(&self) -> Result<Options, AccordError> {
        let mut o = Options::new(self.as_of.clone());
        o.id_column = self.id_column.clone();
        o.explain = self.explain;
        o.lang = self.lang.clone();
        o.threads = (self.threads as usize).max(1);
        if let Some(names) = &self.statuses {
            o.statuses = facade::parse_statuses(names)?;
        }
        Ok(o)
    }
}

/// What a screening of a table met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TableCounts {
    /// Households screened.
    pub households: u64,
    /// Result rows written.
    pub rows: u64,
    /// Households whose facts were refused (`error` rows).
    pub bad: u64,
    /// Households whose evaluation ran out of work (`work_limit` rows).
    pub work_limit: u64,
}

impl From<accord_tables::Counts> for TableCounts {
    fn from(c: accord_tables::Counts) -> TableCounts {
        TableCounts {
            households: c.households,
            rows: c.rows,
            bad: c.bad,
            work_limit: c.work_limit,
        }
    }
}

/// Told how far a file's screening has gone, after each batch.
#[uniffi::export(callback_interface)]
pub trait TableProgress: Send + Sync {
    /// `done` households screened, of `total` when the file says.
    fn progress(&self, done: u64, total: Option<u64>);
}

fn error(e: accord_tables::Error) -> AccordError {
    AccordError::from(e.into_facade())
}

fn join_field(options: &TableOptions) -> String {
    options
        .join_field
        .clone()
        .unwrap_or_else(|| "members".to_string())
}

/// An Arrow C stream taken over from the caller, read batch by batch. Unlike
/// arrow-rs's own reader, every batch is validated in full and its buffers
/// aligned before use: a producer may hand over buffers that are not aligned
/// for their type (Spark's `mapInArrow` batches, read off an IPC stream, do),
/// and a malformed batch must be an error, never a panic.
struct StreamReader {
    stream: FFI_ArrowArrayStream,
    schema: SchemaRef,
}

impl StreamReader {
    fn last_error(&mut self) -> String {
        let Some(get_last_error) = self.stream.get_last_error else {
            return "the Arrow stream failed".to_string();
        };
        // SAFETY: the stream is live (not released) while we hold it; the
        // error text, when there is one, is a C string the stream owns until
        // its next call.
        #[allow(
            unsafe_code,
            reason = "Arrow's C stream interface: the producer's error text"
        )]
        let text = unsafe {
            let p = get_last_error(&mut self.stream);
            if p.is_null() {
                None
            } else {
                Some(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
            }
        };
        text.unwrap_or_else(|| "the Arrow stream failed".to_string())
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ArrowError> {
        let Some(get_next) = self.stream.get_next else {
            return Err(ArrowError::CDataInterface(
                "the Arrow stream has no get_next".into(),
            ));
        };
        let mut array = FFI_ArrowArray::empty();
        // SAFETY: the stream is live; `array` is an empty struct the producer
        // fills (moves a batch into).
        #[allow(
            unsafe_code,
            reason = "Arrow's C stream interface: the producer's next batch"
        )]
        let code = unsafe { get_next(&mut self.stream, &mut array) };
        if code != 0 {
            return Err(ArrowError::CDataInterface(self.last_error()));
        }
        if array.is_released() {
            return Ok(None);
        }
        let data_type = DataType::Struct(self.schema.fields().clone());
        // SAFETY: `array` was just moved in by the producer and is described by
        // the stream's schema; the data is validated before any use.
        #[allow(
            unsafe_code,
            reason = "Arrow's C data interface: importing the producer's batch"
        )]
        let mut data = unsafe { from_ffi_and_data_type(array, data_type) }?;
        data.align_buffers();
        data.validate_full()?;
        let columns = StructArray::from(data).into_parts().1;
        RecordBatch::try_new(self.schema.clone(), columns).map(Some)
    }
}

impl Iterator for StreamReader {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}

impl RecordBatchReader for StreamReader {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

/// Any panic inside the stream the caller reads (an engine bug) becomes an
/// error of the stream: a panic must not unwind through the C interface.
struct Guarded(accord_tables::Ahead);

impl Iterator for Guarded {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = &mut self.0;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.next())).unwrap_or_else(
            |_| {
                Some(Err(ArrowError::ExternalError(Box::new(
                    accord_core::facade::Error::request(
                        accord_core::Code::U0044,
                        "screening the table failed inside the engine",
                        Some("report it as a bug".to_string()),
                    ),
                ))))
            },
        )
    }
}

impl RecordBatchReader for Guarded {
    fn schema(&self) -> SchemaRef {
        self.0.output_schema()
    }
}

/// Takes over the Arrow C stream at `address`.
///
/// SAFETY (the caller's promise): `address` is the address of a live
/// `struct ArrowArrayStream` the caller exported (pyarrow's
/// `_export_to_c`), aligned, not used again by the caller. The stream is
/// moved out and the struct left released (`release` null), as the C data
/// interface's move semantics ask.
#[allow(
    unsafe_code,
    reason = "Arrow's C data interface: a stream at an address from the caller"
)]
fn take_stream(address: u64) -> Result<StreamReader, AccordError> {
    let pointer = stream_at(address, "no Arrow stream was given (a null address)")?;
    // SAFETY: see the function's comment; `from_raw` moves the stream out and
    // leaves an empty (released) one in its place.
    let mut stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer) };
    let refused = |message: String| {
        error(accord_tables::Error::Arrow(ArrowError::CDataInterface(
            message,
        )))
    };
    let Some(get_schema) = stream.get_schema else {
        return Err(refused("the Arrow stream was already released".into()));
    };
    let mut schema = FFI_ArrowSchema::empty();
    // SAFETY: the stream is live; `schema` is an empty struct it fills.
    let code = unsafe { get_schema(&mut stream, &mut schema) };
    if code != 0 {
        return Err(refused(format!(
            "the Arrow stream gave no schema (error {code})"
        )));
    }
    let schema = Schema::try_from(&schema).map_err(|e| refused(e.to_string()))?;
    Ok(StreamReader {
        stream,
        schema: Arc::new(schema),
    })
}

/// The `struct ArrowArrayStream` at `address`, or U0042 (`refused`) for a
/// null address. Only turns the number into a pointer: nothing is read.
fn stream_at(address: u64, refused: &str) -> Result<*mut FFI_ArrowArrayStream, AccordError> {
    let pointer = usize::try_from(address).unwrap_or(0) as *mut FFI_ArrowArrayStream;
    if pointer.is_null() {
        return Err(AccordError::from(accord_core::facade::Error::request(
            accord_core::Code::U0042,
            refused,
            None,
        )));
    }
    Ok(pointer)
}

/// Writes `stream` as an Arrow C stream at `address`.
///
/// SAFETY (the caller's promise): `address` is the address of a writable,
/// aligned `struct ArrowArrayStream` that holds no live stream; the caller
/// takes the stream over (pyarrow's `_import_from_c`) and releases it.
#[allow(
    unsafe_code,
    reason = "Arrow's C data interface: a stream written where the caller says"
)]
fn give_stream(stream: Box<dyn RecordBatchReader + Send>, address: u64) -> Result<(), AccordError> {
    let pointer = stream_at(
        address,
        "nowhere to put the results' Arrow stream (a null address)",
    )?;
    // SAFETY: see the function's comment; `write` does not drop the (empty)
    // struct that was there.
    unsafe { std::ptr::write(pointer, FFI_ArrowArrayStream::new(stream)) };
    Ok(())
}

#[uniffi::export]
impl Ruleset {
    /// Screens the households of the Arrow C stream at `input` and writes
    /// the results' stream at `output`; with `members`, the stream of a
    /// members table joined by the id column (grouped by household, in the
    /// households' order). The results are computed as the caller reads
    /// them, a chunk of households at a time. For the Python layer
    /// (`Ruleset.screen_arrow`), which passes the addresses of structs it
    /// allocated: see docs/guide-data.md.
    #[uniffi::method(default(members = None))]
    pub fn screen_arrow_stream(
        &self,
        input: u64,
        output: u64,
        options: TableOptions,
        members: Option<u64>,
    ) -> Result<(), AccordError> {
        // The options first: a refused request leaves the streams untaken.
        let table = options.options()?;
        let households = take_stream(input)?;
        let members = members.map(take_stream).transpose()?;
        let schema = households.schema();
        let join = match members {
            Some(m) => {
                let id = options.id_column.clone().unwrap_or_default();
                let m_schema = m.schema();
                let batches = Box::new(m.map(|b| b.map_err(accord_tables::Error::from)));
                Some(Join::new(&join_field(&options), &id, &m_schema, batches).map_err(error)?)
            }
            None => None,
        };
        let input = Box::new(households.map(|b| b.map_err(accord_tables::Error::from)));
        // Screened ahead: the next chunk while Python reads this one.
        let stream = ScreenStream::new(self.shared(), schema, input, join, table)
            .and_then(ScreenStream::ahead)
            .map_err(error)?;
        give_stream(Box::new(Guarded(stream)), output)
    }

    /// Screens a registry file into a results file (formats by extension:
    /// `.parquet` or `.csv` in; `.parquet`, `.csv` or `.jsonl` out), in
    /// bounded memory, telling `progress` after each batch; `members`, a
    /// members file joined by the id column. Nothing is written at `output`
    /// unless every household was screened. `accord screen --input
    /// --output`.
    #[uniffi::method(default(members = None, progress = None))]
    pub fn screen_file(
        &self,
        input: String,
        output: String,
        options: TableOptions,
        members: Option<String>,
        progress: Option<Box<dyn TableProgress>>,
    ) -> Result<TableCounts, AccordError> {
        let file = FileOptions {
            members: members.map(|m| (join_field(&options), m.into())),
            table: options.options()?,
        };
        let mut tell = |done: u64, total: Option<u64>| {
            if let Some(p) = &progress {
                p.progress(done, total);
            }
        };
        accord_tables::screen_file(
            self.shared(),
            Path::new(&input),
            Path::new(&output),
            file,
            &mut tell,
        )
        .map(TableCounts::from)
        .map_err(error)
    }
}
