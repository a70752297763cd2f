//! `docs/ARCHITECTURE.md`'s module tables match the folders: every room of
//! `core/src` is a row of "The rooms of `accord-core`", every file of a room's
//! folder is a row of that room's table (a section titled with the folder,
//! "## Screening (`core/src/screen/`)"), and no row names a file that is not there.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test's unwrap, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names in backticks of a table row's first cell: "| `facts.rs`, `facts_json.rs` | …".
fn first_cell_names(line: &str) -> Vec<String> {
    let Some(rest) = line.strip_prefix("| ") else {
        return Vec::new();
    };
    let cell = rest.split(" |").next().unwrap_or("");
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The first-cell names of the table that follows `heading` (up to the next heading).
fn table_after(doc: &str, heading: &str) -> BTreeSet<String> {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no heading {heading:?}"));
    let body = &doc[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end]
        .lines()
        .flat_map(first_cell_names)
        .filter(|n| n != "Module" && n != "Room")
        .collect()
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            match e.path().is_dir() {
                true => format!("{name}/"),
                false => name,
            }
        })
        .filter(|n| n.ends_with('/') || n.ends_with(".rs"))
        .collect()
}

#[test]
fn the_rooms_table_lists_every_room() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let listed = table_after(&doc, "## The rooms of `accord-core`");
    let mut present = entries(&root().join("core/src"));
    present.remove("lib.rs");
    assert_eq!(
        listed, present,
        "the rooms table of docs/ARCHITECTURE.md and core/src differ"
    );
}

#[test]
fn each_room_table_lists_the_files_of_its_folder() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    let rooms: Vec<String> = entries(&root().join("core/src"))
        .into_iter()
        .filter(|e| e.ends_with('/'))
        .collect();
    assert!(rooms.len() >= 6, "{rooms:?}");
    for room in rooms {
        let heading = doc
            .lines()
            .find(|l| l.starts_with("## ") && l.ends_with(&format!("(`core/src/{room}`)")))
            .unwrap_or_else(|| panic!("ARCHITECTURE.md has no section for `core/src/{room}`"));
        let listed = table_after(&doc, heading);
        let present = entries(&root().join("core/src").join(&room));
        assert_eq!(
            listed, present,
            "the table of `core/src/{room}` in docs/ARCHITECTURE.md and the folder differ"
        );
    }
}
