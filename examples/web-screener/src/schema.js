// What the facts' JSON Schema (`Ruleset.schema()`) says of the fact a question
// asks for: its declared domain (language reference §6.4), as the bounds of the
// answer's number input. Pure functions, tested by test/schema.mjs.

/** The schema of the fact at `path` (`members[1].monthly_income`, `members[0].income[2025-01]`), or null. */
export function factSchema(schema, path) {
  const defs = schema?.$defs ?? {};
  const resolve = (s) => {
    for (let i = 0; s && s.$ref && i < 64; i += 1) s = defs[s.$ref.replace('#/$defs/', '')];
    return s;
  };
  let node = resolve(schema);
  for (const part of path.split('.')) {
    // `members[1]`, and a month of a monthly series: `income[2025-01]`.
    const m = /^(\w+)(\[\d+\])?(\[\d{4}-\d{2}\])?$/.exec(part);
    if (!m || !node?.properties) return null;
    let s = node.properties[m[1]];
    // Every fact may be unknown: `anyOf: [its type, null]`.
    s = resolve(s?.anyOf ? s.anyOf[0] : s);
    if (m[2]) s = resolve(s?.items);
    if (m[3]) {
      // A month's value: the series' one pattern property, or null.
      const month = Object.values(s?.patternProperties ?? {})[0];
      s = resolve(month?.anyOf ? month.anyOf[0] : month);
    }
    node = s;
  }
  return node ?? null;
}

/**
 * The `min` and `max` of a number input for the fact at `path`: `>= N` and
 * `<= N` as they are; `> N` and `< N` on an `Integer` as N + 1 and N − 1; on a
 * `Decimal` or `Money`, the excluded end itself (an input cannot exclude it, and
 * the engine refuses it with F0010, shown as any error).
 */
export function numberBounds(schema, path, integer) {
  const s = factSchema(schema, path);
  const out = {};
  if (!s) return out;
  const step = integer ? 1 : 0;
  if (typeof s.minimum === 'number') out.min = String(s.minimum);
  else if (typeof s.exclusiveMinimum === 'number') out.min = String(s.exclusiveMinimum + step);
  if (typeof s.maximum === 'number') out.max = String(s.maximum);
  else if (typeof s.exclusiveMaximum === 'number') out.max = String(s.exclusiveMaximum - step);
  return out;
}
