//! Households streamed through a [`TableScreener`]: batch after batch in,
//! results out, a members table joined on the way; never more than a chunk
//! of households and its results in memory. Also an Arrow
//! `RecordBatchReader`, so a binding hands it on as an Arrow C stream.

use std::sync::Arc;

use accord_core::facade::Ruleset;
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};

use crate::join::Join;
use crate::screen::{Counts, TableOptions, TableScreener};
use crate::Error;

/// Batches of households, as read.
pub type Input = Box<dyn Iterator<Item = Result<RecordBatch, Error>> + Send>;

/// Households screened at most this many at a time: a big input batch (a
/// whole table handed over as one chunk) is sliced, so results stay small.
pub const CHUNK_ROWS: usize = 8192;

pub struct ScreenStream {
    screener: TableScreener,
    input: Input,
    join: Option<Join>,
    /// An input batch being sliced, and the next row of it.
    pending: Option<(RecordBatch, usize)>,
    next_row: u64,
    counts: Counts,
    done: bool,
    /// Result batches screened but not yet handed out (one per thread).
    ready: std::collections::VecDeque<RecordBatch>,
}

impl ScreenStream {
    /// Screens `input` (households of schema `households`), joining `join`'s
    /// members to each batch first.
    pub fn new(
        ruleset: Arc<Ruleset>,
        households: SchemaRef,
        input: Input,
        join: Option<Join>,
        options: TableOptions,
    ) -> Result<ScreenStream, Error> {
        let facts = match &join {
            Some(j) => j.schema(&households),
            None => households,
        };
        let screener = TableScreener::new(ruleset, &facts, options)?;
        Ok(ScreenStream {
            screener,
            input,
            join,
            pending: None,
            next_row: 0,
            counts: Counts::default(),
            done: false,
            ready: std::collections::VecDeque::new(),
        })
    }

    /// The results' schema.
    pub fn output_schema(&self) -> SchemaRef {
        self.screener.output_schema()
    }

    /// What was screened so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The next batch of results, `None` after the last.
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>, Error> {
        if let Some(b) = self.ready.pop_front() {
            return Ok(Some(b));
        }
        if self.done {
            return Ok(None);
        }
        loop {
            if let Some((batch, at)) = self.pending.take() {
                if at < batch.num_rows() {
                    let len = CHUNK_ROWS.min(batch.num_rows() - at);
                    let chunk = batch.slice(at, len);
                    self.pending = Some((batch, at + len));
                    let chunk = match &mut self.join {
                        Some(j) => j.attach(&chunk)?,
                        None => chunk,
                    };
                    let (out, counts) = self.screener.screen(&chunk, self.next_row)?;
                    self.next_row += len as u64;
                    self.counts.add(counts);
                    self.ready.extend(out);
                    if let Some(b) = self.ready.pop_front() {
                        return Ok(Some(b));
                    }
                    continue;
                }
            }
            match self.input.next() {
                Some(batch) => self.pending = Some((batch?, 0)),
                None => {
                    self.done = true;
                    if let Some(j) = &mut self.join {
                        j.finish()?;
                    }
                    return Ok(None);
                }
            }
        }
    }
}

impl Iterator for ScreenStream {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(ArrowError::ExternalError(Box::new(e.into_facade()))))
            }
        }
    }
}

impl RecordBatchReader for ScreenStream {
    fn schema(&self) -> SchemaRef {
        self.screener.output_schema()
    }
}
