//! Decision tables: signatures, header, rows, cells, and overlapping rows under
//! `hit unique`.

use std::collections::HashMap;

use accord_grammar::ast::{self, Cell, CellValue, CompareOp, HitPolicyKind};
use rust_decimal::Decimal;

use super::collect::{unknown, unknown_variant};
use super::expr::{fits, is_builtin_function};
use super::util::day_number;
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// Rows beyond this are not compared pairwise for overlaps (the check is quadratic).
const MAX_OVERLAP_ROWS: usize = 1000;

impl<'a> Checker<'a> {
    /// `E0122` when a table's or scale's (`what`) name is a built-in function's,
    /// which a call could not reach.
    pub(super) fn not_builtin(&mut self, file: usize, name: &ast::Ident, what: &str) {
        if is_builtin_function(&name.name) {
            self.emit(
                Diagnostic::error(
                    Code::E0122,
                    file,
                    name.span,
                    format!("`{}` is a built-in function", name.name),
                )
                .with_help(format!("choose another name for the {what}")),
            );
        }
    }

    pub(super) fn resolve_table_signatures(&mut self) {
        let list = self.table_ast.clone();
        for &(file, t) in &list {
            self.not_builtin(file, &t.name, "table");
            let mut seen: HashMap<&str, ast::Span> = HashMap::new();
            let mut params = Vec::new();
            for p in &t.params {
                if let Some(f) = seen.get(p.name.name.as_str()) {
                    self.emit(
                        Diagnostic::error(
                            Code::E0121,
                            file,
                            p.name.span,
                            format!(
                                "parameter `{}` of table `{}` is defined more than once",
                                p.name.name, t.name.name
                            ),
                        )
                        .with_help("give each parameter its own name")
                        .with_related(file, *f, "first defined here"),
                    );
                }
                seen.insert(&p.name.name, p.name.span);
                let ty = self.resolve_type(file, &p.ty);
                let ty = self.not_monthly(file, &p.ty, ty);
                params.push((p.name.name.clone(), ty));
            }
            let result = self.resolve_type(file, &t.result);
            let result = self.not_monthly(file, &t.result, result);
            let hit = t.hit.map_or(HitPolicyKind::Unique, |h| h.kind);
            if let Some(h) = t.hit {
                let ok = match h.kind {
                    HitPolicyKind::CollectSum => result.is_amount() || result.is_error(),
                    HitPolicyKind::CollectMin | HitPolicyKind::CollectMax => result.is_orderable(),
                    _ => true,
                };
                if !ok {
                    let rt = self.type_name(&result);
                    self.emit(
                        Diagnostic::error(
                            Code::E0404,
                            file,
                            h.span,
                            format!(
                                "this hit policy needs a numeric result, the table returns `{rt}`"
                            ),
                        )
                        .with_help(
                            "return a number or money, or use `hit first` or `hit collect list`",
                        ),
                    );
                }
            }
            let call_type = match hit {
                HitPolicyKind::CollectCount => Type::Integer,
                HitPolicyKind::CollectList => Type::List(Box::new(result.clone())),
                _ => result.clone(),
            };
            self.out.tables.push(TableDef {
                name: t.name.name.clone(),
                label: t.label.clone(),
                docs: t.docs.clone(),
                params,
                result,
                call_type,
                hit,
                rows: Vec::new(),
                versions: Vec::new(),
                each: Vec::new(),
                loc: Loc {
                    file,
                    span: t.name.span,
                },
            });
            self.used_tables.push(false);
        }
    }

    fn operand(&mut self, file: usize, v: &CellValue, ty: &Type) -> Option<Operand> {
        match v {
            CellValue::Literal(l) => {
                let r = self.literal(file, l);
                let RKind::Const(val) = r.kind else {
                    return None;
                };
                let lit = matches!(val, Value::Number(_));
                if !fits(&r.ty, ty, lit) {
                    let (w, f) = (self.type_name(ty), self.type_name(&r.ty));
                    self.emit(
                        Diagnostic::error(
                            Code::E0201,
                            file,
                            l.span(),
                            format!("this column holds `{w}`, found `{f}`"),
                        )
                        .with_help(super::util::value_help(ty, &w)),
                    );
                    return None;
                }
                Some(Operand::Const(val))
            }
            CellValue::Name(id) => {
                if let Type::Enum(e) = ty {
                    if let Some(i) = self
                        .out
                        .enums
                        .get(e.0)
                        .and_then(|d| d.variants.iter().position(|v| v.name == id.name))
                    {
                        let en = self.out.enums.get(e.0).filter(|_| self.records());
                        if let Some(en) = en.map(|d| d.name.clone()) {
                            refer!(
                                self,
                                file,
                                id.span,
                                Sym::scoped(SymKind::Variant, en, &id.name)
                            );
                        }
                        return Some(Operand::Const(Value::Variant(*e, i)));
                    }
                }
                if let Some(&p) = self.out.index.params.get(&id.name) {
                    refer!(
                        self,
                        file,
                        id.span,
                        Sym::global(SymKind::Parameter, &id.name)
                    );
                    if let Some(u) = self.used_params.get_mut(p.0) {
                        *u = true;
                    }
                    let pt = self
                        .out
                        .parameters
                        .get(p.0)
                        .map_or(Type::Error, |d| d.ty.clone());
                    if !fits(&pt, ty, false) {
                        let (w, f) = (self.type_name(ty), self.type_name(&pt));
                        self.emit(
                            Diagnostic::error(
                                Code::E0201,
                                file,
                                id.span,
                                format!(
                                    "this column holds `{w}`, parameter `{}` is `{f}`",
                                    id.name
                                ),
                            )
                            .with_help(format!("use a `{w}` parameter or value")),
                        );
                        return None;
                    }
                    return Some(Operand::Param(p));
                }
                let d = match ty {
                    Type::Enum(e) => {
                        let def = self.out.enums.get(e.0);
                        debug_assert!(def.is_some(), "INVARIANT: a column's enum is of this model");
                        let cands = def
                            .map(|d| d.variants.iter().map(|v| v.name.as_str()).collect())
                            .unwrap_or_default();
                        let fallback = format!(
                            "use a variant of `{}` or a parameter",
                            def.map_or("", |d| d.name.as_str())
                        );
                        unknown_variant(
                            file,
                            id,
                            def.map_or("", |d| d.name.as_str()),
                            cands,
                            fallback,
                        )
                    }
                    _ => {
                        let cands = self.out.index.params.keys().map(String::as_str).collect();
                        unknown(
                            Code::E0102,
                            file,
                            id,
                            "name",
                            cands,
                            "a cell holds a literal, an enum variant or a parameter",
                        )
                    }
                };
                self.emit(d);
                None
            }
        }
    }

    fn cell(&mut self, file: usize, c: &Cell, ty: &Type) -> Option<CellTest> {
        let ordered = |op: CompareOp| !matches!(op, CompareOp::Eq | CompareOp::Ne);
        match c {
            Cell::Any(_) => Some(CellTest::Any),
            Cell::Value(v) => Some(CellTest::Compare(CompareOp::Eq, self.operand(file, v, ty)?)),
            Cell::Compare(op, v, span) => {
                if ordered(*op) && !ty.is_orderable() {
                    self.unordered_cell(file, *span, ty);
                    return None;
                }
                Some(CellTest::Compare(*op, self.operand(file, v, ty)?))
            }
            Cell::Range(lo, hi, span) => {
                if !ty.is_orderable() {
                    self.unordered_cell(file, *span, ty);
                    return None;
                }
                let (l, h) = (self.operand(file, lo, ty)?, self.operand(file, hi, ty)?);
                if let (Operand::Const(a), Operand::Const(b)) = (&l, &h) {
                    if let (Some(a), Some(b)) = (order_key(a), order_key(b)) {
                        if a > b {
                            self.emit(
                                Diagnostic::error(
                                    Code::E0403,
                                    file,
                                    *span,
                                    "this range's low end is above its high end",
                                )
                                .with_help("write the low end first, e.g. `6..17`"),
                            );
                        }
                    }
                }
                Some(CellTest::Range(l, h))
            }
            Cell::Set(vs, _) => {
                let ops: Vec<Operand> = vs
                    .iter()
                    .filter_map(|v| self.operand(file, v, ty))
                    .collect();
                (ops.len() == vs.len()).then_some(CellTest::Set(ops))
            }
        }
    }

    fn unordered_cell(&mut self, file: usize, span: ast::Span, ty: &Type) {
        let t = self.type_name(ty);
        self.emit(
            Diagnostic::error(
                Code::E0403,
                file,
                span,
                format!("values of type `{t}` have no order"),
            )
            .with_help("write a value, `!= value` or a set `{a, b}` in this column"),
        );
    }

    pub(super) fn check_table_rows(&mut self) {
        let list = self.table_ast.clone();
        for (ti, &(file, t)) in list.iter().enumerate() {
            let Some(def) = self.out.tables.get(ti) else {
                continue;
            };
            let params = def.params.clone();
            let result = def.result.clone();
            let hit = def.hit;
            let width = params.len() + 1;
            if t.columns.len() != width {
                let span = t
                    .columns
                    .first()
                    .map_or(t.name.span, |c| c.span)
                    .to(t.columns.last().map_or(t.name.span, |c| c.span));
                self.emit(
                    Diagnostic::error(
                        Code::E0401,
                        file,
                        span,
                        format!("the header has {} columns, expected {width} (one per parameter, then the result)", t.columns.len()),
                    )
                    .with_help(format!(
                        "write the header `{}`",
                        params.iter().map(|(n, _)| n.as_str()).chain(["result"]).collect::<Vec<_>>().join(" | ")
                    )),
                );
            } else {
                for (col, (pname, _)) in t.columns.iter().zip(&params) {
                    if col.name != *pname {
                        self.emit(
                            Diagnostic::error(Code::E0401, file, col.span, format!("this column is `{}`, the parameter in this position is `{pname}`", col.name))
                                .with_help("name the columns after the parameters, in the same order"),
                        );
                    }
                }
            }
            let mut rows = Vec::new();
            let mut versions = Vec::new();
            let mut each = Vec::new();
            // A `for each` line of a dated table before its first `from` line
            // belongs to no version.
            for e in t
                .each
                .iter()
                .filter(|e| !t.versions.is_empty() && e.versions_before == 0)
            {
                self.emit(
                    Diagnostic::error(
                        Code::E0410,
                        file,
                        e.span,
                        format!(
                            "this `for each` line of dated table `{}` comes before its first `from` line",
                            t.name.name
                        ),
                    )
                    .with_help("write it last in the version it extends, after that version's rows"),
                );
            }
            for (version, group, key) in self.table_groups(file, t) {
                // How messages about its rows name the group.
                let of = match &version {
                    Some((from, _, _)) => {
                        format!("the version from {from} of table `{}`", t.name.name)
                    }
                    None => format!("table `{}`", t.name.name),
                };
                let tails: Vec<&ast::TableEach> =
                    t.each.iter().filter(|e| e.versions_before == key).collect();
                let end = version.as_ref().and_then(|v| v.2);
                if let Some(v) = version {
                    versions.push(TableVersionDef {
                        from: v.0,
                        source: v.1,
                        first: rows.len(),
                        end: v.2,
                    });
                }
                if end.is_some() {
                    // An end has no rows: nothing for a `for each` line to extend.
                    for e in tails {
                        self.emit(
                            Diagnostic::error(
                                Code::E0410,
                                file,
                                e.span,
                                format!("this `for each` line of table `{}` comes after the table went out of force", t.name.name),
                            )
                            .with_help("write it last in the version it extends, after that version's rows"),
                        );
                    }
                    each.push(None);
                    continue;
                }
                each.push(self.check_table_each(file, &of, hit, &params, &result, &tails, &group));
                let group_rows = t.rows.get(group).unwrap_or_default();
                self.check_table_group(file, &of, hit, &params, &result, group_rows, &mut rows);
            }
            if let Some(d) = self.out.tables.get_mut(ti) {
                d.rows = rows;
                d.versions = versions;
                d.each = each;
            }
        }
    }

    /// A table's rows grouped by version: the whole table when it has no `from`
    /// lines; otherwise each version's date, source and end (a `from` line
    /// without rows, or `until`) with its rows. Rows before the first `from` or
    /// right under an `until` (`E0409`), an end with nothing in force to end
    /// (`E0420`) and dates out of order (`E0406`, as for parameters) are
    /// reported here and left out.
    #[expect(clippy::type_complexity, reason = "a private helper's plain tuple")]
    fn table_groups(
        &mut self,
        file: usize,
        t: &ast::Table,
    ) -> Vec<(
        Option<(jiff::civil::Date, Option<ast::Label>, Option<ParamEnd>)>,
        std::ops::Range<usize>,
        usize,
    )> {
        let Some(first) = t.versions.first() else {
            return vec![(None, 0..t.rows.len(), 0)];
        };
        if let Some(row) = t.rows.first().filter(|_| first.first > 0) {
            self.emit(
                Diagnostic::error(
                    Code::E0409,
                    file,
                    row.span,
                    format!("this row of dated table `{}` comes before its first `from` line", t.name.name),
                )
                .with_help("put every row of a dated table under the `from DATE:` line of the version it belongs to"),
            );
        }
        let mut out: Vec<(
            Option<(jiff::civil::Date, Option<ast::Label>, Option<ParamEnd>)>,
            std::ops::Range<usize>,
            usize,
        )> = Vec::new();
        let mut prev: Option<(jiff::civil::Date, jiff::civil::Date, ast::Span)> = None;
        let help = "list `from` and `until` dates in increasing order, each date once";
        let whose = format!("table `{}`", t.name.name);
        for (k, v) in t.versions.iter().enumerate() {
            let end = t.versions.get(k + 1).map_or(t.rows.len(), |n| n.first);
            if v.until {
                if let Some(row) = t.rows.get(v.first).filter(|_| end > v.first) {
                    self.emit(
                        Diagnostic::error(
                            Code::E0409,
                            file,
                            row.span,
                            format!("this row of table `{}` comes right after an `until` line and belongs to no version", t.name.name),
                        )
                        .with_help("start the version these rows belong to with a `from DATE:` line above them"),
                    );
                }
            }
            let Some(d) = self.date(file, &v.from) else {
                continue;
            };
            if v.until || end <= v.first {
                // An end: `until DATE`, or a `from DATE:` line without rows.
                let last = out.last().map(|(v, _, _)| v.as_ref().and_then(|v| v.2));
                let what = (whose.as_str(), "`from DATE:` and its rows");
                if let Some((from, how)) =
                    self.version_end(file, what, v.until, (d, v.from.span), last, &mut prev, help)
                {
                    out.push((Some((from, v.source.clone(), Some(how))), end..end, k + 1));
                }
                continue;
            }
            if !self.dated_in_order(file, "from", (d, d), v.from.span, &mut prev, help) {
                continue;
            }
            out.push((Some((d, v.source.clone(), None)), v.first..end, k + 1));
        }
        out
    }

    /// The `for each COLUMN above N: ADD` line of one version (of the whole table
    /// when it has none), whose rows are `group`: at most one, after the rows
    /// (`E0410`), on an `Integer` column of a table returning a number under a
    /// policy that gives one row's result (`E0411`).
    #[expect(clippy::too_many_arguments, reason = "the table's resolved signature")]
    fn check_table_each(
        &mut self,
        file: usize,
        of: &str,
        hit: HitPolicyKind,
        params: &[(String, Type)],
        result: &Type,
        tails: &[&ast::TableEach],
        group: &std::ops::Range<usize>,
    ) -> Option<TableEachDef> {
        let (e, rest) = tails.split_first()?;
        for other in rest {
            self.emit(
                Diagnostic::error(
                    Code::E0410,
                    file,
                    other.span,
                    format!("a second `for each` line in {of}"),
                )
                .with_help("keep one `for each` line per table (per version of a dated table)")
                .with_related(file, e.span, "the first"),
            );
        }
        if e.after < group.end {
            self.emit(
                Diagnostic::error(
                    Code::E0410,
                    file,
                    e.span,
                    format!("rows of {of} come after its `for each` line"),
                )
                .with_help("write the `for each` line last, after the rows it extends"),
            );
            return None;
        }
        let Some(param) = params.iter().position(|(n, _)| *n == e.column.name) else {
            self.emit(unknown(
                Code::E0411,
                file,
                &e.column,
                "column",
                params.iter().map(|(n, _)| n.as_str()).collect(),
                "name one of the table's parameters",
            ));
            return None;
        };
        let why = if params
            .get(param)
            .is_some_and(|(_, ty)| *ty != Type::Integer)
        {
            Some(format!("the column `{}` is not `Integer`", e.column.name))
        } else if !matches!(result, Type::Integer | Type::Decimal | Type::Money) {
            Some(format!("{of} does not return a number"))
        } else if !matches!(
            hit,
            HitPolicyKind::First | HitPolicyKind::Unique | HitPolicyKind::Any
        ) {
            Some(format!("{of} collects several rows' results"))
        } else {
            None
        };
        if let Some(why) = why {
            self.emit(
                Diagnostic::error(
                    Code::E0411,
                    file,
                    e.span,
                    format!("`for each` cannot extend this table: {why}"),
                )
                .with_help(
                    "`for each` extends a table keyed by a whole number (a household size) whose result is a number or money, under `hit unique`, `first` or `any`",
                ),
            );
            return None;
        }
        let above = match self.operand(file, &e.above, &Type::Integer)? {
            Operand::Const(Value::Number(n)) => n.to_string().parse::<i64>().ok(),
            _ => None,
        };
        let Some(above) = above else {
            self.emit(
                Diagnostic::error(
                    Code::E0411,
                    file,
                    e.above.span(),
                    "the number after `above` must be written out",
                )
                .with_help("write a whole number, e.g. `for each size above 8: 583`"),
            );
            return None;
        };
        let add = self.operand(file, &e.add, result)?;
        Some(TableEachDef {
            param,
            above,
            add,
            span: e.span,
        })
    }

    /// Checks one version's rows (the whole table when it has none) and appends
    /// the well-formed ones to `rows`. Row numbers in messages count within the
    /// version, which `of` names (“table `t`” or “the version from D of table `t`”).
    #[expect(clippy::too_many_arguments, reason = "the table's resolved signature")]
    fn check_table_group(
        &mut self,
        file: usize,
        of: &str,
        hit: HitPolicyKind,
        params: &[(String, Type)],
        result: &Type,
        group: &[ast::Row],
        rows: &mut Vec<TableRow>,
    ) {
        let width = params.len() + 1;
        // Row number (1-based, header excluded) with its checked row.
        let mut checked: Vec<(usize, TableRow, bool)> = Vec::new();
        for (ri, row) in group.iter().enumerate() {
            if row.cells.len() != width {
                self.emit(
                    Diagnostic::error(
                        Code::E0402,
                        file,
                        row.span,
                        format!(
                            "this row has {} {}, expected {width}",
                            row.cells.len(),
                            if row.cells.len() == 1 {
                                "cell"
                            } else {
                                "cells"
                            }
                        ),
                    )
                    .with_help("give one cell per parameter and one result; use `*` for any value"),
                );
                continue;
            }
            let mut tests = Vec::with_capacity(params.len());
            let mut complete = true;
            for (c, (_, ty)) in row.cells.iter().zip(params) {
                match self.cell(file, c, ty) {
                    Some(t) => tests.push(t),
                    None => complete = false,
                }
            }
            let res = match row.cells.last() {
                Some(Cell::Value(v)) => self.operand(file, v, result),
                Some(other) => {
                    self.emit(
                        Diagnostic::error(
                            Code::E0403,
                            file,
                            other.span(),
                            "a result cell holds a value, not a test",
                        )
                        .with_help("write the value the row gives, e.g. `300_000`"),
                    );
                    None
                }
                None => None,
            };
            if let (true, Some(res)) = (complete, res) {
                let row = TableRow {
                    cells: tests,
                    result: res,
                    span: row.span,
                };
                checked.push((ri + 1, row.clone(), true));
                rows.push(row);
            }
        }
        if hit == HitPolicyKind::First {
            // A row after one that matches anything is never used.
            if let Some((n, _, _)) = checked
                .iter()
                .find(|(_, r, _)| r.cells.iter().all(|c| *c == CellTest::Any))
            {
                for (m, r, _) in checked.iter().filter(|(m, _, _)| m > n) {
                    self.emit(
                        Diagnostic::warning(
                            Code::W0106,
                            file,
                            r.span,
                            format!("row {m} of {of} is never used"),
                        )
                        .with_help(format!(
                            "row {n} matches every input first; remove this row or move it up"
                        )),
                    );
                }
            }
        }
        if hit == HitPolicyKind::Unique && checked.len() <= MAX_OVERLAP_ROWS {
            self.find_overlaps(file, of, params, &checked);
        }
    }

    fn find_overlaps(
        &mut self,
        file: usize,
        table: &str,
        params: &[(String, Type)],
        rows: &[(usize, TableRow, bool)],
    ) {
        let domains: Vec<Option<usize>> = params
            .iter()
            .map(|(_, ty)| match ty {
                Type::Boolean => Some(2),
                Type::Enum(e) => self.out.enums.get(e.0).map(|d| d.variants.len()),
                _ => None,
            })
            .collect();
        let sets: Vec<Option<Vec<MatchSet>>> = rows
            .iter()
            .map(|(_, r, _)| {
                r.cells
                    .iter()
                    .zip(params)
                    .map(|(c, (_, ty))| match_set(c, ty))
                    .collect()
            })
            .collect();
        for (j, (nj, rj, _)) in rows.iter().enumerate() {
            let Some(Some(sj)) = sets.get(j) else {
                continue;
            };
            for (i, (ni, ri, _)) in rows.iter().enumerate().take(j) {
                let Some(Some(si)) = sets.get(i) else {
                    continue;
                };
                let overlap = si
                    .iter()
                    .zip(sj)
                    .zip(params.iter().zip(&domains))
                    .all(|((a, b), ((_, ty), dom))| intersects(a, b, ty, *dom));
                if overlap {
                    self.emit(
                        Diagnostic::error(Code::E0405, file, rj.span, format!("rows {ni} and {nj} of {table} can both match"))
                            .with_help("make the rows exclusive, or choose `hit first` if the first matching row should win")
                            .with_related(file, ri.span, format!("row {ni}")),
                    );
                    break;
                }
            }
        }
    }
}

/// A number for ordering constants: numbers as they are, dates as day numbers.
fn order_key(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Date(d) => Some(Decimal::from(day_number(*d))),
        _ => None,
    }
}

/// One end of an interval: the value and whether it is included.
type Bound = Option<(Decimal, bool)>;

/// The values a cell accepts, where this can be known statically.
#[derive(Debug, Clone)]
enum MatchSet {
    All,
    /// Union of intervals (ordered types).
    Intervals(Vec<(Bound, Bound)>),
    /// Exactly these values (unordered types).
    In(Vec<Value>),
    /// Everything but these values.
    NotIn(Vec<Value>),
}

fn const_of(o: &Operand) -> Option<&Value> {
    match o {
        Operand::Const(v) => Some(v),
        Operand::Param(_) => None,
    }
}

fn match_set(c: &CellTest, ty: &Type) -> Option<MatchSet> {
    let ordered = matches!(ty, Type::Integer | Type::Decimal | Type::Money | Type::Date);
    Some(match c {
        CellTest::Any => MatchSet::All,
        CellTest::Compare(op, o) => {
            let v = const_of(o)?;
            if ordered {
                let k = order_key(v)?;
                let iv = match op {
                    CompareOp::Eq => vec![(Some((k, true)), Some((k, true)))],
                    CompareOp::Ne => vec![(None, Some((k, false))), (Some((k, false)), None)],
                    CompareOp::Lt => vec![(None, Some((k, false)))],
                    CompareOp::Le => vec![(None, Some((k, true)))],
                    CompareOp::Gt => vec![(Some((k, false)), None)],
                    CompareOp::Ge => vec![(Some((k, true)), None)],
                };
                MatchSet::Intervals(iv)
            } else {
                match op {
                    CompareOp::Eq => MatchSet::In(vec![v.clone()]),
                    CompareOp::Ne => MatchSet::NotIn(vec![v.clone()]),
                    _ => return None,
                }
            }
        }
        CellTest::Range(lo, hi) => {
            let (l, h) = (order_key(const_of(lo)?)?, order_key(const_of(hi)?)?);
            MatchSet::Intervals(vec![(Some((l, true)), Some((h, true)))])
        }
        CellTest::Set(vs) => {
            let vals: Option<Vec<Value>> = vs.iter().map(|o| const_of(o).cloned()).collect();
            let vals = vals?;
            if ordered {
                let iv: Option<Vec<_>> = vals
                    .iter()
                    .map(|v| order_key(v).map(|k| (Some((k, true)), Some((k, true)))))
                    .collect();
                MatchSet::Intervals(iv?)
            } else {
                MatchSet::In(vals)
            }
        }
    })
}

/// Whether two intervals share a value; integer-valued columns (Integer, Date)
/// only count whole values, so `< 3` and `> 2` do not meet there.
fn intervals_meet(a: &(Bound, Bound), b: &(Bound, Bound), discrete: bool) -> bool {
    // The larger lower bound and the smaller upper bound.
    let lo = match (a.0, b.0) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
    };
    let hi = match (a.1, b.1) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
    };
    match (lo, hi) {
        (Some((l, li)), Some((h, hi))) => {
            if discrete {
                // Whole values only; bounds at the edge of the number range hold none beyond.
                let l = if li {
                    Some(l.ceil())
                } else {
                    l.floor().checked_add(Decimal::ONE)
                };
                let h = if hi {
                    Some(h.floor())
                } else {
                    h.ceil().checked_sub(Decimal::ONE)
                };
                matches!((l, h), (Some(l), Some(h)) if l <= h)
            } else {
                l < h || (l == h && li && hi)
            }
        }
        _ => true,
    }
}

fn intersects(a: &MatchSet, b: &MatchSet, ty: &Type, domain: Option<usize>) -> bool {
    use MatchSet::*;
    let discrete = matches!(ty, Type::Integer | Type::Date);
    match (a, b) {
        (All, _) | (_, All) => true,
        (Intervals(x), Intervals(y)) => x
            .iter()
            .any(|i| y.iter().any(|j| intervals_meet(i, j, discrete))),
        (In(x), In(y)) => x.iter().any(|v| y.contains(v)),
        (In(x), NotIn(y)) | (NotIn(y), In(x)) => x.iter().any(|v| !y.contains(v)),
        (NotIn(x), NotIn(y)) => match domain {
            // Over a finite domain, both exclusions together might cover it.
            Some(n) => {
                let mut distinct: Vec<&Value> = Vec::new();
                for v in x.iter().chain(y.iter()) {
                    if !distinct.contains(&v) {
                        distinct.push(v);
                    }
                }
                distinct.len() < n
            }
            None => true,
        },
        // Mixed shapes only arise from type errors, reported elsewhere.
        _ => false,
    }
}
