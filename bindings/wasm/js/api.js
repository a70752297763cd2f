// The typed API of accord-engine over the wasm-bindgen exports. Every method
// hands strings to the engine and hands its strings back: `*Text` methods
// return them exactly (byte for byte what the CLI prints with `--format json`),
// the others parse them. Types: index.d.ts.
import initWasm, * as wasm from './accord_wasm.js';

let ready = false;
let pending = null;

/** @internal Used by `init` in index.js / node.js. */
export function setup(source) {
  if (ready) return Promise.resolve();
  if (!pending) {
    pending = initWasm({ module_or_path: source }).then(
      () => {
        ready = true;
      },
      (e) => {
        pending = null;
        throw e;
      },
    );
  }
  return pending;
}

/** @internal Used by `initSync` in index.js / node.js. */
export function setupSync(source) {
  if (ready) return;
  if (source === undefined) throw new TypeError('initSync needs the bytes or the WebAssembly.Module of accord_wasm_bg.wasm');
  wasm.initSync({ module: source });
  ready = true;
}

/** Whether `init()` has finished. */
export function isReady() {
  return ready;
}

function ensureReady() {
  if (!ready) throw new Error('accord-engine is not initialised: `await init()` first');
}

/**
 * What the engine throws when it refuses a call: the facade's error, with its
 * kind, the first problem's code, every problem and the exact JSON text.
 */
export class AccordError extends Error {
  constructor(json, parsed) {
    const error = parsed ?? JSON.parse(json);
    super(error.message);
    this.name = 'AccordError';
    this.kind = error.kind;
    this.problems = error.problems;
    this.code = error.problems.length > 0 ? error.problems[0].code : '';
    this.json = json;
  }

  /** `{kind, message, problems}`, as the engine gave it. */
  toJSON() {
    return { kind: this.kind, message: this.message, problems: this.problems };
  }
}

/** An exception from the wasm module as an AccordError, when it is one. */
function convert(e) {
  if (e instanceof Error && typeof e.message === 'string' && e.message.startsWith('{')) {
    let parsed;
    try {
      parsed = JSON.parse(e.message);
    } catch {
      return e;
    }
    if (parsed && typeof parsed.kind === 'string' && Array.isArray(parsed.problems)) {
      return new AccordError(e.message, parsed);
    }
  }
  return e;
}

function call(f) {
  try {
    return f();
  } catch (e) {
    throw convert(e);
  }
}

/** A JSON document argument: a string is passed as is, anything else stringified. */
function doc(value, what) {
  if (typeof value === 'string') return value;
  if (value === undefined) throw new TypeError(`${what} is missing`);
  return JSON.stringify(value);
}

/** An event log: JSON-lines text, or a list of events (objects or lines). */
function log(value, what) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)) + '\n').join('');
  }
  throw new TypeError(`${what} must be JSON-lines text or a list of events`);
}

function opt(value) {
  return value === null || value === undefined ? undefined : String(value);
}

/** The statuses to keep as the engine takes them: a list of names (one name
 * alone is a list of one), or undefined for every result. */
function statuses(value) {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? [value] : Array.from(value)).map(String);
}

/** `[{name, text}]` from a list of files or a `{name: text}` record. */
function sources(files) {
  let list;
  if (Array.isArray(files)) list = files;
  else if (files && typeof files === 'object') {
    list = Object.entries(files).map(([name, text]) => ({ name, text }));
  } else throw new TypeError('files must be a list of {name, text} or an object from names to texts');
  for (const f of list) {
    if (!f || typeof f.name !== 'string' || typeof f.text !== 'string') {
      throw new TypeError('every file needs a string `name` and a string `text`');
    }
  }
  return JSON.stringify(list.map((f) => ({ name: f.name, text: f.text })));
}

/** A compiled ruleset. Create it with `Ruleset.load`; every call is synchronous. */
export class Ruleset {
  #raw;

  /** @internal */
  constructor(raw) {
    if (!(raw instanceof wasm.Ruleset)) throw new TypeError('use Ruleset.load(files)');
    this.#raw = raw;
  }

  /**
   * Parses, checks and compiles `files`; sets the catalogue and ratings when
   * given. Throws an AccordError (kind `ruleset` with every diagnostic, or
   * `input` for a bad entity, catalogue or ratings).
   */
  static load(files, options = {}) {
    ensureReady();
    const text = sources(files);
    const raw = call(() => wasm.Ruleset.load(text, opt(options.entity)));
    try {
      if (options.catalogue != null) {
        const c = doc(options.catalogue, 'the catalogue');
        call(() => raw.setCatalogue(c));
      }
      if (options.ratings != null) {
        const r = doc(options.ratings, 'the ratings');
        call(() => raw.setRatings(r));
      }
    } catch (e) {
      raw.free();
      throw e;
    }
    return new Ruleset(raw);
  }

  /**
   * This ruleset with a reform laid over it (docs/language.md §22): `files`
   * replace this ruleset's declarations of the same name, then `settings`
   * (a list of `{name, value, from}`, compare's `set`, or its JSON text) set
   * parameters. A new Ruleset, checked: a reform that does not check throws an
   * AccordError of kind `ruleset` with its diagnostics. The catalogue and
   * ratings are not carried over.
   */
  reform(files = [], settings = []) {
    const f = sources(files);
    const s = typeof settings === 'string' ? settings : JSON.stringify(settings ?? []);
    return new Ruleset(call(() => this.#raw.reform(f, s)));
  }

  /** The raw wasm-bindgen object (strings in, strings out). */
  get raw() {
    return this.#raw;
  }

  /** Frees the engine's memory now (otherwise the garbage collector does). */
  free() {
    this.#raw.free();
  }

  /** A new Ruleset with the catalogue (and none of the ratings); this one unchanged. */
  withCatalogue(catalogue) {
    const c = doc(catalogue, 'the catalogue');
    return new Ruleset(call(() => this.#raw.withCatalogue(c)));
  }

  /** A new Ruleset with the ratings; needs a catalogue. */
  withRatings(ratings) {
    const r = doc(ratings, 'the ratings');
    return new Ruleset(call(() => this.#raw.withRatings(r)));
  }

  setCatalogue(catalogue) {
    const c = doc(catalogue, 'the catalogue');
    call(() => this.#raw.setCatalogue(c));
  }

  setRatings(ratings) {
    const r = doc(ratings, 'the ratings');
    call(() => this.#raw.setRatings(r));
  }

  addCaseRatingsText(cases) {
    let text;
    if (typeof cases === 'string') text = cases;
    else if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
      const logs = {};
      for (const [name, events] of Object.entries(cases)) logs[name] = log(events, `the log of ${name}`);
      text = JSON.stringify(logs);
    } else throw new TypeError('the cases must be an object from case names to event logs');
    return call(() => this.#raw.addCaseRatings(text));
  }
  addCaseRatings(cases) {
    return JSON.parse(this.addCaseRatingsText(cases));
  }

  infoText() {
    return call(() => this.#raw.info());
  }
  info() {
    return JSON.parse(this.infoText());
  }

  warningsText() {
    return call(() => this.#raw.warnings());
  }
  warnings() {
    return JSON.parse(this.warningsText());
  }

  screenText(facts, asOf, lang) {
    const f = doc(facts, 'the facts');
    return call(() => this.#raw.screen(f, asOf, opt(lang)));
  }
  screen(facts, asOf, lang) {
    return JSON.parse(this.screenText(facts, asOf, lang));
  }

  nextQuestionsText(facts, asOf, lang) {
    const f = doc(facts, 'the facts');
    return call(() => this.#raw.nextQuestions(f, asOf, opt(lang)));
  }
  nextQuestions(facts, asOf, lang) {
    return JSON.parse(this.nextQuestionsText(facts, asOf, lang));
  }

  explainText(facts, asOf, program, lang) {
    const f = doc(facts, 'the facts');
    return call(() => this.#raw.explain(f, asOf, program, opt(lang)));
  }
  explain(facts, asOf, program, lang) {
    return JSON.parse(this.explainText(facts, asOf, program, lang));
  }

  screenJsonlText(lines, asOf, options = {}) {
    return this.screenJsonlReport(lines, asOf, options).text;
  }
  /** The JSON lines and the counts: `{text, lines, bad, workLimit}`. */
  screenJsonlReport(lines, asOf, options = {}) {
    const l = typeof lines === 'string' ? lines : log(lines, 'the lines');
    const r = call(() =>
      this.#raw.screenJsonlReport(
        l,
        asOf,
        options.explain === true,
        opt(options.lang),
        opt(options.idKey),
        statuses(options.statuses),
      ),
    );
    const out = { text: r.text, lines: r.lines, bad: r.bad, workLimit: r.workLimit };
    r.free();
    return out;
  }
  /** One parsed line per input line; the array also carries `bad` and `workLimit`. */
  screenJsonl(lines, asOf, options = {}) {
    const r = this.screenJsonlReport(lines, asOf, options);
    const out = r.text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    out.bad = r.bad;
    out.workLimit = r.workLimit;
    return out;
  }

  /** A registry under this ruleset and a reform (docs/language.md §22). */
  compareText(reform, lines, asOf, options = {}) {
    const r = sources(reform);
    const l = typeof lines === 'string' ? lines : log(lines, 'the lines');
    const { lang, ...rest } = options;
    const o = JSON.stringify(rest);
    return call(() => this.#raw.compare(r, l, asOf, o, opt(lang)));
  }
  compare(reform, lines, asOf, options = {}) {
    return JSON.parse(this.compareText(reform, lines, asOf, options));
  }

  /** `valueJson` is JSON text: `"\"shirak\""`, `"3"`, `"null"`. */
  answerText(facts, path, valueJson) {
    const f = doc(facts, 'the facts');
    if (typeof valueJson !== 'string') throw new TypeError('answerText takes the value as JSON text');
    return call(() => this.#raw.answer(f, path, valueJson));
  }
  /** `value` is the answer itself (a string, number, boolean, object or null). */
  answer(facts, path, value) {
    if (value === undefined) throw new TypeError('the answer is missing (null makes a fact unknown)');
    return JSON.parse(this.answerText(facts, path, JSON.stringify(value)));
  }

  schemaText(lang) {
    return call(() => this.#raw.schema(opt(lang)));
  }
  schema(lang) {
    return JSON.parse(this.schemaText(lang));
  }

  assessmentFormText(assessment) {
    return call(() => this.#raw.assessmentForm(opt(assessment)));
  }
  assessmentForm(assessment) {
    return JSON.parse(this.assessmentFormText(assessment));
  }

  assessText(answers, options = {}) {
    const a = doc(answers, 'the answers');
    return call(() => this.#raw.assess(opt(options.assessment), a, opt(options.lang)));
  }
  assess(answers, options = {}) {
    return JSON.parse(this.assessText(answers, options));
  }

  providersText(need, options = {}) {
    return call(() => this.#raw.providers(need, opt(options.region), opt(options.lang)));
  }
  providers(need, options = {}) {
    return JSON.parse(this.providersText(need, options));
  }

  /** `result`: an assessment result (`assess`'s output, text or object). */
  providersForResultText(result, options = {}) {
    const r = doc(result, 'the assessment result');
    return call(() => this.#raw.providersForResult(r, opt(options.region), opt(options.lang)));
  }
  providersForResult(result, options = {}) {
    return JSON.parse(this.providersForResultText(result, options));
  }

  /** `results`: assessment results with a region, JSON-lines text or a list of results. */
  needsMapText(results) {
    const r = log(results, 'the results');
    return call(() => this.#raw.needsMap(r));
  }
  needsMap(results) {
    return JSON.parse(this.needsMapText(results));
  }

  /**
   * `cases`: an object from case names to event logs (JSON-lines text or
   * lists of events), or that object as JSON text (passed as is).
   */
  caseloadText(cases, asOf, options = {}) {
    let text;
    if (typeof cases === 'string') text = cases;
    else if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
      const logs = {};
      for (const [name, events] of Object.entries(cases)) logs[name] = log(events, `the log of ${name}`);
      text = JSON.stringify(logs);
    } else throw new TypeError('the cases must be an object from case names to event logs');
    return call(() => this.#raw.caseload(text, asOf, opt(options.role), opt(options.lang)));
  }
  caseload(cases, asOf, options = {}) {
    return JSON.parse(this.caseloadText(cases, asOf, options));
  }

  caseStateText(events, asOf, options = {}) {
    const l = log(events, 'the log');
    // A provider's view (a role `is provider`) goes through `caseView`.
    if (options.provider != null) {
      return call(() =>
        this.#raw.caseView(l, asOf, opt(options.role), opt(options.provider), opt(options.lang)),
      );
    }
    return call(() => this.#raw.caseState(l, asOf, opt(options.role), opt(options.lang)));
  }
  caseState(events, asOf, options = {}) {
    return JSON.parse(this.caseStateText(events, asOf, options));
  }

  /** The log with `event` appended as the engine writes it (JSON lines). */
  caseAddText(events, event) {
    const l = log(events, 'the log');
    const e = doc(event, 'the event');
    return call(() => this.#raw.caseAdd(l, e));
  }
  caseAdd(events, event) {
    return this.caseAddText(events, event);
  }

  mergeText(a, b) {
    const la = log(a, 'the first log');
    const lb = log(b, 'the second log');
    return call(() => this.#raw.merge(la, lb));
  }
  merge(a, b) {
    return JSON.parse(this.mergeText(a, b));
  }

  /** `format`: `dot`, `mermaid` or `json`. */
  graphText(format, options = {}) {
    const version = options.version ?? undefined;
    return call(() => this.#raw.graph(opt(options.protocol), String(format), version, opt(options.lang)));
  }
  graph(options = {}) {
    return JSON.parse(this.graphText('json', options));
  }

  runTestsText() {
    return call(() => this.#raw.runTests());
  }
  runTests() {
    return JSON.parse(this.runTestsText());
  }
}

/** Every diagnostic of `files`, as `accord check --format json` prints them. */
export function checkText(files) {
  ensureReady();
  const text = sources(files);
  return call(() => wasm.check(text));
}
export function check(files) {
  return JSON.parse(checkText(files));
}

/** One file in the canonical layout; throws (kind `ruleset`) on syntax errors. */
export function format(name, source) {
  ensureReady();
  return call(() => wasm.format(name, source));
}

/** The engine's version. */
export function version() {
  ensureReady();
  return wasm.version();
}

/** The wasm-bindgen exports themselves, strings in and out. */
export const raw = wasm;
