//! `accord lsp` as an editor talks to it: JSON-RPC over the process's standard
//! input and output. Each case of `tests/lsp/*.json` writes a ruleset's files
//! to a folder (or copies an example's), opens and edits documents, and checks
//! the server's diagnostics, hovers, definitions, references, renames,
//! completions, quick fixes, formatting and outline against expectations
//! worked out by hand (each step says why in its `why`).
//!
//! A position is written as the text around it with `|` at the cursor
//! (`"eligible when vulnerability_sc|ore"`): the first place the text occurs
//! in the file.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;
use common::{repo, scratch};

/// A language client over a child process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for something else.
    queued: VecDeque<Value>,
    next_id: i64,
    folder: PathBuf,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

const WAIT: Duration = Duration::from_secs(60);

impl Client {
    fn start(folder: &Path, as_of: &str) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["lsp", "--debounce", "20"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming: rx,
            queued: VecDeque::new(),
            next_id: 1,
            folder: folder.to_path_buf(),
        };
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(folder),
                "capabilities": {},
                "initializationOptions": { "asOf": as_of, "debounceMs": 20 },
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "accord", "{init}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (whole, `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to `{method}` within {WAIT:?}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.queued.push_back(m);
        }
    }

    /// The next diagnostics published for `file` (of the case's folder), if
    /// any come before `deadline`.
    fn diagnostics(&mut self, file: &str, deadline: Instant) -> Option<Vec<Value>> {
        let want = uri(&self.folder.join(file));
        if let Some(i) = self
            .queued
            .iter()
            .position(|m| is_diagnostics_for(m, &want))
        {
            let m = self.queued.remove(i).unwrap();
            return Some(m["params"]["diagnostics"].as_array().unwrap().clone());
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if is_diagnostics_for(&m, &want) => {
                    return Some(m["params"]["diagnostics"].as_array().unwrap().clone());
                }
                Ok(m) => self.queued.push_back(m),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
            }
        }
    }

    /// Drops the notifications received so far (earlier diagnostics).
    fn drain(&mut self) {
        self.queued.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the server exited with {status}");
    }

    fn rss_kib(&self) -> u64 {
        let status =
            fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

fn is_diagnostics_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The LSP position (line, UTF-16 column) of byte `offset` of `text`.
fn lsp_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The offset marked by `|` in `marked`, found in `text`.
fn marked_offset(text: &str, marked: &str) -> usize {
    let bar = marked
        .find('|')
        .unwrap_or_else(|| panic!("no `|` in {marked:?}"));
    let plain = marked.replacen('|', "", 1);
    let at = text
        .find(&plain)
        .unwrap_or_else(|| panic!("{plain:?} is not in the file"));
    at + bar
}

/// A case's folder: its `files`, or the `.accord` files (and `facts/`) of the
/// example `copy` names.
fn lay_out(case: &Value, name: &str) -> PathBuf {
    let dir = scratch(&format!("lsp-{name}"));
    if let Some(example) = case["copy"].as_str() {
        let from = repo().join(example);
        for entry in fs::read_dir(&from).unwrap().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "accord") {
                fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        if from.join("facts").is_dir() {
            fs::create_dir_all(dir.join("facts")).unwrap();
            for entry in fs::read_dir(from.join("facts")).unwrap().flatten() {
                let p = entry.path();
                if p.extension().is_some_and(|e| e == "json") {
                    fs::copy(&p, dir.join("facts").join(p.file_name().unwrap())).unwrap();
                }
            }
        }
    }
    if let Some(files) = case["files"].as_object() {
        for (n, text) in files {
            let text = match text {
                Value::Array(lines) => {
                    lines
                        .iter()
                        .map(|l| l.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join("\n")
                        + "\n"
                }
                t => t.as_str().unwrap().to_string(),
            };
            fs::write(dir.join(n), text).unwrap();
        }
    }
    dir
}

struct Run {
    client: Client,
    folder: PathBuf,
    /// The text of each open document as the editor holds it.
    texts: std::collections::HashMap<String, String>,
    versions: i64,
}

impl Run {
    fn text(&self, file: &str) -> String {
        self.texts
            .get(file)
            .cloned()
            .unwrap_or_else(|| fs::read_to_string(self.folder.join(file)).unwrap())
    }

    fn doc(&self, file: &str) -> Value {
        json!({"uri": uri(&self.folder.join(file))})
    }

    fn at(&self, step: &Value) -> (String, Value) {
        let file = step["file"].as_str().unwrap().to_string();
        let text = self.text(&file);
        let pos = lsp_position(&text, marked_offset(&text, step["at"].as_str().unwrap()));
        (file, pos)
    }

    fn change(&mut self, file: &str, text: String) {
        self.versions += 1;
        let params = json!({
            "textDocument": {"uri": uri(&self.folder.join(file)), "version": self.versions},
            "contentChanges": [{"text": text}],
        });
        self.texts.insert(file.to_string(), text);
        self.client.notify("textDocument/didChange", params);
    }
}

/// Whether the published diagnostics are the expected ones (code, start,
/// words of the message, severity), in order; `Err` says how they differ.
fn diagnostics_match(got: &[Value], want: &[Value]) -> Result<(), String> {
    let summary: Vec<String> = got
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"],
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["message"]
            )
        })
        .collect();
    if got.len() != want.len() {
        return Err(format!(
            "{} diagnostics, not {}: {summary:#?}",
            got.len(),
            want.len()
        ));
    }
    for (g, w) in got.iter().zip(want) {
        let same = g["code"] == w["code"]
            && w.get("line")
                .is_none_or(|l| &g["range"]["start"]["line"] == l)
            && w.get("character")
                .is_none_or(|c| &g["range"]["start"]["character"] == c)
            && w["message"]
                .as_str()
                .is_none_or(|m| g["message"].as_str().unwrap_or("").contains(m))
            && w["severity"].as_i64().is_none_or(|s| g["severity"] == s);
        if !same {
            return Err(format!("expected {w}, got {summary:#?}"));
        }
    }
    Ok(())
}

fn contains_all(haystack: &str, needles: &Value, ctx: &str) {
    for n in needles.as_array().into_iter().flatten() {
        let n = n.as_str().unwrap();
        assert!(haystack.contains(n), "{ctx}: {n:?} not in:\n{haystack}");
    }
}

/// A case's list of texts (`["a", "b"]`).
fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// A case's expected count per file: `{"a.accord": 2, …}`.
fn counts(expect: &Value) -> std::collections::BTreeMap<String, usize> {
    expect
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
        .collect()
}

fn location_text(loc: &Value) -> (String, usize, usize) {
    let u = loc["uri"].as_str().unwrap();
    let file = u.rsplit('/').next().unwrap().to_string();
    let start = &loc["range"]["start"];
    (
        file,
        start["line"].as_u64().unwrap() as usize,
        start["character"].as_u64().unwrap() as usize,
    )
}

fn run_case(path: &Path) {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let case: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let folder = lay_out(&case, &name);
    let client = Client::start(&folder, case["asOf"].as_str().unwrap_or("2025-03-01"));
    let mut run = Run {
        client,
        folder: folder.clone(),
        texts: Default::default(),
        versions: 0,
    };
    for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let ctx = format!("{name} step {i} ({})", step["why"].as_str().unwrap_or(""));
        let op = step["do"].as_str().unwrap();
        match op {
            "open" => {
                let file = step["file"].as_str().unwrap();
                let text = run.text(file);
                run.texts.insert(file.to_string(), text.clone());
                let params = json!({"textDocument": {"uri": uri(&folder.join(file)), "languageId": "accord", "version": 0, "text": text}});
                run.client.notify("textDocument/didOpen", params);
            }
            "replace" => {
                let file = step["file"].as_str().unwrap();
                let text = run.text(file);
                let from = step["from"].as_str().unwrap();
                assert!(text.contains(from), "{ctx}: {from:?} not in {file}");
                let new = text.replacen(from, step["to"].as_str().unwrap(), 1);
                run.change(file, new);
            }
            "drain" => run.client.drain(),
            "diagnostics" => {
                // Diagnostics of an earlier state may still be on their way:
                // the expected ones must come within the wait.
                let file = step["file"].as_str().unwrap();
                let want = step["expect"].as_array().unwrap();
                let deadline = Instant::now() + Duration::from_secs(20);
                let mut last = String::from("none were published");
                loop {
                    let Some(got) = run.client.diagnostics(file, deadline) else {
                        panic!("{ctx}: the expected diagnostics did not come; the last: {last}");
                    };
                    match diagnostics_match(&got, want) {
                        Ok(()) => break,
                        Err(e) => last = e,
                    }
                }
            }
            "hover" => {
                let (file, pos) = run.at(step);
                let r = run.client.request(
                    "textDocument/hover",
                    json!({"textDocument": run.doc(&file), "position": pos}),
                );
                if step["expect"].is_null() && step.get("contains").is_none() {
                    assert!(r["result"].is_null(), "{ctx}: {r}");
                } else {
                    let md = r["result"]["contents"]["value"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{ctx}: {r}"));
                    contains_all(md, &step["contains"], &ctx);
                }
            }
            "definition" => {
                let (file, pos) = run.at(step);
                let r = run.client.request(
                    "textDocument/definition",
                    json!({"textDocument": run.doc(&file), "position": pos}),
                );
                let (f, line, character) = location_text(&r["result"]);
                let want = &step["expect"];
                assert_eq!(f, want["file"].as_str().unwrap(), "{ctx}: {r}");
                let wtext = run.text(&f);
                let wpos =
                    lsp_position(&wtext, marked_offset(&wtext, want["at"].as_str().unwrap()));
                assert_eq!(
                    (line, character),
                    (
                        wpos["line"].as_u64().unwrap() as usize,
                        wpos["character"].as_u64().unwrap() as usize
                    ),
                    "{ctx}: {r}"
                );
            }
            "references" => {
                let (file, pos) = run.at(step);
                let r = run.client.request("textDocument/references", json!({"textDocument": run.doc(&file), "position": pos, "context": {"includeDeclaration": step["declaration"].as_bool().unwrap_or(true)}}));
                let mut per_file: std::collections::BTreeMap<String, usize> = Default::default();
                for l in r["result"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{ctx}: {r}"))
                {
                    *per_file.entry(location_text(l).0).or_default() += 1;
                }
                assert_eq!(per_file, counts(&step["expect"]), "{ctx}");
            }
            "rename" => {
                let (file, pos) = run.at(step);
                let r = run.client.request(
                    "textDocument/rename",
                    json!({"textDocument": run.doc(&file), "position": pos, "newName": step["to"]}),
                );
                if let Some(err) = step["error"].as_str() {
                    let msg = r["error"]["message"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{ctx}: expected an error, got {r}"));
                    assert!(msg.contains(err), "{ctx}: {msg}");
                } else {
                    let changes = r["result"]["changes"]
                        .as_object()
                        .unwrap_or_else(|| panic!("{ctx}: {r}"));
                    let mut per_file: std::collections::BTreeMap<String, usize> =
                        Default::default();
                    for (u, edits) in changes {
                        per_file.insert(
                            u.rsplit('/').next().unwrap().to_string(),
                            edits.as_array().unwrap().len(),
                        );
                        for e in edits.as_array().unwrap() {
                            assert_eq!(e["newText"], step["to"], "{ctx}");
                        }
                    }
                    assert_eq!(per_file, counts(&step["expect"]), "{ctx}");
                }
            }
            "completion" => {
                let (file, pos) = run.at(step);
                let r = run.client.request(
                    "textDocument/completion",
                    json!({"textDocument": run.doc(&file), "position": pos}),
                );
                let labels: Vec<String> = r["result"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{ctx}: {r}"))
                    .iter()
                    .map(|c| c["label"].as_str().unwrap().to_string())
                    .collect();
                for w in step["includes"].as_array().into_iter().flatten() {
                    assert!(
                        labels.contains(&w.as_str().unwrap().to_string()),
                        "{ctx}: {w} not in {labels:?}"
                    );
                }
                for w in step["excludes"].as_array().into_iter().flatten() {
                    assert!(
                        !labels.contains(&w.as_str().unwrap().to_string()),
                        "{ctx}: {w} in {labels:?}"
                    );
                }
                if let Some(first) = step["first"].as_array() {
                    let head: Vec<&str> = labels
                        .iter()
                        .take(first.len())
                        .map(String::as_str)
                        .collect();
                    let want: Vec<&str> = first.iter().map(|v| v.as_str().unwrap()).collect();
                    assert_eq!(head, want, "{ctx}: {labels:?}");
                }
                if let Some(details) = step["details"].as_object() {
                    let items = r["result"].as_array().unwrap();
                    for (label, detail) in details {
                        let item = items
                            .iter()
                            .find(|c| c["label"] == label.as_str())
                            .unwrap_or_else(|| panic!("{ctx}: no {label}"));
                        assert_eq!(&item["detail"], detail, "{ctx}");
                    }
                }
            }
            "fix" => {
                // The quick fix at a position, applied: the document then reads `to`.
                let (file, pos) = run.at(step);
                let r = run.client.request("textDocument/codeAction", json!({"textDocument": run.doc(&file), "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}));
                let actions = r["result"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{ctx}: {r}"));
                let action = actions
                    .iter()
                    .find(|a| a["title"] == step["title"])
                    .unwrap_or_else(|| panic!("{ctx}: {actions:?}"));
                let changes = action["edit"]["changes"].as_object().unwrap().clone();
                for (u, edits) in &changes {
                    let target = u.rsplit('/').next().unwrap().to_string();
                    if !run.texts.contains_key(&target) {
                        // Not open yet: open it as it is on disk first.
                        let on_disk = run.text(&target);
                        run.texts.insert(target.clone(), on_disk.clone());
                        let params = json!({"textDocument": {"uri": uri(&folder.join(&target)), "languageId": "accord", "version": 0, "text": on_disk}});
                        run.client.notify("textDocument/didOpen", params);
                    }
                    let text = apply(&run.text(&target), edits.as_array().unwrap());
                    run.change(&target, text);
                }
            }
            "format" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request("textDocument/formatting", json!({"textDocument": run.doc(file), "options": {"tabSize": 2, "insertSpaces": true}}));
                let edits = r["result"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{ctx}: {r}"))
                    .clone();
                let text = apply(&run.text(file), &edits);
                assert_eq!(
                    text,
                    step["expect"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|l| l.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join("\n")
                        + "\n",
                    "{ctx}"
                );
                run.change(file, text);
            }
            "outline" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request(
                    "textDocument/documentSymbol",
                    json!({"textDocument": run.doc(file)}),
                );
                let mut names = Vec::new();
                fn walk(v: &Value, depth: usize, out: &mut Vec<String>) {
                    for s in v.as_array().into_iter().flatten() {
                        out.push(format!(
                            "{}{}",
                            "  ".repeat(depth),
                            s["name"].as_str().unwrap()
                        ));
                        walk(&s["children"], depth + 1, out);
                    }
                }
                walk(&r["result"], 0, &mut names);
                let want: Vec<String> = strings(&step["expect"]);
                assert_eq!(names, want, "{ctx}");
            }
            "workspaceSymbols" => {
                let r = run
                    .client
                    .request("workspace/symbol", json!({"query": step["query"]}));
                let names: Vec<String> = r["result"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["name"].as_str().unwrap().to_string())
                    .collect();
                for w in step["includes"].as_array().into_iter().flatten() {
                    assert!(
                        names.contains(&w.as_str().unwrap().to_string()),
                        "{ctx}: {w} not in {names:?}"
                    );
                }
            }
            "lenses" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request(
                    "textDocument/codeLens",
                    json!({"textDocument": run.doc(file)}),
                );
                let titles: Vec<String> = r["result"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{ctx}: {r}"))
                    .iter()
                    .map(|l| l["command"]["title"].as_str().unwrap().to_string())
                    .collect();
                let want: Vec<String> = strings(&step["expect"]);
                assert_eq!(titles, want, "{ctx}");
            }
            "command" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request("workspace/executeCommand", json!({"command": step["command"], "arguments": [uri(&folder.join(file)), step["argument"]]}));
                let msg = r["result"].as_str().unwrap_or_else(|| panic!("{ctx}: {r}"));
                contains_all(msg, &step["contains"], &ctx);
            }
            "semanticTokens" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request(
                    "textDocument/semanticTokens/full",
                    json!({"textDocument": run.doc(file)}),
                );
                let data = r["result"]["data"].as_array().unwrap();
                assert_eq!(data.len() % 5, 0, "{ctx}");
                assert_eq!(
                    data.len() / 5,
                    step["count"].as_u64().unwrap() as usize,
                    "{ctx}"
                );
            }
            "folding" => {
                let file = step["file"].as_str().unwrap();
                let r = run.client.request(
                    "textDocument/foldingRange",
                    json!({"textDocument": run.doc(file)}),
                );
                let ranges: Vec<(u64, u64)> = r["result"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| {
                        (
                            f["startLine"].as_u64().unwrap(),
                            f["endLine"].as_u64().unwrap(),
                        )
                    })
                    .collect();
                for w in step["includes"].as_array().into_iter().flatten() {
                    let pair = (w[0].as_u64().unwrap(), w[1].as_u64().unwrap());
                    assert!(ranges.contains(&pair), "{ctx}: {pair:?} not in {ranges:?}");
                }
            }
            other => panic!("{ctx}: unknown step `{other}`"),
        }
    }
    run.client.shutdown();
}

/// `edits` (LSP text edits, on distinct ranges) applied to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn corpus() {
    let dir = repo().join("tests/lsp");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    for case in &cases {
        run_case(case);
    }
    assert!(cases.len() >= 4, "the LSP corpus has {} cases", cases.len());
    println!("{} LSP cases passed", cases.len());
}

/// Ten thousand edits of one document, with the requests an editor sends
/// between them: the server answers each, and its memory stays bounded.
#[test]
fn ten_thousand_edits_stay_bounded() {
    let dir = scratch("lsp-soak");
    for entry in fs::read_dir(repo().join("examples/brief"))
        .unwrap()
        .flatten()
    {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "accord") {
            fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let file = dir.join("programs.accord");
    let original = fs::read_to_string(&file).unwrap();
    let mut client = Client::start(&dir, "2025-03-01");
    let doc = json!({"uri": uri(&file)});
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri(&file), "languageId": "accord", "version": 0, "text": original}}));
    let anchor = original.find("vulnerability_score >= family").unwrap();
    let mut rss_after_warmup = 0;
    for i in 1..=10_000u32 {
        // Type a comment character by character, then delete it, with a
        // half-typed name every 7th edit: broken and mended text in turn.
        let mut text = original.clone();
        let typed = "x".repeat((i % 40) as usize);
        text.insert_str(
            anchor,
            &if i % 7 == 0 {
                format!("{typed} ")
            } else {
                String::new()
            },
        );
        text.push_str(&format!("// {typed}\n"));
        client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri(&file), "version": i}, "contentChanges": [{"text": text}]}));
        if i % 50 == 0 {
            let pos = lsp_position(&text, text.find("family_benefit_threshold").unwrap() + 3);
            let r = client.request(
                "textDocument/hover",
                json!({"textDocument": doc, "position": pos}),
            );
            assert!(r.get("error").is_none(), "{r}");
            let r = client.request(
                "textDocument/completion",
                json!({"textDocument": doc, "position": pos}),
            );
            assert!(r["result"].is_array(), "{r}");
            client.drain();
        }
        if i == 1_000 {
            rss_after_warmup = client.rss_kib();
        }
    }
    let rss_end = client.rss_kib();
    println!("server memory: {rss_after_warmup} KiB after 1 000 edits, {rss_end} KiB after 10 000");
    // Bounded: the last 9 000 edits may not grow it by more than 16 MiB.
    assert!(
        rss_end <= rss_after_warmup + 16 * 1024,
        "{rss_after_warmup} KiB → {rss_end} KiB"
    );
    client.shutdown();
}

/// The code blocks of `docs/guide-editors.md` in the given language.
fn guide_blocks(lang: &str) -> Vec<String> {
    let guide = fs::read_to_string(repo().join("docs/guide-editors.md")).unwrap();
    let fence = format!("```{lang}\n");
    guide
        .split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .collect()
}

/// The guide's Neovim configuration is the file `editors/test.sh` runs against
/// the server, and its VS Code settings are the extension's.
#[test]
fn the_editors_guide_shows_what_is_tested() {
    let tried = fs::read_to_string(repo().join("editors/neovim/accord.lua")).unwrap();
    let lua = guide_blocks("lua");
    assert_eq!(
        lua.first().map(String::as_str),
        Some(tried.as_str()),
        "the guide's first Lua block"
    );
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    let properties = &manifest["contributes"]["configuration"]["properties"];
    let settings = guide_blocks("json");
    assert_eq!(settings.len(), 1);
    let settings: Value = serde_json::from_str(&settings[0]).unwrap();
    for (key, value) in settings.as_object().unwrap() {
        let declared = &properties[key];
        assert!(
            declared.is_object(),
            "the guide's setting {key} is not the extension's"
        );
        let kind = declared["type"].as_str().unwrap();
        let fits = match kind {
            "string" => value.is_string(),
            "array" => value.is_array(),
            other => panic!("{key}: {other}"),
        };
        assert!(fits, "{key}: {value} is not a {kind}");
    }
    // The server's options named in the guide are the ones `accord lsp` takes.
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["lsp", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("--debounce <MS>") && help.contains("--stdio"),
        "{help}"
    );
}
