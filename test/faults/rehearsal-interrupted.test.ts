// A rehearsal stopped half-way (Ctrl-C, the terminal closing, a service manager's SIGTERM,
// its PostgreSQL connection cut) leaves nothing behind: no copy of a SQLite database in the temporary folder, no open
// transaction on PostgreSQL, and the databases as they were.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let pg: PgHandle;
let cli: CliOptions;
let scratch: string;
let dbPath: string;

beforeAll(async () => {
  root = await makeTempDir('rehearsal-stop');
  pg = await startPostgres();
  const workspace = join(root, 'ws');
  scratch = join(root, 'tmp');
  dbPath = join(root, 'shop.db');
  mkdirSync(workspace);
  mkdirSync(scratch);
  const db = new Database(dbPath);
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('a'), ('b');");
  db.close();
  await pg.psql("CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'a'), (2, 'b');");
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      shop: { sqlite: ${JSON.stringify(dbPath)} }\n      db: { postgres: "${pg.url}", password-env: TEST_PG_PASSWORD }\n`,
  );
  writeFileSync(
    join(workspace, 'slow.md'),
    '---\nid: slow\ntitle: slow\nversion: 1.0.0\n---\n\n' +
      '## Delete on SQLite\n\n```sql {target=shop mutates}\nDELETE FROM orders;\n```\n\n' +
      '## Delete on PostgreSQL\n\n```sql {target=db mutates}\nDELETE FROM orders;\n```\n\n' +
      '## A long read\n\n```sql {target=db}\nSELECT pg_sleep(25);\n```\n',
  );
  cli = { dataDir: join(root, 'data'), workspace, env: { TMPDIR: scratch, TEST_PG_PASSWORD: pg.password } };
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  await removeDir(root);
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const rehearsalSessions = () => pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal'");

describe('a rehearsal stopped half-way', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('by %s leaves no copy, no transaction, and both databases as they were', async (signal) => {
    const before = sha256(dbPath);
    const child = handrailChild(['plan', 'slow', '--env', 'dev', '--rehearse'], cli);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The rehearsal is in its long read: the SQLite copy exists, the transaction is open.
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal' AND query LIKE '%pg_sleep%'")) === '1');
    expect(readdirSync(scratch)).not.toEqual([]);
    child.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(stdout).toContain('End of plan.');
    expect(stdout).toContain(`  Step 3: the rehearsal was stopped during this step (${signal}); its changes were undone`);
    expect(stdout).toContain(`Rehearsal stopped (${signal}); everything it did was undone.`);
    expect(readdirSync(scratch)).toEqual([]);
    await waitFor(async () => (await rehearsalSessions()) === '0');
    expect(await pg.psql('SELECT id, item FROM orders ORDER BY id')).toBe('1|a\n2|b');
    expect(sha256(dbPath)).toBe(before);
  });
});

describe('a rehearsal whose PostgreSQL connection is cut', () => {
  it('names the step it broke off in, exits 1, and leaves no copy and the databases as they were', async () => {
    const before = sha256(dbPath);
    const child = handrailChild(['plan', 'slow', '--env', 'dev', '--rehearse'], cli);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal' AND query LIKE '%pg_sleep%'")) === '1');
    await pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'handrail rehearsal'");
    expect(await exited).toBe(1);
    expect(stdout).toMatch(/ {2}Step 3: FAILED: the rehearsal on db broke off: .+; what it did there is undone with it/);
    expect(readdirSync(scratch)).toEqual([]);
    expect(await pg.psql('SELECT id, item FROM orders ORDER BY id')).toBe('1|a\n2|b');
    expect(sha256(dbPath)).toBe(before);
  });
});

async function waitFor(condition: () => Promise<boolean>, tries = 800, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
