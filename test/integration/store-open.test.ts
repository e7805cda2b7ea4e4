// Opening the app database (DATA_DIR/handrail.db) on real files: durability settings, and
// the messages an operator gets when the folder or the file is wrong.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/store/open-database.js';
import { StoreError, describeOpenFailure } from '../../src/store/store-error.js';
import { BIN } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('store-open');
});
afterEach(async () => {
  await removeDir(dir);
});

/** Opens and expects a StoreError; returns its message. */
function openFailure(dataDir: string): string {
  try {
    openAppDatabase(dataDir).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as Error).message;
  }
  throw new Error(`openAppDatabase(${dataDir}) succeeded`);
}

const asRoot = process.getuid?.() === 0;

/** A folder this user (or, as root, `nobody`) may enter but not write to. */
function lockedDir(): string {
  chmodSync(dir, 0o755);
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  return locked;
}

/** As root, through the CLI run as `nobody`: root could write anywhere. */
function openFailureAsUser(dataDir: string): string {
  if (!asRoot) return openFailure(dataDir);
  const result = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, 'runs'], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8' });
  expect(result.status).toBe(1);
  return result.stderr.replace(/^handrail: /, '').trim();
}

function expectOperatorMessage(message: string) {
  expect(message).toContain('Nothing was changed.');
  expect(message).not.toMatch(/^\s+at\s/m);
  expect(message).not.toMatch(/node:internal|\.[jt]s:\d+:\d+/);
  expect(message.split('\n')).toHaveLength(1);
}

describe('openAppDatabase', () => {
  it('creates the data directory (0700) and the database in WAL mode with synchronous=FULL', () => {
    const dataDir = join(dir, 'nested', 'data');
    const app = openAppDatabase(dataDir);
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(app.path).toBe(join(dataDir, 'handrail.db'));
      expect(app.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(app.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(app.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(app.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      app.close();
    }
  });

  it('keeps synchronous=FULL when reopening a WAL database (which would otherwise open at NORMAL)', () => {
    openAppDatabase(dir).close();
    const plain = new Database(join(dir, 'handrail.db'));
    // The reason the setting is made on every open: better-sqlite3's build default for WAL.
    expect(plain.pragma('synchronous', { simple: true })).toBe(1);
    plain.close();

    const app = openAppDatabase(dir);
    expect(app.db.pragma('synchronous', { simple: true })).toBe(2);
    app.close();
    app.close(); // closing twice is harmless
  });

  it('explains a data directory under a regular file, without a stack trace', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder\n');
    const message = openFailure(join(file, 'x'));
    expect(message).toContain(join(file, 'x'));
    expect(message).toMatch(/^Handrail cannot create its data directory .*: part of that path is a file/);
    expect(message).toMatch(/--data-dir/);
    expectOperatorMessage(message);
  });

  it('explains /etc/hostname/x (root can write anywhere, but not under a file)', () => {
    const message = openFailure('/etc/hostname/x');
    expect(message).toContain('/etc/hostname/x');
    expectOperatorMessage(message);
  });

  // Root may write anywhere; as root these two run the CLI as `nobody`, which may not.
  it('explains a data directory it may not write to', () => {
    const locked = lockedDir();
    const message = openFailureAsUser(locked);
    expect(message).toMatch(/^Handrail cannot write its database .*: permission denied or read-only file system/);
    expectOperatorMessage(message);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('explains a data directory it may not create', () => {
    const message = openFailureAsUser(join(lockedDir(), 'data'));
    expect(message).toMatch(/^Handrail cannot create its data directory .*: permission denied or read-only file system/);
    expectOperatorMessage(message);
  });

  it('refuses a handrail.db that is not a database, and leaves it untouched', () => {
    const file = join(dir, 'handrail.db');
    const bytes = Buffer.from('these are my notes, not a database\n'.repeat(200));
    writeFileSync(file, bytes);
    const message = openFailure(dir);
    expect(message).toContain(file);
    expect(message).toMatch(/is not a readable Handrail database: file is not a database/);
    expect(message).toMatch(/move it aside/);
    expectOperatorMessage(message);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['handrail.db']);
  });

  it("refuses another application's SQLite database instead of adding tables to it", () => {
    const file = join(dir, 'handrail.db');
    const other = new Database(file);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    other.close();
    const message = openFailure(dir);
    expect(message).toMatch(/is a SQLite database, but not Handrail's \(it has the tables invoices/);
    expectOperatorMessage(message);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['invoices']);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete'); // not switched to WAL
    check.close();
  });

  it('explains a handrail.db that is a directory', () => {
    mkdirSync(join(dir, 'handrail.db'));
    const message = openFailure(dir);
    expect(message).toContain(join(dir, 'handrail.db'));
    expectOperatorMessage(message);
  });

  it('words a full disk as a full disk (error codes as Node and SQLite report them)', () => {
    for (const error of [
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      Object.assign(new Error("ENOSPC: no space left on device, mkdir '/data'"), { code: 'ENOSPC' }),
    ]) {
      const message = describeOpenFailure(error, { dbPath: '/data/handrail.db', dataDir: '/data', creatingDir: false });
      expect(message).toMatch(/^Handrail cannot write its database \/data\/handrail.db: the disk is full/);
      expect(message).toMatch(/Free some space/);
      expectOperatorMessage(message);
    }
  });
});
