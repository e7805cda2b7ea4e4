// The guards each face asks before it changes anything, decided once in src/core/guards/:
// the protected environment's typed name, secrets needed again on resume, whether an
// environment and a target exist, a run's plan, and the broken audit tail.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/contract/inventory.js';
import type { AuditProblem } from '../../src/core/audit/verify-chain.js';
import { loadShellGrammar } from '../../src/core/engine/shell-placeholders.js';
import { MASK } from '../../src/core/engine/redact.js';
import { mutatingStepRefusal, restoreRefusal } from '../../src/core/guards/broken-tail.js';
import { decideRunPlan } from '../../src/core/guards/plan-run.js';
import { checkTypedName, isProtectedEnvironment, needsConfirmation } from '../../src/core/guards/protected-environment.js';
import { maskedInputs, missingSecretInput } from '../../src/core/guards/resume-secrets.js';
import { findEnvironment, targetIn } from '../../src/core/guards/target-exists.js';

const inventory: Inventory = {
  environments: {
    dev: { targets: { db: { sqlite: '/tmp/dev.db' } } },
    prod: { protected: true, targets: { db: { postgres: 'postgres://prod/app', 'password-env': 'PGPW' }, app: { ssh: 'deploy@prod' } } },
  },
};

describe('the protected environment', () => {
  it('accepts only its exact name, and says what was typed instead', () => {
    expect(checkTypedName('prod', 'prod')).toEqual({ ok: true });
    expect(checkTypedName('prod', undefined)).toEqual({ ok: false, missing: true });
    expect(checkTypedName('prod', '')).toEqual({ ok: false, missing: true });
    expect(checkTypedName('prod', 'Prod')).toEqual({ ok: false, missing: false, mismatch: "'Prod' is not 'prod'" });
    expect(checkTypedName('prod', 'prod ')).toEqual({ ok: false, missing: false, mismatch: "'prod ' is not 'prod'" });
  });

  it('is what the inventory says; an unknown environment is not protected', () => {
    expect(isProtectedEnvironment(inventory, 'prod')).toBe(true);
    expect(isProtectedEnvironment(inventory, 'dev')).toBe(false);
    expect(isProtectedEnvironment(inventory, 'nowhere')).toBe(false);
  });

  it('asks before a confirm step anywhere, and before a change only where protected', () => {
    expect(needsConfirmation({ confirm: true, mutates: [] }, false)).toBe(true);
    expect(needsConfirmation({ confirm: false, mutates: ['db'] }, false)).toBe(false);
    expect(needsConfirmation({ confirm: false, mutates: ['db'] }, true)).toBe(true);
    expect(needsConfirmation({ confirm: false, mutates: [] }, true)).toBe(false);
  });
});

describe('secrets on resume', () => {
  const stored = { pilot: 'pilot-7', token: MASK, key: MASK };

  it('names the inputs stored masked', () => {
    expect(maskedInputs(stored)).toEqual(['token', 'key']);
  });

  it('needs each masked input again; an empty value or the mask is not a value given', () => {
    expect(missingSecretInput(stored, {})).toBe('token');
    expect(missingSecretInput(stored, { token: 'hunter22' })).toBe('key');
    expect(missingSecretInput(stored, { token: 'hunter22', key: '' })).toBe('key');
    expect(missingSecretInput(stored, { token: 'hunter22', key: 'k' })).toBeUndefined();
    expect(missingSecretInput({ pilot: 'pilot-7' }, {})).toBeUndefined();
  });
});

describe('environments and targets', () => {
  it('names the environments there are when one is not, with the inventory file', () => {
    expect(findEnvironment(inventory, 'dev')).toEqual({ ok: true, value: inventory.environments.dev });
    expect(findEnvironment(inventory, 'staging')).toEqual({ ok: false, message: "there is no environment 'staging' in handrail.yml (there are: dev, prod)" });
  });

  it('has local everywhere and only the targets an environment defines', () => {
    const prod = inventory.environments.prod!;
    expect(targetIn(prod, 'local')).toBe('local');
    expect(targetIn(prod, 'app')).toEqual({ ssh: 'deploy@prod' });
    expect(targetIn(prod, 'cache')).toBeUndefined();
  });
});

describe('planning a run', () => {
  beforeAll(() => loadShellGrammar());
  const runbook = (environments: string, body: string) =>
    new TextEncoder().encode(
      `---\nid: purge\ntitle: Purge\nversion: 1.0.0\nenvironments: [${environments}]\ninputs:\n  token: { type: string, secret: true }\n---\n\n# Purge\n\n${body}`,
    );
  const purge = runbook('dev, prod', '## Purge\n\n```sql {target=db mutates}\nDELETE FROM t;\n```\n');
  const password = () => ({ name: 'PGPW', value: 's3cret-pw' });

  it('plans every target a step uses, with the secret inputs and the database passwords to mask', () => {
    const decided = decideRunPlan('purge.md', purge, inventory, 'prod', { token: 'hunter22' }, password);
    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    expect([...decided.plan.targets]).toEqual([['db', { postgres: 'postgres://prod/app', 'password-env': 'PGPW' }]]);
    expect(decided.plan.secrets).toEqual([{ name: 'token', value: 'hunter22' }, { name: 'PGPW', value: 's3cret-pw' }]);
    expect(decided.plan.environment.protected).toBe(true);
  });

  it('refuses an environment the inventory lacks, or one the runbook does not allow', () => {
    expect(decideRunPlan('purge.md', purge, inventory, 'staging', { token: 'x' }, password)).toEqual({
      ok: false,
      refusal: "there is no environment 'staging' in handrail.yml (there are: dev, prod)",
    });
    const devOnly = runbook('dev', '## Look\n\n```sh {target=local}\necho hi\n```\n');
    expect(decideRunPlan('purge.md', devOnly, inventory, 'prod', { token: 'x' }, password)).toEqual({
      ok: false,
      refusal: "runbook 'purge' may only run in dev — not in 'prod'",
    });
  });

  it('refuses missing inputs, and a step on a target the environment does not define (at its line)', () => {
    const missing = decideRunPlan('purge.md', purge, inventory, 'dev', {}, password);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.refusal).toMatch(/token/);
    const onApp = runbook('dev, prod', '## Deploy\n\n```sh {target=app}\necho hi\n```\n');
    const refused = decideRunPlan('purge.md', onApp, inventory, 'dev', { token: 'x' }, password);
    expect(!refused.ok && refused.refusal).toMatch(/^the runbook has 1 problem, the first: purge\.md:14:8: target 'app' is not defined in environment 'dev'/);
  });
});

describe('the broken audit tail', () => {
  const problem: AuditProblem = { seq: 12, kind: 'body-edited', message: 'the body of event 12 does not match its hash' };

  it('lets mutating work run over an intact tail', () => {
    expect(mutatingStepRefusal(null)).toBeUndefined();
    expect(restoreRefusal(null)).toBeUndefined();
  });

  it('refuses a mutating step and a restore over a broken one, naming the event', () => {
    expect(mutatingStepRefusal(problem)).toBe(
      'the audit trail is broken at event 12 (body-edited): the body of event 12 does not match its hash; mutating steps are refused until `handrail audit verify` is clean; this step was not run and nothing was changed',
    );
    expect(restoreRefusal(problem)).toBe(
      'the audit trail is broken at event 12 (body-edited): the body of event 12 does not match its hash; a restore changes a database, so it is refused until `handrail audit verify` is clean (or a lead records `handrail audit acknowledge`); nothing was changed',
    );
  });
});
