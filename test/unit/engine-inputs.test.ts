// Inputs are checked against their declarations before anything runs, and go into actions
// as data: one quoted shell word, never code (http: see http-substitute.test.ts; the same
// proved on the real /bin/sh: test/integration/shell-placeholder-sh.test.ts).
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/core/engine/inputs.js';
import { loadShellGrammar, previewShell } from '../../src/core/engine/shell-placeholders.js';
import type { FrontMatter } from '../../src/contract/runbook.js';

const fm: FrontMatter = {
  id: 'x',
  title: 'X',
  version: '1.0.0',
  inputs: {
    pilot: { type: 'string', pattern: '^[a-z0-9-]+$' },
    count: { type: 'number', default: 3 },
    dry_run: { type: 'boolean', default: true },
    topic: { type: 'enum', values: ['orders', 'payments'] },
    token: { type: 'string', secret: true },
  },
};

describe('checkInputs', () => {
  it('applies defaults and converts types', () => {
    expect(checkInputs(fm, { pilot: 'pilot-7', topic: 'orders', token: 'hunter22', dry_run: 'false' })).toEqual({
      ok: true,
      values: { pilot: 'pilot-7', count: 3, dry_run: false, topic: 'orders', token: 'hunter22' },
      secrets: [{ name: 'token', value: 'hunter22' }],
      warnings: [],
    });
  });

  it('warns, and says why, when a secret is too short to be masked', () => {
    const result = checkInputs(fm, { pilot: 'pilot-7', topic: 'orders', token: 'abc' });
    expect(result).toMatchObject({ ok: true, secrets: [{ name: 'token', value: 'abc' }] });
    expect(result.ok && result.warnings).toEqual([
      "secret input 'token' is shorter than 4 characters, so it cannot be masked in output and the audit trail; use a longer secret",
    ]);
  });

  it('lists every problem, never echoing a secret', () => {
    expect(checkInputs(fm, { pilot: 'Pilot 7', count: 'many', topic: 'refunds', token: 'x y', colour: 'red' })).toEqual({
      ok: false,
      problems: [
        "input 'colour' is not declared by this runbook (it takes: pilot, count, dry_run, topic, token)",
        `input 'pilot': "Pilot 7" does not match ^[a-z0-9-]+$ (the whole value must match)`,
        `input 'count': "many" is not a number`,
        "input 'topic': \"refunds\" is not one of orders, payments",
      ],
    });
    const missing = checkInputs(fm, {});
    expect(missing.ok === false && missing.problems).toEqual([
      "input 'pilot' is required; pass --input pilot=VALUE",
      "input 'topic' is required; pass --input topic=VALUE",
      "input 'token' is required; set HANDRAIL_INPUT_TOKEN",
    ]);
  });
});

describe('substitution', () => {
  it('previews a sh step with each value written as it would have to be, and a secret by name only', async () => {
    await loadShellGrammar();
    const code = 'deploy {{ pilot }} "to {{ pilot }}" --token={{ token }}\ncat <<EOF\n{{ pilot }}\nEOF';
    const shown = previewShell(code, { pilot: `a'b $(id)`, token: 'Pa\'ss-w0rd' }, (name) => name === 'token');
    expect(shown).toBe(`deploy 'a'\\''b $(id)' "to a'b \\$(id)" --token=[secret: token]\ncat <<EOF\na'b \\$(id)\nEOF`);
    expect(shown).not.toContain('Pa');
  });
});
