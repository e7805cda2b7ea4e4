// JSON Schemas generated from the contract's zod schemas, so editors complete and check
// handrail.yml and front matter with the same rules as `handrail validate`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Inventory } from '../contract/inventory.js';
import { FrontMatter } from '../contract/runbook.js';

export const SCHEMA_FILES = {
  'handrail.schema.json': Inventory,
  'runbook-front-matter.schema.json': FrontMatter,
} as const;

export function jsonSchemaText(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { target: 'draft-2020-12' }), null, 2)}\n`;
}

export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(SCHEMA_FILES)) {
    const path = join(dir, name);
    await writeFile(path, jsonSchemaText(schema));
    written.push(path);
  }
  return written;
}
