//! Properties of the printer alone (no parser): it accepts every generated tree
//! and its lines are clean.

mod support;

use accord_grammar::print;
use proptest::prelude::*;

proptest! {
    #[test]
    fn output_lines_are_clean(file in support::file()) {
        let text = print(&file);
        prop_assert!(file.decls.is_empty() || text.ends_with('\n'), "no final newline");
        for line in text.lines() {
            // Doc text is kept as written, trailing spaces included.
            if !line.trim_start().starts_with("///") {
                prop_assert_eq!(line.trim_end(), line, "trailing space in\n{}", text);
            }
            prop_assert!(!line.contains('\t') && !line.contains('\r'), "raw tab or CR in\n{}", text);
            prop_assert!(!line.starts_with(' ') || line.len() - line.trim_start().len() >= 2);
        }
        // One blank line between declarations, never two.
        prop_assert!(!text.contains("\n\n\n"));
    }
}
