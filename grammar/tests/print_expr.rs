//! Expressions and literals: precedence, minimal parentheses, right-extending
//! forms, escapes, durations.

// A failing unwrap in a test helper is a failing test, as intended.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod support;

use accord_grammar::ast::{BinaryOp::*, DurationUnit, Literal, Quantifier};
use accord_grammar::print;
use support::build::*;

/// Prints `e` as the value of a `let` and returns the expression text.
fn show(e: accord_grammar::ast::Expr) -> String {
    let text = print(&let_file(e));
    let line = text.lines().nth(1).unwrap().trim_start();
    line.strip_prefix("let x = ").unwrap().to_string()
}

#[test]
fn arithmetic_parenthesizes_only_where_needed() {
    let a = || n("a");
    let b = || n("b");
    let c = || n("c");
    let cases = [
        (bin(Add, a(), bin(Mul, b(), c())), "a + b * c"),
        (bin(Mul, bin(Add, a(), b()), c()), "(a + b) * c"),
        (bin(Sub, bin(Sub, a(), b()), c()), "a - b - c"),
        (bin(Sub, a(), bin(Sub, b(), c())), "a - (b - c)"),
        (bin(Div, a(), bin(Mul, b(), c())), "a / (b * c)"),
        (bin(Add, a(), bin(Sub, b(), c())), "a + (b - c)"),
        (neg(bin(Add, a(), b())), "-(a + b)"),
        (neg(num("5")), "-5"),
        (bin(Mul, neg(a()), b()), "-a * b"),
        (bin(Sub, a(), neg(b())), "a - -b"),
        (neg(field(a(), "f")), "-a.f"),
        (field(neg(a()), "f"), "(-a).f"),
        (field(bin(Add, a(), b()), "f"), "(a + b).f"),
        (field(field(a(), "f"), "g"), "a.f.g"),
        (field(call("f", vec![a()]), "g"), "f(a).g"),
        (bin(Otherwise, bin(Add, a(), b()), c()), "a + b otherwise c"),
        (
            bin(Add, bin(Otherwise, a(), b()), c()),
            "(a otherwise b) + c",
        ),
        (
            bin(Otherwise, a(), bin(Otherwise, b(), c())),
            "a otherwise (b otherwise c)",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(show(e), want);
    }
}

#[test]
fn logic_and_comparisons() {
    let a = || n("a");
    let b = || n("b");
    let c = || n("c");
    let cases = [
        (bin(Or, a(), bin(And, b(), c())), "a or b and c"),
        (bin(And, bin(Or, a(), b()), c()), "(a or b) and c"),
        (bin(Or, bin(Or, a(), b()), c()), "a or b or c"),
        (bin(Or, a(), bin(Or, b(), c())), "a or (b or c)"),
        (not(bin(And, a(), b())), "not (a and b)"),
        (not(bin(Eq, a(), b())), "not a = b"),
        (bin(And, not(a()), b()), "not a and b"),
        (not(not(a())), "not not a"),
        (bin(Eq, not(a()), b()), "(not a) = b"),
        (bin(Lt, bin(Lt, a(), b()), c()), "(a < b) < c"),
        (bin(Eq, a(), bin(Ne, b(), c())), "a = (b != c)"),
        (bin(Ge, bin(Add, a(), b()), c()), "a + b >= c"),
        (
            bin(Implies, a(), bin(Implies, b(), c())),
            "a implies b implies c",
        ),
        (
            bin(Implies, bin(Implies, a(), b()), c()),
            "(a implies b) implies c",
        ),
        (bin(Implies, bin(Or, a(), b()), c()), "a or b implies c"),
        (in_set(a(), vec![b(), c()], false), "a in {b, c}"),
        (in_set(a(), vec![b()], true), "a not in {b}"),
        (in_range(a(), num("6"), num("17"), false), "a in 6..17"),
        (
            in_range(bin(Add, a(), b()), bin(Otherwise, b(), num("1")), c(), true),
            "a + b not in b otherwise 1..c",
        ),
        (
            in_range(a(), bin(Eq, b(), c()), c(), false),
            "a in (b = c)..c",
        ),
        (
            bin(Eq, in_set(a(), vec![b()], false), c()),
            "(a in {b}) = c",
        ),
        (not(in_set(a(), vec![b()], false)), "not a in {b}"),
        (
            in_set(a(), vec![if_(b(), c(), a()), where_(b(), c())], false),
            "a in {if b then c else a, b where c}",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(show(e), want);
    }
}

#[test]
fn right_extending_forms() {
    let a = || n("a");
    let b = || n("b");
    let c = || n("c");
    let cases = [
        (if_(a(), b(), c()), "if a then b else c"),
        (
            if_(a(), b(), if_(c(), a(), b())),
            "if a then b else if c then a else b",
        ),
        (
            if_(if_(a(), b(), c()), if_(a(), b(), c()), a()),
            "if (if a then b else c) then (if a then b else c) else a",
        ),
        (
            bin(Add, if_(a(), b(), c()), num("1")),
            "(if a then b else c) + 1",
        ),
        (
            bin(Add, num("1"), if_(a(), b(), c())),
            "1 + (if a then b else c)",
        ),
        (
            call("f", vec![if_(a(), b(), c()), where_(a(), b())]),
            "f(if a then b else c, a where b)",
        ),
        (
            where_(n("members"), bin(Lt, n("age"), num("18"))),
            "members where age < 18",
        ),
        (where_(a(), where_(b(), c())), "a where b where c"),
        (
            where_(done(Some(Quantifier::Any), "a"), b()),
            "(any a done) where b",
        ),
        (
            where_(field(done(Some(Quantifier::All), "a"), "f"), b()),
            "(all a done.f) where b",
        ),
        (where_(done(None, "a"), b()), "a done where b"),
        (
            where_(neg(done(Some(Quantifier::Any), "a")), b()),
            "(-any a done) where b",
        ),
        (
            where_(bin(Or, c(), not(done(Some(Quantifier::Any), "a"))), b()),
            "(c or not any a done) where b",
        ),
        (
            where_(bin(Or, done(Some(Quantifier::Any), "a"), c()), b()),
            "any a done or c where b",
        ),
        (where_(where_(a(), b()), c()), "(a where b) where c"),
        (where_(bin(Or, a(), b()), c()), "a or b where c"),
        (where_(bin(Implies, a(), b()), c()), "a implies b where c"),
        (
            call("count", vec![where_(n("members"), n("in_school"))]),
            "count(members where in_school)",
        ),
        (field(where_(a(), b()), "f"), "(a where b).f"),
        (
            quant(
                Quantifier::Any,
                n("members"),
                bin(Ne, n("disability"), n("none")),
            ),
            "any members where disability != none",
        ),
        (
            quant(
                Quantifier::All,
                n("members"),
                bin(Implies, bin(Ge, n("age"), num("18")), n("employed")),
            ),
            "all members where age >= 18 implies employed",
        ),
        (
            quant(Quantifier::All, field(a(), "f"), b()),
            "all a.f where b",
        ),
        (
            quant(Quantifier::Any, call("f", vec![a()]), b()),
            "any f(a) where b",
        ),
        (
            quant(Quantifier::Any, where_(a(), b()), c()),
            "any (a where b) where c",
        ),
        (
            quant(Quantifier::Any, bin(Add, a(), b()), c()),
            "any (a + b) where c",
        ),
        (
            quant(Quantifier::Any, field(bin(Add, a(), b()), "f"), c()),
            "any (a + b).f where c",
        ),
        (
            quant(Quantifier::Any, field(field(num("5"), "f"), "g"), c()),
            "any (5.f.g) where c",
        ),
        (
            quant(Quantifier::Any, done(None, "refer"), c()),
            "any (refer done) where c",
        ),
        (
            bin(And, quant(Quantifier::Any, a(), b()), c()),
            "(any a where b) and c",
        ),
        (
            if_(a(), b(), quant(Quantifier::Any, a(), where_(b(), c()))),
            "if a then b else any a where b where c",
        ),
        (not(if_(a(), b(), c())), "not (if a then b else c)"),
        (neg(if_(a(), b(), c())), "-(if a then b else c)"),
    ];
    for (e, want) in cases {
        assert_eq!(show(e), want);
    }
}

#[test]
fn done_forms() {
    assert_eq!(show(done(None, "refer")), "refer done");
    assert_eq!(
        show(bin(
            And,
            bin(Eq, call("risk", vec![n("assess")]), n("low")),
            done(Some(Quantifier::All), "refer")
        )),
        "risk(assess) = low and all refer done"
    );
    assert_eq!(show(done(Some(Quantifier::Any), "refer")), "any refer done");
}

#[test]
fn literals() {
    let cases = [
        (Literal::Bool(true, sp()), "true"),
        (int("45_000"), "45_000"),
        (dec("29.50"), "29.50"),
        (Literal::Percent("12.5".into(), sp()), "12.5%"),
        (Literal::Date(date(2025, 3, 1)), "2025-03-01"),
        (Literal::Duration(dur("1", DurationUnit::Days)), "1 day"),
        (
            Literal::Duration(dur("3", DurationUnit::WorkingDays)),
            "3 working days",
        ),
        (
            Literal::Duration(dur("1", DurationUnit::WorkingDays)),
            "1 working day",
        ),
        (Literal::Duration(dur("2", DurationUnit::Weeks)), "2 weeks"),
        (Literal::Duration(dur("1", DurationUnit::Months)), "1 month"),
        (
            Literal::Duration(dur("01", DurationUnit::Years)),
            "01 years",
        ),
        (txt("plain"), r#""plain""#),
        (txt("Ընտանեկան նպաստ"), r#""Ընտանեկան նպաստ""#),
        (
            txt("say \"hi\"\\ \n\t\u{1}\u{7f}\r😀"),
            r#""say \"hi\"\\ \n\t\u{1}\u{7f}\u{d}😀""#,
        ),
    ];
    for (l, want) in cases {
        assert_eq!(show(lit(l)), want);
    }
    assert_eq!(
        show(bin(
            Sub,
            n("today"),
            lit(Literal::Duration(dur("6", DurationUnit::Months)))
        )),
        "today - 6 months"
    );
}
