//! Layout the grammar skips but the formatter keeps: where the author left blank
//! lines.

use crate::ast::{BlankLines, Comment};

/// The starts of the lines that hold only spaces, tabs or a carriage return,
/// outside block comments. A last line without a newline is the end of the file,
/// not a blank line. Linear in the source size.
pub(crate) fn blank_lines(source: &str, comments: &[Comment]) -> BlankLines {
    let mut out = Vec::new();
    let mut comments = comments.iter().peekable();
    let mut start = 0;
    for (newline, _) in source.match_indices('\n') {
        let line = crate::text::slice(
            source,
            start..newline,
            "`start` is 0 or just past the previous newline, `newline` a newline after it",
        );
        if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            // Comments come in source order: skip those ending before this line.
            while comments.next_if(|c| c.span.end <= start).is_some() {}
            let in_comment = comments.peek().is_some_and(|c| c.span.start < start);
            if !in_comment {
                out.push(start);
            }
        }
        start = newline + 1;
    }
    BlankLines(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;

    #[test]
    fn finds_blank_lines_outside_block_comments() {
        let src = "a\n\n  \nb /* x\n\n*/\n\t\r\nc";
        let comment = Comment {
            text: "/* x\n\n*/".into(),
            trailing: true,
            span: Span::new(8, 16),
        };
        let found = blank_lines(src, &[comment]);
        assert_eq!(found.0, vec![2, 3, 17]);
    }
}
