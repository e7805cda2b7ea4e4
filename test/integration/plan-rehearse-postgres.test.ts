// `handrail plan --rehearse` on a real PostgreSQL: the SQL steps run inside one transaction
// that is always rolled back, each step seeing the ones before; the table is row for row
// what it was (the same row versions: xmin unchanged), no session or lock is left behind, and
// a rehearsal that meets a lock another session holds gives up at once and says so.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, handrailAsync, type CliOptions } from '../support/handrail-cli.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-rehearse-pg-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
let pg: PgHandle;
let n = 0;

const runbook = (id: string, steps: string[]) =>
  writeFileSync(join(workspace, `${id}.md`), [`---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\ninputs:\n  upto:\n    type: number\n    default: 3\n---\n`, ...steps].join('\n'));

runbook('pg-tidy', [
  "## Drop the old ones and mark the rest\n\n```sql {target=db mutates}\nDELETE FROM orders WHERE id <= :upto;\nUPDATE orders SET item = item || '-kept';\n```\n",
  '## Two are left\n\n```sql {target=db expect-rows=2}\nSELECT id FROM orders;\n```\n',
  "## Remove one that was marked\n\n```sql {target=db mutates expect-rows=1}\nDELETE FROM orders WHERE item = 'item-4-kept';\n```\n",
  '## One is left\n\n```sql {target=db expect-rows=1}\nSELECT id FROM orders;\n```\n',
]);
runbook('pg-untimed', [
  "## Lift the lock timeout, then wait for the lock\n\n```sql {target=db mutates}\nSET lock_timeout = 0;\nUPDATE orders SET item = 'x' WHERE id = 1;\n```\n",
]);
runbook('pg-sneaky-read', [
  '## Looks like a read\n\n```sql {target=db}\nSELECT bump();\n```\n',
]);
runbook('pg-fail', [
  '## Delete, then divide by zero\n\n```sql {target=db mutates}\nDELETE FROM orders WHERE id = 1;\nSELECT 1 / 0;\n```\n',
  '## Count\n\n```sql {target=db expect-rows=5}\nSELECT id FROM orders;\n```\n',
]);

const cli = (): CliOptions => ({ dataDir: join(root, `data-${++n}`), workspace, env: { TEST_PG_PASSWORD: pg.password } });
/** The rows with their row versions: a committed change, even one that wrote the same values back, gives a new xmin. */
const rowsWithVersions = () => pg.psql('SELECT xmin, id, item FROM orders ORDER BY id');
const rehearsalSessions = () => pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal'");

beforeAll(async () => {
  pg = await startPostgres();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      db: { postgres: "${pg.url}", password-env: TEST_PG_PASSWORD }\n  prod:\n    protected: true\n    targets:\n      db: { postgres: "${pg.url}", password-env: TEST_PG_PASSWORD }\n`);
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  await pg.psql("DROP TABLE IF EXISTS orders CASCADE; CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT i, 'item-' || i FROM generate_series(1, 5) AS i;");
  await pg.psql("CREATE OR REPLACE FUNCTION bump() RETURNS int LANGUAGE sql AS $$ UPDATE orders SET item = 'bumped' RETURNING 1 $$");
});

describe('plan --rehearse on PostgreSQL', () => {
  it('reports rows per statement with each step seeing the ones before, and leaves every row as it was', async () => {
    const before = await rowsWithVersions();
    const result = handrail(['plan', 'pg-tidy', '--env', 'dev', '--rehearse'], cli());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('db (PostgreSQL ' + pg.url + '): rehearsed inside one transaction that was rolled back. A rehearsal on PostgreSQL takes the same locks the run would, briefly');
    expect(out).toContain("  Step 1: rehearsed, 5 rows\n    statement 1 (DELETE FROM orders WHERE id <= $1): 3 rows affected\n    statement 2 (UPDATE orders SET item = item || '-kept'): 2 rows affected");
    expect(out).toContain('  Step 2: rehearsed, 2 rows; expect-rows=2 holds');
    expect(out).toContain('  Step 3: rehearsed, 1 row; expect-rows=1 holds');
    expect(out).toContain('  Step 4: rehearsed, 1 row; expect-rows=1 holds');
    expect(out).toContain('Rehearsal: every statement ran and every expect-rows held.');
    expect(out).not.toContain(pg.password);
    expect(await rowsWithVersions()).toBe(before);
    expect(await rehearsalSessions()).toBe('0');
    expect(await pg.psql('SELECT count(*) FROM pg_prepared_xacts')).toBe('0');
  });

  it('reports a failing statement, undoes its step, stops there (exit 1), and leaves every row as it was', async () => {
    const before = await rowsWithVersions();
    const result = handrail(['plan', 'pg-fail', '--env', 'dev', '--rehearse'], cli());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('End of plan.');
    expect(result.stdout).toContain('    statement 1 (DELETE FROM orders WHERE id = 1): 1 row affected');
    expect(result.stdout).toContain('    statement 2 (SELECT 1 / 0): failed: division by zero (SQLSTATE 22012)');
    expect(result.stdout).toContain('  Step 2: a run would stop at step 1');
    expect(await rowsWithVersions()).toBe(before);
    expect(await rehearsalSessions()).toBe('0');
  });

  it('runs a step without mutates read-only, as a run does: a function that writes fails there too', async () => {
    const before = await rowsWithVersions();
    const result = handrail(['plan', 'pg-sneaky-read', '--env', 'dev', '--rehearse'], cli());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('    statement 1 (SELECT bump()): failed: cannot execute UPDATE in a read-only transaction (SQLSTATE 25006): the step declares no `mutates`');
    expect(await rowsWithVersions()).toBe(before);
  });

  it('gives up at once on a lock another session holds, says so plainly, and changes nothing', async () => {
    const before = await rowsWithVersions();
    const holder = pg.psql('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;').catch(() => '');
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass AND mode = 'AccessExclusiveLock' AND granted")) !== '0');
    try {
      const result = await handrailAsync(['plan', 'pg-tidy', '--env', 'dev', '--rehearse'], cli());
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /Step 1: FAILED: statement 1 failed: it waited 2 s for a lock on PostgreSQL at 127\.0\.0\.1:\d+, database app that another session holds, and the rehearsal gave up \(lock_timeout\) — a run would wait for the same lock\. See who holds it: SELECT pid/,
      );
      expect(result.stdout).toContain('  Step 2: a run would stop at step 1');
      // A step that sets its own lock_timeout does not lift the rehearsal's.
      const untimed = await handrailAsync(['plan', 'pg-untimed', '--env', 'dev', '--rehearse'], cli());
      expect(untimed.code).toBe(1);
      expect(untimed.stdout).toContain('    statement 1 (SET lock_timeout = 0): 0 rows affected');
      expect(untimed.stdout).toMatch(/statement 2 \(UPDATE orders SET item = 'x' WHERE id = 1\): failed: it waited 2 s for a lock/);
    } finally {
      await pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()");
      await holder;
    }
    expect(await rowsWithVersions()).toBe(before);
    expect(await rehearsalSessions()).toBe('0');
  });
});

describe('plan --rehearse on PostgreSQL in a protected environment', () => {
  it("needs the environment's name typed, since the rehearsal takes locks there; without it nothing runs (exit 2)", async () => {
    const before = await rowsWithVersions();
    const refused = handrail(['plan', 'pg-tidy', '--env', 'prod', '--rehearse'], cli());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('a rehearsal in prod runs the SQL on db itself (PostgreSQL), in a transaction that is rolled back but takes the same locks a run would; give --confirm prod to rehearse there');
    expect(refused.stdout).not.toContain('Rehearsal');
    const wrong = handrail(['plan', 'pg-tidy', '--env', 'prod', '--rehearse', '--confirm', 'dev'], cli());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("'dev' is not 'prod': give --confirm prod");
    expect(handrail(['plan', 'pg-tidy', '--env', 'prod'], cli()).code).toBe(0);
    const confirmed = handrail(['plan', 'pg-tidy', '--env', 'prod', '--rehearse', '--confirm', 'prod'], cli());
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('  Step 4: rehearsed, 1 row; expect-rows=1 holds');
    expect(await rowsWithVersions()).toBe(before);
  });
});

async function waitFor(condition: () => Promise<boolean>, tries = 400, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
