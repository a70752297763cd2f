//! Which rulesets the certain path ([`super::compiled`]) takes on: those whose
//! chains of definitions (a `let` using a `let`, a programme using another's
//! result) stay short, found by a depth-first walk from every programme.

use super::lower::{children, Lowered, Member, Node};

/// The longest chain of definitions the certain path takes on. It recurses
/// into each definition it needs without the row machine's depth and stack
/// checks, so the bound keeps its native stack small; the row machine refuses
/// chains past its own, far higher, limit, so the two always agree. Real
/// rulesets have chains of a handful.
const MAX_CHAIN: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Def {
    Let(u32, u32),
    Prog(u32),
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

/// Whether every chain of definitions the programmes reach is at most
/// [`MAX_CHAIN`] long (and none is a cycle, which the checker already forbids).
pub(crate) fn chains_bounded(low: &Lowered) -> bool {
    walk(low).is_some()
}

/// Depth-first from every programme; `None` past the bound or on a cycle.
fn walk(low: &Lowered) -> Option<()> {
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
                // One more than its deepest dependency's (a leaf: 1).
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
                walk.pop();
            }
        }
    }
    Some(())
}
