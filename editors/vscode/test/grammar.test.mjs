// The TextMate grammar (syntaxes/accord.tmLanguage.json), loaded as VS Code loads it
// (vscode-textmate and the Oniguruma WebAssembly build):
//   1. every example ruleset tokenises with no `invalid` scope, and the constructs
//      found by reading the source (declaration lines, comments, dates, citations)
//      get their scopes;
//   2. named tokens of named example files;
//   3. a snippet per construct of grammar/src/grammar.pest, every token's scope
//      written out by hand.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, tokenize } from './lib/textmate.mjs';

const examplesDir = join(repoRoot, 'examples');
const exampleFiles = readdirSync(examplesDir, { recursive: true })
  .filter((f) => f.endsWith('.accord'))
  .map((f) => join(examplesDir, f))
  .sort();

const innermost = (token) => token.scopes[token.scopes.length - 1];
const isInvalid = (token) => token.scopes.some((s) => s.includes('invalid'));
const inStringOrComment = (token) => token.scopes.some((s) => s.startsWith('string.') || s.startsWith('comment.'));

/** The token covering column `col` (0-based) of a tokenised line. */
function tokenAt(lineTokens, col) {
  return lineTokens.find((t) => t.column - 1 <= col && col < t.column - 1 + t.text.length);
}

/**
 * Tokens as `[text, scope]`, whitespace dropped: a string (quotes, text and escapes)
 * or a comment (its `//` or `/*` and text, one line of it) is one token with the
 * scope of the string or comment itself.
 */
function simplify(lines) {
  const out = [];
  for (const line of lines) {
    let open = null; // [text, scope] of a string or comment being gathered
    for (const t of line) {
      const string = t.scopes.find((s) => /^string\./.test(s) || /^comment\./.test(s));
      if (string) {
        if (open && open[1] === string && !t.scopes.includes('punctuation.definition.string.begin.accord')) {
          open[0] += t.text;
        } else {
          open = [t.text, string];
          out.push(open);
        }
        if (t.scopes.includes('punctuation.definition.string.end.accord')) open = null;
        continue;
      }
      open = null;
      if (t.text.trim()) out.push([t.text.trim(), innermost(t)]);
    }
  }
  return out.map(([text, scope]) => [text.trim(), scope]);
}

async function expectTokens(source, expected) {
  const actual = simplify(await tokenize(source));
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.deepEqual(actual[i], expected[i], `token ${i} of:\n${source}\nexpected ${JSON.stringify(expected[i])}, got ${JSON.stringify(actual[i])}`);
  }
}

// Scope names, shortened in the expectations below.
const K = (word, kind = 'other') => `keyword.${kind}.${word}.accord`;
const DECL = (word) => K(word, 'declaration');
const LABEL = 'string.quoted.double.label.accord';
const TEXT = 'string.quoted.double.accord';
const LANG = 'constant.other.language-code.accord';
const DATE = 'constant.other.date.accord';
const INT = 'constant.numeric.integer.accord';
const DEC = 'constant.numeric.decimal.accord';
const PCT = 'constant.numeric.percent.accord';
const DUR = 'constant.numeric.duration.accord';
const BOOL = 'constant.language.boolean.accord';
const UNKNOWN = 'constant.language.unknown.accord';
const VAR = 'variable.other.accord';
const PROP = 'variable.other.property.accord';
const TYPE = 'entity.name.type.accord';
const BUILTIN_TYPE = 'support.type.builtin.accord';
const BUILTIN = 'support.function.builtin.accord';
const CMP = 'keyword.operator.comparison.accord';
const ARITH = 'keyword.operator.arithmetic.accord';
const ASSIGN = 'keyword.operator.assignment.accord';
const RANGE = 'keyword.operator.range.accord';
const LOGIC = 'keyword.operator.logical.accord';
const COND = 'keyword.control.conditional.accord';
const WHEN = 'keyword.control.when.accord';
const FOR = 'keyword.control.for.accord';
const COMMA = 'punctuation.separator.comma.accord';
const COLON = 'punctuation.separator.colon.accord';
const KV = 'punctuation.separator.key-value.accord';
const CELL = 'punctuation.separator.cell.accord';
const LBRACE = 'punctuation.section.braces.begin.accord';
const RBRACE = 'punctuation.section.braces.end.accord';
const LBRACKET = 'punctuation.section.brackets.begin.accord';
const RBRACKET = 'punctuation.section.brackets.end.accord';
const LPAREN = 'punctuation.section.parens.begin.accord';
const RPAREN = 'punctuation.section.parens.end.accord';
const DOC = 'comment.line.documentation.accord';
const LINE_COMMENT = 'comment.line.double-slash.accord';
const BLOCK_COMMENT = 'comment.block.accord';

// ---------------------------------------------------------------------------
// Every example, tokenised once (top-level await: the tests below are synchronous).
const tokenised = new Map();
let tokenCount = 0;
let invalidCount = 0;
for (const file of exampleFiles) {
  const text = readFileSync(file, 'utf8');
  const lines = await tokenize(text);
  tokenised.set(file, { text, lines });
  tokenCount += lines.reduce((n, l) => n + l.length, 0);
  invalidCount += lines.flat().filter(isInvalid).length;
}
console.log(`tokenised ${exampleFiles.length} files, ${tokenCount} tokens, ${invalidCount} invalid`);
const name = (file) => relative(repoRoot, file);

describe('the example rulesets', () => {
  test('there are examples to tokenise', () => {
    assert.ok(exampleFiles.length >= 41, `${exampleFiles.length} .accord files under examples/`);
  });

  test('no token of any example has an invalid scope', () => {
    const invalid = [];
    for (const [file, { lines }] of tokenised) {
      for (const t of lines.flat()) {
        if (isInvalid(t)) invalid.push(`${name(file)}:${t.line}:${t.column} ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
      }
    }
    assert.deepEqual(invalid, []);
  });

  test('no token of the reference\'s accord snippets (docs/language.md) has an invalid scope', async () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'language.md'), 'utf8');
    const snippets = [...doc.matchAll(/^```accord[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
    assert.ok(snippets.length > 20, `${snippets.length} snippets`);
    const invalid = [];
    for (const [i, snippet] of snippets.entries()) {
      for (const t of (await tokenize(snippet)).flat()) {
        if (isInvalid(t)) invalid.push(`snippet ${i + 1}, line ${t.line}: ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
      }
    }
    assert.deepEqual(invalid, []);
  });

  test('no text is left without a scope', () => {
    const bare = [];
    for (const [file, { lines }] of tokenised) {
      for (const t of lines.flat()) {
        const scope = innermost(t);
        if (t.text.trim() && (scope === 'source.accord' || scope.startsWith('meta.'))) {
          bare.push(`${name(file)}:${t.line}:${t.column} ${JSON.stringify(t.text)}`);
        }
      }
    }
    assert.deepEqual(bare, []);
  });

  test('every line starting a declaration starts with its keyword', () => {
    const re = /^(ruleset|sector|enum|entity|parameter|table|program|assessment|service|calendar|protocol|test|scale)\b/;
    let seen = 0;
    const kinds = new Set();
    for (const [file, { text, lines }] of tokenised) {
      text.split(/\r?\n/).forEach((line, i) => {
        const m = re.exec(line);
        if (!m) return;
        seen++;
        kinds.add(m[1]);
        const first = lines[i][0];
        assert.equal(first.text, m[1], `${name(file)}:${i + 1}`);
        assert.equal(innermost(first), DECL(m[1]), `${name(file)}:${i + 1}`);
      });
    }
    assert.ok(seen > 100, `${seen} declarations`);
    // Every kind the examples use (all but `sector`, declared by the checker's defaults).
    for (const kind of ['ruleset', 'enum', 'entity', 'parameter', 'table', 'program', 'assessment',
      'service', 'calendar', 'protocol', 'test', 'scale']) {
      assert.ok(kinds.has(kind), `an example declares a ${kind}`);
    }
  });

  test('comment lines are comments: `///` doc comments, `//` and `////` line comments', () => {
    let docs = 0;
    let comments = 0;
    for (const [file, { text, lines }] of tokenised) {
      text.split(/\r?\n/).forEach((line, i) => {
        const trimmed = line.trimStart();
        if (!trimmed.startsWith('//')) return;
        const doc = trimmed.startsWith('///') && !trimmed.startsWith('////');
        doc ? docs++ : comments++;
        for (const t of lines[i].filter((t) => t.text.trim())) {
          assert.ok(t.scopes.includes(doc ? DOC : LINE_COMMENT), `${name(file)}:${i + 1} ${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`);
        }
      });
    }
    assert.ok(docs > 50 && comments > 50, `${docs} doc comment lines, ${comments} comment lines`);
  });

  test('every YYYY-MM-DD outside text and comments is one date token', () => {
    let dates = 0;
    for (const [file, { text, lines }] of tokenised) {
      text.split(/\r?\n/).forEach((line, i) => {
        for (const m of line.matchAll(/(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])/g)) {
          const t = tokenAt(lines[i], m.index);
          if (inStringOrComment(t)) continue;
          dates++;
          assert.equal(t.text, m[0], `${name(file)}:${i + 1}:${m.index + 1}`);
          assert.equal(innermost(t), DATE, `${name(file)}:${i + 1}:${m.index + 1}`);
        }
      });
    }
    assert.ok(dates > 100, `${dates} dates`);
  });

  test('citations, `apply` and `contact` texts are labels', () => {
    let labels = 0;
    for (const [file, { text, lines }] of tokenised) {
      text.split(/\r?\n/).forEach((line, i) => {
        for (const m of line.matchAll(/\b(legal|apply|contact|documents)\s+"/g)) {
          const keyword = tokenAt(lines[i], m.index);
          if (inStringOrComment(keyword)) continue;
          labels++;
          assert.equal(innermost(keyword), K(m[1]), `${name(file)}:${i + 1}`);
          const quote = tokenAt(lines[i], m.index + m[0].length - 1);
          assert.ok(quote.scopes.includes(LABEL), `${name(file)}:${i + 1}: ${quote.scopes.join(' ')}`);
        }
      });
    }
    assert.ok(labels > 50, `${labels} labels`);
  });

  test('across the examples, each kind of token gets its scope', () => {
    const scopes = new Set();
    for (const { lines } of tokenised.values()) for (const t of lines.flat()) for (const s of t.scopes) scopes.add(s);
    const hasBlockComment = [...tokenised.values()].some(({ text }) => /^\s*\/\*/m.test(text));
    const wanted = [
      DECL('ruleset'), DECL('program'), DECL('let'), DECL('question'), DECL('step'), DECL('agency'),
      K('eligible'), K('amount'), K('legal'), K('from'), K('source'), WHEN, FOR, COND, LOGIC,
      'keyword.operator.where.accord', 'keyword.operator.in.accord', 'keyword.operator.quantifier.accord',
      TEXT, LABEL, LANG, 'meta.translations.accord', 'constant.character.escape.accord',
      DATE, 'constant.other.date.month-day.accord', 'constant.other.date.month.accord',
      INT, DEC, PCT, DUR, BOOL, UNKNOWN,
      DOC, LINE_COMMENT, ...(hasBlockComment ? [BLOCK_COMMENT] : []),
      BUILTIN, BUILTIN_TYPE, TYPE, 'variable.language.today.accord',
      'entity.name.function.program.accord', 'entity.name.function.table.accord', 'entity.name.function.scale.accord',
      'entity.name.type.entity.accord', 'entity.name.type.enum.accord', 'entity.name.constant.parameter.accord',
      'variable.other.enummember.accord', PROP, CMP, ARITH, RANGE, CELL, 'keyword.operator.wildcard.accord',
      'meta.table.header.accord', 'variable.parameter.column.accord',
    ];
    const missing = wanted.filter((s) => !scopes.has(s));
    assert.deepEqual(missing, []);
  });

  // -------------------------------------------------------------------------
  // Named tokens of named files.
  function line(file, re) {
    const entry = tokenised.get(join(examplesDir, file));
    assert.ok(entry, `${file} exists`);
    const index = entry.text.split(/\r?\n/).findIndex((l) => re.test(l));
    assert.ok(index >= 0, `${file} has a line matching ${re}`);
    return entry.lines[index];
  }
  function scopeOf(tokens, text, nth = 0) {
    const matches = tokens.filter((t) => t.text === text);
    assert.ok(matches.length > nth, `token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map((t) => t.text).join(''))}`);
    return innermost(matches[nth]);
  }

  test('brief/programs.accord: a programme declaration', () => {
    const tokens = line('brief/programs.accord', /^program family_benefit /);
    assert.equal(scopeOf(tokens, 'program'), DECL('program'));
    assert.equal(scopeOf(tokens, 'family_benefit'), 'entity.name.function.program.accord');
    assert.equal(scopeOf(tokens, 'Family benefit'), LABEL);
    assert.equal(scopeOf(tokens, 'hy'), LANG);
    assert.equal(scopeOf(tokens, 'Ընտանեկան նպաստ'), LABEL);
    const amount = line('brief/programs.accord', /^\s*amount = family_benefit_base/);
    assert.equal(scopeOf(amount, 'amount'), K('amount'));
    assert.equal(scopeOf(amount, '='), ASSIGN);
    assert.equal(scopeOf(amount, 'count'), BUILTIN);
  });

  test('brief/ruleset.accord: comments, dates, numbers, a table', () => {
    assert.equal(innermost(line('brief/ruleset.accord', /^\/\/ The design brief/)[1]), LINE_COMMENT);
    assert.equal(innermost(line('brief/ruleset.accord', /^\/\/\/ A household/)[1]), DOC);
    const version = line('brief/ruleset.accord', /from 2014-01-01: 30\.00/);
    assert.equal(scopeOf(version, 'from'), K('from'));
    assert.equal(scopeOf(version, '2014-01-01'), DATE);
    assert.equal(scopeOf(version, '30.00'), DEC);
    const header = line('brief/ruleset.accord', /^table birth_grant/);
    assert.equal(scopeOf(header, 'order'), 'variable.parameter.accord');
    assert.equal(scopeOf(header, 'hit'), K('hit'));
    assert.equal(scopeOf(header, 'first'), 'constant.language.hit-policy.accord');
    assert.equal(scopeOf(line('brief/ruleset.accord', /^\s*order \| result/), 'result'), 'variable.parameter.column.accord');
    const row = line('brief/ruleset.accord', /^\s*\*\s+\| 1_500_000/);
    assert.equal(scopeOf(row, '*'), 'keyword.operator.wildcard.accord');
    assert.equal(scopeOf(row, '1_500_000'), INT);
  });

  test('brief/tests.accord: a test', () => {
    const head = line('brief/tests.accord', /^test "Poor family/);
    assert.equal(scopeOf(head, 'test'), DECL('test'));
    assert.equal(scopeOf(head, 'Poor family with three children'), LABEL);
    assert.equal(scopeOf(line('brief/tests.accord', /as of 2025-03-01/), '2025-03-01'), DATE);
    assert.equal(scopeOf(line('brief/tests.accord', /amount 40_500/), '40_500'), INT);
    assert.equal(scopeOf(line('brief/tests.accord', /= unknown/), 'unknown'), UNKNOWN);
  });

  test('armenia/calendar_armenia.accord: annual holidays', () => {
    const holidays = line('armenia/calendar_armenia.accord', /holiday every 01-01/);
    assert.equal(scopeOf(holidays, 'holiday'), K('holiday'));
    assert.equal(scopeOf(holidays, 'every'), K('every'));
    assert.equal(scopeOf(holidays, '01-01'), 'constant.other.date.month-day.accord');
    assert.equal(scopeOf(holidays, '12-31'), 'constant.other.date.month-day.accord');
  });

  test('brief/protocol.accord: durations and step items', () => {
    const within = line('brief/protocol.accord', /within 3 working days/);
    assert.equal(scopeOf(within, 'within'), K('within'));
    assert.equal(scopeOf(within, '3 working days'), DUR);
    assert.equal(scopeOf(line('brief/protocol.accord', /every 30 days/), '30 days'), DUR);
    const close = line('brief/protocol.accord', /risk\(assess\) = low and all refer done/);
    assert.equal(scopeOf(close, 'risk'), BUILTIN);
    assert.equal(scopeOf(close, 'all'), 'keyword.operator.quantifier.accord');
    assert.equal(scopeOf(close, 'done'), K('done'));
  });

  test('openfisca/rules.accord: percentages and a scale', () => {
    assert.equal(scopeOf(line('openfisca/rules.accord', /from 2012-01-01: 16%/), '16%'), PCT);
    const head = line('openfisca/rules.accord', /^scale social_security_contribution_scale/);
    assert.equal(scopeOf(head, 'scale'), DECL('scale'));
    assert.equal(scopeOf(head, 'marginal'), 'storage.modifier.scale.accord');
  });
});

// ---------------------------------------------------------------------------
describe('a snippet per construct of the grammar', () => {
  test('comments: doc, line, `////`, block', () => expectTokens(
    '/// Documents what follows.\n//// four slashes: a comment\n// a comment\n/* a block\n   comment */\nsector s // after code',
    [
      ['/// Documents what follows.', DOC],
      ['//// four slashes: a comment', LINE_COMMENT],
      ['// a comment', LINE_COMMENT],
      ['/* a block', BLOCK_COMMENT],
      ['comment */', BLOCK_COMMENT],
      ['sector', DECL('sector')], ['s', 'entity.name.type.sector.accord'], ['// after code', LINE_COMMENT],
    ],
  ));

  test('text: escapes', async () => {
    const [tokens] = await tokenize(String.raw`sector s "a \"b\" \\ \t \u{1F600}\n"`);
    const escapes = tokens.filter((t) => innermost(t) === 'constant.character.escape.accord').map((t) => t.text);
    assert.deepEqual(escapes, [String.raw`\"`, String.raw`\"`, String.raw`\\`, String.raw`\t`, String.raw`\u{1F600}`, String.raw`\n`]);
    assert.ok(tokens.filter((t) => t.text.trim() && !['sector', 's'].includes(t.text)).every((t) => t.scopes.includes(LABEL)));
    const [bad] = await tokenize(String.raw`sector s "C:\data"`);
    assert.ok(bad.some((t) => t.text === String.raw`\d` && innermost(t) === 'invalid.illegal.escape.accord'), 'an unknown escape is an error (E0004)');
  });

  test('ruleset', () => expectTokens(
    'ruleset demo "Demo" [hy: "Դեմո", ru: "Демо"] {\n  languages en, hy, ru\n  currency AMD\n  regions Municipality\n}',
    [
      ['ruleset', DECL('ruleset')], ['demo', 'entity.name.namespace.ruleset.accord'], ['"Demo"', LABEL],
      ['[', LBRACKET], ['hy', LANG], [':', KV], ['"Դեմո"', LABEL], [',', COMMA],
      ['ru', LANG], [':', KV], ['"Демо"', LABEL], [']', RBRACKET], ['{', LBRACE],
      ['languages', K('languages')], ['en', LANG], [',', COMMA], ['hy', LANG], [',', COMMA], ['ru', LANG],
      ['currency', K('currency')], ['AMD', 'constant.other.currency.accord'],
      ['regions', K('regions')], ['Municipality', 'entity.name.type.enum.accord'],
      ['}', RBRACE],
    ],
  ));

  test('sector', () => expectTokens(
    'sector social "Social protection" [ru: "Соцзащита"]',
    [
      ['sector', DECL('sector')], ['social', 'entity.name.type.sector.accord'], ['"Social protection"', LABEL],
      ['[', LBRACKET], ['ru', LANG], [':', KV], ['"Соцзащита"', LABEL], [']', RBRACKET],
    ],
  ));

  test('enum', () => expectTokens(
    'enum Disability "Disability group" {\n  /// No disability.\n  none,\n  group_1 "Group 1" [ru: "Группа 1"]\n}',
    [
      ['enum', DECL('enum')], ['Disability', 'entity.name.type.enum.accord'], ['"Disability group"', LABEL], ['{', LBRACE],
      ['/// No disability.', DOC],
      ['none', 'variable.other.enummember.accord'], [',', COMMA],
      ['group_1', 'variable.other.enummember.accord'], ['"Group 1"', LABEL],
      ['[', LBRACKET], ['ru', LANG], [':', KV], ['"Группа 1"', LABEL], [']', RBRACKET],
      ['}', RBRACE],
    ],
  ));

  test('entity: facts, types, domains, lets, a formula by date', () => expectTokens(
    [
      'entity Person "Person" {',
      '  birth_date: Date "Date of birth"',
      '  hours: monthly Decimal in 0..744',
      '  income: monthly Money >= 0 "Income"',
      '  children: list of Person',
      '  let age "Age" = years_between(birth_date, today)',
      '  let rate { from 2016-12-01: 10%  until 2030-12-31 }',
      '}',
    ].join('\n'),
    [
      ['entity', DECL('entity')], ['Person', 'entity.name.type.entity.accord'], ['"Person"', LABEL], ['{', LBRACE],
      ['birth_date', PROP], [':', COLON], ['Date', BUILTIN_TYPE], ['"Date of birth"', LABEL],
      ['hours', PROP], [':', COLON], ['monthly', 'storage.modifier.monthly.accord'], ['Decimal', BUILTIN_TYPE],
      ['in', 'keyword.operator.in.accord'], ['0', INT], ['..', RANGE], ['744', INT],
      ['income', PROP], [':', COLON], ['monthly', 'storage.modifier.monthly.accord'], ['Money', BUILTIN_TYPE],
      ['>=', CMP], ['0', INT], ['"Income"', LABEL],
      ['children', PROP], [':', COLON], ['list', 'storage.type.list.accord'], ['of', K('of')], ['Person', TYPE],
      ['let', DECL('let')], ['age', 'entity.name.variable.let.accord'], ['"Age"', LABEL], ['=', ASSIGN],
      ['years_between', BUILTIN], ['(', LPAREN], ['birth_date', VAR], [',', COMMA],
      ['today', 'variable.language.today.accord'], [')', RPAREN],
      ['let', DECL('let')], ['rate', 'entity.name.variable.let.accord'], ['{', LBRACE],
      ['from', K('from')], ['2016-12-01', DATE], [':', COLON], ['10%', PCT],
      ['until', K('until')], ['2030-12-31', DATE], ['}', RBRACE],
      ['}', RBRACE],
    ],
  ));

  test('expressions: every operator and literal', () => expectTokens(
    [
      'entity E {',
      '  let a = if known(x) then "yes" else "no"',
      '  let b = x otherwise 0 implies not y or true',
      '  let c = z not in {p, q} and w in 1..5 and v != false',
      '  let d = grant(1, shirak) / 2 - 1.5 * s.rate + 7',
      '  let e = today - 6 months + 3 working days',
      '  let f = any members where age < 18',
      '  let g = all (members where age > 64) where x <= y',
      '  let h = all plan done',
      '}',
    ].join('\n'),
    [
      ['entity', DECL('entity')], ['E', 'entity.name.type.entity.accord'], ['{', LBRACE],
      ['let', DECL('let')], ['a', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['if', COND], ['known', BUILTIN], ['(', LPAREN], ['x', VAR], [')', RPAREN],
      ['then', COND], ['"yes"', TEXT], ['else', COND], ['"no"', TEXT],
      ['let', DECL('let')], ['b', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['x', VAR], ['otherwise', 'keyword.operator.otherwise.accord'], ['0', INT], ['implies', LOGIC],
      ['not', LOGIC], ['y', VAR], ['or', LOGIC], ['true', BOOL],
      ['let', DECL('let')], ['c', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['z', VAR], ['not', LOGIC], ['in', 'keyword.operator.in.accord'], ['{', LBRACE], ['p', VAR], [',', COMMA],
      ['q', VAR], ['}', RBRACE], ['and', LOGIC], ['w', VAR], ['in', 'keyword.operator.in.accord'], ['1', INT],
      ['..', RANGE], ['5', INT], ['and', LOGIC], ['v', VAR], ['!=', CMP], ['false', BOOL],
      ['let', DECL('let')], ['d', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['grant', 'entity.name.function.accord'], ['(', LPAREN], ['1', INT], [',', COMMA], ['shirak', VAR], [')', RPAREN],
      ['/', ARITH], ['2', INT], ['-', ARITH], ['1.5', DEC], ['*', ARITH], ['s', VAR], ['.', 'punctuation.accessor.accord'],
      ['rate', PROP], ['+', ARITH], ['7', INT],
      ['let', DECL('let')], ['e', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['today', 'variable.language.today.accord'], ['-', ARITH], ['6 months', DUR], ['+', ARITH], ['3 working days', DUR],
      ['let', DECL('let')], ['f', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['any', 'keyword.operator.quantifier.accord'], ['members', VAR], ['where', 'keyword.operator.where.accord'],
      ['age', VAR], ['<', CMP], ['18', INT],
      ['let', DECL('let')], ['g', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['all', 'keyword.operator.quantifier.accord'], ['(', LPAREN], ['members', VAR], ['where', 'keyword.operator.where.accord'],
      ['age', VAR], ['>', CMP], ['64', INT], [')', RPAREN], ['where', 'keyword.operator.where.accord'],
      ['x', VAR], ['<=', CMP], ['y', VAR],
      ['let', DECL('let')], ['h', 'entity.name.variable.let.accord'], ['=', ASSIGN],
      ['all', 'keyword.operator.quantifier.accord'], ['plan', VAR], ['done', K('done')],
      ['}', RBRACE],
    ],
  ));

  test('parameter', () => expectTokens(
    [
      'parameter base: Money "Base amount" {',
      '  source "Decision 145-N"',
      '  from 2020-01-01: 18_000',
      '  from 2024-07-01: 7_500.50 source "Decision 7"',
      '  until 2026-12-31',
      '}',
    ].join('\n'),
    [
      ['parameter', DECL('parameter')], ['base', 'entity.name.constant.parameter.accord'], [':', COLON],
      ['Money', BUILTIN_TYPE], ['"Base amount"', LABEL], ['{', LBRACE],
      ['source', K('source')], ['"Decision 145-N"', LABEL],
      ['from', K('from')], ['2020-01-01', DATE], [':', COLON], ['18_000', INT],
      ['from', K('from')], ['2024-07-01', DATE], [':', COLON], ['7_500.50', DEC], ['source', K('source')], ['"Decision 7"', LABEL],
      ['until', K('until')], ['2026-12-31', DATE],
      ['}', RBRACE],
    ],
  ));

  test('table: parameters, hit policy, header, cells, versions, `for each … above`', () => expectTokens(
    [
      'table grant(order: Integer, region: Region) -> Money "Grant" hit collect sum {',
      '  order | region | result',
      '  from 2025-01-01: source "Decision 3"',
      '  <= 2  | *                | 300_000',
      '  3..4  | {shirak, tavush} | -1_000.5',
      '  != 5  | yerevan          | 12%  // a comment',
      '  >= 6  | "text"           | 2 weeks',
      '  until 2026-01-01',
      '  for each order above 8: 583',
      '}',
    ].join('\n'),
    [
      ['table', DECL('table')], ['grant', 'entity.name.function.table.accord'], ['(', LPAREN],
      ['order', 'variable.parameter.accord'], [':', COLON], ['Integer', BUILTIN_TYPE], [',', COMMA],
      ['region', 'variable.parameter.accord'], [':', COLON], ['Region', TYPE], [')', RPAREN],
      ['->', 'keyword.operator.arrow.accord'], ['Money', BUILTIN_TYPE], ['"Grant"', LABEL],
      ['hit', K('hit')], ['collect', 'constant.language.hit-policy.accord'], ['sum', 'constant.language.hit-policy.accord'],
      ['{', LBRACE],
      ['order', 'variable.parameter.column.accord'], ['|', CELL], ['region', 'variable.parameter.column.accord'], ['|', CELL],
      ['result', 'variable.parameter.column.accord'],
      ['from', K('from')], ['2025-01-01', DATE], [':', COLON], ['source', K('source')], ['"Decision 3"', TEXT],
      ['<=', CMP], ['2', INT], ['|', CELL], ['*', 'keyword.operator.wildcard.accord'], ['|', CELL], ['300_000', INT],
      ['3', INT], ['..', RANGE], ['4', INT], ['|', CELL], ['{', LBRACE], ['shirak', VAR], [',', COMMA], ['tavush', VAR],
      ['}', RBRACE], ['|', CELL], ['-1_000.5', DEC],
      ['!=', CMP], ['5', INT], ['|', CELL], ['yerevan', VAR], ['|', CELL], ['12%', PCT], ['// a comment', LINE_COMMENT],
      ['>=', CMP], ['6', INT], ['|', CELL], ['"text"', TEXT], ['|', CELL], ['2 weeks', DUR],
      ['until', K('until')], ['2026-01-01', DATE],
      ['for', FOR], ['each', 'keyword.control.each.accord'], ['order', 'variable.parameter.column.accord'],
      ['above', K('above')], ['8', INT], [':', COLON], ['583', INT],
      ['}', RBRACE],
    ],
  ));

  test('table: digit groups with commas are an error (E0001)', async () => {
    const lines = await tokenize('table t(x: Integer) -> Money {\n  x | result\n  1 | 1,632\n}');
    const cell = lines[2].find((t) => t.text === '1,632');
    assert.ok(cell && innermost(cell) === 'invalid.illegal.grouped-number.accord');
  });

  test('scale', () => expectTokens(
    [
      'scale contribution "Contribution" marginal {',
      '  from 2013-01-01: source "taxes"',
      '    0      | 3%',
      '    12_000 | 10.5%',
      '  until 2020-12-31',
      '}',
      'scale allowance single {',
      '  0 | 300',
      '}',
    ].join('\n'),
    [
      ['scale', DECL('scale')], ['contribution', 'entity.name.function.scale.accord'], ['"Contribution"', LABEL],
      ['marginal', 'storage.modifier.scale.accord'], ['{', LBRACE],
      ['from', K('from')], ['2013-01-01', DATE], [':', COLON], ['source', K('source')], ['"taxes"', LABEL],
      ['0', INT], ['|', CELL], ['3%', PCT],
      ['12_000', INT], ['|', CELL], ['10.5%', PCT],
      ['until', K('until')], ['2020-12-31', DATE],
      ['}', RBRACE],
      ['scale', DECL('scale')], ['allowance', 'entity.name.function.scale.accord'], ['single', 'storage.modifier.scale.accord'],
      ['{', LBRACE], ['0', INT], ['|', CELL], ['300', INT], ['}', RBRACE],
    ],
  ));

  test('program', () => expectTokens(
    [
      'program family_benefit "Family benefit" [ru: "Семейное пособие"] {',
      '  for Household',
      '  sector social',
      '  legal "Law on State Benefits"',
      '  eligible when score >= threshold and count(children) >= 3 legal "Point 12"',
      '  unless eligible(other) or amount(other) > 0',
      '  amount = base + supplement * count(children)',
      '  apply "Territorial centre"',
      '  documents "Passport", "Birth certificates" [ru: "Свидетельства"]',
      '}',
      'program p { for Person  eligible when { from 2020-01-01: true }  amount { from 2020-01-01: 5 } }',
    ].join('\n'),
    [
      ['program', DECL('program')], ['family_benefit', 'entity.name.function.program.accord'], ['"Family benefit"', LABEL],
      ['[', LBRACKET], ['ru', LANG], [':', KV], ['"Семейное пособие"', LABEL], [']', RBRACKET], ['{', LBRACE],
      ['for', FOR], ['Household', TYPE],
      ['sector', K('sector')], ['social', 'entity.name.type.sector.accord'],
      ['legal', K('legal')], ['"Law on State Benefits"', LABEL],
      ['eligible', K('eligible')], ['when', WHEN], ['score', VAR], ['>=', CMP], ['threshold', VAR], ['and', LOGIC],
      ['count', BUILTIN], ['(', LPAREN], ['children', VAR], [')', RPAREN], ['>=', CMP], ['3', INT],
      ['legal', K('legal')], ['"Point 12"', LABEL],
      ['unless', 'keyword.control.unless.accord'], ['eligible', BUILTIN], ['(', LPAREN], ['other', VAR], [')', RPAREN],
      ['or', LOGIC], ['amount', BUILTIN], ['(', LPAREN], ['other', VAR], [')', RPAREN], ['>', CMP], ['0', INT],
      ['amount', K('amount')], ['=', ASSIGN], ['base', VAR], ['+', ARITH], ['supplement', VAR], ['*', ARITH],
      ['count', BUILTIN], ['(', LPAREN], ['children', VAR], [')', RPAREN],
      ['apply', K('apply')], ['"Territorial centre"', LABEL],
      ['documents', K('documents')], ['"Passport"', LABEL], [',', COMMA], ['"Birth certificates"', LABEL],
      ['[', LBRACKET], ['ru', LANG], [':', KV], ['"Свидетельства"', LABEL], [']', RBRACKET],
      ['}', RBRACE],
      ['program', DECL('program')], ['p', 'entity.name.function.program.accord'], ['{', LBRACE],
      ['for', FOR], ['Person', TYPE], ['eligible', K('eligible')], ['when', WHEN],
      ['{', LBRACE], ['from', K('from')], ['2020-01-01', DATE], [':', COLON], ['true', BOOL], ['}', RBRACE],
      ['amount', K('amount')], ['{', LBRACE], ['from', K('from')], ['2020-01-01', DATE], [':', COLON], ['5', INT], ['}', RBRACE],
      ['}', RBRACE],
    ],
  ));

  test('assessment: sections, question kinds, scores, needs, risk', () => expectTokens(
    [
      'assessment wellbeing "Well-being" {',
      '  for Person',
      '  section health "Health" {',
      '    /// Asked first.',
      '    question concern "Concern": scale 0..3 ["none", "mild" [ru: "лёгкая"]]',
      '    question delay "Delay": Boolean points 2 else -1',
      '    question group "Group": choice {',
      '      none "None"',
      '      first "Group I" points 3,',
      '    }',
      '    question kind: choices { a, b points -2 }',
      '    question rooms "Rooms": Integer 0..10',
      '  }',
      '  score total "Total" = points(health) + 1',
      '  need therapy "Therapy" when delay',
      '  risk high "High" when total >= 8',
      '  risk low otherwise',
      '}',
    ].join('\n'),
    [
      ['assessment', DECL('assessment')], ['wellbeing', 'entity.name.type.assessment.accord'], ['"Well-being"', LABEL], ['{', LBRACE],
      ['for', FOR], ['Person', TYPE],
      ['section', DECL('section')], ['health', 'entity.name.variable.section.accord'], ['"Health"', LABEL], ['{', LBRACE],
      ['/// Asked first.', DOC],
      ['question', DECL('question')], ['concern', 'entity.name.variable.question.accord'], ['"Concern"', LABEL], [':', COLON],
      ['scale', K('scale')], ['0', INT], ['..', RANGE], ['3', INT],
      ['[', LBRACKET], ['"none"', LABEL], [',', COMMA], ['"mild"', LABEL],
      ['[', LBRACKET], ['ru', LANG], [':', KV], ['"лёгкая"', LABEL], [']', RBRACKET], [']', RBRACKET],
      ['question', DECL('question')], ['delay', 'entity.name.variable.question.accord'], ['"Delay"', LABEL], [':', COLON],
      ['Boolean', BUILTIN_TYPE], ['points', K('points')], ['2', INT], ['else', COND], ['-1', INT],
      ['question', DECL('question')], ['group', 'entity.name.variable.question.accord'], ['"Group"', LABEL], [':', COLON],
      ['choice', K('choice')], ['{', LBRACE],
      ['none', 'variable.other.enummember.accord'], ['"None"', LABEL],
      ['first', 'variable.other.enummember.accord'], ['"Group I"', LABEL], ['points', K('points')], ['3', INT], [',', COMMA],
      ['}', RBRACE],
      ['question', DECL('question')], ['kind', 'entity.name.variable.question.accord'], [':', COLON],
      ['choices', K('choice')], ['{', LBRACE], ['a', 'variable.other.enummember.accord'], [',', COMMA],
      ['b', 'variable.other.enummember.accord'], ['points', K('points')], ['-2', INT], ['}', RBRACE],
      ['question', DECL('question')], ['rooms', 'entity.name.variable.question.accord'], ['"Rooms"', LABEL], [':', COLON],
      ['Integer', BUILTIN_TYPE], ['0', INT], ['..', RANGE], ['10', INT],
      ['}', RBRACE],
      ['score', DECL('score')], ['total', 'entity.name.variable.score.accord'], ['"Total"', LABEL], ['=', ASSIGN],
      ['points', BUILTIN], ['(', LPAREN], ['health', VAR], [')', RPAREN], ['+', ARITH], ['1', INT],
      ['need', DECL('need')], ['therapy', 'entity.name.variable.need.accord'], ['"Therapy"', LABEL], ['when', WHEN], ['delay', VAR],
      ['risk', DECL('risk')], ['high', 'variable.other.enummember.accord'], ['"High"', LABEL], ['when', WHEN],
      ['total', VAR], ['>=', CMP], ['8', INT],
      ['risk', DECL('risk')], ['low', 'variable.other.enummember.accord'], ['otherwise', 'keyword.control.otherwise.accord'],
      ['}', RBRACE],
    ],
  ));

  test('service', () => expectTokens(
    'service therapy "Therapy" { sector health  meets therapy, counselling }',
    [
      ['service', DECL('service')], ['therapy', 'entity.name.type.service.accord'], ['"Therapy"', LABEL], ['{', LBRACE],
      ['sector', K('sector')], ['health', 'entity.name.type.sector.accord'],
      ['meets', K('meets')], ['therapy', 'variable.other.need.accord'], [',', COMMA], ['counselling', 'variable.other.need.accord'],
      ['}', RBRACE],
    ],
  ));

  test('calendar', () => expectTokens(
    [
      'calendar armenia "Working days" extends base {',
      '  weekend saturday, sunday',
      '  holiday 2025-01-03, every 01-01, 01-02, easter western + 1 day or next working day',
      '  holiday easter orthodox - 2 days',
      '  working 2025-03-01, 2025-03-02',
      '}',
    ].join('\n'),
    [
      ['calendar', DECL('calendar')], ['armenia', 'entity.name.type.calendar.accord'], ['"Working days"', LABEL],
      ['extends', K('extends')], ['base', 'entity.name.type.calendar.accord'], ['{', LBRACE],
      ['weekend', K('weekend')], ['saturday', 'support.constant.weekday.accord'], [',', COMMA], ['sunday', 'support.constant.weekday.accord'],
      ['holiday', K('holiday')], ['2025-01-03', DATE], [',', COMMA], ['every', K('every')],
      ['01-01', 'constant.other.date.month-day.accord'], [',', COMMA], ['01-02', 'constant.other.date.month-day.accord'], [',', COMMA],
      ['easter', K('easter')], ['western', 'support.constant.computus.accord'], ['+', ARITH], ['1 day', DUR],
      ['or', LOGIC], ['next', K('next')], ['working', K('working')], ['day', K('day')],
      ['holiday', K('holiday')], ['easter', K('easter')], ['orthodox', 'support.constant.computus.accord'], ['-', ARITH], ['2 days', DUR],
      ['working', K('working')], ['2025-03-01', DATE], [',', COMMA], ['2025-03-02', DATE],
      ['}', RBRACE],
    ],
  ));

  test('protocol: items, agencies, roles, steps and step items', () => expectTokens(
    [
      'protocol case "Case" {',
      '  version 2 from 2026-01-01',
      '  for Child',
      '  calendar armenia',
      '  legal "Child Protection Act"',
      '  agency school "School" {',
      '    coordinator "Coordinator"',
      '  }',
      '  roles {',
      '    worker "Social worker" at social_services',
      '    client "Client" is client',
      '    staff is provider',
      '  }',
      '  start when age < 18',
      '  step notify "Notify" {',
      '    by coordinator',
      '    after intake, triage',
      '    within 3 working days from opened',
      '    every 30 days',
      '    contact "Phone the family"',
      '    assessment wellbeing',
      '    requires consent',
      '    requires intake',
      '    for each need of assess where need != transport',
      '    when risk(assess) = high',
      '    legal "Act § 27"',
      '    escalate to head when overdue by 5 working days',
      '    rates providers',
      '    closes',
      '    back to plan when not ok',
      '  }',
      '  escalate to head when overdue by 1 week',
      '  share wellbeing with worker, staff requires consent',
      '  consent for referral to ngo, private',
      '  region home_region',
      '  referrals elsewhere refused, full flagged',
      '}',
    ].join('\n'),
    [
      ['protocol', DECL('protocol')], ['case', 'entity.name.type.protocol.accord'], ['"Case"', LABEL], ['{', LBRACE],
      ['version', K('version')], ['2', INT], ['from', K('from')], ['2026-01-01', DATE],
      ['for', FOR], ['Child', TYPE],
      ['calendar', K('calendar')], ['armenia', 'entity.name.type.calendar.accord'],
      ['legal', K('legal')], ['"Child Protection Act"', LABEL],
      ['agency', DECL('agency')], ['school', 'entity.name.type.agency.accord'], ['"School"', LABEL], ['{', LBRACE],
      ['coordinator', 'entity.name.variable.role.accord'], ['"Coordinator"', LABEL], ['}', RBRACE],
      ['roles', DECL('roles')], ['{', LBRACE],
      ['worker', 'entity.name.variable.role.accord'], ['"Social worker"', LABEL], ['at', K('at')], ['social_services', 'entity.name.type.agency.accord'],
      ['client', 'entity.name.variable.role.accord'], ['"Client"', LABEL], ['is', K('is')], ['client', 'constant.language.role-kind.accord'],
      ['staff', 'entity.name.variable.role.accord'], ['is', K('is')], ['provider', 'constant.language.role-kind.accord'],
      ['}', RBRACE],
      ['start', K('start')], ['when', WHEN], ['age', VAR], ['<', CMP], ['18', INT],
      ['step', DECL('step')], ['notify', 'entity.name.function.step.accord'], ['"Notify"', LABEL], ['{', LBRACE],
      ['by', K('by')], ['coordinator', 'variable.other.role.accord'],
      ['after', K('after')], ['intake', VAR], [',', COMMA], ['triage', VAR],
      ['within', K('within')], ['3 working days', DUR], ['from', K('from')], ['opened', 'variable.other.step.accord'],
      ['every', K('every')], ['30 days', DUR],
      ['contact', K('contact')], ['"Phone the family"', LABEL],
      ['assessment', K('assessment')], ['wellbeing', 'entity.name.type.assessment.accord'],
      ['requires', K('requires')], ['consent', K('consent')],
      ['requires', K('requires')], ['intake', 'variable.other.step.accord'],
      ['for', FOR], ['each', 'keyword.control.each.accord'], ['need', K('need')], ['of', K('of')], ['assess', 'variable.other.step.accord'],
      ['where', 'keyword.operator.where.accord'], ['need', VAR], ['!=', CMP], ['transport', VAR],
      ['when', WHEN], ['risk', BUILTIN], ['(', LPAREN], ['assess', VAR], [')', RPAREN], ['=', CMP], ['high', VAR],
      ['legal', K('legal')], ['"Act § 27"', LABEL],
      ['escalate', K('escalate')], ['to', K('to')], ['head', 'variable.other.role.accord'],
      ['when', WHEN], ['overdue', K('overdue')], ['by', K('by')], ['5 working days', DUR],
      ['rates', K('rates')], ['providers', K('providers')],
      ['closes', K('closes')],
      ['back', K('back')], ['to', K('to')], ['plan', 'variable.other.step.accord'], ['when', WHEN], ['not', LOGIC], ['ok', VAR],
      ['}', RBRACE],
      ['escalate', K('escalate')], ['to', K('to')], ['head', 'variable.other.role.accord'],
      ['when', WHEN], ['overdue', K('overdue')], ['by', K('by')], ['1 week', DUR],
      ['share', K('share')], ['wellbeing', 'entity.name.type.assessment.accord'], ['with', K('with')],
      ['worker', VAR], [',', COMMA], ['staff', VAR], ['requires', K('requires')], ['consent', K('consent')],
      ['consent', K('consent')], ['for', FOR], ['referral', K('referral')], ['to', K('to')], ['ngo', VAR], [',', COMMA], ['private', VAR],
      ['region', K('region')], ['home_region', PROP],
      ['referrals', K('referrals')], ['elsewhere', K('elsewhere')], ['refused', K('refused')], [',', COMMA],
      ['full', K('full')], ['flagged', K('flagged')],
      ['}', RBRACE],
    ],
  ));

  test('test: as of, given values of every kind, expectations', () => expectTokens(
    [
      'test "Poor family" [ru: "Бедная семья"] {',
      '  as of 2025-03-01',
      '  given Household {',
      '    region: shirak',
      '    score: -27.5',
      '    rent: monthly { 2025-12: 40_000, 2026-01: unknown }',
      '    members: [ { birth_date: 1990-05-01, name: "Anna", active: true }, { wait: 3 days, share: 12% } ]',
      '  }',
      '  expect family_benefit eligible',
      '  expect family_benefit amount -40_500',
      '  expect pension for members[0] ineligible',
      '  expect other undetermined',
      '  expect members[0].age = 34',
      '  expect income = unknown',
      '}',
    ].join('\n'),
    [
      ['test', DECL('test')], ['"Poor family"', LABEL], ['[', LBRACKET], ['ru', LANG], [':', KV], ['"Бедная семья"', LABEL],
      [']', RBRACKET], ['{', LBRACE],
      ['as', K('as')], ['of', K('of')], ['2025-03-01', DATE],
      ['given', K('given')], ['Household', TYPE], ['{', LBRACE],
      ['region', PROP], [':', COLON], ['shirak', VAR],
      ['score', PROP], [':', COLON], ['-27.5', DEC],
      ['rent', PROP], [':', COLON], ['monthly', 'storage.modifier.monthly.accord'], ['{', LBRACE],
      ['2025-12', 'constant.other.date.month.accord'], [':', COLON], ['40_000', INT], [',', COMMA],
      ['2026-01', 'constant.other.date.month.accord'], [':', COLON], ['unknown', UNKNOWN], ['}', RBRACE],
      ['members', PROP], [':', COLON], ['[', LBRACKET],
      ['{', LBRACE], ['birth_date', PROP], [':', COLON], ['1990-05-01', DATE], [',', COMMA],
      ['name', PROP], [':', COLON], ['"Anna"', TEXT], [',', COMMA], ['active', PROP], [':', COLON], ['true', BOOL], ['}', RBRACE],
      [',', COMMA], ['{', LBRACE], ['wait', PROP], [':', COLON], ['3 days', DUR], [',', COMMA],
      ['share', PROP], [':', COLON], ['12%', PCT], ['}', RBRACE], [']', RBRACKET],
      ['}', RBRACE],
      ['expect', K('expect')], ['family_benefit', VAR], ['eligible', 'constant.language.outcome.accord'],
      ['expect', K('expect')], ['family_benefit', VAR], ['amount', K('amount')], ['-40_500', INT],
      ['expect', K('expect')], ['pension', VAR], ['for', FOR], ['members', VAR], ['[', LBRACKET], ['0', INT], [']', RBRACKET],
      ['ineligible', 'constant.language.outcome.accord'],
      ['expect', K('expect')], ['other', VAR], ['undetermined', 'constant.language.outcome.accord'],
      ['expect', K('expect')], ['members', VAR], ['[', LBRACKET], ['0', INT], [']', RBRACKET],
      ['.', 'punctuation.accessor.accord'], ['age', PROP], ['=', CMP], ['34', INT],
      ['expect', K('expect')], ['income', VAR], ['=', CMP], ['unknown', UNKNOWN],
      ['}', RBRACE],
    ],
  ));

  test('a declaration left without its body does not swallow the next one', () => expectTokens(
    'program broken "Broken"\nsector social',
    [
      ['program', DECL('program')], ['broken', 'entity.name.function.program.accord'], ['"Broken"', LABEL],
      ['sector', DECL('sector')], ['social', 'entity.name.type.sector.accord'],
    ],
  ));
});
