//! Satisfaction scores per provider and service, and per survey question.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;

use super::{bayesian, names_help, ratio, Catalogue, PRIOR_SCORE};
use crate::codes::Code;
use crate::labels::localize;
use crate::screen::document::JsonDocument;
use crate::screen::facts::{Errors, FactsError};
use crate::screen::Engine;

/// Satisfaction scores (1–5) per provider and service, validated against a
/// catalogue.
#[derive(Debug, Clone, Default)]
pub struct Ratings {
    /// (provider index, service index) → (sum, votes).
    pub(super) by: HashMap<(usize, usize), (Decimal, u64)>,
    /// The satisfaction survey, when ratings answer one: its assessment and,
    /// per (provider, service, question), the question's (sum, votes).
    survey: Option<usize>,
    by_question: HashMap<(usize, usize, usize), (Decimal, u64)>,
}

/// A survey question's rating of a provider.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuestionRating {
    pub question: String,
    pub label: String,
    pub rating: String,
    pub votes: u64,
    pub mean: String,
}

const RATINGS: JsonDocument = JsonDocument {
    name: "the ratings",
    verb: "are",
    too_large: Some(Code::R0008),
    malformed: Code::R0001,
};

impl Engine {
    /// Reads satisfaction scores for a catalogue's providers:
    /// `{"ratings": [{"provider": ID, "service": NAME, "score": 1..5}]}`.
    pub fn ratings_from_json(
        &self,
        catalogue: &Catalogue,
        json: &str,
    ) -> Result<Ratings, FactsError> {
        let doc = RATINGS.parse(json)?;
        let list = RATINGS.list(
            &doc,
            "ratings",
            "",
            "ratings are an object with a list `ratings`",
        )?;
        let mut errors = Errors(Vec::new());
        let mut r = Ratings::default();
        let survey = match doc.get("survey") {
            None | Some(Json::Null) => None,
            Some(Json::String(name)) => match self.checked.assessment_by_name(name) {
                Some(a) => Some((a.0, name.clone())),
                None => {
                    errors.push(
                        Code::R0005,
                        "survey".into(),
                        format!("no assessment `{name}` to be the satisfaction survey"),
                        names_help(name, self.assessment_names().into_iter()),
                    );
                    None
                }
            },
            Some(_) => {
                errors.push(
                    Code::R0005,
                    "survey".into(),
                    "`survey` names the assessment the ratings answer".into(),
                    None,
                );
                None
            }
        };
        r.survey = survey.as_ref().map(|(a, _)| *a);
        for (i, x) in list.iter().enumerate() {
            let at = |f: &str| format!("ratings[{i}].{f}");
            let provider = x.get("provider").and_then(Json::as_str);
            let found = provider.and_then(|p| {
                let pi = catalogue.providers.iter().position(|q| q.id == p)?;
                Some((pi, p))
            });
            let Some((pi, id)) = found else {
                errors.push(
                    Code::R0002,
                    at("provider"),
                    match provider {
                        Some(p) => format!("the catalogue has no provider `{p}`"),
                        None => "a rating names its `provider` by id".into(),
                    },
                    provider.and_then(|p| {
                        names_help(p, catalogue.providers.iter().map(|q| q.id.as_str()))
                    }),
                );
                continue;
            };
            let service = x.get("service").and_then(Json::as_str);
            let si = service.and_then(|s| self.checked.services.iter().position(|d| d.name == s));
            let offered = catalogue
                .providers
                .get(pi)
                .is_some_and(|p| si.is_some_and(|s| p.services.contains(&s)));
            let Some(si) = si.filter(|_| offered) else {
                errors.push(
                    Code::R0003,
                    at("service"),
                    match service {
                        Some(s) => {
                            format!("`{id}` does not offer `{s}`")
                        }
                        None => "a rating names the `service` rated".into(),
                    },
                    None,
                );
                continue;
            };
            if let Some(answers) = x.get("answers") {
                let Some((a, name)) = &survey else {
                    errors.push(
                        Code::R0006,
                        at("answers"),
                        "answers need the ratings' `survey` (the assessment they answer)".into(),
                        None,
                    );
                    continue;
                };
                match self.survey_score(*a, name, answers) {
                    Ok((overall, questions)) => {
                        let e = r.by.entry((pi, si)).or_insert((Decimal::ZERO, 0));
                        e.0 += overall;
                        e.1 += 1;
                        for (q, v) in questions {
                            let e = r
                                .by_question
                                .entry((pi, si, q))
                                .or_insert((Decimal::ZERO, 0));
                            e.0 += v;
                            e.1 += 1;
                        }
                    }
                    Err(mut problems) => {
                        for p in &mut problems.errors {
                            p.path = if p.path.is_empty() {
                                at("answers")
                            } else {
                                format!("ratings[{i}].answers.{}", p.path)
                            };
                        }
                        for p in problems.errors {
                            errors.push(p.code, p.path, p.message, p.help);
                        }
                    }
                }
                continue;
            }
            match x
                .get("score")
                .and_then(Json::as_u64)
                .filter(|s| (1..=5).contains(s))
            {
                Some(score) => {
                    let e = r.by.entry((pi, si)).or_insert((Decimal::ZERO, 0));
                    e.0 += Decimal::from(score);
                    e.1 += 1;
                }
                None => errors.push(
                    Code::R0004,
                    at("score"),
                    "a score is a whole number from 1 to 5".into(),
                    None,
                ),
            }
        }
        if errors.0.is_empty() {
            Ok(r)
        } else {
            Err(FactsError { errors: errors.0 })
        }
    }

    /// Adds one rating of `provider` for `service` (a survey's overall
    /// `score`, and its answered 1–5 questions when the ratings are of the
    /// same survey, or of none yet: then they become of this one). `false`,
    /// and nothing added, when the catalogue has no such provider offering
    /// the service.
    pub(crate) fn add_rating(
        &self,
        ratings: &mut Ratings,
        catalogue: &Catalogue,
        rating: (&str, &str, Decimal),
        survey: usize,
        questions: &[(usize, Decimal)],
    ) -> bool {
        let (provider, service, score) = rating;
        let Some(pi) = catalogue.providers.iter().position(|p| p.id == provider) else {
            return false;
        };
        let si = self.checked.services.iter().position(|s| s.name == service);
        let offered = catalogue
            .providers
            .get(pi)
            .is_some_and(|p| si.is_some_and(|s| p.services.contains(&s)));
        let Some(si) = si.filter(|_| offered) else {
            return false;
        };
        let e = ratings.by.entry((pi, si)).or_insert((Decimal::ZERO, 0));
        e.0 += score;
        e.1 += 1;
        if *ratings.survey.get_or_insert(survey) == survey {
            for (q, v) in questions {
                let e = ratings
                    .by_question
                    .entry((pi, si, *q))
                    .or_insert((Decimal::ZERO, 0));
                e.0 += *v;
                e.1 += 1;
            }
        }
        true
    }

    /// One survey's answers: its overall score (the survey's `satisfaction`
    /// score when it declares one, otherwise the mean of its answered 1–5
    /// scales) and each answered 1–5 scale question's answer.
    pub(crate) fn survey_score(
        &self,
        assessment: usize,
        name: &str,
        answers: &Json,
    ) -> Result<(Decimal, Vec<(usize, Decimal)>), FactsError> {
        let parsed = self.answers_from_json(name, &answers.to_string())?;
        let report = self.assess(&parsed, None);
        let def = self.checked.assessments.get(assessment);
        let mut questions = Vec::new();
        if let (Some(def), Some(Json::Object(given))) = (def, Some(answers)) {
            for (qi, q) in def.questions.iter().enumerate() {
                let is_rating = matches!(
                    q.kind,
                    crate::check::QuestionSpec::Scale {
                        low: 1,
                        high: 5,
                        ..
                    }
                );
                if let (true, Some(v)) = (is_rating, given.get(&q.name).and_then(Json::as_i64)) {
                    questions.push((qi, Decimal::from(v)));
                }
            }
        }
        let declared = report
            .scores
            .get("satisfaction")
            .and_then(Json::as_str)
            .and_then(|v| v.parse::<Decimal>().ok());
        let overall = match declared {
            Some(v) => Some(v),
            None if report.scores.contains_key("satisfaction") => None,
            None if questions.is_empty() => None,
            None => {
                let sum: Decimal = questions.iter().map(|(_, v)| *v).sum();
                sum.checked_div(Decimal::from(questions.len()))
            }
        };
        match overall.filter(|v| *v >= Decimal::ONE && *v <= Decimal::from(5)) {
            Some(v) => Ok((v, questions)),
            None => Err(FactsError::one(
                Code::R0007,
                "",
                "the survey's answers give no overall score from 1 to 5 (answer its 1–5 questions, or its `satisfaction` score's)".to_string(),
            )),
        }
    }

    /// A provider's ratings per survey question, for the services meeting a need.
    pub(super) fn question_ratings(
        &self,
        r: &Ratings,
        pi: usize,
        services: &[usize],
        lang: &str,
    ) -> Vec<QuestionRating> {
        let Some(def) = r.survey.and_then(|a| self.checked.assessments.get(a)) else {
            return Vec::new();
        };
        def.questions
            .iter()
            .enumerate()
            .filter_map(|(qi, q)| {
                let (sum, votes) = services.iter().fold((Decimal::ZERO, 0u64), |(s, v), si| {
                    let (a, b) = r
                        .by_question
                        .get(&(pi, *si, qi))
                        .copied()
                        .unwrap_or((Decimal::ZERO, 0));
                    (s + a, v + b)
                });
                (votes > 0).then(|| QuestionRating {
                    question: q.name.clone(),
                    label: localize(q.label.as_ref(), lang, &q.name),
                    rating: bayesian(Decimal::from(PRIOR_SCORE), sum, votes)
                        .round_dp(2)
                        .normalize()
                        .to_string(),
                    votes,
                    mean: {
                        // A sum of scores 1 to 5 divided by a positive count.
                        let mean = ratio(sum, Decimal::from(votes));
                        debug_assert!(mean.is_some());
                        mean.unwrap_or_default()
                    },
                })
            })
            .collect()
    }
}
