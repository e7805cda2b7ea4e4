// The console's run page of an interrupted run, before Resume is pressed (a real PostgreSQL
// ledger): the operator must see which team lock this machine's ledger login will not be able
// to release when the resumed run ends (it was taken with another login; only a lead or that
// login may release it), not learn it once the resume has begun. Asking costs the page
// nothing: a ledger that does not answer says only that it could not be checked, and Resume
// still works. A lead's login is told nothing; the look records nothing on the run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import type { CliOptions } from '../support/handrail-cli.js';
import { localEvents } from '../support/local-audit-events.js';
import { otherLoginSuite } from '../support/other-login-ledger.js';
import { freePort } from '../support/free-port.js';
import { nextPrompt, settingsFor } from './console-support.js';

const suite = otherLoginSuite('team-lock-outlook');
const { crashedThenRelogged, key } = suite;

/** A console service on `machine`'s data folder, with its ledger login in the environment, as the console process has it. */
async function inConsole<T>(machine: CliOptions, work: (service: ConsoleService) => Promise<T>, workspace = suite.ws.dir): Promise<T> {
  const saved = { ...process.env };
  delete process.env.HANDRAIL_TEAM_URL;
  Object.assign(process.env, machine.env);
  const service = new ConsoleService(settingsFor(machine.dataDir, { workspace, operator: 'alice' }));
  try {
    return await work(service);
  } finally {
    await service.close();
    process.env = saved;
  }
}

describe("an interrupted run's page, before Resume, on its machine now under another ledger login", () => {
  it('a writer login: names the lock the resumed run will leave held, the login that took it, this login and what a lead does; nothing is recorded', async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    const outlook = await inConsole(again, (service) => service.resumeOutlook({ runId: id }));
    expect(outlook.unchecked).toBeUndefined();
    expect(outlook.locks).toHaveLength(1);
    const note = outlook.locks[0] ?? '';
    expect(note).toContain(`team lock ${lockId} on lite (${key()}) was taken by run ${id} with ledger login op_a`);
    expect(note).toContain('reaches the ledger as op_a2, which is not a lead');
    expect(note).toContain('it will stay held when the run ends');
    expect(note).toContain(`handrail team unlock ${lockId} --note`);
    expect(note).toContain('GRANT handrail_lead TO op_a2;');
    // Only a look: the run's trail gets nothing until the resume itself.
    expect(localEvents(again, 'team.lock-inherited')).toHaveLength(0);
    expect(await suite.stillHeld(lockId)).toBe(true);
  });

  it('a lead login: nothing to say (its resume will release the lock)', async () => {
    const { id, again } = await crashedThenRelogged('lead_c', 'alice');
    const outlook = await inConsole(again, (service) => service.resumeOutlook({ runId: id }));
    expect(outlook).toEqual({ locks: [] });
  });

  it('the login that took the lock: nothing to say', async () => {
    const { id, again } = await crashedThenRelogged('op_a', 'alice');
    expect(await inConsole(again, (service) => service.resumeOutlook({ runId: id }))).toEqual({ locks: [] });
  });

  it('no ledger configured in the workspace: nothing asked, nothing said', async () => {
    const { id, again } = await crashedThenRelogged('op_a2', 'alice');
    const solo = join(suite.root, 'solo-ws');
    mkdirSync(solo, { recursive: true });
    const yml = readFileSync(join(suite.ws.dir, 'handrail.yml'), 'utf8');
    writeFileSync(join(solo, 'handrail.yml'), yml.slice(yml.indexOf('environments:')));
    const env = { ...again.env };
    delete env.HANDRAIL_TEAM_URL;
    const outlook = await inConsole({ ...again, env }, (service) => service.resumeOutlook({ runId: id }), solo);
    expect(outlook).toEqual({ locks: [] });
  });

  it('a ledger that does not answer: no lock named, one line saying it could not be checked, and Resume still works', async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    const nowhere = `postgres://op_a2@127.0.0.1:${await freePort()}/ledger`;
    const away = { ...again, env: { ...again.env, HANDRAIL_TEAM_URL: nowhere } };
    await inConsole(away, async (service) => {
      const outlook = await service.resumeOutlook({ runId: id });
      expect(outlook.locks).toEqual([]);
      expect(outlook.unchecked).toContain('could not check the team ledger');
      expect(outlook.unchecked).not.toContain(lockId);

      await service.resumeRun({ runId: id, inputs: {} });
      const asked = await nextPrompt(service, id);
      expect(asked.prompt).toMatchObject({ kind: 'in-doubt', idx: 1 });
    });
  });
});
