//! Scales: `scale NAME marginal { … }` and `single`, their brackets and versions
//! (E0430–E0434, E0406 for dates out of order), and their calls.

use accord_grammar::ast::{self, CellValue, Expr, Ident, ScaleKind, Span};
use rust_decimal::Decimal;

use super::collect::unknown;
use super::expr::{mk, Scope};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// What a bracket's second cell holds.
#[derive(Clone, Copy)]
enum Cell {
    Threshold,
    Rate,
    Amount,
}

impl<'a> Checker<'a> {
    /// Every scale's versions and brackets, checked and resolved.
    pub(super) fn resolve_scales(&mut self) {
        let list = self.scale_ast.clone();
        for &(file, s) in &list {
            self.not_builtin(file, &s.name, "scale");
            let mut base: Option<(Type, Span)> = None;
            let mut versions = Vec::new();
            if s.versions.is_empty() {
                if s.brackets.is_empty() {
                    self.emit(
                        Diagnostic::error(
                            Code::E0433,
                            file,
                            s.name.span,
                            format!("scale `{}` has no brackets", s.name.name),
                        )
                        .with_help("write one bracket per line: `THRESHOLD | RATE`, e.g. `0 | 2%`"),
                    );
                }
                let brackets = self.scale_brackets(file, s.kind, &s.brackets, &mut base);
                versions.push(ScaleVersionDef {
                    from: None,
                    source: None,
                    brackets,
                    end: None,
                });
            }
            let mut prev: Option<(jiff::civil::Date, jiff::civil::Date, Span)> = None;
            let help = "list `from` and `until` dates in increasing order, each date once";
            let whose = format!("scale `{}`", s.name.name);
            for (i, v) in s.versions.iter().enumerate() {
                let Some(d) = self.date(file, &v.from) else {
                    continue;
                };
                // An end: `until DATE`, or a `from DATE:` line without brackets
                // after a version (the first version without brackets is E0433).
                if v.until || (i > 0 && v.brackets.is_empty()) {
                    let last = versions.last().map(|v: &ScaleVersionDef| v.end);
                    let what = (whose.as_str(), "`from DATE:` and its brackets");
                    if let Some((from, end)) = self.version_end(
                        file,
                        what,
                        v.until,
                        (d, v.from.span),
                        last,
                        &mut prev,
                        help,
                    ) {
                        versions.push(ScaleVersionDef {
                            from: Some(from),
                            source: v.source.clone(),
                            brackets: Vec::new(),
                            end: Some(end),
                        });
                    }
                    continue;
                }
                if !self.dated_in_order(file, "from", (d, d), v.from.span, &mut prev, help) {
                    continue;
                }
                if i == 0 && v.brackets.is_empty() {
                    self.emit(
                        Diagnostic::error(
                            Code::E0433,
                            file,
                            v.span,
                            format!("the first version of scale `{}` has no brackets", s.name.name),
                        )
                        .with_help("write its brackets below the `from` line (`THRESHOLD | RATE`); a `from` line without brackets only ends a scale that was in force"),
                    );
                }
                let brackets = self.scale_brackets(file, s.kind, &v.brackets, &mut base);
                versions.push(ScaleVersionDef {
                    from: Some(d),
                    source: v.source.clone(),
                    brackets,
                    end: None,
                });
            }
            self.out.scales.push(ScaleDef {
                name: s.name.name.clone(),
                label: s.label.clone(),
                docs: s.docs.clone(),
                kind: s.kind,
                base: base.map(|(t, _)| t),
                versions,
                loc: Loc {
                    file,
                    span: s.name.span,
                },
            });
            self.used_scales.push(false);
        }
    }

    /// One version's brackets: thresholds increasing (E0430), each cell of its
    /// kind (E0431, E0432). `base` is the thresholds' kind found so far.
    fn scale_brackets(
        &mut self,
        file: usize,
        kind: ScaleKind,
        brackets: &[ast::ScaleBracket],
        base: &mut Option<(Type, Span)>,
    ) -> Vec<ScaleBracketDef> {
        let mut out = Vec::new();
        let mut prev: Option<(Decimal, Span)> = None;
        for b in brackets {
            let t = self.scale_cell(file, &b.threshold, Cell::Threshold, base);
            let second = match kind {
                ScaleKind::Marginal => Cell::Rate,
                ScaleKind::Single => Cell::Amount,
            };
            let v = self.scale_cell(file, &b.value, second, base);
            if let Some(Operand::Const(Value::Number(x))) = &t {
                if let Some((p, ps)) = prev {
                    if *x <= p {
                        self.emit(
                            Diagnostic::error(
                                Code::E0430,
                                file,
                                b.threshold.span(),
                                format!("this threshold ({x}) is not above the previous one ({p})"),
                            )
                            .with_help("list a scale's brackets by increasing threshold, each threshold once")
                            .with_related(file, ps, "previous threshold"),
                        );
                    }
                }
                prev = Some((*x, b.threshold.span()));
            }
            if let (Some(threshold), Some(value)) = (t, v) {
                out.push(ScaleBracketDef { threshold, value });
            }
        }
        out
    }

    fn scale_cell(
        &mut self,
        file: usize,
        c: &CellValue,
        what: Cell,
        base: &mut Option<(Type, Span)>,
    ) -> Option<Operand> {
        let (ty, operand) = match c {
            CellValue::Literal(l) => {
                let r = self.literal(file, l);
                let RKind::Const(val) = r.kind else {
                    return None;
                };
                let percent = matches!(l, ast::Literal::Percent(..));
                let ok = matches!(val, Value::Number(_))
                    && match what {
                        Cell::Threshold | Cell::Amount => !percent,
                        Cell::Rate => true,
                    };
                if !ok {
                    let found = match l {
                        ast::Literal::Percent(..) => "a percentage",
                        ast::Literal::Text(..) => "a text",
                        ast::Literal::Bool(..) => "`true` or `false`",
                        ast::Literal::Date(..) => "a date",
                        ast::Literal::Duration(..) => "a duration",
                        _ => "another value",
                    };
                    self.scale_cell_error(file, c.span(), what, Err(found));
                    return None;
                }
                (None, Operand::Const(val))
            }
            CellValue::Name(id) => {
                let found = self.out.index.params.get(&id.name).copied();
                if found.is_some() {
                    refer!(
                        self,
                        file,
                        id.span,
                        Sym::global(SymKind::Parameter, &id.name)
                    );
                }
                let Some(p) = found else {
                    let cands = self.out.index.params.keys().map(String::as_str).collect();
                    let d = unknown(
                        Code::E0102,
                        file,
                        id,
                        "name",
                        cands,
                        "a bracket holds numbers, percentages or parameters",
                    );
                    self.emit(d);
                    return None;
                };
                if let Some(u) = self.used_params.get_mut(p.0) {
                    *u = true;
                }
                let pt = self
                    .out
                    .parameters
                    .get(p.0)
                    .map_or(Type::Error, |d| d.ty.clone());
                let ok = match what {
                    Cell::Threshold => pt.is_amount() || pt.is_error(),
                    Cell::Rate => pt.is_numeric() || pt.is_error(),
                    Cell::Amount => matches!(pt, Type::Money | Type::Error),
                };
                if !ok {
                    let name = self.type_name(&pt);
                    self.scale_cell_error(file, id.span, what, Ok((&id.name, name)));
                    return None;
                }
                (Some(pt), Operand::Param(p))
            }
        };
        if let (Cell::Threshold, Some(t)) = (what, ty) {
            let t = if t == Type::Money {
                Type::Money
            } else {
                Type::Decimal
            };
            match base {
                Some((b, at)) if *b != t && !t.is_error() && !b.is_error() => {
                    let at = *at;
                    self.emit(
                        Diagnostic::error(
                            Code::E0432,
                            file,
                            c.span(),
                            "this threshold is a plain number while another is money".to_string(),
                        )
                        .with_help("make every threshold parameter of a scale `Money`, or none")
                        .with_related(
                            file,
                            at,
                            "a threshold of the other kind",
                        ),
                    );
                    return None;
                }
                Some(_) => {}
                None => *base = Some((t, c.span())),
            }
        }
        Some(operand)
    }

    /// `found`: the parameter named and its type, or what the literal is.
    fn scale_cell_error(
        &mut self,
        file: usize,
        span: Span,
        what: Cell,
        found: Result<(&str, String), &str>,
    ) {
        let (code, need, help) = match what {
            Cell::Threshold => (
                Code::E0432,
                "a threshold is a number or money",
                "write a number such as `12_400`, or name a `Money` or number parameter",
            ),
            Cell::Rate => (
                Code::E0431,
                "a marginal rate is a percentage or a number",
                "write a percentage such as `6%`, or name a `Decimal` parameter",
            ),
            Cell::Amount => (
                Code::E0431,
                "a single-amount scale's amount is money",
                "write an amount such as `300`, or name a `Money` parameter",
            ),
        };
        let message = match found {
            Ok((name, ty)) => format!("{need}: parameter `{name}` is `{ty}`"),
            Err(what) => format!("{need}, found {what}"),
        };
        self.emit(Diagnostic::error(code, file, span, message).with_help(help));
    }

    /// `scale(base)`: one argument, a number or money of the thresholds' kind.
    pub(super) fn scale_call(
        &mut self,
        sc: &mut Scope,
        s: ScaleId,
        func: &Ident,
        args: &[Expr],
        span: Span,
    ) -> RExpr {
        if let Some(u) = self.used_scales.get_mut(s.0) {
            *u = true;
        }
        if let Some(def) = sc.def {
            self.scale_reads.push((def, s));
        }
        if !self.arity(sc, func, args.len(), &[1]) {
            for a in args {
                self.expr(sc, a, None);
            }
            return RExpr::error(span);
        }
        let Some(arg) = args.first() else {
            return RExpr::error(span);
        };
        let want = self.out.scales.get(s.0).and_then(|d| d.base.clone());
        let base = self.expr(sc, arg, want.as_ref());
        if base.ty.is_error() {
            return RExpr::error(span);
        }
        let ok = base.ty.is_amount()
            && match &want {
                Some(Type::Money) => base.ty == Type::Money,
                Some(_) => base.ty != Type::Money,
                None => true,
            };
        if !ok {
            let found = self.type_name(&base.ty);
            let need = match &want {
                Some(Type::Money) => "money, as its thresholds are",
                Some(_) => "a number, as its thresholds are",
                None => "a number or money",
            };
            self.emit(
                Diagnostic::error(
                    Code::E0434,
                    sc.file,
                    base.span,
                    format!("scale `{}` applies to {need}, found `{found}`", func.name),
                )
                .with_help("apply the scale to an income, an amount or a count"),
            );
            return RExpr::error(span);
        }
        let ty = self
            .out
            .scales
            .get(s.0)
            .map_or(Type::Error, |d| d.call_type(&base.ty));
        mk(
            RKind::Scale {
                scale: s,
                base: Box::new(base),
            },
            ty,
            span,
        )
    }

    /// W0141: a scale no rule applies.
    pub(super) fn warn_unused_scales(&self, found: &mut Vec<Diagnostic>) {
        for (i, s) in self.out.scales.iter().enumerate() {
            if !self.used_scales.get(i).copied().unwrap_or(true) {
                found.push(
                    Diagnostic::warning(
                        Code::W0141,
                        s.loc.file,
                        s.loc.span,
                        format!("scale `{}` is never used", s.name),
                    )
                    .with_help(format!(
                        "apply it like a function, e.g. `{}(income)`, or remove it",
                        s.name
                    )),
                );
            }
        }
    }
}
