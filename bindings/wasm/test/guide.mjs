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
const snippets = [...guide.matchAll(/^```js test\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const tmp = path.join(root, 'bindings/wasm/test/.tmp/guide');
fs.mkdirSync(path.join(tmp, 'node_modules'), { recursive: true });
const link = path.join(tmp, 'node_modules/accord-engine');
fs.rmSync(link, { force: true, recursive: true });
fs.symlinkSync(path.join(root, 'bindings/wasm/pkg'), link, 'dir');

test('the guide has runnable snippets', () => {
  assert.ok(snippets.length >= 4, `${snippets.length} snippets`);
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
