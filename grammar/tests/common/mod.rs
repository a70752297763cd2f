//! Helpers shared by the parser tests.
// Test helpers: a failed assertion is the intended outcome (clippy only exempts
// `#[test]` functions themselves).
#![allow(
    dead_code,
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "each test binary uses a different part of this shared module; a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_grammar::ast::*;
use accord_grammar::{parse, Parsed};

/// Parses and fails the test with the errors listed when there are any.
pub fn parse_ok(src: &str) -> File {
    let parsed: Parsed = parse(src);
    assert!(
        parsed.errors.is_empty(),
        "unexpected errors for {src:?}: {:#?}",
        parsed.errors
    );
    parsed.file
}

/// Parses one expression (as the value of a `let`).
pub fn expr(src: &str) -> Expr {
    let file = parse_ok(&format!("entity E {{\n  let x = {src}\n}}\n"));
    match &file.decls[..] {
        [Decl::Entity(e)] => match &e.members[..] {
            [Member::Let(l)] => l.value.clone(),
            other => panic!("expected one let, got {other:?}"),
        },
        other => panic!("expected one entity, got {other:?}"),
    }
}

/// An S-expression of an expression tree, for compact precedence assertions.
pub fn sexp(e: &Expr) -> String {
    match e {
        Expr::Literal(l) => lit(l),
        Expr::Name(i) => i.name.clone(),
        Expr::Field { base, field, .. } => format!("(. {} {})", sexp(base), field.name),
        Expr::Call { func, args, .. } => format!(
            "{}({})",
            func.name,
            args.iter().map(sexp).collect::<Vec<_>>().join(", ")
        ),
        Expr::Unary { op, operand, .. } => {
            let op = match op {
                UnaryOp::Not => "not",
                UnaryOp::Neg => "neg",
            };
            format!("({op} {})", sexp(operand))
        }
        Expr::Binary { op, lhs, rhs, .. } => {
            let op = op.symbol();
            format!("({op} {} {})", sexp(lhs), sexp(rhs))
        }
        Expr::InSet {
            value,
            set,
            negated,
            ..
        } => format!(
            "({} {} {{{}}})",
            if *negated { "not-in" } else { "in" },
            sexp(value),
            set.iter().map(sexp).collect::<Vec<_>>().join(" ")
        ),
        Expr::InRange {
            value,
            low,
            high,
            negated,
            ..
        } => format!(
            "({} {} {}..{})",
            if *negated { "not-in" } else { "in" },
            sexp(value),
            sexp(low),
            sexp(high)
        ),
        Expr::If {
            condition,
            then,
            otherwise,
            ..
        } => format!(
            "(if {} {} {})",
            sexp(condition),
            sexp(then),
            sexp(otherwise)
        ),
        Expr::Where {
            list, condition, ..
        } => format!("(where {} {})", sexp(list), sexp(condition)),
        Expr::Quantified {
            quantifier,
            list,
            condition,
            ..
        } => format!(
            "({} {} {})",
            quant(*quantifier),
            sexp(list),
            sexp(condition)
        ),
        Expr::Done {
            quantifier, step, ..
        } => match quantifier {
            None => format!("(done {})", step.name),
            Some(q) => format!("({}-done {})", quant(*q), step.name),
        },
        Expr::Dated { versions, .. } => format!(
            "(dated {})",
            versions
                .iter()
                .map(|v| format!(
                    "{}{:04}-{:02}-{:02}: {}",
                    if v.until { "until " } else { "" },
                    v.date.year,
                    v.date.month,
                    v.date.day,
                    v.expr.as_ref().map_or_else(|| "end".to_string(), sexp)
                ))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn quant(q: Quantifier) -> &'static str {
    match q {
        Quantifier::Any => "any",
        Quantifier::All => "all",
    }
}

pub fn lit(l: &Literal) -> String {
    match l {
        Literal::Bool(b, _) => b.to_string(),
        Literal::Integer(t, _) | Literal::Decimal(t, _) => t.clone(),
        Literal::Percent(t, _) => format!("{t}%"),
        Literal::Text(t, _) => format!("{t:?}"),
        Literal::Date(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        Literal::Duration(d) => format!("{} {:?}", d.amount, d.unit),
    }
}

/// The source text a span covers.
pub fn text(src: &str, span: Span) -> &str {
    &src[span.start..span.end]
}
