//! Registries as tables (issue 20): Arrow record batches of households
//! screened through the facade into record batches of results, and Parquet,
//! CSV and JSON-lines files streamed in bounded memory. The CLI (`accord
//! screen --input … --output …`) and the Python binding (`screen_arrow`,
//! `screen_parquet`) both screen tables here, so they give the same rows.
//!
//! Facts are read from Arrow columns by the facade's own facts reader (a
//! serde deserializer over the row, [`de`]): the same checks, paths and
//! errors as a JSON document, with no JSON in between. The core stays free of
//! Arrow and of I/O; this crate does the files.

mod de;
pub mod files;
mod join;
mod screen;

use accord_core::facade;
use accord_core::Code;

pub use files::{screen_file, FileFormat, FileOptions};
pub use join::Join;
pub use screen::{Counts, TableOptions, TableScreener, AMOUNT_PRECISION, AMOUNT_SCALE};
pub use stream::{Ahead, ScreenStream};

mod stream;

/// Why a table could not be screened. Every variant becomes the facade's
/// [`facade::Error`] ([`Error::into_facade`]) for front ends; none carries a
/// value of the table.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Facade(facade::Error),
    #[error("the table could not be read or written: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("the Parquet file could not be read or written: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("{what}: {error}")]
    Io { what: String, error: std::io::Error },
}

impl Error {
    pub(crate) fn request(code: Code, message: impl Into<String>, help: Option<String>) -> Error {
        Error::Facade(facade::Error::request(code, message, help))
    }

    pub(crate) fn io(what: impl Into<String>, error: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            error,
        }
    }

    /// The facade's error, as every front end reports it: a file or table
    /// that cannot be read is `U0042`.
    pub fn into_facade(self) -> facade::Error {
        match self {
            Error::Facade(e) => e,
            other => facade::Error::request(
                Code::U0042,
                other.to_string(),
                Some("give a Parquet file, a CSV file with a header row, or an Arrow table of households".into()),
            ),
        }
    }
}
