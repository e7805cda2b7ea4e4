// A worker of `audit verify` (audit-hash-workers.ts): recomputes the event hash and the body
// hash of the events in its chunks, reading them through its own read-only connection, and
// writes one verdict byte per event into memory shared with the verifying thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { bodySha256, eventHash } from '../core/audit/chain-hash.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';
import { HASH_OK, BODY_OK, DONE, type HashWorkerData } from './audit-hash-verdicts.js';

const { path, nativeBinding, from, to, chunk, workers, index, verdicts, progress } = workerData as HashWorkerData;
const flags = new Uint8Array(verdicts);
const reached = new Int32Array(progress);
const db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
try {
  const read = db.prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq');
  // From the far end backwards: the verifying thread walks forward from the start and hashes
  // what is not done yet itself, so the two meet in the middle and no work is waited for.
  const chunks = Math.ceil((to - from + 1) / chunk);
  for (let c = chunks - 1 - index; c >= 0; c -= workers) {
    const first = from + c * chunk;
    if (first + chunk <= Atomics.load(reached, 0)) break;
    for (const row of read.iterate(first, Math.min(to, first + chunk - 1)) as IterableIterator<AuditEventRow>) {
      const event = toStoredEvent(row);
      let verdict = DONE;
      try {
        if (eventHash(event.prevHash, event) === event.hash) verdict |= HASH_OK;
      } catch {
        // a malformed prev_hash: an edit, reported as such by the verifier
      }
      if (event.bodyJson !== null && bodySha256(event.bodyJson) === event.bodySha256) verdict |= BODY_OK;
      flags[event.seq - from] = verdict;
    }
  }
} finally {
  db.close();
  parentPort?.postMessage('done');
}
