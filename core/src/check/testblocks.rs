//! `test` blocks: the given facts, subjects and expectations.

use std::collections::HashMap;

use accord_grammar::ast::{self, ExpectOutcome, TestItem};

use super::collect::{unknown, unknown_variant};
use super::expr::fits;
use super::util::parse_number;
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// A resolved subject path: (field index, element index) per segment.
type SubjectSegments = Vec<(usize, Option<usize>)>;

impl<'a> Checker<'a> {
    /// A variant of enum `e` named in a test (`region: shirak`, `expect region =
    /// shirak`): E0106 with did-you-mean when there is none of that name.
    fn test_variant(&mut self, file: usize, id: &ast::Ident, e: EnumId) -> Option<Value> {
        let def = self.out.enums.get(e.0)?;
        if let Some(i) = def.variants.iter().position(|x| x.name == id.name) {
            refer!(
                self,
                file,
                id.span,
                Sym::scoped(SymKind::Variant, def.name.clone(), &id.name)
            );
            return Some(Value::Variant(e, i));
        }
        let cands = def.variants.iter().map(|x| x.name.as_str()).collect();
        let fallback = format!("use a variant of `{}`", def.name);
        let d = unknown_variant(file, id, &def.name, cands, fallback);
        self.emit(d);
        None
    }

    pub(super) fn given_value(&mut self, file: usize, v: &ast::Value, ty: &Type) -> Option<Value> {
        match v {
            ast::Value::Unknown(_) => Some(Value::Unknown),
            ast::Value::Literal(l) => {
                let r = self.literal(file, l);
                let RKind::Const(val) = r.kind else {
                    return None;
                };
                let lit = matches!(val, Value::Number(_));
                if !fits(&r.ty, ty, lit) {
                    self.bad_given(file, l.span(), ty, &self.type_name(&r.ty));
                    return None;
                }
                Some(val)
            }
            ast::Value::Name(id) => {
                if let Type::Enum(e) = ty {
                    return self.test_variant(file, id, *e);
                }
                self.bad_given(file, id.span, ty, "a name");
                None
            }
            ast::Value::List(items, span) => {
                let Type::List(inner) = ty else {
                    self.bad_given(file, *span, ty, "a list");
                    return None;
                };
                let vals: Vec<Value> = items
                    .iter()
                    .filter_map(|x| self.given_value(file, x, inner))
                    .collect();
                Some(Value::List(vals))
            }
            ast::Value::Object(o) => {
                let Type::Entity(e) = ty else {
                    self.bad_given(file, o.span, ty, "an object");
                    return None;
                };
                Some(self.given_object(file, o, *e))
            }
            ast::Value::Months(m) => {
                let Type::Monthly(inner) = ty else {
                    self.bad_given(file, m.span, ty, "a monthly series");
                    return None;
                };
                Some(self.given_months(file, m, inner))
            }
        }
    }

    fn bad_given(&mut self, file: usize, span: ast::Span, want: &Type, found: &str) {
        let w = self.type_name(want);
        let found = if found.starts_with('a') && found.contains(' ') {
            found.to_string()
        } else {
            format!("`{found}`")
        };
        self.emit(
            Diagnostic::error(
                Code::E0601,
                file,
                span,
                format!("this fact is `{w}`, the test gives {found}"),
            )
            .with_help(format!(
                "{}, or `unknown`",
                super::util::value_help(want, &w)
            )),
        );
    }

    /// A given number outside its fact's declared domain (E0223): the facts
    /// document would be refused (F0010), so the test could never happen.
    fn given_in_domain(
        &mut self,
        file: usize,
        given: &ast::Value,
        e: EntityId,
        field: usize,
        v: &Value,
    ) {
        // A series: each month's value against the field's domain.
        if let (ast::Value::Months(m), Value::Months(vs)) = (given, v) {
            // The values of the valid months, in the order written (see
            // `given_months`, which skips the others).
            let mut seen = Vec::new();
            let mut values = vs.iter();
            for entry in &m.entries {
                let Some(month) = super::parse_month(&entry.month) else {
                    continue;
                };
                if seen.contains(&month) {
                    continue;
                }
                seen.push(month);
                if let Some((_, x)) = values.next() {
                    self.given_in_domain(file, &entry.value, e, field, x);
                }
            }
            return;
        }
        let (ast::Value::Literal(l), Value::Number(x)) = (given, v) else {
            return;
        };
        let Some(f) = self.out.entities.get(e.0).and_then(|d| d.fields.get(field)) else {
            return;
        };
        let Some(domain) = f.domain.filter(|d| !d.contains(*x)) else {
            return;
        };
        let (name, text) = (f.name.clone(), domain.text());
        self.emit(
            Diagnostic::error(
                Code::E0223,
                file,
                l.span(),
                format!("the test gives `{name}` a value outside its domain `{text}`"),
            )
            .with_help(format!("give a value within `{text}`, or `unknown`")),
        );
    }

    fn given_object(&mut self, file: usize, o: &ast::ObjectValue, e: EntityId) -> Value {
        // `e` is an entity of this model (from the fact's type), so every lookup
        // of its definition below finds it.
        debug_assert!(
            self.out.entities.get(e.0).is_some(),
            "INVARIANT: an entity id of this model"
        );
        let mut seen: HashMap<&str, ast::Span> = HashMap::new();
        let mut vals = Vec::new();
        for entry in &o.entries {
            if let Some(f) = seen.get(entry.field.name.as_str()) {
                self.emit(
                    Diagnostic::error(
                        Code::E0121,
                        file,
                        entry.field.span,
                        format!("fact `{}` is given twice", entry.field.name),
                    )
                    .with_help("give each fact once")
                    .with_related(file, *f, "first given here"),
                );
                continue;
            }
            seen.insert(&entry.field.name, entry.field.span);
            let def = self.out.entities.get(e.0);
            match def.and_then(|d| d.members.get(&entry.field.name)).copied() {
                Some(MemberRef::Field(i)) => {
                    self.refer_member(file, entry.field.span, e, MemberRef::Field(i));
                    self.used_fields.insert((e, i));
                    let ty = self
                        .out
                        .entities
                        .get(e.0)
                        .and_then(|d| d.fields.get(i))
                        .map_or(Type::Error, |f| f.ty.clone());
                    if let Some(v) = self.given_value(file, &entry.value, &ty) {
                        self.given_in_domain(file, &entry.value, e, i, &v);
                        vals.push((i, v));
                    }
                }
                Some(MemberRef::Let(_)) => self.emit(
                    Diagnostic::error(
                        Code::E0607,
                        file,
                        entry.field.span,
                        format!(
                            "`{}` is derived (a `let`); tests give facts only",
                            entry.field.name
                        ),
                    )
                    .with_help("give the facts it is computed from instead"),
                ),
                Some(MemberRef::Owner) | None => {
                    let ename = def.map_or(String::new(), |d| d.name.clone());
                    let cands: Vec<&str> = def
                        .map(|d| d.fields.iter().map(|f| f.name.as_str()).collect())
                        .unwrap_or_default();
                    let fallback = format!("give facts declared in `{ename}`");
                    let d =
                        super::collect::unknown_field(file, &entry.field, &ename, cands, fallback);
                    self.emit(d);
                }
            }
        }
        Value::Object(e, vals)
    }

    /// Follows `members[0]…` from the given entity; returns the subject's entity
    /// and the resolved path.
    fn subject_path(
        &mut self,
        file: usize,
        path: &ast::SubjectPath,
        root: EntityId,
        given: Option<&Value>,
    ) -> Option<(EntityId, SubjectSegments)> {
        let mut cur = root;
        let mut value = given;
        let mut out = Vec::new();
        for seg in &path.segments {
            let def = self.out.entities.get(cur.0)?;
            let ename = def.name.clone();
            let member = def.members.get(&seg.field.name).copied();
            if let Some(m @ MemberRef::Field(_)) = member {
                self.refer_member(file, seg.field.span, cur, m);
            }
            let def = self.out.entities.get(cur.0)?;
            let Some(MemberRef::Field(fi)) = member else {
                let cands: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
                let d = Diagnostic::error(
                    Code::E0603,
                    file,
                    seg.field.span,
                    format!("`{ename}` has no fact `{}` to follow", seg.field.name),
                )
                .with_suggestion(super::util::help_for(
                    &seg.field.name,
                    cands,
                    "follow a `list of` field, e.g. `members[0]`",
                ));
                self.emit(d);
                return None;
            };
            let ty = def.fields.get(fi).map(|f| f.ty.clone())?;
            let field_value = match value {
                Some(Value::Object(_, vs)) => vs.iter().find(|(i, _)| *i == fi).map(|(_, v)| v),
                _ => None,
            };
            match (&ty, &seg.index) {
                (Type::List(inner), Some(ix)) => {
                    let Type::Entity(next) = **inner else {
                        self.bad_path(file, seg.span, &seg.field.name);
                        return None;
                    };
                    let Some(i) = parse_number(ix).and_then(|n| usize::try_from(n).ok()) else {
                        self.bad_path(file, seg.span, &seg.field.name);
                        return None;
                    };
                    value = match field_value {
                        Some(Value::List(items)) => {
                            if i >= items.len() {
                                self.emit(
                                    Diagnostic::error(
                                        Code::E0603,
                                        file,
                                        seg.span,
                                        format!(
                                            "`{}` has {} in this test, so `[{i}]` does not exist",
                                            seg.field.name,
                                            super::util::plural(items.len(), "element", "elements")
                                        ),
                                    )
                                    .with_help("indexes count from 0"),
                                );
                                return None;
                            }
                            items.get(i)
                        }
                        _ => None,
                    };
                    out.push((fi, Some(i)));
                    cur = next;
                }
                (Type::Entity(next), None) => {
                    value = field_value;
                    out.push((fi, None));
                    cur = *next;
                }
                _ => {
                    self.bad_path(file, seg.span, &seg.field.name);
                    return None;
                }
            }
        }
        Some((cur, out))
    }

    fn bad_path(&mut self, file: usize, span: ast::Span, field: &str) {
        self.emit(
            Diagnostic::error(Code::E0603, file, span, format!("`{field}` does not lead to a subject"))
                .with_help("follow a `list of` entity field with an index, e.g. `members[0]`, or an entity field without one"),
        );
    }

    /// Every `test` block, in three phases: its `as of` and `given` clauses
    /// ([`Self::test_clauses`]), then each expectation's programme, subject
    /// ([`Self::expect_subject`]) and outcome ([`Self::expected_outcome`]).
    pub(super) fn check_tests(&mut self) {
        let list = self.test_ast.clone();
        for &(file, t) in &list {
            let (as_of, given) = self.test_clauses(file, t);
            let mut def = TestDef {
                name: t.name.clone(),
                as_of,
                given,
                expects: Vec::new(),
                values: Vec::new(),
                loc: Loc {
                    file,
                    span: t.name.span,
                },
            };
            for item in &t.items {
                match item {
                    TestItem::Expect(x) => {
                        if let Some(e) = self.expectation(file, x, def.given.as_ref()) {
                            def.expects.push(e);
                        }
                    }
                    TestItem::ExpectValue(x) => {
                        if let Some(e) = self.expectation_value(file, x, def.given.as_ref()) {
                            def.values.push(e);
                        }
                    }
                    _ => {}
                }
            }
            self.out.tests.push(def);
        }
    }

    /// A test's `as of` date and `given` facts: each once, both required.
    fn test_clauses(
        &mut self,
        file: usize,
        t: &ast::Test,
    ) -> (Option<jiff::civil::Date>, Option<(EntityId, Value)>) {
        let (mut as_of, mut given) = (None, None);
        let (mut as_of_at, mut given_at) = (None::<ast::Span>, None::<ast::Span>);
        for item in &t.items {
            match item {
                TestItem::AsOf(d, span) => {
                    if let Some(f) = as_of_at {
                        self.duplicate_clause(file, *span, "as of", f);
                        continue;
                    }
                    as_of_at = Some(*span);
                    as_of = self.date(file, d);
                }
                TestItem::Given {
                    entity,
                    value,
                    span,
                } => {
                    if let Some(f) = given_at {
                        self.emit(
                            Diagnostic::error(
                                Code::E0602,
                                file,
                                *span,
                                "a test gives its facts once",
                            )
                            .with_help("merge the facts into one `given`")
                            .with_related(file, f, "first given here"),
                        );
                        continue;
                    }
                    given_at = Some(*span);
                    if let Some(e) = self.entity_ref(file, entity) {
                        if !self.out.roots.contains(&e) {
                            let roots = super::util::list_names(
                                self.out
                                    .roots
                                    .iter()
                                    .filter_map(|r| self.out.entities.get(r.0))
                                    .map(|d| d.name.as_str()),
                            );
                            self.emit(
                                Diagnostic::error(Code::E0608, file, entity.span, format!("`{}` is not a root entity", entity.name))
                                    .with_help(format!("give the facts of a root entity ({roots}), with this one inside its list")),
                            );
                        }
                        let v = self.given_object(file, value, e);
                        given = Some((e, v));
                    }
                }
                TestItem::Expect(_) | TestItem::ExpectValue(_) => {}
            }
        }
        if as_of_at.is_none() {
            self.emit(
                Diagnostic::error(Code::E0606, file, t.name.span, "this test has no `as of` date")
                    .with_help("add `as of YYYY-MM-DD`: rules are evaluated on a given date, never the clock's"),
            );
        }
        if given_at.is_none() {
            self.emit(
                Diagnostic::error(Code::E0602, file, t.name.span, "this test gives no facts")
                    .with_help("add `given ENTITY { field: value … }`"),
            );
        }
        (as_of, given)
    }

    /// One `expect`: its programme, its subject among the given facts, its outcome.
    /// `None` when the outcome did not check (reported).
    fn expectation(
        &mut self,
        file: usize,
        x: &ast::Expect,
        given: Option<&(EntityId, Value)>,
    ) -> Option<ExpectDef> {
        let program = match self.out.index.programs.get(&x.program.name) {
            Some(p) => {
                let p = *p;
                refer!(
                    self,
                    file,
                    x.program.span,
                    Sym::global(SymKind::Program, &x.program.name)
                );
                Some(p)
            }
            None => {
                let cands = self.out.index.programs.keys().map(String::as_str).collect();
                let d = unknown(
                    Code::E0105,
                    file,
                    &x.program,
                    "programme",
                    cands,
                    "name a declared `program`",
                );
                self.emit(d);
                None
            }
        };
        let subject = match (program, given) {
            (Some(p), Some((root, facts))) => self.expect_subject(file, x, p, *root, facts),
            _ => Vec::new(),
        };
        let outcome = self.expected_outcome(file, x, program)?;
        Some(ExpectDef {
            program,
            subject,
            outcome,
            span: x.span,
        })
    }

    /// The path from the given root to the object an `expect` is about (`for
    /// members[0]`), checked against the programme's entity; empty for the root.
    fn expect_subject(
        &mut self,
        file: usize,
        x: &ast::Expect,
        p: ProgramId,
        root: EntityId,
        given: &Value,
    ) -> SubjectSegments {
        let mut subject_path = Vec::new();
        let want = self.out.programs.get(p.0).and_then(|d| d.subject);
        let target = match &x.subject {
            Some(path) if want == Some(root) => {
                self.emit(
                    Diagnostic::error(
                        Code::E0604,
                        file,
                        path.span,
                        format!(
                            "`{}` is for the root entity; it takes no `for` path",
                            x.program.name
                        ),
                    )
                    .with_help("remove `for …`"),
                );
                None
            }
            Some(path) => self
                .subject_path(file, path, root, Some(given))
                .map(|(e, segs)| {
                    subject_path = segs;
                    (e, path.span)
                }),
            None => Some((root, x.program.span)),
        };
        if let (Some((got, span)), Some(want)) = (target, want) {
            if got != want {
                let (g, w) = (
                    self.type_name(&Type::Entity(got)),
                    self.type_name(&Type::Entity(want)),
                );
                let help = if x.subject.is_none() {
                    format!(
                        "name the `{w}` it is about, e.g. `expect {} for members[0] …`",
                        x.program.name
                    )
                } else {
                    format!("follow the path to a `{w}`")
                };
                self.emit(
                    Diagnostic::error(
                        Code::E0604,
                        file,
                        span,
                        format!(
                            "`{}` is for `{w}`, but this subject is a `{g}`",
                            x.program.name
                        ),
                    )
                    .with_help(help),
                );
            }
        }
        subject_path
    }

    /// What an `expect` expects: a status, or an amount (of a programme with one).
    fn expected_outcome(
        &mut self,
        file: usize,
        x: &ast::Expect,
        program: Option<ProgramId>,
    ) -> Option<ExpectedOutcome> {
        match &x.outcome {
            ExpectOutcome::Eligible(_) => Some(ExpectedOutcome::Eligible),
            ExpectOutcome::Ineligible(_) => Some(ExpectedOutcome::Ineligible),
            ExpectOutcome::Undetermined(_) => Some(ExpectedOutcome::Undetermined),
            ExpectOutcome::Amount(l) => {
                let has_amount = program
                    .and_then(|p| self.out.programs.get(p.0))
                    .is_none_or(|d| d.amount.is_some());
                if !has_amount {
                    self.emit(
                        Diagnostic::error(Code::E0605, file, l.span(), format!("programme `{}` has no `amount`", x.program.name))
                            .with_help("expect `eligible`/`ineligible` for it, or give the programme an `amount`"),
                    );
                }
                let r = self.literal(file, l);
                match r.kind {
                    RKind::Const(Value::Number(n)) => Some(ExpectedOutcome::Amount(n)),
                    RKind::Error => None,
                    _ => {
                        self.emit(
                            Diagnostic::error(
                                Code::E0601,
                                file,
                                l.span(),
                                "an expected amount is a number",
                            )
                            .with_help("write the amount, e.g. `amount 40_500`"),
                        );
                        None
                    }
                }
            }
        }
    }

    /// `expect [PATH.]NAME = VALUE`: the path to an entity of the given facts,
    /// one of its facts or `let`s, and a value of that member's type. `None` when
    /// something did not check (reported), or when the test gives no facts (E0602).
    fn expectation_value(
        &mut self,
        file: usize,
        x: &ast::ExpectValue,
        given: Option<&(EntityId, Value)>,
    ) -> Option<ExpectValueDef> {
        let (root, facts) = given?;
        let (last, prefix) = x.path.segments.split_last()?;
        let path = x
            .path
            .segments
            .iter()
            .map(|s| match &s.index {
                Some(i) => format!("{}[{i}]", s.field.name),
                None => s.field.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(".");
        // `expect household.net_income = 671`, the root entity named as if it were a
        // field: its values are named directly.
        if let (Some(first), Some(rdef)) = (prefix.first(), self.out.entities.get(root.0)) {
            if first.index.is_none()
                && first.field.name.eq_ignore_ascii_case(&rdef.name)
                && !rdef.members.contains_key(&first.field.name)
            {
                let rest = path
                    .split_once('.')
                    .map_or(path.as_str(), |(_, r)| r)
                    .to_string();
                let d = Diagnostic::error(
                    Code::E0603,
                    file,
                    first.field.span,
                    format!(
                        "`{}` has no fact `{}` to follow",
                        rdef.name, first.field.name
                    ),
                )
                .with_help(format!(
                    "the values of the given `{}` are named directly: `expect {rest} = …`",
                    rdef.name
                ));
                self.emit(d);
                return None;
            }
        }
        let before = ast::SubjectPath {
            segments: prefix.to_vec(),
            span: x.path.span,
        };
        let (entity, subject) = self.subject_path(file, &before, *root, Some(facts))?;
        let def = self.out.entities.get(entity.0)?;
        let ename = def.name.clone();
        let found = def.members.get(&last.field.name).copied();
        if let Some(m @ (MemberRef::Field(_) | MemberRef::Let(_))) = found {
            self.refer_member(file, last.field.span, entity, m);
        }
        let def = self.out.entities.get(entity.0)?;
        let (member, ty) = match found {
            Some(MemberRef::Field(i)) => (MemberRef::Field(i), def.fields.get(i)?.ty.clone()),
            Some(MemberRef::Let(i)) => (MemberRef::Let(i), def.lets.get(i)?.ty.clone()),
            Some(MemberRef::Owner) | None => {
                let cands: Vec<&str> = def
                    .fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(def.lets.iter().map(|l| l.name.as_str()))
                    .collect();
                let d = Diagnostic::error(
                    Code::E0103,
                    file,
                    last.field.span,
                    format!(
                        "`{ename}` has no fact or derived value `{}`",
                        last.field.name
                    ),
                )
                .with_suggestion(super::util::help_for(
                    &last.field.name,
                    cands,
                    format!("name a fact or a `let` of `{ename}`"),
                ));
                self.emit(d);
                return None;
            }
        };
        if let MemberRef::Field(i) = member {
            self.used_fields.insert((entity, i));
        }
        if last.index.is_some() || matches!(ty, Type::List(_) | Type::Entity(_)) {
            let what = if last.index.is_some() {
                "an entity"
            } else if matches!(ty, Type::List(_)) {
                "a list"
            } else {
                "an entity"
            };
            self.emit(
                Diagnostic::error(
                    Code::E0610,
                    file,
                    last.span,
                    format!("`{path}` is {what}, not a value a test can expect"),
                )
                .with_help("name one value: a fact or a `let` of the entity it leads to, e.g. `members[0].age = 7`"),
            );
            return None;
        }
        let value = self.expected_value(file, &x.value, &ty, &last.field.name)?;
        Some(ExpectValueDef {
            subject,
            entity,
            member,
            ty,
            value,
            path,
            span: x.span,
        })
    }

    /// The value of `expect … = VALUE`: `unknown`, a literal of the member's type,
    /// or a variant of its enum.
    fn expected_value(
        &mut self,
        file: usize,
        v: &ast::Value,
        ty: &Type,
        name: &str,
    ) -> Option<Value> {
        let found = match v {
            ast::Value::Unknown(_) => return Some(Value::Unknown),
            ast::Value::Literal(l) => {
                let r = self.literal(file, l);
                let RKind::Const(val) = r.kind else {
                    return None;
                };
                let lit = matches!(val, Value::Number(_));
                if fits(&r.ty, ty, lit) {
                    return Some(val);
                }
                format!("`{}`", self.type_name(&r.ty))
            }
            ast::Value::Name(id) => {
                if let Type::Enum(e) = ty {
                    return self.test_variant(file, id, *e);
                }
                "a name".to_string()
            }
            ast::Value::List(..) => "a list".to_string(),
            ast::Value::Object(_) => "an object".to_string(),
            ast::Value::Months(_) => "a monthly series".to_string(),
        };
        let w = self.type_name(ty);
        let span = match v {
            ast::Value::Literal(l) => l.span(),
            ast::Value::Name(id) => id.span,
            ast::Value::List(_, s) | ast::Value::Unknown(s) => *s,
            ast::Value::Object(o) => o.span,
            ast::Value::Months(m) => m.span,
        };
        self.emit(
            Diagnostic::error(
                Code::E0609,
                file,
                span,
                format!("`{name}` is `{w}`, the test expects {found}"),
            )
            .with_help(format!("{}, or `unknown`", super::util::value_help(ty, &w))),
        );
        None
    }
}
