//! Expressions: name resolution in scope, types, built-in functions.

use accord_grammar::ast::{self, BinaryOp, Expr, Ident, Span};
use rust_decimal::Decimal;

use super::collect::unknown;
use super::util::{civil_date, duration_value, parse_number, parse_percent, plural};
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

/// Deepest expression nesting the checker follows, counting the expressions of
/// definitions typed on demand from inside others. The parser's own limit is far
/// lower, and on-demand typing stops at [`MAX_DEPTH_FOR_DEFS`], so only hand-built
/// trees reach it; it keeps the stack bounded.
const MAX_EXPR_DEPTH: usize = 256;

/// Definitions (lets, scores) are not typed on demand beyond this expression
/// depth; they are typed later from the top level instead.
pub(super) const MAX_DEPTH_FOR_DEFS: usize = 128;

pub(crate) const BUILTINS: [&str; 25] = [
    "count",
    "sum",
    "min",
    "max",
    "known",
    "years_between",
    "months_between",
    "days_between",
    "date",
    "round",
    "floor",
    "ceil",
    "abs",
    "eligible",
    "amount",
    "points",
    "risk",
    "today",
    "any",
    "all",
    "sum_last",
    "average_last",
    "min_last",
    "max_last",
    "month_value",
];

pub(super) fn is_builtin_function(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// How many arguments a built-in function takes.
#[derive(Debug, Clone, Copy)]
enum Arity {
    Exactly(usize),
    OneOrTwo,
    /// One list, or two or more values (`min`, `max`).
    ListOrValues,
}

impl Arity {
    /// The argument counts accepted for a call with `given` arguments.
    fn accepts(self, given: usize) -> Vec<usize> {
        match self {
            Arity::Exactly(n) => vec![n],
            Arity::ListOrValues if given >= 2 => vec![given],
            Arity::OneOrTwo | Arity::ListOrValues => vec![1, 2],
        }
    }
}

/// How a built-in function types its arguments, and the type of its result.
#[derive(Debug, Clone, Copy)]
enum Typing {
    /// Any list; an `Integer`.
    Count,
    /// A list of numbers or money; its element type.
    Sum,
    /// A list of orderable values (`of_list`: its element type), or values of one
    /// orderable type (`of_values`: their common type).
    Extreme {
        of_list: Builtin,
        of_values: Builtin,
    },
    /// Any value; a `Boolean`.
    Known,
    /// Two dates; an `Integer`.
    Between(Builtin),
    /// Three `Integer`s; a `Date` (a valid one when they are constants).
    Date,
    /// A number or money, and optionally a number of digits; money stays money,
    /// a `Decimal` rounded to a whole number becomes an `Integer`.
    Rounding(Builtin),
    /// A monthly series and a constant number of months (`check/series.rs`).
    Series(Builtin),
}

/// A built-in function whose arguments are values.
#[derive(Debug)]
struct BuiltinFn {
    name: &'static str,
    arity: Arity,
    typing: Typing,
}

/// The built-in functions over values. The others of [`BUILTINS`] take names
/// (`eligible`, `amount`, `points`, `risk`, `chosen`, `found`) or are not calls
/// (`today`, `any`, `all`), and are checked by [`Checker::call`] itself.
const BUILTIN_FNS: [BuiltinFn; 18] = [
    BuiltinFn {
        name: "count",
        arity: Arity::Exactly(1),
        typing: Typing::Count,
    },
    BuiltinFn {
        name: "sum",
        arity: Arity::Exactly(1),
        typing: Typing::Sum,
    },
    BuiltinFn {
        name: "min",
        arity: Arity::ListOrValues,
        typing: Typing::Extreme {
            of_list: Builtin::MinOf,
            of_values: Builtin::Min,
        },
    },
    BuiltinFn {
        name: "max",
        arity: Arity::ListOrValues,
        typing: Typing::Extreme {
            of_list: Builtin::MaxOf,
            of_values: Builtin::Max,
        },
    },
    BuiltinFn {
        name: "known",
        arity: Arity::Exactly(1),
        typing: Typing::Known,
    },
    BuiltinFn {
        name: "years_between",
        arity: Arity::Exactly(2),
        typing: Typing::Between(Builtin::YearsBetween),
    },
    BuiltinFn {
        name: "months_between",
        arity: Arity::Exactly(2),
        typing: Typing::Between(Builtin::MonthsBetween),
    },
    BuiltinFn {
        name: "days_between",
        arity: Arity::Exactly(2),
        typing: Typing::Between(Builtin::DaysBetween),
    },
    BuiltinFn {
        name: "date",
        arity: Arity::Exactly(3),
        typing: Typing::Date,
    },
    BuiltinFn {
        name: "round",
        arity: Arity::OneOrTwo,
        typing: Typing::Rounding(Builtin::Round),
    },
    BuiltinFn {
        name: "floor",
        arity: Arity::OneOrTwo,
        typing: Typing::Rounding(Builtin::Floor),
    },
    BuiltinFn {
        name: "ceil",
        arity: Arity::OneOrTwo,
        typing: Typing::Rounding(Builtin::Ceil),
    },
    BuiltinFn {
        name: "abs",
        arity: Arity::Exactly(1),
        typing: Typing::Rounding(Builtin::Abs),
    },
    BuiltinFn {
        name: "sum_last",
        arity: Arity::Exactly(2),
        typing: Typing::Series(Builtin::SumLast),
    },
    BuiltinFn {
        name: "average_last",
        arity: Arity::Exactly(2),
        typing: Typing::Series(Builtin::AverageLast),
    },
    BuiltinFn {
        name: "min_last",
        arity: Arity::Exactly(2),
        typing: Typing::Series(Builtin::MinLast),
    },
    BuiltinFn {
        name: "max_last",
        arity: Arity::Exactly(2),
        typing: Typing::Series(Builtin::MaxLast),
    },
    BuiltinFn {
        name: "month_value",
        arity: Arity::Exactly(2),
        typing: Typing::Series(Builtin::MonthValue),
    },
];

fn builtin_fn(name: &str) -> Option<&'static BuiltinFn> {
    BUILTIN_FNS.iter().find(|f| f.name == name)
}

/// What an expression may see besides the global declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Plain,
    Assessment(AssessmentId),
    Protocol(ProtocolId),
}

/// The scope of one expression being checked.
pub(super) struct Scope {
    pub(super) file: usize,
    pub(super) subject: Option<EntityId>,
    /// Element types bound by enclosing `where`/`any`/`all`, outermost first.
    pub(super) elements: Vec<Type>,
    pub(super) ctx: Ctx,
    /// The definition being checked, for dependency edges.
    pub(super) def: Option<DefNode>,
    /// Inside `for each need of STEP where …`: STEP, whose assessment's needs
    /// `need` ranges over.
    pub(super) need_of: Option<usize>,
}

impl Scope {
    pub(super) fn new(
        file: usize,
        subject: Option<EntityId>,
        ctx: Ctx,
        def: Option<DefNode>,
    ) -> Self {
        Scope {
            file,
            subject,
            elements: Vec::new(),
            ctx,
            def,
            need_of: None,
        }
    }
}

/// A number that may stand as Money where Money is expected: an amount written
/// out (`18_000`), scaled by numbers (`6_000 * count(children)`, `30_000 / 2`),
/// sums and differences of such, and `if`/`min`/`max`/`round`… of such. A number
/// that comes from facts alone (`count(children)`, `base + count(children)` with a
/// numeric `base`) never does: adding it to money is almost always a unit mistake.
pub(super) fn adapts_to_money(e: &RExpr) -> bool {
    use BinaryOp::*;
    match &e.kind {
        RKind::Const(Value::Number(_)) => true,
        RKind::Unary {
            op: ast::UnaryOp::Neg,
            operand,
        } => adapts_to_money(operand),
        RKind::Binary { op, lhs, rhs } => match op {
            Add | Sub => adapts_to_money(lhs) && adapts_to_money(rhs),
            Mul => {
                (adapts_to_money(lhs) && rhs.ty.is_numeric())
                    || (lhs.ty.is_numeric() && adapts_to_money(rhs))
            }
            Div => adapts_to_money(lhs) && rhs.ty.is_numeric(),
            _ => false,
        },
        RKind::If {
            then, otherwise, ..
        } => adapts_to_money(then) && adapts_to_money(otherwise),
        RKind::Builtin { func, args } => match func {
            Builtin::Round | Builtin::Floor | Builtin::Ceil | Builtin::Abs => {
                args.first().is_some_and(adapts_to_money)
            }
            Builtin::Min | Builtin::Max => args.len() >= 2 && args.iter().all(adapts_to_money),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a value of type `src` may stand where `dst` is expected.
pub(super) fn fits(src: &Type, dst: &Type, literal: bool) -> bool {
    match (src, dst) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Integer, Type::Decimal) => true,
        (Type::Integer | Type::Decimal, Type::Money) => literal,
        (Type::List(a), Type::List(b)) => fits(a, b, false),
        (a, b) => a == b,
    }
}

/// The common type of two branches (`if`, `otherwise`, `min(a, b)`). A branch
/// that failed to check makes the whole the error type: the other branch's type
/// would only be a guess, and lines using the result would report it again.
fn unify(a: &Type, b: &Type, a_lit: bool, b_lit: bool) -> Option<Type> {
    match (a, b) {
        (Type::Error, _) | (_, Type::Error) => Some(Type::Error),
        (x, y) if x == y => Some(x.clone()),
        (Type::Integer, Type::Decimal) | (Type::Decimal, Type::Integer) => Some(Type::Decimal),
        (Type::Money, Type::Integer | Type::Decimal) if b_lit => Some(Type::Money),
        (Type::Integer | Type::Decimal, Type::Money) if a_lit => Some(Type::Money),
        (Type::List(x), Type::List(y)) => {
            unify(x, y, false, false).map(|t| Type::List(Box::new(t)))
        }
        _ => None,
    }
}

fn wider_number(a: &Type, b: &Type) -> Type {
    if *a == Type::Integer && *b == Type::Integer {
        Type::Integer
    } else {
        Type::Decimal
    }
}

impl<'a> Checker<'a> {
    pub(super) fn add_dep(&mut self, sc: &Scope, to: DefNode, span: Span) {
        if let Some(from) = sc.def {
            self.deps.push((
                from,
                to,
                Loc {
                    file: sc.file,
                    span,
                },
            ));
        }
    }

    /// The lengths of `param_reads`, `table_reads`, `deps` and `scale_reads`, for
    /// [`Self::guard_by_date`].
    fn reads_mark(&self) -> (usize, usize, usize, usize) {
        (
            self.param_reads.len(),
            self.table_reads.len(),
            self.deps.len(),
            self.scale_reads.len(),
        )
    }

    /// Marks the reads of `def` since `at` ([`Self::reads_mark`]) as chosen by
    /// date (see `date_guarded`).
    fn guard_by_date(&mut self, def: Option<DefNode>, at: (usize, usize, usize, usize)) {
        for (i, (d, _)) in self.scale_reads.iter().enumerate().skip(at.3) {
            if Some(*d) == def {
                self.scales_guarded.insert(i);
            }
        }
        let (params, tables, deps) = &mut self.date_guarded;
        for (i, (d, _)) in self.param_reads.iter().enumerate().skip(at.0) {
            if Some(*d) == def {
                params.insert(i);
            }
        }
        for (i, (d, _)) in self.table_reads.iter().enumerate().skip(at.1) {
            if Some(*d) == def {
                tables.insert(i);
            }
        }
        for (i, (d, _, _)) in self.deps.iter().enumerate().skip(at.2) {
            if Some(*d) == def {
                deps.insert(i);
            }
        }
    }

    /// Checks `e` and requires a Boolean (E0204 otherwise).
    pub(super) fn condition(&mut self, sc: &mut Scope, e: &Expr, what: &str) -> RExpr {
        let r = self.expr(sc, e, Some(&Type::Boolean));
        if !fits(&r.ty, &Type::Boolean, false) {
            let found = self.type_name(&r.ty);
            self.emit(
                Diagnostic::error(
                    Code::E0204,
                    sc.file,
                    r.span,
                    format!("{what} must be true or false, found `{found}`"),
                )
                .with_help("write a condition, e.g. a comparison like `age >= 18`"),
            );
        }
        r
    }

    /// Checks `e` against an expected type (number literals adapt to Money).
    pub(super) fn expr_of_type(
        &mut self,
        sc: &mut Scope,
        e: &Expr,
        want: &Type,
        what: &str,
    ) -> RExpr {
        let r = self.expr(sc, e, Some(want));
        if !fits(&r.ty, want, adapts_to_money(&r)) {
            let (w, f) = (self.type_name(want), self.type_name(&r.ty));
            let mut d = Diagnostic::error(
                Code::E0201,
                sc.file,
                r.span,
                format!("{what} must be `{w}`, found `{f}`"),
            );
            d = d.with_help(match (want, &r.ty) {
                (Type::Money, t) if t.is_numeric() => {
                    "multiply the number by a Money parameter, or declare the value as Money"
                        .to_string()
                }
                _ => format!("change the expression so it gives a `{w}`"),
            });
            self.emit(d);
        }
        r
    }

    pub(super) fn expr(&mut self, sc: &mut Scope, e: &Expr, hint: Option<&Type>) -> RExpr {
        self.expr_depth += 1;
        let r = if self.expr_depth > MAX_EXPR_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.emit(
                    Diagnostic::error(
                        Code::E0214,
                        sc.file,
                        e.span(),
                        "this expression nests too deeply",
                    )
                    .with_help("split it into several `let` definitions"),
                );
            }
            RExpr::error(e.span())
        } else {
            self.expr_inner(sc, e, hint)
        };
        self.expr_depth -= 1;
        if self.expr_depth == 0 {
            // Report depth once per top-level expression.
            self.too_deep = false;
        }
        r
    }

    fn expr_inner(&mut self, sc: &mut Scope, e: &Expr, hint: Option<&Type>) -> RExpr {
        if let Some(step) = sc.need_of {
            if let Some(r) = self.need_test(sc, step, e) {
                return r;
            }
        }
        match e {
            Expr::Literal(..) => self.literal_expr(sc, e),
            Expr::Name(id) => self.name(sc, id, hint),
            Expr::Field { .. } => self.field_expr(sc, e),
            Expr::Call { func, args, span } => self.call(sc, func, args, *span),
            Expr::Unary { .. } => self.unary_expr(sc, e, hint),
            Expr::Binary { op, lhs, rhs, span } => self.binary(sc, *op, lhs, rhs, *span, hint),
            Expr::InSet { .. } => self.in_set_expr(sc, e),
            Expr::InRange { .. } => self.in_range_expr(sc, e),
            Expr::If { .. } => self.if_expr(sc, e, hint),
            Expr::Where { .. } => self.where_expr(sc, e),
            Expr::Quantified { .. } => self.quantified_expr(sc, e),
            Expr::Done { .. } => self.done_expr(sc, e),
            Expr::Dated { .. } => self.dated_expr(sc, e, hint),
        }
    }

    /// `{ from DATE: EXPR … }`: each version checked like the whole; dates in
    /// increasing order (E0406); one type for all versions (E0201); an end
    /// (`from DATE:` alone, `until DATE`) only after a version in force (E0420). The reads of
    /// each version count as chosen by date (W0140).
    #[inline(never)]
    fn dated_expr(&mut self, sc: &mut Scope, e: &Expr, hint: Option<&Type>) -> RExpr {
        let Expr::Dated { versions, span } = e else {
            return RExpr::error(e.span());
        };
        let at = self.reads_mark();
        let mut out: Vec<(jiff::civil::Date, Result<RExpr, ParamEnd>)> = Vec::new();
        let mut prev: Option<(jiff::civil::Date, jiff::civil::Date, Span)> = None;
        let mut ty: Option<(Type, bool, jiff::civil::Date)> = None;
        let mut failed = false;
        let help = "list the versions of a formula in increasing date order, each date once";
        for v in versions {
            let Some(e) = &v.expr else {
                // An end: `from DATE:` without a formula, or `until DATE`.
                let Some(d) = self.date(sc.file, &v.date) else {
                    failed = true;
                    continue;
                };
                let last = out.last().map(|(_, r)| r.as_ref().err().copied());
                let whose = ("this formula", "`from DATE: FORMULA`");
                match self.version_end(
                    sc.file,
                    whose,
                    v.until,
                    (d, v.date.span),
                    last,
                    &mut prev,
                    help,
                ) {
                    Some((from, end)) => out.push((from, Err(end))),
                    None => failed = true,
                }
                continue;
            };
            let r = self.expr(sc, e, hint.or(ty.as_ref().map(|t| &t.0)));
            let Some(d) = self.date(sc.file, &v.date) else {
                failed = true;
                continue;
            };
            if !self.dated_in_order(sc.file, "from", (d, d), v.date.span, &mut prev, help) {
                failed = true;
                continue;
            }
            let lit = adapts_to_money(&r);
            ty = match ty {
                None => Some((r.ty.clone(), lit, d)),
                Some((t, tl, td)) => match unify(&t, &r.ty, tl, lit) {
                    Some(u) => Some((u, tl && lit, td)),
                    None => {
                        let (a, b) = (self.type_name(&t), self.type_name(&r.ty));
                        self.emit(
                            Diagnostic::error(
                                Code::E0201,
                                sc.file,
                                r.span,
                                format!("the versions of this formula differ: `{a}` from {td}, `{b}` from {d}"),
                            )
                            .with_help("make every version give the same type"),
                        );
                        Some((Type::Error, false, td))
                    }
                },
            };
            out.push((d, Ok(r)));
        }
        self.guard_by_date(sc.def, at);
        if failed {
            return RExpr::error(*span);
        }
        let ty = ty.map_or(Type::Error, |t| t.0);
        mk(RKind::Dated(out), ty, *span)
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn literal_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::Literal(l) => {
                if let ast::Literal::Duration(d) = l {
                    if d.unit == ast::DurationUnit::WorkingDays
                        && !matches!(sc.ctx, Ctx::Protocol(_))
                    {
                        self.emit(
                            Diagnostic::error(
                                Code::E0215,
                                sc.file,
                                d.span,
                                "working days are only counted in protocols",
                            )
                            .with_help("use calendar days, weeks, months or years here"),
                        );
                        return RExpr::error(d.span);
                    }
                }
                self.literal(sc.file, l)
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn field_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::Field { base, field, span } => {
                // `Region.shirak`: a variant named with its enum.
                if let Expr::Name(en) = &**base {
                    if let Some(TypeSym::Enum(e)) = self.out.index.types.get(&en.name).copied() {
                        refer!(self, sc.file, en.span, Sym::global(SymKind::Enum, &en.name));
                        return self.qualified_variant(sc, e, field, *span);
                    }
                }
                let b = self.expr(sc, base, None);
                self.field_access(sc, b, field, *span)
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn unary_expr(&mut self, sc: &mut Scope, e: &Expr, hint: Option<&Type>) -> RExpr {
        match e {
            Expr::Unary { op, operand, span } => match op {
                ast::UnaryOp::Not => {
                    let o = self.condition(sc, operand, "the operand of `not`");
                    mk(
                        RKind::Unary {
                            op: *op,
                            operand: Box::new(o),
                        },
                        Type::Boolean,
                        *span,
                    )
                }
                ast::UnaryOp::Neg => {
                    let o = self.expr(sc, operand, hint);
                    let ty = o.ty.clone();
                    if !(ty.is_amount() || ty.is_error()) {
                        let t = self.type_name(&ty);
                        self.emit(
                            Diagnostic::error(
                                Code::E0202,
                                sc.file,
                                *span,
                                format!("cannot negate `{t}`"),
                            )
                            .with_help("`-` applies to numbers and money"),
                        );
                    }
                    mk(
                        RKind::Unary {
                            op: *op,
                            operand: Box::new(o),
                        },
                        ty,
                        *span,
                    )
                }
            },
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn in_set_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::InSet {
                value,
                set,
                negated,
                span,
            } => {
                let v = self.expr(sc, value, None);
                let mut elems = Vec::with_capacity(set.len());
                for el in set {
                    let r = self.expr(sc, el, Some(&v.ty));
                    if !self.comparable(&v, &r) {
                        let (a, b) = (self.type_name(&v.ty), self.type_name(&r.ty));
                        self.emit(
                            Diagnostic::error(
                                Code::E0201,
                                sc.file,
                                r.span,
                                format!("this element is `{b}`, the value is `{a}`"),
                            )
                            .with_help(format!("list values of type `{a}` in the set")),
                        );
                    }
                    elems.push(r);
                }
                mk(
                    RKind::InSet {
                        value: Box::new(v),
                        set: elems,
                        negated: *negated,
                    },
                    Type::Boolean,
                    *span,
                )
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn in_range_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::InRange {
                value,
                low,
                high,
                negated,
                span,
            } => {
                let v = self.expr(sc, value, None);
                self.require_orderable(sc, &v);
                let lo = self.expr(sc, low, Some(&v.ty));
                let hi = self.expr(sc, high, Some(&v.ty));
                for b in [&lo, &hi] {
                    if !self.comparable(&v, b) {
                        let (a, t) = (self.type_name(&v.ty), self.type_name(&b.ty));
                        self.emit(
                            Diagnostic::error(
                                Code::E0205,
                                sc.file,
                                b.span,
                                format!("a range bound of type `{t}` for a `{a}` value"),
                            )
                            .with_help(format!("give bounds of type `{a}`")),
                        );
                    }
                }
                mk(
                    RKind::InRange {
                        value: Box::new(v),
                        low: Box::new(lo),
                        high: Box::new(hi),
                        negated: *negated,
                    },
                    Type::Boolean,
                    *span,
                )
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn if_expr(&mut self, sc: &mut Scope, e: &Expr, hint: Option<&Type>) -> RExpr {
        match e {
            Expr::If {
                condition,
                then,
                otherwise,
                span,
            } => {
                let today_at = self.today_reads.len();
                let c = self.condition(sc, condition, "the condition of `if`");
                let by_date = sc.def.is_some()
                    && self
                        .today_reads
                        .get(today_at..)
                        .is_some_and(|r| r.contains(&sc.def));
                let at = self.reads_mark();
                let t = self.expr(sc, then, hint);
                let o = self.expr(sc, otherwise, Some(hint.unwrap_or(&t.ty)));
                if by_date {
                    self.guard_by_date(sc.def, at);
                }
                let ty = match unify(&t.ty, &o.ty, adapts_to_money(&t), adapts_to_money(&o)) {
                    Some(ty) => ty,
                    None => {
                        let (a, b) = (self.type_name(&t.ty), self.type_name(&o.ty));
                        self.emit(
                            Diagnostic::error(
                                Code::E0201,
                                sc.file,
                                o.span,
                                format!("the branches of `if` differ: `{a}` after `then`, `{b}` after `else`"),
                            )
                            .with_help("make both branches give the same type"),
                        );
                        Type::Error
                    }
                };
                mk(
                    RKind::If {
                        condition: Box::new(c),
                        then: Box::new(t),
                        otherwise: Box::new(o),
                    },
                    ty,
                    *span,
                )
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn where_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::Where {
                list,
                condition,
                span,
            } => {
                let (l, c) = self.filter(sc, list, condition, "`where`");
                let ty = l.ty.clone();
                mk(
                    RKind::Where {
                        list: Box::new(l),
                        condition: Box::new(c),
                    },
                    ty,
                    *span,
                )
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn quantified_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::Quantified {
                quantifier,
                list,
                condition,
                span,
            } => {
                let what = match quantifier {
                    ast::Quantifier::Any => "`any`",
                    ast::Quantifier::All => "`all`",
                };
                let (l, c) = self.filter(sc, list, condition, what);
                mk(
                    RKind::Quantified {
                        quantifier: *quantifier,
                        list: Box::new(l),
                        condition: Box::new(c),
                    },
                    Type::Boolean,
                    *span,
                )
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// One form of [`Self::expr`], in its own function so the recursion keeps small stack frames.
    #[inline(never)]
    fn done_expr(&mut self, sc: &mut Scope, e: &Expr) -> RExpr {
        match e {
            Expr::Done {
                quantifier,
                step,
                span,
            } => {
                let Ctx::Protocol(p) = sc.ctx else {
                    self.emit(
                        Diagnostic::error(
                            Code::E0213,
                            sc.file,
                            *span,
                            "`done` is only meaningful in a protocol",
                        )
                        .with_help("use `STEP done` in a protocol step's `when`"),
                    );
                    return RExpr::error(*span);
                };
                match self.protocol_step(sc, p, step) {
                    Some(i) => mk(
                        RKind::Done {
                            quantifier: *quantifier,
                            step: i,
                        },
                        Type::Boolean,
                        *span,
                    ),
                    None => RExpr::error(*span),
                }
            }
            _ => RExpr::error(e.span()),
        }
    }

    /// The list and condition of `where`/`any`/`all`: the condition sees the
    /// element's members first.
    fn filter(
        &mut self,
        sc: &mut Scope,
        list: &Expr,
        condition: &Expr,
        what: &str,
    ) -> (RExpr, RExpr) {
        let l = self.expr(sc, list, None);
        let elem = match &l.ty {
            Type::List(t) => (**t).clone(),
            Type::Error => Type::Error,
            other => {
                let t = self.type_name(other);
                self.emit(
                    Diagnostic::error(
                        Code::E0207,
                        sc.file,
                        l.span,
                        format!("{what} needs a list, found `{t}`"),
                    )
                    .with_help("filter a `list of` field or a list derived from one"),
                );
                Type::Error
            }
        };
        sc.elements.push(elem);
        let c = self.condition(sc, condition, &format!("the condition of {what}"));
        sc.elements.pop();
        (l, c)
    }

    pub(super) fn literal(&mut self, file: usize, l: &ast::Literal) -> RExpr {
        let span = l.span();
        let (v, ty) = match l {
            ast::Literal::Bool(b, _) => (Value::Bool(*b), Type::Boolean),
            ast::Literal::Integer(t, _)
            | ast::Literal::Decimal(t, _)
            | ast::Literal::Percent(t, _) => {
                let n = if matches!(l, ast::Literal::Percent(..)) {
                    parse_percent(t)
                } else {
                    parse_number(t)
                };
                let ty = if matches!(l, ast::Literal::Integer(..)) {
                    Type::Integer
                } else {
                    Type::Decimal
                };
                match n {
                    Some(n) => (Value::Number(n), ty),
                    None => {
                        self.emit(
                            Diagnostic::error(
                                Code::E0212,
                                file,
                                span,
                                format!("the number `{t}` is out of range"),
                            )
                            .with_help("numbers are exact decimals of at most 28 digits"),
                        );
                        return RExpr::error(span);
                    }
                }
            }
            ast::Literal::Text(t, _) => (Value::Text(t.clone()), Type::Text),
            ast::Literal::Date(d) => match self.date(file, d) {
                Some(d) => (Value::Date(d), Type::Date),
                None => return RExpr::error(span),
            },
            ast::Literal::Duration(d) => match duration_value(d) {
                Some(d) => (Value::Duration(d), Type::Duration),
                None => {
                    self.emit(
                        Diagnostic::error(
                            Code::E0212,
                            file,
                            span,
                            format!("the duration `{}` is out of range", d.amount),
                        )
                        .with_help("use a smaller amount or a larger unit"),
                    );
                    return RExpr::error(span);
                }
            },
        };
        mk(RKind::Const(v), ty, span)
    }

    /// Validates a date literal (E0211).
    pub(super) fn date(&mut self, file: usize, d: &ast::DateLit) -> Option<jiff::civil::Date> {
        let r = civil_date(d);
        if r.is_none() {
            self.emit(
                Diagnostic::error(
                    Code::E0211,
                    file,
                    d.span,
                    format!(
                        "`{:04}-{:02}-{:02}` is not a valid date",
                        d.year, d.month, d.day
                    ),
                )
                .with_help("write an existing calendar date as YYYY-MM-DD"),
            );
        }
        r
    }

    /// The variant named `name` in the context of type `hint`, if any.
    fn contextual_constant(&self, name: &str, hint: Option<&Type>) -> Option<(Value, Type)> {
        match hint? {
            Type::Enum(id) => {
                let e = self.out.enums.get(id.0)?;
                let i = e.variants.iter().position(|v| v.name == name)?;
                Some((Value::Variant(*id, i), Type::Enum(*id)))
            }
            Type::Risk(a) => {
                let ctx = self.assess_ctx.get(a.0)?;
                ctx.risk_levels
                    .contains(name)
                    .then(|| (Value::Risk(*a, name.to_string()), Type::Risk(*a)))
            }
            Type::Choice(a, q) => {
                let QuestionSpec::Choice { options } =
                    &self.out.assessments.get(a.0)?.questions.get(*q)?.kind
                else {
                    return None;
                };
                let i = options.iter().position(|o| o.name == name)?;
                Some((Value::Choice(*a, *q, i), Type::Choice(*a, *q)))
            }
            _ => None,
        }
    }

    pub(super) fn member_type(
        &mut self,
        sc: &Scope,
        entity: EntityId,
        m: MemberRef,
        span: Span,
    ) -> Type {
        match m {
            MemberRef::Field(i) => {
                self.used_fields.insert((entity, i));
                self.out
                    .entities
                    .get(entity.0)
                    .and_then(|e| e.fields.get(i))
                    .map_or(Type::Error, |f| f.ty.clone())
            }
            MemberRef::Let(i) => {
                self.add_dep(sc, DefNode::Let(entity, i), span);
                self.type_let(entity, i)
            }
            MemberRef::Owner => self
                .out
                .entities
                .get(entity.0)
                .and_then(|e| e.owner.as_ref())
                .map_or(Type::Error, |o| Type::Entity(o.owner)),
        }
    }

    /// Records a reference to a question, score or section of assessment `a`.
    fn refer_in_assessment(
        &mut self,
        file: usize,
        span: Span,
        a: AssessmentId,
        kind: SymKind,
        name: &str,
    ) {
        if !self.records() {
            return;
        }
        if let Some(scope) = self.out.assessments.get(a.0).map(|d| d.name.clone()) {
            self.refer(file, span, Sym::scoped(kind, scope, name));
        }
    }

    fn lookup_member(&self, entity: EntityId, name: &str) -> Option<MemberRef> {
        self.out.entities.get(entity.0)?.members.get(name).copied()
    }

    fn name(&mut self, sc: &mut Scope, id: &Ident, hint: Option<&Type>) -> RExpr {
        let span = id.span;
        if let Some((v, ty)) = self.contextual_constant(&id.name, hint) {
            if let Value::Variant(e, _) = &v {
                if let Some(def) = self.out.enums.get(e.0) {
                    refer!(
                        self,
                        sc.file,
                        span,
                        Sym::scoped(SymKind::Variant, def.name.clone(), &id.name)
                    );
                }
            }
            return mk(RKind::Const(v), ty, span);
        }
        for depth in (0..sc.elements.len()).rev() {
            if let Some(Type::Entity(e)) = sc.elements.get(depth) {
                let e = *e;
                if let Some(m) = self.lookup_member(e, &id.name) {
                    self.refer_member(sc.file, span, e, m);
                    let ty = self.member_type(sc, e, m, span);
                    let base = Base::Element(u32::try_from(depth).unwrap_or(u32::MAX));
                    return mk(
                        RKind::Member {
                            base,
                            entity: e,
                            member: m,
                        },
                        ty,
                        span,
                    );
                }
            }
        }
        if let Some(e) = sc.subject {
            if let Some(m) = self.lookup_member(e, &id.name) {
                self.refer_member(sc.file, span, e, m);
                let ty = self.member_type(sc, e, m, span);
                return mk(
                    RKind::Member {
                        base: Base::Subject,
                        entity: e,
                        member: m,
                    },
                    ty,
                    span,
                );
            }
        }
        if let Ctx::Assessment(a) = sc.ctx {
            if let Some(ctx) = self.assess_ctx.get(a.0) {
                if let Some(&q) = ctx.questions.get(&id.name) {
                    self.refer_in_assessment(sc.file, span, a, SymKind::Question, &id.name);
                    let ty = self
                        .out
                        .assessments
                        .get(a.0)
                        .and_then(|x| x.questions.get(q))
                        .map_or(Type::Error, |q| q.ty.clone());
                    return mk(RKind::Question(q), ty, span);
                }
                if let Some(&s) = ctx.scores.get(&id.name) {
                    self.refer_in_assessment(sc.file, span, a, SymKind::Score, &id.name);
                    self.add_dep(sc, DefNode::Score(a, s), span);
                    let ty = self.type_score(a, s);
                    return mk(RKind::Score(s), ty, span);
                }
            }
        }
        if let Some(&p) = self.out.index.params.get(&id.name) {
            refer!(
                self,
                sc.file,
                span,
                Sym::global(SymKind::Parameter, &id.name)
            );
            if let Some(u) = self.used_params.get_mut(p.0) {
                *u = true;
            }
            if let Some(def) = sc.def {
                self.param_reads.push((def, p));
            }
            let ty = self
                .out
                .parameters
                .get(p.0)
                .map_or(Type::Error, |d| d.ty.clone());
            return mk(RKind::Param(p), ty, span);
        }
        if id.name == "today" {
            self.today_reads.push(sc.def);
            return mk(RKind::Today, Type::Date, span);
        }
        if let Some(vs) = self.out.index.variants.get(&id.name) {
            match vs.as_slice() {
                [(e, i)] => {
                    let (e, i) = (*e, *i);
                    if let Some(def) = self.out.enums.get(e.0) {
                        refer!(
                            self,
                            sc.file,
                            span,
                            Sym::scoped(SymKind::Variant, def.name.clone(), &id.name)
                        );
                    }
                    return mk(RKind::Const(Value::Variant(e, i)), Type::Enum(e), span);
                }
                many => {
                    let enums: Vec<&str> = many
                        .iter()
                        .filter_map(|(e, _)| self.out.enums.get(e.0).map(|d| d.name.as_str()))
                        .collect();
                    let d = Diagnostic::error(
                        Code::E0123,
                        sc.file,
                        span,
                        format!(
                            "`{}` is a variant of several enums: {}",
                            id.name,
                            super::util::list_names(enums)
                        ),
                    )
                    .with_help(
                        "compare it with a value of the enum you mean, e.g. `region = shirak`",
                    );
                    self.emit(d);
                    return RExpr::error(span);
                }
            }
        }
        // Where the other side of a comparison failed to check, this name may be
        // one of its variants: stay silent rather than report a consequence.
        // Every expression belongs to a subject; without one, its missing or unknown
        // `for` was reported already, and the names would only repeat it.
        // Inside `where`/`any`/`all` over a list that failed to check, the name
        // may be a member of its unknown element: that mistake was reported.
        if hint != Some(&Type::Error)
            && sc.subject.is_some()
            && !sc.elements.iter().any(Type::is_error)
        {
            let d = self.unknown_name(sc, id, hint);
            self.emit(d);
        }
        RExpr::error(span)
    }

    fn unknown_name(&self, sc: &Scope, id: &Ident, hint: Option<&Type>) -> Diagnostic {
        let mut cands: Vec<&str> = Vec::new();
        let mut entities: Vec<EntityId> = sc.subject.into_iter().collect();
        for t in &sc.elements {
            if let Type::Entity(e) = t {
                entities.push(*e);
            }
        }
        for e in entities {
            if let Some(def) = self.out.entities.get(e.0) {
                cands.extend(def.members.keys().map(String::as_str));
            }
        }
        // The members of the subject and of the elements in scope.
        let members = cands.len();
        if let Ctx::Assessment(a) = sc.ctx {
            if let Some(ctx) = self.assess_ctx.get(a.0) {
                cands.extend(ctx.questions.keys().map(String::as_str));
                cands.extend(ctx.scores.keys().map(String::as_str));
            }
        }
        cands.extend(self.out.index.params.keys().map(String::as_str));
        cands.extend(self.out.index.variants.keys().map(String::as_str));
        cands.push("today");
        if let Some(Type::Enum(e)) = hint {
            if let Some(def) = self.out.enums.get(e.0) {
                // Compared with an enum value: most likely a misspelt variant.
                let variants: Vec<&str> = def.variants.iter().map(|v| v.name.as_str()).collect();
                if super::util::suggest(&id.name, cands.iter().copied())
                    .is_none_or(|s| variants.contains(&s.as_str()))
                {
                    let fallback = format!(
                        "the variants of `{}` are {}",
                        def.name,
                        super::util::list_names(variants.iter().copied())
                    );
                    return super::collect::unknown_variant(
                        sc.file, id, &def.name, variants, fallback,
                    );
                }
            }
        }
        if let Some(Type::Risk(a)) = hint {
            // Compared with a risk level: only the assessment's levels are meant.
            if let Some(def) = self.out.assessments.get(a.0) {
                let levels = def.risk_levels.iter().map(String::as_str);
                let fallback = format!(
                    "the risk levels of `{}` are {}",
                    def.name,
                    super::util::list_names(levels.clone())
                );
                return unknown(
                    Code::E0102,
                    sc.file,
                    id,
                    "risk level",
                    levels.collect(),
                    fallback,
                );
            }
        }
        let (kind, fallback) = match hint {
            Some(Type::Enum(e)) => {
                let def = self.out.enums.get(e.0);
                debug_assert!(def.is_some(), "INVARIANT: a type's enum is of this model");
                let vs = def
                    .map(|d| super::util::list_names(d.variants.iter().map(|v| v.name.as_str())))
                    .unwrap_or_default();
                (
                    "name",
                    format!(
                        "the variants of `{}` are {vs}",
                        def.map_or("", |d| d.name.as_str())
                    ),
                )
            }
            Some(Type::Risk(_)) => (
                "risk level",
                "use a level declared with `risk LEVEL when …` in the assessment".into(),
            ),
            _ => (
                "name",
                "declare it as a field, a `let` or a parameter, or check the spelling".into(),
            ),
        };
        // Close to a member in scope: "did you mean" says it all.
        let near_member =
            super::util::suggest(&id.name, cands.iter().take(members).copied()).is_some();
        let d = unknown(Code::E0102, sc.file, id, kind, cands, fallback);
        match sc
            .subject
            .and_then(|e| self.out.entities.get(e.0).map(|d| (e, d)))
        {
            // An expected enum or risk level was handled above; a number or a
            // Boolean expected (`age >= 18`) says nothing about where `age` lives.
            Some((e, def))
                if !matches!(hint, Some(Type::Enum(_) | Type::Risk(_))) && !near_member =>
            {
                self.explain_unknown(d, e, &def.name, &id.name)
            }
            _ => d,
        }
    }

    /// Better words for a name that belongs to another entity, or for an owner
    /// accessor that does not exist.
    fn explain_unknown(
        &self,
        mut d: Diagnostic,
        subject: EntityId,
        sname: &str,
        name: &str,
    ) -> Diagnostic {
        d.message = format!("unknown name `{name}` in `{sname}`");
        let holders: Vec<&str> = self
            .out
            .entities
            .iter()
            .filter(|o| {
                o.fields
                    .iter()
                    .any(|f| f.ty == Type::List(Box::new(Type::Entity(subject))))
            })
            .map(|o| o.name.as_str())
            .collect();
        if holders.len() > 1 && holders.iter().any(|h| super::util::snake_case(h) == name) {
            d.message = format!("`{sname}` has no single owner, so `{name}` is not defined");
            d.help = Some(format!(
                "`{sname}` is listed in {}; an owner accessor exists only for one",
                super::util::list_names(holders)
            ));
            return d;
        }
        let Some(def) = self.out.entities.get(subject.0) else {
            return d;
        };
        for other in &self.out.entities {
            if !other.members.contains_key(name) {
                continue;
            }
            let via = def.fields.iter().find(|f| match &f.ty {
                Type::List(t) => matches!(**t, Type::Entity(x) if self.out.entities.get(x.0).is_some_and(|x| x.name == other.name)),
                _ => false,
            });
            d.help = Some(match via {
                Some(f) => format!(
                    "`{name}` is a member of `{}`: reach it through `{}`, e.g. `any {} where {name} …` or `{} where {name} …`",
                    other.name, f.name, f.name, f.name
                ),
                None => format!("`{name}` is a member of `{}`, not of `{sname}`", other.name),
            });
            break;
        }
        d
    }

    fn field_access(&mut self, sc: &mut Scope, base: RExpr, field: &Ident, span: Span) -> RExpr {
        let (entity, over_list) = match &base.ty {
            Type::Error => return RExpr::error(span),
            Type::Entity(e) => (*e, false),
            Type::List(t) => match flatten(t) {
                Type::Entity(e) => (*e, true),
                _ => return self.bad_field_access(sc, &base, field),
            },
            _ => return self.bad_field_access(sc, &base, field),
        };
        let Some(m) = self.lookup_member(entity, &field.name) else {
            let def = self.out.entities.get(entity.0);
            debug_assert!(def.is_some(), "INVARIANT: a type's entity is of this model");
            let cands: Vec<&str> = def
                .map(|d| d.members.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let ename = def.map_or(String::new(), |d| d.name.clone());
            let fallback = format!("declare `{}` in `{ename}`", field.name);
            let d = super::collect::unknown_field(sc.file, field, &ename, cands, fallback);
            self.emit(d);
            return RExpr::error(span);
        };
        self.refer_member(sc.file, field.span, entity, m);
        let ty = self.member_type(sc, entity, m, field.span);
        if over_list {
            let ty = match ty {
                Type::List(t) => Type::List(t),
                Type::Error => Type::Error,
                t => Type::List(Box::new(t)),
            };
            mk(
                RKind::Project {
                    base: Box::new(base),
                    entity,
                    member: m,
                },
                ty,
                span,
            )
        } else {
            mk(
                RKind::Get {
                    base: Box::new(base),
                    entity,
                    member: m,
                },
                ty,
                span,
            )
        }
    }

    fn bad_field_access(&mut self, sc: &Scope, base: &RExpr, field: &Ident) -> RExpr {
        let t = self.type_name(&base.ty);
        self.emit(
            Diagnostic::error(
                Code::E0209,
                sc.file,
                field.span,
                format!(
                    "`.{}` needs an entity or a list of entities, found `{t}`",
                    field.name
                ),
            )
            .with_help(
                "read fields of entities only, e.g. `household.region` or `members.monthly_income`",
            ),
        );
        RExpr::error(base.span.to(field.span))
    }

    pub(super) fn arity(&mut self, sc: &Scope, func: &Ident, args: usize, want: &[usize]) -> bool {
        if want.contains(&args) {
            return true;
        }
        let expected = match want {
            [n] => plural(*n, "argument", "arguments"),
            [a, b] => format!("{a} or {b} arguments"),
            _ => "other arguments".into(),
        };
        self.emit(
            Diagnostic::error(
                Code::E0208,
                sc.file,
                func.span,
                format!("`{}` takes {expected}, found {}", func.name, args),
            )
            .with_help(format!("call it with {expected}")),
        );
        false
    }

    /// The single bare-name argument of `eligible`, `amount`, `points`, `risk`.
    fn name_arg<'e>(
        &mut self,
        sc: &Scope,
        func: &Ident,
        args: &'e [Expr],
        what: &str,
    ) -> Option<&'e Ident> {
        if !self.arity(sc, func, args.len(), &[1]) {
            return None;
        }
        match args.first() {
            Some(Expr::Name(id)) => Some(id),
            Some(other) => {
                self.emit(
                    Diagnostic::error(
                        Code::E0201,
                        sc.file,
                        other.span(),
                        format!("`{}` takes the name of a {what}", func.name),
                    )
                    .with_help(format!("write `{}(NAME)` with a {what}'s name", func.name)),
                );
                None
            }
            None => None,
        }
    }

    /// The step of protocol `p` named `id`; `E0112` (with the closest name)
    /// when there is none.
    fn protocol_step(&mut self, sc: &Scope, p: ProtocolId, id: &Ident) -> Option<usize> {
        let ctx = self.proto_ctx.get(p.0);
        if let Some(&step) = ctx.and_then(|c| c.steps.get(&id.name)) {
            let proto = self.out.protocols.get(p.0).filter(|_| self.records());
            if let Some(proto) = proto.map(|d| d.name.clone()) {
                refer!(
                    self,
                    sc.file,
                    id.span,
                    Sym::scoped(SymKind::Step, proto, &id.name),
                );
            }
            return Some(step);
        }
        // A protocol not yet resolved has no steps to suggest: the error stands
        // without a "did you mean".
        let cands = ctx
            .map(|c| c.steps.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let d = unknown(
            Code::E0112,
            sc.file,
            id,
            "step",
            cands,
            "name a step of this protocol",
        );
        self.emit(d);
        None
    }

    /// Inside `for each need of STEP where …`: `need = NAME`, `need != NAME`,
    /// `need in {NAME, …}` and `need not in {…}`, each NAME a need of STEP's
    /// assessment (E0109 otherwise); `need` anywhere else is E0530. `None`:
    /// the expression does not read `need` at its top.
    fn need_test(&mut self, sc: &Scope, step: usize, e: &Expr) -> Option<RExpr> {
        let is_need = |x: &Expr| matches!(x, Expr::Name(id) if id.name == "need");
        let (names, negated, span): (Vec<&Expr>, bool, Span) = match e {
            Expr::Binary {
                op: op @ (ast::BinaryOp::Eq | ast::BinaryOp::Ne),
                lhs,
                rhs,
                span,
            } if is_need(lhs) || is_need(rhs) => {
                let other = if is_need(lhs) { rhs } else { lhs };
                (vec![&**other], *op == ast::BinaryOp::Ne, *span)
            }
            Expr::InSet {
                value,
                set,
                negated,
                span,
            } if is_need(value) => (set.iter().collect(), *negated, *span),
            Expr::Name(id) if id.name == "need" => {
                self.emit(
                    Diagnostic::error(
                        Code::E0530,
                        sc.file,
                        id.span,
                        "`need` stands for the need considered, and can only be compared with needs",
                    )
                    .with_help("write `need = housing`, `need != housing` or `need in {housing, income}`"),
                );
                return Some(RExpr::error(id.span));
            }
            _ => return None,
        };
        let Ctx::Protocol(p) = sc.ctx else {
            return None;
        };
        let needs: Vec<String> = self
            .step_assessment(p, step)
            .and_then(|a| self.out.assessments.get(a.0))
            .map(|d| d.needs.iter().map(|n| n.name.clone()).collect())
            .unwrap_or_default();
        let mut tests = Vec::new();
        let mut ok = true;
        for n in names {
            let Expr::Name(id) = n else {
                self.emit(
                    Diagnostic::error(
                        Code::E0530,
                        sc.file,
                        n.span(),
                        "`need` can only be compared with the names of needs",
                    )
                    .with_help(
                        "write `need = housing`, `need != housing` or `need in {housing, income}`",
                    ),
                );
                ok = false;
                continue;
            };
            match needs.iter().position(|x| *x == id.name) {
                Some(need) => {
                    refer!(self, sc.file, id.span, Sym::global(SymKind::Need, &id.name));
                    tests.push(mk(RKind::NeedIs { step, need }, Type::Boolean, id.span));
                }
                None => {
                    let d = unknown(
                        Code::E0109,
                        sc.file,
                        id,
                        "need",
                        needs.iter().map(String::as_str).collect(),
                        "name a need of the step's assessment",
                    );
                    self.emit(d);
                    ok = false;
                }
            }
        }
        if !ok {
            return Some(RExpr::error(span));
        }
        // `need in {a, b}` is `need = a or need = b`; an empty set never holds.
        let mut any = tests.into_iter().reduce(|a, b| {
            mk(
                RKind::Binary {
                    op: ast::BinaryOp::Or,
                    lhs: Box::new(a),
                    rhs: Box::new(b),
                },
                Type::Boolean,
                span,
            )
        })?;
        any.span = span;
        Some(match negated {
            false => any,
            true => mk(
                RKind::Unary {
                    op: ast::UnaryOp::Not,
                    operand: Box::new(any),
                },
                Type::Boolean,
                span,
            ),
        })
    }

    /// `found(step, need)`, in a protocol: the step's assessment established
    /// the need.
    fn found(&mut self, sc: &Scope, func: &Ident, args: &[Expr], span: Span) -> RExpr {
        if !self.arity(sc, func, args.len(), &[2]) {
            return RExpr::error(span);
        }
        let Ctx::Protocol(p) = sc.ctx else {
            self.emit(
                Diagnostic::error(
                    Code::E0213,
                    sc.file,
                    func.span,
                    "`found` is only available in a protocol",
                )
                .with_help("use `found(STEP, NEED)` in a protocol step's `when`"),
            );
            return RExpr::error(span);
        };
        let names: Vec<&Ident> = args
            .iter()
            .filter_map(|a| match a {
                Expr::Name(id) => Some(id),
                _ => None,
            })
            .collect();
        let (Some(step_id), Some(need_id), 2) = (names.first(), names.get(1), names.len()) else {
            self.emit(
                Diagnostic::error(
                    Code::E0201,
                    sc.file,
                    span,
                    "`found` takes the name of a step and the name of a need",
                )
                .with_help("write `found(STEP, NEED)`, e.g. `found(assess, rehabilitation)`"),
            );
            return RExpr::error(span);
        };
        let Some(step) = self.protocol_step(sc, p, step_id) else {
            return RExpr::error(span);
        };
        let Some(a) = self.step_assessment(p, step) else {
            self.emit(
                Diagnostic::error(
                    Code::E0507,
                    sc.file,
                    step_id.span,
                    format!("step `{}` has no `assessment`", step_id.name),
                )
                .with_help(
                    "`found(STEP, NEED)` reads the needs found by a step with `assessment NAME`",
                ),
            );
            return RExpr::error(span);
        };
        let def = self.out.assessments.get(a.0);
        // Assessments are resolved before any expression is checked.
        debug_assert!(
            def.is_some(),
            "INVARIANT: a step's assessment is of this model"
        );
        let needs: Vec<String> = def
            .map(|d| d.needs.iter().map(|n| n.name.clone()).collect())
            .unwrap_or_default();
        match needs.iter().position(|n| *n == need_id.name) {
            Some(need) => {
                refer!(
                    self,
                    sc.file,
                    need_id.span,
                    Sym::global(SymKind::Need, &need_id.name),
                );
                mk(RKind::Found { step, need }, Type::Boolean, span)
            }
            None => {
                let d = unknown(
                    Code::E0109,
                    sc.file,
                    need_id,
                    "need",
                    needs.iter().map(String::as_str).collect(),
                    "name a need of the step's assessment",
                );
                self.emit(d);
                RExpr::error(span)
            }
        }
    }

    /// `chosen(question, option)`: a multiple-choice answer includes an option.
    fn chosen(&mut self, sc: &Scope, func: &Ident, args: &[Expr], span: Span) -> RExpr {
        if !self.arity(sc, func, args.len(), &[2]) {
            return RExpr::error(span);
        }
        let Ctx::Assessment(a) = sc.ctx else {
            self.emit(
                Diagnostic::error(
                    Code::E0213,
                    sc.file,
                    func.span,
                    "`chosen` is only available in an assessment",
                )
                .with_help("use `chosen(QUESTION, OPTION)` with a `choices` question"),
            );
            return RExpr::error(span);
        };
        let (Some(Expr::Name(q)), Some(Expr::Name(o))) = (args.first(), args.get(1)) else {
            self.emit(
                Diagnostic::error(
                    Code::E0201,
                    sc.file,
                    span,
                    "`chosen` takes a question's name and an option's name",
                )
                .with_help(
                    "write `chosen(QUESTION, OPTION)`, e.g. `chosen(services_used, day_care)`",
                ),
            );
            return RExpr::error(span);
        };
        let def = self.out.assessments.get(a.0);
        // Assessments are resolved before any expression is checked.
        debug_assert!(def.is_some(), "INVARIANT: an assessment of this model");
        let found = self
            .assess_ctx
            .get(a.0)
            .and_then(|c| c.questions.get(&q.name))
            .copied()
            .and_then(|qi| Some((qi, &def?.questions.get(qi)?.kind)));
        let options = match found {
            Some((qi, QuestionSpec::Choices { options })) => Some((
                qi,
                options.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
            )),
            _ => None,
        };
        let question_sym = found
            .and(def)
            .filter(|_| self.records())
            .map(|d| Sym::scoped(SymKind::Question, d.name.clone(), &q.name));
        let Some((qi, options)) = options else {
            if let Some((_, QuestionSpec::Choice { .. })) = found {
                self.emit(
                    Diagnostic::error(
                        Code::E0109,
                        sc.file,
                        q.span,
                        format!("`{}` is a single choice, not a `choices` question", q.name),
                    )
                    .with_help(format!("compare it with an option: `{} = OPTION`", q.name)),
                );
                return RExpr::error(span);
            }
            let cands: Vec<&str> = def
                .map(|d| {
                    d.questions
                        .iter()
                        .filter(|x| matches!(x.kind, QuestionSpec::Choices { .. }))
                        .map(|x| x.name.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let d = unknown(
                Code::E0109,
                sc.file,
                q,
                "multiple-choice question",
                cands,
                "name a question answered with `choices { … }`",
            );
            self.emit(d);
            return RExpr::error(span);
        };
        if let Some(sym) = question_sym {
            refer!(self, sc.file, q.span, sym);
        }
        match options.iter().position(|x| *x == o.name) {
            Some(oi) => mk(
                RKind::Chosen {
                    question: qi,
                    option: oi,
                },
                Type::Boolean,
                span,
            ),
            None => {
                let d = unknown(
                    Code::E0106,
                    sc.file,
                    o,
                    "option",
                    options.iter().map(String::as_str).collect(),
                    "name one of the question's options",
                );
                self.emit(d);
                RExpr::error(span)
            }
        }
    }

    fn call(&mut self, sc: &mut Scope, func: &Ident, args: &[Expr], span: Span) -> RExpr {
        let name = func.name.as_str();
        match name {
            "eligible" | "amount" => {
                let Some(id) = self.name_arg(sc, func, args, "programme") else {
                    return RExpr::error(span);
                };
                let Some(&p) = self.out.index.programs.get(&id.name) else {
                    let cands = self.out.index.programs.keys().map(String::as_str).collect();
                    let d = unknown(
                        Code::E0105,
                        sc.file,
                        id,
                        "programme",
                        cands,
                        "name a declared `program`",
                    );
                    self.emit(d);
                    return RExpr::error(span);
                };
                refer!(
                    self,
                    sc.file,
                    id.span,
                    Sym::global(SymKind::Program, &id.name)
                );
                let subject = self.out.programs.get(p.0).and_then(|d| d.subject);
                let base = self.program_base(sc, subject);
                let Some((base, via_owner)) = base else {
                    if let Some(s) = subject {
                        let pname = self.type_name(&Type::Entity(s));
                        let here = sc.subject.map_or("no entity".to_string(), |e| {
                            format!("`{}`", self.type_name(&Type::Entity(e)))
                        });
                        self.emit(
                            Diagnostic::error(
                                Code::E0210,
                                sc.file,
                                id.span,
                                format!("`{}` is a programme for `{pname}`, but here the subject is {here}", id.name),
                            )
                            .with_help(format!(
                                "refer to it from a definition about `{pname}`, e.g. inside `any members where {name}({})`",
                                id.name
                            )),
                        );
                    }
                    return RExpr::error(span);
                };
                if name == "eligible" {
                    self.add_dep(sc, DefNode::Eligible(p), id.span);
                    mk(
                        RKind::Eligible {
                            program: p,
                            base,
                            via_owner,
                        },
                        Type::Boolean,
                        span,
                    )
                } else {
                    let has_amount = self.program_ast.get(p.0).is_some_and(|(_, a)| {
                        a.items
                            .iter()
                            .any(|i| matches!(i, ast::ProgramItem::Amount(..)))
                    });
                    if !has_amount {
                        self.emit(
                            Diagnostic::error(Code::E0201, sc.file, id.span, format!("programme `{}` has no `amount`", id.name))
                                .with_help("use `eligible(…)` for a programme without an amount, or give it `amount = …`"),
                        );
                    }
                    self.add_dep(sc, DefNode::Amount(p), id.span);
                    mk(
                        RKind::Amount {
                            program: p,
                            base,
                            via_owner,
                        },
                        Type::Money,
                        span,
                    )
                }
            }
            "chosen" => self.chosen(sc, func, args, span),
            "points" => {
                let Some(id) = self.name_arg(sc, func, args, "section") else {
                    return RExpr::error(span);
                };
                let Ctx::Assessment(a) = sc.ctx else {
                    self.emit(
                        Diagnostic::error(
                            Code::E0213,
                            sc.file,
                            func.span,
                            "`points` is only available in an assessment",
                        )
                        .with_help("use `points(SECTION)` in an assessment's score, need or risk"),
                    );
                    return RExpr::error(span);
                };
                match self
                    .assess_ctx
                    .get(a.0)
                    .and_then(|c| c.sections.get(&id.name))
                    .copied()
                {
                    Some(s) => {
                        self.refer_in_assessment(sc.file, id.span, a, SymKind::Section, &id.name);
                        mk(RKind::Points(s), Type::Decimal, span)
                    }
                    None => {
                        let question = self
                            .assess_ctx
                            .get(a.0)
                            .and_then(|c| c.questions.get(&id.name))
                            .copied();
                        if let Some(q) = question {
                            self.refer_in_assessment(
                                sc.file,
                                id.span,
                                a,
                                SymKind::Question,
                                &id.name,
                            );
                            return mk(RKind::QuestionPoints(q), Type::Decimal, span);
                        }
                        let ctx = self.assess_ctx.get(a.0);
                        // Assessments are resolved before any expression is checked.
                        debug_assert!(ctx.is_some(), "INVARIANT: an assessment of this model");
                        let cands = ctx
                            .map(|c| {
                                c.sections
                                    .keys()
                                    .chain(c.questions.keys())
                                    .map(String::as_str)
                                    .collect()
                            })
                            .unwrap_or_default();
                        let d = unknown(
                            Code::E0109,
                            sc.file,
                            id,
                            "section or question",
                            cands,
                            "name a `section` or a question of this assessment",
                        );
                        self.emit(d);
                        RExpr::error(span)
                    }
                }
            }
            "risk" => {
                let Some(id) = self.name_arg(sc, func, args, "step") else {
                    return RExpr::error(span);
                };
                let Ctx::Protocol(p) = sc.ctx else {
                    self.emit(
                        Diagnostic::error(
                            Code::E0213,
                            sc.file,
                            func.span,
                            "`risk` is only available in a protocol",
                        )
                        .with_help("use `risk(STEP)` in a protocol step's `when`"),
                    );
                    return RExpr::error(span);
                };
                let Some(step) = self.protocol_step(sc, p, id) else {
                    return RExpr::error(span);
                };
                match self.step_assessment(p, step) {
                    Some(a) => mk(RKind::Risk(step), Type::Risk(a), span),
                    None => {
                        self.emit(
                            Diagnostic::error(Code::E0507, sc.file, id.span, format!("step `{}` has no `assessment`", id.name))
                                .with_help("`risk(STEP)` reads the risk found by a step with `assessment NAME`"),
                        );
                        RExpr::error(span)
                    }
                }
            }
            "found" => self.found(sc, func, args, span),
            _ => {
                if let Some(f) = builtin_fn(name) {
                    return self.builtin(sc, f, func, args, span);
                }
                if let Some(&t) = self.out.index.tables.get(name) {
                    refer!(self, sc.file, func.span, Sym::global(SymKind::Table, name));
                    return self.table_call(sc, t, func, args, span);
                }
                if let Some(&s) = self.out.index.scales.get(name) {
                    refer!(self, sc.file, func.span, Sym::global(SymKind::Scale, name));
                    return self.scale_call(sc, s, func, args, span);
                }
                let mut cands: Vec<&str> = BUILTINS.to_vec();
                cands.extend(self.out.index.tables.keys().map(String::as_str));
                cands.extend(self.out.index.scales.keys().map(String::as_str));
                let d = unknown(
                    Code::E0104,
                    sc.file,
                    func,
                    "function or table",
                    cands,
                    "call a built-in function or a declared `table`",
                );
                self.emit(d);
                for a in args {
                    self.expr(sc, a, None);
                }
                RExpr::error(span)
            }
        }
    }

    /// Which object a programme reference is about: the innermost element of the
    /// programme's entity, else the subject when it is of that entity.
    fn program_base(&self, sc: &Scope, subject: Option<EntityId>) -> Option<(Base, bool)> {
        let s = subject?;
        let mut candidates: Vec<(Base, EntityId)> = Vec::new();
        for (depth, t) in sc.elements.iter().enumerate().rev() {
            if let Type::Entity(e) = t {
                candidates.push((Base::Element(u32::try_from(depth).unwrap_or(u32::MAX)), *e));
            }
        }
        if let Some(e) = sc.subject {
            candidates.push((Base::Subject, e));
        }
        if let Some((b, _)) = candidates.iter().find(|(_, e)| *e == s) {
            return Some((*b, false));
        }
        let owner_of = |e: EntityId| {
            self.out
                .entities
                .get(e.0)
                .and_then(|d| d.owner.as_ref())
                .map(|o| o.owner)
        };
        candidates
            .iter()
            .find(|(_, e)| owner_of(*e) == Some(s))
            .map(|(b, _)| (*b, true))
    }

    fn qualified_variant(&mut self, sc: &Scope, e: EnumId, field: &Ident, span: Span) -> RExpr {
        let Some(def) = self.out.enums.get(e.0) else {
            return RExpr::error(span);
        };
        if let Some(i) = def.variants.iter().position(|v| v.name == field.name) {
            refer!(
                self,
                sc.file,
                field.span,
                Sym::scoped(SymKind::Variant, def.name.clone(), &field.name)
            );
            return mk(RKind::Const(Value::Variant(e, i)), Type::Enum(e), span);
        }
        let cands = def.variants.iter().map(|v| v.name.as_str()).collect();
        let fallback = format!(
            "`{}` has the variants {}",
            def.name,
            super::util::list_names(def.variants.iter().map(|v| v.name.as_str()))
        );
        let d = super::collect::unknown_variant(sc.file, field, &def.name, cands, fallback);
        self.emit(d);
        RExpr::error(span)
    }

    fn table_call(
        &mut self,
        sc: &mut Scope,
        t: TableId,
        func: &Ident,
        args: &[Expr],
        span: Span,
    ) -> RExpr {
        if let Some(u) = self.used_tables.get_mut(t.0) {
            *u = true;
        }
        if let Some(def) = sc.def {
            self.table_reads.push((def, t));
        }
        let (params, call_type) = match self.out.tables.get(t.0) {
            Some(d) => (
                d.params.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
                d.call_type.clone(),
            ),
            None => (Vec::new(), Type::Error),
        };
        let ok = self.arity(sc, func, args.len(), &[params.len()]);
        let mut rargs = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let r = match params.get(i) {
                Some(pt) if ok => {
                    let what = format!("argument {} of `{}`", i + 1, func.name);
                    self.expr_of_type(sc, a, pt, &what)
                }
                _ => self.expr(sc, a, None),
            };
            rargs.push(r);
        }
        mk(
            RKind::Table {
                table: t,
                args: rargs,
            },
            call_type,
            span,
        )
    }

    /// A call of a function of [`BUILTIN_FNS`]: its arity, then its [`Typing`].
    /// A call with an argument that failed to check has the error type: that
    /// mistake was reported, and a type guessed from the other arguments would
    /// only make the lines using the result report it again.
    fn builtin(
        &mut self,
        sc: &mut Scope,
        f: &BuiltinFn,
        func: &Ident,
        args: &[Expr],
        span: Span,
    ) -> RExpr {
        let name = f.name;
        let ok = self.arity(sc, func, args.len(), &f.arity.accepts(args.len()));
        let rargs: Vec<RExpr> = args.iter().map(|a| self.expr(sc, a, None)).collect();
        if !ok {
            return RExpr::error(span);
        }
        let first_ty = rargs.first().map_or(Type::Error, |a| a.ty.clone());
        let (func_id, ty) = match f.typing {
            Typing::Count => {
                self.need_list(sc, &rargs, name, |_| true, "a list");
                (Builtin::Count, Type::Integer)
            }
            Typing::Sum => {
                let el = self.need_list(
                    sc,
                    &rargs,
                    name,
                    |t| t.is_amount(),
                    "a list of numbers or money",
                );
                (Builtin::Sum, el)
            }
            Typing::Extreme { of_list, .. } if rargs.len() == 1 => {
                let el = self.need_list(
                    sc,
                    &rargs,
                    name,
                    Type::is_orderable,
                    "a list of numbers, money or dates",
                );
                (of_list, el)
            }
            Typing::Extreme { of_values, .. } => (of_values, self.pair_type(sc, &rargs, func)),
            Typing::Known => (Builtin::Known, Type::Boolean),
            Typing::Between(b) => {
                for a in &rargs {
                    self.need_arg(sc, a, &Type::Date, func);
                }
                (b, Type::Integer)
            }
            Typing::Date => {
                for a in &rargs {
                    self.need_arg(sc, a, &Type::Integer, func);
                }
                self.literal_date_call(sc, &rargs, span);
                (Builtin::Date, Type::Date)
            }
            Typing::Rounding(b) => {
                if !(first_ty.is_amount() || first_ty.is_error()) {
                    let t = self.type_name(&first_ty);
                    self.emit(
                        Diagnostic::error(
                            Code::E0201,
                            sc.file,
                            rargs.first().map_or(span, |a| a.span),
                            format!("`{name}` needs a number or money, found `{t}`"),
                        )
                        .with_help("pass a number or a money amount"),
                    );
                }
                if let Some(digits) = rargs.get(1) {
                    self.need_arg(sc, digits, &Type::Integer, func);
                }
                // Rounding to a whole number gives an Integer; money stays money.
                let ty = match (&first_ty, b, rargs.len()) {
                    (Type::Decimal, Builtin::Round | Builtin::Floor | Builtin::Ceil, 1) => {
                        Type::Integer
                    }
                    (t, _, _) if t.is_amount() => t.clone(),
                    _ => Type::Error,
                };
                (b, ty)
            }
            Typing::Series(b) => (b, self.series_call(sc.file, b, &rargs, func)),
        };
        let ty = if rargs.iter().any(|a| a.ty.is_error()) {
            Type::Error
        } else {
            ty
        };
        mk(
            RKind::Builtin {
                func: func_id,
                args: rargs,
            },
            ty,
            span,
        )
    }

    fn need_arg(&mut self, sc: &Scope, a: &RExpr, want: &Type, func: &Ident) {
        if !fits(&a.ty, want, false) {
            let (w, f) = (self.type_name(want), self.type_name(&a.ty));
            self.emit(
                Diagnostic::error(
                    Code::E0201,
                    sc.file,
                    a.span,
                    format!("`{}` needs `{w}` here, found `{f}`", func.name),
                )
                .with_help(format!("pass a `{w}`")),
            );
        }
    }

    /// The element type of a list argument satisfying `ok` (E0207 otherwise).
    fn need_list(
        &mut self,
        sc: &Scope,
        args: &[RExpr],
        name: &str,
        ok: impl Fn(&Type) -> bool,
        what: &str,
    ) -> Type {
        let Some(a) = args.first() else {
            return Type::Error;
        };
        match &a.ty {
            Type::Error => Type::Error,
            Type::List(t) if ok(t) || t.is_error() => (**t).clone(),
            other => {
                let t = self.type_name(other);
                self.emit(
                    Diagnostic::error(
                        Code::E0207,
                        sc.file,
                        a.span,
                        format!("`{name}` needs {what}, found `{t}`"),
                    )
                    .with_help(if name == "min" || name == "max" {
                        format!(
                            "pass a list, e.g. `{name}(members.age)`, or two values `{name}(a, b)`"
                        )
                    } else {
                        format!("pass {what}, e.g. `{name}(members.monthly_income)`")
                    }),
                );
                Type::Error
            }
        }
    }

    /// The common orderable type of `min(a, b, …)`'s arguments.
    fn pair_type(&mut self, sc: &Scope, args: &[RExpr], func: &Ident) -> Type {
        let Some(first) = args.first() else {
            return Type::Error;
        };
        let mut ty = first.ty.clone();
        let mut lit = adapts_to_money(first);
        for b in args.iter().skip(1) {
            match unify(&ty, &b.ty, lit, adapts_to_money(b)) {
                Some(t) if t.is_orderable() => {
                    ty = t;
                    lit = lit && adapts_to_money(b);
                }
                _ => {
                    let (x, y) = (self.type_name(&ty), self.type_name(&b.ty));
                    self.emit(
                        Diagnostic::error(
                            Code::E0201,
                            sc.file,
                            b.span,
                            format!(
                                "`{}` needs values of one orderable type, found `{x}` and `{y}`",
                                func.name
                            ),
                        )
                        .with_help("pass numbers, money amounts or dates, all of one kind"),
                    );
                    return Type::Error;
                }
            }
        }
        ty
    }

    fn literal_date_call(&mut self, sc: &Scope, args: &[RExpr], span: Span) {
        let nums: Vec<Decimal> = args
            .iter()
            .filter_map(|a| match &a.kind {
                RKind::Const(Value::Number(n)) => Some(*n),
                _ => None,
            })
            .collect();
        if let [y, m, d] = nums.as_slice() {
            let part = |x: &Decimal| i64::try_from(*x).ok();
            let valid = match (part(y), part(m), part(d)) {
                (Some(y), Some(m), Some(d)) => {
                    match (i32::try_from(y), u32::try_from(m), u32::try_from(d)) {
                        (Ok(year), Ok(month), Ok(day)) => civil_date(&ast::DateLit {
                            year,
                            month,
                            day,
                            span,
                        })
                        .is_some(),
                        _ => false,
                    }
                }
                _ => false,
            };
            if !valid {
                self.emit(
                    Diagnostic::error(
                        Code::E0211,
                        sc.file,
                        span,
                        "these arguments do not make a valid date",
                    )
                    .with_help("give an existing year, month (1–12) and day"),
                );
            }
        }
    }

    fn require_orderable(&mut self, sc: &Scope, v: &RExpr) -> bool {
        if v.ty.is_orderable() {
            return true;
        }
        let t = self.type_name(&v.ty);
        let help = match &v.ty {
            Type::Enum(_) | Type::Risk(_) | Type::Choice(..) => {
                "compare with `=`/`!=`, or test membership with `in {a, b}`"
            }
            _ => "order applies to numbers, money, dates and durations",
        };
        self.emit(
            Diagnostic::error(
                Code::E0206,
                sc.file,
                v.span,
                format!("values of type `{t}` have no order"),
            )
            .with_help(help),
        );
        false
    }

    /// Whether `=`/`!=` may compare the two values.
    fn comparable(&self, a: &RExpr, b: &RExpr) -> bool {
        match (&a.ty, &b.ty) {
            (Type::Error, _) | (_, Type::Error) => true,
            (x, y) if x.is_numeric() && y.is_numeric() => true,
            (Type::Money, y) if y.is_numeric() => adapts_to_money(b),
            (x, Type::Money) if x.is_numeric() => adapts_to_money(a),
            (Type::Entity(_), _) | (Type::List(_), _) => false,
            (x, y) => x == y,
        }
    }

    fn binary(
        &mut self,
        sc: &mut Scope,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        hint: Option<&Type>,
    ) -> RExpr {
        use BinaryOp::*;
        match op {
            And | Or | Implies => self.logic_expr(sc, op, lhs, rhs, span),
            Eq | Ne | Lt | Le | Gt | Ge => self.comparison_expr(sc, op, lhs, rhs, span),
            Otherwise => self.otherwise_expr(sc, op, lhs, rhs, span, hint),
            Add | Sub | Mul | Div => self.arithmetic_expr(sc, op, lhs, rhs, span),
        }
    }

    #[inline(never)]
    fn logic_expr(
        &mut self,
        sc: &mut Scope,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> RExpr {
        let what = format!("the operand of `{}`", op.symbol());
        let l = self.condition(sc, lhs, &what);
        let r = self.condition(sc, rhs, &what);
        binary(op, l, r, Type::Boolean, span)
    }

    #[inline(never)]
    fn comparison_expr(
        &mut self,
        sc: &mut Scope,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> RExpr {
        // A bare name on the left (`low = risk(x)`) takes its meaning from the right.
        let (l, r) = if matches!(lhs, Expr::Name(_)) && !matches!(rhs, Expr::Name(_)) {
            let r = self.expr(sc, rhs, None);
            let l = self.expr(sc, lhs, Some(&r.ty));
            (l, r)
        } else {
            let l = self.expr(sc, lhs, None);
            let r = self.expr(sc, rhs, Some(&l.ty));
            (l, r)
        };
        if !self.comparable(&l, &r) {
            let (a, b) = (self.type_name(&l.ty), self.type_name(&r.ty));
            let help = match (&l.ty, &r.ty) {
                (Type::Money, t) | (t, Type::Money) if t.is_numeric() => {
                    "money compares with money or a number written out: declare the other side as Money".to_string()
                }
                (Type::Entity(_) | Type::List(_), _) | (_, Type::Entity(_) | Type::List(_)) => {
                    "compare fields of entities, or count a list with `count(…)`".to_string()
                }
                _ => format!("compare `{a}` with `{a}`"),
            };
            self.emit(
                Diagnostic::error(
                    Code::E0205,
                    sc.file,
                    span,
                    format!("cannot compare `{a}` with `{b}`"),
                )
                .with_help(help),
            );
        } else if !matches!(op, BinaryOp::Eq | BinaryOp::Ne) && self.require_orderable(sc, &l) {
            self.require_orderable(sc, &r);
        }
        binary(op, l, r, Type::Boolean, span)
    }

    #[inline(never)]
    fn otherwise_expr(
        &mut self,
        sc: &mut Scope,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        hint: Option<&Type>,
    ) -> RExpr {
        let l = self.expr(sc, lhs, hint);
        let r = self.expr(sc, rhs, Some(&l.ty));
        let ty = match unify(&l.ty, &r.ty, false, adapts_to_money(&r)) {
            Some(t) => t,
            None => {
                let (a, b) = (self.type_name(&l.ty), self.type_name(&r.ty));
                self.emit(
                    Diagnostic::error(
                        Code::E0201,
                        sc.file,
                        r.span,
                        format!("the default after `otherwise` is `{b}`, the value is `{a}`"),
                    )
                    .with_help(format!("give a default of type `{a}`")),
                );
                Type::Error
            }
        };
        binary(op, l, r, ty, span)
    }

    #[inline(never)]
    fn arithmetic_expr(
        &mut self,
        sc: &mut Scope,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> RExpr {
        // Operands of arithmetic are never variants: no hint.
        let l = self.expr(sc, lhs, None);
        let r = self.expr(sc, rhs, None);
        let ty = self.arithmetic(sc, op, &l, &r, span);
        binary(op, l, r, ty, span)
    }

    fn arithmetic(&mut self, sc: &Scope, op: BinaryOp, l: &RExpr, r: &RExpr, span: Span) -> Type {
        use BinaryOp::*;
        use Type::*;
        let (ll, rl) = (adapts_to_money(l), adapts_to_money(r));
        let ty = match (op, &l.ty, &r.ty) {
            (_, Error, _) | (_, _, Error) => Some(Error),
            (Add | Sub | Mul, a, b) if a.is_numeric() && b.is_numeric() => Some(wider_number(a, b)),
            (Div, a, b) if a.is_numeric() && b.is_numeric() => Some(Decimal),
            (Add | Sub, Money, Money) => Some(Money),
            (Add | Sub, Money, b) if b.is_numeric() && rl => Some(Money),
            (Add | Sub, a, Money) if a.is_numeric() && ll => Some(Money),
            (Mul, Money, b) | (Mul, b, Money) if b.is_numeric() => Some(Money),
            (Div, Money, b) if b.is_numeric() => Some(Money),
            (Div, Money, Money) => Some(Decimal),
            (Add | Sub, Date, Duration) | (Add, Duration, Date) => Some(Date),
            (Add | Sub, Duration, Duration) => Some(Duration),
            _ => None,
        };
        if let Some(t) = ty {
            return t;
        }
        let (a, b) = (self.type_name(&l.ty), self.type_name(&r.ty));
        if op == Sub && l.ty == Date && r.ty == Date {
            self.emit(
                Diagnostic::error(
                    Code::E0203,
                    sc.file,
                    span,
                    "cannot subtract a date from a date",
                )
                .with_help(
                    "use `years_between(a, b)`, `months_between(a, b)` or `days_between(a, b)`",
                ),
            );
            return Error;
        }
        let help = match (&l.ty, &r.ty) {
            (Money, t) | (t, Money) if t.is_numeric() && matches!(op, Add | Sub) => {
                "money adds only to money: multiply the number by a Money parameter, or declare it as Money".to_string()
            }
            (Money, Money) => "multiply money by a number, not by money".to_string(),
            (t, Money) if t.is_numeric() && op == Div => "divide money by a number, or money by money".to_string(),
            (Date, _) | (_, Date) => "add or subtract a duration to a date, e.g. `today - 6 months`".to_string(),
            _ => format!("`{}` applies to numbers and money", op.symbol()),
        };
        self.emit(
            Diagnostic::error(
                Code::E0202,
                sc.file,
                span,
                format!("cannot apply `{}` to `{a}` and `{b}`", op.symbol()),
            )
            .with_help(help),
        );
        Error
    }
}

fn flatten(t: &Type) -> &Type {
    match t {
        Type::List(inner) => flatten(inner),
        other => other,
    }
}

pub(super) fn mk(kind: RKind, ty: Type, span: Span) -> RExpr {
    RExpr { kind, ty, span }
}

/// `l op r` of type `ty`.
fn binary(op: BinaryOp, l: RExpr, r: RExpr, ty: Type, span: Span) -> RExpr {
    mk(
        RKind::Binary {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        },
        ty,
        span,
    )
}
