//! The typed syntax tree of an `.accord` file.
//!
//! This is the contract between the parser, the pretty-printer and `accord-core`.
//! It records what was written, not what it means: names are unresolved, number
//! literals keep their text, and nothing is type-checked. Every node that a
//! diagnostic may point at carries a [`Span`].
//!
//! Spans never take part in equality ([`Span`]'s `PartialEq` is always true), so two
//! trees that differ only in layout compare equal: that is what the formatting
//! round-trip property (`parse(print(ast)) == ast`) relies on.
//!
//! The concrete syntax of each node is given in its doc comment; the printer writes
//! exactly that form and the parser accepts it.

use serde::Serialize;

/// A byte range `start..end` in one source file.
///
/// Equality deliberately ignores the range (see the module docs); compare
/// `start`/`end` directly where positions matter.
#[derive(Debug, Clone, Copy, Default, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An identifier as written, e.g. `family_benefit` or `Household`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `"Family benefit" [hy: "Ընտանեկան նպաստ", ru: "Семейное пособие"]`
///
/// `text` is the unescaped text in the ruleset's first language; translations are
/// kept in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub text: String,
    pub translations: Vec<Translation>,
    pub span: Span,
}

/// `hy: "Ընտանեկան նպաստ"` inside a label's brackets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Translation {
    pub lang: Ident,
    pub text: String,
    pub span: Span,
}

/// `2025-03-01`. Not validated here: `2025-02-30` parses and the checker rejects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateLit {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub span: Span,
}

/// The unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DurationUnit {
    /// `day`/`days`
    Days,
    /// `working day`/`working days`
    WorkingDays,
    /// `week`/`weeks`
    Weeks,
    /// `month`/`months`
    Months,
    /// `year`/`years`
    Years,
}

/// `3 working days`, `6 months`, `1 year`. The printer writes the singular form
/// when `amount` is `1` (`1 day`) and the plural otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duration {
    /// Digits as written, underscores allowed: `3`, `30`.
    pub amount: String,
    pub unit: DurationUnit,
    pub span: Span,
}

/// A whole file: its declarations in order, plus the comments the formatter must
/// keep. Doc comments are not in `comments`; they belong to their declaration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct File {
    pub decls: Vec<Decl>,
    pub comments: Vec<Comment>,
    /// Where the author left blank lines, so the formatter can keep (at most) one.
    pub blank_lines: BlankLines,
    /// Declarations that failed to parse but whose keyword and name were read: not
    /// in `decls`, but the checker knows the name, so references to it are not
    /// reported as unknown (the syntax error already was).
    pub broken: Vec<BrokenDecl>,
}

/// A declaration dropped by a syntax error: its kind and name, read from its first
/// line (`table grant(…`), and the span from its keyword to where parsing resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenDecl {
    pub kind: DeclKind,
    pub name: Ident,
    pub span: Span,
}

/// The kinds of named declarations (a `test` has a label, not a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DeclKind {
    Ruleset,
    Sector,
    Enum,
    Entity,
    Parameter,
    Table,
    Program,
    Assessment,
    Service,
    Calendar,
    Protocol,
    Scale,
}

impl DeclKind {
    /// The keyword that starts a declaration of this kind.
    pub const fn keyword(self) -> &'static str {
        match self {
            DeclKind::Ruleset => "ruleset",
            DeclKind::Sector => "sector",
            DeclKind::Enum => "enum",
            DeclKind::Entity => "entity",
            DeclKind::Parameter => "parameter",
            DeclKind::Table => "table",
            DeclKind::Program => "program",
            DeclKind::Assessment => "assessment",
            DeclKind::Service => "service",
            DeclKind::Calendar => "calendar",
            DeclKind::Protocol => "protocol",
            DeclKind::Scale => "scale",
        }
    }

    /// Every kind, in the order of the grammar's `decl` rule.
    pub const ALL: [DeclKind; 12] = [
        DeclKind::Ruleset,
        DeclKind::Sector,
        DeclKind::Enum,
        DeclKind::Entity,
        DeclKind::Parameter,
        DeclKind::Table,
        DeclKind::Program,
        DeclKind::Assessment,
        DeclKind::Service,
        DeclKind::Calendar,
        DeclKind::Protocol,
        DeclKind::Scale,
    ];
}

/// Byte offsets, in increasing order, of the starts of the source's blank lines
/// (outside comments). Layout only: like [`Span`], it never takes part in equality.
#[derive(Debug, Clone, Default, Eq, Serialize)]
pub struct BlankLines(pub Vec<usize>);

impl PartialEq for BlankLines {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// A `// line` or `/* block */` comment. `text` is the whole comment including
/// its delimiters (`// note`), so printing it back is exact.
///
/// Comments are found by a lexical scan, not by the grammar, and placed by the
/// printer by position: a comment goes before the first item that starts after it,
/// or at the end of the line it trailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    /// True when code precedes the comment on its line (`x = 1 // why`).
    pub trailing: bool,
    pub span: Span,
}

/// Doc comment lines (`/// …`) directly above a declaration or member, each
/// without the `///` and without one leading space. Empty when there are none.
pub type Docs = Vec<String>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Decl {
    Ruleset(Ruleset),
    Sector(SectorDecl),
    Enum(EnumDecl),
    Entity(Entity),
    Parameter(Parameter),
    Table(Table),
    Program(Program),
    Assessment(Assessment),
    Service(Service),
    Calendar(Calendar),
    Protocol(Protocol),
    Test(Test),
    Scale(Scale),
}

impl Decl {
    /// The span of the whole declaration, doc comments excluded.
    pub fn span(&self) -> Span {
        match self {
            Decl::Ruleset(d) => d.span,
            Decl::Sector(d) => d.span,
            Decl::Enum(d) => d.span,
            Decl::Entity(d) => d.span,
            Decl::Parameter(d) => d.span,
            Decl::Table(d) => d.span,
            Decl::Program(d) => d.span,
            Decl::Assessment(d) => d.span,
            Decl::Service(d) => d.span,
            Decl::Calendar(d) => d.span,
            Decl::Protocol(d) => d.span,
            Decl::Test(d) => d.span,
            Decl::Scale(d) => d.span,
        }
    }
}

/// ```text
/// ruleset armenia_social "Label" [hy: "…"] {
///   languages en, hy, ru
///   currency AMD
/// }
/// ```
/// Both items are optional and may come in any order; the checker rejects repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ruleset {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<RulesetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RulesetItem {
    /// `languages en, hy, ru` (at least one)
    Languages { langs: Vec<Ident>, span: Span },
    /// `currency AMD`
    Currency { code: Ident, span: Span },
    /// `regions Municipality`: the enum whose variants are the territories
    /// providers serve and needs are mapped by.
    Regions { name: Ident, span: Span },
}

/// `sector culture "Culture" [hy: "…"]` — declares a sector beyond the built-in
/// `social`, `education`, `health`, `employment`, `housing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectorDecl {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub span: Span,
}

/// `enum Region "Region" { yerevan "Yerevan" [hy: "Երևան"]  shirak "Shirak" }`
/// or `enum Disability { none, group_1, group_2 }`: variants are separated by
/// commas or line breaks (a trailing comma is allowed). The printer writes the
/// one-line comma form when no variant has a label or docs, one variant per line
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumDecl {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub variants: Vec<Variant>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub span: Span,
}

/// ```text
/// entity Household "Household" {
///   region: Region "Region of residence"
///   members: list of Person "Members"
///   let size = count(members)
///   let children "Children" = members where age < 18
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Member {
    Field(Field),
    Let(Let),
}

impl Member {
    pub fn name(&self) -> &Ident {
        match self {
            Member::Field(f) => &f.name,
            Member::Let(l) => &l.name,
        }
    }
    pub fn span(&self) -> Span {
        match self {
            Member::Field(f) => f.span,
            Member::Let(l) => l.span,
        }
    }
}

/// `region: Region "Region of residence"` — a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub docs: Docs,
    pub name: Ident,
    pub ty: TypeExpr,
    /// The fact's domain (`income: Money >= 0`, `age: Integer in 0..130`).
    pub domain: Option<FieldDomain>,
    pub label: Option<Label>,
    pub span: Span,
}

/// A field's domain, its numbers as written (the checker reads them):
/// `>= N`, `> N`, `<= N`, `< N` (`op` is never `=` or `!=`), or `in A..B`
/// with both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FieldDomain {
    Compare {
        op: CompareOp,
        bound: String,
        span: Span,
    },
    Range {
        low: String,
        high: String,
        span: Span,
    },
}

impl FieldDomain {
    pub fn span(&self) -> Span {
        match self {
            FieldDomain::Compare { span, .. } | FieldDomain::Range { span, .. } => *span,
        }
    }
}

/// `let size = count(members)` or `let size "Household size" = count(members)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Let {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub value: Expr,
    pub span: Span,
}

/// A type as written: `Money`, `Region`, `list of Person`. Built-in type names
/// (`Boolean`, `Integer`, `Decimal`, `Money`, `Date`, `Text`) are plain names here;
/// the checker knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TypeExpr {
    Named(Ident),
    /// `list of T`
    List(Box<TypeExpr>, Span),
    /// `monthly T`: one value per calendar month (a field's type).
    Monthly(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::List(_, s) | TypeExpr::Monthly(_, s) => *s,
        }
    }
}

/// ```text
/// parameter family_benefit_threshold: Decimal "Label" {
///   source "Government decision No. 145-N"
///   from 2014-01-01: 30.00
///   from 2023-01-01: 29.00 source "Government decision No. 1200-N"
/// }
/// ```
/// `source` lines and `from` lines may interleave; the printer writes them in the
/// order given. A `from` line may carry its own `source`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub docs: Docs,
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: Option<Label>,
    pub items: Vec<ParameterItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ParameterItem {
    /// `source "…"` (a label: translations allowed)
    Source(Label),
    /// `from 2023-01-01: 29.00 [source "…"]`; without a value (`from 2026-01-01:`)
    /// the parameter is repealed from that date.
    From {
        date: DateLit,
        value: Option<Expr>,
        source: Option<Label>,
        span: Span,
    },
    /// `until 2025-12-31 [source "…"]`: the value in force ends after that day.
    Until {
        date: DateLit,
        source: Option<Label>,
        span: Span,
    },
}

/// ```text
/// table birth_grant(order: Integer) -> Money "One-time childbirth grant" hit first {
///   order | result
///   <= 2  | 300_000
///   *     | 1_500_000
/// }
/// ```
/// The first row is the header: one name per input, then the result column's name.
/// Each further row is one line (rows are the only line-sensitive syntax); the
/// number of cells is checked by `accord-core`, not here. No `hit` means
/// `hit unique`; an explicit `hit unique` is kept (`Some(Unique)`) and printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub docs: Docs,
    pub name: Ident,
    pub params: Vec<TableParam>,
    pub result: TypeExpr,
    pub label: Option<Label>,
    pub hit: Option<HitPolicy>,
    pub columns: Vec<Ident>,
    pub rows: Vec<Row>,
    /// A dated table's `from DATE:` lines, in written order; empty for a table
    /// without versions. Each version's rows are `rows[first..next.first]`.
    pub versions: Vec<TableVersion>,
    /// `for each COLUMN above N: ADD` lines, in written order; empty for most tables.
    pub each: Vec<TableEach>,
    pub span: Span,
}

/// `for each size above 8: 583` in a table's body: for an argument of `column`
/// above `above`, the result at `above` plus `add` for each unit above it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableEach {
    pub column: Ident,
    pub above: CellValue,
    pub add: CellValue,
    /// How many rows come before it (an index in [`Table::rows`]).
    pub after: usize,
    /// How many `from` lines come before it (an index in [`Table::versions`]).
    pub versions_before: usize,
    pub span: Span,
}

/// `from 2025-10-01: source "…"` in a table's body: the rows below it, up to the
/// next such line, are the table in force from that date; without rows, the
/// table is repealed from that date. With `until` (`until 2025-12-31 source
/// "…"`), the version above ends after that day (`from` holds that last day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableVersion {
    pub from: DateLit,
    pub source: Option<Label>,
    /// An `until` line rather than a `from` line.
    pub until: bool,
    /// The index in [`Table::rows`] of the version's first row.
    pub first: usize,
    pub span: Span,
}

/// ```text
/// scale social_security_contribution "Social security contribution" marginal {
///   from 2013-01-01: source "…"
///     0      | 2%
///     6_000  | 6%
///     12_400 | 12%
///   from 2017-01-01:
///     0      | 2%
///     12_400 | 12%
/// }
/// ```
/// A scale applied by a call, `social_security_contribution(salary)`. Its brackets
/// are either undated (`brackets`) or grouped into versions in force from a date
/// (`versions`); one of the two is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub kind: ScaleKind,
    pub brackets: Vec<ScaleBracket>,
    pub versions: Vec<ScaleVersion>,
    pub span: Span,
}

/// How a scale applies to its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ScaleKind {
    /// `marginal`: each slice of the base between consecutive thresholds at its
    /// own rate, the results summed.
    Marginal,
    /// `single`: the amount of the bracket the base falls in.
    Single,
}

impl ScaleKind {
    pub const fn keyword(self) -> &'static str {
        match self {
            ScaleKind::Marginal => "marginal",
            ScaleKind::Single => "single",
        }
    }
}

/// `from 2013-01-01: source "…"` and the brackets below it, in force from that
/// date; no brackets end the scale from that date. With `until` (`until
/// 2025-12-31 source "…"`, never with brackets), the version above ends after
/// that day (`from` holds that last day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleVersion {
    pub from: DateLit,
    pub source: Option<Label>,
    /// An `until` line rather than a `from` line.
    pub until: bool,
    pub brackets: Vec<ScaleBracket>,
    pub span: Span,
}

/// `6_000 | 6%`: a bracket starting at a threshold (inclusive), with its rate
/// (`marginal`) or amount (`single`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleBracket {
    pub threshold: CellValue,
    pub value: CellValue,
    pub span: Span,
}

/// `order: Integer`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableParam {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HitPolicyKind {
    /// `hit unique`
    Unique,
    /// `hit first`
    First,
    /// `hit any`
    Any,
    /// `hit collect sum`
    CollectSum,
    /// `hit collect min`
    CollectMin,
    /// `hit collect max`
    CollectMax,
    /// `hit collect count`
    CollectCount,
    /// `hit collect list`
    CollectList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HitPolicy {
    pub kind: HitPolicyKind,
    pub span: Span,
}

/// One table row: `<= 2 | 300_000`. The last cell is the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub span: Span,
}

/// A table cell. Cell values are [`CellValue`]s (literals and names), not full
/// expressions, because a row ends at the end of its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Cell {
    /// `*`
    Any(Span),
    /// `300_000`, `"text"`, `shirak`, `-5`, `true`
    Value(CellValue),
    /// `< 30`, `>= 65`, `!= none`, `= 3`
    Compare(CompareOp, CellValue, Span),
    /// `6..17` (inclusive both ends)
    Range(CellValue, CellValue, Span),
    /// `{shirak, tavush}` (on one line)
    Set(Vec<CellValue>, Span),
}

impl Cell {
    pub fn span(&self) -> Span {
        match self {
            Cell::Any(s) | Cell::Compare(_, _, s) | Cell::Range(_, _, s) | Cell::Set(_, s) => *s,
            Cell::Value(v) => v.span(),
        }
    }
}

/// A literal, or a name (an enum variant or a parameter), optionally negated:
/// `-5`, `-2.5`. In sets and ranges too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CellValue {
    Literal(Literal),
    Name(Ident),
}

impl CellValue {
    pub fn span(&self) -> Span {
        match self {
            CellValue::Literal(l) => l.span(),
            CellValue::Name(i) => i.span,
        }
    }
}

/// A literal as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Literal {
    Bool(bool, Span),
    /// An integer, digits with optional `_` separators, optional leading `-` only
    /// inside table cells and parameter values: `45_000`, `-5`.
    Integer(String, Span),
    /// A decimal with a fractional part: `29.5`, `30.00`, `-0.5` (text as written).
    Decimal(String, Span),
    /// `12%` — the text is the number before `%` (`12`, `12.5`); the value is /100.
    Percent(String, Span),
    /// Unescaped text.
    Text(String, Span),
    Date(DateLit),
    Duration(Duration),
}

impl Literal {
    pub fn span(&self) -> Span {
        match self {
            Literal::Bool(_, s)
            | Literal::Integer(_, s)
            | Literal::Decimal(_, s)
            | Literal::Percent(_, s)
            | Literal::Text(_, s) => *s,
            Literal::Date(d) => d.span,
            Literal::Duration(d) => d.span,
        }
    }
}

/// ```text
/// program family_benefit "Family benefit" [hy: "…"] {
///   for Household
///   sector social
///   legal "Law on State Benefits, Article 7"
///   eligible when vulnerability_score >= family_benefit_threshold
///   eligible when vulnerability_score >= 25 and count(children) >= 3
///     legal "Government decision No. 145-N, point 12"
///   unless receives_insurance_pension
///   amount = family_benefit_base + child_supplement * count(children)
///   apply "Territorial centre of the Unified Social Service"
///   documents "Passport of each adult member", "Birth certificates of children"
/// }
/// ```
/// Items are kept in the order written. A `legal` line directly after an
/// `eligible when`/`unless` clause belongs to that clause (printed indented on the
/// next line); a programme-level `legal` therefore comes before the clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Program {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<ProgramItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ProgramItem {
    /// `for Household`
    For(Ident, Span),
    /// `sector social`
    Sector(Ident, Span),
    /// `legal "…"` at programme level
    Legal(Label, Span),
    /// `eligible when EXPR [legal "…"]`
    Eligible(Clause),
    /// `unless EXPR [legal "…"]`
    Unless(Clause),
    /// `amount = EXPR`
    Amount(Expr, Span),
    /// `apply "…"`
    Apply(Label, Span),
    /// `documents "…", "…"`
    Documents(Vec<Label>, Span),
}

impl ProgramItem {
    pub fn span(&self) -> Span {
        match self {
            ProgramItem::For(_, s)
            | ProgramItem::Sector(_, s)
            | ProgramItem::Legal(_, s)
            | ProgramItem::Amount(_, s)
            | ProgramItem::Apply(_, s)
            | ProgramItem::Documents(_, s) => *s,
            ProgramItem::Eligible(c) | ProgramItem::Unless(c) => c.span,
        }
    }
}

/// A condition with its own optional legal citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clause {
    pub condition: Expr,
    pub legal: Option<Label>,
    pub span: Span,
}

/// ```text
/// assessment child_wellbeing "Child well-being assessment" {
///   for Person
///   section development "The child's development" {
///     question speech_delay "Speech is delayed": Boolean points 2
///   }
///   question extra "A question outside any section": Boolean
///   score total "Total" = points(development) + points(parenting)
///   need speech_therapy "Speech therapy" when speech_delay
///   risk high when total >= 8 or basic_care = 3
///   risk low otherwise
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<AssessmentItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AssessmentItem {
    /// `for Person`
    For(Ident, Span),
    Section(Section),
    Question(Question),
    /// `score total ["Label"] = EXPR`
    Score {
        docs: Docs,
        name: Ident,
        label: Option<Label>,
        value: Expr,
        span: Span,
    },
    /// `need speech_therapy ["Label"] when EXPR`
    Need {
        docs: Docs,
        name: Ident,
        label: Option<Label>,
        condition: Expr,
        span: Span,
    },
    /// `risk high ["Label"] when EXPR` or `risk low ["Label"] otherwise`
    Risk {
        level: Ident,
        label: Option<Label>,
        /// `None` for `otherwise`.
        condition: Option<Expr>,
        span: Span,
    },
}

/// `section development "Label" { question … }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub questions: Vec<Question>,
    pub span: Span,
}

/// `question speech_delay "Label": Boolean points 2`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub kind: QuestionKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum QuestionKind {
    /// `Boolean`, `Boolean points 2` (2 for yes, 0 for no),
    /// `Boolean points 0 else 2` (0 for yes, 2 for no).
    Boolean {
        points: Option<String>,
        else_points: Option<String>,
        span: Span,
    },
    /// `scale 0..3 ["none", "mild", "moderate", "severe"]` — the answer is an
    /// integer in the range and scores itself; the option labels are optional.
    Scale {
        low: String,
        high: String,
        options: Vec<Label>,
        span: Span,
    },
    /// `choice { yes "Yes" points 2, no "No" }` — options separated by commas or
    /// line breaks; each scores its points (0 when omitted).
    Choice {
        options: Vec<ChoiceOption>,
        /// `choices { … }`: any number of the options may be chosen.
        multiple: bool,
        span: Span,
    },
    /// `Integer`, `Integer 0..30`, `Decimal`, `Decimal 0..100`, `Date`, `Text`:
    /// a plain answer that does not score by itself.
    Value {
        ty: Ident,
        range: Option<(String, String)>,
        span: Span,
    },
}

/// `yes "Yes" points 2`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceOption {
    pub name: Ident,
    pub label: Option<Label>,
    pub points: Option<String>,
    pub span: Span,
}

/// `service speech_therapy "Speech therapy" { sector health meets speech_therapy }`
/// — `meets` takes one or more need ids separated by commas. The printer writes
/// items on separate lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<ServiceItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ServiceItem {
    /// `sector health`
    Sector(Ident, Span),
    /// `meets speech_therapy, family_counselling`
    Meets(Vec<Ident>, Span),
}

/// ```text
/// calendar armenia {
///   weekend saturday, sunday
///   holiday 2025-01-01, 2025-01-02
/// }
/// calendar almaty "Almaty" extends kazakhstan { holiday 2025-09-12 }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    /// `extends BASE`: a regional calendar (the base is resolved by the checker).
    pub extends: Option<Ident>,
    pub items: Vec<CalendarItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CalendarItem {
    /// `weekend saturday, sunday` (day names are checked by the checker)
    Weekend(Vec<Ident>, Span),
    /// `holiday 2025-01-01, every 03-08, easter orthodox + 1 day [or next working day]`
    Holiday {
        days: Vec<HolidayDay>,
        /// The line ends `or next working day`: a day of it that falls on a
        /// weekend day moves to the next working day.
        next_working_day: bool,
        span: Span,
    },
    /// `working 2025-01-05`: days declared working days by decree.
    Working(Vec<DateLit>, Span),
}

/// One day of a `holiday` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HolidayDay {
    /// `2025-01-01`: that date only.
    Date(DateLit),
    /// `every 03-08`: that day of every year. Consecutive `Every` days print
    /// after one `every`.
    Every(MonthDay),
    /// `easter orthodox - 2 days`: a day counted from Easter Sunday of every year.
    Easter {
        /// `orthodox` or `western` (checked by the checker).
        computus: Ident,
        /// Days after (negative: before) Easter Sunday; at most 999 either way.
        offset: i32,
        span: Span,
    },
}

/// `MM-DD` of `holiday every MM-DD` (the checker checks that it exists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
    pub span: Span,
}

/// `protocol out_of_school "Label" { version 2 from 2026-01-01  for Person  calendar armenia  roles {…}  start when …  step … }`
///
/// Items are kept in the order written, except `version`: the parser moves
/// [`ProtocolItem::Version`] items to the front (in their own order), which is
/// where the printer writes them, so a file whose `version` line stands elsewhere
/// formats to the same tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protocol {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<ProtocolItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ProtocolItem {
    /// `version 2 from 2026-01-01` (`from` optional). `number` is the number's text
    /// as written (`2`; the checker wants a whole number from 1).
    Version {
        number: String,
        from: Option<DateLit>,
        span: Span,
    },
    /// `for Person`
    For(Ident, Span),
    /// `calendar armenia`
    Calendar(Ident, Span),
    /// `roles { school_coordinator "School coordinator" at school … }`
    Roles(Vec<Role>, Span),
    /// `start when EXPR`
    Start(Expr, Span),
    Step(Step),
    /// `escalate to head_of_service when overdue by 5 working days`
    Escalate {
        to: Ident,
        overdue_by: Duration,
        span: Span,
    },
    /// `share child_wellbeing with social_worker, case_manager [requires consent]`
    Share {
        what: Ident,
        with: Vec<Ident>,
        /// `requires consent`: the share discloses only under the subject's consent.
        requires_consent: bool,
        span: Span,
    },
    /// `consent for referral to ngo, private`: referring to, being accepted by
    /// or planning with a provider of these kinds needs consent.
    ConsentForReferral {
        sectors: Vec<Ident>,
        span: Span,
    },
    /// `region home_region`: the subject's field that holds its region
    Region(Ident, Span),
    /// `referrals elsewhere refused, full flagged`
    Referrals(Vec<ReferralRule>, Span),
    /// `legal "Decree No. 1234"`: the protocol's legal basis.
    Legal(Label, Span),
    /// `agency school "School" { school_coordinator "School coordinator" … }`
    Agency(Agency),
}

/// One rule of `referrals …`: `elsewhere refused`, `full flagged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRule {
    pub case: ReferralCase,
    pub action: ReferralAction,
    pub span: Span,
}

/// Which referrals a [`ReferralRule`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferralCase {
    /// To a provider that does not serve the subject's region.
    Elsewhere,
    /// To a provider with no places left.
    Full,
}

/// What happens to such a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReferralAction {
    Refused,
    Flagged,
}

impl ReferralCase {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralCase::Elsewhere => "elsewhere",
            ReferralCase::Full => "full",
        }
    }
}

impl ReferralAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralAction::Refused => "refused",
            ReferralAction::Flagged => "flagged",
        }
    }
}

/// `agency school "School" [hy: "Դպրոց"] { ROLE… }`: an agency (a lane of the
/// graph) with its label, and the roles that belong to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub roles: Vec<Role>,
    pub span: Span,
}

impl Protocol {
    /// Every role the protocol declares, in `roles { }` and in `agency`
    /// blocks, in order.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.items.iter().flat_map(|i| match i {
            ProtocolItem::Roles(rs, _) => rs.as_slice(),
            ProtocolItem::Agency(a) => a.roles.as_slice(),
            _ => &[],
        })
    }
}

/// `school_coordinator "School coordinator" at school` (label, `at` and `is` optional)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Role {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub agency: Option<Ident>,
    /// `is client` or `is provider`; `None` for an ordinary role.
    pub kind: Option<RoleKind>,
    pub span: Span,
}

/// What a role is besides a name: `is client` (the subject acting for themself) or
/// `is provider` (played by whichever provider a referral or plan entry names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    Client,
    Provider,
}

impl RoleKind {
    /// The word written after `is`.
    pub fn word(self) -> &'static str {
        match self {
            RoleKind::Client => "client",
            RoleKind::Provider => "provider",
        }
    }
}

/// `step assess "Assess the child and family" { by social_worker  after notify … }`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub docs: Docs,
    pub name: Ident,
    pub label: Option<Label>,
    pub items: Vec<StepItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum StepItem {
    /// `by case_manager`
    By(Ident, Span),
    /// `after notify, assess`
    After(Vec<Ident>, Span),
    /// `within 3 working days`
    Within(Duration, Span),
    /// `every 30 days`
    Every(Duration, Span),
    /// `contact "Written notice …"`
    Contact(Label, Span),
    /// `assessment child_wellbeing`
    Assessment(Ident, Span),
    /// `requires consent`
    Requires(Ident, Span),
    /// `for each need of assess`
    ForEachNeed(Ident, Span),
    /// `when EXPR`
    When(Expr, Span),
    /// `legal "…"`
    Legal(Label, Span),
    /// `escalate to head_of_service when overdue by 5 working days`: the
    /// step's own escalation (several make a chain)
    Escalate {
        to: Ident,
        overdue_by: Duration,
        span: Span,
    },
    /// `rates providers`
    RatesProviders(Span),
    /// `within 10 working days from choose`: the deadline counted from the day
    /// a step was done or an event of that type was recorded.
    WithinFrom(Duration, Ident, Span),
    /// `for each need of assess where EXPR`: only the needs for which EXPR
    /// holds (`need` in EXPR is the need considered).
    ForEachNeedWhere(Ident, Expr, Span),
    /// `closes`: the step is a way to close the case.
    Closes(Span),
    /// `back to plan when EXPR`: when this step is completed and EXPR holds,
    /// `plan` and every step after it become undone again.
    BackTo(Ident, Expr, Span),
}

/// ```text
/// test "Poor family with three children" {
///   as of 2025-03-01
///   given Household { region: shirak, members: [{ birth_date: 1990-05-01 }] }
///   expect family_benefit eligible
///   expect family_benefit amount 40_500
///   expect old_age_social_pension for members[0] ineligible
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Test {
    pub docs: Docs,
    pub name: Label,
    pub items: Vec<TestItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TestItem {
    /// `as of 2025-03-01`
    AsOf(DateLit, Span),
    /// `given Household { … }`
    Given {
        entity: Ident,
        value: ObjectValue,
        span: Span,
    },
    Expect(Expect),
    /// `expect members[1].age = 7`
    ExpectValue(ExpectValue),
}

/// `expect [PATH.]NAME = VALUE`: the value of a fact or a `let` of the given facts.
/// The path's last segment is the name (without an index); the segments before it
/// lead from the root entity to the entity that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectValue {
    pub path: SubjectPath,
    pub value: Value,
    pub span: Span,
}

/// `expect PROGRAM [for PATH] eligible|ineligible|undetermined` or
/// `expect PROGRAM [for PATH] amount VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expect {
    pub program: Ident,
    pub subject: Option<SubjectPath>,
    pub outcome: ExpectOutcome,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ExpectOutcome {
    Eligible(Span),
    Ineligible(Span),
    Undetermined(Span),
    /// `amount 40_500` (a possibly negative number literal)
    Amount(Literal),
}

/// `members[0]` or `members[0].children[1]`: field names with optional indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectPath {
    pub segments: Vec<PathSegment>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathSegment {
    pub field: Ident,
    /// Digits as written.
    pub index: Option<String>,
    pub span: Span,
}

/// `{ field: value, field: value }` — entries separated by commas or line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectValue {
    pub entries: Vec<ObjectEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectEntry {
    pub field: Ident,
    pub value: Value,
    pub span: Span,
}

/// A monthly series in a test's `given`: its months as written (`2025-12`; the
/// checker reads them) and their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthsValue {
    pub entries: Vec<MonthEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthEntry {
    /// `YYYY-MM` as written.
    pub month: String,
    pub month_span: Span,
    pub value: Value,
    pub span: Span,
}

/// A value in a test's `given`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Value {
    /// A literal; numbers may be negative (`-5`).
    Literal(Literal),
    /// An enum variant: `shirak`.
    Name(Ident),
    /// `[v, v, …]`
    List(Vec<Value>, Span),
    Object(ObjectValue),
    /// `monthly { 2025-12: 100_000, 2026-01: unknown }`: a monthly series.
    Months(MonthsValue),
    /// `unknown`: the fact is explicitly unknown.
    Unknown(Span),
}

// ---------------------------------------------------------------------------
// Expressions

/// Binary operators, loosest first:
/// `implies` (right-assoc); `or`; `and`; comparisons `= != < <= > >=`
/// (non-associative); `otherwise`; `+ -`; `* /`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BinaryOp {
    Implies,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Otherwise,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    /// The operator as written in source text.
    pub const fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Implies => "implies",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Otherwise => "otherwise",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// Words that can never be identifiers (the grammar's `reserved` rule lists the same).
pub const RESERVED_WORDS: [&str; 21] = [
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "implies",
    "where",
    "any",
    "all",
    "in",
    "otherwise",
    "true",
    "false",
    "done",
    "unknown",
    "let",
    "for",
    "when",
    "unless",
    "each",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum UnaryOp {
    /// `not x` (binds looser than comparisons, tighter than `and`)
    Not,
    /// `-x` (binds tighter than `*`)
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Quantifier {
    Any,
    All,
}

/// An expression. Precedence, loosest first:
///
/// 1. `if C then A else B` (a chain `else if` is allowed), `any L where C`,
///    `all L where C`, and `L where C`: the part after `else`/`where` extends as far
///    right as it can;
/// 2. `implies` (right-assoc); 3. `or`; 4. `and`; 5. `not`;
/// 6. comparisons, `x in {a, b}`, `x in 6..17`, `x not in {a, b}` (non-assoc);
/// 7. `otherwise`; 8. `+ -`; 9. `* /`; 10. unary `-`;
/// 11. postfix `.field`, calls `f(a, b)`.
///
/// The printer adds parentheses exactly where precedence needs them, so printing
/// never changes the tree (no `Paren` node is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Expr {
    Literal(Literal),
    /// A name: a field, `let`, parameter, enum variant, section, step, `today`…
    Name(Ident),
    /// `base.field` (also projection over a list: `members.monthly_income`)
    Field {
        base: Box<Expr>,
        field: Ident,
        span: Span,
    },
    /// `f(a, b)` — built-ins (`count`, `sum`, `round`, `eligible`, …) and tables
    /// alike; the checker tells them apart.
    Call {
        func: Ident,
        args: Vec<Expr>,
        span: Span,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    /// `x in {a, b, c}`; `negated` for `x not in {…}`
    InSet {
        value: Box<Expr>,
        set: Vec<Expr>,
        negated: bool,
        span: Span,
    },
    /// `x in 6..17` (inclusive); `negated` for `x not in 6..17`
    InRange {
        value: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
        span: Span,
    },
    /// `if C then A else B`
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
        span: Span,
    },
    /// `members where age < 18` — a filtered list
    Where {
        list: Box<Expr>,
        condition: Box<Expr>,
        span: Span,
    },
    /// `any members where C`, `all members where C`
    Quantified {
        quantifier: Quantifier,
        list: Box<Expr>,
        condition: Box<Expr>,
        span: Span,
    },
    /// `refer done`, `all refer done`, `any refer done` — protocol step status
    Done {
        quantifier: Option<Quantifier>,
        step: Ident,
        span: Span,
    },
    /// `{ from 2016-12-01: a  from 2020-01-01: b }`: a formula in versions by
    /// date, the whole value of a `let`, an `eligible when`, an `unless` or an
    /// `amount` (nowhere else).
    Dated {
        versions: Vec<DatedExpr>,
        span: Span,
    },
}

/// `from 2020-01-01: EXPR`, one version of [`Expr::Dated`]; without `EXPR`
/// (`from 2026-01-01:`) the formula is repealed from that date. With `until`
/// (`until 2025-12-31`, never with a formula) the version above ends after that
/// day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedExpr {
    pub date: DateLit,
    pub expr: Option<Expr>,
    /// An `until` line rather than a `from` line.
    pub until: bool,
    pub span: Span,
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Literal(l) => l.span(),
            Expr::Name(i) => i.span,
            Expr::Field { span, .. }
            | Expr::Call { span, .. }
            | Expr::Unary { span, .. }
            | Expr::Binary { span, .. }
            | Expr::InSet { span, .. }
            | Expr::InRange { span, .. }
            | Expr::If { span, .. }
            | Expr::Where { span, .. }
            | Expr::Quantified { span, .. }
            | Expr::Done { span, .. }
            | Expr::Dated { span, .. } => *span,
        }
    }
}
