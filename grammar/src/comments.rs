//! Lexical scan for `//` and `/* */` comments (not `///` doc comments), which the
//! grammar skips and the formatter must keep.

use crate::ast::{Comment, Span};

/// Every comment of `source` in order. Skips text literals (`"// not a comment"`,
/// which end at an unescaped `"` or the end of the line) and `///` doc comments
/// (grammar, not comments; `////…` is a comment). An unterminated `/*` runs to the
/// end of the file, as the comment it was meant to be.
pub(crate) fn scan(source: &str) -> Vec<Comment> {
    let bytes = source.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    // Whether code (not whitespace, not a comment) precedes `i` on its line.
    let mut code_on_line = false;
    let line_end = |from: usize| {
        bytes
            .get(from..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
            .map_or(bytes.len(), |n| from + n)
    };
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => {
                code_on_line = false;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'"' => {
                code_on_line = true;
                i = text_literal_end(bytes, i);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = line_end(i);
                let is_doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
                if is_doc {
                    // A doc comment is grammar: it counts as code on its line.
                    code_on_line = true;
                } else {
                    // Keep the text without a trailing `\r` (CRLF files).
                    let text_end = if end > i && bytes.get(end - 1) == Some(&b'\r') {
                        end - 1
                    } else {
                        end
                    };
                    comments.push(Comment {
                        text: crate::text::slice(
                            source,
                            i..text_end,
                            "from a `/` to a newline, a `\\r` or the end",
                        )
                        .to_string(),
                        trailing: code_on_line,
                        span: Span::new(i, text_end),
                    });
                }
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = source
                    .get(i + 2..)
                    .and_then(|s| s.find("*/"))
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                comments.push(Comment {
                    text: crate::text::slice(source, i..end, "from a `/` to past `*/` or the end")
                        .to_string(),
                    trailing: code_on_line,
                    span: Span::new(i, end),
                });
                i = end;
            }
            _ => {
                code_on_line = true;
                // Skip the rest of a UTF-8 sequence byte by byte; none of its bytes
                // is ASCII, so no delimiter is missed.
                i += 1;
            }
        }
    }
    comments
}

/// The end of the text literal whose opening `"` is at `start`: after its closing
/// `"`, or at the line break or end of input that leaves it unterminated. As in the
/// grammar, a backslash escapes any character but a line break.
pub(crate) fn text_literal_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' if bytes.get(i + 1).is_some_and(|&n| n != b'\n' && n != b'\r') => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_block_and_trailing_comments() {
        let src = "// head\nx = 1 // why\n/* a\nb */ y \"// no\" /* c */\n/// doc\n//// bar\n";
        let c = scan(src);
        let texts: Vec<(&str, bool)> = c.iter().map(|c| (c.text.as_str(), c.trailing)).collect();
        assert_eq!(
            texts,
            vec![
                ("// head", false),
                ("// why", true),
                ("/* a\nb */", false),
                ("/* c */", true),
                ("//// bar", false),
            ]
        );
        let why = &c[1];
        assert_eq!(&src[why.span.start..why.span.end], "// why");
    }

    #[test]
    fn escaped_quote_does_not_end_text() {
        let c = scan("\"a \\\" // b\" // real");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "// real");
    }
}
