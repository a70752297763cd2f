// Types of accord-engine. Field names and nullability follow the engine's
// `Serialize` structs (core/src/eval/report.rs, eval/assess.rs,
// eval/catalogue.rs, eval/testrun.rs, case/state.rs, case/graph.rs,
// facade/*.rs); bindings/wasm/test checks every output of the conformance
// corpus against them with `tsc --strict`.

// ---------------------------------------------------------------- loading

/** Loads the WebAssembly module once (browsers: fetched next to the package's JS; Node: read from disk). */
export function init(input?: InitInput): Promise<void>;
/** `init` from bytes or a compiled module (Node: reads the package's file when none is given). */
export function initSync(input?: BufferSource | WebAssembly.Module): void;
export default init;
/** Whether `init()` has finished. */
export function isReady(): boolean;
/** The engine's version. */
export function version(): string;

export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** One `.accord` file; `name` appears in diagnostics. */
export interface SourceFile {
  name: string;
  text: string;
}

/** A ruleset's files: a list, or an object from file names to texts. */
export type SourceFiles = readonly SourceFile[] | Readonly<Record<string, string>>;

export interface LoadOptions {
  /** The root entity of facts documents, when the ruleset has several candidates. */
  entity?: string | null;
  /** A provider catalogue (JSON text or the parsed object). */
  catalogue?: string | JsonObject | null;
  /** Satisfaction ratings (JSON text or the parsed object); needs a catalogue. */
  ratings?: string | JsonValue | null;
}

// ---------------------------------------------------------------- JSON

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A facts document: the root entity's fields (lists of sub-entities as arrays). `null` is unknown. */
export type Facts = JsonObject;
/** A JSON document argument: the text (passed as is) or a value (stringified). */
export type Document<T = JsonValue> = string | T;
/** An ISO date, `YYYY-MM-DD`. */
export type DateString = string;
/** A language code the ruleset declares (`en`, `hy`, `ru`, ...). */
export type Lang = string;
/** An event of a case log (JSON object; see docs/language.md for the event types). */
export type CaseEvent = JsonObject & { type: string; at: DateString };
/** An event log: JSON-lines text, or the events (objects or JSON lines). */
export type EventLog = string | readonly (CaseEvent | string)[];

// ---------------------------------------------------------------- errors

export type ErrorKind = 'ruleset' | 'input' | 'case' | 'request';
export type Severity = 'error' | 'warning';

/** One problem, located where it is. */
export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  help: string | null;
  /** The ruleset file, for diagnostics. */
  file?: string;
  /** 1-based: the line in the file, or the event's line in the log. */
  line?: number;
  column?: number;
  end_line?: number;
  end_column?: number;
  /** Where in a JSON document: `members[1].birth_date` (`""`: the whole). */
  path?: string;
}

/** The facade's error as JSON (`Error::to_json`). */
export interface ErrorJson {
  kind: ErrorKind;
  message: string;
  problems: Problem[];
}

/** What the engine throws when it refuses a call. */
export class AccordError extends Error {
  constructor(json: string, parsed?: ErrorJson);
  readonly name: 'AccordError';
  readonly kind: ErrorKind;
  /** The first problem's code (`""` when there is none). */
  readonly code: string;
  readonly problems: Problem[];
  /** The exact JSON text the engine gave. */
  readonly json: string;
  toJSON(): ErrorJson;
}

// ---------------------------------------------------------------- check

export interface LocatedRelated {
  message: string;
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  help: string | null;
  end_line: number;
  end_column: number;
  /** Left out when empty. */
  related?: LocatedRelated[];
}

/** `accord check --format json`. */
export interface CheckReport {
  diagnostics: Diagnostic[];
}

/** What a ruleset holds. */
export interface RulesetInfo {
  languages: Lang[];
  programs: string[];
  assessments: string[];
  protocols: string[];
  /** How many warnings the checker gave. */
  warnings: number;
}

// ---------------------------------------------------------------- screening

export type Status = 'eligible' | 'ineligible' | 'undetermined';

export interface UsedValue {
  /** `fact`, `derived`, `parameter`, `table`, `scale` or `program`. */
  kind: 'fact' | 'derived' | 'parameter' | 'table' | 'scale' | 'program';
  name: string;
  label: string;
  /** A fact's path, a programme's subject. */
  path?: string;
  /** Null when unknown. */
  value: string | null;
  /** A parameter's version, or a dated table's or scale's: in force since. */
  since?: string;
  /** The source of that version (or of the parameter). */
  source?: string;
  /** A table's matching row, counting from 1 (within the version in force for a dated table; null: no row matched). */
  row?: number | null;
  /** A table's `for each COLUMN above N: ADD` line, applied: the value is the result at `above` plus `add` × `count`. */
  each?: { column: string; above: number; add: string | null; count: number };
  /** How a derived value was computed (`explain` only, 3 levels deep, at most 32
   * per explanation): its formula (for one in versions by date, the version in
   * force and its date) and the values that read. */
  computed?: Computed;
  /** A scale applied: its base and the slices used (a marginal scale's slices the base reached, lowest first; a single scale's one bracket). */
  scale?: ScaleUsed;
}

export interface Computed {
  rule: string;
  values: UsedValue[];
  /** How many more values the formula read than `values` lists. */
  omitted?: number;
}

/** A scale as an explanation shows it. Numbers are decimal strings. */
export interface ScaleUsed {
  kind: 'marginal' | 'single';
  base: string | null;
  slices: SliceUsed[];
}

/** A bracket from `from` (inclusive) up to `to` (null: the top bracket); a marginal slice has its `rate` (`12%`), the `part` of the base in it and `amount` = rate × part; a single scale's bracket has its `amount`. */
export interface SliceUsed {
  from: string;
  to: string | null;
  rate?: string;
  part?: string;
  amount: string;
}

export interface ExplainedClause {
  kind: 'eligible' | 'unless' | 'amount';
  /** The rule as written. */
  rule: string;
  /** true / false / null (unknown); for an amount, null. */
  result: boolean | null;
  /** For an amount, its value. */
  value: string | null;
  /** Whether this clause decided the status. */
  decisive: boolean;
  legal: string | null;
  values: UsedValue[];
  /** How many more values the clause read than `values` lists (left out when 0). */
  omitted?: number;
}

export interface Explanation {
  /** One sentence: the status and why. */
  summary: string;
  /** The programme's legal basis. */
  legal: string[];
  clauses: ExplainedClause[];
  amount: ExplainedClause | null;
  /** Where to apply. */
  apply: string | null;
  /** Documents to bring. */
  documents: string[];
  /** What `known(…)` and `… otherwise …` presumed. */
  presumed: string[];
  /** Evaluation errors (division by zero, a parameter not in force, …). */
  errors: string[];
  /**
   * Present when the result was decided by bounded case splitting: the paths of
   * the unknown facts whose every value gives this result (language reference
   * §11.1).
   */
  whichever?: string[];
}

export interface ScreenResult {
  program: string;
  label: string;
  /** `""` for the root entity, `members[1]` otherwise. */
  subject: string;
  status: Status;
  /** A decimal string for eligible results with a known amount, else null. */
  amount: string | null;
  /** Facts that could decide an undetermined result, or the unknown amount of an eligible one. */
  missing: string[];
  explanation: Explanation | null;
}

/**
 * An answer a question offers. `value` is what to give `answer`, in the fact's
 * own type: `true`/`false` for a `Boolean`, the variant's name for an enum.
 */
export interface QuestionOption {
  value: boolean | string;
  label: string;
}

/**
 * A fact's type as the ruleset writes it, the exact string the engine returns:
 * `Boolean`, `Integer`, `Decimal`, `Money`, `Date`, `Text`, `Duration`; an enum's
 * own name (`Region`); `list of Person`; `monthly Money` for a whole series (a
 * month of one is asked as its element type). Enum and entity names are the
 * ruleset's, so any other string is possible: compare with these, and treat the
 * rest as an enum's name (it then comes with `options`).
 */
export type FactType =
  | 'Boolean'
  | 'Integer'
  | 'Decimal'
  | 'Money'
  | 'Date'
  | 'Text'
  | 'Duration'
  | `list of ${string}`
  | `monthly ${string}`
  | (string & {});

export interface NextQuestion {
  /** Where the answer goes: `region`, `members[1].age` (give it to `answer`). */
  path: string;
  label: string;
  type: FactType;
  /** A Boolean's (`true`, `false`) or an enum's options (left out for other types). */
  options?: QuestionOption[];
  /** How many undetermined results (or unknown amounts) this fact could decide. */
  decides: number;
}

/** `accord screen --format json`. */
export interface ScreenReport {
  as_of: DateString;
  /** The language labels are in. */
  lang: Lang;
  results: ScreenResult[];
  next_questions: NextQuestion[];
}

/** `nextQuestions`: the questions alone. */
export interface NextQuestions {
  as_of: DateString;
  lang: Lang;
  next_questions: NextQuestion[];
}

/** A result of a registry line (`explanation` only with `explain`). */
export interface ScreenLineResult {
  program: string;
  label: string;
  subject: string;
  status: Status;
  amount: string | null;
  missing: string[];
  explanation?: Explanation | null;
}

/**
 * One output line of `screenJsonl`: its results, or why it could not be screened.
 * `work_limit` is there (`true`) only when the line's evaluation ran out of work
 * (the engine's limit on steps per document): its undetermined results may then
 * be the limit's, not missing facts (`explain` says where).
 */
export type ScreenLine =
  | { line: number; id?: JsonValue; results: ScreenLineResult[]; work_limit?: true }
  | { line: number; id?: JsonValue; error: string };

export interface ScreenJsonlOptions {
  /** Explanations in every result (labels are always there). */
  explain?: boolean;
  lang?: Lang | null;
  /**
   * The key of each document that identifies it (`"household_id"`): taken out before
   * the facts are checked (it is not a fact) and given back as each line's `id`
   * (`null` when the document has none or the line is not a document).
   */
  idKey?: string | null;
  /**
   * Only the results of these statuses in each line (`['eligible', 'undetermined']`;
   * every result when left out): `accord screen --only`. A refused line is always
   * given. Another name throws `U0045`.
   */
  statuses?: Status[] | null;
}

/**
 * `screenJsonl`'s lines, with the counts of `accord screen --facts-jsonl`'s summary:
 * `bad` lines could not be screened (`{line, error}` in place), `workLimit` lines ran
 * out of work (`work_limit: true`).
 */
export interface ScreenedLines extends Array<ScreenLine> {
  bad: number;
  workLimit: number;
}

/** `screenJsonlReport`: the JSON lines (exactly `screenJsonlText`'s) and the counts. */
export interface ScreenJsonlReport {
  text: string;
  lines: number;
  bad: number;
  workLimit: number;
}

/** A parameter set for a comparison (`--set NAME=VALUE --from DATE`). */
export interface CompareSetting {
  name: string;
  /** One literal of the parameter's type: `27`, `"42000.50"`, `true`, `"2026-01-01"`. */
  value: string | number | boolean;
  /** From this date on; the parameter's first date when left out. */
  from?: DateString | null;
}

export interface CompareOptions {
  /** A root fact of enum type (a region): figures per variant. */
  by?: string | null;
  /** A root fact of type Money, Integer or Decimal: figures per decile. */
  decile_by?: string | null;
  /** The root's list of people (its first `list of` entity field by default). */
  people?: string | null;
  set?: readonly CompareSetting[];
  lang?: Lang | null;
}

/** One group's figures: before (the base) and after (the reform); amounts are decimal strings. */
export interface CompareFigures {
  households_before: number;
  households_after: number;
  people_before: number;
  people_after: number;
  cost_before: string;
  cost_after: string;
  gainers: number;
  gain: string;
  losers: number;
  loss: string;
  undetermined: number;
}

export interface CompareRegion extends CompareFigures {
  /** The variant; `null` for households whose region is unknown. */
  region: string | null;
  label: string | null;
}

export interface CompareDecile extends CompareFigures {
  /** 1 (lowest incomes) to 10; `null` for an unknown income. */
  decile: number | null;
}

export interface ProgramComparison {
  program: string;
  label: string;
  total: CompareFigures;
  by_region: CompareRegion[];
  by_decile: CompareDecile[];
}

/** `compare`: a registry under a ruleset and a reform (`accord compare --format json`). */
export interface CompareReport {
  as_of: DateString;
  lang: Lang;
  by: string | null;
  decile_by: string | null;
  households: number;
  bad_lines: number;
  /** The first 100 bad lines: their number and why (fields and codes, never values). */
  errors: { line: number; error: string }[];
  programs: ProgramComparison[];
}

/** A JSON Schema (2020-12) of the facts document. */
export type JsonSchema = JsonObject & {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: { [name: string]: JsonObject };
};

// ---------------------------------------------------------------- assessments

/** Labels in every language of the ruleset. */
export type Labels = { [lang: string]: string };

export interface FormOptionEntry {
  /** A choice's name, or a scale's point. */
  value: string | number;
  label: Labels;
  /** A choice's points (a decimal string); left out for a scale. */
  points?: string;
}

export interface FormQuestion {
  question: string;
  label: Labels;
  /** `boolean`, `scale`, `choice`, `choices`, `integer`, `decimal`, `money`, `date`, `text`. */
  type: string;
  /** A boolean's points. */
  points?: { yes: string; no: string };
  /** A scale's bounds (numbers), or a value's range (decimal strings). */
  min?: number | string;
  max?: number | string;
  options?: FormOptionEntry[];
}

export interface FormSection {
  section: string;
  label: Labels;
  questions: FormQuestion[];
}

/** `accord assess --form`: the questionnaire to render. Keys come sorted. */
export interface AssessmentForm {
  assessment: string;
  label: Labels;
  languages: Lang[];
  needs: { need: string; label: Labels }[];
  /** Questions outside any section. */
  questions: FormQuestion[];
  risk_levels: string[];
  sections: FormSection[];
}

export interface FormOption {
  /** The answer to give: the option's name, or the scale's point. */
  value: JsonValue;
  label: string;
  points: string;
}

export interface AssessQuestion {
  question: string;
  label: string;
  /** `boolean`, `scale`, `choice`, `integer`, `decimal`, `money`, `date`, `text`. */
  type: string;
  options?: FormOption[];
  /** How many undetermined outputs (scores, needs, the risk) it could decide. */
  decides: number;
}

export interface UsedAnswer {
  question: string;
  label: string;
  /** `null`: unanswered. */
  answer: JsonValue;
}

export interface Reason {
  kind: 'need' | 'risk' | 'score';
  name: string;
  label: string;
  /** `established`, `possible`, `not found` for a need; `decided`, `undetermined` for the risk and a score. */
  outcome: 'established' | 'possible' | 'not found' | 'decided' | 'undetermined';
  /** The condition or formula, as written. */
  rule: string;
  answers: UsedAnswer[];
}

export interface ScoreRange {
  min: string;
  max: string;
}

/** `accord assess --format json`. */
export interface AssessReport {
  assessment: string;
  label: string;
  /** Each score as a decimal string, `null` when the answers leave it open. */
  scores: { [score: string]: string | null };
  /** The range an open score lies in, when bounded. */
  score_ranges: { [score: string]: ScoreRange };
  needs: string[];
  possible_needs: string[];
  risk: string | null;
  possible_risks: string[];
  unanswered: string[];
  next_questions: AssessQuestion[];
  explanation: Reason[];
}

/** Answers to an assessment: question names to answers. */
export type Answers = { [question: string]: JsonValue };

export interface AssessOptions {
  /** Needed when the ruleset has several assessments. */
  assessment?: string | null;
  lang?: Lang | null;
}

// ---------------------------------------------------------------- providers

export interface QuestionRating {
  question: string;
  label: string;
  rating: string;
  votes: number;
  mean: string;
}

export interface ProviderMatch {
  id: string;
  name: string;
  kind: string;
  /** Its services that meet the need. */
  services: string[];
  /** `"all"` or the regions it serves. */
  regions: 'all' | string[];
  capacity: number | null;
  load: number;
  /** `null` when the capacity is not stated. */
  capacity_left: number | null;
  full: boolean;
  /** Bayesian average of the ratings, two decimals; `null` without ratings. */
  rating: string | null;
  votes: number;
  mean: string | null;
  /** Left out when empty. */
  by_question?: QuestionRating[];
  contact: JsonObject | null;
  hours: string | null;
  languages: string[];
}

export interface ProviderElsewhere {
  id: string;
  name: string;
  regions: 'all' | string[];
}

/** `accord providers --format json`. */
export interface ProvidersReport {
  need: string;
  need_label: string;
  region: string | null;
  services: string[];
  providers: ProviderMatch[];
  /** Providers of those services outside the region. */
  elsewhere: ProviderElsewhere[];
}

export interface ProvidersOptions {
  /** Anywhere when left out. */
  region?: string | null;
  lang?: Lang | null;
}

/** A line of input a map skipped, and why (codes `M…`). */
export interface SkippedLine {
  code: string;
  /** `line N` of the results. */
  path: string;
  message: string;
  help: string | null;
}

export interface MapRow {
  region: string;
  need: string;
  /** People whose assessment established the need. */
  people: number;
  /** Places left with the providers serving the region; `null` when one states no capacity. */
  capacity: number | null;
  /** Places missing (`people - capacity`, at least 0); `null` without a capacity. */
  gap: number | null;
  providers: number;
  /** Providers counted here that also serve other regions. */
  shared: number;
}

/** `accord plan --format json`: needs against capacity, per region. */
export interface NeedsMap {
  rows: MapRow[];
  /** Input lines that were not assessment results with a region. */
  skipped: SkippedLine[];
}

// ---------------------------------------------------------------- cases

export interface Task {
  step: string;
  label: string;
  need: string | null;
  role: string;
  assignee: string | null;
  ready_since: DateString;
  due: DateString | null;
  overdue: boolean;
  recurring: boolean;
}

export interface Escalation {
  step: string;
  need: string | null;
  to: string;
  since: DateString;
}

export interface AssessmentState {
  step: string;
  assessment: string;
  /** The answers decide every need and the risk. */
  complete: boolean;
  scores: { [score: string]: string | null };
  needs: string[];
  possible_needs: string[];
  risk: string | null;
  unanswered: string[];
  answers: Answers;
}

export interface PlanItem {
  need: string;
  service: string;
  provider: string | null;
  responsible: string;
  goal: string;
  review: DateString;
  review_due: boolean;
  agreed: DateString;
  /** What `referrals … flagged` found (left out when none). */
  flags?: ('elsewhere' | 'full' | 'region_unknown')[];
}

export interface ReferralItem {
  need: string;
  provider: string;
  service: string | null;
  status: 'referred' | 'accepted' | 'declined' | 'completed';
  referred: DateString;
  since: DateString;
  reason: string | null;
  /** What `referrals … flagged` found (left out when none). */
  flags?: ('elsewhere' | 'full' | 'region_unknown')[];
}

/** A provider rated by a `rates providers` step. */
export interface RatingItem {
  provider: string;
  service: string;
  score: string;
  step: string;
}

export interface StepStatus {
  step: string;
  status: 'done' | 'ready' | 'waiting';
  done: DateString | null;
}

export interface HistoryItem {
  line: number;
  type: string;
  at: DateString;
  by: string | null;
  who: string | null;
  summary: string;
}

export interface Conflict {
  line: number;
  reason: string;
}

/** `accord case --format json`: a case's state on a date. */
export interface CaseState {
  case: string | null;
  protocol: string;
  version: number;
  label: string;
  as_of: DateString;
  /** The role whose view this is; `null` for the full state. */
  role: string | null;
  /** The provider whose view this is (a role `is provider`). */
  provider?: string;
  status: 'open' | 'closed';
  opened: DateString;
  closed: DateString | null;
  closed_reason: string | null;
  /** The closing step the case was closed through (while closed). */
  closed_as?: string;
  /** That step's label. */
  closed_as_label?: string;
  held_by: string | null;
  tasks: Task[];
  escalations: Escalation[];
  needs: string[];
  risk: string | null;
  assessments: AssessmentState[];
  plan: PlanItem[];
  referrals: ReferralItem[];
  /** What `rates providers` steps rated (left out when nothing was). */
  ratings?: RatingItem[];
  /** `true` given, `false` withdrawn or refused, `null` never asked. */
  consent: boolean | null;
  assignees: { [role: string]: string };
  steps: StepStatus[];
  /** The subject's facts (full state only). */
  subject?: Facts;
  history: HistoryItem[];
  /** Events a merge kept without applying. */
  conflicts: Conflict[];
  /** Events dated after the as-of date, not applied. */
  later_events: number;
  /** Every `consent` event, its scope and whether it is in force (full state; absent when none). */
  consents?: ConsentItem[];
  /** What the events disclosed, to whom, under which consent (full state; absent when none). */
  disclosures?: Disclosure[];
}

export interface ConsentRecipients {
  roles?: string[];
  agencies?: string[];
  kinds?: ('state' | 'municipal' | 'ngo' | 'private')[];
  providers?: string[];
}

export interface ConsentItem {
  line: number;
  at: DateString;
  given: boolean;
  /** `null`: every recipient. */
  to: ConsentRecipients | null;
  /** Assessment names, `plan`, `facts`; `null`: all information. */
  data: string[] | null;
  purpose: string | null;
  until: DateString | null;
  in_force: boolean;
}

export interface Disclosure {
  to: { role?: string; provider?: string };
  what: 'assessment' | 'plan';
  need: string | null;
  assessment: string | null;
  event: 'referred' | 'referral_accepted' | 'planned' | 'assessed';
  line: number;
  at: DateString;
  /** The consent event it was disclosed under; `null`: none was needed. */
  consent_line: number | null;
  consent_at: DateString | null;
}

export interface CaseStateOptions {
  /** The view of one role (the full state otherwise). */
  role?: string | null;
  /** With a role `is provider`: the provider (catalogue id) whose view it is. */
  provider?: string | null;
  lang?: Lang | null;
}

/** `accord merge`: the merged log and what could not apply. */
export interface MergeResult {
  /** JSON lines. */
  log: string;
  conflicts: Conflict[];
}

export interface AgendaItem {
  case: string;
  protocol: string;
  step: string;
  label: string;
  need: string | null;
  role: string;
  assignee: string | null;
  held_by: string | null;
  ready_since: DateString;
  due: DateString | null;
  overdue: boolean;
  /** Escalated to someone (overdue by the protocol's margin). */
  escalated: boolean;
}

export interface StepCounts {
  /** Open cases with an open task at this step (or held by this holder). */
  open: number;
  /** Overdue tasks. */
  overdue: number;
}

export interface Monitoring {
  cases: number;
  open: number;
  closed: number;
  /** Closed cases per protocol and closing way: `"out_of_school.close"` (present when a case is closed). */
  closed_by_way?: { [way: string]: number };
  /** Per protocol and step: `"out_of_school.assess"`. */
  by_step: { [step: string]: StepCounts };
  /** Per agency holding the case (`""` when not recorded). */
  by_holder: { [holder: string]: StepCounts };
  overdue_tasks: number;
  escalations: number;
  median_days_to_plan: number | null;
  median_days_to_close: number | null;
}

/** A case whose log could not be read or replayed. */
export interface CaseFailure {
  case: string;
  error: { code: string; line: number | null; message: string; help: string | null };
}

/** `accord caseload --format json`: a role's agenda (overdue first) and the figures. */
export interface CaseloadReport {
  as_of: DateString;
  role: string | null;
  agenda: AgendaItem[];
  monitoring: Monitoring;
  /** Cases whose log could not be replayed; they count nowhere else. */
  errors: CaseFailure[];
}

/** Case names to their event logs. */
export type CaseLogs = { readonly [name: string]: EventLog };

/** What `addCaseRatings` took from the cases: the ratings added, and the logs skipped with their error. */
export interface CaseRatings {
  cases: number;
  rated: { case: string; provider: string; service: string; score: string; step: string }[];
  skipped: { case: string; error: { code: string; line: number | null; message: string; help: string | null } }[];
}

export interface CaseloadOptions {
  /** The agenda of this role only (its tasks and those escalated to it). */
  role?: string | null;
  /** The language of the agenda's labels (the ruleset's first when left out). */
  lang?: Lang | null;
}

// ---------------------------------------------------------------- graphs

export interface GraphRole {
  name: string;
  label: string;
  agency: string | null;
  /** `is client` / `is provider`; absent for other roles. */
  kind?: "client" | "provider";
}

export interface GraphStep {
  name: string;
  label: string;
  role: string | null;
  after: string[];
  within: string | null;
  every: string | null;
  assessment: string | null;
  requires_consent: boolean;
  for_each_need_of: string | null;
  when: string | null;
  contact: string | null;
  legal: string[];
  /** The step's own escalations, a chain (absent when the protocol's apply). */
  escalations?: GraphEscalation[];
  /** `rates providers` (absent when not). */
  rates_providers?: true;
  /** `within … from NAME`: the step or event (only when written). */
  within_from?: string;
  /** `for each need of … where EXPR`: the condition (only when written). */
  where?: string;
  /** A way to close the case (only when true). */
  closes?: true;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface GraphEscalation {
  to: string | null;
  overdue_by: string;
}

export interface GraphShare {
  what: string;
  with: string[];
  /** `share … requires consent` (absent otherwise). */
  requires_consent?: true;
}

/** A protocol's workflow graph (`accord graph --format json`). */
export interface GraphAgency {
  name: string;
  label: string;
}

export interface ProtocolGraph {
  protocol: string;
  version: number;
  label: string;
  subject: string | null;
  calendar: string | null;
  start: string | null;
  /** `legal "…"`: the protocol's legal basis. */
  legal: string | null;
  /** Declared agencies (`agency NAME "Label" { … }`): the diagrams' lanes. */
  agencies: GraphAgency[];
  roles: GraphRole[];
  steps: GraphStep[];
  edges: GraphEdge[];
  escalations: GraphEscalation[];
  shares: GraphShare[];
  /** The subject's field holding its region (absent when none). */
  region?: string;
  /** `referrals …` (absent when both are `flagged`, the default). */
  referrals?: { elsewhere: 'refused' | 'flagged'; full: 'refused' | 'flagged' };
  /** `back to STEP when EXPR` (only when some step goes back). */
  back_edges?: { from: string; to: string; when: string | null }[];
  /** `consent for referral to …`: the provider kinds that need consent (absent when none do). */
  consent_for_referral?: ('state' | 'municipal' | 'ngo' | 'private')[];
}

export type GraphFormat = 'dot' | 'mermaid' | 'json';

export interface GraphOptions {
  /** Needed when the ruleset has several protocols. */
  protocol?: string | null;
  /** A version of the protocol (its latest otherwise). */
  version?: number | null;
  lang?: Lang | null;
}

// ---------------------------------------------------------------- tests

export interface TestFailure {
  /** The expectation as written: `family_benefit amount 40500`, or a value's
   * `members[0].age = 34` (its expected value as the report shows values). */
  expect: string;
  line: number;
  /** `eligible`, `amount 40500`; for a value expectation the value (`34`,
   * `shirak`, `unknown`). */
  expected: string;
  actual: string;
  /** The result's explanation; `null` for a value expectation. */
  explanation: Explanation | null;
}

export interface TestOutcome {
  name: string;
  file: string;
  line: number;
  expectations: number;
  failures: TestFailure[];
}

/** `accord test --format json`. */
export interface TestReport {
  tests: TestOutcome[];
}

// ---------------------------------------------------------------- the API

/** A compiled ruleset. Every call is synchronous; `*Text` methods return the engine's exact JSON text. */
export class Ruleset {
  private constructor();
  /** Parses, checks and compiles `files`. Throws an AccordError (kind `ruleset`, `input`). */
  static load(files: SourceFiles, options?: LoadOptions): Ruleset;
  /**
   * This ruleset with a reform laid over it (docs/language.md §22): `files` replace its
   * declarations of the same name, then `settings` set parameters (`--set NAME=VALUE
   * --from DATE`; or their JSON text). A new, checked Ruleset: throws an AccordError (kind
   * `ruleset`) with a reform's diagnostics, (kind `request`) for a bad setting. The
   * catalogue and ratings are not carried over.
   */
  reform(files?: SourceFiles, settings?: readonly CompareSetting[] | string): Ruleset;
  /** The raw wasm-bindgen object (strings in, strings out). */
  readonly raw: RawRuleset;
  /** Frees the engine's memory now. */
  free(): void;

  /** A new Ruleset with the catalogue in place of any earlier one and its ratings; this one unchanged. */
  withCatalogue(catalogue: Document<JsonObject>): Ruleset;
  /** A new Ruleset with the ratings; needs a catalogue. This one unchanged. */
  withRatings(ratings: Document): Ruleset;
  /** `withCatalogue`, in place. */
  setCatalogue(catalogue: Document<JsonObject>): void;
  setRatings(ratings: Document): void;
  /** Adds the ratings of the cases' `rates providers` surveys (`accord providers --cases`). */
  addCaseRatings(cases: CaseLogs | string): CaseRatings;
  addCaseRatingsText(cases: CaseLogs | string): string;

  info(): RulesetInfo;
  infoText(): string;
  warnings(): CheckReport;
  warningsText(): string;

  screen(facts: Document<Facts>, asOf: DateString, lang?: Lang | null): ScreenReport;
  screenText(facts: Document<Facts>, asOf: DateString, lang?: Lang | null): string;
  nextQuestions(facts: Document<Facts>, asOf: DateString, lang?: Lang | null): NextQuestions;
  nextQuestionsText(facts: Document<Facts>, asOf: DateString, lang?: Lang | null): string;
  /** One programme's results and the questions that could decide them. */
  explain(facts: Document<Facts>, asOf: DateString, program: string, lang?: Lang | null): ScreenReport;
  explainText(facts: Document<Facts>, asOf: DateString, program: string, lang?: Lang | null): string;
  /** A registry: one facts document per line (or a list of documents). */
  screenJsonl(lines: string | readonly (Facts | string)[], asOf: DateString, options?: ScreenJsonlOptions): ScreenedLines;
  screenJsonlText(lines: string | readonly (Facts | string)[], asOf: DateString, options?: ScreenJsonlOptions): string;
  screenJsonlReport(lines: string | readonly (Facts | string)[], asOf: DateString, options?: ScreenJsonlOptions): ScreenJsonlReport;
  /** A registry under this ruleset and a reform: its files replace declarations of the same name. */
  compare(reform: SourceFiles, lines: string | readonly (Facts | string)[], asOf: DateString, options?: CompareOptions): CompareReport;
  compareText(reform: SourceFiles, lines: string | readonly (Facts | string)[], asOf: DateString, options?: CompareOptions): string;
  /** Sets the fact at `path` to `value` (`null`: unknown); returns the checked facts document. */
  answer(facts: Document<Facts>, path: string, value: JsonValue): Facts;
  /** `answer` with the value as JSON text; returns compact JSON. */
  answerText(facts: Document<Facts>, path: string, valueJson: string): string;
  schema(lang?: Lang | null): JsonSchema;
  schemaText(lang?: Lang | null): string;

  assessmentForm(assessment?: string | null): AssessmentForm;
  assessmentFormText(assessment?: string | null): string;
  assess(answers: Document<Answers>, options?: AssessOptions): AssessReport;
  assessText(answers: Document<Answers>, options?: AssessOptions): string;
  /** Needs a catalogue. */
  providers(need: string, options?: ProvidersOptions): ProvidersReport;
  providersText(need: string, options?: ProvidersOptions): string;

  /** Providers for every need an assessment result established, one report per need; needs a catalogue. */
  providersForResult(result: Document<AssessReport>, options?: ProvidersOptions): ProvidersReport[];
  providersForResultText(result: Document<AssessReport>, options?: ProvidersOptions): string;
  /** The territorial map over assessment results with a region (JSON lines, or a list); needs a catalogue. */
  needsMap(results: string | readonly (JsonObject | string)[]): NeedsMap;
  needsMapText(results: string | readonly (JsonObject | string)[]): string;
  /** A role's agenda and the monitoring figures over many cases (or their JSON text). */
  caseload(cases: CaseLogs | string, asOf: DateString, options?: CaseloadOptions): CaseloadReport;
  caseloadText(cases: CaseLogs | string, asOf: DateString, options?: CaseloadOptions): string;

  caseState(log: EventLog, asOf: DateString, options?: CaseStateOptions): CaseState;
  caseStateText(log: EventLog, asOf: DateString, options?: CaseStateOptions): string;
  /** The log (JSON lines) with `event` appended as the engine writes it. */
  caseAdd(log: EventLog, event: Document<CaseEvent>): string;
  caseAddText(log: EventLog, event: Document<CaseEvent>): string;
  merge(a: EventLog, b: EventLog): MergeResult;
  mergeText(a: EventLog, b: EventLog): string;
  graph(options?: GraphOptions): ProtocolGraph;
  graphText(format: GraphFormat, options?: GraphOptions): string;

  runTests(): TestReport;
  runTestsText(): string;
}

/** Every diagnostic of `files` (no compiled ruleset needed). */
export function check(files: SourceFiles): CheckReport;
export function checkText(files: SourceFiles): string;
/** One file in the canonical layout; throws an AccordError (kind `ruleset`) on syntax errors. */
export function format(name: string, source: string): string;

/** The wasm-bindgen class: strings in, strings out; throws `Error`s whose message is the error JSON. */
export interface RawRuleset {
  free(): void;
  reform(sources: string, settings?: string | null): RawRuleset;
  withCatalogue(json: string): RawRuleset;
  withRatings(json: string): RawRuleset;
  setCatalogue(json: string): void;
  setRatings(json: string): void;
  addCaseRatings(cases: string): string;
  info(): string;
  warnings(): string;
  screen(facts: string, as_of: string, lang?: string | null): string;
  nextQuestions(facts: string, as_of: string, lang?: string | null): string;
  explain(facts: string, as_of: string, program: string, lang?: string | null): string;
  screenJsonl(lines: string, as_of: string, explain: boolean, lang?: string | null): string;
  screenJsonlReport(lines: string, as_of: string, explain: boolean, lang?: string | null, id_key?: string | null): {
    readonly text: string; readonly lines: number; readonly bad: number; readonly workLimit: number; free(): void;
  };
  compare(reform: string, lines: string, as_of: string, options: string, lang?: string | null): string;
  answer(facts: string, path: string, value: string): string;
  schema(lang?: string | null): string;
  assessmentForm(assessment?: string | null): string;
  assess(assessment: string | null | undefined, answers: string, lang?: string | null): string;
  providers(need: string, region?: string | null, lang?: string | null): string;
  providersForResult(result: string, region?: string | null, lang?: string | null): string;
  needsMap(results: string): string;
  caseload(cases: string, as_of: string, role?: string | null, lang?: string | null): string;
  caseState(log: string, as_of: string, role?: string | null, lang?: string | null): string;
  caseView(log: string, as_of: string, role?: string | null, provider?: string | null, lang?: string | null): string;
  caseAdd(log: string, event: string): string;
  merge(a: string, b: string): string;
  graph(protocol: string | null | undefined, format: string, version?: number | null, lang?: string | null): string;
  runTests(): string;
}

/** The wasm-bindgen exports themselves. */
export const raw: {
  Ruleset: { load(sources: string, entity?: string | null): RawRuleset };
  check(sources: string): string;
  format(name: string, source: string): string;
  version(): string;
};
