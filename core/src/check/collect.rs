//! Pass 1: declarations into namespaces, the ruleset header; and the last passes
//! that look at everything at once (labels, unused declarations).

use std::collections::{HashMap, HashSet};

use accord_grammar::ast::{self, Decl, Label};

use super::util::{help_for, list_names, version_item, version_number, BadVersion};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

const BUILTIN_TYPES: [&str; 6] = ["Boolean", "Integer", "Decimal", "Money", "Date", "Text"];

/// First definition of each name in one namespace, for "first defined here".
#[derive(Default)]
struct Namespace {
    first: HashMap<String, Loc>,
}

/// The protocols' versions as they are collected.
#[derive(Default)]
struct Versions {
    /// Names that belong to protocols (their first declaration was one).
    names: HashSet<String>,
    /// The first declaration of each (name, version).
    first: HashMap<(String, u32), VersionAt>,
    /// Each indexed declaration's version number.
    number: HashMap<ProtocolId, u32>,
}

/// Where a version is written: its `version` item (or the protocol's name for an
/// implicit version 1), and the protocol's name.
struct VersionAt {
    file: usize,
    span: ast::Span,
    name_span: ast::Span,
}

/// The declarations that failed to parse but whose kind and name were read
/// (`ast::File::broken`). Their syntax error is reported; a reference to one of
/// them would only repeat it ("unknown programme `p`" in every test that expects
/// something of `p`), so such references are not reported, and what refers to them
/// goes on as if the name were unknown (an unknown `for` entity silences the
/// programme's body, an unknown table gives the error type).
#[derive(Debug, Default)]
pub(super) struct Broken {
    /// The names that the "unknown" diagnostic of each code must not report.
    names: HashMap<Code, HashSet<String>>,
    /// A `ruleset` declaration failed to parse: its languages and currency are
    /// unknown, so their absence is not reported either.
    pub(super) ruleset: bool,
}

impl Broken {
    fn add(&mut self, d: &ast::BrokenDecl) {
        use ast::DeclKind as K;
        let code = match d.kind {
            K::Ruleset => {
                self.ruleset = true;
                return;
            }
            K::Entity | K::Enum => Code::E0101,
            K::Parameter => Code::E0102,
            K::Table | K::Scale => Code::E0104,
            K::Program => Code::E0105,
            K::Sector => Code::E0107,
            K::Assessment => Code::E0113,
            K::Calendar => Code::E0114,
            // Nothing in a ruleset refers to these by name.
            K::Service | K::Protocol => return,
        };
        self.names
            .entry(code)
            .or_default()
            .insert(d.name.name.clone());
    }

    /// Whether `d` reports as unknown the name of a broken declaration: an
    /// "unknown …" message (as [`unknown`] writes them) whose first name in
    /// backticks is one of them, under the code for that kind of declaration.
    pub(super) fn silences(&self, d: &Diagnostic) -> bool {
        let Some(names) = self.names.get(&d.code) else {
            return false;
        };
        let name = d
            .message
            .strip_prefix("unknown ")
            .and_then(|m| m.split_once('`'))
            .and_then(|(_, m)| m.split_once('`'))
            .map(|(name, _)| name);
        name.is_some_and(|n| names.contains(n))
    }
}

impl<'a> Checker<'a> {
    /// Reports `name` as a duplicate when the namespace already has it; returns
    /// true when it is new.
    fn declare_in(
        &mut self,
        ns: &mut Namespace,
        kind: &str,
        file: usize,
        name: &ast::Ident,
    ) -> bool {
        if kind != "test" && !self.name_ok(file, name) {
            return false;
        }
        if let Some(first) = ns.first.get(&name.name) {
            let message = if kind == "test" {
                format!("two tests are named `{}`", name.name)
            } else {
                format!("`{}` is declared more than once", name.name)
            };
            let d = Diagnostic::error(Code::E0120, file, name.span, message)
                .with_help("rename one of them or remove the duplicate")
                .with_related(first.file, first.span, "first defined here");
            self.emit(d);
            return false;
        }
        ns.first.insert(
            name.name.clone(),
            Loc {
                file,
                span: name.span,
            },
        );
        true
    }

    pub(super) fn collect(&mut self) {
        let files = self.files;
        // Every declaration but `test` shares one namespace, whatever its kind.
        let mut decls = Namespace::default();
        let mut tests = Namespace::default();
        let mut versions = Versions::default();
        for s in BUILTIN_SECTORS {
            self.out.sectors.push(SectorInfo {
                name: s.into(),
                label: None,
                builtin: true,
            });
            self.out.index.sectors.insert(s.into());
        }
        for f in files {
            f.broken.iter().for_each(|d| self.broken.add(d));
        }
        for (file, f) in files.iter().enumerate() {
            for decl in &f.decls {
                match decl {
                    Decl::Ruleset(r) => self.rulesets.push((file, r)),
                    Decl::Sector(s) => {
                        if BUILTIN_SECTORS.contains(&s.name.name.as_str()) {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0120,
                                    file,
                                    s.name.span,
                                    format!("sector `{}` is built in", s.name.name),
                                )
                                .with_help("remove this declaration; built-in sectors need none"),
                            );
                        } else if self.declare_in(&mut decls, "declaration", file, &s.name) {
                            self.sector_decls.push((file, s));
                            self.out.index.sectors.insert(s.name.name.clone());
                            self.out.sectors.push(SectorInfo {
                                name: s.name.name.clone(),
                                label: s.label.clone(),
                                builtin: false,
                            });
                        }
                    }
                    Decl::Enum(e) => {
                        if self.type_name_ok(file, &e.name)
                            && self.declare_in(&mut decls, "declaration", file, &e.name)
                        {
                            let id = EnumId(self.enum_ast.len());
                            self.enum_ast.push((file, e));
                            self.out
                                .index
                                .types
                                .insert(e.name.name.clone(), TypeSym::Enum(id));
                        }
                    }
                    Decl::Entity(e) => {
                        if self.type_name_ok(file, &e.name)
                            && self.declare_in(&mut decls, "declaration", file, &e.name)
                        {
                            let id = EntityId(self.entity_ast.len());
                            self.entity_ast.push((file, e));
                            self.out
                                .index
                                .types
                                .insert(e.name.name.clone(), TypeSym::Entity(id));
                        }
                    }
                    Decl::Parameter(p) => {
                        if self.declare_in(&mut decls, "declaration", file, &p.name) {
                            let id = ParamId(self.param_ast.len());
                            self.param_ast.push((file, p));
                            self.out.index.params.insert(p.name.name.clone(), id);
                        }
                    }
                    Decl::Table(t) => {
                        if self.declare_in(&mut decls, "declaration", file, &t.name) {
                            let id = TableId(self.table_ast.len());
                            self.table_ast.push((file, t));
                            self.out.index.tables.insert(t.name.name.clone(), id);
                        }
                    }
                    Decl::Scale(x) => {
                        if self.declare_in(&mut decls, "declaration", file, &x.name) {
                            let id = ScaleId(self.scale_ast.len());
                            self.scale_ast.push((file, x));
                            self.out.index.scales.insert(x.name.name.clone(), id);
                        }
                    }
                    Decl::Program(p) => {
                        if self.declare_in(&mut decls, "declaration", file, &p.name) {
                            let id = ProgramId(self.program_ast.len());
                            self.program_ast.push((file, p));
                            self.out.index.programs.insert(p.name.name.clone(), id);
                        }
                    }
                    Decl::Assessment(a) => {
                        if self.declare_in(&mut decls, "declaration", file, &a.name) {
                            let id = AssessmentId(self.assessment_ast.len());
                            self.assessment_ast.push((file, a));
                            self.out.index.assessments.insert(a.name.name.clone(), id);
                        }
                    }
                    Decl::Service(s) => {
                        if self.declare_in(&mut decls, "declaration", file, &s.name) {
                            let id = ServiceId(self.service_ast.len());
                            self.service_ast.push((file, s));
                            self.out.index.services.insert(s.name.name.clone(), id);
                        }
                    }
                    Decl::Calendar(c) => {
                        if self.declare_in(&mut decls, "declaration", file, &c.name) {
                            let id = CalendarId(self.calendar_ast.len());
                            self.calendar_ast.push((file, c));
                            self.out.index.calendars.insert(c.name.name.clone(), id);
                        }
                    }
                    Decl::Protocol(p) => self.declare_protocol(&mut decls, &mut versions, file, p),
                    Decl::Test(t) => {
                        let name = ast::Ident {
                            name: t.name.text.clone(),
                            span: t.name.span,
                        };
                        self.declare_in(&mut tests, "test", file, &name);
                        self.test_ast.push((file, t));
                    }
                }
            }
        }
        // Each name's versions in increasing order.
        for ids in self.out.index.protocols.values_mut() {
            debug_assert!(
                ids.iter().all(|id| versions.number.contains_key(id)),
                "INVARIANT: only a protocol whose version checked is indexed, with its number"
            );
            ids.sort_by_key(|id| versions.number.get(id).copied().unwrap_or(0));
        }
        self.collect_ruleset();
    }

    /// A protocol into the namespace. Declarations of one name are versions of one
    /// protocol: a name already taken by another kind of declaration, or the same
    /// version twice, is E0120. A version number that does not check (E0516) leaves
    /// the declaration out of the index, but its body is still checked.
    fn declare_protocol(
        &mut self,
        decls: &mut Namespace,
        versions: &mut Versions,
        file: usize,
        p: &'a ast::Protocol,
    ) {
        let name = &p.name;
        let item = version_item(p);
        let version = match item {
            None => Some(1),
            Some((text, _, span)) => match version_number(text) {
                Ok(v) => Some(v),
                Err(why) => {
                    self.bad_version(file, text, span, why);
                    None
                }
            },
        };
        // Where the version is written: its `version` item, or the name for the
        // implicit version 1.
        let at = item.map_or(name.span, |(_, _, span)| span);
        if versions.names.contains(&name.name) {
            if let Some(v) = version {
                if let Some(first) = versions.first.get(&(name.name.clone(), v)) {
                    let (message, help) = if item.is_none() && first.span == first.name_span {
                        (
                            format!("`{}` is declared more than once", name.name),
                            "rename one of them, or make the newer one a new version: `version 2 from DATE`".to_string(),
                        )
                    } else {
                        let next = versions
                            .first
                            .keys()
                            .filter(|(n, _)| *n == name.name)
                            .map(|&(_, v)| v)
                            .max()
                            .unwrap_or(v)
                            .saturating_add(1);
                        (
                            format!("version {v} of protocol `{}` is declared more than once", name.name),
                            format!("give each version of `{}` its own number, e.g. `version {next} from DATE`", name.name),
                        )
                    };
                    let d = Diagnostic::error(Code::E0120, file, at, message)
                        .with_help(help)
                        .with_related(first.file, first.span, "first defined here");
                    self.emit(d);
                    return;
                }
            }
        } else if !self.declare_in(decls, "declaration", file, name) {
            return;
        } else {
            versions.names.insert(name.name.clone());
        }
        let id = ProtocolId(self.protocol_ast.len());
        self.protocol_ast.push((file, p));
        if let Some(v) = version {
            versions.first.insert(
                (name.name.clone(), v),
                VersionAt {
                    file,
                    span: at,
                    name_span: name.span,
                },
            );
            versions.number.insert(id, v);
            self.out
                .index
                .protocols
                .entry(name.name.clone())
                .or_default()
                .push(id);
        }
    }

    /// E0516: a `version` that is not a whole number from 1.
    fn bad_version(&mut self, file: usize, text: &str, span: ast::Span, why: BadVersion) {
        let (message, help) = match why {
            BadVersion::NotWhole => (
                format!("version `{text}` is not a whole number"),
                "number a protocol's versions 1, 2, 3…, e.g. `version 2`",
            ),
            BadVersion::Zero => (
                "protocol versions count from 1, not 0".to_string(),
                "number the first version 1 (a protocol without `version` is version 1)",
            ),
            BadVersion::TooLarge => (
                format!("version `{text}` is too large"),
                "number a protocol's versions 1, 2, 3…; the largest is 4294967295",
            ),
        };
        self.emit(Diagnostic::error(Code::E0516, file, span, message).with_help(help));
    }

    /// E0124: `today` may not be declared (it would hide the as-of date).
    pub(super) fn name_ok(&mut self, file: usize, name: &ast::Ident) -> bool {
        if name.name == "today" {
            self.emit(
                Diagnostic::error(
                    Code::E0124,
                    file,
                    name.span,
                    "`today` is the as-of date and cannot be declared",
                )
                .with_help("choose another name"),
            );
            return false;
        }
        true
    }

    fn type_name_ok(&mut self, file: usize, name: &ast::Ident) -> bool {
        if BUILTIN_TYPES.contains(&name.name.as_str()) || name.name == "Duration" {
            self.emit(
                Diagnostic::error(
                    Code::E0122,
                    file,
                    name.span,
                    format!("`{}` is a built-in type", name.name),
                )
                .with_help("choose another name for this declaration"),
            );
            return false;
        }
        true
    }

    fn collect_ruleset(&mut self) {
        let rulesets = std::mem::take(&mut self.rulesets);
        let Some(&(file, first)) = rulesets.first() else {
            if self.broken.ruleset {
                return;
            }
            let first_decl = self
                .files
                .iter()
                .enumerate()
                .find_map(|(f, x)| x.decls.first().map(|d| (f, d.span())));
            if let Some((f, span)) = first_decl {
                self.emit(
                    Diagnostic::error(
                        Code::E0311,
                        f,
                        ast::Span::new(span.start, span.start),
                        "the ruleset has no `ruleset` declaration",
                    )
                    .with_help(
                        "add `ruleset NAME \"Label\" { languages LANG  currency CODE }` to one file, with the ruleset's languages (e.g. `en`) and, if it pays money, the ISO 4217 code of its currency (e.g. `EUR`)",
                    ),
                );
            }
            return;
        };
        for &(f, r) in rulesets.iter().skip(1) {
            self.emit(
                Diagnostic::error(
                    Code::E0301,
                    f,
                    r.name.span,
                    "a ruleset has only one `ruleset` declaration",
                )
                .with_help("merge the two declarations into one")
                .with_related(file, first.name.span, "first declared here"),
            );
        }
        self.out.ruleset.name = Some(first.name.name.clone());
        self.out.ruleset.label = first.label.clone();
        let mut langs_at: Option<ast::Span> = None;
        let mut currency_at: Option<ast::Span> = None;
        for item in &first.items {
            match item {
                ast::RulesetItem::Languages { langs, span } => {
                    if let Some(prev) = langs_at {
                        self.duplicate_clause(file, *span, "languages", prev);
                        continue;
                    }
                    langs_at = Some(*span);
                    for l in langs {
                        if self.out.ruleset.languages.contains(&l.name) {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0121,
                                    file,
                                    l.span,
                                    format!("language `{}` is listed twice", l.name),
                                )
                                .with_help("remove the repeated language"),
                            );
                        } else {
                            self.out.ruleset.languages.push(l.name.clone());
                        }
                    }
                }
                ast::RulesetItem::Currency { code, span } => {
                    if let Some(prev) = currency_at {
                        self.duplicate_clause(file, *span, "currency", prev);
                        continue;
                    }
                    currency_at = Some(*span);
                    let ok =
                        code.name.len() == 3 && code.name.chars().all(|c| c.is_ascii_uppercase());
                    if !ok {
                        self.emit(
                            Diagnostic::error(Code::E0307, file, code.span, format!("`{}` is not a currency code", code.name))
                                .with_help("write the three-letter ISO 4217 code in capitals, e.g. `AMD`, `EUR`"),
                        );
                    }
                    self.out.ruleset.currency = Some(code.name.clone());
                }
                ast::RulesetItem::Regions { name, span } => {
                    if let Some((_, prev, _)) = &self.regions_ref {
                        let prev = *prev;
                        self.duplicate_clause(file, *span, "regions", prev);
                        continue;
                    }
                    self.regions_ref = Some((file, *span, name.clone()));
                }
            }
        }
        self.rulesets = rulesets;
    }

    /// `regions NAME`: an enum of the ruleset (E0101 otherwise).
    pub(super) fn resolve_regions(&mut self) {
        let Some((file, _, name)) = self.regions_ref.clone() else {
            return;
        };
        match self.out.index.types.get(&name.name) {
            Some(TypeSym::Enum(e)) => {
                self.out.ruleset.regions = Some(*e);
                refer!(
                    self,
                    file,
                    name.span,
                    Sym::global(SymKind::Enum, &name.name)
                );
            }
            Some(TypeSym::Entity(_)) => self.emit(
                Diagnostic::error(
                    Code::E0101,
                    file,
                    name.span,
                    format!("`{}` is an entity; `regions` names an enum", name.name),
                )
                .with_help(
                    "declare the regions as an enum, e.g. `enum Municipality { tartu, elva }`",
                ),
            ),
            None => {
                let enums: Vec<&str> = self
                    .out
                    .index
                    .types
                    .iter()
                    .filter(|(_, s)| matches!(s, TypeSym::Enum(_)))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let help = help_for(
                    &name.name,
                    enums,
                    "declare the regions as an enum, e.g. `enum Municipality { tartu, elva }`",
                );
                self.emit(
                    Diagnostic::error(
                        Code::E0101,
                        file,
                        name.span,
                        format!("unknown enum `{}` for `regions`", name.name),
                    )
                    .with_suggestion(help),
                );
            }
        }
    }

    /// E0302: a clause that may appear once appears again.
    pub(super) fn duplicate_clause(
        &mut self,
        file: usize,
        span: ast::Span,
        what: &str,
        first: ast::Span,
    ) {
        self.emit(
            Diagnostic::error(
                Code::E0302,
                file,
                span,
                format!("`{what}` is given more than once"),
            )
            .with_help(format!("keep one `{what}`"))
            .with_related(file, first, "first given here"),
        );
    }

    /// Checks every label's translations against the declared languages.
    pub(super) fn check_labels(&mut self) {
        if self.broken.ruleset && self.rulesets.is_empty() {
            return; // the languages were in the broken `ruleset`
        }
        let mut labels: Vec<(usize, &'a Label)> = Vec::new();
        for (file, f) in self.files.iter().enumerate() {
            for decl in &f.decls {
                decl_labels(decl, &mut |l| labels.push((file, l)));
            }
        }
        let langs = self.out.ruleset.languages.clone();
        let declared = if langs.is_empty() {
            "the ruleset declares no languages: add `languages en, hy` (the first is the labels' own language) to the `ruleset`".to_string()
        } else {
            format!(
                "the ruleset's languages are {}: translate into one of them, or add this one to `languages`",
                list_names(langs.iter().map(String::as_str))
            )
        };
        for (file, label) in labels {
            let mut seen: HashMap<&str, ast::Span> = HashMap::new();
            for t in &label.translations {
                let lang = t.lang.name.as_str();
                if langs.first().map(String::as_str) == Some(lang) {
                    self.emit(
                        Diagnostic::error(
                            Code::E0305,
                            file,
                            t.lang.span,
                            format!("`{lang}` is the ruleset's first language, the label's own text"),
                        )
                        .with_help("remove this translation; the text before the brackets is already in that language"),
                    );
                } else if !langs.iter().any(|l| l == lang) {
                    let help = match super::util::suggest(lang, langs.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`? {declared}"),
                        None => declared.clone(),
                    };
                    self.emit(
                        Diagnostic::error(
                            Code::E0108,
                            file,
                            t.lang.span,
                            format!("unknown language `{lang}`"),
                        )
                        .with_help(help),
                    );
                }
                if let Some(first) = seen.get(lang) {
                    self.emit(
                        Diagnostic::error(
                            Code::E0305,
                            file,
                            t.lang.span,
                            format!("the label has two `{lang}` translations"),
                        )
                        .with_help("keep one translation per language")
                        .with_related(file, *first, "first given here"),
                    );
                } else {
                    seen.insert(lang, t.lang.span);
                }
            }
        }
    }

    /// W0107: names that break the conventions (`snake_case` values,
    /// `PascalCase` entities and enums).
    pub(super) fn check_naming(&mut self) {
        fn snake(n: &str) -> bool {
            n.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }
        fn pascal(n: &str) -> bool {
            n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && n.chars().all(|c| c.is_ascii_alphanumeric())
        }
        let mut found = Vec::new();
        let mut check = |file: usize, id: &ast::Ident, want_pascal: bool| {
            let ok = if want_pascal {
                pascal(&id.name)
            } else {
                snake(&id.name)
            };
            if !ok {
                let (style, fixed) = if want_pascal {
                    ("PascalCase", pascal_case(&id.name))
                } else {
                    ("snake_case", super::util::snake_case(&id.name))
                };
                found.push(
                    Diagnostic::warning(
                        Code::W0107,
                        file,
                        id.span,
                        format!("`{}` is not written in {style}", id.name),
                    )
                    .with_suggestion((format!("rename it `{fixed}`"), Some(fixed))),
                );
            }
        };
        for (file, f) in self.files.iter().enumerate() {
            for decl in &f.decls {
                match decl {
                    Decl::Ruleset(r) => check(file, &r.name, false),
                    Decl::Sector(x) => check(file, &x.name, false),
                    Decl::Enum(e) => {
                        check(file, &e.name, true);
                        e.variants.iter().for_each(|v| check(file, &v.name, false));
                    }
                    Decl::Entity(e) => {
                        check(file, &e.name, true);
                        e.members.iter().for_each(|m| check(file, m.name(), false));
                    }
                    Decl::Parameter(x) => check(file, &x.name, false),
                    Decl::Table(x) => check(file, &x.name, false),
                    Decl::Scale(x) => check(file, &x.name, false),
                    Decl::Program(x) => check(file, &x.name, false),
                    Decl::Assessment(a) => {
                        check(file, &a.name, false);
                        for it in &a.items {
                            match it {
                                ast::AssessmentItem::Section(s) => {
                                    check(file, &s.name, false);
                                    s.questions.iter().for_each(|q| check(file, &q.name, false));
                                }
                                ast::AssessmentItem::Question(q) => check(file, &q.name, false),
                                ast::AssessmentItem::Score { name, .. }
                                | ast::AssessmentItem::Need { name, .. } => {
                                    check(file, name, false)
                                }
                                _ => {}
                            }
                        }
                    }
                    Decl::Service(x) => check(file, &x.name, false),
                    Decl::Calendar(x) => check(file, &x.name, false),
                    Decl::Protocol(p) => {
                        check(file, &p.name, false);
                        for it in &p.items {
                            match it {
                                ast::ProtocolItem::Roles(rs, _) => {
                                    rs.iter().for_each(|r| check(file, &r.name, false))
                                }
                                ast::ProtocolItem::Agency(a) => {
                                    check(file, &a.name, false);
                                    a.roles.iter().for_each(|r| check(file, &r.name, false))
                                }
                                ast::ProtocolItem::Step(s) => check(file, &s.name, false),
                                _ => {}
                            }
                        }
                    }
                    Decl::Test(_) => {}
                }
            }
        }
        self.diags.extend(found);
    }

    /// E0310: money without a currency.
    pub(super) fn check_currency(&mut self) {
        if self.broken.ruleset && self.rulesets.is_empty() {
            return; // the currency may have been in the broken `ruleset`
        }
        if let (Some(at), None) = (self.money_at, &self.out.ruleset.currency) {
            self.emit(
                Diagnostic::error(
                    Code::E0310,
                    at.file,
                    at.span,
                    "the ruleset uses `Money` but declares no currency",
                )
                // No currency is guessed: a language is spoken in many countries.
                .with_help(
                    "add `currency CODE` to the `ruleset` block, with the three-letter ISO 4217 code of the amounts' currency in capitals (e.g. `EUR`, `USD`, `AMD`)",
                ),
            );
        }
    }

    /// W0101–W0103: facts, parameters and tables nothing uses. Only for a
    /// ruleset without errors, syntax errors included: a use that failed to check
    /// (a misspelt name, an unknown `for`, a declaration that failed to parse)
    /// leaves its target looking unused, and the warning would only repeat the
    /// error.
    pub(super) fn warn_unused(&mut self) {
        if self.syntax_errors
            || self
                .diags
                .iter()
                .any(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return;
        }
        // A field holding records (`members: list of Person`) is used when what it
        // holds is: a subject of a programme, assessment or protocol, or an entity
        // with a used fact — the facts can only arrive through it.
        let holds = |t: &Type| match t.element().unwrap_or(t) {
            Type::Entity(e) => Some(e.0),
            _ => None,
        };
        let mut needed: Vec<bool> = (0..self.out.entities.len())
            .map(|ei| {
                self.out
                    .programs
                    .iter()
                    .any(|p| p.subject == Some(EntityId(ei)))
                    || self
                        .out
                        .assessments
                        .iter()
                        .any(|a| a.subject == Some(EntityId(ei)))
                    || self
                        .out
                        .protocols
                        .iter()
                        .any(|p| p.subject == Some(EntityId(ei)))
                    || self.used_fields.iter().any(|(e, _)| e.0 == ei)
            })
            .collect();
        let mut changed = true;
        while changed {
            changed = false;
            for (ei, e) in self.out.entities.iter().enumerate() {
                let holds_needed = e
                    .fields
                    .iter()
                    .any(|f| holds(&f.ty).is_some_and(|h| needed.get(h).copied().unwrap_or(false)));
                if holds_needed && !needed.get(ei).copied().unwrap_or(true) {
                    if let Some(n) = needed.get_mut(ei) {
                        *n = true;
                    }
                    changed = true;
                }
            }
        }
        let mut found = Vec::new();
        for (ei, e) in self.out.entities.iter().enumerate() {
            for (fi, f) in e.fields.iter().enumerate() {
                let carries_needed =
                    holds(&f.ty).is_some_and(|h| needed.get(h).copied().unwrap_or(false));
                if !carries_needed && !self.used_fields.contains(&(EntityId(ei), fi)) {
                    found.push(
                        Diagnostic::warning(
                            Code::W0101,
                            f.loc.file,
                            f.loc.span,
                            format!("fact `{}` of `{}` is never used", f.name, e.name),
                        )
                        .with_help("use it in a rule or a test, or remove it"),
                    );
                }
            }
        }
        for (pi, p) in self.out.parameters.iter().enumerate() {
            if !self.used_params.get(pi).copied().unwrap_or(true) {
                found.push(
                    Diagnostic::warning(
                        Code::W0102,
                        p.loc.file,
                        p.loc.span,
                        format!("parameter `{}` is never used", p.name),
                    )
                    .with_help("use it in a rule or a table, or remove it"),
                );
            }
        }
        for (ti, t) in self.out.tables.iter().enumerate() {
            if !self.used_tables.get(ti).copied().unwrap_or(true) {
                found.push(
                    Diagnostic::warning(
                        Code::W0103,
                        t.loc.file,
                        t.loc.span,
                        format!("table `{}` is never used", t.name),
                    )
                    .with_help(format!(
                        "call it like a function, e.g. `{}(…)`, or remove it",
                        t.name
                    )),
                );
            }
        }
        self.warn_unused_scales(&mut found);
        self.diags.extend(found);
    }
}

/// Every label of a declaration, nested ones included.
fn decl_labels<'a>(decl: &'a Decl, f: &mut impl FnMut(&'a Label)) {
    let opt = |l: &'a Option<Label>, f: &mut dyn FnMut(&'a Label)| {
        if let Some(l) = l {
            f(l);
        }
    };
    match decl {
        Decl::Ruleset(r) => opt(&r.label, f),
        Decl::Sector(s) => opt(&s.label, f),
        Decl::Enum(e) => {
            opt(&e.label, f);
            for v in &e.variants {
                opt(&v.label, f);
            }
        }
        Decl::Entity(e) => {
            opt(&e.label, f);
            for m in &e.members {
                match m {
                    ast::Member::Field(x) => opt(&x.label, f),
                    ast::Member::Let(x) => opt(&x.label, f),
                }
            }
        }
        Decl::Parameter(p) => {
            opt(&p.label, f);
            for it in &p.items {
                match it {
                    ast::ParameterItem::Source(l) => f(l),
                    ast::ParameterItem::From { source, .. }
                    | ast::ParameterItem::Until { source, .. } => opt(source, f),
                }
            }
        }
        Decl::Table(t) => opt(&t.label, f),
        Decl::Scale(t) => {
            opt(&t.label, f);
            t.versions.iter().for_each(|v| opt(&v.source, f));
        }
        Decl::Program(p) => {
            opt(&p.label, f);
            for it in &p.items {
                match it {
                    ast::ProgramItem::Legal(l, _) | ast::ProgramItem::Apply(l, _) => f(l),
                    ast::ProgramItem::Eligible(c) | ast::ProgramItem::Unless(c) => opt(&c.legal, f),
                    ast::ProgramItem::Documents(ls, _) => ls.iter().for_each(&mut *f),
                    _ => {}
                }
            }
        }
        Decl::Assessment(a) => {
            opt(&a.label, f);
            let question = |q: &'a ast::Question, f: &mut dyn FnMut(&'a Label)| {
                if let Some(l) = &q.label {
                    f(l);
                }
                match &q.kind {
                    ast::QuestionKind::Scale { options, .. } => options.iter().for_each(&mut *f),
                    ast::QuestionKind::Choice { options, .. } => {
                        for o in options {
                            if let Some(l) = &o.label {
                                f(l);
                            }
                        }
                    }
                    _ => {}
                }
            };
            for it in &a.items {
                match it {
                    ast::AssessmentItem::Section(s) => {
                        opt(&s.label, f);
                        for q in &s.questions {
                            question(q, f);
                        }
                    }
                    ast::AssessmentItem::Question(q) => question(q, f),
                    ast::AssessmentItem::Score { label, .. }
                    | ast::AssessmentItem::Need { label, .. }
                    | ast::AssessmentItem::Risk { label, .. } => opt(label, f),
                    ast::AssessmentItem::For(..) => {}
                }
            }
        }
        Decl::Service(s) => opt(&s.label, f),
        Decl::Calendar(c) => opt(&c.label, f),
        Decl::Protocol(p) => {
            opt(&p.label, f);
            for it in &p.items {
                match it {
                    ast::ProtocolItem::Roles(roles, _) => {
                        for r in roles {
                            opt(&r.label, f);
                        }
                    }
                    ast::ProtocolItem::Agency(a) => {
                        opt(&a.label, f);
                        for r in &a.roles {
                            opt(&r.label, f);
                        }
                    }
                    ast::ProtocolItem::Legal(l, _) => f(l),
                    ast::ProtocolItem::Step(s) => {
                        opt(&s.label, f);
                        for si in &s.items {
                            if let ast::StepItem::Contact(l, _) | ast::StepItem::Legal(l, _) = si {
                                f(l);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Decl::Test(t) => f(&t.name),
    }
}

/// Shared by passes that report an unknown name with a suggestion.
pub(super) fn unknown(
    code: Code,
    file: usize,
    name: &ast::Ident,
    kind: &str,
    candidates: Vec<&str>,
    fallback: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(
        code,
        file,
        name.span,
        format!("unknown {kind} `{}`", name.name),
    )
    .with_suggestion(help_for(&name.name, candidates, fallback))
}

/// E0106 for a name that is not a variant of the enum `enum_name` expects there:
/// the message names the enum, the help suggests the closest variant.
pub(super) fn unknown_variant(
    file: usize,
    name: &ast::Ident,
    enum_name: &str,
    variants: Vec<&str>,
    fallback: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(
        Code::E0106,
        file,
        name.span,
        format!("`{}` is not a variant of `{enum_name}`", name.name),
    )
    .with_suggestion(help_for(&name.name, variants, fallback))
}

/// `household_member` → `HouseholdMember`.
fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// E0103: `entity` has no field (or member) `name`, with the closest of
/// `candidates` or `fallback` as help.
pub(super) fn unknown_field(
    file: usize,
    name: &ast::Ident,
    entity: &str,
    candidates: Vec<&str>,
    fallback: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(
        Code::E0103,
        file,
        name.span,
        format!("`{entity}` has no field `{}`", name.name),
    )
    .with_suggestion(help_for(&name.name, candidates, fallback))
}
