// A console request that meets a full disk: the error it sends names the full disk and does
// not claim that nothing was changed (a run may have been part-way). The fault is SQLite's
// own: a database capped with max_page_count answers SQLITE_FULL exactly as a full disk does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/app/console/api-error.js';

const dir = mkdtempSync(join(tmpdir(), 'handrail-apifull-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sqliteFull(): unknown {
  const db = new Database(join(dir, 'capped.db'));
  try {
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma('max_page_count = 4');
    for (;;) db.prepare('INSERT INTO t VALUES (randomblob(4000))').run();
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
}

describe('console errors for a full disk', () => {
  it('names the full disk, never "nothing was changed"', () => {
    const error = sqliteFull();
    expect((error as { code?: string }).code).toBe('SQLITE_FULL');
    const api = toApiError(error, 'startRun');
    expect(api.code).toBe('failed');
    expect(api.message).toMatch(/the disk holding Handrail's data folder is full/);
    expect(api.message).not.toMatch(/nothing was changed/);
    expect(api.message).toMatch(/free some space/i);
  });
});
