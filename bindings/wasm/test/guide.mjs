// The runnable snippets of docs/guide-web.md (```js test blocks), each run as
// its own ES module from the repository's root, with `accord-engine`
// resolving to the built package (bindings/wasm/pkg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { root } from './lib/corpus.mjs';

const guide = fs.readFileSync(path.join(root, 'docs/guide-web.md'), 'utf8');
const blocks = [...guide.matchAll(/^```js test( browser)?\n([\s\S]*?)^```$/gm)];
const snippets = blocks.map((m) => m[2]);
// `js test browser`: a module for bundlers and plain browsers as they are.
const browser = blocks.filter((m) => m[1]).map((m) => m[2]);
const tmp = path.join(root, 'bindings/wasm/test/.tmp/guide');
fs.mkdirSync(path.join(tmp, 'node_modules'), { recursive: true });
const link = path.join(tmp, 'node_modules/accord-engine');
fs.rmSync(link, { force: true, recursive: true });
fs.symlinkSync(path.join(root, 'bindings/wasm/pkg'), link, 'dir');

test('the guide has runnable snippets', () => {
  assert.ok(snippets.length >= 4, `${snippets.length} snippets`);
});

test('the browser snippet has no top-level await and no Node modules', () => {
  assert.ok(browser.length >= 1, 'a `js test browser` snippet');
  for (const code of browser) {
    // Vite's default target refuses top-level await; browsers have no `node:`.
    assert.doesNotMatch(code, /^\S.*\bawait\b/m);
    assert.doesNotMatch(code, /from 'node:/);
    assert.match(code, /init\(\)\.then\(|async function/);
  }
});

snippets.forEach((code, i) => {
  const line = guide.slice(0, guide.indexOf(code)).split('\n').length;
  test(`docs/guide-web.md snippet ${i + 1} (line ${line})`, () => {
    const file = path.join(tmp, `snippet${i + 1}.mjs`);
    fs.writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.ok(out.length > 0, 'the snippet prints something');
  });
});
