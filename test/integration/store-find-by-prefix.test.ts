// A run named by a prefix of its id, found by one query in a real app database: exact ids
// win, a prefix shared by two runs is ambiguous, and the prefix is taken literally
// (case-sensitive; `%` and `_` are not wildcards).
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRun } from '../../src/app/find-by-prefix.js';
import { type AppDatabase, openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const SOURCE = Buffer.from('---\nid: demo\ntitle: Demo\nversion: 1.0.0\n---\n');

let dir: string;
let app: AppDatabase;
let store: RunStore;
beforeEach(async () => {
  dir = await makeTempDir('find-prefix');
  app = openAppDatabase(dir);
  store = new RunStore(app.db);
  for (const id of ['abc-111', 'abc-122', 'abd_9', 'x%y']) {
    store.createRun({
      id,
      runbookId: 'demo',
      runbookVersion: '1.0.0',
      runbookSha256: createHash('sha256').update(SOURCE).digest('hex'),
      runbookPath: 'demo.md',
      runbookSource: SOURCE,
      environment: 'dev',
      operator: 'ana',
      inputs: {},
      steps: [],
    });
  }
});
afterEach(async () => {
  app.close();
  await removeDir(dir);
});

describe('finding a run by a prefix of its id', () => {
  it('finds the one run a prefix names, and the exact id', () => {
    expect(findRun(store, 'abc-11').id).toBe('abc-111');
    expect(findRun(store, 'abd').id).toBe('abd_9');
    expect(findRun(store, 'abc-122').id).toBe('abc-122');
  });

  it('refuses a prefix two runs share, and one no run has, saying what to do', () => {
    expect(() => findRun(store, 'abc')).toThrow("'abc' matches more than one run; give more of the id");
    expect(() => findRun(store, 'zzz', 'nothing was exported')).toThrow("no run 'zzz' (handrail runs lists them); nothing was exported");
  });

  it('takes the prefix literally: case-sensitive, no wildcards', () => {
    expect(() => findRun(store, 'ABC-11')).toThrow("no run 'ABC-11'");
    expect(() => findRun(store, 'ab_')).toThrow("no run 'ab_'");
    expect(() => findRun(store, '%')).toThrow("no run '%'");
    expect(findRun(store, 'x%').id).toBe('x%y');
  });
});
