//! The memo protocol both evaluators share for `let`s and referenced
//! programmes: one entry per instance and definition, each *to do*, *busy*
//! (being computed: meeting it again is a cycle) or *done* (its value kept).
//!
//! ```text
//! match memos.find(inst, index) {
//!     Found::Done(m) => use m,                   // computed before
//!     Found::Busy => a cycle,                    // the checker forbids them
//!     Found::Absent => an id not of this model,  // the lowering's invariant
//!     Found::Todo(at) => {
//!         memos.start(at);                       // busy while computed
//!         let m = compute, as `inst`;
//!         memos.finish(at, m);                   // done
//!     }
//! }
//! ```

use super::facts::Facts;
use super::lower::Lowered;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    #[default]
    Todo,
    Busy,
    Done,
}

/// One memo, with its state beside it: one load on a hit.
#[derive(Debug, Clone, Copy, Default)]
struct Entry<M> {
    state: State,
    memo: M,
}

/// What the memo of one definition for one instance says.
pub(crate) enum Found<M> {
    /// Computed before: its value.
    Done(M),
    /// Being computed: reached again, a cycle.
    Busy,
    /// Not computed yet: the caller computes it, between [`Memos::start`] and
    /// [`Memos::finish`] with this address.
    Todo(usize),
    /// No such instance or definition.
    Absent,
}

/// The memos of one kind of definition (lets, or programme results) for every
/// instance of a document.
#[derive(Debug, Default)]
pub(crate) struct Memos<M> {
    /// Where each instance's entries start in `entries`.
    base: Vec<u32>,
    entries: Vec<Entry<M>>,
}

impl<M: Copy + Default> Memos<M> {
    /// The memo of definition `index` (in its entity) for instance `inst`.
    #[inline]
    pub(crate) fn find(&self, inst: u32, index: u32) -> Found<M> {
        let Some(&base) = self.base.get(inst as usize) else {
            return Found::Absent;
        };
        let Some(at) = base.checked_add(index) else {
            return Found::Absent;
        };
        let at = at as usize;
        match self.entries.get(at) {
            Some(e) if e.state == State::Done => Found::Done(e.memo),
            Some(e) if e.state == State::Todo => Found::Todo(at),
            Some(_) => Found::Busy,
            None => Found::Absent,
        }
    }

    /// The memo at `at` is being computed.
    #[inline]
    pub(crate) fn start(&mut self, at: usize) {
        if let Some(e) = self.entries.get_mut(at) {
            e.state = State::Busy;
        }
    }

    /// The memo at `at` is computed: `memo`.
    #[inline]
    pub(crate) fn finish(&mut self, at: usize, memo: M) {
        if let Some(e) = self.entries.get_mut(at) {
            *e = Entry {
                state: State::Done,
                memo,
            };
        }
    }
}

/// Empties the memos of lets and programme results for `facts`: one entry per
/// instance and definition, each instance's entries together.
pub(crate) fn reset<L: Copy + Default, P: Copy + Default>(
    low: &Lowered,
    facts: &Facts,
    lets: &mut Memos<L>,
    progs: &mut Memos<P>,
) {
    lets.base.clear();
    progs.base.clear();
    let (mut nl, mut np) = (0u32, 0u32);
    for inst in &facts.instances {
        lets.base.push(nl);
        progs.base.push(np);
        if let Some(e) = low.entities.get(inst.entity as usize) {
            nl += e.lets.len() as u32;
            np += e.programs.len() as u32;
        }
    }
    lets.entries.clear();
    lets.entries.resize(nl as usize, Entry::default());
    progs.entries.clear();
    progs.entries.resize(np as usize, Entry::default());
}
