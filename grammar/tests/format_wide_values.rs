//! A test's members and monthly series stay on one line while they fit in 100
//! columns; wider, they are written one entry a line, commas kept only between
//! the list's members, and formatting stays idempotent.

use accord_grammar::{parse, print};

fn format(src: &str) -> String {
    let parsed = parse(src);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    print(&parsed.file)
}

#[test]
fn wide_members_and_series_are_written_one_entry_a_line() {
    let src = "test \"t\" {\n  given Household {\n    members: [\n      { age: 3 },\n      { age: 30, income: monthly { 2025-01: 100_000, 2025-02: 100_000, 2025-03: 100_000, 2025-04: 100_000 } },\n      { age: 40, wages: monthly { 2025-01: 1 } }\n    ]\n  }\n}\n";
    let expected = "test \"t\" {
  given Household {
    members: [
      { age: 3 },
      {
        age: 30
        income: monthly { 2025-01: 100_000, 2025-02: 100_000, 2025-03: 100_000, 2025-04: 100_000 }
      },
      { age: 40, wages: monthly { 2025-01: 1 } }
    ]
  }
}
";
    // The second member is 109 columns on one line: a block. Its series, 98
    // columns at its depth, still fits on one line.
    let once = format(src);
    assert_eq!(once, expected);
    assert_eq!(format(&once), once);
}

#[test]
fn a_wide_series_is_written_one_month_a_line() {
    let src = "test \"t\" {\n  given Household {\n    rent: monthly { 2025-01: 100_000, 2025-02: 100_000, 2025-03: 100_000, 2025-04: 100_000, 2025-05: unknown }\n  }\n}\n";
    let expected = "test \"t\" {
  given Household {
    rent: monthly {
      2025-01: 100_000
      2025-02: 100_000
      2025-03: 100_000
      2025-04: 100_000
      2025-05: unknown
    }
  }
}
";
    let once = format(src);
    assert_eq!(once, expected);
    assert_eq!(format(&once), once);
}
