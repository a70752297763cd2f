//! Enums, entities and their lets, parameters, programmes.

use std::collections::HashMap;

use accord_grammar::ast::{self, Expr, ProgramItem};
use petgraph::graph::DiGraph;

use super::collect::{unknown, unknown_variant};
use super::expr::{adapts_to_money, fits, Ctx, Scope};
use super::util::{parse_number, snake_case};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// How deeply lets/scores may be typed on demand from inside another definition.
/// Lets are typed in dependency order first, so this only bounds odd cases.
const MAX_DEF_DEPTH: usize = 24;

impl<'a> Checker<'a> {
    pub(super) fn resolve_type(&mut self, file: usize, t: &ast::TypeExpr) -> Type {
        match t {
            ast::TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(file, inner))),
            ast::TypeExpr::Monthly(inner, span) => {
                let inner = self.resolve_type(file, inner);
                self.monthly_type(file, inner, *span)
            }
            ast::TypeExpr::Named(id) => {
                match id.name.as_str() {
                    "Boolean" => Type::Boolean,
                    "Integer" => Type::Integer,
                    "Decimal" => Type::Decimal,
                    "Money" => {
                        self.money_at.get_or_insert(Loc {
                            file,
                            span: id.span,
                        });
                        Type::Money
                    }
                    "Date" => Type::Date,
                    "Text" => Type::Text,
                    "Duration" => Type::Duration,
                    n => match self.out.index.types.get(n).copied() {
                        Some(TypeSym::Enum(e)) => {
                            refer!(self, file, id.span, Sym::global(SymKind::Enum, n));
                            Type::Enum(e)
                        }
                        Some(TypeSym::Entity(e)) => {
                            refer!(self, file, id.span, Sym::global(SymKind::Entity, n));
                            Type::Entity(e)
                        }
                        None => {
                            let mut cands: Vec<&str> =
                                vec!["Boolean", "Integer", "Decimal", "Money", "Date", "Text"];
                            cands.extend(self.out.index.types.keys().map(String::as_str));
                            let d = unknown(Code::E0101, file, id, "type", cands, "declare an `enum` or `entity` with this name, or use a built-in type");
                            self.emit(d);
                            Type::Error
                        }
                    },
                }
            }
        }
    }

    pub(super) fn resolve_enums(&mut self) {
        for (ei, &(file, e)) in self.enum_ast.iter().enumerate() {
            let mut seen: HashMap<&str, ast::Span> = HashMap::new();
            let mut variants = Vec::new();
            for v in &e.variants {
                if let Some(first) = seen.get(v.name.name.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::E0121,
                            file,
                            v.name.span,
                            format!(
                                "variant `{}` of `{}` is defined more than once",
                                v.name.name, e.name.name
                            ),
                        )
                        .with_help("remove the duplicate variant")
                        .with_related(file, *first, "first defined here"),
                    );
                    continue;
                }
                seen.insert(&v.name.name, v.name.span);
                self.out
                    .index
                    .variants
                    .entry(v.name.name.clone())
                    .or_default()
                    .push((EnumId(ei), variants.len()));
                variants.push(VariantDef {
                    name: v.name.name.clone(),
                    label: v.label.clone(),
                    docs: v.docs.clone(),
                });
            }
            if variants.is_empty() {
                self.diags.push(
                    Diagnostic::error(
                        Code::E0309,
                        file,
                        e.name.span,
                        format!("enum `{}` has no variants", e.name.name),
                    )
                    .with_help("list its values, e.g. `enum Disability { none, group_1 }`"),
                );
            }
            self.out.enums.push(EnumDef {
                name: e.name.name.clone(),
                label: e.label.clone(),
                docs: e.docs.clone(),
                variants,
                loc: Loc {
                    file,
                    span: e.name.span,
                },
            });
        }
    }

    pub(super) fn resolve_entities(&mut self) {
        let entities = self.entity_ast.clone();
        for &(file, e) in &entities {
            let mut def = EntityDef {
                name: e.name.name.clone(),
                label: e.label.clone(),
                docs: e.docs.clone(),
                fields: Vec::new(),
                lets: Vec::new(),
                owner: None,
                members: HashMap::new(),
                loc: Loc {
                    file,
                    span: e.name.span,
                },
            };
            let mut first: HashMap<&str, ast::Span> = HashMap::new();
            for m in &e.members {
                let name = m.name();
                if !self.name_ok(file, name) {
                    continue;
                }
                if let Some(f) = first.get(name.name.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            Code::E0121,
                            file,
                            name.span,
                            format!(
                                "`{}` is defined more than once in `{}`",
                                name.name, e.name.name
                            ),
                        )
                        .with_help("rename or remove one of them")
                        .with_related(file, *f, "first defined here"),
                    );
                    continue;
                }
                first.insert(&name.name, name.span);
                match m {
                    ast::Member::Field(f) => {
                        let ty = self.resolve_type(file, &f.ty);
                        let domain = f.domain.as_ref().and_then(|d| {
                            self.field_domain(file, &f.name.name, super::series::per_month(&ty), d)
                        });
                        def.members
                            .insert(f.name.name.clone(), MemberRef::Field(def.fields.len()));
                        def.fields.push(FieldDef {
                            name: f.name.name.clone(),
                            label: f.label.clone(),
                            docs: f.docs.clone(),
                            ty,
                            domain,
                            loc: Loc {
                                file,
                                span: f.name.span,
                            },
                        });
                    }
                    ast::Member::Let(l) => {
                        def.members
                            .insert(l.name.name.clone(), MemberRef::Let(def.lets.len()));
                        def.lets.push(LetDef {
                            name: l.name.name.clone(),
                            label: l.label.clone(),
                            docs: l.docs.clone(),
                            ty: Type::Error,
                            value: RExpr::error(l.value.span()),
                            loc: Loc {
                                file,
                                span: l.name.span,
                            },
                        });
                    }
                }
            }
            self.let_state.push(vec![DefState::Pending; def.lets.len()]);
            self.out.entities.push(def);
        }
        // Owner accessors: count the `list of E` fields holding each entity.
        let mut holders: HashMap<EntityId, Vec<(EntityId, usize)>> = HashMap::new();
        for (oi, o) in self.out.entities.iter().enumerate() {
            for (fi, f) in o.fields.iter().enumerate() {
                if let Type::List(inner) = &f.ty {
                    if let Type::Entity(e) = **inner {
                        holders.entry(e).or_default().push((EntityId(oi), fi));
                    }
                }
            }
        }
        for ei in 0..self.out.entities.len() {
            let id = EntityId(ei);
            match holders.get(&id).map(Vec::as_slice) {
                None | Some([]) => self.out.roots.push(id),
                Some([(owner, field)]) => {
                    let name = self.out.entities.get(owner.0).map(|o| snake_case(&o.name));
                    debug_assert!(
                        name.is_some(),
                        "INVARIANT: holders are entities of the model"
                    );
                    let name = name.unwrap_or_default();
                    if let Some(def) = self.out.entities.get_mut(ei) {
                        // A member with the same name wins over the implicit accessor.
                        if !def.members.contains_key(&name) {
                            def.members.insert(name.clone(), MemberRef::Owner);
                            def.owner = Some(OwnerAccessor {
                                name,
                                owner: *owner,
                                field: *field,
                            });
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }

    /// A constant written where a value of type `want` is expected (parameter
    /// values): a literal, a negated number, or a variant of `want`'s enum.
    pub(super) fn const_value(&mut self, file: usize, e: &Expr, want: &Type) -> Option<Value> {
        let (value, ty, lit) = match e {
            Expr::Literal(l) => {
                let r = self.literal(file, l);
                let RKind::Const(v) = r.kind else { return None };
                let lit = matches!(v, Value::Number(_));
                (v, r.ty, lit)
            }
            Expr::Unary {
                op: ast::UnaryOp::Neg,
                operand,
                ..
            } => match &**operand {
                Expr::Literal(
                    l @ (ast::Literal::Integer(..)
                    | ast::Literal::Decimal(..)
                    | ast::Literal::Percent(..)),
                ) => {
                    let r = self.literal(file, l);
                    let RKind::Const(Value::Number(n)) = r.kind else {
                        return None;
                    };
                    (Value::Number(-n), r.ty, true)
                }
                _ => return self.not_constant(file, e),
            },
            Expr::Name(id) => match want {
                Type::Enum(en) => {
                    let def = self.out.enums.get(en.0)?;
                    match def.variants.iter().position(|v| v.name == id.name) {
                        Some(i) => (Value::Variant(*en, i), want.clone(), false),
                        None => {
                            let cands = def.variants.iter().map(|v| v.name.as_str()).collect();
                            let fallback = format!("use a variant of `{}`", def.name);
                            let d = unknown_variant(file, id, &def.name, cands, fallback);
                            self.emit(d);
                            return None;
                        }
                    }
                }
                _ => return self.not_constant(file, e),
            },
            _ => return self.not_constant(file, e),
        };
        if !fits(&ty, want, lit) {
            let (w, f) = (self.type_name(want), self.type_name(&ty));
            self.emit(
                Diagnostic::error(
                    Code::E0201,
                    file,
                    e.span(),
                    format!("expected a `{w}` value, found `{f}`"),
                )
                .with_help(super::util::value_help(want, &w)),
            );
            return None;
        }
        Some(value)
    }

    fn not_constant(&mut self, file: usize, e: &Expr) -> Option<Value> {
        self.emit(
            Diagnostic::error(
                Code::E0408,
                file,
                e.span(),
                "a parameter's value must be written out",
            )
            .with_help("write a literal such as `18_000`, `29.5`, `12%` or an enum variant"),
        );
        None
    }

    /// E0406 unless `d` (the day a dated item takes effect: a parameter's value,
    /// a table's, a scale's or a formula's version) comes after the previous
    /// item's; records it as the previous one when it does. An `until` date takes
    /// effect the next day, so `until` the day of the previous `from` is a one-day
    /// value, and `until` a day before it is out of order. `prev` holds the day
    /// the previous item took effect, the date as written, and where; `help` says
    /// what to list in order.
    pub(super) fn dated_in_order(
        &mut self,
        file: usize,
        what: &str,
        (d, written): (jiff::civil::Date, jiff::civil::Date),
        span: ast::Span,
        prev: &mut Option<(jiff::civil::Date, jiff::civil::Date, ast::Span)>,
        help: &str,
    ) -> bool {
        if let Some((pd, pw, ps)) = *prev {
            if d <= pd {
                let why = if written == pw {
                    "repeats"
                } else {
                    "comes before"
                };
                self.emit(
                    Diagnostic::error(
                        Code::E0406,
                        file,
                        span,
                        format!("this `{what}` date {why} the previous one ({pw})"),
                    )
                    .with_help(help)
                    .with_related(file, ps, "previous date"),
                );
                return false;
            }
        }
        *prev = Some((d, written, span));
        true
    }

    /// An end of a dated table, scale or formula (`from DATE:` with nothing
    /// under it, or `until DATE`, written on `d`): E0420 unless a version is in
    /// force to end (`last`: the previous version's end, `None` before any
    /// version), E0406 unless in order. The day it takes effect and how, or
    /// `None` when refused. `whose` names it (“table `x`”, “this formula”);
    /// `new` is how a version is written (“`from DATE:` and its rows”).
    #[expect(
        clippy::too_many_arguments,
        reason = "one end's date, place and wording"
    )]
    pub(super) fn version_end(
        &mut self,
        file: usize,
        (whose, new): (&str, &str),
        until: bool,
        (d, span): (jiff::civil::Date, ast::Span),
        last: Option<Option<ParamEnd>>,
        prev: &mut Option<(jiff::civil::Date, jiff::civil::Date, ast::Span)>,
        order_help: &str,
    ) -> Option<(jiff::civil::Date, ParamEnd)> {
        let verb = if until { "end" } else { "repeal" };
        let refused = match last {
            None => Some((
                "has no version yet",
                format!("end a version after giving it: {new}, then `until DATE` or `from DATE:` with nothing under it"),
            )),
            Some(Some(_)) => Some((
                "is already out of force",
                format!("remove this line, or give a new version before it ({new})"),
            )),
            Some(None) => None,
        };
        if let Some((why, help)) = refused {
            self.emit(
                Diagnostic::error(
                    Code::E0420,
                    file,
                    span,
                    format!("nothing to {verb} here: {whose} {why}"),
                )
                .with_help(help),
            );
            return None;
        }
        if !until {
            return self
                .dated_in_order(file, "from", (d, d), span, prev, order_help)
                .then_some((d, ParamEnd::Repealed));
        }
        // Ends after `d`: unknown from the next day on, and what follows must come
        // after the last day in force (a new version may start the next day).
        let next = d.tomorrow().ok()?;
        if !self.dated_in_order(file, "until", (next, d), span, prev, order_help) {
            return None;
        }
        *prev = Some((d, d, span));
        Some((next, ParamEnd::Until(d)))
    }

    /// E0420 unless a value is in force to end (`from DATE:` without a value, or
    /// `until DATE`): the parameter has a value and its last item did not end it.
    fn something_to_end(
        &mut self,
        file: usize,
        def: &ParamDef,
        span: ast::Span,
        verb: &str,
    ) -> bool {
        let (why, help) = match def.values.last() {
            None => ("has no value yet", "end a value after giving it: `from 2020-01-01: 18_000` then `until 2025-12-31` or `from 2026-01-01:`"),
            Some(dv) if dv.end.is_some() => ("is already out of force", "remove this line, or give a new value before it (`from DATE: VALUE`)"),
            Some(_) => return true,
        };
        self.emit(
            Diagnostic::error(
                Code::E0420,
                file,
                span,
                format!("nothing to {verb} here: parameter `{}` {why}", def.name),
            )
            .with_help(help),
        );
        false
    }

    pub(super) fn resolve_parameters(&mut self) {
        let params = self.param_ast.clone();
        for &(file, p) in &params {
            let ty = self.resolve_type(file, &p.ty);
            let ty = self.not_monthly(file, &p.ty, ty);
            let mut def = ParamDef {
                name: p.name.name.clone(),
                label: p.label.clone(),
                docs: p.docs.clone(),
                ty: ty.clone(),
                sources: Vec::new(),
                values: Vec::new(),
                loc: Loc {
                    file,
                    span: p.name.span,
                },
            };
            let mut prev: Option<(jiff::civil::Date, jiff::civil::Date, ast::Span)> = None;
            let mut any_from = false;
            for item in &p.items {
                match item {
                    ast::ParameterItem::Source(l) => def.sources.push(l.clone()),
                    ast::ParameterItem::From {
                        date,
                        value: Some(value),
                        source,
                        ..
                    } => {
                        any_from = true;
                        let d = self.date(file, date);
                        let v = self.const_value(file, value, &ty);
                        let Some(d) = d else { continue };
                        if !self.dated_in_order(
                            file,
                            "from",
                            (d, d),
                            date.span,
                            &mut prev,
                            PARAMETER_ORDER,
                        ) {
                            continue;
                        }
                        if let Some(v) = v {
                            def.values.push(DatedValue {
                                from: d,
                                value: v,
                                source: source.clone(),
                                end: None,
                            });
                        }
                    }
                    ast::ParameterItem::From {
                        date,
                        value: None,
                        source,
                        ..
                    } => {
                        // A repeal without a value before it is E0420, not E0407 too.
                        any_from = true;
                        let Some(d) = self.date(file, date) else {
                            continue;
                        };
                        if !self.something_to_end(file, &def, date.span, "repeal")
                            || !self.dated_in_order(
                                file,
                                "from",
                                (d, d),
                                date.span,
                                &mut prev,
                                PARAMETER_ORDER,
                            )
                        {
                            continue;
                        }
                        def.values.push(DatedValue {
                            from: d,
                            value: Value::Unknown,
                            source: source.clone(),
                            end: Some(ParamEnd::Repealed),
                        });
                    }
                    ast::ParameterItem::Until { date, source, .. } => {
                        let Some(d) = self.date(file, date) else {
                            continue;
                        };
                        // Ends after `d`: unknown from the next day on.
                        let Some(next) = d.tomorrow().ok() else {
                            continue;
                        };
                        if !self.something_to_end(file, &def, date.span, "end")
                            || !self.dated_in_order(
                                file,
                                "until",
                                (next, d),
                                date.span,
                                &mut prev,
                                PARAMETER_ORDER,
                            )
                        {
                            continue;
                        }
                        // What follows must come after the last day in force: a
                        // new value may start the next day.
                        prev = Some((d, d, date.span));
                        def.values.push(DatedValue {
                            from: next,
                            value: Value::Unknown,
                            source: source.clone(),
                            end: Some(ParamEnd::Until(d)),
                        });
                    }
                }
            }
            if !any_from {
                self.emit(
                    Diagnostic::error(
                        Code::E0407,
                        file,
                        p.name.span,
                        format!("parameter `{}` has no value", p.name.name),
                    )
                    .with_help(
                        "add a value with the date it takes effect: `from 2025-01-01: VALUE`",
                    ),
                );
            }
            self.out.parameters.push(def);
            self.used_params.push(false);
        }
    }

    /// Subjects, sectors and the presence of an amount, so expressions anywhere
    /// can refer to programmes before their clauses are checked.
    pub(super) fn resolve_program_signatures(&mut self) {
        let programs = self.program_ast.clone();
        for &(file, p) in &programs {
            let mut for_at: Option<ast::Span> = None;
            let mut sector_at: Option<ast::Span> = None;
            let mut amount_at: Option<ast::Span> = None;
            let mut apply_at: Option<ast::Span> = None;
            let mut def = ProgramDef {
                name: p.name.name.clone(),
                label: p.label.clone(),
                docs: p.docs.clone(),
                subject: None,
                sector: None,
                legal: Vec::new(),
                eligible: Vec::new(),
                unless: Vec::new(),
                amount: None,
                apply: None,
                documents: Vec::new(),
                loc: Loc {
                    file,
                    span: p.name.span,
                },
            };
            let mut any_eligible = false;
            for item in &p.items {
                match item {
                    ProgramItem::For(id, span) => {
                        if let Some(first) = for_at {
                            self.duplicate_clause(file, *span, "for", first);
                            continue;
                        }
                        for_at = Some(*span);
                        def.subject = self.entity_ref(file, id);
                    }
                    ProgramItem::Sector(id, span) => {
                        if let Some(first) = sector_at {
                            self.duplicate_clause(file, *span, "sector", first);
                            continue;
                        }
                        sector_at = Some(*span);
                        def.sector = self.sector_ref(file, id);
                    }
                    ProgramItem::Amount(_, span) => {
                        if let Some(first) = amount_at {
                            self.duplicate_clause(file, *span, "amount", first);
                        } else {
                            amount_at = Some(*span);
                        }
                    }
                    ProgramItem::Apply(l, span) => {
                        if let Some(first) = apply_at {
                            self.duplicate_clause(file, *span, "apply", first);
                        } else {
                            apply_at = Some(*span);
                            def.apply = Some(l.clone());
                        }
                    }
                    ProgramItem::Legal(l, _) => def.legal.push(l.clone()),
                    ProgramItem::Documents(ls, _) => def.documents.extend(ls.iter().cloned()),
                    ProgramItem::Eligible(_) => any_eligible = true,
                    ProgramItem::Unless(_) => {}
                }
            }
            if for_at.is_none() {
                self.missing_for(file, p.name.span, "programme", &p.name.name);
            }
            if !any_eligible {
                self.emit(
                    Diagnostic::error(
                        Code::E0304,
                        file,
                        p.name.span,
                        format!("programme `{}` has no `eligible when` clause", p.name.name),
                    )
                    .with_help("add at least one ground, e.g. `eligible when age >= 65`"),
                );
            }
            self.out.programs.push(def);
        }
    }

    /// E0303: a declaration that needs `for ENTITY` has none.
    pub(super) fn missing_for(&mut self, file: usize, span: ast::Span, kind: &str, name: &str) {
        let example = self
            .out
            .roots
            .first()
            .and_then(|r| self.out.entities.get(r.0))
            .map_or("Household".to_string(), |e| e.name.clone());
        self.emit(
            Diagnostic::error(
                Code::E0303,
                file,
                span,
                format!("{kind} `{name}` does not say whom it is for"),
            )
            .with_help(format!("add `for ENTITY`, e.g. `for {example}`")),
        );
    }

    /// An entity named by `for` (E0101 when it is not one).
    pub(super) fn entity_ref(&mut self, file: usize, id: &ast::Ident) -> Option<EntityId> {
        match self.out.index.types.get(&id.name).copied() {
            Some(TypeSym::Entity(e)) => {
                refer!(self, file, id.span, Sym::global(SymKind::Entity, &id.name));
                Some(e)
            }
            Some(TypeSym::Enum(_)) => {
                self.emit(
                    Diagnostic::error(
                        Code::E0101,
                        file,
                        id.span,
                        format!("`{}` is an enum, not an entity", id.name),
                    )
                    .with_help("name an `entity`, e.g. the one whose members the rules read"),
                );
                None
            }
            None => {
                let cands = self
                    .out
                    .index
                    .types
                    .iter()
                    .filter(|(_, s)| matches!(s, TypeSym::Entity(_)))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let d = unknown(
                    Code::E0101,
                    file,
                    id,
                    "entity",
                    cands,
                    "declare it with `entity NAME { … }`",
                );
                self.emit(d);
                None
            }
        }
    }

    pub(super) fn sector_ref(&mut self, file: usize, id: &ast::Ident) -> Option<String> {
        if self.out.index.sectors.contains(&id.name) {
            refer!(self, file, id.span, Sym::global(SymKind::Sector, &id.name));
            return Some(id.name.clone());
        }
        let cands = self.out.index.sectors.iter().map(String::as_str).collect();
        let d = unknown(
            Code::E0107,
            file,
            id,
            "sector",
            cands,
            "use `social`, `education`, `health`, `employment` or `housing`, or declare it with `sector NAME \"Label\"`",
        );
        self.emit(d);
        None
    }

    /// Types every let, dependencies first.
    pub(super) fn check_lets(&mut self) {
        // Order by a name-based over-approximation of the dependencies (a let that
        // mentions a name depends on every let with that name), so the precise
        // typing below rarely has to recurse.
        let mut by_name: HashMap<&str, Vec<(EntityId, usize)>> = HashMap::new();
        let mut all: Vec<(usize, EntityId, usize, &'a ast::Let)> = Vec::new();
        for (ei, &(file, e)) in self.entity_ast.iter().enumerate() {
            let mut li = 0;
            for m in &e.members {
                if let ast::Member::Let(l) = m {
                    // Duplicates were skipped when building members; keep indexes aligned.
                    let Some(def) = self.out.entities.get(ei) else {
                        continue;
                    };
                    if def.members.get(&l.name.name) != Some(&MemberRef::Let(li))
                        || def.lets.get(li).is_none_or(|d| d.loc.span != l.name.span)
                    {
                        continue;
                    }
                    by_name
                        .entry(l.name.name.as_str())
                        .or_default()
                        .push((EntityId(ei), li));
                    all.push((file, EntityId(ei), li, l));
                    li += 1;
                }
            }
        }
        self.let_ast = all
            .iter()
            .map(|&(f, e, l, ast)| ((e, l), (f, ast)))
            .collect();
        let mut g: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<_> = (0..all.len()).map(|i| g.add_node(i)).collect();
        let pos: HashMap<(EntityId, usize), usize> = all
            .iter()
            .enumerate()
            .map(|(i, (_, e, l, _))| ((*e, *l), i))
            .collect();
        for (i, (_, _, _, l)) in all.iter().enumerate() {
            let mut names = Vec::new();
            expr_names(&l.value, &mut names);
            for n in names {
                for target in by_name.get(n).into_iter().flatten() {
                    if let (Some(&a), Some(&j)) =
                        (nodes.get(i), pos.get(target).and_then(|j| nodes.get(*j)))
                    {
                        g.add_edge(a, j, ());
                    }
                }
            }
        }
        for scc in petgraph::algo::tarjan_scc(&g) {
            for n in scc {
                if let Some(&(_, e, l, _)) = g.node_weight(n).and_then(|i| all.get(*i)) {
                    self.type_let(e, l);
                }
            }
        }
    }

    /// The type of a let, typing it now when needed.
    pub(super) fn type_let(&mut self, e: EntityId, i: usize) -> Type {
        match self.let_state.get(e.0).and_then(|v| v.get(i)) {
            Some(DefState::Done(t)) => return t.clone(),
            Some(DefState::InProgress) | None => return Type::Error,
            Some(DefState::Pending) => {}
        }
        if self.def_depth >= MAX_DEF_DEPTH || self.expr_depth > super::expr::MAX_DEPTH_FOR_DEFS {
            return Type::Error;
        }
        let Some((file, l)) = self.find_let_ast(e, i) else {
            return Type::Error;
        };
        self.set_let_state(e, i, DefState::InProgress);
        self.def_depth += 1;
        let mut sc = Scope::new(file, Some(e), Ctx::Plain, Some(DefNode::Let(e, i)));
        let r = self.expr(&mut sc, &l.value, None);
        self.def_depth -= 1;
        let ty = r.ty.clone();
        if let Some(d) = self
            .out
            .entities
            .get_mut(e.0)
            .and_then(|d| d.lets.get_mut(i))
        {
            d.ty = ty.clone();
            d.value = r;
        }
        self.set_let_state(e, i, DefState::Done(ty.clone()));
        ty
    }

    fn set_let_state(&mut self, e: EntityId, i: usize, s: DefState) {
        if let Some(x) = self.let_state.get_mut(e.0).and_then(|v| v.get_mut(i)) {
            *x = s;
        }
    }

    fn find_let_ast(&self, e: EntityId, i: usize) -> Option<(usize, &'a ast::Let)> {
        self.let_ast.get(&(e, i)).copied()
    }

    pub(super) fn check_programs(&mut self) {
        let programs = self.program_ast.clone();
        for (pi, &(file, p)) in programs.iter().enumerate() {
            let id = ProgramId(pi);
            let subject = self.out.programs.get(pi).and_then(|d| d.subject);
            let mut eligible = Vec::new();
            let mut unless = Vec::new();
            let mut amount = None;
            for item in &p.items {
                match item {
                    ProgramItem::Eligible(c) | ProgramItem::Unless(c) => {
                        let mut sc =
                            Scope::new(file, subject, Ctx::Plain, Some(DefNode::Eligible(id)));
                        let what = if matches!(item, ProgramItem::Eligible(_)) {
                            "an `eligible when` condition"
                        } else {
                            "an `unless` condition"
                        };
                        let cond = self.condition(&mut sc, &c.condition, what);
                        let clause = ClauseDef {
                            condition: cond,
                            legal: c.legal.clone(),
                            span: c.span,
                        };
                        if matches!(item, ProgramItem::Eligible(_)) {
                            eligible.push(clause);
                        } else {
                            unless.push(clause);
                        }
                    }
                    ProgramItem::Amount(e, _) if amount.is_none() => {
                        let mut sc =
                            Scope::new(file, subject, Ctx::Plain, Some(DefNode::Amount(id)));
                        let r = self.expr(&mut sc, e, Some(&Type::Money));
                        // An amount is money; a number written out counts as money
                        // (`amount = 18_000`), a number-valued expression does not.
                        if !fits(&r.ty, &Type::Money, adapts_to_money(&r)) {
                            let t = self.type_name(&r.ty);
                            let help = if r.ty.is_numeric() {
                                "multiply the number by a Money parameter, e.g. `supplement * count(children)`"
                            } else {
                                "compute a money amount, e.g. `base + supplement * count(children)`"
                            };
                            self.emit(
                                Diagnostic::error(
                                    Code::E0201,
                                    file,
                                    r.span,
                                    format!("an amount must be `Money`, found `{t}`"),
                                )
                                .with_help(help),
                            );
                        }
                        amount = Some(RExpr {
                            ty: Type::Money,
                            ..r
                        });
                    }
                    _ => {}
                }
            }
            // The amount is only reported for eligible subjects.
            self.deps.push((
                DefNode::Amount(id),
                DefNode::Eligible(id),
                Loc {
                    file,
                    span: p.name.span,
                },
            ));
            if let Some(d) = self.out.programs.get_mut(pi) {
                d.eligible = eligible;
                d.unless = unless;
                d.amount = amount;
            }
        }
    }
}

/// Every identifier an expression mentions (names, fields, calls, arguments).
fn expr_names<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    match e {
        Expr::Literal(_) => {}
        Expr::Name(i) => out.push(&i.name),
        Expr::Field { base, field, .. } => {
            out.push(&field.name);
            expr_names(base, out);
        }
        Expr::Call { args, .. } => args.iter().for_each(|a| expr_names(a, out)),
        Expr::Unary { operand, .. } => expr_names(operand, out),
        Expr::Binary { lhs, rhs, .. } => {
            expr_names(lhs, out);
            expr_names(rhs, out);
        }
        Expr::InSet { value, set, .. } => {
            expr_names(value, out);
            set.iter().for_each(|a| expr_names(a, out));
        }
        Expr::InRange {
            value, low, high, ..
        } => {
            expr_names(value, out);
            expr_names(low, out);
            expr_names(high, out);
        }
        Expr::If {
            condition,
            then,
            otherwise,
            ..
        } => {
            expr_names(condition, out);
            expr_names(then, out);
            expr_names(otherwise, out);
        }
        Expr::Where {
            list, condition, ..
        }
        | Expr::Quantified {
            list, condition, ..
        } => {
            expr_names(list, out);
            expr_names(condition, out);
        }
        Expr::Done { .. } => {}
        Expr::Dated { versions, .. } => versions
            .iter()
            .filter_map(|v| v.expr.as_ref())
            .for_each(|e| expr_names(e, out)),
    }
}

/// The help of E0406 for a parameter's lines.
const PARAMETER_ORDER: &str = "list `from` and `until` dates in increasing order, each date once";

impl Checker<'_> {
    /// A field's domain (`>= 0`, `in 0..130`): only on `Integer`, `Decimal`
    /// and `Money` (E0220), not empty (E0221), with whole bounds on an
    /// `Integer` (E0222). `None` when it is wrong (and said so) or when the
    /// type itself did not check.
    pub(super) fn field_domain(
        &mut self,
        file: usize,
        name: &str,
        ty: &Type,
        d: &ast::FieldDomain,
    ) -> Option<Domain> {
        let span = d.span();
        if ty.is_error() {
            return None;
        }
        if !ty.is_amount() {
            self.emit(
                Diagnostic::error(
                    Code::E0220,
                    file,
                    span,
                    format!("`{name}` has a domain, but only numbers and money can have one"),
                )
                .with_help(
                    "remove the domain, or give the field the type `Integer`, `Decimal` or `Money`",
                ),
            );
            return None;
        }
        let texts: Vec<&str> = match d {
            ast::FieldDomain::Compare { bound, .. } => vec![bound.as_str()],
            ast::FieldDomain::Range { low, high, .. } => vec![low.as_str(), high.as_str()],
        };
        let mut nums = Vec::new();
        for t in texts {
            let Some(n) = parse_number(t) else {
                self.emit(
                    Diagnostic::error(
                        Code::E0212,
                        file,
                        span,
                        format!("the number `{t}` is out of range"),
                    )
                    .with_help("use a smaller number"),
                );
                return None;
            };
            if *ty == Type::Integer && !n.fract().is_zero() {
                self.emit(
                    Diagnostic::error(
                        Code::E0222,
                        file,
                        span,
                        format!("the domain of `{name}` has the bound `{t}`, which is not a whole number, but `{name}` is an `Integer`"),
                    )
                    .with_help(format!(
                        "write a whole bound, or make `{name}` a `Decimal`"
                    )),
                );
                return None;
            }
            nums.push(n);
        }
        let mut nums = nums.into_iter();
        let first = nums.next()?;
        match d {
            ast::FieldDomain::Compare { op, .. } => Some(match op {
                ast::CompareOp::Gt => Domain {
                    low: Some((first, false)),
                    high: None,
                },
                ast::CompareOp::Le => Domain {
                    low: None,
                    high: Some((first, true)),
                },
                ast::CompareOp::Lt => Domain {
                    low: None,
                    high: Some((first, false)),
                },
                _ => Domain {
                    low: Some((first, true)),
                    high: None,
                },
            }),
            ast::FieldDomain::Range { .. } => {
                let second = nums.next()?;
                if first > second {
                    self.emit(
                        Diagnostic::error(
                            Code::E0221,
                            file,
                            span,
                            format!("the domain of `{name}` runs from {first} down to {second}: no value lies in it"),
                        )
                        .with_help(format!("write the low end first: `in {second}..{first}`")),
                    );
                    return None;
                }
                Some(Domain {
                    low: Some((first, true)),
                    high: Some((second, true)),
                })
            }
        }
    }
}
