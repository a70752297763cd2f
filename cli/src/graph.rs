//! `accord graph`: a protocol's workflow graph as DOT (the default), Mermaid or
//! JSON, or the ruleset's protocol names (`--list`). The graph and its exports
//! come from the facade; this only picks the protocol and writes the text.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::args::{Lang, RulesetFiles};
use crate::files::LoadError;
use crate::{cannot_run, load_ruleset, report_error, warn_unknown_lang, CANNOT_RUN, PROBLEMS};

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    ruleset: RulesetFiles,
    /// The protocol's name (may be left out when the ruleset has one).
    #[arg(long, value_name = "ID", conflicts_with = "list")]
    protocol: Option<String>,
    /// Draw this version of the protocol (the latest by default).
    #[arg(long, value_name = "N", conflicts_with = "list")]
    version: Option<u32>,
    /// `dot` (Graphviz), `mermaid` or `json`.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    #[command(flatten)]
    lang: Lang,
    /// Print the names of the ruleset's protocols, one per line, and nothing else.
    #[arg(long)]
    list: bool,
    /// Write the graph to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

pub fn graph_command(args: &GraphArgs) -> ExitCode {
    let json = args.format == GraphFormat::Json;
    let ruleset = match load_ruleset(&args.ruleset.files, None, json) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let engine = ruleset.engine();
    if args.list {
        let mut text = String::new();
        for n in engine.protocol_names() {
            text.push_str(n);
            text.push('\n');
        }
        return write(args, &text);
    }
    warn_unknown_lang(engine, args.lang.get());
    let format = match args.format {
        GraphFormat::Dot => accord_core::GraphFormat::Dot,
        GraphFormat::Mermaid => accord_core::GraphFormat::Mermaid,
        GraphFormat::Json => accord_core::GraphFormat::Json,
    };
    match ruleset.graph(
        args.protocol.as_deref(),
        format,
        args.version,
        args.lang.get(),
    ) {
        Ok(text) => write(args, &text),
        Err(e) => {
            report_error(&e, "the request is", json);
            // Not choosing among several protocols is a usage error.
            match e.kind {
                accord_core::ErrorKind::Request => ExitCode::from(CANNOT_RUN),
                _ => ExitCode::from(PROBLEMS),
            }
        }
    }
}

/// Writes to `--output` or standard output (a closed pipe is the reader's
/// choice, not a failure).
fn write(args: &GraphArgs, text: &str) -> ExitCode {
    match &args.output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => cannot_run(&LoadError::Write(path.clone(), e)),
        },
        None => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
    }
}
