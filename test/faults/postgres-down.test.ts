// PostgreSQL stopped (a real server, shut down) when a snapshot or a restore is asked for:
// the operator reads which server did not answer and what to do, never "a bug", and the
// audit trail ends a confirmed restore with its failure, never with a dangling confirmation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';
import { type PgHandle, startPostgres } from '../support/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-pgdown-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
const BUG = /This is a bug|internal error/;
let pg: PgHandle;
let cli: CliOptions;

beforeAll(async () => {
  pg = await startPostgres();
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      shop: { postgres: "${pg.url}", password-env: TEST_PG_PASSWORD }\n`,
  );
  cli = { dataDir: join(root, 'data'), workspace, env: { TEST_PG_PASSWORD: pg.password } };
  await pg.psql('CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 10);');
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

function events(): { kind: string; body: Record<string, unknown> }[] {
  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    return (db.prepare('SELECT kind, body_json FROM events ORDER BY seq').all() as { kind: string; body_json: string }[]).map((e) => ({
      kind: e.kind,
      body: JSON.parse(e.body_json) as Record<string, unknown>,
    }));
  } finally {
    db.close();
  }
}

describe('PostgreSQL down', () => {
  it('snapshot and restore name the server that does not answer; the trail records the restore as failed', async () => {
    const taken = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(taken.code, taken.stderr).toBe(0);
    const list = handrail(['snapshots', '--json'], cli);
    const [snapshot] = JSON.parse(list.stdout) as { id: string }[];
    expect(snapshot).toBeDefined();

    await pg.stop();
    const where = `127.0.0.1:${pg.port}`;

    const again = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(again.stderr).not.toMatch(BUG);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(where);
    expect(again.stderr).toMatch(/not answering/);
    expect(again.stderr).toMatch(/the snapshot of shop was not taken/);
    expect(events().at(-1)?.kind).toBe('snapshot.failed');

    const restore = handrail(['restore', snapshot?.id ?? '', '--yes'], cli);
    expect(restore.stderr).not.toMatch(BUG);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(where);
    expect(restore.stderr).toMatch(/not restored/);
    const kinds = events().map((e) => e.kind);
    const confirmed = kinds.lastIndexOf('restore.confirmed');
    expect(confirmed).toBeGreaterThan(-1);
    const after = events().slice(confirmed + 1);
    const failed = after.find((e) => e.kind === 'restore.failed');
    expect(failed, kinds.join(', ')).toBeDefined();
    expect(String(failed?.body.reason)).toContain(where);
    expect(after.at(-1)?.kind).toBe('restore.failed');
  }, 120_000);
});
