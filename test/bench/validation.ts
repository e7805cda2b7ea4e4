// Validating 1,000 generated runbooks, each with sh, sql and http steps, against the
// demo inventory; the baseline is the Markdown parse alone of the same texts.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseInventory } from '../../src/core/inventory/parse-inventory.js';
import { ProblemList } from '../../src/core/problems.js';
import { parseMarkdown } from '../../src/core/runbook/markdown.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { loadShellGrammar } from '../../src/core/engine/shell-placeholders.js';
import { validateRunbook } from '../../src/core/validate/validate-runbook.js';
import { sample, show, stats, type Figure } from './table.js';

const COUNT = 1000;

function generate(i: number): string {
  return `---
id: generated-${i}
title: Generated runbook ${i}
version: 1.${i}.0
environments: [pilot, local-demo]
inputs:
  pilot: { type: string, pattern: "^[a-z0-9-]+$" }
---

# Generated runbook ${i}

Intro prose for runbook ${i}.

## Check the host

\`\`\`sh {target=app expect-output="pilot"}
hostname && echo {{ pilot }}
\`\`\`

## Count rows

\`\`\`sql {target=events}
SELECT kind, count(*) FROM events WHERE pilot = :pilot GROUP BY kind;
\`\`\`

## Delete rows

\`\`\`sql {target=events mutates}
DELETE FROM events WHERE pilot = :pilot AND id > ${i};
\`\`\`

## Tell the team

Post in the channel.
`;
}

export async function benchValidation(): Promise<Figure[]> {
  const encoder = new TextEncoder();
  const texts = Array.from({ length: COUNT }, (_, i) => generate(i));
  const bytes = texts.map((t) => encoder.encode(t));
  const inventoryPath = join(resolve(import.meta.dirname, '../../runbooks'), 'handrail.yml');
  const inventory = parseInventory('handrail.yml', readFileSync(inventoryPath)).inventory;
  let problems = 0;
  await loadShellGrammar();
  const validate = () => {
    for (const b of bytes) {
      const parsed = parseRunbook('rb.md', b);
      const list = new ProblemList('rb.md');
      if (parsed.draft) validateRunbook(parsed.draft, inventory, list);
      problems += parsed.problems.length + list.items.length;
    }
  };
  validate(); // warm up the JIT
  if (problems !== 0) throw new Error(`generated runbooks should be valid, found ${problems} problems`);
  const full = await sample(validate);
  const markdownOnly = await sample(() => texts.forEach((t) => parseMarkdown(t)));
  const perRunbook = (s: typeof full) => stats([s.median, s.min, s.max].map((v) => v / COUNT));
  return [
    { name: 'validate 1,000 runbooks', value: `${show.ms(perRunbook(full), 3)} per runbook`, baseline: `Markdown parse: ${show.ms(perRunbook(markdownOnly), 3)}` },
    { name: 'validate vs Markdown parse', value: `${(full.median / markdownOnly.median).toFixed(2)}×`, baseline: '1.00×' },
  ];
}
