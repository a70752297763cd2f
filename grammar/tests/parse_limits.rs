//! Adversarial inputs on a 2 MiB thread in a debug build: the parser answers with
//! an error (E0002) or a tree, never a stack overflow, and the tree it builds can be
//! walked recursively and dropped on the same small stack.

// Test helpers outside `#[test]` functions may fail loudly too.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

mod common;

use accord_grammar::ast::*;
use accord_grammar::SyntaxErrorKind;
use accord_grammar::{parse, Parsed, LIMITS};

const STACK: usize = 2 << 20;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the parser overflowed a 2 MiB stack")
}

/// A naive recursive walk, as a printer or checker would do: returns the depth.
fn depth(e: &Expr) -> usize {
    1 + match e {
        Expr::Literal(_) | Expr::Name(_) | Expr::Done { .. } => 0,
        Expr::Dated { versions, .. } => versions
            .iter()
            .filter_map(|v| v.expr.as_ref())
            .map(depth)
            .max()
            .unwrap_or(0),
        Expr::Field { base, .. } => depth(base),
        Expr::Call { args, .. } => args.iter().map(depth).max().unwrap_or(0),
        Expr::Unary { operand, .. } => depth(operand),
        Expr::Binary { lhs, rhs, .. } => depth(lhs).max(depth(rhs)),
        Expr::InSet { value, set, .. } => {
            depth(value).max(set.iter().map(depth).max().unwrap_or(0))
        }
        Expr::InRange {
            value, low, high, ..
        } => depth(value).max(depth(low)).max(depth(high)),
        Expr::If {
            condition,
            then,
            otherwise,
            ..
        } => depth(condition).max(depth(then)).max(depth(otherwise)),
        Expr::Where {
            list, condition, ..
        } => depth(list).max(depth(condition)),
        Expr::Quantified {
            list, condition, ..
        } => depth(list).max(depth(condition)),
    }
}

fn max_depth(file: &File) -> usize {
    let mut m = 0;
    for d in &file.decls {
        if let Decl::Entity(e) = d {
            for mem in &e.members {
                if let Member::Let(l) = mem {
                    m = m.max(depth(&l.value));
                }
            }
        }
    }
    m
}

/// Parses `expr` as a `let` on a small stack; returns the errors' codes and the
/// depth of the tree built.
fn run(expr: String) -> (Vec<SyntaxErrorKind>, usize) {
    on_small_stack(move || {
        let src = format!("entity E {{\n  let x = {expr}\n}}\nentity F {{ y: Integer }}\n");
        let parsed: Parsed = parse(&src);
        // The declaration after the bad one is still parsed.
        assert!(parsed
            .file
            .decls
            .iter()
            .any(|d| matches!(d, Decl::Entity(e) if e.name.name == "F")));
        let d = max_depth(&parsed.file);
        assert!(d <= LIMITS.max_nesting, "tree of depth {d}");
        (parsed.errors.iter().map(|e| e.kind).collect(), d)
    })
}

fn assert_too_deep(expr: String) {
    let (codes, _) = run(expr);
    assert_eq!(codes, [SyntaxErrorKind::TooDeep]);
}

const N: usize = 100_000;

#[test]
fn deep_parentheses() {
    assert_too_deep(format!("{}1{}", "(".repeat(N), ")".repeat(N)));
    assert_too_deep("(".repeat(N));
    assert_too_deep(format!("f({}", "g(".repeat(N)));
    assert_too_deep("[".repeat(N));
    assert_too_deep("{".repeat(N));
}

#[test]
fn long_flat_chains() {
    assert_too_deep(format!("1{}", "+1".repeat(N)));
    assert_too_deep(format!("a{}", " and a".repeat(N)));
    assert_too_deep(format!("a{}", " implies a".repeat(N)));
    assert_too_deep(format!("a{}", " where a".repeat(N)));
    assert_too_deep(format!("a{}", " otherwise a".repeat(N)));
    assert_too_deep(format!("a{}", ".b".repeat(N)));
    assert_too_deep(format!("{}x", "not ".repeat(N)));
    assert_too_deep(format!("{}x", "- ".repeat(N)));
    assert_too_deep(format!("{}x", "-".repeat(N)));
    assert_too_deep(format!("{}x", "any a where ".repeat(N)));
}

#[test]
fn many_ifs() {
    assert_too_deep(format!("{}0", "if a then 1 else ".repeat(N)));
    assert_too_deep(format!(
        "{}a{}",
        "if ".repeat(N),
        " then 1 else 2".repeat(N)
    ));
    assert_too_deep(format!("{}1 else 2", "if a then ".repeat(N)));
}

#[test]
fn deep_type_and_values() {
    on_small_stack(|| {
        let src = format!("entity E {{ x: {}Integer }}", "list of ".repeat(N));
        let p = parse(&src);
        assert_eq!(
            p.errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [SyntaxErrorKind::TooDeep]
        );
        let src = format!(
            "test \"t\" {{ given H {{ a: {}1{} }} }}",
            "[".repeat(N),
            "]".repeat(N)
        );
        let p = parse(&src);
        assert_eq!(
            p.errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [SyntaxErrorKind::TooDeep]
        );
    });
}

#[test]
fn realistic_nesting_is_accepted() {
    // Well within the limit: 20 levels of parentheses, a 40-term sum, a 20-branch
    // `else if` chain, a 30-alternative `or`.
    let (codes, d) = run(format!("{}1{}", "(".repeat(20), ")".repeat(20)));
    assert!(codes.is_empty() && d == 1);
    let (codes, d) = run(format!("a{}", " + a".repeat(39)));
    assert!(codes.is_empty() && d == 40, "{codes:?} {d}");
    let (codes, _) = run(format!("{}0", "if x = 1 then 1 else ".repeat(20)));
    assert!(codes.is_empty());
    let (codes, _) = run(format!("x = 0{}", " or x = 1".repeat(29)));
    assert!(codes.is_empty());
    // At the limit and just beyond it.
    let n = LIMITS.max_nesting;
    let (codes, d) = run(format!("a{}", " + a".repeat(n - 2)));
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(d, n - 1);
    let (codes, _) = run(format!("a{}", " + a".repeat(n)));
    assert_eq!(codes, [SyntaxErrorKind::TooDeep]);
}

#[test]
fn file_too_large() {
    let limit = LIMITS.max_file_bytes;
    let src = " ".repeat(limit + 1);
    let p = parse(&src);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].kind, SyntaxErrorKind::FileTooLarge);
    // Many declarations parse one by one (kept small: debug builds of pest are
    // slow; the release timing is in the report).
    let unit = "entity E { x: Integer\n let y = x + 1 }\n";
    let src = unit.repeat(256 * 1024 / unit.len());
    let p = parse(&src);
    assert!(p.errors.is_empty());
    assert_eq!(p.file.decls.len(), 256 * 1024 / unit.len());
}

#[test]
fn many_broken_declarations_are_linear() {
    // Each broken declaration is skipped to the next declaration line; no rescans.
    let src = "entity E { x: }\n".repeat(2_000);
    let p = on_small_stack(move || parse(&src).errors.len());
    assert_eq!(p, 2_000);
}

/// A contextual keyword (`table`) at the start of a line is not necessarily a new
/// declaration: here it is a name inside an open expression, so the nesting count
/// must carry on across it rather than restart (in WebAssembly no native stack
/// probe would catch what the count missed).
#[test]
fn declaration_keywords_inside_an_open_expression_do_not_reset_the_count() {
    let lines = "table + (\n".repeat(2_000);
    let (codes, d) = on_small_stack(move || {
        let src = format!("entity E {{\n  let x = (\n{lines}1\n}}\n");
        let parsed = parse(&src);
        let codes: Vec<SyntaxErrorKind> = parsed.errors.iter().map(|e| e.kind).collect();
        (codes, max_depth(&parsed.file))
    });
    assert!(d <= LIMITS.max_nesting, "tree of depth {d}");
    assert_eq!(codes.first(), Some(&SyntaxErrorKind::TooDeep), "{codes:?}");
}

#[test]
fn too_many_declarations() {
    let unit = "enum E { a }\n";
    let src = unit.repeat(LIMITS.max_decls + 5);
    let p = parse(&src);
    let codes: Vec<SyntaxErrorKind> = p.errors.iter().map(|e| e.kind).collect();
    assert_eq!(codes, [SyntaxErrorKind::TooManyDeclarations]);
    assert_eq!(p.file.decls.len(), LIMITS.max_decls);
    // The error points at the first declaration past the limit.
    assert_eq!(p.errors[0].span.start, unit.len() * LIMITS.max_decls);
}

#[test]
fn too_many_table_rows() {
    let table = |rows: usize| {
        format!(
            "table t(n: Integer) -> Integer hit first {{\n  n | result\n{}}}\nenum E {{ a }}\n",
            "  <= 2 | 1\n".repeat(rows)
        )
    };
    let p = parse(&table(LIMITS.max_table_rows));
    assert!(p.errors.is_empty(), "{:?}", p.errors.first());
    let p = parse(&table(LIMITS.max_table_rows + 1));
    let codes: Vec<SyntaxErrorKind> = p.errors.iter().map(|e| e.kind).collect();
    assert_eq!(codes, [SyntaxErrorKind::TooManyRows]);
    // The table is refused; the declaration after it still parses.
    assert_eq!(p.file.decls.len(), 1);
}
