//! Services: their sector and the needs they meet.

use accord_grammar::ast;

use super::collect::unknown;
use super::*;
use crate::codes::Code;
use crate::diagnostics::Diagnostic;

impl<'a> Checker<'a> {
    pub(super) fn resolve_services(&mut self) {
        let list = self.service_ast.clone();
        for &(file, s) in &list {
            let mut def = ServiceDef {
                name: s.name.name.clone(),
                label: s.label.clone(),
                sector: None,
                meets: Vec::new(),
                loc: Loc {
                    file,
                    span: s.name.span,
                },
            };
            let mut sector_at: Option<ast::Span> = None;
            let mut any_meets = false;
            for item in &s.items {
                match item {
                    ast::ServiceItem::Sector(id, span) => {
                        if let Some(f) = sector_at {
                            self.duplicate_clause(file, *span, "sector", f);
                            continue;
                        }
                        sector_at = Some(*span);
                        def.sector = self.sector_ref(file, id);
                    }
                    ast::ServiceItem::Meets(needs, _) => {
                        any_meets = true;
                        for n in needs {
                            if self.out.index.needs.contains(&n.name) {
                                refer!(self, file, n.span, Sym::global(SymKind::Need, &n.name));
                                def.meets.push(n.name.clone());
                            } else {
                                let cands =
                                    self.out.index.needs.iter().map(String::as_str).collect();
                                let d = unknown(
                                    Code::E0110,
                                    file,
                                    n,
                                    "need",
                                    cands,
                                    "name a need declared with `need NAME when …` in an assessment",
                                );
                                self.emit(d);
                            }
                        }
                    }
                }
            }
            if !any_meets {
                self.emit(
                    Diagnostic::error(
                        Code::E0512,
                        file,
                        s.name.span,
                        format!("service `{}` meets no need", s.name.name),
                    )
                    .with_help("add `meets NEED`, naming a need declared in an assessment"),
                );
            }
            self.out.services.push(def);
        }
    }
}
