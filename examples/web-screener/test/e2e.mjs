// End to end in headless Chromium: answer the questions, see results with
// amounts, switch to Armenian and Russian, then reload offline (the server
// stopped too) and still screen. Needs `node build.mjs` first; Chromium at
// /usr/bin/chromium (or CHROMIUM), npm playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(here, '../..');
const dist = path.join(here, 'dist');
const engine = await import(path.join(root, 'bindings/wasm/pkg/node.js'));
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
  const port = await freePort();
  server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dist, String(port)], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}/`;
  await waitFor(base);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await engine.init();
});

after(async () => {
  await context?.close();
  stopServer();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

/** The question on screen: its path and type. */
async function question() {
  await page.waitForSelector('#question[data-path], #finished', { timeout: 15000 });
  return page.evaluate(() => {
    const f = document.getElementById('question');
    return f.dataset.path ? { path: f.dataset.path, type: f.dataset.type } : null;
  });
}

/** Answers the question on screen: a young family in Lori with a baby, "no" to the rest. */
async function answerOne(q) {
  const form = page.locator('#question');
  const option = (value) => form.locator(`button.option[data-value="${value}"]`);
  if (q.path === 'region') await option('lori').click();
  else if (q.type.startsWith('list of')) {
    await page.fill('#answer-input', '1');
    await page.click('#answer-submit');
  } else if (q.path.endsWith('birth_date')) {
    await page.fill('#answer-input', '2024-05-01');
    await page.click('#answer-submit');
  } else if (q.type === 'Boolean') await option('false').click();
  else if (await form.locator('button.option').count()) await form.locator('button.option').first().click();
  else if (q.type === 'Date') {
    await page.fill('#answer-input', '2020-01-01');
    await page.click('#answer-submit');
  } else if (['Integer', 'Decimal', 'Money'].includes(q.type)) {
    await page.fill('#answer-input', '1');
    await page.click('#answer-submit');
  } else await page.click('#skip');
}

async function shown() {
  return page.$$eval('#eligible > li', (lis) => lis.map((li) => ({
    program: li.dataset.program,
    subject: li.dataset.subject,
    label: li.querySelector('.program-name').textContent,
    amount: li.querySelector('.amount')?.dataset.amount ?? null,
    text: li.textContent,
  })));
}

async function facts() {
  return page.evaluate(() => JSON.parse(localStorage.getItem('accord-web-screener')).facts);
}

const ruleset = (() => {
  const dir = path.join(root, 'examples/armenia');
  return () => engine.Ruleset.load(fs.readdirSync(dir).filter((f) => f.endsWith('.accord')).sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') })));
})();

test('answering the questions shows programmes with amounts, explanations and where to apply', async () => {
  await page.goto(`${base}?asof=${AS_OF}&lang=en`);
  await page.waitForSelector('body[data-ready="true"]');
  const asked = [];
  for (let i = 0; i < 12; i++) {
    const q = await question();
    if (!q) break;
    asked.push(q.path);
    await answerOne(q);
    await page.waitForFunction((p) => document.getElementById('question').dataset.path !== p || document.getElementById('error').hidden === false, q.path);
    assert.equal(await page.isVisible('#error'), false, `answering ${q.path}: ${await page.textContent('#error')}`);
  }
  assert.ok(asked.includes('region') && asked.some((p) => p.endsWith('birth_date')), `asked ${asked}`);
  assert.ok(asked.length >= 5, `asked ${asked}`);
  const results = await shown();
  const paid = results.filter((r) => r.amount !== null);
  assert.ok(paid.length > 0, `no amounts among ${JSON.stringify(results)}`);
  // What the page shows is what the engine says for the recorded facts.
  const expected = ruleset().screen(await facts(), AS_OF, 'en').results.filter((r) => r.status === 'eligible');
  assert.deepEqual(results.map((r) => [r.program, r.subject, r.label, r.amount]),
    expected.map((r) => [r.program, r.subject, r.label, r.amount]));
  const first = expected.find((r) => r.amount !== null);
  const li = page.locator(`#eligible > li[data-program="${first.program}"]`).first();
  const text = await li.textContent();
  assert.ok(text.includes(first.explanation.summary), 'the explanation is shown');
  if (first.explanation.apply) assert.ok(text.includes(first.explanation.apply), 'where to apply is shown');
  for (const d of first.explanation.documents) assert.ok(text.includes(d), `document ${d} is shown`);
  assert.match(text, /Where to apply|Documents to bring|Legal basis/);
  // The amount is formatted, digits and currency.
  assert.match(await li.locator('.amount').textContent(), /\d/);
});

test('switching language shows Armenian and Russian labels from the ruleset', async () => {
  const f = await facts();
  for (const [lang, script] of [['hy', /[\u0531-\u058F]/], ['ru', /[\u0400-\u04FF]/]]) {
    await page.selectOption('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    const expected = ruleset().screen(f, AS_OF, lang).results.filter((r) => r.status === 'eligible');
    const results = await shown();
    assert.deepEqual(results.map((r) => r.label), expected.map((r) => r.label));
    assert.match(results[0].label, script);
    assert.match(await page.textContent('#results-heading'), script, 'the page chrome is translated');
    const q = await page.textContent('#question');
    assert.match(q, script, 'the question is in the language');
  }
});

test('reloading offline still works (service worker)', async () => {
  await page.waitForSelector('body[data-offline="ready"]', { timeout: 15000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
  const before = await shown();
  stopServer();
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  const after = await shown();
  assert.deepEqual(after.map((r) => [r.program, r.label, r.amount]), before.map((r) => [r.program, r.label, r.amount]));
  assert.ok(after.some((r) => r.amount !== null), 'amounts are shown offline');
  assert.match(after[0].label, /[\u0400-\u04FF]/, 'still in Russian');
  // And it keeps screening offline.
  const q = await question();
  assert.ok(q);
  await answerOne(q);
  await page.waitForFunction((p) => document.getElementById('question').dataset.path !== p, q.path);
  assert.equal(logs.filter((l) => l.startsWith('pageerror')).length, 0, logs.join('\n'));
});

test('a household member can be added (offline too)', async () => {
  const before = (await facts()).members.length;
  await page.click('#add-member');
  await page.waitForFunction((n) => JSON.parse(localStorage.getItem('accord-web-screener')).facts.members.length === n + 1, before);
  const q = await question();
  assert.ok(q, 'a question is asked');
});
