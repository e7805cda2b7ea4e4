// The consoles' start and stop are in the audit trail, so a reviewer can tell which console
// (and whose) was open when something happened.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { resolveSettings } from '../../src/app/settings.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeEach(async () => (dir = await makeTempDir('console-lifecycle')));
afterEach(() => removeDir(dir));

it('records app.started and app.stopped with the console, the version and the full name', async () => {
  const settings = resolveSettings({ dataDir: dir, operator: 'ana' }, { HANDRAIL_OPERATOR_NAME: 'Ana Lima' });
  const service = new ConsoleService(settings, 'desktop app');
  await service.close();
  const db = new Database(join(dir, 'handrail.db'), { readonly: true });
  try {
    const rows = db
      .prepare("SELECT e.kind, e.operator, b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind LIKE 'app.%' ORDER BY e.seq")
      .all() as { kind: string; operator: string; body_json: string }[];
    expect(rows.map((r) => r.kind)).toEqual(['app.started', 'app.stopped']);
    for (const row of rows) {
      expect(row.operator).toBe('ana');
      expect(JSON.parse(row.body_json)).toMatchObject({ console: 'desktop app', operatorName: 'Ana Lima', pid: process.pid });
    }
  } finally {
    db.close();
  }
});

it('signs a checkpoint as it stops, so the next start checks only what came after, however many consoles came and went', async () => {
  const settings = resolveSettings({ dataDir: dir, operator: 'ana' }, {});
  for (let i = 0; i < 5; i++) await new ConsoleService(settings, 'browser console').close();
  const db = new Database(join(dir, 'handrail.db'), { readonly: true });
  try {
    const newest = db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number;
    const checkpointed = db.prepare('SELECT max(seq) FROM audit_checkpoints').pluck().get() as number | null;
    // The last event, the fifth app.stopped, is under a signed checkpoint: the tail is empty.
    expect(db.prepare('SELECT kind FROM audit_events WHERE seq = ?').pluck().get(newest)).toBe('app.stopped');
    expect(checkpointed).toBe(newest);
  } finally {
    db.close();
  }
});
