//! [`Ruleset::caseload`]: many cases on one date — a role's agenda and the
//! monitoring figures (`accord caseload`). The cases may be replayed on several
//! threads; the report does not depend on how they were split, and a worker
//! that fails is an error, never a caseload with its cases missing.

use std::collections::BTreeMap;

use crate::case::{parse_log, Caseload, CaseloadReport};
use crate::codes::Code;
use crate::facade::ruleset::text;
use crate::facade::{parse_as_of, Error, Ruleset};

impl Ruleset {
    /// The agenda of `role` (every role when `None`) and the monitoring
    /// figures on `as_of`, over `cases`: a JSON object from case names to
    /// their event logs (JSON-lines text), `{"case-1": "{…}\n{…}\n", …}`
    /// (`accord caseload --format json`). A case is named by its `opened`
    /// event's `case`, or else by its name here. A log that cannot be read
    /// or replayed is listed in `errors` and counted nowhere else. The
    /// agenda's labels are in `lang` (`accord caseload --lang`), as a case
    /// state's: the ruleset's first language when `None`.
    pub fn caseload(
        &self,
        cases: &str,
        as_of: &str,
        role: Option<&str>,
        lang: Option<&str>,
    ) -> Result<String, Error> {
        let cases = case_logs(cases)?;
        let cases: Vec<(&str, &str)> = cases
            .iter()
            .map(|(name, log)| (name.as_str(), log.as_str()))
            .collect();
        Ok(self
            .caseload_report(&cases, as_of, role, lang, 1)?
            .to_json())
    }

    /// [`Ruleset::caseload`], typed, over `(name, log)` pairs replayed on up
    /// to `threads` threads (one when 0, or where threads cannot be started,
    /// as in WebAssembly). A worker that fails (a bug of the engine) makes
    /// the whole call fail with `U0012`. Its [`render`](CaseloadReport::render)
    /// words the caseload in `lang`.
    pub fn caseload_report(
        &self,
        cases: &[(&str, &str)],
        as_of: &str,
        role: Option<&str>,
        lang: Option<&str>,
        threads: usize,
    ) -> Result<CaseloadReport, Error> {
        let as_of = parse_as_of(as_of)?;
        let engine = self.engine();
        let options = self.case_options();
        let build = |part: &[(&str, &str)]| {
            let mut load = Caseload::in_lang(as_of, role, lang);
            for (name, log) in part {
                match parse_log(text(log)) {
                    Ok(events) => load.add(engine, name, &events, options),
                    Err(errors) => load.add_unreadable(name, errors),
                }
            }
            load
        };
        let parts = in_parts(cases, threads, build).ok_or_else(worker_failed)?;
        let mut load = Caseload::in_lang(as_of, role, lang);
        for part in parts {
            load.absorb(part);
        }
        Ok(load.finish())
    }
}

/// The cases of [`Ruleset::caseload`] from their JSON text (U0011 otherwise).
pub(super) fn case_logs(json: &str) -> Result<BTreeMap<String, String>, Error> {
    serde_json::from_str(text(json)).map_err(|e| {
        Error::request(
            Code::U0011,
            format!(
                "the cases are not an object from case names to event logs: {}",
                crate::redact::serde_message(&e)
            ),
            Some(
                "give the cases as JSON: {\"case-1\": \"{\\\"type\\\": \\\"opened\\\", …}\\n…\"}"
                    .to_string(),
            ),
        )
    })
}

fn worker_failed() -> Error {
    Error::request(
        Code::U0012,
        "a worker replaying cases failed inside the engine; no caseload was made",
        Some("this is a bug in Accord: please report it (with one thread, `--threads 1`, the error may point at the case)".to_string()),
    )
}

/// `build` over `items` split into up to `threads` parts, each on its own
/// thread, the results in the parts' order; `None` when a worker panicked.
/// Where a thread cannot be started, its part is built on this one.
pub(crate) fn in_parts<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    build: impl Fn(&[T]) -> R + Sync,
) -> Option<Vec<R>> {
    let threads = threads.max(1);
    if threads == 1 || items.len() <= 1 {
        return Some(vec![build(items)]);
    }
    let size = items.len().div_ceil(threads).max(1);
    let build = &build;
    std::thread::scope(|scope| {
        let started: Vec<Result<std::thread::ScopedJoinHandle<'_, R>, &[T]>> = items
            .chunks(size)
            .map(|part| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || build(part))
                    .map_err(|_| part)
            })
            .collect();
        // Every handle is joined, so a worker's panic comes back here as an
        // `Err` and never out of the scope.
        let mut parts = Vec::with_capacity(started.len());
        let mut failed = false;
        for s in started {
            match s {
                Ok(handle) => match handle.join() {
                    Ok(r) => parts.push(r),
                    Err(_) => failed = true,
                },
                Err(part) => parts.push(build(part)),
            }
        }
        (!failed).then_some(parts)
    })
}

#[cfg(test)]
mod tests {
    use super::in_parts;

    #[test]
    fn parts_come_back_in_order_whatever_the_threads() {
        let items: Vec<u32> = (1..=10).collect();
        for threads in [0, 1, 3, 4, 16] {
            let parts = in_parts(&items, threads, |p| p.iter().sum::<u32>());
            assert_eq!(parts.map(|p| p.iter().sum::<u32>()), Some(55));
        }
        let parts = in_parts(&items, 3, |p| p.to_vec());
        assert_eq!(parts.map(|p| p.concat()), Some(items.clone()));
    }

    #[test]
    fn a_failing_worker_is_no_result_not_a_smaller_one() {
        let items: Vec<u32> = (1..=10).collect();
        let parts = in_parts(&items, 4, |p| {
            if p.contains(&7) {
                panic!("a worker fails");
            }
            p.len()
        });
        assert_eq!(parts, None);
    }
}
