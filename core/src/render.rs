//! Diagnostics as text for people: a header, the location, the source with the
//! span underlined, related spans labelled, help, and a closing summary.
//!
//! ```text
//! error[E0203]: unknown name `vulnerability_scor`
//!    --> rules.accord:12:17
//!    │
//! 12 │   eligible when vulnerability_scor >= 30
//!    │                 ─────────┬────────
//!    ...
//! ```
//!
//! The snippet is drawn by ariadne. Spans are byte offsets, so each is converted to
//! a `char` offset through the [`SourceMap`] before it reaches ariadne (whose
//! default index is the `char`); that keeps underlines right under Armenian,
//! Cyrillic or Estonian text. The header and the `-->` line are written here, from
//! the same [`SourceMap`] positions as the JSON output, so both always agree.

use std::fmt::{self, Write as _};
use std::ops::Range;

use ariadne::{Cache, Config, Label, Report, ReportKind, Source};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;

/// How to render diagnostics for people.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours; front ends enable them only when writing to a terminal.
    pub color: bool,
}

/// Renders every diagnostic followed by the summary line; empty when there are none.
pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic], options: RenderOptions) -> String {
    let mut cache = Sources::new(sources);
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(sources, &mut cache, diagnostic, options));
        out.push('\n');
    }
    if let Some(summary) = summary(diagnostics, options) {
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// `error: 2 errors, 1 warning`, `warning: 1 warning`, or `None` when clean.
pub fn summary(diagnostics: &[Diagnostic], options: RenderOptions) -> Option<String> {
    let errors = count(diagnostics, Severity::Error);
    let warnings = count(diagnostics, Severity::Warning);
    let mut counts = Vec::new();
    if errors > 0 {
        counts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        counts.push(plural(warnings, "warning"));
    }
    let severity = if errors > 0 {
        Severity::Error
    } else if warnings > 0 {
        Severity::Warning
    } else {
        return None;
    };
    Some(format!(
        "{}: {}",
        paint(severity_word(severity), severity_style(severity), options),
        counts.join(", ")
    ))
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
    }
}

fn paint(text: &str, style: &str, options: RenderOptions) -> String {
    if options.color {
        format!("\x1b[{style}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn render_one(
    sources: &SourceMap,
    cache: &mut Sources,
    diagnostic: &Diagnostic,
    options: RenderOptions,
) -> String {
    let severity = diagnostic.severity;
    let mut out = format!(
        "{}{}\n",
        paint(
            &format!("{}[{}]", severity_word(severity), diagnostic.code),
            severity_style(severity),
            options
        ),
        paint(&format!(": {}", diagnostic.message), "1", options),
    );

    let Some(primary) = char_range(sources, diagnostic.file, diagnostic.span) else {
        // A diagnostic about a file that is not in the map: nothing to show but
        // its words (a checker bug, but never a panic).
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "  help: {help}");
        }
        return out;
    };
    let name = sources
        .file(diagnostic.file)
        .map_or("<unknown>", |f| f.name.as_str());
    let position = sources.position(diagnostic.file, diagnostic.span.start);
    let location = position.map_or_else(
        || name.to_owned(),
        |p| format!("{name}:{}:{}", p.line, p.column),
    );

    let kind = match severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let color = match severity {
        Severity::Error => ariadne::Color::Red,
        Severity::Warning => ariadne::Color::Yellow,
    };
    let mut builder = Report::build(kind, (diagnostic.file, primary.clone()))
        .with_config(Config::default().with_color(options.color));
    // ariadne starts a new snippet whenever a label's line comes before the
    // previous label's, and heads every snippet of the primary file with the
    // primary position. So the labels in the primary file go first and in line
    // order (one snippet, headed rightly); labels in other files follow, each
    // snippet headed with its own position.
    let mut labels = vec![(diagnostic.file, primary, diagnostic.message.as_str(), color)];
    for related in &diagnostic.related {
        if let Some(range) = char_range(sources, related.file, related.span) {
            labels.push((
                related.file,
                range,
                related.message.as_str(),
                ariadne::Color::Blue,
            ));
        }
    }
    labels.sort_by_key(|(file, range, _, _)| (*file != diagnostic.file, *file, range.start));
    for (order, (file, range, message, color)) in (0_i32..).zip(labels) {
        builder = builder.with_label(
            Label::new((file, range))
                .with_message(message)
                .with_color(color)
                .with_order(order),
        );
    }
    if let Some(help) = &diagnostic.help {
        builder = builder.with_help(help);
    }
    let mut buffer = Vec::new();
    if builder.finish().write(&mut *cache, &mut buffer).is_err() {
        let _ = writeln!(out, "   --> {location}");
        return out;
    }
    let drawn = String::from_utf8_lossy(&buffer);
    // ariadne's first line is its own header (replaced by ours above) and its
    // second the box top naming the primary file (replaced by the `-->` line).
    let mut lines = drawn.lines().skip(1);
    if let Some(box_top) = lines.next() {
        let indent = box_top.chars().take_while(|c| *c == ' ').count();
        let _ = writeln!(
            out,
            "{}{} {location}",
            " ".repeat(indent),
            paint("-->", "34", options)
        );
    }
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The `char` range of a byte span, ordered, clamped to the text and widened to
/// one character where possible, so that an empty span (say, "expected `}`" at the
/// end of a line) still gets a visible mark.
fn char_range(
    sources: &SourceMap,
    file: usize,
    span: accord_grammar::ast::Span,
) -> Option<Range<usize>> {
    let (low, high) = if span.start <= span.end {
        (span.start, span.end)
    } else {
        (span.end, span.start)
    };
    let start = sources.char_offset(file, low)?;
    let end = sources.char_offset(file, high)?;
    if end > start {
        return Some(start..end);
    }
    let text = &sources.file(file)?.text;
    let total = sources.char_offset(file, text.len())?;
    Some(if start < total {
        start..start + 1
    } else {
        start..start
    })
}

/// ariadne's view of the source map: each file by its index, shown by its name.
struct Sources {
    files: Vec<(String, Source<String>)>,
}

impl Sources {
    fn new(map: &SourceMap) -> Self {
        Sources {
            files: map
                .files()
                .map(|f| {
                    (
                        f.name.clone(),
                        Source::from(same_lines_as_source_map(&f.text)),
                    )
                })
                .collect(),
        }
    }
}

/// ariadne also breaks lines at a lone `\r`, vertical tab, form feed, U+0085,
/// U+2028 and U+2029; the [`SourceMap`] breaks only at `\n`. Each such character
/// becomes a space (one `char` for one, so `char` offsets still hold) so the line
/// numbers in the snippet match the ones in the header.
fn same_lines_as_source_map(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' | '\x0B' | '\x0C' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl Cache<usize> for Sources {
    type Storage = String;

    fn fetch(&mut self, id: &usize) -> Result<&Source<String>, impl fmt::Debug> {
        self.files
            .get(*id)
            .map(|(_, source)| source)
            .ok_or_else(|| format!("no source file {id}"))
    }

    fn display<'a>(&self, id: &'a usize) -> Option<impl fmt::Display + 'a> {
        self.files.get(*id).map(|(name, _)| name.clone())
    }
}
