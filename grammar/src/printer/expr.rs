//! Expressions, literals, labels and values as one-line text.
//!
//! Parentheses are added exactly where the parser needs them to rebuild the same
//! tree (see "Printing parentheses" in the syntax decisions): by precedence, and
//! around a right-extending form (`if`, `any/all … where`, `… where`) wherever it is
//! an operand, except where nothing can follow it.

use std::fmt::Write as _;

use crate::ast::{
    BinaryOp, Cell, CellValue, CompareOp, DateLit, Duration, DurationUnit, Expr, Label, Literal,
    ObjectValue, Quantifier, UnaryOp, Value,
};

// Binding strength, loosest first. A child printed where at least `min` is needed
// gets parentheses when its own level is lower.
const RIGHT_EXTENDING: u8 = 0;
const IMPLIES: u8 = 1;
const OR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const COMPARE: u8 = 5;
const OTHERWISE: u8 = 6;
const ADD: u8 = 7;
const MUL: u8 = 8;
const NEG: u8 = 9;
const POSTFIX: u8 = 10;
const PRIMARY: u8 = 11;

fn level(e: &Expr) -> u8 {
    match e {
        Expr::If { .. } | Expr::Where { .. } | Expr::Quantified { .. } => RIGHT_EXTENDING,
        Expr::Binary { op, .. } => binary_levels(*op).0,
        Expr::Unary {
            op: UnaryOp::Not, ..
        } => NOT,
        Expr::Unary {
            op: UnaryOp::Neg, ..
        } => NEG,
        Expr::InSet { .. } | Expr::InRange { .. } => COMPARE,
        Expr::Field { .. } | Expr::Call { .. } => POSTFIX,
        Expr::Literal(_) | Expr::Name(_) | Expr::Done { .. } | Expr::Dated { .. } => PRIMARY,
    }
}

/// (own level, least level of the left operand, least level of the right operand)
fn binary_levels(op: BinaryOp) -> (u8, u8, u8) {
    match op {
        // right-associative
        BinaryOp::Implies => (IMPLIES, IMPLIES + 1, IMPLIES),
        BinaryOp::Or => (OR, OR, OR + 1),
        BinaryOp::And => (AND, AND, AND + 1),
        // non-associative: neither side may be a comparison
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            (COMPARE, COMPARE + 1, COMPARE + 1)
        }
        BinaryOp::Otherwise => (OTHERWISE, OTHERWISE, OTHERWISE + 1),
        BinaryOp::Add | BinaryOp::Sub => (ADD, ADD, ADD + 1),
        BinaryOp::Mul | BinaryOp::Div => (MUL, MUL, MUL + 1),
    }
}

pub(super) fn compare_symbol(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    }
}

fn is_right_extending(e: &Expr) -> bool {
    level(e) == RIGHT_EXTENDING
}

/// Writes `e` as the whole expression of an item (nothing follows it).
pub(super) fn expr(out: &mut String, e: &Expr) {
    child(out, e, RIGHT_EXTENDING, true);
}

/// Writes `e` where at least level `min` is needed; `open_end` says whether a
/// right-extending form may stand here bare (nothing of the parent follows it).
fn child(out: &mut String, e: &Expr, min: u8, open_end: bool) {
    let parens = if is_right_extending(e) {
        !open_end
    } else {
        level(e) < min
    };
    if parens {
        out.push('(');
        bare(out, e);
        out.push(')');
    } else {
        bare(out, e);
    }
}

fn bare(out: &mut String, e: &Expr) {
    match e {
        Expr::Literal(l) => literal(out, l),
        Expr::Name(i) => out.push_str(&i.name),
        Expr::Field { base, field, .. } => {
            child(out, base, POSTFIX, false);
            out.push('.');
            out.push_str(&field.name);
        }
        Expr::Call { func, args, .. } => {
            out.push_str(&func.name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                child(out, arg, RIGHT_EXTENDING, true);
            }
            out.push(')');
        }
        Expr::Unary { op, operand, .. } => match op {
            UnaryOp::Not => {
                out.push_str("not ");
                child(out, operand, NOT, false);
            }
            UnaryOp::Neg => {
                out.push('-');
                child(out, operand, NEG, false);
            }
        },
        Expr::Binary { op, lhs, rhs, .. } => {
            let (_, left, right) = binary_levels(*op);
            child(out, lhs, left, false);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            child(out, rhs, right, false);
        }
        Expr::InSet {
            value,
            set,
            negated,
            ..
        } => {
            child(out, value, OTHERWISE, false);
            out.push_str(if *negated { " not in {" } else { " in {" });
            for (i, element) in set.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                child(out, element, RIGHT_EXTENDING, true);
            }
            out.push('}');
        }
        Expr::InRange {
            value,
            low,
            high,
            negated,
            ..
        } => {
            child(out, value, OTHERWISE, false);
            out.push_str(if *negated { " not in " } else { " in " });
            child(out, low, OTHERWISE, false);
            out.push_str("..");
            child(out, high, OTHERWISE, false);
        }
        Expr::If {
            condition,
            then,
            otherwise,
            ..
        } => {
            out.push_str("if ");
            child(out, condition, RIGHT_EXTENDING, false);
            out.push_str(" then ");
            child(out, then, RIGHT_EXTENDING, false);
            out.push_str(" else ");
            child(out, otherwise, RIGHT_EXTENDING, true);
        }
        Expr::Where {
            list, condition, ..
        } => {
            if ends_with_quantified_done(list) {
                // `x + any a done where c` would read as `x + any (a done) where c`
                // (the parser tries the quantifier first), so the list gets
                // parentheses.
                out.push('(');
                bare(out, list);
                out.push(')');
            } else {
                child(out, list, IMPLIES, false);
            }
            out.push_str(" where ");
            child(out, condition, RIGHT_EXTENDING, true);
        }
        Expr::Quantified {
            quantifier,
            list,
            condition,
            ..
        } => {
            out.push_str(quantifier_word(*quantifier));
            out.push(' ');
            if bare_quantifier_list(list) {
                bare(out, list);
            } else {
                out.push('(');
                bare(out, list);
                out.push(')');
            }
            out.push_str(" where ");
            child(out, condition, RIGHT_EXTENDING, true);
        }
        Expr::Done {
            quantifier, step, ..
        } => {
            if let Some(q) = quantifier {
                out.push_str(quantifier_word(*q));
                out.push(' ');
            }
            out.push_str(&step.name);
            out.push_str(" done");
        }
        // Only a whole definition is dated, and the printer lays those out one
        // version a line (`Printer::defined`); this inline form is for messages.
        Expr::Dated { versions, .. } => {
            out.push('{');
            for v in versions {
                out.push_str(if v.until { " until " } else { " from " });
                date(out, &v.date);
                if !v.until {
                    out.push(':');
                }
                if let Some(e) = &v.expr {
                    out.push(' ');
                    bare(out, e);
                }
            }
            out.push_str(" }");
        }
    }
}

/// Whether the text of `e` ends with `any a done` (or `all a done.f.g`), which a
/// following `where` would turn into a quantifier over `a done`.
fn ends_with_quantified_done(e: &Expr) -> bool {
    // The last operand, if it is printed without parentheses.
    let last = |child: &Expr, min: u8| level(child) >= min && ends_with_quantified_done(child);
    match e {
        Expr::Done {
            quantifier: Some(_),
            ..
        } => true,
        Expr::Field { base, .. } => last(base, POSTFIX),
        Expr::Unary {
            op: UnaryOp::Not,
            operand,
            ..
        } => last(operand, NOT),
        Expr::Unary {
            op: UnaryOp::Neg,
            operand,
            ..
        } => last(operand, NEG),
        Expr::Binary { op, rhs, .. } => last(rhs, binary_levels(*op).2),
        _ => false,
    }
}

/// A quantifier's list is a name or call, or a parenthesized expression, followed
/// by field accesses; anything else is wrapped in parentheses.
fn bare_quantifier_list(list: &Expr) -> bool {
    match list {
        Expr::Name(_) | Expr::Call { .. } => true,
        // The base is parenthesized when it is looser than postfix, which is fine
        // here; a literal or `done` base is not allowed bare.
        Expr::Field { base, .. } => match **base {
            Expr::Name(_) | Expr::Call { .. } | Expr::Field { .. } => bare_quantifier_list(base),
            _ => level(base) < POSTFIX,
        },
        _ => false,
    }
}

fn quantifier_word(q: Quantifier) -> &'static str {
    match q {
        Quantifier::Any => "any",
        Quantifier::All => "all",
    }
}

pub(super) fn literal(out: &mut String, l: &Literal) {
    match l {
        Literal::Bool(b, _) => out.push_str(if *b { "true" } else { "false" }),
        Literal::Integer(t, _) | Literal::Decimal(t, _) => out.push_str(t),
        Literal::Percent(t, _) => {
            out.push_str(t);
            out.push('%');
        }
        Literal::Text(t, _) => text(out, t),
        Literal::Date(d) => date(out, d),
        Literal::Duration(d) => duration(out, d),
    }
}

pub(super) fn date(out: &mut String, d: &DateLit) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

/// `3 working days`; the singular unit when the amount is exactly `1`.
pub(super) fn duration(out: &mut String, d: &Duration) {
    out.push_str(&d.amount);
    let one = d.amount == "1";
    let unit = match (d.unit, one) {
        (DurationUnit::Days, true) => " day",
        (DurationUnit::Days, false) => " days",
        (DurationUnit::WorkingDays, true) => " working day",
        (DurationUnit::WorkingDays, false) => " working days",
        (DurationUnit::Weeks, true) => " week",
        (DurationUnit::Weeks, false) => " weeks",
        (DurationUnit::Months, true) => " month",
        (DurationUnit::Months, false) => " months",
        (DurationUnit::Years, true) => " year",
        (DurationUnit::Years, false) => " years",
    };
    out.push_str(unit);
}

/// A text literal with the canonical escapes: `\"`, `\\`, `\n`, `\t`, and
/// `\u{…}` for every other control character.
pub(super) fn text(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `"Family benefit" [hy: "…", ru: "…"]`
pub(super) fn label(out: &mut String, l: &Label) {
    text(out, &l.text);
    if !l.translations.is_empty() {
        out.push_str(" [");
        for (i, t) in l.translations.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&t.lang.name);
            out.push_str(": ");
            text(out, &t.text);
        }
        out.push(']');
    }
}

pub(super) fn cell(out: &mut String, c: &Cell) {
    match c {
        Cell::Any(_) => out.push('*'),
        Cell::Value(v) => cell_value(out, v),
        Cell::Compare(op, v, _) => {
            out.push_str(compare_symbol(*op));
            out.push(' ');
            cell_value(out, v);
        }
        Cell::Range(low, high, _) => {
            cell_value(out, low);
            out.push_str("..");
            cell_value(out, high);
        }
        Cell::Set(values, _) => {
            out.push('{');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                cell_value(out, v);
            }
            out.push('}');
        }
    }
}

pub(super) fn cell_value(out: &mut String, v: &CellValue) {
    match v {
        CellValue::Literal(l) => literal(out, l),
        CellValue::Name(i) => out.push_str(&i.name),
    }
}

/// A `given` value on one line: `[1, 2]`, `{ a: 1, b: 2 }`, `{}`.
pub(super) fn inline_value(out: &mut String, v: &Value) {
    match v {
        Value::Literal(l) => literal(out, l),
        Value::Name(i) => out.push_str(&i.name),
        Value::Unknown(_) => out.push_str("unknown"),
        Value::List(items, _) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                inline_value(out, item);
            }
            out.push(']');
        }
        Value::Object(o) => inline_object(out, o),
        Value::Months(m) => {
            out.push_str("monthly {");
            for (i, e) in m.entries.iter().enumerate() {
                out.push_str(if i == 0 { " " } else { ", " });
                out.push_str(&e.month);
                out.push_str(": ");
                inline_value(out, &e.value);
            }
            out.push_str(if m.entries.is_empty() { "}" } else { " }" });
        }
    }
}

fn inline_object(out: &mut String, o: &ObjectValue) {
    if o.entries.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{ ");
    for (i, entry) in o.entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&entry.field.name);
        out.push_str(": ");
        inline_value(out, &entry.value);
    }
    out.push_str(" }");
}
