// package.json contributes what extension.js and the grammar use, and the files it
// names exist and parse.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { extensionDir } from './lib/textmate.mjs';

const read = (file) => readFileSync(join(extensionDir, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const extensionSource = read('extension.js');
const properties = pkg.contributes.configuration.properties;

test('identity, engine, entry point and activation', () => {
  assert.equal(pkg.name, 'accord-vscode');
  assert.equal(pkg.publisher, 'accord');
  assert.equal(pkg.displayName, 'Accord');
  assert.equal(pkg.engines.vscode, '^1.82.0');
  assert.equal(pkg.main, './extension.js');
  assert.ok(existsSync(join(extensionDir, pkg.main)));
  assert.deepEqual(pkg.activationEvents, ['onLanguage:accord']);
  assert.equal(pkg.license, 'Apache-2.0');
  assert.ok(existsSync(join(extensionDir, 'LICENSE')));
  assert.match(read('LICENSE'), /Apache License\s+Version 2\.0/);
  assert.ok(pkg.repository?.url, 'a repository, so that vsce asks nothing');
});

test('dependencies: the language client at run time, the tools for development', () => {
  assert.match(pkg.dependencies['vscode-languageclient'], /^\^9\./);
  assert.deepEqual(Object.keys(pkg.dependencies), ['vscode-languageclient']);
  for (const dev of ['@vscode/vsce', 'vscode-textmate', 'vscode-oniguruma']) assert.ok(pkg.devDependencies[dev], dev);
  // Every module extension.js requires is a dependency or built in.
  const required = [...extensionSource.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
  for (const name of required) {
    const root = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
    assert.ok(['fs', 'os', 'path', 'vscode'].includes(root) || pkg.dependencies[root], `${name} is a dependency`);
  }
});

test('the language, its configuration file and the grammar', () => {
  const [language] = pkg.contributes.languages;
  assert.equal(pkg.contributes.languages.length, 1);
  assert.equal(language.id, 'accord');
  assert.deepEqual(language.extensions, ['.accord']);
  assert.ok(language.aliases.includes('Accord'));
  assert.equal(language.configuration, './language-configuration.json');

  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.language, 'accord');
  assert.equal(grammar.scopeName, 'source.accord');
  assert.equal(grammar.path, './syntaxes/accord.tmLanguage.json');
  const tm = JSON.parse(read(grammar.path));
  assert.equal(tm.scopeName, grammar.scopeName);
  // Every `#name` the grammar includes is in its repository.
  const includes = [...JSON.stringify(tm).matchAll(/"include":"#([^"]+)"/g)].map((m) => m[1]);
  for (const name of new Set(includes)) assert.ok(tm.repository[name], `#${name} is defined`);
  // Every rule of the repository is used.
  for (const name of Object.keys(tm.repository)) assert.ok(includes.includes(name), `#${name} is used`);
});

test('language-configuration.json parses and its patterns compile', () => {
  const config = JSON.parse(read('language-configuration.json'));
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  assert.deepEqual(config.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const closing = config.autoClosingPairs.map((p) => p.open + p.close);
  for (const pair of ['{}', '[]', '()', '""']) assert.ok(closing.includes(pair), pair);
  assert.ok(config.surroundingPairs.some(([a, b]) => a === '"' && b === '"'));

  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('program family_benefit "Family benefit" {'));
  assert.ok(increase.test('    members: ['));
  assert.ok(!increase.test('  eligible when age >= 65  // {'));
  assert.ok(!increase.test('enum Disability { none, group_1 }'));
  assert.ok(decrease.test('  }'));
  assert.ok(decrease.test('    ]'));

  const word = new RegExp(`^(?:${config.wordPattern})$`);
  for (const w of ['family_benefit', 'Household', '_x1', '2025-03-01', '40_500', '12.5%']) assert.ok(word.test(w), w);
  for (const rule of config.onEnterRules) new RegExp(rule.beforeText);
  assert.ok(new RegExp(config.onEnterRules[0].beforeText).test('  /// A doc comment'));
  assert.ok(!new RegExp(config.onEnterRules[0].beforeText).test('  //// not one'));
});

test('the settings extension.js reads are contributed, with their defaults', () => {
  const read = [...extensionSource.matchAll(/config\.get\('([^']+)'/g)].map((m) => `accord.${m[1]}`);
  assert.deepEqual(read.sort(), ['accord.server.extraArgs', 'accord.server.path']);
  for (const key of read) assert.ok(properties[key], key);
  assert.equal(properties['accord.server.path'].type, 'string');
  assert.equal(properties['accord.server.path'].default, 'accord');
  assert.equal(properties['accord.server.extraArgs'].type, 'array');
  assert.deepEqual(properties['accord.server.extraArgs'].default, []);
  // Read by the language client itself, from the client id `accord`.
  assert.match(extensionSource, /new LanguageClient\('accord',/);
  assert.deepEqual(properties['accord.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(properties['accord.trace.server'].default, 'off');
  assert.match(extensionSource, /'accord\.server\.path'/);
  // In an untrusted workspace, its settings may not choose the program run.
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), ['accord.server.extraArgs', 'accord.server.path']);
});

test('the command extension.js registers is contributed', () => {
  const registered = [...extensionSource.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(registered, ['accord.restartServer']);
  const command = pkg.contributes.commands.find((c) => c.command === 'accord.restartServer');
  assert.ok(command);
  assert.equal(`${command.category}: ${command.title}`, 'Accord: Restart language server');
});

test('README documents every setting and the command', () => {
  const readme = read('README.md');
  for (const key of Object.keys(properties)) assert.ok(readme.includes(key), key);
  assert.ok(readme.includes('Accord: Restart language server'));
  assert.ok(readme.includes('cargo install --path cli'));
});

test('.vscodeignore keeps the run-time files and drops the development ones', () => {
  const ignored = read('.vscodeignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const pattern of ['test/**', 'node_modules/.bin/**', '*.vsix', 'test.sh']) assert.ok(ignored.includes(pattern), pattern);
  // vsce packs the production dependencies (vscode-languageclient) itself: nothing
  // may exclude node_modules as a whole, nor the files package.json names.
  for (const pattern of ignored) {
    assert.ok(!/^node_modules(\/\*\*)?\/?$/.test(pattern), pattern);
    for (const kept of ['extension.js', 'package.json', 'syntaxes', 'language-configuration.json', 'LICENSE', 'README.md']) {
      assert.ok(!pattern.startsWith(kept), `${pattern} would drop ${kept}`);
    }
  }
});

test('package-lock.json: this package, and no download address but the npm registry', () => {
  const lock = JSON.parse(read('package-lock.json'));
  assert.equal(lock.name, pkg.name);
  assert.deepEqual(lock.packages[''].dependencies, pkg.dependencies);
  assert.deepEqual(lock.packages[''].devDependencies, pkg.devDependencies);
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.resolved) assert.match(entry.resolved, /^https:\/\/registry\.npmjs\.org\//, path);
  }
});
