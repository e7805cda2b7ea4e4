// The audit chain's costs: one append (hashing, body beside the chain, FULL commit; the
// search index catches up later) against a plain better-sqlite3 insert of the same row under the same settings,
// and `audit verify` throughput against raw SHA-256 over the same bytes.
// HANDRAIL_BENCH_AUDIT_EVENTS sets the chain length for verify (default 1,000,000).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { atLeast, atMost, show, stats, type Figure, settings } from './table.js';

const APPENDS = 400;
const body = { target: 'events', reason: 'bench', attempt: 1, note: 'a body of a typical size for a step event' };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Raw SHA-256 over the same bytes: every chained field and body, one hash per event. */
function rawHashMs(db: Database.Database): number {
  const rows = db.prepare('SELECT e.*, b.body_json FROM audit_events e JOIN audit_bodies b USING (seq) ORDER BY seq').raw().iterate() as IterableIterator<unknown[]>;
  const t = performance.now();
  for (const row of rows) createHash('sha256').update(row.map(String).join('\u0000')).digest();
  return performance.now() - t;
}

export async function benchAuditAppend(): Promise<Figure[]> {
  const dir = await makeTempDir('bench-audit');
  try {
    const app = openAppDatabase(join(dir, 'data'));
    const store = new RunStore(app.db);
    // The same row into a plain table, WAL + synchronous=FULL, one transaction each.
    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('journal_mode = WAL');
    plain.pragma('synchronous = FULL');
    plain.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT, operator TEXT, kind TEXT, run_id TEXT, step_idx INTEGER, body_json TEXT)');
    const insert = plain.prepare('INSERT INTO events (at, operator, kind, run_id, step_idx, body_json) VALUES (?, ?, ?, ?, ?, ?)');
    // Rounds of appends, each against plain inserts in the same round: p50 of each round.
    const ratios: number[] = [];
    const chainedP50: number[] = [];
    const plainP50: number[] = [];
    let chainedP99 = 0;
    for (let round = 0; round < settings.runs; round++) {
      const chained: number[] = [];
      const inserted: number[] = [];
      for (let i = 0; i < APPENDS; i++) {
        let t = performance.now();
        plain.transaction(() => insert.run(new Date().toISOString(), 'bench', 'step.succeeded', null, null, JSON.stringify(body)))();
        inserted.push(performance.now() - t);
        t = performance.now();
        store.appendEvent({ operator: 'bench', kind: 'step.succeeded', body });
        chained.push(performance.now() - t);
      }
      chainedP50.push(percentile(chained, 50));
      plainP50.push(percentile(inserted, 50));
      chainedP99 = Math.max(chainedP99, percentile(chained, 99));
      ratios.push(percentile(chained, 50) / percentile(inserted, 50));
    }
    plain.close();
    app.close();
    const ratio = stats(ratios);
    return [
      {
        name: 'audit append p50 (synchronous=FULL)',
        value: `${show.x(ratio)}; ${show.ms(stats(chainedP50), 2)}, worst p99 ${chainedP99.toFixed(2)} ms`,
        baseline: `plain insert p50 ${show.ms(stats(plainP50), 2)}`,
        goal: atMost(ratio, 1.3),
      },
    ];
  } finally {
    await removeDir(dir);
  }
}

export async function benchAuditVerify(): Promise<Figure[]> {
  const events = Number(process.env.HANDRAIL_BENCH_AUDIT_EVENTS ?? 1_000_000);
  const dir = await makeTempDir('bench-audit');
  try {
    const app = openAppDatabase(join(dir, 'data'));
    const store = new RunStore(app.db);
    // A long chain, appended in one transaction (only the commit is durable, not the point here).
    store.atomically(() => {
      for (let i = 0; i < events; i++) store.appendEvent({ operator: 'bench', kind: 'step.output', body: { ...body, i } });
    });
    const publicKey = readPublicKey(join(dir, 'data', 'keys'));
    const verify: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < settings.runs; round++) {
      raw.push(rawHashMs(app.db));
      const t = performance.now();
      // What `audit verify` runs: both cores once the chain is long enough.
      const result = await store.audit.verifyInParallel(publicKey);
      verify.push(performance.now() - t);
      if (!result.ok) throw new Error('the bench chain does not verify');
    }
    app.close();
    // Throughput relative to raw hashing: raw time / verify time, run by run.
    const ratio = stats(raw.map((r, i) => r / verify[i]!));
    return [
      {
        name: `audit verify, ${events.toLocaleString('en')} events`,
        value: `${show.x(ratio)} raw SHA-256 throughput; ${show.s(stats(verify))}`,
        baseline: `raw SHA-256 of the same rows: ${show.s(stats(raw))}`,
        goal: atLeast(ratio, 0.8),
      },
    ];
  } finally {
    await removeDir(dir);
  }
}
