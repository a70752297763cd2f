// A small program against the package's types; `tsc --noEmit` (strict) checks it.
import init, {
  AccordError,
  Ruleset,
  check,
  format,
  type AssessReport,
  type CaseloadReport,
  type CaseState,
  type ErrorKind,
  type Facts,
  type NeedsMap,
  type NextQuestion,
  type ProtocolGraph,
  type ProvidersReport,
  type ScreenLine,
  type ScreenReport,
  type ScreenResult,
  type TestReport,
} from 'accord-engine';

export async function screenOne(files: { name: string; text: string }[]): Promise<string[]> {
  await init();
  const ruleset = Ruleset.load(files, { catalogue: { providers: [] } });
  let facts: Facts = { region: 'shirak', members: [] };
  const next: NextQuestion | undefined = ruleset.nextQuestions(facts, '2025-03-01', 'hy').next_questions[0];
  const option = next?.options?.[0];
  if (next && option) facts = ruleset.answer(facts, next.path, option.value);
  // A Boolean's options are JSON booleans; the type is the engine's own string.
  if (next?.type === 'Boolean') {
    const value: boolean | string | undefined = next.options?.[0]?.value;
    if (typeof value === 'boolean') facts = ruleset.answer(facts, next.path, value);
  }
  const report: ScreenReport = ruleset.screen(facts, '2025-03-01', 'en');
  const text: string = ruleset.screenText(JSON.stringify(facts), '2025-03-01');
  const eligible: ScreenResult[] = report.results.filter((r) => r.status === 'eligible');
  const lines: string[] = eligible.map((r) => {
    const apply: string | null = r.explanation?.apply ?? null;
    const amount: number = r.amount === null ? 0 : Number(r.amount);
    return `${r.label}: ${amount} (${apply ?? '—'}) ${r.explanation?.documents.join(', ') ?? ''}`;
  });
  const registry: ScreenLine[] = ruleset.screenJsonl([facts, facts], '2025-03-01', { explain: false });
  for (const l of registry) if ('error' in l) lines.push(l.error);
  else lines.push(String(l.results.length));
  const assessed: AssessReport = ruleset.assess({ attends_school: true }, { lang: 'ru' });
  const state: CaseState = ruleset.caseState([{ type: 'opened', at: '2025-01-10' }], '2025-02-01', { role: 'teacher' });
  const graph: ProtocolGraph = ruleset.graph({ version: 1 });
  const dot: string = ruleset.graphText('dot');
  lines.push(assessed.risk ?? 'open', state.status, graph.steps[0]?.name ?? '', dot, text);
  const load: CaseloadReport = ruleset.caseload({ a: [{ type: 'opened', at: '2025-01-10' }] }, '2025-02-01', { role: 'teacher', lang: 'ru' });
  const map: NeedsMap = ruleset.needsMap([{ region: 'shirak', needs: ['speech_therapy'] }]);
  const byNeed: ProvidersReport[] = ruleset.providersForResult(assessed, { region: 'shirak' });
  lines.push(String(load.monitoring.open), String(map.rows[0]?.gap ?? 0), byNeed[0]?.need ?? '');
  lines.push(String(check(files).diagnostics.length), format('a.accord', files[0]?.text ?? ''));
  const reformed: Ruleset = ruleset.reform([{ name: 'reform.accord', text: '' }], [
    { name: 'family_benefit_threshold', value: 27, from: '2026-01-01' },
  ]);
  const reformTests: TestReport = reformed.runTests();
  lines.push(String(reformTests.tests.length), reformed.screenText(facts, '2026-03-01'));
  reformed.free();
  try {
    ruleset.screen('{', 'not a date');
  } catch (e) {
    if (e instanceof AccordError) {
      const kind: ErrorKind = e.kind;
      lines.push(kind, e.code, e.problems[0]?.path ?? '', e.json);
    }
  }
  ruleset.free();
  return lines;
}
