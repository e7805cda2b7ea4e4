// The event search index is no longer written in the appending transaction (an append commits
// two pages of WAL, not eight); it catches up before every search. A search must still find
// every event, including the ones recorded a moment ago and the ones a database from before
// this change holds, must never find a body's purged text, and the index must stay whole.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { searchAudit } from '../../src/store/audit-search.js';
import { MIGRATIONS } from '../../src/store/known-migrations.js';
import { migrate } from '../../src/store/migrate.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('search-catch-up');
});
afterEach(async () => {
  await removeDir(dir);
});

const BEFORE_CATCH_UP = MIGRATIONS.findIndex((m) => m.name === '0011-audit-search-catch-up');

/** A data directory as the release before this change left it: its schema and events written with SQL. */
function writeOldDatabase(bodies: string[]): void {
  const db = new Database(join(dir, 'handrail.db'));
  db.pragma('journal_mode = WAL');
  migrate(db, join(dir, 'handrail.db'), MIGRATIONS.slice(0, BEFORE_CATCH_UP === -1 ? MIGRATIONS.length : BEFORE_CATCH_UP));
  let prevHash = GENESIS_HASH;
  bodies.forEach((body, i) => {
    const fields: AuditFields = { seq: i + 1, at: `2026-12-01T00:00:0${i}.000Z`, operator: 'old-ana', machine: 'old-host', appVersion: '0.9.0',
      kind: 'note.old', runId: null, stepIdx: null, environment: null, target: null, bodySha256: bodySha256(body) };
    const hash = eventHash(prevHash, fields);
    db.prepare(`INSERT INTO audit_events (seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
                VALUES (@seq, @at, @operator, @machine, @appVersion, @kind, @runId, @stepIdx, @environment, @target, @bodySha256, @prevHash, @hash)`)
      .run({ ...fields, prevHash, hash });
    db.prepare('INSERT INTO audit_bodies (seq, body_json) VALUES (?, ?)').run(i + 1, body);
    prevHash = hash;
  });
  db.close();
}

function found(db: Database.Database, text: string): number[] {
  return searchAudit(db, text, { limit: 100 }).map((hit) => hit.seq ?? -1);
}

/** FTS5's own check of the index against the events it indexes: throws when they disagree. */
function indexIntact(db: Database.Database): void {
  db.exec("INSERT INTO audit_search (audit_search) VALUES ('integrity-check')");
}

describe('the event search index catching up', () => {
  it('upgrades a database written before the change and finds its events and new ones, each once', () => {
    writeOldDatabase(['{"note":"the walrus-9 pipeline stalled"}', '{"note":"rolled back the walrus-9 deploy"}']);
    const app = openAppDatabase(dir);
    try {
      const applied = app.db.prepare('SELECT name FROM _migrations ORDER BY id').pluck().all();
      expect(applied).toContain('0011-audit-search-catch-up');
      const store = new RunStore(app.db);
      const seq = store.appendEvent({ operator: 'ana', kind: 'note.new', runId: null, body: { note: 'walrus-9 is healthy again' } });
      expect(found(app.db, 'walrus')).toEqual([seq, 2, 1]);
      // Searching again indexes nothing twice.
      expect(found(app.db, 'walrus')).toEqual([seq, 2, 1]);
      expect(found(app.db, 'stalled')).toEqual([1]);
      indexIntact(app.db);
    } finally {
      app.close();
    }
  });

  it('finds an event the moment it is recorded, and never a body purged before or after the index caught up', () => {
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      const early = store.appendEvent({ operator: 'ana', kind: 'note', runId: null, body: { note: 'password hunter2-early leaked' } });
      expect(found(app.db, 'hunter2')).toEqual([early]); // indexed by this search
      const late = store.appendEvent({ operator: 'ana', kind: 'note', runId: null, body: { note: 'password hunter2-late leaked' } });
      // Purged while indexed, and purged before the index ever saw it.
      app.db.prepare('UPDATE audit_bodies SET body_json = ? WHERE seq = ?').run('{"note":"(purged)"}', early);
      app.db.prepare('UPDATE audit_bodies SET body_json = ? WHERE seq = ?').run('{"note":"(purged)"}', late);
      expect(found(app.db, 'hunter2')).toEqual([]);
      expect(found(app.db, 'purged')).toEqual([late, early]);
      indexIntact(app.db);
    } finally {
      app.close();
    }
  });

  it('finds events another process recorded since this one last searched', () => {
    const app = openAppDatabase(dir);
    const other = openAppDatabase(dir);
    try {
      new RunStore(app.db).appendEvent({ operator: 'ana', kind: 'note', runId: null, body: { note: 'first otter' } });
      expect(found(app.db, 'otter')).toHaveLength(1);
      const seq = new RunStore(other.db).appendEvent({ operator: 'bob', kind: 'note', runId: null, body: { note: 'second otter' } });
      expect(found(app.db, 'otter')[0]).toBe(seq);
      indexIntact(app.db);
    } finally {
      other.close();
      app.close();
    }
  });

  it('has the index caught up after a run ends, before anyone searches', () => {
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      const indexedUpTo = () => app.db.prepare('SELECT indexed_upto FROM audit_search_progress').pluck().get() as number;
      const step = store.appendEvent({ operator: 'ana', kind: 'step.succeeded', runId: 'r-1', body: { note: 'heron step' } });
      const end = store.atomically(() => store.appendEvent({ operator: 'ana', kind: 'run.succeeded', runId: 'r-1', body: { note: 'heron done' } }));
      expect(indexedUpTo()).toBeGreaterThanOrEqual(end);
      expect(found(app.db, 'heron')).toEqual([end, step]);
      indexIntact(app.db);
    } finally {
      app.close();
    }
  });

  it('commits an appended event in at most three pages of WAL (the event, its body, a split)', () => {
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      for (let i = 0; i < 20; i++) store.appendEvent({ operator: 'ana', kind: 'step.succeeded', runId: null, body: { i } });
      app.db.pragma('wal_autocheckpoint = 0');
      app.db.pragma('wal_checkpoint(TRUNCATE)');
      const wal = join(dir, 'handrail.db-wal');
      const before = statSync(wal).size;
      const appends = 100;
      for (let i = 0; i < appends; i++) store.appendEvent({ operator: 'ana', kind: 'step.succeeded', runId: null, body: { note: 'a body of a typical size for a step event', i } });
      const pageSize = app.db.pragma('page_size', { simple: true }) as number;
      const pagesPerCommit = (statSync(wal).size - before) / (pageSize + 24) / appends;
      expect(pagesPerCommit).toBeLessThanOrEqual(3);
    } finally {
      app.close();
    }
  });
});
