// The screener: asks the engine's next question one at a time, records each
// answer with `answer` into a facts document, and shows what the household may
// get, with amounts, explanations and where to apply. No server: the engine
// (WebAssembly) and the ruleset (ruleset.json, bundled at build time) run here.
import { init, Ruleset, AccordError } from './accord/index.js';
import { LANGUAGES, t } from './i18n.js';
import { numberBounds } from './schema.js';

const STORE = 'accord-web-screener';
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
};

let ruleset;
let languages = ['en'];
let currency = null;
/** The facts' JSON Schema: each number fact's domain bounds its input. */
let schema = null;
const params = new URLSearchParams(location.search);
const state = restore();

function restore() {
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(STORE) ?? '{}') ?? {};
  } catch {
    saved = {};
  }
  const browser = (navigator.language ?? 'en').slice(0, 2);
  return {
    facts: saved.facts && typeof saved.facts === 'object' ? saved.facts : {},
    skipped: Array.isArray(saved.skipped) ? saved.skipped : [],
    lang: params.get('lang') ?? saved.lang ?? (LANGUAGES[browser] ? browser : 'en'),
    asOf: params.get('asof') ?? saved.asOf ?? new Date().toISOString().slice(0, 10),
  };
}

function save() {
  localStorage.setItem(STORE, JSON.stringify(state));
}

const locale = (lang) => ({ hy: 'hy-AM', ru: 'ru-RU', en: 'en-GB' })[lang] ?? lang;

function money(amount) {
  const n = Number(amount);
  try {
    if (currency) {
      return new Intl.NumberFormat(locale(state.lang), { style: 'currency', currency, maximumFractionDigits: 2 }).format(n);
    }
  } catch {
    // an unknown currency code: plain number below
  }
  return new Intl.NumberFormat(locale(state.lang)).format(n) + (currency ? ` ${currency}` : '');
}

/** `members[1].birth_date` -> "Person 2"; `region` -> "". */
function who(path) {
  const m = /^(\w+)\[(\d+)\]/.exec(path);
  return m ? t(state.lang, 'person', { n: Number(m[2]) + 1 }) : '';
}

function chrome() {
  const lang = state.lang;
  document.documentElement.lang = lang;
  document.title = t(lang, 'title');
  for (const [id, key] of [
    ['title', 'title'], ['intro', 'intro'], ['lang-label', 'language'], ['asof-label', 'asOf'],
    ['start-over', 'startOver'], ['question-heading', 'question'], ['add-member', 'addMember'],
    ['results-heading', 'eligible'], ['open-heading', 'undetermined'], ['no-heading', 'ineligible'],
    ['answers-heading', 'answers'], ['not-legal', 'notLegal'], ['offline', 'offline'],
  ]) $(id).textContent = t(lang, key);
}

function showError(e) {
  const box = $('error');
  if (e instanceof AccordError) {
    const p = e.problems[0];
    box.textContent = `${t(state.lang, 'invalid')}: ${p ? p.message : e.message}`;
  } else box.textContent = String(e);
  box.hidden = false;
}

function record(path, value) {
  try {
    state.facts = ruleset.answer(state.facts, path, value);
    state.skipped = state.skipped.filter((p) => p !== path);
    $('error').hidden = true;
    render();
  } catch (e) {
    showError(e);
  }
}

function askQuestion(q) {
  const form = $('question');
  form.replaceChildren();
  form.dataset.path = q.path;
  form.dataset.type = q.type;
  const lang = state.lang;
  const person = who(q.path);
  if (person) form.append(el('span', { className: 'who', textContent: person }));
  const isList = q.type.startsWith('list of');
  const label = el('label', { className: 'label', htmlFor: 'answer-input', textContent: isList && q.path === 'members' ? t(lang, 'members') : q.label });
  form.append(label);
  let read = null;
  if (q.type === 'Boolean') {
    const box = el('div', { className: 'choices' });
    // A Boolean's options carry the JSON values `true` and `false`.
    const labels = new Map((q.options ?? []).map((o) => [o.value, o.label]));
    for (const value of [true, false]) {
      box.append(el('button', {
        type: 'button', className: 'option', textContent: labels.get(value) ?? t(lang, value ? 'yes' : 'no'),
        onclick: () => record(q.path, value),
      }));
      box.lastChild.dataset.value = String(value);
    }
    form.append(box);
  } else if (q.options && q.options.length > 0) {
    const box = el('div', { className: 'choices' });
    for (const o of q.options) {
      const b = el('button', { type: 'button', className: 'option', textContent: o.label, onclick: () => record(q.path, o.value) });
      b.dataset.value = o.value;
      box.append(b);
    }
    form.append(box);
  } else {
    const input = el('input', { id: 'answer-input', required: true });
    if (isList) {
      Object.assign(input, { type: 'number', min: '0', max: '30', step: '1' });
      read = () => Array.from({ length: Number(input.value) }, () => ({}));
    } else if (q.type === 'Date') {
      input.type = 'date';
      read = () => input.value;
    } else if (q.type === 'Integer') {
      Object.assign(input, { type: 'number', step: '1', inputMode: 'numeric', ...numberBounds(schema, q.path, true) });
      read = () => Number(input.value);
    } else if (q.type === 'Decimal' || q.type === 'Money') {
      Object.assign(input, { type: 'number', step: 'any', inputMode: 'decimal', ...numberBounds(schema, q.path, false) });
      read = () => String(input.value); // decimal text: no binary rounding on the way
    } else {
      input.type = 'text';
      read = () => input.value;
    }
    form.append(input, el('button', { type: 'submit', id: 'answer-submit', textContent: t(lang, 'answer') }));
    form.onsubmit = (ev) => {
      ev.preventDefault();
      if (input.value !== '') record(q.path, read());
    };
    queueMicrotask(() => input.focus());
  }
  if (!read) form.onsubmit = (ev) => ev.preventDefault();
  form.append(' ', el('button', {
    type: 'button', id: 'skip', textContent: t(lang, 'skip'),
    onclick: () => {
      state.skipped.push(q.path);
      render();
    },
  }));
}

function explanationOf(r) {
  const e = r.explanation;
  const dl = el('dl');
  if (!e) return dl;
  const add = (key, ...items) => {
    if (items.length === 0 || items.every((i) => i === null || i === '')) return;
    dl.append(el('dt', { textContent: t(state.lang, key) }));
    for (const i of items) if (i) dl.append(el('dd', { textContent: i }));
  };
  add('why', e.summary);
  add('apply', e.apply);
  add('documents', ...e.documents);
  add('legal', ...e.legal);
  return dl;
}

function showResults(results) {
  const lang = state.lang;
  const eligible = $('eligible');
  const open = $('open');
  const no = $('ineligible');
  eligible.replaceChildren();
  open.replaceChildren();
  no.replaceChildren();
  for (const r of results) {
    const subject = r.subject ? who(r.subject) : '';
    const li = el('li', { className: 'program' });
    li.dataset.program = r.program;
    li.dataset.subject = r.subject;
    li.dataset.status = r.status;
    li.append(el('span', { className: 'program-name', textContent: r.label }));
    if (subject) li.append(el('span', { className: 'subject', textContent: `(${subject})` }));
    if (r.status === 'eligible') {
      const amount = el('span', { className: 'amount', textContent: r.amount === null ? `— ${t(lang, 'noAmount')}` : money(r.amount) });
      if (r.amount !== null) amount.dataset.amount = r.amount;
      li.append(amount, explanationOf(r));
      eligible.append(li);
    } else if (r.status === 'undetermined') open.append(li);
    else no.append(li);
  }
  $('none').textContent = t(lang, 'none');
  $('none').hidden = eligible.children.length > 0;
  $('results').hidden = false;
}

function flatten(value, path, out) {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  // A monthly series' months are `income[2025-01]`, as the next questions name them.
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, /^\d{4}-\d{2}$/.test(k) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
  else if (value !== null) out.push([path, value]);
  return out;
}

function showAnswers() {
  const list = $('answers');
  list.replaceChildren();
  for (const [path, value] of flatten(state.facts, '', [])) {
    const li = el('li', { textContent: `${path} = ${JSON.stringify(value)} ` });
    li.append(el('button', { type: 'button', className: 'change', textContent: t(state.lang, 'change'), onclick: () => record(path, null) }));
    list.append(li);
  }
  $('given').hidden = list.children.length === 0;
}

function render() {
  chrome();
  let report;
  try {
    report = ruleset.screen(state.facts, state.asOf, state.lang);
  } catch (e) {
    // A stored document the ruleset no longer accepts: start again.
    showError(e);
    state.facts = {};
    report = ruleset.screen(state.facts, state.asOf, state.lang);
  }
  const next = report.next_questions.find((q) => !state.skipped.includes(q.path));
  $('ask').hidden = false;
  if (next) askQuestion(next);
  else {
    const form = $('question');
    form.replaceChildren(el('p', { id: 'finished', textContent: t(state.lang, report.next_questions.length ? 'skippedAll' : 'done') }));
    delete form.dataset.path;
    delete form.dataset.type;
  }
  $('add-member').hidden = !Array.isArray(state.facts.members);
  showResults(report.results);
  showAnswers();
  $('status').hidden = true;
  document.body.dataset.ready = 'true';
  save();
}

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('./sw.js');
    await navigator.serviceWorker.ready;
    $('offline').hidden = false;
    document.body.dataset.offline = 'ready';
  } catch (e) {
    console.warn('no offline support:', e);
  }
}

async function main() {
  $('status').textContent = t(state.lang, 'loading');
  const worker = registerWorker();
  const [files] = await Promise.all([fetch('./ruleset.json').then((r) => r.json()), init()]);
  ruleset = Ruleset.load(files);
  const info = ruleset.info();
  languages = info.languages;
  if (!languages.includes(state.lang)) state.lang = languages[0];
  schema = ruleset.schema();
  currency = schema['x-accord-currency'] ?? null;
  const select = $('lang');
  for (const l of languages) select.append(el('option', { value: l, textContent: LANGUAGES[l] ?? l }));
  select.value = state.lang;
  select.onchange = () => {
    state.lang = select.value;
    if (params.has('lang')) {
      params.set('lang', state.lang);
      history.replaceState(null, '', `?${params}`);
    }
    render();
  };
  const asOf = $('asof');
  asOf.value = state.asOf;
  asOf.onchange = () => {
    if (asOf.value) {
      state.asOf = asOf.value;
      render();
    }
  };
  $('start-over').onclick = () => {
    state.facts = {};
    state.skipped = [];
    $('error').hidden = true;
    render();
  };
  $('add-member').onclick = () => {
    const n = Array.isArray(state.facts.members) ? state.facts.members.length : 0;
    record(`members[${n}]`, {});
  };
  $('version').textContent = `accord-engine ${(await import('./accord/index.js')).version()}`;
  render();
  await worker;
}

main().catch((e) => {
  $('status').textContent = String(e);
  $('status').hidden = false;
  console.error(e);
});
