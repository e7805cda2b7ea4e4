// SQLite snapshots on real files: the copy, its checksum, failures that leave nothing behind,
// and a process killed in the middle. Concurrent writers and restore: snapshot-sqlite-live.test.ts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainFolderFailure } from '../../src/targets/snapshot/snapshot-errors.js';
import { cleanLeftovers } from '../../src/targets/snapshot/snapshot-files.js';
import { createSqliteSnapshotProvider } from '../../src/targets/snapshot/sqlite-snapshot.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { runCommand } from '../support/run-command.js';

const never = new AbortController().signal;
let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('snap');
});
afterEach(async () => {
  await removeDir(dir);
});

/** A database with a rowid table, an index, a WITHOUT ROWID table and `padMb` MiB of random blobs. */
function makeDatabase(path: string, options: { journal?: 'wal' | 'delete'; padMb?: number } = {}): void {
  const db = new Database(path);
  db.pragma(`journal_mode = ${options.journal ?? 'wal'}`);
  db.exec(`
    CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);
    CREATE INDEX users_name ON users(name);
    CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
    CREATE TABLE pad(id INTEGER PRIMARY KEY, b BLOB);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500)
      INSERT INTO users(name, score) SELECT 'user-' || x, x * 1.5 FROM c;
    INSERT INTO kv VALUES ('a', x'00ff'), ('b', NULL), ('c', randomblob(3000));
  `);
  const rows = Math.round(((options.padMb ?? 0) * 1024 * 1024) / 1000);
  if (rows > 0) db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) INSERT INTO pad(b) SELECT randomblob(1000) FROM c').run(rows);
  db.close();
}

function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return {
      users: db.prepare('SELECT * FROM users ORDER BY id').all(),
      kv: db.prepare('SELECT * FROM kv ORDER BY k').all(),
      pad: db.prepare('SELECT id, hex(b) FROM pad ORDER BY id').all(),
      schema: db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all(),
    };
  } finally {
    db.close();
  }
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('SQLite snapshot', () => {
  it.each(['wal', 'delete'] as const)('copies a %s-mode database row by row, as one file, with the SHA-256 of that file', async (journal) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, { journal, padMb: 2 });
    const provider = createSqliteSnapshotProvider(db);
    const path = join(dir, 'snapshots', 'one.sqlite');
    const progress: [number, number][] = [];

    const result = await provider.take({ path, signal: never, onProgress: (done, total) => progress.push([done, total]) });

    expect(result.path).toBe(path);
    expect(result.sha256).toBe(sha256(path));
    expect(result.bytes).toBe(readFileSync(path).length);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(dump(path)).toEqual(dump(db));
    // One self-contained file: no -wal or -shm, nothing partial beside it.
    expect(readdirSync(join(dir, 'snapshots'))).toEqual(['one.sqlite']);
    const copy = new Database(path, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
    expect(progress.every(([done, total]) => done <= total)).toBe(true);
    expect(await provider.estimateBytes()).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  });

  // The copy is made two ways: the file alone, hashed as it is written, when the WAL is empty;
  // the file and its WAL, replayed by SQLite and hashed afterwards, when the WAL holds frames.
  it.each([
    ['frames no checkpoint has copied yet', 'NOOP'],
    ['frames already copied into the file', 'PASSIVE'],
    ['a WAL checkpointed and truncated to nothing', 'TRUNCATE'],
  ])('copies a WAL database another connection keeps open, with %s, whole and as one file', async (_, checkpoint) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, { journal: 'wal', padMb: 1 });
    const open = new Database(db);
    try {
      open.pragma('wal_autocheckpoint = 0');
      open.exec("INSERT INTO users(name, score) VALUES ('late', 1); UPDATE kv SET v = x'01' WHERE k = 'a'");
      if (checkpoint !== 'NOOP') open.pragma(`wal_checkpoint(${checkpoint})`);
      expect(statSync(`${db}-wal`).size > 0).toBe(checkpoint !== 'TRUNCATE');
      const path = join(dir, 'snapshots', 'open.sqlite');

      const result = await createSqliteSnapshotProvider(db).take({ path, signal: never });

      expect(result.sha256).toBe(sha256(path));
      expect(result.bytes).toBe(statSync(path).size);
      expect(readdirSync(join(dir, 'snapshots'))).toEqual(['open.sqlite']);
      expect(dump(path)).toEqual(dump(db));
      expect(dump(path).users).toContainEqual(expect.objectContaining({ name: 'late' }));
      const copy = new Database(path, { readonly: true });
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
      expect(readdirSync(join(dir, 'snapshots'))).toEqual(['open.sqlite']);
    } finally {
      open.close();
    }
  });

  it('refuses to overwrite an existing file and keeps no partial file', async () => {
    const db = join(dir, 'app.db');
    makeDatabase(db);
    const path = join(dir, 'taken.sqlite');
    writeFileSync(path, 'someone else');
    await expect(createSqliteSnapshotProvider(db).take({ path, signal: never })).rejects.toThrow(
      /a file named .*taken\.sqlite already exists\. The database itself was not changed and no snapshot was kept\./,
    );
    expect(readFileSync(path, 'utf8')).toBe('someone else');
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('explains a snapshot folder that cannot be created, and writes nothing', async () => {
    const db = join(dir, 'app.db');
    makeDatabase(db);
    writeFileSync(join(dir, 'plain-file'), '');
    const path = join(dir, 'plain-file', 'snapshots', 'x.sqlite');
    const error = await createSqliteSnapshotProvider(db)
      .take({ path, signal: never })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^The snapshot of SQLite database .*app\.db failed: .*plain-file\/snapshots cannot be used as a folder: part of that path is a file/);
    expect(error?.message).toContain('The database itself was not changed and no snapshot was kept.');
    expect(readdirSync(dir).sort()).toEqual(['app.db', 'plain-file']);
  });

  it('explains a database that does not exist', async () => {
    const provider = createSqliteSnapshotProvider(join(dir, 'missing.db'));
    await expect(provider.take({ path: join(dir, 's.sqlite'), signal: never })).rejects.toThrow(/missing\.db failed: the database cannot be opened/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('words disk-full, permission and read-only failures for the operator', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: something, write`), { code });
    expect(explainFolderFailure(errno('ENOSPC'), '/data/snapshots')?.reason).toBe('not enough space in /data/snapshots: ENOSPC: something, write');
    expect(explainFolderFailure(errno('EACCES'), '/data/snapshots')?.reason).toMatch(/^no permission to write in \/data\/snapshots/);
    expect(explainFolderFailure(errno('EROFS'), '/data/snapshots')?.reason).toMatch(/^\/data\/snapshots is on a read-only file system/);
    expect(explainFolderFailure(errno('SQLITE_FULL'), '/d')?.advice).toMatch(/Free some space/);
  });

  it('reports a full or read-only disk before writing anything (tmpfs; needs root)', async (ctx) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, { padMb: 2 });
    const mnt = join(dir, 'mnt');
    const mount = await runCommand('sh', ['-c', `mkdir -p '${mnt}' && mount -t tmpfs -o size=1m tmpfs '${mnt}'`]);
    if (mount.code !== 0) return ctx.skip(`cannot mount a tmpfs here: ${mount.stderr.trim()}`);
    try {
      const full = createSqliteSnapshotProvider(db).take({ path: join(mnt, 'full.sqlite'), signal: never });
      await expect(full).rejects.toThrow(/failed: not enough space in .*mnt: .* free, about 2\.\d MiB needed\. The database itself was not changed/);
      await runCommand('mount', ['-o', 'remount,ro', mnt]);
      const readOnly = createSqliteSnapshotProvider(join(dir, 'app.db')).take({ path: join(mnt, 'sub', 'ro.sqlite'), signal: never });
      await expect(readOnly).rejects.toThrow(/mnt\/sub is on a read-only file system/);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      await runCommand('umount', [mnt]);
    }
  });

  it('stops when aborted mid-way, removes its partial file and says the database was not changed', async () => {
    const db = join(dir, 'app.db');
    makeDatabase(db, { padMb: 20 });
    const path = join(dir, 'snapshots', 'aborted.sqlite');
    const abort = new AbortController();
    // The first report after the copy comes while the copy is being hashed and checked.
    const onProgress = (done: number): void => {
      if (done > 0) abort.abort();
    };
    await expect(createSqliteSnapshotProvider(db).take({ path, signal: abort.signal, onProgress })).rejects.toThrow(
      /^The snapshot of SQLite database .*app\.db was stopped because the run was aborted\. The database itself was not changed and no snapshot was kept\.$/,
    );
    expect(readdirSync(join(dir, 'snapshots'))).toEqual([]);
  });

  it('leaves only .partial-* files when the process taking it is killed, and cleanLeftovers removes them', async () => {
    const db = join(dir, 'big.db');
    makeDatabase(db, { journal: 'delete', padMb: 200 });
    const snapshots = join(dir, 'snapshots');
    const path = join(snapshots, 'big.sqlite');
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const provider = pathToFileURL(join(import.meta.dirname, '../../src/targets/snapshot/sqlite-snapshot.ts')).href;
    const script = `import { createSqliteSnapshotProvider } from '${provider}';
      await createSqliteSnapshotProvider(${JSON.stringify(db)}).take({ path: ${JSON.stringify(path)}, signal: new AbortController().signal });`;
    // Its own process group, so the worker it forked can be cleaned up after the test.
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid ?? 0;

    await waitFor(() => existsSync(snapshots) && readdirSync(snapshots).some((name) => name.includes('.partial-')));
    process.kill(pid, 'SIGKILL');
    await exited;

    expect(existsSync(path)).toBe(false);
    const names = readdirSync(snapshots);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.startsWith(`big.sqlite.partial-${pid}-`))).toBe(true);

    // The orphaned worker never renames; stop it so it writes nothing after the clean-up.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // it already noticed its parent was gone and exited
    }
    const removed = await cleanLeftovers(snapshots);
    expect(removed.length).toBeGreaterThan(0);
    expect(readdirSync(snapshots)).toEqual([]);
    expect(await cleanLeftovers(join(dir, 'no-such-folder'))).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, tries = 400, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
