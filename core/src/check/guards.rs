//! Guards that can never hold (`E0520`): a step's `when` that is false whatever
//! the facts, answers and events.
//!
//! The detection is deliberately simple and sound: it never calls a guard
//! impossible when some case could make it true (with three-valued logic, an
//! unknown operand makes a guard unknown, never true). It finds
//!
//! - a guard that folds to the constant `false` (`when false`, `when 1 > 2`,
//!   `when false and x`);
//! - two conjuncts that contradict each other: comparisons of the same operand
//!   with constants that no value satisfies together (`x > 5 and x < 3`,
//!   `x = 1 and x = 2`, `r = high and r = low`), or a condition beside its own
//!   negation (`a and not a`).
//!
//! Contradictions that need three conjuncts, arithmetic or integrality
//! (`x > 3 and x < 4` for an `Integer`) are not looked for.

use std::cmp::Ordering;

use accord_grammar::ast::{BinaryOp, Span, UnaryOp};

use super::{RExpr, RKind, Value};

/// Why a guard can never hold, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Never {
    /// The guard is `false` whatever the case.
    False,
    /// Two conjuncts (at these spans) cannot both be true.
    Contradiction(Span, Span),
}

/// Why `guard` can never hold, or `None` when it might.
pub(super) fn never_holds(guard: &RExpr) -> Option<Never> {
    if fold(guard) == Some(false) {
        return Some(Never::False);
    }
    let mut conjuncts = Vec::new();
    conjuncts_of(guard, &mut conjuncts);
    for (i, a) in conjuncts.iter().enumerate() {
        for b in conjuncts.iter().skip(i + 1) {
            if contradict(a, b) {
                return Some(Never::Contradiction(a.span, b.span));
            }
        }
    }
    None
}

/// The truth value of a condition that does not depend on the case.
fn fold(e: &RExpr) -> Option<bool> {
    match &e.kind {
        RKind::Const(Value::Bool(b)) => Some(*b),
        RKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => fold(operand).map(|b| !b),
        RKind::Binary { op, lhs, rhs } => {
            let (l, r) = (fold(lhs), fold(rhs));
            match op {
                BinaryOp::And => match (l, r) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                BinaryOp::Or => match (l, r) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                BinaryOp::Implies => match (l, r) {
                    (Some(false), _) | (_, Some(true)) => Some(true),
                    (Some(true), Some(false)) => Some(false),
                    _ => None,
                },
                _ => match (constant(lhs), constant(rhs)) {
                    (Some(a), Some(b)) => Constraint::new(*op, b.clone())?.holds(a),
                    _ => None,
                },
            }
        }
        _ => None,
    }
}

fn conjuncts_of<'e>(e: &'e RExpr, out: &mut Vec<&'e RExpr>) {
    match &e.kind {
        RKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } => {
            conjuncts_of(lhs, out);
            conjuncts_of(rhs, out);
        }
        _ => out.push(e),
    }
}

/// Whether two conditions can never both be true.
fn contradict(a: &RExpr, b: &RExpr) -> bool {
    let negates = |x: &RExpr, y: &RExpr| match &x.kind {
        RKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => same(operand, y),
        _ => false,
    };
    if negates(a, b) || negates(b, a) {
        return true;
    }
    match (comparison(a), comparison(b)) {
        (Some((x, p)), Some((y, q))) if same(x, y) => p.excludes(&q),
        _ => false,
    }
}

fn constant(e: &RExpr) -> Option<&Value> {
    match &e.kind {
        RKind::Const(v) => Some(v),
        _ => None,
    }
}

/// `operand OP constant` (or `constant OP operand`, turned round).
fn comparison(e: &RExpr) -> Option<(&RExpr, Constraint)> {
    let RKind::Binary { op, lhs, rhs } = &e.kind else {
        return None;
    };
    match (constant(lhs), constant(rhs)) {
        (None, Some(c)) => Some((lhs, Constraint::new(*op, c.clone())?)),
        (Some(c), None) => Some((rhs, Constraint::new(flip(*op)?, c.clone())?)),
        _ => None,
    }
}

/// `c OP x` as `x OP' c`.
fn flip(op: BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Eq => BinaryOp::Eq,
        BinaryOp::Ne => BinaryOp::Ne,
        _ => return None,
    })
}

/// The values an operand may take for `operand OP value` to be true.
#[derive(Debug, Clone)]
struct Constraint {
    op: BinaryOp,
    value: Value,
}

impl Constraint {
    fn new(op: BinaryOp, value: Value) -> Option<Self> {
        match op {
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => Some(Constraint { op, value }),
            _ => None,
        }
    }

    /// Whether `v` satisfies the constraint; `None` when that cannot be told.
    fn holds(&self, v: &Value) -> Option<bool> {
        match self.op {
            BinaryOp::Eq => equal(v, &self.value),
            BinaryOp::Ne => equal(v, &self.value).map(|e| !e),
            op => {
                let o = order(v, &self.value)?;
                Some(match op {
                    BinaryOp::Lt => o == Ordering::Less,
                    BinaryOp::Le => o != Ordering::Greater,
                    BinaryOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                })
            }
        }
    }

    /// Whether no value satisfies both constraints.
    fn excludes(&self, other: &Constraint) -> bool {
        use BinaryOp::*;
        match (self.op, other.op) {
            (Eq, _) => other.holds(&self.value) == Some(false),
            (_, Eq) => self.holds(&other.value) == Some(false),
            // A lower bound against an upper bound: empty when the lower is above
            // the upper, or equal to it with either one strict.
            (Gt | Ge, Lt | Le) => bounds_apart(self, other),
            (Lt | Le, Gt | Ge) => bounds_apart(other, self),
            _ => false,
        }
    }
}

fn bounds_apart(lower: &Constraint, upper: &Constraint) -> bool {
    match order(&lower.value, &upper.value) {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => lower.op == BinaryOp::Gt || upper.op == BinaryOp::Lt,
        _ => false,
    }
}

/// Equality of two constants of one kind; `None` across kinds.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::Date(x), Value::Date(y)) => Some(x == y),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Text(x), Value::Text(y)) => Some(x == y),
        (Value::Variant(e, x), Value::Variant(f, y)) if e == f => Some(x == y),
        (Value::Risk(a, x), Value::Risk(b, y)) if a == b => Some(x == y),
        (Value::Choice(a, q, x), Value::Choice(b, r, y)) if a == b && q == r => Some(x == y),
        _ => None,
    }
}

/// The order of two numbers or two dates.
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Whether two expressions are the same expression (spans aside), so that they
/// take the same value in one evaluation. Only simple forms are compared; any
/// other is taken as different.
fn same(a: &RExpr, b: &RExpr) -> bool {
    match (&a.kind, &b.kind) {
        (
            RKind::Get {
                base: x,
                entity: e,
                member: m,
            },
            RKind::Get {
                base: y,
                entity: f,
                member: n,
            },
        ) => e == f && m == n && same(x, y),
        (RKind::Unary { op: o, operand: x }, RKind::Unary { op: p, operand: y }) => {
            o == p && same(x, y)
        }
        (
            RKind::Binary {
                op: o,
                lhs: l1,
                rhs: r1,
            },
            RKind::Binary {
                op: p,
                lhs: l2,
                rhs: r2,
            },
        ) => o == p && same(l1, l2) && same(r1, r2),
        (RKind::Builtin { func: f, args: x }, RKind::Builtin { func: g, args: y }) => {
            f == g && x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        // Forms without sub-expressions: equal kinds are the same reading.
        (
            x @ (RKind::Const(_)
            | RKind::Today
            | RKind::Member { .. }
            | RKind::Param(_)
            | RKind::Question(_)
            | RKind::Score(_)
            | RKind::Eligible { .. }
            | RKind::Amount { .. }
            | RKind::QuestionPoints(_)
            | RKind::Points(_)
            | RKind::Chosen { .. }
            | RKind::Risk(_)
            | RKind::Found { .. }
            | RKind::Done { .. }),
            y,
        ) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Base, EntityId, MemberRef, Type};
    use rust_decimal::Decimal;

    fn e(kind: RKind) -> RExpr {
        RExpr {
            kind,
            ty: Type::Boolean,
            span: Span::new(0, 0),
        }
    }
    fn age() -> RExpr {
        e(RKind::Member {
            base: Base::Subject,
            entity: EntityId(0),
            member: MemberRef::Field(0),
        })
    }
    fn flag() -> RExpr {
        e(RKind::Member {
            base: Base::Subject,
            entity: EntityId(0),
            member: MemberRef::Field(1),
        })
    }
    fn num(n: i64) -> RExpr {
        e(RKind::Const(Value::Number(Decimal::from(n))))
    }
    fn bin(op: BinaryOp, l: RExpr, r: RExpr) -> RExpr {
        e(RKind::Binary {
            op,
            lhs: Box::new(l),
            rhs: Box::new(r),
        })
    }
    fn not(x: RExpr) -> RExpr {
        e(RKind::Unary {
            op: UnaryOp::Not,
            operand: Box::new(x),
        })
    }
    fn and(l: RExpr, r: RExpr) -> RExpr {
        bin(BinaryOp::And, l, r)
    }
    fn cmp(op: BinaryOp, n: i64) -> RExpr {
        bin(op, age(), num(n))
    }
    fn impossible(g: &RExpr) -> bool {
        never_holds(g).is_some()
    }

    #[test]
    fn constant_false_is_found() {
        use BinaryOp::*;
        assert!(impossible(&e(RKind::Const(Value::Bool(false)))));
        assert!(impossible(&and(
            flag(),
            e(RKind::Const(Value::Bool(false)))
        )));
        assert!(impossible(&bin(Gt, num(1), num(2))));
        assert!(impossible(&not(e(RKind::Const(Value::Bool(true))))));
        assert!(!impossible(&e(RKind::Const(Value::Bool(true)))));
        assert!(!impossible(&bin(
            Or,
            flag(),
            e(RKind::Const(Value::Bool(false)))
        )));
    }

    #[test]
    fn contradicting_comparisons_are_found() {
        use BinaryOp::*;
        assert!(impossible(&and(cmp(Gt, 5), cmp(Lt, 3))));
        assert!(impossible(&and(cmp(Gt, 5), cmp(Le, 5))));
        assert!(impossible(&and(cmp(Ge, 5), cmp(Lt, 5))));
        assert!(impossible(&and(cmp(Eq, 1), cmp(Eq, 2))));
        assert!(impossible(&and(cmp(Eq, 3), cmp(Ne, 3))));
        assert!(impossible(&and(cmp(Eq, 3), cmp(Gt, 4))));
        // `3 > age` is `age < 3`.
        assert!(impossible(&and(cmp(Gt, 5), bin(Gt, num(3), age()))));
        // Deeper in a conjunction.
        assert!(impossible(&and(flag(), and(cmp(Gt, 5), cmp(Lt, 3)))));
    }

    #[test]
    fn satisfiable_guards_are_not_flagged() {
        use BinaryOp::*;
        assert!(!impossible(&and(cmp(Ge, 5), cmp(Le, 5))));
        assert!(!impossible(&and(cmp(Gt, 3), cmp(Lt, 4))));
        assert!(!impossible(&and(cmp(Eq, 3), cmp(Ne, 4))));
        assert!(!impossible(&and(cmp(Gt, 5), cmp(Gt, 9))));
        // Different operands.
        let other = bin(Lt, flag(), num(3));
        assert!(!impossible(&and(cmp(Gt, 5), other)));
        // `or` is not a conjunction.
        assert!(!impossible(&bin(Or, cmp(Gt, 5), cmp(Lt, 3))));
        assert!(!impossible(&bin(Or, flag(), not(flag()))));
    }

    #[test]
    fn a_condition_and_its_negation_are_found() {
        assert!(impossible(&and(flag(), not(flag()))));
        assert!(impossible(&and(not(flag()), flag())));
        assert!(!impossible(&and(flag(), not(age()))));
    }
}
