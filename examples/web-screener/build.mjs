// Builds dist/: the page (src/), the accord-engine package built by
// bindings/wasm/build.sh (bindings/wasm/pkg), and ruleset.json — every
// examples/armenia/*.accord file as [{name, text}], generated here at each
// build (never checked in). Serve dist/ with any static server.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const pkg = path.join(root, 'bindings/wasm/pkg');
const rules = path.join(root, process.env.ACCORD_RULESET ?? 'examples/armenia');
const dist = path.join(here, 'dist');

if (!fs.existsSync(path.join(pkg, 'accord_wasm_bg.wasm'))) {
  console.error(`error: ${pkg} is not built; run bindings/wasm/build.sh first`);
  process.exit(2);
}
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'accord'), { recursive: true });

for (const f of ['index.html', 'app.js', 'i18n.js', 'schema.js', 'style.css']) fs.copyFileSync(path.join(here, 'src', f), path.join(dist, f));
for (const f of ['index.js', 'api.js', 'accord_wasm.js', 'accord_wasm_bg.wasm']) fs.copyFileSync(path.join(pkg, f), path.join(dist, 'accord', f));

const sources = fs.readdirSync(rules)
  .filter((f) => f.endsWith('.accord') && fs.statSync(path.join(rules, f)).isFile())
  .sort()
  .map((name) => ({ name, text: fs.readFileSync(path.join(rules, name), 'utf8') }));
if (sources.length === 0) throw new Error(`no .accord files in ${rules}`);
fs.writeFileSync(path.join(dist, 'ruleset.json'), JSON.stringify(sources));

const files = ['index.html', 'app.js', 'i18n.js', 'schema.js', 'style.css', 'ruleset.json',
  'accord/index.js', 'accord/api.js', 'accord/accord_wasm.js', 'accord/accord_wasm_bg.wasm'];
const hash = crypto.createHash('sha256');
for (const f of files) hash.update(f).update(fs.readFileSync(path.join(dist, f)));
const version = hash.digest('hex').slice(0, 16);
const worker = fs.readFileSync(path.join(here, 'src/sw.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('__FILES__', JSON.stringify(['./', ...files.map((f) => `./${f}`)]));
fs.writeFileSync(path.join(dist, 'sw.js'), worker);
console.log(`dist/: ${sources.length} ruleset files, cache version ${version}`);
