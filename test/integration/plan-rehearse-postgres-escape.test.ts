// Hostile steps against `handrail plan --rehearse` on a real PostgreSQL: a step's own SQL
// tries to get out of the rehearsal's transaction (release or roll back the step's
// savepoint, change the session's defaults, run what cannot run in a transaction, keep a
// session lock, or commit through a second connection with dblink). Every row keeps its
// row version (xmin), no database appears, no lock or session is left, and a step that
// cannot be rehearsed safely is reported as FAILED, never passed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-rehearse-pg-escape-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
let pg: PgHandle;
let n = 0;

const runbook = (id: string, sql: string, attributes = 'mutates') =>
  writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\n---\n\n## Step\n\n\`\`\`sql {target=db ${attributes}}\n${sql}\n\`\`\`\n`);

runbook('release-own-savepoint', 'RELEASE SAVEPOINT handrail_rehearsal_step;\nDELETE FROM orders;');
runbook('rollback-to-own-savepoint', 'ROLLBACK TO SAVEPOINT handrail_rehearsal_step;\nDELETE FROM orders;');
runbook('session-defaults', 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;\nDELETE FROM orders;');
runbook('create-database', 'CREATE DATABASE handrail_planted;');
runbook('vacuum', 'VACUUM orders;');
runbook('advisory-lock', 'SELECT pg_advisory_lock(4242);');
runbook('read-lifts-read-only', 'ROLLBACK TO SAVEPOINT handrail_rehearsal_step;\nSELECT bump();', 'expect-rows=1');
runbook('setval', "SELECT setval('ids', 1);");

const cli = (): CliOptions => ({ dataDir: join(root, `data-${++n}`), workspace, env: { TEST_PG_PASSWORD: pg.password } });
const rowsWithVersions = () => pg.psql('SELECT xmin, id, item FROM orders ORDER BY id');
const rehearsalSessions = () => pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal'");

beforeAll(async () => {
  pg = await startPostgres();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      db: { postgres: "${pg.url}", password-env: TEST_PG_PASSWORD }\n`);
  const port = new URL(pg.url).port;
  // dblink opens its own connection, whose work commits on its own: the way out of any transaction.
  runbook('dblink', `SELECT dblink_exec('host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}', 'DELETE FROM orders');`);
  // The same, with the function's name put together at run time, where no reading of the text can see it.
  runbook('do-dynamic-dblink', `DO $do$ BEGIN EXECUTE 'SELECT dbl' || 'ink_exec(''host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}'', ''DELETE FROM orders'')'; END $do$;`);
  // And with the name quoted, or spelled with Unicode escapes.
  runbook('quoted-dblink', `SELECT "dblink_exec"('host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}', 'DELETE FROM orders');`);
  runbook('escaped-dblink', `SELECT U&"dblin\\006b_exec"('host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}', 'DELETE FROM orders');`);
  // A function the step makes itself, or a built-in that runs a query string.
  runbook('made-function-dynamic', `CREATE FUNCTION sneak() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN EXECUTE 'SELECT dbl' || 'ink_exec(''host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}'', ''DELETE FROM orders'')'; END $f$;\nSELECT sneak();`);
  runbook('query-to-xml', `SELECT query_to_xml('SELECT dbl' || 'ink_exec(''host=127.0.0.1 port=${port} dbname=app user=postgres password=${pg.password}'', ''DELETE FROM orders'')', false, false, '');`);
  await pg.psql('CREATE EXTENSION IF NOT EXISTS dblink');
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  await pg.psql("DROP TABLE IF EXISTS orders CASCADE; CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT i, 'item-' || i FROM generate_series(1, 5) AS i;");
  await pg.psql("CREATE OR REPLACE FUNCTION bump() RETURNS int LANGUAGE sql AS $$ UPDATE orders SET item = 'bumped' RETURNING 1 $$");
  await pg.psql('DROP SEQUENCE IF EXISTS ids; CREATE SEQUENCE ids; SELECT setval($$ids$$, 100);');
});

describe('plan --rehearse on PostgreSQL against a step that tries to leave its transaction', () => {
  for (const id of ['release-own-savepoint', 'rollback-to-own-savepoint', 'session-defaults', 'create-database', 'vacuum', 'advisory-lock', 'read-lifts-read-only', 'setval', 'dblink', 'do-dynamic-dblink', 'quoted-dblink', 'escaped-dblink', 'made-function-dynamic', 'query-to-xml']) {
    it(`${id}: every row keeps its version, nothing is left behind`, async () => {
      const before = await rowsWithVersions();
      const result = handrail(['plan', id, '--env', 'dev', '--rehearse'], cli());
      expect(await rowsWithVersions()).toBe(before);
      expect(await pg.psql("SELECT count(*) FROM pg_database WHERE datname = 'handrail_planted'")).toBe('0');
      expect(await pg.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).toBe('0');
      expect(await rehearsalSessions()).toBe('0');
      expect(result.stdout).not.toContain(pg.password);
      // Exit 0 or 1 (a finding), never a crash.
      expect([0, 1]).toContain(result.code);
      expect(await pg.psql('SELECT last_value FROM ids')).toBe('100');
      if (['dblink', 'do-dynamic-dblink', 'quoted-dblink', 'escaped-dblink', 'made-function-dynamic', 'query-to-xml', 'setval', 'read-lifts-read-only'].includes(id)) {
        expect(result.stdout).toContain('Step 1: FAILED');
        const why: Record<string, string> = {
          'read-lifts-read-only': 'savepoint "handrail_rehearsal_step" does not exist',
          'do-dynamic-dblink': 'runs SQL it puts together itself (EXECUTE)',
          'escaped-dblink': 'spells an identifier with Unicode escapes',
          'made-function-dynamic': 'runs SQL it puts together itself (EXECUTE)',
        };
        expect(result.stdout).toContain(why[id] ?? "which acts outside the rehearsal's transaction");
        expect(result.code).toBe(1);
      }
    });
  }
});
