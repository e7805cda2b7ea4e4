// The SHA-256 of a SQLite snapshot is taken from the copy while the copy is still being
// written (each stretch read back as soon as it lies in the copy). What it records must still
// be the hash of the file as published, byte for byte, including the journal mark a WAL
// database's copy gets in its header once the copy has started.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSnapshotProvider } from '../../src/targets/snapshot/sqlite-snapshot.js';
import { mountSmallDisk } from '../support/small-disk.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const never = new AbortController().signal;
let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('snap-follow');
});
afterEach(async () => {
  await removeDir(dir);
});

/** Big enough that the copy takes many of the hashing thread's reads, not one. */
const MB = 96;

function makeDatabase(path: string, journal: 'wal' | 'delete'): void {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, k TEXT, v BLOB); CREATE INDEX items_k ON items(k)');
  const rows = Math.round((MB * 1024 * 1024) / 1100);
  db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) INSERT INTO items(k, v) SELECT hex(randomblob(8)), randomblob(1000) FROM c').run(rows);
  // Switching to WAL last leaves an empty WAL: the copy is the file alone, marked afterwards.
  db.pragma(`journal_mode = ${journal}`);
  db.close();
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function headerVersions(path: string): number[] {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(2);
    readSync(fd, bytes, 0, 2, 18);
    return [...bytes];
  } finally {
    closeSync(fd);
  }
}

describe('SQLite snapshot hashed as the copy is written', () => {
  it.each([
    ['wal', [1, 1]],
    ['delete', [1, 1]],
  ] as const)('%s mode: the recorded SHA-256 and size are those of the published file, journal mark included', async (journal, versions) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, journal);
    if (journal === 'wal') expect(headerVersions(db)).toEqual([2, 2]);
    const path = join(dir, 'snapshots', 'big.sqlite');

    const result = await createSqliteSnapshotProvider(db).take({ path, signal: never });

    expect(result.bytes).toBe(statSync(db).size);
    expect(result.bytes).toBe(statSync(path).size);
    expect(result.sha256).toBe(await sha256(path));
    expect(headerVersions(path)).toEqual([...versions]);
    expect(readdirSync(join(dir, 'snapshots'))).toEqual(['big.sqlite']);
    const copy = new Database(path, { readonly: true });
    try {
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT count(*) AS n FROM items').get()).toEqual({ n: Math.round((MB * 1024 * 1024) / 1100) });
    } finally {
      copy.close();
    }
  });

  it('a disk that fills up mid-copy, while the copy is being hashed: says so, keeps nothing, never hangs (tmpfs; needs root)', async (ctx) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, 'wal');
    const disk = mountSmallDisk(Math.ceil(statSync(db).size / 2 ** 20) + 16);
    if (disk.unavailable) return ctx.skip(disk.unavailable);
    try {
      const path = join(disk.dir, 'full.sqlite');
      // The first report comes once the space was checked and before the copy starts: take
      // the room away then, leaving the copy a quarter of what it needs.
      let filled = false;
      const onProgress = (): void => {
        if (filled) return;
        filled = true;
        writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(disk.freeBytes() - Math.round(statSync(db).size / 4)));
      };

      await expect(createSqliteSnapshotProvider(db).take({ path, signal: never, onProgress })).rejects.toThrow(
        /not enough space in .*: .*The database itself was not changed/s,
      );
      expect(filled).toBe(true);
      expect(readdirSync(disk.dir)).toEqual(['filler']);
    } finally {
      disk.remove();
    }
  });
});
