// Two machines (two data folders, each with its own ledger login) and one team ledger on a real
// PostgreSQL: a database one machine is changing cannot be changed from the other, the refusal
// names who holds it; a crashed run keeps its team lock until it is resumed or a lead releases
// it, and that release is recorded here and in the ledger.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, type CliResult, handrail, handrailAsync, showRun } from '../support/handrail-cli.js';
import { startTestLedger, teamWorkspace, type TeamWorkspace, type TestLedger } from '../support/team-ledger.js';
import { endBlockingRuns, holdRun, killStep, type HeldRun } from '../support/blocking-run.js';
import { localEvents } from '../support/local-audit-events.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

let root: string;
let ledger: TestLedger;
let ws: TeamWorkspace;
let alice: CliOptions;
let bob: CliOptions;
let lead: CliOptions;

beforeAll(async () => {
  root = await makeTempDir('team-locks');
  ledger = await startTestLedger(root, { op_a: 'operator', op_b: 'operator', lead_c: 'lead' });
  ws = await teamWorkspace(root, ledger);
  alice = ws.machine('alice', 'op_a', 'alice');
  bob = ws.machine('bob', 'op_b', 'bob');
  lead = ws.machine('lead', 'lead_c', 'carol');
}, 60_000);

afterEach(() => endBlockingRuns(ws));
afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

/** Starts the blocking run; resolves once it changed the database and waits in step 2. */
async function hold(cli: CliOptions, runbook: string, args: string[] = ['run', runbook, '--env', 'dev']): Promise<HeldRun & { id: string }> {
  const run = await holdRun(ws, cli, args);
  return { ...run, id: run.id ?? args[1] ?? '' };
}

/** A run from the other machine that must be refused; fails the test if it gets to step 2. */
async function refusedRun(cli: CliOptions, runbook: string): Promise<CliResult> {
  const firstStep = readFileSync(`${ws.ready}.pid`, 'utf8');
  let result: CliResult | undefined;
  void handrailAsync(['run', runbook, '--env', 'dev'], cli).then((r) => (result = r));
  await until('the second run ends or reaches its own step 2', () => result !== undefined || readFileSync(`${ws.ready}.pid`, 'utf8') !== firstStep);
  if (!result) throw new Error('the second machine got past the team lock: two runs changed the database at once');
  return result;
}

describe.each([
  { name: 'SQLite', runbook: 'lite.md', target: 'lite' as const, key: () => `sqlite://${hostname().toLowerCase()}${ws.dbPath}` },
  { name: 'PostgreSQL', runbook: 'pgdb.md', target: 'pgdb' as const, key: () => `postgres://127.0.0.1:${ledger.pg.port}/shop` },
])('two machines and one $name target', ({ runbook, target, key }) => {
  it("refuses the second machine while the first changes it, naming the holder's operator, machine, run and since when", async () => {
    const before = await ws.count(target);
    const taken = handrail(['snapshot', target, '--env', 'dev'], bob);
    expect(taken.code, taken.stdout + taken.stderr).toBe(0);
    const snapshotId = (JSON.parse(handrail(['snapshots', '--json'], bob).stdout) as { id: string }[])[0]?.id ?? '';
    const holder = await hold(alice, runbook);
    const refused = await refusedRun(bob, runbook);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`${target} (${key()}) is locked in the team ledger by run ${holder.id} of alice on machine ${hostname()}`);
    expect(refused.stderr).toMatch(/since \d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(refused.stderr).toMatch(/handrail team unlock [0-9a-f-]{36} --note/);
    expect(refused.stderr).toContain('nothing was executed');
    expect(await ws.count(target)).toBe(before + 1);

    // A restore is a change too: refused from the other machine while the run holds the database.
    const restore = handrail(['restore', snapshotId, '--yes'], bob);
    expect(restore.code, restore.stdout + restore.stderr).toBe(2);
    expect(restore.stderr).toContain(`snapshot ${snapshotId} was not restored: ${target} (${key()}) is locked in the team ledger by run ${holder.id} of alice`);
    expect(await ws.count(target)).toBe(before + 1);

    // Once the first run ends, its team lock is released and the other machine may go.
    writeFileSync(ws.release, '');
    expect(await holder.exited).toBe(0);
    const after = handrail(['run', runbook, '--env', 'dev'], bob);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(await ws.count(target)).toBe(before + 2);
  });
});

describe('a crashed run', () => {
  it('keeps its team lock until it is resumed; a lead releases a lock nobody will resume, recorded here and in the ledger', async () => {
    const before = await ws.count('lite');
    const crashed = await hold(alice, 'lite.md');
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    killStep(ws);

    // The kernel dropped this machine's own lock with the process; the team's stays.
    const refused = await refusedRun(bob, 'lite.md');
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`locked in the team ledger by run ${crashed.id} of alice`);
    expect(await ws.count('lite')).toBe(before + 1);

    // Resumed by its own machine, it goes on under the same lock and lets go at its end.
    writeFileSync(ws.release, '');
    const resumed = handrail(['resume', crashed.id, '--yes', '--skip-in-doubt', 'the wait step was cut off'], alice);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(showRun(crashed.id, alice).run.status).toBe('succeeded');
    rmSync(ws.release);

    // Now bob holds it and crashes; nobody will resume that run.
    const bobs = await hold(bob, 'lite.md');
    bobs.child.kill('SIGKILL');
    await bobs.exited;
    killStep(ws);
    const blocked = await refusedRun(alice, 'lite.md');
    expect(blocked.code).toBe(2);
    const lockId = /handrail team unlock (\S+) --note/.exec(blocked.stderr)?.[1] ?? '';
    expect(lockId).not.toBe('');

    const unlocked = handrail(['team', 'unlock', lockId.slice(0, 8), '--note', "bob's laptop died mid-run; checked the counter by hand"], lead);
    expect(unlocked.code, unlocked.stdout + unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toContain(`released team lock ${lockId}`);
    expect(unlocked.stdout).toContain(`held by run ${bobs.id} of bob`);
    const recorded = localEvents(lead, 'team.unlocked');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ lockId, note: "bob's laptop died mid-run; checked the counter by hand", holder: { operator: 'bob', runId: bobs.id } });
    const inLedger = await ledger.pg.psql(`SELECT operator || '|' || note FROM handrail.lock_events WHERE lock_id = '${lockId}' AND action = 'release'`);
    expect(inLedger).toBe("carol|bob's laptop died mid-run; checked the counter by hand");
    // The lead's own trail reached the ledger too.
    expect(await ledger.pg.psql("SELECT count(*) FROM handrail.audit_events WHERE kind = 'team.unlocked'")).toBe('1');

    writeFileSync(ws.release, '');
    const free = handrail(['run', 'lite.md', '--env', 'dev'], alice);
    expect(free.code, free.stdout + free.stderr).toBe(0);
    const again = handrail(['team', 'unlock', lockId, '--note', 'twice'], lead);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no held team lock '${lockId}'`);
  });

  it('lets go of its team lock when it is aborted', async () => {
    const crashed = await hold(alice, 'lite.md');
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    killStep(ws);
    const aborted = handrail(['abort', crashed.id, '--reason', 'nobody will finish this one'], alice);
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.held_locks WHERE run_id = '${crashed.id}'`)).toBe('0');
    expect(await ledger.pg.psql(`SELECT note FROM handrail.lock_events WHERE run_id = '${crashed.id}' AND action = 'release'`)).toBe('the run aborted');
    writeFileSync(ws.release, '');
    // Another machine (bob's data folder still holds its own crashed run from above).
    const free = handrail(['run', 'lite.md', '--env', 'dev'], ws.machine('dave', 'op_b', 'dave'));
    expect(free.code, free.stdout + free.stderr).toBe(0);
  });
});
