//! Hover: what a name is, in words an analyst reads — its kind and type, its
//! label in every language, its doc comment and legal source; a parameter's
//! value on the day and its dated versions; a programme's legal basis, sector
//! and where to apply.

use std::fmt::Write as _;

use accord_grammar::ast;

use super::{Analysis, Hover, Location, Sym, SymKind};
use crate::check::{Checked, Type, Value};

pub(super) fn hover(
    a: &Analysis,
    file: usize,
    offset: usize,
    as_of: jiff::civil::Date,
) -> Option<Hover> {
    let o = a.occurrence_at(file, offset)?;
    let item = a.declaration(&o.sym);
    let mut md = String::new();
    let sym = &o.sym;
    let c = a.checked();
    // The heading: the label (what people read) and the name with its kind.
    let label = item.and_then(|i| i.label.as_ref());
    match label {
        Some(l) => {
            let _ = writeln!(md, "**{}** — {} `{}`", l.text, sym.kind.word(), sym.name);
        }
        None => {
            let _ = writeln!(md, "{} `{}`", capitalised(sym.kind.word()), sym.name);
        }
    }
    if !sym.scope.is_empty() {
        let _ = writeln!(md, "\nof `{}`", sym.scope);
    }
    if let Some(sig) = signature(a, sym) {
        let _ = write!(md, "\n```accord\n{sig}\n```\n");
    }
    if let Some(l) = label {
        labels(&mut md, c, l);
    }
    if let Some(docs) = item.map(|i| &i.docs).filter(|d| !d.is_empty()) {
        md.push('\n');
        for line in docs {
            md.push_str(line);
            md.push('\n');
        }
    }
    details(&mut md, c, sym, as_of);
    Some(Hover {
        markdown: md.trim_end().to_string(),
        location: Location {
            file,
            start: o.start,
            end: o.end,
        },
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The label's text in every language the ruleset declares (the first is the
/// label's own text).
fn labels(md: &mut String, c: &Checked, l: &ast::Label) {
    if l.translations.is_empty() {
        return;
    }
    let first = c.ruleset.languages.first().map_or("en", String::as_str);
    let _ = write!(md, "\n{first}: {}", l.text);
    for t in &l.translations {
        let _ = write!(md, " · {}: {}", t.lang.name, t.text);
    }
    md.push('\n');
}

/// A one-line declaration as the analyst would write it.
fn signature(a: &Analysis, sym: &Sym) -> Option<String> {
    let c = a.checked();
    match sym.kind {
        SymKind::Field => {
            let e = c.entity(c.entity_by_name(&sym.scope)?)?;
            let f = e.fields.iter().find(|f| f.name == sym.name)?;
            let domain = f
                .domain
                .map(|d| format!(" {}", d.text()))
                .unwrap_or_default();
            Some(format!("{}: {}{domain}", f.name, c.type_name(&f.ty)))
        }
        SymKind::Let => {
            let e = c.entity(c.entity_by_name(&sym.scope)?)?;
            let l = e.lets.iter().find(|l| l.name == sym.name)?;
            let source = a.text(l.loc.file);
            let item = a.declaration(sym)?;
            let written = source.get(item.span.start..item.span.end).unwrap_or("");
            let value = written.split_once('=').map_or("", |(_, v)| v.trim());
            Some(format!(
                "let {}: {} = {}",
                l.name,
                c.type_name(&l.ty),
                one_line(value)
            ))
        }
        SymKind::Parameter => {
            let p = c.parameters.get(c.parameter_by_name(&sym.name)?.0)?;
            Some(format!("parameter {}: {}", p.name, c.type_name(&p.ty)))
        }
        SymKind::Table => {
            let t = c.tables.get(c.table_by_name(&sym.name)?.0)?;
            let params: Vec<String> = t
                .params
                .iter()
                .map(|(n, ty)| format!("{n}: {}", c.type_name(ty)))
                .collect();
            Some(format!(
                "table {}({}) -> {}",
                t.name,
                params.join(", "),
                c.type_name(&t.call_type)
            ))
        }
        SymKind::Scale => {
            let s = c.scales.iter().find(|s| s.name == sym.name)?;
            let kind = match s.kind {
                ast::ScaleKind::Marginal => "marginal",
                ast::ScaleKind::Single => "single",
            };
            Some(format!("scale {} {kind}", s.name))
        }
        SymKind::Program => {
            let p = c.program(c.program_by_name(&sym.name)?)?;
            let subject = p
                .subject
                .map(|e| format!(" for {}", c.type_name(&Type::Entity(e))))
                .unwrap_or_default();
            Some(format!("program {}{subject}", p.name))
        }
        SymKind::Variant => Some(format!("{}.{}", sym.scope, sym.name)),
        SymKind::Question => {
            let asm = c.assessments.get(c.assessment_by_name(&sym.scope)?.0)?;
            let q = asm.questions.iter().find(|q| q.name == sym.name)?;
            Some(format!("question {}: {}", q.name, c.type_name(&q.ty)))
        }
        SymKind::Score => {
            let asm = c.assessments.get(c.assessment_by_name(&sym.scope)?.0)?;
            let s = asm.scores.iter().find(|s| s.name == sym.name)?;
            Some(format!("score {}: {}", s.name, c.type_name(&s.ty)))
        }
        _ => None,
    }
}

fn one_line(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > 160 {
        out = out.chars().take(157).collect::<String>() + "…";
    }
    out
}

/// A constant as an analyst writes it.
fn value_text(c: &Checked, v: &Value, ty: &Type) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let n = n.normalize();
            match (ty, &c.ruleset.currency) {
                (Type::Money, Some(cur)) => format!("{n} {cur}"),
                _ => n.to_string(),
            }
        }
        Value::Text(t) => format!("{t:?}"),
        Value::Date(d) => d.to_string(),
        Value::Variant(e, i) => c
            .enum_def(*e)
            .and_then(|d| d.variants.get(*i))
            .map_or_else(String::new, |v| v.name.clone()),
        Value::Unknown => "(repealed)".to_string(),
        _ => String::new(),
    }
}

fn details(md: &mut String, c: &Checked, sym: &Sym, as_of: jiff::civil::Date) {
    match sym.kind {
        SymKind::Parameter => {
            let Some(p) = c
                .parameter_by_name(&sym.name)
                .and_then(|id| c.parameters.get(id.0))
            else {
                return;
            };
            for s in &p.sources {
                let _ = write!(md, "\nSource: {}\n", s.text);
            }
            let in_force = p.values.iter().rev().find(|v| v.from <= as_of);
            match in_force {
                Some(v) if v.end.is_none() => {
                    let _ = write!(
                        md,
                        "\n**On {as_of}: {}** (from {})\n",
                        value_text(c, &v.value, &p.ty),
                        v.from
                    );
                }
                Some(v) => {
                    let _ = write!(
                        md,
                        "\n**On {as_of}: not in force** (ended from {})\n",
                        v.from
                    );
                }
                None => {
                    let _ = write!(md, "\n**On {as_of}: not yet in force**\n");
                }
            }
            if p.values.len() > 1 {
                md.push_str("\nVersions:\n");
                for v in &p.values {
                    let text = match v.end {
                        Some(_) => "ends".to_string(),
                        None => value_text(c, &v.value, &p.ty),
                    };
                    let source = v
                        .source
                        .as_ref()
                        .map(|s| format!(" — {}", s.text))
                        .unwrap_or_default();
                    let _ = writeln!(md, "- from {}: {text}{source}", v.from);
                }
            }
        }
        SymKind::Program => {
            let Some(p) = c.program_by_name(&sym.name).and_then(|id| c.program(id)) else {
                return;
            };
            if let Some(s) = &p.sector {
                let _ = write!(md, "\nSector: {s}\n");
            }
            for l in &p.legal {
                let _ = write!(md, "\nLegal basis: {}\n", l.text);
            }
            if let Some(apply) = &p.apply {
                let _ = write!(md, "\nWhere to apply: {}\n", apply.text);
            }
            if !p.documents.is_empty() {
                let docs: Vec<&str> = p.documents.iter().map(|d| d.text.as_str()).collect();
                let _ = write!(md, "\nDocuments: {}\n", docs.join("; "));
            }
        }
        SymKind::Service => {
            let Some(s) = c
                .service_by_name(&sym.name)
                .and_then(|id| c.services.get(id.0))
            else {
                return;
            };
            if let Some(sec) = &s.sector {
                let _ = write!(md, "\nSector: {sec}\n");
            }
            if !s.meets.is_empty() {
                let _ = write!(md, "\nMeets: {}\n", s.meets.join(", "));
            }
        }
        SymKind::Protocol => {
            let versions = c.protocol_versions(&sym.name);
            if versions.len() > 1 {
                md.push_str("\nVersions:\n");
                for id in versions {
                    if let Some(p) = c.protocol(id) {
                        let from = p.from.map(|d| format!(" from {d}")).unwrap_or_default();
                        let _ = writeln!(md, "- version {}{from}", p.version);
                    }
                }
            }
            if let Some(l) = c
                .protocol_by_name(&sym.name)
                .and_then(|id| c.protocol(id))
                .and_then(|p| p.legal.as_ref())
            {
                let _ = write!(md, "\nLegal basis: {}\n", l.text);
            }
        }
        SymKind::Step => {
            let Some(p) = c.protocol_by_name(&sym.scope).and_then(|id| c.protocol(id)) else {
                return;
            };
            let Some(s) = p.steps.iter().find(|s| s.name == sym.name) else {
                return;
            };
            if let Some(r) = s.by.and_then(|r| p.roles.get(r)) {
                let _ = write!(
                    md,
                    "\nBy: {}\n",
                    r.label
                        .as_ref()
                        .map_or(r.name.as_str(), |l| l.text.as_str())
                );
            }
            if let Some(w) = &s.within {
                let _ = write!(md, "\nWithin: {} {}\n", w.amount, unit_text(w.unit));
            }
            for l in &s.legal {
                let _ = write!(md, "\nLegal basis: {}\n", l.text);
            }
        }
        SymKind::Role => {
            let Some(p) = c.protocol_by_name(&sym.scope).and_then(|id| c.protocol(id)) else {
                return;
            };
            if let Some(agency) = p
                .roles
                .iter()
                .find(|r| r.name == sym.name)
                .and_then(|r| r.agency.as_ref())
            {
                let _ = write!(md, "\nAgency: {agency}\n");
            }
        }
        _ => {}
    }
}

fn unit_text(u: ast::DurationUnit) -> &'static str {
    match u {
        ast::DurationUnit::Days => "days",
        ast::DurationUnit::WorkingDays => "working days",
        ast::DurationUnit::Weeks => "weeks",
        ast::DurationUnit::Months => "months",
        ast::DurationUnit::Years => "years",
    }
}
