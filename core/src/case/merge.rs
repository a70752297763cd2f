//! Merging two logs of one case, written on two devices while offline.
//!
//! The merge keeps every event. An event both logs hold (the same `id` and
//! content, or the same content when it has no `id`; the k-th copy in one log
//! matches the k-th in the other) is kept once; two versions of one `id` are
//! both kept, the one with the smaller text applied, the other a conflict. The merged order respects the order of
//! each log, and where the logs leave it open, puts the earlier date first and
//! then the smaller event text — so it depends only on the two logs' contents,
//! never on which is given first. Then the merged log is replayed: an event
//! the case no longer allows (the same step completed on both devices, a
//! second `opened`), and a `facts` event contradicting one from the other
//! device, is kept with a `"conflict"` saying why, and not applied. A person
//! settles each conflict with a new event; nothing is silently picked.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::event::{Event, EventJson, EventKind};
use super::run::{Case, CaseOptions};
use super::CaseError;
use crate::screen::Engine;

/// A merged log and what could not be reconciled. A conflict whose event
/// carries a `"conflict"` field was not applied; one about the order of events
/// (the logs disagree) leaves its event applied.
#[derive(Debug, Clone)]
pub struct Merged {
    /// Every event of both logs, each once, in the merged order; lines
    /// numbered from 1 in that order.
    pub events: Vec<Event>,
    pub conflicts: Vec<MergeConflict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeConflict {
    /// The event's line in the merged log.
    pub line: usize,
    pub reason: String,
}

impl Merged {
    /// The merged log as JSON lines.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            out.push_str(&e.to_json_line());
            out.push('\n');
        }
        out
    }
}

/// What identifies an event across devices: its `id`, or its content.
fn identity(e: &EventJson) -> String {
    match &e.id {
        Some(id) => format!("id:{id}"),
        None => {
            let mut plain = e.clone();
            plain.conflict = None;
            json_text(&plain)
        }
    }
}

/// An event's JSON text.
fn json_text(e: &EventJson) -> String {
    let text = serde_json::to_string(e);
    debug_assert!(
        text.is_ok(),
        "an EventJson serialises: its fields are texts and JSON values, whose keys are texts"
    );
    text.unwrap_or_default()
}

/// Which log an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
    Both,
}

/// The events of both logs, each once, and the order each log gives them.
#[derive(Default)]
struct Graph {
    /// Each event (its `conflict` dropped), the log it came from, its text.
    nodes: Vec<(EventJson, Side, String)>,
    /// The events that follow each in a log.
    edges: Vec<BTreeSet<usize>>,
    indegree: Vec<usize>,
    /// Pairs of events with the same `id` and different content (edited on
    /// one device): both are kept, as two events.
    versions: Vec<(usize, usize)>,
}

impl Graph {
    /// Both logs' events, an event both hold kept once.
    fn of(a: &[Event], b: &[Event]) -> Graph {
        let mut g = Graph::default();
        // Unique events: (identity, copy) → index into `nodes`.
        let mut index: HashMap<(String, usize), usize> = HashMap::new();
        for (log, side) in [(a, Side::A), (b, Side::B)] {
            let mut copies: HashMap<String, usize> = HashMap::new();
            let mut prev: Option<usize> = None;
            for e in log {
                let mut json = e.json.clone();
                json.conflict = None;
                let id = identity(&json);
                let copy = copies.entry(id.clone()).or_insert(0);
                let key = (id, *copy);
                *copy += 1;
                let text = json_text(&json);
                let same = index.get(&key).copied();
                let n = match same {
                    Some(n) if g.nodes.get(n).is_some_and(|node| node.2 == text) => {
                        if let Some(node) = g.nodes.get_mut(n) {
                            node.1 = Side::Both;
                        }
                        n
                    }
                    _ => {
                        let new = g.push(json, side, text);
                        match same {
                            Some(n) => g.versions.push((n, new)),
                            None => {
                                index.insert(key, new);
                            }
                        }
                        new
                    }
                };
                if let Some(p) = prev {
                    g.follows(p, n);
                }
                prev = Some(n);
            }
        }
        g
    }

    fn push(&mut self, json: EventJson, side: Side, text: String) -> usize {
        self.nodes.push((json, side, text));
        self.edges.push(BTreeSet::new());
        self.indegree.push(0);
        self.nodes.len() - 1
    }

    /// `n` follows `p` in a log.
    fn follows(&mut self, p: usize, n: usize) {
        if p != n && self.edges.get_mut(p).is_some_and(|s| s.insert(n)) {
            if let Some(d) = self.indegree.get_mut(n) {
                *d += 1;
            }
        }
    }

    /// The merged order (Kahn's algorithm, taking the smallest (date, text)
    /// ready event; if the logs order some events differently (a cycle), the
    /// smallest remaining), and which events were placed so, by their date.
    fn order(&self) -> (Vec<usize>, Vec<bool>) {
        let nodes = &self.nodes;
        let mut indegree = self.indegree.clone();
        // Keys borrow the events' date and text.
        let key = |n: usize| nodes.get(n).map(|(j, _, t)| (j.at.as_str(), t.as_str()));
        let mut ready: BTreeSet<(Option<(&str, &str)>, usize)> = (0..nodes.len())
            .filter(|n| indegree.get(*n) == Some(&0))
            .map(|n| (key(n), n))
            .collect();
        let mut placed = vec![false; nodes.len()];
        let mut order = Vec::with_capacity(nodes.len());
        let mut reordered = vec![false; nodes.len()];
        // Every event not yet placed, smallest first: logs that disagree on the
        // order of every event (one the reverse of the other) take one lookup
        // per event here, not a scan of the whole log each.
        let mut unplaced: BTreeSet<(Option<(&str, &str)>, usize)> =
            (0..nodes.len()).map(|n| (key(n), n)).collect();
        while order.len() < nodes.len() {
            let next = match ready.pop_first() {
                Some((_, n)) => n,
                None => {
                    let Some((_, n)) = unplaced.pop_first() else {
                        break;
                    };
                    if let Some(r) = reordered.get_mut(n) {
                        *r = true;
                    }
                    n
                }
            };
            if placed.get(next).copied().unwrap_or(true) {
                continue;
            }
            if let Some(p) = placed.get_mut(next) {
                *p = true;
            }
            unplaced.remove(&(key(next), next));
            order.push(next);
            for &m in self.edges.get(next).into_iter().flatten() {
                if let Some(d) = indegree.get_mut(m) {
                    *d = d.saturating_sub(1);
                    if *d == 0 && !placed.get(m).copied().unwrap_or(true) {
                        ready.insert((key(m), m));
                    }
                }
            }
        }
        (order, reordered)
    }

    /// Of two versions of one event, the one with the smaller text is applied
    /// and the other kept as a conflict, whichever log came first: each
    /// other version, with the one kept.
    fn kept_versions(&self) -> HashMap<usize, usize> {
        let text = |n: usize| self.nodes.get(n).map(|node| node.2.as_str());
        self.versions
            .iter()
            .map(|&(x, y)| if text(x) <= text(y) { (y, x) } else { (x, y) })
            .collect()
    }
}

impl Engine {
    /// Merges two logs of one case (see the module's documentation).
    pub fn merge_logs(
        &self,
        a: &[Event],
        b: &[Event],
        options: CaseOptions<'_>,
    ) -> Result<Merged, CaseError> {
        for log in [a, b] {
            if let Some(past) = log.get(crate::limits::MAX_EVENTS) {
                return Err(super::event::too_many_events(past.line));
            }
        }
        let graph = Graph::of(a, b);
        let (order, reordered) = graph.order();
        let mut line_of = vec![0usize; graph.nodes.len()];
        for (i, n) in order.iter().enumerate() {
            if let Some(l) = line_of.get_mut(*n) {
                *l = i + 1;
            }
        }
        let version_of = graph.kept_versions();
        self.replay_merged(&graph, &order, &reordered, &line_of, &version_of, options)
    }

    /// The merged log replayed, keeping what cannot apply as a conflict.
    fn replay_merged(
        &self,
        graph: &Graph,
        order: &[usize],
        reordered: &[bool],
        line_of: &[usize],
        version_of: &HashMap<usize, usize>,
        options: CaseOptions<'_>,
    ) -> Result<Merged, CaseError> {
        let mut events: Vec<Event> = Vec::with_capacity(order.len());
        let mut conflicts = Vec::new();
        let mut case: Option<Case<'_>> = None;
        // The last `facts` value of each field set by each side alone.
        let mut facts_by: HashMap<String, (Side, serde_json::Value, usize)> = HashMap::new();
        for (i, n) in order.iter().enumerate() {
            let line = i + 1;
            let Some((json, side, _)) = graph.nodes.get(*n) else {
                continue;
            };
            let mut event = Event::from_json(line, json.clone())?;
            let mut why: Option<String> = version_of.get(n).map(|kept| {
                let kept_line = line_of.get(*kept).copied().unwrap_or(0);
                debug_assert!(kept_line > 0, "every event is placed, so has a line");
                format!(
                    "another version of the event on line {kept_line} (the same `id`, edited on one device); record what is right in a new event"
                )
            });
            // Reported, but applied if it can be: the order is a guess to check.
            if reordered.get(*n).copied().unwrap_or(false) {
                conflicts.push(MergeConflict {
                    line,
                    reason: "the two logs order this event differently; it is placed by its date"
                        .to_string(),
                });
            }
            if event.kind == EventKind::Facts && *side != Side::Both {
                if let Some(serde_json::Value::Object(set)) = &json.set {
                    for (k, v) in set {
                        if let Some((other, was, at)) = facts_by.get(k) {
                            if *other != *side && *other != Side::Both && was != v {
                                // The values are in the two events; a reason,
                                // which may be logged, does not repeat them.
                                why = Some(format!(
                                    "contradicts line {at} from the other device, which sets `{k}` to another value; record the right value in a new `facts` event"
                                ));
                            }
                        }
                    }
                }
            }
            let outcome = match (&mut case, &why) {
                (_, Some(_)) => Err(()),
                (None, None) => match Case::open(self, event.clone(), options) {
                    Ok(c) => {
                        case = Some(c);
                        Ok(())
                    }
                    Err(e) => {
                        why = Some(format!("{}: {}", e.code, e.message));
                        Err(())
                    }
                },
                (Some(c), None) => c.apply(event.clone()).map_err(|e| {
                    why = Some(format!("{}: {}", e.code, e.message));
                }),
            };
            if outcome.is_ok() && event.kind == EventKind::Facts {
                if let Some(serde_json::Value::Object(set)) = &json.set {
                    for (k, v) in set {
                        facts_by.insert(k.clone(), (*side, v.clone(), line));
                    }
                }
            }
            if let Some(reason) = why {
                event.json.conflict = Some(reason.clone());
                if let Some(c) = case.as_mut() {
                    c.conflicts.push((line, reason.clone()));
                }
                conflicts.push(MergeConflict { line, reason });
            }
            events.push(event);
        }
        Ok(Merged { events, conflicts })
    }
}
