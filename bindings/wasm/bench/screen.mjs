// Per-household screening through the WebAssembly package in Node versus
// native, on the same households and the same facade calls:
//   screen       one call per household, explanations on (what a screener does)
//   screen_jsonl every household in one call, no explanations (a registry)
// Run by hand after build.sh:  node bindings/wasm/bench/screen.mjs [REPEAT]
// Native figures come from `cargo run --release --example screen_native`.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, Ruleset } from '../pkg/node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.join(root, 'examples/armenia');
const jsonl = path.join(dir, 'facts/registry_sample.jsonl');
const repeat = Number(process.argv[2] ?? 50);
const asOf = '2025-03-01';

await init();
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.accord')).sort()
  .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
let t = process.hrtime.bigint();
const ruleset = Ruleset.load(files);
const loadNs = Number(process.hrtime.bigint() - t);
const text = fs.readFileSync(jsonl, 'utf8');
const households = text.split('\n').filter((l) => l.trim() !== '');
const n = repeat * households.length;

let bytes = 0;
for (const h of households) bytes += ruleset.screenText(h, asOf, 'en').length;
t = process.hrtime.bigint();
for (let i = 0; i < repeat; i++) for (const h of households) bytes += ruleset.screenText(h, asOf, 'en').length;
const screenNs = Number(process.hrtime.bigint() - t) / n;

const registry = text.repeat(repeat);
bytes += ruleset.screenJsonlText(text, asOf).length;
t = process.hrtime.bigint();
bytes += ruleset.screenJsonlText(registry, asOf).length;
const jsonlNs = Number(process.hrtime.bigint() - t) / n;

console.error('native: cargo run --release -p accord-wasm --example screen_native …');
const native = JSON.parse(execFileSync('cargo', ['run', '--release', '-q', '-p', 'accord-wasm', '--example', 'screen_native', '--',
  dir, jsonl, String(repeat)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));

const row = (what, wasm, nat) => `| ${what} | ${Math.round(wasm).toLocaleString('en')} | ${Math.round(nat).toLocaleString('en')} | ${(wasm / nat).toFixed(2)}x |`;
console.log(`${households.length} households x ${repeat}, examples/armenia, as of ${asOf}; Node ${process.version}\n`);
console.log('| ns per household | wasm (Node) | native | ratio |');
console.log('|---|---:|---:|---:|');
console.log(row('screen (explained, one call each)', screenNs, native.screen_ns));
console.log(row('screen_jsonl (registry, one call)', jsonlNs, native.screen_jsonl_ns));
console.log(row('load the ruleset (ns, once)', loadNs, native.load_ns));
console.log(`\n(${bytes} bytes of output)`);
