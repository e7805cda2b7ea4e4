// The plan's canonical text is what an approver signs: every target, command and parameter
// resolved, no secret in it, the same bytes every time, and nothing a terminal would
// interpret. Its id is the SHA-256 of those bytes.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/contract/inventory.js';
import { loadShellGrammar } from '../../src/core/engine/shell-placeholders.js';
import { decideRunPlan, type RunPlan } from '../../src/core/guards/plan-run.js';
import { buildPlan } from '../../src/core/plan/build-plan.js';
import { canonicalPlanText, planId } from '../../src/core/plan/plan-text.js';

const RUNBOOK = `---
id: rotate
title: Rotate the token
version: 1.2.0
inputs:
  pilot:
    type: string
  token:
    type: string
    secret: true
---

# Rotate

## Check the host

\`\`\`sh {target=app}
echo checking {{ pilot }}
\`\`\`

## Store the token

\`\`\`sql {target=db mutates}
UPDATE tokens SET value = :token WHERE pilot = :pilot;
\`\`\`

## Tell the team

Say it is done.
`;

const inventory = (approval?: unknown): Inventory =>
  ({
    environments: {
      prod: {
        protected: true,
        variables: { ROOT: '${data_dir}/app' },
        'pass-env': ['HOME_TZ'],
        targets: { app: { ssh: 'deploy@app-1.example.net', identity: '~/.ssh/id_ed25519' }, db: { postgres: 'postgres://app:hunter2pw@db-1:5432/app', 'password-env': 'PGPW' } },
        ...(approval ? { approval } : {}),
      },
    },
  }) as Inventory;

function plan(given: Record<string, string>, inv = inventory(), source = RUNBOOK): RunPlan {
  const decided = decideRunPlan('rotate.md', new TextEncoder().encode(source), inv, 'prod', given, () => undefined);
  if (!decided.ok) throw new Error(decided.refusal);
  return decided.plan;
}

const ctx = { operator: 'alice', resolvePath: (p: string) => `/abs/${p}`, expandVariable: (v: string) => v.replace('${data_dir}', '/data') };

beforeAll(async () => {
  await loadShellGrammar();
});

describe('the canonical plan text', () => {
  it('names the runbook, environment, resolved targets, substituted command and bound parameters, and never the secret', () => {
    const text = canonicalPlanText(buildPlan(plan({ pilot: 'pilot-7', token: 'sup3r-secret-value' }), ctx));
    expect(text).toContain('Runbook: rotate 1.2.0 (Rotate the token)');
    expect(text).toContain('Environment: prod (protected');
    expect(text).toContain('Operator: alice');
    expect(text).toContain('Approval: none');
    expect(text).toContain('app = ssh deploy@app-1.example.net:22 (key ~/.ssh/id_ed25519)');
    expect(text).toContain('db = postgres postgres://app@db-1:5432/app (password from $PGPW)');
    expect(text).toContain('    | echo checking pilot-7');
    expect(text).toContain('    :token = [secret: token]');
    expect(text).toContain('    :pilot = "pilot-7"');
    expect(text).toContain("the environment's name typed: prod (--confirm prod)");
    expect(text).toContain('Changes: db (each snapshotted');
    expect(text).toContain('ROOT=/data/app');
    expect(text).toMatch(/token = \[secret: token\] sha256:[0-9a-f]{64}/);
    expect(text).not.toContain('sup3r-secret-value');
    expect(text).not.toContain('hunter2pw');
    expect(text.endsWith('End of plan.\n')).toBe(true);
  });

  it('is the same bytes for the same run, and its id is their SHA-256', () => {
    const a = canonicalPlanText(buildPlan(plan({ pilot: 'pilot-7', token: 'sup3r-secret-value' }), ctx));
    const b = canonicalPlanText(buildPlan(plan({ pilot: 'pilot-7', token: 'sup3r-secret-value' }), ctx));
    expect(a).toBe(b);
    expect(planId(a)).toBe(createHash('sha256').update(Buffer.from(a, 'utf8')).digest('hex'));
  });

  it('changes with an input, a secret, a runbook byte, a target or the operator', () => {
    const id = (given: Record<string, string>, inv = inventory(), source = RUNBOOK, operator = 'alice') =>
      planId(canonicalPlanText(buildPlan(plan(given, inv, source), { ...ctx, operator })));
    const base = id({ pilot: 'pilot-7', token: 'sup3r-secret-value' });
    expect(id({ pilot: 'pilot-8', token: 'sup3r-secret-value' })).not.toBe(base);
    expect(id({ pilot: 'pilot-7', token: 'sup3r-secret-valuf' })).not.toBe(base);
    expect(id({ pilot: 'pilot-7', token: 'sup3r-secret-value' }, inventory(), RUNBOOK.replace('Say it is done.', 'Say it is done!'))).not.toBe(base);
    const moved = inventory();
    (moved.environments.prod!.targets as Record<string, unknown>).app = { ssh: 'deploy@app-2.example.net' };
    expect(id({ pilot: 'pilot-7', token: 'sup3r-secret-value' }, moved)).not.toBe(base);
    expect(id({ pilot: 'pilot-7', token: 'sup3r-secret-value' }, inventory(), RUNBOOK, 'bob')).not.toBe(base);
  });

  it('says which approval the environment requires', () => {
    const text = canonicalPlanText(buildPlan(plan({ pilot: 'p', token: 'sup3r-secret-value' }, inventory({ required: true, approvers: './allowed_signers' })), ctx));
    expect(text).toContain('Approval: required, from a signer in ./allowed_signers who is not the operator');
    expect(text).toContain("Approval: the run's (required in prod)");
  });

  it('writes out terminal escapes and bidirectional overrides instead of passing them to the reader', () => {
    const text = canonicalPlanText(buildPlan(plan({ pilot: 'a\u001b[2Kb\u202ec', token: 'sup3r-secret-value' }), ctx));
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    expect(text).toContain('\\u{1b}[2K');
    expect(text).toContain('\\u{202e}');
  });
});
