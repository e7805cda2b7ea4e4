// PostgreSQL snapshots against a real server (test/support/postgres.ts): pg_dump, the full-read
// verification, restore, and the password kept out of argv and out of messages.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgConnection } from '../../src/targets/snapshot/pg-tools.js';
import {
  createPostgresSnapshotProvider,
  pgDumpArgs,
  pgRestoreArgs,
  verifyPostgresArchive,
} from '../../src/targets/snapshot/postgres-snapshot.js';
import { type PgHandle, startPostgres } from '../support/postgres.js';
import { runCommand } from '../support/run-command.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const never = new AbortController().signal;
let pg: PgHandle;
let dir: string;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});
beforeEach(async () => {
  dir = await makeTempDir('pgsnap');
  await pg.psql(`
    DROP TABLE IF EXISTS orders, customers CASCADE;
    CREATE TABLE customers(id serial PRIMARY KEY, name text NOT NULL UNIQUE);
    CREATE TABLE orders(id bigserial PRIMARY KEY, customer int REFERENCES customers, total numeric(10,2), note text);
    INSERT INTO customers(name) SELECT 'customer ' || g FROM generate_series(1, 200) g;
    INSERT INTO orders(customer, total, note) SELECT 1 + g % 200, g / 7.0, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g;
  `);
});
afterEach(async () => {
  await removeDir(dir);
});

const provider = () => createPostgresSnapshotProvider({ url: pg.url, password: pg.password, binDir: pg.binDir });
const state = () => pg.psql("SELECT count(*), sum(total), md5(string_agg(note, ',' ORDER BY id)) FROM orders; SELECT count(*) FROM customers");

describe('PostgreSQL snapshot', () => {
  it('takes a verified custom-format archive, and restore brings the old data back after changes', async () => {
    const before = await state();
    const path = join(dir, 'snapshots', 'app.dump');
    const progress: [number, number][] = [];

    const result = await provider().take({ path, signal: never, onProgress: (done, total) => progress.push([done, total]) });

    expect(result.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    expect(result.bytes).toBe(readFileSync(path).length);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('PGDMP');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'snapshots'))).toEqual(['app.dump']);
    await verifyPostgresArchive(path, { binDir: pg.binDir });
    expect(progress.every(([done, total]) => done <= total)).toBe(true);

    await pg.psql(`
      DELETE FROM orders WHERE id % 3 = 0; UPDATE customers SET name = name || ' (renamed)';
      CREATE TABLE extra(x int); ALTER TABLE orders ADD COLUMN flag bool;
    `);
    expect(await state()).not.toBe(before);

    await provider().restore(path, never);

    expect(await state()).toBe(before);
    expect(await pg.psql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'flag'")).toBe('0');
  });

  it('estimates the size from pg_database_size', async () => {
    const bytes = await provider().estimateBytes();
    expect(bytes).toBe(Number(await pg.psql('SELECT pg_database_size(current_database())')));
  });

  it('finds a truncated archive: pg_restore -f /dev/null fails on it, with a clear message', async () => {
    const path = join(dir, 'good.dump');
    await provider().take({ path, signal: never });
    const cut = join(dir, 'cut.dump');
    copyFileSync(path, cut);
    truncateSync(cut, Math.floor(readFileSync(path).length * 0.8));

    await expect(verifyPostgresArchive(cut, { binDir: pg.binDir })).rejects.toThrow(
      /^The PostgreSQL archive .*cut\.dump failed verification: pg_restore could not read it to the end \(exited with code 1: .+\)\. It is incomplete or damaged; do not restore from it\.$/,
    );
    writeFileSync(join(dir, 'junk.dump'), 'not an archive');
    await expect(verifyPostgresArchive(join(dir, 'junk.dump'), { binDir: pg.binDir })).rejects.toThrow(/failed verification/);
  });

  it('never puts the password in argv: it goes to PGPASSWORD, even when the URL carries it', () => {
    const secret = 'p@ss:w/rd';
    const inUrl = `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:5432/app`;
    const connection = pgConnection(inUrl);
    expect(connection.url).toBe('postgres://postgres@127.0.0.1:5432/app');
    expect(connection.env['PGPASSWORD']).toBe(secret);
    for (const args of [pgDumpArgs(connection.url, '/s/x.partial-1-ab', 1, 10_000), pgRestoreArgs(connection.url, '/s/x.dump')]) {
      expect(args.join(' ')).not.toContain(secret);
      expect(args.join(' ')).not.toContain(encodeURIComponent(secret));
    }
    expect(pgDumpArgs(pg.url, '/s/x', 1, 10_000)).toEqual([
      '--format=custom',
      '--compress=1',
      '--lock-wait-timeout=10000',
      '--no-password',
      '--file=/s/x',
      `--dbname=${pg.url}`,
    ]);
    expect(pgConnection(pg.url, pg.password).env['PGPASSWORD']).toBe(pg.password);
  });

  it('reports a wrong password with pg_dump stderr, without the password, and keeps no partial file', async () => {
    const wrong = 'Wrong-Secret-1234';
    const bad = createPostgresSnapshotProvider({ url: pg.url, password: wrong, binDir: pg.binDir });
    const error = await bad.take({ path: join(dir, 'x.dump'), signal: never }).then(() => undefined, (e: unknown) => e as Error);

    expect(error?.message).toMatch(/^The snapshot of PostgreSQL database postgres:\/\/postgres@127\.0\.0\.1:\d+\/app failed: pg_dump exited with code 1: .*password authentication failed/);
    expect(error?.message).toContain('Check the password configured for this target');
    expect(error?.message).not.toContain(wrong);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a restore while another session holds a lock, within the lock timeout, and changes nothing', async () => {
    const path = join(dir, 'app.dump');
    await provider().take({ path, signal: never });
    await pg.psql('DELETE FROM orders WHERE id > 10');
    // A session that holds a lock on orders until it is killed.
    const holder = pg.psql('BEGIN; LOCK TABLE orders IN ACCESS SHARE MODE; SELECT pg_sleep(30); COMMIT;').catch(() => '');
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass AND granted AND pid <> pg_backend_pid()")) !== '0');

    const quick = createPostgresSnapshotProvider({ url: pg.url, password: pg.password, binDir: pg.binDir, lockTimeoutMs: 300 });
    await expect(quick.restore(path, never)).rejects.toThrow(/was refused: another session held a lock on a table it restores for more than 300 ms, so Handrail cancelled it\. pg_restore ran in one transaction, so the database is unchanged\./);

    await pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
    await holder;
    expect(await pg.psql('SELECT count(*) FROM orders')).toBe('10');
  });

  // pg_restore reads the archive from the same stream that pg_dump writes and the file receives:
  // a reader that gives up half-way must fail the snapshot, never leave pg_dump waiting on it.
  it('fails, keeps no partial file and never hangs when the check reading the stream gives up half-way', async () => {
    await pg.psql('INSERT INTO orders(customer, total, note) SELECT 1, g, repeat(md5(g::text), 30) FROM generate_series(1, 20000) g');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['pg_dump', 'psql']) symlinkSync(join(pg.binDir, tool), join(bin, tool));
    writeFileSync(join(bin, 'pg_restore'), '#!/bin/sh\nhead -c 65536 > /dev/null\necho "pg_restore: error: could not read input file: damaged block" >&2\nexit 1\n', { mode: 0o755 });
    const snapshots = join(dir, 'snapshots');
    const broken = createPostgresSnapshotProvider({ url: pg.url, password: pg.password, binDir: bin });

    await expect(broken.take({ path: join(snapshots, 'x.dump'), signal: never })).rejects.toThrow(
      /failed: the archive failed verification: pg_restore could not read it to the end \(exited with code 1: pg_restore: error: could not read input file: damaged block\)\. The database itself was not changed and no snapshot was kept\./,
    );
    expect(readdirSync(snapshots)).toEqual([]);
  });

  it('names the full disk when the archive stops fitting half-way, stops pg_dump and keeps nothing (tmpfs; needs root)', async (ctx) => {
    // Random text: about 6 MiB even compressed, so it cannot fit whatever the compression.
    await pg.psql('INSERT INTO orders(customer, total, note) SELECT 1, g, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) FROM generate_series(1, 100000) g');
    const mnt = join(dir, 'mnt');
    const mount = await runCommand('sh', ['-c', `mkdir -p '${mnt}' && mount -t tmpfs -o size=2m tmpfs '${mnt}'`]);
    if (mount.code !== 0) return ctx.skip(`cannot mount a tmpfs here: ${mount.stderr.trim()}`);
    try {
      await expect(provider().take({ path: join(mnt, 'full.dump'), signal: never })).rejects.toThrow(
        /failed: not enough space in .*mnt: .*\. The database itself was not changed and no snapshot was kept\. Free some space there/,
      );
      expect(readdirSync(mnt)).toEqual([]);
      await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump'")) === '0');
    } finally {
      await runCommand('umount', [mnt]);
    }
  });

  it('gives up a snapshot behind an exclusive lock after the lock timeout, and keeps no partial file', async () => {
    const holder = pg.psql('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;').catch(() => '');
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass AND mode = 'AccessExclusiveLock' AND granted")) !== '0');

    const quick = createPostgresSnapshotProvider({ url: pg.url, password: pg.password, binDir: pg.binDir, lockTimeoutMs: 300 });
    await expect(quick.take({ path: join(dir, 'x.dump'), signal: never })).rejects.toThrow(
      /failed: pg_dump exited with code 1: .*LOCK TABLE public\.orders IN ACCESS SHARE MODE\. The database itself was not changed and no snapshot was kept\. Another session held a lock on a table longer than the lock timeout/,
    );
    expect(readdirSync(dir)).toEqual([]);

    await pg.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()");
    await holder;
  });
});

async function waitFor(condition: () => Promise<boolean>, tries = 200, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
