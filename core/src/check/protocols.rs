//! Protocols: roles, steps and their items, escalations and shares; the versions
//! of one protocol name checked together; then the protocols' expressions
//! (`start when`, step guards, with the guards that can never hold).

use std::collections::HashMap;

use accord_grammar::ast::{self, ProtocolItem, StepItem};

use super::collect::{unknown, unknown_field};
use super::expr::{Ctx, Scope};
use super::util::{duration_value, version_item, version_number, Members};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

impl<'a> Checker<'a> {
    /// The name of the `p`-th protocol declaration.
    fn protocol_name(&self, p: usize) -> Option<String> {
        self.protocol_ast.get(p).map(|(_, a)| a.name.name.clone())
    }

    /// Records a reference to a role or step of the `p`-th protocol.
    fn refer_in_protocol(&mut self, file: usize, p: usize, kind: SymKind, id: &ast::Ident) {
        if !self.records() {
            return;
        }
        if let Some(proto) = self.protocol_name(p) {
            refer!(self, file, id.span, Sym::scoped(kind, proto, &id.name));
        }
    }

    fn role_ref(&mut self, file: usize, p: usize, id: &ast::Ident) -> Option<usize> {
        let ctx = self.proto_ctx.get(p)?;
        if let Some(&r) = ctx.roles.get(&id.name) {
            self.refer_in_protocol(file, p, SymKind::Role, id);
            return Some(r);
        }
        let cands = ctx.roles.keys().map(String::as_str).collect();
        let d = unknown(
            Code::E0111,
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
            self.refer_in_protocol(file, p, SymKind::Step, id);
            return Some(s);
        }
        let cands = ctx.steps.keys().map(String::as_str).collect();
        let d = unknown(
            Code::E0112,
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
                        Code::E0510,
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
                        Code::E0212,
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

    /// Every protocol, in phases: the names its clauses declare (steps may refer
    /// to later steps), the clauses it must have, its steps, the needs its
    /// `for each need of` steps find, then its escalations and shares.
    pub(super) fn resolve_protocols(&mut self) {
        let list = self.protocol_ast.clone();
        for (pi, &(file, p)) in list.iter().enumerate() {
            let version = match version_item(p) {
                None => 1,
                // A bad number was E0516 (collect), so the ruleset has an error
                // and this protocol is not indexed: 0 is a placeholder no case uses.
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
                region: None,
                referrals: ReferralRules::default(),
                consent_for_referral: Vec::new(),
                agencies: Vec::new(),
                legal: None,
                loc: Loc {
                    file,
                    span: p.name.span,
                },
            };
            let (ctx, step_ast, clauses) = self.protocol_names(file, p, &mut def);
            self.protocol_required(file, p, &clauses);
            self.proto_ctx.push(ctx);
            for s in &step_ast {
                let sd = self.resolve_step(file, pi, s, def.subject);
                def.steps.push(sd);
            }
            let counts_working_days = step_ast.iter().any(|s| {
                s.items.iter().any(|i| matches!(i, StepItem::Within(d, _) | StepItem::Every(d, _) if d.unit == ast::DurationUnit::WorkingDays))
            }) || p.items.iter().any(|i| matches!(i, ProtocolItem::Escalate { overdue_by, .. } if overdue_by.unit == ast::DurationUnit::WorkingDays))
                || step_ast.iter().any(|s| s.items.iter().any(|i| matches!(i, StepItem::Escalate { overdue_by, .. } if overdue_by.unit == ast::DurationUnit::WorkingDays)));
            if def.calendar.is_none() && clauses.calendar.is_none() && counts_working_days {
                self.emit(
                    Diagnostic::warning(Code::W0104, file, p.name.span, format!("protocol `{}` counts working days but names no calendar", p.name.name))
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
            self.protocol_needs(file, pi, &step_ast, &mut def, unknown_assessment);
            self.protocol_flow(file, &step_ast, &def);
            self.protocol_escalations_and_shares(file, pi, p, &mut def, unknown_assessment);
            self.protocol_referrals(file, p, &mut def);
            self.out.protocols.push(def);
        }
    }

    /// The protocol's names and single clauses: version, `for`, calendar, roles,
    /// `start when` (each once), and its steps' names.
    fn protocol_names<'p>(
        &mut self,
        file: usize,
        p: &'p ast::Protocol,
        def: &mut ProtocolDef,
    ) -> (ProtoCtx, Vec<&'p ast::Step>, Clauses) {
        let mut ctx = ProtoCtx::default();
        let mut roles = Members::new("role");
        let mut steps = Members::new("step");
        let mut step_ast: Vec<&ast::Step> = Vec::new();
        let (mut for_at, mut cal_at, mut start_at) =
            (None::<ast::Span>, None::<ast::Span>, None::<ast::Span>);
        let mut roles_at: Option<ast::Span> = None;
        let mut version_at: Option<ast::Span> = None;
        let mut legal_at: Option<ast::Span> = None;
        let mut agencies = Members::new("agency");
        // Roles declared in `agency` blocks (then `roles { }` may be left out).
        let mut has_roles = false;
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
                    match self.out.index.calendars.get(&c.name).copied() {
                        Some(id) => {
                            def.calendar = Some(id);
                            refer!(self, file, c.span, Sym::global(SymKind::Calendar, &c.name));
                        }
                        None => {
                            let cands = self
                                .out
                                .index
                                .calendars
                                .keys()
                                .map(String::as_str)
                                .collect();
                            let d = unknown(
                                Code::E0114,
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
                                kind: r.kind,
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
                ProtocolItem::Legal(l, span) => {
                    if let Some(f) = legal_at {
                        self.duplicate_clause(file, *span, "legal", f);
                        continue;
                    }
                    legal_at = Some(*span);
                    def.legal = Some(l.clone());
                }
                ProtocolItem::Agency(a) => {
                    if agencies.add(&mut self.diags, file, &a.name) {
                        def.agencies.push(AgencyDef {
                            name: a.name.name.clone(),
                            label: a.label.clone(),
                        });
                    }
                    for r in &a.roles {
                        if let Some(at) = &r.agency {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0540,
                                    file,
                                    at.span,
                                    format!(
                                        "role `{}` is in agency `{}`'s block: it needs no `at`",
                                        r.name.name, a.name.name
                                    ),
                                )
                                .with_help(format!(
                                    "remove `at {}`; to put the role in another agency, move it to that agency's block",
                                    at.name
                                ))
                                .with_related(file, a.name.span, "the block it is in"),
                            );
                        }
                        if roles.add(&mut self.diags, file, &r.name) {
                            has_roles = true;
                            ctx.roles.insert(r.name.name.clone(), def.roles.len());
                            def.roles.push(RoleDef {
                                name: r.name.name.clone(),
                                label: r.label.clone(),
                                agency: Some(a.name.name.clone()),
                                kind: r.kind,
                            });
                        }
                    }
                }
                ProtocolItem::Escalate { .. }
                | ProtocolItem::Share { .. }
                | ProtocolItem::Region(..)
                | ProtocolItem::Referrals(..)
                | ProtocolItem::ConsentForReferral { .. } => {}
            }
        }
        self.agencies_at(file, p, &def.agencies);
        // Roles in agency blocks are roles enough: `roles { }` may be left out.
        if roles_at.is_none() && has_roles {
            roles_at = Some(p.name.span);
        }
        (
            ctx,
            step_ast,
            Clauses {
                subject: for_at,
                calendar: cal_at,
                roles: roles_at,
            },
        )
    }

    /// With `agency` blocks declared, `at X` in `roles { }` names one of them
    /// (E0135 otherwise); without any, `at` names a free organisation, as
    /// before agencies could be declared.
    fn agencies_at(&mut self, file: usize, p: &ast::Protocol, agencies: &[AgencyDef]) {
        if agencies.is_empty() {
            return;
        }
        for item in &p.items {
            let ProtocolItem::Roles(rs, _) = item else {
                continue;
            };
            for at in rs.iter().filter_map(|r| r.agency.as_ref()) {
                if agencies.iter().any(|a| a.name == at.name) {
                    continue;
                }
                let cands = agencies.iter().map(|a| a.name.as_str()).collect();
                let d = unknown(
                    Code::E0135,
                    file,
                    at,
                    "agency",
                    cands,
                    "the protocol declares its agencies with `agency NAME \"Label\" { … }`: name one of them, or declare this one",
                );
                self.emit(d);
            }
        }
    }

    /// The clauses every protocol needs: `for` and `roles`.
    fn protocol_required(&mut self, file: usize, p: &ast::Protocol, clauses: &Clauses) {
        if clauses.subject.is_none() {
            self.missing_for(file, p.name.span, "protocol", &p.name.name);
        }
        if clauses.roles.is_none() {
            self.emit(
                Diagnostic::error(
                    Code::E0513,
                    file,
                    p.name.span,
                    format!("protocol `{}` declares no roles", p.name.name),
                )
                .with_help("add `roles { case_manager \"Case manager\" at social_services … }`"),
            );
        }
    }

    /// `for each need of X`: X's assessment, known only once every step is.
    fn protocol_needs(
        &mut self,
        file: usize,
        pi: usize,
        step_ast: &[&ast::Step],
        def: &mut ProtocolDef,
        unknown_assessment: bool,
    ) {
        // `for each need of X` needs X's assessment, known only now.
        for (si, s) in step_ast.iter().enumerate() {
            for item in &s.items {
                if let StepItem::ForEachNeed(x, _) | StepItem::ForEachNeedWhere(x, _, _) = item {
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
                                Code::E0506,
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
    }

    /// `within … from NAME`: a step of this protocol (it wins) or one of the
    /// events a deadline may count from; E0531 otherwise.
    fn anchor(&mut self, file: usize, p: usize, from: &ast::Ident) -> Option<Anchor> {
        let ctx = self.proto_ctx.get(p)?;
        if let Some(&s) = ctx.steps.get(&from.name) {
            self.refer_in_protocol(file, p, SymKind::Step, from);
            return Some(Anchor::Step(s));
        }
        if let Some(e) = AnchorEvent::ALL.iter().find(|e| e.as_str() == from.name) {
            return Some(Anchor::Event(*e));
        }
        let mut cands: Vec<&str> = ctx.steps.keys().map(String::as_str).collect();
        cands.extend(AnchorEvent::ALL.iter().map(|e| e.as_str()));
        let d = unknown(
            Code::E0531,
            file,
            from,
            "step or event",
            cands,
            "name a step of this protocol, or one of the events `opened`, `consent`, `referred`, `referral_accepted`, `planned`",
        );
        self.emit(d);
        None
    }

    /// What comes before each step: the steps it waits for through `after`
    /// and `for each need of`, transitively. Then W0115 for a deadline counted
    /// from a step that does not come before, and E0532 for a `back to` a step
    /// that does not.
    fn protocol_flow(&mut self, file: usize, step_ast: &[&ast::Step], def: &ProtocolDef) {
        let before = |si: usize| -> Vec<bool> {
            let mut seen = vec![false; def.steps.len()];
            let mut stack: Vec<usize> = Vec::new();
            let direct = |x: usize| {
                def.steps
                    .get(x)
                    .map(|s| {
                        s.after
                            .iter()
                            .copied()
                            .chain(s.for_each_need)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            };
            stack.extend(direct(si));
            while let Some(x) = stack.pop() {
                match seen.get_mut(x) {
                    Some(v) if !*v => *v = true,
                    _ => continue,
                }
                stack.extend(direct(x));
            }
            seen
        };
        for (si, (s, a)) in def.steps.iter().zip(step_ast).enumerate() {
            let up = before(si);
            let comes_before = |x: usize| up.get(x).copied().unwrap_or(false) && x != si;
            for item in &a.items {
                match item {
                    StepItem::WithinFrom(_, from, _) => {
                        if let Some(Anchor::Step(x)) = s.within_from {
                            if !comes_before(x) {
                                self.emit(
                                    Diagnostic::warning(
                                        Code::W0115,
                                        file,
                                        from.span,
                                        format!(
                                            "the deadline of step `{}` counts from step `{}`, which does not come before it through `after`",
                                            s.name, from.name
                                        ),
                                    )
                                    .with_help(format!(
                                        "until `{}` is done, `{}` has no due date; add `after {}` if it must come first",
                                        from.name, s.name, from.name
                                    )),
                                );
                            }
                        }
                    }
                    StepItem::BackTo(to, _, _) => {
                        let Some(x) = self
                            .proto_ctx
                            .last()
                            .and_then(|c| c.steps.get(&to.name))
                            .copied()
                        else {
                            continue;
                        };
                        if !comes_before(x) {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0532,
                                    file,
                                    to.span,
                                    format!(
                                        "step `{}` goes back to `{}`, which does not come before it through `after`",
                                        s.name, to.name
                                    ),
                                )
                                .with_help(format!(
                                    "`back to` reopens an earlier step and the steps after it: name a step that `{}` comes after",
                                    s.name
                                )),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Escalations (to a role, after a duration) and shares (an assessment or a
    /// step, with roles).
    fn protocol_escalations_and_shares(
        &mut self,
        file: usize,
        pi: usize,
        p: &ast::Protocol,
        def: &mut ProtocolDef,
        unknown_assessment: bool,
    ) {
        for item in &p.items {
            match item {
                ProtocolItem::Escalate { to, overdue_by, .. } => {
                    let to = self.role_ref(file, pi, to);
                    if let Some(d) = self.duration(file, overdue_by, "overdue by") {
                        def.escalations.push(EscalationDef { to, overdue_by: d });
                    }
                }
                ProtocolItem::ConsentForReferral { sectors, .. } => {
                    for s in sectors {
                        match PROVIDER_KINDS.iter().find(|k| **k == s.name) {
                            Some(k) if !def.consent_for_referral.contains(k) => {
                                def.consent_for_referral.push(k);
                            }
                            Some(_) => {}
                            None => {
                                let d = unknown(
                                    Code::E0550,
                                    file,
                                    s,
                                    "kind of provider",
                                    PROVIDER_KINDS.to_vec(),
                                    "the kinds of provider are state, municipal, ngo, private",
                                );
                                self.emit(d);
                            }
                        }
                    }
                }
                ProtocolItem::Share {
                    what,
                    with,
                    requires_consent,
                    ..
                } => {
                    if self.out.index.assessments.contains_key(&what.name) {
                        refer!(
                            self,
                            file,
                            what.span,
                            Sym::global(SymKind::Assessment, &what.name)
                        );
                    }
                    let target = match self.out.index.assessments.get(&what.name).copied() {
                        Some(a) if def.steps.iter().any(|s| s.assessment == Some(a)) => {
                            Some(ShareTarget::Assessment(a))
                        }
                        Some(_) if unknown_assessment => None,
                        Some(_) => {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0515,
                                    file,
                                    what.span,
                                    format!(
                                        "protocol `{}` does not use assessment `{}`",
                                        p.name.name, what.name
                                    ),
                                )
                                .with_help("share an assessment that one of its steps fills in"),
                            );
                            None
                        }
                        None => {
                            match self
                                .proto_ctx
                                .get(pi)
                                .and_then(|c| c.steps.get(&what.name))
                                .copied()
                            {
                                Some(s) => {
                                    self.refer_in_protocol(file, pi, SymKind::Step, what);
                                    Some(ShareTarget::Step(s))
                                }
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
                                        Code::E0511,
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
                        def.shares.push(ShareDef {
                            what,
                            with: roles,
                            requires_consent: *requires_consent,
                        });
                    }
                }
                _ => {}
            }
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
                                Code::E0519,
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
                            Code::E0518,
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
                                        Code::E0517,
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
            escalations: Vec::new(),
            rates_providers: false,
            span: s.name.span,
            within_from: None,
            need_filter: None,
            closes: s.name.name == "close",
            back_to: Vec::new(),
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
                        match self.out.index.assessments.get(&a.name).copied() {
                            Some(id) => {
                                refer!(
                                    self,
                                    file,
                                    a.span,
                                    Sym::global(SymKind::Assessment, &a.name)
                                );
                                d.assessment = Some(id);
                                let asubject =
                                    self.out.assessments.get(id.0).and_then(|x| x.subject);
                                if let (Some(x), Some(y)) = (asubject, subject) {
                                    if x != y {
                                        let (xn, yn) = (
                                            self.type_name(&Type::Entity(x)),
                                            self.type_name(&Type::Entity(y)),
                                        );
                                        self.emit(
                                            Diagnostic::error(Code::E0514, file, a.span, format!("assessment `{}` is for `{xn}`, the protocol for `{yn}`", a.name))
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
                                    Code::E0113,
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
                                Code::E0508,
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
                StepItem::Escalate { to, overdue_by, .. } => {
                    let to = self.role_ref(file, p, to);
                    if let Some(du) = self.duration(file, overdue_by, "overdue by") {
                        d.escalations.push(EscalationDef { to, overdue_by: du });
                    }
                }
                StepItem::RatesProviders(span) => {
                    if once(self, "rates providers", *span) {
                        d.rates_providers = true;
                    }
                }
                StepItem::WithinFrom(du, from, span) => {
                    if once(self, "within", *span) {
                        d.within = self.duration(file, du, "within");
                        d.within_from = self.anchor(file, p, from);
                    }
                }
                StepItem::ForEachNeedWhere(_, _, span) => {
                    once(self, "for each need", *span);
                }
                StepItem::Closes(span) => {
                    if once(self, "closes", *span) {
                        d.closes = true;
                    }
                }
                StepItem::BackTo(to, _, _) => {
                    if let Some(step) = self.step_ref(file, p, to) {
                        d.back_to.push(BackToDef { step, when: None });
                    }
                }
            }
        }
        // A `closed` event names no need and happens once: a closing step is
        // neither per need nor recurring.
        if d.closes {
            let per = s.items.iter().find_map(|i| match i {
                StepItem::ForEachNeed(_, span) | StepItem::ForEachNeedWhere(_, _, span) => {
                    Some((*span, "for each need"))
                }
                StepItem::Every(_, span) => Some((*span, "every")),
                _ => None,
            });
            if let Some((span, what)) = per {
                self.emit(
                    Diagnostic::error(
                        Code::E0533,
                        file,
                        span,
                        format!("step `{}` closes the case, so it cannot have `{what}`", s.name.name),
                    )
                    .with_help("the case is closed once, by a `closed` event: move the tasks per need or the recurring task to a step before it"),
                );
            }
        }
        self.rating_step(file, s, &d);
        if !has_by {
            self.emit(
                Diagnostic::error(
                    Code::E0509,
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
                        let mut back = 0;
                        for it in &s.items {
                            match it {
                                StepItem::ForEachNeedWhere(of, e, _) => {
                                    self.need_filter(file, pi, si, of, e);
                                }
                                StepItem::BackTo(to, e, _) => {
                                    let mut sc = Scope::new(file, subject, Ctx::Protocol(id), None);
                                    let r = self.condition(&mut sc, e, "a `back to … when`");
                                    let known = self
                                        .proto_ctx
                                        .get(pi)
                                        .is_some_and(|c| c.steps.contains_key(&to.name));
                                    if let (true, Some(b)) = (
                                        known,
                                        self.out
                                            .protocols
                                            .get_mut(pi)
                                            .and_then(|d| d.steps.get_mut(si))
                                            .and_then(|st| st.back_to.get_mut(back)),
                                    ) {
                                        b.when = Some(r);
                                    }
                                    if known {
                                        back += 1;
                                    }
                                }
                                _ => {}
                            }
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

    /// `for each need of OF where E`: E with `need` ranging over OF's needs.
    fn need_filter(&mut self, file: usize, pi: usize, si: usize, of: &ast::Ident, e: &ast::Expr) {
        let id = ProtocolId(pi);
        let Some(src) = self
            .proto_ctx
            .get(pi)
            .and_then(|c| c.steps.get(&of.name))
            .copied()
        else {
            return;
        };
        self.refer_in_protocol(file, pi, SymKind::Step, of);
        // Without an assessment (E0506 or E0113) there are no needs to range over.
        if self.step_assessment(id, src).is_none() {
            return;
        }
        let subject = self.out.protocols.get(pi).and_then(|d| d.subject);
        let mut sc = Scope::new(file, subject, Ctx::Protocol(id), None);
        sc.need_of = Some(src);
        let r = self.condition(&mut sc, e, "a `for each need … where`");
        if let Some(st) = self
            .out
            .protocols
            .get_mut(pi)
            .and_then(|d| d.steps.get_mut(si))
        {
            if st.need_filter.is_none() {
                st.need_filter = Some(r);
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
                Code::E0520,
                file,
                guard.span,
                format!("the `when` of step `{step}` is always false, so the step can never become ready"),
            ),
            Some(super::guards::Never::Contradiction(a, b)) => Diagnostic::error(
                Code::E0520,
                file,
                b,
                format!("the `when` of step `{step}` can never hold, so the step can never become ready"),
            )
            .with_related(file, a, "cannot hold together with this condition"),
        };
        self.emit(d.with_help(help));
    }
}

/// Where a protocol's single clauses are, if it has them.
struct Clauses {
    subject: Option<ast::Span>,
    calendar: Option<ast::Span>,
    roles: Option<ast::Span>,
}

/// The providers' items: the subject's region and what happens to referrals
/// elsewhere or to full providers; steps that rate the providers.
impl Checker<'_> {
    /// `region FIELD` (or the `for` entity's only field of the `regions` type)
    /// and `referrals …`: E0103 for a field the entity does not have, E0560
    /// for one of another type, E0561 for `referrals elsewhere …` without a
    /// region field, E0302 for a clause or a rule given twice.
    fn protocol_referrals(&mut self, file: usize, p: &ast::Protocol, def: &mut ProtocolDef) {
        let mut region_at: Option<ast::Span> = None;
        let mut referrals_at: Option<ast::Span> = None;
        // An explicit `region` that did not check: nothing more to say about it.
        let mut region_failed = false;
        let mut elsewhere_at: Option<ast::Span> = None;
        let regions = self.out.ruleset.regions;
        // The entity's name and fields (owned: diagnostics are emitted meanwhile).
        let entity: Option<Subject> =
            def.subject
                .and_then(|e| self.out.entities.get(e.0))
                .map(|e| Subject {
                    name: e.name.clone(),
                    fields: e
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), f.ty.clone()))
                        .collect(),
                });
        let entity = entity.as_ref();
        for item in &p.items {
            match item {
                ProtocolItem::Region(field, span) => {
                    if let Some(f) = region_at {
                        self.duplicate_clause(file, *span, "region", f);
                        continue;
                    }
                    region_at = Some(*span);
                    // No `for` entity (or an unknown one) was reported already.
                    let Some(entity) = entity else {
                        region_failed = true;
                        continue;
                    };
                    let Some((fname, fty)) = entity.fields.iter().find(|(n, _)| *n == field.name)
                    else {
                        let cands = entity.fields.iter().map(|(n, _)| n.as_str()).collect();
                        let d = unknown_field(
                            file,
                            field,
                            &entity.name,
                            cands,
                            "name the field of the subject that holds its region",
                        );
                        self.emit(d);
                        region_failed = true;
                        continue;
                    };
                    match regions {
                        Some(r) if *fty == Type::Enum(r) => def.region = Some(fname.clone()),
                        Some(r) => {
                            let (want, have) =
                                (self.type_name(&Type::Enum(r)), self.type_name(fty));
                            self.emit(
                                Diagnostic::error(
                                    Code::E0560,
                                    file,
                                    field.span,
                                    format!("field `{fname}` of `{}` has type `{have}`, not the regions type `{want}`", entity.name),
                                )
                                .with_help(format!("name a field typed with the ruleset's regions, `{want}`")),
                            );
                            region_failed = true;
                        }
                        None => {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0560,
                                    file,
                                    field.span,
                                    format!("field `{fname}` cannot hold a region: the ruleset declares no `regions`"),
                                )
                                .with_help("declare the regions in the ruleset block: `regions Region`, an enum of the regions"),
                            );
                            region_failed = true;
                        }
                    }
                }
                ProtocolItem::Referrals(rules, span) => {
                    if let Some(f) = referrals_at {
                        self.duplicate_clause(file, *span, "referrals", f);
                        continue;
                    }
                    referrals_at = Some(*span);
                    let mut full_at: Option<ast::Span> = None;
                    for r in rules {
                        let seen = match r.case {
                            ast::ReferralCase::Elsewhere => &mut elsewhere_at,
                            ast::ReferralCase::Full => &mut full_at,
                        };
                        if let Some(f) = *seen {
                            let what = format!("referrals {}", r.case.as_str());
                            self.duplicate_clause(file, r.span, &what, f);
                            continue;
                        }
                        *seen = Some(r.span);
                        match r.case {
                            ast::ReferralCase::Elsewhere => def.referrals.elsewhere = r.action,
                            ast::ReferralCase::Full => def.referrals.full = r.action,
                        }
                    }
                }
                _ => {}
            }
        }
        // The region field is read by the case engine: a fact in use.
        if let (Some(e), Some(field), Some(r)) = (def.subject, &def.region, entity) {
            if let Some(fi) = r.fields.iter().position(|(n, _)| n == field) {
                self.used_fields.insert((e, fi));
            }
        }
        if region_at.is_some() {
            return;
        }
        // The default: the `for` entity's only field of the regions type.
        let candidates: Vec<&str> = match (entity, regions) {
            (Some(e), Some(r)) => e
                .fields
                .iter()
                .filter(|(_, ty)| *ty == Type::Enum(r))
                .map(|(n, _)| n.as_str())
                .collect(),
            _ => Vec::new(),
        };
        if let [one] = candidates.as_slice() {
            def.region = Some((*one).to_string());
            if let (Some(e), Some(fi)) = (
                def.subject,
                entity.and_then(|r| r.fields.iter().position(|(n, _)| n == one)),
            ) {
                self.used_fields.insert((e, fi));
            }
            return;
        }
        let (Some(at), false, Some(e)) = (elsewhere_at, region_failed, entity) else {
            return;
        };
        let why = match (regions, candidates.is_empty()) {
            (None, _) => "the ruleset declares no `regions`".to_string(),
            (Some(r), true) => format!(
                "`{}` has no field of the regions type `{}`",
                e.name,
                self.type_name(&Type::Enum(r))
            ),
            (Some(_), false) => format!(
                "`{}` has several fields of the regions type (`{}`)",
                e.name,
                candidates.join("`, `")
            ),
        };
        self.emit(
            Diagnostic::error(
                Code::E0561,
                file,
                at,
                format!(
                    "protocol `{}` says what happens to referrals elsewhere, but not where the subject lives: {why}",
                    p.name.name
                ),
            )
            .with_help("name the subject's field that holds its region: `region FIELD`"),
        );
    }

    /// `rates providers`: the step needs an assessment (E0562) that can give a
    /// rating: a score `satisfaction` or a `scale 1..5` question (E0563).
    fn rating_step(&mut self, file: usize, s: &ast::Step, d: &StepDef) {
        let Some(span) = s.items.iter().find_map(|i| match i {
            StepItem::RatesProviders(span) => Some(*span),
            _ => None,
        }) else {
            return;
        };
        let Some(a) = d.assessment else {
            // An unknown assessment was E0113.
            if !s
                .items
                .iter()
                .any(|i| matches!(i, StepItem::Assessment(..)))
            {
                self.emit(
                    Diagnostic::error(
                        Code::E0562,
                        file,
                        span,
                        format!(
                            "step `{}` rates providers, but has no `assessment`",
                            s.name.name
                        ),
                    )
                    .with_help("give the step its satisfaction survey: `assessment NAME`"),
                );
            }
            return;
        };
        let Some(def) = self.out.assessments.get(a.0) else {
            return;
        };
        let rates = def.scores.iter().any(|sc| sc.name == "satisfaction")
            || def.questions.iter().any(|q| {
                matches!(
                    q.kind,
                    QuestionSpec::Scale {
                        low: 1,
                        high: 5,
                        ..
                    }
                )
            });
        if !rates {
            self.emit(
                Diagnostic::error(
                    Code::E0563,
                    file,
                    span,
                    format!(
                        "assessment `{}` of step `{}` can give no rating: it has no score `satisfaction` and no `scale 1..5` question",
                        def.name, s.name.name
                    ),
                )
                .with_help("add a `satisfaction` score, or questions answered on a `scale 1..5`"),
            );
        }
    }
}

/// A protocol's `for` entity, as the region checks need it.
struct Subject {
    name: String,
    fields: Vec<(String, Type)>,
}
