//! What an editor asks about a ruleset being written: diagnostics, what a name
//! is (hover), where it is declared and used, renaming it, the outline, the
//! names that fit where the cursor is, folding, semantic highlighting and quick
//! fixes. `accord lsp` and the playground's editor answer from here, so every
//! editor gets the checker's own answers: there is no second parser or checker.
//!
//! [`Analysis::new`] parses and checks the files of one ruleset (a folder's
//! `.accord` files) once; each question is then a lookup. Positions are byte
//! offsets into a file's text; [`Lines`] converts to and from the line and
//! UTF-16 column editors count in.
//!
//! Declarations are read where they are written (the parsed files); references
//! are the names the checker resolved ([`crate::check::Checked::refs`]). A
//! symbol ([`Sym`]) is a declaration's kind, the declaration it belongs to and
//! its name, so a name declared in one file and used in another is one symbol.

mod complete;
mod hover;
mod items;
mod json;

use std::collections::HashMap;

use accord_grammar::ast::{self, Span};

use crate::check::Checked;
pub use crate::check::{Sym, SymKind};
use crate::diagnostics::Diagnostic;
use crate::pipeline::CheckReport;
use crate::source::SourceFile;

pub use complete::{Completion, CompletionKind};
pub use items::{Item, ItemKind};

/// A place in a file of the ruleset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

impl Location {
    fn of(file: usize, span: Span) -> Location {
        Location {
            file,
            start: span.start,
            end: span.end,
        }
    }
}

/// One occurrence of a symbol's name in a file: its declaration or a use.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub sym: Sym,
    /// The declaration itself (not a use).
    pub declaration: bool,
    /// An owner accessor (`household` for `Household`): see
    /// [`crate::check::SymRef::accessor`].
    pub accessor: bool,
}

/// A replacement of the text at `location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub location: Location,
    pub text: String,
}

/// Hover text for the name at a position: Markdown, and the name's extent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub location: Location,
}

/// Why a rename was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// No declared name at the position (a keyword, a literal, a built-in).
    NothingToRename,
    /// The new name is not a name of the language (`2x`, `a-b`, a keyword).
    NotAName(String),
    /// Another declaration of the same namespace has that name.
    Clash { name: String, kind: SymKind },
    /// The new name (or the old) means something of its own there: a step
    /// named `close` closes the case, `today` is the date, `count` a function.
    Meaning(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => {
                write!(f, "there is no declared name here to rename")
            }
            RenameError::NotAName(n) => write!(
                f,
                "`{n}` is not a name: use letters, digits and `_`, starting with a letter, and no keyword"
            ),
            RenameError::Meaning(why) => write!(f, "{why}"),
            RenameError::Clash { name, kind } => {
                let word = kind.word();
                let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                write!(f, "{article} {word} named `{name}` already exists")
            }
        }
    }
}

/// A quick fix: the edits that make a diagnostic go away — the name a "did
/// you mean" suggests in place of the misspelt one, or, for a name against the
/// conventions (W0107), the rename of it and of every use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The diagnostic's code it fixes.
    pub code: String,
    /// Where the diagnostic is.
    pub location: Location,
    pub edits: Vec<Edit>,
}

/// One ruleset, parsed and checked, ready for an editor's questions.
#[derive(Debug)]
pub struct Analysis {
    report: CheckReport,
    checked: Checked,
    parsed: Vec<ast::File>,
    /// Every declaration, test and the ruleset header, in file order; nested
    /// ones after their parent.
    items: Vec<Item>,
    /// The first declaration of each symbol (an index into `items`).
    decls: HashMap<Sym, usize>,
    /// Per file, the declarations' names and the resolved uses, by position.
    occurrences: Vec<Vec<Occurrence>>,
}

impl Analysis {
    /// Parses and checks `files` together, as `accord check` does.
    pub fn new(files: Vec<SourceFile>) -> Analysis {
        let (report, checked, parsed) = crate::pipeline::parse_check_keeping(files);
        let items = items::collect(&parsed);
        let mut decls = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(sym) = &item.sym {
                decls.entry(sym.clone()).or_insert(i);
            }
        }
        let mut occurrences: Vec<Vec<Occurrence>> = vec![Vec::new(); report.sources.len()];
        for item in &items {
            if let (Some(sym), Some(list)) = (&item.sym, occurrences.get_mut(item.file)) {
                list.push(Occurrence {
                    start: item.name.start,
                    end: item.name.end,
                    sym: sym.clone(),
                    declaration: true,
                    accessor: false,
                });
            }
        }
        for r in &checked.refs {
            if let Some(list) = occurrences.get_mut(r.file) {
                list.push(Occurrence {
                    start: r.span.start,
                    end: r.span.end,
                    sym: r.sym.clone(),
                    declaration: false,
                    accessor: r.accessor,
                });
            }
        }
        for list in &mut occurrences {
            list.sort_by_key(|o| (o.start, o.end, !o.declaration));
            list.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        }
        Analysis {
            report,
            checked,
            parsed,
            items,
            decls,
            occurrences,
        }
    }

    /// The diagnostics and the sources they point into.
    pub fn report(&self) -> &CheckReport {
        &self.report
    }

    /// The checked model (partial where the sources have errors).
    pub fn checked(&self) -> &Checked {
        &self.checked
    }

    /// The index of the file named `name`.
    pub fn file_index(&self, name: &str) -> Option<usize> {
        self.report.sources.files().position(|f| f.name == name)
    }

    fn text(&self, file: usize) -> &str {
        self.report
            .sources
            .file(file)
            .map_or("", |f| f.text.as_str())
    }

    /// Every declaration, test and ruleset header of every file.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The occurrences of declared names in `file`, by position.
    pub fn occurrences(&self, file: usize) -> &[Occurrence] {
        self.occurrences.get(file).map_or(&[], Vec::as_slice)
    }

    /// The occurrence under `offset` (a cursor just after a name counts).
    pub fn occurrence_at(&self, file: usize, offset: usize) -> Option<&Occurrence> {
        let list = self.occurrences(file);
        let i = list.partition_point(|o| o.end < offset);
        list.get(i..)?
            .iter()
            .take_while(|o| o.start <= offset)
            .find(|o| o.start <= offset && offset <= o.end)
    }

    /// Where the symbol is declared.
    pub fn declaration(&self, sym: &Sym) -> Option<&Item> {
        self.items.get(*self.decls.get(sym)?)
    }

    /// Where the name at the position is declared.
    pub fn definition(&self, file: usize, offset: usize) -> Option<Location> {
        let o = self.occurrence_at(file, offset)?;
        let item = self.declaration(&o.sym)?;
        Some(Location::of(item.file, item.name))
    }

    /// Every place the symbol at the position is written, its declaration
    /// first when `with_declaration`; then by file and position.
    pub fn references(&self, file: usize, offset: usize, with_declaration: bool) -> Vec<Location> {
        let Some(o) = self.occurrence_at(file, offset) else {
            return Vec::new();
        };
        let sym = o.sym.clone();
        let mut out: Vec<(bool, Location)> = Vec::new();
        for (f, list) in self.occurrences.iter().enumerate() {
            for o in list.iter().filter(|o| o.sym == sym) {
                if o.declaration && !with_declaration {
                    continue;
                }
                out.push((
                    !o.declaration,
                    Location {
                        file: f,
                        start: o.start,
                        end: o.end,
                    },
                ));
            }
        }
        out.sort_by_key(|(use_, l)| (*use_, l.file, l.start));
        out.into_iter().map(|(_, l)| l).collect()
    }

    /// The name a rename at the position would change, and its extent.
    pub fn prepare_rename(&self, file: usize, offset: usize) -> Option<(Location, String)> {
        let o = self.occurrence_at(file, offset)?;
        self.declaration(&o.sym)?;
        Some((
            Location {
                file,
                start: o.start,
                end: o.end,
            },
            o.sym.name.clone(),
        ))
    }

    /// The edits that rename the symbol at the position to `new_name` in every
    /// file (an entity's owner accessors, `household`, follow in snake_case):
    /// refused when `new_name` is not a name, or another declaration of the
    /// same namespace already has it.
    pub fn rename(
        &self,
        file: usize,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<Edit>, RenameError> {
        let o = self
            .occurrence_at(file, offset)
            .ok_or(RenameError::NothingToRename)?;
        let sym = o.sym.clone();
        self.declaration(&sym).ok_or(RenameError::NothingToRename)?;
        if !is_name(new_name) {
            return Err(RenameError::NotAName(new_name.to_string()));
        }
        if new_name == sym.name {
            return Ok(Vec::new());
        }
        let accessor = crate::check::snake_case(new_name);
        if let Some(why) = meaning_change(&sym, new_name) {
            return Err(RenameError::Meaning(why));
        }
        // Names read in expressions shadow one another across kinds (a fact
        // over a parameter, a parameter over a variant): one that is taken by
        // any of them, in any declaration, would change what a rule reads.
        if EXPRESSION_KINDS.contains(&sym.kind) {
            let taken = self
                .items
                .iter()
                .filter_map(|i| i.sym.as_ref())
                .find(|s| EXPRESSION_KINDS.contains(&s.kind) && s.name == new_name);
            if let Some(s) = taken {
                return Err(RenameError::Clash {
                    name: new_name.to_string(),
                    kind: s.kind,
                });
            }
        }
        for kind in sym.kind.namespace() {
            let other = Sym {
                kind: *kind,
                scope: sym.scope.clone(),
                name: new_name.to_string(),
            };
            if self.decls.contains_key(&other) || self.builtin_clash(&sym, new_name) {
                return Err(RenameError::Clash {
                    name: new_name.to_string(),
                    kind: *kind,
                });
            }
        }
        let mut edits = Vec::new();
        for (f, list) in self.occurrences.iter().enumerate() {
            for o in list.iter().filter(|o| o.sym == sym) {
                edits.push(Edit {
                    location: Location {
                        file: f,
                        start: o.start,
                        end: o.end,
                    },
                    text: if o.accessor {
                        accessor.clone()
                    } else {
                        new_name.to_string()
                    },
                });
            }
        }
        Ok(edits)
    }

    /// Names a rename may not take whatever the declarations: built-in types
    /// and sectors.
    fn builtin_clash(&self, sym: &Sym, name: &str) -> bool {
        match sym.kind {
            SymKind::Enum | SymKind::Entity => matches!(
                name,
                "Boolean" | "Integer" | "Decimal" | "Money" | "Date" | "Text" | "Duration"
            ),
            SymKind::Sector => crate::check::BUILTIN_SECTORS.contains(&name),
            _ => false,
        }
    }

    /// The outline of `file`: its items with their children, in order.
    pub fn outline(&self, file: usize) -> Vec<&Item> {
        self.items.iter().filter(|i| i.file == file).collect()
    }

    /// The declarations whose name contains every character of `query` in
    /// order (case-insensitive), at most `limit`, closest first.
    pub fn workspace_symbols(&self, query: &str, limit: usize) -> Vec<&Item> {
        let q = query.to_lowercase();
        let mut found: Vec<(usize, &Item)> = self
            .items
            .iter()
            .filter(|i| i.sym.is_some())
            .filter_map(|i| subsequence_score(&q, &i.name_text.to_lowercase()).map(|s| (s, i)))
            .collect();
        found.sort_by_key(|(s, i)| (*s, i.name_text.len(), i.file, i.span.start));
        found.into_iter().take(limit).map(|(_, i)| i).collect()
    }

    /// Ranges an editor may fold: every declaration and block spanning lines,
    /// and runs of comment lines.
    pub fn folding_ranges(&self, file: usize) -> Vec<Location> {
        let text = self.text(file);
        let mut out: Vec<Location> = self
            .items
            .iter()
            .filter(|i| {
                i.file == file
                    && text
                        .get(i.span.start..i.span.end)
                        .is_some_and(|t| t.contains('\n'))
            })
            .map(|i| Location::of(file, i.span))
            .collect();
        if let Some(parsed) = self.parsed.get(file) {
            let mut run: Option<(usize, usize, usize)> = None; // start, end, lines
            for c in parsed.comments.iter().filter(|c| !c.trailing) {
                run = match run {
                    Some((s, e, n))
                        if text.get(e..c.span.start).is_some_and(|gap| {
                            gap.trim().is_empty() && gap.matches('\n').count() == 1
                        }) =>
                    {
                        Some((s, c.span.end, n + 1))
                    }
                    Some((s, e, n)) => {
                        if n > 1 {
                            out.push(Location {
                                file,
                                start: s,
                                end: e,
                            });
                        }
                        Some((c.span.start, c.span.end, 1))
                    }
                    None => Some((c.span.start, c.span.end, 1)),
                };
            }
            if let Some((s, e, n)) = run {
                if n > 1 {
                    out.push(Location {
                        file,
                        start: s,
                        end: e,
                    });
                }
            }
        }
        out.sort_by_key(|l| (l.start, l.end));
        out
    }

    /// The quick fixes of the diagnostics of `file` that touch the range
    /// `start..end`: each "did you mean" as the replacement of the name.
    pub fn fixes(&self, file: usize, start: usize, end: usize) -> Vec<Fix> {
        self.report
            .diagnostics
            .iter()
            .filter(|d| d.file == file && d.span.start <= end && start <= d.span.end)
            .filter_map(|d| self.fix_of(d, file))
            .collect()
    }

    /// The `test` blocks of `file`: their labels and where they are.
    pub fn tests(&self, file: usize) -> Vec<(&str, Location)> {
        self.items
            .iter()
            .filter(|i| i.file == file && i.kind == ItemKind::Test)
            .map(|i| (i.name_text.as_str(), Location::of(file, i.name)))
            .collect()
    }

    /// The programmes of `file`, for "screen" lenses.
    pub fn programs(&self, file: usize) -> Vec<(&str, Location)> {
        self.items
            .iter()
            .filter(|i| i.file == file && i.kind == ItemKind::Symbol(SymKind::Program))
            .map(|i| (i.name_text.as_str(), Location::of(file, i.name)))
            .collect()
    }

    /// Hover text for the name at the position, as of `as_of` (a parameter's
    /// value in force then).
    pub fn hover(&self, file: usize, offset: usize, as_of: jiff::civil::Date) -> Option<Hover> {
        hover::hover(self, file, offset, as_of)
    }

    /// What may be written at the position: names in scope, members after `.`,
    /// an enum's variants where one is expected, the roles and steps of the
    /// protocol, and the keywords the grammar allows there.
    pub fn completions(&self, file: usize, offset: usize) -> Vec<Completion> {
        complete::completions(self, file, offset)
    }
}

/// The kinds of names an expression reads by themselves.
const EXPRESSION_KINDS: [SymKind; 6] = [
    SymKind::Field,
    SymKind::Let,
    SymKind::Parameter,
    SymKind::Variant,
    SymKind::Question,
    SymKind::Score,
];

/// Why renaming `sym` to `new_name` would change what the rules mean, when it
/// would.
fn meaning_change(sym: &Sym, new_name: &str) -> Option<String> {
    match sym.kind {
        SymKind::Step if sym.name == "close" => Some(
            "the step named `close` closes the case by its name: mark it `closes` first, then rename it"
                .to_string(),
        ),
        SymKind::Step if new_name == "close" => Some(
            "a step named `close` closes the case: that would change what the protocol does".to_string(),
        ),
        SymKind::Table | SymKind::Scale if crate::check::BUILTINS.contains(&new_name) => Some(format!(
            "`{new_name}` is a built-in function: a call would no longer reach the {}",
            sym.kind.word()
        )),
        k if EXPRESSION_KINDS.contains(&k) && matches!(new_name, "today" | "need") => Some(format!(
            "`{new_name}` has a meaning of its own in expressions"
        )),
        _ => None,
    }
}

impl Analysis {
    fn fix_of(&self, d: &Diagnostic, file: usize) -> Option<Fix> {
        let replacement = d.fix.clone()?;
        let location = Location::of(file, d.span);
        let code = d.code.as_str().to_string();
        if d.code == crate::codes::Code::W0107 {
            // A declaration's name: rename it where it is used too.
            let edits = self.rename(file, d.span.start, &replacement).ok()?;
            return Some(Fix {
                title: format!("Rename to `{replacement}`"),
                code,
                location,
                edits,
            });
        }
        Some(Fix {
            title: format!("Change to `{replacement}`"),
            code,
            location,
            edits: vec![Edit {
                location,
                text: replacement,
            }],
        })
    }
}

/// Words a name may not be though the grammar reads them as names: a line
/// starting with a declaration keyword is where parsing resumes after an
/// error, and `list`, `of`, `monthly` are read as types after `:`.
const NOT_NAMES: [&str; 3] = ["list", "of", "monthly"];

/// Whether `s` can be a declared name: one the grammar reads as a name
/// (`accord_grammar::is_identifier`), starting with a letter, and none of the
/// declaration keywords or [`NOT_NAMES`].
pub fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && accord_grammar::is_identifier(s)
        && !accord_grammar::DECL_KEYWORDS.contains(&s)
        && !NOT_NAMES.contains(&s)
}

/// A rank for `query` matching `name` as a subsequence (lower is better: a
/// prefix first, then a substring, then spread letters); `None` when it does
/// not match.
fn subsequence_score(query: &str, name: &str) -> Option<usize> {
    if query.is_empty() || name.starts_with(query) {
        return Some(0);
    }
    if name.contains(query) {
        return Some(1);
    }
    let mut it = name.chars();
    query.chars().all(|q| it.any(|c| c == q)).then_some(2)
}

/// Line and UTF-16 column positions of one text, as editors count them
/// (the Language Server Protocol's default, and JavaScript's string indexes).
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The 0-based line and UTF-16 column of byte `offset` (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col: usize = text
            .get(start..offset)
            .map_or(0, |t| t.chars().map(char::len_utf16).sum());
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of a 0-based line and UTF-16 column: clamped to the
    /// line's end, and to the text's end past the last line; never inside a
    /// character.
    pub fn offset(&self, text: &str, line: u32, col: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(text.len(), |&n| n.saturating_sub(1));
        let Some(line_text) = text.get(start..end) else {
            return text.len();
        };
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            if units >= col as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_utf16() {
        let text = "ab\nԱբ𝄞x\n";
        let lines = Lines::new(text);
        // `𝄞` is two UTF-16 units and four bytes; `Ա` and `բ` two bytes, one unit.
        let x = text.find('x').unwrap_or(0);
        assert_eq!(lines.position(text, x), (1, 4));
        assert_eq!(lines.offset(text, 1, 4), x);
        // Past the line's end: its end; past the last line: the text's end.
        assert_eq!(lines.offset(text, 0, 99), 2);
        assert_eq!(lines.offset(text, 9, 0), text.len());
    }

    #[test]
    fn names_and_scores() {
        assert!(is_name("family_benefit"));
        assert!(!is_name("2x") && !is_name("a-b") && !is_name("where") && !is_name(""));
        assert_eq!(subsequence_score("fam", "family_benefit"), Some(0));
        assert_eq!(subsequence_score("benefit", "family_benefit"), Some(1));
        assert_eq!(subsequence_score("fb", "family_benefit"), Some(2));
        assert_eq!(subsequence_score("zz", "family_benefit"), None);
    }
}
