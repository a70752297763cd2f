//! A registry's lines screened into JSON lines: the one implementation behind
//! `accord screen --facts-jsonl` and every binding's `screen_jsonl`, so a bad
//! line reads the same wherever it is screened.

use super::report::error_line;
use super::{Facts, Session};

/// Lines screened together: enough for the batch evaluation to pay off, few
/// enough that a group's documents stay in cache.
pub const GROUP_LINES: usize = 64;

enum Parsed {
    /// A facts document: the next of the group's documents.
    Facts,
    /// Its error line, already written.
    Error(String),
}

/// What [`Session::screen_lines`] met besides results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCounts {
    /// Lines that could not be screened (an error line each).
    pub bad: usize,
    /// Lines whose evaluation ran out of work ([`crate::limits::MAX_WORK`]),
    /// marked `"work_limit": true`.
    pub work_limit: usize,
}

impl Session<'_> {
    /// Screens `lines` (line number, raw bytes without the newline, or with it)
    /// and appends one JSON line each to `out`, newline included, in input
    /// order; a line that cannot be screened becomes `{"line": N, "error": …}`
    /// in its place. Every result carries its label in `lang`; with
    /// `explain`, its explanation too. `spare` holds facts documents whose
    /// buffers are reused. Returns how many lines were bad and how many ran out
    /// of work.
    pub fn screen_lines(
        &mut self,
        lines: &[(usize, &[u8])],
        explain: bool,
        lang: Option<&str>,
        out: &mut String,
        spare: &mut Vec<Facts>,
    ) -> LineCounts {
        // Labels in `lang`, explained or not.
        self.set_line_lang(lang);
        let mut bad = 0;
        let mut work_limit = 0;
        let mut docs = Vec::with_capacity(lines.len());
        let mut numbers = Vec::with_capacity(lines.len());
        let mut parsed = Vec::with_capacity(lines.len());
        for &(n, raw) in lines {
            let error = |message: &str| {
                let mut line = String::new();
                error_line(n, message, &mut line);
                Parsed::Error(line)
            };
            // A line that is not UTF-8 becomes an error line, not a failed run.
            let Ok(line) = std::str::from_utf8(raw) else {
                bad += 1;
                parsed.push(error("the line is not UTF-8 text"));
                continue;
            };
            // A byte-order mark may open the file (and so its first line).
            let line = line.strip_prefix('\u{feff}').unwrap_or(line);
            let trimmed = line.trim_end_matches(['\n', '\r']);
            if trimmed.trim().is_empty() {
                bad += 1;
                parsed.push(error("empty line: expected a facts object"));
                continue;
            }
            // Without a spare buffer, a fresh (empty) one.
            match self
                .engine
                .facts_from_json_reusing(trimmed, spare.pop().unwrap_or_default())
            {
                Ok(facts) => {
                    parsed.push(Parsed::Facts);
                    docs.push(facts);
                    numbers.push(n);
                }
                Err(e) => {
                    bad += 1;
                    parsed.push(error(&e.to_string()));
                }
            }
        }
        // The documents in input order, one per `Parsed::Facts`.
        let mut next_doc = docs.iter().zip(&numbers);
        if explain {
            for p in &parsed {
                match p {
                    Parsed::Facts => {
                        let doc = next_doc.next();
                        debug_assert!(doc.is_some(), "one document per parsed line");
                        if let Some((facts, n)) = doc {
                            self.write_jsonl_explained(*n, facts, lang, out);
                            work_limit += self.doc_work_limit.iter().filter(|w| **w).count();
                        }
                    }
                    Parsed::Error(line) => out.push_str(line),
                }
                out.push('\n');
            }
        } else if bad == 0 {
            // Every line is a document: their lines go straight to the output.
            let mut ends = Vec::with_capacity(docs.len());
            self.write_jsonl_many(&docs, &numbers, out, &mut ends);
            work_limit = self.doc_work_limit.iter().filter(|w| **w).count();
        } else {
            let mut written = String::new();
            let mut ends = Vec::with_capacity(docs.len());
            self.write_jsonl_many(&docs, &numbers, &mut written, &mut ends);
            work_limit = self.doc_work_limit.iter().filter(|w| **w).count();
            // Each document's line runs from the previous line's end (the
            // first from 0) to its own, at the `\n` just written: a char
            // boundary.
            let mut from = 0;
            let mut next_end = ends.iter();
            for p in &parsed {
                match p {
                    Parsed::Facts => {
                        let line = next_end.next().and_then(|&to| {
                            let line = written.get(from..to);
                            from = to;
                            line
                        });
                        debug_assert!(line.is_some(), "one written line per document");
                        out.push_str(line.unwrap_or_default());
                    }
                    Parsed::Error(line) => {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
        spare.append(&mut docs);
        LineCounts { bad, work_limit }
    }
}

/// Stack of each thread that screens a share of a batch: evaluation nests as
/// deep as the ruleset's definitions (bounded by the engine), and debug frames
/// are large.
pub const WORKER_STACK: usize = 64 << 20;

impl Session<'_> {
    /// [`Session::screen_lines`] for a registry whose documents carry an
    /// identifier under `id_key` (`household_id`): the key is taken out of
    /// each document before it is checked (it is not a fact), and its value,
    /// as compact JSON, goes into the line's result as `"id"`, just after
    /// `"line"`: `{"line":1,"id":"H-17","results":[…]}`. A document without
    /// the key, or a line that is not a JSON object, gets `"id":null` (the
    /// line itself is screened, or refused, as without a key). With no key,
    /// exactly [`Session::screen_lines`].
    pub fn screen_lines_keyed(
        &mut self,
        lines: &[(usize, &[u8])],
        explain: bool,
        lang: Option<&str>,
        id_key: Option<&str>,
        out: &mut String,
        spare: &mut Vec<Facts>,
    ) -> LineCounts {
        let Some(key) = id_key else {
            return self.screen_lines(lines, explain, lang, out, spare);
        };
        let mut ids: Vec<String> = Vec::with_capacity(lines.len());
        let mut stripped: Vec<Option<String>> = Vec::with_capacity(lines.len());
        for &(_, raw) in lines {
            let doc = std::str::from_utf8(raw)
                .ok()
                .map(|l| l.strip_prefix('\u{feff}').unwrap_or(l))
                .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok());
            match doc {
                Some(serde_json::Value::Object(mut map)) => {
                    let id = map.remove(key);
                    ids.push(id.map_or_else(|| "null".to_string(), |v| v.to_string()));
                    stripped.push(Some(serde_json::Value::Object(map).to_string()));
                }
                // Screened as it is: the engine words its refusal.
                _ => {
                    ids.push("null".to_string());
                    stripped.push(None);
                }
            }
        }
        let keyed: Vec<(usize, &[u8])> = lines
            .iter()
            .zip(&stripped)
            .map(|(&(n, raw), s)| (n, s.as_deref().map_or(raw, str::as_bytes)))
            .collect();
        let mut written = String::new();
        let counts = self.screen_lines(&keyed, explain, lang, &mut written, spare);
        for (line, id) in written.split_inclusive('\n').zip(&ids) {
            // Every line opens with `{"line":N,`; the id goes after it.
            let after_number = line
                .strip_prefix("{\"line\":")
                .and_then(|rest| rest.find(','))
                .map(|i| i + "{\"line\":".len() + 1);
            debug_assert!(
                after_number.is_some(),
                "INVARIANT: a line opens with its number"
            );
            match after_number {
                Some(at) => {
                    let why = "just past the ASCII `,` after the line's number";
                    out.push_str(crate::source::slice(line, ..at, why));
                    out.push_str("\"id\":");
                    out.push_str(id);
                    out.push(',');
                    out.push_str(crate::source::slice(line, at.., why));
                }
                None => out.push_str(line),
            }
        }
        counts
    }
}
