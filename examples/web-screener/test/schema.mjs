// The screener's number inputs take their bounds from the facts' declared
// domains, read from the JSON Schema: here the Armenian ruleset's schema as the
// conformance corpus pins it (no browser needed: `node --test test/schema.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { factSchema, numberBounds } from '../src/schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(fs.readFileSync(
  path.join(here, '../../../tests/conformance/cases/armenia_schema_en/expected.out'), 'utf8'));

test('bounds come from the domains of examples/armenia', () => {
  // monthly_income: Money >= 0; deceased_parents: Integer in 0..2;
  // monthly_gas_m3 (of the household): Integer >= 0.
  assert.deepEqual(numberBounds(schema, 'members[1].monthly_income', false), { min: '0' });
  assert.deepEqual(numberBounds(schema, 'members[0].deceased_parents', true), { min: '0', max: '2' });
  assert.deepEqual(numberBounds(schema, 'monthly_gas_m3', true), { min: '0' });
  // No domain, not a number, not a fact: no bounds.
  assert.deepEqual(numberBounds(schema, 'vulnerability_score', false), {});
  assert.deepEqual(numberBounds(schema, 'members[0].birth_date', false), {});
  assert.deepEqual(numberBounds(schema, 'members[0].no_such_fact', true), {});
  assert.equal(factSchema(schema, 'members[0].birth_date').format, 'date');
});

test('exclusive ends', () => {
  // hours: Decimal > 0 and < 168 (not expressible by an input: the ends
  // themselves); days: Integer > 0 and < 31 (1 and 30).
  const s = {
    $ref: '#/$defs/H',
    $defs: {
      H: {
        type: 'object',
        properties: {
          hours: { anyOf: [{ type: ['number', 'string'], exclusiveMinimum: 0, exclusiveMaximum: 168 }, { type: 'null' }] },
          days: { anyOf: [{ type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 31 }, { type: 'null' }] },
        },
      },
    },
  };
  assert.deepEqual(numberBounds(s, 'hours', false), { min: '0', max: '168' });
  assert.deepEqual(numberBounds(s, 'days', true), { min: '1', max: '30' });
});

test('a month of a monthly series', () => {
  // income: monthly Money >= 0 (language reference §6.5), as `accord schema`
  // writes it: an object of months, each the type with the domain, or null.
  const s = {
    $ref: '#/$defs/P',
    $defs: {
      P: {
        type: 'object',
        properties: {
          income: { anyOf: [{ type: 'object', 'x-accord-type': 'monthly', patternProperties: { '^[0-9]{4}-(0[1-9]|1[0-2])$': { anyOf: [{ type: ['number', 'string'], minimum: 0 }, { type: 'null' }] } }, additionalProperties: false }, { type: 'null' }] },
        },
      },
    },
  };
  assert.deepEqual(numberBounds(s, 'income[2025-01]', false), { min: '0' });
  assert.equal(factSchema(s, 'income')['x-accord-type'], 'monthly');
});
