// Checks the packed extension (run by test.sh after `vsce package`): the files VS
// Code needs are in it, no development file is, the manifest and grammar are the
// ones tested, and extension.js loads from the unpacked archive with the language
// client it carries (every module the client requires is packed).
//
//   node test/vsix.mjs accord.vsix
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { extensionDir } from './lib/textmate.mjs';
import { readZip } from './lib/zip.mjs';

const vsix = process.argv[2] ?? join(extensionDir, 'accord.vsix');
const entries = readZip(vsix);
const names = [...entries.keys()];

for (const name of [
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/extension.js',
  'extension/language-configuration.json',
  'extension/syntaxes/accord.tmLanguage.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/node_modules/vscode-languageclient/package.json',
  'extension/node_modules/vscode-languageclient/node.js',
]) {
  assert.ok(entries.has(name), `${vsix} has ${name}`);
}
assert.ok(names.some((n) => n.startsWith('extension/node_modules/vscode-languageclient/')));
for (const prefix of ['extension/test/', 'extension/test.sh', 'extension/node_modules/.bin/', 'extension/node_modules/@vscode/vsce',
  'extension/node_modules/vscode-textmate/', 'extension/node_modules/vscode-oniguruma/', 'extension/accord.vsix']) {
  assert.ok(!names.some((n) => n.startsWith(prefix)), `${vsix} packs no ${prefix}`);
}
for (const file of ['package.json', 'extension.js', 'language-configuration.json', 'syntaxes/accord.tmLanguage.json']) {
  assert.ok(entries.get(`extension/${file}`)().equals(readFileSync(join(extensionDir, file))), `the packed ${file} is the tested one`);
}
const manifest = entries.get('extension.vsixmanifest')().toString('utf8');
assert.match(manifest, /Id="accord-vscode"/);
assert.match(manifest, /Publisher="accord"/);

// Unpack, and load extension.js and the packed language client under a stand-in
// `vscode` (any class or namespace it asks for).
const unpacked = mkdtempSync(join(tmpdir(), 'accord-vsix-'));
try {
  for (const [name, read] of entries) {
    if (name.endsWith('/')) continue;
    const target = join(unpacked, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, read());
  }
  const stand_in = new Proxy({}, { get: (cache, key) => (cache[key] ??= class {}) });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    return request === 'vscode' ? stand_in : load.call(this, request, parent, isMain);
  };
  try {
    const require = createRequire(join(unpacked, 'extension', 'extension.js'));
    const extension = require('./extension.js');
    assert.equal(typeof extension.activate, 'function');
    assert.equal(typeof extension.deactivate, 'function');
    const client = require('vscode-languageclient/node');
    assert.equal(typeof client.LanguageClient, 'function');
    assert.ok(require.resolve('vscode-languageclient/node').startsWith(join(unpacked, 'extension', 'node_modules')));
  } finally {
    Module._load = load;
  }
} finally {
  rmSync(unpacked, { recursive: true, force: true });
}

console.log(`${vsix}: ${statSync(vsix).size} bytes, ${names.length} files; extension.js and vscode-languageclient load from it`);
