//! pest parse tree → [`crate::ast`], with declaration-level recovery and limits.
//!
//! The file is parsed one declaration at a time (`decl_at` applied to the rest of
//! the input), so a broken declaration costs one error and parsing resumes at the
//! next line that starts (column 1) with a declaration keyword or `///`.
//!
//! Stack safety: pest recurses once per bracket or `if … then` level, and the AST
//! builder once per tree level. A lexical pre-scan (see
//! [`nesting_violations`]) rejects regions whose brackets nest deeper than
//! [`Limits::max_nesting`] before pest sees them, and the builder rejects trees
//! taller than that (long flat chains such as `1+1+…` build tall trees), so every
//! later recursive walk, drop included, is bounded.

use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::sync::OnceLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;

use crate::ast::*;
use crate::comments;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub(crate) struct AccordParser;

/// Bounds that keep any input from exhausting time or stack. Inputs beyond them get
/// a [`SyntaxError`] ([`SyntaxErrorKind::TooDeep`], [`SyntaxErrorKind::FileTooLarge`],
/// …), never a panic or a hang.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest source file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of brackets and nested expressions in one declaration, and
    /// the tallest expression or type tree (a chain `a + b + c` is a tree as tall
    /// as it is long).
    pub max_nesting: usize,
    /// Budget of pest rule calls for one declaration (`pest::set_call_limit`):
    /// a guard against runaway backtracking, far above what any real declaration
    /// needs (about 60 calls per source byte).
    pub max_calls_per_decl: usize,
    /// Most declarations in one file.
    pub max_decls: usize,
    /// Most rows in one table.
    pub max_table_rows: usize,
}

pub const LIMITS: Limits = Limits {
    max_file_bytes: 8 * 1024 * 1024,
    max_nesting: 64,
    max_calls_per_decl: 1 << 30,
    max_decls: 10_000,
    max_table_rows: 100_000,
};

/// What kind of syntax error: the engine gives each its code (`E0001`…`E0007`,
/// `docs/diagnostics.md`); the parser only tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum SyntaxErrorKind {
    /// Unexpected input; the message says what was expected, in words ("expected
    /// a date or a number").
    #[error("unexpected input")]
    Unexpected,
    /// Nesting deeper than [`LIMITS`] allows.
    #[error("nesting too deep")]
    TooDeep,
    /// A file larger than [`LIMITS`] allows.
    #[error("file too large")]
    FileTooLarge,
    /// A bad escape in a text literal.
    #[error("bad escape")]
    BadEscape,
    /// A doc comment that documents nothing.
    #[error("dangling doc comment")]
    DanglingDocComment,
    /// More declarations in one file than [`LIMITS`] allows.
    #[error("too many declarations")]
    TooManyDeclarations,
    /// A table with more rows than [`LIMITS`] allows.
    #[error("too many rows")]
    TooManyRows,
}

/// A syntax error at a span of the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at bytes {}..{}: {message}", .span.start, .span.end)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
}

impl SyntaxError {
    pub(crate) fn new(kind: SyntaxErrorKind, message: impl Into<String>, span: Span) -> Self {
        SyntaxError {
            kind,
            message: message.into(),
            help: None,
            span,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// What [`parse`] returns: every declaration that parsed, and an error for each
/// that did not (parsing resumes at the next declaration keyword at the start of a
/// line).
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub file: File,
    pub errors: Vec<SyntaxError>,
}

/// Parses one source file. Never panics, whatever the input.
pub fn parse(source: &str) -> Parsed {
    parse_with(source, &LIMITS)
}

/// Parses with explicit limits (tests use smaller ones).
pub(crate) fn parse_with(source: &str, limits: &Limits) -> Parsed {
    let mut parsed = Parsed::default();
    if source.len() > limits.max_file_bytes {
        parsed.errors.push(
            SyntaxError::new(
                SyntaxErrorKind::FileTooLarge,
                // Not the size itself: a front end may read only past the limit.
                format!("file too large: more than {} bytes", limits.max_file_bytes),
                Span::new(0, 0),
            )
            .with_help("split the ruleset into several files"),
        );
        return parsed;
    }
    pest::set_call_limit(NonZeroUsize::new(limits.max_calls_per_decl));
    parsed.file.comments = comments::scan(source);
    let regions = nesting_violations(source, limits.max_nesting);
    let mut region_ix = 0;
    let mut pos = 0;
    loop {
        pos = skip_trivia(source, pos);
        if pos >= source.len() {
            break;
        }
        // A region (from one declaration line to the next) nested too deeply is
        // reported once and skipped before pest could recurse into it.
        while region_ix + 1 < regions.len()
            && regions.get(region_ix + 1).is_some_and(|r| r.start <= pos)
        {
            region_ix += 1;
        }
        if let Some(region) = regions.get(region_ix) {
            if let Some(at) = region.violation.filter(|&v| v >= pos) {
                parsed.errors.push(too_deep(at, limits));
                parsed.file.broken.extend(broken_header(source, pos));
                let next = regions.get(region_ix + 1).map_or(source.len(), |r| r.start);
                pos = next.max(pos + 1);
                continue;
            }
        }
        if parsed.file.decls.len() >= limits.max_decls {
            parsed.errors.push(
                SyntaxError::new(
                    SyntaxErrorKind::TooManyDeclarations,
                    format!(
                        "too many declarations: a file holds at most {}",
                        limits.max_decls
                    ),
                    Span::new(pos, pos + 1),
                )
                .with_help("split the ruleset into several files"),
            );
            break;
        }
        // Every `pos` of this loop is the start of the file, a line or a
        // region, the end of a parsed declaration, or just past ASCII trivia.
        let rest = crate::text::slice(
            source,
            pos..,
            "`pos` is a character boundary before the end",
        );
        match AccordParser::parse(Rule::decl_at, rest) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                let builder = Builder {
                    offset: pos,
                    limits,
                    source,
                    comments: &parsed.file.comments,
                    recovered: RefCell::default(),
                };
                let built = builder.decl(pair);
                parsed.errors.extend(builder.recovered.into_inner());
                match built {
                    Ok(decl) => parsed.file.decls.push(decl),
                    Err(e) => {
                        parsed.errors.push(e);
                        parsed.file.broken.extend(broken_header(source, pos));
                    }
                }
                pos = end.max(pos + 1);
            }
            Err(e) => {
                let e = detailed_error(rest).unwrap_or(e);
                parsed.errors.push(errors::convert(source, pos, &e));
                parsed.file.broken.extend(broken_header(source, pos));
                // Past the declaration's own doc comments: each of their lines
                // would otherwise start the same declaration, and its error, again.
                pos = next_decl_line(source, after_docs(source, pos));
            }
        }
    }
    parsed
}

/// Parses a failing declaration again with pest's error detail on, which names the
/// punctuation expected at the furthest position (`{`, `:`…) but doubles the cost
/// of parsing, so it is only switched on for failures. The switch is global: the
/// lock makes every detailed re-parse see it on, so messages do not depend on
/// what other threads are parsing (a concurrent first parse may merely run with
/// detail on, which changes nothing but its speed).
fn detailed_error(rest: &str) -> Option<pest::error::Error<Rule>> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = DETAIL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pest::set_error_detail(true);
    let result = AccordParser::parse(Rule::decl_at, rest);
    pest::set_error_detail(false);
    result.err()
}

fn too_deep(at: usize, limits: &Limits) -> SyntaxError {
    SyntaxError::new(
        SyntaxErrorKind::TooDeep,
        format!("nesting too deep: more than {} levels", limits.max_nesting),
        Span::new(at, at + 1),
    )
    .with_help("split the expression with `let` definitions")
}

/// Whether `text`, whole, is a name the grammar accepts (`ident`: a letter or
/// `_`, then letters, digits and `_`, and not a reserved word such as `and`).
pub fn is_identifier(text: &str) -> bool {
    AccordParser::parse(Rule::ident, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|p| p.as_str().len() == text.len())
}

/// Declaration keywords that resume parsing after an error when they start a line.
pub const DECL_KEYWORDS: [&str; 13] = [
    "ruleset",
    "sector",
    "enum",
    "entity",
    "parameter",
    "table",
    "program",
    "assessment",
    "service",
    "calendar",
    "protocol",
    "test",
    "scale",
];

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when the line starting at `start` begins with a declaration keyword or `///`.
/// Whether the line at `start` is a declaration header: a declaration keyword, then
/// a name (or, for `test`, a text). No expression continues through a name followed
/// by another name, so pest cannot still be inside an open expression there.
fn starts_decl_header(source: &str, start: usize) -> bool {
    let line = source.as_bytes().get(start..).unwrap_or(&[]);
    DECL_KEYWORDS.iter().any(|kw| {
        let Some(rest) = line.strip_prefix(kw.as_bytes()) else {
            return false;
        };
        let gap = rest
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        gap > 0
            && rest
                .get(gap)
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'"')
    })
}

fn starts_decl(source: &str, start: usize) -> bool {
    let line = source.as_bytes().get(start..).unwrap_or(&[]);
    if line.starts_with(b"///") {
        return true;
    }
    DECL_KEYWORDS.iter().any(|kw| {
        line.starts_with(kw.as_bytes()) && !line.get(kw.len()).copied().is_some_and(is_ident_byte)
    })
}

/// Where the declaration starting at `pos` has its keyword: past its doc comments
/// (and the comments and blank lines among them).
fn after_docs(source: &str, mut pos: usize) -> usize {
    loop {
        pos = skip_trivia(source, pos);
        let Some(rest) = source.get(pos..) else {
            return pos;
        };
        let doc = rest.starts_with("///") && !rest.starts_with("////");
        if !doc {
            return pos;
        }
        pos = rest.find('\n').map_or(source.len(), |n| pos + n);
    }
}

/// The kind and name of the declaration starting at `pos` (after its docs), read
/// from the text: its keyword, blanks, then a name that is not a reserved word.
/// `None` when the text does not start that way (then no name can be known).
fn broken_header(source: &str, pos: usize) -> Option<BrokenDecl> {
    let start = after_docs(source, pos);
    let line = source.get(start..)?;
    DeclKind::ALL.iter().find_map(|&kind| {
        let rest = line.strip_prefix(kind.keyword())?;
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let name_start = start + kind.keyword().len() + gap;
        let after = rest.get(gap..)?;
        let first = after.bytes().next()?;
        if gap == 0 || !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = after.bytes().take_while(|&b| is_ident_byte(b)).count();
        let name = after.get(..len)?;
        if RESERVED_WORDS.contains(&name) {
            return None;
        }
        Some(BrokenDecl {
            kind,
            name: Ident {
                name: name.to_string(),
                span: Span::new(name_start, name_start + len),
            },
            span: Span::new(start, name_start + len),
        })
    })
}

/// The start of the first line after the one holding `pos` that starts a
/// declaration, or the end of the source.
fn next_decl_line(source: &str, pos: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = pos;
    while let Some(nl) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'\n'))
    {
        i += nl + 1;
        if starts_decl(source, i) {
            return i;
        }
    }
    source.len()
}

/// Skips whitespace and (non-doc) comments between declarations. An unterminated
/// block comment is left for pest to report.
fn skip_trivia(source: &str, mut pos: usize) -> usize {
    let bytes = source.as_bytes();
    loop {
        match bytes.get(pos..) {
            Some([b' ' | b'\t' | b'\r' | b'\n', ..]) => pos += 1,
            Some([b'/', b'/', rest @ ..]) => {
                if rest.first() == Some(&b'/') && rest.get(1) != Some(&b'/') {
                    return pos; // a doc comment: grammar
                }
                pos = bytes
                    .get(pos..)
                    .and_then(|b| b.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |n| pos + n);
            }
            Some([b'/', b'*', ..]) => match source.get(pos + 2..).and_then(|s| s.find("*/")) {
                Some(n) => pos += 2 + n + 2,
                None => return pos,
            },
            _ => return pos,
        }
    }
}

/// One stretch of source between declaration lines, with the first position where
/// its brackets nest deeper than the limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Region {
    pub start: usize,
    pub violation: Option<usize>,
}

/// A lexical scan of bracket depth (`( [ {` and `if … else`), skipping text and
/// comments, starting a new region at each declaration line reached with nothing
/// open. Linear in the file size.
pub(crate) fn nesting_violations(source: &str, max: usize) -> Vec<Region> {
    let bytes = source.as_bytes();
    let mut regions = vec![Region {
        start: 0,
        violation: None,
    }];
    // Open brackets: `b'i'` stands for a pending `if`.
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while let Some(&b) = bytes.get(i) {
        // A declaration line begins a new region when nothing is open, or when it is
        // a header (`entity F`, `test "…"`), which no open expression can run through.
        // A bare keyword with brackets open (`table + (`) may be a name inside the
        // previous declaration's expression: restarting the count there would let
        // pest recurse past the limit, so the count carries on.
        if line_start
            && i > 0
            && starts_decl(source, i)
            && (stack.is_empty() || starts_decl_header(source, i))
        {
            regions.push(Region {
                start: i,
                violation: None,
            });
            stack.clear();
        }
        line_start = false;
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'"' => i = comments::text_literal_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes
                    .get(i..)
                    .and_then(|s| s.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = source
                    .get(i + 2..)
                    .and_then(|s| s.find("*/"))
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'(' | b'[' | b'{' => {
                stack.push(b);
                if stack.len() > max {
                    if let Some(r) = regions.last_mut() {
                        r.violation.get_or_insert(i);
                    }
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                // A closing bracket also closes any `if` left open inside it.
                while stack.last() == Some(&b'i') {
                    stack.pop();
                }
                stack.pop();
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while bytes.get(i).copied().is_some_and(is_ident_byte) {
                    i += 1;
                }
                match bytes.get(start..i) {
                    Some(b"if") => {
                        stack.push(b'i');
                        if stack.len() > max {
                            if let Some(r) = regions.last_mut() {
                                r.violation.get_or_insert(start);
                            }
                        }
                    }
                    Some(b"else") if stack.last() == Some(&b'i') => {
                        stack.pop();
                    }
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    regions
}

// ---------------------------------------------------------------------------
// AST building

/// An expression under construction: its tree height (bounded by
/// [`Limits::max_nesting`]) and whether it is an unparenthesized comparison
/// (comparisons do not chain).
struct Built {
    expr: Expr,
    height: usize,
    bare_compare: bool,
}

impl Built {
    fn leaf(expr: Expr) -> Built {
        Built {
            expr,
            height: 1,
            bare_compare: false,
        }
    }
}

type Res<T> = Result<T, SyntaxError>;

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::prefix(Rule::if_head) | Op::prefix(Rule::quant_head))
            .op(Op::infix(Rule::op_where, Assoc::Right))
            .op(Op::infix(Rule::op_implies, Assoc::Right))
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::postfix(Rule::in_test))
            .op(Op::infix(Rule::op_otherwise, Assoc::Left))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
            .op(Op::postfix(Rule::field_access))
    })
}

struct Builder<'l> {
    /// Byte offset of the parsed slice in the whole file.
    offset: usize,
    limits: &'l Limits,
    source: &'l str,
    /// The file's comments, in order (to trim them off span ends).
    comments: &'l [Comment],
    /// Errors the builder recovered from: reported, but the declaration is kept
    /// (`1,632` in a table cell is read as `1632`).
    recovered: RefCell<Vec<SyntaxError>>,
}

/// A declaration's name, which its rule always has.
fn decl_name(name: Option<Ident>, span: Span) -> Res<Ident> {
    name.ok_or_else(|| internal("name", span))
}

fn internal(what: &str, span: Span) -> SyntaxError {
    SyntaxError::new(
        SyntaxErrorKind::Unexpected,
        format!("internal parser error: missing {what}"),
        span,
    )
}

impl Builder<'_> {
    /// The span of a pair in the file. pest's pairs end after the whitespace and
    /// comments skipped before a trailing optional part that was absent
    /// (`label?`); those are trimmed off.
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        let start = s.start() + self.offset;
        let mut end = s.end() + self.offset;
        let bytes = self.source.as_bytes();
        while end > start {
            if bytes.get(end - 1).is_some_and(|b| b.is_ascii_whitespace()) {
                end -= 1;
                continue;
            }
            match self.comments.binary_search_by_key(&end, |c| c.span.end) {
                Ok(i) => match self.comments.get(i) {
                    Some(c) if c.span.start >= start => end = c.span.start,
                    _ => break,
                },
                Err(_) => break,
            }
        }
        Span::new(start, end)
    }

    /// The span of an item whose rule begins with its doc comments: from the first
    /// token after the docs.
    fn span_after_docs(&self, p: &Pair<Rule>) -> Span {
        let whole = self.span(p);
        let start = p
            .clone()
            .into_inner()
            .find(|c| c.as_rule() != Rule::docs)
            .map_or(whole.start, |c| self.span(&c).start);
        Span::new(start, whole.end)
    }

    fn too_deep(&self, at: Span) -> SyntaxError {
        too_deep(at.start, self.limits)
    }

    fn ident(&self, p: &Pair<Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    fn docs(&self, p: Pair<Rule>) -> Docs {
        p.into_inner()
            .map(|d| {
                let line = d.into_inner().next().map_or("", |t| t.as_str());
                let line = line.strip_suffix('\r').unwrap_or(line);
                line.strip_prefix(' ').unwrap_or(line).to_string()
            })
            .collect()
    }

    fn text(&self, p: &Pair<Rule>) -> Res<String> {
        let inner = p.clone().into_inner().next();
        let (raw, start) = match &inner {
            Some(i) => (i.as_str(), self.span(i).start),
            None => ("", self.span(p).start),
        };
        unescape(raw, start)
    }

    fn label(&self, p: Pair<Rule>) -> Res<Label> {
        let span = self.span(&p);
        let mut text = String::new();
        let mut translations = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::text => text = self.text(&c)?,
                Rule::translations => {
                    for t in c.into_inner() {
                        let tspan = self.span(&t);
                        let mut lang = None;
                        let mut ttext = String::new();
                        for x in t.into_inner() {
                            match x.as_rule() {
                                Rule::ident => lang = Some(self.ident(&x)),
                                Rule::text => ttext = self.text(&x)?,
                                _ => {}
                            }
                        }
                        translations.push(Translation {
                            lang: lang.ok_or_else(|| internal("language", tspan))?,
                            text: ttext,
                            span: tspan,
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(Label {
            text,
            translations,
            span,
        })
    }

    fn type_expr(&self, p: Pair<Rule>) -> Res<TypeExpr> {
        let span = self.span(&p);
        let mut lists = Vec::new();
        let mut ty = None;
        let mut monthly = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::kw_monthly => monthly = true,
                Rule::kw_list => lists.push(self.span(&c).start),
                Rule::ident => ty = Some(TypeExpr::Named(self.ident(&c))),
                _ => {}
            }
        }
        if lists.len() >= self.limits.max_nesting {
            return Err(self.too_deep(span));
        }
        let mut ty = ty.ok_or_else(|| internal("type", span))?;
        for start in lists.into_iter().rev() {
            ty = TypeExpr::List(Box::new(ty), Span::new(start, span.end));
        }
        if monthly {
            ty = TypeExpr::Monthly(Box::new(ty), span);
        }
        Ok(ty)
    }

    fn date(&self, p: &Pair<Rule>) -> DateLit {
        let mut d = DateLit {
            year: 0,
            month: 0,
            day: 0,
            span: self.span(p),
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                // The grammar makes a year 4 ASCII digits and a month or day 2,
                // which always parse; a 0 would still be refused as a date.
                Rule::date_year => d.year = digits(c.as_str()),
                Rule::date_month => d.month = digits(c.as_str()),
                Rule::date_day => d.day = digits(c.as_str()),
                _ => {}
            }
        }
        d
    }

    /// A literal pair (`date`, `duration`, `percent`, `number`, `signed_number`,
    /// `text`, `boolean`), or `None` for other rules.
    fn literal(&self, p: &Pair<Rule>) -> Res<Option<Literal>> {
        let span = self.span(p);
        Ok(Some(match p.as_rule() {
            Rule::date => Literal::Date(self.date(p)),
            Rule::duration => Literal::Duration(self.duration(p)?),
            Rule::percent => Literal::Percent(p.as_str().trim_end_matches('%').to_string(), span),
            Rule::number | Rule::signed_number => number_literal(p.as_str(), span),
            Rule::text => Literal::Text(self.text(p)?, span),
            Rule::boolean => Literal::Bool(p.as_str() == "true", span),
            _ => return Ok(None),
        }))
    }

    fn duration(&self, p: &Pair<Rule>) -> Res<Duration> {
        let span = self.span(p);
        let mut amount = String::new();
        let mut working = false;
        let mut unit = None;
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::number => amount = c.as_str().to_string(),
                Rule::working => working = true,
                Rule::unit => {
                    unit = Some(match c.as_str() {
                        "day" | "days" if working => DurationUnit::WorkingDays,
                        "day" | "days" => DurationUnit::Days,
                        "week" | "weeks" => DurationUnit::Weeks,
                        "month" | "months" => DurationUnit::Months,
                        _ => DurationUnit::Years,
                    })
                }
                _ => {}
            }
        }
        if working && unit != Some(DurationUnit::WorkingDays) {
            return Err(SyntaxError::new(
                SyntaxErrorKind::Unexpected,
                "`working` only goes with days",
                span,
            )
            .with_help("write `3 working days`"));
        }
        Ok(Duration {
            amount,
            unit: unit.ok_or_else(|| internal("duration unit", span))?,
            span,
        })
    }

    // -----------------------------------------------------------------------
    // Declarations: `decl` reads what every kind shares (doc comments, then the
    // header: name, type, label), then builds the body of its kind, one function
    // per kind; a body's items are built one child at a time (`items`).

    fn decl(&self, p: Pair<Rule>) -> Res<Decl> {
        let span = self.span(&p);
        let mut docs = Docs::new();
        let mut body = None;
        for c in p.into_inner() {
            if c.as_rule() == Rule::docs {
                docs = self.docs(c);
            } else {
                body = Some(c);
            }
        }
        let body = body.ok_or_else(|| internal("declaration", span))?;
        let span = self.span(&body);
        let h = Header::read(self, body.clone())?;
        match body.as_rule() {
            Rule::ruleset => self.ruleset(body, docs, h, span),
            Rule::sector_decl => Ok(Decl::Sector(SectorDecl {
                docs,
                name: decl_name(h.name, span)?,
                label: h.label,
                span,
            })),
            Rule::enum_decl => self.enum_decl(body, docs, h, span),
            Rule::entity => self.entity(body, docs, h, span),
            Rule::parameter => self.parameter(body, docs, h, span),
            Rule::table => self.table(body, docs, h, span),
            Rule::program => self.program(body, docs, h, span),
            Rule::assessment => self.assessment(body, docs, h, span),
            Rule::service => self.service(body, docs, h, span),
            Rule::calendar => self.calendar(body, docs, h, span),
            Rule::protocol => self.protocol(body, docs, h, span),
            Rule::test => self.test(body, docs, h, span),
            Rule::scale_decl => self.scale(body, docs, h, span),
            _ => Err(internal("declaration", span)),
        }
    }

    /// The items of a declaration's body: `item` builds one from a child, or gives
    /// `None` for the children that are not items (keywords, name, label).
    fn items<T>(
        &self,
        body: Pair<Rule>,
        item: impl Fn(&Self, Pair<Rule>) -> Res<Option<T>>,
    ) -> Res<Vec<T>> {
        let mut items = Vec::new();
        for c in body.into_inner() {
            if let Some(i) = item(self, c)? {
                items.push(i);
            }
        }
        Ok(items)
    }

    fn ruleset(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, |b, c| {
            let s = b.span(&c);
            Ok(Some(match c.as_rule() {
                Rule::languages => RulesetItem::Languages {
                    langs: b.idents(c),
                    span: s,
                },
                Rule::currency => RulesetItem::Currency {
                    code: b.first_ident(c)?,
                    span: s,
                },
                Rule::regions => RulesetItem::Regions {
                    name: b.first_ident(c)?,
                    span: s,
                },
                _ => return Ok(None),
            }))
        })?;
        Ok(Decl::Ruleset(Ruleset {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            items,
            span,
        }))
    }

    fn enum_decl(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let variants = self.items(body, |b, c| {
            if c.as_rule() != Rule::variant {
                return Ok(None);
            }
            let s = b.span_after_docs(&c);
            let vh = Header::read(b, c)?;
            Ok(Some(Variant {
                docs: vh.docs,
                name: vh.name.ok_or_else(|| internal("variant", s))?,
                label: vh.label,
                span: s,
            }))
        })?;
        Ok(Decl::Enum(EnumDecl {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            variants,
            span,
        }))
    }

    fn entity(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let members = self.items(body, |b, c| {
            Ok(match c.as_rule() {
                Rule::field => Some(Member::Field(b.field(c)?)),
                Rule::let_member => Some(Member::Let(b.let_member(c)?)),
                _ => None,
            })
        })?;
        Ok(Decl::Entity(Entity {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            members,
            span,
        }))
    }

    fn parameter(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, |b, c| match c.as_rule() {
            Rule::param_source => {
                let l = b.child_label(c)?;
                Ok(Some(ParameterItem::Source(
                    l.ok_or_else(|| internal("source", span))?,
                )))
            }
            Rule::param_from => b.param_from(c).map(Some),
            Rule::param_until => b.param_until(c).map(Some),
            _ => Ok(None),
        })?;
        Ok(Decl::Parameter(Parameter {
            docs,
            name: decl_name(h.name, span)?,
            ty: h.ty.ok_or_else(|| internal("type", span))?,
            label: h.label,
            items,
            span,
        }))
    }

    fn program(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, Self::program_item)?;
        Ok(Decl::Program(Program {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            items,
            span,
        }))
    }

    fn assessment(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, Self::assessment_item)?;
        Ok(Decl::Assessment(Assessment {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            items,
            span,
        }))
    }

    fn service(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, |b, c| {
            let s = b.span(&c);
            Ok(match c.as_rule() {
                Rule::s_sector => Some(ServiceItem::Sector(b.first_ident(c)?, s)),
                Rule::s_meets => Some(ServiceItem::Meets(b.idents(c), s)),
                _ => None,
            })
        })?;
        Ok(Decl::Service(Service {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            items,
            span,
        }))
    }

    fn calendar(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let extends = body
            .clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::c_extends)
            .and_then(|c| c.into_inner().find(|i| i.as_rule() == Rule::ident))
            .map(|i| self.ident(&i));
        let items = self.items(body, |b, c| {
            let s = b.span(&c);
            Ok(match c.as_rule() {
                Rule::c_weekend => Some(CalendarItem::Weekend(b.idents(c), s)),
                Rule::c_holiday => Some(b.holiday_line(c, s)),
                Rule::c_working => Some(CalendarItem::Working(
                    c.into_inner()
                        .filter(|d| d.as_rule() == Rule::date)
                        .map(|d| b.date(&d))
                        .collect(),
                    s,
                )),
                _ => None,
            })
        })?;
        Ok(Decl::Calendar(Calendar {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            extends,
            items,
            span,
        }))
    }

    /// `holiday 2025-01-03, every 01-01, 01-02, easter western + 1 day or next working day`.
    fn holiday_line(&self, c: Pair<Rule>, span: Span) -> CalendarItem {
        let mut days = Vec::new();
        let mut next_working_day = false;
        for d in c.into_inner() {
            match d.as_rule() {
                Rule::date => days.push(HolidayDay::Date(self.date(&d))),
                Rule::c_every => {
                    for m in d.into_inner().filter(|m| m.as_rule() == Rule::month_day) {
                        let date = self.date(&m);
                        days.push(HolidayDay::Every(MonthDay {
                            month: date.month,
                            day: date.day,
                            span: date.span,
                        }));
                    }
                }
                Rule::c_easter => {
                    let s = self.span(&d);
                    let mut computus = None;
                    let mut offset = 0;
                    for e in d.into_inner() {
                        match e.as_rule() {
                            Rule::ident => computus = Some(self.ident(&e)),
                            Rule::c_offset => {
                                let mut sign = 1;
                                for o in e.into_inner() {
                                    match o.as_rule() {
                                        Rule::offset_sign if o.as_str() == "-" => sign = -1,
                                        // At most three ASCII digits (the grammar).
                                        Rule::offset_days => offset = digits::<i32>(o.as_str()),
                                        _ => {}
                                    }
                                }
                                offset *= sign;
                            }
                            _ => {}
                        }
                    }
                    // The grammar makes `easter` always followed by a name.
                    if let Some(computus) = computus {
                        days.push(HolidayDay::Easter {
                            computus,
                            offset,
                            span: s,
                        });
                    }
                }
                Rule::c_next => next_working_day = true,
                _ => {}
            }
        }
        CalendarItem::Holiday {
            days,
            next_working_day,
            span,
        }
    }

    fn protocol(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let mut items = self.items(body, Self::protocol_item)?;
        // `version` has one place, first (see `ast::Protocol`): the tree of a file
        // with it elsewhere equals the tree of its formatted text.
        items.sort_by_key(|i| !matches!(i, ProtocolItem::Version { .. }));
        Ok(Decl::Protocol(Protocol {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            items,
            span,
        }))
    }

    /// A test is named by its label.
    fn test(&self, body: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let items = self.items(body, Self::test_item)?;
        Ok(Decl::Test(Test {
            docs,
            name: h.label.ok_or_else(|| internal("test name", span))?,
            items,
            span,
        }))
    }

    /// The identifiers directly inside `p`, in order.
    fn idents(&self, p: Pair<Rule>) -> Vec<Ident> {
        p.into_inner()
            .filter(|c| c.as_rule() == Rule::ident)
            .map(|c| self.ident(&c))
            .collect()
    }

    fn first_ident(&self, p: Pair<Rule>) -> Res<Ident> {
        let span = self.span(&p);
        self.idents(p)
            .into_iter()
            .next()
            .ok_or_else(|| internal("name", span))
    }

    fn child_label(&self, p: Pair<Rule>) -> Res<Option<Label>> {
        match p.into_inner().find(|c| c.as_rule() == Rule::label) {
            Some(l) => Ok(Some(self.label(l)?)),
            None => Ok(None),
        }
    }

    fn child_expr(&self, p: Pair<Rule>) -> Res<Expr> {
        let span = self.span(&p);
        match p
            .into_inner()
            .find(|c| matches!(c.as_rule(), Rule::expr | Rule::dated_expr))
        {
            Some(e) if e.as_rule() == Rule::dated_expr => self.dated_expr(e),
            Some(e) => self.expr(e),
            None => Err(internal("expression", span)),
        }
    }

    /// `{ from DATE: EXPR … }`, with `from DATE:` (no formula) and `until DATE`.
    fn dated_expr(&self, p: Pair<Rule>) -> Res<Expr> {
        let span = self.span(&p);
        let mut versions = Vec::new();
        for v in p.into_inner() {
            let vspan = self.span(&v);
            let until = v.as_rule() == Rule::dated_until;
            let mut date = None;
            let mut expr = None;
            for c in v.into_inner() {
                match c.as_rule() {
                    Rule::date => date = Some(self.date(&c)),
                    Rule::expr => expr = Some(self.expr(c)?),
                    _ => {}
                }
            }
            versions.push(DatedExpr {
                date: date.ok_or_else(|| internal("date", vspan))?,
                expr,
                until,
                span: vspan,
            });
        }
        Ok(Expr::Dated { versions, span })
    }

    fn field(&self, p: Pair<Rule>) -> Res<Field> {
        let span = self.span_after_docs(&p);
        let domain = p
            .clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::domain)
            .and_then(|d| d.into_inner().next())
            .map(|d| self.field_domain(d));
        let h = Header::read(self, p)?;
        Ok(Field {
            docs: h.docs,
            name: h.name.ok_or_else(|| internal("field name", span))?,
            ty: h.ty.ok_or_else(|| internal("field type", span))?,
            domain,
            label: h.label,
            span,
        })
    }

    /// `>= N` / `in A..B` (a `domain_cmp` or `domain_range` pair).
    fn field_domain(&self, d: Pair<Rule>) -> FieldDomain {
        let span = self.span(&d);
        let is_range = d.as_rule() == Rule::domain_range;
        let mut op = CompareOp::Ge;
        let mut nums = Vec::new();
        for x in d.into_inner() {
            match x.as_rule() {
                Rule::domain_op => op = compare_op(x.as_str()),
                Rule::signed_number => nums.push(x.as_str().to_string()),
                _ => {}
            }
        }
        let mut nums = nums.into_iter();
        let first = nums.next().unwrap_or_default();
        if is_range {
            FieldDomain::Range {
                low: first,
                high: nums.next().unwrap_or_default(),
                span,
            }
        } else {
            FieldDomain::Compare {
                op,
                bound: first,
                span,
            }
        }
    }

    fn let_member(&self, p: Pair<Rule>) -> Res<Let> {
        let span = self.span_after_docs(&p);
        let h = Header::read(self, p)?;
        Ok(Let {
            docs: h.docs,
            name: h.name.ok_or_else(|| internal("let name", span))?,
            label: h.label,
            value: h.expr.ok_or_else(|| internal("let value", span))?,
            span,
        })
    }

    fn param_from(&self, p: Pair<Rule>) -> Res<ParameterItem> {
        let span = self.span(&p);
        let mut date = None;
        let mut value = None;
        let mut source = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::date => date = Some(self.date(&c)),
                Rule::expr => value = Some(self.expr(c)?),
                Rule::label => source = Some(self.label(c)?),
                _ => {}
            }
        }
        Ok(ParameterItem::From {
            date: date.ok_or_else(|| internal("date", span))?,
            value,
            source,
            span,
        })
    }

    fn param_until(&self, p: Pair<Rule>) -> Res<ParameterItem> {
        let span = self.span(&p);
        let mut date = None;
        let mut source = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::date => date = Some(self.date(&c)),
                Rule::label => source = Some(self.label(c)?),
                _ => {}
            }
        }
        Ok(ParameterItem::Until {
            date: date.ok_or_else(|| internal("date", span))?,
            source,
            span,
        })
    }

    fn table(&self, p: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let mut params = Vec::new();
        let mut hit = None;
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        let mut versions = Vec::new();
        let mut each = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::table_param => {
                    let s = self.span(&c);
                    let ph = Header::read(self, c)?;
                    params.push(TableParam {
                        name: ph.name.ok_or_else(|| internal("parameter name", s))?,
                        ty: ph.ty.ok_or_else(|| internal("parameter type", s))?,
                        span: s,
                    });
                }
                Rule::hit_policy => hit = Some(self.hit_policy(c)),
                Rule::table_body => (columns, rows, versions, each) = self.table_body(c)?,
                _ => {}
            }
        }
        Ok(Decl::Table(Table {
            docs,
            name: h.name.ok_or_else(|| internal("table name", span))?,
            params,
            result: h.ty.ok_or_else(|| internal("result type", span))?,
            label: h.label,
            hit,
            columns,
            rows,
            versions,
            each,
            span,
        }))
    }

    fn hit_policy(&self, p: Pair<Rule>) -> HitPolicy {
        let span = self.span(&p);
        let words: Vec<Rule> = p.into_inner().map(|k| k.as_rule()).collect();
        let kind = match words.as_slice() {
            [_, Rule::kw_first] => HitPolicyKind::First,
            [_, Rule::kw_any] => HitPolicyKind::Any,
            [_, _, Rule::kw_sum] => HitPolicyKind::CollectSum,
            [_, _, Rule::kw_min] => HitPolicyKind::CollectMin,
            [_, _, Rule::kw_max] => HitPolicyKind::CollectMax,
            [_, _, Rule::kw_count] => HitPolicyKind::CollectCount,
            [_, _, Rule::kw_list] => HitPolicyKind::CollectList,
            _ => HitPolicyKind::Unique,
        };
        HitPolicy { kind, span }
    }

    /// The header row's column names and the rows (at most
    /// [`Limits::max_table_rows`], `E0007` beyond).
    #[expect(clippy::type_complexity, reason = "the parts of one table body")]
    fn table_body(
        &self,
        p: Pair<Rule>,
    ) -> Res<(Vec<Ident>, Vec<Row>, Vec<TableVersion>, Vec<TableEach>)> {
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        let mut versions = Vec::new();
        let mut each = Vec::new();
        for r in p.into_inner() {
            match r.as_rule() {
                Rule::header_row => columns = self.idents(r),
                Rule::table_from | Rule::table_until => {
                    let span = self.span(&r);
                    let until = r.as_rule() == Rule::table_until;
                    let mut from = None;
                    let mut source = None;
                    for c in r.into_inner() {
                        match c.as_rule() {
                            Rule::date => from = Some(self.date(&c)),
                            Rule::text => {
                                source = Some(Label {
                                    text: self.text(&c)?,
                                    translations: Vec::new(),
                                    span: self.span(&c),
                                })
                            }
                            _ => {}
                        }
                    }
                    versions.push(TableVersion {
                        from: from.ok_or_else(|| internal("version date", span))?,
                        source,
                        until,
                        first: rows.len(),
                        span,
                    });
                }
                Rule::row if rows.len() >= self.limits.max_table_rows => {
                    return Err(SyntaxError::new(
                        SyntaxErrorKind::TooManyRows,
                        format!(
                            "too many rows: a table holds at most {}",
                            self.limits.max_table_rows
                        ),
                        self.span(&r),
                    )
                    .with_help("a list this long is data, not a rule: give it as facts"));
                }
                Rule::table_each => {
                    let span = self.span(&r);
                    let mut column = None;
                    let mut values = Vec::new();
                    for c in r.into_inner() {
                        match c.as_rule() {
                            Rule::ident => column = Some(self.ident(&c)),
                            Rule::cell_value => values.push(self.cell_value(c)?),
                            _ => {}
                        }
                    }
                    let mut values = values.into_iter();
                    let (Some(above), Some(add)) = (values.next(), values.next()) else {
                        return Err(internal("`for each` values", span));
                    };
                    each.push(TableEach {
                        column: column.ok_or_else(|| internal("`for each` column", span))?,
                        above,
                        add,
                        after: rows.len(),
                        versions_before: versions.len(),
                        span,
                    });
                }
                Rule::row => rows.push(self.row(r)?),
                _ => {}
            }
        }
        Ok((columns, rows, versions, each))
    }

    fn row(&self, p: Pair<Rule>) -> Res<Row> {
        let span = self.span(&p);
        let mut cells = Vec::new();
        for c in p.into_inner() {
            let s = self.span(&c);
            cells.push(match c.as_rule() {
                Rule::cell_any => Cell::Any(s),
                Rule::cell_value => Cell::Value(self.cell_value(c)?),
                Rule::cell_compare => {
                    let mut op = CompareOp::Eq;
                    let mut value = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::compare_op => op = compare_op(x.as_str()),
                            Rule::cell_value => value = Some(self.cell_value(x)?),
                            _ => {}
                        }
                    }
                    Cell::Compare(op, value.ok_or_else(|| internal("cell value", s))?, s)
                }
                Rule::cell_range => {
                    let mut vs = Vec::new();
                    for x in c.into_inner() {
                        vs.push(self.cell_value(x)?);
                    }
                    let mut vs = vs.into_iter();
                    match (vs.next(), vs.next()) {
                        (Some(lo), Some(hi)) => Cell::Range(lo, hi, s),
                        _ => return Err(internal("range bound", s)),
                    }
                }
                Rule::cell_set => {
                    let mut vs = Vec::new();
                    for x in c.into_inner() {
                        vs.push(self.cell_value(x)?);
                    }
                    Cell::Set(vs, s)
                }
                _ => continue,
            });
        }
        Ok(Row { cells, span })
    }

    fn scale(&self, p: Pair<Rule>, docs: Docs, h: Header, span: Span) -> Res<Decl> {
        let mut kind = ScaleKind::Marginal;
        let mut brackets = Vec::new();
        let mut versions = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::scale_kind if c.as_str().trim() == "single" => kind = ScaleKind::Single,
                Rule::scale_bracket => brackets.push(self.scale_bracket(c)?),
                Rule::scale_version | Rule::scale_until => {
                    let vspan = self.span(&c);
                    let until = c.as_rule() == Rule::scale_until;
                    let mut from = None;
                    let mut source = None;
                    let mut vb = Vec::new();
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::date => from = Some(self.date(&x)),
                            Rule::label => source = Some(self.label(x)?),
                            Rule::scale_bracket => vb.push(self.scale_bracket(x)?),
                            _ => {}
                        }
                    }
                    versions.push(ScaleVersion {
                        from: from.ok_or_else(|| internal("date", vspan))?,
                        source,
                        until,
                        brackets: vb,
                        span: vspan,
                    });
                }
                _ => {}
            }
        }
        Ok(Decl::Scale(Scale {
            docs,
            name: decl_name(h.name, span)?,
            label: h.label,
            kind,
            brackets,
            versions,
            span,
        }))
    }

    fn scale_bracket(&self, p: Pair<Rule>) -> Res<ScaleBracket> {
        let span = self.span(&p);
        let mut cells = Vec::new();
        for c in p.into_inner() {
            if c.as_rule() == Rule::cell_value {
                cells.push(self.cell_value(c)?);
            }
        }
        let mut cells = cells.into_iter();
        let (Some(threshold), Some(value)) = (cells.next(), cells.next()) else {
            return Err(internal("bracket", span));
        };
        Ok(ScaleBracket {
            threshold,
            value,
            span,
        })
    }

    fn cell_value(&self, p: Pair<Rule>) -> Res<CellValue> {
        let span = self.span(&p);
        let inner = p
            .into_inner()
            .next()
            .ok_or_else(|| internal("cell value", span))?;
        match inner.as_rule() {
            Rule::ident => return Ok(CellValue::Name(self.ident(&inner))),
            Rule::grouped_number => return Ok(CellValue::Literal(self.grouped_number(&inner))),
            _ => {}
        }
        match self.literal(&inner)? {
            Some(l) => Ok(CellValue::Literal(l)),
            None => Err(internal("cell value", span)),
        }
    }

    /// `1,632` (digit groups separated by `,`) in a table cell: reported, and read
    /// as the number it most likely means, so the table is kept. One `,` followed
    /// by other than three digits (`1,5`, `0,125`) is a decimal comma.
    fn grouped_number(&self, p: &Pair<Rule>) -> Literal {
        let span = self.span(p);
        let text = p.as_str();
        let (whole, fraction) = match text.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        let groups: Vec<&str> = whole.split(',').collect();
        let decimal_comma = fraction.is_none()
            && matches!(groups.as_slice(), [first, tail]
                if tail.len() != 3 || first.trim_start_matches('-') == "0");
        let (meant, message, help) = if decimal_comma {
            let meant = whole.replacen(',', ".", 1);
            let help = format!("write `{meant}`");
            (meant, "the decimal point is `.`, not `,`", help)
        } else {
            let help = format!(
                "write `{}` or `{}`",
                text.replace(',', "_"),
                text.replace(',', "")
            );
            (
                text.replace(',', ""),
                "digits are not grouped with `,`",
                help,
            )
        };
        self.recovered
            .borrow_mut()
            .push(SyntaxError::new(SyntaxErrorKind::Unexpected, message, span).with_help(help));
        number_literal(&meant, span)
    }

    fn clause(&self, p: Pair<Rule>) -> Res<Clause> {
        let span = self.span(&p);
        let mut condition = None;
        let mut legal = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::expr => condition = Some(self.expr(c)?),
                Rule::dated_expr => condition = Some(self.dated_expr(c)?),
                Rule::label => legal = Some(self.label(c)?),
                _ => {}
            }
        }
        Ok(Clause {
            condition: condition.ok_or_else(|| internal("condition", span))?,
            legal,
            span,
        })
    }

    fn program_item(&self, c: Pair<Rule>) -> Res<Option<ProgramItem>> {
        let s = self.span(&c);
        let missing = || internal("label", s);
        Ok(Some(match c.as_rule() {
            Rule::p_for => ProgramItem::For(self.first_ident(c)?, s),
            Rule::p_sector => ProgramItem::Sector(self.first_ident(c)?, s),
            Rule::p_legal => ProgramItem::Legal(self.child_label(c)?.ok_or_else(missing)?, s),
            Rule::p_eligible => ProgramItem::Eligible(self.clause(c)?),
            Rule::p_unless => ProgramItem::Unless(self.clause(c)?),
            Rule::p_amount => ProgramItem::Amount(self.child_expr(c)?, s),
            Rule::p_apply => ProgramItem::Apply(self.child_label(c)?.ok_or_else(missing)?, s),
            Rule::p_documents => {
                let mut labels = Vec::new();
                for l in c.into_inner().filter(|l| l.as_rule() == Rule::label) {
                    labels.push(self.label(l)?);
                }
                ProgramItem::Documents(labels, s)
            }
            _ => return Ok(None),
        }))
    }

    fn assessment_item(&self, c: Pair<Rule>) -> Res<Option<AssessmentItem>> {
        let s = self.span(&c);
        Ok(Some(match c.as_rule() {
            Rule::a_for => AssessmentItem::For(self.first_ident(c)?, s),
            Rule::section => {
                let span = self.span_after_docs(&c);
                let mut docs = Docs::new();
                let mut name = None;
                let mut label = None;
                let mut questions = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::docs => docs = self.docs(x),
                        Rule::ident => name = Some(self.ident(&x)),
                        Rule::label => label = Some(self.label(x)?),
                        Rule::question => questions.push(self.question(x)?),
                        _ => {}
                    }
                }
                AssessmentItem::Section(Section {
                    docs,
                    name: name.ok_or_else(|| internal("section name", span))?,
                    label,
                    questions,
                    span,
                })
            }
            Rule::question => AssessmentItem::Question(self.question(c)?),
            Rule::score => {
                let span = self.span_after_docs(&c);
                let h = Header::read(self, c)?;
                AssessmentItem::Score {
                    docs: h.docs,
                    name: h.name.ok_or_else(|| internal("score name", span))?,
                    label: h.label,
                    value: h.expr.ok_or_else(|| internal("score value", span))?,
                    span,
                }
            }
            Rule::need => {
                let span = self.span_after_docs(&c);
                let h = Header::read(self, c)?;
                AssessmentItem::Need {
                    docs: h.docs,
                    name: h.name.ok_or_else(|| internal("need name", span))?,
                    label: h.label,
                    condition: h.expr.ok_or_else(|| internal("need condition", span))?,
                    span,
                }
            }
            Rule::risk => {
                let h = Header::read(self, c)?;
                AssessmentItem::Risk {
                    level: h.name.ok_or_else(|| internal("risk level", s))?,
                    label: h.label,
                    condition: h.expr,
                    span: s,
                }
            }
            _ => return Ok(None),
        }))
    }

    fn question(&self, p: Pair<Rule>) -> Res<Question> {
        let span = self.span_after_docs(&p);
        let mut docs = Docs::new();
        let mut name = None;
        let mut label = None;
        let mut kind = None;
        for c in p.into_inner() {
            let s = self.span(&c);
            match c.as_rule() {
                Rule::docs => docs = self.docs(c),
                Rule::ident => name = Some(self.ident(&c)),
                Rule::label => label = Some(self.label(c)?),
                Rule::q_boolean => {
                    let mut nums = c
                        .into_inner()
                        .filter(|n| n.as_rule() == Rule::signed_number)
                        .map(|n| n.as_str().to_string());
                    kind = Some(QuestionKind::Boolean {
                        points: nums.next(),
                        else_points: nums.next(),
                        span: s,
                    });
                }
                Rule::q_scale => {
                    let mut nums = Vec::new();
                    let mut options = Vec::new();
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::signed_number => nums.push(x.as_str().to_string()),
                            Rule::scale_options => {
                                for l in x.into_inner() {
                                    options.push(self.label(l)?);
                                }
                            }
                            _ => {}
                        }
                    }
                    debug_assert_eq!(nums.len(), 2, "INVARIANT: q_scale has two signed_numbers");
                    let mut nums = nums.into_iter();
                    kind = Some(QuestionKind::Scale {
                        low: nums.next().unwrap_or_default(),
                        high: nums.next().unwrap_or_default(),
                        options,
                        span: s,
                    });
                }
                Rule::q_choice => {
                    let multiple = c.as_str().starts_with("choices");
                    let mut options = Vec::new();
                    for o in c
                        .into_inner()
                        .filter(|o| o.as_rule() == Rule::choice_option)
                    {
                        let os = self.span(&o);
                        let mut oname = None;
                        let mut olabel = None;
                        let mut points = None;
                        for x in o.into_inner() {
                            match x.as_rule() {
                                Rule::ident => oname = Some(self.ident(&x)),
                                Rule::label => olabel = Some(self.label(x)?),
                                Rule::signed_number => points = Some(x.as_str().to_string()),
                                _ => {}
                            }
                        }
                        options.push(ChoiceOption {
                            name: oname.ok_or_else(|| internal("option name", os))?,
                            label: olabel,
                            points,
                            span: os,
                        });
                    }
                    kind = Some(QuestionKind::Choice {
                        options,
                        multiple,
                        span: s,
                    });
                }
                Rule::q_value => {
                    let mut ty = None;
                    let mut nums = Vec::new();
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => ty = Some(self.ident(&x)),
                            Rule::signed_number => nums.push(x.as_str().to_string()),
                            _ => {}
                        }
                    }
                    let mut nums = nums.into_iter();
                    let range = match (nums.next(), nums.next()) {
                        (Some(lo), Some(hi)) => Some((lo, hi)),
                        _ => None,
                    };
                    kind = Some(QuestionKind::Value {
                        ty: ty.ok_or_else(|| internal("answer type", s))?,
                        range,
                        span: s,
                    });
                }
                _ => {}
            }
        }
        Ok(Question {
            docs,
            name: name.ok_or_else(|| internal("question name", span))?,
            label,
            kind: kind.ok_or_else(|| internal("answer kind", span))?,
            span,
        })
    }

    fn protocol_item(&self, c: Pair<Rule>) -> Res<Option<ProtocolItem>> {
        let s = self.span(&c);
        Ok(Some(match c.as_rule() {
            Rule::pr_for => ProtocolItem::For(self.first_ident(c)?, s),
            Rule::pr_version => {
                let mut number = None;
                let mut from = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::number => number = Some(x.as_str().to_string()),
                        Rule::date => from = Some(self.date(&x)),
                        _ => {}
                    }
                }
                ProtocolItem::Version {
                    number: number.ok_or_else(|| internal("version number", s))?,
                    from,
                    span: s,
                }
            }
            Rule::pr_calendar => ProtocolItem::Calendar(self.first_ident(c)?, s),
            Rule::roles => {
                let mut roles = Vec::new();
                for r in c.into_inner().filter(|r| r.as_rule() == Rule::role) {
                    roles.push(self.role(r)?);
                }
                ProtocolItem::Roles(roles, s)
            }
            Rule::pr_legal => {
                let label = c.into_inner().find(|x| x.as_rule() == Rule::label);
                let label = label.ok_or_else(|| internal("legal basis", s))?;
                ProtocolItem::Legal(self.label(label)?, s)
            }
            Rule::pr_agency => {
                let span = self.span_after_docs(&c);
                let mut docs = Docs::new();
                let mut name = None;
                let mut label = None;
                let mut roles = Vec::new();
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::docs => docs = self.docs(x),
                        Rule::ident => name = Some(self.ident(&x)),
                        Rule::label => label = Some(self.label(x)?),
                        Rule::role => roles.push(self.role(x)?),
                        _ => {}
                    }
                }
                ProtocolItem::Agency(Agency {
                    docs,
                    name: name.ok_or_else(|| internal("agency name", span))?,
                    label,
                    roles,
                    span,
                })
            }
            Rule::start => ProtocolItem::Start(self.child_expr(c)?, s),
            Rule::step => ProtocolItem::Step(self.step(c)?),
            Rule::escalate => {
                let mut to = None;
                let mut overdue_by = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::ident => to = Some(self.ident(&x)),
                        Rule::duration => overdue_by = Some(self.duration(&x)?),
                        _ => {}
                    }
                }
                ProtocolItem::Escalate {
                    to: to.ok_or_else(|| internal("role", s))?,
                    overdue_by: overdue_by.ok_or_else(|| internal("duration", s))?,
                    span: s,
                }
            }
            Rule::share => {
                let requires_consent = c
                    .clone()
                    .into_inner()
                    .any(|x| x.as_rule() == Rule::share_consent);
                let mut ids = self.idents(c).into_iter();
                ProtocolItem::Share {
                    what: ids.next().ok_or_else(|| internal("shared item", s))?,
                    with: ids.collect(),
                    requires_consent,
                    span: s,
                }
            }
            Rule::pr_region => ProtocolItem::Region(self.first_ident(c)?, s),
            Rule::pr_referrals => {
                let mut rules = Vec::new();
                for r in c
                    .into_inner()
                    .filter(|r| r.as_rule() == Rule::referral_rule)
                {
                    let rs = self.span(&r);
                    let (mut case, mut action) = (None, None);
                    for x in r.into_inner() {
                        match x.as_rule() {
                            Rule::kw_elsewhere => case = Some(ReferralCase::Elsewhere),
                            Rule::kw_full => case = Some(ReferralCase::Full),
                            Rule::kw_refused => action = Some(ReferralAction::Refused),
                            Rule::kw_flagged => action = Some(ReferralAction::Flagged),
                            _ => {}
                        }
                    }
                    rules.push(ReferralRule {
                        case: case.ok_or_else(|| internal("referral case", rs))?,
                        action: action.ok_or_else(|| internal("referral action", rs))?,
                        span: rs,
                    });
                }
                ProtocolItem::Referrals(rules, s)
            }
            Rule::pr_consent => ProtocolItem::ConsentForReferral {
                sectors: self.idents(c),
                span: s,
            },
            _ => return Ok(None),
        }))
    }

    /// A role: `NAME [LABEL] [at AGENCY] [is client | is provider]`, in
    /// `roles { }` or in an `agency` block.
    fn role(&self, r: Pair<Rule>) -> Res<Role> {
        let rs = self.span_after_docs(&r);
        let mut docs = Docs::new();
        let mut ids = Vec::new();
        let mut label = None;
        let mut kind = None;
        for x in r.into_inner() {
            match x.as_rule() {
                Rule::docs => docs = self.docs(x),
                Rule::ident => ids.push(self.ident(&x)),
                Rule::label => label = Some(self.label(x)?),
                Rule::role_kind => {
                    kind = x.into_inner().find_map(|k| match k.as_rule() {
                        Rule::kw_client => Some(RoleKind::Client),
                        Rule::kw_provider => Some(RoleKind::Provider),
                        _ => None,
                    });
                }
                _ => {}
            }
        }
        let mut ids = ids.into_iter();
        Ok(Role {
            docs,
            name: ids.next().ok_or_else(|| internal("role name", rs))?,
            label,
            agency: ids.next(),
            kind,
            span: rs,
        })
    }

    fn step(&self, p: Pair<Rule>) -> Res<Step> {
        let span = self.span_after_docs(&p);
        let mut docs = Docs::new();
        let mut name = None;
        let mut label = None;
        let mut items = Vec::new();
        for c in p.into_inner() {
            let s = self.span(&c);
            let item = match c.as_rule() {
                Rule::docs => {
                    docs = self.docs(c);
                    continue;
                }
                Rule::ident => {
                    name = Some(self.ident(&c));
                    continue;
                }
                Rule::label => {
                    label = Some(self.label(c)?);
                    continue;
                }
                Rule::st_by => StepItem::By(self.first_ident(c)?, s),
                Rule::st_after => StepItem::After(self.idents(c), s),
                Rule::st_within | Rule::st_every => {
                    let every = c.as_rule() == Rule::st_every;
                    let inner: Vec<Pair<Rule>> = c.into_inner().collect();
                    let d = inner
                        .iter()
                        .find(|x| x.as_rule() == Rule::duration)
                        .ok_or_else(|| internal("duration", s))?;
                    let d = self.duration(d)?;
                    let from = inner.iter().find(|x| x.as_rule() == Rule::ident);
                    match (every, from) {
                        (true, _) => StepItem::Every(d, s),
                        (false, Some(f)) => StepItem::WithinFrom(d, self.ident(f), s),
                        (false, None) => StepItem::Within(d, s),
                    }
                }
                Rule::st_contact => {
                    StepItem::Contact(self.child_label(c)?.ok_or_else(|| internal("label", s))?, s)
                }
                Rule::st_assessment => StepItem::Assessment(self.first_ident(c)?, s),
                Rule::st_requires => StepItem::Requires(self.first_ident(c)?, s),
                Rule::st_for_each => {
                    let inner: Vec<Pair<Rule>> = c.clone().into_inner().collect();
                    match inner.iter().any(|x| x.as_rule() == Rule::expr) {
                        true => {
                            let of = self.first_ident(c.clone())?;
                            StepItem::ForEachNeedWhere(of, self.child_expr(c)?, s)
                        }
                        false => StepItem::ForEachNeed(self.first_ident(c)?, s),
                    }
                }
                Rule::st_closes => StepItem::Closes(s),
                Rule::st_back => {
                    let to = self.first_ident(c.clone())?;
                    StepItem::BackTo(to, self.child_expr(c)?, s)
                }
                Rule::st_when => StepItem::When(self.child_expr(c)?, s),
                Rule::st_legal => {
                    StepItem::Legal(self.child_label(c)?.ok_or_else(|| internal("label", s))?, s)
                }
                Rule::st_escalate => {
                    let mut to = None;
                    let mut overdue_by = None;
                    for x in c.into_inner() {
                        match x.as_rule() {
                            Rule::ident => to = Some(self.ident(&x)),
                            Rule::duration => overdue_by = Some(self.duration(&x)?),
                            _ => {}
                        }
                    }
                    StepItem::Escalate {
                        to: to.ok_or_else(|| internal("role", s))?,
                        overdue_by: overdue_by.ok_or_else(|| internal("duration", s))?,
                        span: s,
                    }
                }
                Rule::st_rates => StepItem::RatesProviders(s),
                _ => continue,
            };
            items.push(item);
        }
        Ok(Step {
            docs,
            name: name.ok_or_else(|| internal("step name", span))?,
            label,
            items,
            span,
        })
    }

    fn test_item(&self, c: Pair<Rule>) -> Res<Option<TestItem>> {
        let s = self.span(&c);
        Ok(Some(match c.as_rule() {
            Rule::as_of => {
                let d = c
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::date)
                    .ok_or_else(|| internal("date", s))?;
                TestItem::AsOf(self.date(&d), s)
            }
            Rule::given => {
                let mut entity = None;
                let mut value = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::ident => entity = Some(self.ident(&x)),
                        Rule::object => value = Some(self.object(x, 1)?),
                        _ => {}
                    }
                }
                TestItem::Given {
                    entity: entity.ok_or_else(|| internal("entity", s))?,
                    value: value.ok_or_else(|| internal("object", s))?,
                    span: s,
                }
            }
            Rule::expect => {
                let mut program = None;
                let mut subject = None;
                let mut outcome = None;
                for x in c.into_inner() {
                    let xs = self.span(&x);
                    match x.as_rule() {
                        Rule::ident => program = Some(self.ident(&x)),
                        Rule::subject_path => subject = Some(self.subject_path(x)),
                        Rule::kw_eligible => outcome = Some(ExpectOutcome::Eligible(xs)),
                        Rule::kw_ineligible => outcome = Some(ExpectOutcome::Ineligible(xs)),
                        Rule::kw_undetermined => outcome = Some(ExpectOutcome::Undetermined(xs)),
                        Rule::signed_number => {
                            outcome = Some(ExpectOutcome::Amount(number_literal(x.as_str(), xs)))
                        }
                        _ => {}
                    }
                }
                TestItem::Expect(Expect {
                    program: program.ok_or_else(|| internal("programme", s))?,
                    subject,
                    outcome: outcome.ok_or_else(|| internal("outcome", s))?,
                    span: s,
                })
            }
            Rule::expect_value => {
                let mut path = None;
                let mut value = None;
                for x in c.into_inner() {
                    match x.as_rule() {
                        Rule::kw_expect => {}
                        Rule::subject_path => path = Some(self.subject_path(x)),
                        _ => value = Some(self.value(x, 1)?),
                    }
                }
                TestItem::ExpectValue(ExpectValue {
                    path: path.ok_or_else(|| internal("path", s))?,
                    value: value.ok_or_else(|| internal("value", s))?,
                    span: s,
                })
            }
            _ => return Ok(None),
        }))
    }

    fn subject_path(&self, p: Pair<Rule>) -> SubjectPath {
        let span = self.span(&p);
        let mut segments = Vec::new();
        for seg in p.into_inner() {
            let s = self.span(&seg);
            let mut field = None;
            let mut index = None;
            for x in seg.into_inner() {
                match x.as_rule() {
                    Rule::ident => field = Some(self.ident(&x)),
                    Rule::path_index => index = Some(x.as_str().to_string()),
                    _ => {}
                }
            }
            if let Some(field) = field {
                segments.push(PathSegment {
                    field,
                    index,
                    span: s,
                });
            }
        }
        SubjectPath { segments, span }
    }

    fn object(&self, p: Pair<Rule>, depth: usize) -> Res<ObjectValue> {
        let span = self.span(&p);
        if depth > self.limits.max_nesting {
            return Err(self.too_deep(span));
        }
        let mut entries = Vec::new();
        for e in p.into_inner().filter(|e| e.as_rule() == Rule::entry) {
            let es = self.span(&e);
            let mut inner = e.into_inner();
            let field = inner
                .next()
                .map(|f| self.ident(&f))
                .ok_or_else(|| internal("field", es))?;
            let value = inner.next().ok_or_else(|| internal("value", es))?;
            entries.push(ObjectEntry {
                field,
                value: self.value(value, depth + 1)?,
                span: es,
            });
        }
        Ok(ObjectValue { entries, span })
    }

    fn value(&self, p: Pair<Rule>, depth: usize) -> Res<Value> {
        let s = self.span(&p);
        if depth > self.limits.max_nesting {
            return Err(self.too_deep(s));
        }
        Ok(match p.as_rule() {
            Rule::kw_unknown => Value::Unknown(s),
            Rule::ident => Value::Name(self.ident(&p)),
            Rule::object => Value::Object(self.object(p, depth)?),
            Rule::months_value => {
                let mut entries = Vec::new();
                for e in p.into_inner().filter(|e| e.as_rule() == Rule::month_entry) {
                    let es = self.span(&e);
                    let mut inner = e.into_inner();
                    let key = inner.next().ok_or_else(|| internal("month", es))?;
                    let value = inner.next().ok_or_else(|| internal("value", es))?;
                    entries.push(MonthEntry {
                        month: key.as_str().to_string(),
                        month_span: self.span(&key),
                        value: self.value(value, depth + 1)?,
                        span: es,
                    });
                }
                Value::Months(MonthsValue { entries, span: s })
            }
            Rule::list_value => {
                let mut items = Vec::new();
                for v in p.into_inner() {
                    items.push(self.value(v, depth + 1)?);
                }
                Value::List(items, s)
            }
            _ => match self.literal(&p)? {
                Some(l) => Value::Literal(l),
                None => return Err(internal("value", s)),
            },
        })
    }

    // -----------------------------------------------------------------------
    // Expressions

    fn expr(&self, p: Pair<Rule>) -> Res<Expr> {
        Ok(self.expr_at(p, 1)?.expr)
    }

    /// Builds an `expr` or `range_bound` pair found `depth` levels below the item.
    fn expr_at(&self, p: Pair<Rule>, depth: usize) -> Res<Built> {
        let span = self.span(&p);
        // The Pratt parser recurses once per prefix operator and right-associative
        // operator: bound that before it runs.
        let recursion = p
            .clone()
            .into_inner()
            .filter(|c| {
                matches!(
                    c.as_rule(),
                    Rule::if_head
                        | Rule::quant_head
                        | Rule::op_not
                        | Rule::op_neg
                        | Rule::op_where
                        | Rule::op_implies
                )
            })
            .count();
        if depth + recursion > self.limits.max_nesting {
            return Err(self.too_deep(span));
        }
        self.pratt(p.into_inner(), depth)
    }

    fn pratt(&self, pairs: Pairs<Rule>, depth: usize) -> Res<Built> {
        pratt()
            .map_primary(|p| {
                self.primary(p, depth)
                    .and_then(|b| self.check_height(b, depth))
            })
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
                self.prefix(op, rhs, depth)
                    .and_then(|b| self.check_height(b, depth))
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                self.infix(lhs, op, rhs)
                    .and_then(|b| self.check_height(b, depth))
            })
            .map_postfix(|lhs, op| {
                let lhs = lhs?;
                self.postfix(lhs, op, depth)
                    .and_then(|b| self.check_height(b, depth))
            })
            .parse(pairs)
    }

    fn check_height(&self, b: Built, depth: usize) -> Res<Built> {
        if b.height + depth > self.limits.max_nesting {
            Err(self.too_deep(b.expr.span()))
        } else {
            Ok(b)
        }
    }

    fn primary(&self, p: Pair<Rule>, depth: usize) -> Res<Built> {
        let s = self.span(&p);
        Ok(match p.as_rule() {
            Rule::quant_done => {
                let mut quantifier = None;
                let mut step = None;
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::kw_all => quantifier = Some(Quantifier::All),
                        Rule::kw_any => quantifier = Some(Quantifier::Any),
                        Rule::ident => step = Some(self.ident(&x)),
                        _ => {}
                    }
                }
                Built::leaf(Expr::Done {
                    quantifier,
                    step: step.ok_or_else(|| internal("step", s))?,
                    span: s,
                })
            }
            Rule::named => {
                let mut name = None;
                let mut done = false;
                let mut call_args = None;
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::ident => name = Some(self.ident(&x)),
                        Rule::kw_done => done = true,
                        Rule::args => call_args = Some(x),
                        _ => {}
                    }
                }
                let name = name.ok_or_else(|| internal("name", s))?;
                if done {
                    return Ok(Built::leaf(Expr::Done {
                        quantifier: None,
                        step: name,
                        span: s,
                    }));
                }
                let Some(call_args) = call_args else {
                    return Ok(Built::leaf(Expr::Name(name)));
                };
                let mut args = Vec::new();
                let mut height = 0;
                for x in call_args.into_inner() {
                    let b = self.expr_at(x, depth + 1)?;
                    height = height.max(b.height);
                    args.push(b.expr);
                }
                Built {
                    expr: Expr::Call {
                        func: name,
                        args,
                        span: s,
                    },
                    height: height + 1,
                    bare_compare: false,
                }
            }
            Rule::paren => {
                let inner = p
                    .into_inner()
                    .next()
                    .ok_or_else(|| internal("expression", s))?;
                let mut b = self.expr_at(inner, depth)?;
                b.bare_compare = false;
                b
            }
            _ => match self.literal(&p)? {
                Some(l) => Built::leaf(Expr::Literal(l)),
                None => return Err(internal("expression", s)),
            },
        })
    }

    fn prefix(&self, op: Pair<Rule>, rhs: Built, depth: usize) -> Res<Built> {
        let op_span = self.span(&op);
        let span = op_span.to(rhs.expr.span());
        let unary = |op, rhs: Built| Built {
            height: rhs.height + 1,
            bare_compare: false,
            expr: Expr::Unary {
                op,
                operand: Box::new(rhs.expr),
                span,
            },
        };
        Ok(match op.as_rule() {
            Rule::op_not => unary(UnaryOp::Not, rhs),
            Rule::op_neg => unary(UnaryOp::Neg, rhs),
            Rule::if_head => {
                let mut parts = Vec::new();
                for x in op.into_inner().filter(|x| x.as_rule() == Rule::expr) {
                    parts.push(self.expr_at(x, depth + 1)?);
                }
                let mut parts = parts.into_iter();
                let (Some(c), Some(t)) = (parts.next(), parts.next()) else {
                    return Err(internal("condition", op_span));
                };
                Built {
                    height: 1 + c.height.max(t.height).max(rhs.height),
                    bare_compare: false,
                    expr: Expr::If {
                        condition: Box::new(c.expr),
                        then: Box::new(t.expr),
                        otherwise: Box::new(rhs.expr),
                        span,
                    },
                }
            }
            Rule::quant_head => {
                let mut quantifier = Quantifier::Any;
                let mut list = None;
                for x in op.into_inner() {
                    match x.as_rule() {
                        Rule::kw_all => quantifier = Quantifier::All,
                        Rule::kw_any => quantifier = Quantifier::Any,
                        Rule::quant_list => list = Some(self.quant_list(x, depth + 1)?),
                        _ => {}
                    }
                }
                let list = list.ok_or_else(|| internal("list", op_span))?;
                Built {
                    height: 1 + list.height.max(rhs.height),
                    bare_compare: false,
                    expr: Expr::Quantified {
                        quantifier,
                        list: Box::new(list.expr),
                        condition: Box::new(rhs.expr),
                        span,
                    },
                }
            }
            _ => return Err(internal("operator", op_span)),
        })
    }

    /// `any`/`all`'s list: a name, call or parenthesized expression, then `.field`s.
    fn quant_list(&self, p: Pair<Rule>, depth: usize) -> Res<Built> {
        let s = self.span(&p);
        let mut built: Option<Built> = None;
        for x in p.into_inner() {
            built = Some(match built {
                None => self.primary(x, depth)?,
                Some(b) => self.postfix(b, x, depth)?,
            });
            if let Some(b) = &built {
                if b.height + depth > self.limits.max_nesting {
                    return Err(self.too_deep(s));
                }
            }
        }
        built.ok_or_else(|| internal("list", s))
    }

    fn infix(&self, lhs: Built, op: Pair<Rule>, rhs: Built) -> Res<Built> {
        let op_span = self.span(&op);
        let span = lhs.expr.span().to(rhs.expr.span());
        let height = 1 + lhs.height.max(rhs.height);
        if op.as_rule() == Rule::op_where {
            return Ok(Built {
                height,
                bare_compare: false,
                expr: Expr::Where {
                    list: Box::new(lhs.expr),
                    condition: Box::new(rhs.expr),
                    span,
                },
            });
        }
        let bop = match op.as_rule() {
            Rule::op_implies => BinaryOp::Implies,
            Rule::op_or => BinaryOp::Or,
            Rule::op_and => BinaryOp::And,
            Rule::op_eq => BinaryOp::Eq,
            Rule::op_ne => BinaryOp::Ne,
            Rule::op_lt => BinaryOp::Lt,
            Rule::op_le => BinaryOp::Le,
            Rule::op_gt => BinaryOp::Gt,
            Rule::op_ge => BinaryOp::Ge,
            Rule::op_otherwise => BinaryOp::Otherwise,
            Rule::op_add => BinaryOp::Add,
            Rule::op_sub => BinaryOp::Sub,
            Rule::op_mul => BinaryOp::Mul,
            Rule::op_div => BinaryOp::Div,
            _ => return Err(internal("operator", op_span)),
        };
        let compare = matches!(
            bop,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        );
        if compare && lhs.bare_compare {
            return Err(chained(op_span));
        }
        Ok(Built {
            height,
            bare_compare: compare,
            expr: Expr::Binary {
                op: bop,
                lhs: Box::new(lhs.expr),
                rhs: Box::new(rhs.expr),
                span,
            },
        })
    }

    fn postfix(&self, lhs: Built, op: Pair<Rule>, depth: usize) -> Res<Built> {
        let op_span = self.span(&op);
        let span = lhs.expr.span().to(op_span);
        match op.as_rule() {
            Rule::field_access => {
                let field = op
                    .into_inner()
                    .find(|x| x.as_rule() == Rule::ident)
                    .map(|x| self.ident(&x))
                    .ok_or_else(|| internal("field", op_span))?;
                Ok(Built {
                    height: lhs.height + 1,
                    bare_compare: false,
                    expr: Expr::Field {
                        base: Box::new(lhs.expr),
                        field,
                        span,
                    },
                })
            }
            Rule::in_test => {
                if lhs.bare_compare {
                    return Err(chained(op_span));
                }
                let mut negated = false;
                let mut height = lhs.height;
                let mut result = None;
                // Moved into whichever of set or range follows (exactly one does).
                let mut value = Some(Box::new(lhs.expr));
                for x in op.into_inner() {
                    match x.as_rule() {
                        Rule::kw_not => negated = true,
                        Rule::set => {
                            let mut set = Vec::new();
                            for e in x.into_inner() {
                                let b = self.expr_at(e, depth + 1)?;
                                height = height.max(b.height);
                                set.push(b.expr);
                            }
                            result = Some(Expr::InSet {
                                value: value.take().ok_or_else(|| internal("value", op_span))?,
                                set,
                                negated,
                                span,
                            });
                        }
                        Rule::range => {
                            let mut bounds = Vec::new();
                            for e in x.into_inner() {
                                let b = self.expr_at(e, depth + 1)?;
                                height = height.max(b.height);
                                bounds.push(b.expr);
                            }
                            let mut bounds = bounds.into_iter();
                            let (Some(low), Some(high)) = (bounds.next(), bounds.next()) else {
                                return Err(internal("range bound", op_span));
                            };
                            result = Some(Expr::InRange {
                                value: value.take().ok_or_else(|| internal("value", op_span))?,
                                low: Box::new(low),
                                high: Box::new(high),
                                negated,
                                span,
                            });
                        }
                        _ => {}
                    }
                }
                Ok(Built {
                    expr: result.ok_or_else(|| internal("set or range", op_span))?,
                    height: height + 1,
                    bare_compare: true,
                })
            }
            _ => Err(internal("operator", op_span)),
        }
    }
}

fn chained(at: Span) -> SyntaxError {
    SyntaxError::new(
        SyntaxErrorKind::Unexpected,
        "comparisons cannot be chained",
        at,
    )
    .with_help("combine comparisons with `and`, or add parentheses")
}

/// What most declarations and members start with: docs, a name, a type, a label,
/// an expression (the first of each found among the direct children).
struct Header {
    docs: Docs,
    name: Option<Ident>,
    ty: Option<TypeExpr>,
    label: Option<Label>,
    expr: Option<Expr>,
}

impl Header {
    fn read(b: &Builder, p: Pair<Rule>) -> Res<Header> {
        let mut h = Header {
            docs: Docs::new(),
            name: None,
            ty: None,
            label: None,
            expr: None,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::docs => h.docs = b.docs(c),
                Rule::ident if h.name.is_none() => h.name = Some(b.ident(&c)),
                Rule::type_expr if h.ty.is_none() => h.ty = Some(b.type_expr(c)?),
                Rule::label if h.label.is_none() => h.label = Some(b.label(c)?),
                Rule::expr if h.expr.is_none() => h.expr = Some(b.expr(c)?),
                Rule::dated_expr if h.expr.is_none() => h.expr = Some(b.dated_expr(c)?),
                _ => {}
            }
        }
        Ok(h)
    }
}

fn compare_op(s: &str) -> CompareOp {
    match s {
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => CompareOp::Eq,
    }
}

fn number_literal(text: &str, span: Span) -> Literal {
    if text.contains('.') {
        Literal::Decimal(text.to_string(), span)
    } else {
        Literal::Integer(text.to_string(), span)
    }
}

/// Unescapes the inside of a text literal starting at byte `start` of the file.
pub(crate) fn unescape(raw: &str, start: usize) -> Res<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = |end: usize, what: &str| {
            SyntaxError::new(
                SyntaxErrorKind::BadEscape,
                format!(
                    "invalid escape `{}` in text",
                    raw.get(i..end).unwrap_or("\\")
                ),
                Span::new(start + i, start + end),
            )
            .with_help(format!(
                "{what}; the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{{…}}`"
            ))
        };
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((j, 'u')) => {
                let rest = crate::text::slice(raw, j + 1.., "`j` is the index of the one-byte `u`");
                let hex = rest.strip_prefix('{').and_then(|r| r.split_once('}'));
                let Some((hex, _)) = hex else {
                    return Err(bad(j + 1, "write a code point as `\\u{1F600}`"));
                };
                let end = j + 1 + hex.len() + 2;
                let ok = (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
                match u32::from_str_radix(hex, 16)
                    .ok()
                    .filter(|_| ok)
                    .and_then(char::from_u32)
                {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(bad(
                            end,
                            "`\\u{…}` takes 1 to 6 hex digits of a valid code point",
                        ))
                    }
                }
                while chars.peek().is_some_and(|&(k, _)| k < end) {
                    chars.next();
                }
            }
            Some((j, other)) => return Err(bad(j + other.len_utf8(), "unknown escape")),
            None => return Err(bad(i + 1, "a text cannot end with `\\`")),
        }
    }
    Ok(out)
}

/// pest errors → readable [`SyntaxError`]s.
mod errors {
    use super::{Rule, SyntaxError, SyntaxErrorKind};
    use crate::ast::Span;
    use pest::error::{Error, ErrorVariant, InputLocation};

    use crate::ast::RESERVED_WORDS as RESERVED;

    /// Expected-item phrases that stand for a name the user chooses: a reserved word
    /// found there gets the "choose another name" help.
    const NAME_PLACES: [&str; 8] = [
        "a name",
        "a field or `let`",
        "a variant",
        "a table parameter",
        "a field",
        "a question",
        "a role",
        "a path",
    ];

    /// Rules that only start an expression: when one is expected, literals and
    /// names are folded into "an expression".
    fn expression_only(r: Rule) -> bool {
        matches!(
            r,
            Rule::named
                | Rule::paren
                | Rule::if_head
                | Rule::quant_head
                | Rule::quant_done
                | Rule::op_not
        )
    }

    fn operator(r: Rule) -> bool {
        matches!(
            r,
            Rule::infix_start
                | Rule::op_where
                | Rule::op_implies
                | Rule::op_or
                | Rule::op_and
                | Rule::op_le
                | Rule::op_ge
                | Rule::op_ne
                | Rule::op_lt
                | Rule::op_gt
                | Rule::op_eq
                | Rule::op_otherwise
                | Rule::op_add
                | Rule::op_sub
                | Rule::op_mul
                | Rule::op_div
                | Rule::field_access
                | Rule::in_test
        )
    }

    fn decl_keyword(r: Rule) -> bool {
        matches!(
            r,
            Rule::kw_ruleset
                | Rule::kw_enum
                | Rule::kw_entity
                | Rule::kw_parameter
                | Rule::kw_table
                | Rule::kw_program
                | Rule::kw_service
                | Rule::kw_calendar
                | Rule::kw_protocol
                | Rule::kw_test
        )
    }

    /// What a rule is called in a message; `None` for rules not worth naming.
    fn phrase(r: Rule) -> Option<String> {
        let s = match r {
            Rule::ident => "a name",
            Rule::number | Rule::signed_number | Rule::grouped_number => "a number",
            Rule::date => "a date",
            Rule::duration => "a duration",
            Rule::percent => "a percentage",
            Rule::text => "a text",
            Rule::boolean => "`true` or `false`",
            Rule::label => "a label",
            Rule::translations => "`[`",
            Rule::translation => "a translation",
            Rule::expr | Rule::range_bound | Rule::dated_expr => "an expression",
            Rule::dated_version => "`from`",
            Rule::dated_until | Rule::table_until | Rule::scale_until => "`until`",
            Rule::type_expr => "a type",
            Rule::field | Rule::let_member => "a field or `let`",
            Rule::variant => "a variant",
            Rule::domain | Rule::domain_cmp | Rule::domain_range | Rule::domain_op => {
                "a domain (`>= 0`, `in 0..130`)"
            }
            Rule::header_row => "a header row",
            Rule::row => "a table row",
            Rule::cell_any
            | Rule::cell_compare
            | Rule::cell_range
            | Rule::cell_set
            | Rule::cell_value
            | Rule::set_value => "a cell",
            Rule::compare_op => "a comparison",
            Rule::table_param => "a table parameter",
            Rule::table_body => "`{`",
            Rule::hit_policy => "`hit`",
            Rule::set => "`{`",
            Rule::range => "a range",
            Rule::object => "`{`",
            Rule::list_value => "`[`",
            Rule::entry => "a field",
            Rule::subject_path | Rule::path_segment => "a path",
            Rule::path_index => "an index",
            Rule::unit => "a unit (`days`, `months`…)",
            Rule::working => "`working`",
            Rule::question => "a question",
            Rule::role => "a role",
            Rule::role_kind => "`is`",
            Rule::referral_rule => "`elsewhere` or `full`",
            Rule::scale_options => "`[`",
            Rule::scale_kind => "`marginal` or `single`",
            Rule::scale_bracket => "a bracket (`THRESHOLD | RATE`)",
            Rule::scale_version => "`from`",
            Rule::choice_option => "an option",
            Rule::q_boolean | Rule::q_scale | Rule::q_choice | Rule::q_value => "an answer type",
            Rule::decl => "a declaration (`entity`, `program`, `table`…)",
            Rule::date_year => "a date",
            Rule::date_month => "a two-digit month",
            Rule::date_day => "a two-digit day",
            Rule::month_day => "a month and day (`MM-DD`)",
            Rule::c_offset | Rule::offset_sign => "`+` or `-`",
            Rule::offset_days => "a number of days",
            Rule::docs | Rule::doc | Rule::doc_text => return None,
            _ => {
                let name = format!("{r:?}");
                if let Some(kw) = name.strip_prefix("kw_") {
                    let kw = if kw == "boolean" { "Boolean" } else { kw };
                    return Some(format!("`{kw}`"));
                }
                if let Some(item) = item_keyword(r) {
                    return Some(format!("`{item}`"));
                }
                return None;
            }
        };
        Some(s.to_string())
    }

    /// Item rules start with a keyword; name them by it.
    fn item_keyword(r: Rule) -> Option<&'static str> {
        Some(match r {
            Rule::languages => "languages",
            Rule::currency => "currency",
            Rule::regions => "regions",
            Rule::param_source => "source",
            Rule::param_from => "from",
            Rule::param_until => "until",
            Rule::p_for | Rule::a_for | Rule::pr_for => "for",
            Rule::p_sector | Rule::s_sector => "sector",
            Rule::p_legal | Rule::st_legal => "legal",
            Rule::p_eligible => "eligible",
            Rule::p_unless => "unless",
            Rule::p_amount => "amount",
            Rule::p_apply => "apply",
            Rule::p_documents => "documents",
            Rule::section => "section",
            Rule::score => "score",
            Rule::need => "need",
            Rule::risk => "risk",
            Rule::s_meets => "meets",
            Rule::c_weekend => "weekend",
            Rule::c_holiday => "holiday",
            Rule::c_working => "working",
            Rule::c_extends => "extends",
            Rule::c_every => "every",
            Rule::c_easter => "easter",
            Rule::c_next => "or next working day",
            Rule::pr_calendar => "calendar",
            Rule::pr_version => "version",
            Rule::pr_consent => "consent",
            Rule::share_consent => "requires",
            Rule::pr_legal => "legal",
            Rule::pr_agency => "agency",
            Rule::roles => "roles",
            Rule::start => "start",
            Rule::step => "step",
            Rule::escalate | Rule::st_escalate => "escalate",
            Rule::share => "share",
            Rule::pr_region => "region",
            Rule::pr_referrals => "referrals",
            Rule::st_rates => "rates providers",
            Rule::st_by => "by",
            Rule::st_after => "after",
            Rule::st_within => "within",
            Rule::st_every => "every",
            Rule::st_contact => "contact",
            Rule::st_assessment => "assessment",
            Rule::st_requires => "requires",
            Rule::st_for_each => "for each",
            Rule::st_closes => "closes",
            Rule::st_back => "back to",
            Rule::st_when => "when",
            Rule::as_of => "as of",
            Rule::given => "given",
            Rule::expect | Rule::expect_value => "expect",
            _ => return None,
        })
    }

    /// The token at `pos`: a whole word, or one character; `None` at the end.
    fn token_at(source: &str, pos: usize) -> Option<(usize, usize)> {
        let rest = source.get(pos..)?;
        let first = rest.chars().next()?;
        if first.is_ascii_alphanumeric() || first == '_' {
            let len = rest
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(rest.len());
            Some((pos, pos + len))
        } else {
            Some((pos, pos + first.len_utf8()))
        }
    }

    fn join(items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {}", init.join(", "), last),
        }
    }

    /// Converts a pest error for the slice starting at byte `offset` of `source`.
    pub(crate) fn convert(source: &str, offset: usize, e: &Error<Rule>) -> SyntaxError {
        let local = match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        let (positives, negatives) = match &e.variant {
            ErrorVariant::ParsingError {
                positives,
                negatives,
            } => (positives.clone(), negatives.clone()),
            ErrorVariant::CustomError { message } => {
                // pest's own guards: the call budget and its native stack probe.
                let at = offset + local;
                return SyntaxError::new(
                    SyntaxErrorKind::TooDeep,
                    format!("declaration too complex to parse ({message})"),
                    Span::new(at, at + 1),
                )
                .with_help("split the declaration into smaller ones");
            }
        };
        let attempts = e.parse_attempts();
        let orig = offset + local;
        if let Some(err) = doc_error(source, orig).or_else(|| unterminated(source, orig)) {
            return err;
        }
        // Punctuation expected at the furthest position reached (`{`, `:`…);
        // operators are "an operator", and the insides of tokens (`_`, `"`, `//`)
        // mean nothing to a reader.
        let operators = positives.iter().any(|&r| operator(r));
        let token_phrases: Vec<String> = attempts
            .as_ref()
            .map(|a| {
                a.expected_tokens()
                    .into_iter()
                    .map(|t| t.to_string())
                    .filter(|t| match t.as_str() {
                        "{" | "}" | ")" | "[" | "]" | ":" | "," | ".." | "->" | "|" => true,
                        "=" | "(" => !operators,
                        _ => false,
                    })
                    .map(|t| format!("`{t}`"))
                    .collect()
            })
            .unwrap_or_default();
        // The detailed attempts may reach further than the rules pest reports (a
        // missing `:` is a token, not a rule): then only the tokens describe it.
        let max = attempts.as_ref().map_or(local, |a| a.max_position);
        let further = max > local && !token_phrases.is_empty();
        let pos = if further { offset + max } else { orig };
        // No token at `pos`: pest stopped at the end of the file.
        let (tstart, tend) = token_at(source, pos).unwrap_or((source.len(), source.len()));
        let span = Span::new(tstart, tend);
        let found = crate::text::slice(source, tstart..tend, "`token_at` gives a token's bounds");
        let found_text = if found.is_empty() {
            "end of file".to_string()
        } else if found == "\n" || found == "\r" {
            // Only inside a table, where a row ends at the end of its line.
            "the end of the line".to_string()
        } else {
            format!("`{found}`")
        };

        let mut phrases: Vec<String> = Vec::new();
        fn push_to(phrases: &mut Vec<String>, p: String) {
            if !phrases.contains(&p) {
                phrases.push(p);
            }
        }
        let positives: Vec<Rule> = if further { Vec::new() } else { positives };
        let in_expr = positives.iter().any(|&r| expression_only(r));
        let decls = positives.iter().filter(|&&r| decl_keyword(r)).count();
        for &r in &positives {
            if matches!(r, Rule::kw_done | Rule::working | Rule::unit) && found != "working" {
                // Continuations of a name or number, rarely what was meant.
                continue;
            }
            if decls >= 3 && (decl_keyword(r) || matches!(r, Rule::kw_sector | Rule::kw_assessment))
            {
                push_to(
                    &mut phrases,
                    "a declaration (`entity`, `program`, `table`…)".to_string(),
                );
            } else if operator(r) {
                push_to(&mut phrases, "an operator".to_string());
            } else if in_expr
                && (expression_only(r)
                    || matches!(
                        r,
                        Rule::ident
                            | Rule::number
                            | Rule::date
                            | Rule::date_year
                            | Rule::duration
                            | Rule::percent
                            | Rule::text
                            | Rule::boolean
                            | Rule::op_neg
                            | Rule::kw_any
                            | Rule::kw_all
                            | Rule::kw_if
                    ))
            {
                push_to(&mut phrases, "an expression".to_string());
            } else if let Some(p) = phrase(r) {
                push_to(&mut phrases, p);
            }
        }
        let expression = phrases.iter().any(|p| p == "an expression");
        for t in token_phrases {
            // `{` where an expression may start is a formula in versions by date
            // (after `let x`, `eligible when`, `amount`): "an expression" says it.
            if !(expression && (t == "`(`" || t == "`{`")) {
                push_to(&mut phrases, t);
            }
        }
        let message = if phrases.is_empty() {
            match negatives.first().and_then(|&r| phrase(r)) {
                Some(p) => format!("unexpected {p}"),
                None => format!("unexpected {found_text}"),
            }
        } else {
            format!("expected {}, found {found_text}", join(&phrases))
        };
        let mut err = SyntaxError::new(SyntaxErrorKind::Unexpected, message, span);
        if let Some(help) = help(source, tstart, found, &phrases) {
            err = err.with_help(help);
        }
        err
    }

    /// A text literal opened at `pos` and not closed on its line.
    fn unterminated(source: &str, pos: usize) -> Option<SyntaxError> {
        if source.get(pos..)?.starts_with('"') {
            let line_end = source
                .get(pos + 1..)
                .and_then(|s| s.find('\n'))
                .map_or(source.len(), |n| pos + 1 + n);
            let line = crate::text::slice(
                source,
                pos + 1..line_end,
                "`pos` holds a one-byte `\"` and `line_end` is a newline after it or the end",
            );
            if !closes(line) {
                let end = if source.get(..line_end)?.ends_with('\r') {
                    line_end - 1
                } else {
                    line_end
                };
                return Some(
                    SyntaxError::new(
                        SyntaxErrorKind::Unexpected,
                        "unterminated text literal",
                        Span::new(pos, end),
                    )
                    .with_help(
                        "close the text with `\"` on the same line (write a line break as `\\n`)",
                    ),
                );
            }
        }
        None
    }

    /// Whether the rest of a line after an opening `"` holds its closing `"`.
    fn closes(line: &str) -> bool {
        let mut escaped = false;
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return true,
                _ => {}
            }
        }
        false
    }

    /// The number literal that `text` ends with (`12`, `1_500`, `2.5`), if any.
    fn number_at_end(text: &str) -> Option<&str> {
        let len = text
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit() || *b == b'_' || *b == b'.')
            .count();
        let (head, number) = text.split_at_checked(text.len() - len)?;
        // Not the end of a name (`x1`) or of a date (`2025-01-01`).
        let mut head = head.bytes().rev();
        let part_of_other = match head.next() {
            Some(b'-') => head.next().is_some_and(|b| b.is_ascii_digit()),
            Some(b) => b.is_ascii_alphanumeric() || b == b'_',
            None => false,
        };
        let starts_with_digit = number.bytes().next().is_some_and(|b| b.is_ascii_digit());
        (starts_with_digit && !part_of_other).then_some(number)
    }

    /// The digits that `text` starts with.
    fn digits_at_start(text: &str) -> &str {
        let len = text.bytes().take_while(u8::is_ascii_digit).count();
        crate::text::slice(text, ..len, "ASCII digits end on a character boundary")
    }

    /// Words people write for working days.
    const WORKING_DAY_WORDS: [&str; 6] = [
        "workdays",
        "workday",
        "business",
        "businessdays",
        "weekdays",
        "work",
    ];

    /// Help for a number written the way other languages or habits write it:
    /// digit groups (`1,632`, `1 500`), a space before `%`, a made-up unit of
    /// working days (`3 workdays`).
    fn number_help(before: &str, after: &str, found: &str) -> Option<String> {
        // `1,632`: the error is at the `,`, or (in a test's object, where `,`
        // separates entries) at the digits after it.
        let (head, tail) = if found == "," {
            (number_at_end(before)?, digits_at_start(after.get(1..)?))
        } else if let Some(head) = before.strip_suffix(',').and_then(number_at_end) {
            (head, digits_at_start(after))
        } else if found.len() == 3 && found.bytes().all(|b| b.is_ascii_digit()) {
            // `1 500`
            let number = number_at_end(before.trim_end_matches([' ', '\t']))?;
            if before.ends_with(number) || number.contains('.') {
                return None;
            }
            return Some(format!("write `{number}_{found}` or `{number}{found}`"));
        } else if found == "%" && before.ends_with([' ', '\t']) {
            let number = number_at_end(before.trim_end_matches([' ', '\t']))?;
            return Some(format!("write `{number}%` without a space"));
        } else if WORKING_DAY_WORDS.contains(&found) {
            let number = number_at_end(before.trim_end_matches([' ', '\t']))?;
            return Some(format!("write `{number} working days`"));
        } else {
            return None;
        };
        if tail.is_empty() || head.contains('.') {
            return None;
        }
        // As for a cell (`Builder::grouped_number`).
        Some(
            if tail.len() == 3 && !head.trim_start_matches('0').is_empty() {
                format!("write `{head}_{tail}` or `{head}{tail}`")
            } else {
                format!("write `{head}.{tail}`")
            },
        )
    }

    fn help(source: &str, at: usize, found: &str, expected: &[String]) -> Option<String> {
        let why = "`at` is where a token starts, or the end of the file";
        let before = crate::text::slice(source, ..at, why);
        let after = crate::text::slice(source, at.., why);
        if let Some(help) = number_help(before, after, found) {
            return Some(help);
        }
        if matches!(found, "\n" | "\r") {
            return Some("write each table row on one line".into());
        }
        // `if` is the only place where `else` is expected along with an operator.
        if expected.iter().any(|p| p == "`else`") && expected.iter().any(|p| p == "an operator") {
            return Some("an `if` needs an `else`".into());
        }
        if found == "=" && before.ends_with('=') {
            return Some("use `=` to compare; `==` is not an Accord operator".into());
        }
        if after.starts_with("&&") || (found == "&") {
            return Some("use `and` to combine conditions".into());
        }
        if after.starts_with("||") {
            return Some("use `or` to combine conditions".into());
        }
        if found == "*" && before.ends_with('/') {
            return Some("a `/*` comment is not closed with `*/`".into());
        }
        if found == "{"
            && before.trim_end().ends_with('=')
            && expected.iter().any(|p| p == "an expression")
        {
            return Some(
                "a formula in versions by date takes no `=`: `amount {`, `let x {`".into(),
            );
        }
        if found == "!" && !after.starts_with("!=") {
            return Some("use `not` to negate a condition".into());
        }
        if RESERVED.contains(&found) && expected.iter().any(|p| NAME_PLACES.contains(&p.as_str())) {
            return Some(format!("`{found}` is a reserved word; choose another name"));
        }
        if expected.iter().any(|p| p == "`{`") && !matches!(found, "{" | "\n" | "\r") {
            return Some("a block starts with `{`".into());
        }
        if expected.iter().any(|p| p == "`}`") && found.is_empty() {
            return Some("a block is not closed: add `}`".into());
        }
        None
    }

    /// `///` that documents nothing: at `pos`, or directly above a `}` or the end.
    fn doc_error(source: &str, pos: usize) -> Option<SyntaxError> {
        let why = "`pos` is where pest stopped: a character boundary of the file";
        let rest = crate::text::slice(source, pos.., why);
        let doc_here = rest.starts_with("///") && !rest.starts_with("////");
        let span = if doc_here {
            let end = rest.find('\n').map_or(source.len(), |n| pos + n);
            Some(Span::new(pos, end))
        } else if rest.is_empty() || rest.starts_with('}') {
            // Is the last non-blank line before `pos` a doc comment?
            let before = crate::text::slice(source, ..pos, why).trim_end();
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            let line = crate::text::slice(before, line_start.., "just past a newline").trim_start();
            (line.starts_with("///") && !line.starts_with("////")).then(|| {
                Span::new(
                    line_start + (before.len() - line_start - line.len()),
                    before.len(),
                )
            })
        } else {
            None
        };
        span.map(|span| {
            SyntaxError::new(
                SyntaxErrorKind::DanglingDocComment,
                "doc comment documents nothing",
                span,
            )
            .with_help(
                "put `///` directly above a declaration or member, or use `//` for a comment",
            )
        })
    }
}

/// The value of a date's part: the grammar makes it 2 or 4 ASCII digits, so
/// it has no failure (and no overflow) to fall back from.
fn digits<T: From<u16>>(text: &str) -> T {
    debug_assert!(
        text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()),
        "INVARIANT: date_year is 4 digits, date_month and date_day 2"
    );
    T::from(text.bytes().fold(0u16, |n, b| {
        n.saturating_mul(10)
            .saturating_add(u16::from(b.saturating_sub(b'0')))
    }))
}

#[cfg(test)]
mod nesting_tests {
    use super::nesting_violations;

    #[test]
    fn an_open_expression_carries_its_depth_across_declaration_keywords() {
        let src = format!(
            "entity E {{\n  let x = (\n{}1\n}}\n",
            "table + (\n".repeat(80)
        );
        let regions = nesting_violations(&src, 64);
        assert_eq!(regions.len(), 1, "no new region inside the open expression");
        assert!(regions.first().and_then(|r| r.violation).is_some());
    }

    #[test]
    fn a_declaration_header_starts_a_new_region_even_after_an_unclosed_one() {
        let src = format!(
            "entity E {{\n  let x = {}\nentity F {{ y: Integer }}\n",
            "(".repeat(80)
        );
        let regions = nesting_violations(&src, 64);
        assert_eq!(regions.len(), 2);
        assert!(regions.first().and_then(|r| r.violation).is_some());
        assert!(regions.get(1).is_some_and(|r| r.violation.is_none()));
    }

    #[test]
    fn a_closed_declaration_starts_a_new_region() {
        let src = "entity A {\n  x: Integer\n}\ntable t() -> Integer {\n  result\n  1\n}\n";
        let regions = nesting_violations(src, 64);
        assert_eq!(regions.len(), 2);
        assert!(regions.iter().all(|r| r.violation.is_none()));
    }
}

#[cfg(test)]
mod identifier_tests {
    use super::is_identifier;

    #[test]
    fn names_are_what_the_grammar_reads_as_names() {
        for name in ["age", "family_benefit", "Household", "andx", "_x", "where2"] {
            assert!(is_identifier(name), "{name}");
        }
        // Reserved words, a leading digit, other characters, a name and more.
        for not in [
            "and", "where", "unknown", "true", "2x", "a-b", "", "a b", "é",
        ] {
            assert!(!is_identifier(not), "{not}");
        }
    }
}
