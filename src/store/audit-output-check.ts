// The stored chunk an output event vouches for must still be byte for byte what was recorded.
// One check, run by the verifying thread and by `audit verify`'s readers alike.
import type { Database } from 'better-sqlite3';
import { outputEventBody, outputMismatch } from '../core/audit/output-event.js';
import type { AuditProblemKind, StoredEvent } from '../core/audit/verify-chain.js';
import { readChunk } from './step-output.js';

/** What is wrong with the output `event` vouches for, or undefined (also when it vouches for none). */
export function outputProblem(db: Database, event: StoredEvent): { kind: AuditProblemKind; message: string } | undefined {
  const body = outputEventBody(event.bodyJson);
  if (!body || event.runId === null || event.stepIdx === null) return undefined;
  const data = readChunk(db, { runId: event.runId, idx: event.stepIdx, attempt: body.attempt }, body.chunk);
  const message = outputMismatch(event.seq, event.stepIdx, body, data);
  return message === undefined ? undefined : { kind: data === undefined ? 'output-missing' : 'output-edited', message };
}
