//! The declarations of the parsed files, where they are written: the outline,
//! the symbols' declarations and the folding ranges.

use accord_grammar::ast::{self, Decl, Span};

use super::{Sym, SymKind};

/// What an outline item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// The `ruleset` header.
    Ruleset,
    /// A `test` block (named by its label).
    Test,
    /// A declared name.
    Symbol(SymKind),
}

/// A declaration (or test, or ruleset header) of a file.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// The symbol it declares (`None` for tests and the ruleset header).
    pub sym: Option<Sym>,
    /// The name as written (a test's label).
    pub name_text: String,
    pub file: usize,
    /// The name's extent.
    pub name: Span,
    /// The whole declaration's extent.
    pub span: Span,
    pub label: Option<ast::Label>,
    pub docs: Vec<String>,
    /// The enclosing item (an index into the same list).
    pub parent: Option<usize>,
}

struct Collector {
    items: Vec<Item>,
    file: usize,
}

impl Collector {
    #[expect(
        clippy::too_many_arguments,
        reason = "one item's parts, all named at the call"
    )]
    fn push(
        &mut self,
        kind: SymKind,
        scope: &str,
        name: &ast::Ident,
        span: Span,
        label: Option<&ast::Label>,
        docs: &[String],
        parent: Option<usize>,
    ) -> usize {
        self.items.push(Item {
            kind: ItemKind::Symbol(kind),
            sym: Some(Sym::scoped(kind, scope, &name.name)),
            name_text: name.name.clone(),
            file: self.file,
            name: name.span,
            span,
            label: label.cloned(),
            docs: docs.to_vec(),
            parent,
        });
        self.items.len() - 1
    }

    fn decl(&mut self, d: &Decl) {
        match d {
            Decl::Ruleset(r) => {
                self.items.push(Item {
                    kind: ItemKind::Ruleset,
                    sym: None,
                    name_text: r.name.name.clone(),
                    file: self.file,
                    name: r.name.span,
                    span: r.span,
                    label: r.label.clone(),
                    docs: r.docs.clone(),
                    parent: None,
                });
            }
            Decl::Sector(s) => {
                self.push(
                    SymKind::Sector,
                    "",
                    &s.name,
                    s.span,
                    s.label.as_ref(),
                    &s.docs,
                    None,
                );
            }
            Decl::Enum(e) => {
                let p = self.push(
                    SymKind::Enum,
                    "",
                    &e.name,
                    e.span,
                    e.label.as_ref(),
                    &e.docs,
                    None,
                );
                for v in &e.variants {
                    let scope = e.name.name.as_str();
                    self.push(
                        SymKind::Variant,
                        scope,
                        &v.name,
                        v.span,
                        v.label.as_ref(),
                        &v.docs,
                        Some(p),
                    );
                }
            }
            Decl::Entity(e) => {
                let p = self.push(
                    SymKind::Entity,
                    "",
                    &e.name,
                    e.span,
                    e.label.as_ref(),
                    &e.docs,
                    None,
                );
                let scope = e.name.name.as_str();
                for m in &e.members {
                    match m {
                        ast::Member::Field(f) => {
                            self.push(
                                SymKind::Field,
                                scope,
                                &f.name,
                                f.span,
                                f.label.as_ref(),
                                &f.docs,
                                Some(p),
                            );
                        }
                        ast::Member::Let(l) => {
                            self.push(
                                SymKind::Let,
                                scope,
                                &l.name,
                                l.span,
                                l.label.as_ref(),
                                &l.docs,
                                Some(p),
                            );
                        }
                    }
                }
            }
            Decl::Parameter(x) => {
                self.push(
                    SymKind::Parameter,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Table(x) => {
                self.push(
                    SymKind::Table,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Scale(x) => {
                self.push(
                    SymKind::Scale,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Program(x) => {
                self.push(
                    SymKind::Program,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Service(x) => {
                self.push(
                    SymKind::Service,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Calendar(x) => {
                self.push(
                    SymKind::Calendar,
                    "",
                    &x.name,
                    x.span,
                    x.label.as_ref(),
                    &x.docs,
                    None,
                );
            }
            Decl::Assessment(a) => self.assessment(a),
            Decl::Protocol(p) => self.protocol(p),
            Decl::Test(t) => {
                self.items.push(Item {
                    kind: ItemKind::Test,
                    sym: None,
                    name_text: t.name.text.clone(),
                    file: self.file,
                    name: t.name.span,
                    span: t.span,
                    label: None,
                    docs: t.docs.clone(),
                    parent: None,
                });
            }
        }
    }

    fn assessment(&mut self, a: &ast::Assessment) {
        let p = self.push(
            SymKind::Assessment,
            "",
            &a.name,
            a.span,
            a.label.as_ref(),
            &a.docs,
            None,
        );
        let scope = a.name.name.as_str();
        for item in &a.items {
            match item {
                ast::AssessmentItem::Section(s) => {
                    let sp = self.push(
                        SymKind::Section,
                        scope,
                        &s.name,
                        s.span,
                        s.label.as_ref(),
                        &s.docs,
                        Some(p),
                    );
                    for q in &s.questions {
                        self.push(
                            SymKind::Question,
                            scope,
                            &q.name,
                            q.span,
                            q.label.as_ref(),
                            &q.docs,
                            Some(sp),
                        );
                    }
                }
                ast::AssessmentItem::Question(q) => {
                    self.push(
                        SymKind::Question,
                        scope,
                        &q.name,
                        q.span,
                        q.label.as_ref(),
                        &q.docs,
                        Some(p),
                    );
                }
                ast::AssessmentItem::Score {
                    docs,
                    name,
                    label,
                    span,
                    ..
                } => {
                    self.push(
                        SymKind::Score,
                        scope,
                        name,
                        *span,
                        label.as_ref(),
                        docs,
                        Some(p),
                    );
                }
                ast::AssessmentItem::Need {
                    docs,
                    name,
                    label,
                    span,
                    ..
                } => {
                    self.push(
                        SymKind::Need,
                        "",
                        name,
                        *span,
                        label.as_ref(),
                        docs,
                        Some(p),
                    );
                }
                ast::AssessmentItem::For(..) | ast::AssessmentItem::Risk { .. } => {}
            }
        }
    }

    fn protocol(&mut self, pr: &ast::Protocol) {
        let p = self.push(
            SymKind::Protocol,
            "",
            &pr.name,
            pr.span,
            pr.label.as_ref(),
            &pr.docs,
            None,
        );
        let scope = pr.name.name.as_str();
        for item in &pr.items {
            match item {
                ast::ProtocolItem::Roles(roles, _) => {
                    for r in roles {
                        self.push(
                            SymKind::Role,
                            scope,
                            &r.name,
                            r.span,
                            r.label.as_ref(),
                            &r.docs,
                            Some(p),
                        );
                    }
                }
                ast::ProtocolItem::Agency(a) => {
                    let ap = self.push(
                        SymKind::Agency,
                        scope,
                        &a.name,
                        a.span,
                        a.label.as_ref(),
                        &a.docs,
                        Some(p),
                    );
                    for r in &a.roles {
                        self.push(
                            SymKind::Role,
                            scope,
                            &r.name,
                            r.span,
                            r.label.as_ref(),
                            &r.docs,
                            Some(ap),
                        );
                    }
                }
                ast::ProtocolItem::Step(s) => {
                    self.push(
                        SymKind::Step,
                        scope,
                        &s.name,
                        s.span,
                        s.label.as_ref(),
                        &s.docs,
                        Some(p),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Every item of every file, in file order, each after its parent.
pub(super) fn collect(files: &[ast::File]) -> Vec<Item> {
    let mut c = Collector {
        items: Vec::new(),
        file: 0,
    };
    for (i, f) in files.iter().enumerate() {
        c.file = i;
        for d in &f.decls {
            c.decl(d);
        }
    }
    c.items
}
