// A batch's events and their bodies, each as one INSERT of unnested arrays in seq order. The
// ledger's row triggers still judge every event (its chain continued, its own hash) one after
// the other: a row trigger sees the rows the same statement inserted before it, and ORDER BY
// seq makes that order the chain's. Two round trips per event before this made the shipper's
// cost (the ledger's parse and plan of each statement, a wake-up of this process per answer)
// grow with the trail rather than with the batches.
import { bodySha256 } from '../../core/audit/chain-hash.js';
import type { StoredEvent } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from './ledger-connection.js';

const EVENTS = `INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
  SELECT $1, e.seq, e.at, e.operator, e.machine, e.app_version, e.kind, e.run_id, e.step_idx, e.environment, e.target, e.body_sha256, e.prev_hash, e.hash
    FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::integer[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
      AS e(seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
   ORDER BY e.seq`;

const BODIES = `INSERT INTO handrail.audit_bodies (machine_id, seq, body_json)
  SELECT $1, b.seq, b.body_json FROM unnest($2::bigint[], $3::text[]) AS b(seq, body_json) ORDER BY b.seq`;

/** Inside the batch's transaction: the events, then the bodies that still match their hash. */
export async function insertEvents(client: LedgerClient, machineId: string, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const column = <T>(pick: (e: StoredEvent) => T): T[] => events.map(pick);
  await client.query(EVENTS, [
    machineId,
    column((e) => e.seq), column((e) => e.at), column((e) => e.operator), column((e) => e.machine), column((e) => e.appVersion), column((e) => e.kind),
    column((e) => e.runId), column((e) => e.stepIdx), column((e) => e.environment), column((e) => e.target), column((e) => e.bodySha256),
    column((e) => e.prevHash), column((e) => e.hash),
  ]);
  // A body purged locally (a leaked secret) no longer matches its hash: the ledger keeps the
  // chain without it, as the local store does.
  const bodies = events.filter((e) => e.bodyJson !== null && bodySha256(e.bodyJson) === e.bodySha256);
  if (bodies.length === 0) return;
  await client.query(BODIES, [machineId, bodies.map((e) => e.seq), bodies.map((e) => e.bodyJson)]);
}
