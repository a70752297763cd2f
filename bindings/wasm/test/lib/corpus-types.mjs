// Writes target/types/corpus.ts: every expected output of the conformance
// corpus as a literal of the type index.d.ts gives the call, so that `tsc`
// (excess and missing property checks) holds the types to the real outputs.
import fs from 'node:fs';
import path from 'node:path';
import { caseDirs, expected, readCase } from './corpus.mjs';

const typeOf = {
  load: 'RulesetInfo', warnings: 'CheckReport', check: 'CheckReport', screen: 'ScreenReport',
  next_questions: 'NextQuestions', explain: 'ScreenReport', screen_jsonl: 'ScreenLine[]', answer: 'Facts',
  schema: 'JsonSchema', assessment_form: 'AssessmentForm', assess: 'AssessReport', providers: 'ProvidersReport',
  case_state: 'CaseState', merge: 'MergeResult', graph: 'ProtocolGraph', run_tests: 'TestReport',
  needs_map: 'NeedsMap', providers_for_result: 'ProvidersReport[]', caseload: 'CaseloadReport',
  case_view: 'CaseState', compare: 'CompareReport',
};
const out = [`import type * as A from 'accord-engine';`, ''];
const counts = {};
let n = 0;
for (const dir of caseDirs()) {
  const c = readCase(dir);
  const want = expected(dir);
  if (!want) continue;
  const text = want.bytes.toString('utf8');
  let type, value;
  if (!want.ok) [type, value] = ['ErrorJson', text];
  else if (c.call === 'graph' && c.args.format !== 'json') continue;
  else if (c.call === 'format' || c.call === 'case_add') continue;
  else if (c.call === 'screen_jsonl') [type, value] = [typeOf[c.call], `[${text.split('\n').filter(Boolean).join(',\n')}]`];
  else [type, value] = [typeOf[c.call], text];
  if (!type) throw new Error(`${dir}: no type for ${c.call}`);
  JSON.parse(value);
  out.push(`// ${path.basename(dir)}`, `export const c${n++}: A.${type.replace('[]', '')}${type.endsWith('[]') ? '[]' : ''} = ${value};`, '');
  counts[type] = (counts[type] ?? 0) + 1;
}
const file = new URL('../../target/types/corpus.ts', import.meta.url);
fs.mkdirSync(new URL('.', file), { recursive: true });
fs.writeFileSync(file, out.join('\n'));
console.log(`corpus.ts: ${n} outputs typed`, JSON.stringify(counts));
