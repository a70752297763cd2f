//! Graph checks: cycles among definitions, and protocol workflows (cycles through
//! `after`, steps that can never become ready, reaching `close`, roles that never
//! act), and parameters that go out of force while others a programme reads stay.

use std::collections::{HashMap, HashSet, VecDeque};

use accord_grammar::ast::{ProtocolItem, StepItem};
use petgraph::graph::{DiGraph, NodeIndex};

use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// A shortest cycle through `start` inside its strongly connected component, as
/// node indexes starting and ending at `start`.
fn cycle_through<N, E>(
    g: &DiGraph<N, E>,
    start: NodeIndex,
    in_scc: &dyn Fn(NodeIndex) -> bool,
) -> Vec<NodeIndex> {
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        // Neighbours in insertion order, for stable messages.
        let mut next: Vec<NodeIndex> = g.neighbors(n).collect();
        next.reverse();
        for m in next {
            if m == start {
                let mut path = vec![start];
                let mut cur = n;
                while cur != start {
                    path.push(cur);
                    match prev.get(&cur) {
                        Some(p) => cur = *p,
                        None => break,
                    }
                }
                path.push(start);
                // Built backwards from the end; the start stays first.
                let len = path.len();
                if let Some(mid) = path.get_mut(1..len.saturating_sub(1)) {
                    mid.reverse();
                }
                return path;
            }
            if in_scc(m) && !prev.contains_key(&m) && m != start {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    vec![start, start]
}

impl<'a> Checker<'a> {
    /// The name of a definition the checker itself put in the dependency graph,
    /// so it is always found.
    fn def_name(&self, n: DefNode) -> String {
        let name = self.find_def_name(n);
        debug_assert!(
            name.is_some(),
            "INVARIANT: a graph node names a definition of the model"
        );
        name.unwrap_or_default()
    }

    fn find_def_name(&self, n: DefNode) -> Option<String> {
        match n {
            DefNode::Let(e, i) => self
                .out
                .entities
                .get(e.0)
                .and_then(|d| d.lets.get(i).map(|l| format!("{}.{}", d.name, l.name))),
            DefNode::Eligible(p) => self
                .out
                .programs
                .get(p.0)
                .map(|d| format!("eligible({})", d.name)),
            DefNode::Amount(p) => self
                .out
                .programs
                .get(p.0)
                .map(|d| format!("amount({})", d.name)),
            DefNode::Score(a, s) => self
                .out
                .assessments
                .get(a.0)
                .and_then(|d| d.scores.get(s).map(|x| format!("{}.{}", d.name, x.name))),
        }
    }

    /// Source order of a definition: file, position, then eligibility before amount.
    fn def_key(&self, n: DefNode) -> (usize, usize, usize) {
        let loc = |l: Option<Loc>| l.map_or((usize::MAX, usize::MAX), |l| (l.file, l.span.start));
        let ((f, s), k) = match n {
            DefNode::Let(e, i) => (
                loc(self
                    .out
                    .entities
                    .get(e.0)
                    .and_then(|d| d.lets.get(i))
                    .map(|l| l.loc)),
                0,
            ),
            DefNode::Eligible(p) => (loc(self.out.programs.get(p.0).map(|d| d.loc)), 0),
            DefNode::Amount(p) => (loc(self.out.programs.get(p.0).map(|d| d.loc)), 1),
            DefNode::Score(a, i) => (loc(self.out.assessments.get(a.0).map(|d| d.loc)), i),
        };
        (f, s, k)
    }

    /// W0140: a parameter, scale or dated table that goes out of force for good
    /// (its last item is `until` or a `from DATE:` with nothing under it) while
    /// another parameter, scale or dated table read by the same programme stays
    /// in force after that day, so from then on the programme is unknown. Once
    /// per ended one, naming the first such programme. Reads through `let`s,
    /// other programmes, scores and table cells count; reads under an `if` on
    /// `today` or inside a formula in versions by date do not. A formula whose
    /// versions end is the rule itself ending: never warned about.
    /// Like the unused-declaration warnings, it waits until the ruleset has no
    /// error: a refused `from` or `until` line would change where values end.
    pub(super) fn warn_uneven_ends(&mut self) {
        if self.syntax_errors
            || self
                .diags
                .iter()
                .any(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return;
        }
        // The day each parameter and each scale is out of force from, for good
        // (`None`: open).
        let ends: Vec<Option<jiff::civil::Date>> = self
            .out
            .parameters
            .iter()
            .map(|p| p.values.last().filter(|v| v.end.is_some()).map(|v| v.from))
            .collect();
        let scale_ends: Vec<Option<jiff::civil::Date>> = self
            .out
            .scales
            .iter()
            .map(|s| {
                s.versions
                    .last()
                    .filter(|v| v.brackets.is_empty())
                    .and_then(|v| v.from)
            })
            .collect();
        let table_ends: Vec<Option<jiff::civil::Date>> = self
            .out
            .tables
            .iter()
            .map(|t| {
                t.versions
                    .last()
                    .filter(|v| v.end.is_some())
                    .map(|v| v.from)
            })
            .collect();
        if ends
            .iter()
            .chain(&scale_ends)
            .chain(&table_ends)
            .all(Option::is_none)
        {
            return;
        }
        // Reads inside an `if` on the date do not count: a formula chosen by date
        // reads each parameter only while it is in force.
        let (g_params, g_tables, g_deps) = &self.date_guarded;
        let mut edges: HashMap<DefNode, Vec<DefNode>> = HashMap::new();
        for (i, (from, to, _)) in self.deps.iter().enumerate() {
            if !g_deps.contains(&i) {
                edges.entry(*from).or_default().push(*to);
            }
        }
        let mut reads: HashMap<DefNode, Vec<ParamId>> = HashMap::new();
        let mut tables_read: HashMap<DefNode, Vec<TableId>> = HashMap::new();
        let mut scales_read: HashMap<DefNode, Vec<ScaleId>> = HashMap::new();
        for (i, (d, p)) in self.param_reads.iter().enumerate() {
            if !g_params.contains(&i) {
                reads.entry(*d).or_default().push(*p);
            }
        }
        for (i, (d, t)) in self.table_reads.iter().enumerate() {
            if !g_tables.contains(&i) {
                for p in self.table_parameters(*t) {
                    reads.entry(*d).or_default().push(p);
                }
                tables_read.entry(*d).or_default().push(*t);
            }
        }
        for (i, (d, s)) in self.scale_reads.iter().enumerate() {
            if !self.scales_guarded.contains(&i) {
                for p in self.scale_parameters(*s) {
                    reads.entry(*d).or_default().push(p);
                }
                scales_read.entry(*d).or_default().push(*s);
            }
        }
        // Parameters, scales and tables warned about (by kind and index), each once.
        let mut warned: HashSet<(Ending, usize)> = HashSet::new();
        for pi in 0..self.out.programs.len() {
            let prog = ProgramId(pi);
            // Everything dated the programme reads, through any definition.
            let mut seen: HashSet<DefNode> = HashSet::new();
            let mut stack = vec![DefNode::Eligible(prog), DefNode::Amount(prog)];
            let mut used: Vec<ParamId> = Vec::new();
            let mut tables: Vec<TableId> = Vec::new();
            let mut scales: Vec<ScaleId> = Vec::new();
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                used.extend(reads.get(&n).into_iter().flatten().copied());
                tables.extend(tables_read.get(&n).into_iter().flatten().copied());
                scales.extend(scales_read.get(&n).into_iter().flatten().copied());
                stack.extend(edges.get(&n).into_iter().flatten().copied());
            }
            used.sort_by_key(|p| p.0);
            used.dedup();
            tables.sort_by_key(|t| t.0);
            tables.dedup();
            scales.sort_by_key(|s| s.0);
            scales.dedup();
            // What ends: (its kind, its index, the day, what it is called, where).
            let ending: Vec<(Ending, usize, jiff::civil::Date, String, Loc)> = used
                .iter()
                .filter_map(|a| {
                    let end = ends.get(a.0).copied().flatten()?;
                    let d = self.out.parameters.get(a.0)?;
                    Some((
                        Ending::Parameter,
                        a.0,
                        end,
                        format!("parameter `{}`", d.name),
                        d.loc,
                    ))
                })
                .chain(scales.iter().filter_map(|s| {
                    let end = scale_ends.get(s.0).copied().flatten()?;
                    let d = self.out.scales.get(s.0)?;
                    Some((
                        Ending::Scale,
                        s.0,
                        end,
                        format!("scale `{}`", d.name),
                        d.loc,
                    ))
                }))
                .chain(tables.iter().filter_map(|t| {
                    let end = table_ends.get(t.0).copied().flatten()?;
                    let d = self.out.tables.get(t.0)?;
                    Some((
                        Ending::Table,
                        t.0,
                        end,
                        format!("table `{}`", d.name),
                        d.loc,
                    ))
                }))
                .collect();
            for (kind, index, end, what, loc) in ending {
                if warned.contains(&(kind, index)) {
                    continue;
                }
                // Another parameter of the programme with a value on that day, a
                // scale with brackets in force then, or a dated table with rows
                // in force then.
                let other_param = used.iter().find_map(|b| {
                    self.out
                        .parameters
                        .get(b.0)
                        .filter(|d| {
                            d.values
                                .iter()
                                .rev()
                                .find(|v| v.from <= end)
                                .is_some_and(|v| v.end.is_none())
                        })
                        .map(|d| format!("`{}`", d.name))
                });
                let other_scale = || {
                    scales.iter().find_map(|s| {
                        self.out
                            .scales
                            .get(s.0)
                            .filter(|d| {
                                (kind != Ending::Scale || s.0 != index)
                                    && d.in_force(end).is_some_and(|(_, v)| !v.brackets.is_empty())
                            })
                            .map(|d| format!("scale `{}`", d.name))
                    })
                };
                let other_table = || {
                    tables.iter().find_map(|t| {
                        self.out
                            .tables
                            .get(t.0)
                            .filter(|d| {
                                (kind != Ending::Table || t.0 != index)
                                    && !d.versions.is_empty()
                                    && d.in_force(end).is_some()
                            })
                            .map(|d| format!("table `{}`", d.name))
                    })
                };
                let other = other_param.or_else(other_scale).or_else(other_table);
                let Some(other) = other else {
                    continue;
                };
                warned.insert((kind, index));
                let Some(pd) = self.out.programs.get(pi) else {
                    continue;
                };
                let renew = match (what.split_once(' '), kind) {
                    (Some((_, name)), Ending::Scale) => {
                        format!("{name} a new version (`from {end}:` with its brackets)")
                    }
                    (Some((_, name)), Ending::Table) => {
                        format!("{name} a new version (`from {end}:` with its rows)")
                    }
                    (Some((_, name)), Ending::Parameter) => {
                        format!("{name} its new value (`from {end}: …`)")
                    }
                    (None, _) => String::new(),
                };
                let d = Diagnostic::warning(
                    Code::W0140,
                    loc.file,
                    loc.span,
                    format!(
                        "{what} is out of force from {end}, but {other}, used with it by programme `{}`, stays in force after that day",
                        pd.name
                    ),
                )
                .with_help(format!(
                    "from {end} programme `{}` cannot be decided: give {renew}, or end {other} too if the programme ends",
                    pd.name
                ));
                self.emit(d);
            }
        }
    }

    /// The parameters a scale's brackets name.
    fn scale_parameters(&self, s: ScaleId) -> Vec<ParamId> {
        let Some(def) = self.out.scales.get(s.0) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for b in def.versions.iter().flat_map(|v| &v.brackets) {
            for o in [&b.threshold, &b.value] {
                if let Operand::Param(p) = o {
                    out.push(*p);
                }
            }
        }
        out
    }

    /// The parameters a table's cells and results name.
    fn table_parameters(&self, t: TableId) -> Vec<ParamId> {
        let Some(def) = self.out.tables.get(t.0) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut add = |o: &Operand| {
            if let Operand::Param(p) = o {
                out.push(*p);
            }
        };
        for each in def.each.iter().flatten() {
            add(&each.add);
        }
        for row in &def.rows {
            add(&row.result);
            for cell in &row.cells {
                match cell {
                    CellTest::Any => {}
                    CellTest::Compare(_, o) => add(o),
                    CellTest::Range(a, b) => {
                        add(a);
                        add(b);
                    }
                    CellTest::Set(os) => os.iter().for_each(&mut add),
                }
            }
        }
        out
    }

    /// E0306: each cycle among lets, programmes and scores, once, with its path.
    pub(super) fn check_cycles(&mut self) {
        let mut g: DiGraph<DefNode, Loc> = DiGraph::new();
        let mut ix: HashMap<DefNode, NodeIndex> = HashMap::new();
        let deps = std::mem::take(&mut self.deps);
        for (from, to, loc) in &deps {
            let a = *ix.entry(*from).or_insert_with(|| g.add_node(*from));
            let b = *ix.entry(*to).or_insert_with(|| g.add_node(*to));
            if g.find_edge(a, b).is_none() {
                g.add_edge(a, b, *loc);
            }
        }
        let mut sccs = petgraph::algo::tarjan_scc(&g);
        // Start each cycle at the definition written first.
        let key = |n: &NodeIndex| g.node_weight(*n).map(|d| self.def_key(*d));
        sccs.iter_mut().for_each(|s| s.sort_by_key(key));
        sccs.sort_by_key(|s| s.first().and_then(key));
        for scc in sccs {
            let Some(&start) = scc.first() else { continue };
            let cyclic = scc.len() > 1 || g.find_edge(start, start).is_some();
            if !cyclic {
                continue;
            }
            let path = cycle_through(&g, start, &|n| scc.contains(&n));
            let names: Vec<String> = path
                .iter()
                .filter_map(|n| g.node_weight(*n))
                .map(|d| format!("`{}`", self.def_name(*d)))
                .collect();
            let loc = path
                .get(1)
                .and_then(|next| g.find_edge(start, *next))
                .and_then(|e| g.edge_weight(e))
                .copied();
            debug_assert!(
                loc.is_some(),
                "INVARIANT: a cycle's path starts with an edge of the graph out of `start`"
            );
            let loc = loc.unwrap_or_default();
            self.emit(
                Diagnostic::error(
                    Code::E0306,
                    loc.file,
                    loc.span,
                    format!(
                        "these definitions depend on each other in a cycle: {}",
                        names.join(" → ")
                    ),
                )
                .with_help("break the cycle: one of them must be computed without the others"),
            );
        }
    }

    pub(super) fn check_protocol_graphs(&mut self) {
        let mut found = Vec::new();
        for p in &self.out.protocols {
            let file = p.loc.file;
            let n = p.steps.len();
            let mut g: DiGraph<usize, ()> = DiGraph::new();
            let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_node(i)).collect();
            for (si, s) in p.steps.iter().enumerate() {
                for &a in &s.after {
                    if let (Some(&x), Some(&y)) = (nodes.get(si), nodes.get(a)) {
                        g.add_edge(x, y, ());
                    }
                }
            }
            let mut in_cycle = vec![false; n];
            let mut sccs = petgraph::algo::tarjan_scc(&g);
            sccs.iter_mut().for_each(|s| s.sort());
            sccs.sort_by_key(|s| s.first().copied());
            for scc in &sccs {
                let Some(&start) = scc.first() else { continue };
                if !(scc.len() > 1 || g.find_edge(start, start).is_some()) {
                    continue;
                }
                for x in scc {
                    if let Some(c) = in_cycle.get_mut(x.index()) {
                        *c = true;
                    }
                }
                let path = cycle_through(&g, start, &|m| scc.contains(&m));
                let names: Vec<String> = path
                    .iter()
                    .filter_map(|i| p.steps.get(i.index()))
                    .map(|s| format!("`{}`", s.name))
                    .collect();
                // Each edge of the path is an `after` written in its first step:
                // the last one closes the cycle, the others lead to it.
                let after_at = |from: NodeIndex, to: NodeIndex| {
                    let s = p.steps.get(from.index())?;
                    let k = s.after.iter().position(|a| *a == to.index())?;
                    s.after_spans.get(k).copied()
                };
                let edges: Vec<(NodeIndex, NodeIndex)> = path
                    .windows(2)
                    .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
                    .collect();
                let (leading, closing) = match edges.split_last() {
                    Some((last, rest)) => (rest, Some(*last)),
                    None => (&[][..], None),
                };
                let span = closing
                    .and_then(|(from, to)| after_at(from, to))
                    .or_else(|| p.steps.get(start.index()).map(|s| s.span))
                    .unwrap_or(p.loc.span);
                let mut d = Diagnostic::error(
                    Code::E0503,
                    file,
                    span,
                    format!(
                        "steps wait for each other in a cycle through `after`: {}",
                        names.join(" → ")
                    ),
                )
                .with_help("remove one `after` so the steps can start in order");
                for &(from, to) in leading {
                    let (Some(at), Some(x), Some(y)) = (
                        after_at(from, to),
                        p.steps.get(from.index()),
                        p.steps.get(to.index()),
                    ) else {
                        continue;
                    };
                    d = d.with_related(file, at, format!("`{}` comes after `{}`", x.name, y.name));
                }
                found.push(d);
            }
            // Kahn's algorithm: a step becomes ready once every step it comes after can.
            let mut waiting: Vec<usize> = p.steps.iter().map(|s| s.after.len()).collect();
            let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
            for (si, s) in p.steps.iter().enumerate() {
                for &a in &s.after {
                    if let Some(d) = dependants.get_mut(a) {
                        d.push(si);
                    }
                }
            }
            let mut ready = vec![false; n];
            let mut queue: VecDeque<usize> =
                (0..n).filter(|i| waiting.get(*i) == Some(&0)).collect();
            while let Some(s) = queue.pop_front() {
                if let Some(r) = ready.get_mut(s) {
                    *r = true;
                }
                for &d in dependants.get(s).into_iter().flatten() {
                    if let Some(w) = waiting.get_mut(d) {
                        *w = w.saturating_sub(1);
                        if *w == 0 {
                            queue.push_back(d);
                        }
                    }
                }
            }
            let closers: Vec<usize> = (0..n)
                .filter(|i| p.steps.get(*i).is_some_and(|s| s.closes))
                .collect();
            for (si, s) in p.steps.iter().enumerate() {
                if ready.get(si).copied().unwrap_or(true)
                    || in_cycle.get(si).copied().unwrap_or(false)
                    || closers.contains(&si)
                {
                    continue;
                }
                let blocker = s
                    .after
                    .iter()
                    .find(|a| !ready.get(**a).copied().unwrap_or(true))
                    .and_then(|a| p.steps.get(*a));
                let why = blocker.map_or(String::new(), |b| {
                    format!(
                        ": it comes after `{}`, which can never become ready",
                        b.name
                    )
                });
                found.push(
                    Diagnostic::error(Code::E0504, file, s.span, format!("step `{}` can never become ready{why}", s.name))
                        .with_help("make every step it comes `after` reachable from the protocol's first steps"),
                );
            }
            if closers.is_empty() {
                found.push(
                    Diagnostic::error(
                        Code::E0505,
                        file,
                        p.loc.span,
                        format!("protocol `{}` has no closing step", p.name),
                    )
                    .with_help("add `step close \"Close the case\" { by ROLE  after … }`, or mark a step that closes the case with `closes`"),
                );
            }
            for &c in &closers {
                if ready.get(c).copied().unwrap_or(true) {
                    continue;
                }
                let Some(s) = p.steps.get(c) else { continue };
                let message = match s.name.as_str() {
                    "close" => format!(
                        "the `close` step of protocol `{}` can never be reached",
                        p.name
                    ),
                    name => format!(
                        "the closing step `{name}` of protocol `{}` can never be reached",
                        p.name
                    ),
                };
                found.push(
                    Diagnostic::error(Code::E0505, file, s.span, message).with_help(format!(
                        "make `{}` come after steps that can become ready, without cycles",
                        s.name
                    )),
                );
            }
        }
        self.diags.extend(found);
        self.warn_idle_roles();
    }

    /// W0108: a role that no step is done `by` and no `escalate to` names. Names
    /// are compared as written; a protocol whose `by` or `escalate to` names no
    /// role (`E0111`) is skipped, so a misspelling does not also make the role
    /// it meant look idle.
    fn warn_idle_roles(&mut self) {
        let mut found = Vec::new();
        for (pi, p) in self.out.protocols.iter().enumerate() {
            let Some(&(file, decl)) = self.protocol_ast.get(pi) else {
                continue;
            };
            if decl.name.name != p.name {
                continue;
            }
            let mut acting: Vec<&str> = Vec::new();
            for item in &decl.items {
                match item {
                    ProtocolItem::Step(s) => {
                        for i in &s.items {
                            match i {
                                StepItem::By(r, _) | StepItem::Escalate { to: r, .. } => {
                                    acting.push(&r.name)
                                }
                                _ => {}
                            }
                        }
                    }
                    ProtocolItem::Escalate { to, .. } => acting.push(&to.name),
                    _ => {}
                }
            }
            if acting.iter().any(|a| !p.roles.iter().any(|r| r.name == *a)) {
                continue;
            }
            let mut seen: Vec<&str> = Vec::new();
            for r in decl.roles() {
                let name = r.name.name.as_str();
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                if acting.contains(&name) {
                    continue;
                }
                found.push(
                        Diagnostic::warning(
                            Code::W0108,
                            file,
                            r.name.span,
                            format!(
                                "role `{name}` never acts: no step is done by it and no escalation goes to it"
                            ),
                        )
                        .with_help(format!(
                            "give it a step (`by {name}`), send escalations to it (`escalate to {name} when overdue by …`), or remove it"
                        )),
                    );
            }
        }
        self.diags.extend(found);
    }
}

/// What W0140 finds ending: a parameter, a scale or a dated table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ending {
    Parameter,
    Scale,
    Table,
}
