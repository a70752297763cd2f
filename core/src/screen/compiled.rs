//! The certain path: the session's folded nodes compiled once into a tree of
//! closures, for documents whose results can all be decided.
//!
//! It keeps none of the row machine's bookkeeping: no missing-fact stack, no
//! evaluation errors, no presumptions, no recording. Its contract: **every value
//! it computes is the row machine's value, or `Unknown`**. Kleene operators are monotone, so a known result here is the row
//! machine's result; anything that could make it differ gives `Unknown`:
//! an evaluation error, a `where` element whose condition is unknown (the row
//! machine's *maybe*: the whole list is unknown here), a table row that only may
//! match. `known` and `otherwise`, which decide on *why* a value is unknown, set
//! the bail flag instead. A document with an undetermined result, an eligible
//! result whose amount is unknown, or a bail is evaluated again by the row
//! machine, which finds the missing facts. Registries with complete facts never
//! come back.
//!
//! Why closures: the row machine pays, on every node, a dispatch over every node
//! kind and the missing-fact marks; here each node's closure is specialised at
//! compile time (the member read, the operator, the constant's kind). One
//! household of the benchmark's twenty programmes costs about 16k instructions
//! here against 36k in the row machine. What remains is mostly the closures'
//! indirect calls and the branches on facts the predictor has not seen.

use std::cmp::Ordering;

use accord_grammar::ast::{BinaryOp, HitPolicyKind};
use jiff::civil::Date;

use super::facts::Facts;
use super::lower::{LCell, LEach, LOperand, Lowered, Member, Node, NodeId, Scope};
use super::machine::{text_of, AsOf, Domains, Side};
use super::memo::{self, Found, Memos};
use super::value::{self, compare, Cmp, ListRef, TextRef, V};
use super::RawResult;
use crate::check::Builtin;

type Code = Box<dyn Fn(&mut Cx<'_>) -> V + Send + Sync>;
/// A condition: a truth value ([`F`], [`T`] or [`U`]) returned in a register,
/// where a value would go through memory.
type Cond = Box<dyn Fn(&mut Cx<'_>) -> u8 + Send + Sync>;

/// An operand that is read in place: a constant, or a fact or `let` of the
/// subject or of an element. Each kind has its reader type ([`Rd`]), and a node
/// over operands is compiled once per combination of their kinds (`with_rd!`),
/// so reading a leaf costs neither an indirect call nor a branch on its kind:
/// most operands are leaves, and those calls were most of the closures' cost.
enum Arg {
    Const(V),
    Field(u32),
    Let(u32, u32),
    Elem(u32, Member),
    Code(Code),
}

trait Rd: Send + Sync + 'static {
    fn rd(&self, cx: &mut Cx<'_>) -> V;
}

struct RConst(V);
struct RField(u32);
struct RLet(u32, u32);
struct RElem(u32, Member);

impl Rd for RConst {
    #[inline(always)]
    fn rd(&self, _: &mut Cx<'_>) -> V {
        self.0
    }
}

impl Rd for RField {
    #[inline(always)]
    fn rd(&self, cx: &mut Cx<'_>) -> V {
        cx.facts.slot(cx.subject, self.0)
    }
}

impl Rd for RLet {
    #[inline(always)]
    fn rd(&self, cx: &mut Cx<'_>) -> V {
        cx.let_value(cx.subject, self.0, self.1)
    }
}

impl Rd for RElem {
    #[inline(always)]
    fn rd(&self, cx: &mut Cx<'_>) -> V {
        let base = cx.scope_inst(Scope::Element(self.0));
        cx.member(base, self.1)
    }
}

impl Rd for Code {
    #[inline(always)]
    fn rd(&self, cx: &mut Cx<'_>) -> V {
        self(cx)
    }
}

/// A list of operands read at run time (tables, `min`/`max`, sets): one branch
/// on the kind per operand, still no call for a leaf.
impl Rd for Arg {
    #[inline(always)]
    fn rd(&self, cx: &mut Cx<'_>) -> V {
        match self {
            Arg::Const(v) => *v,
            Arg::Field(f) => cx.facts.slot(cx.subject, *f),
            Arg::Let(e, i) => cx.let_value(cx.subject, *e, *i),
            Arg::Elem(d, m) => {
                let base = cx.scope_inst(Scope::Element(*d));
                cx.member(base, *m)
            }
            Arg::Code(c) => c(cx),
        }
    }
}

/// `with_rd!(T, arg, |r| body)`: `body` (a `T`) compiled with `r` the reader of
/// `arg`'s kind, one copy of `body` per kind.
macro_rules! with_rd {
    ($t:ty, $arg:expr, |$r:ident| $body:expr) => {
        match $arg {
            Arg::Const(v) => {
                let $r = RConst(v);
                let code: $t = $body;
                code
            }
            Arg::Field(f) => {
                let $r = RField(f);
                let code: $t = $body;
                code
            }
            Arg::Let(e, i) => {
                let $r = RLet(e, i);
                let code: $t = $body;
                code
            }
            Arg::Elem(d, m) => {
                let $r = RElem(d, m);
                let code: $t = $body;
                code
            }
            Arg::Code(c) => {
                let $r = c;
                let code: $t = $body;
                code
            }
        }
    };
}

const F: u8 = 0;
const T: u8 = 1;
const U: u8 = 2;

#[inline]
fn t_of(v: V) -> u8 {
    match v {
        V::Bool(b) => u8::from(b),
        _ => U,
    }
}

#[inline]
fn v_of(t: u8) -> V {
    match t {
        F => V::Bool(false),
        T => V::Bool(true),
        _ => V::Unknown,
    }
}

/// Kleene `not`.
#[inline]
fn not3(t: u8) -> u8 {
    match t {
        F => T,
        T => F,
        _ => U,
    }
}

/// Deepest expression compiled (the parser's nesting limit is far below).
const MAX_NESTING: u32 = 512;

/// A programme's clauses (its subject and whether it is referenced are the
/// lowered programme's).
struct CProgram {
    eligible: Vec<Cond>,
    unless: Vec<Cond>,
    amount: Option<Code>,
}

/// A ruleset compiled for one as-of date.
pub(crate) struct Compiled {
    /// Each entity's lets, by index.
    lets: Vec<Vec<Code>>,
    programs: Vec<CProgram>,
    /// The nodes compiled: a comparison left unknown (when some fact declares a
    /// domain) and an `if` whose condition is unknown are decided as the row
    /// machine decides them (`Domains`), reading the same nodes.
    nodes: Vec<Node>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("programs", &self.programs.len())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct PMemo {
    status: Option<bool>,
    amount: V,
}

/// Reusable buffers of the certain path.
#[derive(Debug, Default)]
pub(crate) struct FastScratch {
    env: Vec<V>,
    /// Elements of the lists made while evaluating (all certain).
    items: Vec<V>,
    /// Each instance's lets, with their state beside them: one load on a hit.
    lets: Memos<V>,
    progs: Memos<PMemo>,
    argv: Vec<V>,
    /// The document's instances grouped by entity (in document order within
    /// each), and each entity's group in it: a programme visits only its own.
    order: Vec<u32>,
    groups: Vec<(u32, u32)>,
}

pub(crate) struct Cx<'a> {
    low: &'a Lowered,
    code: &'a Compiled,
    facts: &'a Facts,
    params: &'a [V],
    date: Date,
    s: &'a mut FastScratch,
    subject: u32,
    env_base: usize,
    /// Set by `known`/`otherwise` on an unknown operand: the document goes to the
    /// row machine whatever its results.
    bail: bool,
    /// Steps of work left for this document.
    work: u64,
}

impl Cx<'_> {
    #[inline]
    fn scope_inst(&self, scope: Scope) -> V {
        match scope {
            Scope::Subject => V::Entity(self.subject),
            Scope::Element(d) => self
                .s
                .env
                .get(self.env_base + d as usize)
                .copied()
                .unwrap_or(V::Unknown),
        }
    }

    #[inline]
    fn member(&mut self, base: V, member: Member) -> V {
        let V::Entity(inst) = base else {
            return V::Unknown;
        };
        match member {
            Member::Field(f) => self.facts.slot(inst, f),
            Member::Let(entity, index) => self.let_value(inst, entity, index),
            Member::Owner => match self.facts.instance(inst) {
                Some(i) if i.owner != u32::MAX => V::Entity(i.owner),
                _ => V::Unknown,
            },
        }
    }

    fn let_value(&mut self, inst: u32, entity: u32, index: u32) -> V {
        let at = match self.s.lets.find(inst, index) {
            Found::Done(v) => return v,
            Found::Todo(at) => at,
            Found::Busy | Found::Absent => return V::Unknown,
        };
        let code = self.code;
        let Some(f) = code
            .lets
            .get(entity as usize)
            .and_then(|l| l.get(index as usize))
        else {
            return V::Unknown;
        };
        self.s.lets.start(at);
        let v = self.as_subject(inst, f);
        self.s.lets.finish(at, v);
        v
    }

    /// `f` evaluated with `inst` as the subject and no `where` element in scope.
    #[inline]
    fn as_subject<R>(&mut self, inst: u32, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = (self.subject, self.env_base);
        self.subject = inst;
        self.env_base = self.s.env.len();
        let r = f(self);
        (self.subject, self.env_base) = saved;
        r
    }

    fn with_element(&mut self, v: V, f: &Cond) -> u8 {
        self.s.env.push(v);
        let r = f(self);
        self.s.env.pop();
        r
    }

    fn items(&self, l: ListRef) -> &[V] {
        let (from, to) = (l.start as usize, (l.start + l.len) as usize);
        let all = if l.scratch {
            &self.s.items
        } else {
            &self.facts.items
        };
        all.get(from..to).unwrap_or(&[])
    }

    fn item(&self, l: ListRef, i: u32) -> V {
        let at = (l.start + i) as usize;
        let all = if l.scratch {
            &self.s.items
        } else {
            &self.facts.items
        };
        all.get(at).copied().unwrap_or(V::Unknown)
    }

    fn seal(&mut self, from: usize) -> V {
        V::List(ListRef {
            scratch: true,
            start: from as u32,
            len: self.s.items.len().saturating_sub(from) as u32,
        })
    }

    /// Whether a known value is certain as the row machine sees it: a list made
    /// here holds no *maybe* element, but may hold unknown values.
    fn certain(&self, v: V) -> bool {
        match v {
            V::Unknown => false,
            V::List(l) if l.scratch => self.items(l).iter().all(|x| !x.is_unknown()),
            _ => true,
        }
    }

    fn text(&self, t: TextRef) -> &str {
        text_of(self.low, self.facts, t)
    }

    /// `x op y` as a truth value.
    #[inline]
    fn compare(&self, op: Cmp, x: V, y: V) -> u8 {
        let ord = match (x, y) {
            (V::Int(p), V::Int(q)) => p.cmp(&q),
            (V::Date(p), V::Date(q)) => p.cmp(&q),
            (V::Variant(p), V::Variant(q)) => p.cmp(&q),
            (V::Unknown, _) | (_, V::Unknown) => return U,
            _ => return self.compare_other(op, x, y),
        };
        u8::from(op.holds(ord))
    }

    #[inline(never)]
    fn compare_other(&self, op: Cmp, x: V, y: V) -> u8 {
        match value::compare_known(op, x, y, |t| self.text(t)) {
            Some(b) => u8::from(b),
            None => U,
        }
    }

    fn equal(&self, a: V, b: V) -> bool {
        self.compare(Cmp::Eq, a, b) == T
    }

    fn operand(&self, o: LOperand) -> V {
        match o {
            LOperand::Const(v) => v,
            LOperand::Param(p) => self.params.get(p as usize).copied().unwrap_or(V::Unknown),
        }
    }

    fn in_range(&self, v: V, lo: V, hi: V, negated: bool) -> u8 {
        match (self.compare(Cmp::Ge, v, lo), self.compare(Cmp::Le, v, hi)) {
            (U, _) | (_, U) => U,
            (a, b) => u8::from((a == T && b == T) != negated),
        }
    }

    /// A comparison `node` left unknown, decided from the facts' domains as
    /// the row machine decides it (both read the same nodes and facts through
    /// [`Domains`]); unknown when they do not decide it.
    #[inline(never)]
    fn decide_by_domains(&self, node: Node) -> u8 {
        let env = self.s.env.get(self.env_base..).unwrap_or(&[]);
        let d = Domains::new(self.low, &self.code.nodes, self.params, self.facts, env);
        let r = match node {
            Node::Compare(op, a, b) => d.decide(op, Side::Node(a), Side::Node(b), self.subject),
            Node::CompareConst(op, a, c) => {
                d.decide(op, Side::Node(a), Side::Value(c), self.subject)
            }
            Node::CompareMember {
                op,
                scope,
                member,
                value,
            } => d.decide(
                op,
                Side::Member(scope, member),
                Side::Value(value),
                self.subject,
            ),
            Node::RangeConst {
                value,
                low,
                high,
                negated,
            } => d.decide_range(value, (low, high), negated, self.subject),
            _ => None,
        };
        match r {
            Some(b) => u8::from(b),
            None => U,
        }
    }

    /// `if` with an unknown condition: the branches' common value when the
    /// row machine finds one ([`Domains::same_branches`]), otherwise unknown.
    #[inline(never)]
    fn same_branches(&self, t: NodeId, e: NodeId) -> V {
        let env = self.s.env.get(self.env_base..).unwrap_or(&[]);
        let d = Domains::new(self.low, &self.code.nodes, self.params, self.facts, env);
        d.same_branches(t, e, self.subject).unwrap_or(V::Unknown)
    }

    /// `list` as a list (`None` when unknown).
    fn list<R: Rd>(&mut self, f: &R) -> Option<ListRef> {
        match f.rd(self) {
            V::List(l) if self.charge(l.len) => Some(l),
            _ => None,
        }
    }

    /// Takes `steps` of the document's work ([`crate::limits::MAX_WORK`], as in
    /// the row machine); once it is spent the document bails to the row
    /// machine, which reports the limit.
    #[inline]
    fn charge(&mut self, steps: u32) -> bool {
        match self.work.checked_sub(u64::from(steps) + 1) {
            Some(left) => {
                self.work = left;
                true
            }
            None => {
                self.work = 0;
                self.bail = true;
                false
            }
        }
    }

    fn program_subject(&self, scope: Scope, via_owner: bool) -> Option<u32> {
        let V::Entity(inst) = self.scope_inst(scope) else {
            return None;
        };
        if !via_owner {
            return Some(inst);
        }
        match self.facts.instance(inst) {
            Some(i) if i.owner != u32::MAX => Some(i.owner),
            _ => None,
        }
    }

    /// A referenced programme's memoised result for `inst`.
    fn program(&mut self, program: u32, inst: u32) -> PMemo {
        let code = self.code;
        let Some(&slot) = self.low.program_slot.get(program as usize) else {
            return PMemo::default();
        };
        let at = match self.s.progs.find(inst, slot) {
            Found::Done(m) => return m,
            Found::Todo(at) => at,
            Found::Busy | Found::Absent => return PMemo::default(),
        };
        let Some(p) = code.programs.get(program as usize) else {
            return PMemo::default();
        };
        self.s.progs.start(at);
        let (status, amount) = self.run_program(p, inst);
        let memo = PMemo { status, amount };
        self.s.progs.finish(at, memo);
        memo
    }

    /// The status and (when eligible) amount of `p` for `inst`. Inlined: returned
    /// through memory, the pair stalled the loads that read it back.
    #[inline(always)]
    fn run_program(&mut self, p: &CProgram, inst: u32) -> (Option<bool>, V) {
        let saved = (self.subject, self.env_base);
        self.subject = inst;
        self.env_base = self.s.env.len();
        let status = self.status(p);
        let amount = match (&p.amount, status) {
            (Some(a), Some(true)) => a(self),
            _ => V::Unknown,
        };
        (self.subject, self.env_base) = saved;
        (status, amount)
    }

    /// (ground₁ or ground₂ or …) and not (unless₁ or …), three-valued; no
    /// ground at all means eligible.
    #[inline(always)]
    fn status(&mut self, p: &CProgram) -> Option<bool> {
        let grounds = if p.eligible.is_empty() {
            Some(true)
        } else {
            self.any_of(&p.eligible)
        };
        if grounds == Some(false) {
            return Some(false);
        }
        match (grounds, self.any_of(&p.unless)) {
            (_, Some(true)) => Some(false),
            (Some(true), Some(false)) => Some(true),
            _ => None,
        }
    }

    /// Kleene `or` of clauses, stopping at the first true one.
    #[inline(always)]
    fn any_of(&mut self, clauses: &[Cond]) -> Option<bool> {
        let mut result = Some(false);
        for c in clauses {
            match c(self) {
                T => return Some(true),
                F => {}
                _ => result = None,
            }
        }
        result
    }
}

fn ok(r: Result<V, value::Fault>) -> V {
    r.unwrap_or(V::Unknown)
}

struct Compiler<'a> {
    low: &'a Lowered,
    nodes: &'a [Node],
    /// Whether some fact declares a domain.
    domains: bool,
}

/// Whether a node is a condition (compiled by [`Compiler::cond`]).
fn is_cond(n: &Node) -> bool {
    matches!(
        n,
        Node::Not(_)
            | Node::And(..)
            | Node::Or(..)
            | Node::Implies(..)
            | Node::Compare(..)
            | Node::CompareConst(..)
            | Node::CompareMember { .. }
            | Node::InSet { .. }
            | Node::InRange { .. }
            | Node::RangeConst { .. }
            | Node::Any { .. }
            | Node::All { .. }
            | Node::Eligible { .. }
    )
}

impl Compiler<'_> {
    fn node(&self, id: NodeId) -> Option<Node> {
        self.nodes.get(id as usize).copied()
    }

    /// `id` as an operand: a leaf read in place, or compiled code.
    fn arg(&self, id: NodeId, depth: u32) -> Option<Arg> {
        Some(match self.node(id)? {
            Node::Const(v) => Arg::Const(v),
            Node::Member {
                scope: Scope::Subject,
                member: Member::Field(f),
            } => Arg::Field(f),
            Node::Member {
                scope: Scope::Subject,
                member: Member::Let(e, i),
            } => Arg::Let(e, i),
            Node::Member {
                scope: Scope::Element(d),
                member,
            } => Arg::Elem(d, member),
            _ => Arg::Code(self.compile(id, depth)?),
        })
    }

    fn args(&self, (start, len): (u32, u32), depth: u32) -> Option<Vec<Arg>> {
        (start..start + len)
            .map(|i| self.arg(self.low.arg(i), depth))
            .collect()
    }

    /// Compiles a condition; any other node is compiled as a value and read as a
    /// truth.
    fn cond(&self, id: NodeId, depth: u32) -> Option<Cond> {
        if depth > MAX_NESTING {
            return None;
        }
        let d = depth + 1;
        let node = self.node(id)?;
        if !is_cond(&node) {
            return Some(match node {
                // Boolean facts and lets of the subject, read as truths directly.
                Node::Member {
                    scope: Scope::Subject,
                    member: Member::Field(f),
                } => Box::new(move |cx| t_of(cx.facts.slot(cx.subject, f))),
                Node::Member {
                    scope: Scope::Subject,
                    member: Member::Let(e, i),
                } => Box::new(move |cx| t_of(cx.let_value(cx.subject, e, i))),
                _ => {
                    let v = self.compile(id, d)?;
                    Box::new(move |cx| t_of(v(cx)))
                }
            });
        }
        let c: Cond = match node {
            Node::Not(x) => {
                let x = self.cond(x, d)?;
                Box::new(move |cx| not3(x(cx)))
            }
            Node::And(a, b) => {
                let (a, b) = (self.cond(a, d)?, self.cond(b, d)?);
                Box::new(move |cx| match a(cx) {
                    F => F,
                    x => match b(cx) {
                        F => F,
                        T => x,
                        _ => U,
                    },
                })
            }
            // `a implies b` is `not a or b`.
            Node::Or(a, b) | Node::Implies(a, b) => {
                let negate_a = matches!(node, Node::Implies(..));
                let (a, b) = (self.cond(a, d)?, self.cond(b, d)?);
                Box::new(move |cx| {
                    let x = a(cx);
                    match if negate_a { not3(x) } else { x } {
                        T => T,
                        x => match b(cx) {
                            T => T,
                            F => x,
                            _ => U,
                        },
                    }
                })
            }
            Node::Compare(op, a, b) => {
                let (a, b) = (self.arg(a, d)?, self.arg(b, d)?);
                with_rd!(Cond, a, |a| with_rd!(Cond, b, |b| Box::new(move |cx| {
                    let x = a.rd(cx);
                    let y = b.rd(cx);
                    cx.compare(op, x, y)
                })))
            }
            Node::CompareConst(op, a, c) => {
                let a = self.arg(a, d)?;
                match c {
                    V::Int(k) => with_rd!(Cond, a, |a| Box::new(move |cx| match a.rd(cx) {
                        V::Int(x) => u8::from(op.holds(x.cmp(&k))),
                        x => cx.compare(op, x, c),
                    })),
                    _ => with_rd!(Cond, a, |a| Box::new(move |cx| {
                        let x = a.rd(cx);
                        cx.compare(op, x, c)
                    })),
                }
            }
            Node::CompareMember {
                op,
                scope,
                member,
                value: c,
            } => match (scope, member, c) {
                (Scope::Subject, Member::Field(f), V::Int(k)) => {
                    Box::new(move |cx| match cx.facts.slot(cx.subject, f) {
                        V::Int(x) => u8::from(op.holds(x.cmp(&k))),
                        x => cx.compare(op, x, c),
                    })
                }
                (Scope::Subject, Member::Field(f), V::Variant(k)) => {
                    Box::new(move |cx| match cx.facts.slot(cx.subject, f) {
                        V::Variant(x) => u8::from(op.holds(x.cmp(&k))),
                        x => cx.compare(op, x, c),
                    })
                }
                (Scope::Subject, Member::Let(e, i), V::Int(k)) => {
                    Box::new(move |cx| match cx.let_value(cx.subject, e, i) {
                        V::Int(x) => u8::from(op.holds(x.cmp(&k))),
                        x => cx.compare(op, x, c),
                    })
                }
                (_, _, V::Int(k)) => Box::new(move |cx| {
                    let base = cx.scope_inst(scope);
                    match cx.member(base, member) {
                        V::Int(x) => u8::from(op.holds(x.cmp(&k))),
                        x => cx.compare(op, x, c),
                    }
                }),
                _ => Box::new(move |cx| {
                    let base = cx.scope_inst(scope);
                    let x = cx.member(base, member);
                    cx.compare(op, x, c)
                }),
            },
            Node::InSet {
                value,
                set,
                negated,
            } => {
                let v = self.arg(value, d)?;
                let members = self.args(set, d)?;
                with_rd!(Cond, v, |v| Box::new(move |cx| {
                    let x = v.rd(cx);
                    if x.is_unknown() {
                        return U;
                    }
                    let mut result = F;
                    for m in &members {
                        let y = m.rd(cx);
                        if y.is_unknown() {
                            result = U;
                            continue;
                        }
                        if cx.equal(x, y) {
                            result = T;
                            break;
                        }
                    }
                    if negated {
                        not3(result)
                    } else {
                        result
                    }
                }))
            }
            Node::InRange {
                value,
                low,
                high,
                negated,
            } => {
                let (v, lo, hi) = (
                    self.compile(value, d)?,
                    self.compile(low, d)?,
                    self.compile(high, d)?,
                );
                Box::new(move |cx| {
                    let (x, l, h) = (v(cx), lo(cx), hi(cx));
                    cx.in_range(x, l, h, negated)
                })
            }
            Node::RangeConst {
                value,
                low,
                high,
                negated,
            } => {
                let v = self.arg(value, d)?;
                match (low, high) {
                    (V::Int(l), V::Int(h)) => with_rd!(Cond, v, |v| Box::new(move |cx| {
                        match v.rd(cx) {
                            V::Int(x) => u8::from((l <= x && x <= h) != negated),
                            x => cx.in_range(x, low, high, negated),
                        }
                    })),
                    _ => with_rd!(Cond, v, |v| Box::new(move |cx| {
                        let x = v.rd(cx);
                        cx.in_range(x, low, high, negated)
                    })),
                }
            }
            Node::Any { list, cond } => {
                let (l, c) = (self.arg(list, d)?, self.cond(cond, d)?);
                with_rd!(Cond, l, |l| Box::new(move |cx| quantify(cx, &l, &c, T)))
            }
            Node::All { list, cond } => {
                let (l, c) = (self.arg(list, d)?, self.cond(cond, d)?);
                with_rd!(Cond, l, |l| Box::new(move |cx| quantify(cx, &l, &c, F)))
            }
            Node::Eligible {
                program,
                scope,
                via_owner,
            } => Box::new(move |cx| match cx.program_subject(scope, via_owner) {
                Some(inst) => match cx.program(program, inst).status {
                    Some(b) => u8::from(b),
                    None => U,
                },
                None => U,
            }),
            _ => return None,
        };
        // A comparison left unknown may be decided by the domains (only when
        // some fact declares one: no cost otherwise).
        let by_domains = matches!(
            node,
            Node::Compare(..)
                | Node::CompareConst(..)
                | Node::CompareMember { .. }
                | Node::RangeConst { .. }
        );
        if self.domains && by_domains && self.may_read_a_domain(id, 0) {
            return Some(Box::new(move |cx| match c(cx) {
                U => cx.decide_by_domains(node),
                t => t,
            }));
        }
        Some(c)
    }

    /// Whether the domain reasoning could read a declared domain under `id`
    /// (through `let`s): a comparison that cannot is left as it is compiled,
    /// without the fallback's cost. Conservative: a field of that index with a
    /// domain in any entity counts, and so does anything too deep to look at.
    fn may_read_a_domain(&self, id: NodeId, depth: u32) -> bool {
        if depth > 64 {
            return true;
        }
        let d = depth + 1;
        let field = |m: Member| match m {
            Member::Field(f) => self
                .low
                .entities
                .iter()
                .any(|e| e.fields.get(f as usize).is_some_and(|f| f.domain.is_some())),
            Member::Let(e, i) => self
                .low
                .entities
                .get(e as usize)
                .and_then(|e| e.lets.get(i as usize))
                .is_none_or(|&root| self.may_read_a_domain(root, d)),
            Member::Owner => false,
        };
        match self.node(id) {
            None => true,
            Some(Node::Member { member, .. } | Node::Project { member, .. }) => field(member),
            Some(Node::CompareMember { member, .. }) => field(member),
            Some(Node::Compare(_, a, b) | Node::Arith(_, a, b) | Node::If(_, a, b)) => {
                self.may_read_a_domain(a, d) || self.may_read_a_domain(b, d)
            }
            Some(Node::CompareConst(_, a, _) | Node::Neg(a)) => self.may_read_a_domain(a, d),
            // A series' known months bound it even without a domain.
            Some(Node::Series { .. }) => true,
            Some(Node::RangeConst { value, .. }) => self.may_read_a_domain(value, d),
            Some(Node::Builtin { args, .. }) => {
                (args.0..args.0 + args.1).any(|i| self.may_read_a_domain(self.low.arg(i), d))
            }
            Some(_) => false,
        }
    }

    fn compile(&self, id: NodeId, depth: u32) -> Option<Code> {
        if depth > MAX_NESTING {
            return None;
        }
        let d = depth + 1;
        let node = self.node(id)?;
        if is_cond(&node) {
            let c = self.cond(id, d)?;
            return Some(Box::new(move |cx| v_of(c(cx))));
        }
        let code: Code = match node {
            Node::Const(v) => Box::new(move |_| v),
            Node::Today => Box::new(|cx| V::Date(cx.date)),
            Node::Member {
                scope: Scope::Subject,
                member: Member::Field(f),
            } => Box::new(move |cx| cx.facts.slot(cx.subject, f)),
            Node::Member {
                scope: Scope::Subject,
                member: Member::Let(e, i),
            } => Box::new(move |cx| cx.let_value(cx.subject, e, i)),
            Node::Member { scope, member } => Box::new(move |cx| {
                let base = cx.scope_inst(scope);
                cx.member(base, member)
            }),
            Node::Get { base, member } => {
                let b = self.arg(base, d)?;
                with_rd!(Code, b, |b| Box::new(move |cx| {
                    let v = b.rd(cx);
                    cx.member(v, member)
                }))
            }
            Node::Project { list, member } => {
                let l = self.arg(list, d)?;
                with_rd!(Code, l, |l| Box::new(move |cx| project(cx, &l, member)))
            }
            Node::Param(p) => {
                Box::new(move |cx| cx.params.get(p as usize).copied().unwrap_or(V::Unknown))
            }
            Node::Builtin { func, args } => self.builtin(func, args, d)?,
            Node::Table { table, args } => {
                let a = self.args(args, d)?;
                Box::new(move |cx| table_value(cx, table, &a))
            }
            Node::Scale { scale, base } => {
                let b = self.compile(base, d)?;
                Box::new(move |cx| {
                    let v = b(cx);
                    scale_value(cx, scale, v)
                })
            }
            Node::Amount {
                program,
                scope,
                via_owner,
            } => Box::new(move |cx| {
                let Some(inst) = cx.program_subject(scope, via_owner) else {
                    return V::Unknown;
                };
                let m = cx.program(program, inst);
                match m.status {
                    Some(false) => V::Int(0),
                    Some(true) => m.amount,
                    None => V::Unknown,
                }
            }),
            Node::Neg(x) => {
                let x = self.compile(x, d)?;
                Box::new(move |cx| match x(cx) {
                    V::Unknown => V::Unknown,
                    v => ok(value::negate(v)),
                })
            }
            Node::Otherwise(a, _) => {
                // Certain here: the row machine takes it too. Otherwise the row
                // machine's may still be certain, so only it can tell.
                let a = self.compile(a, d)?;
                Box::new(move |cx| {
                    let v = a(cx);
                    if !cx.certain(v) {
                        cx.bail = true;
                        return V::Unknown;
                    }
                    v
                })
            }
            Node::Arith(op, a, b) => {
                let (a, b) = (self.arg(a, d)?, self.arg(b, d)?);
                with_rd!(Code, a, |a| with_rd!(Code, b, |b| Box::new(move |cx| {
                    let x = a.rd(cx);
                    let y = b.rd(cx);
                    match (x, y) {
                        (V::Unknown, _) | (_, V::Unknown) => V::Unknown,
                        _ => ok(value::arith(op, x, y)),
                    }
                })))
            }
            Node::If(c, t, e) => {
                let (then_node, else_node) = (t, e);
                let (c, t, e) = (self.cond(c, d)?, self.arg(t, d)?, self.arg(e, d)?);
                Box::new(move |cx| match c(cx) {
                    T => t.rd(cx),
                    F => e.rd(cx),
                    // Both branches the same value, as the row machine reads them.
                    _ => cx.same_branches(then_node, else_node),
                })
            }
            Node::Where { list, cond } => {
                let (l, c) = (self.arg(list, d)?, self.cond(cond, d)?);
                with_rd!(Code, l, |l| Box::new(move |cx| filter(cx, &l, &c)))
            }
            // The version in force on the date; unknown before the first and
            // after an end.
            Node::Dated(i) => {
                let mut versions = Vec::new();
                for &(from, n) in self.low.dated.get(i as usize)? {
                    let a = match n {
                        Ok(n) => Some(self.arg(n, d)?),
                        Err(_) => None,
                    };
                    versions.push((from, a));
                }
                // An end is unknown too.
                Box::new(
                    move |cx| match versions.iter().rev().find(|(from, _)| *from <= cx.date) {
                        Some((_, Some(a))) => a.rd(cx),
                        _ => V::Unknown,
                    },
                )
            }
            Node::Series {
                func,
                series,
                first,
                count,
                ..
            } => self.series(func, series, (first, count), d)?,
            Node::CaseInput(_) | Node::Unsupported => Box::new(|_| V::Unknown),
            // Conditions, compiled above.
            _ => return None,
        };
        Some(code)
    }

    /// A series function, as the row machine computes it (`series::aggregate`),
    /// without its missing months.
    fn series(&self, func: Builtin, series: NodeId, window: (i32, u32), d: u32) -> Option<Code> {
        let code: Code = match self.node(series)? {
            Node::Member {
                scope,
                member: Member::Field(f),
            } => Box::new(move |cx| {
                let V::Entity(inst) = cx.scope_inst(scope) else {
                    return V::Unknown;
                };
                let slot = cx.facts.slot(inst, f);
                super::series::aggregate(func, cx.facts, slot, window, |_| {})
            }),
            Node::Get {
                base,
                member: Member::Field(f),
            } => {
                let b = self.compile(base, d)?;
                Box::new(move |cx| {
                    let V::Entity(inst) = b(cx) else {
                        return V::Unknown;
                    };
                    let slot = cx.facts.slot(inst, f);
                    super::series::aggregate(func, cx.facts, slot, window, |_| {})
                })
            }
            _ => return None,
        };
        Some(code)
    }

    fn builtin(&self, func: Builtin, args: (u32, u32), d: u32) -> Option<Code> {
        let first = self.low.arg(args.0);
        if func == Builtin::Sum {
            if let Some(code) = self.sum_filtered(first, d) {
                return Some(code);
            }
        }
        let code: Code = match func {
            // Lowered to `Node::Series`, never to a `Builtin` node.
            Builtin::SumLast
            | Builtin::AverageLast
            | Builtin::MinLast
            | Builtin::MaxLast
            | Builtin::MonthValue => return None,
            Builtin::Count => match self.node(first)? {
                // `count(L where C)` streamed, without building the list.
                Node::Where { list, cond } => {
                    let (l, c) = (self.arg(list, d)?, self.cond(cond, d)?);
                    with_rd!(Code, l, |l| Box::new(move |cx| {
                        let Some(l) = cx.list(&l) else {
                            return V::Unknown;
                        };
                        let (mut n, mut unknown) = (0i64, false);
                        for i in 0..l.len {
                            let it = cx.item(l, i);
                            let t = cx.with_element(it, &c);
                            n += i64::from(t == T);
                            unknown |= t == U;
                        }
                        if unknown {
                            V::Unknown
                        } else {
                            V::Int(n)
                        }
                    }))
                }
                _ => {
                    let l = self.arg(first, d)?;
                    with_rd!(Code, l, |l| Box::new(move |cx| match cx.list(&l) {
                        Some(l) => V::Int(i64::from(l.len)),
                        None => V::Unknown,
                    }))
                }
            },
            Builtin::Sum | Builtin::MinOf | Builtin::MaxOf => {
                let l = self.arg(first, d)?;
                with_rd!(Code, l, |l| Box::new(move |cx| {
                    let Some(l) = cx.list(&l) else {
                        return V::Unknown;
                    };
                    let mut acc: Option<V> = None;
                    for &v in cx.items(l) {
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
                            Some(a) => match value::extreme(a, v, func == Builtin::MinOf) {
                                Some(x) => x,
                                None => return V::Unknown,
                            },
                        });
                    }
                    match acc {
                        Some(v) => v,
                        None if func == Builtin::Sum => V::Int(0),
                        None => V::Unknown,
                    }
                }))
            }
            Builtin::Min | Builtin::Max => {
                let a = self.args(args, d)?;
                Box::new(move |cx| {
                    let mut ex = value::Extreme::default();
                    for f in &a {
                        let v = f.rd(cx);
                        if ex.add(v, func == Builtin::Min).is_err() {
                            return V::Unknown;
                        }
                    }
                    ex.value().unwrap_or(V::Unknown)
                })
            }
            Builtin::Known => {
                let x = self.compile(first, d)?;
                Box::new(move |cx| match x(cx) {
                    V::Unknown => {
                        cx.bail = true;
                        V::Unknown
                    }
                    v => V::Bool(cx.certain(v)),
                })
            }
            Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
                let mut a = self.args(args, d)?.into_iter();
                let (Some(x), Some(y), None) = (a.next(), a.next(), a.next()) else {
                    return None;
                };
                with_rd!(Code, x, |x| with_rd!(Code, y, |y| Box::new(move |cx| {
                    let (V::Date(p), V::Date(q)) = (x.rd(cx), y.rd(cx)) else {
                        return V::Unknown;
                    };
                    let r = match func {
                        Builtin::YearsBetween => value::years_between(p, q),
                        Builtin::MonthsBetween => value::months_between(p, q),
                        _ => value::days_between(p, q),
                    };
                    r.map_or(V::Unknown, V::Int)
                })))
            }
            Builtin::Date => {
                let a = self.args(args, d)?;
                Box::new(move |cx| {
                    let mut v = [V::Unknown; 3];
                    for (slot, f) in v.iter_mut().zip(&a) {
                        *slot = f.rd(cx);
                    }
                    let [y, m, dd] = v;
                    if y.is_unknown() || m.is_unknown() || dd.is_unknown() {
                        return V::Unknown;
                    }
                    ok(value::make_date(y, m, dd))
                })
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil | Builtin::Abs => {
                let a = self.args(args, d)?;
                Box::new(move |cx| {
                    let x = a.first().map_or(V::Unknown, |f| f.rd(cx));
                    let places = a.get(1).map_or(V::Int(0), |f| f.rd(cx));
                    if x.is_unknown() || places.is_unknown() {
                        return V::Unknown;
                    }
                    ok(value::rounded(func, x, places))
                })
            }
        };
        Some(code)
    }
}

impl Compiler<'_> {
    /// `sum((L where C).m)` and `sum(L where C)` streamed, as the row machine
    /// takes them: an element whose `C` is unknown may belong, which leaves the
    /// total unknown unless what it adds is a certain 0 (written with no more
    /// decimals than the total). `None` for any other `sum`.
    fn sum_filtered(&self, first: NodeId, d: u32) -> Option<Code> {
        let (list, cond, member) = match self.node(first)? {
            Node::Project { list, member } => match self.node(list)? {
                Node::Where { list, cond } => (list, cond, Some(member)),
                _ => return None,
            },
            Node::Where { list, cond } => (list, cond, None),
            _ => return None,
        };
        let (l, c) = (self.compile(list, d)?, self.cond(cond, d)?);
        Some(Box::new(move |cx| {
            let Some(l) = cx.list(&l) else {
                return V::Unknown;
            };
            let (mut acc, mut zeros) = (V::Int(0), 0);
            for i in 0..l.len {
                let it = cx.item(l, i);
                let t = cx.with_element(it, &c);
                if t == F {
                    continue;
                }
                let v = match member {
                    Some(m) => cx.member(it, m),
                    None => it,
                };
                match (t, v) {
                    (T, V::Int(_) | V::Dec(_)) => match value::arith(BinaryOp::Add, acc, v) {
                        Ok(x) => acc = x,
                        Err(_) => return V::Unknown,
                    },
                    (T, _) => return V::Unknown,
                    _ => match super::machine::zero_scale(v) {
                        Some(z) => zeros = zeros.max(z),
                        None => return V::Unknown,
                    },
                }
            }
            if zeros > super::machine::scale_of(acc) {
                return V::Unknown;
            }
            acc
        }))
    }
}

fn project<R: Rd>(cx: &mut Cx<'_>, l: &R, member: Member) -> V {
    let Some(l) = cx.list(l) else {
        return V::Unknown;
    };
    let from = cx.s.items.len();
    for i in 0..l.len {
        let it = cx.item(l, i);
        match cx.member(it, member) {
            V::List(inner) => {
                if !cx.charge(inner.len) {
                    cx.s.items.truncate(from);
                    return V::Unknown;
                }
                for j in 0..inner.len {
                    let x = cx.item(inner, j);
                    cx.s.items.push(x);
                }
            }
            v => cx.s.items.push(v),
        }
    }
    cx.seal(from)
}

fn filter<R: Rd>(cx: &mut Cx<'_>, l: &R, c: &Cond) -> V {
    let Some(l) = cx.list(l) else {
        return V::Unknown;
    };
    let from = cx.s.items.len();
    for i in 0..l.len {
        let it = cx.item(l, i);
        match cx.with_element(it, c) {
            T => cx.s.items.push(it),
            F => {}
            _ => {
                // The row machine keeps it as *maybe*: an unknown list here.
                cx.s.items.truncate(from);
                return V::Unknown;
            }
        }
    }
    cx.seal(from)
}

/// `any` (`decisive` [`T`]) or `all` (`decisive` [`F`]).
#[inline(always)]
fn quantify<R: Rd>(cx: &mut Cx<'_>, l: &R, c: &Cond, decisive: u8) -> u8 {
    let Some(l) = cx.list(l) else {
        return U;
    };
    let mut unknown = false;
    for i in 0..l.len {
        let it = cx.item(l, i);
        match cx.with_element(it, c) {
            U => unknown = true,
            x if x == decisive => return decisive,
            _ => {}
        }
    }
    if unknown {
        U
    } else {
        not3(decisive)
    }
}

/// A scale's value as the row machine computes it (`Machine::scale`); unknown
/// where it would be unknown or an error.
fn scale_value(cx: &mut Cx<'_>, scale: u32, base: V) -> V {
    let low = cx.low;
    let Some(brackets) = low
        .scales
        .get(scale as usize)
        .and_then(|s| s.in_force(cx.date).map(|b| (s.kind, b)))
    else {
        return V::Unknown;
    };
    let Some(x) = base.as_decimal() else {
        return V::Unknown;
    };
    if !cx.charge(brackets.1.len() as u32) {
        return V::Unknown;
    }
    match super::scale::apply(brackets.0, brackets.1, x, |o| cx.operand(o), 0) {
        Ok((total, _)) => V::number(total),
        Err(_) => V::Unknown,
    }
}

/// A table's value when every cell can be told (otherwise unknown).
fn table_value(cx: &mut Cx<'_>, table: u32, args: &[Arg]) -> V {
    let from = cx.s.argv.len();
    for a in args {
        let v = a.rd(cx);
        cx.s.argv.push(v);
    }
    let each = cx
        .low
        .tables
        .get(table as usize)
        .and_then(|t| t.each_at(cx.date));
    let r = match each {
        Some(each) => table_each(cx, table, each, from),
        None => table_rows(cx, table, from),
    };
    cx.s.argv.truncate(from);
    r
}

/// A table whose version in force ends with `for each COLUMN above N: ADD`, as
/// the row machine computes it (`Machine::table_each`); `Unknown` where it
/// would be unknown or an error.
fn table_each(cx: &mut Cx<'_>, table: u32, each: LEach, from: usize) -> V {
    let slot = from + each.param;
    let n = match cx.s.argv.get(slot).copied() {
        Some(V::Int(n)) => n,
        _ => return V::Unknown,
    };
    if n <= each.above {
        return table_rows(cx, table, from);
    }
    if let Some(a) = cx.s.argv.get_mut(slot) {
        *a = V::Int(each.above);
    }
    let base = table_rows(cx, table, from);
    if base.is_unknown() {
        return V::Unknown;
    }
    let add = cx.operand(each.add);
    if add.is_unknown() {
        return V::Unknown;
    }
    let Some(count) = n.checked_sub(each.above) else {
        return V::Unknown;
    };
    ok(value::arith(BinaryOp::Mul, add, V::Int(count))
        .and_then(|x| value::arith(BinaryOp::Add, base, x)))
}

/// Whether row `row` matches the arguments at `argv[from..]`; `None` when a cell
/// cannot be told.
fn row_matches(cx: &Cx<'_>, cells: &[LCell], from: usize) -> Option<bool> {
    for (k, cell) in cells.iter().enumerate() {
        let arg = cx.s.argv.get(from + k).copied().unwrap_or(V::Unknown);
        let m = cell.matches(
            arg,
            |o| cx.operand(o),
            |op, a, b| value::compare_known(op, a, b, |t| cx.text(t)),
        )?;
        if !m {
            return Some(false);
        }
    }
    Some(true)
}

fn table_rows(cx: &mut Cx<'_>, table: u32, from: usize) -> V {
    let low = cx.low;
    let Some(t) = low.tables.get(table as usize) else {
        return V::Unknown;
    };
    // A dated table's rows in force on the as-of date; unknown before its first
    // version (the machine explains why).
    let Some(rows) = t.in_force(cx.date).and_then(|(lo, hi)| t.rows.get(lo..hi)) else {
        return V::Unknown;
    };
    if !cx.charge(rows.len() as u32) {
        return V::Unknown;
    }
    match t.hit {
        HitPolicyKind::First | HitPolicyKind::Unique | HitPolicyKind::Any => {
            let first = t.hit == HitPolicyKind::First;
            let mut sure: Option<V> = None;
            for r in rows {
                match row_matches(cx, &r.cells, from) {
                    None => return V::Unknown,
                    Some(false) => {}
                    Some(true) => {
                        let v = cx.operand(r.result);
                        if let Some(v0) = sure {
                            // Two matching rows of `unique`/`any` that disagree.
                            if !cx.equal(v0, v) {
                                return V::Unknown;
                            }
                            continue;
                        }
                        sure = Some(v);
                        if first {
                            break;
                        }
                    }
                }
            }
            sure.unwrap_or(V::Unknown)
        }
        HitPolicyKind::CollectSum
        | HitPolicyKind::CollectCount
        | HitPolicyKind::CollectMin
        | HitPolicyKind::CollectMax => {
            let mut acc: Option<V> = None;
            let mut count = 0i64;
            for r in rows {
                match row_matches(cx, &r.cells, from) {
                    None => return V::Unknown,
                    Some(false) => {}
                    Some(true) => {
                        count += 1;
                        if t.hit == HitPolicyKind::CollectCount {
                            continue;
                        }
                        let v = cx.operand(r.result);
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
                }
            }
            match t.hit {
                HitPolicyKind::CollectCount => V::Int(count),
                HitPolicyKind::CollectSum => acc.unwrap_or(V::Int(0)),
                _ => acc.unwrap_or(V::Unknown),
            }
        }
        HitPolicyKind::CollectList => {
            let start = cx.s.items.len();
            for r in rows {
                match row_matches(cx, &r.cells, from) {
                    None => {
                        cx.s.items.truncate(start);
                        return V::Unknown;
                    }
                    Some(false) => {}
                    Some(true) => {
                        let v = cx.operand(r.result);
                        cx.s.items.push(v);
                    }
                }
            }
            cx.seal(start)
        }
    }
}

impl Compiled {
    /// Compiles the folded `nodes`; `None` when some node cannot be (the row
    /// machine then evaluates every document).
    pub(crate) fn new(low: &Lowered, nodes: &[Node]) -> Option<Compiled> {
        let domains = low
            .entities
            .iter()
            .any(|e| e.fields.iter().any(|f| f.domain.is_some()));
        let c = Compiler {
            low,
            nodes,
            domains,
        };
        let mut lets = Vec::with_capacity(low.entities.len());
        for e in &low.entities {
            let mut codes = Vec::with_capacity(e.lets.len());
            for &root in &e.lets {
                codes.push(c.compile(root, 0)?);
            }
            lets.push(codes);
        }
        let mut programs = Vec::with_capacity(low.programs.len());
        for p in &low.programs {
            let clauses = |cs: &[super::lower::LClause]| -> Option<Vec<Cond>> {
                cs.iter().map(|cl| c.cond(cl.node, 0)).collect()
            };
            programs.push(CProgram {
                eligible: clauses(&p.eligible)?,
                unless: clauses(&p.unless)?,
                amount: match &p.amount {
                    Some(a) => Some(c.compile(a.node, 0)?),
                    None => None,
                },
            });
        }
        Some(Compiled {
            lets,
            programs,
            nodes: nodes.to_vec(),
        })
    }

    /// Appends the results of `facts` to `out` and returns true, or returns false
    /// (leaving `out` as it was) when the row machine must evaluate the document.
    pub(crate) fn run(
        &self,
        low: &Lowered,
        asof: &AsOf,
        facts: &Facts,
        s: &mut FastScratch,
        (out, missing_at): (&mut Vec<RawResult>, u32),
    ) -> bool {
        s.env.clear();
        s.items.clear();
        s.argv.clear();
        memo::reset(low, facts, &mut s.lets, &mut s.progs);
        s.order.clear();
        s.groups.clear();
        for e in 0..low.entities.len() as u32 {
            let from = s.order.len() as u32;
            for (i, inst) in facts.instances.iter().enumerate() {
                if inst.entity == e {
                    s.order.push(i as u32);
                }
            }
            s.groups
                .push((from, (s.order.len() as u32).saturating_sub(from)));
        }
        let mut cx = Cx {
            low,
            code: self,
            facts,
            params: &asof.params,
            date: asof.date,
            s,
            subject: 0,
            env_base: 0,
            bail: false,
            work: crate::limits::MAX_WORK,
        };
        let start = out.len();
        for (pi, (p, lp)) in self.programs.iter().zip(&low.programs).enumerate() {
            let (from, len) =
                cx.s.groups
                    .get(lp.subject as usize)
                    .copied()
                    .unwrap_or((0, 0));
            for k in from..from + len {
                let Some(&ii) = cx.s.order.get(k as usize) else {
                    break;
                };
                let (status, amount) = if lp.referenced {
                    let m = cx.program(pi as u32, ii);
                    (m.status, m.amount)
                } else {
                    cx.run_program(p, ii)
                };
                let settled = match status {
                    Some(true) => !(p.amount.is_some() && amount.is_unknown()),
                    Some(false) => true,
                    None => false,
                };
                if !settled || cx.bail {
                    out.truncate(start);
                    return false;
                }
                out.push(RawResult {
                    program: pi as u32,
                    subject: ii,
                    status,
                    amount: if status == Some(true) {
                        amount
                    } else {
                        V::Unknown
                    },
                    missing: (missing_at, 0),
                });
            }
        }
        true
    }
}
