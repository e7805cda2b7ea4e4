// The audit chain's costs: one append (hashing, body beside the chain, search index, FULL
// commit) against a plain better-sqlite3 insert of the same row under the same settings,
// and `audit verify` throughput against raw SHA-256 over the same bytes.
// HANDRAIL_BENCH_AUDIT_EVENTS sets the chain length for verify (default 1,000,000).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import type { Figure } from './table.js';

const APPENDS = 400;
const body = { target: 'events', reason: 'bench', attempt: 1, note: 'a body of a typical size for a step event' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchAudit(): Promise<Figure[]> {
  const events = Number(process.env.HANDRAIL_BENCH_AUDIT_EVENTS ?? 1_000_000);
  const dir = await makeTempDir('bench-audit');
  try {
    const app = openAppDatabase(join(dir, 'data'));
    const store = new RunStore(app.db);
    const chained: number[] = [];
    for (let i = 0; i < APPENDS; i++) {
      const t = performance.now();
      store.appendEvent({ operator: 'bench', kind: 'step.succeeded', body });
      chained.push(performance.now() - t);
    }

    // The same row into a plain table, WAL + synchronous=FULL, one transaction each.
    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('journal_mode = WAL');
    plain.pragma('synchronous = FULL');
    plain.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT, operator TEXT, kind TEXT, run_id TEXT, step_idx INTEGER, body_json TEXT)');
    const insert = plain.prepare('INSERT INTO events (at, operator, kind, run_id, step_idx, body_json) VALUES (?, ?, ?, ?, ?, ?)');
    const inserted: number[] = [];
    for (let i = 0; i < APPENDS; i++) {
      const t = performance.now();
      plain.transaction(() => insert.run(new Date().toISOString(), 'bench', 'step.succeeded', null, null, JSON.stringify(body)))();
      inserted.push(performance.now() - t);
    }
    plain.close();

    // A long chain, appended in one transaction (only the commit is durable, not the point here).
    store.atomically(() => {
      for (let i = APPENDS; i < events; i++) store.appendEvent({ operator: 'bench', kind: 'step.output', body: { ...body, i } });
    });
    const publicKey = readPublicKey(join(dir, 'data', 'keys'));
    let t = performance.now();
    const result = store.audit.verify(publicKey);
    const verifyMs = performance.now() - t;
    if (!result.ok) throw new Error('the bench chain does not verify');

    // Raw SHA-256 over the same bytes: every chained field and body, one hash per event.
    const rows = app.db
      .prepare('SELECT e.*, b.body_json FROM audit_events e JOIN audit_bodies b USING (seq) ORDER BY seq')
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    t = performance.now();
    for (const row of rows) createHash('sha256').update(row.map(String).join('\u0000')).digest();
    const rawMs = performance.now() - t;
    app.close();

    const p = (v: number) => `${v.toFixed(2)} ms`;
    return [
      {
        name: 'audit append p50 / p99 (synchronous=FULL)',
        value: `${p(percentile(chained, 50))} / ${p(percentile(chained, 99))} (${(percentile(chained, 50) / percentile(inserted, 50)).toFixed(2)}× p50)`,
        baseline: `plain insert ${p(percentile(inserted, 50))} / ${p(percentile(inserted, 99))}`,
        goal: '≤ 1.5×',
      },
      {
        name: `audit verify, ${events.toLocaleString('en')} events`,
        value: `${(verifyMs / 1000).toFixed(1)} s (${(rawMs / verifyMs).toFixed(2)}× raw SHA-256 throughput)`,
        baseline: `raw SHA-256 of the same rows: ${(rawMs / 1000).toFixed(1)} s`,
        goal: '≥ 0.5',
      },
    ];
  } finally {
    await removeDir(dir);
  }
}
