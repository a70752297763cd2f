//! Assessments: questions and their answers' types, sections, scores, needs and
//! risk levels, then their expressions (scores typed on demand).

use std::collections::HashMap;

use accord_grammar::ast::{self, AssessmentItem};
use rust_decimal::Decimal;

use super::collect::unknown;
use super::expr::{Ctx, Scope};
use super::util::{parse_number, Members};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

impl<'a> Checker<'a> {
    fn number(&mut self, file: usize, text: &str, span: ast::Span) -> Option<Decimal> {
        let n = parse_number(text);
        if n.is_none() {
            self.emit(
                Diagnostic::error(
                    Code::E0212,
                    file,
                    span,
                    format!("the number `{text}` is out of range"),
                )
                .with_help("use a smaller number"),
            );
        }
        n
    }

    /// A scale's end as a whole number: E0212 when it is beyond 64 bits (or
    /// 28 digits), E0501 when it has a fraction (a scale's answers are whole).
    fn scale_end(
        &mut self,
        file: usize,
        question: &str,
        text: &str,
        span: ast::Span,
    ) -> Option<i64> {
        let n = self.number(file, text, span)?;
        if !n.fract().is_zero() {
            let message =
                format!("the scale of `{question}` runs over whole numbers, not `{text}`");
            self.emit(
                Diagnostic::error(Code::E0501, file, span, message)
                    .with_help("write whole numbers, e.g. `scale 0..3`"),
            );
            return None;
        }
        let whole = i64::try_from(n).ok();
        if whole.is_none() {
            let message = format!("the number `{text}` is out of range");
            self.emit(
                Diagnostic::error(Code::E0212, file, span, message)
                    .with_help("use a smaller number"),
            );
        }
        whole
    }

    /// One question: its kind of answer (checked by the method for that kind) and
    /// the type its answer has in expressions.
    fn question(
        &mut self,
        file: usize,
        a: AssessmentId,
        qi: usize,
        q: &ast::Question,
        section: Option<usize>,
    ) -> QuestionDef {
        let name = &q.name.name;
        let (kind, ty) = match &q.kind {
            ast::QuestionKind::Boolean {
                points,
                else_points,
                span,
            } => self.boolean_question(file, points.as_deref(), else_points.as_deref(), *span),
            ast::QuestionKind::Scale {
                low,
                high,
                options,
                span,
            } => self.scale_question(file, name, low, high, options, *span),
            ast::QuestionKind::Choice {
                options, multiple, ..
            } => self.choice_question(file, options, *multiple, (a, qi)),
            ast::QuestionKind::Value { ty, range, span } => {
                self.value_question(file, name, ty, range.as_ref(), *span)
            }
        };
        QuestionDef {
            name: name.clone(),
            label: q.label.clone(),
            docs: q.docs.clone(),
            section,
            kind,
            ty,
        }
    }

    /// `yes or no [points N else M]`: absent points are 0 (language reference,
    /// assessments); points that are not a number were reported (E0212).
    fn boolean_question(
        &mut self,
        file: usize,
        points: Option<&str>,
        else_points: Option<&str>,
        span: ast::Span,
    ) -> (QuestionSpec, Type) {
        let yes = points
            .and_then(|p| self.number(file, p, span))
            .unwrap_or_default();
        let no = else_points
            .and_then(|p| self.number(file, p, span))
            .unwrap_or_default();
        (QuestionSpec::Boolean { yes, no }, Type::Boolean)
    }

    /// `scale LOW..HIGH [labels]`: whole ends, the low one first, and one label
    /// per point when there are labels.
    fn scale_question(
        &mut self,
        file: usize,
        name: &str,
        low: &str,
        high: &str,
        options: &[ast::Label],
        span: ast::Span,
    ) -> (QuestionSpec, Type) {
        let lo = self.scale_end(file, name, low, span);
        let hi = self.scale_end(file, name, high, span);
        let ends_ok = lo.is_some() && hi.is_some();
        // An end that is not a whole number in range was reported (E0212
        // or E0501) and the ruleset has an error: the placeholder ends
        // below are never screened, and nothing more is said of them.
        let lo = lo.unwrap_or(0);
        let hi = hi.unwrap_or(lo);
        if !ends_ok {
        } else if lo > hi {
            self.emit(
                Diagnostic::error(
                    Code::E0501,
                    file,
                    span,
                    format!("the scale of `{name}` runs from {lo} down to {hi}"),
                )
                .with_help("write the low end first, e.g. `scale 0..3`"),
            );
        } else if !options.is_empty()
            && i64::try_from(options.len()).ok()
                != hi.checked_sub(lo).and_then(|d| d.checked_add(1))
        {
            let want = hi.saturating_sub(lo).saturating_add(1);
            self.emit(
                Diagnostic::error(
                    Code::E0502,
                    file,
                    span,
                    format!(
                        "the scale {lo}..{hi} of `{}` has {want} points but {} labels",
                        name,
                        options.len()
                    ),
                )
                .with_help(format!("give one label per point ({want}), or none")),
            );
        }
        (
            QuestionSpec::Scale {
                low: lo,
                high: hi,
                options: options.to_vec(),
            },
            Type::Integer,
        )
    }

    /// `choice { … }` or `choices { … }`: options named once, each with its points
    /// (absent points are 0); the answer's type names the question.
    fn choice_question(
        &mut self,
        file: usize,
        options: &[ast::ChoiceOption],
        multiple: bool,
        (a, qi): (AssessmentId, usize),
    ) -> (QuestionSpec, Type) {
        let mut seen = Members::new("option");
        let mut defs = Vec::new();
        for o in options {
            if !seen.add(&mut self.diags, file, &o.name) {
                continue;
            }
            let points = o
                .points
                .as_deref()
                .and_then(|p| self.number(file, p, o.span))
                .unwrap_or_default();
            defs.push(ChoiceDef {
                name: o.name.name.clone(),
                label: o.label.clone(),
                points,
            });
        }
        if multiple {
            (
                QuestionSpec::Choices { options: defs },
                Type::List(Box::new(Type::Choice(a, qi))),
            )
        } else {
            (QuestionSpec::Choice { options: defs }, Type::Choice(a, qi))
        }
    }

    /// A value answer (`Integer`, `Decimal`, `Money`, `Date`, `Text`, `Boolean`)
    /// with an optional range, low end first, on numbers only.
    fn value_question(
        &mut self,
        file: usize,
        name: &str,
        ty: &ast::Ident,
        range: Option<&(String, String)>,
        span: ast::Span,
    ) -> (QuestionSpec, Type) {
        let t = match ty.name.as_str() {
            "Integer" => Type::Integer,
            "Decimal" => Type::Decimal,
            "Money" => {
                self.money_at.get_or_insert(Loc {
                    file,
                    span: ty.span,
                });
                Type::Money
            }
            "Date" => Type::Date,
            "Text" => Type::Text,
            "Boolean" => Type::Boolean,
            _ => {
                let cands = vec!["Integer", "Decimal", "Money", "Date", "Text", "Boolean"];
                let d = unknown(
                    Code::E0101,
                    file,
                    ty,
                    "answer type",
                    cands,
                    "answers are `Integer`, `Decimal`, `Money`, `Date`, `Text` or `Boolean`",
                );
                self.emit(d);
                Type::Error
            }
        };
        let range = match range {
            Some((lo, hi)) => {
                let (l, h) = (self.number(file, lo, span), self.number(file, hi, span));
                match (l, h) {
                    (Some(l), Some(h)) if l > h => {
                        self.emit(
                            Diagnostic::error(
                                Code::E0501,
                                file,
                                span,
                                format!("the range of `{name}` runs from {l} down to {h}"),
                            )
                            .with_help("write the low end first"),
                        );
                        None
                    }
                    (Some(l), Some(h)) => {
                        if !t.is_amount() && !t.is_error() {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0501,
                                    file,
                                    span,
                                    format!(
                                        "a range needs a numeric answer, `{name}` is `{}`",
                                        ty.name
                                    ),
                                )
                                .with_help("remove the range or make the answer a number"),
                            );
                        }
                        Some((l, h))
                    }
                    _ => None,
                }
            }
            None => None,
        };
        (
            QuestionSpec::Value {
                ty: t.clone(),
                range,
            },
            t,
        )
    }

    pub(super) fn resolve_assessments(&mut self) {
        let list = self.assessment_ast.clone();
        for (ai, &(file, a)) in list.iter().enumerate() {
            let id = AssessmentId(ai);
            let mut def = AssessmentDef {
                name: a.name.name.clone(),
                label: a.label.clone(),
                docs: a.docs.clone(),
                subject: None,
                sections: Vec::new(),
                questions: Vec::new(),
                scores: Vec::new(),
                needs: Vec::new(),
                risks: Vec::new(),
                risk_levels: Vec::new(),
                loc: Loc {
                    file,
                    span: a.name.span,
                },
            };
            let mut ctx = AssessCtx::default();
            let mut for_at: Option<ast::Span> = None;
            // Questions and scores share the expression namespace.
            let mut values = Members::new("question or score");
            let mut sections = Members::new("section");
            let mut needs = Members::new("need");
            let mut score_exprs = Vec::new();
            let mut otherwise_at: Option<ast::Span> = None;
            let n_items = a.items.len();
            for (ii, item) in a.items.iter().enumerate() {
                match item {
                    AssessmentItem::For(e, span) => {
                        if let Some(f) = for_at {
                            self.duplicate_clause(file, *span, "for", f);
                            continue;
                        }
                        for_at = Some(*span);
                        def.subject = self.entity_ref(file, e);
                    }
                    AssessmentItem::Section(s) => {
                        if !sections.add(&mut self.diags, file, &s.name) {
                            continue;
                        }
                        let si = def.sections.len();
                        ctx.sections.insert(s.name.name.clone(), si);
                        let mut qs = Vec::new();
                        for q in &s.questions {
                            if values.add(&mut self.diags, file, &q.name) {
                                let qi = def.questions.len();
                                let qd = self.question(file, id, qi, q, Some(si));
                                ctx.questions.insert(q.name.name.clone(), qi);
                                def.questions.push(qd);
                                qs.push(qi);
                            }
                        }
                        def.sections.push(SectionDef {
                            name: s.name.name.clone(),
                            label: s.label.clone(),
                            questions: qs,
                        });
                    }
                    AssessmentItem::Question(q) => {
                        if values.add(&mut self.diags, file, &q.name) {
                            let qi = def.questions.len();
                            let qd = self.question(file, id, qi, q, None);
                            ctx.questions.insert(q.name.name.clone(), qi);
                            def.questions.push(qd);
                        }
                    }
                    AssessmentItem::Score {
                        name, label, value, ..
                    } => {
                        if values.add(&mut self.diags, file, name) {
                            ctx.scores.insert(name.name.clone(), def.scores.len());
                            def.scores.push(ScoreDef {
                                name: name.name.clone(),
                                label: label.clone(),
                                ty: Type::Error,
                                value: RExpr::error(value.span()),
                            });
                            score_exprs.push(value);
                        }
                    }
                    AssessmentItem::Need {
                        name,
                        label,
                        docs,
                        condition,
                        ..
                    } => {
                        if needs.add(&mut self.diags, file, name) {
                            self.out.index.needs.insert(name.name.clone());
                            def.needs.push(NeedDef {
                                name: name.name.clone(),
                                label: label.clone(),
                                docs: docs.clone(),
                                condition: RExpr::error(condition.span()),
                            });
                        }
                    }
                    AssessmentItem::Risk {
                        level,
                        label,
                        condition,
                        span,
                    } => {
                        if condition.is_none() {
                            if let Some(f) = otherwise_at {
                                self.emit(
                                    Diagnostic::error(
                                        Code::E0308,
                                        file,
                                        *span,
                                        "an assessment has at most one `risk … otherwise`",
                                    )
                                    .with_help("keep one fallback level")
                                    .with_related(
                                        file,
                                        f,
                                        "first fallback here",
                                    ),
                                );
                            } else {
                                otherwise_at = Some(*span);
                                let later_risk = a
                                    .items
                                    .iter()
                                    .skip(ii + 1)
                                    .take(n_items)
                                    .any(|i| matches!(i, AssessmentItem::Risk { .. }));
                                if later_risk {
                                    self.emit(
                                        Diagnostic::error(
                                            Code::E0308,
                                            file,
                                            *span,
                                            "`risk … otherwise` must be the last risk level",
                                        )
                                        .with_help("move it after every `risk … when` line"),
                                    );
                                }
                            }
                        }
                        if ctx.risk_levels.insert(level.name.clone()) {
                            def.risk_levels.push(level.name.clone());
                        }
                        def.risks.push(RiskDef {
                            level: level.name.clone(),
                            label: label.clone(),
                            condition: None,
                        });
                    }
                }
            }
            if for_at.is_none() {
                self.missing_for(file, a.name.span, "assessment", &a.name.name);
            }
            self.score_state
                .push(vec![DefState::Pending; def.scores.len()]);
            self.score_ast.push(score_exprs);
            self.assess_ctx.push(ctx);
            self.out.assessments.push(def);
        }
    }

    /// The type of a score, typing it now when needed.
    pub(super) fn type_score(&mut self, a: AssessmentId, s: usize) -> Type {
        match self.score_state.get(a.0).and_then(|v| v.get(s)) {
            Some(DefState::Done(t)) => return t.clone(),
            Some(DefState::InProgress) | None => return Type::Error,
            Some(DefState::Pending) => {}
        }
        let Some(&e) = self.score_ast.get(a.0).and_then(|v| v.get(s)) else {
            return Type::Error;
        };
        let Some(&(file, _)) = self.assessment_ast.get(a.0) else {
            return Type::Error;
        };
        if self.def_depth >= 24 || self.expr_depth > super::expr::MAX_DEPTH_FOR_DEFS {
            return Type::Error;
        }
        if let Some(x) = self.score_state.get_mut(a.0).and_then(|v| v.get_mut(s)) {
            *x = DefState::InProgress;
        }
        self.def_depth += 1;
        let subject = self.out.assessments.get(a.0).and_then(|d| d.subject);
        let mut sc = Scope::new(
            file,
            subject,
            Ctx::Assessment(a),
            Some(DefNode::Score(a, s)),
        );
        let r = self.expr(&mut sc, e, None);
        self.def_depth -= 1;
        if !(r.ty.is_amount() || r.ty.is_error()) {
            let t = self.type_name(&r.ty);
            self.emit(
                Diagnostic::error(
                    Code::E0201,
                    file,
                    r.span,
                    format!("a score must be a number, found `{t}`"),
                )
                .with_help("add up points, e.g. `points(development) + points(parenting)`"),
            );
        }
        let ty = r.ty.clone();
        if let Some(d) = self
            .out
            .assessments
            .get_mut(a.0)
            .and_then(|d| d.scores.get_mut(s))
        {
            d.ty = ty.clone();
            d.value = r;
        }
        if let Some(x) = self.score_state.get_mut(a.0).and_then(|v| v.get_mut(s)) {
            *x = DefState::Done(ty.clone());
        }
        ty
    }

    pub(super) fn check_assessment_exprs(&mut self) {
        let list = self.assessment_ast.clone();
        for (ai, &(file, a)) in list.iter().enumerate() {
            let id = AssessmentId(ai);
            let n_scores = self.out.assessments.get(ai).map_or(0, |d| d.scores.len());
            for s in 0..n_scores {
                self.type_score(id, s);
            }
            let subject = self.out.assessments.get(ai).and_then(|d| d.subject);
            let (mut ni, mut ri) = (0, 0);
            let mut need_seen: HashMap<&str, ()> = HashMap::new();
            for item in &a.items {
                match item {
                    AssessmentItem::Need {
                        name, condition, ..
                    } => {
                        if need_seen.insert(&name.name, ()).is_some() {
                            continue;
                        }
                        let mut sc = Scope::new(file, subject, Ctx::Assessment(id), None);
                        let r = self.condition(&mut sc, condition, "a need's condition");
                        if let Some(d) = self
                            .out
                            .assessments
                            .get_mut(ai)
                            .and_then(|d| d.needs.get_mut(ni))
                        {
                            d.condition = r;
                        }
                        ni += 1;
                    }
                    AssessmentItem::Risk { condition, .. } => {
                        if let Some(c) = condition {
                            let mut sc = Scope::new(file, subject, Ctx::Assessment(id), None);
                            let r = self.condition(&mut sc, c, "a risk level's condition");
                            if let Some(d) = self
                                .out
                                .assessments
                                .get_mut(ai)
                                .and_then(|d| d.risks.get_mut(ri))
                            {
                                d.condition = Some(r);
                            }
                        }
                        ri += 1;
                    }
                    _ => {}
                }
            }
        }
    }
}
