// The Accord playground: an editor on the WebAssembly engine (diagnostics,
// hover, completion, quick fixes through `Workbench.ask`) and panels that run
// the ruleset being written (tests, screening, protocols and cases,
// assessments). Everything runs in the page; nothing is sent anywhere.
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, hoverTooltip, drawSelection } from '@codemirror/view';
import { defaultKeymap, history as undoHistory, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { linter, lintGutter, lintKeymap, forceLinting, forEachDiagnostic } from '@codemirror/lint';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import init, { Ruleset, raw } from './engine/index.js';
import { accord } from './accord-lang.js';
import { t, setLang, lang, translatePage, LANGS } from './i18n.js';
import { zip } from './zip.js';
import { encode, decode } from './share.js';

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
};

/** replaceChildren, leaving out null and undefined (absent parts). */
const put = (node, ...kids) => node.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined));

// ---------------------------------------------------------------- state
const params = new URLSearchParams(location.search);
setLang(params.get('lang') ?? localStorage.getItem('accord-playground-lang') ?? 'en');
let examples = {};
let files = []; // [{name, state: EditorState}]
let active = 0;
let view;
let asOf = params.get('asof') ?? new Date().toISOString().slice(0, 10);
let panel = 'tests';
let ruleset = null; // the last ruleset that loaded, or null
let loadError = null; // the error of the last load
let facts = {};
let caseLog = '';
let answers = {};
let bench = null; // {version, wb}
let version = 0; // bumped at each edit of any file

const texts = () => files.map((f) => ({ name: f.name, text: f.state.doc.toString() }));

function workbench() {
  if (bench?.version !== version) {
    bench?.wb.free();
    bench = { version, wb: new raw.Workbench(JSON.stringify(texts())) };
  }
  return bench.wb;
}
const ask = (req) => JSON.parse(workbench().ask(JSON.stringify(req)));

function offsetOf(doc, p) {
  const line = doc.line(Math.min(p.line + 1, doc.lines));
  return Math.min(line.from + p.character, line.to);
}
function posOf(doc, offset) {
  const line = doc.lineAt(offset);
  return { line: line.number - 1, character: offset - line.from };
}

// ---------------------------------------------------------------- editor
function markdown(md) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const inline = (s) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const out = [];
  const blocks = md.split(/```(?:\w*)\n?/);
  blocks.forEach((b, i) => {
    if (i % 2 === 1) { out.push(`<pre><code>${esc(b.replace(/\n$/, ''))}</code></pre>`); return; }
    for (const para of b.split(/\n\s*\n/)) {
      const lines = para.split('\n').filter((l) => l.trim());
      if (!lines.length) continue;
      if (lines.every((l) => /^\s*[-*] /.test(l))) out.push(`<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`);
      else out.push(`<p>${lines.map(inline).join('<br>')}</p>`);
    }
  });
  return out.join('');
}

const lintSource = (v) => {
  const name = files[active]?.name;
  const doc = v.state.doc;
  let diags;
  try { diags = ask({ op: 'diagnostics' }); } catch (e) { return []; }
  // Errors in the other files: a count on their tabs.
  for (const b of document.querySelectorAll('#file-tabs [data-file]')) {
    const n = diags.filter((d) => d.file === b.dataset.file && d.severity === 'error').length;
    if (n) b.dataset.errors = String(n); else delete b.dataset.errors;
  }
  return diags.filter((d) => d.file === name).map((d) => {
    const from = offsetOf(doc, d.from);
    const to = Math.max(from, offsetOf(doc, d.to));
    const fixes = ask({ op: 'fixes', file: name, ...d.from }).filter((f) => f.file === name && f.code === d.code);
    return {
      from, to,
      severity: d.severity,
      message: `${d.code}: ${d.message}${d.help ? ` (${d.help})` : ''}`,
      actions: fixes.map((f) => ({
        name: f.title,
        apply(view2) { applyEdits(view2, f.edits); },
      })),
    };
  });
};

const hover = hoverTooltip((v, pos) => {
  const name = files[active].name;
  let h;
  try { h = ask({ op: 'hover', file: name, ...posOf(v.state.doc, pos), asOf }); } catch { return null; }
  if (!h || h.error || !h.markdown) return null;
  return {
    pos: offsetOf(v.state.doc, h.from),
    end: offsetOf(v.state.doc, h.to),
    above: true,
    create() {
      const dom = el('div', { class: 'hover' });
      dom.innerHTML = markdown(h.markdown);
      return { dom };
    },
  };
});

const KIND = { keyword: 'keyword', function: 'function', type: 'type', fact: 'property', field: 'property', variant: 'enum', parameter: 'constant' };
function complete(context) {
  const name = files[active].name;
  const word = context.matchBefore(/[A-Za-z0-9_]*/);
  if (!context.explicit && (!word || word.from === word.to) && context.state.sliceDoc(context.pos - 1, context.pos) !== '.') return null;
  let c;
  try { c = ask({ op: 'completions', file: name, ...posOf(context.state.doc, context.pos) }); } catch { return null; }
  if (!c?.items?.length) return null;
  return {
    from: offsetOf(context.state.doc, c.from),
    options: c.items.map((i) => ({ label: i.label, type: KIND[i.kind] ?? 'variable', detail: i.detail ?? undefined })),
    validFor: /^[A-Za-z0-9_]*$/,
  };
}

const extensions = [
  lineNumbers(), undoHistory(), drawSelection(), highlightActiveLine(), bracketMatching(), highlightSelectionMatches(),
  accord, syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  lintGutter(), linter(lintSource, { delay: 250 }), hover,
  autocompletion({ override: [complete], icons: false }),
  keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
  EditorView.contentAttributes.of({ 'aria-label': 'Accord rules' }),
  EditorView.updateListener.of((u) => {
    if (!u.docChanged) return;
    files[active].state = u.state;
    version++;
    schedule();
  }),
];

function makeState(text) { return EditorState.create({ doc: text, extensions }); }

// A fix's edits ({file, from, to, text}, positions in the text as it is),
// in whichever files they fall: the open one through the view (one undoable
// change), the others in their stored states.
function applyEdits(v, edits) {
  const byFile = new Map();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [name, list] of byFile) {
    const i = files.findIndex((f) => f.name === name);
    if (i < 0) continue;
    const state = i === active ? v.state : files[i].state;
    const changes = list.map((e) => ({ from: offsetOf(state.doc, e.from), to: offsetOf(state.doc, e.to), insert: e.text }));
    if (i === active) {
      v.dispatch({ changes });
    } else {
      files[i].state = state.update({ changes }).state;
      version++;
      schedule();
    }
  }
}

function setFiles(list) {
  files = list.map((f) => ({ name: f.name, state: makeState(f.text) }));
  active = 0;
  version++;
  facts = {};
  caseLog = '';
  answers = {};
  if (!files.length) files.push({ name: 'rules.accord', state: makeState('') });
  view.setState(files[0].state);
  renderTabs();
  schedule(0);
}

function selectFile(i) {
  files[active].state = view.state;
  active = i;
  view.setState(files[i].state);
  renderTabs();
  forceLinting(view);
}

function renderTabs() {
  const bar = $('#file-tabs');
  put(bar, ...files.map((f, i) => el('button', {
    role: 'tab', class: 'file-tab', 'aria-selected': String(i === active), 'data-file': f.name, text: f.name,
    onclick: () => selectFile(i),
  })));
}

function validName(n) { return n && /^[^/\\]+$/.test(n) && !files.some((f) => f.name === n); }

// ---------------------------------------------------------------- panels
let timer;
function schedule(delay = 400) {
  clearTimeout(timer);
  timer = setTimeout(refresh, delay);
}

function refresh() {
  ruleset?.free();
  ruleset = null;
  loadError = null;
  try { ruleset = Ruleset.load(texts()); } catch (e) { loadError = e; }
  document.body.dataset.loaded = ruleset ? 'true' : 'false';
  renderPanel();
}

/** The language for engine outputs: the page's when the ruleset declares it, else the ruleset's first. */
function elang() {
  try { return ruleset.info().languages.includes(lang()) ? lang() : null; } catch { return null; }
}

function renderPanel() {
  for (const b of document.querySelectorAll('[role=tab][data-panel]')) b.setAttribute('aria-selected', String(b.dataset.panel === panel));
  for (const p of document.querySelectorAll('.panel')) p.hidden = p.id !== `panel-${panel}`;
  const body = $(`#panel-${panel}`);
  if (!ruleset) {
    put(body, errors(loadError));
    return;
  }
  try {
    ({ tests: renderTests, facts: renderFacts, protocol: renderProtocol, assessment: renderAssessment })[panel](body);
  } catch (e) {
    put(body, el('p', { class: 'error', role: 'alert', text: String(e.message ?? e) }));
  }
}

function errors(e) {
  const problems = e?.problems ?? [];
  return el('div', { class: 'load-errors', role: 'alert' },
    el('p', { text: t('rulesetErrors') }),
    problems.length
      ? el('ul', {}, problems.map((p) => el('li', { class: p.severity },
        el('code', { text: p.code }), ` ${p.file ?? ''}${p.line ? `:${p.line}:${p.column}` : ''} ${p.message}`)))
      : el('p', { text: String(e?.message ?? e) }));
}

function renderTests(body) {
  const report = ruleset.runTests();
  const passed = report.tests.filter((x) => !x.failures.length).length;
  const failed = report.tests.length - passed;
  put(body, 
    el('p', { id: 'test-summary', 'data-passed': String(passed), 'data-failed': String(failed), text: report.tests.length ? `${passed} ${t('passed')}, ${failed} ${t('failed')}` : t('noTests') }),
    el('ul', { class: 'tests' }, report.tests.map((x) => el('li', { class: x.failures.length ? 'fail' : 'pass', 'data-test': x.name },
      el('strong', { text: `${x.failures.length ? '✗' : '✓'} ${x.name}` }), ` — ${x.file}:${x.line}`,
      x.failures.length ? el('ul', {}, x.failures.map((f) => el('li', { class: 'failure' },
        el('code', { text: f.expect }), ` (${t('line')} ${f.line}): ${t('expected')} `, el('b', { text: f.expected }), `, ${t('actual')} `, el('b', { text: f.actual }),
        f.explanation ? explanation(f.explanation) : null))) : null))),
  );
}

function explanation(x, withSummary = true) {
  return el('div', { class: 'explanation' },
    withSummary ? el('p', { class: 'summary', text: x.summary }) : null,
    el('ul', { class: 'clauses' }, [...x.clauses, ...(x.amount ? [x.amount] : [])].map((c) => el('li', { class: c.decisive ? 'decisive' : '' },
      el('code', { text: c.rule }), ' → ', el('b', { text: c.value ?? (c.result === null ? t('unknown') : String(c.result)) }),
      c.values.length ? el('span', { class: 'values', text: ` (${c.values.map((v) => `${v.label || v.name} = ${v.value ?? t('unknown')}`).join('; ')})` }) : null))),
    x.legal.length ? el('p', {}, el('b', { text: `${t('legal')}: ` }), x.legal.join('; ')) : null,
    x.apply ? el('p', {}, el('b', { text: `${t('apply')}: ` }), x.apply) : null,
    x.documents.length ? el('p', {}, el('b', { text: `${t('documents')}: ` }), x.documents.join('; ')) : null,
    x.errors.length ? el('p', { class: 'error', text: x.errors.join('; ') }) : null);
}

// Facts: a form from the JSON Schema.
function field(schema, defs) {
  let s = schema.anyOf ? schema.anyOf.find((a) => a.type !== 'null') ?? schema : schema;
  const title = schema.title ?? s.title;
  if (s.$ref) {
    const d = defs[s.$ref.split('/').pop()];
    if (d.oneOf) return { kind: 'enum', title, options: d.oneOf.map((o) => ({ value: o.const, label: o.title ?? o.const })) };
    if (d.type === 'object') return { kind: 'object', title, def: d };
  }
  if (s.type === 'array' && s.items?.$ref) return { kind: 'list', title, def: defs[s.items.$ref.split('/').pop()] };
  if (s.type === 'boolean') return { kind: 'boolean', title };
  if (s.type === 'integer') return { kind: 'integer', title };
  if (Array.isArray(s.type) && s.type.includes('number')) return { kind: 'decimal', title };
  if (s.type === 'number') return { kind: 'decimal', title };
  if (s.format === 'date') return { kind: 'date', title };
  if (s.type === 'string') return { kind: 'text', title };
  return { kind: 'json', title };
}

function getPath(obj, path) {
  return path.split(/\.|\[(\d+)\]/).filter(Boolean).reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
function setPath(obj, path, value) {
  const keys = path.split(/\.|\[(\d+)\]/).filter(Boolean);
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  const last = keys.at(-1);
  if (value === undefined) delete o[last]; else o[last] = value;
}

function input(f, path) {
  const id = `fact-${path.replace(/[^\w]/g, '-')}`;
  const cur = getPath(facts, path);
  const onchange = (e) => {
    const v = e.target.value;
    let value;
    if (v === '') value = undefined;
    else if (f.kind === 'boolean') value = v === 'true';
    else if (f.kind === 'integer') value = Number.parseInt(v, 10);
    else if (f.kind === 'decimal') value = Number(v);
    else if (f.kind === 'json') { try { value = JSON.parse(v); } catch { value = v; } }
    else value = v;
    setPath(facts, path, value);
    renderResults();
  };
  let control;
  if (f.kind === 'enum' || f.kind === 'boolean') {
    const opts = f.kind === 'enum' ? f.options : [{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }];
    control = el('select', { id, 'data-path': path, onchange },
      el('option', { value: '', text: `— ${t('unknown')} —` }),
      opts.map((o) => el('option', { value: String(o.value), text: o.label, selected: cur !== undefined && String(cur) === String(o.value) })));
  } else {
    control = el('input', {
      id, 'data-path': path, onchange,
      type: f.kind === 'date' ? 'date' : (f.kind === 'integer' || f.kind === 'decimal') ? 'number' : 'text',
      step: f.kind === 'decimal' ? 'any' : null,
      value: cur === undefined || cur === null ? '' : (typeof cur === 'object' ? JSON.stringify(cur) : String(cur)),
    });
  }
  return el('div', { class: 'field' }, el('label', { for: id, text: f.title ?? path }), control);
}

function entityForm(def, defs, prefix) {
  // Single facts first, lists of sub-entities after them.
  const props = Object.entries(def.properties ?? {});
  const isList = ([, s]) => field(s, defs).kind === 'list';
  return [...props.filter((p) => !isList(p)), ...props.filter(isList)].map(([name, s]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const f = field(s, defs);
    if (f.kind === 'list') {
      const items = getPath(facts, path) ?? [];
      return el('fieldset', { class: 'list', 'data-list': path },
        el('legend', { text: f.title ?? name }),
        items.map((_, i) => el('fieldset', { class: 'item' },
          el('legend', { text: `${f.title ?? name} ${i + 1}` }),
          entityForm(f.def, defs, `${path}[${i}]`),
          el('button', { type: 'button', class: 'remove', text: t('remove'), onclick: () => { items.splice(i, 1); renderFacts($('#panel-facts')); } }))),
        el('button', { type: 'button', class: 'add', 'data-add': path, text: `+ ${t('addMember')}`, onclick: () => { setPath(facts, path, [...items, {}]); renderFacts($('#panel-facts')); } }));
    }
    if (f.kind === 'object') return el('fieldset', {}, el('legend', { text: f.title ?? name }), entityForm(f.def, defs, path));
    return input(f, path);
  });
}

function renderFacts(body) {
  const schema = ruleset.schema(elang());
  const defs = schema.$defs ?? {};
  const root = schema.$ref ? defs[schema.$ref.split('/').pop()] : schema;
  const ex = examples[$('#example').value];
  put(body, 
    el('div', { class: 'facts-layout' },
      el('form', { id: 'facts-form', onsubmit: (e) => e.preventDefault() },
        el('section', { id: 'next-questions', 'aria-live': 'polite' }),
        entityForm(root, defs, ''),
        ex?.facts ? el('button', { type: 'button', id: 'load-facts', text: '⤓ facts/family.json', onclick: () => { facts = structuredClone(ex.facts); renderFacts(body); } }) : null),
      el('section', { id: 'results', 'aria-live': 'polite' })));
  renderResults();
}

function renderResults() {
  if (!ruleset) return;
  const box = $('#results');
  const nq = $('#next-questions');
  if (!box) return;
  try {
    const q = ruleset.nextQuestions(facts, asOf, elang()).next_questions;
    put(nq, el('h3', { text: t('nextQuestions') }), el('ol', {}, q.slice(0, 5).map((x) => el('li', {},
      el('a', { href: `#`, 'data-question': x.path, text: x.label, onclick: (e) => { e.preventDefault(); document.querySelector(`[data-path="${x.path}"], [data-add="${x.path}"]`)?.focus(); } }),
      el('span', { class: 'path', text: ` (${x.path})` })))));
    const report = ruleset.screen(facts, asOf, elang());
    put(box, el('h3', { text: t('results') }), el('ul', { class: 'results' }, report.results.map((r) => el('li', {
      class: `result ${r.status}`, 'data-program': r.program, 'data-subject': r.subject, 'data-status': r.status, 'data-amount': r.amount ?? '',
    },
    el('div', { class: 'head' }, el('strong', { text: r.label }), r.subject ? ` · ${r.subject}` : '', ' — ', el('span', { class: 'status', text: t(r.status) }),
      r.amount ? el('span', { class: 'amount', text: ` ${Number(r.amount).toLocaleString(lang() === 'en' ? 'en-GB' : lang())}` }) : null),
    r.missing.length ? el('p', { class: 'missing', text: `${t('missing')}: ${r.missing.join(', ')}` }) : null,
    r.explanation ? el('details', { open: r.status === 'eligible' }, el('summary', { text: r.explanation.summary }), explanation(r.explanation, false)) : null))));
  } catch (e) {
    put(box, el('p', { class: 'error', role: 'alert', text: e.message }));
  }
}

// Protocol: the graph (Graphviz in WebAssembly, loaded when first needed) and a case.
let vizP;
let protocolName = null;
let caseRole = '';
function renderProtocol(body) {
  const protocols = ruleset.info().protocols;
  if (!protocols.length) { put(body, el('p', { text: t('noProtocol') })); return; }
  if (!protocols.includes(protocolName)) { protocolName = protocols[0]; caseLog = ''; }
  const g = ruleset.graph({ protocol: protocolName, lang: elang() });
  const graphBox = el('div', { id: 'graph', 'aria-busy': 'true', text: t('graphLoading') });
  const eventText = el('textarea', { id: 'event-json', rows: 5, spellcheck: false, 'aria-label': t('event') });
  const state = el('div', { id: 'case-state', 'aria-live': 'polite' });
  const template = (type) => {
    let st = null;
    try { st = caseLog ? ruleset.caseState(caseLog, asOf, { lang: elang() }) : null; } catch { /* shown below */ }
    const task = st?.tasks?.[0];
    const e = { type, at: asOf };
    if (type === 'opened') Object.assign(e, { protocol: protocolName, subject: {} });
    if (type === 'completed' || type === 'assessed') Object.assign(e, { step: task?.step ?? g.steps[0]?.name, by: task?.role ?? g.roles[0]?.name });
    if (type === 'assessed') e.answers = {};
    if (type === 'consent') Object.assign(e, { by: task?.role ?? g.roles[0]?.name, given: true });
    eventText.value = JSON.stringify(e, null, 1);
  };
  const typeSel = el('select', { id: 'event-type', onchange: (e) => template(e.target.value) },
    ['opened', 'completed', 'assessed', 'consent'].map((x) => el('option', { value: x, text: x })));
  const roleSel = el('select', { id: 'case-role', onchange: (e) => { caseRole = e.target.value; showCase(); } },
    el('option', { value: '', text: `— ${t('fullState')} —` }), g.roles.map((r) => el('option', { value: r.name, text: r.label, selected: r.name === caseRole })));
  const err = el('p', { id: 'case-error', class: 'error', role: 'alert', hidden: true });
  function showCase() {
    if (!caseLog) { put(state, ); return; }
    try {
      const s = caseRole ? JSON.parse(ruleset.raw.caseView(caseLog, asOf, caseRole, null, elang())) : ruleset.caseState(caseLog, asOf, { lang: elang() });
      put(state, 
        el('p', {}, el('b', { text: `${t('status')}: ` }), s.status ?? '', s.risk ? ` · ${t('risk')}: ${s.risk}` : ''),
        el('h4', { text: t('tasks') }),
        el('table', { id: 'tasks' }, el('thead', {}, el('tr', {}, el('th', { text: t('step') }), el('th', { text: t('role') }), el('th', { text: t('due') }))),
          el('tbody', {}, (s.tasks ?? []).map((x) => el('tr', { 'data-step': x.step, class: x.overdue ? 'overdue' : '' },
            el('td', { text: x.label + (x.need ? ` (${x.need})` : '') }), el('td', { text: x.role }), el('td', { text: `${x.due ?? '—'}${x.overdue ? ` · ${t('overdue')}` : ''}` }))))),
        el('details', {}, el('summary', { text: t('log') }), el('pre', { text: caseLog })));
    } catch (e) {
      put(state, el('p', { class: 'error', role: 'alert', text: e.message }));
    }
  }
  put(body, 
    protocols.length > 1 ? el('label', {}, `${t('protocol')} `, el('select', { id: 'protocol', onchange: (e) => { protocolName = e.target.value; caseLog = ''; renderProtocol(body); } },
      protocols.map((p) => el('option', { value: p, text: p, selected: p === protocolName })))) : null,
    graphBox,
    el('section', { class: 'case' },
      el('div', { class: 'row' }, el('label', { for: 'event-type', text: t('event') }), typeSel,
        el('button', { type: 'button', id: 'add-event', text: t('addEvent'), onclick: () => {
          err.hidden = true;
          try {
            caseLog = ruleset.caseAdd(caseLog, eventText.value);
            showCase();
            const next = typeSel.value === 'opened' ? 'completed' : typeSel.value;
            typeSel.value = next;
            template(next);
          } catch (e) { err.textContent = e.message; err.hidden = false; }
        } }),
        el('button', { type: 'button', id: 'reset-case', text: t('resetCase'), onclick: () => { caseLog = ''; typeSel.value = 'opened'; template('opened'); showCase(); } })),
      eventText, err,
      el('div', { class: 'row' }, el('label', { for: 'case-role', text: t('role') }), roleSel),
      state));
  typeSel.value = caseLog ? 'completed' : 'opened';
  template(typeSel.value);
  showCase();
  const dot = ruleset.graphText('dot', { protocol: protocolName, lang: elang() });
  vizP ??= import('@viz-js/viz').then((m) => m.instance());
  vizP.then((viz) => {
    put(graphBox, viz.renderSVGElement(dot));
    graphBox.setAttribute('aria-busy', 'false');
    graphBox.setAttribute('aria-label', g.label);
  }).catch((e) => { graphBox.textContent = String(e.message ?? e); });
}

// Assessment: the questionnaire and the needs found.
let assessmentName = null;
function renderAssessment(body) {
  const list = ruleset.info().assessments;
  if (!list.length) { put(body, el('p', { text: t('noAssessment') })); return; }
  if (!list.includes(assessmentName)) { assessmentName = list[0]; answers = {}; }
  const form = ruleset.assessmentForm(assessmentName);
  const L = (labels) => labels?.[lang()] ?? labels?.en ?? Object.values(labels ?? {})[0] ?? '';
  const out = el('section', { id: 'assessment-result', 'aria-live': 'polite' });
  const show = () => {
    try {
      const r = ruleset.assess(answers, { assessment: assessmentName, lang: elang() });
      put(out, 
        el('p', {}, el('b', { text: `${t('risk')}: ` }), el('span', { id: 'risk', text: r.risk ?? `${t('undetermined')} (${r.possible_risks.join(', ')})` })),
        el('p', {}, el('b', { text: `${t('needs')}: ` }), el('span', { id: 'needs', text: r.needs.join(', ') || '—' })),
        r.possible_needs.length ? el('p', {}, el('b', { text: `${t('possibleNeeds')}: ` }), r.possible_needs.join(', ')) : null,
        el('p', {}, el('b', { text: `${t('scores')}: ` }), Object.entries(r.scores).map(([k, v]) => `${k} = ${v ?? t('unknown')}`).join('; ')),
        el('ul', { class: 'reasons' }, r.explanation.map((x) => el('li', { 'data-kind': x.kind },
          el('b', { text: x.label || x.name || t(x.kind) }), ` — ${x.outcome}`, x.rule ? ': ' : '', x.rule ? el('code', { text: x.rule }) : null))));
    } catch (e) { put(out, el('p', { class: 'error', role: 'alert', text: e.message })); }
  };
  const question = (q) => {
    const id = `q-${q.question}`;
    const set = (v) => { if (v === undefined) delete answers[q.question]; else answers[q.question] = v; show(); };
    let control;
    if (q.type === 'choices') {
      return el('fieldset', { class: 'field' }, el('legend', { text: L(q.label) }), (q.options ?? []).map((o) => el('label', {},
        el('input', { type: 'checkbox', 'data-question': q.question, value: String(o.value), checked: (answers[q.question] ?? []).includes(o.value), onchange: (e) => {
          const cur = new Set(answers[q.question] ?? []);
          if (e.target.checked) cur.add(o.value); else cur.delete(o.value);
          set([...cur]);
        } }), ` ${L(o.label)}`)));
    }
    if (q.type === 'boolean' || q.type === 'scale' || q.type === 'choice') {
      const opts = q.type === 'boolean' ? [{ value: true, label: t('yes') }, { value: false, label: t('no') }]
        : (q.options ?? []).map((o) => ({ value: o.value, label: `${L(o.label)}${q.type === 'scale' ? ` (${o.value})` : ''}` }));
      control = el('select', { id, 'data-question': q.question, onchange: (e) => set(e.target.value === '' ? undefined : opts[Number(e.target.value)].value) },
        el('option', { value: '', text: `— ${t('unknown')} —` }),
        opts.map((o, i) => el('option', { value: String(i), text: o.label, selected: answers[q.question] === o.value })));
    } else {
      const num = ['integer', 'decimal', 'money'].includes(q.type);
      control = el('input', { id, 'data-question': q.question, type: num ? 'number' : q.type === 'date' ? 'date' : 'text', value: answers[q.question] ?? '',
        onchange: (e) => set(e.target.value === '' ? undefined : num ? Number(e.target.value) : e.target.value) });
    }
    return el('div', { class: 'field' }, el('label', { for: id, text: L(q.label) }), control);
  };
  put(body, 
    list.length > 1 ? el('label', {}, `${t('assessment')} `, el('select', { id: 'assessment', onchange: (e) => { assessmentName = e.target.value; answers = {}; renderAssessment(body); } },
      list.map((a) => el('option', { value: a, text: a, selected: a === assessmentName })))) : null,
    el('div', { class: 'facts-layout' },
      el('form', { id: 'assessment-form', onsubmit: (e) => e.preventDefault() },
        el('h3', { text: L(form.label) }),
        form.questions.map(question),
        form.sections.map((s) => el('fieldset', {}, el('legend', { text: L(s.label) }), s.questions.map(question)))),
      out));
  show();
}

// ---------------------------------------------------------------- chrome
async function share() {
  files[active].state = view.state;
  const code = await encode(texts());
  window.history.replaceState(null, '', `${location.pathname}${location.search}#files=${code}`);
  try { await navigator.clipboard.writeText(location.href); } catch { /* the address bar has it */ }
  const s = $('#status');
  s.textContent = t('shared');
}

function download() {
  files[active].state = view.state;
  const blob = new Blob([zip(texts())], { type: 'application/zip' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `${$('#example').value || 'ruleset'}.zip` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function applyLang(l) {
  setLang(l);
  localStorage.setItem('accord-playground-lang', l);
  $('#lang').value = l;
  translatePage();
  renderPanel();
}

async function main() {
  translatePage();
  const langSel = $('#lang');
  put(langSel, ...Object.entries(LANGS).map(([k, v]) => el('option', { value: k, text: v, selected: k === lang() })));
  langSel.addEventListener('change', () => applyLang(langSel.value));
  const dateInput = $('#as-of');
  dateInput.value = asOf;
  dateInput.addEventListener('change', () => { if (dateInput.value) { asOf = dateInput.value; renderPanel(); } });
  for (const b of document.querySelectorAll('[role=tab][data-panel]')) b.addEventListener('click', () => { panel = b.dataset.panel; renderPanel(); });

  const [_, ex] = await Promise.all([init(), fetch('./examples.json').then((r) => r.json())]);
  examples = ex;
  view = new EditorView({ parent: $('#editor'), state: makeState('') });
  // For the end-to-end tests: the editor's diagnostics as 0-based positions.
  window.accordPlayground = {
    file: () => files[active].name,
    diagnostics() {
      const out = [];
      forEachDiagnostic(view.state, (d, from, to) => {
        const l = view.state.doc.lineAt(from);
        out.push({ line: l.number - 1, character: from - l.from, length: to - from, severity: d.severity, message: d.message, actions: (d.actions ?? []).map((a) => a.name) });
      });
      return out;
    },
  };
  const exSel = $('#example');
  exSel.addEventListener('change', () => { window.history.replaceState(null, '', location.pathname + location.search); setFiles(examples[exSel.value].files); });
  $('#add-file').addEventListener('click', () => {
    const n = prompt(t('newFileName'), 'new.accord');
    if (!validName(n)) return;
    files[active].state = view.state;
    files.push({ name: n, state: makeState('') });
    version++;
    selectFile(files.length - 1);
  });
  $('#rename-file').addEventListener('click', () => {
    const n = prompt(t('newFileName'), files[active].name);
    if (!validName(n)) return;
    files[active].name = n;
    version++;
    renderTabs();
    forceLinting(view);
    schedule(0);
  });
  $('#delete-file').addEventListener('click', () => {
    if (files.length < 2 || !confirm(t('confirmDelete'))) return;
    files.splice(active, 1);
    version++;
    active = 0;
    view.setState(files[0].state);
    renderTabs();
    schedule(0);
  });
  $('#share').addEventListener('click', share);
  $('#download').addEventListener('click', download);

  let initial = examples[params.get('example')] ? params.get('example') : 'brief';
  let list = examples[initial].files;
  if (location.hash.startsWith('#files=')) {
    try { list = await decode(location.hash.slice(7)); initial = ''; } catch (e) { $('#status').textContent = `share link: ${e.message}`; }
  }
  exSel.value = initial;
  setFiles(list);
  refresh();
  document.body.dataset.ready = 'true';
  document.body.dataset.readyAt = String(Math.round(performance.now()));

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('./sw.js').then(() => navigator.serviceWorker.ready)
      .then(() => { document.body.dataset.offline = 'ready'; })
      .catch(() => { /* online only */ });
  }
}

main().catch((e) => {
  const s = document.getElementById('status');
  s.textContent = String(e.message ?? e);
  s.classList.add('error');
});
