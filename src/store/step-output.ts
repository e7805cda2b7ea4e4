/** Output of one step attempt indexed for `audit search`; what follows is stored, not indexed. */
export const OUTPUT_INDEX_BYTES = 16 * 1024 * 1024;
import type { Database } from 'better-sqlite3';
import type { OutputStream } from '../core/engine/ports.js';
import { indexOutputChunk } from './audit-search.js';
import { type PreparedChunk, prepareChunkSync } from './output-prepare.js';
import { decodeOutputChunk } from './output-codec.js';

export interface OutputChunk {
  seq: number;
  stream: OutputStream;
  data: Buffer;
}

export interface OutputTotals {
  chunks: number;
  /** Bytes kept (before compression). */
  storedBytes: number;
  /** Bytes received beyond the per-attempt cap and not kept. */
  cutBytes: number;
}

/** Bytes that arrived once the attempt's storage was full: counted as cut, never held or stored. */
export interface PastCap {
  pastCap: number;
}

/** The chunk one appendOutput call stored, for the audit event that vouches for it. */
export interface StoredChunk {
  chunk: number;
  stream: OutputStream;
  bytes: number;
  /** SHA-256 (hex) of the bytes as received (before compression). */
  sha256: string;
}

interface TotalsRow {
  chunks: number;
  stored_bytes: number;
  cut_bytes: number;
}

interface ChunkRow {
  seq: number;
  stream: OutputStream;
  data: Buffer;
}

const KEY = 'run_id = ? AND idx = ? AND attempt = ?';

/**
 * Stores one chunk of a step attempt's output, compressed, in one transaction. Bytes past
 * `maxBytes` for the attempt are counted as cut, not stored: a runaway `yes` must not fill
 * the disk the snapshots need. Each call commits (and so fsyncs) unless the caller's
 * transaction is open; callers that see many chunks should commit several at once. A chunk
 * already compressed and hashed (see output-prepare.ts) is stored as it is; a PastCap is only
 * counted (the caller saw the cut already, so none of it can be kept).
 */
export function appendOutput(
  db: Database,
  key: { runId: string; idx: number; attempt: number },
  stream: OutputStream,
  input: Uint8Array | PreparedChunk | PastCap,
  maxBytes: number,
): OutputTotals & { stored: StoredChunk | null } {
  const prepared = input instanceof Uint8Array || 'pastCap' in input ? undefined : input;
  const length = input instanceof Uint8Array ? input.length : prepared ? prepared.bytes : (input as PastCap).pastCap;
  const params = [key.runId, key.idx, key.attempt] as const;
  return db.transaction(() => {
    db.prepare('INSERT INTO step_output_totals (run_id, idx, attempt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
      ...params,
    );
    const before = db.prepare(`SELECT chunks, stored_bytes, cut_bytes FROM step_output_totals WHERE ${KEY}`).get(
      ...params,
    ) as TotalsRow;
    const room = Math.max(0, Math.min(length, maxBytes - before.stored_bytes));
    if (room > 0 && !(input instanceof Uint8Array) && !prepared) {
      throw new Error(`output was counted as past the cap, but step ${key.idx + 1}'s attempt ${key.attempt} still had room for ${room} bytes: this is a bug`);
    }
    const after: OutputTotals = {
      chunks: before.chunks + (room > 0 ? 1 : 0),
      storedBytes: before.stored_bytes + room,
      cutBytes: before.cut_bytes + (length - room),
    };
    let stored: StoredChunk | null = null;
    if (room > 0) {
      // The bytes as received are needed only to cut the chunk at the cap or to index it; a
      // prepared chunk that dropped them gets them back from its encoded form.
      const raw = (): Buffer => (prepared ? (prepared.raw ?? decodeOutputChunk(prepared.encoded)) : asBuffer(input as Uint8Array));
      const ready = prepared && room === length ? prepared : prepareChunkSync(raw().subarray(0, room));
      stored = { chunk: before.chunks, stream, bytes: room, sha256: ready.sha256 };
      db.prepare(
        'INSERT INTO step_output (run_id, idx, attempt, seq, stream, raw_bytes, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(...params, before.chunks, stream, room, ready.encoded);
      // Full-text indexing costs far more than storing (it tripled a 1 GB step's time), so
      // only the first OUTPUT_INDEX_BYTES of an attempt are searchable; the rest is kept.
      const searchable = Math.min(room, OUTPUT_INDEX_BYTES - before.stored_bytes);
      if (searchable > 0) indexOutputChunk(db, key, before.chunks, stream, (ready.raw ?? raw()).subarray(0, searchable));
    }
    db.prepare(`UPDATE step_output_totals SET chunks = ?, stored_bytes = ?, cut_bytes = ? WHERE ${KEY}`).run(
      after.chunks,
      after.storedBytes,
      after.cutBytes,
      ...params,
    );
    return { ...after, stored };
  })();
}

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

export function outputTotals(db: Database, key: { runId: string; idx: number; attempt: number }): OutputTotals {
  const row = db
    .prepare(`SELECT chunks, stored_bytes, cut_bytes FROM step_output_totals WHERE ${KEY}`)
    .get(key.runId, key.idx, key.attempt) as TotalsRow | undefined;
  return { chunks: row?.chunks ?? 0, storedBytes: row?.stored_bytes ?? 0, cutBytes: row?.cut_bytes ?? 0 };
}

/**
 * The attempt's output in the order it arrived, one decompressed chunk at a time. Reads a
 * page of rows per query rather than holding a statement open across `await`s: the engine
 * may write to the same connection while a reader (the UI, an export) is part-way through,
 * and better-sqlite3 refuses writes while an iterator is open. Memory stays at one page.
 */
export async function* readOutput(
  db: Database,
  key: { runId: string; idx: number; attempt: number },
  pageSize = 64,
): AsyncGenerator<OutputChunk, void, undefined> {
  const page = db.prepare(`SELECT seq, stream, data FROM step_output WHERE ${KEY} AND seq > ? ORDER BY seq LIMIT ?`);
  let after = -1;
  for (;;) {
    const rows = page.all(key.runId, key.idx, key.attempt, after, pageSize) as ChunkRow[];
    for (const row of rows) {
      yield { seq: row.seq, stream: row.stream, data: decodeOutputChunk(row.data) };
      after = row.seq;
    }
    if (rows.length < pageSize) return;
  }
}

/** One stored chunk decompressed, or undefined when there is no such row. */
export function readChunk(db: Database, key: { runId: string; idx: number; attempt: number }, chunk: number): Buffer | undefined {
  const row = db.prepare(`SELECT data FROM step_output WHERE ${KEY} AND seq = ?`).get(key.runId, key.idx, key.attempt, chunk) as { data: Buffer } | undefined;
  return row && decodeOutputChunk(row.data);
}
