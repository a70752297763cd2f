// The typed wrapper: parsed objects, facts as objects or text, typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as engine from '../pkg/node.js';
import { root, sources } from './lib/corpus.mjs';

const { init, Ruleset, AccordError, check, checkText, format, raw } = engine;
const armenia = path.join(root, 'examples/armenia');
const files = sources(armenia);
const partial = fs.readFileSync(path.join(armenia, 'facts/family_partial.json'), 'utf8');
const catalogue = fs.readFileSync(path.join(armenia, 'catalogue.json'), 'utf8');
const asOf = '2025-03-01';

test('calls before init say so', () => {
  // In a fresh process: nothing is initialised yet.
  const script = `
    import * as e from ${JSON.stringify(new URL('../pkg/node.js', import.meta.url).href)};
    if (e.isReady()) throw new Error('ready too early');
    try { e.Ruleset.load([]); throw new Error('loaded'); } catch (x) { if (!/init\\(\\)/.test(x.message)) throw x; }
    await e.init(); await e.init();
    if (!e.isReady()) throw new Error('not ready');
    e.initSync();
    console.log('ok');`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'ok');
});

await init();
const rs = Ruleset.load(files, { catalogue });

test('init is idempotent and version is the workspace version', async () => {
  await init();
  assert.match(engine.version(), /^\d+\.\d+\.\d+/);
});

test('info is parsed', () => {
  const info = rs.info();
  assert.deepEqual(info.languages, ['en', 'hy', 'ru']);
  assert.ok(info.programs.includes('family_benefit'));
  assert.equal(typeof info.warnings, 'number');
  assert.deepEqual(info, JSON.parse(rs.infoText()));
});

test('a facts object screens like its JSON text', () => {
  const text = rs.screenText(partial, asOf, 'en');
  assert.equal(rs.screenText(JSON.parse(partial), asOf, 'en'), text);
  const report = rs.screen(JSON.parse(partial), asOf, 'en');
  assert.deepEqual(report, JSON.parse(text));
  assert.equal(report.as_of, asOf);
  assert.equal(report.lang, 'en');
  assert.ok(report.results.length > 0);
  const eligible = report.results.filter((r) => r.status === 'eligible');
  assert.ok(eligible.length > 0, 'the family is eligible for something');
  for (const r of report.results) {
    assert.ok(['eligible', 'ineligible', 'undetermined'].includes(r.status));
    assert.ok(r.explanation && typeof r.explanation.summary === 'string');
  }
});

test('labels follow the language', () => {
  const en = rs.screen(partial, asOf, 'en').results[0].label;
  const hy = rs.screen(partial, asOf, 'hy').results[0].label;
  const ru = rs.screen(partial, asOf, 'ru').results[0].label;
  assert.notEqual(en, hy);
  assert.match(hy, /[\u0530-\u058F]/);
  assert.match(ru, /[\u0400-\u04FF]/);
});

test('next questions and answers build a facts document', () => {
  let facts = {};
  const next = rs.nextQuestions(facts, asOf, 'en');
  assert.deepEqual(next, JSON.parse(rs.nextQuestionsText('{}', asOf, 'en')));
  assert.ok(next.next_questions.length > 0);
  const region = rs.nextQuestions({ members: [] }, asOf).next_questions.find((q) => q.path === 'region');
  assert.ok(region && region.options && region.options.length > 0, 'region is an enum with options');
  facts = rs.answer(facts, 'region', region.options[0].value);
  assert.deepEqual(facts, { region: region.options[0].value });
  facts = rs.answer(facts, 'members[0].birth_date', '1990-01-01');
  assert.deepEqual(facts.members, [{ birth_date: '1990-01-01' }]);
  // A Boolean's options are the JSON values `answer` takes, not texts.
  const yesNo = rs.nextQuestions(facts, asOf, 'en').next_questions.find((q) => q.type === 'Boolean');
  assert.ok(yesNo, 'a Boolean question');
  assert.deepEqual(yesNo.options.map((o) => o.value), [true, false]);
  assert.deepEqual(yesNo.options.map((o) => o.label), ['Yes', 'No']);
  assert.doesNotThrow(() => rs.answer(facts, yesNo.path, yesNo.options[0].value));
  assert.equal(rs.answerText(JSON.stringify(facts), 'members[0].citizen', 'true'),
    JSON.stringify({ ...facts, members: [{ birth_date: '1990-01-01', citizen: true }] }));
  facts = rs.answer(facts, 'region', null);
  assert.equal(facts.region, null);
});

test('refusals are AccordErrors with kind, code, problems and the exact JSON', () => {
  const cases = [
    [() => rs.screen('{', asOf), 'input', 'F0001'],
    [() => rs.screen({}, '1 March'), 'request', 'U0001'],
    [() => rs.explain({}, asOf, 'no_such_programme'), 'request', 'U0004'],
    [() => rs.answer({}, 'members[3].age', 1), 'request', 'U0005'],
    [() => rs.graphText('svg'), 'request', 'U0006'],
    [() => rs.caseAdd('', '{"type": "nonsense", "at": "2025-01-01"}'), 'case', null],
    [() => Ruleset.load([{ name: 'bad.accord', text: 'program {' }]), 'ruleset', null],
    [() => format('bad.accord', 'program {'), 'ruleset', null],
    [() => raw.Ruleset.load('{"not": "a list"}'), 'request', 'U0009'],
  ];
  for (const [f, kind, code] of cases) {
    let thrown;
    try {
      f();
    } catch (e) {
      thrown = e;
    }
    if (kind === 'request' && code === 'U0009') {
      // The raw exports throw an Error whose message is the error JSON.
      assert.ok(thrown instanceof Error && !(thrown instanceof AccordError));
      assert.equal(JSON.parse(thrown.message).problems[0].code, 'U0009');
      continue;
    }
    assert.ok(thrown instanceof AccordError, `${f}: ${thrown}`);
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.name, 'AccordError');
    assert.equal(thrown.kind, kind);
    if (code) assert.equal(thrown.code, code);
    assert.equal(thrown.code, thrown.problems[0].code);
    const parsed = JSON.parse(thrown.json);
    assert.equal(parsed.message, thrown.message);
    assert.deepEqual(parsed.problems, thrown.problems);
    assert.deepEqual(thrown.toJSON(), parsed);
    assert.ok(thrown.stack.includes('AccordError'));
  }
});

test('a ruleset error lists every diagnostic with its place', () => {
  try {
    Ruleset.load({ 'a.accord': 'program {' });
    assert.fail('loaded');
  } catch (e) {
    assert.ok(e instanceof AccordError);
    assert.equal(e.problems[0].file, 'a.accord');
    assert.equal(typeof e.problems[0].line, 'number');
  }
});

test('bad arguments are TypeErrors, not engine errors', () => {
  assert.throws(() => Ruleset.load('rules'), TypeError);
  assert.throws(() => Ruleset.load([{ name: 'a' }]), TypeError);
  assert.throws(() => rs.screen(undefined, asOf), TypeError);
  assert.throws(() => rs.answer({}, 'region', undefined), TypeError);
  assert.throws(() => new Ruleset({}), TypeError);
});

test('load options: a bad catalogue is an input error and frees the ruleset', () => {
  assert.throws(() => Ruleset.load(files, { catalogue: '[' }), (e) => e instanceof AccordError && e.kind === 'input');
  assert.throws(() => Ruleset.load(files, { entity: 'Nothing' }), (e) => e instanceof AccordError);
});

test('a catalogue given as an object works like its text', () => {
  const other = Ruleset.load(files, { catalogue: JSON.parse(catalogue) });
  const need = rs.assessmentForm().needs[0].need;
  assert.equal(other.providersText(need), rs.providersText(need));
  const report = other.providers(need, { lang: 'en' });
  assert.equal(report.need, need);
  assert.ok(Array.isArray(report.providers));
  other.free();
});

test('registries: lines as text or as a list of documents', () => {
  const lines = fs.readFileSync(path.join(armenia, 'facts/registry_sample.jsonl'), 'utf8');
  const docs = lines.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(rs.screenJsonlText(docs, asOf), rs.screenJsonlText(lines, asOf));
  const out = rs.screenJsonl(docs, asOf, { explain: true, lang: 'ru' });
  assert.equal(out.length, docs.length);
  assert.equal(out[0].line, 1);
  assert.ok('results' in out[0] && out[0].results[0].explanation);
  const bad = rs.screenJsonl('{}\nnot json\n', asOf);
  assert.ok('error' in bad[1]);
  // `{}` screens (every fact unknown); `not json` is the one bad line.
  assert.equal(bad.bad, 1);
  assert.equal(bad.workLimit, 0);
  const report = rs.screenJsonlReport('{}\nnot json\n', asOf);
  assert.deepEqual([report.lines, report.bad, report.workLimit], [2, 1, 0]);
  assert.equal(report.text, rs.screenJsonlText('{}\nnot json\n', asOf));
  // The raw class's text is the facade's, as the default `screenJsonl` gives it.
  assert.equal(report.text, rs.raw.screenJsonl('{}\nnot json\n', asOf, false, undefined));
  const ids = rs.screenJsonl([{ id_no: 'A', region: 'shirak' }, { region: 'lori' }], asOf, { idKey: 'id_no' });
  assert.deepEqual(ids.map((l) => l.id), ['A', null]);
  assert.equal(ids.bad, 0);
  // `statuses`: each line keeps only those results, in order; a refused line
  // keeps its error; a name that is not a status throws U0045.
  const registry = '{"region": "shirak"}\n{"region": "lori", "members": [{"birth_date": "2024-05-01"}]}\nnot json\n';
  const full = rs.screenJsonl(registry, asOf);
  const only = rs.screenJsonl(registry, asOf, { statuses: ['eligible'] });
  assert.deepEqual(
    [...only],
    [...full].map((l) => ('results' in l ? { ...l, results: l.results.filter((r) => r.status === 'eligible') } : l)),
  );
  assert.ok(only[1].results.length > 0 && only[0].results.length === 0);
  assert.equal(only.bad, 1);
  assert.deepEqual([...rs.screenJsonl(registry, asOf, { statuses: 'eligible' })], [...only]);
  assert.throws(
    () => rs.screenJsonl(registry, asOf, { statuses: ['eligble'] }),
    (e) => e instanceof AccordError && e.code === 'U0045',
  );
});

test('withCatalogue and withRatings give a new ruleset; this one is unchanged', () => {
  const bare = Ruleset.load(files);
  const withCatalogue = bare.withCatalogue(catalogue);
  assert.ok(withCatalogue.providers('health_care').providers.length > 0);
  assert.throws(() => bare.providers('health_care'), (e) => e instanceof AccordError && e.code === 'U0008');
  assert.throws(() => bare.withRatings('{}'), (e) => e instanceof AccordError && e.code === 'U0008');
  assert.throws(() => bare.withCatalogue('['), (e) => e instanceof AccordError && e.kind === 'input');
  withCatalogue.free();
  bare.free();
});

test('assessments, schema, tests and graphs are parsed', () => {
  const form = rs.assessmentForm();
  assert.equal(form.assessment, 'child_needs');
  assert.deepEqual(form, JSON.parse(rs.assessmentFormText('child_needs')));
  const report = rs.assess({}, { lang: 'en' });
  assert.equal(report.assessment, 'child_needs');
  assert.ok(report.next_questions.length > 0);
  const schema = rs.schema('en');
  assert.equal(typeof schema.$schema, 'string');
  assert.ok(Array.isArray(rs.runTests().tests));
  const graph = rs.graph({ lang: 'en' });
  assert.equal(graph.protocol, 'out_of_school');
  assert.ok(graph.steps.length > 0);
  assert.match(rs.graphText('mermaid'), /flowchart|graph/);
  assert.match(rs.graphText('dot'), /digraph/);
});

test('a reform is a new ruleset: its tests run, households are screened under it', () => {
  const dir = path.join(root, 'tests/compare');
  const base = Ruleset.load(sources(path.join(dir, 'base')));
  const reform = [{ name: 'reform.accord', text: fs.readFileSync(path.join(dir, 'reform.accord'), 'utf8') }];
  const reformed = base.reform(reform);
  assert.deepEqual(
    reformed.runTests().tests.map((t) => [t.name, t.file, t.failures.length]),
    [['The lower threshold from 2026', 'reform.accord', 0]],
  );
  const facts = { region: 'north', score: 28, members: [{ age: 35 }, { age: 2 }, { age: 10 }] };
  const status = (r) => r.screen(facts, '2026-03-01').results.map((x) => [x.program, x.status, x.amount]);
  const before = status(base);
  assert.deepEqual(before[0], ['family_benefit', 'ineligible', null]);
  assert.deepEqual(status(reformed)[0], ['family_benefit', 'eligible', '20000']);
  assert.deepEqual(status(reformed)[2], ['child_allowance', 'eligible', '4000']);
  // Settings alone (compare's `set`), as a list or its JSON text; the base is untouched.
  const set = [{ name: 'family_benefit_threshold', value: 27, from: '2026-01-01' }];
  const byList = base.reform([], set);
  assert.equal(byList.screenText(facts, '2026-03-01'), base.reform(undefined, JSON.stringify(set)).screenText(facts, '2026-03-01'));
  assert.deepEqual(status(byList)[0], ['family_benefit', 'eligible', '20000']);
  assert.deepEqual(status(byList)[2], ['child_allowance', 'eligible', '3000']);
  assert.deepEqual(status(base), before);
  // A reform that does not check throws its diagnostics; a bad setting is a request error.
  assert.throws(
    () => base.reform([{ name: 'r.accord', text: 'entity Person "P" {\n  age: Integer "Age"\n}\n' }]),
    (e) => e instanceof AccordError && e.kind === 'ruleset' && e.code === 'E0901' && e.problems[0].file === 'r.accord',
  );
  assert.throws(
    () => base.reform([], [{ name: 'family_benefit_treshold', value: 27 }]),
    (e) => e instanceof AccordError && e.kind === 'request' && e.code === 'U0031',
  );
  assert.throws(() => base.reform([], '{}'), (e) => e instanceof AccordError && e.code === 'U0037');
});

test('case logs: text or a list of events', () => {
  const dir = path.join(armenia, 'cases/out_of_school');
  const logFile = fs.readdirSync(dir).find((f) => f.endsWith('.jsonl'));
  const log = fs.readFileSync(path.join(dir, logFile), 'utf8');
  const events = log.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const day = events.at(-1).at;
  assert.equal(rs.caseStateText(events, day), rs.caseStateText(log, day));
  const state = rs.caseState(events, day, { lang: 'en' });
  assert.equal(state.protocol, 'out_of_school');
  const merged = rs.merge(log, events);
  assert.equal(typeof merged.log, 'string');
  assert.deepEqual(merged.conflicts, []);
});

test('check and format need no ruleset', () => {
  const report = check(files);
  assert.deepEqual(report, JSON.parse(checkText(files)));
  assert.ok(Array.isArray(report.diagnostics));
  const text = files[0].text;
  assert.equal(typeof format(files[0].name, text), 'string');
});

test('the raw object answers the same strings', () => {
  assert.equal(rs.raw.screen(partial, asOf, 'en'), rs.screenText(partial, asOf, 'en'));
  assert.equal(rs.raw.info(), rs.infoText());
});
