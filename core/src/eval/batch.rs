//! Column evaluation: many facts documents at once, one node at a time.
//!
//! The row machine ([`super::machine`]) walks the nodes once per subject, and
//! pays its dispatch, memo and missing-fact bookkeeping on every step. Here each
//! node is evaluated once for a whole *domain* — every instance of an entity in
//! the batch, or every element of the lists a `where`/`any`/`all` ranges over —
//! into a column of values, so the dispatch is paid once per node per batch and
//! the per-value work is a tight loop.
//!
//! The contract that makes this safe: **every value here is either the row
//! machine's value or `Unknown`.** Operators that could turn an `Unknown` into a
//! known value in a way that depends on *why* it is unknown (`known`, `otherwise`,
//! a `where` whose condition is unknown, a table row that only may match) give
//! `Unknown` instead. Every other operator is monotone (Kleene), so a result known
//! here is the row machine's result. A document with any unknown result (or an
//! unknown amount of an eligible one) is *bailed*: the session evaluates it again
//! with the row machine, which also finds the missing facts. Documents with all
//! their facts — a registry — never need that.
//!
//! Definitions (lets and programmes) are evaluated in dependency order, each over
//! every instance of its entity, and kept as columns for the rest of the batch.
//! Conditions make columns of truth bytes ([`BOOL`] ids: false, true, unknown),
//! combined by table; everything else makes columns of values. Facts are
//! transposed into one column per field when the batch is laid out.

use std::cmp::Ordering;

use accord_grammar::ast::{BinaryOp, HitPolicyKind};

use super::facts::Facts;
use super::lower::{Cmp, LCell, LOperand, Lowered, Member, Node, NodeId, Scope};
use super::machine::AsOf;
use super::value::{self, compare, from_tri, tri, ListRef, TextRef, V};
use super::RawResult;
use crate::check::Builtin;

/// The longest chain of definitions this evaluator takes on. The row machine
/// refuses chains past its own depth limit; staying far below it means both
/// always agree. Real rulesets have chains of a handful.
const MAX_CHAIN: u32 = 16;

/// The most lanes one domain may have. A `where` inside a `where` over a huge
/// household multiplies lanes; past this the batch goes to the row machine,
/// which streams instead of materialising.
const MAX_LANES: usize = 1 << 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Def {
    Let(u32, u32),
    Prog(u32),
}

/// The order of evaluation of a ruleset's definitions, made once per engine.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    order: Vec<Def>,
    /// Each let's definition number, by entity and index.
    let_def: Vec<Vec<u32>>,
    /// Each programme's definition number.
    prog_def: Vec<u32>,
    ndefs: usize,
}

/// Pushes the children of `node` onto `out`.
fn children(low: &Lowered, node: &Node, out: &mut Vec<NodeId>) {
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
        | Node::Unsupported => {}
        Node::Get { base, .. } => out.push(base),
        Node::Project { list, .. } => out.push(list),
        Node::Builtin { args: a, .. } | Node::Table { args: a, .. } => args(out, a),
        Node::Not(x) | Node::Neg(x) | Node::CompareConst(_, x, _) => out.push(x),
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
    }
}

/// The definitions a node refers to directly.
fn refers(node: &Node) -> Option<Def> {
    match *node {
        Node::Member {
            member: Member::Let(e, i),
            ..
        }
        | Node::Get {
            member: Member::Let(e, i),
            ..
        }
        | Node::Project {
            member: Member::Let(e, i),
            ..
        }
        | Node::CompareMember {
            member: Member::Let(e, i),
            ..
        } => Some(Def::Let(e, i)),
        Node::Eligible { program, .. } | Node::Amount { program, .. } => Some(Def::Prog(program)),
        _ => None,
    }
}

impl Plan {
    /// The dependency order of the definitions every programme needs; `None` when
    /// the ruleset is outside what this evaluator takes on (a chain too long).
    pub(crate) fn new(low: &Lowered) -> Option<Plan> {
        let mut let_def = Vec::with_capacity(low.entities.len());
        let mut n = 0u32;
        let mut defs = Vec::new();
        for (e, ent) in low.entities.iter().enumerate() {
            let mut ids = Vec::with_capacity(ent.lets.len());
            for i in 0..ent.lets.len() {
                ids.push(n);
                defs.push(Def::Let(e as u32, i as u32));
                n += 1;
            }
            let_def.push(ids);
        }
        let mut prog_def = Vec::with_capacity(low.programs.len());
        for p in 0..low.programs.len() {
            prog_def.push(n);
            defs.push(Def::Prog(p as u32));
            n += 1;
        }
        let number = |d: Def| -> Option<u32> {
            match d {
                Def::Let(e, i) => let_def.get(e as usize)?.get(i as usize).copied(),
                Def::Prog(p) => prog_def.get(p as usize).copied(),
            }
        };
        // Each definition's direct dependencies.
        let mut deps: Vec<Vec<u32>> = Vec::with_capacity(defs.len());
        let mut stack = Vec::new();
        for d in &defs {
            stack.clear();
            match *d {
                Def::Let(e, i) => stack.extend(
                    low.entities
                        .get(e as usize)
                        .and_then(|x| x.lets.get(i as usize))
                        .copied(),
                ),
                Def::Prog(p) => {
                    if let Some(p) = low.programs.get(p as usize) {
                        stack.extend(p.eligible.iter().map(|c| c.node));
                        stack.extend(p.unless.iter().map(|c| c.node));
                        stack.extend(p.amount.iter().map(|c| c.node));
                    }
                }
            }
            let mut mine = Vec::new();
            while let Some(id) = stack.pop() {
                let node = low.nodes.get(id as usize)?;
                if let Some(r) = refers(node) {
                    let k = number(r)?;
                    if !mine.contains(&k) {
                        mine.push(k);
                    }
                }
                children(low, node, &mut stack);
            }
            deps.push(mine);
        }
        // Depth-first from every programme: post-order is dependency order.
        const NEW: u8 = 0;
        const BUSY: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![NEW; defs.len()];
        let mut chain = vec![0u32; defs.len()];
        let mut order = Vec::new();
        for root in prog_def.iter().copied() {
            if state.get(root as usize) == Some(&DONE) {
                continue;
            }
            // (definition, next dependency to visit)
            let mut walk: Vec<(u32, usize)> = vec![(root, 0)];
            if let Some(s) = state.get_mut(root as usize) {
                *s = BUSY;
            }
            while let Some(&mut (d, ref mut next)) = walk.last_mut() {
                let ds = deps.get(d as usize)?;
                if let Some(&dep) = ds.get(*next) {
                    *next += 1;
                    match state.get(dep as usize).copied()? {
                        NEW => {
                            *state.get_mut(dep as usize)? = BUSY;
                            walk.push((dep, 0));
                        }
                        BUSY => return None, // a cycle: the checker forbids them
                        _ => {}
                    }
                } else {
                    let depth = 1 + ds
                        .iter()
                        .filter_map(|x| chain.get(*x as usize))
                        .max()
                        .copied()
                        .unwrap_or(0);
                    if depth > MAX_CHAIN {
                        return None;
                    }
                    *chain.get_mut(d as usize)? = depth;
                    *state.get_mut(d as usize)? = DONE;
                    order.push(*defs.get(d as usize)?);
                    walk.pop();
                }
            }
        }
        Some(Plan {
            order,
            let_def,
            prog_def,
            ndefs: defs.len(),
        })
    }
}

/// A set of lanes: the subject of each, and the elements bound by the enclosing
/// `where`/`any`/`all`s.
#[derive(Debug, Default)]
struct Dom {
    subj: Vec<u32>,
    /// `env[d][lane]`: the element bound at depth `d`; `depth` columns in use.
    env: Vec<Vec<V>>,
    depth: usize,
    /// For a domain of list elements: each parent lane's lanes here, as
    /// `(start, len)`; `len == u32::MAX` when the parent's list was unknown.
    ranges: Vec<(u32, u32)>,
    /// When every innermost element is an instance of one entity: that entity,
    /// and each lane's element as a lane of the entity's domain (for gathers).
    elem_entity: Option<u32>,
    elem_lane: Vec<u32>,
}

impl Dom {
    fn reset(&mut self, depth: usize) {
        self.subj.clear();
        self.elem_entity = None;
        self.elem_lane.clear();
        self.ranges.clear();
        if self.env.len() < depth {
            self.env.resize_with(depth, Vec::new);
        }
        for e in &mut self.env {
            e.clear();
        }
        self.depth = depth;
    }
}

/// Columns of one element type, their storage reused from batch to batch.
#[derive(Debug)]
struct Pool<T> {
    slots: Vec<Vec<T>>,
    free: Vec<u32>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Pool<T> {
    /// A free index and its emptied storage, to be given back by [`Pool::put`].
    fn take(&mut self) -> (u32, Vec<T>) {
        match self.free.pop() {
            Some(i) => {
                let mut v = self.lend(i);
                v.clear();
                (i, v)
            }
            None => {
                self.slots.push(Vec::new());
                ((self.slots.len() - 1) as u32, Vec::new())
            }
        }
    }

    /// The storage of column `i`, lent out until [`Pool::put`] gives it back.
    fn lend(&mut self, i: u32) -> Vec<T> {
        self.slots
            .get_mut(i as usize)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn put(&mut self, i: u32, v: Vec<T>) {
        if let Some(slot) = self.slots.get_mut(i as usize) {
            *slot = v;
        }
    }

    fn slot(&self, i: u32) -> Option<&[T]> {
        self.slots.get(i as usize).map(|v| v.as_slice())
    }

    fn slot_mut(&mut self, i: u32) -> Option<&mut Vec<T>> {
        self.slots.get_mut(i as usize)
    }

    fn reset(&mut self) {
        self.free.clear();
        self.free.extend((0..self.slots.len() as u32).rev());
    }

    /// Combines column `a` lane by lane with column `b`, in place; `b` is freed.
    fn zip(&mut self, a: u32, b: u32, f: impl Fn(T, T) -> T)
    where
        T: Copy,
    {
        let bv = self.lend(b);
        if let Some(av) = self.slot_mut(a) {
            for (x, y) in av.iter_mut().zip(&bv) {
                *x = f(*x, *y);
            }
        }
        self.put(b, bv);
        self.free.push(b);
    }
}

/// The columns of a batch: values, and truth bytes (ids with [`BOOL`] set).
#[derive(Debug, Default)]
struct Cols {
    v: Pool<V>,
    b: Pool<u8>,
}

impl Cols {
    /// A value column's id and its (emptied) storage, to be given back by
    /// [`Cols::put`].
    fn take(&mut self) -> (u32, Vec<V>) {
        self.v.take()
    }

    /// A truth column's id (with [`BOOL`] set) and its emptied storage.
    fn take_b(&mut self) -> (u32, Vec<u8>) {
        let (i, v) = self.b.take();
        (i | BOOL, v)
    }

    /// The storage of value column `id`, lent out until [`Cols::put`].
    fn lend(&mut self, id: u32) -> Vec<V> {
        self.v.lend(id)
    }

    /// The storage of truth column `id`, lent out until [`Cols::put_b`].
    fn lend_b(&mut self, id: u32) -> Vec<u8> {
        self.b.lend(id & !BOOL)
    }

    fn put(&mut self, id: u32, v: Vec<V>) -> u32 {
        self.v.put(id, v);
        id
    }

    fn put_b(&mut self, id: u32, v: Vec<u8>) -> u32 {
        self.b.put(id & !BOOL, v);
        id
    }

    fn get(&self, id: u32) -> &[V] {
        self.v.slot(id).unwrap_or(&[])
    }

    fn get_b(&self, id: u32) -> &[u8] {
        self.b.slot(id & !BOOL).unwrap_or(&[])
    }

    fn get_mut(&mut self, id: u32) -> Option<&mut Vec<V>> {
        self.v.slot_mut(id)
    }

    fn get_b_mut(&mut self, id: u32) -> Option<&mut Vec<u8>> {
        self.b.slot_mut(id & !BOOL)
    }

    fn release(&mut self, id: u32) {
        if id & BOOL != 0 {
            self.b.free.push(id & !BOOL);
        } else {
            self.v.free.push(id);
        }
    }

    fn reset(&mut self) {
        self.v.reset();
        self.b.reset();
    }
}

/// Marks the id of a truth column: one byte a lane, [`F`], [`T`] or [`U`].
const BOOL: u32 = 1 << 31;
const F: u8 = 0;
const T: u8 = 1;
const U: u8 = 2;

/// Kleene `and`, `or`, `not` on truth bytes, by table.
const AND: [u8; 9] = [F, F, F, F, T, U, F, U, U];
const OR: [u8; 9] = [F, T, U, T, T, T, U, T, U];
const NOT: [u8; 3] = [T, F, U];

#[inline(always)]
fn and3(a: u8, b: u8) -> u8 {
    AND.get(usize::from(a) * 3 + usize::from(b))
        .copied()
        .unwrap_or(U)
}

#[inline(always)]
fn or3(a: u8, b: u8) -> u8 {
    OR.get(usize::from(a) * 3 + usize::from(b))
        .copied()
        .unwrap_or(U)
}

#[inline(always)]
fn not3(a: u8) -> u8 {
    NOT.get(usize::from(a)).copied().unwrap_or(U)
}

#[inline(always)]
fn to_byte(v: V) -> u8 {
    match v {
        V::Bool(false) => F,
        V::Bool(true) => T,
        _ => U,
    }
}

#[inline(always)]
fn from_byte(b: u8) -> V {
    match b {
        F => V::Bool(false),
        T => V::Bool(true),
        _ => V::Unknown,
    }
}

/// Where each instance of the batch is.
#[derive(Debug, Default)]
struct Layout {
    /// Each document's first global instance number.
    base: Vec<u32>,
    /// Each global instance's document.
    inst_doc: Vec<u32>,
    /// Each global instance's lane in its entity's domain.
    inst_lane: Vec<u32>,
    /// Each global instance's entity.
    inst_entity: Vec<u32>,
    /// Each entity's fields as columns over its domain (values made global).
    fields: Vec<Vec<Vec<V>>>,
    /// Per entity, the first lane of each document (and one past the last).
    doc_lanes: Vec<Vec<u32>>,
}

/// Lists and texts made during the batch.
#[derive(Debug, Default)]
struct Arena {
    items: Vec<V>,
    /// A batch text: (document, text index in that document).
    texts: Vec<(u32, u32)>,
}

/// The buffers of column evaluation, reused from batch to batch.
#[derive(Debug, Default)]
pub(crate) struct BatchScratch {
    layout: Layout,
    doms: Vec<Dom>,
    ndoms: usize,
    /// Element domains already made: (parent domain, list node, domain).
    cache: Vec<(u32, Node, u32)>,
    cols: Cols,
    /// Each definition's column (a let's values, a programme's status).
    def_col: Vec<u32>,
    /// Each programme's amount column.
    amount_col: Vec<u32>,
    arena: Arena,
    /// Per document: whether the row machine must evaluate it.
    pub bail: Vec<bool>,
}

/// Whether a value of the facts refers into its document (an instance, a list,
/// a text) and must be made global to the batch.
#[inline(always)]
fn needs_global(v: &V) -> bool {
    matches!(v, V::Entity(_) | V::List(_) | V::Text(_))
}

/// `x op c` as a truth byte, for the pairs that need no more than a machine
/// comparison.
#[inline(always)]
fn compare_fast(op: Cmp, x: V, c: V) -> Option<u8> {
    let ord = match (x, c) {
        (V::Int(p), V::Int(q)) => p.cmp(&q),
        (V::Variant(p), V::Variant(q)) => p.cmp(&q),
        (V::Unknown, _) => return Some(U),
        (V::Date(p), V::Date(q)) => p.cmp(&q),
        (V::Bool(p), V::Bool(q)) => p.cmp(&q),
        _ => return None,
    };
    Some(u8::from(op.holds(ord)))
}

/// The comparison operators, indexed for [`Batch::compare_into`].
const OPS: [Cmp; 6] = [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge];

/// The evaluation of one batch.
pub(crate) struct Batch<'a> {
    low: &'a Lowered,
    plan: &'a Plan,
    nodes: &'a [Node],
    asof: &'a AsOf,
    docs: &'a [Facts],
    s: &'a mut BatchScratch,
    /// A domain grew past [`MAX_LANES`]: the whole batch goes to the row machine.
    too_big: bool,
}

impl<'a> Batch<'a> {
    /// Evaluates every programme for every document; `false` when the batch must
    /// go to the row machine as a whole. Otherwise `s.bail` says which documents
    /// must.
    pub(crate) fn run(
        low: &'a Lowered,
        plan: &'a Plan,
        asof: &'a AsOf,
        docs: &'a [Facts],
        s: &'a mut BatchScratch,
    ) -> bool {
        let mut b = Batch {
            low,
            plan,
            nodes: &asof.folded,
            asof,
            docs,
            s,
            too_big: false,
        };
        b.layout();
        for d in plan.order.iter().copied() {
            match d {
                Def::Let(e, i) => {
                    let Some(root) = low
                        .entities
                        .get(e as usize)
                        .and_then(|x| x.lets.get(i as usize))
                        .copied()
                    else {
                        return false;
                    };
                    let col = b.eval(root, e);
                    let k = plan
                        .let_def
                        .get(e as usize)
                        .and_then(|x| x.get(i as usize))
                        .copied();
                    if let Some(slot) = k.and_then(|k| b.s.def_col.get_mut(k as usize)) {
                        *slot = col;
                    }
                }
                Def::Prog(p) => b.program(p),
            }
            if b.too_big {
                return false;
            }
        }
        b.mark_bailed();
        true
    }

    fn layout(&mut self) {
        let ne = self.low.entities.len();
        let s = &mut *self.s;
        s.cols.reset();
        s.arena.items.clear();
        s.arena.texts.clear();
        s.cache.clear();
        s.ndoms = ne;
        if s.doms.len() < ne {
            s.doms.resize_with(ne, Dom::default);
        }
        for d in s.doms.iter_mut().take(ne) {
            d.reset(0);
        }
        let l = &mut s.layout;
        l.base.clear();
        l.inst_doc.clear();
        l.inst_lane.clear();
        l.inst_entity.clear();
        l.fields.resize_with(ne, Vec::new);
        for (e, cols) in l.fields.iter_mut().enumerate() {
            let nf = self
                .low
                .entities
                .get(e)
                .map(|x| x.fields.len())
                .unwrap_or(0);
            cols.resize_with(nf, Vec::new);
            for c in cols.iter_mut() {
                c.clear();
            }
        }
        l.doc_lanes.resize_with(ne, Vec::new);
        for v in &mut l.doc_lanes {
            v.clear();
        }
        let mut g = 0u32;
        for (d, f) in self.docs.iter().enumerate() {
            l.base.push(g);
            for (e, lanes) in l.doc_lanes.iter_mut().enumerate() {
                lanes.push(s.doms.get(e).map(|x| x.subj.len() as u32).unwrap_or(0));
            }
            for inst in &f.instances {
                l.inst_doc.push(d as u32);
                l.inst_entity.push(inst.entity);
                // The instance's fields, one value onto each field column.
                let base = &l.base;
                if let Some(cols) = l.fields.get_mut(inst.entity as usize) {
                    let start = inst.slots as usize;
                    let slots = f.slots.get(start..start + cols.len()).unwrap_or(&[]);
                    for (k, c) in cols.iter_mut().enumerate() {
                        match slots.get(k) {
                            // Copied whole, without looking inside: see `V`'s layout.
                            Some(v) if !needs_global(v) => c.push(*v),
                            Some(v) => {
                                c.push(Self::global(self.docs, base, &mut s.arena, d as u32, *v))
                            }
                            None => c.push(V::Unknown),
                        }
                    }
                }
                match s.doms.get_mut(inst.entity as usize) {
                    Some(dom) => {
                        l.inst_lane.push(dom.subj.len() as u32);
                        dom.subj.push(g);
                    }
                    None => l.inst_lane.push(u32::MAX),
                }
                g += 1;
            }
        }
        for (e, lanes) in l.doc_lanes.iter_mut().enumerate() {
            lanes.push(s.doms.get(e).map(|x| x.subj.len() as u32).unwrap_or(0));
        }
        s.def_col.clear();
        s.def_col.resize(self.plan.ndefs, u32::MAX);
        s.amount_col.clear();
        s.amount_col.resize(self.low.programs.len(), u32::MAX);
        s.bail.clear();
        s.bail.resize(self.docs.len(), false);
    }

    fn lanes(&self, dom: u32) -> usize {
        self.s
            .doms
            .get(dom as usize)
            .map(|d| d.subj.len())
            .unwrap_or(0)
    }

    fn fill(&mut self, dom: u32, v: V) -> u32 {
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take();
        out.resize(n, v);
        self.s.cols.put(id, out)
    }

    // ---- programmes ----

    fn program(&mut self, p: u32) {
        let low = self.low;
        let Some(prog) = low.programs.get(p as usize) else {
            return;
        };
        let dom = prog.subject;
        let mut grounds = self.fill_b(dom, if prog.eligible.is_empty() { T } else { F });
        for c in &prog.eligible {
            let col = self.eval_b(c.node, dom);
            grounds = self.zip_b(grounds, col, or3);
        }
        let mut disq = self.fill_b(dom, F);
        for c in &prog.unless {
            let col = self.eval_b(c.node, dom);
            disq = self.zip_b(disq, col, or3);
        }
        // (grounds) and not (disqualified), as the row machine decides it.
        let status = self.zip_b(grounds, disq, |g, d| and3(g, not3(d)));
        let amount = match &prog.amount {
            Some(a) => {
                let col = self.eval(a.node, dom);
                let cols = &mut self.s.cols;
                let st = cols.lend_b(status);
                if let Some(am) = cols.get_mut(col) {
                    for (a, s) in am.iter_mut().zip(&st) {
                        if *s != T {
                            *a = V::Unknown;
                        }
                    }
                }
                cols.put_b(status, st);
                col
            }
            None => self.fill(dom, V::Unknown),
        };
        if let Some(k) = self.plan.prog_def.get(p as usize) {
            if let Some(slot) = self.s.def_col.get_mut(*k as usize) {
                *slot = status;
            }
        }
        if let Some(slot) = self.s.amount_col.get_mut(p as usize) {
            *slot = amount;
        }
    }

    fn fill_b(&mut self, dom: u32, b: u8) -> u32 {
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take_b();
        out.resize(n, b);
        self.s.cols.put_b(id, out)
    }

    /// Combines two truth columns lane by lane into the first.
    fn zip_b(&mut self, a: u32, b: u32, f: impl Fn(u8, u8) -> u8) -> u32 {
        self.s.cols.b.zip(a & !BOOL, b & !BOOL, f);
        a
    }

    /// A value column as truth bytes (released).
    fn as_b(&mut self, c: u32) -> u32 {
        if c & BOOL != 0 {
            return c;
        }
        let (id, mut out) = self.s.cols.take_b();
        out.extend(self.s.cols.get(c).iter().map(|v| to_byte(*v)));
        self.s.cols.release(c);
        self.s.cols.put_b(id, out)
    }

    /// A truth column as values (released).
    fn as_v(&mut self, c: u32) -> u32 {
        if c & BOOL == 0 {
            return c;
        }
        let (id, mut out) = self.s.cols.take();
        out.extend(self.s.cols.get_b(c).iter().map(|b| from_byte(*b)));
        self.s.cols.release(c);
        self.s.cols.put(id, out)
    }

    /// Evaluates `id` into a column of values.
    fn eval(&mut self, id: NodeId, dom: u32) -> u32 {
        let c = self.eval_any(id, dom);
        self.as_v(c)
    }

    /// Evaluates a condition into a truth column.
    fn eval_b(&mut self, id: NodeId, dom: u32) -> u32 {
        let c = self.eval_any(id, dom);
        self.as_b(c)
    }

    /// Marks the documents with an unknown result, or an unknown amount of an
    /// eligible one: the row machine explains which facts are missing.
    fn mark_bailed(&mut self) {
        let low = self.low;
        let s = &mut *self.s;
        for (p, prog) in low.programs.iter().enumerate() {
            let (Some(&k), Some(&ac)) = (self.plan.prog_def.get(p), s.amount_col.get(p)) else {
                continue;
            };
            let Some(&sc) = s.def_col.get(k as usize) else {
                continue;
            };
            let (status, amount) = (s.cols.get_b(sc), s.cols.get(ac));
            let Some(dom) = s.doms.get(prog.subject as usize) else {
                continue;
            };
            for (lane, st) in status.iter().enumerate() {
                let bad = match *st {
                    T => prog.amount.is_some() && amount.get(lane).is_none_or(|a| a.is_unknown()),
                    F => false,
                    _ => true,
                };
                if bad {
                    let doc = dom
                        .subj
                        .get(lane)
                        .and_then(|g| s.layout.inst_doc.get(*g as usize))
                        .copied();
                    if let Some(b) = doc.and_then(|d| s.bail.get_mut(d as usize)) {
                        *b = true;
                    }
                }
            }
        }
    }

    /// Combines two columns of one domain lane by lane into the first.
    fn zip(&mut self, a: u32, b: u32, f: impl Fn(V, V) -> V) -> u32 {
        self.s.cols.v.zip(a, b, f);
        a
    }

    /// Maps a truth column in place.
    fn map_b(&mut self, a: u32, f: impl Fn(u8) -> u8) -> u32 {
        if let Some(av) = self.s.cols.get_b_mut(a) {
            for x in av.iter_mut() {
                *x = f(*x);
            }
        }
        a
    }

    /// Maps one column lane by lane into a new one, releasing it.
    fn map(&mut self, a: u32, f: impl Fn(V) -> V) -> u32 {
        if let Some(av) = self.s.cols.get_mut(a) {
            for x in av.iter_mut() {
                *x = f(*x);
            }
        }
        a
    }

    // ---- reading instances ----

    /// A value of the facts, with its instance numbers, lists and texts made
    /// global to the batch.
    fn global(docs: &[Facts], base: &[u32], arena: &mut Arena, doc: u32, v: V) -> V {
        match v {
            V::Entity(i) => match base.get(doc as usize) {
                Some(b) => V::Entity(b + i),
                None => V::Unknown,
            },
            V::List(l) if !l.scratch => {
                let Some(f) = docs.get(doc as usize) else {
                    return V::Unknown;
                };
                let start = arena.items.len() as u32;
                for k in 0..l.len {
                    let x = f
                        .items
                        .get(l.start as usize + k as usize)
                        .copied()
                        .unwrap_or(V::Unknown);
                    let x = match x {
                        V::Entity(i) => match base.get(doc as usize) {
                            Some(b) => V::Entity(b + i),
                            None => V::Unknown,
                        },
                        V::Text(TextRef::Facts(t)) => {
                            arena.texts.push((doc, t));
                            V::Text(TextRef::Facts(arena.texts.len() as u32 - 1))
                        }
                        // Lists of lists do not come from facts; stay on the safe side.
                        V::List(_) => V::Unknown,
                        x => x,
                    };
                    arena.items.push(x);
                }
                V::List(ListRef {
                    scratch: true,
                    start,
                    len: l.len,
                })
            }
            V::Text(TextRef::Facts(t)) => {
                arena.texts.push((doc, t));
                V::Text(TextRef::Facts(arena.texts.len() as u32 - 1))
            }
            v => v,
        }
    }

    /// Field `f` of global instance `g`.
    #[inline]
    fn field(l: &Layout, g: u32, f: u32) -> V {
        let (Some(&e), Some(&lane)) = (l.inst_entity.get(g as usize), l.inst_lane.get(g as usize))
        else {
            return V::Unknown;
        };
        l.fields
            .get(e as usize)
            .and_then(|c| c.get(f as usize))
            .and_then(|c| c.get(lane as usize))
            .copied()
            .unwrap_or(V::Unknown)
    }

    /// `base.member` for one lane.
    #[inline]
    fn member(&mut self, base: V, member: Member) -> V {
        let V::Entity(g) = base else {
            return V::Unknown;
        };
        let s = &mut *self.s;
        let l = &s.layout;
        match member {
            Member::Field(f) => Self::field(l, g, f),
            Member::Let(e, i) => {
                let k = self
                    .plan
                    .let_def
                    .get(e as usize)
                    .and_then(|x| x.get(i as usize));
                let col = k.and_then(|k| s.def_col.get(*k as usize)).copied();
                let lane = l.inst_lane.get(g as usize).copied();
                match (col, lane) {
                    (Some(c), Some(lane)) if c & BOOL != 0 => {
                        from_byte(s.cols.get_b(c).get(lane as usize).copied().unwrap_or(U))
                    }
                    (Some(c), Some(lane)) => s
                        .cols
                        .get(c)
                        .get(lane as usize)
                        .copied()
                        .unwrap_or(V::Unknown),
                    _ => V::Unknown,
                }
            }
            Member::Owner => {
                let Some(&doc) = l.inst_doc.get(g as usize) else {
                    return V::Unknown;
                };
                let b = l.base.get(doc as usize).copied().unwrap_or(0);
                match self
                    .docs
                    .get(doc as usize)
                    .and_then(|x| x.instance(g.saturating_sub(b)))
                {
                    Some(i) if i.owner != u32::MAX => V::Entity(b + i.owner),
                    _ => V::Unknown,
                }
            }
        }
    }

    /// A let's column over its entity's domain, once computed.
    fn let_col(&self, e: u32, i: u32) -> Option<&[V]> {
        let k = self.plan.let_def.get(e as usize)?.get(i as usize)?;
        let c = self.s.def_col.get(*k as usize)?;
        if c & BOOL != 0 {
            return None;
        }
        self.s.cols.v.slot(*c)
    }

    /// A let's truth column, when it is one.
    fn let_col_b(&self, e: u32, i: u32) -> Option<&[u8]> {
        let k = self.plan.let_def.get(e as usize)?.get(i as usize)?;
        let c = *self.s.def_col.get(*k as usize)?;
        (c & BOOL != 0).then(|| self.s.cols.get_b(c))
    }

    /// `scope.member` read whole from a let's truth column, when it is one: the
    /// subject's own let over its entity's domain (copied), or the elements' let
    /// over an element domain (gathered).
    fn member_col_b(&mut self, dom: u32, scope: Scope, member: Member) -> Option<u32> {
        let ne = self.low.entities.len() as u32;
        let Member::Let(e, i) = member else {
            return None;
        };
        let d = self.s.doms.get(dom as usize)?;
        let gather = match scope {
            Scope::Subject if dom < ne && e == dom => false,
            Scope::Element(k) if k as usize + 1 == d.depth && d.elem_entity == Some(e) => true,
            _ => return None,
        };
        let (id, mut out) = self.s.cols.take_b();
        let lanes = self
            .s
            .doms
            .get(dom as usize)
            .map(|d| d.elem_lane.as_slice());
        match (self.let_col_b(e, i), gather) {
            (Some(col), false) => out.extend_from_slice(col),
            (Some(col), true) => out.extend(
                lanes
                    .unwrap_or(&[])
                    .iter()
                    .map(|l| col.get(*l as usize).copied().unwrap_or(U)),
            ),
            (None, _) => {
                // Not a truth column: give the storage back.
                self.s.cols.put_b(id, out);
                self.s.cols.release(id);
                return None;
            }
        }
        Some(self.s.cols.put_b(id, out))
    }

    fn scope_value(&self, dom: u32, scope: Scope, lane: usize) -> V {
        let Some(d) = self.s.doms.get(dom as usize) else {
            return V::Unknown;
        };
        match scope {
            Scope::Subject => d
                .subj
                .get(lane)
                .map(|g| V::Entity(*g))
                .unwrap_or(V::Unknown),
            Scope::Element(k) if (k as usize) < d.depth => d
                .env
                .get(k as usize)
                .and_then(|e| e.get(lane))
                .copied()
                .unwrap_or(V::Unknown),
            Scope::Element(_) => V::Unknown,
        }
    }

    /// Where `scope.member` can be read as a whole column: a field or let of the
    /// subject over its entity's domain (a slice), or of the elements over an
    /// element domain (a slice and the lanes to gather).
    fn source(&self, dom: u32, scope: Scope, member: Member) -> Option<(&[V], Option<&[u32]>)> {
        let ne = self.low.entities.len() as u32;
        let s = &*self.s;
        let d = s.doms.get(dom as usize);
        match (scope, member) {
            (Scope::Subject, Member::Field(f)) if dom < ne => s
                .layout
                .fields
                .get(dom as usize)
                .and_then(|c| c.get(f as usize))
                .map(|c| (c.as_slice(), None)),
            (Scope::Subject, Member::Let(e, i)) if dom < ne && e == dom => {
                self.let_col(e, i).map(|c| (c, None))
            }
            (Scope::Element(k), m) => match d {
                Some(d) if k as usize + 1 == d.depth && d.elem_entity.is_some() => {
                    let e = d.elem_entity.unwrap_or(u32::MAX);
                    let col = match m {
                        Member::Field(f) => s
                            .layout
                            .fields
                            .get(e as usize)
                            .and_then(|c| c.get(f as usize))
                            .map(|c| c.as_slice()),
                        Member::Let(le, i) if le == e => self.let_col(le, i),
                        _ => None,
                    };
                    col.map(|c| (c, Some(d.elem_lane.as_slice())))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// `scope.member` over a domain.
    fn member_col(&mut self, dom: u32, scope: Scope, member: Member) -> u32 {
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take();
        out.reserve(n);
        let source = self.source(dom, scope, member);
        if let Some((col, gather)) = source {
            match gather {
                None => out.extend_from_slice(col),
                Some(lanes) => out.extend(
                    lanes
                        .iter()
                        .map(|l| col.get(*l as usize).copied().unwrap_or(V::Unknown)),
                ),
            }
            return self.s.cols.put(id, out);
        }
        for lane in 0..n {
            let b = self.scope_value(dom, scope, lane);
            out.push(self.member(b, member));
        }
        self.s.cols.put(id, out)
    }

    // ---- values ----

    fn text(&self, t: TextRef) -> &str {
        match t {
            TextRef::Model(i) => self.low.text(i),
            TextRef::Facts(k) => match self.s.arena.texts.get(k as usize) {
                Some(&(doc, i)) => self.docs.get(doc as usize).map(|f| f.text(i)).unwrap_or(""),
                None => "",
            },
        }
    }

    /// Compares two known values; `None` when they cannot be compared.
    fn compare_values(&self, op: Cmp, a: V, b: V) -> Option<bool> {
        value::compare_known(op, a, b, |t| self.text(t))
    }

    #[inline]
    fn compare(&self, op: Cmp, x: V, y: V) -> V {
        let ord = match (x, y) {
            (V::Unknown, _) | (_, V::Unknown) => return V::Unknown,
            (V::Int(p), V::Int(q)) => p.cmp(&q),
            (V::Date(p), V::Date(q)) => p.cmp(&q),
            (V::Variant(p), V::Variant(q)) => p.cmp(&q),
            _ => return from_tri(self.compare_values(op, x, y)),
        };
        V::Bool(op.holds(ord))
    }

    /// `scope.member op c` straight from the column it reads, when there is one,
    /// into a truth column.
    fn compare_source(
        &mut self,
        dom: u32,
        scope: Scope,
        member: Member,
        op: Cmp,
        c: V,
    ) -> Option<u32> {
        let (id, mut out) = self.s.cols.take_b();
        match self.source(dom, scope, member) {
            Some((col, None)) => self.compare_all(op, col.iter().copied(), c, &mut out),
            Some((col, Some(lanes))) => self.compare_all(
                op,
                lanes
                    .iter()
                    .map(|l| col.get(*l as usize).copied().unwrap_or(V::Unknown)),
                c,
                &mut out,
            ),
            None => {
                // Not a whole column: give the storage back.
                self.s.cols.put_b(id, out);
                self.s.cols.release(id);
                return None;
            }
        }
        Some(self.s.cols.put_b(id, out))
    }

    /// `x op c` for each value of `xs` into `out`, the loop specialised for the
    /// operator (a constant for each arm).
    #[inline(always)]
    fn compare_all(&self, op: Cmp, xs: impl Iterator<Item = V>, c: V, out: &mut Vec<u8>) {
        match op {
            Cmp::Eq => self.compare_into::<0>(xs, c, out),
            Cmp::Ne => self.compare_into::<1>(xs, c, out),
            Cmp::Lt => self.compare_into::<2>(xs, c, out),
            Cmp::Le => self.compare_into::<3>(xs, c, out),
            Cmp::Gt => self.compare_into::<4>(xs, c, out),
            Cmp::Ge => self.compare_into::<5>(xs, c, out),
        }
    }

    /// `x op c` for each value of `xs`, `OP` indexing [`OPS`]. The common pairs
    /// are compared inline; the rest go out of line.
    #[inline(always)]
    fn compare_into<const OP: usize>(&self, xs: impl Iterator<Item = V>, c: V, out: &mut Vec<u8>) {
        let op = OPS.get(OP).copied().unwrap_or(Cmp::Eq);
        let cd = c.as_decimal();
        out.reserve(xs.size_hint().0);
        // Whole numbers and variants against a constant of their kind, the
        // commonest conditions (`age < 18`, `disability = none`), in a loop of
        // their own.
        let small = match c {
            V::Int(q) => Some((0u8, q)),
            V::Variant(q) => Some((1u8, i64::from(q))),
            _ => None,
        };
        match small {
            Some((kind, q)) => out.extend(xs.map(|x| match (kind, x) {
                (0, V::Int(p)) => u8::from(op.holds(p.cmp(&q))),
                (1, V::Variant(p)) => u8::from(op.holds(i64::from(p).cmp(&q))),
                (_, V::Unknown) => U,
                _ => to_byte(self.compare_cold(op, x, c, cd)),
            })),
            None => out.extend(xs.map(|x| match compare_fast(op, x, c) {
                Some(b) => b,
                None => to_byte(self.compare_cold(op, x, c, cd)),
            })),
        }
    }

    #[inline(never)]
    #[cold]
    fn compare_cold(&self, op: Cmp, x: V, c: V, cd: Option<rust_decimal::Decimal>) -> V {
        match (x, cd) {
            (V::Dec(p), Some(q)) => V::Bool(op.holds(p.cmp(&q))),
            _ => self.compare(op, x, c),
        }
    }

    /// `x op c` for every value of column `col` (released), into a truth column.
    fn compare_const(&mut self, col: u32, op: Cmp, c: V) -> u32 {
        let (id, mut out) = self.s.cols.take_b();
        self.compare_all(op, self.s.cols.get(col).iter().copied(), c, &mut out);
        self.s.cols.release(col);
        self.s.cols.put_b(id, out)
    }

    fn in_range(&self, v: V, lo: V, hi: V, negated: bool) -> V {
        if v.is_unknown() || lo.is_unknown() || hi.is_unknown() {
            return V::Unknown;
        }
        match (
            self.compare_values(Cmp::Ge, v, lo),
            self.compare_values(Cmp::Le, v, hi),
        ) {
            (Some(a), Some(b)) => V::Bool((a && b) != negated),
            _ => V::Unknown,
        }
    }

    /// Whether a value is surely known; `None` when this evaluator cannot tell
    /// (an unknown here may be a value the row machine knows).
    fn certain(&self, v: V) -> Option<bool> {
        match v {
            V::Unknown => None,
            V::List(l) => {
                let items = self
                    .s
                    .arena
                    .items
                    .get(l.start as usize..l.start as usize + l.len as usize)?;
                if items.iter().any(|x| x.is_unknown()) {
                    None
                } else {
                    Some(true)
                }
            }
            _ => Some(true),
        }
    }

    fn items(&self, v: V) -> Option<&[V]> {
        match v {
            V::List(l) if l.scratch => self
                .s
                .arena
                .items
                .get(l.start as usize..l.start as usize + l.len as usize),
            _ => None,
        }
    }

    // ---- nodes ----

    /// Evaluates `id` over every lane of `dom` into a new column: of values, or
    /// of truth bytes (an id with [`BOOL`]) for the conditions that make them.
    fn eval_any(&mut self, id: NodeId, dom: u32) -> u32 {
        let Some(node) = self.nodes.get(id as usize).copied() else {
            return self.fill(dom, V::Unknown);
        };
        match node {
            Node::Const(v) => self.fill(dom, v),
            Node::Today => self.fill(dom, V::Date(self.asof.date)),
            Node::Param(p) => {
                let v = self.asof.params.get(p as usize).copied();
                self.fill(dom, v.unwrap_or(V::Unknown))
            }
            Node::Member { scope, member } => match self.member_col_b(dom, scope, member) {
                Some(c) => c,
                None => self.member_col(dom, scope, member),
            },
            Node::Get { base, member } => {
                let b = self.eval(base, dom);
                self.each(b, |me, v| me.member(v, member))
            }
            Node::Project { list, member } => {
                let l = self.eval(list, dom);
                self.each(l, |me, v| me.project(v, member))
            }
            Node::Builtin { func, args } => self.builtin(func, args, dom),
            Node::Table { table, args } => {
                let cols = self.arg_cols(args, dom);
                let n = self.lanes(dom);
                let (id, mut out) = self.s.cols.take();
                out.reserve(n);
                for lane in 0..n {
                    out.push(self.table(table, &cols, lane));
                }
                for c in cols {
                    self.s.cols.release(c);
                }
                self.s.cols.put(id, out)
            }
            Node::Eligible {
                program,
                scope,
                via_owner,
            } => self.program_ref(dom, program, scope, via_owner, false),
            Node::Amount {
                program,
                scope,
                via_owner,
            } => self.program_ref(dom, program, scope, via_owner, true),
            Node::Not(x) => {
                let c = self.eval_b(x, dom);
                self.map_b(c, not3)
            }
            Node::Neg(x) => {
                let c = self.eval(x, dom);
                self.map(c, |v| match v {
                    V::Unknown => V::Unknown,
                    v => value::negate(v).unwrap_or(V::Unknown),
                })
            }
            Node::And(a, b) => {
                let (x, y) = (self.eval_b(a, dom), self.eval_b(b, dom));
                self.zip_b(x, y, and3)
            }
            Node::Or(a, b) => {
                let (x, y) = (self.eval_b(a, dom), self.eval_b(b, dom));
                self.zip_b(x, y, or3)
            }
            Node::Implies(a, b) => {
                let (x, y) = (self.eval_b(a, dom), self.eval_b(b, dom));
                self.zip_b(x, y, |p, q| or3(not3(p), q))
            }
            Node::Otherwise(a, b) => {
                // `a` when surely known; otherwise the row machine would presume
                // `b`, but an unknown here may be known there: unknown.
                let _ = b;
                let x = self.eval(a, dom);
                self.each(x, |me, v| match me.certain(v) {
                    Some(true) => v,
                    _ => V::Unknown,
                })
            }
            Node::Compare(op, a, b) => {
                let (x, y) = (self.eval(a, dom), self.eval(b, dom));
                self.zip2(x, y, |me, p, q| me.compare(op, p, q))
            }
            Node::CompareConst(op, a, c) => {
                let x = self.eval(a, dom);
                self.compare_const(x, op, c)
            }
            Node::CompareMember {
                op,
                scope,
                member,
                value,
            } => {
                if let Some(c) = self.compare_source(dom, scope, member, op, value) {
                    return c;
                }
                let x = self.member_col(dom, scope, member);
                self.compare_const(x, op, value)
            }
            Node::Arith(op, a, b) => {
                let arith = move |p: V, q: V| {
                    if p.is_unknown() || q.is_unknown() {
                        V::Unknown
                    } else {
                        value::arith(op, p, q).unwrap_or(V::Unknown)
                    }
                };
                // A constant side is not spread into a column.
                match (self.nodes.get(a as usize), self.nodes.get(b as usize)) {
                    (_, Some(&Node::Const(c))) => {
                        let x = self.eval(a, dom);
                        return self.map(x, |p| arith(p, c));
                    }
                    (Some(&Node::Const(c)), _) => {
                        let y = self.eval(b, dom);
                        return self.map(y, |q| arith(c, q));
                    }
                    _ => {}
                }
                let (x, y) = (self.eval(a, dom), self.eval(b, dom));
                self.zip(x, y, |p, q| {
                    if p.is_unknown() || q.is_unknown() {
                        V::Unknown
                    } else {
                        value::arith(op, p, q).unwrap_or(V::Unknown)
                    }
                })
            }
            Node::InSet {
                value,
                set,
                negated,
            } => {
                let x = self.eval(value, dom);
                let cols = self.arg_cols(set, dom);
                let out = self.each_lane(x, |me, lane, v| {
                    if v.is_unknown() {
                        return V::Unknown;
                    }
                    let mut result = Some(false);
                    for c in &cols {
                        let e = me.s.cols.get(*c).get(lane).copied().unwrap_or(V::Unknown);
                        if e.is_unknown() {
                            result = None;
                            continue;
                        }
                        if me.compare_values(Cmp::Eq, v, e) == Some(true) {
                            result = Some(true);
                            break;
                        }
                    }
                    result.map(|r| V::Bool(r != negated)).unwrap_or(V::Unknown)
                });
                for c in cols {
                    self.s.cols.release(c);
                }
                out
            }
            Node::InRange {
                value,
                low,
                high,
                negated,
            } => {
                let x = self.eval(value, dom);
                let lo = self.eval(low, dom);
                let hi = self.eval(high, dom);
                let out = self.each_lane(x, |me, lane, v| {
                    let l = me.s.cols.get(lo).get(lane).copied().unwrap_or(V::Unknown);
                    let h = me.s.cols.get(hi).get(lane).copied().unwrap_or(V::Unknown);
                    me.in_range(v, l, h, negated)
                });
                self.s.cols.release(lo);
                self.s.cols.release(hi);
                out
            }
            Node::RangeConst {
                value,
                low,
                high,
                negated,
            } => {
                let x = self.eval(value, dom);
                let (id, mut out) = self.s.cols.take_b();
                out.extend(
                    self.s
                        .cols
                        .get(x)
                        .iter()
                        .map(|v| to_byte(self.in_range(*v, low, high, negated))),
                );
                self.s.cols.release(x);
                self.s.cols.put_b(id, out)
            }
            Node::If(c, t, e) => {
                let (cc, tc, ec) = (self.eval_b(c, dom), self.eval(t, dom), self.eval(e, dom));
                // The `then` column becomes the result.
                let cols = &mut self.s.cols;
                let mut out = cols.lend(tc);
                let (conds, other) = (cols.get_b(cc), cols.get(ec));
                for (lane, x) in out.iter_mut().enumerate() {
                    match conds.get(lane).copied().unwrap_or(U) {
                        T => {}
                        F => *x = other.get(lane).copied().unwrap_or(V::Unknown),
                        _ => *x = V::Unknown,
                    }
                }
                cols.release(cc);
                cols.release(ec);
                cols.put(tc, out)
            }
            Node::Where { list, cond } => self.where_(list, cond, dom),
            Node::Any { list, cond } => self.quantify(list, cond, dom, true),
            Node::All { list, cond } => self.quantify(list, cond, dom, false),
            Node::Unsupported => self.fill(dom, V::Unknown),
        }
    }

    /// Replaces each value of a column by `f` of it.
    fn each(&mut self, c: u32, mut f: impl FnMut(&mut Self, V) -> V) -> u32 {
        let mut v = self.s.cols.lend(c);
        for x in v.iter_mut() {
            *x = f(self, *x);
        }
        self.s.cols.put(c, v)
    }

    /// Like [`Batch::each`], with the lane.
    fn each_lane(&mut self, c: u32, mut f: impl FnMut(&Self, usize, V) -> V) -> u32 {
        let mut v = self.s.cols.lend(c);
        for (lane, x) in v.iter_mut().enumerate() {
            *x = f(self, lane, *x);
        }
        self.s.cols.put(c, v)
    }

    /// Combines two columns into the first with access to the evaluator.
    fn zip2(&mut self, a: u32, b: u32, f: impl Fn(&Self, V, V) -> V) -> u32 {
        let out = self.each_lane(a, |me, lane, x| {
            let y = me.s.cols.get(b).get(lane).copied().unwrap_or(V::Unknown);
            f(me, x, y)
        });
        self.s.cols.release(b);
        out
    }

    fn arg_cols(&mut self, (start, len): (u32, u32), dom: u32) -> Vec<u32> {
        let low = self.low;
        (start..start.saturating_add(len))
            .map(|i| self.eval(low.arg(i), dom))
            .collect()
    }

    fn program_ref(
        &mut self,
        dom: u32,
        program: u32,
        scope: Scope,
        via_owner: bool,
        amount: bool,
    ) -> u32 {
        let n = self.lanes(dom);
        let status_col = self
            .plan
            .prog_def
            .get(program as usize)
            .and_then(|k| self.s.def_col.get(*k as usize))
            .copied()
            .unwrap_or(u32::MAX);
        let amount_col = self
            .s
            .amount_col
            .get(program as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let (id, mut out) = self.s.cols.take();
        out.reserve(n);
        for lane in 0..n {
            let mut inst = self.scope_value(dom, scope, lane);
            if via_owner {
                inst = self.member(inst, Member::Owner);
            }
            let V::Entity(g) = inst else {
                out.push(V::Unknown);
                continue;
            };
            let s = &*self.s;
            let at = s
                .layout
                .inst_lane
                .get(g as usize)
                .copied()
                .unwrap_or(u32::MAX) as usize;
            let status = from_byte(s.cols.get_b(status_col).get(at).copied().unwrap_or(U));
            out.push(if amount {
                match tri(status) {
                    Some(false) => V::Int(0),
                    Some(true) => s
                        .cols
                        .get(amount_col)
                        .get(at)
                        .copied()
                        .unwrap_or(V::Unknown),
                    None => V::Unknown,
                }
            } else {
                status
            });
        }
        self.s.cols.put(id, out)
    }

    // ---- lists ----

    /// `list.member` for one lane's list: a new list (lists of lists flattened).
    fn project(&mut self, list: V, member: Member) -> V {
        let V::List(l) = list else {
            return V::Unknown;
        };
        let start = self.s.arena.items.len();
        for k in 0..l.len {
            let it = self
                .s
                .arena
                .items
                .get(l.start as usize + k as usize)
                .copied()
                .unwrap_or(V::Unknown);
            match self.member(it, member) {
                V::List(inner) if inner.scratch => {
                    let items = &mut self.s.arena.items;
                    let range = inner.start as usize..inner.start as usize + inner.len as usize;
                    // Lists of the arena lie inside it; checked all the same,
                    // since `extend_from_within` would panic otherwise.
                    if range.end <= items.len() {
                        items.extend_from_within(range);
                    } else {
                        items.extend(std::iter::repeat_n(V::Unknown, range.len()));
                    }
                }
                v => self.s.arena.items.push(v),
            }
        }
        V::List(ListRef {
            scratch: true,
            start: start as u32,
            len: (self.s.arena.items.len() - start) as u32,
        })
    }

    /// The domain of the elements of `list` over `dom`'s lanes (made once per
    /// list expression and domain).
    fn elements(&mut self, list: NodeId, dom: u32) -> u32 {
        let key = self.nodes.get(list as usize).copied();
        if let Some(k) = key {
            if let Some(&(_, _, child)) = self.s.cache.iter().find(|(d, n, _)| *d == dom && *n == k)
            {
                return child;
            }
        }
        let lc = self.eval(list, dom);
        let child = self.s.ndoms as u32;
        self.s.ndoms += 1;
        if self.s.doms.len() < self.s.ndoms {
            self.s.doms.push(Dom::default());
        }
        let mut cd = self
            .s
            .doms
            .get_mut(child as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        let s = &*self.s;
        let lists = s.cols.get(lc);
        if let Some(pd) = s.doms.get(dom as usize) {
            cd.reset(pd.depth + 1);
            for (lane, lv) in lists.iter().enumerate() {
                let start = cd.subj.len() as u32;
                let V::List(l) = *lv else {
                    cd.ranges.push((start, u32::MAX));
                    continue;
                };
                if !l.scratch {
                    cd.ranges.push((start, u32::MAX));
                    continue;
                }
                let Some(items) = s
                    .arena
                    .items
                    .get(l.start as usize..l.start as usize + l.len as usize)
                else {
                    cd.ranges.push((start, u32::MAX));
                    continue;
                };
                cd.ranges.push((start, l.len));
                let subj = pd.subj.get(lane).copied().unwrap_or(u32::MAX);
                cd.subj.extend(std::iter::repeat_n(subj, items.len()));
                for d in 0..pd.depth {
                    let v = pd
                        .env
                        .get(d)
                        .and_then(|e| e.get(lane))
                        .copied()
                        .unwrap_or(V::Unknown);
                    if let Some(e) = cd.env.get_mut(d) {
                        e.extend(std::iter::repeat_n(v, items.len()));
                    }
                }
                if let Some(e) = cd.env.get_mut(pd.depth) {
                    e.extend_from_slice(items);
                }
            }
        } else {
            cd.reset(1);
        }
        if cd.subj.len() > MAX_LANES {
            self.too_big = true;
        }
        // Elements all of one entity: remember their lanes for gathers.
        let l = &self.s.layout;
        let mut entity = None;
        let mut uniform = true;
        if let Some(elems) = cd.env.get(cd.depth.wrapping_sub(1)) {
            for v in elems {
                match *v {
                    V::Entity(g) => {
                        let e = l.inst_entity.get(g as usize).copied();
                        if entity.is_none() {
                            entity = e;
                        }
                        if e.is_none() || e != entity {
                            uniform = false;
                            break;
                        }
                        cd.elem_lane
                            .push(l.inst_lane.get(g as usize).copied().unwrap_or(u32::MAX));
                    }
                    _ => {
                        uniform = false;
                        break;
                    }
                }
            }
        }
        if uniform && entity.is_some() {
            cd.elem_entity = entity;
        } else {
            cd.elem_lane.clear();
        }
        if let Some(slot) = self.s.doms.get_mut(child as usize) {
            *slot = cd;
        }
        self.s.cols.release(lc);
        if let Some(k) = key {
            self.s.cache.push((dom, k, child));
        }
        child
    }

    /// For each lane of `dom`: its elements' lanes in the element domain and
    /// whether the list was known.
    fn ranges(&self, child: u32) -> &[(u32, u32)] {
        self.s
            .doms
            .get(child as usize)
            .map(|d| d.ranges.as_slice())
            .unwrap_or(&[])
    }

    fn where_(&mut self, list: NodeId, cond: NodeId, dom: u32) -> u32 {
        let child = self.elements(list, dom);
        let cc = self.eval_b(cond, child);
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take();
        out.reserve(n);
        for lane in 0..n {
            let s = &mut *self.s;
            let Some(&(start, len)) = s.doms.get(child as usize).and_then(|d| d.ranges.get(lane))
            else {
                out.push(V::Unknown);
                continue;
            };
            if len == u32::MAX {
                out.push(V::Unknown);
                continue;
            }
            let range = start as usize..start as usize + len as usize;
            let conds = s.cols.get_b(cc).get(range.clone()).unwrap_or(&[]);
            // An element that may or may not belong: the row machine keeps it
            // as "maybe", which this evaluator does not model.
            if conds.contains(&U) {
                out.push(V::Unknown);
                continue;
            }
            let depth = s.doms.get(child as usize).map(|d| d.depth).unwrap_or(1);
            let elems = s
                .doms
                .get(child as usize)
                .and_then(|d| d.env.get(depth - 1))
                .and_then(|e| e.get(range))
                .unwrap_or(&[]);
            let from = s.arena.items.len();
            for (e, c) in elems.iter().zip(conds) {
                if *c == T {
                    s.arena.items.push(*e);
                }
            }
            out.push(V::List(ListRef {
                scratch: true,
                start: from as u32,
                len: (s.arena.items.len() - from) as u32,
            }));
        }
        self.s.cols.release(cc);
        self.s.cols.put(id, out)
    }

    /// `count(list where cond)` without making the lists.
    fn count_where(&mut self, list: NodeId, cond: NodeId, dom: u32) -> u32 {
        let child = self.elements(list, dom);
        let cc = self.eval_b(cond, child);
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take();
        out.reserve(n);
        let conds = self.s.cols.get_b(cc);
        for lane in 0..n {
            let Some(&(start, len)) = self.ranges(child).get(lane) else {
                out.push(V::Unknown);
                continue;
            };
            if len == u32::MAX {
                out.push(V::Unknown);
                continue;
            }
            let mut k = 0i64;
            let mut unknown = false;
            for c in conds
                .get(start as usize..start as usize + len as usize)
                .unwrap_or(&[])
            {
                match *c {
                    T => k += 1,
                    F => {}
                    _ => unknown = true,
                }
            }
            out.push(if unknown { V::Unknown } else { V::Int(k) });
        }
        self.s.cols.release(cc);
        self.s.cols.put(id, out)
    }

    fn quantify(&mut self, list: NodeId, cond: NodeId, dom: u32, any: bool) -> u32 {
        let child = self.elements(list, dom);
        let cc = self.eval_b(cond, child);
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take_b();
        out.reserve(n);
        let conds = self.s.cols.get_b(cc);
        let decisive = u8::from(any);
        for lane in 0..n {
            let Some(&(start, len)) = self.ranges(child).get(lane) else {
                out.push(U);
                continue;
            };
            if len == u32::MAX {
                out.push(U);
                continue;
            }
            let mut decided = false;
            let mut unknown = false;
            for c in conds
                .get(start as usize..start as usize + len as usize)
                .unwrap_or(&[])
            {
                if *c == decisive {
                    decided = true;
                    break;
                }
                if *c == U {
                    unknown = true;
                }
            }
            out.push(if decided {
                decisive
            } else if unknown {
                U
            } else {
                not3(decisive)
            });
        }
        self.s.cols.release(cc);
        self.s.cols.put_b(id, out)
    }

    // ---- built-in functions ----

    fn builtin(&mut self, func: Builtin, args: (u32, u32), dom: u32) -> u32 {
        if func == Builtin::Count && args.1 == 1 {
            if let Some(&Node::Where { list, cond }) = self.nodes.get(self.low.arg(args.0) as usize)
            {
                return self.count_where(list, cond, dom);
            }
        }
        let cols = self.arg_cols(args, dom);
        let n = self.lanes(dom);
        let (id, mut out) = self.s.cols.take();
        out.reserve(n);
        // Ages (`years_between(birth_date, today)`) and two-argument `min`/`max`,
        // the commonest calls, in loops of their own over their columns.
        let pair = match (cols.as_slice(), func) {
            ([a, b], Builtin::YearsBetween | Builtin::Min | Builtin::Max) => Some((*a, *b)),
            _ => None,
        };
        if let Some((a, b)) = pair {
            let (x, y) = (self.s.cols.get(a), self.s.cols.get(b));
            if func == Builtin::YearsBetween {
                out.extend(x.iter().zip(y).map(|pair| {
                    match pair {
                        (V::Date(p), V::Date(q)) => value::years_between(*p, *q)
                            .map(V::Int)
                            .unwrap_or(V::Unknown),
                        _ => V::Unknown,
                    }
                }));
            } else {
                let min = func == Builtin::Min;
                out.extend(x.iter().zip(y).map(|(p, q)| match (*p, *q) {
                    (V::Int(i), V::Int(j)) => V::Int(if min { i.min(j) } else { i.max(j) }),
                    (p, q) if p.is_unknown() || q.is_unknown() => V::Unknown,
                    // Ties go the way the row machine sends them.
                    (p, q) => match compare(p, q) {
                        Some(o) if (o == Ordering::Greater) == min => q,
                        Some(_) => p,
                        None => V::Unknown,
                    },
                }));
            }
            for c in cols {
                self.s.cols.release(c);
            }
            return self.s.cols.put(id, out);
        }
        for lane in 0..n {
            out.push(self.builtin_lane(func, &cols, lane));
        }
        for c in cols {
            self.s.cols.release(c);
        }
        self.s.cols.put(id, out)
    }

    /// A built-in function for one lane, its arguments read from their columns
    /// in place (copying values into a buffer first costs more than the work).
    fn builtin_lane(&self, func: Builtin, cols: &[u32], lane: usize) -> V {
        let arg = |i: usize| {
            cols.get(i)
                .and_then(|c| self.s.cols.get(*c).get(lane))
                .copied()
                .unwrap_or(V::Unknown)
        };
        match func {
            Builtin::Count | Builtin::Sum | Builtin::MinOf | Builtin::MaxOf => {
                let Some(items) = self.items(arg(0)) else {
                    return V::Unknown;
                };
                if func == Builtin::Count {
                    return V::Int(items.len() as i64);
                }
                let mut acc: Option<V> = None;
                for &v in items {
                    if v.is_unknown() {
                        return V::Unknown;
                    }
                    acc = Some(match acc {
                        None => v,
                        Some(a) if func == Builtin::Sum => {
                            match value::arith(BinaryOp::Add, a, v) {
                                Ok(x) => x,
                                Err(_) => return V::Unknown,
                            }
                        }
                        Some(a) => match compare(a, v) {
                            Some(o) => {
                                if (o == Ordering::Greater) != (func == Builtin::MinOf) {
                                    a
                                } else {
                                    v
                                }
                            }
                            None => return V::Unknown,
                        },
                    });
                }
                match acc {
                    Some(v) => v,
                    None if func == Builtin::Sum => V::Int(0),
                    None => V::Unknown,
                }
            }
            Builtin::Min | Builtin::Max => {
                let mut acc: Option<V> = None;
                for i in 0..cols.len() {
                    let v = arg(i);
                    if v.is_unknown() {
                        return V::Unknown;
                    }
                    acc = Some(match acc {
                        None => v,
                        Some(a) => match compare(a, v) {
                            Some(o) => {
                                if (o == Ordering::Greater) == (func == Builtin::Min) {
                                    v
                                } else {
                                    a
                                }
                            }
                            None => return V::Unknown,
                        },
                    });
                }
                acc.unwrap_or(V::Unknown)
            }
            Builtin::Known => match self.certain(arg(0)) {
                Some(k) => V::Bool(k),
                None => V::Unknown,
            },
            Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
                let (V::Date(a), V::Date(b)) = (arg(0), arg(1)) else {
                    return V::Unknown;
                };
                let r = match func {
                    Builtin::YearsBetween => value::years_between(a, b),
                    Builtin::MonthsBetween => value::months_between(a, b),
                    _ => value::days_between(a, b),
                };
                r.map(V::Int).unwrap_or(V::Unknown)
            }
            Builtin::Date => {
                let (y, m, d) = (arg(0), arg(1), arg(2));
                if y.is_unknown() || m.is_unknown() || d.is_unknown() {
                    return V::Unknown;
                }
                value::make_date(y, m, d).unwrap_or(V::Unknown)
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil | Builtin::Abs => {
                let x = arg(0);
                let places = if cols.len() > 1 { arg(1) } else { V::Int(0) };
                if x.is_unknown() || places.is_unknown() {
                    return V::Unknown;
                }
                value::rounded(func, x, places).unwrap_or(V::Unknown)
            }
        }
    }

    // ---- tables ----

    fn operand(&self, o: LOperand) -> V {
        match o {
            LOperand::Const(v) => v,
            LOperand::Param(p) => self
                .asof
                .params
                .get(p as usize)
                .copied()
                .unwrap_or(V::Unknown),
        }
    }

    /// Whether a cell matches a known argument; `None` when it cannot be told.
    fn cell(&self, cell: &LCell, arg: V) -> Option<bool> {
        cell.matches(
            arg,
            |o| self.operand(o),
            |op, a, b| self.compare_values(op, a, b),
        )
    }

    /// A table for the arguments of one lane, when they are all known and every
    /// row surely matches or not; otherwise unknown.
    fn table(&mut self, table: u32, cols: &[u32], lane: usize) -> V {
        let low = self.low;
        let Some(t) = low.tables.get(table as usize) else {
            return V::Unknown;
        };
        let arg = |me: &Self, k: usize| {
            cols.get(k)
                .and_then(|c| me.s.cols.get(*c).get(lane))
                .copied()
                .unwrap_or(V::Unknown)
        };
        if (0..cols.len()).any(|k| arg(self, k).is_unknown()) {
            return V::Unknown;
        }
        let mut first: Option<V> = None;
        let mut count = 0i64;
        let mut acc: Option<V> = None;
        let list_from = self.s.arena.items.len();
        for r in &t.rows {
            let mut m = true;
            for (k, cell) in r.cells.iter().enumerate() {
                let arg = arg(self, k);
                match self.cell(cell, arg) {
                    Some(true) => {}
                    Some(false) => {
                        m = false;
                        break;
                    }
                    None => {
                        self.s.arena.items.truncate(list_from);
                        return V::Unknown;
                    }
                }
            }
            if !m {
                continue;
            }
            let v = self.operand(r.result);
            match t.hit {
                HitPolicyKind::First => return v,
                HitPolicyKind::Unique | HitPolicyKind::Any => match first {
                    None => first = Some(v),
                    // A second matching row must agree, or it is a conflict.
                    Some(f) => {
                        if f.is_unknown()
                            || v.is_unknown()
                            || self.compare_values(Cmp::Eq, f, v) != Some(true)
                        {
                            return V::Unknown;
                        }
                    }
                },
                HitPolicyKind::CollectCount => count += 1,
                HitPolicyKind::CollectSum
                | HitPolicyKind::CollectMin
                | HitPolicyKind::CollectMax => {
                    if v.is_unknown() {
                        return V::Unknown;
                    }
                    acc = Some(match acc {
                        None => v,
                        Some(a) if t.hit == HitPolicyKind::CollectSum => {
                            match value::arith(BinaryOp::Add, a, v) {
                                Ok(x) => x,
                                Err(_) => return V::Unknown,
                            }
                        }
                        Some(a) => {
                            let keep_a = compare(a, v).is_some_and(|o| {
                                (o == Ordering::Less) == (t.hit == HitPolicyKind::CollectMin)
                            });
                            if keep_a {
                                a
                            } else {
                                v
                            }
                        }
                    });
                }
                HitPolicyKind::CollectList => self.s.arena.items.push(v),
            }
        }
        match t.hit {
            HitPolicyKind::First | HitPolicyKind::Unique | HitPolicyKind::Any => {
                first.unwrap_or(V::Unknown)
            }
            HitPolicyKind::CollectCount => V::Int(count),
            HitPolicyKind::CollectSum => acc.unwrap_or(V::Int(0)),
            HitPolicyKind::CollectMin | HitPolicyKind::CollectMax => acc.unwrap_or(V::Unknown),
            HitPolicyKind::CollectList => V::List(ListRef {
                scratch: true,
                start: list_from as u32,
                len: (self.s.arena.items.len() - list_from) as u32,
            }),
        }
    }

    // ---- results ----

    /// Appends document `doc`'s results, in the row machine's order (programmes
    /// in declaration order, subjects in document order).
    pub(crate) fn emit(
        low: &Lowered,
        plan: &Plan,
        s: &BatchScratch,
        doc: usize,
        out: &mut Vec<RawResult>,
    ) {
        let base = s.layout.base.get(doc).copied().unwrap_or(0);
        for (p, prog) in low.programs.iter().enumerate() {
            let Some(lanes) = s.layout.doc_lanes.get(prog.subject as usize) else {
                continue;
            };
            let (Some(&from), Some(&to)) = (lanes.get(doc), lanes.get(doc + 1)) else {
                continue;
            };
            let (from, to) = (from as usize, to as usize);
            let status_col = plan
                .prog_def
                .get(p)
                .and_then(|k| s.def_col.get(*k as usize))
                .copied()
                .unwrap_or(u32::MAX);
            let amount_col = s.amount_col.get(p).copied().unwrap_or(u32::MAX);
            let (Some(status), Some(amount), Some(subj)) = (
                s.cols.get_b(status_col).get(from..to),
                s.cols.get(amount_col).get(from..to),
                s.doms
                    .get(prog.subject as usize)
                    .and_then(|d| d.subj.get(from..to)),
            ) else {
                continue;
            };
            for ((st, am), g) in status.iter().zip(amount).zip(subj) {
                let st = tri(from_byte(*st));
                out.push(RawResult {
                    program: p as u32,
                    subject: g.saturating_sub(base),
                    status: st,
                    amount: if st == Some(true) { *am } else { V::Unknown },
                    missing: (0, 0),
                });
            }
        }
    }
}
