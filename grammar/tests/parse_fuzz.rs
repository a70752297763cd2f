//! The parser never panics and keeps its spans inside the source, whatever the
//! input: random bytes, random tokens, and mutated copies of the brief.

// Test helpers outside `#[test]` functions may fail loudly too.

use accord_grammar::parse;
use proptest::prelude::*;

const BRIEF: &str = include_str!("data/brief.accord");

fn check(src: &str) {
    let parsed = parse(src);
    for e in &parsed.errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= src.len(),
            "{e:?}"
        );
        assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        let _ = e.kind; // every error has a kind: the type says so
    }
    for d in &parsed.file.decls {
        let s = d.span();
        assert!(s.start <= s.end && s.end <= src.len());
    }
    for c in &parsed.file.comments {
        assert_eq!(&src[c.span.start..c.span.end], c.text);
    }
}

const TOKENS: &[&str] = &[
    "entity ",
    "program ",
    "table ",
    "test ",
    "let ",
    "x",
    "y",
    ": ",
    "= ",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    "|",
    "\n",
    " ",
    "if ",
    "then ",
    "else ",
    "where ",
    "any ",
    "all ",
    "done ",
    "not ",
    "in ",
    "..",
    "-",
    "+",
    "*",
    "/",
    "//",
    "///",
    "/*",
    "*/",
    "\"",
    "\\",
    "\"a\"",
    "1",
    "2.5",
    "12%",
    "2025-01-01",
    "3 working days",
    "otherwise ",
    "implies ",
    "and ",
    "or ",
    "<",
    ">=",
    "!=",
    "hit collect sum ",
    "eligible when ",
    "amount ",
    "Ընտանեկան",
    "é",
    "\r\n",
    "\t",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn random_strings(src in "\\PC{0,200}") {
        check(&src);
    }

    #[test]
    fn random_tokens(toks in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
        let src: String = toks.into_iter().map(|i| TOKENS[i]).collect();
        check(&src);
    }

    #[test]
    fn mutated_brief(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..TOKENS.len(), 0..3u8), 1..6)) {
        let mut src = BRIEF.to_string();
        for (at, tok, kind) in edits {
            let mut i = at.index(src.len() + 1);
            while !src.is_char_boundary(i) {
                i -= 1;
            }
            match kind {
                0 => src.insert_str(i, TOKENS[tok]),
                1 => {
                    let mut j = (i + TOKENS[tok].len()).min(src.len());
                    while !src.is_char_boundary(j) {
                        j += 1;
                    }
                    src.replace_range(i..j, "");
                }
                _ => {
                    let mut j = (i + 1).min(src.len());
                    while !src.is_char_boundary(j) {
                        j += 1;
                    }
                    src.replace_range(i..j, TOKENS[tok]);
                }
            }
        }
        check(&src);
    }
}

#[test]
fn random_bytes_as_lossy_text() {
    // A simple deterministic generator over all byte values.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..500 {
        let len = (state % 300) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}
