//! Turning the FILE arguments into sources: directories expand, text is UTF-8.

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use accord_core::SourceFile;

use crate::Loaded;

/// Why the files could not be loaded (or written back); the command cannot run.
#[derive(Debug)]
pub enum LoadError {
    Read(PathBuf, io::Error),
    /// The file is not UTF-8; `line` is where the first bad byte is.
    NotUtf8 {
        path: PathBuf,
        line: usize,
    },
    EmptyDirectory(PathBuf),
    Write(PathBuf, io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read(path, error) => {
                write!(f, "cannot read `{}`: {}", path.display(), describe(error))
            }
            LoadError::NotUtf8 { path, line } => write!(
                f,
                "`{}` is not UTF-8 text (first bad byte on line {line}); save it as UTF-8",
                path.display()
            ),
            LoadError::EmptyDirectory(path) => {
                write!(
                    f,
                    "the directory `{}` has no `.accord` files",
                    path.display()
                )
            }
            LoadError::Write(path, error) => {
                write!(f, "cannot write `{}`: {}", path.display(), describe(error))
            }
        }
    }
}

/// The OS's words without the "(os error 2)" tail, which helps nobody here.
fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// Loads the files named on the command line, in order. A directory stands for
/// the `*.accord` files directly inside it, sorted by name (not recursive: a
/// subdirectory usually holds another ruleset). A file named twice is loaded once.
/// A leading byte-order mark is dropped.
pub fn load(args: &[PathBuf]) -> Result<Vec<Loaded>, LoadError> {
    let mut paths = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let found = accord_files_in(arg)?;
            if found.is_empty() {
                return Err(LoadError::EmptyDirectory(arg.clone()));
            }
            paths.extend(found);
        } else {
            paths.push(arg.clone());
        }
    }
    let mut seen = HashSet::new();
    let mut loaded = Vec::with_capacity(paths.len());
    for path in paths {
        let identity = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(identity) {
            continue;
        }
        let text = read_text(&path)?;
        loaded.push(Loaded {
            source: SourceFile::new(path.display().to_string(), text),
            path,
        });
    }
    Ok(loaded)
}

fn accord_files_in(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Read(dir.to_owned(), e))?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| LoadError::Read(dir.to_owned(), e))?
            .path();
        if path.extension().is_some_and(|ext| ext == "accord") && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    read_bounded(path, accord_core::limits::PARSER.max_file_bytes)
}

/// Reads a UTF-8 text file (a byte-order mark dropped), but never more than
/// `limit` + 1 bytes: a larger file comes back cut there, which is enough for
/// the engine to refuse it by its size, with its own code, in bounded memory.
pub fn read_bounded(path: &Path, limit: usize) -> Result<String, LoadError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| io::Read::read_to_end(&mut io::Read::take(f, limit as u64 + 1), &mut bytes))
        .map_err(|e| LoadError::Read(path.to_owned(), e))?;
    if bytes.len() > limit {
        // Cut inside a character, perhaps: too large anyway (no copy unless so).
        return Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let before = error.as_bytes().iter().take(valid);
            let line = before.filter(|b| **b == b'\n').count() + 1;
            Err(LoadError::NotUtf8 {
                path: path.to_owned(),
                line,
            })
        }
    }
}
