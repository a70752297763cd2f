//! Source files and the mapping from byte offsets to line and column.
//!
//! Spans in the AST and in diagnostics are byte offsets; people read lines and
//! columns. A line ends at `\n` (so `\r\n` also ends one, the `\r` being the last
//! character of its line); lines and columns are 1-based, and a column counts
//! Unicode scalar values (`char`s), so `Ընտանեկան` is nine columns wide, not
//! eighteen bytes.

use serde::{Deserialize, Serialize};

/// One `.accord` file as loaded by a front end (core does no I/O).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The name shown in diagnostics, usually the path given on the command line.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// A 1-based line and column (the column counted in `char`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The start of every line of one text, for offset → position lookups by binary
/// search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset at which each line starts; always begins with 0.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { line_starts }
    }

    /// The position of byte `offset` in `text` (the text this index was built
    /// from). An offset past the end maps to just after the last character; an
    /// offset inside a multi-byte character maps to that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        // The last line starting at or before `offset`; `line_starts[0] == 0`, so
        // the partition point is at least 1.
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        debug_assert!(
            (1..=self.line_starts.len()).contains(&line),
            "INVARIANT: a partition point of the non-empty `line_starts`, at least 1"
        );
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Position { line, column }
    }

    /// How many lines the text has (an empty text has one, empty, line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// The largest char boundary of `text` at or before `offset` (clamped to the end).
/// `text[range]` for a range the caller knows lies inside `text` on character
/// boundaries; `why` says why it holds, and debug builds (the fuzz targets and
/// property tests) check it. Release builds give `""` rather than panic.
pub(crate) fn slice<'a, R>(text: &'a str, range: R, why: &str) -> &'a str
where
    R: std::slice::SliceIndex<str, Output = str> + Clone + std::fmt::Debug,
{
    let part = text.get(range.clone());
    debug_assert!(part.is_some(), "INVARIANT: {range:?} of the text: {why}");
    part.unwrap_or("")
}

pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    // Terminates: offset 0 is always a boundary.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The files of one ruleset, indexed by position; diagnostics refer to them by index.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<(SourceFile, LineIndex)>,
}

impl SourceMap {
    pub fn new(files: Vec<SourceFile>) -> Self {
        SourceMap {
            files: files
                .into_iter()
                .map(|file| {
                    let index = LineIndex::new(&file.text);
                    (file, index)
                })
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file at `index`, if there is one.
    pub fn file(&self, index: usize) -> Option<&SourceFile> {
        self.files.get(index).map(|(file, _)| file)
    }

    /// The files in order.
    pub fn files(&self) -> impl ExactSizeIterator<Item = &SourceFile> + '_ {
        self.files.iter().map(|(file, _)| file)
    }

    /// The line and column of byte `offset` in file `file`; `None` only when there
    /// is no such file. Offsets past the end or inside a character are tolerated
    /// (see [`LineIndex::position`]).
    pub fn position(&self, file: usize, offset: usize) -> Option<Position> {
        self.files
            .get(file)
            .map(|(source, index)| index.position(&source.text, offset))
    }

    /// The number of `char`s before byte `offset` in file `file` (with the same
    /// tolerance as [`SourceMap::position`]).
    pub fn char_offset(&self, file: usize, offset: usize) -> Option<usize> {
        let (source, _) = self.files.get(file)?;
        let offset = floor_char_boundary(&source.text, offset);
        Some(source.text.get(..offset).map_or(0, |s| s.chars().count()))
    }
}

/// The source of an expression, whitespace collapsed. The tree keeps no
/// parentheses, so a span can start inside `(` or stop before `)`: the text is
/// widened over the brackets it needs to balance.
pub(crate) fn balanced_text(text: &str, span: accord_grammar::ast::Span) -> String {
    // On character boundaries of `text` from here on, whatever the span (and
    // every step below moves over one-byte brackets and whitespace).
    let mut start = floor_char_boundary(text, span.start);
    let mut end = floor_char_boundary(text, span.end).max(start);
    let why = "`start <= end` are character boundaries of `text`";
    let depth = |s: &str| -> i64 {
        s.chars()
            .map(|c| match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            })
            .sum()
    };
    let mut d = depth(slice(text, start..end, why));
    while d > 0 {
        let rest = slice(text, end.., why);
        let skip = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with(')') {
            end += skip + 1;
            d -= 1;
        } else {
            break;
        }
    }
    while d < 0 {
        let before = slice(text, ..start, why);
        let trimmed = before.trim_end();
        if trimmed.ends_with('(') {
            start = trimmed.len() - 1;
            d += 1;
        } else {
            break;
        }
    }
    slice(text, start..end, why)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(text).position(text, offset);
        (p.line, p.column)
    }

    #[test]
    fn first_line_and_column_are_one() {
        assert_eq!(pos("abc", 0), (1, 1));
        assert_eq!(pos("", 0), (1, 1));
        assert_eq!(pos("abc", 2), (1, 3));
    }

    #[test]
    fn lines_start_after_each_newline() {
        let text = "ab\ncd\n\nef";
        assert_eq!(pos(text, 2), (1, 3)); // the newline itself ends line 1
        assert_eq!(pos(text, 3), (2, 1));
        assert_eq!(pos(text, 6), (3, 1));
        assert_eq!(pos(text, 7), (4, 1));
        assert_eq!(pos(text, 8), (4, 2));
        assert_eq!(LineIndex::new(text).line_count(), 4);
    }

    #[test]
    fn crlf_counts_as_one_line_break() {
        let text = "ab\r\ncd";
        assert_eq!(pos(text, 4), (2, 1));
        assert_eq!(pos(text, 5), (2, 2));
    }

    #[test]
    fn columns_count_chars_not_bytes() {
        // Armenian (2 bytes a char), Cyrillic (2), Estonian õ (2), emoji (4).
        let text = "x \"Ընտանեկան\" y\nСемейное õ 😀 z";
        let y = text.find('y').unwrap();
        assert_eq!(pos(text, y), (1, 15));
        let o = text.find('õ').unwrap();
        assert_eq!(pos(text, o), (2, 10));
        let z = text.find('z').unwrap();
        assert_eq!(pos(text, z), (2, 14));
    }

    #[test]
    fn offsets_past_the_end_clamp_to_the_end() {
        assert_eq!(pos("ab\ncd", 99), (2, 3));
        assert_eq!(pos("ab\n", 99), (2, 1));
        assert_eq!(pos("", usize::MAX), (1, 1));
    }

    #[test]
    fn offsets_inside_a_char_map_to_that_char() {
        let text = "aԸb";
        assert_eq!(pos(text, 2), (1, 2)); // middle of Ը
        assert_eq!(pos(text, 3), (1, 3));
        let emoji = "😀x";
        for offset in 0..4 {
            assert_eq!(pos(emoji, offset), (1, 1));
        }
    }

    #[test]
    fn source_map_looks_up_by_file() {
        let map = SourceMap::new(vec![
            SourceFile::new("a.accord", "one\ntwo"),
            SourceFile::new("b.accord", "Ընտ\nx"),
        ]);
        assert_eq!(map.len(), 2);
        assert_eq!(map.position(0, 4), Some(Position { line: 2, column: 1 }));
        assert_eq!(map.position(1, 6), Some(Position { line: 1, column: 4 }));
        assert_eq!(map.position(2, 0), None);
        assert_eq!(map.char_offset(1, 6), Some(3));
        assert_eq!(map.char_offset(1, 5), Some(2));
        assert_eq!(map.char_offset(1, 1000), Some(5));
        assert_eq!(map.file(1).map(|f| f.name.as_str()), Some("b.accord"));
    }

    proptest::proptest! {
        #[test]
        fn position_never_panics_and_agrees_with_a_naive_count(text in "\\PC{0,40}(\n\\PC{0,20}){0,3}", offset in 0usize..200) {
            let p = LineIndex::new(&text).position(&text, offset);
            let clamped = floor_char_boundary(&text, offset);
            let before = &text[..clamped];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            proptest::prop_assert_eq!(p, Position { line, column });
        }
    }
}
