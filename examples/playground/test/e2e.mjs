// End to end in headless Chromium on dist/ served from 127.0.0.1 (a static
// server: the page has no server logic). Needs `node build.mjs` first,
// Chromium at /usr/bin/chromium (or CHROMIUM) and npm playwright-core.
// The screenshots go to docs/screenshots/ so they stay current.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(here, '../..');
const dist = path.join(here, 'dist');
const shots = path.join(root, 'docs/screenshots');
const AS_OF = '2025-03-01';

let server;
let context;
let profile;
let page;
let base;
const logs = [];

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopServer() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'run node build.mjs first');
  fs.mkdirSync(shots, { recursive: true });
  const port = await freePort();
  server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dist, String(port)], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}/`;
  await waitFor(base);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-playground-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await page.goto(`${base}?asof=${AS_OF}&lang=en&example=brief`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
});

after(async () => {
  await context?.close();
  stopServer();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

const diagnostics = () => page.evaluate(() => window.accordPlayground.diagnostics());

async function openFile(name) {
  await page.click(`#file-tabs [data-file="${name}"]`);
  await page.waitForFunction((n) => window.accordPlayground.file() === n, name);
}

// The brief's programmes, with a mistake: `vulnerability_scor` for the
// Household's `vulnerability_score` (and a first line of our own). The name is
// on line 7 (0-based: 6), after "  eligible when " (16 characters), so at
// column 16, 18 characters long.
const PROGRAMS = fs.readFileSync(path.join(root, 'examples/brief/programs.accord'), 'utf8')
  .replace(/^.*\n/, '// A programme written in the playground.\n');
const MISTAKE = PROGRAMS.replace('eligible when vulnerability_score >= family_benefit_threshold', 'eligible when vulnerability_scor >= family_benefit_threshold');

test('a mistake is shown where it is, and its quick fix removes it', async () => {
  await openFile('programs.accord');
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(MISTAKE);
  await page.waitForFunction(() => window.accordPlayground.diagnostics().some((d) => d.severity === 'error'), null, { timeout: 10000 });
  const errors = (await diagnostics()).filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.deepEqual([errors[0].line, errors[0].character, errors[0].length], [6, 16, 'vulnerability_scor'.length]);
  assert.match(errors[0].message, /E0102.*vulnerability_scor/);
  assert.deepEqual(errors[0].actions, ['Change to `vulnerability_score`']);
  // The underlined text is the misspelt name; hovering it shows the message.
  const range = page.locator('.cm-lintRange-error').first();
  assert.equal(await range.textContent(), 'vulnerability_scor');
  assert.equal(await page.getAttribute('#file-tabs [data-file="programs.accord"]', 'data-errors'), '1');
  await range.hover();
  await page.waitForSelector('.cm-tooltip-lint');
  await page.screenshot({ path: path.join(shots, 'playground-editor-diagnostic.png') });
  // The tests panel shows the ruleset's errors while it does not load.
  await page.waitForSelector('body[data-loaded="false"] #panel-tests .load-errors');
  // The load error has the same place, 1-based: line 7, column 17.
  assert.match(await page.textContent('#panel-tests'), /E0102 programs\.accord:7:17 unknown name `vulnerability_scor`/);
  await page.click('.cm-tooltip-lint .cm-diagnosticAction');
  await page.waitForFunction(() => window.accordPlayground.diagnostics().every((d) => d.severity !== 'error'));
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
  assert.equal(await page.getAttribute('#file-tabs [data-file="programs.accord"]', 'data-errors'), null);
  const line = await page.locator('.cm-line').nth(6).textContent();
  assert.equal(line, '  eligible when vulnerability_score >= family_benefit_threshold');
});

test('hover shows a parameter and its value on the as-of date', async () => {
  await page.mouse.move(0, 0);
  // `family_benefit_base` on line 10 (0-based 9): 18 000 AMD from 2020-01-01,
  // so in force on 2025-03-01.
  const name = page.locator('.cm-line').nth(9).getByText('family_benefit_base', { exact: false });
  const box = await page.locator('.cm-line').nth(9).boundingBox();
  const charWidth = box.width / (await page.locator('.cm-line').nth(9).textContent()).length;
  assert.ok(await name.count());
  await page.mouse.move(box.x + charWidth * 14, box.y + box.height / 2);
  const tip = page.locator('.cm-tooltip-hover .hover');
  await tip.waitFor({ timeout: 5000 });
  const text = await tip.textContent();
  assert.match(text, /Base amount of the family benefit/);
  assert.match(text, /On 2025-03-01: 18000 AMD/);
  assert.equal(await tip.locator('strong').first().textContent(), 'Base amount of the family benefit');
  assert.equal(await tip.locator('pre code').textContent(), 'parameter family_benefit_base: Money');
  await page.screenshot({ path: path.join(shots, 'playground-hover.png') });
  await page.mouse.move(0, 0);
});

test('completion offers the entity\'s facts', async () => {
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\nprogram p2 "P2" {\n  for Household\n  eligible when vulnera');
  await page.keyboard.press('Control+Space');
  const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'vulnerability_score' });
  await option.first().waitFor({ timeout: 5000 });
  // CodeMirror ignores Enter for 75 ms after the list opens (interactionDelay).
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('.cm-line')].at(-1).textContent === '  eligible when vulnerability_score');
  // Back to the fixed file.
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(PROGRAMS);
  await page.waitForSelector('body[data-loaded="true"]');
});

test('the tests run: a pass, then a failure with its explanation', async () => {
  await page.click('[data-panel="tests"]');
  // examples/brief/tests.accord: one test, seven expectations, all hold
  // (threshold 29 on 2025-03-01; 27 >= 25 with three children;
  // 18 000 + 7 500 × 3 = 40 500).
  await page.waitForSelector('#test-summary[data-passed="1"][data-failed="0"]');
  await openFile('tests.accord');
  await page.click('#editor .cm-content');
  await page.keyboard.press('Control+A');
  const source = fs.readFileSync(path.join(root, 'examples/brief/tests.accord'), 'utf8');
  await page.keyboard.insertText(source.replace('expect family_benefit amount 40_500', 'expect family_benefit amount 40_000'));
  await page.waitForSelector('#test-summary[data-passed="0"][data-failed="1"]');
  const failure = await page.textContent('.failure');
  assert.match(failure, /family_benefit amount 40000|family_benefit amount 40_000/);
  assert.match(failure, /amount 40500/, 'the actual amount');
  assert.match(failure, /count\(children\) >= 3/, 'the explanation: the ground that held');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source);
  await page.waitForSelector('#test-summary[data-passed="1"][data-failed="0"]');
});

test('the facts form screens the household, with the explanation', async () => {
  await page.click('[data-panel="facts"]');
  await page.waitForSelector('#facts-form');
  await page.selectOption('[data-path="region"]', 'shirak');
  await page.fill('[data-path="vulnerability_score"]', '27');
  await page.press('[data-path="vulnerability_score"]', 'Tab');
  const births = ['1990-05-01', '2015-01-10', '2018-02-11', '2021-07-30'];
  for (let i = 0; i < births.length; i++) {
    await page.click('[data-add="members"]');
    await page.fill(`[data-path="members[${i}].birth_date"]`, births[i]);
    await page.press(`[data-path="members[${i}].birth_date"]`, 'Tab');
  }
  // On 2025-03-01 the threshold is 29.00 (from 2023-01-01), so 27 fails the
  // first ground; the second holds: 27 >= 25 and three children (born 2015,
  // 2018, 2021: 10, 7 and 3 years old). Amount: 18 000 + 7 500 × 3 = 40 500
  // (the supplement is 7 500 from 2024-07-01).
  const fb = page.locator('li.result[data-program="family_benefit"]');
  await page.waitForFunction(() => document.querySelector('li.result[data-program="family_benefit"]')?.dataset.amount === '40500');
  assert.equal(await fb.getAttribute('data-status'), 'eligible');
  const text = await fb.textContent();
  assert.match(text, /Family benefit/);
  assert.match(text, /40,500/);
  assert.match(text, /vulnerability_score >= 25 and count\(children\) >= 3/);
  assert.match(text, /Government decision No\. 145-N, point 12/);
  // The eldest is 34: the old-age social pension (65 and over) is ineligible.
  assert.equal(await page.getAttribute('li.result[data-program="old_age_social_pension"][data-subject="members[0]"]', 'data-status'), 'ineligible');
  await openFile('programs.accord');
  await page.locator('li.result[data-program="family_benefit"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'playground-screening.png') });
});

test('switching to Armenian translates the page and the engine\'s labels', async () => {
  await page.selectOption('#lang', 'hy');
  await page.waitForFunction(() => document.documentElement.lang === 'hy');
  assert.equal(await page.textContent('[data-panel="facts"]'), 'Փաստեր');
  await page.waitForFunction(() => /Ընտանեկան նպաստ/.test(document.querySelector('li.result[data-program="family_benefit"] strong')?.textContent ?? ''));
  assert.match(await page.textContent('li.result[data-program="family_benefit"] .status'), /[\u0531-\u058F]/);
  await page.selectOption('#lang', 'ru');
  await page.waitForFunction(() => document.documentElement.lang === 'ru');
  assert.match(await page.textContent('li.result[data-program="family_benefit"] strong'), /Семейное пособие/);
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
});

test('the protocol: its graph, and a case whose events give tasks', async () => {
  await page.click('[data-panel="protocol"]');
  await page.waitForSelector('#graph svg', { timeout: 20000 });
  assert.match(await page.textContent('#graph svg'), /Notify the social service/);
  // The template is the `opened` event on 2025-03-01 (a Saturday). `notify`
  // is due within 3 working days (Saturday and Sunday are the weekend):
  // Monday 3, Tuesday 4, Wednesday 5 March.
  await page.click('#add-event');
  await page.waitForSelector('#tasks tr[data-step="notify"]');
  assert.match(await page.textContent('#tasks tr[data-step="notify"]'), /2025-03-05/);
  // Completing `notify` that day readies `assess`, 10 working days: 3–7 and
  // 10–14 March (the 8 March holiday is a Saturday), so due on the 14th.
  assert.match(await page.inputValue('#event-json'), /"completed"[\s\S]*"notify"/);
  await page.click('#add-event');
  await page.waitForSelector('#tasks tr[data-step="assess"]');
  assert.match(await page.textContent('#tasks tr[data-step="assess"]'), /2025-03-14/);
  assert.equal(await page.locator('#tasks tr[data-step="notify"]').count(), 0);
  // The social worker's view has the task too.
  await page.selectOption('#case-role', 'social_worker');
  await page.waitForSelector('#tasks tr[data-step="assess"]');
});

test('the assessment finds needs from partial answers', async () => {
  await page.click('[data-panel="assessment"]');
  await page.waitForSelector('#assessment-form');
  // `need speech_therapy when speech_delay`: answering yes establishes it,
  // while the others stay possible.
  await page.selectOption('[data-question="speech_delay"]', { label: 'yes' });
  await page.waitForFunction(() => document.getElementById('needs')?.textContent === 'speech_therapy');
  assert.match(await page.textContent('#assessment-result'), /Family counselling — possible/);
  for (const p of ['assessment', 'protocol', 'facts', 'tests']) {
    assert.doesNotMatch(await page.textContent(`#panel-${p}`), /\bnull\b|undefined/, `no placeholders in ${p}`);
  }
});

test('sharing puts the files in the URL, and opening it restores them', async () => {
  await page.click('#share');
  await page.waitForFunction(() => location.hash.startsWith('#files='));
  const url = page.url();
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]');
  const names = await other.$$eval('#file-tabs [data-file]', (b) => b.map((x) => x.dataset.file));
  assert.deepEqual(names, ['assessment.accord', 'programs.accord', 'protocol.accord', 'ruleset.accord', 'tests.accord']);
  await other.click('#file-tabs [data-file="programs.accord"]');
  assert.match(await other.textContent('#editor'), /A programme written in the playground/);
  await other.close();
});

test('the zip download holds the files', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const file = path.join(profile, 'download.zip');
  await download.saveAs(file);
  const listing = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
  assert.match(listing, /No errors detected/);
  assert.match(listing, /programs\.accord/);
});

test('every example loads: its tests, protocols and assessments', async () => {
  // Counts from the engine in Node (bindings' Ruleset.runTests) on the same
  // files: armenia's 23 tests pass; tartu and kazakhstan have none.
  for (const [name, passed] of [['armenia', 23], ['tartu', 0], ['kazakhstan', 0]]) {
    await page.selectOption('#example', name);
    await page.click('[data-panel="tests"]');
    await page.waitForSelector(`#test-summary[data-passed="${passed}"][data-failed="0"]`);
    if (name !== 'armenia') {
      await page.click('[data-panel="protocol"]');
      await page.waitForSelector('#graph svg', { timeout: 20000 });
      await page.click('[data-panel="assessment"]');
      await page.waitForSelector('#assessment-form .field');
    }
  }
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await page.selectOption('#example', 'brief');
});

test('reloading comes from the service worker cache in under 2 s, and works offline', async () => {
  await page.goto(`${base}?asof=${AS_OF}&lang=en&example=brief`);
  await page.waitForSelector('body[data-offline="ready"]', { timeout: 20000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { ready: Number(document.body.dataset.readyAt), load: nav.loadEventEnd, worker: nav.workerStart > 0, controlled: navigator.serviceWorker.controller !== null };
  });
  console.log(`load from cache: page ready (engine loaded, ruleset checked) at ${timing.ready} ms, load event at ${Math.round(timing.load)} ms`);
  assert.ok(timing.controlled && timing.worker, 'served through the service worker');
  assert.ok(timing.ready < 2000, `ready after ${timing.ready} ms`);
  stopServer();
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.waitForSelector('#test-summary[data-passed="1"]');
  // Graphviz (a chunk loaded on demand) is cached too.
  await page.click('[data-panel="protocol"]');
  await page.waitForSelector('#graph svg', { timeout: 20000 });
  await context.setOffline(false);
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
});

test('the engine is within its gzipped size budget', async () => {
  // The budget build.mjs sets (the measure when the playground was built, plus 3%).
  const budget = Number(fs.readFileSync(path.join(here, 'build.mjs'), 'utf8').match(/BUDGET_GZ_BYTES = (\d+)/)[1]);
  const size = JSON.parse(fs.readFileSync(path.join(dist, 'size.json'), 'utf8'));
  const gz = execFileSync('gzip', ['-9c', path.join(dist, 'engine/accord_wasm_bg.wasm')], { maxBuffer: 1 << 26 }).length;
  assert.equal(gz, size.wasm_gzip_bytes);
  assert.equal(size.budget_gzip_bytes, budget);
  assert.ok(gz < budget, `${gz} bytes gzipped, budget ${budget}`);
  console.log(`engine: ${gz} bytes gzipped, budget ${budget}`);
});
