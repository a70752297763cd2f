//! Assessments: answers validated against the questionnaire, then scores,
//! needs and the risk level, decided from partial answers where they can be.
//!
//! An unanswered question is unknown, as a missing fact is in screening, with
//! one refinement that makes partial answers useful: every question's points
//! lie in a known range (a scale's `low..high`, the smallest and largest points
//! of a choice, a Boolean's two values). Numbers are evaluated as intervals, so
//! `points(parenting) >= 2` is decided as soon as the answered questions reach
//! 2 and the rest cannot take points away. Everything else follows the Kleene
//! rules. The promise, checked by a property test, is the screening one: **an
//! output decided on partial answers is the same for every completion of
//! them.** Undetermined outputs name the unanswered questions they depend on,
//! and the questions are ranked by how many undetermined outputs each could
//! settle (the field worker's next question).

use std::collections::BTreeSet;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;

use crate::codes::Code;
use crate::labels::{localize, word};
use crate::screen::document::JsonDocument;
use crate::screen::facts::{Errors, FactsError};
use crate::screen::Engine;

mod interval;

use crate::check::{AssessmentDef, AssessmentId, QuestionSpec, RExpr, Type};
use interval::{questions_of, truth, Eval, AV, F, T};

/// One answer, validated.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Bool(bool),
    /// A scale's point, or a number.
    Number(Decimal),
    /// A choice's option, by index.
    Choice(usize),
    /// The options chosen in a `choices` question, in order, each once.
    Choices(Vec<usize>),
    Date(Date),
    Text(String),
}

/// The answers to one assessment, validated (`None`: unanswered).
#[derive(Debug, Clone)]
pub struct Answers {
    assessment: AssessmentId,
    values: Vec<Option<Answer>>,
}

/// A score in the report: its value when decided, else the range it lies in.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScoreRange {
    pub min: String,
    pub max: String,
}

/// A question to ask next.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextQuestion {
    pub question: String,
    pub label: String,
    /// `boolean`, `scale`, `choice`, `integer`, `decimal`, `money`, `date`, `text`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The choice's options, or the scale's labelled points.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FormOption>,
    /// How many undetermined outputs (scores, needs, the risk) it could decide.
    pub decides: usize,
}

/// An option of a question, as a form shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormOption {
    /// The answer to give: the option's name, or the scale's point.
    pub value: Json,
    pub label: String,
    pub points: String,
}

/// Why a need or the risk level is what it is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    /// `need`, `risk` or `score`.
    pub kind: &'static str,
    pub name: String,
    pub label: String,
    /// `established`, `possible`, `not found` for a need; `decided`,
    /// `undetermined` for the risk and a score.
    pub outcome: &'static str,
    /// The condition or formula, as written.
    pub rule: String,
    /// The answers it uses (`null`: unanswered).
    pub answers: Vec<UsedAnswer>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UsedAnswer {
    pub question: String,
    pub label: String,
    pub answer: Json,
}

/// The result of an assessment: `accord assess --format json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AssessReport {
    pub assessment: String,
    /// The assessment's label in the requested language.
    pub label: String,
    /// Each score's value as a decimal string, `null` when the answers leave it
    /// open.
    pub scores: serde_json::Map<String, Json>,
    /// The range an open score lies in, when bounded.
    pub score_ranges: serde_json::Map<String, Json>,
    /// Needs established by the answers.
    pub needs: Vec<String>,
    /// Needs that unanswered questions could still establish.
    pub possible_needs: Vec<String>,
    /// The risk level, `null` when the answers leave it open.
    pub risk: Option<String>,
    /// The levels still possible when `risk` is open, in the order of the rules.
    pub possible_risks: Vec<String>,
    /// Every unanswered question, in the questionnaire's order.
    pub unanswered: Vec<String>,
    /// The unanswered questions that could decide an open output, the most
    /// decisive first.
    pub next_questions: Vec<NextQuestion>,
    pub explanation: Vec<Reason>,
}

impl AssessReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// A readable report (`accord assess`): scores, needs, risk, and what to
    /// ask next.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "{} ({})", self.label, self.assessment);
        for r in self.explanation.iter().filter(|r| r.kind == "score") {
            let value = match self.scores.get(&r.name) {
                Some(Json::String(v)) => v.clone(),
                _ => {
                    // A range is a `ScoreRange`: a `min` and a `max` text.
                    let range = self.score_ranges.get(&r.name);
                    let end = |k: &str| range.and_then(|r| r.get(k)).and_then(Json::as_str);
                    match (end("min"), end("max")) {
                        (Some(min), Some(max)) => format!("between {min} and {max} (open)"),
                        _ => "open".to_string(),
                    }
                }
            };
            let _ = writeln!(out, "  score {} ({}): {value}", r.name, r.label);
        }
        for r in self.explanation.iter().filter(|r| r.kind == "need") {
            if r.outcome == "not found" {
                continue;
            }
            let _ = writeln!(
                out,
                "  need {} ({}): {}  [{}]",
                r.name, r.label, r.outcome, r.rule
            );
        }
        match &self.risk {
            Some(level) => {
                let label = self
                    .explanation
                    .iter()
                    .find(|r| r.kind == "risk")
                    .map_or("", |r| r.label.as_str());
                let _ = writeln!(out, "  risk: {level} {label}");
            }
            None if !self.possible_risks.is_empty() => {
                let _ = writeln!(out, "  risk: open ({})", self.possible_risks.join(" or "));
            }
            None => {}
        }
        if !self.next_questions.is_empty() {
            let _ = writeln!(out, "  ask next:");
            for q in &self.next_questions {
                let _ = writeln!(
                    out,
                    "    {} ({}): {} [{}]",
                    q.question, q.kind, q.label, q.decides
                );
            }
        }
        if !self.unanswered.is_empty() {
            let _ = writeln!(out, "  unanswered: {}", self.unanswered.join(", "));
        }
        out
    }
}

fn dec_string(d: Decimal) -> String {
    d.normalize().to_string()
}

fn kind_name(spec: &QuestionSpec) -> &'static str {
    match spec {
        QuestionSpec::Boolean { .. } => "boolean",
        QuestionSpec::Scale { .. } => "scale",
        QuestionSpec::Choice { .. } => "choice",
        QuestionSpec::Choices { .. } => "choices",
        QuestionSpec::Value { ty, .. } => match ty {
            Type::Integer => "integer",
            Type::Decimal => "decimal",
            Type::Money => "money",
            Type::Date => "date",
            _ => "text",
        },
    }
}

/// A question's options as a form shows them, in `lang`.
fn options(spec: &QuestionSpec, lang: &str) -> Vec<FormOption> {
    match spec {
        QuestionSpec::Scale { low, options, .. } => options
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let point = low.saturating_add(i as i64);
                FormOption {
                    value: Json::from(point),
                    label: localize(Some(l), lang, ""),
                    points: point.to_string(),
                }
            })
            .collect(),
        QuestionSpec::Choice { options } | QuestionSpec::Choices { options } => options
            .iter()
            .map(|o| FormOption {
                value: Json::from(o.name.clone()),
                label: localize(o.label.as_ref(), lang, &o.name),
                points: dec_string(o.points),
            })
            .collect(),
        QuestionSpec::Boolean { yes, no } => vec![
            FormOption {
                value: Json::Bool(true),
                label: word(lang, "answer.yes"),
                points: dec_string(*yes),
            },
            FormOption {
                value: Json::Bool(false),
                label: word(lang, "answer.no"),
                points: dec_string(*no),
            },
        ],
        QuestionSpec::Value { .. } => Vec::new(),
    }
}

fn answer_json(def: &AssessmentDef, q: usize, a: Option<&Answer>) -> Json {
    match a {
        None => Json::Null,
        Some(Answer::Bool(b)) => Json::Bool(*b),
        Some(Answer::Number(n)) => match i64::try_from(*n) {
            Ok(i) if n.fract().is_zero() => Json::from(i),
            _ => Json::from(dec_string(*n)),
        },
        Some(Answer::Choice(o)) => match def.questions.get(q).map(|q| &q.kind) {
            Some(QuestionSpec::Choice { options }) => options
                .get(*o)
                .map_or(Json::Null, |o| Json::from(o.name.clone())),
            _ => Json::Null,
        },
        Some(Answer::Choices(os)) => match def.questions.get(q).map(|q| &q.kind) {
            Some(QuestionSpec::Choices { options }) => Json::from(
                os.iter()
                    .filter_map(|o| options.get(*o).map(|x| Json::from(x.name.clone())))
                    .collect::<Vec<_>>(),
            ),
            _ => Json::Null,
        },
        Some(Answer::Date(d)) => Json::from(d.to_string()),
        Some(Answer::Text(t)) => Json::from(t.clone()),
    }
}

const ANSWERS: JsonDocument = JsonDocument {
    name: "the answers",
    verb: "are",
    too_large: Some(Code::A0008),
    malformed: Code::A0002,
};

impl Engine {
    /// The names of the ruleset's assessments, in declaration order.
    pub fn assessment_names(&self) -> Vec<&str> {
        self.checked
            .assessments
            .iter()
            .map(|a| a.name.as_str())
            .collect()
    }

    /// The assessment named `name`.
    fn assessment(&self, name: &str) -> Result<(AssessmentId, &AssessmentDef), FactsError> {
        let id = self.checked.assessment_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = self
                .checked
                .assessments
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            let mut e = FactsError::one(
                Code::A0001,
                "",
                format!("no assessment `{name}` in the ruleset"),
            );
            if let Some(first) = e.errors.first_mut() {
                first.help = crate::check::suggest(name, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(if names.is_empty() {
                            "the ruleset declares no assessment".to_string()
                        } else {
                            format!("the ruleset's assessments: {}", names.join(", "))
                        })
                    });
            }
            e
        })?;
        let def =
            self.checked.assessments.get(id.0).ok_or_else(|| {
                FactsError::one(Code::A0001, "", format!("no assessment `{name}`"))
            })?;
        Ok((id, def))
    }

    /// Reads and validates the answers to assessment `assessment`: a JSON object
    /// from question names to answers, `null` or missing for unanswered. Every
    /// problem is reported (up to [`MAX_FACT_ERRORS`](crate::screen::MAX_FACT_ERRORS)), each naming its question.
    pub fn answers_from_json(&self, assessment: &str, json: &str) -> Result<Answers, FactsError> {
        self.assessment(assessment)?;
        let doc = ANSWERS.parse(json)?;
        self.answers_from_value(assessment, &doc)
    }

    /// [`Engine::answers_from_json`] for answers already parsed (a case's
    /// `assessed` event).
    pub fn answers_from_value(&self, assessment: &str, doc: &Json) -> Result<Answers, FactsError> {
        let (id, def) = self.assessment(assessment)?;
        let Json::Object(map) = doc else {
            return Err(FactsError::one(
                Code::A0002,
                "",
                "the answers must be a JSON object from question names to answers".to_string(),
            ));
        };
        let mut values = vec![None; def.questions.len()];
        let mut errors = Errors(Vec::new());
        for (key, value) in map {
            let Some(qi) = def.questions.iter().position(|q| q.name == *key) else {
                let names = def.questions.iter().map(|q| q.name.as_str());
                let help = crate::check::suggest(key, names)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "`{}` asks: {}",
                            def.name,
                            def.questions
                                .iter()
                                .map(|q| q.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    });
                errors.push(
                    Code::A0003,
                    key.clone(),
                    format!("`{}` has no question `{key}`", def.name),
                    help,
                );
                continue;
            };
            let Some(q) = def.questions.get(qi) else {
                continue;
            };
            if value.is_null() {
                continue;
            }
            let parsed = match (&q.kind, value) {
                (QuestionSpec::Boolean { .. }, Json::Bool(b)) => Ok(Answer::Bool(*b)),
                (QuestionSpec::Boolean { .. }, _) => Err((
                    Code::A0004,
                    format!("`{key}` is answered yes or no, got {}", shape(value)),
                    Some("answer `true` or `false`".to_string()),
                )),
                (QuestionSpec::Scale { low, high, .. }, Json::Number(n)) => {
                    match n.as_i64().filter(|v| low <= v && v <= high) {
                        Some(v) => Ok(Answer::Number(Decimal::from(v))),
                        None => Err((
                            Code::A0005,
                            format!(
                                "`{key}` is a point of the scale {low}..{high}; the answer is not"
                            ),
                            Some(format!("answer a whole number from {low} to {high}")),
                        )),
                    }
                }
                (QuestionSpec::Scale { low, high, .. }, _) => Err((
                    Code::A0004,
                    format!(
                        "`{key}` is a point of the scale {low}..{high}, got {}",
                        shape(value)
                    ),
                    Some(format!("answer a whole number from {low} to {high}")),
                )),
                (QuestionSpec::Choice { options }, Json::String(s)) => {
                    match options.iter().position(|o| o.name == *s) {
                        Some(o) => Ok(Answer::Choice(o)),
                        None => {
                            let names: Vec<&str> =
                                options.iter().map(|o| o.name.as_str()).collect();
                            Err((
                                Code::A0006,
                                format!("`{key}` has no such option"),
                                Some(format!("the options are: {}", names.join(", "))),
                            ))
                        }
                    }
                }
                (QuestionSpec::Choice { options }, _) => Err((
                    Code::A0004,
                    format!(
                        "`{key}` is answered with one of its options, got {}",
                        shape(value)
                    ),
                    Some(format!(
                        "the options are: {}",
                        options
                            .iter()
                            .map(|o| o.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )),
                (QuestionSpec::Choices { options }, Json::Array(items)) => {
                    choices_answer(key, options, items)
                }
                (QuestionSpec::Choices { options }, _) => Err((
                    Code::A0004,
                    format!(
                        "`{key}` is answered with a list of its options, got {}",
                        shape(value)
                    ),
                    Some(format!(
                        "e.g. [\"{}\"]; the options are: {}",
                        options.first().map_or("", |o| o.name.as_str()),
                        options
                            .iter()
                            .map(|o| o.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )),
                (QuestionSpec::Value { ty, range }, v) => value_answer(key, ty, *range, v),
            };
            match parsed {
                Ok(a) => {
                    if let Some(slot) = values.get_mut(qi) {
                        *slot = Some(a);
                    }
                }
                Err((code, message, help)) => errors.push(code, key.clone(), message, help),
            }
        }
        // In the questionnaire's order, unknown questions last.
        errors.0.sort_by_key(|e| {
            def.questions
                .iter()
                .position(|q| q.name == e.path)
                .unwrap_or(usize::MAX)
        });
        if errors.0.is_empty() {
            Ok(Answers {
                assessment: id,
                values,
            })
        } else {
            Err(FactsError { errors: errors.0 })
        }
    }

    /// Scores, needs and risk of `answers`, explained in `lang` (or the
    /// ruleset's first language).
    pub fn assess(&self, answers: &Answers, lang: Option<&str>) -> AssessReport {
        // No language asked for: `localize` takes the ruleset's first.
        let lang = lang.unwrap_or("");
        // `Answers` are read by an engine for one of its assessments; read by
        // another engine, they may name none of this one's.
        let Some(def) = self.checked.assessments.get(answers.assessment.0) else {
            return AssessReport {
                assessment: String::new(),
                label: String::new(),
                scores: serde_json::Map::new(),
                score_ranges: serde_json::Map::new(),
                needs: Vec::new(),
                possible_needs: Vec::new(),
                risk: None,
                possible_risks: Vec::new(),
                unanswered: Vec::new(),
                next_questions: Vec::new(),
                explanation: Vec::new(),
            };
        };
        let mut a = Assessing {
            engine: self,
            def,
            answers,
            lang,
            ev: Eval::new(def, &answers.values),
            decides: vec![0; def.questions.len()],
            explanation: Vec::new(),
        };
        let (scores, score_ranges) = a.scores();
        let (needs, possible_needs) = a.needs();
        let (risk, possible_risks) = a.risk();
        let unanswered: Vec<String> = def
            .questions
            .iter()
            .zip(&answers.values)
            .filter(|(_, a)| a.is_none())
            .map(|(q, _)| q.name.clone())
            .collect();
        let next_questions = a.next_questions();
        AssessReport {
            assessment: def.name.clone(),
            label: localize(def.label.as_ref(), lang, &def.name),
            scores,
            score_ranges,
            needs,
            possible_needs,
            risk,
            possible_risks,
            unanswered,
            next_questions,
            explanation: a.explanation,
        }
    }

    /// The questionnaire as a form to render: sections, questions with their
    /// type, options, points and ranges, and every label in every language of
    /// the ruleset (`accord assess --form`).
    pub fn assessment_form(&self, assessment: &str) -> Result<Json, FactsError> {
        let (_, def) = self.assessment(assessment)?;
        let langs: Vec<String> = self.languages().to_vec();
        let labels = |l: Option<&accord_grammar::ast::Label>, fallback: &str| -> Json {
            let mut m = serde_json::Map::new();
            for lang in &langs {
                m.insert(lang.clone(), Json::from(localize(l, lang, fallback)));
            }
            Json::Object(m)
        };
        let question = |qi: usize| -> Option<Json> {
            let q = def.questions.get(qi)?;
            let mut o = serde_json::Map::new();
            o.insert("question".into(), Json::from(q.name.clone()));
            o.insert("label".into(), labels(q.label.as_ref(), &q.name));
            o.insert("type".into(), Json::from(kind_name(&q.kind)));
            match &q.kind {
                QuestionSpec::Boolean { yes, no } => {
                    o.insert(
                        "points".into(),
                        serde_json::json!({"yes": dec_string(*yes), "no": dec_string(*no)}),
                    );
                }
                QuestionSpec::Scale { low, high, options } => {
                    o.insert("min".into(), Json::from(*low));
                    o.insert("max".into(), Json::from(*high));
                    let opts: Vec<Json> = options
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            serde_json::json!({
                                "value": low.saturating_add(i as i64),
                                "label": labels(Some(l), ""),
                            })
                        })
                        .collect();
                    o.insert("options".into(), Json::from(opts));
                }
                QuestionSpec::Choice { options } | QuestionSpec::Choices { options } => {
                    let opts: Vec<Json> = options
                        .iter()
                        .map(|c| {
                            serde_json::json!({
                                "value": c.name,
                                "label": labels(c.label.as_ref(), &c.name),
                                "points": dec_string(c.points),
                            })
                        })
                        .collect();
                    o.insert("options".into(), Json::from(opts));
                }
                QuestionSpec::Value { range, .. } => {
                    if let Some((lo, hi)) = range {
                        o.insert("min".into(), Json::from(dec_string(*lo)));
                        o.insert("max".into(), Json::from(dec_string(*hi)));
                    }
                }
            }
            Some(Json::Object(o))
        };
        let sections: Vec<Json> = def
            .sections
            .iter()
            .map(|s| {
                serde_json::json!({
                    "section": s.name,
                    "label": labels(s.label.as_ref(), &s.name),
                    "questions": s.questions.iter().filter_map(|&q| question(q)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let loose: Vec<Json> = (0..def.questions.len())
            .filter(|&q| def.questions.get(q).is_some_and(|x| x.section.is_none()))
            .filter_map(question)
            .collect();
        Ok(serde_json::json!({
            "assessment": def.name,
            "label": labels(def.label.as_ref(), &def.name),
            "languages": langs,
            "sections": sections,
            "questions": loose,
            "needs": def.needs.iter().map(|n| serde_json::json!({"need": n.name, "label": labels(n.label.as_ref(), &n.name)})).collect::<Vec<_>>(),
            "risk_levels": def.risk_levels,
        }))
    }
}

/// What a JSON value is, for an error message (never its content: answers
/// are personal data).
fn shape(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a Boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

type Invalid = (Code, String, Option<String>);

/// A `choices` answer: a list of option names, each once.
fn choices_answer(
    key: &str,
    options: &[crate::check::ChoiceDef],
    items: &[Json],
) -> Result<Answer, Invalid> {
    let mut chosen = Vec::with_capacity(items.len());
    for item in items {
        let Some(name) = item.as_str() else {
            return Err((
                Code::A0004,
                format!("`{key}` lists option names, got {}", shape(item)),
                None,
            ));
        };
        let Some(o) = options.iter().position(|x| x.name == name) else {
            let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
            return Err((
                Code::A0006,
                format!("`{key}` has no such option"),
                Some(format!("the options are: {}", names.join(", "))),
            ));
        };
        if chosen.contains(&o) {
            return Err((
                Code::A0007,
                format!("`{key}` lists an option twice"),
                Some("list each chosen option once".to_string()),
            ));
        }
        chosen.push(o);
    }
    chosen.sort_unstable();
    Ok(Answer::Choices(chosen))
}

fn value_answer(
    key: &str,
    ty: &Type,
    range: Option<(Decimal, Decimal)>,
    v: &Json,
) -> Result<Answer, Invalid> {
    match (ty, v) {
        (Type::Integer | Type::Decimal | Type::Money, Json::Number(n)) => {
            let d: Decimal = n.to_string().parse().map_err(|_| {
                (
                    Code::A0005,
                    format!("`{key}`: the number cannot be read exactly"),
                    None,
                )
            })?;
            if *ty == Type::Integer && !d.fract().is_zero() {
                return Err((Code::A0005, format!("`{key}` is a whole number"), None));
            }
            if let Some((lo, hi)) = range {
                if d < lo || d > hi {
                    return Err((
                        Code::A0005,
                        format!(
                            "`{key}` is out of its range {}..{}",
                            dec_string(lo),
                            dec_string(hi)
                        ),
                        Some(format!(
                            "answer a number from {} to {}",
                            dec_string(lo),
                            dec_string(hi)
                        )),
                    ));
                }
            }
            Ok(Answer::Number(d))
        }
        (Type::Date, Json::String(s)) => crate::screen::facts::parse_date(s)
            .map(Answer::Date)
            .ok_or((Code::A0005, format!("`{key}` is a date, YYYY-MM-DD"), None)),
        (Type::Text, Json::String(s)) => Ok(Answer::Text(s.clone())),
        (_, other) => Err((
            Code::A0004,
            format!("`{key}` expects {}, got {}", type_words(ty), shape(other)),
            None,
        )),
    }
}

fn type_words(ty: &Type) -> &'static str {
    match ty {
        Type::Integer => "a whole number",
        Type::Decimal | Type::Money => "a number",
        Type::Date => "a date (YYYY-MM-DD)",
        _ => "a text",
    }
}

/// One assessment of answers in progress: the interval evaluator, how many
/// open outputs each unanswered question could decide, and the explanation
/// so far.
struct Assessing<'a> {
    engine: &'a Engine,
    def: &'a AssessmentDef,
    answers: &'a Answers,
    lang: &'a str,
    ev: Eval<'a>,
    /// Per question: the open outputs it could decide.
    decides: Vec<usize>,
    explanation: Vec<Reason>,
}

impl Assessing<'_> {
    /// The rule's source text, for the explanation.
    fn source(&self, e: &RExpr) -> String {
        let file = self.engine.sources.file(self.def.loc.file);
        debug_assert!(file.is_some(), "the model's locations are in its sources");
        file.map(|f| crate::source::balanced_text(&f.text, e.span))
            .unwrap_or_default()
    }

    /// The answers to the questions `qs`, for the explanation.
    fn used(&self, qs: &BTreeSet<usize>) -> Vec<UsedAnswer> {
        let (def, lang) = (self.def, self.lang);
        qs.iter()
            .filter_map(|&q| {
                let qd = def.questions.get(q)?;
                Some(UsedAnswer {
                    question: qd.name.clone(),
                    label: localize(qd.label.as_ref(), lang, &qd.name),
                    answer: answer_json(
                        def,
                        q,
                        self.answers.values.get(q).and_then(Option::as_ref),
                    ),
                })
            })
            .collect()
    }

    /// One more open output that each unanswered question of `qs` could decide.
    fn count_open(&mut self, qs: &BTreeSet<usize>) {
        for &q in qs {
            if self.answers.values.get(q).is_none_or(Option::is_none) {
                if let Some(d) = self.decides.get_mut(q) {
                    *d += 1;
                }
            }
        }
    }

    /// Each score: its value when decided (`null` otherwise), and the range
    /// of an open one.
    fn scores(&mut self) -> (serde_json::Map<String, Json>, serde_json::Map<String, Json>) {
        let (def, lang) = (self.def, self.lang);
        let mut scores = serde_json::Map::new();
        let mut score_ranges = serde_json::Map::new();
        for (si, s) in def.scores.iter().enumerate() {
            let v = self.ev.score(si);
            let mut qs = BTreeSet::new();
            questions_of(def, &s.value, &mut qs, 0);
            let decided = match v {
                AV::Num(a, b) if a == b => {
                    scores.insert(s.name.clone(), Json::from(dec_string(a)));
                    true
                }
                AV::Num(a, b) => {
                    scores.insert(s.name.clone(), Json::Null);
                    let range = serde_json::to_value(ScoreRange {
                        min: dec_string(a),
                        max: dec_string(b),
                    });
                    debug_assert!(range.is_ok(), "two texts serialise");
                    score_ranges.insert(s.name.clone(), range.unwrap_or(Json::Null));
                    false
                }
                _ => {
                    scores.insert(s.name.clone(), Json::Null);
                    false
                }
            };
            if !decided {
                self.count_open(&qs);
            }
            let reason = Reason {
                kind: "score",
                name: s.name.clone(),
                label: localize(s.label.as_ref(), lang, &s.name),
                outcome: if decided { "decided" } else { "undetermined" },
                rule: self.source(&s.value),
                answers: self.used(&qs),
            };
            self.explanation.push(reason);
        }
        (scores, score_ranges)
    }

    /// The needs established, and those the open answers may establish.
    fn needs(&mut self) -> (Vec<String>, Vec<String>) {
        let (def, lang) = (self.def, self.lang);
        let (mut needs, mut possible_needs) = (Vec::new(), Vec::new());
        for n in &def.needs {
            let t = truth(&self.ev.eval(&n.condition));
            let mut qs = BTreeSet::new();
            questions_of(def, &n.condition, &mut qs, 0);
            let outcome = match t {
                T => {
                    needs.push(n.name.clone());
                    "established"
                }
                F => "not found",
                _ => {
                    possible_needs.push(n.name.clone());
                    self.count_open(&qs);
                    "possible"
                }
            };
            let reason = Reason {
                kind: "need",
                name: n.name.clone(),
                label: localize(n.label.as_ref(), lang, &n.name),
                outcome,
                rule: self.source(&n.condition),
                answers: self.used(&qs),
            };
            self.explanation.push(reason);
        }
        (needs, possible_needs)
    }

    /// The risk level, or the levels still possible. The first rule that
    /// holds gives the level; an open rule before it leaves the level open.
    fn risk(&mut self) -> (Option<String>, Vec<String>) {
        let (def, lang) = (self.def, self.lang);
        let mut risk = None;
        let mut possible_risks: Vec<String> = Vec::new();
        let mut risk_qs = BTreeSet::new();
        let mut rule = String::new();
        for r in &def.risks {
            let t = match &r.condition {
                Some(c) => {
                    questions_of(def, c, &mut risk_qs, 0);
                    truth(&self.ev.eval(c))
                }
                None => T,
            };
            if t == F {
                continue;
            }
            if !possible_risks.contains(&r.level) {
                possible_risks.push(r.level.clone());
            }
            if t == T {
                if possible_risks.len() == 1 {
                    risk = Some(r.level.clone());
                    rule = r
                        .condition
                        .as_ref()
                        .map_or_else(|| "otherwise".to_string(), |c| self.source(c));
                }
                break;
            }
        }
        if def.risks.is_empty() {
            return (risk, possible_risks);
        }
        if risk.is_none() {
            self.count_open(&risk_qs);
        } else {
            possible_risks.clear();
        }
        let reason = Reason {
            kind: "risk",
            // An undetermined risk has no level: its name and label are empty.
            name: risk.clone().unwrap_or_default(),
            label: risk
                .as_ref()
                .and_then(|l| def.risks.iter().find(|r| &r.level == l))
                .map(|r| localize(r.label.as_ref(), lang, &r.level))
                .unwrap_or_default(),
            outcome: if risk.is_some() {
                "decided"
            } else {
                "undetermined"
            },
            rule,
            answers: self.used(&risk_qs),
        };
        self.explanation.push(reason);
        (risk, possible_risks)
    }

    /// The questions that could decide an open output, the most decisive
    /// first, the questionnaire's order among equals.
    fn next_questions(&self) -> Vec<NextQuestion> {
        let (def, lang) = (self.def, self.lang);
        let mut order: Vec<(usize, usize)> = self
            .decides
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, d)| d > 0)
            .collect();
        order.sort_by_key(|&(q, d)| (std::cmp::Reverse(d), q));
        order
            .into_iter()
            .filter_map(|(q, decides)| {
                let qd = def.questions.get(q)?;
                Some(NextQuestion {
                    question: qd.name.clone(),
                    label: localize(qd.label.as_ref(), lang, &qd.name),
                    kind: kind_name(&qd.kind).to_string(),
                    options: options(&qd.kind, lang),
                    decides,
                })
            })
            .collect()
    }
}
