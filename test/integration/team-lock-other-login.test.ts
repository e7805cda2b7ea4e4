// A run's team lock taken with one ledger login, and the run resumed or aborted on the same
// machine with another login (a real PostgreSQL ledger). The ledger lets only the login that
// took a lock, or a lead, release it; a writer's resume or abort cannot. The operator must be
// told so before the resume runs anything, and at the end (CLI, `show`, the console's run page,
// the audit trail) which lock stayed, under which login, and how a lead releases it; the run's
// outcome is unchanged and the lock really stays (another machine is still refused). With a
// lead's login the lock is released and nothing more is said.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { BIN, type CliOptions, handrail, showRun } from '../support/handrail-cli.js';
import { endBlockingRuns } from '../support/blocking-run.js';
import { localEvents } from '../support/local-audit-events.js';
import { otherLoginSuite } from '../support/other-login-ledger.js';
import { freePort } from '../support/free-port.js';
import { goAhead, nextPrompt, settingsFor, walk } from './console-support.js';

const suite = otherLoginSuite('team-lock-other-login');
const { crashedThenRelogged, stillHeld, refusedElsewhere, key, expectKeptNote } = suite;
let streams = 0;

/** The CLI with stdout and stderr in one file, in the order a terminal shows them. */
function inOneStream(args: string[], cli: CliOptions): { code: number | null; text: string } {
  const path = join(suite.root, `both-${++streams}.txt`);
  const fd = openSync(path, 'w');
  try {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd: suite.root,
      env: { ...process.env, HANDRAIL_DATA_DIR: cli.dataDir, HANDRAIL_WORKSPACE: cli.workspace ?? '', ...cli.env },
      stdio: ['ignore', fd, fd],
    });
    return { code: result.status, text: readFileSync(path, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

describe('a run resumed on its machine with another ledger login (a writer, not a lead)', () => {
  it('says before any step that it cannot release the lock, finishes succeeded, then says which lock stayed (CLI, show, trail); another machine is still refused', async () => {
    const before = await suite.ws.count('lite');
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    writeFileSync(suite.ws.release, '');
    const resumed = inOneStream(['resume', id, '--yes', '--skip-in-doubt', 'the wait step was cut off'], again);
    expect(resumed.code, resumed.text).toBe(0);
    expect(showRun(id, again).run.status).toBe('succeeded');
    const text = resumed.text;

    // Up front: before the run's first line (nothing of the resume has run yet).
    const upFront = text.indexOf(`team lock ${lockId} on lite (${key()}) was taken by run ${id} with ledger login op_a`);
    expect(upFront, text).toBeGreaterThanOrEqual(0);
    expect(upFront, text).toBeLessThan(text.indexOf(`Run ${id}: Change once, then wait`));
    expect(text).toContain('this machine now reaches the ledger as op_a2, which is not a lead');
    expect(text).toContain('it will stay held when the run ends');
    // At the end, after the outcome line: which lock stayed, under which login, and what a lead runs.
    expectKeptNote(text, lockId, 'op_a2');
    const outcome = text.indexOf(`Run ${id} succeeded`);
    expect(outcome, text).toBeGreaterThan(upFront);
    expect(text.indexOf('stayed held'), text).toBeGreaterThan(outcome);

    expect(await stillHeld(lockId)).toBe(true);
    const shown = handrail(['show', id], again);
    expect(shown.code, shown.stderr).toBe(0);
    expectKeptNote(shown.stdout, lockId, 'op_a2');
    // What was recorded then, not a claim about now: a lead may have released it since.
    expect(shown.stdout).toContain('Team locks left held (as recorded here; handrail team status shows what the ledger holds now):');
    const json = JSON.parse(handrail(['show', id, '--json'], again).stdout) as { teamLocksKept: string[] };
    expect(json.teamLocksKept).toHaveLength(1);
    expectKeptNote(json.teamLocksKept[0] ?? '', lockId, 'op_a2');

    expect(localEvents(again, 'team.lock-inherited')).toEqual([expect.objectContaining({ lockId, takenWith: 'op_a', login: 'op_a2' })]);
    const kept = localEvents(again, 'team.lock-kept');
    expect(kept).toEqual([expect.objectContaining({ lockId, lockKey: key(), target: 'lite', takenWith: 'op_a', login: 'op_a2', after: 'succeeded' })]);
    expectKeptNote(String(kept[0]?.message), lockId, 'op_a2');

    // It really stayed: another machine is refused, naming the run.
    endBlockingRuns(suite.ws);
    const refused = await refusedElsewhere();
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`locked in the team ledger by run ${id} of alice`);
    expect(await suite.ws.count('lite')).toBe(before + 1);

    // And the next step it named works: a lead releases it.
    const unlocked = handrail(['team', 'unlock', lockId, '--note', 'resumed under another login; released by a lead'], suite.ws.machine('lead', 'lead_c', 'carol'));
    expect(unlocked.code, unlocked.stdout + unlocked.stderr).toBe(0);
    expect(await stillHeld(lockId)).toBe(false);
  });
});

describe('a run resumed in the console with another ledger login (a writer, not a lead)', () => {
  it("shows on the run's page, at its first question, the lock it will leave; once it succeeded, the lock that stayed", async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    writeFileSync(suite.ws.release, '');
    const saved = { ...process.env };
    Object.assign(process.env, again.env);
    const service = new ConsoleService(settingsFor(again.dataDir, { workspace: suite.ws.dir, operator: 'alice' }));
    try {
      await service.resumeRun({ runId: id, inputs: {} });
      // Its first question is the step cut off in doubt: nothing of the resume has run yet.
      const asked = await nextPrompt(service, id);
      expect(asked.prompt).toMatchObject({ kind: 'in-doubt', idx: 1 });
      expect(asked.teamLocksInherited).toHaveLength(1);
      expect(asked.teamLocksInherited?.[0]).toContain(`team lock ${lockId} on lite (${key()}) was taken by run ${id} with ledger login op_a`);
      expect(asked.teamLocksInherited?.[0]).toContain('it will stay held when the run ends');
      expect(asked.teamLocksKept).toEqual([]);

      const { detail } = await walk(service, id, (prompt) => (prompt.kind === 'in-doubt' ? { action: 'skip', reason: 'the wait step was cut off' } : goAhead(prompt)));
      expect(detail.run.status).toBe('succeeded');
      expect(detail.teamLocksInherited).toEqual([]);
      expect(detail.teamLocksKept).toHaveLength(1);
      expectKeptNote(detail.teamLocksKept?.[0] ?? '', lockId, 'op_a2');
    } finally {
      await service.close();
      process.env = saved;
    }
    expect(await stillHeld(lockId)).toBe(true);
  });
});

describe('a run aborted on its machine with another ledger login (a writer, not a lead)', () => {
  it('is aborted, but does not claim its databases released: the CLI, show and the trail name the lock that stayed', async () => {
    const { id, lockId, again, name } = await crashedThenRelogged('op_a2', 'alice');
    const aborted = handrail(['abort', id, '--reason', 'nobody will finish this one'], again);
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain(`Run ${id} aborted`);
    expect(aborted.stdout).not.toContain('Its databases are released;');
    expectKeptNote(aborted.stdout + aborted.stderr, lockId, 'op_a2');
    expect(aborted.stdout + aborted.stderr).toContain('after run');
    expect(await stillHeld(lockId)).toBe(true);
    expect(showRun(id, again).run.status).toBe('aborted');

    const shown = handrail(['show', id], again);
    expectKeptNote(shown.stdout, lockId, 'op_a2');
    expect(localEvents(again, 'team.lock-kept')).toEqual([expect.objectContaining({ lockId, takenWith: 'op_a', login: 'op_a2', after: 'aborted' })]);

    endBlockingRuns(suite.ws);
    const refused = await refusedElsewhere();
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`locked in the team ledger by run ${id} of alice`);

    // The other way the note names: the login that took it, from this machine (its run is over).
    const byTaker = handrail(['team', 'unlock', lockId, '--note', 'released with the login that took it'], suite.ws.machine(name, 'op_a', 'alice'));
    expect(byTaker.code, byTaker.stdout + byTaker.stderr).toBe(0);
    expect(await stillHeld(lockId)).toBe(false);
  });

  it("in the console: the abort leaves the run aborted, and the run's page names the lock that stayed", async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    const saved = { ...process.env };
    Object.assign(process.env, again.env);
    const service = new ConsoleService(settingsFor(again.dataDir, { workspace: suite.ws.dir, operator: 'alice' }));
    try {
      await service.abortRun({ runId: id, reason: 'aborted in the console; nobody will finish it' });
      const detail = await service.getRun({ runId: id });
      expect(detail.run.status).toBe('aborted');
      expect(detail.verdict).toBe('aborted');
      expect(detail.teamLocksKept).toHaveLength(1);
      expectKeptNote(detail.teamLocksKept?.[0] ?? '', lockId, 'op_a2');
      expect(detail.events.some((e) => e.kind === 'team.lock-kept' && e.summary.includes(lockId))).toBe(true);
    } finally {
      await service.close();
      process.env = saved;
    }
    expect(await stillHeld(lockId)).toBe(true);
  });
});

describe('a run aborted while the team ledger does not answer', () => {
  it('does not claim its databases released: it says the ledger was not asked and nothing was checked; the next shipment releases the lock', async () => {
    const { id, lockId, name } = await crashedThenRelogged('op_a', 'alice');
    const away = suite.ws.machine(name, 'op_a', 'alice');
    const nowhere = `postgres://op_a@127.0.0.1:${await freePort()}/ledger`;
    const aborted = handrail(['abort', id, '--reason', 'nobody will finish this one'], { ...away, env: { ...away.env, HANDRAIL_TEAM_URL: nowhere } });
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain(`Run ${id} aborted`);
    expect(aborted.stdout).not.toContain('Its databases are released;');
    expect(aborted.stdout).toContain(`so the team locks of run ${id} (aborted) could not be released, and whether it still holds any there was not checked`);
    expect(aborted.stdout).toContain('handrail team ship');
    expect(aborted.stdout).not.toContain(lockId);
    expect(localEvents(away, 'team.lock-kept')).toEqual([expect.objectContaining({ unchecked: true, after: 'aborted' })]);
    expect(handrail(['show', id], away).stdout).toContain('whether it still holds any there was not checked');
    expect(await stillHeld(lockId)).toBe(true);

    // The ledger answers again (the same login): the next shipment lets go of the aborted run's lock.
    const shipped = handrail(['team', 'ship'], away);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    expect(await stillHeld(lockId)).toBe(false);
  });
});

describe('a run resumed or aborted on its machine with a lead login', () => {
  it('releases the lock it inherits, and says nothing more', async () => {
    const resumedRun = await crashedThenRelogged('lead_c', 'alice');
    writeFileSync(suite.ws.release, '');
    const resumed = handrail(['resume', resumedRun.id, '--yes', '--skip-in-doubt', 'the wait step was cut off'], resumedRun.again);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('team lock');
    expect(resumed.stdout).not.toContain('team lock');
    expect(await stillHeld(resumedRun.lockId)).toBe(false);
    expect(handrail(['show', resumedRun.id], resumedRun.again).stdout).not.toContain('team lock');
    expect(localEvents(resumedRun.again, 'team.lock-kept')).toHaveLength(0);
    expect(localEvents(resumedRun.again, 'team.lock-inherited')).toHaveLength(0);
    endBlockingRuns(suite.ws);

    const abortedRun = await crashedThenRelogged('lead_c', 'alice');
    const aborted = handrail(['abort', abortedRun.id, '--reason', 'nobody will finish this one'], abortedRun.again);
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain('Its databases are released;');
    expect(aborted.stdout + aborted.stderr).not.toContain('team lock');
    expect(await stillHeld(abortedRun.lockId)).toBe(false);
    expect(localEvents(abortedRun.again, 'team.lock-kept')).toHaveLength(0);

    // Nothing holds the database now: another machine goes.
    writeFileSync(suite.ws.release, '');
    const free = handrail(['run', 'lite.md', '--env', 'dev'], suite.bob);
    expect(free.code, free.stdout + free.stderr).toBe(0);
  });
});
