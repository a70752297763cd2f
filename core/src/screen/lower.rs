//! Lowering: the checked model becomes a flat arena of [`Node`]s that the
//! evaluator walks by index. Names are gone (every reference is a slot), constants
//! are already [`V`]s, and each entity's `let`s are numbered so the evaluator can
//! memoise them per instance.

use std::collections::HashMap;

use accord_grammar::ast::{self, BinaryOp, HitPolicyKind, Label, Quantifier, UnaryOp};

use super::in_model;
use super::value::{Cmp, Dur, TextRef, V};
use crate::check::{
    Base, Builtin, CellTest, Checked, EntityId, MemberRef, Operand, RExpr, RKind, Type, Value,
};
use crate::source::balanced_text;

pub(crate) type NodeId = u32;

/// What a bare member refers to: the definition's subject or the element bound by
/// the n-th enclosing `where`/`any`/`all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Subject,
    Element(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    Field(u32),
    /// `(entity, let index)`
    Let(u32, u32),
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Node {
    Const(V),
    Today,
    Member {
        scope: Scope,
        member: Member,
    },
    Get {
        base: NodeId,
        member: Member,
    },
    /// `list.member` over a list of entities (lists of lists flattened).
    Project {
        list: NodeId,
        member: Member,
    },
    Param(u32),
    /// `args` indexes the argument arena.
    Builtin {
        func: Builtin,
        args: (u32, u32),
    },
    Table {
        table: u32,
        args: (u32, u32),
    },
    /// A scale applied to `base`: index into [`Lowered::scales`].
    Scale {
        scale: u32,
        base: NodeId,
    },
    Eligible {
        program: u32,
        scope: Scope,
        via_owner: bool,
    },
    Amount {
        program: u32,
        scope: Scope,
        via_owner: bool,
    },
    Not(NodeId),
    Neg(NodeId),
    And(NodeId, NodeId),
    Or(NodeId, NodeId),
    Implies(NodeId, NodeId),
    Otherwise(NodeId, NodeId),
    Compare(Cmp, NodeId, NodeId),
    Arith(BinaryOp, NodeId, NodeId),
    InSet {
        value: NodeId,
        set: (u32, u32),
        negated: bool,
    },
    InRange {
        value: NodeId,
        low: NodeId,
        high: NodeId,
        negated: bool,
    },
    If(NodeId, NodeId, NodeId),
    /// A formula in versions by date: index into [`Lowered::dated`].
    Dated(u32),
    /// A series function (`sum_last(income, 3 months)`, `screen/series.rs`):
    /// `series` is the monthly fact read (a `Member` or `Get` of a field),
    /// `back` the months counted back; [`fold`] sets the window of months for
    /// the as-of date (`first`, `count`), which the evaluators read.
    Series {
        func: crate::check::Builtin,
        series: NodeId,
        back: u32,
        first: i32,
        count: u32,
    },
    Where {
        list: NodeId,
        cond: NodeId,
    },
    Any {
        list: NodeId,
        cond: NodeId,
    },
    All {
        list: NodeId,
        cond: NodeId,
    },
    /// `a op c` with `c` a constant (made by [`fold`] for one as-of date).
    CompareConst(Cmp, NodeId, V),
    /// `member op c`: a fact or `let` of the subject or element compared with a
    /// constant, the commonest condition (made by [`fold`]).
    CompareMember {
        op: Cmp,
        scope: Scope,
        member: Member,
        value: V,
    },
    /// `value in lo..hi` with constant bounds (made by [`fold`]).
    RangeConst {
        value: NodeId,
        low: V,
        high: V,
        negated: bool,
    },
    /// A value a case supplies while a protocol's guards are evaluated: the
    /// n-th of the protocol's [`CaseInput`]s (`assess done`, `risk(assess)`).
    CaseInput(u32),
    /// Something only meaningful in assessments or protocols, or that did not check.
    Unsupported,
}

/// What a protocol's guard asks of the case: a step's status or a risk found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseInput {
    /// `step done` (`None`), `all step done`, `any step done`.
    Done(Option<Quantifier>, u32),
    /// `risk(step)`: the level's index, as [`Value::Risk`] is lowered.
    Risk(u32),
    /// `found(step, need)`: the need's index in the step's assessment.
    Found(u32, u32),
    /// `need = n` in a `for each need of step where …`: whether the need
    /// considered is the step's assessment's need of that index.
    NeedIs(u32, u32),
}

/// A protocol's `start when` and each step's `when`, lowered like `let`s of the
/// protocol's subject, with the case's inputs they read.
#[derive(Debug, Clone, Default)]
pub(crate) struct LProtocol {
    pub start: Option<NodeId>,
    /// One per step, in declaration order.
    pub when: Vec<Option<NodeId>>,
    /// One per step: its `for each need … where` condition.
    pub need_filter: Vec<Option<NodeId>>,
    /// One per step: its `back to … when` conditions, in order.
    pub back_when: Vec<Vec<Option<NodeId>>>,
    pub inputs: Vec<CaseInput>,
    /// Whether a step's guard reads the date (or a parameter, whose version
    /// depends on it): then readiness changes with the date alone.
    pub when_reads_date: bool,
    /// The subject's facts the steps' guards read; `None` when they may read
    /// any (a fact of an element or of another entity).
    pub when_fields: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct LClause {
    pub node: NodeId,
    pub legal: Option<Label>,
    /// The clause's source text, whitespace collapsed, for explanations.
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct LProgram {
    pub subject: u32,
    /// Whether another programme refers to this one (`eligible(p)`, `amount(p)`);
    /// only then is its result memoised.
    pub referenced: bool,
    pub eligible: Vec<LClause>,
    pub unless: Vec<LClause>,
    pub amount: Option<LClause>,
}

#[derive(Debug, Clone)]
pub(crate) enum LCell {
    Any,
    Compare(Cmp, LOperand),
    Range(LOperand, LOperand),
    Set(Vec<LOperand>),
}

impl LCell {
    /// Whether the cell matches `arg`: `None` when that cannot be told (the
    /// argument, or a parameter the cell uses, is unknown; or the values do not
    /// compare). `operand` gives a cell operand's value, `compare` compares two
    /// known values — each evaluator brings its own.
    pub(crate) fn matches(
        &self,
        arg: V,
        mut operand: impl FnMut(LOperand) -> V,
        compare: impl Fn(Cmp, V, V) -> Option<bool>,
    ) -> Option<bool> {
        if matches!(self, LCell::Any) {
            return Some(true);
        }
        if arg.is_unknown() {
            return None;
        }
        match self {
            LCell::Any => Some(true),
            LCell::Compare(op, o) => {
                let x = operand(*o);
                if x.is_unknown() {
                    return None;
                }
                compare(*op, arg, x)
            }
            LCell::Range(lo, hi) => {
                let (lo, hi) = (operand(*lo), operand(*hi));
                if lo.is_unknown() || hi.is_unknown() {
                    return None;
                }
                Some(compare(Cmp::Ge, arg, lo)? && compare(Cmp::Le, arg, hi)?)
            }
            LCell::Set(items) => {
                let mut r = Some(false);
                for o in items {
                    let x = operand(*o);
                    if x.is_unknown() {
                        r = None;
                    } else if compare(Cmp::Eq, arg, x) == Some(true) {
                        return Some(true);
                    }
                }
                r
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum LOperand {
    Const(V),
    Param(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct LRow {
    pub cells: Vec<LCell>,
    pub result: LOperand,
}

#[derive(Debug, Clone)]
pub(crate) struct LTable {
    pub hit: HitPolicyKind,
    pub rows: Vec<LRow>,
    /// A dated table's versions: (from, index of the first row, whether it is
    /// an end: no rows, the table out of force), in date order; empty for a
    /// table without versions.
    pub versions: Vec<(jiff::civil::Date, usize, bool)>,
    /// Each version's `for each` line (one entry for a table without versions).
    pub each: Vec<Option<LEach>>,
}

/// `for each COLUMN above N: ADD`: for an argument `n > above` of parameter
/// `param`, the result at `above` plus `add × (n − above)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LEach {
    pub param: usize,
    pub above: i64,
    pub add: LOperand,
}

impl LTable {
    /// The `for each` line of the version in force on `date`, if it has one.
    pub(crate) fn each_at(&self, date: jiff::civil::Date) -> Option<LEach> {
        let k = if self.versions.is_empty() {
            0
        } else {
            self.version_at(date)?
        };
        self.each.get(k).copied().flatten()
    }

    /// The index of a dated table's version in force on `date` (an end too);
    /// `None` before the first or for a table without versions.
    pub(crate) fn version_at(&self, date: jiff::civil::Date) -> Option<usize> {
        self.versions.iter().rposition(|(from, _, _)| *from <= date)
    }

    /// The rows in force on `date`, as `start..end` of [`LTable::rows`]; every row
    /// for a table without versions; `None` before the first version and after
    /// an end.
    pub(crate) fn in_force(&self, date: jiff::civil::Date) -> Option<(usize, usize)> {
        if self.versions.is_empty() {
            return Some((0, self.rows.len()));
        }
        let k = self.version_at(date)?;
        let &(_, first, ended) = self.versions.get(k)?;
        if ended {
            return None;
        }
        let end = self.versions.get(k + 1).map_or(self.rows.len(), |n| n.1);
        Some((first, end))
    }
}

/// A scale, lowered: its kind and versions (the arithmetic is `scale.rs`'s).
#[derive(Debug, Clone)]
pub(crate) struct LScale {
    pub kind: ast::ScaleKind,
    /// In date order; `from: None` for a scale without versions. A version
    /// without brackets ends the scale.
    pub versions: Vec<LScaleVersion>,
}

#[derive(Debug, Clone)]
pub(crate) struct LScaleVersion {
    pub from: Option<jiff::civil::Date>,
    /// (threshold, rate or amount), thresholds increasing.
    pub brackets: Vec<(LOperand, LOperand)>,
}

impl LScale {
    /// The index of the version in force on `date` (with or without brackets).
    pub(crate) fn version_at(&self, date: jiff::civil::Date) -> Option<usize> {
        self.versions
            .iter()
            .rposition(|v| v.from.is_none_or(|f| f <= date))
    }

    /// The brackets in force on `date`; `None` before the first version or
    /// after a version that ended the scale.
    pub(crate) fn in_force(&self, date: jiff::civil::Date) -> Option<&[(LOperand, LOperand)]> {
        let v = self.versions.get(self.version_at(date)?)?;
        (!v.brackets.is_empty()).then_some(v.brackets.as_slice())
    }
}

/// How a field's value is read from JSON and shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldKind {
    Bool,
    Int,
    Dec,
    Money,
    Date,
    Text,
    Dur,
    Enum(u32),
    Entity(u32),
    List(Box<FieldKind>),
    /// `monthly T`: an object of `YYYY-MM` months in the facts, held as a list
    /// whose first element is the first month's number (`screen/series.rs`).
    Monthly(Box<FieldKind>),
    /// A type facts cannot carry (risk levels, choices): always unknown.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct LField {
    pub name: String,
    pub kind: FieldKind,
    /// The fact's declared domain: the interval an unknown value of it lies in.
    pub domain: Option<crate::check::Domain>,
}

#[derive(Debug, Clone)]
pub(crate) struct LEntity {
    pub fields: Vec<LField>,
    /// Field lookup by name for reading facts: an open-addressing table of
    /// (hash, field index), a power of two long, `u32::MAX` for empty.
    /// Reading a registry looks up every key of every record, so this is hot.
    pub field_index: Vec<(u64, u32)>,
    /// Root of each `let`, in declaration order.
    pub lets: Vec<NodeId>,
    /// Programmes whose subject is this entity, in declaration order.
    pub programs: Vec<u32>,
}

/// The evaluable form of a ruleset.
#[derive(Debug, Clone)]
pub(crate) struct Lowered {
    pub nodes: Vec<Node>,
    /// Each node's source: (file, start, end), for explanations.
    pub spans: Vec<(u32, u32, u32)>,
    pub args: Vec<NodeId>,
    pub texts: Vec<Box<str>>,
    pub entities: Vec<LEntity>,
    pub programs: Vec<LProgram>,
    /// For each programme, its index within its subject entity's `programs`.
    pub program_slot: Vec<u32>,
    pub tables: Vec<LTable>,
    /// Each scale, by scale id.
    pub scales: Vec<LScale>,
    /// Each parameter's versions: (from, value).
    pub params: Vec<Vec<(jiff::civil::Date, V)>>,
    /// Each [`Node::Dated`]'s versions: (from, formula), dates increasing; `Err`
    /// an end (`from DATE:` without a formula, or `until`).
    pub dated: Vec<Vec<(jiff::civil::Date, Result<NodeId, crate::check::ParamEnd>)>>,
    /// Each enum's variant names, by enum id.
    pub enum_variants: Vec<Vec<String>>,
    /// Each protocol's guards, by protocol id.
    pub protocols: Vec<LProtocol>,
}

/// A cheap hash of a field name: its length and three of its bytes, mixed. The
/// table compares the name itself on a hit, so collisions only cost a probe.
fn key_hash(s: &str) -> u64 {
    let b = s.as_bytes();
    // A short name hashes its missing bytes as zero: any name has a hash.
    let at = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
    let n = b.len();
    let key = (n as u64)
        ^ (at(0) << 8)
        ^ (at(n / 2) << 16)
        ^ (at(n.saturating_sub(1)) << 24)
        ^ (at(1) << 32);
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32
}

fn field_table(fields: &[LField]) -> Vec<(u64, u32)> {
    let size = (fields.len() * 2).next_power_of_two().max(4);
    let mut table = vec![(0u64, u32::MAX); size];
    for (i, f) in fields.iter().enumerate() {
        let h = key_hash(&f.name);
        let mut at = (h as usize) & (size - 1);
        while table.get(at).is_some_and(|(_, f)| *f != u32::MAX) {
            at = (at + 1) & (size - 1);
        }
        if let Some(slot) = table.get_mut(at) {
            *slot = (h, i as u32);
        }
    }
    table
}

/// Whether two field names are equal, compared eight bytes at a time inline:
/// every key of every record of a registry is compared, and a call to `memcmp`
/// for names of a dozen bytes costs more than the comparison.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        let word = |c: &[u8]| {
            debug_assert_eq!(c.len(), 8, "`chunks_exact(8)` yields chunks of 8 bytes");
            c.try_into().map(u64::from_ne_bytes).unwrap_or(0)
        };
        if word(x) != word(y) {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x == y)
}

impl LEntity {
    pub(crate) fn field(&self, name: &str) -> Option<u32> {
        let mask = self.field_index.len().checked_sub(1)?;
        let h = key_hash(name);
        let mut at = (h as usize) & mask;
        // The table is at most half full, so a probe always reaches an empty slot.
        for _ in 0..self.field_index.len() {
            let &(hash, f) = self.field_index.get(at)?;
            if f == u32::MAX {
                return None;
            }
            if hash == h
                && self
                    .fields
                    .get(f as usize)
                    .is_some_and(|x| same_name(&x.name, name))
            {
                return Some(f);
            }
            at = (at + 1) & mask;
        }
        None
    }
}

impl Lowered {
    /// The `i`-th argument of the lowered calls (a call's range is in `args`).
    pub(crate) fn arg(&self, i: u32) -> NodeId {
        in_model(self.args.get(i as usize), "a call's argument")
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// A text of the model, by the id the lowering gave it.
    pub(crate) fn text(&self, id: u32) -> &str {
        in_model(self.texts.get(id as usize), "a model text").map_or("", |s| &**s)
    }
}

pub(crate) fn field_kind(ty: &Type) -> FieldKind {
    match ty {
        Type::Boolean => FieldKind::Bool,
        Type::Integer => FieldKind::Int,
        Type::Decimal => FieldKind::Dec,
        Type::Money => FieldKind::Money,
        Type::Date => FieldKind::Date,
        Type::Text => FieldKind::Text,
        Type::Duration => FieldKind::Dur,
        Type::Enum(e) => FieldKind::Enum(e.0 as u32),
        Type::Entity(e) => FieldKind::Entity(e.0 as u32),
        Type::List(inner) => FieldKind::List(Box::new(field_kind(inner))),
        Type::Monthly(inner) => FieldKind::Monthly(Box::new(field_kind(inner))),
        Type::Risk(_) | Type::Choice(..) | Type::Error => FieldKind::Other,
    }
}

struct Lowerer<'a> {
    checked: &'a Checked,
    out: Lowered,
    text_ids: HashMap<String, u32>,
    /// The file of the declaration being lowered.
    file: u32,
    /// While a protocol's guards are lowered: the case inputs they read.
    case_inputs: Option<Vec<CaseInput>>,
}

/// Lowers a ruleset that checked without errors. `source` gives each file's text,
/// for the clause texts shown in explanations.
pub(crate) fn lower(checked: &Checked, source: &dyn Fn(usize) -> Option<String>) -> Lowered {
    let mut l = Lowerer {
        checked,
        out: Lowered {
            nodes: Vec::new(),
            spans: Vec::new(),
            args: Vec::new(),
            texts: Vec::new(),
            entities: Vec::new(),
            programs: Vec::new(),
            program_slot: Vec::new(),
            tables: Vec::new(),
            scales: Vec::new(),
            params: Vec::new(),
            dated: Vec::new(),
            protocols: Vec::new(),
            enum_variants: checked
                .enums
                .iter()
                .map(|e| e.variants.iter().map(|v| v.name.clone()).collect())
                .collect(),
        },
        text_ids: HashMap::new(),
        file: 0,
        case_inputs: None,
    };
    for p in &checked.parameters {
        let versions = p
            .values
            .iter()
            .map(|dv| (dv.from, l.value(&dv.value)))
            .collect();
        l.out.params.push(versions);
    }
    for t in &checked.tables {
        let rows = t
            .rows
            .iter()
            .map(|r| LRow {
                cells: r.cells.iter().map(|c| l.cell(c)).collect(),
                result: l.operand(&r.result),
            })
            .collect();
        let versions = t
            .versions
            .iter()
            .map(|v| (v.from, v.first, v.end.is_some()))
            .collect();
        let each = t
            .each
            .iter()
            .map(|e| {
                e.as_ref().map(|e| LEach {
                    param: e.param,
                    above: e.above,
                    add: l.operand(&e.add),
                })
            })
            .collect();
        l.out.tables.push(LTable {
            hit: t.hit,
            rows,
            versions,
            each,
        });
    }
    for s in &checked.scales {
        let versions = s
            .versions
            .iter()
            .map(|v| LScaleVersion {
                from: v.from,
                brackets: v
                    .brackets
                    .iter()
                    .map(|b| (l.operand(&b.threshold), l.operand(&b.value)))
                    .collect(),
            })
            .collect();
        l.out.scales.push(LScale {
            kind: s.kind,
            versions,
        });
    }
    for e in &checked.entities {
        let fields: Vec<LField> = e
            .fields
            .iter()
            .map(|f| LField {
                name: f.name.clone(),
                kind: field_kind(&f.ty),
                domain: f.domain,
            })
            .collect();
        let field_index = field_table(&fields);
        l.file = e.loc.file as u32;
        let lets = e.lets.iter().map(|d| l.expr(&d.value)).collect();
        l.out.entities.push(LEntity {
            fields,
            field_index,
            lets,
            programs: Vec::new(),
        });
    }
    for (pi, p) in checked.programs.iter().enumerate() {
        l.file = p.loc.file as u32;
        // Every declaration is in a file of the source map (`Engine::compile`).
        let file_text = in_model(source(p.loc.file), "a programme's file");
        let text_of = |span: ast::Span| -> String {
            file_text
                .as_deref()
                .map(|t| balanced_text(t, span))
                .unwrap_or_default()
        };
        // Every programme has its `for` entity (E0303 otherwise).
        let subject = in_model(p.subject, "a programme's subject").map_or(u32::MAX, |e| e.0 as u32);
        let clause = |l: &mut Lowerer, c: &crate::check::ClauseDef| LClause {
            node: l.expr(&c.condition),
            legal: c.legal.clone(),
            text: text_of(c.condition.span),
        };
        let eligible = p.eligible.iter().map(|c| clause(&mut l, c)).collect();
        let unless = p.unless.iter().map(|c| clause(&mut l, c)).collect();
        let amount = p.amount.as_ref().map(|a| LClause {
            node: l.expr(a),
            legal: None,
            text: text_of(a.span),
        });
        let mut slot = u32::MAX;
        if let Some(ent) = l.out.entities.get_mut(subject as usize) {
            slot = ent.programs.len() as u32;
            ent.programs.push(pi as u32);
        }
        l.out.program_slot.push(slot);
        l.out.programs.push(LProgram {
            subject,
            referenced: false,
            eligible,
            unless,
            amount,
        });
    }
    let referenced: Vec<u32> = l
        .out
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Eligible { program, .. } | Node::Amount { program, .. } => Some(*program),
            _ => None,
        })
        .collect();
    for p in &checked.protocols {
        l.file = p.loc.file as u32;
        l.case_inputs = Some(Vec::new());
        let start = p.start.as_ref().map(|e| l.expr(e));
        let when = p
            .steps
            .iter()
            .map(|s| s.when.as_ref().map(|e| l.expr(e)))
            .collect();
        let need_filter = p
            .steps
            .iter()
            .map(|s| s.need_filter.as_ref().map(|e| l.expr(e)))
            .collect();
        let back_when = p
            .steps
            .iter()
            .map(|s| {
                s.back_to
                    .iter()
                    .map(|b| b.when.as_ref().map(|e| l.expr(e)))
                    .collect()
            })
            .collect();
        let inputs = in_model(l.case_inputs.take(), "the inputs set above").unwrap_or_default();
        l.out.protocols.push(LProtocol {
            start,
            when,
            need_filter,
            back_when,
            inputs,
            ..LProtocol::default()
        });
    }
    // What the guards read, once per protocol rather than once per case.
    let reads: Vec<(bool, Option<Vec<String>>)> = l
        .out
        .protocols
        .iter()
        .zip(&checked.protocols)
        .map(|(p, def)| {
            // A `where` on needs is evaluated again when what it reads changes,
            // as a guard is.
            let reads = guard_reads(
                &l.out,
                p.when
                    .iter()
                    .chain(&p.need_filter)
                    .chain(p.back_when.iter().flatten())
                    .flatten()
                    .copied(),
            );
            // A protocol without a subject reads no fields.
            let entity = def
                .subject
                .and_then(|e| in_model(l.out.entities.get(e.0), "a protocol's subject"));
            let names = reads.fields.map(|read| {
                entity
                    .map(|e| {
                        e.fields
                            .iter()
                            .enumerate()
                            // `read` ends at the last field read.
                            .filter(|(i, _)| read.get(*i).copied().unwrap_or(false))
                            .map(|(_, f)| f.name.clone())
                            .collect()
                    })
                    .unwrap_or_default()
            });
            (reads.date, names)
        })
        .collect();
    for (p, (date, fields)) in l.out.protocols.iter_mut().zip(reads) {
        p.when_reads_date = date;
        p.when_fields = fields;
    }
    for p in referenced {
        if let Some(prog) = l.out.programs.get_mut(p as usize) {
            prog.referenced = true;
        }
    }
    l.out
}

fn scope(b: Base) -> Scope {
    match b {
        Base::Subject => Scope::Subject,
        Base::Element(d) => Scope::Element(d),
    }
}

impl Lowerer<'_> {
    /// The node reading `input` from the case (unsupported outside a protocol).
    fn case_input(&mut self, input: CaseInput) -> Node {
        let Some(inputs) = self.case_inputs.as_mut() else {
            return Node::Unsupported;
        };
        let at = match inputs.iter().position(|i| *i == input) {
            Some(at) => at,
            None => {
                inputs.push(input);
                inputs.len() - 1
            }
        };
        Node::CaseInput(at as u32)
    }

    fn push(&mut self, n: Node, span: ast::Span) -> NodeId {
        self.out.nodes.push(n);
        self.out
            .spans
            .push((self.file, span.start as u32, span.end as u32));
        (self.out.nodes.len() - 1) as NodeId
    }

    fn text(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.text_ids.get(s) {
            return id;
        }
        let id = self.out.texts.len() as u32;
        self.out.texts.push(s.into());
        self.text_ids.insert(s.to_string(), id);
        id
    }

    fn value(&mut self, v: &Value) -> V {
        match v {
            Value::Bool(b) => V::Bool(*b),
            Value::Number(d) => V::number(*d),
            Value::Text(t) => V::Text(TextRef::Model(self.text(t))),
            Value::Date(d) => V::Date(*d),
            Value::Duration(d) => V::Dur(Dur::from_value(*d)),
            Value::Variant(_, i) => V::Variant(*i as u32),
            Value::Choice(_, _, i) => V::Variant(*i as u32),
            Value::Risk(a, name) => {
                // The checker resolved the level among its assessment's levels.
                let idx = in_model(
                    self.checked
                        .assessments
                        .get(a.0)
                        .and_then(|a| a.risk_levels.iter().position(|l| l == name)),
                    "a risk level",
                )
                .unwrap_or(usize::MAX);
                V::Variant(idx as u32)
            }
            Value::List(_) | Value::Months(_) | Value::Object(..) | Value::Unknown => V::Unknown,
        }
    }

    fn operand(&mut self, o: &Operand) -> LOperand {
        match o {
            Operand::Const(v) => LOperand::Const(self.value(v)),
            Operand::Param(p) => LOperand::Param(p.0 as u32),
        }
    }

    fn cell(&mut self, c: &CellTest) -> LCell {
        match c {
            CellTest::Any => LCell::Any,
            CellTest::Compare(op, o) => LCell::Compare(cmp(*op), self.operand(o)),
            CellTest::Range(a, b) => LCell::Range(self.operand(a), self.operand(b)),
            CellTest::Set(items) => LCell::Set(items.iter().map(|o| self.operand(o)).collect()),
        }
    }

    fn member(&self, entity: EntityId, m: MemberRef) -> Member {
        match m {
            MemberRef::Field(i) => Member::Field(i as u32),
            MemberRef::Let(i) => Member::Let(entity.0 as u32, i as u32),
            MemberRef::Owner => Member::Owner,
        }
    }

    fn list(&mut self, items: &[RExpr]) -> (u32, u32) {
        let ids: Vec<NodeId> = items.iter().map(|a| self.expr(a)).collect();
        let start = self.out.args.len() as u32;
        self.out.args.extend(ids);
        (start, items.len() as u32)
    }

    fn expr(&mut self, e: &RExpr) -> NodeId {
        let node = match &e.kind {
            RKind::Const(v) => Node::Const(self.value(v)),
            RKind::Today => Node::Today,
            RKind::Member {
                base,
                entity,
                member,
            } => Node::Member {
                scope: scope(*base),
                member: self.member(*entity, *member),
            },
            RKind::Param(p) => Node::Param(p.0 as u32),
            RKind::Get {
                base,
                entity,
                member,
            } => {
                let base = self.expr(base);
                Node::Get {
                    base,
                    member: self.member(*entity, *member),
                }
            }
            RKind::Project {
                base,
                entity,
                member,
            } => {
                let list = self.expr(base);
                Node::Project {
                    list,
                    member: self.member(*entity, *member),
                }
            }
            RKind::Builtin { func, args } if crate::check::is_series(*func) => {
                let back = match args.get(1).map(|a| &a.kind) {
                    Some(RKind::Const(v)) => crate::check::months_of(v).unwrap_or(0),
                    _ => 0,
                };
                match args.first() {
                    Some(a) => Node::Series {
                        func: *func,
                        series: self.expr(a),
                        back,
                        first: 0,
                        count: 0,
                    },
                    None => Node::Unsupported,
                }
            }
            RKind::Builtin { func, args } => {
                let args = self.list(args);
                Node::Builtin { func: *func, args }
            }
            RKind::Table { table, args } => {
                let args = self.list(args);
                Node::Table {
                    table: table.0 as u32,
                    args,
                }
            }
            RKind::Scale { scale, base } => Node::Scale {
                scale: scale.0 as u32,
                base: self.expr(base),
            },
            RKind::Eligible {
                program,
                base,
                via_owner,
            } => Node::Eligible {
                program: program.0 as u32,
                scope: scope(*base),
                via_owner: *via_owner,
            },
            RKind::Amount {
                program,
                base,
                via_owner,
            } => Node::Amount {
                program: program.0 as u32,
                scope: scope(*base),
                via_owner: *via_owner,
            },
            RKind::Unary { op, operand } => {
                let x = self.expr(operand);
                match op {
                    UnaryOp::Not => Node::Not(x),
                    UnaryOp::Neg => Node::Neg(x),
                }
            }
            RKind::Binary { op, lhs, rhs } => {
                let a = self.expr(lhs);
                let b = self.expr(rhs);
                match op {
                    BinaryOp::And => Node::And(a, b),
                    BinaryOp::Or => Node::Or(a, b),
                    BinaryOp::Implies => Node::Implies(a, b),
                    BinaryOp::Otherwise => Node::Otherwise(a, b),
                    BinaryOp::Eq => Node::Compare(Cmp::Eq, a, b),
                    BinaryOp::Ne => Node::Compare(Cmp::Ne, a, b),
                    BinaryOp::Lt => Node::Compare(Cmp::Lt, a, b),
                    BinaryOp::Le => Node::Compare(Cmp::Le, a, b),
                    BinaryOp::Gt => Node::Compare(Cmp::Gt, a, b),
                    BinaryOp::Ge => Node::Compare(Cmp::Ge, a, b),
                    BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                        Node::Arith(*op, a, b)
                    }
                }
            }
            RKind::InSet {
                value,
                set,
                negated,
            } => {
                let value = self.expr(value);
                let set = self.list(set);
                Node::InSet {
                    value,
                    set,
                    negated: *negated,
                }
            }
            RKind::InRange {
                value,
                low,
                high,
                negated,
            } => {
                let value = self.expr(value);
                let low = self.expr(low);
                let high = self.expr(high);
                Node::InRange {
                    value,
                    low,
                    high,
                    negated: *negated,
                }
            }
            RKind::If {
                condition,
                then,
                otherwise,
            } => {
                let c = self.expr(condition);
                let t = self.expr(then);
                let o = self.expr(otherwise);
                Node::If(c, t, o)
            }
            RKind::Dated(versions) => {
                let vs: Vec<(jiff::civil::Date, Result<NodeId, crate::check::ParamEnd>)> = versions
                    .iter()
                    .map(|(d, e)| (*d, e.as_ref().map(|e| self.expr(e)).map_err(|e| *e)))
                    .collect();
                self.out.dated.push(vs);
                Node::Dated(self.out.dated.len() as u32 - 1)
            }
            RKind::Where { list, condition } => {
                let list = self.expr(list);
                let cond = self.expr(condition);
                Node::Where { list, cond }
            }
            RKind::Quantified {
                quantifier,
                list,
                condition,
            } => {
                let list = self.expr(list);
                let cond = self.expr(condition);
                match quantifier {
                    Quantifier::Any => Node::Any { list, cond },
                    Quantifier::All => Node::All { list, cond },
                }
            }
            RKind::Question(_) | RKind::Score(_) | RKind::QuestionPoints(_) | RKind::Points(_) => {
                Node::Unsupported
            }
            RKind::Risk(step) => self.case_input(CaseInput::Risk(*step as u32)),
            RKind::Found { step, need } => {
                self.case_input(CaseInput::Found(*step as u32, *need as u32))
            }
            RKind::NeedIs { step, need } => {
                self.case_input(CaseInput::NeedIs(*step as u32, *need as u32))
            }
            RKind::Done { quantifier, step } => {
                self.case_input(CaseInput::Done(*quantifier, *step as u32))
            }
            RKind::Chosen { .. } | RKind::Error => Node::Unsupported,
        };
        self.push(node, e.span)
    }
}

/// What a protocol's guards read: the date (or a parameter, whose version
/// depends on it) and which of the subject's facts (`None`: any of them).
struct Reads {
    date: bool,
    fields: Option<Vec<bool>>,
}

/// Walks the nodes of `roots`, following `let`s.
fn guard_reads(low: &Lowered, roots: impl Iterator<Item = NodeId>) -> Reads {
    let mut out = Reads {
        date: false,
        fields: Some(Vec::new()),
    };
    let mut seen = vec![false; low.nodes.len()];
    let mut stack: Vec<NodeId> = roots.collect();
    while let Some(n) = stack.pop() {
        match seen.get_mut(n as usize) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        let Some(node) = low.nodes.get(n as usize) else {
            continue;
        };
        let member = match node {
            Node::Today
            | Node::Param(_)
            | Node::Eligible { .. }
            | Node::Amount { .. }
            | Node::Dated(_)
            // A scale's version and its parameters depend on the date.
            | Node::Scale { .. } => {
                out.date = true;
                None
            }
            Node::Member { scope, member } | Node::CompareMember { scope, member, .. } => {
                Some((*scope == Scope::Subject, *member))
            }
            Node::Get { member, .. } | Node::Project { member, .. } => Some((false, *member)),
            // A dated table's version depends on the date.
            Node::Table { table, .. }
                if low
                    .tables
                    .get(*table as usize)
                    .is_some_and(|t| !t.versions.is_empty()) =>
            {
                out.date = true;
                None
            }
            _ => None,
        };
        match member {
            Some((subject, Member::Let(e, i))) => {
                // Another entity's `let` reads that entity's facts.
                if !subject {
                    out.fields = None;
                }
                if let Some(l) = low
                    .entities
                    .get(e as usize)
                    .and_then(|e| e.lets.get(i as usize))
                {
                    stack.push(*l);
                }
            }
            Some((true, Member::Field(f))) => {
                if let Some(fields) = out.fields.as_mut() {
                    if fields.len() <= f as usize {
                        fields.resize(f as usize + 1, false);
                    }
                    if let Some(x) = fields.get_mut(f as usize) {
                        *x = true;
                    }
                }
            }
            // A fact of an element or another entity: somewhere under the
            // subject's facts, but which one is not known here.
            Some((false, Member::Field(_))) | Some((_, Member::Owner)) => out.fields = None,
            None => {}
        }
        children(low, node, &mut stack);
    }
    out
}

pub(crate) fn cmp(op: ast::CompareOp) -> Cmp {
    match op {
        ast::CompareOp::Eq => Cmp::Eq,
        ast::CompareOp::Ne => Cmp::Ne,
        ast::CompareOp::Lt => Cmp::Lt,
        ast::CompareOp::Le => Cmp::Le,
        ast::CompareOp::Gt => Cmp::Gt,
        ast::CompareOp::Ge => Cmp::Ge,
    }
}

/// The nodes specialised for one as-of date: parameters in force and `today`
/// become constants, constant arithmetic is done once, and comparisons with a
/// constant become one node. Ids are kept (children always precede their
/// parent), so the result is a drop-in replacement for `nodes`. Explanations use
/// the unfolded nodes, which still say which parameter was used.
pub(crate) fn fold(low: &Lowered, params: &[V], today: jiff::civil::Date) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(low.nodes.len());
    let constant = |out: &Vec<Node>, id: NodeId| match out.get(id as usize) {
        Some(Node::Const(v)) => Some(*v),
        _ => None,
    };
    for node in &low.nodes {
        let folded = match *node {
            Node::Param(p) => match params.get(p as usize) {
                Some(v) if !v.is_unknown() => Node::Const(*v),
                _ => *node,
            },
            Node::Today => Node::Const(V::Date(today)),
            Node::Series {
                func, series, back, ..
            } => {
                let (first, count) = crate::check::window(func, back, today);
                Node::Series {
                    func,
                    series,
                    back,
                    first,
                    count,
                }
            }
            Node::Arith(op, a, b) => match (constant(&out, a), constant(&out, b)) {
                (Some(x), Some(y)) => match super::value::arith(op, x, y) {
                    Ok(v) => Node::Const(v),
                    Err(_) => *node,
                },
                _ => *node,
            },
            Node::Compare(op, a, b) => match (constant(&out, a), constant(&out, b)) {
                // Texts compare through their tables; leave them general.
                (_, Some(V::Text(_))) | (_, None) => *node,
                (_, Some(c)) => match out.get(a as usize) {
                    Some(&Node::Member { scope, member }) => Node::CompareMember {
                        op,
                        scope,
                        member,
                        value: c,
                    },
                    _ => Node::CompareConst(op, a, c),
                },
            },
            Node::InRange {
                value,
                low: lo,
                high: hi,
                negated,
            } => match (constant(&out, lo), constant(&out, hi)) {
                (Some(l), Some(h)) => Node::RangeConst {
                    value,
                    low: l,
                    high: h,
                    negated,
                },
                _ => *node,
            },
            other => other,
        };
        out.push(folded);
    }
    out
}

/// Pushes the children of `node` onto `out`.
pub(crate) fn children(low: &Lowered, node: &Node, out: &mut Vec<NodeId>) {
    let args = |out: &mut Vec<NodeId>, (start, len): (u32, u32)| {
        for i in start..start.saturating_add(len) {
            out.push(low.arg(i));
        }
    };
    match *node {
        Node::Const(_)
        | Node::Today
        | Node::Member { .. }
        | Node::Param(_)
        | Node::Eligible { .. }
        | Node::Amount { .. }
        | Node::CompareMember { .. }
        | Node::CaseInput(_)
        | Node::Unsupported => {}
        Node::Get { base, .. } => out.push(base),
        Node::Series { series, .. } => out.push(series),
        Node::Project { list, .. } => out.push(list),
        Node::Builtin { args: a, .. } | Node::Table { args: a, .. } => args(out, a),
        Node::Not(x) | Node::Neg(x) | Node::CompareConst(_, x, _) => out.push(x),
        Node::Scale { base, .. } => out.push(base),
        Node::RangeConst { value, .. } => out.push(value),
        Node::And(a, b)
        | Node::Or(a, b)
        | Node::Implies(a, b)
        | Node::Otherwise(a, b)
        | Node::Compare(_, a, b)
        | Node::Arith(_, a, b)
        | Node::Where { list: a, cond: b }
        | Node::Any { list: a, cond: b }
        | Node::All { list: a, cond: b } => out.extend([a, b]),
        Node::InSet { value, set, .. } => {
            out.push(value);
            args(out, set);
        }
        Node::InRange {
            value, low, high, ..
        } => out.extend([value, low, high]),
        Node::If(c, t, e) => out.extend([c, t, e]),
        Node::Dated(i) => {
            if let Some(vs) = low.dated.get(i as usize) {
                out.extend(vs.iter().filter_map(|(_, n)| n.ok()));
            }
        }
    }
}

impl Lowered {
    /// The version of a [`Node::Dated`] in force on `date` and its index: its
    /// date and formula (`Err`: an end); `None` before the first.
    #[expect(clippy::type_complexity, reason = "a version and its index")]
    pub(crate) fn dated_index(
        &self,
        i: u32,
        date: jiff::civil::Date,
    ) -> Option<(
        usize,
        (jiff::civil::Date, Result<NodeId, crate::check::ParamEnd>),
    )> {
        let vs = self.dated.get(i as usize)?;
        let k = vs.iter().rposition(|(from, _)| *from <= date)?;
        vs.get(k).map(|v| (k, *v))
    }
}

#[cfg(test)]
mod names {
    use super::same_name;

    #[test]
    fn same_name_is_string_equality() {
        let words = [
            "",
            "a",
            "b",
            "ab",
            "members",
            "members_",
            "monthly_income",
            "monthly_incomf",
            "receives_insurance_pension",
            "receives_insurance_pensioN",
            "ՀՀ",
            "ՀՀ ",
        ];
        for x in words {
            for y in words {
                assert_eq!(same_name(x, y), x == y, "{x:?} {y:?}");
            }
        }
    }
}
