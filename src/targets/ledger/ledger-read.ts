// The lead's reads of the team ledger: machines and their pinned keys, key incidents, a page
// of runs (by their `run.started` events), a run's events, a contiguous stretch of one
// machine's chain, its checkpoints, stored output and a text search. Every query is bounded
// by an index (the primary key (machine_id, seq), the run index, the partial index on
// `run.started`), so a first screen over a ledger of millions of events reads a page, not
// the ledger. Rows come back in the verifier's own shapes (StoredEvent, Checkpoint).
import { toCheckpoint, toStoredEvent, type AuditEventRow, type CheckpointRow } from '../../core/audit/event-row.js';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Checkpoint } from '../../core/audit/checkpoint.js';
import type { StoredEvent } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from './ledger-connection.js';

export interface LedgerMachine {
  machineId: string;
  hostname: string;
  publicKeyPem: string;
  /** The pinned key, parsed: the only one this machine's checkpoints are checked against; undefined when the row holds no readable key. */
  publicKey: KeyObject | undefined;
  keyFingerprint: string;
  registeredBy: string;
  registeredAt: string;
  /** Highest seq the ledger holds for it (0: none yet). */
  head: number;
  /** Seq of its last checkpoint (0: none yet). */
  lastCheckpointSeq: number;
}

export interface LedgerKeyIncident {
  machineId: string;
  pinnedFingerprint: string;
  offeredFingerprint: string;
  hostname: string;
  operator: string;
  at: string;
}

export interface LedgerRunStart {
  machineId: string;
  runId: string;
  seq: number;
  at: string;
}

export interface LedgerRunFilters {
  operator?: string | undefined;
  environment?: string | undefined;
  runbook?: string | undefined;
  /** A machine id or host name. */
  machine?: string | undefined;
  /** Runs started at or after (ISO 8601 UTC). */
  since?: string | undefined;
  /** Runs started before (ISO 8601 UTC). */
  until?: string | undefined;
}

export interface LedgerRunRecord {
  runJson: string;
  stepsJson: string;
  runbookSource: Buffer | null;
}

export interface LedgerOutputChunk {
  seq: number;
  stream: 'stdout' | 'stderr';
  rawBytes: number;
  /** Raw DEFLATE, as the machine stored it. */
  data: Buffer;
  eventSeq: number;
}

const EVENT_COLUMNS = `e.machine_id, e.seq, e.at, e.operator, e.machine, e.app_version, e.kind, e.run_id, e.step_idx, e.environment, e.target,
  e.body_sha256, e.prev_hash, e.hash, b.body_json`;
const EVENT_FROM = 'handrail.audit_events e LEFT JOIN handrail.audit_bodies b ON b.machine_id = e.machine_id AND b.seq = e.seq';
const CHECKPOINT_COLUMNS = 'seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash';

interface EventRow extends AuditEventRow {
  machine_id: string;
}

export interface LedgerEvent extends StoredEvent {
  machineId: string;
}

function toEvent(row: EventRow): LedgerEvent {
  return { machineId: row.machine_id, ...toStoredEvent(row) };
}

export async function ledgerMachines(client: LedgerClient): Promise<LedgerMachine[]> {
  const { rows } = await client.query<{ machine_id: string; hostname: string; public_key_pem: string; key_fingerprint: string; registered_by: string; registered_at: Date; head: number | null; last_checkpoint: number | null }>(
    `SELECT m.machine_id, m.hostname, m.public_key_pem, m.key_fingerprint, m.registered_by, m.registered_at,
       (SELECT max(e.seq) FROM handrail.audit_events e WHERE e.machine_id = m.machine_id) AS head,
       (SELECT max(c.seq) FROM handrail.audit_checkpoints c WHERE c.machine_id = m.machine_id) AS last_checkpoint
     FROM handrail.machines m ORDER BY m.hostname, m.machine_id`,
  );
  return rows.map((r) => ({
    machineId: r.machine_id,
    hostname: r.hostname,
    publicKeyPem: r.public_key_pem,
    publicKey: parseKey(r.public_key_pem),
    keyFingerprint: r.key_fingerprint,
    registeredBy: r.registered_by,
    registeredAt: new Date(r.registered_at).toISOString(),
    head: Number(r.head ?? 0),
    lastCheckpointSeq: Number(r.last_checkpoint ?? 0),
  }));
}

/** A row altered into something that is not a key must not stop a listing: the caller names it. */
function parseKey(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

export async function ledgerKeyIncidents(client: LedgerClient): Promise<LedgerKeyIncident[]> {
  const { rows } = await client.query<{ machine_id: string; pinned_fingerprint: string; offered_fingerprint: string; hostname: string; operator: string; at: Date }>(
    'SELECT machine_id, pinned_fingerprint, offered_fingerprint, hostname, operator, at FROM handrail.key_incidents ORDER BY at, id',
  );
  return rows.map((r) => ({
    machineId: r.machine_id,
    pinnedFingerprint: r.pinned_fingerprint,
    offeredFingerprint: r.offered_fingerprint,
    hostname: r.hostname,
    operator: r.operator,
    at: r.at.toISOString(),
  }));
}

function runFilterSql(filters: LedgerRunFilters, params: unknown[]): string {
  const where = ["e.kind = 'run.started'"];
  const add = (sql: (n: number) => string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql(params.length));
  };
  add((n) => `e.operator = $${n}`, filters.operator);
  add((n) => `e.environment = $${n}`, filters.environment);
  add((n) => `(e.machine_id = $${n} OR e.machine = $${n})`, filters.machine);
  add((n) => `e.at >= $${n}`, filters.since);
  add((n) => `e.at < $${n}`, filters.until);
  add((n) => `EXISTS (SELECT 1 FROM handrail.audit_bodies rb WHERE rb.machine_id = e.machine_id AND rb.seq = e.seq AND rb.body_json::jsonb ->> 'runbook' = $${n})`, filters.runbook);
  return where.join(' AND ');
}

/**
 * Runs newest first, by their `run.started` events, and how many match. `after`: the runs after
 * that run start in this order, read from it along the run-start index, so an old page costs
 * what the first does (an OFFSET reads and sorts every run start before it).
 */
export async function ledgerRunPage(
  client: LedgerClient,
  filters: LedgerRunFilters,
  offset: number,
  limit: number,
  after?: { at: string; machineId: string; seq: number },
): Promise<{ total: number; runs: LedgerRunStart[] }> {
  const params: unknown[] = [];
  const where = runFilterSql(filters, params);
  const total = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM handrail.audit_events e WHERE ${where}`, params);
  const pageParams = [...params];
  let from = '';
  if (after) {
    pageParams.push(after.at, after.machineId, after.seq);
    const [at, machine, seq] = [pageParams.length - 2, pageParams.length - 1, pageParams.length];
    // The listing's order is at DESC, machine_id, seq DESC: what comes after a row is older, or
    // as old on a later machine id, or on the same machine earlier in its chain.
    from = ` AND e.at <= $${at} AND (e.at < $${at} OR e.machine_id > $${machine} OR (e.machine_id = $${machine} AND e.seq < $${seq}))`;
  }
  const page = await client.query<{ machine_id: string; run_id: string; seq: number; at: string }>(
    `SELECT e.machine_id, e.run_id, e.seq, e.at FROM handrail.audit_events e WHERE ${where} AND e.run_id IS NOT NULL${from}
     ORDER BY e.at DESC, e.machine_id, e.seq DESC OFFSET $${pageParams.length + 1} LIMIT $${pageParams.length + 2}`,
    [...pageParams, offset, limit],
  );
  return { total: total.rows[0]?.n ?? 0, runs: page.rows.map((r) => ({ machineId: r.machine_id, runId: r.run_id, seq: Number(r.seq), at: r.at })) };
}

/** Runs whose id is `ref` or starts with it, on any machine (at most `limit`). */
export async function ledgerFindRuns(client: LedgerClient, ref: string, limit = 10): Promise<LedgerRunStart[]> {
  const { rows } = await client.query<{ machine_id: string; run_id: string; seq: number; at: string }>(
    `SELECT e.machine_id, e.run_id, e.seq, e.at FROM handrail.audit_events e
     WHERE e.kind = 'run.started' AND (e.run_id = $1 OR e.run_id LIKE $2) ORDER BY e.at DESC LIMIT $3`,
    [ref, `${ref.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit],
  );
  return rows.map((r) => ({ machineId: r.machine_id, runId: r.run_id, seq: Number(r.seq), at: r.at }));
}

/** A run's events on its machine, in seq order, by the run index; `exceptKinds` left out in the query. */
export async function ledgerRunEvents(client: LedgerClient, machineId: string, runId: string, exceptKinds: readonly string[] = []): Promise<LedgerEvent[]> {
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.machine_id = $1 AND e.run_id = $2 AND NOT (e.kind = ANY($3::text[])) ORDER BY e.seq`,
    [machineId, runId, [...exceptKinds]],
  );
  return rows.map(toEvent);
}

/** Where each of several runs' events end on its machine (the highest seq of any of its events), by the run index. */
export async function ledgerRunEnds(client: LedgerClient, runs: readonly { machineId: string; runId: string }[]): Promise<Map<string, number>> {
  if (runs.length === 0) return new Map();
  const { rows } = await client.query<{ machine_id: string; run_id: string; last: number }>(
    `SELECT e.machine_id, e.run_id, max(e.seq) AS last FROM handrail.audit_events e
     WHERE (e.machine_id, e.run_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) GROUP BY e.machine_id, e.run_id`,
    [runs.map((r) => r.machineId), runs.map((r) => r.runId)],
  );
  return new Map(rows.map((r) => [`${r.machine_id}\n${r.run_id}`, Number(r.last)]));
}

/** One machine's events with seq in [from, to], in order (a page of at most `limit`). */
export async function ledgerStretch(client: LedgerClient, machineId: string, from: number, to: number, limit = 100_000): Promise<LedgerEvent[]> {
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.machine_id = $1 AND e.seq >= $2 AND e.seq <= $3 ORDER BY e.seq LIMIT $4`,
    [machineId, from, to, limit],
  );
  return rows.map(toEvent);
}

/**
 * A machine's checkpoints with seq in [from, to], plus the last one before `from` (a check of
 * a stretch needs it for the first link). from = 1: every checkpoint up to `to`.
 */
export async function ledgerCheckpoints(client: LedgerClient, machineId: string, from = 1, to = Number.MAX_SAFE_INTEGER): Promise<Checkpoint[]> {
  const { rows } = await client.query<CheckpointRow>(
    `(SELECT ${CHECKPOINT_COLUMNS} FROM handrail.audit_checkpoints
       WHERE machine_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 1)
     UNION ALL
     (SELECT ${CHECKPOINT_COLUMNS} FROM handrail.audit_checkpoints
       WHERE machine_id = $1 AND seq >= $2 AND seq <= $3)
     ORDER BY seq`,
    [machineId, from, to],
  );
  return rows.map(toCheckpoint);
}




/** Seqs from `from` to `to` (both included) of one machine's chain. */
export interface SeqRange {
  machineId: string;
  from: number;
  to: number;
}

/**
 * ledgerStretch for several ranges in one round trip, in the order given: a lead's page needs
 * a stretch of every machine on it, and one query per machine made the page's cost grow with
 * the number of machines (each a round trip on the one connection) rather than with the page.
 */
export async function ledgerStretches(client: LedgerClient, ranges: readonly SeqRange[], limit = 100_000): Promise<LedgerEvent[][]> {
  if (ranges.length === 0) return [];
  const { rows } = await client.query<EventRow & { i: number }>(
    `SELECT r.i, x.* FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS r(machine_id, lo, hi, i)
     CROSS JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM}
       WHERE e.machine_id = r.machine_id AND e.seq >= r.lo AND e.seq <= r.hi ORDER BY e.seq LIMIT $4) x
     ORDER BY r.i, x.seq`,
    [ranges.map((r) => r.machineId), ranges.map((r) => r.from), ranges.map((r) => r.to), limit],
  );
  const out: LedgerEvent[][] = ranges.map(() => []);
  for (const row of rows) out[Number(row.i) - 1]!.push(toEvent(row));
  return out;
}

/** ledgerCheckpoints for several ranges in one round trip, in the order given. */
export async function ledgerCheckpointsOf(client: LedgerClient, ranges: readonly SeqRange[]): Promise<Checkpoint[][]> {
  if (ranges.length === 0) return [];
  const { rows } = await client.query<CheckpointRow & { i: number }>(
    `SELECT r.i, c.* FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS r(machine_id, lo, hi, i)
     CROSS JOIN LATERAL (
       (SELECT ${CHECKPOINT_COLUMNS} FROM handrail.audit_checkpoints WHERE machine_id = r.machine_id AND seq < r.lo ORDER BY seq DESC LIMIT 1)
       UNION ALL
       (SELECT ${CHECKPOINT_COLUMNS} FROM handrail.audit_checkpoints WHERE machine_id = r.machine_id AND seq >= r.lo AND seq <= r.hi)
     ) c
     ORDER BY r.i, c.seq`,
    [ranges.map((r) => r.machineId), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  );
  const out: Checkpoint[][] = ranges.map(() => []);
  for (const row of rows) out[Number(row.i) - 1]!.push(toCheckpoint(row));
  return out;
}

/** The newest run and steps rows shipped for a run (beside the chain: checked against it by the caller). */
export async function ledgerRunRecord(client: LedgerClient, machineId: string, runId: string): Promise<LedgerRunRecord | undefined> {
  const { rows } = await client.query<{ run_json: string; steps_json: string; runbook_source: Buffer | null }>(
    `SELECT r.run_json, r.steps_json,
       (SELECT s.runbook_source FROM handrail.run_records s WHERE s.machine_id = r.machine_id AND s.run_id = r.run_id AND s.runbook_source IS NOT NULL
        ORDER BY s.event_seq LIMIT 1) AS runbook_source
     FROM handrail.run_records r WHERE r.machine_id = $1 AND r.run_id = $2 ORDER BY r.event_seq DESC LIMIT 1`,
    [machineId, runId],
  );
  const row = rows[0];
  return row && { runJson: row.run_json, stepsJson: row.steps_json, runbookSource: row.runbook_source };
}

/** One attempt's stored output chunks, in order. */
export async function ledgerOutput(client: LedgerClient, machineId: string, runId: string, idx: number, attempt: number): Promise<LedgerOutputChunk[]> {
  const { rows } = await client.query<{ seq: number; stream: 'stdout' | 'stderr'; raw_bytes: number; data: Buffer; event_seq: number }>(
    'SELECT seq, stream, raw_bytes, data, event_seq FROM handrail.step_output WHERE machine_id = $1 AND run_id = $2 AND idx = $3 AND attempt = $4 ORDER BY seq',
    [machineId, runId, idx, attempt],
  );
  return rows.map((r) => ({ seq: Number(r.seq), stream: r.stream, rawBytes: r.raw_bytes, data: r.data, eventSeq: Number(r.event_seq) }));
}

export interface LedgerSearchFilters {
  runId?: string | undefined;
  operator?: string | undefined;
  environment?: string | undefined;
  machine?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  kind?: string | undefined;
  limit: number;
}

/**
 * Events whose body or kind holds every word (case-insensitive, literally), newest first.
 * The ledger has no full-text index: this reads the bodies the filters leave.
 */
export async function ledgerSearchEvents(client: LedgerClient, words: readonly string[], filters: LedgerSearchFilters): Promise<LedgerEvent[]> {
  const params: unknown[] = [];
  // An output event's body is only its chunk's hash: output is searched apart (ledgerRecentOutput).
  const where: string[] = ["e.kind <> 'step.output'"];
  const add = (sql: (n: number) => string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql(params.length));
  };
  for (const word of words) add((n) => `(b.body_json ILIKE $${n} OR e.kind ILIKE $${n})`, `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  add((n) => `e.run_id = $${n}`, filters.runId);
  add((n) => `e.operator = $${n}`, filters.operator);
  add((n) => `e.environment = $${n}`, filters.environment);
  add((n) => `(e.machine_id = $${n} OR e.machine = $${n})`, filters.machine);
  add((n) => `e.at >= $${n}`, filters.since);
  add((n) => `e.at < $${n}`, filters.until);
  add((n) => `(e.kind = $${n} OR e.kind LIKE $${n} || '.%')`, filters.kind);
  params.push(filters.limit);
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE ${where.join(' AND ')} ORDER BY e.at DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toEvent);
}

export interface LedgerOutputRow extends LedgerOutputChunk {
  machineId: string;
  runId: string;
  idx: number;
  attempt: number;
  at: string;
  operator: string;
  environment: string | null;
  machine: string;
}

/**
 * The newest `limit` output chunks the filters leave (by the event that vouches for each),
 * for a search to read: output is stored compressed, so PostgreSQL cannot search it itself.
 */
export async function ledgerRecentOutput(client: LedgerClient, filters: LedgerSearchFilters, limit: number): Promise<LedgerOutputRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (n: number) => string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql(params.length));
  };
  add((n) => `o.run_id = $${n}`, filters.runId);
  add((n) => `e.operator = $${n}`, filters.operator);
  add((n) => `e.environment = $${n}`, filters.environment);
  add((n) => `(e.machine_id = $${n} OR e.machine = $${n})`, filters.machine);
  add((n) => `e.at >= $${n}`, filters.since);
  add((n) => `e.at < $${n}`, filters.until);
  params.push(limit);
  const { rows } = await client.query<{ machine_id: string; run_id: string; idx: number; attempt: number; seq: number; stream: 'stdout' | 'stderr'; raw_bytes: number; data: Buffer; event_seq: number; at: string; operator: string; environment: string | null; machine: string }>(
    `SELECT o.machine_id, o.run_id, o.idx, o.attempt, o.seq, o.stream, o.raw_bytes, o.data, o.event_seq, e.at, e.operator, e.environment, e.machine
     FROM handrail.step_output o JOIN handrail.audit_events e ON e.machine_id = o.machine_id AND e.seq = o.event_seq
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY e.at DESC, o.machine_id, o.event_seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    machineId: r.machine_id, runId: r.run_id, idx: r.idx, attempt: r.attempt, seq: Number(r.seq), stream: r.stream, rawBytes: r.raw_bytes,
    data: r.data, eventSeq: Number(r.event_seq), at: r.at, operator: r.operator, environment: r.environment, machine: r.machine,
  }));
}

/** The stored output chunks (see src/store/output-codec.ts) vouched for by a machine's events with seq in [from, to], by event seq. */
export async function ledgerOutputOfEvents(client: LedgerClient, machineId: string, from: number, to: number): Promise<Map<number, Buffer>> {
  const { rows } = await client.query<{ event_seq: number; data: Buffer }>(
    'SELECT event_seq, data FROM handrail.step_output WHERE machine_id = $1 AND event_seq >= $2 AND event_seq <= $3',
    [machineId, from, to],
  );
  return new Map(rows.map((r) => [Number(r.event_seq), r.data]));
}

/** One machine's whole chain with bodies (null: not shipped), in seq order, a page at a time. */
export async function* ledgerChain(client: LedgerClient, machineId: string, pageSize = 5_000): AsyncGenerator<LedgerEvent, void, undefined> {
  let after = 0;
  for (;;) {
    const { rows } = await client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_FROM} WHERE e.machine_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [machineId, after, pageSize],
    );
    for (const r of rows) yield toEvent(r);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.seq);
  }
}
