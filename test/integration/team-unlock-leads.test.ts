// Who may release a team lock, decided by the ledger itself (a real PostgreSQL): an operator of
// another machine cannot release a lock to get past it, through the CLI or by an INSERT of
// their own; a lead (role handrail_lead) can, recorded with their name and note; a machine's
// own operator can release a lock of that machine's crashed run, never of a run still going;
// and a ledger made by the earlier migrations gets the role and the rule from `team init`.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_MIGRATIONS } from '../../src/targets/ledger/known-ledger-migrations.js';
import { connectLedger } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { type CliOptions, type CliResult, handrail, handrailAsync } from '../support/handrail-cli.js';
import { startPostgres } from '../support/postgres.js';
import { psqlAs, releaseEveryLock, startTestLedger, teamWorkspace, type TeamWorkspace, type TestLedger } from '../support/team-ledger.js';
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
  root = await makeTempDir('team-unlock-leads');
  ledger = await startTestLedger(root, { op_a: 'operator', op_a2: 'operator', op_b: 'operator', lead_c: 'lead' });
  ws = await teamWorkspace(root, ledger);
  alice = ws.machine('alice', 'op_a', 'alice');
  bob = ws.machine('bob', 'op_b', 'bob');
  lead = ws.machine('lead', 'lead_c', 'carol');
}, 60_000);

afterEach(async () => {
  endBlockingRuns(ws);
  // Each test starts with the database free.
  await releaseEveryLock(ledger);
});
afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

/** Starts the blocking run on `cli`; resolves once it changed the database and waits in step 2. */
async function hold(cli: CliOptions): Promise<HeldRun & { id: string }> {
  const run = await holdRun(ws, cli, ['run', 'lite.md', '--env', 'dev']);
  return { ...run, id: run.id ?? '' };
}

let machines = 0;
/** Alice on a machine of her own (a fresh data folder): a crashed run keeps its folder's own lock too. */
function aliceMachine(): CliOptions {
  return ws.machine(`alice-${++machines}`, 'op_a', 'alice');
}

/** The blocking run, killed as by a crash: its process and its step's are gone, its team lock stays. */
async function crashedRun(cli: CliOptions = aliceMachine()): Promise<{ id: string; lockId: string }> {
  const run = await hold(cli);
  run.child.kill('SIGKILL');
  await run.exited;
  killStep(ws);
  return { id: run.id, lockId: await ledger.pg.psql(`SELECT lock_id FROM handrail.held_locks WHERE run_id = '${run.id}'`) };
}

/** A run from `cli` that must be refused; fails the test if it gets to step 2. */
async function refusedRun(cli: CliOptions): Promise<CliResult> {
  const firstStep = existsSync(`${ws.ready}.pid`) ? readFileSync(`${ws.ready}.pid`, 'utf8') : '';
  let result: CliResult | undefined;
  void handrailAsync(['run', 'lite.md', '--env', 'dev'], cli).then((r) => (result = r));
  await until('the run ends or reaches its own step 2', () => result !== undefined || (existsSync(`${ws.ready}.pid`) && readFileSync(`${ws.ready}.pid`, 'utf8') !== firstStep));
  if (!result) throw new Error('the other machine got past the team lock: two runs changed the database at once');
  return result;
}

async function stillHeld(lockId: string): Promise<boolean> {
  return (await ledger.pg.psql(`SELECT count(*) FROM handrail.held_locks WHERE lock_id = '${lockId}'`)) === '1';
}

describe("another machine's team lock", () => {
  it("is not released by an operator of another machine: the ledger refuses, the CLI names the holder, the lead's role and the GRANT, and the lock still holds", async () => {
    const before = await ws.count('lite');
    const crashed = await crashedRun();
    expect(await stillHeld(crashed.lockId)).toBe(true);

    const refused = handrail(['team', 'unlock', crashed.lockId.slice(0, 8), '--note', 'I need the database now'], bob);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`run ${crashed.id} of alice on machine`);
    expect(refused.stderr).toMatch(/since \d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(refused.stderr).toContain('handrail_lead');
    expect(refused.stderr).toContain('GRANT handrail_lead TO op_b;');
    expect(refused.stderr).toContain('nothing was changed');
    expect(refused.stderr).toContain('still held');
    // Nothing changed anywhere: the lock, the ledger's events, bob's trail.
    expect(await stillHeld(crashed.lockId)).toBe(true);
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.lock_events WHERE lock_id = '${crashed.lockId}' AND action = 'release'`)).toBe('0');
    expect(localEvents(bob, 'team.unlocked')).toHaveLength(0);

    // And bob still cannot change the database.
    const run = await refusedRun(bob);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain(`locked in the team ledger by run ${crashed.id} of alice`);
    expect(await ws.count('lite')).toBe(before + 1);
  });

  it("is not released by the writer's own INSERT of the release row either (the client bypassed): PostgreSQL refuses it", async () => {
    const crashed = await crashedRun();
    const held = await ledger.pg.psql(`SELECT machine_id || '|' || lock_key FROM handrail.held_locks WHERE lock_id = '${crashed.lockId}'`);
    const [machineA, lockKey] = held.split('|');
    const bobsMachine = await ledger.pg.psql("SELECT machine_id FROM handrail.machines WHERE registered_role = 'op_b' LIMIT 1");
    // As bob's own machine, and as if bob's machine were alice's (the ledger knows logins, not claims).
    for (const claimed of [bobsMachine, machineA]) {
      const forged = await psqlAs(
        ledger,
        'op_b',
        `INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, activity, note)
         VALUES ('${crashed.lockId}', 'release', '${lockKey}', '${claimed}', 'laptop-a', 'alice', '${crashed.id}', 'run ${crashed.id}', 'forged');`,
      );
      expect(forged.code).not.toBe(0);
      expect(forged.stderr).toContain('handrail_lead');
      expect(forged.stderr).toContain('op_b');
      expect(await stillHeld(crashed.lockId)).toBe(true);
    }
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.lock_events WHERE lock_id = '${crashed.lockId}' AND action = 'release'`)).toBe('0');
  });

  it("is released by a lead's login, recorded in the lead's trail and in the ledger with the lead's name and note; then the other machine may go", async () => {
    const crashed = await crashedRun();
    const note = "alice's laptop died mid-run; counter checked by hand";
    const unlocked = handrail(['team', 'unlock', crashed.lockId, '--note', note], lead);
    expect(unlocked.code, unlocked.stdout + unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toContain(`released team lock ${crashed.lockId}`);
    expect(await stillHeld(crashed.lockId)).toBe(false);
    const recorded = localEvents(lead, 'team.unlocked').at(-1);
    expect(recorded).toMatchObject({ lockId: crashed.lockId, note, holder: { operator: 'alice', runId: crashed.id } });
    expect(await ledger.pg.psql(`SELECT operator || '|' || db_role || '|' || note FROM handrail.lock_events WHERE lock_id = '${crashed.lockId}' AND action = 'release'`)).toBe(
      `carol|lead_c|${note}`,
    );
    writeFileSync(ws.release, '');
    const free = handrail(['run', 'lite.md', '--env', 'dev'], bob);
    expect(free.code, free.stdout + free.stderr).toBe(0);
  });
});

describe("this machine's own team lock", () => {
  it("is released by its own operator once its run crashed, never while the run is still going", async () => {
    const live = await hold(alice);
    const liveLock = await ledger.pg.psql(`SELECT lock_id FROM handrail.held_locks WHERE run_id = '${live.id}'`);
    const early = handrail(['team', 'unlock', liveLock, '--note', 'thought it was stuck'], alice);
    expect(early.code, early.stdout + early.stderr).toBe(2);
    expect(early.stderr).toContain(`run ${live.id}`);
    expect(early.stderr).toContain('still running');
    expect(early.stderr).toContain('nothing was changed');
    expect(await stillHeld(liveLock)).toBe(true);
    writeFileSync(ws.release, '');
    expect(await live.exited).toBe(0);
    rmSync(ws.release);

    const crashed = await crashedRun(alice);
    const unlocked = handrail(['team', 'unlock', crashed.lockId, '--note', 'my run died; nobody will resume it'], alice);
    expect(unlocked.code, unlocked.stdout + unlocked.stderr).toBe(0);
    expect(await stillHeld(crashed.lockId)).toBe(false);
    expect(await ledger.pg.psql(`SELECT operator || '|' || db_role FROM handrail.lock_events WHERE lock_id = '${crashed.lockId}' AND action = 'release'`)).toBe('alice|op_a');
    expect(localEvents(alice, 'team.unlocked').at(-1)).toMatchObject({ lockId: crashed.lockId, holder: { runId: crashed.id } });
  });

  it("is not released while a step command of its crashed run still runs (it may still be changing the database)", async () => {
    const machine = aliceMachine();
    const run = await hold(machine);
    run.child.kill('SIGKILL');
    await run.exited;
    // Handrail is gone; its step's command (its own process group) is not.
    const lockId = await ledger.pg.psql(`SELECT lock_id FROM handrail.held_locks WHERE run_id = '${run.id}'`);
    const refused = handrail(['team', 'unlock', lockId, '--note', 'my run died'], machine);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain('still running from the run that died');
    expect(refused.stderr).toContain(`handrail resume ${run.id} --stop-leftover`);
    expect(refused.stderr).toContain('nothing was changed');
    expect(await stillHeld(lockId)).toBe(true);

    killStep(ws);
    await until("the step's command is gone", () => {
      try {
        process.kill(-Number(readFileSync(`${ws.ready}.pid`, 'utf8')), 0);
        return false;
      } catch {
        return true;
      }
    });
    const unlocked = handrail(['team', 'unlock', lockId, '--note', 'my run died; its step is stopped'], machine);
    expect(unlocked.code, unlocked.stdout + unlocked.stderr).toBe(0);
    expect(await stillHeld(lockId)).toBe(false);
  });
});

describe('a machine whose ledger login changed', () => {
  it("keeps a lock its old login took for a lead, and its shipping does not fail on the ledger's refusal", async () => {
    const name = `alice-${++machines}`;
    const crashed = await crashedRun(ws.machine(name, 'op_a', 'alice'));
    // The same data folder, now with another login: its abort cannot release the old login's lock.
    const renamed = ws.machine(name, 'op_a2', 'alice');
    const aborted = handrail(['abort', crashed.id, '--reason', 'nobody will finish this one'], renamed);
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(await stillHeld(crashed.lockId)).toBe(true);
    const shipped = handrail(['team', 'ship'], renamed);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    expect(await stillHeld(crashed.lockId)).toBe(true);
    const released = handrail(['team', 'unlock', crashed.lockId, '--note', "alice's folder changed login; her run is aborted"], lead);
    expect(released.code, released.stdout + released.stderr).toBe(0);
    expect(await stillHeld(crashed.lockId)).toBe(false);
  });
});

describe('a ledger made by the earlier migrations', () => {
  it('gets the lead role and the release rule from team init, and a lock held before the upgrade is then guarded', async () => {
    const pg = await startPostgres({ database: 'ledger' });
    try {
      const old = await connectLedger({ url: pg.url, password: pg.password }, 'test');
      try {
        await migrateLedger(old, LEDGER_MIGRATIONS.slice(0, 2));
      } finally {
        await old.end();
      }
      expect(await pg.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'handrail_lead'")).toBe('0');
      await pg.psql("CREATE ROLE op_a LOGIN PASSWORD 'pw-a' IN ROLE handrail_writer; CREATE ROLE op_b LOGIN PASSWORD 'pw-b' IN ROLE handrail_writer;");
      const as = (login: string, sql: string) => pg.runPsql(sql, { withPassword: false, env: { PGUSER: login, PGPASSWORD: login === 'op_a' ? 'pw-a' : 'pw-b' } });
      const fingerprint = `SHA256:${'a'.repeat(64)}`;
      const took = await as(
        'op_a',
        `SELECT status FROM handrail.register_machine('machine-a', 'laptop-a', 'alice', 'not a key', '${fingerprint}');
         INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, activity) VALUES ('lock-1', 'acquire', 'sqlite://x/app.db', 'machine-a', 'laptop-a', 'alice', 'run-1', 'run run-1');`,
      );
      expect(took.code, took.stderr).toBe(0);

      const init = handrail(['team', 'init', '--admin-url', pg.url, '--password-env', 'ADMIN_PW'], { dataDir: join(root, 'upgrade-admin'), env: { ADMIN_PW: pg.password } });
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/applied 0003-/);
      expect(init.stdout).toContain('handrail_lead');
      expect(await pg.psql("SELECT count(*) FROM pg_roles WHERE rolname = 'handrail_lead'")).toBe('1');

      const release = (note: string) =>
        `INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, activity, note) VALUES ('lock-1', 'release', 'sqlite://x/app.db', 'machine-a', 'laptop-b', 'bob', 'run-1', 'team unlock', '${note}');`;
      const forged = await as('op_b', release('forged'));
      expect(forged.code).not.toBe(0);
      expect(forged.stderr).toContain('handrail_lead');
      expect(await pg.psql("SELECT count(*) FROM handrail.held_locks WHERE lock_id = 'lock-1'")).toBe('1');

      await pg.psql('GRANT handrail_lead TO op_b;');
      const byLead = await as('op_b', release('released as a lead'));
      expect(byLead.code, byLead.stderr).toBe(0);
      expect(await pg.psql("SELECT count(*) FROM handrail.held_locks WHERE lock_id = 'lock-1'")).toBe('0');
    } finally {
      await pg.stop();
    }
  }, 60_000);
});
