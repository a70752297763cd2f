//! The documents the editor has open and the rulesets they belong to: one per
//! folder, every `.accord` file of it, open ones as the editor holds them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use accord_core::ide::{Analysis, Lines};
use accord_core::SourceFile;

use crate::convert::{path_to_uri, uri_to_path};

/// One ruleset: a folder's files, analysed together.
pub struct Ruleset {
    /// The files' URIs; the index is the file's index in the analysis.
    pub uris: Vec<String>,
    pub analysis: Arc<Analysis>,
    pub lines: Vec<Lines>,
    /// The URIs diagnostics were last published for (to clear them when a file
    /// leaves the ruleset).
    pub published: Vec<String>,
}

impl Ruleset {
    pub fn file_of(&self, uri: &str) -> Option<usize> {
        self.uris.iter().position(|u| u == uri)
    }

    pub fn text(&self, file: usize) -> &str {
        self.analysis
            .report()
            .sources
            .file(file)
            .map_or("", |f| f.text.as_str())
    }
}

/// Where a ruleset's files come from: a folder on disk, or one document that
/// is not a file (an untitled buffer).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Folder(PathBuf),
    Alone(String),
}

#[derive(Default)]
pub struct Workspace {
    /// Open documents by URI: their text as the editor holds it.
    docs: HashMap<String, String>,
    rulesets: BTreeMap<Key, Ruleset>,
    /// Rulesets edited since they were analysed, with the time of the edit.
    dirty: BTreeMap<Key, Instant>,
}

pub fn key_of(uri: &str) -> Key {
    match uri_to_path(uri).and_then(|p| p.parent().map(Path::to_path_buf)) {
        Some(folder) => Key::Folder(folder),
        None => Key::Alone(uri.to_string()),
    }
}

impl Workspace {
    pub fn open(&mut self, uri: String, text: String) {
        let key = key_of(&uri);
        self.docs.insert(uri, text);
        // Opening is not typing: analyse at once.
        self.rulesets.remove(&key);
        self.dirty
            .insert(key, Instant::now() - std::time::Duration::from_secs(3600));
    }

    pub fn change(&mut self, uri: &str, text: String) {
        if let Some(doc) = self.docs.get_mut(uri) {
            *doc = text;
        } else {
            self.docs.insert(uri.to_string(), text);
        }
        self.dirty.insert(key_of(uri), Instant::now());
    }

    pub fn close(&mut self, uri: &str) {
        self.docs.remove(uri);
        let key = key_of(uri);
        self.dirty.insert(key, Instant::now());
    }

    /// A file of a folder changed on disk (saved, created, deleted).
    pub fn touched(&mut self, uri: &str) {
        self.dirty.insert(key_of(uri), Instant::now());
    }

    /// The earliest edit of a ruleset not yet analysed.
    pub fn oldest_edit(&self) -> Option<Instant> {
        self.dirty.values().min().copied()
    }

    /// The rulesets last edited before `before` (analysing them takes them off
    /// the list).
    pub fn settled(&self, before: Instant) -> Vec<Key> {
        self.dirty
            .iter()
            .filter(|(_, t)| **t <= before)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The ruleset `uri` belongs to, analysed now if it was edited since.
    pub fn ruleset(&mut self, uri: &str) -> Option<&Ruleset> {
        let key = key_of(uri);
        self.ensure(&key);
        self.rulesets.get(&key)
    }

    pub fn ruleset_by_key(&mut self, key: &Key) -> Option<&mut Ruleset> {
        self.ensure(key);
        self.rulesets.get_mut(key)
    }

    /// Every ruleset analysed so far (for workspace symbols).
    pub fn all(&self) -> impl Iterator<Item = &Ruleset> {
        self.rulesets.values()
    }

    fn ensure(&mut self, key: &Key) {
        if self.dirty.remove(key).is_none() && self.rulesets.contains_key(key) {
            return;
        }
        let files = self.files(key);
        if files.is_empty() {
            // The last open document of a folder with no files on disk closed:
            // keep the old analysis so its diagnostics can be cleared.
            if let Some(r) = self.rulesets.get_mut(key) {
                r.uris.clear();
            }
            return;
        }
        let (uris, sources): (Vec<String>, Vec<SourceFile>) = files.into_iter().unzip();
        let lines = sources.iter().map(|s| Lines::new(&s.text)).collect();
        let analysis = Arc::new(Analysis::new(sources));
        let published = self
            .rulesets
            .remove(key)
            .map(|r| r.published)
            .unwrap_or_default();
        self.rulesets.insert(
            key.clone(),
            Ruleset {
                uris,
                analysis,
                lines,
                published,
            },
        );
    }

    /// The files of a ruleset, sorted by name: the folder's `.accord` files
    /// (open ones as the editor holds them) and open documents of the folder
    /// not yet saved.
    fn files(&self, key: &Key) -> Vec<(String, SourceFile)> {
        let mut out: BTreeMap<String, (String, String)> = BTreeMap::new();
        match key {
            Key::Alone(uri) => {
                if let Some(text) = self.docs.get(uri) {
                    out.insert(uri.clone(), (uri.clone(), text.clone()));
                }
            }
            Key::Folder(folder) => {
                if let Ok(entries) = std::fs::read_dir(folder) {
                    for entry in entries.flatten() {
                        let path = entry.path();
                        if path.extension().is_some_and(|e| e == "accord") && path.is_file() {
                            let uri = path_to_uri(&path);
                            let text = match self.docs.get(&uri) {
                                Some(t) => t.clone(),
                                // A file that cannot be read as text is left out;
                                // opening it in the editor shows it.
                                None => match std::fs::read_to_string(&path) {
                                    Ok(t) => t,
                                    Err(_) => continue,
                                },
                            };
                            let name = file_name(&path);
                            out.insert(name, (uri, text));
                        }
                    }
                }
                for (uri, text) in &self.docs {
                    if let Some(path) = uri_to_path(uri) {
                        if path.parent() == Some(folder.as_path()) {
                            out.entry(file_name(&path))
                                .or_insert_with(|| (uri.clone(), text.clone()));
                        }
                    }
                }
            }
        }
        out.into_iter()
            .map(|(name, (uri, text))| (uri, SourceFile::new(name, text)))
            .collect()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}
