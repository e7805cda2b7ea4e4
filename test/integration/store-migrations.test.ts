// Numbered migrations, recorded with the SHA-256 of their SQL, on real database files.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/known-migrations.js';
import { migrate, sha256Hex } from '../../src/store/migrate.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { StoreError } from '../../src/store/store-error.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('store-mig');
});
afterEach(async () => {
  await removeDir(dir);
});

interface MigrationRow {
  id: number;
  name: string;
  sha256: string;
  applied_at: string;
}

function appliedRows(db: Database.Database): MigrationRow[] {
  return db.prepare('SELECT id, name, sha256, applied_at FROM _migrations ORDER BY id').all() as MigrationRow[];
}

/** Changes the database with a plain connection, as a person with sqlite3 would. */
function tamper(sql: string) {
  const db = new Database(join(dir, 'handrail.db'));
  db.exec(sql);
  db.close();
}

function openError(): StoreError {
  try {
    openAppDatabase(dir).close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('openAppDatabase succeeded');
}

describe('migrations', () => {
  it('apply once, in order, and are recorded with the SHA-256 of their SQL', () => {
    const first = openAppDatabase(dir);
    const rows = appliedRows(first.db);
    expect(rows.map((r) => [r.id, r.name, r.sha256])).toEqual(
      MIGRATIONS.map((m, i) => [i + 1, m.name, sha256Hex(m.sql)]),
    );
    expect(rows[0]?.name).toBe('0001-runs');
    expect(rows[0]?.applied_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const tables = first.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['runs', 'steps', 'step_output', 'step_output_totals', 'audit_events', 'audit_bodies', 'audit_checkpoints', 'locks']));
    first.close();

    const second = openAppDatabase(dir);
    expect(appliedRows(second.db)).toEqual(rows);
    expect(migrate(second.db, second.path)).toEqual([]);
    second.close();
  });

  it('refuses a database whose applied migration was edited since, and changes nothing', () => {
    openAppDatabase(dir).close();
    tamper(`UPDATE _migrations SET sha256 = '${'0'.repeat(64)}' WHERE id = 1`);
    const error = openError();
    expect(error.message).toMatch(/^Refusing to open .*handrail\.db: migration 0001-runs was edited after it was applied; /);
    expect(error.message).toContain('Nothing was changed.');
    expect(error.message).not.toMatch(/^\s+at\s/m);

    const db = new Database(join(dir, 'handrail.db'), { readonly: true });
    expect(appliedRows(db)[0]?.sha256).toBe('0'.repeat(64));
    db.close();
  });

  it('refuses a migration applied under another name as edited', () => {
    openAppDatabase(dir).close();
    tamper("UPDATE _migrations SET name = '0001-jobs' WHERE id = 1");
    expect(openError().message).toMatch(/migration 0001-runs was edited after it was applied \(it was applied under the name 0001-jobs\)/);
  });

  it('refuses a database from a newer Handrail', () => {
    openAppDatabase(dir).close();
    tamper(
      `INSERT INTO _migrations (id, name, sha256, applied_at) VALUES (${MIGRATIONS.length + 1}, '9999-from-the-future', '${'a'.repeat(64)}', '2099-01-01T00:00:00.000Z')`,
    );
    const message = openError().message;
    expect(message).toMatch(/was last used by a newer version of Handrail \(it has migration 9999-from-the-future/);
    expect(message).toContain(`knows migrations only up to ${MIGRATIONS[MIGRATIONS.length - 1]?.name}`);
    expect(message).toContain('Nothing was changed.');
  });

  it('rolls back a migration that fails and keeps the ones before it', () => {
    const path = join(dir, 'handrail.db');
    const db = new Database(path);
    const list = [
      { name: '0001-a', sql: 'CREATE TABLE a (x INTEGER);' },
      { name: '0002-b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(db, path, list)).toThrow(
      /^Could not upgrade .*: migration 0002-b failed \(no such table: nowhere, SQLITE_ERROR\) and was rolled back; the database is as migration 0001-a left it/,
    );
    expect(appliedRows(db).map((r) => r.name)).toEqual(['0001-a']);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['_migrations', 'a']);
    db.close();
  });

  it('reports a disk that fills up during a migration as a full disk', () => {
    const path = join(dir, 'handrail.db');
    const db = new Database(path);
    // SQLite's own page limit produces the same SQLITE_FULL a full disk does.
    db.pragma('max_page_count = 2');
    expect(() => migrate(db, path)).toThrow(/migration 0001-runs failed \(database or disk is full, SQLITE_FULL\).*Free some space/);
    expect(appliedRows(db)).toEqual([]);
    db.close();
  });

  it('insists that migration numbers run 1, 2, 3', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, ':memory:', [{ name: '0002-b', sql: '' }])).toThrow(/numbers must run 1, 2, 3/);
    expect(() => migrate(db, ':memory:', [{ name: 'runs', sql: '' }])).toThrow(/is not NNNN-words/);
    db.close();
  });
});
