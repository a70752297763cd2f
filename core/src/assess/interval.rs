//! The interval evaluator: an assessment's expressions over partial answers.
//! Numbers are closed intervals (a known number has `lo == hi`), truth values
//! follow the Kleene rules, so an output decided here holds for every
//! completion of the answers.

use std::collections::BTreeSet;

use accord_grammar::ast::{BinaryOp, UnaryOp};
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::Answer;
use crate::check::{AssessmentDef, Builtin, QuestionSpec, RExpr, RKind, Value};
use crate::screen::value::Cmp;

/// A value while evaluating: known, a number known to lie in a closed
/// interval, or unknown.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AV {
    Bool(bool),
    /// `lo..=hi`; a known number has `lo == hi`.
    Num(Decimal, Decimal),
    Choice(usize),
    /// The options chosen, in order.
    Set(Vec<usize>),
    Variant(usize),
    Date(Date),
    Text(String),
    Risk(String),
    Unknown,
}

pub(super) const F: u8 = 0;
pub(super) const T: u8 = 1;
pub(super) const U: u8 = 2;

pub(super) fn truth(v: &AV) -> u8 {
    match v {
        AV::Bool(b) => u8::from(*b),
        _ => U,
    }
}

pub(super) fn from_truth(t: u8) -> AV {
    match t {
        F => AV::Bool(false),
        T => AV::Bool(true),
        _ => AV::Unknown,
    }
}

pub(super) fn num(d: Decimal) -> AV {
    AV::Num(d, d)
}

/// The interval of `lo op hi` over two intervals, `None` on overflow.
fn interval(op: BinaryOp, (a, b): (Decimal, Decimal), (c, d): (Decimal, Decimal)) -> Option<AV> {
    let hull = |xs: [Option<Decimal>; 4]| -> Option<AV> {
        let mut lo: Option<Decimal> = None;
        let mut hi: Option<Decimal> = None;
        for x in xs {
            let x = x?;
            lo = Some(lo.map_or(x, |l| l.min(x)));
            hi = Some(hi.map_or(x, |h| h.max(x)));
        }
        Some(AV::Num(lo?, hi?))
    };
    match op {
        BinaryOp::Add => Some(AV::Num(a.checked_add(c)?, b.checked_add(d)?)),
        BinaryOp::Sub => Some(AV::Num(a.checked_sub(d)?, b.checked_sub(c)?)),
        BinaryOp::Mul => hull([
            a.checked_mul(c),
            a.checked_mul(d),
            b.checked_mul(c),
            b.checked_mul(d),
        ]),
        BinaryOp::Div => {
            // A divisor that may be zero gives nothing.
            if c <= Decimal::ZERO && d >= Decimal::ZERO {
                return None;
            }
            hull([
                a.checked_div(c),
                a.checked_div(d),
                b.checked_div(c),
                b.checked_div(d),
            ])
        }
        _ => None,
    }
}

/// `x op y` over intervals: decided when every pair of values agrees.
fn compare_intervals(op: Cmp, x: (Decimal, Decimal), y: (Decimal, Decimal)) -> u8 {
    match op.holds_over(x, y) {
        Some(true) => T,
        Some(false) => F,
        None => U,
    }
}

/// The range of points a question can give, and the points of an answer.
fn points_range(spec: &QuestionSpec) -> Option<(Decimal, Decimal)> {
    match spec {
        QuestionSpec::Boolean { yes, no } => Some(((*yes).min(*no), (*yes).max(*no))),
        QuestionSpec::Scale { low, high, .. } => Some((Decimal::from(*low), Decimal::from(*high))),
        QuestionSpec::Choice { options } => {
            let lo = options.iter().map(|o| o.points).min()?;
            let hi = options.iter().map(|o| o.points).max()?;
            Some((lo, hi))
        }
        // Any subset: every negative option, or every positive one.
        QuestionSpec::Choices { options } => {
            let mut lo = Decimal::ZERO;
            let mut hi = Decimal::ZERO;
            for o in options {
                if o.points < Decimal::ZERO {
                    lo = lo.checked_add(o.points)?;
                } else {
                    hi = hi.checked_add(o.points)?;
                }
            }
            Some((lo, hi))
        }
        // A plain answer scores nothing.
        QuestionSpec::Value { .. } => Some((Decimal::ZERO, Decimal::ZERO)),
    }
}

fn answer_points(spec: &QuestionSpec, a: &Answer) -> Option<Decimal> {
    match (spec, a) {
        (QuestionSpec::Boolean { yes, no }, Answer::Bool(b)) => Some(if *b { *yes } else { *no }),
        (QuestionSpec::Scale { .. }, Answer::Number(n)) => Some(*n),
        (QuestionSpec::Choice { options }, Answer::Choice(o)) => options.get(*o).map(|o| o.points),
        (QuestionSpec::Choices { options }, Answer::Choices(chosen)) => {
            chosen.iter().try_fold(Decimal::ZERO, |acc, &o| {
                acc.checked_add(options.get(o)?.points)
            })
        }
        (QuestionSpec::Value { .. }, _) => Some(Decimal::ZERO),
        _ => None,
    }
}

/// Evaluates the expressions of one assessment on its answers.
pub(super) struct Eval<'a> {
    def: &'a AssessmentDef,
    answers: &'a [Option<Answer>],
    /// Scores computed so far (`None`: not yet).
    scores: Vec<Option<AV>>,
    depth: u32,
}

/// Deepest expression evaluated; scores refer to scores at most this deep.
const MAX_DEPTH: u32 = 256;

impl<'a> Eval<'a> {
    pub(super) fn new(def: &'a AssessmentDef, answers: &'a [Option<Answer>]) -> Self {
        Eval {
            def,
            answers,
            scores: vec![None; def.scores.len()],
            depth: 0,
        }
    }
    fn question(&self, q: usize) -> AV {
        let Some(def) = self.def.questions.get(q) else {
            return AV::Unknown;
        };
        match self.answers.get(q).and_then(Option::as_ref) {
            Some(Answer::Bool(b)) => AV::Bool(*b),
            Some(Answer::Number(n)) => num(*n),
            Some(Answer::Choice(o)) => AV::Choice(*o),
            Some(Answer::Choices(os)) => AV::Set(os.clone()),
            Some(Answer::Date(d)) => AV::Date(*d),
            Some(Answer::Text(t)) => AV::Text(t.clone()),
            None => match &def.kind {
                QuestionSpec::Scale { low, high, .. } => {
                    AV::Num(Decimal::from(*low), Decimal::from(*high))
                }
                QuestionSpec::Value {
                    range: Some((lo, hi)),
                    ty,
                } if ty.is_amount() => AV::Num(*lo, *hi),
                _ => AV::Unknown,
            },
        }
    }

    fn question_points(&self, q: usize) -> AV {
        let Some(def) = self.def.questions.get(q) else {
            return AV::Unknown;
        };
        match self.answers.get(q).and_then(Option::as_ref) {
            Some(a) => answer_points(&def.kind, a).map_or(AV::Unknown, num),
            None => points_range(&def.kind).map_or(AV::Unknown, |(lo, hi)| AV::Num(lo, hi)),
        }
    }

    fn section_points(&self, s: usize) -> AV {
        let Some(section) = self.def.sections.get(s) else {
            return AV::Unknown;
        };
        let mut acc = num(Decimal::ZERO);
        for &q in &section.questions {
            acc = match (acc, self.question_points(q)) {
                (AV::Num(a, b), AV::Num(c, d)) => {
                    interval(BinaryOp::Add, (a, b), (c, d)).unwrap_or(AV::Unknown)
                }
                _ => AV::Unknown,
            };
        }
        acc
    }

    pub(super) fn score(&mut self, s: usize) -> AV {
        if let Some(Some(v)) = self.scores.get(s) {
            return v.clone();
        }
        let def = self.def;
        let Some(score) = def.scores.get(s) else {
            return AV::Unknown;
        };
        let v = self.eval(&score.value);
        if let Some(slot) = self.scores.get_mut(s) {
            *slot = Some(v.clone());
        }
        v
    }

    pub(super) fn eval(&mut self, e: &RExpr) -> AV {
        if self.depth > MAX_DEPTH {
            return AV::Unknown;
        }
        self.depth += 1;
        let v = self.eval_inner(e);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &RExpr) -> AV {
        match &e.kind {
            RKind::Const(v) => match v {
                Value::Bool(b) => AV::Bool(*b),
                Value::Number(d) => num(*d),
                Value::Text(t) => AV::Text(t.clone()),
                Value::Date(d) => AV::Date(*d),
                Value::Variant(_, i) => AV::Variant(*i),
                Value::Choice(_, _, o) => AV::Choice(*o),
                Value::Risk(_, r) => AV::Risk(r.clone()),
                _ => AV::Unknown,
            },
            RKind::Question(q) => self.question(*q),
            RKind::QuestionPoints(q) => self.question_points(*q),
            RKind::Points(s) => self.section_points(*s),
            RKind::Chosen { question, option } => match self.question(*question) {
                AV::Set(os) => AV::Bool(os.contains(option)),
                _ => AV::Unknown,
            },
            RKind::Score(s) => self.score(*s),
            RKind::Unary { op, operand } => {
                let x = self.eval(operand);
                match (op, x) {
                    (UnaryOp::Not, x) => from_truth(match truth(&x) {
                        F => T,
                        T => F,
                        _ => U,
                    }),
                    (UnaryOp::Neg, AV::Num(a, b)) => AV::Num(-b, -a),
                    _ => AV::Unknown,
                }
            }
            RKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            RKind::InSet {
                value,
                set,
                negated,
            } => {
                let x = self.eval(value);
                let mut r = F;
                for m in set {
                    let y = self.eval(m);
                    match self.equal(&x, &y) {
                        T => {
                            r = T;
                            break;
                        }
                        F => {}
                        _ => r = U,
                    }
                }
                from_truth(if *negated { not3(r) } else { r })
            }
            RKind::InRange {
                value,
                low,
                high,
                negated,
            } => {
                let (x, l, h) = (self.eval(value), self.eval(low), self.eval(high));
                let r = match (&x, &l, &h) {
                    (AV::Num(a, b), AV::Num(c, d), AV::Num(g, k)) => and3(
                        compare_intervals(Cmp::Ge, (*a, *b), (*c, *d)),
                        compare_intervals(Cmp::Le, (*a, *b), (*g, *k)),
                    ),
                    _ => U,
                };
                from_truth(if *negated { not3(r) } else { r })
            }
            RKind::If {
                condition,
                then,
                otherwise,
            } => match truth(&self.eval(condition)) {
                T => self.eval(then),
                F => self.eval(otherwise),
                _ => {
                    // Either branch may be taken: what both allow.
                    let (a, b) = (self.eval(then), self.eval(otherwise));
                    match (a, b) {
                        (AV::Num(p, q), AV::Num(r, s)) => AV::Num(p.min(r), q.max(s)),
                        (a, b) if a == b => a,
                        _ => AV::Unknown,
                    }
                }
            },
            RKind::Builtin { func, args } => self.builtin(*func, args),
            // Facts of the subject, tables, programmes and lists are not part of an
            // assessment's answers.
            _ => AV::Unknown,
        }
    }

    fn equal(&self, x: &AV, y: &AV) -> u8 {
        match (x, y) {
            (AV::Unknown, _) | (_, AV::Unknown) => U,
            (AV::Num(a, b), AV::Num(c, d)) => compare_intervals(Cmp::Eq, (*a, *b), (*c, *d)),
            (a, b) => u8::from(a == b),
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &RExpr, rhs: &RExpr) -> AV {
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Implies => {
                let a = truth(&self.eval(lhs));
                let a = if op == BinaryOp::Implies { not3(a) } else { a };
                // Short-circuit as the row machine does: the other side is not
                // needed (and may be unknown) when the first decides.
                if (op == BinaryOp::And && a == F) || (op != BinaryOp::And && a == T) {
                    return from_truth(a);
                }
                let b = truth(&self.eval(rhs));
                from_truth(if op == BinaryOp::And {
                    and3(a, b)
                } else {
                    or3(a, b)
                })
            }
            BinaryOp::Otherwise => match self.eval(lhs) {
                AV::Unknown => self.eval(rhs),
                AV::Num(a, b) if a != b => AV::Unknown,
                v => v,
            },
            _ => {
                let (x, y) = (self.eval(lhs), self.eval(rhs));
                if let Some(cmp) = Cmp::of(op) {
                    return from_truth(match (&x, &y) {
                        (AV::Num(a, b), AV::Num(c, d)) => {
                            compare_intervals(cmp, (*a, *b), (*c, *d))
                        }
                        (AV::Unknown, _) | (_, AV::Unknown) => U,
                        _ => match cmp {
                            Cmp::Eq => u8::from(x == y),
                            Cmp::Ne => u8::from(x != y),
                            _ => match (&x, &y) {
                                (AV::Date(p), AV::Date(q)) => u8::from(cmp.holds(p.cmp(q))),
                                _ => U,
                            },
                        },
                    });
                }
                match (x, y) {
                    (AV::Num(a, b), AV::Num(c, d)) => {
                        interval(op, (a, b), (c, d)).unwrap_or(AV::Unknown)
                    }
                    _ => AV::Unknown,
                }
            }
        }
    }

    fn builtin(&mut self, func: Builtin, args: &[RExpr]) -> AV {
        match func {
            Builtin::Min | Builtin::Max => {
                let mut acc: Option<(Decimal, Decimal)> = None;
                for a in args {
                    let AV::Num(lo, hi) = self.eval(a) else {
                        return AV::Unknown;
                    };
                    acc = Some(match acc {
                        None => (lo, hi),
                        Some((l, h)) if func == Builtin::Min => (l.min(lo), h.min(hi)),
                        Some((l, h)) => (l.max(lo), h.max(hi)),
                    });
                }
                acc.map_or(AV::Unknown, |(l, h)| AV::Num(l, h))
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil => {
                let Some(first) = args.first() else {
                    return AV::Unknown;
                };
                let places = match args.get(1).map(|p| self.eval(p)) {
                    None => 0,
                    Some(AV::Num(p, q)) if p == q && p.fract().is_zero() => {
                        match i64::try_from(p) {
                            Ok(n) => n,
                            Err(_) => return AV::Unknown,
                        }
                    }
                    Some(_) => return AV::Unknown,
                };
                let strategy = match func {
                    Builtin::Round => rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    Builtin::Floor => rust_decimal::RoundingStrategy::ToNegativeInfinity,
                    _ => rust_decimal::RoundingStrategy::ToPositiveInfinity,
                };
                // Rounding is monotone: round both ends.
                let f = |d: Decimal| crate::screen::value::round_decimal(d, places, strategy);
                match self.eval(first) {
                    AV::Num(a, b) => match (f(a), f(b)) {
                        (Some(a), Some(b)) => AV::Num(a, b),
                        _ => AV::Unknown,
                    },
                    _ => AV::Unknown,
                }
            }
            Builtin::Abs => match args.first().map(|a| self.eval(a)) {
                Some(AV::Num(a, b)) => {
                    if a >= Decimal::ZERO {
                        AV::Num(a, b)
                    } else if b <= Decimal::ZERO {
                        AV::Num(-b, -a)
                    } else {
                        AV::Num(Decimal::ZERO, (-a).max(b))
                    }
                }
                _ => AV::Unknown,
            },
            // The number of options chosen in a `choices` question.
            Builtin::Count => match args.first().map(|a| (&a.kind, self.eval(a))) {
                Some((_, AV::Set(os))) => num(Decimal::from(os.len())),
                Some((RKind::Question(q), AV::Unknown)) => {
                    match self.def.questions.get(*q).map(|d| &d.kind) {
                        Some(QuestionSpec::Choices { options }) => {
                            AV::Num(Decimal::ZERO, Decimal::from(options.len()))
                        }
                        _ => AV::Unknown,
                    }
                }
                _ => AV::Unknown,
            },
            Builtin::Known => match args.first().map(|a| self.eval(a)) {
                Some(AV::Unknown) | None => AV::Bool(false),
                Some(AV::Num(a, b)) => AV::Bool(a == b),
                Some(_) => AV::Bool(true),
            },
            _ => AV::Unknown,
        }
    }
}

fn not3(t: u8) -> u8 {
    match t {
        F => T,
        T => F,
        _ => U,
    }
}

fn and3(a: u8, b: u8) -> u8 {
    match (a, b) {
        (F, _) | (_, F) => F,
        (T, T) => T,
        _ => U,
    }
}

fn or3(a: u8, b: u8) -> u8 {
    match (a, b) {
        (T, _) | (_, T) => T,
        (F, F) => F,
        _ => U,
    }
}

/// The questions an expression depends on, directly or through sections and
/// scores.
pub(super) fn questions_of(def: &AssessmentDef, e: &RExpr, out: &mut BTreeSet<usize>, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    let d = depth + 1;
    // Points of a question that scores nothing do not depend on its answer.
    let scores = |q: usize| {
        def.questions
            .get(q)
            .and_then(|x| points_range(&x.kind))
            .is_some_and(|(lo, hi)| !(lo.is_zero() && hi.is_zero()))
    };
    match &e.kind {
        RKind::Question(q) | RKind::Chosen { question: q, .. } => {
            out.insert(*q);
        }
        RKind::QuestionPoints(q) if scores(*q) => {
            out.insert(*q);
        }
        RKind::Points(s) => {
            if let Some(s) = def.sections.get(*s) {
                out.extend(s.questions.iter().copied().filter(|&q| scores(q)));
            }
        }
        RKind::Score(s) => {
            if let Some(s) = def.scores.get(*s) {
                questions_of(def, &s.value, out, d);
            }
        }
        RKind::Unary { operand, .. } => questions_of(def, operand, out, d),
        RKind::Binary { lhs, rhs, .. } => {
            questions_of(def, lhs, out, d);
            questions_of(def, rhs, out, d);
        }
        RKind::InSet { value, set, .. } => {
            questions_of(def, value, out, d);
            for s in set {
                questions_of(def, s, out, d);
            }
        }
        RKind::InRange {
            value, low, high, ..
        } => {
            for x in [value, low, high] {
                questions_of(def, x, out, d);
            }
        }
        RKind::If {
            condition,
            then,
            otherwise,
        } => {
            for x in [condition, then, otherwise] {
                questions_of(def, x, out, d);
            }
        }
        RKind::Builtin { args, .. } => {
            for a in args {
                questions_of(def, a, out, d);
            }
        }
        RKind::Where { list, condition }
        | RKind::Quantified {
            list, condition, ..
        } => {
            questions_of(def, list, out, d);
            questions_of(def, condition, out, d);
        }
        RKind::Dated(versions) => {
            for x in versions.iter().filter_map(|(_, x)| x.as_ref().ok()) {
                questions_of(def, x, out, d);
            }
        }
        _ => {}
    }
}
