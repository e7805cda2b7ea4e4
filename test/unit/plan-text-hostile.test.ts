// Hostile text in a plan: what the approver reads must be what runs. Invisible characters
// (zero-width, a line separator an editor shows as a new line, a byte-order mark, Unicode
// tag characters) are written out like terminal escapes, and writing them out must not make
// two different plans read the same: a value that holds the text `\u{1b}` and one that holds
// the escape character itself give different plan texts, so different plan ids.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/contract/inventory.js';
import { loadShellGrammar } from '../../src/core/engine/shell-placeholders.js';
import { decideRunPlan } from '../../src/core/guards/plan-run.js';
import { buildPlan } from '../../src/core/plan/build-plan.js';
import { canonicalPlanText, planId } from '../../src/core/plan/plan-text.js';

const RUNBOOK = `---
id: hostile
title: Hostile
version: 1.0.0
inputs:
  pilot:
    type: string
---

## Say

\`\`\`sh {target=app}
echo {{ pilot }}
\`\`\`
`;

const inventory = (root: string): Inventory =>
  ({ environments: { prod: { variables: { ROOT: root }, targets: { app: 'local' } } } }) as unknown as Inventory;

const ctx = { operator: 'alice', resolvePath: (p: string) => `/abs/${p}`, expandVariable: (v: string) => v };

function text(pilot: string, root = '/srv'): string {
  const decided = decideRunPlan('hostile.md', new TextEncoder().encode(RUNBOOK), inventory(root), 'prod', { pilot }, () => undefined);
  if (!decided.ok) throw new Error(decided.refusal);
  return canonicalPlanText(buildPlan(decided.plan, ctx));
}

beforeAll(async () => {
  await loadShellGrammar();
});

describe('hostile text in the canonical plan', () => {
  it('writes out invisible characters an editor or terminal would hide or turn into a line break', () => {
    for (const hidden of ['\u2028', '\u2029', '\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u{e0041}']) {
      const plan = text(`rm${hidden}-rf`);
      expect(plan.includes(hidden), `U+${hidden.codePointAt(0)?.toString(16)}`).toBe(false);
      expect(plan).toContain(`\\u{${hidden.codePointAt(0)?.toString(16)}}`);
    }
  });

  it('gives a different text and id to a value holding the text \\u{1b} and one holding the escape itself', () => {
    const literal = text('x', 'a\\u{1b}b');
    const escape = text('x', 'a\u001bb');
    expect(literal).not.toBe(escape);
    expect(planId(literal)).not.toBe(planId(escape));
    // Ordinary backslashes are left as they are.
    expect(text('x', 'C:\\temp\\n')).toContain('ROOT=C:\\temp\\n');
  });
});
