//! The checked model: what the checker resolved, in a shape later stages can lower
//! and evaluate without looking at names again.
//!
//! Every reference is an index (`EntityId`, a field's position, …) into the vectors
//! of [`Checked`]; every expression is an [`RExpr`] carrying its [`Type`]. Where the
//! source had an error the model still exists, with [`Type::Error`] or a missing
//! part, so tools can show what they can; only a model from a check without errors
//! is meant to be evaluated.

use std::collections::HashMap;

use accord_grammar::ast::{self, Label, Span};
use rust_decimal::Decimal;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub usize);
    )*};
}

id_type!(
    /// Index into [`Checked::enums`](super::Checked::enums).
    EnumId,
    /// Index into [`Checked::entities`](super::Checked::entities).
    EntityId,
    /// Index into [`Checked::parameters`](super::Checked::parameters).
    ParamId,
    /// Index into [`Checked::tables`](super::Checked::tables).
    TableId,
    /// Index into [`Checked::programs`](super::Checked::programs).
    ProgramId,
    /// Index into [`Checked::assessments`](super::Checked::assessments).
    AssessmentId,
    /// Index into [`Checked::services`](super::Checked::services).
    ServiceId,
    /// Index into [`Checked::calendars`](super::Checked::calendars).
    CalendarId,
    /// Index into [`Checked::protocols`](super::Checked::protocols).
    ProtocolId,
    /// Index into [`Checked::scales`](super::Checked::scales).
    ScaleId,
);

/// Where something was written: the file's index in the source map and its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: usize,
    pub span: Span,
}

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Boolean,
    Integer,
    Decimal,
    /// An exact decimal in the ruleset's currency.
    Money,
    Date,
    Text,
    Duration,
    Enum(EnumId),
    Entity(EntityId),
    List(Box<Type>),
    /// `monthly T`: a fact with one value per calendar month (`YYYY-MM` keys in
    /// the facts), read only through the series functions (`sum_last`, …).
    Monthly(Box<Type>),
    /// A risk level of an assessment (`risk high when …`), as `risk(step)` returns.
    Risk(AssessmentId),
    /// The answer to a `choice { … }` question: one of its options.
    Choice(AssessmentId, usize),
    /// The type of something that did not check; it is compatible with everything,
    /// so one mistake gives one diagnostic.
    Error,
}

impl Type {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Integer | Type::Decimal)
    }
    /// Numbers and money: what arithmetic and `sum` accept.
    pub fn is_amount(&self) -> bool {
        matches!(self, Type::Integer | Type::Decimal | Type::Money)
    }
    /// Values with an order (`<`, ranges, `min`/`max`).
    pub fn is_orderable(&self) -> bool {
        matches!(
            self,
            Type::Integer | Type::Decimal | Type::Money | Type::Date | Type::Duration | Type::Error
        )
    }
    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }
    /// The element type of a list.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) => Some(t),
            _ => None,
        }
    }
}

/// A duration as written: `3 working days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DurationValue {
    pub amount: u32,
    pub unit: ast::DurationUnit,
}

/// A constant: a literal, an enum variant, or (in tests) a list or object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    /// Integers, decimals, percentages (already divided by 100) and money.
    Number(Decimal),
    Text(String),
    Date(jiff::civil::Date),
    Duration(DurationValue),
    Variant(EnumId, usize),
    /// A risk level by name (`low`).
    Risk(AssessmentId, String),
    /// An option of a choice question.
    Choice(AssessmentId, usize, usize),
    List(Vec<Value>),
    /// A monthly series (in tests): each month's number (`year * 12 + month -
    /// 1`) and value, in the order written.
    Months(Vec<(i32, Value)>),
    /// An entity's facts: field index → value.
    Object(EntityId, Vec<(usize, Value)>),
    /// `unknown` in a test's `given`.
    Unknown,
}

/// Which object a bare member name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    /// The subject of the definition: the entity of a `let`, the `for` entity of a
    /// programme, assessment or protocol.
    Subject,
    /// The element bound by the n-th enclosing `where`/`any`/`all` (0 = outermost).
    Element(u32),
}

/// A member of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRef {
    Field(usize),
    Let(usize),
    /// The implicit accessor to the owner (`household` inside `Person`).
    Owner,
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    Count,
    Sum,
    /// `min(list)`
    MinOf,
    /// `max(list)`
    MaxOf,
    /// `min(a, b)`
    Min,
    /// `max(a, b)`
    Max,
    Known,
    YearsBetween,
    MonthsBetween,
    DaysBetween,
    Date,
    Round,
    Floor,
    Ceil,
    Abs,
    /// `sum_last(series, N months)`: the sum over the N calendar months before
    /// the as-of month.
    SumLast,
    /// `average_last(series, N months)`
    AverageLast,
    /// `min_last(series, N months)`
    MinLast,
    /// `max_last(series, N months)`
    MaxLast,
    /// `month_value(series, N months)`: the value of the month N months
    /// before the as-of month.
    MonthValue,
}

/// A resolved, typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct RExpr {
    pub kind: RKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RKind {
    Const(Value),
    /// The as-of date.
    Today,
    /// A member named without a base: `age`, `members`, `household`.
    Member {
        base: Base,
        entity: EntityId,
        member: MemberRef,
    },
    Param(ParamId),
    /// An answer, in an assessment.
    Question(usize),
    /// A score, in an assessment.
    Score(usize),
    /// `base.member` on one entity.
    Get {
        base: Box<RExpr>,
        entity: EntityId,
        member: MemberRef,
    },
    /// `list.member` over a list of entities (lists of lists are flattened).
    Project {
        base: Box<RExpr>,
        entity: EntityId,
        member: MemberRef,
    },
    Builtin {
        func: Builtin,
        args: Vec<RExpr>,
    },
    Table {
        table: TableId,
        args: Vec<RExpr>,
    },
    /// `scale(base)`: a scale applied to its base.
    Scale {
        scale: ScaleId,
        base: Box<RExpr>,
    },
    /// `eligible(p)` for the subject or an enclosing element (`base`), or for its
    /// owner when `via_owner` (a household programme seen from a person).
    Eligible {
        program: ProgramId,
        base: Base,
        via_owner: bool,
    },
    /// `amount(p)`: the amount when eligible, 0 when ineligible.
    Amount {
        program: ProgramId,
        base: Base,
        via_owner: bool,
    },
    /// `points(question)`, in an assessment: one answer's points.
    QuestionPoints(usize),
    /// `points(section)`, in an assessment.
    Points(usize),
    /// `chosen(question, option)`, in an assessment: whether a multiple-choice
    /// answer includes the option.
    Chosen {
        question: usize,
        option: usize,
    },
    /// `risk(step)`, in a protocol.
    Risk(usize),
    /// `found(step, need)`, in a protocol: whether the step's assessment
    /// established the need (an index into the assessment's needs).
    Found {
        step: usize,
        need: usize,
    },
    /// `need = housing` inside `for each need of STEP where …`: whether the need
    /// considered is that need of the step's assessment.
    NeedIs {
        step: usize,
        need: usize,
    },
    Unary {
        op: ast::UnaryOp,
        operand: Box<RExpr>,
    },
    Binary {
        op: ast::BinaryOp,
        lhs: Box<RExpr>,
        rhs: Box<RExpr>,
    },
    InSet {
        value: Box<RExpr>,
        set: Vec<RExpr>,
        negated: bool,
    },
    InRange {
        value: Box<RExpr>,
        low: Box<RExpr>,
        high: Box<RExpr>,
        negated: bool,
    },
    If {
        condition: Box<RExpr>,
        then: Box<RExpr>,
        otherwise: Box<RExpr>,
    },
    /// A formula in versions by date: the one whose date is the latest on or
    /// before the as-of date; unknown before the first. Dates strictly increasing.
    /// `Err` is an end (`from DATE:` without a formula, or `until`): unknown
    /// from that date (for `until`, the day after the last day in force).
    Dated(Vec<(jiff::civil::Date, Result<RExpr, ParamEnd>)>),
    /// A filtered list; the condition sees the element as `Base::Element(depth)`.
    Where {
        list: Box<RExpr>,
        condition: Box<RExpr>,
    },
    Quantified {
        quantifier: ast::Quantifier,
        list: Box<RExpr>,
        condition: Box<RExpr>,
    },
    /// `step done`, `all step done`, `any step done`, in a protocol.
    Done {
        quantifier: Option<ast::Quantifier>,
        step: usize,
    },
    /// Stands for an expression that did not check.
    Error,
}

impl RExpr {
    pub(crate) fn error(span: Span) -> RExpr {
        RExpr {
            kind: RKind::Error,
            ty: Type::Error,
            span,
        }
    }
}

/// The `ruleset` declaration.
#[derive(Debug, Clone, Default)]
pub struct RulesetInfo {
    pub name: Option<String>,
    pub label: Option<Label>,
    /// Declared languages; the first is the language of every label's text.
    pub languages: Vec<String>,
    pub currency: Option<String>,
    /// The enum whose variants are the ruleset's regions (`regions Municipality`).
    pub regions: Option<EnumId>,
}

#[derive(Debug, Clone)]
pub struct SectorInfo {
    pub name: String,
    pub label: Option<Label>,
    /// `social`, `education`, `health`, `employment`, `housing`.
    pub builtin: bool,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub variants: Vec<VariantDef>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EntityDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub fields: Vec<FieldDef>,
    pub lets: Vec<LetDef>,
    /// The implicit owner accessor, when the entity is the element of exactly one
    /// `list of` field.
    pub owner: Option<OwnerAccessor>,
    /// Member name → member (fields, lets and the owner accessor).
    pub members: HashMap<String, MemberRef>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub ty: Type,
    /// The fact's domain (`>= 0`, `in 0..130`), when declared and valid.
    pub domain: Option<Domain>,
    pub loc: Loc,
}

/// The values a numeric fact can take: each end is `(bound, inclusive)`;
/// `None` is unbounded. Never empty (the checker refuses `in 5..1`, E0221).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Domain {
    pub low: Option<(Decimal, bool)>,
    pub high: Option<(Decimal, bool)>,
}

impl Domain {
    /// Whether `x` lies in the domain.
    pub fn contains(&self, x: Decimal) -> bool {
        let lo = match self.low {
            Some((b, true)) => x >= b,
            Some((b, false)) => x > b,
            None => true,
        };
        let hi = match self.high {
            Some((b, true)) => x <= b,
            Some((b, false)) => x < b,
            None => true,
        };
        lo && hi
    }

    /// The domain as it is written: `>= 0`, `in 0..130`.
    pub fn text(&self) -> String {
        let low = self
            .low
            .map(|(b, inc)| format!("{} {b}", if inc { ">=" } else { ">" }));
        let high = self
            .high
            .map(|(b, inc)| format!("{} {b}", if inc { "<=" } else { "<" }));
        match (self.low, self.high, low, high) {
            (Some((a, true)), Some((b, true)), _, _) => format!("in {a}..{b}"),
            (_, _, Some(l), Some(h)) => format!("{l} and {h}"),
            (_, _, Some(l), None) => l,
            (_, _, None, Some(h)) => h,
            (_, _, None, None) => "any number".to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LetDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    /// Inferred from `value`.
    pub ty: Type,
    pub value: RExpr,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct OwnerAccessor {
    /// The owner's name in snake_case (`household`).
    pub name: String,
    pub owner: EntityId,
    /// The owner's `list of` field that holds this entity.
    pub field: usize,
}

#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub ty: Type,
    pub sources: Vec<Label>,
    /// Values in force from each date, dates strictly increasing.
    pub values: Vec<DatedValue>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct DatedValue {
    pub from: jiff::civil::Date,
    /// [`Value::Unknown`] when the item ends the parameter (`end`).
    pub value: Value,
    pub source: Option<Label>,
    /// `Some` when from `from` on the parameter is out of force.
    pub end: Option<ParamEnd>,
}

/// How a parameter goes out of force (a dated table's version, a scale's or a
/// formula's too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEnd {
    /// `from DATE:` without a value: repealed from `DATE`.
    Repealed,
    /// `until DATE`: in force up to and including `DATE` (the item's `from` is
    /// the next day).
    Until(jiff::civil::Date),
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub params: Vec<(String, Type)>,
    /// The declared result type (of each row's result cell).
    pub result: Type,
    /// What a call returns: `result`, or Integer for `collect count`, or a list for
    /// `collect list`.
    pub call_type: Type,
    pub hit: ast::HitPolicyKind,
    pub rows: Vec<TableRow>,
    /// A dated table's versions, in increasing date order; empty for a table
    /// without `from` lines. Each version's rows are `rows[first..next.first]`.
    pub versions: Vec<TableVersionDef>,
    /// The `for each` line of each version, in [`TableDef::versions`] order (one
    /// entry for a table without versions); `None` where there is none.
    pub each: Vec<Option<TableEachDef>>,
    pub loc: Loc,
}

/// `for each COLUMN above N: ADD`: for an argument of the column above `above`,
/// the result at `above` plus `add` for each unit above it.
#[derive(Debug, Clone)]
pub struct TableEachDef {
    /// The column's index among the table's parameters.
    pub param: usize,
    pub above: i64,
    pub add: Operand,
    pub span: Span,
}

/// One version of a dated table: in force from `from`.
#[derive(Debug, Clone)]
pub struct TableVersionDef {
    pub from: jiff::civil::Date,
    pub source: Option<Label>,
    /// The index in [`TableDef::rows`] of the version's first row.
    pub first: usize,
    /// An end (a `from` line without rows, or `until`: `from` is then the day
    /// after the last day in force): no rows, the table unknown from `from`.
    pub end: Option<ParamEnd>,
}

impl TableDef {
    /// The `for each` line of the version `k` that [`TableDef::in_force`] gave.
    pub fn each_of(&self, k: Option<usize>) -> Option<&TableEachDef> {
        self.each.get(k.unwrap_or(0)).and_then(Option::as_ref)
    }

    /// The rows in force on `date` (`rows[start..end]`) and the version's index;
    /// all rows for a table without versions; `None` before the first version
    /// and after an end.
    pub fn in_force(
        &self,
        date: jiff::civil::Date,
    ) -> Option<(std::ops::Range<usize>, Option<usize>)> {
        if self.versions.is_empty() {
            return Some((0..self.rows.len(), None));
        }
        let k = self.versions.iter().rposition(|v| v.from <= date)?;
        let first = self.versions.get(k).filter(|v| v.end.is_none())?.first;
        let end = self
            .versions
            .get(k + 1)
            .map_or(self.rows.len(), |n| n.first);
        Some((first..end, Some(k)))
    }
}

#[derive(Debug, Clone)]
pub struct TableRow {
    /// One test per parameter, in parameter order.
    pub cells: Vec<CellTest>,
    pub result: Operand,
    pub span: Span,
}

/// A cell operand: a constant or a parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Const(Value),
    Param(ParamId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CellTest {
    Any,
    Compare(ast::CompareOp, Operand),
    /// Inclusive.
    Range(Operand, Operand),
    Set(Vec<Operand>),
}

#[derive(Debug, Clone)]
pub struct ProgramDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    /// The `for` entity.
    pub subject: Option<EntityId>,
    pub sector: Option<String>,
    pub legal: Vec<Label>,
    /// Alternative grounds (or).
    pub eligible: Vec<ClauseDef>,
    /// Disqualifications (and not).
    pub unless: Vec<ClauseDef>,
    /// Money.
    pub amount: Option<RExpr>,
    pub apply: Option<Label>,
    pub documents: Vec<Label>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct ClauseDef {
    pub condition: RExpr,
    pub legal: Option<Label>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct AssessmentDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub subject: Option<EntityId>,
    pub sections: Vec<SectionDef>,
    /// Every question, in order, whether in a section or not.
    pub questions: Vec<QuestionDef>,
    pub scores: Vec<ScoreDef>,
    pub needs: Vec<NeedDef>,
    /// In order; the first whose condition holds gives the level.
    pub risks: Vec<RiskDef>,
    /// Distinct risk level names in order of first appearance.
    pub risk_levels: Vec<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct SectionDef {
    pub name: String,
    pub label: Option<Label>,
    /// Indexes into `questions`.
    pub questions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct QuestionDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub section: Option<usize>,
    pub kind: QuestionSpec,
    /// The type of the answer in expressions.
    pub ty: Type,
}

#[derive(Debug, Clone)]
pub enum QuestionSpec {
    Boolean {
        yes: Decimal,
        no: Decimal,
    },
    Scale {
        low: i64,
        high: i64,
        options: Vec<Label>,
    },
    Choice {
        options: Vec<ChoiceDef>,
    },
    /// `choices { … }`: any number of the options; the points of those chosen
    /// add up.
    Choices {
        options: Vec<ChoiceDef>,
    },
    Value {
        ty: Type,
        range: Option<(Decimal, Decimal)>,
    },
}

#[derive(Debug, Clone)]
pub struct ChoiceDef {
    pub name: String,
    pub label: Option<Label>,
    pub points: Decimal,
}

#[derive(Debug, Clone)]
pub struct ScoreDef {
    pub name: String,
    pub label: Option<Label>,
    pub ty: Type,
    pub value: RExpr,
}

#[derive(Debug, Clone)]
pub struct NeedDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub condition: RExpr,
}

#[derive(Debug, Clone)]
pub struct RiskDef {
    pub level: String,
    pub label: Option<Label>,
    /// `None` for `otherwise`.
    pub condition: Option<RExpr>,
}

#[derive(Debug, Clone)]
pub struct ServiceDef {
    pub name: String,
    pub label: Option<Label>,
    pub sector: Option<String>,
    /// Need ids.
    pub meets: Vec<String>,
    pub loc: Loc,
}

/// A calendar with its base's rules folded in: counting needs no other calendar.
#[derive(Debug, Clone)]
pub struct CalendarDef {
    pub name: String,
    pub label: Option<Label>,
    /// Its own `weekend`, else its base's; empty: Saturday and Sunday.
    pub weekend: Vec<jiff::civil::Weekday>,
    /// Its holidays and its bases', in the order written (the base's first).
    pub holidays: Vec<HolidayRule>,
    /// Days declared working days by decree (`working DATE`), with its bases'.
    pub working: Vec<jiff::civil::Date>,
    /// `extends BASE` (after a cycle, `None`).
    pub base: Option<CalendarId>,
    pub loc: Loc,
}

/// One holiday of a calendar: a day, and whether it moves off a weekend day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidayRule {
    pub day: HolidayDate,
    /// `or next working day`: on a weekend day, the holiday moves to the next
    /// working day (see `case::calendar`).
    pub moves: bool,
}

/// When a holiday falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayDate {
    /// `holiday 2025-01-03`: that date only.
    On(jiff::civil::Date),
    /// `holiday every 03-08`: that day every year (`02-29` in leap years only).
    Every { month: i8, day: i8 },
    /// `holiday easter orthodox + 1 day`: days from Easter Sunday, every year.
    Easter { computus: Computus, offset: i16 },
}

/// How Easter Sunday is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computus {
    /// The Gregorian computus of the Western churches.
    Western,
    /// The Julian computus of the Orthodox churches, given as a Gregorian date.
    Orthodox,
}

#[derive(Debug, Clone)]
pub struct ProtocolDef {
    pub name: String,
    /// `version N`: 1 without one. Several declarations share a name when their
    /// versions differ (see [`Checked::protocol_version`](super::Checked::protocol_version));
    /// 0 only for a version number that did not check (`E0516`).
    pub version: u32,
    /// `from DATE` of the `version` item: the first day this version is in force.
    /// `None`: in force from the beginning.
    pub from: Option<jiff::civil::Date>,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub subject: Option<EntityId>,
    pub calendar: Option<CalendarId>,
    pub roles: Vec<RoleDef>,
    pub start: Option<RExpr>,
    pub steps: Vec<StepDef>,
    pub escalations: Vec<EscalationDef>,
    pub shares: Vec<ShareDef>,
    /// `region FIELD` (or the `for` entity's only field typed with the
    /// ruleset's `regions` enum): the subject's field holding its region.
    pub region: Option<String>,
    /// `referrals elsewhere …, full …` (flagged when not written).
    pub referrals: ReferralRules,
    /// `consent for referral to …`: the provider kinds (`state`, `municipal`,
    /// `ngo`, `private`) a referral, acceptance or plan entry needs consent for.
    pub consent_for_referral: Vec<&'static str>,
    /// `agency NAME [LABEL] { … }` blocks, in order.
    pub agencies: Vec<AgencyDef>,
    /// `legal LABEL`: the protocol's legal basis.
    pub legal: Option<Label>,
    pub loc: Loc,
}

/// What happens to a referral (or a plan entry with a provider) to a provider
/// that does not serve the subject's region, or that has no places left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralRules {
    pub elsewhere: accord_grammar::ast::ReferralAction,
    pub full: accord_grammar::ast::ReferralAction,
}

impl Default for ReferralRules {
    fn default() -> ReferralRules {
        ReferralRules {
            elsewhere: accord_grammar::ast::ReferralAction::Flagged,
            full: accord_grammar::ast::ReferralAction::Flagged,
        }
    }
}

/// The kinds of provider (the brief: state, municipal, NGO, private): a
/// catalogue's `kind`, and the sectors `consent for referral to` names.
pub const PROVIDER_KINDS: [&str; 4] = ["state", "municipal", "ngo", "private"];

/// A declared agency: a lane of the graph, with its label.
#[derive(Debug, Clone)]
pub struct AgencyDef {
    pub name: String,
    pub label: Option<Label>,
}

#[derive(Debug, Clone)]
pub struct RoleDef {
    pub name: String,
    pub label: Option<Label>,
    pub agency: Option<String>,
    /// `is client` / `is provider`; `None` for an ordinary role.
    pub kind: Option<ast::RoleKind>,
}

#[derive(Debug, Clone)]
pub struct StepDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    /// Index into the protocol's roles.
    pub by: Option<usize>,
    /// Indexes into the protocol's steps.
    pub after: Vec<usize>,
    /// Where each of `after` is named (same order).
    pub after_spans: Vec<Span>,
    pub within: Option<DurationValue>,
    pub every: Option<DurationValue>,
    pub contact: Option<Label>,
    pub assessment: Option<AssessmentId>,
    pub requires_consent: bool,
    /// `for each need of STEP`: the step whose assessment found the needs.
    pub for_each_need: Option<usize>,
    pub when: Option<RExpr>,
    pub legal: Vec<Label>,
    /// The step's own escalations (`escalate to … when overdue by …` inside
    /// it), a chain in the order written; when there are any, the protocol's
    /// escalations do not apply to the step.
    pub escalations: Vec<EscalationDef>,
    /// `rates providers`: the step's assessment is a satisfaction survey whose
    /// rating goes to every provider the case used.
    pub rates_providers: bool,
    pub span: Span,
    /// `within … from NAME`: what the deadline is counted from (`None`: the
    /// day the step, or its task, became ready).
    pub within_from: Option<Anchor>,
    /// `for each need of … where EXPR`: only the needs for which it holds.
    pub need_filter: Option<RExpr>,
    /// A way to close the case: `closes`, or the step named `close`.
    pub closes: bool,
    /// `back to STEP when EXPR`, in the order written.
    pub back_to: Vec<BackToDef>,
}

/// What `within … from NAME` counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The day that step was done (for a step per need, the same need's task).
    Step(usize),
    /// The last event of that type.
    Event(AnchorEvent),
}

/// The events a deadline may be counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorEvent {
    Opened,
    Consent,
    Referred,
    ReferralAccepted,
    Planned,
}

impl AnchorEvent {
    pub const ALL: [AnchorEvent; 5] = [
        AnchorEvent::Opened,
        AnchorEvent::Consent,
        AnchorEvent::Referred,
        AnchorEvent::ReferralAccepted,
        AnchorEvent::Planned,
    ];

    /// The event's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorEvent::Opened => "opened",
            AnchorEvent::Consent => "consent",
            AnchorEvent::Referred => "referred",
            AnchorEvent::ReferralAccepted => "referral_accepted",
            AnchorEvent::Planned => "planned",
        }
    }
}

/// `back to STEP when EXPR`.
#[derive(Debug, Clone)]
pub struct BackToDef {
    /// Index into the protocol's steps.
    pub step: usize,
    /// `None` only when the condition did not check.
    pub when: Option<RExpr>,
}

#[derive(Debug, Clone)]
pub struct EscalationDef {
    /// Index into the protocol's roles.
    pub to: Option<usize>,
    pub overdue_by: DurationValue,
}

#[derive(Debug, Clone)]
pub struct ShareDef {
    pub what: ShareTarget,
    /// Indexes into the protocol's roles.
    pub with: Vec<usize>,
    /// `requires consent`: the share discloses only under the subject's consent.
    pub requires_consent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareTarget {
    Assessment(AssessmentId),
    Step(usize),
}

#[derive(Debug, Clone)]
pub struct TestDef {
    pub name: Label,
    pub as_of: Option<jiff::civil::Date>,
    /// The root entity and its facts (a [`Value::Object`]).
    pub given: Option<(EntityId, Value)>,
    pub expects: Vec<ExpectDef>,
    /// `expect members[1].age = 7`: values of facts and `let`s.
    pub values: Vec<ExpectValueDef>,
    pub loc: Loc,
}

/// `expect [PATH.]NAME = VALUE`, resolved.
#[derive(Debug, Clone)]
pub struct ExpectValueDef {
    /// The path to the entity that has the value, as in [`ExpectDef::subject`].
    pub subject: Vec<(usize, Option<usize>)>,
    /// That entity.
    pub entity: EntityId,
    /// A fact ([`MemberRef::Field`]) or a derived value ([`MemberRef::Let`]).
    pub member: MemberRef,
    /// The type of the value.
    pub ty: Type,
    /// The expected value: a scalar, a variant, or [`Value::Unknown`].
    pub value: Value,
    /// The path as written: `members[1].age`.
    pub path: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ExpectDef {
    pub program: Option<ProgramId>,
    /// `members[0]`: (field index, element index) from the given entity.
    pub subject: Vec<(usize, Option<usize>)>,
    pub outcome: ExpectedOutcome,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedOutcome {
    Eligible,
    Ineligible,
    Undetermined,
    Amount(Decimal),
}

/// A scale (`scale NAME marginal { … }` or `single`), applied by a call.
#[derive(Debug, Clone)]
pub struct ScaleDef {
    pub name: String,
    pub label: Option<Label>,
    pub docs: Vec<String>,
    pub kind: ast::ScaleKind,
    /// What the thresholds are: `Money` or `Decimal` when a threshold names a
    /// parameter of that kind; `None` when every threshold is a plain number,
    /// which fits a base of either.
    pub base: Option<Type>,
    /// Undated brackets as one version without a date, or the versions in
    /// increasing date order. A version without brackets ends the scale.
    pub versions: Vec<ScaleVersionDef>,
    pub loc: Loc,
}

/// One version of a scale, in force from `from` (always, without a date).
#[derive(Debug, Clone)]
pub struct ScaleVersionDef {
    pub from: Option<jiff::civil::Date>,
    pub source: Option<Label>,
    pub brackets: Vec<ScaleBracketDef>,
    /// An end (a `from` line without brackets, or `until`: `from` is then the
    /// day after the last day in force); no brackets.
    pub end: Option<ParamEnd>,
}

/// A bracket: from `threshold` (inclusive) up to the next one, at `value` (a rate
/// for `marginal`, an amount for `single`).
#[derive(Debug, Clone)]
pub struct ScaleBracketDef {
    pub threshold: Operand,
    pub value: Operand,
}

impl ScaleDef {
    /// The version in force on `date` and its index; `None` before the first.
    pub fn in_force(&self, date: jiff::civil::Date) -> Option<(usize, &ScaleVersionDef)> {
        let k = self
            .versions
            .iter()
            .rposition(|v| v.from.is_none_or(|f| f <= date))?;
        self.versions.get(k).map(|v| (k, v))
    }

    /// What a call returns for a base of type `base`: money for a `single` scale
    /// (its amounts) and for a `marginal` one on money; a decimal otherwise.
    pub fn call_type(&self, base: &Type) -> Type {
        match (self.kind, base) {
            (ast::ScaleKind::Single, _) | (_, Type::Money) => Type::Money,
            (_, Type::Error) => Type::Error,
            _ => Type::Decimal,
        }
    }
}

/// The kinds of named things a ruleset declares, for editors: what a name at a
/// position refers to, and where it is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymKind {
    Sector,
    Enum,
    Variant,
    Entity,
    Field,
    Let,
    Parameter,
    Table,
    Scale,
    Program,
    Assessment,
    Section,
    Question,
    Score,
    Need,
    Service,
    Calendar,
    Protocol,
    Agency,
    Role,
    Step,
}

impl SymKind {
    /// The word a person reads for the kind ("parameter", "enum variant").
    pub const fn word(self) -> &'static str {
        match self {
            SymKind::Sector => "sector",
            SymKind::Enum => "enum",
            SymKind::Variant => "enum variant",
            SymKind::Entity => "entity",
            SymKind::Field => "fact",
            SymKind::Let => "derived value",
            SymKind::Parameter => "parameter",
            SymKind::Table => "table",
            SymKind::Scale => "scale",
            SymKind::Program => "programme",
            SymKind::Assessment => "assessment",
            SymKind::Section => "section",
            SymKind::Question => "question",
            SymKind::Score => "score",
            SymKind::Need => "need",
            SymKind::Service => "service",
            SymKind::Calendar => "calendar",
            SymKind::Protocol => "protocol",
            SymKind::Agency => "agency",
            SymKind::Role => "role",
            SymKind::Step => "step",
        }
    }

    /// Kinds whose names share one namespace with this kind's: a rename to a
    /// name taken by any of them clashes.
    pub const fn namespace(self) -> &'static [SymKind] {
        match self {
            SymKind::Enum | SymKind::Entity => &[SymKind::Enum, SymKind::Entity],
            SymKind::Field | SymKind::Let => &[SymKind::Field, SymKind::Let],
            SymKind::Sector => &[SymKind::Sector],
            SymKind::Variant => &[SymKind::Variant],
            SymKind::Parameter => &[SymKind::Parameter],
            SymKind::Table | SymKind::Scale => &[SymKind::Table, SymKind::Scale],
            SymKind::Program => &[SymKind::Program],
            SymKind::Assessment => &[SymKind::Assessment],
            // `points(NAME)` reads a section, else a question; expressions
            // read questions and scores.
            SymKind::Section => &[SymKind::Section, SymKind::Question],
            SymKind::Question => &[SymKind::Question, SymKind::Score, SymKind::Section],
            SymKind::Score => &[SymKind::Question, SymKind::Score],
            SymKind::Need => &[SymKind::Need],
            SymKind::Service => &[SymKind::Service],
            SymKind::Calendar => &[SymKind::Calendar],
            SymKind::Protocol => &[SymKind::Protocol],
            SymKind::Agency => &[SymKind::Agency],
            SymKind::Role => &[SymKind::Role],
            SymKind::Step => &[SymKind::Step],
        }
    }
}

/// A declared name, by what it is, the declaration it belongs to (the entity of a
/// fact, the enum of a variant, the assessment of a question, the protocol of a
/// step; empty for a top-level declaration) and its name. The versions of a
/// protocol are one symbol; needs are one namespace across assessments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym {
    pub kind: SymKind,
    pub scope: String,
    pub name: String,
}

impl Sym {
    pub fn global(kind: SymKind, name: impl Into<String>) -> Sym {
        Sym {
            kind,
            scope: String::new(),
            name: name.into(),
        }
    }
    pub fn scoped(kind: SymKind, scope: impl Into<String>, name: impl Into<String>) -> Sym {
        Sym {
            kind,
            scope: scope.into(),
            name: name.into(),
        }
    }
}

/// Where the checker resolved a name to a declaration: the name's own span (so
/// renaming replaces exactly it). Spans compare equal whatever their range, so
/// references are compared by `file`, `span.start` and `span.end` explicitly.
#[derive(Debug, Clone)]
pub struct SymRef {
    pub file: usize,
    pub span: Span,
    pub sym: Sym,
    /// The implicit accessor of an entity's owner (`household` inside
    /// `Person`): written as the owner's name in snake_case, so renaming the
    /// entity renames it too.
    pub accessor: bool,
}
