//! Errors never echo personal data (docs/language.md, "Errors and personal
//! data"): serde_json's messages about data name the value they refused
//! (`invalid type: string "Armen", expected u32`); these are rewritten to name
//! only its kind (`invalid type: a text, expected u32`). Messages about the
//! shape (unknown or missing fields, which name keys) and JSON syntax errors
//! (which name no value) are kept.

use serde_json::error::Category;

/// `e`'s message with no value of the input in it, its position kept.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let (head, tail) = match (e.line() > 0, full.rfind(" at line ")) {
        (true, Some(i)) => {
            let why = "`i` is where ` at line ` starts";
            (
                crate::source::slice(&full, ..i, why),
                crate::source::slice(&full, i.., why),
            )
        }
        _ => (full.as_str(), ""),
    };
    let head = match e.classify() {
        Category::Data => data_message(head),
        Category::Io | Category::Syntax | Category::Eof => head.to_string(),
    };
    format!("{head}{tail}")
}

/// A serde data error without the value it names.
fn data_message(m: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix) {
            let expected = rest
                .rfind(", expected ")
                .and_then(|i| rest.get(i..))
                .unwrap_or("");
            return format!("{prefix}{}{expected}", kind(rest));
        }
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let expected = rest
            .rfind(", expected ")
            .and_then(|i| rest.get(i..))
            .unwrap_or("");
        return format!("unknown variant{expected}");
    }
    let keeps = [
        "unknown field ",
        "missing field ",
        "duplicate field ",
        "invalid length ",
    ];
    if keeps.iter().any(|k| m.starts_with(k)) {
        return m.to_string();
    }
    "a value is not of the expected type".to_string()
}

/// The kind of a value as serde's `Unexpected` writes it, without the value.
fn kind(unexpected: &str) -> &'static str {
    let kinds = [
        ("boolean", "a Boolean"),
        ("integer", "a number"),
        ("floating point", "a number"),
        ("string", "a text"),
        ("character", "a text"),
        ("unit", "null"),
        ("null", "null"),
        ("sequence", "a list"),
        ("map", "an object"),
    ];
    kinds
        .iter()
        .find(|(k, _)| unexpected.starts_with(k))
        .map_or("a value", |(_, w)| w)
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_dropped() {
        let e = serde_json::from_str::<u32>("\"Armen\"").unwrap_err();
        assert_eq!(
            super::serde_message(&e),
            "invalid type: a text, expected u32 at line 1 column 7"
        );
        let e = serde_json::from_str::<u32>("-918273645").unwrap_err();
        assert!(!super::serde_message(&e).contains("918273645"));
        let e = serde_json::from_str::<bool>("{\"a\": 1").unwrap_err();
        assert!(super::serde_message(&e).contains("invalid type: an object"));
    }
}
