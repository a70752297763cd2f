//! `accord screen`: one facts document, or a whole registry (JSON lines) on every
//! core, streamed in constant memory with the output in input order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use accord_core::limits::MAX_FACTS_BYTES;
use accord_core::screen::batch::{LineCounts, GROUP_LINES};
use accord_core::Engine;
use jiff::civil::Date;

/// Input handed to a worker at a time (whole lines, about this many bytes):
/// large enough to amortise the channel, small enough to keep memory flat and
/// the progress bar lively.
pub(crate) const CHUNK_BYTES: usize = 1 << 20;

/// Stack of each worker thread.
pub(crate) const WORKER_STACK: usize = 64 << 20;

pub struct Batch<'a> {
    pub engine: &'a Engine,
    pub as_of: Date,
    pub input: &'a PathBuf,
    pub threads: usize,
    pub explain: bool,
    pub lang: Option<&'a str>,
    /// `--id-key`: the key carried into each line as `"id"`.
    pub id_key: Option<&'a str>,
    /// `--only`: the statuses of the results each line keeps.
    pub statuses: accord_core::StatusFilter,
    pub progress: bool,
}

pub struct BatchSummary {
    pub lines: usize,
    pub bad_lines: usize,
    /// Lines whose evaluation ran out of work (`"work_limit": true`).
    pub work_limit_lines: usize,
    pub seconds: f64,
}

pub(crate) struct Chunk {
    pub seq: usize,
    pub first_line: usize,
    /// The chunk's lines, back to back (one buffer, not one allocation a line).
    pub text: Vec<u8>,
    /// Where each line ends in `text`.
    pub ends: Vec<usize>,
}

struct Done {
    seq: usize,
    text: String,
    bad: usize,
    work_limit: usize,
    lines: usize,
    bytes: u64,
}

/// Screens every line of `input` and writes one JSON line per input line to
/// `out`, in order.
pub fn batch(job: &Batch<'_>, out: &mut dyn Write) -> io::Result<BatchSummary> {
    let started = Instant::now();
    let (reader, total): (Box<dyn Read + Send>, Option<u64>) = if job.input.as_os_str() == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(job.input)?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    // On a terminal, a progress bar; asked for elsewhere (a log), a plain line
    // every 100 chunks, since a bar cannot be drawn there.
    let plain_progress = job.progress && !io::stderr().is_terminal();
    let mut bytes_done = 0u64;
    let bar = if job.progress && !plain_progress {
        let bar = match total {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        Some(bar)
    } else {
        None
    };
    let threads = job.threads.max(1);
    // Bounded queues: the reader can run at most a few chunks ahead, so memory
    // does not grow with the registry.
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(threads * 2);
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(threads * 2);
    let mut summary = BatchSummary {
        lines: 0,
        bad_lines: 0,
        work_limit_lines: 0,
        seconds: 0.0,
    };
    let mut write_error: Option<io::Error> = None;
    // Chunk buffers go round instead of being freed: a chunk's input and output
    // are megabytes, which the allocator would otherwise map and unmap each time.
    let in_pool: Pool<Vec<u8>> = Pool::default();
    let out_pool: Pool<String> = Pool::default();
    let mut spawn_error: Option<io::Error> = None;
    let mut worker_failed = false;
    let read_result = std::thread::scope(|scope| -> io::Result<()> {
        let mut workers = Vec::with_capacity(threads);
        let reader_pool = &in_pool;
        let reader_handle = scope.spawn(move || read_chunks(reader, work_tx, reader_pool));
        for _ in 0..threads {
            let rx = std::sync::Arc::clone(&work_rx);
            let tx = done_tx.clone();
            let (in_pool, out_pool) = (&in_pool, &out_pool);
            // A generous stack: evaluation nests as deep as the ruleset's
            // definitions (bounded by the engine), and debug frames are large.
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
            let spawned = worker.spawn_scoped(scope, move || {
                let mut session = job.engine.session(job.as_of);
                session.set_line_statuses(job.statuses);
                // Facts documents whose buffers the next chunk reuses.
                let mut spare: Vec<accord_core::Facts> = Vec::new();
                loop {
                    let chunk = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok(chunk) = chunk else { break };
                    let buf = out_pool.take();
                    let (done, input) = screen_chunk(job, &mut session, chunk, buf, &mut spare);
                    in_pool.give(input);
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(e) => {
                    spawn_error.get_or_insert(e);
                }
            }
        }
        // The workers hold their own handles: without any, the reader's next send
        // fails and it stops, so nothing waits forever.
        drop(work_rx);
        drop(done_tx);
        // Reorder: chunks finish in any order, lines leave in input order.
        let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
        let mut next = 0usize;
        for done in done_rx.iter() {
            pending.insert(done.seq, done);
            while let Some(d) = pending.remove(&next) {
                if write_error.is_none() {
                    if let Err(e) = out.write_all(d.text.as_bytes()) {
                        write_error = Some(e);
                    }
                }
                summary.lines += d.lines;
                summary.bad_lines += d.bad;
                summary.work_limit_lines += d.work_limit;
                if let Some(bar) = &bar {
                    bar.inc(d.bytes);
                    bar.set_message(format!("{} lines", summary.lines));
                }
                bytes_done += d.bytes;
                if plain_progress && next % 100 == 99 {
                    let share = total
                        .filter(|t| *t > 0)
                        .map(|t| format!(" ({:.0}%)", bytes_done as f64 * 100.0 / t as f64))
                        .unwrap_or_default();
                    eprintln!("screened {} lines{share}", summary.lines);
                }
                out_pool.give(d.text);
                next += 1;
            }
        }
        // Every worker is joined here, so a panic comes back as an `Err` (not
        // out of the scope), and a chunk it lost is reported, never skipped:
        // lines after it stay in `pending`, unwritten.
        for handle in workers {
            worker_failed |= handle.join().is_err();
        }
        worker_failed |= !pending.is_empty();
        match reader_handle.join() {
            Ok(r) => r,
            Err(_) => Err(io::Error::other("the reader thread failed")),
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    out.flush()?;
    if let Some(e) = write_error {
        return Err(e);
    }
    read_result?;
    if worker_failed {
        return Err(io::Error::other(WorkerFailed {
            lines: summary.lines,
        }));
    }
    if let Some(e) = spawn_error {
        if summary.lines == 0 {
            return Err(e);
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A worker thread failed inside the engine: the output written so far is
/// incomplete, so the run is an error (never a short output that exits 0).
#[derive(Debug)]
pub struct WorkerFailed {
    /// Lines screened and written before the failure.
    pub lines: usize,
}

impl std::fmt::Display for WorkerFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a screening worker failed inside the engine after {} lines; the output is \
             incomplete (this is a bug in Accord: please report it)",
            self.lines
        )
    }
}

impl std::error::Error for WorkerFailed {}

/// A few reusable buffers shared by the pipeline's threads.
pub(crate) struct Pool<T>(std::sync::Mutex<Vec<T>>);

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(std::sync::Mutex::new(Vec::new()))
    }
}

impl<T: Default + Clear> Pool<T> {
    pub(crate) fn take(&self) -> T {
        self.0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }

    pub(crate) fn give(&self, mut item: T) {
        item.clear_keep();
        if let Ok(mut v) = self.0.lock() {
            // Enough for the chunks in flight; more would only hold memory.
            if v.len() < 16 {
                v.push(item);
            }
        }
    }
}

pub(crate) trait Clear {
    fn clear_keep(&mut self);
}

impl Clear for Vec<u8> {
    fn clear_keep(&mut self) {
        self.clear();
    }
}

impl Clear for String {
    fn clear_keep(&mut self) {
        self.clear();
    }
}

pub(crate) fn read_chunks(
    mut reader: Box<dyn Read + Send>,
    tx: mpsc::SyncSender<Chunk>,
    pool: &Pool<Vec<u8>>,
) -> io::Result<()> {
    // Whole blocks are read straight into the chunk's buffer (no second copy
    // through a line reader); the partial line at its end moves to the next.
    let mut carry: Vec<u8> = Vec::new();
    let mut seq = 0usize;
    let mut line_no = 1usize;
    let mut eof = false;
    while !eof {
        let mut text = pool.take();
        text.append(&mut carry);
        // Fill to about CHUNK_BYTES, and on until the buffer holds a whole line
        // (only the bytes just read are searched for one).
        let mut whole_line = memchr::memchr(b'\n', &text).is_some();
        loop {
            let have = text.len();
            if have >= CHUNK_BYTES && whole_line {
                break;
            }
            let limit = CHUNK_BYTES.saturating_sub(have).max(1 << 16);
            // `read_to_end` on a `take` reads until the limit or the end of
            // input, whatever the size of each read (pipes give 64 KiB).
            let n = (&mut reader).take(limit as u64).read_to_end(&mut text)?;
            let fresh = part(
                &text,
                have..,
                "`read_to_end` only appends to the `have` bytes",
            );
            whole_line |= memchr::memchr(b'\n', fresh).is_some();
            if !whole_line && text.len() > MAX_FACTS_BYTES {
                // One line longer than any facts document may be: only its
                // first bytes are kept (enough for the engine to refuse it
                // with F0008), the rest is read past, never held in memory.
                let cut = (MAX_FACTS_BYTES + 1..MAX_FACTS_BYTES + 5)
                    .find(|&i| text.get(i).is_none_or(|b| b & 0xC0 != 0x80))
                    .unwrap_or(MAX_FACTS_BYTES + 1);
                text.truncate(cut);
                text.push(b'\n');
                whole_line = true;
                if skip_line(&mut reader, &mut text)? {
                    eof = true;
                    break;
                }
                continue;
            }
            if n < limit {
                eof = true;
                break;
            }
        }
        // Lines end after each newline; at the end of input, the last line may
        // have none.
        let cut = if eof {
            text.len()
        } else {
            memchr::memrchr(b'\n', &text).map_or(0, |i| i + 1)
        };
        carry.extend_from_slice(part(&text, cut.., "`cut` is the length or past a newline"));
        text.truncate(cut);
        let mut ends = Vec::with_capacity(CHUNK_BYTES / 256);
        ends.extend(memchr::memchr_iter(b'\n', &text).map(|i| i + 1));
        if ends.last().copied().unwrap_or(0) < text.len() {
            ends.push(text.len());
        }
        if ends.is_empty() {
            pool.give(text);
            continue;
        }
        let first_line = line_no;
        line_no += ends.len();
        if tx
            .send(Chunk {
                seq,
                first_line,
                text,
                ends,
            })
            .is_err()
        {
            return Ok(());
        }
        seq += 1;
    }
    Ok(())
}

/// `bytes[range]` for a range this module knows is in bounds (`why` says why);
/// debug builds check it, release builds give no bytes rather than panic.
fn part<'a, R>(bytes: &'a [u8], range: R, why: &str) -> &'a [u8]
where
    R: std::slice::SliceIndex<[u8], Output = [u8]> + Clone + std::fmt::Debug,
{
    let got = bytes.get(range.clone());
    debug_assert!(got.is_some(), "INVARIANT: {range:?} of the bytes: {why}");
    got.unwrap_or_default()
}

/// Reads past the rest of a line, appending what follows its newline to
/// `text`; true at the end of input.
fn skip_line(reader: &mut dyn Read, text: &mut Vec<u8>) -> io::Result<bool> {
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => return Ok(true),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let read = part(&block, ..n, "`read` gives at most the block's length");
        if let Some(i) = memchr::memchr(b'\n', read) {
            text.extend_from_slice(part(read, i + 1.., "just past a newline of `read`"));
            return Ok(false);
        }
    }
}

/// Calls `f` on each group of at most [`GROUP_LINES`] lines of `chunk`, in
/// order, each line with its number in the input (`accord screen` and `accord
/// compare` evaluate a group at a time).
pub(crate) fn line_groups(chunk: &Chunk, mut f: impl FnMut(&[(usize, &[u8])])) {
    let mut start = 0;
    let mut first = 0;
    for group in chunk.ends.chunks(GROUP_LINES) {
        let lines: Vec<(usize, &[u8])> = group
            .iter()
            .enumerate()
            .map(|(i, &end)| {
                let why = "a chunk's line ends rise and stay within its text";
                let raw = part(&chunk.text, start..end, why);
                start = end;
                (chunk.first_line + first + i, raw)
            })
            .collect();
        first += group.len();
        f(&lines);
    }
}

/// Screens a chunk into `text`; gives back the chunk's input buffer for reuse.
fn screen_chunk(
    job: &Batch<'_>,
    session: &mut accord_core::Session<'_>,
    chunk: Chunk,
    mut text: String,
    spare: &mut Vec<accord_core::Facts>,
) -> (Done, Vec<u8>) {
    let mut counts = LineCounts::default();
    line_groups(&chunk, |lines| {
        let c = screen_group(job, session, lines, &mut text, spare);
        counts.bad += c.bad;
        counts.work_limit += c.work_limit;
    });
    let done = Done {
        seq: chunk.seq,
        text,
        bad: counts.bad,
        work_limit: counts.work_limit,
        lines: chunk.ends.len(),
        bytes: chunk.text.len() as u64,
    };
    (done, chunk.text)
}

/// Screens some lines (number, text) into `text`; returns how many were bad
/// and how many ran out of work.
fn screen_group(
    job: &Batch<'_>,
    session: &mut accord_core::Session<'_>,
    lines: &[(usize, &[u8])],
    text: &mut String,
    spare: &mut Vec<accord_core::Facts>,
) -> LineCounts {
    session.screen_lines_keyed(lines, job.explain, job.lang, job.id_key, text, spare)
}

/// The line on stderr after a registry: what was screened and what was not.
pub fn summary(s: &BatchSummary) -> String {
    let rate = s.lines as f64 / s.seconds.max(1e-9);
    let timing = format!("in {:.2} s ({rate:.0} lines/s)", s.seconds);
    let screened = match s.bad_lines {
        0 => format!(
            "screened {} line{} {timing}",
            s.lines,
            if s.lines == 1 { "" } else { "s" }
        ),
        bad => format!(
            "screened {} of {} lines {timing}; {bad} bad line{} reported in place (`{{\"line\": N, \"error\": …}}`)",
            s.lines.saturating_sub(bad),
            s.lines,
            if bad == 1 { "" } else { "s" }
        ),
    };
    match s.work_limit_lines {
        0 => screened,
        n => format!(
            "{screened}; {n} line{} ran out of work ({} steps) and marked `\"work_limit\": true`: their undetermined results may not be missing facts (`--explain` says where)",
            if n == 1 { "" } else { "s" },
            accord_core::limits::MAX_WORK
        ),
    }
}

/// Standard output, buffered.
pub fn stdout_writer() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 20, io::stdout().lock())
}

pub fn progress_wanted(explicit: Option<bool>) -> bool {
    explicit.unwrap_or_else(|| io::stderr().is_terminal())
}
