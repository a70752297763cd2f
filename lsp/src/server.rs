//! The main loop: requests answered from the current analysis, edits analysed
//! once the analyst pauses, diagnostics published for every file of the
//! ruleset edited.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use accord_core::ide::{ItemKind, Lines, Location};
use accord_core::{Severity, SourceFile};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::{json, Value};

use crate::convert::{self, loc_range, offset, range, uri};
use crate::workspace::{key_of, Key, Ruleset, Workspace};

/// How the server behaves; the client may change these in
/// `initializationOptions` (`{"debounceMs": 150, "asOf": "2026-01-01",
/// "diagnosticsUrl": "https://…/diagnostics.md"}`).
#[derive(Debug, Clone)]
pub struct Options {
    /// How long after the last edit diagnostics are published.
    pub debounce: Duration,
    /// The date parameters are shown in force on and tests and screenings run
    /// on by default: today unless given.
    pub as_of: Option<jiff::civil::Date>,
    /// Where the diagnostics' codes are documented (the anchor of the code's
    /// section is added).
    pub diagnostics_url: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            debounce: Duration::from_millis(200),
            as_of: None,
            diagnostics_url: format!(
                "{}/blob/main/docs/diagnostics.md",
                env!("CARGO_PKG_REPOSITORY")
            ),
        }
    }
}

/// The sections of `docs/diagnostics.md` by the first three characters of a
/// code, as their headings' anchors (a test holds them to the headings).
const DOC_SECTIONS: [(&str, &str); 17] = [
    ("E00", "e00xx--syntax"),
    ("E01", "e01xx--names"),
    ("E02", "e02xx--types"),
    ("E03", "e03xx--declarations-and-structure"),
    ("E04", "e04xx--tables-and-parameters"),
    ("E05", "e05xx--assessments-services-calendars-protocols"),
    ("E06", "e06xx--tests"),
    ("E09", "e09xx--tools"),
    ("F00", "f00xx--facts-documents"),
    ("A00", "a00xx--assessment-answers"),
    ("P00", "p00xx--provider-catalogues"),
    ("R00", "r00xx--ratings"),
    ("M00", "m00xx--the-needs-map"),
    ("G00", "g00xx--protocol-graphs"),
    ("C00", "c00xx--case-events"),
    ("U00", "u00xx--requests"),
    ("W01", "w01xx--warnings"),
];

/// Where a code is documented: its section of `docs/diagnostics.md`.
fn code_link(base: &str, code: &str) -> String {
    match DOC_SECTIONS.iter().find(|(p, _)| code.starts_with(p)) {
        Some((_, anchor)) => format!("{base}#{anchor}"),
        None => base.to_string(),
    }
}

const COMMAND_RUN_TESTS: &str = "accord.runTests";
const COMMAND_SCREEN: &str = "accord.screenExamples";

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "{".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: lsp::SemanticTokensLegend {
                        token_types: convert::TOKEN_TYPES.to_vec(),
                        token_modifiers: convert::TOKEN_MODIFIERS.to_vec(),
                    },
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..Default::default()
                },
            ),
        ),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![COMMAND_RUN_TESTS.into(), COMMAND_SCREEN.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
    options: Options,
}

/// Runs the server on `connection`: the initialize handshake, then messages
/// until `shutdown` and `exit`.
pub fn run(connection: &Connection, mut options: Options) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    if let Some(init) = params.get("initializationOptions") {
        apply_options(&mut options, init);
    }
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "accord", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;
    let mut server = Server {
        connection,
        workspace: Workspace::default(),
        options,
    };
    server.main_loop()
}

fn apply_options(options: &mut Options, init: &Value) {
    if let Some(ms) = init.get("debounceMs").and_then(Value::as_u64) {
        options.debounce = Duration::from_millis(ms.min(10_000));
    }
    if let Some(date) = init
        .get("asOf")
        .and_then(Value::as_str)
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
    {
        options.as_of = Some(date);
    }
    if let Some(url) = init.get("diagnosticsUrl").and_then(Value::as_str) {
        options.diagnostics_url = url.to_string();
    }
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            let wait = match self.workspace.oldest_edit() {
                Some(t) => (t + self.options.debounce).saturating_duration_since(Instant::now()),
                None => Duration::from_secs(3600),
            };
            match self.connection.receiver.recv_timeout(wait) {
                Ok(Message::Request(req)) => {
                    if self
                        .connection
                        .handle_shutdown(&req)
                        .map_err(|e| format!("shutdown: {e}"))?
                    {
                        return Ok(());
                    }
                    self.request(req);
                }
                Ok(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Ok(Message::Response(_)) => {}
                Err(e) if e.is_timeout() => {}
                Err(_) => return Ok(()),
            }
            self.publish_settled();
        }
    }

    fn as_of(&self) -> jiff::civil::Date {
        self.options
            .as_of
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    fn send(&self, message: Message) {
        // The client has gone: the loop ends at the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    self.workspace.open(
                        p.text_document.uri.as_str().to_string(),
                        p.text_document.text,
                    );
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full synchronisation: the last change holds the whole text.
                    if let Some(c) = p.content_changes.into_iter().last() {
                        self.workspace.change(p.text_document.uri.as_str(), c.text);
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params) {
                    self.workspace.touched(p.text_document.uri.as_str());
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.workspace.close(p.text_document.uri.as_str());
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                {
                    for c in p.changes {
                        self.workspace.touched(c.uri.as_str());
                    }
                }
            }
            _ => {}
        }
    }

    /// Analyses the rulesets whose last edit is older than the debounce, and
    /// publishes their diagnostics.
    fn publish_settled(&mut self) {
        let Some(before) = Instant::now().checked_sub(self.options.debounce) else {
            return;
        };
        for key in self.workspace.settled(before) {
            self.publish(&key);
        }
    }

    fn publish(&mut self, key: &Key) {
        let url = self.options.diagnostics_url.clone();
        let Some(r) = self.workspace.ruleset_by_key(key) else {
            return;
        };
        let mut by_file: Vec<Vec<lsp::Diagnostic>> = vec![Vec::new(); r.uris.len()];
        for d in &r.analysis.report().diagnostics {
            let (Some(list), Some(lines)) = (by_file.get_mut(d.file), r.lines.get(d.file)) else {
                continue;
            };
            let text = r.text(d.file);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related: Vec<lsp::DiagnosticRelatedInformation> = d
                .related
                .iter()
                .filter_map(|rel| {
                    let u = uri(r.uris.get(rel.file)?)?;
                    let lines = r.lines.get(rel.file)?;
                    Some(lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri: u,
                            range: range(lines, r.text(rel.file), rel.span.start, rel.span.end),
                        },
                        message: rel.message.clone(),
                    })
                })
                .collect();
            let code = d.code.as_str();
            list.push(lsp::Diagnostic {
                range: range(lines, text, d.span.start, d.span.end),
                severity: Some(match d.severity {
                    Severity::Error => lsp::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                }),
                code: Some(lsp::NumberOrString::String(code.to_string())),
                code_description: uri(&code_link(&url, code))
                    .map(|href| lsp::CodeDescription { href }),
                source: Some("accord".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: None,
            });
        }
        let mut published = Vec::new();
        let mut out = Vec::new();
        for (u, diagnostics) in r.uris.iter().zip(by_file) {
            published.push(u.clone());
            out.push((u.clone(), diagnostics));
        }
        // Files that left the ruleset (deleted, closed and unsaved): cleared.
        for old in &r.published {
            if !published.contains(old) {
                out.push((old.clone(), Vec::new()));
            }
        }
        r.published = published;
        for (u, diagnostics) in out {
            if let Some(u) = uri(&u) {
                self.notify(
                    "textDocument/publishDiagnostics",
                    lsp::PublishDiagnosticsParams {
                        uri: u,
                        diagnostics,
                        version: None,
                    },
                );
            }
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => self.with(req, Self::hover),
            "textDocument/definition" => self.with(req, Self::definition),
            "textDocument/references" => self.with(req, Self::references),
            "textDocument/prepareRename" => self.with(req, Self::prepare_rename),
            "textDocument/rename" => self.with(req, Self::rename),
            "textDocument/documentSymbol" => self.with(req, Self::document_symbols),
            "workspace/symbol" => self.with(req, Self::workspace_symbols),
            "textDocument/completion" => self.with(req, Self::completion),
            "textDocument/formatting" => self.with(req, Self::formatting),
            "textDocument/codeAction" => self.with(req, Self::code_actions),
            "textDocument/semanticTokens/full" => self.with(req, Self::semantic_tokens),
            "textDocument/foldingRange" => self.with(req, Self::folding_ranges),
            "textDocument/codeLens" => self.with(req, Self::code_lenses),
            "workspace/executeCommand" => self.with(req, Self::execute_command),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("`{}` is not supported", req.method),
            )),
        };
        let response = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code, message),
        };
        self.send(Message::Response(response));
    }

    fn with<P: serde::de::DeserializeOwned>(
        &mut self,
        req: Request,
        f: impl FnOnce(&mut Self, P) -> Result<Value, Failure>,
    ) -> Result<Value, Failure> {
        let params = serde_json::from_value::<P>(req.params).map_err(|e| {
            (
                ErrorCode::InvalidParams as i32,
                format!("`{}`: the parameters do not fit: {e}", req.method),
            )
        })?;
        f(self, params)
    }

    /// The ruleset of a document, the file's index and the byte offset of a
    /// position in it.
    fn at(
        &mut self,
        doc: &lsp::Uri,
        pos: Option<lsp::Position>,
    ) -> Option<(&Ruleset, usize, usize)> {
        let r = self.workspace.ruleset(doc.as_str())?;
        let file = r.file_of(doc.as_str())?;
        let lines = r.lines.get(file)?;
        let at = pos.map_or(0, |p| offset(lines, r.text(file), p));
        Some((r, file, at))
    }

    fn hover(&mut self, p: lsp::HoverParams) -> Result<Value, Failure> {
        let as_of = self.as_of();
        let pp = p.text_document_position_params;
        let Some((r, file, at)) = self.at(&pp.text_document.uri, Some(pp.position)) else {
            return Ok(Value::Null);
        };
        let Some(h) = r.analysis.hover(file, at, as_of) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        to_value(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(loc_range(lines, r.text(file), h.location)),
        })
    }

    fn definition(&mut self, p: lsp::GotoDefinitionParams) -> Result<Value, Failure> {
        let pp = p.text_document_position_params;
        let Some((r, file, at)) = self.at(&pp.text_document.uri, Some(pp.position)) else {
            return Ok(Value::Null);
        };
        match r.analysis.definition(file, at).and_then(|l| location(r, l)) {
            Some(l) => to_value(lsp::GotoDefinitionResponse::Scalar(l)),
            None => Ok(Value::Null),
        }
    }

    fn references(&mut self, p: lsp::ReferenceParams) -> Result<Value, Failure> {
        let pp = p.text_document_position;
        let Some((r, file, at)) = self.at(&pp.text_document.uri, Some(pp.position)) else {
            return Ok(Value::Null);
        };
        let found: Vec<lsp::Location> = r
            .analysis
            .references(file, at, p.context.include_declaration)
            .into_iter()
            .filter_map(|l| location(r, l))
            .collect();
        to_value(found)
    }

    fn prepare_rename(&mut self, p: lsp::TextDocumentPositionParams) -> Result<Value, Failure> {
        let Some((r, file, at)) = self.at(&p.text_document.uri, Some(p.position)) else {
            return Ok(Value::Null);
        };
        let Some((l, name)) = r.analysis.prepare_rename(file, at) else {
            return Err((
                ErrorCode::RequestFailed as i32,
                "there is no declared name here to rename".into(),
            ));
        };
        let lines = lines_of(r, file)?;
        to_value(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: loc_range(lines, r.text(file), l),
            placeholder: name,
        })
    }

    #[expect(
        clippy::mutable_key_type,
        reason = "the protocol's WorkspaceEdit maps URIs to edits; a Uri's hash never changes"
    )]
    fn rename(&mut self, p: lsp::RenameParams) -> Result<Value, Failure> {
        let pp = p.text_document_position;
        let Some((r, file, at)) = self.at(&pp.text_document.uri, Some(pp.position)) else {
            return Ok(Value::Null);
        };
        let edits = r
            .analysis
            .rename(file, at, &p.new_name)
            .map_err(|e| (ErrorCode::RequestFailed as i32, e.to_string()))?;
        let changes = workspace_changes(r, edits);
        to_value(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }

    fn document_symbols(&mut self, p: lsp::DocumentSymbolParams) -> Result<Value, Failure> {
        let Some((r, file, _)) = self.at(&p.text_document.uri, None) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        let text = r.text(file);
        let all = r.analysis.items();
        // Items come after their parents: build the tree from the leaves up.
        let mut built: Vec<Option<lsp::DocumentSymbol>> = vec![None; all.len()];
        for (i, item) in all.iter().enumerate().filter(|(_, i)| i.file == file) {
            let kind = match item.kind {
                ItemKind::Ruleset => lsp::SymbolKind::PACKAGE,
                ItemKind::Test => lsp::SymbolKind::EVENT,
                ItemKind::Symbol(k) => convert::symbol_kind(k),
            };
            let detail = match item.kind {
                ItemKind::Test => Some("test".to_string()),
                ItemKind::Ruleset => Some("ruleset".to_string()),
                ItemKind::Symbol(k) => Some(match &item.label {
                    Some(l) => format!("{} · {}", l.text, k.word()),
                    None => k.word().to_string(),
                }),
            };
            #[expect(
                deprecated,
                reason = "the protocol's `deprecated` field must be written"
            )]
            let sym = lsp::DocumentSymbol {
                name: item.name_text.clone(),
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: range(
                    lines,
                    text,
                    item.span.start,
                    item.span.end.max(item.name.end),
                ),
                selection_range: range(lines, text, item.name.start, item.name.end),
                children: None,
            };
            if let Some(slot) = built.get_mut(i) {
                *slot = Some(sym);
            }
        }
        for i in (0..all.len()).rev() {
            let Some(parent) = all.get(i).and_then(|x| x.parent) else {
                continue;
            };
            let Some(child) = built.get_mut(i).and_then(Option::take) else {
                continue;
            };
            if let Some(Some(p)) = built.get_mut(parent) {
                p.children.get_or_insert_with(Vec::new).insert(0, child);
            }
        }
        let top: Vec<lsp::DocumentSymbol> = built.into_iter().flatten().collect();
        to_value(lsp::DocumentSymbolResponse::Nested(top))
    }

    fn workspace_symbols(&mut self, p: lsp::WorkspaceSymbolParams) -> Result<Value, Failure> {
        let mut out: Vec<lsp::SymbolInformation> = Vec::new();
        for r in self.workspace.all() {
            for item in r.analysis.workspace_symbols(&p.query, 200) {
                let ItemKind::Symbol(k) = item.kind else {
                    continue;
                };
                let Some(loc) = location(
                    r,
                    Location {
                        file: item.file,
                        start: item.name.start,
                        end: item.name.end,
                    },
                ) else {
                    continue;
                };
                let scope = item
                    .sym
                    .as_ref()
                    .map(|s| s.scope.clone())
                    .filter(|s| !s.is_empty());
                #[expect(
                    deprecated,
                    reason = "the protocol's `deprecated` field must be written"
                )]
                out.push(lsp::SymbolInformation {
                    name: item.name_text.clone(),
                    kind: convert::symbol_kind(k),
                    tags: None,
                    deprecated: None,
                    location: loc,
                    container_name: scope,
                });
            }
        }
        out.truncate(200);
        to_value(out)
    }

    fn completion(&mut self, p: lsp::CompletionParams) -> Result<Value, Failure> {
        let pp = p.text_document_position;
        let Some((r, file, at)) = self.at(&pp.text_document.uri, Some(pp.position)) else {
            return Ok(Value::Null);
        };
        let items: Vec<lsp::CompletionItem> = r
            .analysis
            .completions(file, at)
            .into_iter()
            .enumerate()
            .map(|(i, c)| lsp::CompletionItem {
                label: c.label,
                kind: Some(convert::completion_kind(c.kind)),
                detail: c.detail,
                // Keep the engine's order: the names that fit first.
                sort_text: Some(format!("{i:05}")),
                ..Default::default()
            })
            .collect();
        to_value(lsp::CompletionResponse::Array(items))
    }

    fn formatting(&mut self, p: lsp::DocumentFormattingParams) -> Result<Value, Failure> {
        let Some((r, file, _)) = self.at(&p.text_document.uri, None) else {
            return Ok(Value::Null);
        };
        let text = r.text(file).to_string();
        let name = r
            .analysis
            .report()
            .sources
            .file(file)
            .map_or_else(String::new, |f| f.name.clone());
        match accord_core::format(SourceFile::new(name, text.clone())) {
            Ok(formatted) if formatted != text => {
                let lines = lines_of(r, file)?;
                to_value(vec![lsp::TextEdit {
                    range: range(lines, &text, 0, text.len()),
                    new_text: formatted,
                }])
            }
            Ok(_) => to_value(Vec::<lsp::TextEdit>::new()),
            // Syntax errors: nothing to format until they are fixed (they are
            // in the diagnostics already).
            Err(_) => Ok(Value::Null),
        }
    }

    #[expect(
        clippy::mutable_key_type,
        reason = "the protocol's WorkspaceEdit maps URIs to edits; a Uri's hash never changes"
    )]
    fn code_actions(&mut self, p: lsp::CodeActionParams) -> Result<Value, Failure> {
        let doc = p.text_document.uri.clone();
        let Some((r, file, _)) = self.at(&doc, None) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        let text = r.text(file);
        let start = offset(lines, text, p.range.start);
        let end = offset(lines, text, p.range.end);
        let mut out = Vec::new();
        for fix in r.analysis.fixes(file, start, end) {
            let fix_range = loc_range(lines, text, fix.location);
            let diagnostics: Vec<lsp::Diagnostic> = p
                .context
                .diagnostics
                .iter()
                .filter(|d| d.range == fix_range)
                .cloned()
                .collect();
            let changes = workspace_changes(r, fix.edits);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title,
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        to_value(out)
    }

    fn semantic_tokens(&mut self, p: lsp::SemanticTokensParams) -> Result<Value, Failure> {
        let Some((r, file, _)) = self.at(&p.text_document.uri, None) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        let text = r.text(file);
        let mut data = Vec::new();
        let (mut last_line, mut last_col) = (0u32, 0u32);
        for o in r.analysis.occurrences(file) {
            let (line, col) = lines.position(text, o.start);
            let (end_line, end_col) = lines.position(text, o.end);
            if end_line != line || end_col <= col {
                continue;
            }
            let (ty, readonly) = convert::token_type(o.sym.kind);
            let modifiers = u32::from(o.declaration) | (u32::from(readonly) << 1);
            data.push(lsp::SemanticToken {
                delta_line: line - last_line,
                delta_start: if line == last_line {
                    col - last_col
                } else {
                    col
                },
                length: end_col - col,
                token_type: ty,
                token_modifiers_bitset: modifiers,
            });
            (last_line, last_col) = (line, col);
        }
        to_value(lsp::SemanticTokens {
            result_id: None,
            data,
        })
    }

    fn folding_ranges(&mut self, p: lsp::FoldingRangeParams) -> Result<Value, Failure> {
        let Some((r, file, _)) = self.at(&p.text_document.uri, None) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        let text = r.text(file);
        let out: Vec<lsp::FoldingRange> = r
            .analysis
            .folding_ranges(file)
            .into_iter()
            .filter_map(|l| {
                let (start, _) = lines.position(text, l.start);
                let (end, _) = lines.position(text, l.end);
                (end > start).then_some(lsp::FoldingRange {
                    start_line: start,
                    end_line: end,
                    kind: text
                        .get(l.start..)
                        .is_some_and(|t| t.starts_with("//") || t.starts_with("/*"))
                        .then_some(lsp::FoldingRangeKind::Comment),
                    ..Default::default()
                })
            })
            .collect();
        to_value(out)
    }

    fn code_lenses(&mut self, p: lsp::CodeLensParams) -> Result<Value, Failure> {
        let doc = p.text_document.uri.as_str().to_string();
        let Some((r, file, _)) = self.at(&p.text_document.uri, None) else {
            return Ok(Value::Null);
        };
        let lines = lines_of(r, file)?;
        let text = r.text(file);
        let tests = r.analysis.tests(file);
        let programs = r.analysis.programs(file);
        let mut out = Vec::new();
        let outcomes = if tests.is_empty() || r.analysis.report().has_errors() {
            None
        } else {
            run_tests(r)
        };
        let file_name = r
            .analysis
            .report()
            .sources
            .file(file)
            .map_or("", |f| f.name.as_str())
            .to_string();
        for (name, l) in tests {
            let (line, _) = lines.position(text, l.start);
            let outcome = outcomes.as_ref().and_then(|o| {
                o.tests
                    .iter()
                    .find(|t| t.file == file_name && t.line == line as usize + 1)
                    .or_else(|| o.tests.iter().find(|t| t.name == name))
            });
            let title = match outcome {
                Some(t) if t.failures.is_empty() => "✔ passes · run test".to_string(),
                Some(t) => format!(
                    "✘ {} of {} expectations fail · run test",
                    t.failures.len(),
                    t.expectations
                ),
                None if r.analysis.report().has_errors() => {
                    "run test (fix the errors first)".into()
                }
                None => "run test".into(),
            };
            out.push(lsp::CodeLens {
                range: loc_range(lines, text, l),
                command: Some(lsp::Command {
                    title,
                    command: COMMAND_RUN_TESTS.into(),
                    arguments: Some(vec![json!(doc), json!(name)]),
                }),
                data: None,
            });
        }
        let examples = example_facts(&doc);
        if !examples.is_empty() {
            for (name, l) in programs {
                out.push(lsp::CodeLens {
                    range: loc_range(lines, text, l),
                    command: Some(lsp::Command {
                        title: format!("screen with the example facts ({})", examples.len()),
                        command: COMMAND_SCREEN.into(),
                        arguments: Some(vec![json!(doc), json!(name)]),
                    }),
                    data: None,
                });
            }
        }
        to_value(out)
    }

    fn execute_command(&mut self, p: lsp::ExecuteCommandParams) -> Result<Value, Failure> {
        let as_of = self.as_of();
        let arg = |i: usize| {
            p.arguments
                .get(i)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (Some(doc), name) = (arg(0), arg(1)) else {
            return Err((
                ErrorCode::InvalidParams as i32,
                "the command needs the document's URI".into(),
            ));
        };
        let Some(r) = self.workspace.ruleset(&doc) else {
            return Ok(Value::Null);
        };
        let message = match p.command.as_str() {
            COMMAND_RUN_TESTS => match run_tests(r) {
                None => "the ruleset has errors: fix them, then run the tests".to_string(),
                Some(report) => {
                    let chosen: Vec<_> = report
                        .tests
                        .iter()
                        .filter(|t| name.as_deref().is_none_or(|n| t.name == n))
                        .collect();
                    let failed: Vec<_> = chosen.iter().filter(|t| !t.failures.is_empty()).collect();
                    let mut m = format!(
                        "{} passed, {} failed",
                        chosen.len() - failed.len(),
                        failed.len()
                    );
                    for t in failed {
                        for f in &t.failures {
                            m.push_str(&format!(
                                "\n{} (line {}): expected {}",
                                t.name, f.line, f.expect
                            ));
                        }
                    }
                    m
                }
            },
            COMMAND_SCREEN => screen_examples(r, &doc, name.as_deref().unwrap_or(""), as_of),
            other => {
                return Err((
                    ErrorCode::InvalidParams as i32,
                    format!("unknown command `{other}`"),
                ));
            }
        };
        self.notify(
            "window/showMessage",
            lsp::ShowMessageParams {
                typ: lsp::MessageType::INFO,
                message: message.clone(),
            },
        );
        Ok(json!(message))
    }
}

type Failure = (i32, String);

fn to_value(v: impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
}

fn lines_of(r: &Ruleset, file: usize) -> Result<&Lines, Failure> {
    r.lines
        .get(file)
        .ok_or((ErrorCode::InternalError as i32, "no such file".to_string()))
}

fn location(r: &Ruleset, l: Location) -> Option<lsp::Location> {
    Some(lsp::Location {
        uri: uri(r.uris.get(l.file)?)?,
        range: loc_range(r.lines.get(l.file)?, r.text(l.file), l),
    })
}

/// Core edits as the protocol's changes: text edits per document.
#[expect(
    clippy::mutable_key_type,
    reason = "the protocol's WorkspaceEdit maps URIs to edits; a Uri's hash never changes"
)]
fn workspace_changes(
    r: &Ruleset,
    edits: Vec<accord_core::ide::Edit>,
) -> HashMap<lsp::Uri, Vec<lsp::TextEdit>> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        let l = e.location;
        let (Some(u), Some(lines)) = (r.uris.get(l.file).and_then(|u| uri(u)), r.lines.get(l.file))
        else {
            continue;
        };
        changes.entry(u).or_default().push(lsp::TextEdit {
            range: loc_range(lines, r.text(l.file), l),
            new_text: e.text,
        });
    }
    changes
}

fn sources(r: &Ruleset) -> Vec<SourceFile> {
    r.analysis.report().sources.files().cloned().collect()
}

fn run_tests(r: &Ruleset) -> Option<accord_core::TestReport> {
    accord_core::Ruleset::load(sources(r))
        .ok()
        .map(|rs| rs.run_tests_report())
}

/// The example facts of a ruleset: the `.json` files of `facts/` beside it.
fn example_facts(doc: &str) -> Vec<std::path::PathBuf> {
    let Key::Folder(folder) = key_of(doc) else {
        return Vec::new();
    };
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(folder.join("facts"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn screen_examples(r: &Ruleset, doc: &str, program: &str, as_of: jiff::civil::Date) -> String {
    let ruleset = match accord_core::Ruleset::load(sources(r)) {
        Ok(rs) => rs,
        Err(_) => return "the ruleset has errors: fix them, then screen".to_string(),
    };
    let mut lines = Vec::new();
    for path in example_facts(doc) {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let Ok(facts) = std::fs::read_to_string(&path) else {
            lines.push(format!("{name}: cannot be read"));
            continue;
        };
        match ruleset.screen_report(&facts, &as_of.to_string(), None) {
            Ok(report) => {
                let results: Vec<String> = report
                    .results
                    .iter()
                    .filter(|x| x.program == program)
                    .map(|x| {
                        let who = if x.subject.is_empty() {
                            String::new()
                        } else {
                            format!("{} ", x.subject)
                        };
                        let amount = x
                            .amount
                            .as_deref()
                            .map(|a| format!(" {a}"))
                            .unwrap_or_default();
                        format!("{who}{}{amount}", x.status.as_str())
                    })
                    .collect();
                lines.push(format!(
                    "{name}: {}",
                    if results.is_empty() {
                        "no result".to_string()
                    } else {
                        results.join(", ")
                    }
                ));
            }
            Err(e) => lines.push(format!(
                "{name}: {}",
                e.to_string().lines().next().unwrap_or("")
            )),
        }
    }
    format!("{program} on {as_of}:\n{}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A heading's anchor as GitHub and most Markdown renderers make it.
    fn slug(heading: &str) -> String {
        heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    }

    #[test]
    fn every_code_links_to_its_section_of_the_diagnostics() {
        let doc = include_str!("../../docs/diagnostics.md");
        let headings: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("## "))
            .filter(|h| h.contains('—'))
            .collect();
        let anchors: Vec<String> = headings.iter().map(|h| slug(h)).collect();
        let table: Vec<String> = DOC_SECTIONS.iter().map(|(_, a)| (*a).to_string()).collect();
        assert_eq!(table, anchors);
        for (prefix, anchor) in DOC_SECTIONS {
            let heading = headings.iter().find(|h| slug(h) == anchor);
            assert!(heading.is_some_and(|h| h.to_lowercase().starts_with(&prefix.to_lowercase())));
        }
        assert_eq!(code_link("d.md", "E0102"), "d.md#e01xx--names");
        assert_eq!(code_link("d.md", "W0107"), "d.md#w01xx--warnings");
    }
}
