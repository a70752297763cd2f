//! Deep input never overflows the printer's stack: whatever the parser accepts
//! prints on a 2 MiB thread in a debug build (what it rejects has nothing to print).

// A failing unwrap in a test helper is a failing test, as intended.
#![expect(
    clippy::unwrap_used,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_grammar::{parse, print};

fn parse_and_print_on_small_stack(source: String) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let parsed = parse(&source);
            let printed = print(&parsed.file);
            if parsed.errors.is_empty() {
                assert!(!printed.is_empty());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_inputs_print_on_a_small_stack() {
    let n = 10_000;
    let cases = [
        format!("entity A {{ x: {}Integer }}", "list of ".repeat(n)),
        format!("entity A {{ let x = a{} }}", " + a".repeat(n)),
        format!("entity A {{ let x = a{} }}", ".b".repeat(n)),
        format!("entity A {{ let x = {}a }}", "-".repeat(n)),
        format!("entity A {{ let x = {}a }}", "not ".repeat(n)),
        format!("entity A {{ let x = {}a{} }}", "(".repeat(n), ")".repeat(n)),
        format!("entity A {{ let x = a{} }}", " where a".repeat(n)),
        format!("entity A {{ let x = {}a }}", "if a then a else ".repeat(n)),
        format!(
            "test \"t\" {{ given H {{ a: {}1{} }} }}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        format!(
            "test \"t\" {{ given H {{ a: {}1{} }} }}",
            "{ b: ".repeat(n),
            " }".repeat(n)
        ),
    ];
    for source in cases {
        parse_and_print_on_small_stack(source);
    }
}
