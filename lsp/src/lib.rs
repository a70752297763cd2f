//! The Accord language server: `accord lsp` speaks the Language Server
//! Protocol over standard input and output, and answers from
//! `accord_core::ide` — the checker's own diagnostics, symbols and types. This
//! crate only converts between the protocol and the core: positions (lines and
//! UTF-16 columns to byte offsets), URIs to files, and the core's answers to
//! the protocol's shapes.
//!
//! Every `.accord` file of a folder is one ruleset: a document is analysed
//! with its folder's other files, as `accord check FOLDER/*.accord` would
//! check them (open documents as the editor holds them, the others as saved).
//! Diagnostics are published a short while after the last edit (debounced);
//! a request is answered from the ruleset as it is at that moment.

mod convert;
mod server;
mod workspace;

pub use server::{run, Options};

/// Serves the protocol on standard input and output until the client says
/// `exit`. `Err` carries what went wrong with the connection.
pub fn serve_stdio(options: Options) -> Result<(), String> {
    let (connection, io) = lsp_server::Connection::stdio();
    run(&connection, options)?;
    drop(connection);
    io.join().map_err(|e| format!("the connection failed: {e}"))
}
