// The conformance corpus (tests/conformance/, format in its README) through
// accord-engine's `*Text` methods: shared by conformance.mjs and the type check.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const casesDir = path.join(root, 'tests/conformance/cases');

/** Every case directory (with a case.json), sorted by name. */
export function caseDirs() {
  return fs
    .readdirSync(casesDir)
    .filter((d) => fs.existsSync(path.join(casesDir, d, 'case.json')))
    .sort()
    .map((d) => path.join(casesDir, d));
}

/** The `*.accord` files of a ruleset directory, sorted by file name (byte order). */
export function sources(dir) {
  return fs
    .readdirSync(dir)
    // Like Rust's `Path::is_file`, following symlinks (the corpus links files).
    .filter((name) => name.endsWith('.accord') && fs.statSync(path.join(dir, name)).isFile())
    .sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export function readCase(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8'));
}

/** The expected file of a case: `{ok: true, bytes}` or `{ok: false, bytes}`. */
export function expected(dir) {
  const out = path.join(dir, 'expected.out');
  const err = path.join(dir, 'expected.err.json');
  if (fs.existsSync(out)) return { ok: true, file: out, bytes: fs.readFileSync(out) };
  if (fs.existsSync(err)) return { ok: false, file: err, bytes: fs.readFileSync(err) };
  return null;
}

/** Runs one case with the package `engine`; returns `{ok: true, text}` or `{ok: false, text}`. */
export function run(engine, dir, cache = new Map()) {
  const { Ruleset, AccordError } = engine;
  const c = readCase(dir);
  const args = c.args ?? {};
  const get = (name) => {
    const v = args[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new Error(`${dir}: argument ${name} is not a string`);
    return v.startsWith('@') ? fs.readFileSync(path.join(dir, v.slice(1)), 'utf8') : v;
  };
  const req = (name) => {
    const v = get(name);
    if (v === undefined) throw new Error(`${dir}: argument ${name} missing`);
    return v;
  };
  const files = () => sources(path.join(root, c.ruleset));
  const attempt = (f) => {
    try {
      return { ok: true, text: f() };
    } catch (e) {
      if (e instanceof AccordError) return { ok: false, text: e.json };
      throw e;
    }
  };
  if (c.call === 'check') return attempt(() => engine.checkText(files()));
  if (c.call === 'format') return attempt(() => engine.format(req('name'), req('source')));

  const key = JSON.stringify([c.ruleset, c.entity ?? null, c.catalogue ?? null, c.ratings ?? null]);
  if (!cache.has(key)) {
    const read = (p) => (p ? fs.readFileSync(path.join(root, p), 'utf8') : undefined);
    cache.set(
      key,
      attempt(() => Ruleset.load(files(), { entity: c.entity, catalogue: read(c.catalogue), ratings: read(c.ratings) })),
    );
  }
  const loaded = cache.get(key);
  if (!loaded.ok) return loaded;
  let r = loaded.text;
  // A reform laid over the ruleset (§22): the call runs on the reformed one.
  if (c.reform !== undefined || c.settings !== undefined) {
    const files = c.reform
      ? [{ name: path.basename(c.reform), text: fs.readFileSync(path.join(root, c.reform), 'utf8') }]
      : [];
    // The catalogue and ratings are not carried over: set again, after the reform.
    const reformed = attempt(() => {
      const n = r.reform(files, c.settings ?? []);
      if (c.catalogue) n.setCatalogue(fs.readFileSync(path.join(root, c.catalogue), 'utf8'));
      if (c.ratings) n.setRatings(fs.readFileSync(path.join(root, c.ratings), 'utf8'));
      return n;
    });
    if (!reformed.ok) return reformed;
    r = reformed.text;
  }
  const lang = get('lang');
  const calls = {
    load: () => r.infoText(),
    warnings: () => r.warningsText(),
    screen: () => r.screenText(req('facts'), req('as_of'), lang),
    next_questions: () => r.nextQuestionsText(req('facts'), req('as_of'), lang),
    explain: () => r.explainText(req('facts'), req('as_of'), req('program'), lang),
    screen_jsonl: () =>
      r.screenJsonlText(req('lines'), req('as_of'), {
        explain: args.explain === true,
        lang,
        idKey: get('id_key'),
        statuses: get('statuses')?.split(','),
      }),
    compare: () =>
      r.compareText([{ name: req('reform_name'), text: req('reform') }], req('lines'), req('as_of'), {
        ...JSON.parse(req('options')),
        lang,
      }),
    answer: () => r.answerText(req('facts'), req('path'), req('value')),
    schema: () => r.schemaText(lang),
    assessment_form: () => r.assessmentFormText(get('assessment')),
    assess: () => r.assessText(req('answers'), { assessment: get('assessment'), lang }),
    providers: () => r.providersText(req('need'), { region: get('region'), lang }),
    case_state: () => r.caseStateText(req('log'), req('as_of'), { role: get('role'), lang }),
    case_view: () => r.caseStateText(req('log'), req('as_of'), { role: get('role'), provider: get('provider'), lang }),
    case_add: () => r.caseAddText(req('log'), req('event')),
    merge: () => r.mergeText(req('a'), req('b')),
    graph: () => r.graphText(req('format'), { protocol: get('protocol'), version: args.version ?? undefined, lang }),
    run_tests: () => r.runTestsText(),
    needs_map: () => r.needsMapText(req('results')),
    providers_for_result: () => r.providersForResultText(req('result'), { region: get('region'), lang }),
    caseload: () => {
      // An object of logs (`@file` or text) goes as an object; a string as the raw text.
      if (typeof args.cases === 'string') return r.caseloadText(req('cases'), req('as_of'), { role: get('role'), lang });
      const cases = {};
      for (const [name, v] of Object.entries(args.cases)) {
        cases[name] = v.startsWith('@') ? fs.readFileSync(path.join(dir, v.slice(1)), 'utf8') : v;
      }
      return r.caseloadText(cases, req('as_of'), { role: get('role'), lang });
    },
  };
  const f = calls[c.call];
  if (!f) throw new Error(`${dir}: unknown call ${c.call}`);
  return attempt(f);
}
