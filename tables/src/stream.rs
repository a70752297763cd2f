//! Households streamed through a [`TableScreener`]: batch after batch in,
//! results out, a members table joined on the way; never more than a chunk
//! of households and its results in memory. Screened ahead ([`Ahead`]), it
//! is also an Arrow `RecordBatchReader`, so a binding hands it on as an
//! Arrow C stream.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use accord_core::facade::Ruleset;
use accord_core::Code;
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

    /// This stream screened ahead on a thread of its own, a chunk of
    /// households ahead of the reader: while the reader writes a batch to a
    /// file or aggregates it in Python, the next chunk is read and
    /// screened. At most one chunk's results wait (one batch per screening
    /// thread), so memory stays bounded. Dropped before the end, it stops
    /// the thread after the chunk in hand, without waiting for it (the
    /// input may be a Python reader that needs the interpreter's lock the
    /// dropping thread holds).
    pub fn ahead(self) -> Result<Ahead, Error> {
        let schema = self.output_schema();
        let depth = self.screener.threads().max(1);
        let (tx, rx) = sync_channel(depth);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let mut stream = self;
        std::thread::Builder::new()
            .name("accord-screen".into())
            // Evaluation nests as deep as a ruleset's definitions.
            .stack_size(accord_core::screen::batch::WORKER_STACK)
            .spawn(move || loop {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let next =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.next_batch()));
                let message = match next {
                    Ok(Ok(Some(batch))) => Message::Batch(batch, stream.counts()),
                    Ok(Ok(None)) => Message::End(stream.counts()),
                    Ok(Err(e)) => Message::Failed(e),
                    Err(_) => Message::Failed(Error::request(
                        Code::U0044,
                        "a worker screening the table failed inside the engine",
                        Some("report it as a bug; no partial table is returned".into()),
                    )),
                };
                let last = !matches!(message, Message::Batch(..));
                if tx.send(message).is_err() || last {
                    break;
                }
            })
            .map_err(|_| {
                Error::request(
                    Code::U0044,
                    "a thread to screen the table could not be started",
                    Some(
                        "the system is out of threads or memory; try again with fewer running"
                            .into(),
                    ),
                )
            })?;
        Ok(Ahead {
            schema,
            rx,
            stop,
            counts: Counts::default(),
            done: false,
        })
    }
}

enum Message {
    /// A batch of results, and what was screened up to it.
    Batch(RecordBatch, Counts),
    /// No more results: what was screened in all.
    End(Counts),
    Failed(Error),
}

/// A [`ScreenStream`] screened ahead on a thread of its own
/// ([`ScreenStream::ahead`]): the same batches, in the same order.
pub struct Ahead {
    schema: SchemaRef,
    rx: Receiver<Message>,
    stop: Arc<AtomicBool>,
    counts: Counts,
    done: bool,
}

impl Ahead {
    /// The results' schema.
    pub fn output_schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// What was screened up to the last batch handed out (all of it after
    /// the end).
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The next batch of results, `None` after the last.
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>, Error> {
        if self.done {
            return Ok(None);
        }
        match self.rx.recv() {
            Ok(Message::Batch(batch, counts)) => {
                self.counts = counts;
                Ok(Some(batch))
            }
            Ok(Message::End(counts)) => {
                self.counts = counts;
                self.done = true;
                Ok(None)
            }
            Ok(Message::Failed(e)) => {
                self.done = true;
                Err(e)
            }
            // The thread ended without a word: only a panic outside the
            // guarded call could do that.
            Err(_) => {
                self.done = true;
                Err(Error::request(
                    Code::U0044,
                    "a worker screening the table stopped inside the engine",
                    Some("report it as a bug; no partial table is returned".into()),
                ))
            }
        }
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Iterator for Ahead {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => None,
            Err(e) => Some(Err(ArrowError::ExternalError(Box::new(e.into_facade())))),
        }
    }
}

impl RecordBatchReader for Ahead {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}
