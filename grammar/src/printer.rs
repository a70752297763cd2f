//! [`crate::ast`] → canonical text.
//!
//! The layout is fixed (two-space indentation, one item per line, one blank line
//! between declarations, expressions on one line) so that formatting is a function
//! of the tree alone. Comments are not in the tree's structure: they are placed by
//! comparing their spans with the items' spans (see [`Printer::flush`]).

mod expr;

use crate::ast::{
    Assessment, AssessmentItem, Calendar, CalendarItem, ChoiceOption, Clause, Comment, Decl, Docs,
    EnumDecl, Expect, ExpectOutcome, Expr, File, HolidayDay, Label, Member, ObjectEntry,
    ObjectValue, Parameter, ParameterItem, Program, ProgramItem, Protocol, ProtocolItem, Question,
    QuestionKind, Role, Ruleset, RulesetItem, Section, Service, ServiceItem, Span, Step, StepItem,
    Table, Test, TestItem, TypeExpr, Value,
};
use crate::ast::{CompareOp, FieldDomain, HitPolicyKind, Ident, SubjectPath, TableVersion};
use crate::ast::{Scale, ScaleBracket};

/// Prints a file in the canonical layout, keeping its comments.
///
/// Every comment of `file.comments` is written exactly once: before the first item
/// that starts after it (at that item's indentation), at the end of the line it
/// trailed, before the `}` of the block it ends, or at the end of the file.
pub fn print(file: &File) -> String {
    let mut p = Printer::new(&file.comments, &file.blank_lines.0);
    for (i, decl) in file.decls.iter().enumerate() {
        p.before_decl(decl.span().start, i > 0);
        p.decl(decl);
    }
    p.end_of_file(!file.decls.is_empty());
    p.finish()
}

/// One output line. `open` is true for a line of code, to whose end a trailing
/// comment may be appended; false for blank and comment-only lines and after a
/// `//` comment (appending there would merge two comments into one).
struct Line {
    text: String,
    open: bool,
}

struct Printer<'a> {
    lines: Vec<Line>,
    /// Comments in source order; `next` is the first one not yet written.
    comments: Vec<&'a Comment>,
    next: usize,
    /// Starts of the source's blank lines (sorted), and the source position up to
    /// which layout has been reproduced: a blank line between that position and the
    /// next item or comment is kept, as one blank line.
    blanks: &'a [usize],
    last_end: usize,
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// The width past which a test's member or monthly series is written one entry
/// a line rather than on one line.
const LINE_WIDTH: usize = 100;

/// Whether `line`, indented `depth` levels, is wider than [`LINE_WIDTH`].
fn too_wide(depth: usize, line: &str) -> bool {
    2 * depth + line.chars().count() > LINE_WIDTH
}

impl<'a> Printer<'a> {
    fn new(comments: &'a [Comment], blanks: &'a [usize]) -> Self {
        let mut comments: Vec<&Comment> = comments.iter().collect();
        comments.sort_by_key(|c| c.span.start);
        Printer {
            lines: Vec::new(),
            comments,
            next: 0,
            blanks,
            last_end: 0,
        }
    }

    fn finish(self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    fn push(&mut self, depth: usize, content: &str) {
        let mut text = indent(depth);
        text.push_str(content);
        self.lines.push(Line { text, open: true });
    }

    fn blank(&mut self) {
        self.lines.push(Line {
            text: String::new(),
            open: false,
        });
    }

    /// The next unwritten comment, if it starts before `pos`.
    fn pending(&self, pos: usize) -> Option<&'a Comment> {
        self.comments
            .get(self.next)
            .copied()
            .filter(|c| c.span.start < pos)
    }

    /// Whether the next unwritten comment starts before `pos`.
    fn has_pending(&self, pos: usize) -> bool {
        self.pending(pos).is_some()
    }

    /// Appends a trailing comment to the last line if it is a line of code;
    /// returns false (and writes nothing) otherwise.
    fn append_trailing(&mut self, c: &Comment) -> bool {
        if !c.trailing {
            return false;
        }
        let Some(last) = self.lines.last_mut() else {
            return false;
        };
        if !last.open {
            return false;
        }
        last.text.push(' ');
        last.text.push_str(&c.text);
        if c.text.starts_with("//") || c.text.contains('\n') {
            last.open = false;
        }
        true
    }

    /// Appends to the last line, out of their turn, the trailing comments that
    /// start in `from..to`: those of an item printed before where it was written.
    /// They are taken out of the queue (all of it is still unwritten there).
    fn take_trailing(&mut self, from: usize, to: usize) {
        let mut i = self.next;
        while let Some(c) = self.comments.get(i).copied() {
            if c.span.start >= to {
                break;
            }
            if c.span.start >= from && c.trailing && self.append_trailing(c) {
                self.comments.remove(i);
            } else {
                i += 1;
            }
        }
    }

    fn own_line(&mut self, depth: usize, c: &Comment) {
        let mut text = indent(depth);
        text.push_str(&c.text);
        self.lines.push(Line { text, open: false });
    }

    /// Whether the source had a blank line between the positions `from` and `to`.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let i = self.blanks.partition_point(|&b| b <= from);
        self.blanks.get(i).is_some_and(|&b| b < to)
    }

    /// Keeps one blank line the author left before `pos` — but never two in a row,
    /// nor at the start of a block or of the file.
    fn keep_blank(&mut self, pos: usize) {
        if !self.blank_between(self.last_end, pos) {
            return;
        }
        let after_text = self.lines.last().is_some_and(|l| {
            let t = l.text.trim_end();
            !t.is_empty() && !t.ends_with('{') && !t.ends_with('[')
        });
        if after_text {
            self.blank();
        }
    }

    /// Writes the unwritten comments that start before `pos`: a trailing one at the
    /// end of the last line of code, the others on their own lines at `depth`.
    fn comments_before(&mut self, depth: usize, pos: usize) {
        while let Some(c) = self.pending(pos) {
            self.next += 1;
            if !self.append_trailing(c) {
                self.keep_blank(c.span.start);
                self.own_line(depth, c);
            }
            self.last_end = self.last_end.max(c.span.end);
        }
    }

    /// Before an item starting at `pos`: its comments, and the blank line the author
    /// left before it, if any.
    fn flush(&mut self, depth: usize, pos: usize) {
        self.comments_before(depth, pos);
        self.keep_blank(pos);
        self.last_end = self.last_end.max(pos);
    }

    /// Comments before a declaration: trailing ones stay on the previous line, the
    /// rest go after the blank line that separates declarations.
    fn before_decl(&mut self, pos: usize, separate: bool) {
        let mut separated = !separate;
        while let Some(c) = self.pending(pos) {
            self.next += 1;
            if !self.append_trailing(c) {
                if !separated {
                    self.blank();
                    separated = true;
                }
                self.keep_blank(c.span.start);
                self.own_line(0, c);
            }
            self.last_end = self.last_end.max(c.span.end);
        }
        if !separated {
            self.blank();
        }
        self.keep_blank(pos);
        self.last_end = self.last_end.max(pos);
    }

    fn end_of_file(&mut self, after_decls: bool) {
        let mut separated = !after_decls;
        while let Some(c) = self.pending(usize::MAX) {
            self.next += 1;
            if !self.append_trailing(c) {
                if !separated {
                    self.blank();
                    separated = true;
                }
                self.keep_blank(c.span.start);
                self.own_line(0, c);
            }
            self.last_end = self.last_end.max(c.span.end);
        }
    }

    /// Comments left inside a block go before its `}`.
    fn close(&mut self, depth: usize, end: usize, bracket: &str) {
        self.comments_before(depth + 1, end);
        self.push(depth, bracket);
        self.last_end = self.last_end.max(end);
    }

    fn docs(&mut self, depth: usize, docs: &Docs) {
        for doc in docs {
            // A hand-built doc line with a line break becomes several doc lines.
            for line in doc.split('\n') {
                let mut text = indent(depth);
                text.push_str("///");
                if !line.is_empty() {
                    text.push(' ');
                    text.push_str(line);
                }
                // A comment appended here would become doc text.
                self.lines.push(Line { text, open: false });
            }
        }
    }

    /// Flushes the comments before an item, then writes its doc lines.
    fn item_start(&mut self, depth: usize, span: Span, docs: &Docs) {
        self.flush(depth, span.start);
        self.docs(depth, docs);
    }

    fn decl(&mut self, decl: &Decl) {
        match decl {
            Decl::Ruleset(d) => self.ruleset(d),
            Decl::Sector(d) => {
                self.docs(0, &d.docs);
                self.push(0, &header("sector", &d.name, &d.label));
            }
            Decl::Enum(d) => self.enum_decl(d),
            Decl::Entity(d) => {
                self.docs(0, &d.docs);
                self.push(0, &block_header("entity", &d.name, &d.label));
                for member in &d.members {
                    self.member(1, member);
                }
                self.close(0, d.span.end, "}");
            }
            Decl::Parameter(d) => self.parameter(d),
            Decl::Table(d) => self.table(d),
            Decl::Program(d) => self.program(d),
            Decl::Assessment(d) => self.assessment(d),
            Decl::Service(d) => self.service(d),
            Decl::Calendar(d) => self.calendar(d),
            Decl::Protocol(d) => self.protocol(d),
            Decl::Test(d) => self.test(d),
            Decl::Scale(d) => self.scale(d),
        }
    }

    /// `scale NAME "Label" KIND {`, each version's `from` line and its brackets
    /// (thresholds padded to the widest of the version), `}`.
    fn scale(&mut self, d: &Scale) {
        self.docs(0, &d.docs);
        let mut line = format!("scale {}", d.name.name);
        push_label(&mut line, &d.label);
        line.push(' ');
        line.push_str(d.kind.keyword());
        line.push_str(" {");
        self.push(0, &line);
        self.scale_brackets(1, &d.brackets);
        for v in &d.versions {
            self.flush(1, v.span.start);
            let mut line = String::from(if v.until { "until " } else { "from " });
            expr::date(&mut line, &v.from);
            if !v.until {
                line.push(':');
            }
            if let Some(src) = &v.source {
                line.push_str(" source ");
                line.push_str(&label_text(src));
            }
            self.push(1, &line);
            self.scale_brackets(2, &v.brackets);
        }
        self.close(0, d.span.end, "}");
    }

    fn scale_brackets(&mut self, depth: usize, brackets: &[ScaleBracket]) {
        let cells: Vec<(String, String)> = brackets
            .iter()
            .map(|b| {
                let (mut t, mut v) = (String::new(), String::new());
                expr::cell_value(&mut t, &b.threshold);
                expr::cell_value(&mut v, &b.value);
                (t, v)
            })
            .collect();
        let width = cells.iter().map(|(t, _)| t.chars().count()).max();
        for (b, (t, v)) in brackets.iter().zip(&cells) {
            self.flush(depth, b.span.start);
            let pad = width.unwrap_or(0).saturating_sub(t.chars().count());
            self.push(depth, &format!("{t}{} | {v}", " ".repeat(pad)));
        }
    }

    fn ruleset(&mut self, d: &Ruleset) {
        self.docs(0, &d.docs);
        self.push(0, &block_header("ruleset", &d.name, &d.label));
        for item in &d.items {
            match item {
                RulesetItem::Languages { langs, span } => {
                    self.flush(1, span.start);
                    self.push(1, &format!("languages {}", names(langs)));
                }
                RulesetItem::Currency { code, span } => {
                    self.flush(1, span.start);
                    self.push(1, &format!("currency {}", code.name));
                }
                RulesetItem::Regions { name, span } => {
                    self.flush(1, span.start);
                    self.push(1, &format!("regions {}", name.name));
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn enum_decl(&mut self, d: &EnumDecl) {
        self.docs(0, &d.docs);
        let plain = d
            .variants
            .iter()
            .all(|v| v.label.is_none() && v.docs.is_empty());
        // A comment inside the braces needs the variants on their own lines to stay
        // where it was written.
        if plain && !d.variants.is_empty() && !self.has_pending(d.span.end) {
            let mut line = header("enum", &d.name, &d.label);
            line.push_str(" { ");
            let variants: Vec<&Ident> = d.variants.iter().map(|v| &v.name).collect();
            line.push_str(&names_ref(&variants));
            line.push_str(" }");
            self.push(0, &line);
            return;
        }
        self.push(0, &block_header("enum", &d.name, &d.label));
        for v in &d.variants {
            self.item_start(1, v.span, &v.docs);
            let mut line = v.name.name.clone();
            push_label(&mut line, &v.label);
            self.push(1, &line);
        }
        self.close(0, d.span.end, "}");
    }

    /// The lines written before row `at` (at the end when `at` is the number of
    /// rows): in written order, the `for each` lines ending the previous version,
    /// then each `from DATE: [source "…"]` line whose first row is `at`, each
    /// followed by the `for each` lines written right after it.
    fn table_versions(&mut self, d: &Table, at: usize) {
        let before = d.versions.iter().filter(|v| v.first < at).count();
        self.table_each(d, at, before);
        for (j, v) in d.versions.iter().enumerate().filter(|(_, v)| v.first == at) {
            self.table_version(v);
            self.table_each(d, at, j + 1);
        }
    }

    /// The `for each COLUMN above N: ADD` lines after `at` rows and
    /// `versions_before` `from` lines.
    fn table_each(&mut self, d: &Table, at: usize, versions_before: usize) {
        for e in d
            .each
            .iter()
            .filter(|e| e.after == at && e.versions_before == versions_before)
        {
            self.flush(1, e.span.start);
            let mut line = format!("for each {} above ", e.column.name);
            expr::cell_value(&mut line, &e.above);
            line.push_str(": ");
            expr::cell_value(&mut line, &e.add);
            self.push(1, &line);
        }
    }

    fn table_version(&mut self, v: &TableVersion) {
        {
            self.flush(1, v.span.start);
            let mut line = String::from(if v.until { "until " } else { "from " });
            expr::date(&mut line, &v.from);
            if !v.until {
                line.push(':');
            }
            if let Some(source) = &v.source {
                line.push_str(" source ");
                expr::text(&mut line, &source.text);
            }
            self.push(1, &line);
        }
    }

    fn member(&mut self, depth: usize, member: &Member) {
        match member {
            Member::Field(f) => {
                self.item_start(depth, f.span, &f.docs);
                let mut line = format!("{}: {}", f.name.name, type_text(&f.ty));
                if let Some(d) = &f.domain {
                    line.push(' ');
                    line.push_str(&domain_text(d));
                }
                push_label(&mut line, &f.label);
                self.push(depth, &line);
            }
            Member::Let(l) => {
                self.item_start(depth, l.span, &l.docs);
                if let Expr::Dated { .. } = &l.value {
                    let mut head = format!("let {}", l.name.name);
                    push_label(&mut head, &l.label);
                    self.dated(depth, head, &l.value);
                } else {
                    self.push(
                        depth,
                        &defined_line("let", &l.name, &l.label, " = ", &l.value),
                    );
                }
            }
        }
    }

    fn parameter(&mut self, d: &Parameter) {
        self.docs(0, &d.docs);
        let mut line = format!("parameter {}: {}", d.name.name, type_text(&d.ty));
        push_label(&mut line, &d.label);
        line.push_str(" {");
        self.push(0, &line);
        for item in &d.items {
            match item {
                ParameterItem::Source(l) => {
                    self.flush(1, l.span.start);
                    self.push(1, &format!("source {}", label_text(l)));
                }
                ParameterItem::From {
                    date,
                    value,
                    source,
                    span,
                } => {
                    self.flush(1, span.start);
                    let mut line = String::from("from ");
                    expr::date(&mut line, date);
                    line.push(':');
                    if let Some(value) = value {
                        line.push(' ');
                        expr::expr(&mut line, value);
                    }
                    if let Some(source) = source {
                        line.push_str(" source ");
                        expr::label(&mut line, source);
                    }
                    self.push(1, &line);
                }
                ParameterItem::Until { date, source, span } => {
                    self.flush(1, span.start);
                    let mut line = String::from("until ");
                    expr::date(&mut line, date);
                    if let Some(source) = source {
                        line.push_str(" source ");
                        expr::label(&mut line, source);
                    }
                    self.push(1, &line);
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn table(&mut self, d: &Table) {
        self.docs(0, &d.docs);
        let mut line = format!("table {}(", d.name.name);
        for (i, p) in d.params.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            line.push_str(&p.name.name);
            line.push_str(": ");
            line.push_str(&type_text(&p.ty));
        }
        line.push_str(") -> ");
        line.push_str(&type_text(&d.result));
        push_label(&mut line, &d.label);
        // An explicit `hit unique` is kept, although it is the default: the
        // formatted text must parse to the same tree.
        if let Some(hit) = d.hit {
            line.push_str(" hit ");
            line.push_str(hit_words(hit.kind));
        }
        line.push_str(" {");
        self.push(0, &line);

        // Every line of the grid as cell texts: the header, then the rows.
        let mut grid: Vec<(usize, Vec<String>)> = Vec::with_capacity(d.rows.len() + 1);
        let header_start = d.columns.first().map_or(0, |c| c.span.start);
        grid.push((
            header_start,
            d.columns.iter().map(|c| c.name.clone()).collect(),
        ));
        for row in &d.rows {
            let cells = row
                .cells
                .iter()
                .map(|c| {
                    let mut s = String::new();
                    expr::cell(&mut s, c);
                    s
                })
                .collect();
            grid.push((row.span.start, cells));
        }
        let mut widths: Vec<usize> = Vec::new();
        for (_, cells) in &grid {
            for (i, cell) in cells.iter().enumerate() {
                let w = cell.chars().count();
                match widths.get_mut(i) {
                    Some(max) => *max = (*max).max(w),
                    None => widths.push(w),
                }
            }
        }
        for (gi, (start, cells)) in grid.iter().enumerate() {
            // A dated table's `from` lines go before their first row (grid line
            // `first + 1`; the header is line 0).
            if gi > 0 {
                self.table_versions(d, gi - 1);
            }
            self.flush(1, *start);
            let mut line = String::new();
            let last = cells.len().saturating_sub(1);
            // `widths` has a column for every cell of every row (built above),
            // so the zip pairs each cell with its own column's width.
            debug_assert!(widths.len() >= cells.len(), "a width per column");
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str(" | ");
                }
                line.push_str(cell);
                if i < last {
                    let pad = width.saturating_sub(cell.chars().count());
                    line.push_str(&" ".repeat(pad));
                }
            }
            self.push(1, &line);
        }
        // Versions with no rows after them (the checker refuses them, but the
        // formatter keeps what was written).
        self.table_versions(d, d.rows.len());
        self.close(0, d.span.end, "}");
    }

    fn program(&mut self, d: &Program) {
        self.docs(0, &d.docs);
        self.push(0, &block_header("program", &d.name, &d.label));
        for item in &d.items {
            self.flush(1, item.span().start);
            match item {
                ProgramItem::For(i, _) => self.push(1, &format!("for {}", i.name)),
                ProgramItem::Sector(i, _) => self.push(1, &format!("sector {}", i.name)),
                ProgramItem::Legal(l, _) => self.push(1, &format!("legal {}", label_text(l))),
                ProgramItem::Eligible(c) => self.clause(1, "eligible when ", c),
                ProgramItem::Unless(c) => self.clause(1, "unless ", c),
                ProgramItem::Amount(e @ Expr::Dated { .. }, _) => {
                    self.dated(1, "amount".to_string(), e);
                }
                ProgramItem::Amount(e, _) => self.push(1, &format!("amount = {}", expr_text(e))),
                ProgramItem::Apply(l, _) => self.push(1, &format!("apply {}", label_text(l))),
                ProgramItem::Documents(ls, _) => {
                    let docs: Vec<String> = ls.iter().map(label_text).collect();
                    self.push(1, &format!("documents {}", docs.join(", ")));
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    /// `eligible when …` with its own `legal` on the next line, indented further.
    /// `HEAD {`, one `from DATE: EXPR` line per version (`from DATE:` or
    /// `until DATE` for an end), `}`.
    fn dated(&mut self, depth: usize, head: String, e: &Expr) {
        let Expr::Dated { versions, span } = e else {
            return;
        };
        self.push(depth, &format!("{head} {{"));
        for v in versions {
            self.flush(depth + 1, v.span.start);
            let mut line = String::from(if v.until { "until " } else { "from " });
            expr::date(&mut line, &v.date);
            if !v.until {
                line.push(':');
            }
            if let Some(e) = &v.expr {
                line.push(' ');
                expr::expr(&mut line, e);
            }
            self.push(depth + 1, &line);
        }
        self.close(depth, span.end, "}");
    }

    fn clause(&mut self, depth: usize, keyword: &str, c: &Clause) {
        if let Expr::Dated { .. } = &c.condition {
            self.dated(depth, keyword.trim_end().to_string(), &c.condition);
        } else {
            let mut line = String::from(keyword);
            expr::expr(&mut line, &c.condition);
            self.push(depth, &line);
        }
        if let Some(legal) = &c.legal {
            self.flush(depth + 1, legal.span.start);
            self.push(depth + 1, &format!("legal {}", label_text(legal)));
        }
    }

    fn assessment(&mut self, d: &Assessment) {
        self.docs(0, &d.docs);
        self.push(0, &block_header("assessment", &d.name, &d.label));
        for item in &d.items {
            match item {
                AssessmentItem::For(i, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("for {}", i.name));
                }
                AssessmentItem::Section(s) => self.section(1, s),
                AssessmentItem::Question(q) => self.question(1, q),
                AssessmentItem::Score {
                    docs,
                    name,
                    label,
                    value,
                    span,
                } => {
                    self.item_start(1, *span, docs);
                    self.push(1, &defined_line("score", name, label, " = ", value));
                }
                AssessmentItem::Need {
                    docs,
                    name,
                    label,
                    condition,
                    span,
                } => {
                    self.item_start(1, *span, docs);
                    self.push(1, &defined_line("need", name, label, " when ", condition));
                }
                AssessmentItem::Risk {
                    level,
                    label,
                    condition,
                    span,
                } => {
                    self.flush(1, span.start);
                    let mut line = format!("risk {}", level.name);
                    push_label(&mut line, label);
                    match condition {
                        Some(c) => {
                            line.push_str(" when ");
                            expr::expr(&mut line, c);
                        }
                        None => line.push_str(" otherwise"),
                    }
                    self.push(1, &line);
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn section(&mut self, depth: usize, s: &Section) {
        self.item_start(depth, s.span, &s.docs);
        self.push(depth, &block_header("section", &s.name, &s.label));
        for q in &s.questions {
            self.question(depth + 1, q);
        }
        self.close(depth, s.span.end, "}");
    }

    fn question(&mut self, depth: usize, q: &Question) {
        self.item_start(depth, q.span, &q.docs);
        let mut line = format!("question {}", q.name.name);
        push_label(&mut line, &q.label);
        line.push_str(": ");
        match &q.kind {
            QuestionKind::Boolean {
                points,
                else_points,
                ..
            } => {
                line.push_str("Boolean");
                if let Some(p) = points {
                    line.push_str(" points ");
                    line.push_str(p);
                }
                if let Some(p) = else_points {
                    line.push_str(" else ");
                    line.push_str(p);
                }
            }
            QuestionKind::Scale {
                low, high, options, ..
            } => {
                line.push_str(&format!("scale {low}..{high}"));
                if !options.is_empty() {
                    let options: Vec<String> = options.iter().map(label_text).collect();
                    line.push_str(&format!(" [{}]", options.join(", ")));
                }
            }
            QuestionKind::Value { ty, range, .. } => {
                line.push_str(&ty.name);
                if let Some((low, high)) = range {
                    line.push_str(&format!(" {low}..{high}"));
                }
            }
            QuestionKind::Choice {
                options,
                multiple,
                span,
            } => {
                let keyword = if *multiple { "choices" } else { "choice" };
                let option_text = |o: &ChoiceOption| {
                    let mut text = o.name.name.clone();
                    push_label(&mut text, &o.label);
                    if let Some(p) = &o.points {
                        text.push_str(" points ");
                        text.push_str(p);
                    }
                    text
                };
                // Like an enum: one line unless an option has a label (or a comment
                // sits among the options).
                let plain = options.iter().all(|o| o.label.is_none());
                if plain && !options.is_empty() && !self.has_pending(span.end) {
                    let texts: Vec<String> = options.iter().map(option_text).collect();
                    line.push_str(&format!("{keyword} {{ {} }}", texts.join(", ")));
                } else {
                    line.push_str(keyword);
                    line.push_str(" {");
                    self.push(depth, &line);
                    for o in options {
                        self.flush(depth + 1, o.span.start);
                        self.push(depth + 1, &option_text(o));
                    }
                    self.close(depth, span.end, "}");
                    return;
                }
            }
        }
        self.push(depth, &line);
    }

    fn service(&mut self, d: &Service) {
        self.docs(0, &d.docs);
        self.push(0, &block_header("service", &d.name, &d.label));
        for item in &d.items {
            match item {
                ServiceItem::Sector(i, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("sector {}", i.name));
                }
                ServiceItem::Meets(needs, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("meets {}", names(needs)));
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn calendar(&mut self, d: &Calendar) {
        self.docs(0, &d.docs);
        let mut head = header("calendar", &d.name, &d.label);
        if let Some(base) = &d.extends {
            head.push_str(" extends ");
            head.push_str(&base.name);
        }
        head.push_str(" {");
        self.push(0, &head);
        for item in &d.items {
            match item {
                CalendarItem::Weekend(days, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("weekend {}", names(days)));
                }
                CalendarItem::Holiday {
                    days,
                    next_working_day,
                    span,
                } => {
                    self.flush(1, span.start);
                    let mut line = String::from("holiday ");
                    let mut after_every = false;
                    for (i, day) in days.iter().enumerate() {
                        if i > 0 {
                            line.push_str(", ");
                        }
                        match day {
                            HolidayDay::Date(date) => expr::date(&mut line, date),
                            HolidayDay::Every(md) => {
                                // `every` takes the `MM-DD`s after it: written once.
                                if !after_every {
                                    line.push_str("every ");
                                }
                                line.push_str(&format!("{:02}-{:02}", md.month, md.day));
                            }
                            HolidayDay::Easter {
                                computus, offset, ..
                            } => {
                                line.push_str("easter ");
                                line.push_str(&computus.name);
                                if *offset != 0 {
                                    let sign = if *offset < 0 { '-' } else { '+' };
                                    let n = offset.unsigned_abs();
                                    let unit = if n == 1 { "day" } else { "days" };
                                    line.push_str(&format!(" {sign} {n} {unit}"));
                                }
                            }
                        }
                        after_every = matches!(day, HolidayDay::Every(_));
                    }
                    if *next_working_day {
                        line.push_str(" or next working day");
                    }
                    self.push(1, &line);
                }
                CalendarItem::Working(dates, span) => {
                    self.flush(1, span.start);
                    let mut line = String::from("working ");
                    for (i, date) in dates.iter().enumerate() {
                        if i > 0 {
                            line.push_str(", ");
                        }
                        expr::date(&mut line, date);
                    }
                    self.push(1, &line);
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn protocol(&mut self, d: &Protocol) {
        self.docs(0, &d.docs);
        self.push(0, &block_header("protocol", &d.name, &d.label));
        // `version` first, wherever it stands in the tree (the parser puts it
        // there too). One written after other items takes along only the comments
        // at the end of its line; the others stay with the items they were among.
        let is_version = |i: &&ProtocolItem| matches!(i, ProtocolItem::Version { .. });
        let first_other = d
            .items
            .iter()
            .find(|i| !is_version(i))
            .map(protocol_item_start);
        let versions = d.items.iter().filter(is_version);
        let others = d.items.iter().filter(|i| !is_version(i));
        for item in versions.chain(others) {
            match item {
                ProtocolItem::Version { number, from, span } => {
                    let moved = first_other.is_some_and(|o| o < span.start);
                    if !moved {
                        self.flush(1, span.start);
                    }
                    let mut line = format!("version {number}");
                    if let Some(date) = from {
                        line.push_str(" from ");
                        expr::date(&mut line, date);
                    }
                    self.push(1, &line);
                    if moved {
                        let next = d
                            .items
                            .iter()
                            .map(protocol_item_start)
                            .filter(|&s| s > span.start)
                            .min()
                            .unwrap_or(d.span.end);
                        self.take_trailing(span.start, next);
                    }
                }
                ProtocolItem::For(i, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("for {}", i.name));
                }
                ProtocolItem::Calendar(i, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("calendar {}", i.name));
                }
                ProtocolItem::Roles(roles, span) => {
                    self.flush(1, span.start);
                    self.push(1, "roles {");
                    for role in roles {
                        self.role(2, role);
                    }
                    self.close(1, span.end, "}");
                }
                ProtocolItem::Start(e, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("start when {}", expr_text(e)));
                }
                ProtocolItem::Step(s) => self.step(1, s),
                ProtocolItem::Escalate {
                    to,
                    overdue_by,
                    span,
                } => {
                    self.flush(1, span.start);
                    let mut line = format!("escalate to {} when overdue by ", to.name);
                    expr::duration(&mut line, overdue_by);
                    self.push(1, &line);
                }
                ProtocolItem::Share {
                    what,
                    with,
                    requires_consent,
                    span,
                } => {
                    self.flush(1, span.start);
                    let tail = if *requires_consent {
                        " requires consent"
                    } else {
                        ""
                    };
                    self.push(
                        1,
                        &format!("share {} with {}{tail}", what.name, names(with)),
                    );
                }
                ProtocolItem::ConsentForReferral { sectors, span } => {
                    self.flush(1, span.start);
                    self.push(1, &format!("consent for referral to {}", names(sectors)));
                }
                ProtocolItem::Region(i, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("region {}", i.name));
                }
                ProtocolItem::Referrals(rules, span) => {
                    self.flush(1, span.start);
                    let rules: Vec<String> = rules
                        .iter()
                        .map(|r| format!("{} {}", r.case.as_str(), r.action.as_str()))
                        .collect();
                    self.push(1, &format!("referrals {}", rules.join(", ")));
                }
                ProtocolItem::Legal(l, span) => {
                    self.flush(1, span.start);
                    self.push(1, &format!("legal {}", label_text(l)));
                }
                ProtocolItem::Agency(a) => {
                    self.item_start(1, a.span, &a.docs);
                    self.push(1, &block_header("agency", &a.name, &a.label));
                    for role in &a.roles {
                        self.role(2, role);
                    }
                    self.close(1, a.span.end, "}");
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    fn role(&mut self, depth: usize, r: &Role) {
        self.item_start(depth, r.span, &r.docs);
        let mut line = r.name.name.clone();
        push_label(&mut line, &r.label);
        if let Some(agency) = &r.agency {
            line.push_str(" at ");
            line.push_str(&agency.name);
        }
        if let Some(kind) = r.kind {
            line.push_str(" is ");
            line.push_str(kind.word());
        }
        self.push(depth, &line);
    }

    fn step(&mut self, depth: usize, s: &Step) {
        self.item_start(depth, s.span, &s.docs);
        self.push(depth, &block_header("step", &s.name, &s.label));
        let inner = depth + 1;
        for item in &s.items {
            let (line, span) = match item {
                StepItem::By(i, span) => (format!("by {}", i.name), span),
                StepItem::After(steps, span) => (format!("after {}", names(steps)), span),
                StepItem::Within(d, span) => {
                    let mut line = String::from("within ");
                    expr::duration(&mut line, d);
                    (line, span)
                }
                StepItem::Every(d, span) => {
                    let mut line = String::from("every ");
                    expr::duration(&mut line, d);
                    (line, span)
                }
                StepItem::Contact(l, span) => (format!("contact {}", label_text(l)), span),
                StepItem::Assessment(i, span) => (format!("assessment {}", i.name), span),
                StepItem::Requires(i, span) => (format!("requires {}", i.name), span),
                StepItem::ForEachNeed(i, span) => (format!("for each need of {}", i.name), span),
                StepItem::When(e, span) => (format!("when {}", expr_text(e)), span),
                StepItem::Legal(l, span) => (format!("legal {}", label_text(l)), span),
                StepItem::Escalate {
                    to,
                    overdue_by,
                    span,
                } => {
                    let mut line = format!("escalate to {} when overdue by ", to.name);
                    expr::duration(&mut line, overdue_by);
                    (line, span)
                }
                StepItem::RatesProviders(span) => ("rates providers".to_string(), span),
                StepItem::WithinFrom(d, from, span) => {
                    let mut line = String::from("within ");
                    expr::duration(&mut line, d);
                    line.push_str(" from ");
                    line.push_str(&from.name);
                    (line, span)
                }
                StepItem::ForEachNeedWhere(of, e, span) => (
                    format!("for each need of {} where {}", of.name, expr_text(e)),
                    span,
                ),
                StepItem::Closes(span) => ("closes".to_string(), span),
                StepItem::BackTo(to, e, span) => {
                    (format!("back to {} when {}", to.name, expr_text(e)), span)
                }
            };
            self.flush(inner, span.start);
            self.push(inner, &line);
        }
        self.close(depth, s.span.end, "}");
    }

    fn test(&mut self, d: &Test) {
        self.docs(0, &d.docs);
        self.push(0, &format!("test {} {{", label_text(&d.name)));
        for item in &d.items {
            match item {
                TestItem::AsOf(date, span) => {
                    self.flush(1, span.start);
                    let mut line = String::from("as of ");
                    expr::date(&mut line, date);
                    self.push(1, &line);
                }
                TestItem::Given {
                    entity,
                    value,
                    span,
                } => {
                    self.flush(1, span.start);
                    self.push(1, &format!("given {} {{", entity.name));
                    self.object_block(2, value);
                    self.close(1, value.span.end, "}");
                }
                TestItem::Expect(e) => {
                    self.flush(1, e.span.start);
                    self.push(1, &expect_text(e));
                }
                TestItem::ExpectValue(e) => {
                    self.flush(1, e.span.start);
                    let mut line = String::from("expect ");
                    path_text(&mut line, &e.path);
                    line.push_str(" = ");
                    expr::inline_value(&mut line, &e.value);
                    self.push(1, &line);
                }
            }
        }
        self.close(0, d.span.end, "}");
    }

    /// The entries of an object, one `field: value` per line (the braces are the
    /// caller's).
    fn object_block(&mut self, depth: usize, o: &ObjectValue) {
        for entry in &o.entries {
            self.flush(depth, entry.span.start);
            self.entry(depth, entry);
        }
    }

    /// A nested object opens a block; a list holding objects puts one element per
    /// line; anything else stays on the entry's line.
    fn entry(&mut self, depth: usize, e: &ObjectEntry) {
        match &e.value {
            Value::Object(o) => {
                self.push(depth, &format!("{}: {{", e.field.name));
                self.object_block(depth + 1, o);
                self.close(depth, o.span.end, "}");
            }
            Value::List(items, span) if items.iter().any(|v| matches!(v, Value::Object(_))) => {
                self.push(depth, &format!("{}: [", e.field.name));
                let last = items.len().saturating_sub(1);
                for (i, item) in items.iter().enumerate() {
                    self.flush(depth + 1, value_span(item).start);
                    let mut line = String::new();
                    expr::inline_value(&mut line, item);
                    let comma = if i < last { "," } else { "" };
                    match item {
                        // A member too long for one line (twelve months of wages):
                        // one entry a line, as in the `given` block.
                        Value::Object(o) if too_wide(depth + 1, &line) => {
                            self.push(depth + 1, "{");
                            self.object_block(depth + 2, o);
                            self.close(depth + 1, o.span.end, &format!("}}{comma}"));
                        }
                        _ => {
                            line.push_str(comma);
                            self.push(depth + 1, &line);
                        }
                    }
                }
                self.close(depth, span.end, "]");
            }
            v => {
                let mut line = format!("{}: ", e.field.name);
                expr::inline_value(&mut line, v);
                match v {
                    // A long monthly series: one month a line.
                    Value::Months(m) if too_wide(depth, &line) => {
                        self.push(depth, &format!("{}: monthly {{", e.field.name));
                        for month in &m.entries {
                            self.flush(depth + 1, month.span.start);
                            let mut line = format!("{}: ", month.month);
                            expr::inline_value(&mut line, &month.value);
                            self.push(depth + 1, &line);
                        }
                        self.close(depth, m.span.end, "}");
                    }
                    _ => self.push(depth, &line),
                }
            }
        }
    }
}

/// Where a protocol item starts in the source.
fn protocol_item_start(item: &ProtocolItem) -> usize {
    match item {
        ProtocolItem::Version { span, .. }
        | ProtocolItem::For(_, span)
        | ProtocolItem::Calendar(_, span)
        | ProtocolItem::Roles(_, span)
        | ProtocolItem::Start(_, span)
        | ProtocolItem::Escalate { span, .. }
        | ProtocolItem::Share { span, .. }
        | ProtocolItem::Region(_, span)
        | ProtocolItem::Referrals(_, span)
        | ProtocolItem::ConsentForReferral { span, .. }
        | ProtocolItem::Legal(_, span) => span.start,
        ProtocolItem::Step(s) => s.span.start,
        ProtocolItem::Agency(a) => a.span.start,
    }
}

fn value_span(v: &Value) -> Span {
    match v {
        Value::Literal(l) => l.span(),
        Value::Name(i) => i.span,
        Value::List(_, s) | Value::Unknown(s) => *s,
        Value::Object(o) => o.span,
        Value::Months(m) => m.span,
    }
}

fn expect_text(e: &Expect) -> String {
    let mut line = format!("expect {}", e.program.name);
    if let Some(path) = &e.subject {
        line.push_str(" for ");
        path_text(&mut line, path);
    }
    match &e.outcome {
        ExpectOutcome::Eligible(_) => line.push_str(" eligible"),
        ExpectOutcome::Ineligible(_) => line.push_str(" ineligible"),
        ExpectOutcome::Undetermined(_) => line.push_str(" undetermined"),
        ExpectOutcome::Amount(l) => {
            line.push_str(" amount ");
            expr::literal(&mut line, l);
        }
    }
    line
}

/// `members[0].children[1]`
fn path_text(line: &mut String, path: &SubjectPath) {
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            line.push('.');
        }
        line.push_str(&seg.field.name);
        if let Some(index) = &seg.index {
            line.push('[');
            line.push_str(index);
            line.push(']');
        }
    }
}

fn hit_words(kind: HitPolicyKind) -> &'static str {
    match kind {
        HitPolicyKind::Unique => "unique",
        HitPolicyKind::First => "first",
        HitPolicyKind::Any => "any",
        HitPolicyKind::CollectSum => "collect sum",
        HitPolicyKind::CollectMin => "collect min",
        HitPolicyKind::CollectMax => "collect max",
        HitPolicyKind::CollectCount => "collect count",
        HitPolicyKind::CollectList => "collect list",
    }
}

/// `keyword name "Label" […]`
fn header(keyword: &str, name: &Ident, label: &Option<Label>) -> String {
    let mut line = format!("{keyword} {}", name.name);
    push_label(&mut line, label);
    line
}

/// `keyword name "Label" […] {`
fn block_header(keyword: &str, name: &Ident, label: &Option<Label>) -> String {
    let mut line = header(keyword, name, label);
    line.push_str(" {");
    line
}

/// `keyword name ["Label"] SEP EXPR`: a `let`, a `score` (` = `) or a `need` (` when `).
fn defined_line(
    keyword: &str,
    name: &Ident,
    label: &Option<Label>,
    separator: &str,
    value: &Expr,
) -> String {
    let mut line = format!("{keyword} {}", name.name);
    push_label(&mut line, label);
    line.push_str(separator);
    expr::expr(&mut line, value);
    line
}

/// A field's domain as written: `>= 0`, `in 0..130`.
fn domain_text(d: &FieldDomain) -> String {
    match d {
        FieldDomain::Compare { op, bound, .. } => {
            let op = match op {
                CompareOp::Gt => ">",
                CompareOp::Le => "<=",
                CompareOp::Lt => "<",
                _ => ">=",
            };
            format!("{op} {bound}")
        }
        FieldDomain::Range { low, high, .. } => format!("in {low}..{high}"),
    }
}

fn push_label(line: &mut String, label: &Option<Label>) {
    if let Some(l) = label {
        line.push(' ');
        expr::label(line, l);
    }
}

fn label_text(l: &Label) -> String {
    let mut s = String::new();
    expr::label(&mut s, l);
    s
}

fn expr_text(e: &Expr) -> String {
    let mut s = String::new();
    expr::expr(&mut s, e);
    s
}

/// `list of list of Person`; a loop, since the grammar lets `list of` repeat
/// without a nesting limit.
fn type_text(t: &TypeExpr) -> String {
    let mut out = String::new();
    let mut t = t;
    loop {
        match t {
            TypeExpr::Named(i) => {
                out.push_str(&i.name);
                return out;
            }
            TypeExpr::List(inner, _) => {
                out.push_str("list of ");
                t = inner;
            }
            TypeExpr::Monthly(inner, _) => {
                out.push_str("monthly ");
                t = inner;
            }
        }
    }
}

fn names(idents: &[Ident]) -> String {
    let refs: Vec<&Ident> = idents.iter().collect();
    names_ref(&refs)
}

fn names_ref(idents: &[&Ident]) -> String {
    let names: Vec<&str> = idents.iter().map(|i| i.name.as_str()).collect();
    names.join(", ")
}
