// extension.js under a stand-in `vscode` module and language client: how it finds
// the server binary, what it says when the binary is missing, and how it starts,
// restarts and stops the client.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { extensionDir } from './lib/textmate.mjs';

// ---------------------------------------------------------------------------
// Stand-ins for `vscode` and `vscode-languageclient/node`.
const calls = { errors: [], commands: [], clients: [] };
let errorChoice; // what the user clicks in the next error message
const settings = new Map();
const handlers = { configuration: [], commands: new Map() };
const disposable = () => ({ dispose() {} });

const vscode = {
  window: {
    createOutputChannel: () => ({ appendLine() {}, dispose() {} }),
    showErrorMessage: async (message, ...items) => {
      calls.errors.push({ message, items });
      return errorChoice;
    },
  },
  commands: {
    registerCommand: (id, fn) => {
      handlers.commands.set(id, fn);
      return disposable();
    },
    executeCommand: async (...args) => {
      calls.commands.push(args);
    },
  },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: (section) => {
      assert.equal(section, 'accord');
      return { get: (key, fallback) => (settings.has(key) ? settings.get(key) : fallback) };
    },
    onDidChangeConfiguration: (fn) => {
      handlers.configuration.push(fn);
      return disposable();
    },
    createFileSystemWatcher: (glob) => ({ glob, disposed: false, dispose() { this.disposed = true; } }),
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: 0, stopped: 0 });
    calls.clients.push(this);
  }
  async start() { this.started++; }
  async dispose() { this.stopped++; }
}
const languageclient = { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return languageclient;
  return load.call(this, request, parent, isMain);
};
after(() => { Module._load = load; });

const require = createRequire(import.meta.url);
const extension = require(join(extensionDir, 'extension.js'));

// ---------------------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'accord-vscode-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const binDir = join(scratch, 'bin');
const emptyDir = join(scratch, 'empty');
mkdirSync(binDir);
mkdirSync(emptyDir);
const fakeServer = join(binDir, 'accord');
writeFileSync(fakeServer, '#!/bin/sh\nexit 0\n');
chmodSync(fakeServer, 0o755);
const notExecutable = join(binDir, 'accord-data');
writeFileSync(notExecutable, 'not a program\n');
chmodSync(notExecutable, 0o644);

describe('findServer', () => {
  test('a bare name is looked up on PATH, in order', () => {
    const found = extension.findServer('accord', { env: { PATH: `${emptyDir}:${binDir}` }, platform: 'linux' });
    assert.deepEqual(found, { path: fakeServer, searched: [join(emptyDir, 'accord'), fakeServer] });
  });

  test('a bare name not on PATH: every place looked at', () => {
    const found = extension.findServer('accord', { env: { PATH: `${emptyDir}::${scratch}` }, platform: 'linux' });
    assert.equal(found.path, null);
    assert.deepEqual(found.searched, [join(emptyDir, 'accord'), join(scratch, 'accord')]);
    assert.match(found.reason, /"accord" is not on PATH/);
  });

  test('an empty setting means `accord`', () => {
    assert.equal(extension.findServer('  ', { env: { PATH: binDir }, platform: 'linux' }).path, fakeServer);
  });

  test('a file that is not executable is not the server', () => {
    const found = extension.findServer('accord-data', { env: { PATH: binDir }, platform: 'linux' });
    assert.equal(found.path, null);
  });

  test('absolute, relative and ~/ paths are checked where they point', () => {
    assert.equal(extension.findServer(fakeServer, { env: { PATH: '' }, platform: 'linux' }).path, fakeServer);
    assert.equal(extension.findServer('bin/accord', { env: {}, platform: 'linux', baseDir: scratch }).path, fakeServer);
    assert.equal(extension.findServer('./bin/accord', { env: {}, platform: 'linux', baseDir: scratch }).path, fakeServer);
    assert.equal(extension.findServer('~/bin/accord', { env: {}, platform: 'linux', homeDir: scratch }).path, fakeServer);
    const missing = extension.findServer('target/release/accord', { env: { PATH: binDir }, platform: 'linux', baseDir: scratch });
    assert.equal(missing.path, null);
    assert.deepEqual(missing.searched, [join(scratch, 'target/release/accord')]);
    assert.match(missing.reason, /does not exist or is not an executable file/);
  });

  test('on Windows, a bare name is tried with .exe and the other PATHEXT extensions', () => {
    const found = extension.findServer('accord', { env: { PATH: 'C:\\tools;C:\\cargo\\bin', PATHEXT: '.COM;.EXE' }, platform: 'win32' });
    assert.equal(found.path, null);
    assert.deepEqual(found.searched, [
      win32.join('C:\\tools', 'accord.com'), win32.join('C:\\tools', 'accord.exe'),
      win32.join('C:\\cargo\\bin', 'accord.com'), win32.join('C:\\cargo\\bin', 'accord.exe'),
    ]);
    const defaults = extension.findServer('accord', { env: { Path: 'C:\\cargo\\bin' }, platform: 'win32' });
    assert.equal(defaults.searched[0], 'C:\\cargo\\bin\\accord.exe');
    const path = extension.findServer('C:\\accord\\target\\release\\accord', { env: {}, platform: 'win32' });
    assert.deepEqual(path.searched.slice(0, 1).concat(path.searched.slice(-1)),
      ['C:\\accord\\target\\release\\accord.exe', 'C:\\accord\\target\\release\\accord']);
    const withExtension = extension.findServer('accord.exe', { env: { PATH: 'C:\\cargo\\bin' }, platform: 'win32' });
    assert.deepEqual(withExtension.searched, ['C:\\cargo\\bin\\accord.exe']);
  });
});

// ---------------------------------------------------------------------------
describe('activate', () => {
  const savedPath = process.env.PATH;
  after(() => { process.env.PATH = savedPath; });
  let context;

  beforeEach(async () => {
    await extension.deactivate();
    calls.errors.length = 0;
    calls.commands.length = 0;
    calls.clients.length = 0;
    handlers.configuration.length = 0;
    handlers.commands.clear();
    settings.clear();
    errorChoice = undefined;
    context = { subscriptions: [] };
  });

  test('a missing server: an error saying where it looked and how to install it, with "Open settings"', async () => {
    process.env.PATH = `${emptyDir}:${scratch}`;
    errorChoice = 'Open settings';
    await extension.activate(context);
    await new Promise((resolve) => setImmediate(resolve)); // the answer to the message
    assert.equal(calls.clients.length, 0, 'no client without a server');
    assert.equal(calls.errors.length, 1);
    const [{ message, items }] = calls.errors;
    assert.deepEqual(items, ['Open settings']);
    assert.match(message, /Accord language server not found/);
    assert.match(message, /"accord" is not on PATH/);
    assert.ok(message.includes(emptyDir) && message.includes(scratch), message);
    assert.match(message, /cargo install --path cli/);
    assert.match(message, /accord\.server\.path/);
    assert.deepEqual(calls.commands, [['workbench.action.openSettings', 'accord.server.path']]);
  });

  test('a missing configured path: the path in the message; dismissing opens nothing', async () => {
    settings.set('server.path', join(scratch, 'nowhere', 'accord'));
    await extension.activate(context);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.errors.length, 1);
    assert.ok(calls.errors[0].message.includes(join(scratch, 'nowhere', 'accord')));
    assert.deepEqual(calls.commands, []);
  });

  test('activation does not wait for the user to answer the message', async () => {
    process.env.PATH = emptyDir;
    errorChoice = new Promise(() => {}); // never answered
    const outcome = await Promise.race([
      extension.activate(context).then(() => 'activated'),
      new Promise((resolve) => setTimeout(resolve, 1000, 'still waiting')),
    ]);
    assert.equal(outcome, 'activated');
    assert.equal(calls.errors.length, 1);
  });

  test('a server on PATH: `accord lsp` over stdio for accord files and untitled documents', async () => {
    process.env.PATH = `${emptyDir}:${binDir}`;
    settings.set('server.extraArgs', ['--log', 'debug']);
    await extension.activate(context);
    assert.deepEqual(calls.errors, []);
    assert.equal(calls.clients.length, 1);
    const [client] = calls.clients;
    assert.equal(client.id, 'accord');
    assert.equal(client.name, 'Accord');
    assert.deepEqual(
      { command: client.serverOptions.command, args: client.serverOptions.args, transport: client.serverOptions.transport },
      { command: fakeServer, args: ['lsp', '--log', 'debug'], transport: languageclient.TransportKind.stdio },
    );
    assert.deepEqual(client.clientOptions.documentSelector, [
      { scheme: 'file', language: 'accord' },
      { scheme: 'untitled', language: 'accord' },
    ]);
    assert.equal(client.clientOptions.synchronize.fileEvents.glob, '**/*.accord');
    assert.equal(client.started, 1);
    assert.ok(handlers.commands.has('accord.restartServer'));
    assert.ok(context.subscriptions.length >= 3);
  });

  test('a change of accord.server restarts the client with the new settings; other changes do not', async () => {
    process.env.PATH = binDir;
    await extension.activate(context);
    const [first] = calls.clients;
    const [onChange] = handlers.configuration;

    onChange({ affectsConfiguration: (section) => section === 'editor.fontSize' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(first.stopped, 0);
    assert.equal(calls.clients.length, 1);

    settings.set('server.extraArgs', ['--verbose']);
    onChange({ affectsConfiguration: (section) => section === 'accord.server' || section === 'accord' });
    await extension.deactivate(); // queued after the restart: waits for it, then stops
    assert.equal(first.stopped, 1);
    assert.equal(first.clientOptions.synchronize.fileEvents.disposed, true);
    const restarted = calls.clients.find((c) => c !== first && c.serverOptions.args.includes('--verbose'));
    assert.ok(restarted, 'a new client with the new arguments');
    assert.equal(restarted.started, 1);
  });

  test('the restart command stops the client and starts a new one; deactivate stops it', async () => {
    process.env.PATH = binDir;
    await extension.activate(context);
    const [first] = calls.clients;
    await handlers.commands.get('accord.restartServer')();
    assert.equal(first.stopped, 1);
    assert.equal(calls.clients.length, 2);
    const second = calls.clients[1];
    assert.equal(second.started, 1);
    await extension.deactivate();
    assert.equal(second.stopped, 1);
  });
});
