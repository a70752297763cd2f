//! The editor questions as JSON text, for front ends that pass strings (the
//! playground's WebAssembly): one request object in, one answer out.
//!
//! Positions are `{"line", "character"}`, 0-based, with columns in UTF-16
//! units (JavaScript's string indexes, CodeMirror's and the Language Server
//! Protocol's); files are named as they were given.
//!
//! ```text
//! {"op": "diagnostics"}                                  → [{file, from, to, severity, code, message, help, fix}]
//! {"op": "hover", "file", "line", "character", "asOf"}   → {markdown, from, to} | null
//! {"op": "completions", "file", "line", "character"}     → {from, items: [{label, kind, detail}]}
//! {"op": "definition", "file", "line", "character"}      → {file, from, to} | null
//! {"op": "references", "file", "line", "character"}      → [{file, from, to}]
//! {"op": "rename", "file", "line", "character", "newName"} → {edits: [{file, from, to, text}]} | {error}
//! {"op": "outline", "file"}                              → [{name, kind, detail, from, to, children}]
//! {"op": "fixes", "file", "line", "character"}           → [{title, code, file, from, to, edits: [{file, from, to, text}]}]
//! {"op": "format", "file"}                               → {text} | {error}
//! {"op": "tests", "file"}                                → [{name, from, to}]
//! ```
//!
//! A request that is not one of these is answered `{"error": "…"}`.

use serde_json::{json, Value};

use super::{Analysis, ItemKind, Lines, Location};
use crate::diagnostics::Severity;
use crate::source::SourceFile;

impl Analysis {
    /// Answers one request (see the module's table); never panics, whatever
    /// the text.
    pub fn answer_json(&self, request: &str) -> String {
        let answer = match serde_json::from_str::<Value>(request) {
            Ok(r) => self.answer(&r),
            Err(_) => json!({"error": "the request is not a JSON object"}),
        };
        answer.to_string()
    }

    fn lines(&self, file: usize) -> Lines {
        Lines::new(self.text(file))
    }

    fn pos(&self, lines: &Lines, file: usize, offset: usize) -> Value {
        let (line, character) = lines.position(self.text(file), offset);
        json!({"line": line, "character": character})
    }

    fn place(&self, l: Location) -> Value {
        let lines = self.lines(l.file);
        json!({
            "file": self.file_name(l.file),
            "from": self.pos(&lines, l.file, l.start),
            "to": self.pos(&lines, l.file, l.end),
        })
    }

    fn file_name(&self, file: usize) -> &str {
        self.report
            .sources
            .file(file)
            .map_or("", |f| f.name.as_str())
    }

    /// The file and byte offset a request points at.
    fn at(&self, r: &Value) -> Option<(usize, usize)> {
        let file = self.file_index(r.get("file")?.as_str()?)?;
        let line = u32::try_from(r.get("line")?.as_u64()?).ok()?;
        let character = u32::try_from(r.get("character")?.as_u64()?).ok()?;
        Some((
            file,
            self.lines(file).offset(self.text(file), line, character),
        ))
    }

    fn answer(&self, r: &Value) -> Value {
        let op = r.get("op").and_then(Value::as_str).unwrap_or("");
        let file_of = |r: &Value| {
            r.get("file")
                .and_then(Value::as_str)
                .and_then(|f| self.file_index(f))
        };
        match op {
            "diagnostics" => Value::Array(
                self.report
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let lines = self.lines(d.file);
                        json!({
                            "file": self.file_name(d.file),
                            "from": self.pos(&lines, d.file, d.span.start),
                            "to": self.pos(&lines, d.file, d.span.end),
                            "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                            "code": d.code.as_str(),
                            "message": d.message,
                            "help": d.help,
                            "fix": d.fix,
                        })
                    })
                    .collect(),
            ),
            "hover" => {
                let date = r
                    .get("asOf")
                    .and_then(Value::as_str)
                    .and_then(crate::screen::facts::parse_date);
                match (self.at(r), date) {
                    (Some((file, offset)), Some(date)) => match self.hover(file, offset, date) {
                        Some(h) => with(self.place(h.location), "markdown", h.markdown),
                        None => Value::Null,
                    },
                    (_, None) => json!({"error": "`asOf` must be a date, YYYY-MM-DD"}),
                    _ => Value::Null,
                }
            }
            "completions" => match self.at(r) {
                Some((file, offset)) => {
                    let text = self.text(file);
                    let from = text
                        .get(..offset)
                        .unwrap_or("")
                        .char_indices()
                        .rev()
                        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                        .last()
                        .map_or(offset, |(i, _)| i);
                    let items: Vec<Value> = self
                        .completions(file, offset)
                        .into_iter()
                        .map(|c| {
                            let kind = match c.kind {
                                super::CompletionKind::Keyword => "keyword",
                                super::CompletionKind::Function => "function",
                                super::CompletionKind::Type => "type",
                                super::CompletionKind::Symbol(k) => k.word(),
                            };
                            json!({"label": c.label, "kind": kind, "detail": c.detail})
                        })
                        .collect();
                    let lines = self.lines(file);
                    json!({"from": self.pos(&lines, file, from), "items": items})
                }
                None => json!({"from": null, "items": []}),
            },
            "definition" => self
                .at(r)
                .and_then(|(f, o)| self.definition(f, o))
                .map_or(Value::Null, |l| self.place(l)),
            "references" => Value::Array(
                self.at(r)
                    .map(|(f, o)| self.references(f, o, true))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| self.place(l))
                    .collect(),
            ),
            "rename" => {
                let new_name = r.get("newName").and_then(Value::as_str).unwrap_or("");
                match self.at(r) {
                    None => json!({"error": "there is no declared name here to rename"}),
                    Some((f, o)) => match self.rename(f, o, new_name) {
                        Ok(edits) => json!({"edits": edits
                            .into_iter()
                            .map(|e| with(self.place(e.location), "text", e.text))
                            .collect::<Vec<_>>()}),
                        Err(e) => json!({"error": e.to_string()}),
                    },
                }
            }
            "outline" => match file_of(r) {
                Some(file) => Value::Array(self.outline_json(file)),
                None => Value::Array(Vec::new()),
            },
            "fixes" => match self.at(r) {
                Some((f, o)) => Value::Array(
                    self.fixes(f, o, o)
                        .into_iter()
                        .map(|x| {
                            let edits: Vec<Value> = x
                                .edits
                                .into_iter()
                                .map(|e| with(self.place(e.location), "text", e.text))
                                .collect();
                            let mut p = with(self.place(x.location), "title", x.title);
                            p = with(p, "code", x.code);
                            if let Some(map) = p.as_object_mut() {
                                map.insert("edits".to_string(), Value::Array(edits));
                            }
                            p
                        })
                        .collect(),
                ),
                None => Value::Array(Vec::new()),
            },
            "format" => match file_of(r) {
                Some(file) => {
                    let source = SourceFile::new(self.file_name(file), self.text(file));
                    match crate::facade::format(source) {
                        Ok(text) => json!({"text": text}),
                        Err(_) => json!({"error": "the file has syntax errors: fix them first"}),
                    }
                }
                None => json!({"error": "no such file"}),
            },
            "tests" => match file_of(r) {
                Some(file) => Value::Array(
                    self.tests(file)
                        .into_iter()
                        .map(|(name, l)| with(self.place(l), "name", name.to_string()))
                        .collect(),
                ),
                None => Value::Array(Vec::new()),
            },
            other => json!({"error": format!("unknown op `{other}`")}),
        }
    }

    fn outline_json(&self, file: usize) -> Vec<Value> {
        let lines = self.lines(file);
        let mut built: Vec<Option<Value>> = vec![None; self.items.len()];
        for (i, item) in self
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.file == file)
        {
            let kind = match item.kind {
                ItemKind::Ruleset => "ruleset",
                ItemKind::Test => "test",
                ItemKind::Symbol(k) => k.word(),
            };
            if let Some(slot) = built.get_mut(i) {
                *slot = Some(json!({
                    "name": item.name_text,
                    "kind": kind,
                    "detail": item.label.as_ref().map(|l| l.text.clone()),
                    "from": self.pos(&lines, file, item.name.start),
                    "to": self.pos(&lines, file, item.name.end),
                    "children": [],
                }));
            }
        }
        for i in (0..self.items.len()).rev() {
            let Some(parent) = self.items.get(i).and_then(|x| x.parent) else {
                continue;
            };
            let Some(child) = built.get_mut(i).and_then(Option::take) else {
                continue;
            };
            if let Some(Some(Value::Object(p))) = built.get_mut(parent) {
                if let Some(Value::Array(children)) = p.get_mut("children") {
                    children.insert(0, child);
                }
            }
        }
        built.into_iter().flatten().collect()
    }
}

/// `object` with `key` set to the text `value`.
fn with(mut object: Value, key: &str, value: String) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_string(), Value::String(value));
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_utf16_positions() {
        let text = "ruleset r \"Ա\" { languages en }\nentity E { x: Integer }\n";
        let a = Analysis::new(vec![SourceFile::new("a.accord", text)]);
        let out: Value = serde_json::from_str(
            &a.answer_json(r#"{"op":"definition","file":"a.accord","line":1,"character":8}"#),
        )
        .unwrap_or(Value::Null);
        // `E` is declared where it stands: line 1, UTF-16 column 7.
        assert_eq!(out["from"], json!({"line": 1, "character": 7}));
        let bad: Value = serde_json::from_str(&a.answer_json("[1")).unwrap_or(Value::Null);
        assert!(bad["error"].is_string());
        let unknown: Value =
            serde_json::from_str(&a.answer_json(r#"{"op":"x"}"#)).unwrap_or(Value::Null);
        assert_eq!(unknown["error"], "unknown op `x`");
    }
}
