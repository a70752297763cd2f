//! [`Ruleset::screen_jsonl_report`]: a registry screened with the options the
//! CLI's `accord screen --facts-jsonl` has (threads, an id carried through),
//! and the counts its summary prints, for every front end.

use serde::Serialize;

use crate::codes::Code;
use crate::facade::ruleset::parse_as_of;
use crate::facade::{Error, Ruleset};
use crate::screen::batch::{LineCounts, GROUP_LINES, WORKER_STACK};
use crate::screen::{Status, StatusFilter};

/// How [`Ruleset::screen_jsonl_report`] screens a registry. The default is
/// what [`Ruleset::screen_jsonl`] does: no explanations, the first language,
/// one thread, no id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonlOptions<'a> {
    /// Each result with its explanation (`--explain`).
    pub explain: bool,
    /// The language of labels and explanations (`--lang`).
    pub lang: Option<&'a str>,
    /// Threads to screen on (`--threads`); 0 and 1 both mean the calling
    /// thread alone. The lines come out in input order, the same bytes
    /// whatever the count.
    pub threads: usize,
    /// The key of each document that identifies it (`--id-key`): taken out
    /// before the document is checked, and carried into its line as `"id"`
    /// ([`crate::Session::screen_lines_keyed`]).
    pub id_key: Option<&'a str>,
    /// The results each line keeps, by status (`--only`; every result by
    /// default): [`parse_statuses`] reads the names.
    pub statuses: StatusFilter,
}

/// The statuses a registry screening keeps (`--only eligible,undetermined`,
/// a binding's `statuses`): names of [`Status`], each once or more, at least
/// one. A refused household is always written, so `error` is not a status to
/// choose (U0045, as is any other name and an empty list).
pub fn parse_statuses<S: AsRef<str>>(names: &[S]) -> Result<StatusFilter, Error> {
    let choices = || {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        names.join(", ")
    };
    let mut keep = Vec::with_capacity(names.len());
    // `--only eligible,` has an empty name at its end: nothing to keep there.
    for name in names
        .iter()
        .map(|n| n.as_ref().trim())
        .filter(|n| !n.is_empty())
    {
        match Status::from_name(name) {
            Some(status) => keep.push(status),
            None if name == "error" => {
                return Err(Error::request(
                    Code::U0045,
                    "`error` is not a status to keep: a refused household is always written",
                    Some(format!("keep some of: {}", choices())),
                ))
            }
            None => {
                let close = crate::check::util::suggest(name, Status::ALL.map(|s| s.as_str()));
                let help = match close {
                    Some(c) => format!("did you mean `{c}`? The statuses are: {}", choices()),
                    None => format!("the statuses are: {}", choices()),
                };
                return Err(Error::request(
                    Code::U0045,
                    format!("`{name}` is not a status of a result"),
                    Some(help),
                ));
            }
        }
    }
    if keep.is_empty() {
        return Err(Error::request(
            Code::U0045,
            "no status to keep: the results would all be left out",
            Some(format!(
                "keep some of: {}; or leave the option out to keep every result",
                choices()
            )),
        ));
    }
    Ok(StatusFilter::only(keep))
}

/// A screened registry: the JSON lines, and what the CLI's summary counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScreenedLines {
    /// One JSON line per input line, newline included, in input order
    /// (exactly [`Ruleset::screen_jsonl`]'s text for the same options).
    pub text: String,
    /// Input lines screened (bad ones included).
    pub lines: usize,
    /// Lines that could not be screened: `{"line": N, "error": …}` in place.
    pub bad: usize,
    /// Lines whose evaluation ran out of work, marked `"work_limit": true`:
    /// their undetermined results may not be missing facts.
    pub work_limit: usize,
}

impl Ruleset {
    /// Screens a registry (one facts document per line) with `options`: the
    /// lines of [`Ruleset::screen_jsonl`], and how many there were, how many
    /// were bad and how many ran out of work (the counts of `accord screen
    /// --facts-jsonl`'s summary).
    pub fn screen_jsonl_report(
        &self,
        lines: &str,
        as_of: &str,
        options: &JsonlOptions<'_>,
    ) -> Result<ScreenedLines, Error> {
        let as_of = parse_as_of(as_of)?;
        let numbered: Vec<(usize, &[u8])> = lines
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_bytes()))
            .collect();
        // Shares of whole groups, so every line is evaluated in the group it
        // would be on one thread.
        let groups = numbered.len().div_ceil(GROUP_LINES);
        // WebAssembly has no threads to make: one, and the code that spawns
        // them is left out of the module (it is size-budgeted).
        let threads = match cfg!(target_arch = "wasm32") {
            true => 1,
            false => options.threads.clamp(1, groups.max(1)),
        };
        let share = groups.div_ceil(threads).max(1) * GROUP_LINES;
        let screen = |part: &[(usize, &[u8])]| {
            let mut session = self.engine.session(as_of);
            session.set_line_statuses(options.statuses);
            let (mut out, mut spare) = (String::new(), Vec::new());
            let mut counts = LineCounts::default();
            for group in part.chunks(GROUP_LINES) {
                let c = session.screen_lines_keyed(
                    group,
                    options.explain,
                    options.lang,
                    options.id_key,
                    &mut out,
                    &mut spare,
                );
                counts.bad += c.bad;
                counts.work_limit += c.work_limit;
            }
            (out, counts)
        };
        let parts: Vec<(String, LineCounts)> = if threads == 1 {
            vec![screen(&numbered)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = numbered
                    .chunks(share)
                    .map(|part| {
                        let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
                        // Where a thread cannot be made, the share is
                        // screened here.
                        worker
                            .spawn_scoped(scope, move || screen(part))
                            .map_err(|_| part)
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| match h {
                        Ok(handle) => handle.join().map_err(|_| worker_failed()),
                        Err(part) => Ok(screen(part)),
                    })
                    .collect::<Result<Vec<_>, Error>>()
            })?
        };
        let mut out = ScreenedLines {
            text: String::with_capacity(parts.iter().map(|(t, _)| t.len()).sum()),
            lines: numbered.len(),
            bad: 0,
            work_limit: 0,
        };
        for (text, counts) in parts {
            out.text.push_str(&text);
            out.bad += counts.bad;
            out.work_limit += counts.work_limit;
        }
        Ok(out)
    }
}

/// A screening thread panicked: a bug, reported as an error rather than a
/// panic across the boundary.
fn worker_failed() -> Error {
    Error::request(
        Code::U0010,
        "a screening thread failed inside the engine",
        Some("this is a bug in Accord: please report it".to_string()),
    )
}
