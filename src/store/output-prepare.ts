// A chunk of step output made ready for storage: compressed and hashed. Both cost more CPU
// than storing (DEFLATE about a third of what a fast producer spends printing the bytes), so
// the engine does them on libuv's thread pool while its main thread goes on reading the
// step's pipe; a producer is then never held up by them. The synchronous forms are for the
// moments the engine must commit at once (a step's end, a state change).
import { createHash, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, deflateRaw, deflateRawSync } from 'node:zlib';

// Level 1: output arrives as fast as a command can print, and zlib's default level (6)
// costs several times the CPU for a few percent less space (on log lines: 9.9% at 1, 10.1% at 6).
export const OUTPUT_DEFLATE = { level: constants.Z_BEST_SPEED };

const deflateAsync = promisify(deflateRaw);

export interface PreparedChunk {
  /** The bytes as received. */
  raw: Buffer;
  deflated: Buffer;
  /** SHA-256 (hex) of `raw`. */
  sha256: string;
}

export function prepareChunkSync(raw: Buffer): PreparedChunk {
  return { raw, deflated: deflateRawSync(raw, OUTPUT_DEFLATE), sha256: createHash('sha256').update(raw).digest('hex') };
}

/** Compresses and hashes `raw` off the main thread (libuv's pool); the main thread only waits. */
export async function prepareChunk(raw: Buffer): Promise<PreparedChunk> {
  // An output buffer of a quarter of the input (log lines compress ten to one): one trip
  // through the pool instead of several 16 KiB ones.
  const [deflated, digest] = await Promise.all([
    deflateAsync(raw, { ...OUTPUT_DEFLATE, chunkSize: Math.max(64 * 1024, raw.length >> 2) }),
    webcrypto.subtle.digest('SHA-256', raw),
  ]);
  return { raw, deflated, sha256: Buffer.from(digest).toString('hex') };
}
