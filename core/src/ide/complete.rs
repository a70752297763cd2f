//! Completion: what may be written where the cursor is.
//!
//! The declaration around the cursor is found in the parsed file (a
//! declaration broken by the edit in progress is still known by its keyword and
//! name, `ast::File::broken`); the words just before the cursor say the rest:
//! after `.` the members of what precedes it, after `=` or `in {` the variants
//! of an enum-typed left side, after `by` a protocol's roles, after `after` its
//! steps, at the start of a line the keywords that may start an item there.

use accord_grammar::ast::{self, DeclKind};

use super::{Analysis, Sym, SymKind};
use crate::check::{Checked, EntityId, MemberRef, Type};

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    /// A built-in function.
    Function,
    /// A built-in type.
    Type,
    /// A declared name.
    Symbol(SymKind),
}

/// One completion: the text to insert, its kind, and a detail (the label an
/// analyst reads, or the type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
}

const EXPR_KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "implies",
    "if",
    "then",
    "else",
    "where",
    "any",
    "all",
    "in",
    "otherwise",
    "true",
    "false",
    "today",
];
const BUILTIN_TYPES: &[&str] = &[
    "Boolean", "Integer", "Decimal", "Money", "Date", "Text", "Duration",
];

/// The keywords that may start an item of a declaration of `kind`.
fn item_keywords(kind: DeclKind) -> &'static [&'static str] {
    match kind {
        DeclKind::Ruleset => &["languages", "currency", "regions"],
        DeclKind::Entity => &["let"],
        DeclKind::Parameter => &["source", "from", "until"],
        DeclKind::Table => &["from", "until", "for each"],
        DeclKind::Scale => &["from", "until", "source"],
        DeclKind::Program => &[
            "for",
            "sector",
            "legal",
            "eligible when",
            "unless",
            "amount =",
            "apply",
            "documents",
        ],
        DeclKind::Assessment => &["for", "section", "question", "score", "need", "risk"],
        DeclKind::Service => &["sector", "meets"],
        DeclKind::Calendar => &["weekend", "holiday", "working"],
        DeclKind::Protocol => &[
            "version",
            "for",
            "calendar",
            "legal",
            "agency",
            "roles",
            "start when",
            "step",
            "escalate to",
            "share",
            "consent for referral to",
            "region",
            "referrals",
        ],
        DeclKind::Sector | DeclKind::Enum => &[],
    }
}

const STEP_KEYWORDS: &[&str] = &[
    "by",
    "after",
    "within",
    "every",
    "contact",
    "assessment",
    "requires consent",
    "for each need of",
    "when",
    "legal",
    "escalate to",
    "rates providers",
    "closes",
    "back to",
];
const TEST_KEYWORDS: &[&str] = &["as of", "given", "expect"];

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The declaration around `offset`: its kind, name and extent.
fn enclosing(a: &Analysis, file: usize, offset: usize) -> Option<(DeclKind, String, usize, usize)> {
    let parsed = a.parsed.get(file)?;
    for d in &parsed.decls {
        let s = d.span();
        if s.start < offset && offset <= s.end {
            let kind = decl_kind(d)?;
            let name = a
                .items
                .iter()
                .find(|i| i.file == file && i.span.start == s.start && i.parent.is_none())
                .map(|i| i.name_text.clone())
                .unwrap_or_default();
            return Some((kind, name, s.start, s.end));
        }
    }
    // A declaration the edit broke: from its keyword to the next declaration.
    let next_start = |after: usize| {
        parsed
            .decls
            .iter()
            .map(|d| d.span().start)
            .chain(parsed.broken.iter().map(|b| b.span.start))
            .filter(|&s| s > after)
            .min()
            .unwrap_or(usize::MAX)
    };
    parsed
        .broken
        .iter()
        .map(|b| (b, next_start(b.span.start)))
        .find(|(b, end)| b.span.start < offset && offset <= *end)
        .map(|(b, end)| (b.kind, b.name.name.clone(), b.span.start, end))
}

fn decl_kind(d: &ast::Decl) -> Option<DeclKind> {
    Some(match d {
        ast::Decl::Ruleset(_) => DeclKind::Ruleset,
        ast::Decl::Sector(_) => DeclKind::Sector,
        ast::Decl::Enum(_) => DeclKind::Enum,
        ast::Decl::Entity(_) => DeclKind::Entity,
        ast::Decl::Parameter(_) => DeclKind::Parameter,
        ast::Decl::Table(_) => DeclKind::Table,
        ast::Decl::Program(_) => DeclKind::Program,
        ast::Decl::Assessment(_) => DeclKind::Assessment,
        ast::Decl::Service(_) => DeclKind::Service,
        ast::Decl::Calendar(_) => DeclKind::Calendar,
        ast::Decl::Protocol(_) => DeclKind::Protocol,
        ast::Decl::Scale(_) => DeclKind::Scale,
        // A test has no declaration kind: it is handled as a test by the caller.
        ast::Decl::Test(_) => return None,
    })
}

/// Whether `offset` is inside a `test` block of the file.
fn in_test(a: &Analysis, file: usize, offset: usize) -> bool {
    a.parsed.get(file).is_some_and(|p| {
        p.decls.iter().any(|d| {
            matches!(d, ast::Decl::Test(_)) && d.span().start < offset && offset <= d.span().end
        })
    })
}

/// The entity whose members the names at the cursor read.
fn subject(a: &Analysis, kind: DeclKind, name: &str, text: &str) -> Option<EntityId> {
    let c = a.checked();
    let declared = match kind {
        DeclKind::Entity => c.entity_by_name(name),
        DeclKind::Program => c.program_by_name(name).and_then(|p| c.program(p)?.subject),
        DeclKind::Assessment => c
            .assessment_by_name(name)
            .and_then(|x| c.assessments.get(x.0)?.subject),
        DeclKind::Protocol => c
            .protocol_by_name(name)
            .and_then(|p| c.protocol(p)?.subject),
        _ => None,
    };
    // A declaration broken by the edit: its `for ENTITY` line as written.
    declared.or_else(|| {
        text.lines().find_map(|l| {
            let rest = l.trim().strip_prefix("for ")?;
            let word: String = rest.chars().take_while(|c| is_ident_char(*c)).collect();
            c.entity_by_name(&word)
        })
    })
}

fn label_text(l: Option<&ast::Label>) -> Option<String> {
    l.map(|l| l.text.clone())
}

fn member_type(c: &Checked, e: EntityId, name: &str) -> Option<Type> {
    let def = c.entity(e)?;
    match def.members.get(name)? {
        MemberRef::Field(i) => Some(def.fields.get(*i)?.ty.clone()),
        MemberRef::Let(i) => Some(def.lets.get(*i)?.ty.clone()),
        MemberRef::Owner => Some(Type::Entity(def.owner.as_ref()?.owner)),
    }
}

fn entity_of(t: &Type) -> Option<EntityId> {
    match t {
        Type::Entity(e) => Some(*e),
        Type::List(t) => entity_of(t),
        _ => None,
    }
}

fn members(c: &Checked, e: EntityId, out: &mut Vec<Completion>) {
    let Some(def) = c.entity(e) else { return };
    for f in &def.fields {
        out.push(Completion {
            label: f.name.clone(),
            kind: CompletionKind::Symbol(SymKind::Field),
            detail: Some(detail(label_text(f.label.as_ref()), c.type_name(&f.ty))),
        });
    }
    for l in &def.lets {
        out.push(Completion {
            label: l.name.clone(),
            kind: CompletionKind::Symbol(SymKind::Let),
            detail: Some(detail(label_text(l.label.as_ref()), c.type_name(&l.ty))),
        });
    }
    if let Some(o) = &def.owner {
        out.push(Completion {
            label: o.name.clone(),
            kind: CompletionKind::Symbol(SymKind::Entity),
            detail: Some(c.type_name(&Type::Entity(o.owner))),
        });
    }
}

fn detail(label: Option<String>, ty: String) -> String {
    match label {
        Some(l) => format!("{l} · {ty}"),
        None => ty,
    }
}

fn variants(c: &Checked, t: &Type, out: &mut Vec<Completion>) {
    let Type::Enum(e) = t else { return };
    let Some(def) = c.enum_def(*e) else { return };
    for v in &def.variants {
        out.push(Completion {
            label: v.name.clone(),
            kind: CompletionKind::Symbol(SymKind::Variant),
            detail: label_text(v.label.as_ref()).or_else(|| Some(def.name.clone())),
        });
    }
}

/// The type of a chain of names `a.b.c` read from `subject` (or from an
/// element of one of its lists, inside `where`, `any` and `all`).
fn chain_type(c: &Checked, subject: Option<EntityId>, chain: &[&str]) -> Option<Type> {
    let (first, rest) = chain.split_first()?;
    let mut ty = subject
        .and_then(|s| member_type(c, s, first))
        .or_else(|| {
            // An element's member: the entities of the subject's lists.
            let s = c.entity(subject?)?;
            s.fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.lets.iter().map(|l| &l.ty))
                .filter_map(|t| match t {
                    Type::List(inner) => entity_of(inner),
                    _ => None,
                })
                .find_map(|e| member_type(c, e, first))
        })
        .or_else(|| {
            let p = c.parameter_by_name(first)?;
            Some(c.parameters.get(p.0)?.ty.clone())
        })?;
    for name in rest {
        ty = member_type(c, entity_of(&ty)?, name)?;
    }
    Some(ty)
}

/// The identifiers of a chain `a.b.c` that ends at `end` (exclusive).
fn chain_before(text: &str, end: usize) -> Vec<&str> {
    let head = text.get(..end).unwrap_or("");
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, ch)| is_ident_char(*ch) || *ch == '.')
        .last()
        .map_or(end, |(i, _)| i);
    head.get(start..)
        .unwrap_or("")
        .split('.')
        .filter(|s| !s.is_empty())
        .collect()
}

fn kw(words: &[&str], out: &mut Vec<Completion>) {
    out.extend(words.iter().map(|w| Completion {
        label: (*w).to_string(),
        kind: CompletionKind::Keyword,
        detail: None,
    }));
}

fn syms(a: &Analysis, pick: impl Fn(&Sym) -> bool, out: &mut Vec<Completion>) {
    for i in &a.items {
        if let Some(sym) = i.sym.as_ref().filter(|s| pick(s)) {
            if out
                .iter()
                .any(|c| c.label == sym.name && c.kind == CompletionKind::Symbol(sym.kind))
            {
                continue;
            }
            out.push(Completion {
                label: sym.name.clone(),
                kind: CompletionKind::Symbol(sym.kind),
                detail: label_text(i.label.as_ref()).or_else(|| Some(sym.kind.word().to_string())),
            });
        }
    }
}

fn types(a: &Analysis, out: &mut Vec<Completion>) {
    out.extend(BUILTIN_TYPES.iter().map(|t| Completion {
        label: (*t).to_string(),
        kind: CompletionKind::Type,
        detail: None,
    }));
    syms(
        a,
        |s| matches!(s.kind, SymKind::Enum | SymKind::Entity),
        out,
    );
    kw(&["list of", "monthly"], out);
}

pub(super) fn completions(a: &Analysis, file: usize, offset: usize) -> Vec<Completion> {
    let text = a.text(file);
    let offset = offset.min(text.len());
    let Some(head) = text.get(..offset) else {
        return Vec::new();
    };
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|(_, ch)| is_ident_char(*ch))
        .last()
        .map_or(offset, |(i, _)| i);
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..word_start).unwrap_or("");
    let trimmed = before.trim_end();
    let prev_word: &str = trimmed
        .rsplit(|ch: char| !is_ident_char(ch))
        .next()
        .unwrap_or("");
    let at_line_start = trimmed.is_empty() || trimmed.ends_with('{');
    let mut out = Vec::new();
    let c = a.checked();

    if in_test(a, file, offset) {
        let root = c.root();
        if before.ends_with('.') {
            let chain = chain_before(text, word_start.saturating_sub(1));
            let chain: Vec<&str> = chain
                .iter()
                .map(|s| s.split('[').next().unwrap_or(s))
                .collect();
            if let Some(e) = chain_type(c, root, &chain).as_ref().and_then(entity_of) {
                members(c, e, &mut out);
            }
        } else if at_line_start {
            kw(TEST_KEYWORDS, &mut out);
        } else if prev_word == "expect" {
            syms(a, |s| s.kind == SymKind::Program, &mut out);
            if let Some(e) = root {
                members(c, e, &mut out);
            }
        } else if prev_word == "given" {
            syms(a, |s| s.kind == SymKind::Entity, &mut out);
        } else if matches!(prev_word, "eligible" | "ineligible" | "undetermined") {
        } else if trimmed.starts_with("expect") {
            kw(
                &["for", "eligible", "ineligible", "undetermined", "amount"],
                &mut out,
            );
        } else if let Some(e) = root {
            members(c, e, &mut out);
        }
        return out;
    }

    let Some((kind, name, start, end)) = enclosing(a, file, offset) else {
        if trimmed.is_empty() {
            kw(&accord_grammar::DECL_KEYWORDS, &mut out);
        }
        return out;
    };
    let decl_text = text.get(start..end.min(text.len())).unwrap_or("");
    let subj = subject(a, kind, &name, decl_text);

    // After `.`: the members of what precedes it, or an enum's variants.
    if before.ends_with('.') {
        let chain = chain_before(text, word_start.saturating_sub(1));
        if let [only] = chain.as_slice() {
            if let Some(e) = c.enum_by_name(only) {
                variants(c, &Type::Enum(e), &mut out);
                return out;
            }
        }
        if let Some(e) = chain_type(c, subj, &chain).as_ref().and_then(entity_of) {
            members(c, e, &mut out);
        }
        return out;
    }

    // Types: after `name:` in an entity or a table's parameters, `->`, `list of`.
    let in_type = (kind == DeclKind::Entity && trimmed.ends_with(':') && !trimmed.contains('='))
        || trimmed.ends_with("->")
        || trimmed.ends_with("list of")
        || trimmed.ends_with("monthly")
        || (matches!(kind, DeclKind::Parameter | DeclKind::Table)
            && trimmed.ends_with(':')
            && !trimmed.starts_with("from"));
    if in_type {
        types(a, &mut out);
        return out;
    }

    // An enum expected: `x = `, `x != `, `x in {`, `x in {a, `.
    if let Some(left) = enum_left_side(trimmed) {
        // `for each need of STEP where need != …`: the needs.
        if kind == DeclKind::Protocol && left == "need" {
            syms(a, |s| s.kind == SymKind::Need, &mut out);
            return out;
        }
        let chain: Vec<&str> = left.split('.').filter(|s| !s.is_empty()).collect();
        if let Some(t) = chain_type(c, subj, &chain) {
            if matches!(t, Type::Enum(_)) {
                variants(c, &t, &mut out);
                return out;
            }
        }
    }

    let in_step =
        kind == DeclKind::Protocol && step_around(decl_text, offset.saturating_sub(start));
    match (kind, prev_word) {
        (_, "for") if trimmed == "for" => {
            syms(a, |s| s.kind == SymKind::Entity, &mut out);
            return out;
        }
        (_, "sector") if trimmed == "sector" => {
            out.extend(crate::check::BUILTIN_SECTORS.iter().map(|s| Completion {
                label: (*s).to_string(),
                kind: CompletionKind::Symbol(SymKind::Sector),
                detail: None,
            }));
            syms(a, |s| s.kind == SymKind::Sector, &mut out);
            return out;
        }
        (_, "meets") => {
            syms(a, |s| s.kind == SymKind::Need, &mut out);
            return out;
        }
        (DeclKind::Protocol, "by" | "to" | "with") => {
            protocol_names(a, &name, decl_text, SymKind::Role, &mut out);
            return out;
        }
        (DeclKind::Protocol, "after" | "of") => {
            protocol_names(a, &name, decl_text, SymKind::Step, &mut out);
            return out;
        }
        (DeclKind::Protocol, "assessment" | "share") => {
            syms(a, |s| s.kind == SymKind::Assessment, &mut out);
            if prev_word == "share" {
                syms(a, |s| s.kind == SymKind::Step && s.scope == name, &mut out);
            }
            return out;
        }
        (DeclKind::Protocol, "calendar") | (DeclKind::Calendar, "extends") => {
            syms(a, |s| s.kind == SymKind::Calendar, &mut out);
            return out;
        }
        (DeclKind::Ruleset, "regions") => {
            syms(a, |s| s.kind == SymKind::Enum, &mut out);
            return out;
        }
        _ => {}
    }
    // `after a, ` inside a step: more steps.
    if kind == DeclKind::Protocol && trimmed.starts_with("after") && trimmed.ends_with(',') {
        protocol_names(a, &name, decl_text, SymKind::Step, &mut out);
        return out;
    }
    // A call that takes a programme's name.
    if trimmed.ends_with("eligible(") || trimmed.ends_with("amount(") {
        syms(a, |s| s.kind == SymKind::Program, &mut out);
        return out;
    }
    if at_line_start {
        if in_step {
            kw(STEP_KEYWORDS, &mut out);
        } else {
            kw(item_keywords(kind), &mut out);
        }
        return out;
    }
    // An expression: names in scope, functions, keywords.
    if let Some(e) = subj {
        members(c, e, &mut out);
        if let Some(def) = c.entity(e) {
            let elements: Vec<EntityId> = def
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(def.lets.iter().map(|l| &l.ty))
                .filter_map(|t| match t {
                    Type::List(inner) => entity_of(inner),
                    _ => None,
                })
                .collect();
            let mut inner = Vec::new();
            for el in elements {
                members(c, el, &mut inner);
            }
            for i in inner {
                if !out.iter().any(|o| o.label == i.label) {
                    out.push(i);
                }
            }
        }
    }
    if kind == DeclKind::Assessment {
        syms(
            a,
            |s| matches!(s.kind, SymKind::Question | SymKind::Score) && s.scope == name,
            &mut out,
        );
    }
    if kind == DeclKind::Protocol {
        syms(a, |s| s.kind == SymKind::Step && s.scope == name, &mut out);
    }
    syms(
        a,
        |s| matches!(s.kind, SymKind::Parameter | SymKind::Table | SymKind::Scale),
        &mut out,
    );
    out.extend(
        crate::check::BUILTINS
            .iter()
            .filter(|b| !matches!(**b, "today" | "any" | "all"))
            .map(|b| Completion {
                label: (*b).to_string(),
                kind: CompletionKind::Function,
                detail: None,
            }),
    );
    kw(EXPR_KEYWORDS, &mut out);
    out
}

/// The roles or steps of the protocol `name`; while an edit leaves it broken
/// (not parsed), as its text declares them: the first word of each line of
/// `roles { … }` and of `agency … { … }`, the name after each `step`.
fn protocol_names(a: &Analysis, name: &str, decl: &str, kind: SymKind, out: &mut Vec<Completion>) {
    syms(a, |s| s.kind == kind && s.scope == name, out);
    if !out.is_empty() {
        return;
    }
    let mut depth_in_roles: Option<usize> = None;
    let mut depth = 0usize;
    for line in decl.lines() {
        let t = line.trim();
        let word: String = t.chars().take_while(|c| is_ident_char(*c)).collect();
        match kind {
            SymKind::Step => {
                if let Some(rest) = t.strip_prefix("step ") {
                    let n: String = rest
                        .trim_start()
                        .chars()
                        .take_while(|c| is_ident_char(*c))
                        .collect();
                    push_name(out, n, kind);
                }
            }
            _ => {
                if depth_in_roles.is_some_and(|d| depth == d + 1)
                    && !word.is_empty()
                    && !t.starts_with('}')
                {
                    push_name(out, word.clone(), kind);
                }
                if word == "roles" || word == "agency" {
                    depth_in_roles = Some(depth);
                }
            }
        }
        depth += t.matches('{').count();
        depth = depth.saturating_sub(t.matches('}').count());
        if depth_in_roles.is_some_and(|d| depth <= d) && t.contains('}') {
            depth_in_roles = None;
        }
    }
}

fn push_name(out: &mut Vec<Completion>, name: String, kind: SymKind) {
    if crate::ide::is_name(&name) && !out.iter().any(|c| c.label == name) {
        out.push(Completion {
            label: name,
            kind: CompletionKind::Symbol(kind),
            detail: Some(kind.word().to_string()),
        });
    }
}

/// The left side of `x = `, `x != `, `x in {…, ` when the cursor is where an
/// enum's variant would go.
fn enum_left_side(trimmed: &str) -> Option<&str> {
    let (head, _) = if let Some(h) = trimmed.strip_suffix("!=") {
        (h, ())
    } else if let Some(h) = trimmed.strip_suffix('=') {
        if h.ends_with(['<', '>', '!', '=']) {
            return None;
        }
        (h, ())
    } else if let Some(brace) = trimmed.rfind('{') {
        let h = trimmed.get(..brace)?.trim_end();
        let inside = trimmed.get(brace + 1..)?;
        if inside.contains('}') || !(inside.trim().is_empty() || inside.trim_end().ends_with(',')) {
            return None;
        }
        let h = h.strip_suffix("in")?;
        let h = h.trim_end();
        (h.strip_suffix("not").map_or(h, str::trim_end), ())
    } else {
        return None;
    };
    let head = head.trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, ch)| is_ident_char(*ch) || *ch == '.')
        .last()
        .map(|(i, _)| i)?;
    head.get(start..).filter(|s| !s.is_empty())
}

/// Whether `at` (an offset into a protocol's text) is inside one of its
/// `step NAME { … }` blocks.
fn step_around(decl: &str, at: usize) -> bool {
    let head = decl.get(..at.min(decl.len())).unwrap_or("");
    let Some(step) = head.rfind("step ") else {
        return false;
    };
    let after = head.get(step..).unwrap_or("");
    let opens = after.matches('{').count();
    let closes = after.matches('}').count();
    opens > closes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_sides() {
        assert_eq!(enum_left_side("eligible when region ="), Some("region"));
        assert_eq!(
            enum_left_side("when household.region !="),
            Some("household.region")
        );
        assert_eq!(enum_left_side("x in {"), Some("x"));
        assert_eq!(enum_left_side("x not in {a,"), Some("x"));
        assert_eq!(enum_left_side("age >="), None);
        assert_eq!(enum_left_side("x in {a"), None);
    }

    #[test]
    fn steps() {
        assert!(step_around("protocol p { step a { by ", 25));
        assert!(!step_around("protocol p { step a { by x }\n ", 30));
    }

    #[test]
    fn chains() {
        assert_eq!(
            chain_before("x = household.members", 21),
            vec!["household", "members"]
        );
        assert_eq!(chain_before("when a", 6), vec!["a"]);
    }
}
