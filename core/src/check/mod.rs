//! Name resolution, types and structural checks over the parsed files.
//!
//! [`check`] runs these passes over all files of a ruleset (one namespace):
//!
//! 1. `collect` — every declaration into its namespace (duplicates reported), the
//!    ruleset's languages and currency, sectors.
//! 2. `decls` — enums, entity fields and owner accessors, parameters, table and
//!    programme signatures; `assessments`, `services`, `calendars`,
//!    `protocols` — their structure, and the versions of each protocol name
//!    checked together.
//! 3. `expr` — every expression (lets in dependency order, clauses, scores, needs,
//!    risks, guards) is resolved and typed into an [`RExpr`]; table rows and tests.
//! 4. `graph` — cycles among definitions and through protocol `after` edges,
//!    readiness of steps; then labels and the unused-declaration warnings.
//!
//! Every pass collects diagnostics and goes on; nothing stops at the first error,
//! and nothing panics on any tree.

/// Records that a name refers to a declaration, for editors
/// ([`Checked::refs`]): only with the `ide` feature, so that the screener's
/// WebAssembly carries none of it, and only when an editor asked
/// ([`check_for_editors`]), so that a check costs no more otherwise. The
/// symbol is built only then.
macro_rules! refer {
    ($checker:ident, $file:expr, $span:expr, $sym:expr $(,)?) => {
        if $checker.records() {
            $checker.refer($file, $span, $sym);
        }
    };
}

mod assessments;
mod calendars;
mod collect;
mod decls;
mod expr;
mod graph;
mod guards;
mod model;
mod protocols;
mod scales;
mod series;
mod services;
mod tables;
mod testblocks;
pub(crate) mod util;

use std::collections::{HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use accord_grammar::ast;

#[cfg(feature = "ide")]
pub(crate) use expr::BUILTINS;
pub use model::*;
pub(crate) use series::{is_series, month_text, months_of, parse_month, window};
#[cfg(feature = "ide")]
pub(crate) use util::snake_case;
pub(crate) use util::suggest;

/// The built-in sectors every ruleset has.
pub const BUILTIN_SECTORS: [&str; 5] = ["social", "education", "health", "employment", "housing"];

/// What the checker learned about a ruleset: resolved symbols and their types,
/// kept for the later stages (lowering, evaluation, protocol graphs).
///
/// All cross references are indexes into these vectors. Name lookups go through
/// the `*_by_name` methods (hash maps, no scans).
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub ruleset: RulesetInfo,
    /// Built-in sectors first, then declared ones.
    pub sectors: Vec<SectorInfo>,
    pub enums: Vec<EnumDef>,
    pub entities: Vec<EntityDef>,
    /// Entities that are not the element of any `list of` field: candidates for the
    /// facts document's root.
    pub roots: Vec<EntityId>,
    pub parameters: Vec<ParamDef>,
    pub tables: Vec<TableDef>,
    pub programs: Vec<ProgramDef>,
    pub assessments: Vec<AssessmentDef>,
    pub services: Vec<ServiceDef>,
    pub calendars: Vec<CalendarDef>,
    pub protocols: Vec<ProtocolDef>,
    pub tests: Vec<TestDef>,
    pub scales: Vec<ScaleDef>,
    /// Every name the checker resolved to a declaration, where it is written
    /// (for editors: go to definition, references, rename). Sorted by file and
    /// position, one entry per place.
    pub refs: Vec<SymRef>,
    pub(crate) index: Index,
}

/// Name → id maps for every global namespace.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    pub(crate) types: HashMap<String, TypeSym>,
    pub(crate) variants: HashMap<String, Vec<(EnumId, usize)>>,
    pub(crate) params: HashMap<String, ParamId>,
    pub(crate) tables: HashMap<String, TableId>,
    pub(crate) scales: HashMap<String, ScaleId>,
    pub(crate) programs: HashMap<String, ProgramId>,
    pub(crate) assessments: HashMap<String, AssessmentId>,
    pub(crate) services: HashMap<String, ServiceId>,
    pub(crate) calendars: HashMap<String, CalendarId>,
    /// Every version of each protocol name, in increasing version order (a
    /// declaration whose version number did not check is left out).
    pub(crate) protocols: HashMap<String, Vec<ProtocolId>>,
    pub(crate) sectors: HashSet<String>,
    /// Need ids declared by any assessment.
    pub(crate) needs: HashSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeSym {
    Enum(EnumId),
    Entity(EntityId),
}

impl Checked {
    pub fn entity_by_name(&self, name: &str) -> Option<EntityId> {
        match self.index.types.get(name) {
            Some(TypeSym::Entity(id)) => Some(*id),
            _ => None,
        }
    }
    pub fn enum_by_name(&self, name: &str) -> Option<EnumId> {
        match self.index.types.get(name) {
            Some(TypeSym::Enum(id)) => Some(*id),
            _ => None,
        }
    }
    pub fn parameter_by_name(&self, name: &str) -> Option<ParamId> {
        self.index.params.get(name).copied()
    }
    pub fn table_by_name(&self, name: &str) -> Option<TableId> {
        self.index.tables.get(name).copied()
    }
    pub fn program_by_name(&self, name: &str) -> Option<ProgramId> {
        self.index.programs.get(name).copied()
    }
    pub fn assessment_by_name(&self, name: &str) -> Option<AssessmentId> {
        self.index.assessments.get(name).copied()
    }
    pub fn service_by_name(&self, name: &str) -> Option<ServiceId> {
        self.index.services.get(name).copied()
    }
    pub fn calendar_by_name(&self, name: &str) -> Option<CalendarId> {
        self.index.calendars.get(name).copied()
    }
    /// The latest version (the highest number) of the protocol `name`.
    pub fn protocol_by_name(&self, name: &str) -> Option<ProtocolId> {
        self.index.protocols.get(name)?.last().copied()
    }
    /// Every version of the protocol `name`, lowest version first; empty when
    /// there is no such protocol.
    pub fn protocol_versions(&self, name: &str) -> Vec<ProtocolId> {
        // No such protocol: no versions (documented above).
        self.index.protocols.get(name).cloned().unwrap_or_default()
    }
    /// A version of the protocol `name`: with `Some(v)`, exactly version `v`;
    /// with `None`, the version in force on `date` — the highest version whose
    /// `from` is on or before `date`, a version without `from` being in force from
    /// the beginning. `None` when there is no such version, or none is in force yet.
    ///
    /// A case is opened with the version in force on its opening date and keeps
    /// that version (recorded in its log) for good.
    pub fn protocol_version(
        &self,
        name: &str,
        version: Option<u32>,
        date: jiff::civil::Date,
    ) -> Option<ProtocolId> {
        let ids = self.index.protocols.get(name)?;
        let def = |id: &&ProtocolId| self.protocols.get(id.0);
        match version {
            Some(v) => ids
                .iter()
                .find(|id| def(id).is_some_and(|p| p.version == v)),
            None => ids
                .iter()
                .rev()
                .find(|id| def(id).is_some_and(|p| p.from.is_none_or(|from| from <= date))),
        }
        .copied()
    }
    pub fn protocol(&self, id: ProtocolId) -> Option<&ProtocolDef> {
        self.protocols.get(id.0)
    }
    /// The root entity, when there is exactly one.
    pub fn root(&self) -> Option<EntityId> {
        match self.roots.as_slice() {
            [r] => Some(*r),
            _ => None,
        }
    }
    pub fn entity(&self, id: EntityId) -> Option<&EntityDef> {
        self.entities.get(id.0)
    }
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id.0)
    }
    pub fn program(&self, id: ProgramId) -> Option<&ProgramDef> {
        self.programs.get(id.0)
    }

    /// A type as the user writes it: `Money`, `list of Person`, `Region`.
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Boolean => "Boolean".into(),
            Type::Integer => "Integer".into(),
            Type::Decimal => "Decimal".into(),
            Type::Money => "Money".into(),
            Type::Date => "Date".into(),
            Type::Text => "Text".into(),
            Type::Duration => "Duration".into(),
            // A type's ids are this model's own (a type from another model is a
            // caller's bug); never a `?` in a message even then.
            Type::Enum(id) => {
                let e = self.enums.get(id.0);
                debug_assert!(e.is_some(), "INVARIANT: an enum id of this model");
                e.map_or("an unknown enum".into(), |e| e.name.clone())
            }
            Type::Entity(id) => {
                let e = self.entities.get(id.0);
                debug_assert!(e.is_some(), "INVARIANT: an entity id of this model");
                e.map_or("an unknown entity".into(), |e| e.name.clone())
            }
            Type::List(t) => format!("list of {}", self.type_name(t)),
            Type::Monthly(t) => format!("monthly {}", self.type_name(t)),
            Type::Risk(a) => match self.assessments.get(a.0) {
                Some(a) => format!("risk level of `{}`", a.name),
                None => "risk level".into(),
            },
            Type::Choice(a, q) => match self.assessments.get(a.0).and_then(|a| a.questions.get(*q))
            {
                Some(q) => format!("answer to `{}`", q.name),
                None => "choice".into(),
            },
            Type::Error => "an unknown type".into(),
        }
    }
}

/// Checks a ruleset made of `files` (index = the file's index in the
/// [`crate::SourceMap`]). Collects every diagnostic rather than stopping at the first;
/// diagnostics come back ordered by file and position.
pub fn check(files: &[ast::File]) -> (Checked, Vec<Diagnostic>) {
    check_parsed(files, false)
}

/// [`check`] for files whose parsing reported errors when `syntax_errors`: the
/// declarations lost to them may be what uses a fact, a parameter or a table, so
/// the unused-declaration warnings (W0101–W0103) wait, as they do for any error.
pub(crate) fn check_parsed(files: &[ast::File], syntax_errors: bool) -> (Checked, Vec<Diagnostic>) {
    util::with_suggestion_budget(util::MAX_SUGGESTION_COMPARISONS, || {
        check_all(files, syntax_errors, false)
    })
}

/// [`check_parsed`], recording every reference for editors in
/// [`Checked::refs`] (with the `ide` feature; without it, none are).
#[cfg(feature = "ide")]
pub(crate) fn check_for_editors(
    files: &[ast::File],
    syntax_errors: bool,
) -> (Checked, Vec<Diagnostic>) {
    util::with_suggestion_budget(util::MAX_SUGGESTION_COMPARISONS, || {
        check_all(files, syntax_errors, true)
    })
}

fn check_all(
    files: &[ast::File],
    syntax_errors: bool,
    record_refs: bool,
) -> (Checked, Vec<Diagnostic>) {
    let mut c = Checker::new(files);
    c.syntax_errors = syntax_errors;
    c.record_refs = record_refs;
    c.collect();
    c.resolve_enums();
    c.resolve_regions();
    c.resolve_entities();
    c.resolve_parameters();
    c.resolve_table_signatures();
    c.resolve_scales();
    c.resolve_program_signatures();
    c.resolve_assessments();
    c.resolve_services();
    c.resolve_calendars();
    c.resolve_protocols();
    c.check_protocol_versions();
    c.check_lets();
    c.check_programs();
    c.check_assessment_exprs();
    c.check_protocol_exprs();
    c.check_table_rows();
    c.check_tests();
    c.warn_uneven_ends();
    c.check_cycles();
    c.check_protocol_graphs();
    c.check_labels();
    c.check_currency();
    c.check_naming();
    c.warn_unused();
    c.finish()
}

/// The state of inferring a definition's type (lets and scores may use each other
/// in any order, so they are typed on demand).
#[derive(Debug, Clone, PartialEq)]
enum DefState {
    Pending,
    InProgress,
    Done(Type),
}

/// A node of the definition dependency graph (for cycle detection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DefNode {
    Let(EntityId, usize),
    /// A programme's eligibility.
    Eligible(ProgramId),
    /// A programme's amount (depends on its eligibility too).
    Amount(ProgramId),
    Score(AssessmentId, usize),
}

/// Per-assessment names used while checking expressions.
#[derive(Debug, Default)]
struct AssessCtx {
    questions: HashMap<String, usize>,
    scores: HashMap<String, usize>,
    sections: HashMap<String, usize>,
    risk_levels: HashSet<String>,
}

/// Per-protocol names used while checking expressions and graphs.
#[derive(Debug, Default)]
struct ProtoCtx {
    steps: HashMap<String, usize>,
    roles: HashMap<String, usize>,
}

struct Checker<'a> {
    files: &'a [ast::File],
    diags: Vec<Diagnostic>,
    out: Checked,
    rulesets: Vec<(usize, &'a ast::Ruleset)>,
    /// `regions NAME` of the ruleset block, resolved once enums are known.
    regions_ref: Option<(usize, ast::Span, ast::Ident)>,
    sector_decls: Vec<(usize, &'a ast::SectorDecl)>,
    enum_ast: Vec<(usize, &'a ast::EnumDecl)>,
    entity_ast: Vec<(usize, &'a ast::Entity)>,
    param_ast: Vec<(usize, &'a ast::Parameter)>,
    table_ast: Vec<(usize, &'a ast::Table)>,
    scale_ast: Vec<(usize, &'a ast::Scale)>,
    program_ast: Vec<(usize, &'a ast::Program)>,
    assessment_ast: Vec<(usize, &'a ast::Assessment)>,
    service_ast: Vec<(usize, &'a ast::Service)>,
    calendar_ast: Vec<(usize, &'a ast::Calendar)>,
    protocol_ast: Vec<(usize, &'a ast::Protocol)>,
    test_ast: Vec<(usize, &'a ast::Test)>,
    let_state: Vec<Vec<DefState>>,
    let_ast: HashMap<(EntityId, usize), (usize, &'a ast::Let)>,
    score_ast: Vec<Vec<&'a ast::Expr>>,
    score_state: Vec<Vec<DefState>>,
    assess_ctx: Vec<AssessCtx>,
    proto_ctx: Vec<ProtoCtx>,
    /// Dependency edges between definitions, in discovery order.
    deps: Vec<(DefNode, DefNode, Loc)>,
    /// How deeply definitions are being typed on demand (bounded).
    def_depth: usize,
    /// How deeply expressions are nested right now, across definitions (bounded).
    expr_depth: usize,
    /// E0214 was reported for the current top-level expression.
    too_deep: bool,
    used_fields: HashSet<(EntityId, usize)>,
    used_params: Vec<bool>,
    used_tables: Vec<bool>,
    used_scales: Vec<bool>,
    /// The parameters and tables each definition reads directly (for W0140).
    param_reads: Vec<(DefNode, ParamId)>,
    table_reads: Vec<(DefNode, TableId)>,
    /// The definitions that named `today`, in order (an `if` on the date).
    today_reads: Vec<Option<DefNode>>,
    /// Indexes into `param_reads`, `table_reads` and `deps` of reads inside the
    /// branches of an `if` whose condition names `today`: a formula chosen by
    /// date, so a parameter ending there is not read after its end (W0140).
    date_guarded: (HashSet<usize>, HashSet<usize>, HashSet<usize>),
    /// The scales each definition applies directly (for W0140).
    scale_reads: Vec<(DefNode, ScaleId)>,
    /// Indexes into `scale_reads` of those inside an `if` on `today`.
    scales_guarded: HashSet<usize>,
    /// Where `Money` is first used (a ruleset using money needs a currency).
    money_at: Option<Loc>,
    /// Declarations that failed to parse (`ast::File::broken`): references to
    /// them are not reported (see `collect::Broken`).
    broken: collect::Broken,
    /// Parsing the files reported errors (see [`check_parsed`]).
    syntax_errors: bool,
    /// Record references for editors (see [`refer!`]).
    record_refs: bool,
}

impl<'a> Checker<'a> {
    fn new(files: &'a [ast::File]) -> Self {
        Checker {
            files,
            diags: Vec::new(),
            out: Checked::default(),
            rulesets: Vec::new(),
            regions_ref: None,
            sector_decls: Vec::new(),
            enum_ast: Vec::new(),
            entity_ast: Vec::new(),
            param_ast: Vec::new(),
            table_ast: Vec::new(),
            scale_ast: Vec::new(),
            program_ast: Vec::new(),
            assessment_ast: Vec::new(),
            service_ast: Vec::new(),
            calendar_ast: Vec::new(),
            protocol_ast: Vec::new(),
            test_ast: Vec::new(),
            let_state: Vec::new(),
            let_ast: HashMap::new(),
            score_ast: Vec::new(),
            score_state: Vec::new(),
            assess_ctx: Vec::new(),
            proto_ctx: Vec::new(),
            deps: Vec::new(),
            def_depth: 0,
            expr_depth: 0,
            too_deep: false,
            used_fields: HashSet::new(),
            used_params: Vec::new(),
            used_tables: Vec::new(),
            used_scales: Vec::new(),
            param_reads: Vec::new(),
            table_reads: Vec::new(),
            today_reads: Vec::new(),
            date_guarded: Default::default(),
            scale_reads: Vec::new(),
            scales_guarded: HashSet::new(),
            money_at: None,
            broken: collect::Broken::default(),
            syntax_errors: false,
            record_refs: false,
        }
    }

    /// Whether references are recorded (see [`refer!`]).
    fn records(&self) -> bool {
        cfg!(feature = "ide") && self.record_refs
    }

    fn emit(&mut self, d: Diagnostic) {
        // The syntax error of a broken declaration is its one diagnostic.
        if !self.broken.silences(&d) {
            self.diags.push(d);
        }
    }

    fn type_name(&self, ty: &Type) -> String {
        self.out.type_name(ty)
    }

    /// Records that the name at `span` of `file` refers to `sym`.
    fn refer(&mut self, file: usize, span: ast::Span, sym: Sym) {
        self.out.refs.push(SymRef {
            file,
            span,
            sym,
            accessor: false,
        });
    }

    /// The symbol of an entity's member (a fact or a `let`; the owner accessor
    /// refers to the owner entity).
    fn member_sym(&self, entity: EntityId, member: MemberRef) -> Option<Sym> {
        let e = self.out.entities.get(entity.0)?;
        match member {
            MemberRef::Field(i) => Some(Sym::scoped(
                SymKind::Field,
                e.name.clone(),
                e.fields.get(i)?.name.clone(),
            )),
            MemberRef::Let(i) => Some(Sym::scoped(
                SymKind::Let,
                e.name.clone(),
                e.lets.get(i)?.name.clone(),
            )),
            MemberRef::Owner => {
                let owner = self.out.entities.get(e.owner.as_ref()?.owner.0)?;
                Some(Sym::global(SymKind::Entity, owner.name.clone()))
            }
        }
    }

    fn refer_member(&mut self, file: usize, span: ast::Span, entity: EntityId, member: MemberRef) {
        if !self.records() {
            return;
        }
        if let Some(sym) = self.member_sym(entity, member) {
            self.out.refs.push(SymRef {
                file,
                span,
                sym,
                accessor: member == MemberRef::Owner,
            });
        }
    }

    fn finish(mut self) -> (Checked, Vec<Diagnostic>) {
        self.diags
            .sort_by_key(|d| (d.file, d.span.start, d.span.end));
        if !self.records() {
            return (self.out, self.diags);
        }
        let refs = &mut self.out.refs;
        refs.sort_by(|a, b| {
            (a.file, a.span.start, a.span.end)
                .cmp(&(b.file, b.span.start, b.span.end))
                .then_with(|| a.sym.cmp(&b.sym))
        });
        refs.dedup_by(|a, b| {
            (a.file, a.span.start, a.span.end) == (b.file, b.span.start, b.span.end)
                && a.sym == b.sym
        });
        (self.out, self.diags)
    }
}
