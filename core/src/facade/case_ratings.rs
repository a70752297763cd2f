//! [`Ruleset::add_case_ratings`]: the ratings that satisfaction surveys
//! recorded in cases (`rates providers` steps) give the providers, added to
//! the ratings in force (`accord providers --cases DIR`).

use std::sync::Arc;

use serde::Serialize;

use crate::case::{parse_log, Case, CaseError};
use crate::facade::ruleset::{pretty, text};
use crate::facade::{Error, Ruleset};

/// What [`Ruleset::add_case_ratings`] took from the cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRatings {
    /// How many logs were replayed.
    pub cases: usize,
    /// Every rating added, case by case in the order given.
    pub rated: Vec<CaseRated>,
    /// The logs that could not be read or replayed: skipped, with the error.
    pub skipped: Vec<SkippedCase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRated {
    pub case: String,
    pub provider: String,
    pub service: String,
    /// From 1 to 5, to two decimals.
    pub score: String,
    /// The step whose survey rated.
    pub step: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedCase {
    pub case: String,
    pub error: CaseError,
}

impl Ruleset {
    /// Replays every case of `cases` (a JSON object from case names to event
    /// logs, as [`Ruleset::caseload`] takes them) with the catalogue, to the
    /// end of its log, and adds what their `rates providers` steps rated to
    /// the ratings (those of [`Ruleset::set_ratings`], or none), so that
    /// `providers` ranks by them. Returns what was added, and the cases that
    /// could not be replayed (skipped, each with its error, never silently).
    /// Needs a catalogue.
    pub fn add_case_ratings(&mut self, cases: &str) -> Result<String, Error> {
        let cases = super::caseload::case_logs(cases)?;
        let cases: Vec<(&str, &str)> = cases
            .iter()
            .map(|(name, log)| (name.as_str(), log.as_str()))
            .collect();
        Ok(pretty(&self.add_case_ratings_report(&cases)?))
    }

    /// [`Ruleset::add_case_ratings`] builder-style: this ruleset with the
    /// cases' ratings added, and what was added (JSON). The ruleset it was
    /// called on is unchanged (a clone shares the compiled engine).
    pub fn with_case_ratings(mut self, cases: &str) -> Result<(Ruleset, String), Error> {
        let added = self.add_case_ratings(cases)?;
        Ok((self, added))
    }

    /// [`Ruleset::add_case_ratings`], typed, over `(name, log)` pairs.
    pub fn add_case_ratings_report(
        &mut self,
        cases: &[(&str, &str)],
    ) -> Result<CaseRatings, Error> {
        if self.catalogue.is_none() {
            return Err(super::ruleset::no_catalogue());
        }
        let mut ratings = self
            .ratings
            .take()
            .map(Arc::unwrap_or_clone)
            .unwrap_or_default();
        let (engine, options) = (&self.engine, self.case_options());
        let Some(catalogue) = options.catalogue else {
            return Err(super::ruleset::no_catalogue());
        };
        let mut out = CaseRatings {
            cases: 0,
            rated: Vec::new(),
            skipped: Vec::new(),
        };
        for (name, log) in cases {
            let skip = |error: CaseError| SkippedCase {
                case: (*name).to_string(),
                error,
            };
            let events = match parse_log(text(log)) {
                Ok(events) => events,
                Err(errors) => {
                    if let Some(first) = errors.into_iter().next() {
                        out.skipped.push(skip(first));
                    }
                    continue;
                }
            };
            let case = match Case::replay(engine, &events, options, None) {
                Ok(case) => case,
                Err(error) => {
                    out.skipped.push(skip(error));
                    continue;
                }
            };
            out.cases += 1;
            for r in case.ratings() {
                let added = engine.add_rating(
                    &mut ratings,
                    catalogue,
                    (&r.provider, &r.service, r.score),
                    r.survey,
                    &r.questions,
                );
                // The case was replayed with this catalogue: its providers
                // offer the services they were referred or planned for.
                debug_assert!(added, "a case's provider offers the service it used");
                if added {
                    out.rated.push(CaseRated {
                        case: (*name).to_string(),
                        provider: r.provider.clone(),
                        service: r.service.clone(),
                        score: r.score.round_dp(2).normalize().to_string(),
                        step: case.step_name(r.step),
                    });
                }
            }
        }
        self.ratings = Some(Arc::new(ratings));
        Ok(out)
    }
}
