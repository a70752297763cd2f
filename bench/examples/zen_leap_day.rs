//! Shows how ZEN's `d(a).diff(d(b), 'year')` counts a 29 February birthday, next to
//! Accord's `years_between` (the native `years_between` mirrors Accord).
//! `cargo run --release --manifest-path bench/Cargo.toml --example zen_leap_day`

use accord_bench::native::years_between;
use accord_bench::zen::ZenRunner;
use serde_json::json;

fn main() -> Result<(), String> {
    let jdm = json!({"nodes": [
        {"id": "a", "name": "in", "type": "inputNode", "position": {"x": 0, "y": 0}},
        {"id": "b", "name": "age", "type": "expressionNode", "position": {"x": 0, "y": 0},
         "content": {"expressions": [{"id": "x", "key": "age", "value": "d(asOf).diff(d(birth), 'year')"}]}},
        {"id": "c", "name": "out", "type": "outputNode", "position": {"x": 0, "y": 0}}],
      "edges": [{"id": "e1", "sourceId": "a", "targetId": "b"}, {"id": "e2", "sourceId": "b", "targetId": "c"}]});
    let zen = ZenRunner::new(&jdm.to_string())?;
    for (birth, as_of) in [
        ("2008-02-29", "2026-02-28"),
        ("2008-02-29", "2026-03-01"),
        ("2000-03-15", "2025-03-14"),
        ("2000-03-15", "2025-03-15"),
        ("2000-01-31", "2025-02-28"),
        ("2007-03-31", "2025-03-30"),
        ("2008-02-28", "2025-02-27"),
        ("2008-02-29", "2024-02-28"),
        ("2008-02-29", "2024-02-29"),
    ] {
        let out = zen.evaluate_json(&json!({"birth": birth, "asOf": as_of}))?;
        let accord = years_between(
            birth.parse().map_err(|e| format!("{e}"))?,
            as_of.parse().map_err(|e| format!("{e}"))?,
        );
        println!(
            "born {birth}, as of {as_of}: ZEN {}, Accord {accord}",
            serde_json::Value::from(out)["age"]
        );
    }
    Ok(())
}
