// The JSON Schemas in the demo workspace are generated from the contract; if someone
// changes a zod schema and forgets `handrail schemas`, editors would check the wrong rules.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaText, SCHEMA_FILES } from '../../src/app/json-schemas.js';

const DIR = resolve(import.meta.dirname, '../../runbooks/.schemas');

describe('JSON Schemas for editors', () => {
  it.each(Object.entries(SCHEMA_FILES))('%s is up to date (run `handrail schemas` after changing src/contract)', (name, schema) => {
    expect(readFileSync(join(DIR, name), 'utf8')).toBe(jsonSchemaText(schema));
  });

  it('tells editors which keys a target may have', () => {
    const inventory = JSON.parse(jsonSchemaText(SCHEMA_FILES['handrail.schema.json'])) as Record<string, unknown>;
    expect(JSON.stringify(inventory)).toContain('"password-env"');
    expect(JSON.stringify(inventory)).toContain('"additionalProperties":false');
  });
});
