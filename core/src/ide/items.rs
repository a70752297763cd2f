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

/// What an item takes from its declaration.
struct Named<'a> {
    name: &'a ast::Ident,
    span: Span,
    label: Option<&'a ast::Label>,
    docs: &'a [String],
}

fn named<'a>(
    name: &'a ast::Ident,
    span: Span,
    label: &'a Option<ast::Label>,
    docs: &'a [String],
) -> Named<'a> {
    Named {
        name,
        span,
        label: label.as_ref(),
        docs,
    }
}

impl Collector {
    fn push(&mut self, kind: SymKind, scope: &str, n: Named<'_>, parent: Option<usize>) -> usize {
        self.items.push(Item {
            kind: ItemKind::Symbol(kind),
            sym: Some(Sym::scoped(kind, scope, &n.name.name)),
            name_text: n.name.name.clone(),
            file: self.file,
            name: n.name.span,
            span: n.span,
            label: n.label.cloned(),
            docs: n.docs.to_vec(),
            parent,
        });
        self.items.len() - 1
    }

    fn decl(&mut self, d: &Decl) {
        // The declarations without members: one item each.
        let single = match d {
            Decl::Sector(x) => Some((SymKind::Sector, named(&x.name, x.span, &x.label, &x.docs))),
            Decl::Parameter(x) => Some((
                SymKind::Parameter,
                named(&x.name, x.span, &x.label, &x.docs),
            )),
            Decl::Table(x) => Some((SymKind::Table, named(&x.name, x.span, &x.label, &x.docs))),
            Decl::Scale(x) => Some((SymKind::Scale, named(&x.name, x.span, &x.label, &x.docs))),
            Decl::Program(x) => Some((SymKind::Program, named(&x.name, x.span, &x.label, &x.docs))),
            Decl::Service(x) => Some((SymKind::Service, named(&x.name, x.span, &x.label, &x.docs))),
            Decl::Calendar(x) => {
                Some((SymKind::Calendar, named(&x.name, x.span, &x.label, &x.docs)))
            }
            _ => None,
        };
        if let Some((kind, n)) = single {
            self.push(kind, "", n, None);
            return;
        }
        match d {
            Decl::Ruleset(r) => self.items.push(Item {
                kind: ItemKind::Ruleset,
                sym: None,
                name_text: r.name.name.clone(),
                file: self.file,
                name: r.name.span,
                span: r.span,
                label: r.label.clone(),
                docs: r.docs.clone(),
                parent: None,
            }),
            Decl::Test(t) => self.items.push(Item {
                kind: ItemKind::Test,
                sym: None,
                name_text: t.name.text.clone(),
                file: self.file,
                name: t.name.span,
                span: t.span,
                label: None,
                docs: t.docs.clone(),
                parent: None,
            }),
            Decl::Enum(e) => {
                let p = self.push(
                    SymKind::Enum,
                    "",
                    named(&e.name, e.span, &e.label, &e.docs),
                    None,
                );
                for v in &e.variants {
                    let n = named(&v.name, v.span, &v.label, &v.docs);
                    self.push(SymKind::Variant, &e.name.name, n, Some(p));
                }
            }
            Decl::Entity(e) => {
                let p = self.push(
                    SymKind::Entity,
                    "",
                    named(&e.name, e.span, &e.label, &e.docs),
                    None,
                );
                for m in &e.members {
                    let (kind, n) = match m {
                        ast::Member::Field(f) => {
                            (SymKind::Field, named(&f.name, f.span, &f.label, &f.docs))
                        }
                        ast::Member::Let(l) => {
                            (SymKind::Let, named(&l.name, l.span, &l.label, &l.docs))
                        }
                    };
                    self.push(kind, &e.name.name, n, Some(p));
                }
            }
            Decl::Assessment(a) => self.assessment(a),
            Decl::Protocol(p) => self.protocol(p),
            _ => {}
        }
    }

    fn assessment(&mut self, a: &ast::Assessment) {
        let p = self.push(
            SymKind::Assessment,
            "",
            named(&a.name, a.span, &a.label, &a.docs),
            None,
        );
        let scope = a.name.name.as_str();
        for item in &a.items {
            match item {
                ast::AssessmentItem::Section(s) => {
                    let n = named(&s.name, s.span, &s.label, &s.docs);
                    let sp = self.push(SymKind::Section, scope, n, Some(p));
                    for q in &s.questions {
                        let n = named(&q.name, q.span, &q.label, &q.docs);
                        self.push(SymKind::Question, scope, n, Some(sp));
                    }
                }
                ast::AssessmentItem::Question(q) => {
                    let n = named(&q.name, q.span, &q.label, &q.docs);
                    self.push(SymKind::Question, scope, n, Some(p));
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
                        named(name, *span, label, docs),
                        Some(p),
                    );
                }
                // Needs are one namespace across assessments.
                ast::AssessmentItem::Need {
                    docs,
                    name,
                    label,
                    span,
                    ..
                } => {
                    self.push(SymKind::Need, "", named(name, *span, label, docs), Some(p));
                }
                ast::AssessmentItem::For(..) | ast::AssessmentItem::Risk { .. } => {}
            }
        }
    }

    fn protocol(&mut self, pr: &ast::Protocol) {
        let n = named(&pr.name, pr.span, &pr.label, &pr.docs);
        let p = self.push(SymKind::Protocol, "", n, None);
        let scope = pr.name.name.as_str();
        for item in &pr.items {
            match item {
                ast::ProtocolItem::Roles(roles, _) => {
                    for r in roles {
                        let n = named(&r.name, r.span, &r.label, &r.docs);
                        self.push(SymKind::Role, scope, n, Some(p));
                    }
                }
                ast::ProtocolItem::Agency(a) => {
                    let n = named(&a.name, a.span, &a.label, &a.docs);
                    let ap = self.push(SymKind::Agency, scope, n, Some(p));
                    for r in &a.roles {
                        let n = named(&r.name, r.span, &r.label, &r.docs);
                        self.push(SymKind::Role, scope, n, Some(ap));
                    }
                }
                ast::ProtocolItem::Step(s) => {
                    let n = named(&s.name, s.span, &s.label, &s.docs);
                    self.push(SymKind::Step, scope, n, Some(p));
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
