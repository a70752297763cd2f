// Loads syntaxes/accord.tmLanguage.json with vscode-textmate and the Oniguruma
// WebAssembly build VS Code itself uses, and tokenises text line by line.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

export const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = join(extensionDir, '..', '..');
export const grammarPath = join(extensionDir, 'syntaxes', 'accord.tmLanguage.json');

let grammarPromise;

/** The Accord grammar, loaded once. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = await readFile(join(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
        createOnigString: (text) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== 'source.accord') return null;
        const text = await readFile(grammarPath, 'utf8');
        return vsctm.parseRawGrammar(text, grammarPath);
      },
    });
    const grammar = await registry.loadGrammar('source.accord');
    if (!grammar) throw new Error('source.accord did not load');
    return grammar;
  })();
  return grammarPromise;
}

/**
 * Tokenises `text`: one array per line of `{ text, scopes, line, column }`, where
 * `scopes` runs from `source.accord` to the innermost scope.
 */
export async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  return lines.map((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state, 10_000);
    if (result.stoppedEarly) throw new Error(`tokenising stopped early on line ${line + 1}`);
    state = result.ruleStack;
    return result.tokens.map((t, i) => {
      const end = i + 1 < result.tokens.length ? result.tokens[i + 1].startIndex : lineText.length;
      return { text: lineText.slice(t.startIndex, end), scopes: t.scopes, line: line + 1, column: t.startIndex + 1 };
    }).filter((t) => t.text.length > 0);
  });
}
