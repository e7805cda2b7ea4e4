// The team-lock specs' common ground for a run whose lock was taken with one ledger login and
// that is then resumed, aborted or shipped on the same machine under another: a real
// PostgreSQL ledger with writers op_a, op_a2, op_b and lead lead_c, the team workspace, Bob's
// machine to be refused by a lock that stayed, and the crashed-then-relogged run. Each spec
// file calls otherLoginSuite once; every lock is freed after each test.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { endBlockingRuns, holdRun, killStep } from './blocking-run.js';
import { type CliOptions, type CliResult, handrailAsync } from './handrail-cli.js';
import { releaseEveryLock, startTestLedger, teamWorkspace, type TeamWorkspace, type TestLedger } from './team-ledger.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { until } from './until.js';

export interface CrashedRun {
  id: string;
  lockId: string;
  /** The same machine (data folder) under the new login. */
  again: CliOptions;
  /** The machine's name, for ws.machine(name, …) under yet another login. */
  name: string;
}

export interface OtherLoginSuite {
  root: string;
  ledger: TestLedger;
  ws: TeamWorkspace;
  /** Another machine (login op_b), which a lock that stayed must refuse. */
  bob: CliOptions;
  /**
   * Alice's run on a machine of its own, killed as by a crash after it changed the database
   * (its team lock taken with login op_a stays), and the same machine under `login`.
   */
  crashedThenRelogged(login: string, operator: string): Promise<CrashedRun>;
  stillHeld(lockId: string): Promise<boolean>;
  /** A run from Bob's machine that must be refused by the lock; fails the test if it gets to its step 2. */
  refusedElsewhere(): Promise<CliResult>;
  /** The lock key of the workspace's SQLite target, as the ledger names it. */
  key(): string;
  /** What every place says of a lock that stayed: which, under which login, and the lead's next step with the GRANT. */
  expectKeptNote(text: string, lockId: string, login: string): void;
}

export function otherLoginSuite(name: string): OtherLoginSuite {
  let machines = 0;
  const suite: OtherLoginSuite = {
    root: '',
    ledger: undefined as unknown as TestLedger,
    ws: undefined as unknown as TeamWorkspace,
    bob: undefined as unknown as CliOptions,

    async crashedThenRelogged(login, operator) {
      const machine = `alice-${++machines}`;
      const run = await holdRun(suite.ws, suite.ws.machine(machine, 'op_a', 'alice'), ['run', 'lite.md', '--env', 'dev']);
      run.child.kill('SIGKILL');
      await run.exited;
      killStep(suite.ws);
      const id = run.id ?? '';
      const lockId = await suite.ledger.pg.psql(`SELECT lock_id FROM handrail.held_locks WHERE run_id = '${id}'`);
      expect(lockId).toMatch(/^[0-9a-f-]{36}$/);
      return { id, lockId, again: suite.ws.machine(machine, login, operator), name: machine };
    },

    async stillHeld(lockId) {
      return (await suite.ledger.pg.psql(`SELECT count(*) FROM handrail.held_locks WHERE lock_id = '${lockId}'`)) === '1';
    },

    async refusedElsewhere() {
      endBlockingRuns(suite.ws);
      let result: CliResult | undefined;
      void handrailAsync(['run', 'lite.md', '--env', 'dev'], suite.bob).then((r) => (result = r));
      await until('the other machine ends or reaches its step 2', () => result !== undefined || existsSync(suite.ws.ready));
      if (!result) throw new Error('the other machine got past the team lock: the lock did not stay');
      return result;
    },

    key: () => `sqlite://${hostname().toLowerCase()}${suite.ws.dbPath}`,

    expectKeptNote(text, lockId, login) {
      expect(text).toContain(`team lock ${lockId} on lite (${suite.key()}) stayed held in the team ledger`);
      expect(text).toContain('taken with ledger login op_a');
      expect(text).toContain(`login ${login} is not a lead`);
      expect(text).toContain(`handrail team unlock ${lockId} --note`);
      expect(text).toContain(`GRANT handrail_lead TO ${login};`);
    },
  };

  beforeAll(async () => {
    suite.root = await makeTempDir(name);
    suite.ledger = await startTestLedger(suite.root, { op_a: 'operator', op_a2: 'operator', op_b: 'operator', lead_c: 'lead' });
    suite.ws = await teamWorkspace(suite.root, suite.ledger);
    suite.bob = suite.ws.machine('bob', 'op_b', 'bob');
  }, 60_000);
  afterEach(async () => {
    endBlockingRuns(suite.ws);
    // Each test starts with the database free.
    await releaseEveryLock(suite.ledger);
  });
  afterAll(async () => {
    await suite.ledger?.pg.stop();
    if (suite.root) await removeDir(suite.root);
  });
  return suite;
}
