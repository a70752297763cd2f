// The Accord extension: starts `accord lsp` (the Accord language server) over stdio
// for Accord documents, and restarts it when its settings change. Plain CommonJS,
// loaded as is: there is no build step.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');

const SECTION = 'accord';
const PATH_SETTING = 'accord.server.path';
const INSTALL_HINT =
  'Install it from the Accord repository with "cargo install --path cli" (the binary is "accord"), ' +
  `or set "${PATH_SETTING}" to its location.`;

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;
/** @type {vscode.Disposable[]} Disposables that live as long as one client. */
let clientDisposables = [];
/** @type {vscode.OutputChannel | undefined} */
let output;
/** Start, stop and restart run one after the other. */
let queue = Promise.resolve();

/**
 * Where the server binary is: `{ path }` when found, else `{ path: null, searched,
 * reason }`. `configured` is the `accord.server.path` setting: a bare name (looked
 * up on PATH; on Windows with `.exe` and the other PATHEXT extensions) or a path
 * (absolute, `~/…`, or relative to `baseDir`).
 *
 * @param {string | undefined} configured
 * @param {{ env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, baseDir?: string, homeDir?: string }} [options]
 * @returns {{ path: string, searched: string[] } | { path: null, searched: string[], reason: string }}
 */
function findServer(configured, options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const windows = platform === 'win32';
  const p = windows ? path.win32 : path.posix;
  const homeDir = options.homeDir ?? os.homedir();
  const baseDir = options.baseDir ?? process.cwd();

  let name = (configured ?? '').trim() || 'accord';
  if (name === '~' || name.startsWith('~/') || (windows && name.startsWith('~\\'))) {
    name = p.join(homeDir, name.slice(1));
  }
  const isPath = p.isAbsolute(name) || name.includes('/') || (windows && name.includes('\\'));
  // On Windows a name without an extension is tried with each PATHEXT extension
  // (`.exe` first by default), and a path also as written.
  const extensions = windows && !p.extname(name)
    ? [...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean).map((e) => e.toLowerCase()), ...(isPath ? [''] : [])]
    : [''];

  const searched = [];
  const candidates = isPath
    ? extensions.map((ext) => p.resolve(baseDir, name + ext))
    : pathDirectories(env, windows).flatMap((dir) => extensions.map((ext) => p.join(dir, name + ext)));
  for (const candidate of candidates) {
    searched.push(candidate);
    if (isExecutableFile(candidate, windows)) return { path: candidate, searched };
  }
  const where = isPath
    ? `"${p.resolve(baseDir, name)}" does not exist or is not an executable file`
    : `"${name}" is not on PATH`;
  return { path: null, searched, reason: where };
}

/** The directories of PATH (`Path` on Windows), in order, without empty entries. */
function pathDirectories(env, windows) {
  const value = env.PATH ?? env.Path ?? (windows ? Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] : undefined) ?? '';
  return value.split(windows ? ';' : ':').map((d) => d.replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

function isExecutableFile(file, windows) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (!windows) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The message shown when the server binary cannot be found. */
function notFoundMessage(configured, result) {
  const dirs = [...new Set(result.searched.map((f) => path.dirname(f)))];
  const shown = dirs.slice(0, 6).join(', ');
  const more = dirs.length > 6 ? ` and ${dirs.length - 6} more (all listed in the "Accord" output)` : '';
  const looked = result.searched.length === 0
    ? 'PATH is empty.'
    : /is not on PATH/.test(result.reason) ? `Looked in: ${shown}${more}.` : `Looked for: ${result.searched.join(', ')}.`;
  return `Accord language server not found: ${result.reason} (${PATH_SETTING} is "${configured}"). ${looked} ${INSTALL_HINT}`;
}

function log(line) {
  output?.appendLine(`[${new Date().toISOString()}] ${line}`);
}

function enqueue(task) {
  queue = queue.then(task, task);
  return queue;
}

async function start() {
  const config = vscode.workspace.getConfiguration(SECTION);
  const configured = config.get('server.path', 'accord') || 'accord';
  const extraArgs = config.get('server.extraArgs', []);
  const args = ['lsp', ...(Array.isArray(extraArgs) ? extraArgs.map(String) : [])];
  const folder = vscode.workspace.workspaceFolders?.[0];
  const baseDir = folder && folder.uri.scheme === 'file' ? folder.uri.fsPath : undefined;

  const found = findServer(configured, { baseDir });
  if (!found.path) {
    const message = notFoundMessage(configured, found);
    log(message);
    log(`Searched:\n  ${found.searched.join('\n  ') || '(nothing: PATH is empty)'}`);
    // Not awaited: activation and restarts must not wait for the user to answer.
    void Promise.resolve(vscode.window.showErrorMessage(message, 'Open settings')).then((choice) => {
      if (choice === 'Open settings') {
        return vscode.commands.executeCommand('workbench.action.openSettings', PATH_SETTING);
      }
      return undefined;
    });
    return;
  }

  const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
  log(`Starting ${found.path} ${args.join(' ')}`);
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = {
    command: found.path,
    args,
    transport: TransportKind.stdio,
    options: baseDir ? { cwd: baseDir } : undefined,
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.accord');
  clientDisposables.push(watcher);
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'accord' },
      { scheme: 'untitled', language: 'accord' },
    ],
    synchronize: { fileEvents: watcher },
    outputChannel: output,
  };
  // The id `accord` makes the client read its trace level from `accord.trace.server`.
  client = new LanguageClient('accord', 'Accord', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    log(`The language server did not start: ${detail}`);
    void vscode.window.showErrorMessage(`Accord language server (${found.path} ${args.join(' ')}) did not start: ${detail}`);
  }
}

async function stop() {
  const current = client;
  client = undefined;
  try {
    // dispose: stop the server for good (no automatic restart of this client).
    if (current) await current.dispose();
  } catch (error) {
    log(`Stopping the language server: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const d of clientDisposables.splice(0)) d.dispose();
  }
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  output = vscode.window.createOutputChannel('Accord');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('accord.restartServer', () => enqueue(async () => {
      await stop();
      await start();
    })),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('accord.server')) {
        log('The accord.server settings changed: restarting the language server.');
        void enqueue(async () => {
          await stop();
          await start();
        });
      }
    }),
  );
  return enqueue(start);
}

function deactivate() {
  return enqueue(stop);
}

module.exports = { activate, deactivate, findServer, notFoundMessage };
