//! The evaluator: three-valued (Kleene) evaluation of the lowered nodes over one
//! facts document.
//!
//! Unknown values carry the facts that could decide them on a stack
//! (`Scratch::missing`): evaluating a node pushes the missing facts of an unknown
//! result and leaves nothing behind for a known one, so `false and x` simply drops
//! what `x` pushed. Lets and programme results are memoised per instance, with a
//! copy of their missing facts, so each is computed at most once per evaluation.
//! Buffers live in [`Scratch`] and are reused: after warm-up an evaluation does not
//! allocate.

use std::cmp::Ordering;

use accord_grammar::ast::{BinaryOp, HitPolicyKind};
use jiff::civil::Date;

use super::facts::Facts;
use super::lower::{LCell, LEach, LOperand, Lowered, Member, Node, NodeId, Scope};
use super::memo::{self, Found, Memos};
use super::value::{self, compare, from_tri, tri, Cmp, Fault, ListRef, TextRef, V};
use crate::check::Builtin;

/// A fact of the input, by instance and field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FactRef {
    pub inst: u32,
    pub field: u32,
    /// One month of a monthly series: its number plus one (`screen/series.rs`);
    /// 0 for the whole fact.
    pub month: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub v: V,
    /// The element may or may not belong to the list (its `where` was unknown).
    pub maybe: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct LetMemo {
    v: V,
    miss: (u32, u32),
    /// The presumptions (`known`, `otherwise`) made while computing it, in
    /// `Scratch::presumptions`: replayed into an explanation on a memo hit.
    presumed: (u32, u32),
    /// The evaluation errors met while computing it, in `Scratch::faults`:
    /// replayed on a memo hit, so every explanation that uses it reports them.
    faults: (u32, u32),
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProgMemo {
    pub status: Option<bool>,
    pub amount: V,
    pub miss: (u32, u32),
    pub amount_miss: (u32, u32),
}

/// Deepest chain of definitions (a `let` using a `let` using …) evaluated before
/// giving up: keeps the native stack bounded whatever the ruleset.
const MAX_DEPTH: u32 = 200;

/// Native stack an evaluation may use before a definition refuses to nest
/// further (an evaluation error, never a stack overflow). A chain of long
/// definitions could otherwise exhaust the stack: 1 MiB in WebAssembly, 2 MiB on
/// a default thread. One definition's own expression is bounded by the parser's
/// nesting limit, so checking at each definition's entry is enough.
const MAX_STACK_BYTES: usize = 384 * 1024;

/// An evaluation error, with the node where it happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FaultKind {
    Value(Fault),
    /// A parameter used before its first `from`.
    NotInForce(u32),
    /// A formula in versions by date (index into `Lowered::dated`) evaluated
    /// before its first version (`None`) or after the version (an index into
    /// its versions) that ended it.
    FormulaNotInForce(u32, Option<u32>),
    /// A parameter used after it went out of force: the parameter and the index
    /// of the version (`from DATE:` without a value, or `until`) that ended it.
    OutOfForce(u32, u32),
    /// `unique`, `first` or `any` table with no matching row.
    NoRow(u32),
    /// A dated table used before its first version (`None`) or after the
    /// version (an index into its versions) that ended it.
    TableNotInForce(u32, Option<u32>),
    /// A scale used before its first version (`None`) or after the version
    /// (an index into its versions) that ended it.
    ScaleNotInForce(u32, Option<u32>),
    /// `unique`/`any` table with matching rows that disagree.
    Conflict(u32, u32, u32),
    EmptyList,
    TooDeep,
    /// More work than [`crate::limits::MAX_WORK`] for one document.
    Budget,
    Cycle,
    Unsupported,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct FaultRec {
    pub kind: FaultKind,
    pub node: NodeId,
}

/// What an explanation records: the values a clause used.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Used {
    Fact(FactRef, V),
    Let {
        inst: u32,
        entity: u32,
        index: u32,
        v: V,
    },
    Param(u32),
    Row {
        table: u32,
        row: Option<u32>,
        v: V,
    },
    /// A table's `for each` line applied `count` times, giving `v`.
    Each {
        table: u32,
        count: i64,
        add: V,
        v: V,
    },
    Program {
        program: u32,
        inst: u32,
        status: Option<bool>,
        amount: V,
    },
    /// A scale applied to `base`, giving `v` (the report shows its slices).
    Scale {
        scale: u32,
        base: V,
        v: V,
    },
    /// `known(x)` false or `x otherwise d` taking `d`.
    Presumed {
        node: NodeId,
        v: V,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    depth: u32,
    pub used: Vec<Used>,
    /// Values read beyond [`MAX_USED`], counted but not kept: a clause over a
    /// household of thousands would otherwise explain itself with thousands.
    pub omitted: usize,
}

/// The most values an explanation keeps per clause.
pub(crate) const MAX_USED: usize = 64;

/// Reusable buffers of one evaluation thread.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    lets: Memos<LetMemo>,
    progs: Memos<ProgMemo>,
    items: Vec<Item>,
    tmp: Vec<Item>,
    argv: Vec<V>,
    pub missing: Vec<FactRef>,
    pub memo_missing: Vec<FactRef>,
    env: Vec<V>,
    pub faults: Vec<FaultRec>,
    /// Every presumption made so far: the presumed node and the value taken.
    presumptions: Vec<(NodeId, V)>,
    pub rec: Option<Recorder>,
}

/// Parameters resolved for one as-of date.
#[derive(Debug, Clone)]
pub(crate) struct AsOf {
    pub date: Date,
    pub params: Vec<V>,
    /// The index of the version in force, per parameter.
    pub version: Vec<Option<u32>>,
    /// The nodes folded for this date.
    pub folded: Vec<Node>,
}

impl AsOf {
    pub(crate) fn new(low: &Lowered, date: Date) -> AsOf {
        let mut asof = AsOf::unfolded(low, date);
        asof.folded = super::lower::fold(low, &asof.params, date);
        asof
    }

    /// Parameters for `date` without folding the nodes: cheap, for evaluating a
    /// few expressions once (a case's guards on an event's date).
    pub(crate) fn unfolded(low: &Lowered, date: Date) -> AsOf {
        let mut params = Vec::with_capacity(low.params.len());
        let mut version = Vec::with_capacity(low.params.len());
        for versions in &low.params {
            let found = versions.iter().rposition(|(from, _)| *from <= date);
            params.push(
                found
                    .and_then(|i| versions.get(i))
                    .map(|(_, v)| *v)
                    .unwrap_or(V::Unknown),
            );
            version.push(found.map(|i| i as u32));
        }
        AsOf {
            date,
            params,
            version,
            folded: Vec::new(),
        }
    }
}

/// How many nodes the domain reasoning reads for one comparison (through
/// `let`s and list elements too): beyond it, nothing is known of a value (a
/// bounded effort; language reference §11.1).
const MAX_DOMAIN_NODES: u32 = 256;

/// An operand of a comparison, for the domain reasoning.
#[derive(Clone, Copy)]
pub(crate) enum Side {
    Node(NodeId),
    Value(V),
    Member(Scope, Member),
}

pub(crate) struct Machine<'a> {
    pub low: &'a Lowered,
    /// The nodes walked: the session's folded ones, or the lowered ones when an
    /// explanation must see every parameter.
    nodes: &'a [Node],
    pub facts: &'a Facts,
    pub asof: &'a AsOf,
    pub s: &'a mut Scratch,
    /// The values of a protocol's [`super::lower::CaseInput`]s, while its
    /// guards are evaluated (empty otherwise).
    pub case_inputs: &'a [V],
    subject: u32,
    env_base: usize,
    depth: u32,
    /// Whether an explanation is being recorded (checked on every read, so kept
    /// out of the scratch's `Option`).
    recording: bool,
    /// Where the stack was when the evaluation started (an address, compared
    /// with the current one to measure how deep the evaluation has gone).
    stack_base: usize,
    /// Steps of work left for this document ([`crate::limits::MAX_WORK`]),
    /// and whether they ran out.
    work: u64,
    spent: bool,
}

/// A text of the ruleset or of the facts.
pub(crate) fn text_of<'t>(low: &'t Lowered, facts: &'t Facts, t: TextRef) -> &'t str {
    match t {
        TextRef::Model(i) => low.text(i),
        TextRef::Facts(i) => facts.text(i),
    }
}

/// The address of a local of the calling frame: how deep the stack is now.
#[inline(never)]
fn stack_address() -> usize {
    let probe = 0u8;
    std::hint::black_box(std::ptr::addr_of!(probe)) as usize
}

impl<'a> Machine<'a> {
    /// Prepares the scratch buffers for `facts`.
    pub(crate) fn new(
        low: &'a Lowered,
        facts: &'a Facts,
        asof: &'a AsOf,
        s: &'a mut Scratch,
    ) -> Machine<'a> {
        s.items.clear();
        s.tmp.clear();
        s.argv.clear();
        s.missing.clear();
        s.memo_missing.clear();
        s.env.clear();
        s.faults.clear();
        s.presumptions.clear();
        memo::reset(low, facts, &mut s.lets, &mut s.progs);
        // An `AsOf` made without folding (a case's guards, evaluated on many
        // dates) walks the lowered nodes.
        let nodes = match asof.folded.is_empty() {
            true => &low.nodes,
            false => &asof.folded,
        };
        Machine {
            low,
            nodes,
            facts,
            asof,
            s,
            case_inputs: &[],
            subject: 0,
            env_base: 0,
            depth: 0,
            recording: false,
            stack_base: stack_address(),
            work: crate::limits::MAX_WORK,
            spent: false,
        }
    }

    /// Whether this document's work ran out ([`crate::limits::MAX_WORK`]):
    /// its unknown values may then be the limit's, not missing facts'.
    pub(crate) fn work_spent(&self) -> bool {
        self.spent
    }

    /// Takes `steps` of the document's work: false, with one `Budget` fault for
    /// the whole document, once the work is spent (the value is then unknown,
    /// and every later loop stops at once, so the evaluation ends quickly).
    #[inline]
    fn charge(&mut self, steps: u32, node: NodeId) -> bool {
        match self.work.checked_sub(u64::from(steps) + 1) {
            Some(left) => {
                self.work = left;
                true
            }
            None => {
                if !self.spent {
                    self.spent = true;
                    self.fault(FaultKind::Budget, node);
                }
                self.work = 0;
                false
            }
        }
    }

    fn fault(&mut self, kind: FaultKind, node: NodeId) -> V {
        if self.s.faults.len() < 1000 {
            self.s.faults.push(FaultRec { kind, node });
        }
        V::Unknown
    }

    /// Starts recording what the next evaluations use, for an explanation.
    pub(crate) fn start_recording(&mut self) {
        self.s.rec = Some(Recorder::default());
        self.recording = true;
        self.nodes = &self.low.nodes;
    }

    pub(crate) fn stop_recording(&mut self) -> Recorder {
        self.recording = false;
        self.nodes = &self.asof.folded;
        let rec = self.s.rec.take();
        debug_assert!(rec.is_some(), "stopped after start_recording");
        rec.unwrap_or_default()
    }

    #[inline]
    fn record(&mut self, u: Used) {
        if !self.recording {
            return;
        }
        if let Some(r) = &mut self.s.rec {
            let presumed = matches!(u, Used::Presumed { .. });
            if r.depth == 0 || presumed {
                if r.used.len() < MAX_USED || (presumed && r.used.len() < 4 * MAX_USED) {
                    r.used.push(u);
                } else {
                    r.omitted += 1;
                }
            }
        }
    }

    #[inline]
    fn enter(&mut self) {
        if !self.recording {
            return;
        }
        if let Some(r) = &mut self.s.rec {
            r.depth += 1;
        }
    }

    #[inline]
    fn leave(&mut self) {
        if !self.recording {
            return;
        }
        if let Some(r) = &mut self.s.rec {
            r.depth = r.depth.saturating_sub(1);
        }
    }

    /// `known(x)` false, or `x otherwise d` taking `d`: remembered for the lets
    /// being computed, and recorded for an explanation.
    fn presume(&mut self, node: NodeId, v: V) {
        if self.s.presumptions.len() < 10_000 {
            self.s.presumptions.push((node, v));
        }
        self.record(Used::Presumed { node, v });
    }

    /// Whether the evaluation has used more native stack than it may.
    fn too_deep(&self) -> bool {
        self.stack_base.abs_diff(stack_address()) > MAX_STACK_BYTES
    }

    fn truncate(&mut self, mark: usize) {
        self.s.missing.truncate(mark);
    }

    // ---- lists ----

    fn item(&self, l: ListRef, i: u32) -> Item {
        let at = (l.start + i) as usize;
        if l.scratch {
            self.s.items.get(at).copied().unwrap_or(Item {
                v: V::Unknown,
                maybe: true,
            })
        } else {
            Item {
                v: self.facts.items.get(at).copied().unwrap_or(V::Unknown),
                maybe: false,
            }
        }
    }

    /// Moves `tmp[from..]` into the items arena as one list.
    fn seal(&mut self, from: usize) -> V {
        let start = self.s.items.len() as u32;
        let len = self.s.tmp.len().saturating_sub(from) as u32;
        let Machine { s, .. } = self;
        if let Some(part) = s.tmp.get(from..) {
            s.items.extend_from_slice(part);
        }
        s.tmp.truncate(from);
        V::List(ListRef {
            scratch: true,
            start,
            len,
        })
    }

    /// Whether a value is fully known (a list: every element certain).
    fn certain(&self, v: V) -> bool {
        match v {
            V::Unknown => false,
            V::List(l) if l.scratch => (0..l.len).all(|i| {
                let it = self.item(l, i);
                !it.maybe && !it.v.is_unknown()
            }),
            _ => true,
        }
    }

    // ---- members ----

    fn scope_inst(&mut self, scope: Scope, node: NodeId) -> V {
        match scope {
            Scope::Subject => V::Entity(self.subject),
            Scope::Element(d) => match self.s.env.get(self.env_base + d as usize) {
                Some(v) => *v,
                None => self.fault(FaultKind::Unsupported, node),
            },
        }
    }

    fn member(&mut self, base: V, member: Member, node: NodeId) -> V {
        let V::Entity(inst) = base else {
            return V::Unknown;
        };
        match member {
            Member::Field(f) => self.field(inst, f),
            Member::Let(entity, index) => {
                let v = self.eval_let(inst, index, node);
                self.record(Used::Let {
                    inst,
                    entity,
                    index,
                    v,
                });
                v
            }
            Member::Owner => match self.facts.instance(inst) {
                Some(i) if i.owner != u32::MAX => V::Entity(i.owner),
                _ => self.fault(FaultKind::Unsupported, node),
            },
        }
    }

    /// The value of `let` number `index` of instance `inst` (a test's value
    /// expectation); unknown when the instance has no such `let`.
    pub(crate) fn let_value(&mut self, inst: u32, index: u32) -> V {
        let root = self
            .facts
            .instance(inst)
            .and_then(|i| self.low.entities.get(i.entity as usize))
            .and_then(|e| e.lets.get(index as usize))
            .copied();
        match root {
            Some(node) => self.eval_let(inst, index, node),
            None => V::Unknown,
        }
    }

    fn eval_let(&mut self, inst: u32, index: u32, node: NodeId) -> V {
        let at = match self.s.lets.find(inst, index) {
            Found::Done(memo) => {
                self.push_memo_missing(memo.miss);
                if memo.presumed.1 > 0 {
                    self.replay_presumptions(memo.presumed);
                }
                if memo.faults.1 > 0 {
                    self.replay_faults(memo.faults);
                }
                return memo.v;
            }
            Found::Busy => return self.fault(FaultKind::Cycle, node),
            Found::Absent => return self.fault(FaultKind::Unsupported, node),
            Found::Todo(at) => at,
        };
        let Some(root) = self
            .facts
            .instance(inst)
            .and_then(|i| self.low.entities.get(i.entity as usize))
            .and_then(|e| e.lets.get(index as usize))
            .copied()
        else {
            return self.fault(FaultKind::Unsupported, node);
        };
        if !self.may_nest(node) {
            return V::Unknown;
        }
        self.s.lets.start(at);
        let mark = self.s.missing.len();
        let presumed_from = self.s.presumptions.len();
        let faults_from = self.s.faults.len();
        let v = self.as_subject(inst, |m| m.eval(root));
        let miss = self.keep_missing(mark);
        let presumed = (
            presumed_from as u32,
            (self.s.presumptions.len() - presumed_from) as u32,
        );
        let faults = (
            faults_from as u32,
            (self.s.faults.len() - faults_from) as u32,
        );
        self.s.lets.finish(
            at,
            LetMemo {
                v,
                miss,
                presumed,
                faults,
            },
        );
        v
    }

    /// Whether a definition may be evaluated one level deeper: not past
    /// [`MAX_DEPTH`] nor the native stack's bound (else a fault), and within
    /// the step budget.
    fn may_nest(&mut self, node: NodeId) -> bool {
        if self.depth >= MAX_DEPTH || self.too_deep() {
            self.fault(FaultKind::TooDeep, node);
            return false;
        }
        self.charge(0, node)
    }

    /// `f` evaluated one definition deeper, with `inst` as the subject and no
    /// `where` element in scope.
    fn as_subject<R>(&mut self, inst: u32, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved = (self.subject, self.env_base);
        self.subject = inst;
        self.env_base = self.s.env.len();
        self.depth += 1;
        self.enter();
        let r = f(self);
        self.leave();
        self.depth -= 1;
        (self.subject, self.env_base) = saved;
        r
    }

    /// Copies the missing facts pushed since `mark` for a memo.
    fn keep_missing(&mut self, mark: usize) -> (u32, u32) {
        let Machine { s, .. } = self;
        let part = s.missing.get(mark..).unwrap_or(&[]);
        if part.is_empty() {
            return (0, 0);
        }
        let start = s.memo_missing.len() as u32;
        s.memo_missing.extend_from_slice(part);
        (start, part.len() as u32)
    }

    // ---- programmes ----

    /// The status and amount of `program` for instance `inst`, pushing the status's
    /// missing facts when it is unknown.
    pub(crate) fn program(&mut self, program: u32, inst: u32, node: NodeId) -> ProgMemo {
        let Some(&slot) = self.low.program_slot.get(program as usize) else {
            self.fault(FaultKind::Unsupported, node);
            return ProgMemo::default();
        };
        let at = match self.s.progs.find(inst, slot) {
            Found::Done(memo) => {
                self.push_memo_missing(memo.miss);
                return memo;
            }
            Found::Busy => {
                self.fault(FaultKind::Cycle, node);
                return ProgMemo::default();
            }
            Found::Absent => {
                self.fault(FaultKind::Unsupported, node);
                return ProgMemo::default();
            }
            Found::Todo(at) => at,
        };
        if !self.may_nest(node) {
            return ProgMemo::default();
        }
        self.s.progs.start(at);
        let memo = self.as_subject(inst, |m| {
            let mark = m.s.missing.len();
            let status = m.status(program);
            let miss = m.keep_missing(mark);
            let (amount, amount_miss) = if status == Some(true) {
                let amark = m.s.missing.len();
                let a = m.amount(program);
                let am = m.keep_missing(amark);
                m.truncate(amark);
                (a, am)
            } else {
                (V::Unknown, (0, 0))
            };
            ProgMemo {
                status,
                amount,
                miss,
                amount_miss,
            }
        });
        self.s.progs.finish(at, memo);
        memo
    }

    /// Evaluates a programme nothing refers to, for one subject, without a memo:
    /// its status and amount, with the missing facts of whichever is unknown left
    /// on the stack above the returned mark.
    pub(crate) fn program_direct(&mut self, program: u32, inst: u32) -> (Option<bool>, V, usize) {
        let saved = (self.subject, self.env_base);
        self.subject = inst;
        self.env_base = self.s.env.len();
        let mark = self.s.missing.len();
        let status = self.status(program);
        let mut amount = V::Unknown;
        if status == Some(true) {
            amount = self.amount(program);
        }
        (self.subject, self.env_base) = saved;
        (status, amount, mark)
    }

    /// (ground₁ or ground₂ or …) and not (unless₁ or …), three-valued.
    fn status(&mut self, program: u32) -> Option<bool> {
        let low = self.low;
        let p = low.programs.get(program as usize)?;
        let mark = self.s.missing.len();
        let mut grounds = if p.eligible.is_empty() {
            Some(true)
        } else {
            Some(false)
        };
        for c in &p.eligible {
            let m = self.s.missing.len();
            match tri(self.eval(c.node)) {
                Some(true) => {
                    grounds = Some(true);
                    self.truncate(mark);
                    break;
                }
                Some(false) => self.truncate(m),
                None => grounds = None,
            }
        }
        if grounds == Some(false) {
            self.truncate(mark);
            return Some(false);
        }
        let umark = self.s.missing.len();
        let mut disq = Some(false);
        for c in &p.unless {
            let m = self.s.missing.len();
            match tri(self.eval(c.node)) {
                Some(true) => {
                    disq = Some(true);
                    self.truncate(umark);
                    break;
                }
                Some(false) => self.truncate(m),
                None => disq = None,
            }
        }
        match (grounds, disq) {
            (_, Some(true)) => {
                self.truncate(mark);
                Some(false)
            }
            (Some(true), Some(false)) => Some(true),
            _ => None,
        }
    }

    fn amount(&mut self, program: u32) -> V {
        let low = self.low;
        match low
            .programs
            .get(program as usize)
            .and_then(|p| p.amount.as_ref())
        {
            Some(a) => self.eval(a.node),
            None => V::Unknown,
        }
    }

    /// Evaluates `node` with `inst` as the subject (a clause or an amount, for an
    /// explanation).
    pub(crate) fn eval_for(&mut self, inst: u32, node: NodeId) -> V {
        let saved = (self.subject, self.env_base);
        self.subject = inst;
        self.env_base = self.s.env.len();
        let v = self.eval(node);
        (self.subject, self.env_base) = saved;
        v
    }

    // ---- expressions ----

    fn operand(&mut self, o: LOperand, node: NodeId) -> V {
        match o {
            LOperand::Const(v) => v,
            LOperand::Param(p) => self.param(p, node),
        }
    }

    fn param(&mut self, p: u32, node: NodeId) -> V {
        let v = self
            .asof
            .params
            .get(p as usize)
            .copied()
            .unwrap_or(V::Unknown);
        self.record(Used::Param(p));
        if v.is_unknown() {
            let kind = match self.asof.version.get(p as usize).copied().flatten() {
                Some(i) => FaultKind::OutOfForce(p, i),
                None => FaultKind::NotInForce(p),
            };
            return self.fault(kind, node);
        }
        v
    }

    /// Compares two known values; `None` when they cannot be compared.
    fn compare_values(&self, op: Cmp, a: V, b: V) -> Option<bool> {
        let (low, facts) = (self.low, self.facts);
        value::compare_known(op, a, b, |t| text_of(low, facts, t))
    }

    fn compare_node(&mut self, op: Cmp, a: V, b: V, node: NodeId) -> V {
        match self.compare_values(op, a, b) {
            Some(r) => V::Bool(r),
            None => self.fault(FaultKind::Value(Fault::Type), node),
        }
    }

    fn value_result(&mut self, r: Result<V, Fault>, node: NodeId) -> V {
        match r {
            Ok(v) => v,
            Err(f) => self.fault(FaultKind::Value(f), node),
        }
    }

    /// Evaluates one node. The dispatcher is kept small (the common nodes, with
    /// few registers to save); everything else goes to [`Machine::eval_node`].
    pub(crate) fn eval(&mut self, id: NodeId) -> V {
        let nodes = self.nodes;
        let Some(node) = nodes.get(id as usize) else {
            return self.fault(FaultKind::Unsupported, id);
        };
        match *node {
            Node::Const(v) => v,
            Node::CompareConst(op, a, c) => {
                let mark = self.s.missing.len();
                let x = self.eval(a);
                let r = self.compare_with(op, x, c, mark, id);
                if x.is_unknown() {
                    return self.compare_by_domains(op, Side::Node(a), Side::Value(c), mark);
                }
                r
            }
            Node::CompareMember {
                op,
                scope,
                member,
                value,
            } => {
                let mark = self.s.missing.len();
                let base = self.scope_inst(scope, id);
                let x = self.member(base, member, id);
                let r = self.compare_with(op, x, value, mark, id);
                if x.is_unknown() {
                    let side = Side::Member(scope, member);
                    return self.compare_by_domains(op, side, Side::Value(value), mark);
                }
                r
            }
            Node::Member {
                scope: Scope::Subject,
                member: Member::Field(f),
            } => self.field(self.subject, f),
            Node::Member { scope, member } => {
                let base = self.scope_inst(scope, id);
                self.member(base, member, id)
            }
            Node::Compare(op, a, b) => self.compare_nodes(op, a, b, id),
            Node::And(a, b) => self.kleene(a, b, false, false),
            Node::Or(a, b) => self.kleene(a, b, true, false),
            n => self.eval_node(id, n),
        }
    }

    #[inline]
    fn field(&mut self, inst: u32, f: u32) -> V {
        let v = self.facts.slot(inst, f);
        if v.is_unknown() {
            self.s.missing.push(FactRef {
                inst,
                field: f,
                month: 0,
            });
        }
        if self.recording {
            self.record(Used::Fact(
                FactRef {
                    inst,
                    field: f,
                    month: 0,
                },
                v,
            ));
        }
        v
    }

    #[inline(never)]
    fn compare_nodes(&mut self, op: Cmp, a: NodeId, b: NodeId, id: NodeId) -> V {
        let mark = self.s.missing.len();
        let x = self.eval(a);
        let y = self.eval(b);
        let r = self.compare_with(op, x, y, mark, id);
        if x.is_unknown() || y.is_unknown() {
            return self.compare_by_domains(op, Side::Node(a), Side::Node(b), mark);
        }
        r
    }

    #[inline]
    fn compare_with(&mut self, op: Cmp, x: V, y: V, mark: usize, id: NodeId) -> V {
        // The common cases inline: numbers, dates, variants (matched one side at
        // a time, which compiles to two small jumps instead of a pair table).
        let ord = match x {
            V::Unknown => return V::Unknown,
            V::Int(p) => match y {
                V::Int(q) => p.cmp(&q),
                V::Dec(q) => rust_decimal::Decimal::from(p).cmp(&q),
                V::Unknown => return V::Unknown,
                _ => return self.compare_slow(op, x, y, mark, id),
            },
            V::Dec(p) => match y {
                V::Dec(q) => p.cmp(&q),
                V::Int(q) => p.cmp(&rust_decimal::Decimal::from(q)),
                V::Unknown => return V::Unknown,
                _ => return self.compare_slow(op, x, y, mark, id),
            },
            V::Date(p) => match y {
                V::Date(q) => p.cmp(&q),
                V::Unknown => return V::Unknown,
                _ => return self.compare_slow(op, x, y, mark, id),
            },
            V::Variant(p) => match y {
                V::Variant(q) => p.cmp(&q),
                V::Unknown => return V::Unknown,
                _ => return self.compare_slow(op, x, y, mark, id),
            },
            _ if y.is_unknown() => return V::Unknown,
            _ => return self.compare_slow(op, x, y, mark, id),
        };
        self.truncate(mark);
        V::Bool(op.holds(ord))
    }

    // ---- domains ----

    /// A comparison an unknown operand left unknown, decided when every value
    /// the operands can take decides it alike: an unknown fact ranges over its
    /// declared domain (language reference §6), not over every number. The
    /// missing facts stay on the stack when it is not decided.
    #[inline(never)]
    fn compare_by_domains(&mut self, op: Cmp, a: Side, b: Side, mark: usize) -> V {
        match self.domains().decide(op, a, b, self.subject) {
            Some(r) => {
                self.truncate(mark);
                V::Bool(r)
            }
            None => V::Unknown,
        }
    }

    /// `value in low..high` (constant bounds) with `value` unknown: decided
    /// when its interval lies inside the range or wholly outside it.
    #[inline(never)]
    fn range_by_domains(
        &mut self,
        value: NodeId,
        low: V,
        high: V,
        negated: bool,
        mark: usize,
    ) -> V {
        match self
            .domains()
            .decide_range(value, (low, high), negated, self.subject)
        {
            Some(r) => {
                self.truncate(mark);
                V::Bool(r)
            }
            None => V::Unknown,
        }
    }

    fn domains(&self) -> Domains<'_> {
        let env = self.s.env.get(self.env_base..).unwrap_or(&[]);
        Domains::new(self.low, self.nodes, &self.asof.params, self.facts, env).on(self.asof.date)
    }

    /// `v in lo..hi` (inclusive) for known values.
    fn in_range(&mut self, v: V, lo: V, hi: V, negated: bool, id: NodeId) -> V {
        match (
            self.compare_values(Cmp::Ge, v, lo),
            self.compare_values(Cmp::Le, v, hi),
        ) {
            (Some(a), Some(b)) => V::Bool((a && b) != negated),
            _ => self.fault(FaultKind::Value(Fault::Type), id),
        }
    }

    /// Repeats a memoised let's presumptions: for the lets computing now, and for
    /// the explanation being recorded.
    fn replay_presumptions(&mut self, (start, len): (u32, u32)) {
        for i in start..start + len {
            if let Some(&(node, v)) = self.s.presumptions.get(i as usize) {
                self.presume(node, v);
            }
        }
    }

    /// Repeats a memoised let's evaluation errors (up to the cap on faults).
    fn replay_faults(&mut self, (start, len): (u32, u32)) {
        for i in start..start + len {
            if let Some(&f) = self.s.faults.get(i as usize) {
                if self.s.faults.len() >= 1000 {
                    return;
                }
                self.s.faults.push(f);
            }
        }
    }

    /// Pushes a memo's copy of its missing facts back on the stack.
    fn push_memo_missing(&mut self, (start, len): (u32, u32)) {
        if len == 0 {
            return;
        }
        let Machine { s, .. } = self;
        if let Some(part) = s.memo_missing.get(start as usize..(start + len) as usize) {
            s.missing.extend_from_slice(part);
        }
    }

    #[inline(never)]
    fn compare_slow(&mut self, op: Cmp, x: V, y: V, mark: usize, id: NodeId) -> V {
        self.truncate(mark);
        self.compare_node(op, x, y, id)
    }

    #[inline(never)]
    fn eval_node(&mut self, id: NodeId, node: Node) -> V {
        match node {
            // Handled by the dispatcher before it calls here.
            Node::Const(_)
            | Node::Member { .. }
            | Node::Compare(..)
            | Node::CompareConst(..)
            | Node::CompareMember { .. }
            | Node::And(..)
            | Node::Or(..) => self.eval(id),
            Node::Today => V::Date(self.asof.date),
            Node::Get { base, member } => {
                let b = self.eval(base);
                self.member(b, member, id)
            }
            Node::Project { list, member } => self.project(list, member, id),
            Node::Param(p) => self.param(p, id),
            Node::Builtin { func, args } => self.builtin(func, args, id),
            // The window from the date: explanations record on the lowered
            // nodes, whose window is not folded.
            Node::Series {
                func, series, back, ..
            } => self.series(
                func,
                series,
                super::series::window(func, back, self.asof.date),
                id,
            ),
            Node::Table { table, args } => self.table(table, args, id),
            Node::Scale { scale, base } => self.scale(scale, base, id),
            Node::Eligible {
                program,
                scope,
                via_owner,
            } => {
                let Some(inst) = self.program_subject(scope, via_owner, id) else {
                    return V::Unknown;
                };
                let m = self.program(program, inst, id);
                self.record(Used::Program {
                    program,
                    inst,
                    status: m.status,
                    amount: m.amount,
                });
                from_tri(m.status)
            }
            Node::Amount {
                program,
                scope,
                via_owner,
            } => {
                let Some(inst) = self.program_subject(scope, via_owner, id) else {
                    return V::Unknown;
                };
                let mark = self.s.missing.len();
                let m = self.program(program, inst, id);
                self.record(Used::Program {
                    program,
                    inst,
                    status: m.status,
                    amount: m.amount,
                });
                match m.status {
                    Some(false) => {
                        self.truncate(mark);
                        V::Int(0)
                    }
                    Some(true) => {
                        if m.amount.is_unknown() {
                            self.push_memo_missing(m.amount_miss);
                        }
                        m.amount
                    }
                    None => V::Unknown,
                }
            }
            Node::Not(x) => match self.eval(x) {
                V::Bool(b) => V::Bool(!b),
                _ => V::Unknown,
            },
            Node::Neg(x) => match self.eval(x) {
                V::Unknown => V::Unknown,
                v => {
                    let r = value::negate(v);
                    self.value_result(r, id)
                }
            },
            // `a implies b` is `not a or b`.
            Node::Implies(a, b) => self.kleene(a, b, true, true),
            Node::Otherwise(a, b) => {
                let mark = self.s.missing.len();
                let v = self.eval(a);
                if self.certain(v) {
                    v
                } else {
                    self.truncate(mark);
                    let d = self.eval(b);
                    self.presume(a, d);
                    d
                }
            }
            Node::RangeConst {
                value,
                low,
                high,
                negated,
            } => {
                let mark = self.s.missing.len();
                let v = self.eval(value);
                if v.is_unknown() {
                    return self.range_by_domains(value, low, high, negated, mark);
                }
                self.truncate(mark);
                self.in_range(v, low, high, negated, id)
            }
            Node::Arith(op, a, b) => {
                let mark = self.s.missing.len();
                let x = self.eval(a);
                let y = self.eval(b);
                if x.is_unknown() || y.is_unknown() {
                    return V::Unknown;
                }
                self.truncate(mark);
                let r = value::arith(op, x, y);
                self.value_result(r, id)
            }
            Node::InSet {
                value,
                set,
                negated,
            } => {
                let mark = self.s.missing.len();
                let v = self.eval(value);
                if v.is_unknown() {
                    return V::Unknown;
                }
                let mut result = Some(false);
                for i in set.0..set.0 + set.1 {
                    let m = self.s.missing.len();
                    let x = self.eval(self.low.arg(i));
                    if x.is_unknown() {
                        result = None;
                        continue;
                    }
                    self.truncate(m);
                    if self.compare_values(Cmp::Eq, v, x) == Some(true) {
                        result = Some(true);
                        break;
                    }
                }
                match result {
                    Some(r) => {
                        self.truncate(mark);
                        V::Bool(r != negated)
                    }
                    None => V::Unknown,
                }
            }
            Node::InRange {
                value,
                low,
                high,
                negated,
            } => {
                let mark = self.s.missing.len();
                let v = self.eval(value);
                let lo = self.eval(low);
                let hi = self.eval(high);
                if v.is_unknown() || lo.is_unknown() || hi.is_unknown() {
                    return V::Unknown;
                }
                self.truncate(mark);
                self.in_range(v, lo, hi, negated, id)
            }
            Node::If(c, t, e) => {
                let mark = self.s.missing.len();
                match tri(self.eval(c)) {
                    Some(true) => {
                        self.truncate(mark);
                        self.eval(t)
                    }
                    Some(false) => {
                        self.truncate(mark);
                        self.eval(e)
                    }
                    // Both branches the same value: it does not depend on `c`.
                    None => match self.domains().same_branches(t, e, self.subject) {
                        Some(v) => {
                            self.truncate(mark);
                            v
                        }
                        None => V::Unknown,
                    },
                }
            }
            Node::Dated(i) => match self.low.dated_index(i, self.asof.date) {
                Some((_, (_, Ok(formula)))) => self.eval(formula),
                Some((k, (_, Err(_)))) => {
                    self.fault(FaultKind::FormulaNotInForce(i, Some(k as u32)), id)
                }
                None => self.fault(FaultKind::FormulaNotInForce(i, None), id),
            },
            Node::Where { list, cond } => self.filter(list, cond),
            Node::Any { list, cond } => self.quantify(list, cond, true),
            Node::All { list, cond } => self.quantify(list, cond, false),
            Node::CaseInput(i) => self
                .case_inputs
                .get(i as usize)
                .copied()
                .unwrap_or(V::Unknown),
            Node::Unsupported => self.fault(FaultKind::Unsupported, id),
        }
    }

    fn program_subject(&mut self, scope: Scope, via_owner: bool, node: NodeId) -> Option<u32> {
        let V::Entity(inst) = self.scope_inst(scope, node) else {
            return None;
        };
        if !via_owner {
            return Some(inst);
        }
        match self.facts.instance(inst) {
            Some(i) if i.owner != u32::MAX => Some(i.owner),
            _ => {
                self.fault(FaultKind::Unsupported, node);
                None
            }
        }
    }

    /// Kleene `or` (`decisive` true) or `and` (`decisive` false) of `a` (negated
    /// when `negate_a`, for `implies`) and `b`: the decisive value wins whatever
    /// the other side, and only then are the other side's missing facts dropped.
    #[inline]
    fn kleene(&mut self, a: NodeId, b: NodeId, decisive: bool, negate_a: bool) -> V {
        let mark = self.s.missing.len();
        let ta = tri(self.eval(a)).map(|x| x != negate_a);
        if ta == Some(decisive) {
            self.truncate(mark);
            return V::Bool(decisive);
        }
        let m = self.s.missing.len();
        match tri(self.eval(b)) {
            Some(x) if x == decisive => {
                self.truncate(mark);
                V::Bool(decisive)
            }
            Some(_) => {
                self.truncate(m);
                from_tri(ta)
            }
            None => V::Unknown,
        }
    }

    /// Evaluates `list`; `None` when the list itself is unknown.
    /// A list to go through: its elements are charged to the work.
    fn list(&mut self, list: NodeId) -> Option<ListRef> {
        match self.eval(list) {
            V::List(l) if self.charge(l.len, list) => Some(l),
            _ => None,
        }
    }

    fn with_element<T>(&mut self, v: V, f: impl FnOnce(&mut Self) -> T) -> T {
        self.s.env.push(v);
        let r = f(self);
        self.s.env.pop();
        r
    }

    fn filter(&mut self, list: NodeId, cond: NodeId) -> V {
        let Some(l) = self.list(list) else {
            return V::Unknown;
        };
        let from = self.s.tmp.len();
        for i in 0..l.len {
            let it = self.item(l, i);
            let m = self.s.missing.len();
            let c = self.with_element(it.v, |me| me.eval(cond));
            match tri(c) {
                Some(true) => self.s.tmp.push(it),
                Some(false) => self.truncate(m),
                None => self.s.tmp.push(Item {
                    v: it.v,
                    maybe: true,
                }),
            }
        }
        self.seal(from)
    }

    fn quantify(&mut self, list: NodeId, cond: NodeId, any: bool) -> V {
        let mark = self.s.missing.len();
        let Some(l) = self.list(list) else {
            return V::Unknown;
        };
        // any: true as soon as one surely-included element gives true.
        // all: false as soon as one surely-included element gives false.
        let decisive = any;
        let mut unknown = false;
        for i in 0..l.len {
            let it = self.item(l, i);
            let m = self.s.missing.len();
            let c = tri(self.with_element(it.v, |me| me.eval(cond)));
            match c {
                Some(x) if x == decisive && !it.maybe => {
                    self.truncate(mark);
                    return V::Bool(decisive);
                }
                Some(x) if x != decisive => self.truncate(m),
                _ => unknown = true,
            }
        }
        if unknown {
            V::Unknown
        } else {
            self.truncate(mark);
            V::Bool(!decisive)
        }
    }

    fn project(&mut self, list: NodeId, member: Member, node: NodeId) -> V {
        let Some(l) = self.list(list) else {
            return V::Unknown;
        };
        let from = self.s.tmp.len();
        for i in 0..l.len {
            let it = self.item(l, i);
            let v = self.member(it.v, member, node);
            if let V::List(inner) = v {
                if !self.charge(inner.len, node) {
                    return V::Unknown;
                }
                for j in 0..inner.len {
                    let x = self.item(inner, j);
                    self.s.tmp.push(Item {
                        v: x.v,
                        maybe: x.maybe || it.maybe,
                    });
                }
            } else {
                self.s.tmp.push(Item { v, maybe: it.maybe });
            }
        }
        self.seal(from)
    }

    /// A series function over the months of `window` (see `screen/series.rs`):
    /// each unknown month it reads is a missing fact of its own
    /// (`members[0].income[2025-01]`), and each month read is recorded for
    /// explanations.
    #[inline(never)]
    fn series(&mut self, func: Builtin, series: NodeId, window: (i32, u32), id: NodeId) -> V {
        let (base, field) = match self.nodes.get(series as usize).copied() {
            Some(Node::Member {
                scope,
                member: Member::Field(f),
            }) => (self.scope_inst(scope, id), f),
            Some(Node::Get {
                base,
                member: Member::Field(f),
            }) => (self.eval(base), f),
            _ => return self.fault(FaultKind::Unsupported, id),
        };
        let V::Entity(inst) = base else {
            return V::Unknown;
        };
        let slot = self.facts.slot(inst, field);
        let month = |m: i32| u32::try_from(i64::from(m) + 1).unwrap_or(0);
        let missing = &mut self.s.missing;
        let v = super::series::aggregate(func, self.facts, slot, window, |m| {
            missing.push(FactRef {
                inst,
                field,
                month: month(m),
            });
        });
        if self.recording {
            let (first, count) = window;
            for k in 0..count.min(super::facts::MAX_SPAN as u32) {
                let m = first.saturating_add(k as i32);
                let x = super::series::month(self.facts, slot, m);
                self.record(Used::Fact(
                    FactRef {
                        inst,
                        field,
                        month: month(m),
                    },
                    x,
                ));
            }
        }
        v
    }

    fn builtin(&mut self, func: Builtin, args: (u32, u32), id: NodeId) -> V {
        let arg = |me: &Self, i: u32| me.low.arg(args.0 + i);
        let mark = self.s.missing.len();
        match func {
            Builtin::Count | Builtin::Sum | Builtin::MinOf | Builtin::MaxOf => {
                let list = arg(self, 0);
                // Streamed, without building the list: `count(L where C)` and
                // `sum(L.field)`, the commonest aggregates.
                match (func, self.nodes.get(list as usize)) {
                    (Builtin::Count, Some(&Node::Where { list, cond })) => {
                        return self.count_where(list, cond, mark)
                    }
                    (Builtin::Sum, Some(&Node::Project { list, member })) => {
                        return self.sum_project(list, member, mark, id)
                    }
                    _ => {}
                }
                let Some(l) = self.list(list) else {
                    return V::Unknown;
                };
                let mut acc: Option<V> = None;
                let mut zeros = 0;
                for i in 0..l.len {
                    let it = self.item(l, i);
                    // An element that may belong but adds a certain 0.
                    if let (Builtin::Sum, true, Some(s)) = (func, it.maybe, zero_scale(it.v)) {
                        zeros = zeros.max(s);
                        continue;
                    }
                    if it.maybe || (func != Builtin::Count && it.v.is_unknown()) {
                        return V::Unknown;
                    }
                    acc = Some(match (func, acc) {
                        (Builtin::Count, _) => V::Int(i64::from(i) + 1),
                        (_, None) => it.v,
                        (Builtin::Sum, Some(a)) => match value::arith(BinaryOp::Add, a, it.v) {
                            Ok(v) => v,
                            Err(f) => return self.fault(FaultKind::Value(f), id),
                        },
                        (_, Some(a)) => match value::extreme(a, it.v, func == Builtin::MinOf) {
                            Some(x) => x,
                            None => return self.fault(FaultKind::Value(Fault::Type), id),
                        },
                    });
                }
                if zeros > acc.map_or(0, scale_of) {
                    return V::Unknown;
                }
                self.truncate(mark);
                match acc {
                    Some(v) => v,
                    None if matches!(func, Builtin::Count | Builtin::Sum) => V::Int(0),
                    None => self.fault(FaultKind::EmptyList, id),
                }
            }
            Builtin::Min | Builtin::Max => {
                let mut ex = value::Extreme::default();
                for i in 0..args.1 {
                    let v = self.eval(arg(self, i));
                    if let Err(f) = ex.add(v, func == Builtin::Min) {
                        return self.fault(FaultKind::Value(f), id);
                    }
                }
                let Some(v) = ex.value() else {
                    return V::Unknown;
                };
                self.truncate(mark);
                v
            }
            Builtin::Known => {
                let x = arg(self, 0);
                let v = self.eval(x);
                self.truncate(mark);
                let known = self.certain(v);
                if !known {
                    self.presume(x, V::Bool(false));
                }
                V::Bool(known)
            }
            Builtin::YearsBetween | Builtin::MonthsBetween | Builtin::DaysBetween => {
                let a = self.eval(arg(self, 0));
                let b = self.eval(arg(self, 1));
                let (V::Date(a), V::Date(b)) = (a, b) else {
                    return V::Unknown;
                };
                self.truncate(mark);
                let r = match func {
                    Builtin::YearsBetween => value::years_between(a, b),
                    Builtin::MonthsBetween => value::months_between(a, b),
                    _ => value::days_between(a, b),
                };
                let r = r.map(V::Int);
                self.value_result(r, id)
            }
            Builtin::Date => {
                let y = self.eval(arg(self, 0));
                let m = self.eval(arg(self, 1));
                let d = self.eval(arg(self, 2));
                if y.is_unknown() || m.is_unknown() || d.is_unknown() {
                    return V::Unknown;
                }
                self.truncate(mark);
                let r = value::make_date(y, m, d);
                self.value_result(r, id)
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil | Builtin::Abs => {
                let x = self.eval(arg(self, 0));
                let places = if args.1 > 1 {
                    self.eval(arg(self, 1))
                } else {
                    V::Int(0)
                };
                if x.is_unknown() || places.is_unknown() {
                    return V::Unknown;
                }
                self.truncate(mark);
                let r = value::rounded(func, x, places);
                self.value_result(r, id)
            }
            // Lowered to `Node::Series`, never to a `Builtin` node.
            Builtin::SumLast
            | Builtin::AverageLast
            | Builtin::MinLast
            | Builtin::MaxLast
            | Builtin::MonthValue => self.fault(FaultKind::Unsupported, id),
        }
    }

    fn count_where(&mut self, list: NodeId, cond: NodeId, mark: usize) -> V {
        let Some(l) = self.list(list) else {
            return V::Unknown;
        };
        let (mut n, mut uncertain) = (0i64, false);
        for i in 0..l.len {
            let it = self.item(l, i);
            let m = self.s.missing.len();
            match tri(self.with_element(it.v, |me| me.eval(cond))) {
                Some(true) if !it.maybe => n += 1,
                Some(false) => self.truncate(m),
                _ => uncertain = true,
            }
        }
        if uncertain {
            return V::Unknown;
        }
        self.truncate(mark);
        V::Int(n)
    }

    fn sum_project(&mut self, list: NodeId, member: Member, mark: usize, id: NodeId) -> V {
        let Some(l) = self.list(list) else {
            return V::Unknown;
        };
        let mut acc = V::Int(0);
        let mut unknown = false;
        let mut zeros = 0;
        for i in 0..l.len {
            let it = self.item(l, i);
            let v = self.member(it.v, member, id);
            match v {
                V::Int(_) | V::Dec(_) if !it.maybe && !unknown => {
                    acc = match value::arith(BinaryOp::Add, acc, v) {
                        Ok(x) => x,
                        Err(f) => return self.fault(FaultKind::Value(f), id),
                    };
                }
                V::Int(_) | V::Dec(_) if !it.maybe => {}
                // A list-valued member (lists of lists): the general path.
                V::List(_) => {
                    self.truncate(mark);
                    let Some(l2) = self.list_of_project(list, member, id) else {
                        return V::Unknown;
                    };
                    return self.sum_items(l2, mark, id);
                }
                // An element that may belong but adds a certain 0.
                _ if it.maybe && zero_scale(v).is_some() => {
                    zeros = zeros.max(zero_scale(v).unwrap_or(0));
                }
                _ => unknown = true,
            }
        }
        if unknown || zeros > scale_of(acc) {
            return V::Unknown;
        }
        self.truncate(mark);
        acc
    }

    fn list_of_project(&mut self, list: NodeId, member: Member, id: NodeId) -> Option<ListRef> {
        match self.project(list, member, id) {
            V::List(l) => Some(l),
            _ => None,
        }
    }

    fn sum_items(&mut self, l: ListRef, mark: usize, id: NodeId) -> V {
        let mut acc = V::Int(0);
        let mut zeros = 0;
        for i in 0..l.len {
            let it = self.item(l, i);
            if let (true, Some(s)) = (it.maybe, zero_scale(it.v)) {
                zeros = zeros.max(s);
                continue;
            }
            if it.maybe || it.v.is_unknown() {
                return V::Unknown;
            }
            acc = match value::arith(BinaryOp::Add, acc, it.v) {
                Ok(x) => x,
                Err(f) => return self.fault(FaultKind::Value(f), id),
            };
        }
        if zeros > scale_of(acc) {
            return V::Unknown;
        }
        self.truncate(mark);
        acc
    }

    fn cell(&mut self, cell: &LCell, arg: V, node: NodeId) -> Option<bool> {
        let (low, facts) = (self.low, self.facts);
        cell.matches(
            arg,
            |o| self.operand(o, node),
            |op, a, b| value::compare_known(op, a, b, |t| text_of(low, facts, t)),
        )
    }

    fn row_matches(
        &mut self,
        table: u32,
        row: usize,
        argv_from: usize,
        node: NodeId,
    ) -> Option<bool> {
        let low = self.low;
        let Some(r) = low.tables.get(table as usize).and_then(|t| t.rows.get(row)) else {
            return Some(false);
        };
        let mut result = Some(true);
        for (k, cell) in r.cells.iter().enumerate() {
            let arg = self
                .s
                .argv
                .get(argv_from + k)
                .copied()
                .unwrap_or(V::Unknown);
            match self.cell(cell, arg, node) {
                Some(false) => return Some(false),
                Some(true) => {}
                None => result = None,
            }
        }
        result
    }

    fn row_result(&mut self, table: u32, row: usize, node: NodeId) -> V {
        let low = self.low;
        match low.tables.get(table as usize).and_then(|t| t.rows.get(row)) {
            Some(r) => self.operand(r.result, node),
            None => V::Unknown,
        }
    }

    fn same(&self, a: V, b: V) -> bool {
        !a.is_unknown() && !b.is_unknown() && self.compare_values(Cmp::Eq, a, b) == Some(true)
    }

    fn table(&mut self, table: u32, args: (u32, u32), id: NodeId) -> V {
        let mark = self.s.missing.len();
        let argv_from = self.s.argv.len();
        for i in 0..args.1 {
            let v = self.eval(self.low.arg(args.0 + i));
            self.s.argv.push(v);
        }
        let each = self
            .low
            .tables
            .get(table as usize)
            .and_then(|t| t.each_at(self.asof.date));
        let r = match each {
            Some(each) => self.table_each(table, each, argv_from, id),
            None => self.table_rows(table, argv_from, id),
        };
        self.s.argv.truncate(argv_from);
        if self.certain(r) {
            self.truncate(mark);
        }
        r
    }

    /// A scale applied to its base: unknown when the base is (its missing facts
    /// stay), before the scale's first version or after it ended, or when one of
    /// its parameters is not in force.
    fn scale(&mut self, scale: u32, base: NodeId, id: NodeId) -> V {
        let low = self.low;
        let Some(s) = low.scales.get(scale as usize) else {
            return self.fault(FaultKind::Unsupported, id);
        };
        // Out of force, the base is not asked for: no answer would help.
        let Some(brackets) = s.in_force(self.asof.date) else {
            let ended = s.version_at(self.asof.date).map(|k| k as u32);
            return self.fault(FaultKind::ScaleNotInForce(scale, ended), id);
        };
        let mark = self.s.missing.len();
        let b = self.eval(base);
        if b.is_unknown() {
            return V::Unknown;
        }
        let Some(x) = b.as_decimal() else {
            return self.fault(FaultKind::Value(Fault::Type), id);
        };
        if !self.charge(brackets.len() as u32, id) {
            return V::Unknown;
        }
        let r = super::scale::apply(s.kind, brackets, x, |o| self.operand(o, id), 0);
        match r {
            Ok((total, _)) => {
                let v = V::number(total);
                self.truncate(mark);
                self.record(Used::Scale { scale, base: b, v });
                v
            }
            // The unknown parameter reported its own fault.
            Err(super::scale::Miss::Unknown) => V::Unknown,
            Err(super::scale::Miss::Overflow) => self.fault(FaultKind::Value(Fault::Overflow), id),
        }
    }

    /// A table whose version in force ends with `for each COLUMN above N: ADD`:
    /// up to `N` its rows; past it, the result at `N` plus `ADD` for each unit
    /// above. With the column's argument unknown, which applies is unknown (its
    /// missing facts stay).
    fn table_each(&mut self, table: u32, each: LEach, argv_from: usize, id: NodeId) -> V {
        let slot = argv_from + each.param;
        let n = match self.s.argv.get(slot).copied() {
            Some(V::Int(n)) => n,
            Some(V::Unknown) | None => return V::Unknown,
            Some(_) => return self.fault(FaultKind::Value(Fault::Type), id),
        };
        if n <= each.above {
            return self.table_rows(table, argv_from, id);
        }
        if let Some(a) = self.s.argv.get_mut(slot) {
            *a = V::Int(each.above);
        }
        let base = self.table_rows(table, argv_from, id);
        if base.is_unknown() {
            return V::Unknown;
        }
        let add = self.operand(each.add, id);
        if add.is_unknown() {
            return V::Unknown;
        }
        let Some(count) = n.checked_sub(each.above) else {
            return self.fault(FaultKind::Value(Fault::Overflow), id);
        };
        match value::arith(BinaryOp::Mul, add, V::Int(count))
            .and_then(|x| value::arith(BinaryOp::Add, base, x))
        {
            Ok(v) => {
                self.record(Used::Each {
                    table,
                    count,
                    add,
                    v,
                });
                v
            }
            Err(f) => self.fault(FaultKind::Value(f), id),
        }
    }

    fn table_rows(&mut self, table: u32, argv_from: usize, id: NodeId) -> V {
        let low = self.low;
        let Some(t) = low.tables.get(table as usize) else {
            return self.fault(FaultKind::Unsupported, id);
        };
        // A dated table's rows in force on the as-of date; before its first
        // version the table is unknown, like a parameter before its first `from`.
        let Some((lo, n)) = t.in_force(self.asof.date) else {
            let ended = t.version_at(self.asof.date).map(|k| k as u32);
            return self.fault(FaultKind::TableNotInForce(table, ended), id);
        };
        if !self.charge(n.saturating_sub(lo) as u32, id) {
            return V::Unknown;
        }
        match t.hit {
            HitPolicyKind::First | HitPolicyKind::Unique | HitPolicyKind::Any => {
                let first = t.hit == HitPolicyKind::First;
                // Candidate rows: surely matching, and possibly matching.
                let mut sure: Option<(usize, V)> = None;
                let mut possible: Option<V> = None;
                let mut undecided = false;
                for row in lo..n {
                    match self.row_matches(table, row, argv_from, id) {
                        Some(false) => {}
                        Some(true) => {
                            let v = self.row_result(table, row, id);
                            if let Some((r0, v0)) = sure {
                                // `first` stops at its first sure row, so a second
                                // sure row disagreeing is a conflict of unique/any.
                                if !self.same(v0, v) {
                                    return self.fault(
                                        FaultKind::Conflict(table, r0 as u32, row as u32),
                                        id,
                                    );
                                }
                                continue;
                            }
                            if let Some(p) = possible {
                                if !self.same(p, v) {
                                    undecided = true;
                                }
                            }
                            sure = Some((row, v));
                            if first {
                                break;
                            }
                        }
                        None => {
                            let v = self.row_result(table, row, id);
                            match (possible, sure) {
                                (_, Some((_, s))) if !self.same(s, v) => undecided = true,
                                (Some(p), _) if !self.same(p, v) => undecided = true,
                                _ => {}
                            }
                            possible = Some(v);
                        }
                    }
                }
                match sure {
                    Some((row, v)) if !undecided => {
                        self.record(Used::Row {
                            table,
                            row: Some((row - lo) as u32),
                            v,
                        });
                        v
                    }
                    Some(_) => V::Unknown,
                    None if possible.is_some() => V::Unknown,
                    None => {
                        self.record(Used::Row {
                            table,
                            row: None,
                            v: V::Unknown,
                        });
                        self.fault(FaultKind::NoRow(table), id)
                    }
                }
            }
            HitPolicyKind::CollectSum
            | HitPolicyKind::CollectCount
            | HitPolicyKind::CollectMin
            | HitPolicyKind::CollectMax => {
                let mut acc: Option<V> = None;
                let mut count = 0i64;
                for row in lo..n {
                    match self.row_matches(table, row, argv_from, id) {
                        Some(false) => {}
                        None => return V::Unknown,
                        Some(true) => {
                            count += 1;
                            self.record(Used::Row {
                                table,
                                row: Some((row - lo) as u32),
                                v: V::Unknown,
                            });
                            if t.hit == HitPolicyKind::CollectCount {
                                continue;
                            }
                            let v = self.row_result(table, row, id);
                            if v.is_unknown() {
                                return V::Unknown;
                            }
                            acc = Some(match acc {
                                None => v,
                                Some(a) => match t.hit {
                                    HitPolicyKind::CollectSum => {
                                        match value::arith(BinaryOp::Add, a, v) {
                                            Ok(x) => x,
                                            Err(f) => return self.fault(FaultKind::Value(f), id),
                                        }
                                    }
                                    _ => {
                                        let keep_a = compare(a, v).is_some_and(|o| {
                                            (o == Ordering::Less)
                                                == (t.hit == HitPolicyKind::CollectMin)
                                        });
                                        if keep_a {
                                            a
                                        } else {
                                            v
                                        }
                                    }
                                },
                            });
                        }
                    }
                }
                match t.hit {
                    HitPolicyKind::CollectCount => V::Int(count),
                    HitPolicyKind::CollectSum => acc.unwrap_or(V::Int(0)),
                    _ => match acc {
                        Some(v) => v,
                        None => self.fault(FaultKind::NoRow(table), id),
                    },
                }
            }
            HitPolicyKind::CollectList => {
                let from = self.s.tmp.len();
                for row in lo..n {
                    let m = self.row_matches(table, row, argv_from, id);
                    if m == Some(false) {
                        continue;
                    }
                    let v = self.row_result(table, row, id);
                    self.s.tmp.push(Item {
                        v,
                        maybe: m.is_none(),
                    });
                }
                self.seal(from)
            }
        }
    }
}

impl Machine<'_> {
    /// The evaluation's list arena, for showing list values in explanations.
    pub(crate) fn scratch_items(&self) -> &[Item] {
        &self.s.items
    }
}

/// What the domain reasoning reads: the nodes, the parameters, the facts and
/// the `where` elements in scope at the comparison. The row machine and the
/// certain path both decide a comparison through it, from the same facts and
/// the same nodes, so they decide the same comparisons: it reads no memoised
/// value (each path has its own) and evaluates nothing.
pub(crate) struct Domains<'a> {
    low: &'a Lowered,
    nodes: &'a [Node],
    params: &'a [V],
    facts: &'a Facts,
    /// The `where` elements in scope at the comparison, innermost last.
    env: &'a [V],
    /// Nodes left to read ([`MAX_DOMAIN_NODES`]).
    budget: std::cell::Cell<u32>,
    /// The as-of date, for the window of a series function read from nodes
    /// that are not folded (explanations record on the lowered nodes).
    date: Option<jiff::civil::Date>,
}

impl<'a> Domains<'a> {
    pub(crate) fn new(
        low: &'a Lowered,
        nodes: &'a [Node],
        params: &'a [V],
        facts: &'a Facts,
        env: &'a [V],
    ) -> Self {
        Domains {
            low,
            nodes,
            params,
            facts,
            env,
            budget: std::cell::Cell::new(MAX_DOMAIN_NODES),
            date: None,
        }
    }

    /// The same, reading series windows for `date` (see [`Domains::date`]).
    pub(crate) fn on(mut self, date: jiff::civil::Date) -> Self {
        self.date = Some(date);
        self
    }

    /// `a op b` for `subject`, decided when every value the operands' domains
    /// allow decides it alike; `None` otherwise.
    pub(crate) fn decide(&self, op: Cmp, a: Side, b: Side, subject: u32) -> Option<bool> {
        value::decide_over(op, self.side(a, subject)?, self.side(b, subject)?)
    }

    /// `value in low..high` (constant ends; `negated` for `not in`), decided
    /// when `value`'s interval lies inside the range or wholly outside it.
    pub(crate) fn decide_range(
        &self,
        value: NodeId,
        (low, high): (V, V),
        negated: bool,
        subject: u32,
    ) -> Option<bool> {
        let x = self.side(Side::Node(value), subject)?;
        let above = value::decide_over(Cmp::Ge, x, value::point(low.as_decimal()?));
        let below = value::decide_over(Cmp::Le, x, value::point(high.as_decimal()?));
        let r = match (above, below) {
            (Some(true), Some(true)) => true,
            (Some(false), _) | (_, Some(false)) => false,
            _ => return None,
        };
        Some(r != negated)
    }

    pub(crate) fn side(&self, side: Side, subject: u32) -> Option<value::Interval> {
        match side {
            Side::Value(v) => v.as_decimal().map(value::point),
            Side::Node(n) => self.interval(n, subject, true),
            Side::Member(scope, member) => {
                let inst = self.scope_of(scope, subject, true)?;
                self.member_interval(inst, member)
            }
        }
    }

    /// The value of `if C then t else e` when `C` is unknown: the branches'
    /// common value, when both are the same constant or parameter value, or
    /// both numbers the domain reasoning reads as the same single number (the
    /// same scale too, as `300.00` is not written `300`). Every completion
    /// then gives it, whichever branch it takes.
    pub(crate) fn same_branches(&self, t: NodeId, e: NodeId, subject: u32) -> Option<V> {
        let constant = |n: NodeId| match *self.nodes.get(n as usize)? {
            Node::Const(v) => Some(v),
            Node::Param(p) => self.params.get(p as usize).copied(),
            _ => None,
        };
        if let (Some(x), Some(y)) = (constant(t), constant(e)) {
            let same = match (x, y) {
                (V::Bool(a), V::Bool(b)) => a == b,
                (V::Variant(a), V::Variant(b)) => a == b,
                (V::Date(a), V::Date(b)) => a == b,
                _ => false,
            };
            if same {
                return Some(x);
            }
        }
        let x = value::point_of(self.side(Side::Node(t), subject)?)?;
        let y = value::point_of(self.side(Side::Node(e), subject)?)?;
        (x == y && x.scale() == y.scale()).then(|| V::number(x))
    }

    /// The instance a scope names: an element's only at the top (inside a
    /// `let` reached from there, the `where` elements are not in scope).
    fn scope_of(&self, scope: Scope, subject: u32, top: bool) -> Option<u32> {
        match scope {
            Scope::Subject => Some(subject),
            Scope::Element(d) if top => match self.env.get(d as usize) {
                Some(V::Entity(i)) => Some(*i),
                _ => None,
            },
            Scope::Element(_) => None,
        }
    }

    /// Takes one node of the budget; false once it is spent.
    fn step(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }

    /// The interval `node`'s value lies in, for `subject`: a known number is
    /// a point; an unknown fact with a declared domain is its domain; `+`,
    /// `-`, negation, multiplication and division by a known number,
    /// `count` of a known list and `sum(list.fact)` over a known list combine
    /// them; a `let` is its definition's. `None` for anything else (nothing is
    /// known of it), and once [`MAX_DOMAIN_NODES`] nodes have been read.
    fn interval(&self, node: NodeId, subject: u32, top: bool) -> Option<value::Interval> {
        if !self.step() {
            return None;
        }
        match *self.nodes.get(node as usize)? {
            Node::Const(v) => v.as_decimal().map(value::point),
            Node::Param(p) => self.params.get(p as usize)?.as_decimal().map(value::point),
            Node::Member { scope, member } => {
                let inst = self.scope_of(scope, subject, top)?;
                self.member_interval(inst, member)
            }
            Node::Neg(a) => Some(value::interval_neg(self.interval(a, subject, top)?)),
            Node::Arith(op, a, b) => {
                let x = self.interval(a, subject, top)?;
                let y = self.interval(b, subject, top)?;
                match op {
                    BinaryOp::Add => value::interval_add(x, y),
                    BinaryOp::Sub => value::interval_add(x, value::interval_neg(y)),
                    BinaryOp::Mul => match (value::point_of(x), value::point_of(y)) {
                        (_, Some(k)) => value::interval_scale(x, k),
                        (Some(k), _) => value::interval_scale(y, k),
                        _ => None,
                    },
                    BinaryOp::Div => value::interval_div(x, value::point_of(y)?),
                    _ => None,
                }
            }
            Node::Series {
                func,
                series,
                back,
                first,
                count,
            } => {
                let window = match self.date {
                    Some(d) => super::series::window(func, back, d),
                    None => (first, count),
                };
                self.series_interval(func, series, window, subject, top)
            }
            Node::Builtin { func, args } => {
                let (Builtin::Sum | Builtin::Count) = func else {
                    return None;
                };
                let arg = self.low.arg(args.0);
                let (list, member) = match (*self.nodes.get(arg as usize)?, func) {
                    (Node::Project { list, member }, Builtin::Sum) => (list, Some(member)),
                    (Node::Member { .. }, Builtin::Count) => (arg, None),
                    _ => return None,
                };
                let Node::Member {
                    scope,
                    member: Member::Field(f),
                } = *self.nodes.get(list as usize)?
                else {
                    return None;
                };
                let owner = self.scope_of(scope, subject, top)?;
                let V::List(l) = self.facts.slot(owner, f) else {
                    return None;
                };
                if l.scratch {
                    return None;
                }
                let Some(member) = member else {
                    return Some(value::point(rust_decimal::Decimal::from(l.len)));
                };
                let mut acc = value::point(rust_decimal::Decimal::ZERO);
                for i in 0..l.len {
                    let Some(V::Entity(inst)) = self.facts.items.get((l.start + i) as usize) else {
                        return None;
                    };
                    acc = value::interval_add(acc, self.member_interval(*inst, member)?)?;
                }
                Some(acc)
            }
            _ => None,
        }
    }

    /// The interval a series function's value lies in: its unknown months
    /// within the series' declared domain (see `screen/series.rs`).
    fn series_interval(
        &self,
        func: Builtin,
        series: NodeId,
        window: (i32, u32),
        subject: u32,
        top: bool,
    ) -> Option<value::Interval> {
        let (inst, field) = match *self.nodes.get(series as usize)? {
            Node::Member {
                scope,
                member: Member::Field(f),
            } => (self.scope_of(scope, subject, top)?, f),
            _ => return None,
        };
        let entity = self.facts.instance(inst)?.entity;
        let domain = self
            .low
            .entities
            .get(entity as usize)?
            .fields
            .get(field as usize)?
            .domain;
        let slot = self.facts.slot(inst, field);
        super::series::interval(func, self.facts, slot, window, domain)
    }

    /// The interval a member of `inst` lies in (see [`Domains::interval`]).
    fn member_interval(&self, inst: u32, member: Member) -> Option<value::Interval> {
        match member {
            Member::Field(f) => {
                let v = self.facts.slot(inst, f);
                if !v.is_unknown() {
                    return v.as_decimal().map(value::point);
                }
                let entity = self.facts.instance(inst)?.entity;
                self.low
                    .entities
                    .get(entity as usize)?
                    .fields
                    .get(f as usize)?
                    .domain
            }
            Member::Let(entity, index) => {
                let root = *self
                    .low
                    .entities
                    .get(entity as usize)?
                    .lets
                    .get(index as usize)?;
                self.interval(root, inst, false)
            }
            Member::Owner => None,
        }
    }
}

/// The scale of a certain 0 (`0` has 0, `0.00` has 2): an element that only may
/// belong to a filtered list but adds this to a `sum` adds nothing, whether it
/// belongs or not, as long as the total's scale is at least as large (`10 +
/// 0.00` is `10.00`, not written as `10`). `None` for anything else.
pub(crate) fn zero_scale(v: V) -> Option<u32> {
    match v {
        V::Int(0) => Some(0),
        V::Dec(d) if d.is_zero() => Some(d.scale()),
        _ => None,
    }
}

/// The scale of a number (0 for an integer).
pub(crate) fn scale_of(v: V) -> u32 {
    match v {
        V::Dec(d) => d.scale(),
        _ => 0,
    }
}
