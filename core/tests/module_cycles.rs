//! No cycle between the rooms of `core/src` (its top-level modules: `check`,
//! `screen`, `assess`, `providers`, `case`, `facade`, …), nor between the
//! modules of one room (`screen/lower.rs` and `screen/value.rs`, …): each room
//! can be read, and changed, knowing only the rooms below it.
//!
//! The test reads the source: every `crate::NAME` path outside comments is an
//! edge from the file's room to room `NAME`; inside a room's folder, every
//! `super::NAME` and `crate::ROOM::NAME` naming a sibling file is an edge
//! between the two modules (`mod.rs`, the room itself, is left out: it declares
//! its modules and re-exports them).

// Test helpers may unwrap and index: a failure there is a failing test.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (`//`, `///`, `//!` to the end of
/// the line), so that doc links are not counted as uses.
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every identifier following `prefix` in `text` (`crate::` → `screen`, …).
fn after<'t>(text: &'t str, prefix: &str) -> Vec<&'t str> {
    text.match_indices(prefix)
        .filter(|(at, _)| {
            // `crate::` itself, not `super::crate::`-like tails of longer names.
            let before = text[..*at].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// The rooms: `core/src`'s folders and files, `lib.rs` aside.
fn rooms() -> BTreeMap<String, PathBuf> {
    fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (name != "lib").then_some((name, p))
        })
        .collect()
}

fn room_graph() -> Graph {
    let rooms = rooms();
    let mut graph = Graph::new();
    for (room, path) in &rooms {
        let mut files = vec![];
        if path.is_dir() {
            rust_files(path, &mut files);
        } else {
            files.push(path.clone());
        }
        let edges = graph.entry(room.clone()).or_default();
        for file in files {
            for name in after(&code(&file), "crate::") {
                if name != room && rooms.contains_key(name) {
                    edges.insert(name.to_owned());
                }
            }
        }
    }
    graph
}

/// The modules of one room's folder (its files and sub-folders but `mod.rs`)
/// and their uses of each other.
fn module_graph(room: &str, dir: &Path) -> Graph {
    let modules: BTreeSet<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_owned))
        .filter(|name| name != "mod")
        .collect();
    let mut graph = Graph::new();
    for module in &modules {
        let mut files = vec![];
        let file = dir.join(format!("{module}.rs"));
        if file.is_file() {
            files.push(file);
        }
        let sub = dir.join(module);
        if sub.is_dir() {
            rust_files(&sub, &mut files);
        }
        let edges = graph.entry(module.clone()).or_default();
        for file in files {
            let text = code(&file);
            let mut names = after(&text, "super::");
            names.extend(after(&text, &format!("crate::{room}::")));
            for name in names {
                if name != module && modules.contains(name) {
                    edges.insert(name.to_owned());
                }
            }
        }
    }
    graph
}

/// A cycle of `graph`, as the path that closes it (`a → b → a`), if any.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, done, path) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut vec![]))
}

#[test]
fn no_cycle_between_rooms() {
    let graph = room_graph();
    // The reading is real: the rooms that exist use each other.
    assert!(graph["screen"].contains("check"), "{graph:?}");
    assert!(graph["facade"].contains("screen"), "{graph:?}");
    if let Some(found) = cycle(&graph) {
        panic!(
            "the rooms of core/src use each other in a cycle: {}",
            found.join(" → ")
        );
    }
}

#[test]
fn no_cycle_between_the_modules_of_a_room() {
    let mut read = 0;
    for (room, path) in rooms() {
        if !path.is_dir() {
            continue;
        }
        let graph = module_graph(&room, &path);
        read += graph.values().map(BTreeSet::len).sum::<usize>();
        if let Some(found) = cycle(&graph) {
            panic!(
                "the modules of core/src/{room}/ use each other in a cycle: {}",
                found.join(" → ")
            );
        }
    }
    assert!(read > 0, "no use between modules was found");
}

#[test]
fn a_cycle_is_named() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .fold(Graph::new(), |mut g, (from, to)| {
            g.entry(from.into()).or_default().insert(to.into());
            g
        });
    assert_eq!(cycle(&graph).unwrap().join(" → "), "a → b → c → a");
    let acyclic: Graph =
        [("a", "b"), ("b", "c"), ("a", "c")]
            .into_iter()
            .fold(Graph::new(), |mut g, (from, to)| {
                g.entry(from.into()).or_default().insert(to.into());
                g
            });
    assert_eq!(cycle(&acyclic), None);
}
