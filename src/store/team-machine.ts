// This data folder's id as a machine of the team ledger (see migration 0009).
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** The machine id, made once (race-free: the first writer wins, the others read it). */
export function teamMachineId(db: Database, now: () => string = () => new Date().toISOString()): string {
  const read = () => db.prepare('SELECT machine_id FROM team_machine WHERE id = 1').pluck().get() as string | undefined;
  const existing = read();
  if (existing) return existing;
  db.prepare('INSERT INTO team_machine (id, machine_id, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING').run(randomUUID(), now());
  return read() as string;
}

export interface ShippedState {
  eventsSeq: number;
  shippedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export function shippedState(db: Database, ledger: string): ShippedState {
  const row = db.prepare('SELECT events_seq, shipped_at, last_error, last_error_at FROM team_shipped WHERE ledger = ?').get(ledger) as
    | { events_seq: number; shipped_at: string | null; last_error: string | null; last_error_at: string | null }
    | undefined;
  return { eventsSeq: row?.events_seq ?? 0, shippedAt: row?.shipped_at ?? null, lastError: row?.last_error ?? null, lastErrorAt: row?.last_error_at ?? null };
}

export function recordShipped(db: Database, ledger: string, eventsSeq: number, at: string): void {
  db.prepare(
    `INSERT INTO team_shipped (ledger, events_seq, shipped_at) VALUES (?, ?, ?)
     ON CONFLICT (ledger) DO UPDATE SET events_seq = excluded.events_seq, shipped_at = excluded.shipped_at, last_error = NULL, last_error_at = NULL`,
  ).run(ledger, eventsSeq, at);
}

export function recordShipFailure(db: Database, ledger: string, error: string, at: string): void {
  db.prepare(
    `INSERT INTO team_shipped (ledger, last_error, last_error_at) VALUES (?, ?, ?)
     ON CONFLICT (ledger) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
  ).run(ledger, error, at);
}

/** The machine id if this data folder was ever given one (read-only: `audit verify` makes nothing). */
export function existingTeamMachineId(db: Database): string | undefined {
  return db.prepare('SELECT machine_id FROM team_machine WHERE id = 1').pluck().get() as string | undefined;
}
