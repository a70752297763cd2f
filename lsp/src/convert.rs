//! Between the protocol's shapes and the core's: URIs and paths, positions
//! and byte offsets, diagnostics, symbol kinds.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use accord_core::ide::{CompletionKind, Lines, Location, SymKind};
use lsp_types as lsp;

/// The path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///C:/x` on Windows; `file:///home/x` elsewhere.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = rest.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    let mut path = String::from_utf8(out).ok()?;
    if cfg!(windows) && path.starts_with('/') && path.get(2..3) == Some(":") {
        path.remove(0);
    }
    Some(PathBuf::from(path))
}

/// The `file:` URI of a path, percent-encoding what a URI path may not hold.
pub fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn uri(text: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(text).ok()
}

pub fn position(lines: &Lines, text: &str, offset: usize) -> lsp::Position {
    let (line, character) = lines.position(text, offset);
    lsp::Position { line, character }
}

pub fn offset(lines: &Lines, text: &str, p: lsp::Position) -> usize {
    lines.offset(text, p.line, p.character)
}

pub fn range(lines: &Lines, text: &str, start: usize, end: usize) -> lsp::Range {
    lsp::Range {
        start: position(lines, text, start),
        end: position(lines, text, end),
    }
}

pub fn loc_range(lines: &Lines, text: &str, l: Location) -> lsp::Range {
    range(lines, text, l.start, l.end)
}

pub fn symbol_kind(kind: SymKind) -> lsp::SymbolKind {
    match kind {
        SymKind::Sector | SymKind::Calendar | SymKind::Agency => lsp::SymbolKind::NAMESPACE,
        SymKind::Enum => lsp::SymbolKind::ENUM,
        SymKind::Variant => lsp::SymbolKind::ENUM_MEMBER,
        SymKind::Entity => lsp::SymbolKind::STRUCT,
        SymKind::Field => lsp::SymbolKind::FIELD,
        SymKind::Let => lsp::SymbolKind::PROPERTY,
        SymKind::Parameter => lsp::SymbolKind::CONSTANT,
        SymKind::Table | SymKind::Scale => lsp::SymbolKind::FUNCTION,
        SymKind::Program => lsp::SymbolKind::CLASS,
        SymKind::Assessment | SymKind::Protocol => lsp::SymbolKind::MODULE,
        SymKind::Section => lsp::SymbolKind::NAMESPACE,
        SymKind::Question | SymKind::Score => lsp::SymbolKind::VARIABLE,
        SymKind::Need => lsp::SymbolKind::EVENT,
        SymKind::Service => lsp::SymbolKind::INTERFACE,
        SymKind::Role => lsp::SymbolKind::OBJECT,
        SymKind::Step => lsp::SymbolKind::METHOD,
    }
}

pub fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Type => lsp::CompletionItemKind::CLASS,
        CompletionKind::Symbol(k) => match k {
            SymKind::Enum => lsp::CompletionItemKind::ENUM,
            SymKind::Variant => lsp::CompletionItemKind::ENUM_MEMBER,
            SymKind::Entity => lsp::CompletionItemKind::STRUCT,
            SymKind::Field => lsp::CompletionItemKind::FIELD,
            SymKind::Let => lsp::CompletionItemKind::PROPERTY,
            SymKind::Parameter => lsp::CompletionItemKind::CONSTANT,
            SymKind::Table | SymKind::Scale => lsp::CompletionItemKind::FUNCTION,
            SymKind::Program | SymKind::Service => lsp::CompletionItemKind::CLASS,
            SymKind::Assessment | SymKind::Protocol => lsp::CompletionItemKind::MODULE,
            SymKind::Question | SymKind::Score => lsp::CompletionItemKind::VARIABLE,
            SymKind::Need => lsp::CompletionItemKind::EVENT,
            SymKind::Role => lsp::CompletionItemKind::REFERENCE,
            SymKind::Step => lsp::CompletionItemKind::METHOD,
            SymKind::Sector | SymKind::Calendar | SymKind::Agency | SymKind::Section => {
                lsp::CompletionItemKind::MODULE
            }
        },
    }
}

/// The semantic token types the server sends, in legend order.
pub const TOKEN_TYPES: [lsp::SemanticTokenType; 12] = [
    lsp::SemanticTokenType::NAMESPACE,
    lsp::SemanticTokenType::ENUM,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::STRUCT,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::CLASS,
    lsp::SemanticTokenType::EVENT,
    lsp::SemanticTokenType::METHOD,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::INTERFACE,
];

/// The modifiers, in legend order: a declaration, and a value that never
/// changes within a date (parameters, variants).
pub const TOKEN_MODIFIERS: [lsp::SemanticTokenModifier; 2] = [
    lsp::SemanticTokenModifier::DECLARATION,
    lsp::SemanticTokenModifier::READONLY,
];

/// The legend index of a kind's token type, and whether it is read-only.
pub fn token_type(kind: SymKind) -> (u32, bool) {
    match kind {
        SymKind::Sector | SymKind::Calendar | SymKind::Agency | SymKind::Section => (0, false),
        SymKind::Enum => (1, false),
        SymKind::Variant => (2, true),
        SymKind::Entity => (3, false),
        SymKind::Field => (4, false),
        SymKind::Let | SymKind::Question | SymKind::Score => (5, false),
        SymKind::Parameter => (5, true),
        SymKind::Table | SymKind::Scale => (6, false),
        SymKind::Program | SymKind::Assessment | SymKind::Protocol => (7, false),
        SymKind::Need => (8, false),
        SymKind::Step => (9, false),
        SymKind::Role => (10, false),
        SymKind::Service => (11, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/home/ana/rules/Ընտանիք 1.accord");
        let u = path_to_uri(p);
        assert!(u.starts_with("file:///home/ana/rules/%D4"), "{u}");
        assert!(u.ends_with("%201.accord"), "{u}");
        assert_eq!(uri_to_path(&u).as_deref(), Some(p));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///a/%zz"), None);
    }
}
