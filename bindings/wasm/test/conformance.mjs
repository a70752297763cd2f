// Every case of tests/conformance/cases through the WebAssembly package under
// Node: the output (or the error's JSON) must be exactly the expected bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as engine from '../pkg/node.js';
import { caseDirs, expected, run } from './lib/corpus.mjs';

await engine.init();
const dirs = caseDirs();
const cache = new Map();

test('the corpus has its cases', () => {
  assert.ok(dirs.length >= 100, `only ${dirs.length} cases`);
});

for (const dir of dirs) {
  test(path.basename(dir), () => {
    const want = expected(dir);
    assert.ok(want, `${dir} has neither expected.out nor expected.err.json`);
    const got = run(engine, dir, cache);
    assert.equal(got.ok, want.ok, got.ok ? `gave an output but expected ${want.file}` : `gave an error: ${got.text}`);
    const bytes = Buffer.from(got.text, 'utf8');
    if (!bytes.equals(want.bytes)) {
      assert.equal(got.text, want.bytes.toString('utf8'), `differs from ${want.file}`);
      assert.fail(`bytes differ from ${want.file}`);
    }
  });
}
