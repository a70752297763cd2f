//! A reform laid over a base ruleset: the reform's declarations replace the
//! base's of the same name, and `--set NAME=VALUE [--from DATE]` is a reform
//! of one parameter written for the caller.
//!
//! The base's sources are kept byte for byte except that a replaced
//! declaration (and its doc comments) is blanked out with spaces, newlines
//! kept: diagnostics in the base still point at the right lines. The reform's
//! files follow the base's, and the whole is checked as one ruleset.

use std::collections::HashMap;

use accord_grammar::ast::{Decl, DeclKind, Ident, ParameterItem, Span};

use super::Refused as Error;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;
use crate::pipeline::{syntax_diagnostic, CheckReport};
use crate::source::{SourceFile, SourceMap};

/// A parameter set for the comparison (`--set NAME=VALUE [--from DATE]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: String,
    /// Accord literal text: `27`, `"42000"`-like money as `42000`, `true`, a date.
    pub value: String,
    /// From this date on (`YYYY-MM-DD`); every date of the parameter when `None`.
    pub from: Option<String>,
}

/// A declaration of the files a layer goes over.
struct Existing {
    kind: DeclKind,
    /// The type as written, whitespace removed (parameters only).
    ty: String,
}

fn kind_word(kind: DeclKind) -> &'static str {
    match kind {
        DeclKind::Program => "programme",
        other => other.keyword(),
    }
}

fn decl_kind(decl: &Decl) -> Option<DeclKind> {
    decl_ident(decl).map(|(k, _)| k)
}

fn decl_ident(decl: &Decl) -> Option<(DeclKind, &Ident)> {
    Some(match decl {
        Decl::Ruleset(d) => (DeclKind::Ruleset, &d.name),
        Decl::Sector(d) => (DeclKind::Sector, &d.name),
        Decl::Enum(d) => (DeclKind::Enum, &d.name),
        Decl::Entity(d) => (DeclKind::Entity, &d.name),
        Decl::Parameter(d) => (DeclKind::Parameter, &d.name),
        Decl::Table(d) => (DeclKind::Table, &d.name),
        Decl::Scale(d) => (DeclKind::Scale, &d.name),
        Decl::Program(d) => (DeclKind::Program, &d.name),
        Decl::Assessment(d) => (DeclKind::Assessment, &d.name),
        Decl::Service(d) => (DeclKind::Service, &d.name),
        Decl::Calendar(d) => (DeclKind::Calendar, &d.name),
        Decl::Protocol(d) => (DeclKind::Protocol, &d.name),
        Decl::Test(_) => return None,
    })
}

/// The declaration's name (every declaration but a test has one).
fn decl_name(decl: &Decl) -> &Ident {
    static NONE: std::sync::OnceLock<Ident> = std::sync::OnceLock::new();
    decl_ident(decl).map_or_else(
        || {
            NONE.get_or_init(|| Ident {
                name: String::new(),
                span: Span::new(0, 0),
            })
        },
        |(_, i)| i,
    )
}

fn type_text(text: &str, decl: &Decl) -> String {
    match decl {
        Decl::Parameter(p) => {
            let span = p.ty.span();
            text.get(span.start..span.end)
                .unwrap_or_default()
                .split_whitespace()
                .collect()
        }
        _ => String::new(),
    }
}

/// Lays `layer` over `files`: each declaration of the layer replaces the one
/// of the same name in `files` (which must be of the same kind, a parameter of
/// the same type). Only parameters, tables, scales and programmes may be replaced or
/// added; tests may be added. Diagnostics are about the layer's files, which
/// come after `files` in the result.
pub(crate) fn overlay(
    files: Vec<SourceFile>,
    layer: Vec<SourceFile>,
) -> Result<Vec<SourceFile>, Error> {
    let parsed: Vec<_> = files
        .iter()
        .map(|f| accord_grammar::parse(&f.text))
        .collect();
    let mut existing: HashMap<String, (usize, Existing, Span)> = HashMap::new();
    for (fi, (file, p)) in files.iter().zip(&parsed).enumerate() {
        for decl in &p.file.decls {
            let Some(kind) = decl_kind(decl) else {
                continue;
            };
            let name = decl_name(decl).name.clone();
            let ty = type_text(&file.text, decl);
            existing.insert(name, (fi, Existing { kind, ty }, decl.span()));
        }
    }
    let base_count = files.len();
    let mut diagnostics = Vec::new();
    let mut replaced: Vec<(usize, Span)> = Vec::new();
    for (li, file) in layer.iter().enumerate() {
        let fi = base_count + li;
        let parsed = accord_grammar::parse(&file.text);
        if !parsed.errors.is_empty() {
            diagnostics.extend(parsed.errors.into_iter().map(|e| syntax_diagnostic(fi, e)));
            continue;
        }
        for decl in &parsed.file.decls {
            let Some(kind) = decl_kind(decl) else {
                continue;
            };
            let name = decl_name(decl);
            if !matches!(
                kind,
                DeclKind::Parameter | DeclKind::Table | DeclKind::Scale | DeclKind::Program
            ) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::E0901,
                        fi,
                        name.span,
                        format!(
                            "a reform cannot declare a {} (`{}`)",
                            kind_word(kind),
                            name.name
                        ),
                    )
                    .with_help(
                        "a reform replaces or adds parameters, tables, scales and programmes \
                         (and may add tests); entities and enums stay the base's, so both \
                         rulesets read the same registry",
                    ),
                );
                continue;
            }
            match existing.get(&name.name) {
                Some((bf, old, span)) if old.kind == kind => {
                    let ty = type_text(&file.text, decl);
                    if kind == DeclKind::Parameter && ty != old.ty {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::E0904,
                                fi,
                                name.span,
                                format!(
                                    "the reform's parameter `{}` is a `{ty}`, the base's a `{}`",
                                    name.name, old.ty
                                ),
                            )
                            .with_help("an override keeps the type of what it replaces"),
                        );
                    } else {
                        replaced.push((*bf, *span));
                    }
                }
                Some((_, old, _)) => diagnostics.push(
                    Diagnostic::error(
                        Code::E0903,
                        fi,
                        name.span,
                        format!(
                            "`{}` is a {} in the base ruleset, not a {}",
                            name.name,
                            kind_word(old.kind),
                            kind_word(kind)
                        ),
                    )
                    .with_help("an override replaces a declaration of the same kind"),
                ),
                None => {
                    // A new name within two edits of one of the base's is a typo
                    // far more often than an addition.
                    let close = existing
                        .iter()
                        .filter(|(_, (_, e, _))| e.kind == kind)
                        .map(|(n, _)| (strsim::levenshtein(n, &name.name), n))
                        .filter(|(d, _)| *d <= 2)
                        .min();
                    if let Some((_, near)) = close {
                        diagnostics.push(
                            Diagnostic::error(
                                Code::E0902,
                                fi,
                                name.span,
                                format!(
                                    "the base ruleset has no {} `{}`",
                                    kind_word(kind),
                                    name.name
                                ),
                            )
                            .with_help(format!(
                                "did you mean `{near}`? (an addition needs a name clearly \
                                 different from the base's)"
                            )),
                        );
                    }
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        let mut all = files;
        all.extend(layer);
        return Err(Error::ruleset(&CheckReport::new(
            SourceMap::new(all),
            diagnostics,
        )));
    }
    let mut out = files;
    for (fi, span) in replaced {
        if let Some(file) = out.get_mut(fi) {
            file.text = blank(&file.text, span);
        }
    }
    out.extend(layer);
    Ok(out)
}

/// `text` with the declaration at `span` and the doc comments right above it
/// replaced by spaces (newlines kept, so every other line stays where it was).
fn blank(text: &str, span: Span) -> String {
    let mut start = span.start.min(text.len());
    // Doc comment lines directly above.
    loop {
        let head = text.get(..start).unwrap_or_default();
        let line_start = head
            .trim_end_matches([' ', '\t'])
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if line_start == 0 && start == 0 {
            break;
        }
        // The previous line.
        let before = text.get(..line_start.saturating_sub(1)).unwrap_or_default();
        let prev_start = before.rfind('\n').map_or(0, |i| i + 1);
        let prev = before.get(prev_start..).unwrap_or_default();
        if line_start > 0 && prev.trim_start().starts_with("///") {
            start = prev_start;
        } else {
            break;
        }
    }
    let end = span.end.min(text.len());
    text.char_indices()
        .map(|(i, c)| {
            if i >= start && i < end && c != '\n' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `--set` as a reform file: the parameter's versions before `from` kept, the
/// new value from `from` on (from the parameter's first date without `from`).
/// Refused (`U0031`–`U0033`) when the name is not a parameter of `files`, the
/// date is not a date or the value does not parse as one literal.
pub(crate) fn setting_file(files: &[SourceFile], set: &Setting) -> Result<SourceFile, Error> {
    let from = match &set.from {
        Some(d) => Some(crate::screen::facts::parse_date(d).ok_or_else(|| {
            Error::request(
                Code::U0033,
                format!("the date of `--set {}` is not a date", set.name),
                Some("write it as YYYY-MM-DD, e.g. 2026-01-01".to_string()),
            )
        })?),
        None => None,
    };
    let mut names: Vec<(String, DeclKind)> = Vec::new();
    for file in files {
        let parsed = accord_grammar::parse(&file.text);
        for decl in &parsed.file.decls {
            if let Some(kind) = decl_kind(decl) {
                names.push((decl_name(decl).name.clone(), kind));
            }
            let Decl::Parameter(p) = decl else { continue };
            if p.name.name != set.name {
                continue;
            }
            let slice = |s: Span| file.text.get(s.start..s.end).unwrap_or_default();
            let mut text = format!("parameter {}: {}", set.name, slice(p.ty.span()));
            if let Some(label) = &p.label {
                text.push(' ');
                text.push_str(slice(label.span));
            }
            text.push_str(" {\n");
            let mut first = None;
            for item in &p.items {
                match item {
                    ParameterItem::Source(l) => {
                        text.push_str(&format!("  source {}\n", slice(l.span)));
                    }
                    ParameterItem::From { date, span, .. } => {
                        let d = crate::screen::facts::parse_date(&format!(
                            "{:04}-{:02}-{:02}",
                            date.year, date.month, date.day
                        ));
                        first = first.or(d);
                        if let (Some(d), Some(f)) = (d, from) {
                            if d < f {
                                text.push_str(&format!("  {}\n", slice(*span)));
                            }
                        }
                    }
                    ParameterItem::Until { date, span, .. } => {
                        let d = crate::screen::facts::parse_date(&format!(
                            "{:04}-{:02}-{:02}",
                            date.year, date.month, date.day
                        ));
                        if let (Some(d), Some(f)) = (d, from) {
                            if d < f {
                                text.push_str(&format!("  {}\n", slice(*span)));
                            }
                        }
                    }
                }
            }
            let at = from.or(first).map_or_else(
                || "2000-01-01".to_string(),
                |d| d.strftime("%Y-%m-%d").to_string(),
            );
            let bad_value = || {
                Error::request(
                    Code::U0032,
                    format!("the value of `--set {}` is not one value", set.name),
                    Some(
                        "write one literal of the parameter's type: `27`, `42000.50`, `true`, \
                         `2026-01-01`, `\"text\"`"
                            .to_string(),
                    ),
                )
            };
            if set.value.trim().is_empty() || set.value.contains(['\n', '\r', '{', '}', '/']) {
                return Err(bad_value());
            }
            text.push_str(&format!("  from {at}: {}\n}}\n", set.value.trim()));
            // One parameter and nothing else: the value cannot smuggle in
            // declarations.
            let check = accord_grammar::parse(&text);
            if !check.errors.is_empty() || check.file.decls.len() != 1 {
                return Err(bad_value());
            }
            return Ok(SourceFile::new(format!("--set {}", set.name), text));
        }
    }
    let help = match names.iter().find(|(n, _)| *n == set.name) {
        Some((_, kind)) => format!(
            "`{}` is a {}, not a parameter: write a reform file to replace it",
            set.name,
            kind_word(*kind)
        ),
        None => match names
            .iter()
            .filter(|(_, k)| *k == DeclKind::Parameter)
            .map(|(n, _)| (strsim::jaro_winkler(n, &set.name), n))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n)
        {
            Some(near) => format!("did you mean `{near}`?"),
            None => "`--set` names a parameter of the ruleset".to_string(),
        },
    };
    Err(Error::request(
        Code::U0031,
        format!("`--set {}` names no parameter of the ruleset", set.name),
        Some(help),
    ))
}

/// Reads `NAME=VALUE` (`U0030` otherwise).
pub fn parse_setting(text: &str, from: Option<&str>) -> Result<Setting, Error> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok(Setting {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
            from: from.map(str::to_string),
        }),
        _ => Err(Error::request(
            Code::U0030,
            "`--set` is not `NAME=VALUE`",
            Some("e.g. `--set family_benefit_threshold=27`".to_string()),
        )),
    }
}

/// The sources of the base with the reform files, then each setting, laid
/// over them.
pub(crate) fn reformed(
    base: Vec<SourceFile>,
    reform: Vec<SourceFile>,
    settings: &[Setting],
) -> Result<Vec<SourceFile>, Error> {
    let mut files = if reform.is_empty() {
        base
    } else {
        overlay(base, reform)?
    };
    for set in settings {
        let file = setting_file(&files, set)?;
        files = overlay(files, vec![file])?;
    }
    Ok(files)
}
