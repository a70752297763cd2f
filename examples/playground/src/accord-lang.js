// Accord highlighting: a StreamLanguage tokenizer. The keywords are the
// grammar's kw_* rules (grammar/src/grammar.pest), put in by build.mjs.
import { StreamLanguage } from '@codemirror/language';

/* global ACCORD_KEYWORDS */
const KEYWORDS = new Set([...ACCORD_KEYWORDS, 'and', 'or', 'implies']);
const ATOMS = new Set(['true', 'false', 'today']);

export const accord = StreamLanguage.define({
  name: 'accord',
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match('///')) { stream.skipToEnd(); return 'docString'; }
    if (stream.match('//')) { stream.skipToEnd(); return 'comment'; }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\d{4}-\d{2}-\d{2}\b/)) return 'atom';
    if (stream.match(/^\d[\d_]*(?:\.\d+)?%?/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const w = stream.current();
      if (KEYWORDS.has(w)) return 'keyword';
      if (ATOMS.has(w)) return 'atom';
      if (/^[A-Z]/.test(w)) return 'typeName';
      return 'variableName';
    }
    if (stream.match(/^(>=|<=|!=|->|\.\.|[=<>+\-*\/])/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//' } },
});
