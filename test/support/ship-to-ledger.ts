/**
 * Ships a data folder's trail to a test ledger as one of its writer logins, row for row as the
 * outbox does (register the machine's key, then events with bodies, checkpoints, output chunks
 * and run rows, in seq order; the ledger's triggers check every one). For the lead's tests: they
 * need machines whose trail is in the ledger, whatever the state of the outbox. Idempotent:
 * what the ledger already holds is skipped.
 */
import { createPublicKey, createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keyFingerprint } from '../../src/core/audit/checkpoint.js';
import { connectLedger } from '../../src/targets/ledger/ledger-connection.js';
import type { LedgerLogin } from './team-ledger.js';

/** One id per data folder, as the outbox keeps one (machine ids are not host names). */
const ids = new Map<string, string>();

export function machineIdOf(dataDir: string): string {
  let id = ids.get(dataDir);
  if (!id) {
    id = randomUUID();
    ids.set(dataDir, id);
  }
  return id;
}

interface EventRow {
  seq: number;
  at: string;
  operator: string;
  machine: string;
  app_version: string;
  kind: string;
  run_id: string | null;
  step_idx: number | null;
  environment: string | null;
  target: string | null;
  body_sha256: string;
  prev_hash: string;
  hash: string;
  body_json: string | null;
}

export async function shipToLedger(dataDir: string, login: LedgerLogin): Promise<{ machineId: string; events: number }> {
  const machineId = machineIdOf(dataDir);
  const publicKey = createPublicKey(createPrivateKey(readFileSync(join(dataDir, 'keys', 'audit-signing-key.pem'), 'utf8')));
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
  const client = await connectLedger({ url: login.url, password: login.password }, 'test ship');
  try {
    const events = db.prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq ORDER BY e.seq').all() as EventRow[];
    const hostname = events[0]?.machine ?? 'unknown';
    const operator = events[0]?.operator ?? 'unknown';
    await client.query('SELECT status FROM handrail.register_machine($1, $2, $3, $4, $5)', [machineId, hostname, operator, pem, keyFingerprint(publicKey)]);
    const shipped = Number((await client.query<{ n: number | null }>('SELECT max(seq) AS n FROM handrail.audit_events WHERE machine_id = $1', [machineId])).rows[0]?.n ?? 0);
    const checkpoints = new Map(
      (db.prepare('SELECT * FROM audit_checkpoints ORDER BY seq').all() as { seq: number; head_hash: string; at: string; signature: string; public_key_fingerprint: string; prev_checkpoint_hash: string | null }[]).map((c) => [c.seq, c]),
    );
    const outputOf = db.prepare('SELECT stream, raw_bytes, data FROM step_output WHERE run_id = ? AND idx = ? AND attempt = ? AND seq = ?');
    const runRow = db.prepare('SELECT * FROM runs WHERE id = ?');
    const stepRows = db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY idx');
    for (const e of events) {
      if (e.seq <= shipped) continue;
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [machineId, e.seq, e.at, e.operator, e.machine, e.app_version, e.kind, e.run_id, e.step_idx, e.environment, e.target, e.body_sha256, e.prev_hash, e.hash],
      );
      if (e.body_json !== null) await client.query('INSERT INTO handrail.audit_bodies (machine_id, seq, body_json) VALUES ($1, $2, $3)', [machineId, e.seq, e.body_json]);
      const cp = checkpoints.get(e.seq);
      if (cp) {
        await client.query(
          'INSERT INTO handrail.audit_checkpoints (machine_id, seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [machineId, cp.seq, cp.head_hash, cp.at, cp.signature, cp.public_key_fingerprint, cp.prev_checkpoint_hash ?? null],
        );
      }
      if (e.kind === 'step.output' && e.run_id !== null && e.step_idx !== null && e.body_json !== null) {
        const body = JSON.parse(e.body_json) as { attempt: number; chunk: number };
        const chunk = outputOf.get(e.run_id, e.step_idx, body.attempt, body.chunk) as { stream: string; raw_bytes: number; data: Buffer } | undefined;
        if (chunk) {
          await client.query(
            'INSERT INTO handrail.step_output (machine_id, run_id, idx, attempt, seq, stream, raw_bytes, data, event_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
            [machineId, e.run_id, e.step_idx, body.attempt, body.chunk, chunk.stream, chunk.raw_bytes, chunk.data, e.seq],
          );
        }
      }
      if (e.run_id !== null) {
        const run = runRow.get(e.run_id) as Record<string, unknown> | undefined;
        if (run) {
          const steps = stepRows.all(e.run_id) as Record<string, unknown>[];
          await client.query(
            'INSERT INTO handrail.run_records (machine_id, run_id, event_seq, run_json, steps_json, runbook_source) VALUES ($1, $2, $3, $4, $5, $6)',
            [machineId, e.run_id, e.seq, JSON.stringify(toRun(run)), JSON.stringify(steps.map(toStep)), e.kind === 'run.started' ? (run['runbook_source'] as Buffer | null) : null],
          );
        }
      }
      await client.query('COMMIT');
    }
    return { machineId, events: events.length };
  } finally {
    db.close();
    await client.end();
  }
}

function toRun(r: Record<string, unknown>): Record<string, unknown> {
  return {
    id: r['id'], runbookId: r['runbook_id'], runbookVersion: r['runbook_version'], runbookSha256: r['runbook_sha256'], runbookPath: r['runbook_path'],
    environment: r['environment'], operator: r['operator'], status: r['status'], inputs: JSON.parse(String(r['inputs_json'] ?? '{}')) as unknown,
    pid: r['pid'] ?? null, host: r['host'] ?? null, startedAt: r['started_at'], finishedAt: r['finished_at'] ?? null,
  };
}

function toStep(s: Record<string, unknown>): Record<string, unknown> {
  return {
    runId: s['run_id'], idx: s['idx'], title: s['title'], kind: s['kind'], target: s['target'] ?? null, status: s['status'], attempt: s['attempt'],
    exitCode: s['exit_code'] ?? null, signal: s['signal'] ?? null, reason: s['reason'] ?? null, note: s['note'] ?? null,
    startedAt: s['started_at'] ?? null, finishedAt: s['finished_at'] ?? null,
  };
}
