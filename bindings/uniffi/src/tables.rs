//! Registries as tables for the bindings: Arrow streams through Arrow's C
//! data interface (Python's `screen_arrow`: pyarrow exports the households'
//! stream, the results come back as a stream, no copy and no JSON between),
//! and files streamed in bounded memory (`screen_file`: Parquet or CSV in,
//! Parquet, CSV or JSON lines out, with progress). Both through
//! `accord-tables`, as the CLI's `screen --input … --output …`.

use std::path::Path;

use accord_tables::{FileOptions, Join, ScreenStream, TableOptions as Options};
use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::RecordBatchReader;

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
}

impl TableOptions {
    fn options(&self) -> Options {
        let mut o = Options::new(self.as_of.clone());
        o.id_column = self.id_column.clone();
        o.explain = self.explain;
        o.lang = self.lang.clone();
        o.threads = (self.threads as usize).max(1);
        o
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
fn take_stream(address: u64) -> Result<ArrowArrayStreamReader, AccordError> {
    let pointer = usize::try_from(address).unwrap_or(0) as *mut FFI_ArrowArrayStream;
    if pointer.is_null() {
        return Err(AccordError::from(accord_core::facade::Error::request(
            accord_core::Code::U0042,
            "no Arrow stream was given (a null address)",
            None,
        )));
    }
    // SAFETY: see the function's comment; `from_raw` moves the stream out and
    // leaves an empty (released) one in its place.
    let reader = unsafe { ArrowArrayStreamReader::from_raw(pointer) };
    reader.map_err(|e| error(e.into()))
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
    let pointer = usize::try_from(address).unwrap_or(0) as *mut FFI_ArrowArrayStream;
    if pointer.is_null() {
        return Err(AccordError::from(accord_core::facade::Error::request(
            accord_core::Code::U0042,
            "nowhere to put the results' Arrow stream (a null address)",
            None,
        )));
    }
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
        let stream = ScreenStream::new(self.shared(), schema, input, join, options.options())
            .map_err(error)?;
        give_stream(Box::new(stream), output)
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
            table: options.options(),
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
