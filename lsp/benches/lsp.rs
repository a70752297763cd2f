//! The language server on the Armenian example (21 files, about 80
//! programmes, services, assessments and protocols), in process over an
//! in-memory connection: each request right after an edit of
//! `benefits.accord`, so every answer includes analysing the whole ruleset
//! again — what an analyst waits for after typing. Target: every request
//! under 100 ms.

#![expect(
    clippy::panic,
    reason = "a benchmark whose server stops answering has nothing to measure"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

struct Client {
    conn: Connection,
    next: i32,
    doc: String,
    text: String,
    version: i32,
}

impl Client {
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let sent = self.conn.sender.send(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        assert!(sent.is_ok(), "the server has gone");
        loop {
            match self.conn.receiver.recv_timeout(Duration::from_secs(30)) {
                Ok(Message::Response(r)) if r.id == id => match r.response_result {
                    Ok(v) => return v,
                    Err(e) => panic!("{method}: {e:?}"),
                },
                Ok(_) => {}
                Err(e) => panic!("{method}: no answer ({e})"),
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        let sent = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )));
        assert!(sent.is_ok(), "the server has gone");
    }

    /// An edit: a comment line appended, then taken away (so the text stays
    /// the same size whatever the number of iterations).
    fn edit(&mut self) {
        self.version += 1;
        let text = if self.version % 2 == 0 {
            self.text.clone()
        } else {
            format!("{}// edited\n", self.text)
        };
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.doc, "version": self.version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    fn position(&self, marked: &str) -> Value {
        let bar = marked.find('|').unwrap_or(0);
        let plain = marked.replacen('|', "", 1);
        let at = self.text.find(&plain).unwrap_or(0) + bar;
        let before = self.text.get(..at).unwrap_or("");
        let line = before.matches('\n').count();
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let character: usize = before.get(start..).unwrap_or("").encode_utf16().count();
        json!({"line": line, "character": character})
    }
}

fn example() -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/armenia");
    let dir = std::env::temp_dir().join(format!("accord-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("facts")).unwrap_or_default();
    for entry in std::fs::read_dir(&from).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "accord") {
            if let Some(name) = p.file_name() {
                let _ = std::fs::copy(&p, dir.join(name));
            }
        }
    }
    dir
}

fn start(dir: &Path) -> (Client, std::thread::JoinHandle<()>) {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || {
        let options = accord_lsp::Options {
            debounce: Duration::from_millis(10),
            as_of: jiff::civil::Date::new(2026, 1, 15).ok(),
            ..accord_lsp::Options::default()
        };
        if let Err(e) = accord_lsp::run(&server, options) {
            eprintln!("server: {e}");
        }
    });
    let path = dir.join("benefits.accord");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let doc = format!("file://{}", path.to_string_lossy());
    let mut c = Client {
        conn: client,
        next: 0,
        doc,
        text,
        version: 0,
    };
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": c.doc, "languageId": "accord", "version": 0, "text": c.text}}),
    );
    (c, handle)
}

fn bench(cr: &mut Criterion) {
    let dir = example();
    let (mut c, handle) = start(&dir);
    let doc = json!({"uri": c.doc});
    // The lenses of a file of tests: the whole ruleset compiled and its tests run.
    let tests = json!({"uri": c.doc.replace("benefits.accord", "tests_benefits.accord")});
    let at = c.position("eligible when |");
    let mut group = cr.benchmark_group("lsp, Armenian example, after an edit");
    group.sample_size(20);
    let requests: [(&str, &str, Value); 8] = [
        (
            "diagnostics (analysis)",
            "textDocument/documentSymbol",
            json!({"textDocument": doc}),
        ),
        (
            "hover",
            "textDocument/hover",
            json!({"textDocument": doc, "position": at}),
        ),
        (
            "completion",
            "textDocument/completion",
            json!({"textDocument": doc, "position": at}),
        ),
        (
            "definition",
            "textDocument/definition",
            json!({"textDocument": doc, "position": at}),
        ),
        (
            "references",
            "textDocument/references",
            json!({"textDocument": doc, "position": at, "context": {"includeDeclaration": true}}),
        ),
        (
            "semantic tokens",
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        ),
        (
            "formatting",
            "textDocument/formatting",
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        (
            "code lenses (runs the tests)",
            "textDocument/codeLens",
            json!({"textDocument": tests}),
        ),
    ];
    for (name, method, params) in requests {
        group.bench_function(name, |b| {
            b.iter(|| {
                c.edit();
                std::hint::black_box(c.request(method, params.clone()))
            })
        });
    }
    group.finish();
    let mut plain = cr.benchmark_group("lsp, Armenian example, no edit");
    plain.bench_function("hover", |b| {
        b.iter(|| {
            std::hint::black_box(c.request(
                "textDocument/hover",
                json!({"textDocument": doc, "position": at}),
            ))
        })
    });
    plain.finish();
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = handle.join();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
