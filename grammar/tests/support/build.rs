//! Short constructors for hand-built syntax trees (all spans default).
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this shared module"
)]

use accord_grammar::ast::*;

pub fn sp() -> Span {
    Span::default()
}

pub fn id(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        span: sp(),
    }
}

pub fn lbl(text: &str) -> Label {
    Label {
        text: text.to_string(),
        translations: Vec::new(),
        span: sp(),
    }
}

pub fn lbl_tr(text: &str, translations: &[(&str, &str)]) -> Label {
    Label {
        text: text.to_string(),
        translations: translations
            .iter()
            .map(|(lang, text)| Translation {
                lang: id(lang),
                text: text.to_string(),
                span: sp(),
            })
            .collect(),
        span: sp(),
    }
}

pub fn ty(name: &str) -> TypeExpr {
    TypeExpr::Named(id(name))
}

pub fn list_of(t: TypeExpr) -> TypeExpr {
    TypeExpr::List(Box::new(t), sp())
}

pub fn date(year: i32, month: u32, day: u32) -> DateLit {
    DateLit {
        year,
        month,
        day,
        span: sp(),
    }
}

pub fn dur(amount: &str, unit: DurationUnit) -> Duration {
    Duration {
        amount: amount.to_string(),
        unit,
        span: sp(),
    }
}

pub fn int(t: &str) -> Literal {
    Literal::Integer(t.to_string(), sp())
}

pub fn dec(t: &str) -> Literal {
    Literal::Decimal(t.to_string(), sp())
}

pub fn txt(t: &str) -> Literal {
    Literal::Text(t.to_string(), sp())
}

// Expressions

pub fn n(name: &str) -> Expr {
    Expr::Name(id(name))
}

pub fn lit(l: Literal) -> Expr {
    Expr::Literal(l)
}

pub fn num(t: &str) -> Expr {
    lit(int(t))
}

pub fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr::Binary {
        op,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
        span: sp(),
    }
}

pub fn not(e: Expr) -> Expr {
    Expr::Unary {
        op: UnaryOp::Not,
        operand: Box::new(e),
        span: sp(),
    }
}

pub fn neg(e: Expr) -> Expr {
    Expr::Unary {
        op: UnaryOp::Neg,
        operand: Box::new(e),
        span: sp(),
    }
}

pub fn call(func: &str, args: Vec<Expr>) -> Expr {
    Expr::Call {
        func: id(func),
        args,
        span: sp(),
    }
}

pub fn field(base: Expr, name: &str) -> Expr {
    Expr::Field {
        base: Box::new(base),
        field: id(name),
        span: sp(),
    }
}

pub fn if_(c: Expr, t: Expr, o: Expr) -> Expr {
    Expr::If {
        condition: Box::new(c),
        then: Box::new(t),
        otherwise: Box::new(o),
        span: sp(),
    }
}

pub fn where_(list: Expr, condition: Expr) -> Expr {
    Expr::Where {
        list: Box::new(list),
        condition: Box::new(condition),
        span: sp(),
    }
}

pub fn quant(q: Quantifier, list: Expr, condition: Expr) -> Expr {
    Expr::Quantified {
        quantifier: q,
        list: Box::new(list),
        condition: Box::new(condition),
        span: sp(),
    }
}

pub fn in_set(value: Expr, set: Vec<Expr>, negated: bool) -> Expr {
    Expr::InSet {
        value: Box::new(value),
        set,
        negated,
        span: sp(),
    }
}

pub fn in_range(value: Expr, low: Expr, high: Expr, negated: bool) -> Expr {
    Expr::InRange {
        value: Box::new(value),
        low: Box::new(low),
        high: Box::new(high),
        negated,
        span: sp(),
    }
}

pub fn done(q: Option<Quantifier>, step: &str) -> Expr {
    Expr::Done {
        quantifier: q,
        step: id(step),
        span: sp(),
    }
}

pub fn file(decls: Vec<Decl>) -> File {
    File {
        blank_lines: Default::default(),
        broken: Vec::new(),
        decls,
        comments: Vec::new(),
    }
}

/// `entity E { let x = EXPR }`, to print one expression.
pub fn let_file(e: Expr) -> File {
    file(vec![Decl::Entity(Entity {
        docs: Vec::new(),
        name: id("E"),
        label: None,
        members: vec![Member::Let(Let {
            docs: Vec::new(),
            name: id("x"),
            label: None,
            value: e,
            span: sp(),
        })],
        span: sp(),
    })])
}
