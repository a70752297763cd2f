//! Assessments, services, calendars and protocols: their structure and their
//! expressions.

use std::collections::HashMap;

use accord_grammar::ast::{self, AssessmentItem, ProtocolItem, StepItem};
use rust_decimal::Decimal;

use super::collect::unknown;
use super::expr::{Ctx, Scope};
use super::util::{duration_value, parse_number, version_item, version_number};
use super::*;
use crate::diagnostics::Diagnostic;

const WEEKDAYS: [(&str, jiff::civil::Weekday); 7] = [
    ("monday", jiff::civil::Weekday::Monday),
    ("tuesday", jiff::civil::Weekday::Tuesday),
    ("wednesday", jiff::civil::Weekday::Wednesday),
    ("thursday", jiff::civil::Weekday::Thursday),
    ("friday", jiff::civil::Weekday::Friday),
    ("saturday", jiff::civil::Weekday::Saturday),
    ("sunday", jiff::civil::Weekday::Sunday),
];

/// Tracks first definitions inside one declaration (E0121 on repeats).
struct Members<'n> {
    first: HashMap<&'n str, ast::Span>,
    what: &'static str,
}

impl<'n> Members<'n> {
    fn new(what: &'static str) -> Self {
        Members {
            first: HashMap::new(),
            what,
        }
    }
    /// True when new; otherwise reports the duplicate.
    fn add(&mut self, c: &mut Vec<Diagnostic>, file: usize, id: &'n ast::Ident) -> bool {
        if let Some(f) = self.first.get(id.name.as_str()) {
            c.push(
                Diagnostic::error(
                    "E0121",
                    file,
                    id.span,
                    format!("{} `{}` is defined more than once", self.what, id.name),
                )
                .with_help("rename or remove one of them")
                .with_related(file, *f, "first defined here"),
            );
            return false;
        }
        self.first.insert(&id.name, id.span);
        true
    }
}

impl<'a> Checker<'a> {
    fn number(&mut self, file: usize, text: &str, span: ast::Span) -> Option<Decimal> {
        let n = parse_number(text);
        if n.is_none() {
            self.emit(
                Diagnostic::error(
                    "E0212",
                    file,
                    span,
                    format!("the number `{text}` is out of range"),
                )
                .with_help("use a smaller number"),
            );
        }
        n
    }

    fn question(
        &mut self,
        file: usize,
        a: AssessmentId,
        qi: usize,
        q: &ast::Question,
        section: Option<usize>,
    ) -> QuestionDef {
        let (kind, ty) = match &q.kind {
            ast::QuestionKind::Boolean {
                points,
                else_points,
                span,
            } => {
                let yes = points
                    .as_deref()
                    .and_then(|p| self.number(file, p, *span))
                    .unwrap_or_default();
                let no = else_points
                    .as_deref()
                    .and_then(|p| self.number(file, p, *span))
                    .unwrap_or_default();
                (QuestionSpec::Boolean { yes, no }, Type::Boolean)
            }
            ast::QuestionKind::Scale {
                low,
                high,
                options,
                span,
            } => {
                let lo = self
                    .number(file, low, *span)
                    .and_then(|n| i64::try_from(n).ok())
                    .unwrap_or(0);
                let hi = self
                    .number(file, high, *span)
                    .and_then(|n| i64::try_from(n).ok())
                    .unwrap_or(lo);
                if lo > hi {
                    self.emit(
                        Diagnostic::error(
                            "E0501",
                            file,
                            *span,
                            format!("the scale of `{}` runs from {lo} down to {hi}", q.name.name),
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
                            "E0502",
                            file,
                            *span,
                            format!(
                                "the scale {lo}..{hi} of `{}` has {want} points but {} labels",
                                q.name.name,
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
                        options: options.clone(),
                    },
                    Type::Integer,
                )
            }
            ast::QuestionKind::Choice {
                options, multiple, ..
            } => {
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
                if *multiple {
                    (
                        QuestionSpec::Choices { options: defs },
                        Type::List(Box::new(Type::Choice(a, qi))),
                    )
                } else {
                    (QuestionSpec::Choice { options: defs }, Type::Choice(a, qi))
                }
            }
            ast::QuestionKind::Value { ty, range, span } => {
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
                        let d = unknown("E0101", file, ty, "answer type", cands, "answers are `Integer`, `Decimal`, `Money`, `Date`, `Text` or `Boolean`");
                        self.emit(d);
                        Type::Error
                    }
                };
                let range = match range {
                    Some((lo, hi)) => {
                        let (l, h) = (self.number(file, lo, *span), self.number(file, hi, *span));
                        match (l, h) {
                            (Some(l), Some(h)) if l > h => {
                                self.emit(
                                    Diagnostic::error(
                                        "E0501",
                                        file,
                                        *span,
                                        format!(
                                            "the range of `{}` runs from {l} down to {h}",
                                            q.name.name
                                        ),
                                    )
                                    .with_help("write the low end first"),
                                );
                                None
                            }
                            (Some(l), Some(h)) => {
                                if !t.is_amount() && !t.is_error() {
                                    self.emit(
                                        Diagnostic::error(
                                            "E0501",
                                            file,
                                            *span,
                                            format!(
                                                "a range needs a numeric answer, `{}` is `{}`",
                                                q.name.name, ty.name
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
        };
        QuestionDef {
            name: q.name.name.clone(),
            label: q.label.clone(),
            docs: q.docs.clone(),
            section,
            kind,
            ty,
        }
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
                                        "E0308",
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
                                            "E0308",
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
                    "E0201",
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

    pub(super) fn resolve_services(&mut self) {
        let list = self.service_ast.clone();
        for &(file, s) in &list {
            let mut def = ServiceDef {
                name: s.name.name.clone(),
                label: s.label.clone(),
                sector: None,
                meets: Vec::new(),
                loc: Loc {
                    file,
                    span: s.name.span,
                },
            };
            let mut sector_at: Option<ast::Span> = None;
            let mut any_meets = false;
            for item in &s.items {
                match item {
                    ast::ServiceItem::Sector(id, span) => {
                        if let Some(f) = sector_at {
                            self.duplicate_clause(file, *span, "sector", f);
                            continue;
                        }
                        sector_at = Some(*span);
                        def.sector = self.sector_ref(file, id);
                    }
                    ast::ServiceItem::Meets(needs, _) => {
                        any_meets = true;
                        for n in needs {
                            if self.out.index.needs.contains(&n.name) {
                                def.meets.push(n.name.clone());
                            } else {
                                let cands =
                                    self.out.index.needs.iter().map(String::as_str).collect();
                                let d = unknown(
                                    "E0110",
                                    file,
                                    n,
                                    "need",
                                    cands,
                                    "name a need declared with `need NAME when …` in an assessment",
                                );
                                self.emit(d);
                            }
                        }
                    }
                }
            }
            if !any_meets {
                self.emit(
                    Diagnostic::error(
                        "E0512",
                        file,
                        s.name.span,
                        format!("service `{}` meets no need", s.name.name),
                    )
                    .with_help("add `meets NEED`, naming a need declared in an assessment"),
                );
            }
            self.out.services.push(def);
        }
    }

    pub(super) fn resolve_calendars(&mut self) {
        let list = self.calendar_ast.clone();
        for &(file, c) in &list {
            let mut def = CalendarDef {
                name: c.name.name.clone(),
                label: c.label.clone(),
                weekend: Vec::new(),
                holidays: Vec::new(),
                loc: Loc {
                    file,
                    span: c.name.span,
                },
            };
            let mut weekend_at: Option<ast::Span> = None;
            for item in &c.items {
                match item {
                    ast::CalendarItem::Weekend(days, span) => {
                        if let Some(f) = weekend_at {
                            self.duplicate_clause(file, *span, "weekend", f);
                            continue;
                        }
                        weekend_at = Some(*span);
                        for d in days {
                            match WEEKDAYS.iter().find(|(n, _)| *n == d.name) {
                                Some((_, w)) => {
                                    if !def.weekend.contains(w) {
                                        def.weekend.push(*w);
                                    }
                                }
                                None => {
                                    let cands = WEEKDAYS.iter().map(|(n, _)| *n).collect();
                                    let diag = unknown(
                                        "E0115",
                                        file,
                                        d,
                                        "day",
                                        cands,
                                        "write a day name in lowercase English, e.g. `saturday`",
                                    );
                                    self.emit(diag);
                                }
                            }
                        }
                    }
                    ast::CalendarItem::Holiday(dates, _) => {
                        for lit in dates {
                            if let Some(d) = self.date(file, lit) {
                                if def.holidays.contains(&d) {
                                    self.emit(
                                        Diagnostic::warning(
                                            "W0105",
                                            file,
                                            lit.span,
                                            format!("holiday {d} is listed twice"),
                                        )
                                        .with_help("remove the repeated date"),
                                    );
                                }
                                def.holidays.push(d);
                            }
                        }
                    }
                }
            }
            def.holidays.sort();
            def.holidays.dedup();
            self.out.calendars.push(def);
        }
    }

    fn role_ref(&mut self, file: usize, p: usize, id: &ast::Ident) -> Option<usize> {
        let ctx = self.proto_ctx.get(p)?;
        if let Some(&r) = ctx.roles.get(&id.name) {
            return Some(r);
        }
        let cands = ctx.roles.keys().map(String::as_str).collect();
        let d = unknown(
            "E0111",
            file,
            id,
            "role",
            cands,
            "declare it in the protocol's `roles { … }`",
        );
        self.emit(d);
        None
    }

    fn step_ref(&mut self, file: usize, p: usize, id: &ast::Ident) -> Option<usize> {
        let ctx = self.proto_ctx.get(p)?;
        if let Some(&s) = ctx.steps.get(&id.name) {
            return Some(s);
        }
        let cands = ctx.steps.keys().map(String::as_str).collect();
        let d = unknown(
            "E0112",
            file,
            id,
            "step",
            cands,
            "name a step of this protocol",
        );
        self.emit(d);
        None
    }

    fn duration(&mut self, file: usize, d: &ast::Duration, what: &str) -> Option<DurationValue> {
        match duration_value(d) {
            Some(v) if v.amount > 0 => Some(v),
            Some(_) => {
                self.emit(
                    Diagnostic::error(
                        "E0510",
                        file,
                        d.span,
                        format!("`{what}` needs a duration longer than zero"),
                    )
                    .with_help("write a positive amount, e.g. `3 working days`"),
                );
                None
            }
            None => {
                self.emit(
                    Diagnostic::error(
                        "E0212",
                        file,
                        d.span,
                        format!("the duration `{}` is out of range", d.amount),
                    )
                    .with_help("use a smaller amount"),
                );
                None
            }
        }
    }

    pub(super) fn step_assessment(&self, p: ProtocolId, step: usize) -> Option<AssessmentId> {
        self.out.protocols.get(p.0)?.steps.get(step)?.assessment
    }

    pub(super) fn resolve_protocols(&mut self) {
        let list = self.protocol_ast.clone();
        for (pi, &(file, p)) in list.iter().enumerate() {
            let version = match version_item(p) {
                None => 1,
                Some((text, _, _)) => version_number(text).unwrap_or(0),
            };
            let mut def = ProtocolDef {
                name: p.name.name.clone(),
                version,
                from: None,
                label: p.label.clone(),
                docs: p.docs.clone(),
                subject: None,
                calendar: None,
                roles: Vec::new(),
                start: None,
                steps: Vec::new(),
                escalations: Vec::new(),
                shares: Vec::new(),
                loc: Loc {
                    file,
                    span: p.name.span,
                },
            };
            let mut ctx = ProtoCtx::default();
            let mut roles = Members::new("role");
            let mut steps = Members::new("step");
            let mut step_ast: Vec<&ast::Step> = Vec::new();
            let (mut for_at, mut cal_at, mut start_at) =
                (None::<ast::Span>, None::<ast::Span>, None::<ast::Span>);
            let mut roles_at: Option<ast::Span> = None;
            let mut version_at: Option<ast::Span> = None;
            // First the names (steps may refer to later steps).
            for item in &p.items {
                match item {
                    ProtocolItem::Version { from, span, .. } => {
                        if let Some(f) = version_at {
                            self.duplicate_clause(file, *span, "version", f);
                            continue;
                        }
                        version_at = Some(*span);
                        def.from = from.as_ref().and_then(|d| self.date(file, d));
                    }
                    ProtocolItem::For(e, span) => {
                        if let Some(f) = for_at {
                            self.duplicate_clause(file, *span, "for", f);
                            continue;
                        }
                        for_at = Some(*span);
                        def.subject = self.entity_ref(file, e);
                    }
                    ProtocolItem::Calendar(c, span) => {
                        if let Some(f) = cal_at {
                            self.duplicate_clause(file, *span, "calendar", f);
                            continue;
                        }
                        cal_at = Some(*span);
                        match self.out.index.calendars.get(&c.name) {
                            Some(id) => def.calendar = Some(*id),
                            None => {
                                let cands = self
                                    .out
                                    .index
                                    .calendars
                                    .keys()
                                    .map(String::as_str)
                                    .collect();
                                let d = unknown(
                                    "E0114",
                                    file,
                                    c,
                                    "calendar",
                                    cands,
                                    "declare it with `calendar NAME { weekend …  holiday … }`",
                                );
                                self.emit(d);
                            }
                        }
                    }
                    ProtocolItem::Roles(rs, span) => {
                        if let Some(f) = roles_at {
                            self.duplicate_clause(file, *span, "roles", f);
                        }
                        roles_at = Some(*span);
                        for r in rs {
                            if roles.add(&mut self.diags, file, &r.name) {
                                ctx.roles.insert(r.name.name.clone(), def.roles.len());
                                def.roles.push(RoleDef {
                                    name: r.name.name.clone(),
                                    label: r.label.clone(),
                                    agency: r.agency.as_ref().map(|a| a.name.clone()),
                                });
                            }
                        }
                    }
                    ProtocolItem::Start(_, span) => {
                        if let Some(f) = start_at {
                            self.duplicate_clause(file, *span, "start when", f);
                        } else {
                            start_at = Some(*span);
                        }
                    }
                    ProtocolItem::Step(s) => {
                        if steps.add(&mut self.diags, file, &s.name) {
                            ctx.steps.insert(s.name.name.clone(), step_ast.len());
                            step_ast.push(s);
                        }
                    }
                    ProtocolItem::Escalate { .. } | ProtocolItem::Share { .. } => {}
                }
            }
            if for_at.is_none() {
                self.missing_for(file, p.name.span, "protocol", &p.name.name);
            }
            if roles_at.is_none() {
                self.emit(
                    Diagnostic::error(
                        "E0513",
                        file,
                        p.name.span,
                        format!("protocol `{}` declares no roles", p.name.name),
                    )
                    .with_help(
                        "add `roles { case_manager \"Case manager\" at social_services … }`",
                    ),
                );
            }
            self.proto_ctx.push(ctx);
            for s in &step_ast {
                let sd = self.resolve_step(file, pi, s, def.subject);
                def.steps.push(sd);
            }
            let counts_working_days = step_ast.iter().any(|s| {
                s.items.iter().any(|i| matches!(i, StepItem::Within(d, _) | StepItem::Every(d, _) if d.unit == ast::DurationUnit::WorkingDays))
            }) || p.items.iter().any(|i| matches!(i, ProtocolItem::Escalate { overdue_by, .. } if overdue_by.unit == ast::DurationUnit::WorkingDays));
            if def.calendar.is_none() && cal_at.is_none() && counts_working_days {
                self.emit(
                    Diagnostic::warning("W0104", file, p.name.span, format!("protocol `{}` counts working days but names no calendar", p.name.name))
                        .with_help("add `calendar NAME` so holidays are skipped; without one, only Saturdays and Sundays are days off"),
                );
            }
            // A step whose `assessment` is unknown (E0113) seems to have none; the
            // checks below that depend on it would only repeat that error.
            let unknown_assessment = step_ast.iter().any(|s| {
                s.items.iter().any(|i| {
                    matches!(i, StepItem::Assessment(a, _)
                        if !self.out.index.assessments.contains_key(&a.name))
                })
            });
            // `for each need of X` needs X's assessment, known only now.
            for (si, s) in step_ast.iter().enumerate() {
                for item in &s.items {
                    if let StepItem::ForEachNeed(x, _) = item {
                        let Some(xi) = self.step_ref(file, pi, x) else {
                            continue;
                        };
                        if def.steps.get(xi).is_some_and(|st| st.assessment.is_some()) {
                            if let Some(st) = def.steps.get_mut(si) {
                                st.for_each_need = Some(xi);
                            }
                        } else if !unknown_assessment {
                            self.emit(
                                Diagnostic::error(
                                    "E0506",
                                    file,
                                    x.span,
                                    format!(
                                        "step `{}` has no `assessment`, so it finds no needs",
                                        x.name
                                    ),
                                )
                                .with_help("name a step with `assessment NAME`"),
                            );
                        }
                    }
                }
            }
            for item in &p.items {
                match item {
                    ProtocolItem::Escalate { to, overdue_by, .. } => {
                        let to = self.role_ref(file, pi, to);
                        if let Some(d) = self.duration(file, overdue_by, "overdue by") {
                            def.escalations.push(EscalationDef { to, overdue_by: d });
                        }
                    }
                    ProtocolItem::Share { what, with, .. } => {
                        let target = match self.out.index.assessments.get(&what.name).copied() {
                            Some(a) if def.steps.iter().any(|s| s.assessment == Some(a)) => {
                                Some(ShareTarget::Assessment(a))
                            }
                            Some(_) if unknown_assessment => None,
                            Some(_) => {
                                self.emit(
                                    Diagnostic::error(
                                        "E0515",
                                        file,
                                        what.span,
                                        format!(
                                            "protocol `{}` does not use assessment `{}`",
                                            p.name.name, what.name
                                        ),
                                    )
                                    .with_help(
                                        "share an assessment that one of its steps fills in",
                                    ),
                                );
                                None
                            }
                            None => {
                                match self.proto_ctx.get(pi).and_then(|c| c.steps.get(&what.name)) {
                                    Some(s) => Some(ShareTarget::Step(*s)),
                                    None => {
                                        let mut cands: Vec<&str> = self
                                            .out
                                            .index
                                            .assessments
                                            .keys()
                                            .map(String::as_str)
                                            .collect();
                                        if let Some(c) = self.proto_ctx.get(pi) {
                                            cands.extend(c.steps.keys().map(String::as_str));
                                        }
                                        let d = unknown(
                                            "E0511",
                                            file,
                                            what,
                                            "assessment or step",
                                            cands,
                                            "share an assessment or a step of this protocol",
                                        );
                                        self.emit(d);
                                        None
                                    }
                                }
                            }
                        };
                        let roles: Vec<usize> = with
                            .iter()
                            .filter_map(|r| self.role_ref(file, pi, r))
                            .collect();
                        if let Some(what) = target {
                            def.shares.push(ShareDef { what, with: roles });
                        }
                    }
                    _ => {}
                }
            }
            self.out.protocols.push(def);
        }
    }

    /// The versions of each protocol name, checked together once every
    /// declaration is resolved: one subject (E0519), only the lowest version
    /// without `from` (E0518), and `from` dates that increase with the version
    /// (E0517).
    pub(super) fn check_protocol_versions(&mut self) {
        // Names in order of first declaration, so diagnostics come in a fixed order.
        let mut names: Vec<&str> = Vec::new();
        for &(_, p) in &self.protocol_ast {
            if !names.contains(&p.name.name.as_str()) {
                names.push(&p.name.name);
            }
        }
        let mut found = Vec::new();
        for name in names {
            let ids = self.out.protocol_versions(name);
            if ids.len() < 2 {
                continue;
            }
            // Lowest version first: the first version with a known subject (its
            // number, entity, file and `for` name), and the latest `from` date so
            // far (version, date, file, the date's span).
            let mut lowest_subject: Option<(u32, EntityId, usize, &ast::Ident)> = None;
            let mut latest_from: Option<(u32, jiff::civil::Date, usize, ast::Span)> = None;
            for (n, id) in ids.iter().enumerate() {
                let (Some(def), Some(&(file, p))) =
                    (self.out.protocols.get(id.0), self.protocol_ast.get(id.0))
                else {
                    continue;
                };
                let v = def.version;
                let item = version_item(p);
                // The subject: the same entity as the lowest version that has one.
                let for_ident = p.items.iter().find_map(|i| match i {
                    ProtocolItem::For(e, _) => Some(e),
                    _ => None,
                });
                if let (Some(subject), Some(e)) = (def.subject, for_ident) {
                    match lowest_subject {
                        None => lowest_subject = Some((v, subject, file, e)),
                        Some((lv, ls, lf, le)) if ls != subject => found.push(
                            Diagnostic::error(
                                "E0519",
                                file,
                                e.span,
                                format!(
                                    "version {v} of protocol `{name}` is for `{}`, version {lv} for `{}`",
                                    e.name, le.name
                                ),
                            )
                            .with_help(format!(
                                "a case keeps its subject from version to version: make every version of `{name}` `for {}`, or give this protocol another name",
                                le.name
                            ))
                            .with_related(lf, le.span, format!("version {lv} is for `{}`", le.name)),
                        ),
                        Some(_) => {}
                    }
                }
                let Some((_, from, span)) = item else {
                    continue;
                };
                match from {
                    // Only the lowest version may be in force from the beginning.
                    None if n > 0 => found.push(
                        Diagnostic::error(
                            "E0518",
                            file,
                            span,
                            format!("version {v} of protocol `{name}` has no `from` date"),
                        )
                        .with_help(format!(
                            "add the date it comes into force, e.g. `version {v} from 2026-01-01`; only the lowest version of a protocol may go without `from`"
                        )),
                    ),
                    None => {}
                    Some(date_lit) => {
                        let Some(date) = def.from else {
                            // Not a valid date (E0211).
                            continue;
                        };
                        if let Some((pv, pd, pf, ps)) = latest_from {
                            if date <= pd {
                                let when = if date == pd {
                                    format!("on the same day as version {pv} ({pd})")
                                } else {
                                    format!("before version {pv} ({pd})")
                                };
                                found.push(
                                    Diagnostic::error(
                                        "E0517",
                                        file,
                                        date_lit.span,
                                        format!(
                                            "version {v} of protocol `{name}` comes into force {when}"
                                        ),
                                    )
                                    .with_help(
                                        "a higher version comes into force later: give it a later `from` date, or swap the version numbers",
                                    )
                                    .with_related(pf, ps, format!("version {pv} is in force from here")),
                                );
                                continue;
                            }
                        }
                        latest_from = Some((v, date, file, date_lit.span));
                    }
                }
            }
        }
        self.diags.extend(found);
    }

    fn resolve_step(
        &mut self,
        file: usize,
        p: usize,
        s: &ast::Step,
        subject: Option<EntityId>,
    ) -> StepDef {
        let mut d = StepDef {
            name: s.name.name.clone(),
            label: s.label.clone(),
            docs: s.docs.clone(),
            by: None,
            after: Vec::new(),
            after_spans: Vec::new(),
            within: None,
            every: None,
            contact: None,
            assessment: None,
            requires_consent: false,
            for_each_need: None,
            when: None,
            legal: Vec::new(),
            span: s.name.span,
        };
        let mut seen: HashMap<&'static str, ast::Span> = HashMap::new();
        let mut once = |c: &mut Self, key: &'static str, span: ast::Span| -> bool {
            if let Some(f) = seen.get(key) {
                c.duplicate_clause(file, span, key, *f);
                return false;
            }
            seen.insert(key, span);
            true
        };
        let mut has_by = false;
        for item in &s.items {
            match item {
                StepItem::By(r, span) => {
                    has_by = true;
                    if once(self, "by", *span) {
                        d.by = self.role_ref(file, p, r);
                    }
                }
                StepItem::After(steps, _) => {
                    for x in steps {
                        if let Some(i) = self.step_ref(file, p, x) {
                            if !d.after.contains(&i) {
                                d.after.push(i);
                                d.after_spans.push(x.span);
                            }
                        }
                    }
                }
                StepItem::Within(du, span) => {
                    if once(self, "within", *span) {
                        d.within = self.duration(file, du, "within");
                    }
                }
                StepItem::Every(du, span) => {
                    if once(self, "every", *span) {
                        d.every = self.duration(file, du, "every");
                    }
                }
                StepItem::Contact(l, span) => {
                    if once(self, "contact", *span) {
                        d.contact = Some(l.clone());
                    }
                }
                StepItem::Assessment(a, span) => {
                    if once(self, "assessment", *span) {
                        match self.out.index.assessments.get(&a.name) {
                            Some(id) => {
                                d.assessment = Some(*id);
                                let asubject =
                                    self.out.assessments.get(id.0).and_then(|x| x.subject);
                                if let (Some(x), Some(y)) = (asubject, subject) {
                                    if x != y {
                                        let (xn, yn) = (
                                            self.type_name(&Type::Entity(x)),
                                            self.type_name(&Type::Entity(y)),
                                        );
                                        self.emit(
                                            Diagnostic::error("E0514", file, a.span, format!("assessment `{}` is for `{xn}`, the protocol for `{yn}`", a.name))
                                                .with_help("use an assessment of the protocol's subject"),
                                        );
                                    }
                                }
                            }
                            None => {
                                let cands = self
                                    .out
                                    .index
                                    .assessments
                                    .keys()
                                    .map(String::as_str)
                                    .collect();
                                let diag = unknown(
                                    "E0113",
                                    file,
                                    a,
                                    "assessment",
                                    cands,
                                    "declare it with `assessment NAME { … }`",
                                );
                                self.emit(diag);
                            }
                        }
                    }
                }
                StepItem::Requires(what, _) => {
                    if what.name == "consent" {
                        d.requires_consent = true;
                    } else {
                        self.emit(
                            Diagnostic::error(
                                "E0508",
                                file,
                                what.span,
                                format!("unknown requirement `{}`", what.name),
                            )
                            .with_help("the only requirement is `requires consent`"),
                        );
                    }
                }
                StepItem::ForEachNeed(_, span) => {
                    once(self, "for each need", *span);
                }
                StepItem::When(_, span) => {
                    once(self, "when", *span);
                }
                StepItem::Legal(l, _) => d.legal.push(l.clone()),
            }
        }
        if !has_by {
            self.emit(
                Diagnostic::error(
                    "E0509",
                    file,
                    s.name.span,
                    format!("step `{}` has no `by ROLE`", s.name.name),
                )
                .with_help("say which role does it, e.g. `by case_manager`"),
            );
        }
        d
    }

    pub(super) fn check_protocol_exprs(&mut self) {
        let list = self.protocol_ast.clone();
        for (pi, &(file, p)) in list.iter().enumerate() {
            let id = ProtocolId(pi);
            let subject = self.out.protocols.get(pi).and_then(|d| d.subject);
            let mut start_done = false;
            for item in &p.items {
                match item {
                    ProtocolItem::Start(e, _) if !start_done => {
                        start_done = true;
                        let mut sc = Scope::new(file, subject, Ctx::Protocol(id), None);
                        let r = self.condition(&mut sc, e, "a protocol's `start when`");
                        if let Some(d) = self.out.protocols.get_mut(pi) {
                            d.start = Some(r);
                        }
                    }
                    ProtocolItem::Step(s) => {
                        let Some(si) = self
                            .proto_ctx
                            .get(pi)
                            .and_then(|c| c.steps.get(&s.name.name))
                            .copied()
                        else {
                            continue;
                        };
                        // Only the step that owns the name (not a duplicate).
                        if self
                            .out
                            .protocols
                            .get(pi)
                            .and_then(|d| d.steps.get(si))
                            .is_none_or(|st| st.span != s.name.span)
                        {
                            continue;
                        }
                        for it in &s.items {
                            if let StepItem::When(e, _) = it {
                                let mut sc = Scope::new(file, subject, Ctx::Protocol(id), None);
                                let r = self.condition(&mut sc, e, "a step's `when`");
                                self.never_ready_guard(file, &s.name.name, &r);
                                if let Some(st) = self
                                    .out
                                    .protocols
                                    .get_mut(pi)
                                    .and_then(|d| d.steps.get_mut(si))
                                {
                                    if st.when.is_none() {
                                        st.when = Some(r);
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// E0520: a step's `when` that can never hold (see [`super::guards`]).
    fn never_ready_guard(&mut self, file: usize, step: &str, guard: &RExpr) {
        if guard.ty != Type::Boolean {
            return;
        }
        let help = if step == "close" {
            "correct the condition so that a case can meet it: as written, no case could ever be closed"
        } else {
            "correct the condition so that a case can meet it, or remove the step"
        };
        let d = match super::guards::never_holds(guard) {
            None => return,
            Some(super::guards::Never::False) => Diagnostic::error(
                "E0520",
                file,
                guard.span,
                format!("the `when` of step `{step}` is always false, so the step can never become ready"),
            ),
            Some(super::guards::Never::Contradiction(a, b)) => Diagnostic::error(
                "E0520",
                file,
                b,
                format!("the `when` of step `{step}` can never hold, so the step can never become ready"),
            )
            .with_related(file, a, "cannot hold together with this condition"),
        };
        self.emit(d.with_help(help));
    }
}
