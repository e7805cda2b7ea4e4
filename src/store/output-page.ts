// A page of a step attempt's stored output, for the consoles: chunks from a given number on,
// decompressed, at most a few MiB at a time so a step that printed gigabytes is read in
// pieces the UI asks for, never whole.
import type { Database } from 'better-sqlite3';
import type { OutputStream } from '../core/engine/ports.js';
import { decodeOutputChunk } from './output-codec.js';

export interface OutputPage {
  chunks: { seq: number; stream: OutputStream; data: Buffer }[];
  /** Whether chunks after this page are stored. */
  more: boolean;
}

export function readOutputPage(
  db: Database,
  key: { runId: string; idx: number; attempt: number },
  fromChunk: number,
  limits: { chunks: number; bytes: number },
): OutputPage {
  const rows = db
    .prepare(
      `SELECT seq, stream, raw_bytes, data FROM step_output
       WHERE run_id = ? AND idx = ? AND attempt = ? AND seq >= ? ORDER BY seq LIMIT ?`,
    )
    .all(key.runId, key.idx, key.attempt, fromChunk, limits.chunks + 1) as { seq: number; stream: OutputStream; raw_bytes: number; data: Buffer }[];
  const chunks: OutputPage['chunks'] = [];
  let bytes = 0;
  for (const row of rows) {
    // Always at least one chunk, so a page moves on even when one chunk is over the limit.
    if (chunks.length === limits.chunks || (chunks.length > 0 && bytes + row.raw_bytes > limits.bytes)) break;
    chunks.push({ seq: row.seq, stream: row.stream, data: decodeOutputChunk(row.data) });
    bytes += row.raw_bytes;
  }
  return { chunks, more: rows.length > chunks.length };
}

