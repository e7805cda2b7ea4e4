// A chunk of step output made ready for storage: encoded (output-codec.ts) and hashed. Both
// cost more CPU than storing, so the engine does them on libuv's thread pool while its main
// thread goes on reading the step's pipe; a producer is then never held up by them. The
// synchronous forms are for the moments the engine must commit at once (a step's end, a
// state change).
import { createHash, webcrypto } from 'node:crypto';
import { encodeOutput, encodeOutputSync } from './output-codec.js';

export interface PreparedChunk {
  /** How many bytes were received. */
  bytes: number;
  /**
   * The bytes as received, while something still needs them (the search index); once
   * dropped, a chunk waiting for its commit holds only its encoded form.
   */
  raw?: Buffer | undefined;
  /** As kept in step_output.data (see output-codec.ts). */
  encoded: Buffer;
  /** SHA-256 (hex) of `raw`. */
  sha256: string;
}

/** `compress: false` keeps the chunk as it came without trying (the output did not compress lately). */
export function prepareChunkSync(raw: Buffer, compress = true): PreparedChunk {
  return { bytes: raw.length, raw, encoded: encodeOutputSync(raw, compress), sha256: createHash('sha256').update(raw).digest('hex') };
}

/** Encodes and hashes `raw` off the main thread (libuv's pool); the main thread only waits. */
export async function prepareChunk(raw: Buffer, compress = true): Promise<PreparedChunk> {
  const [encoded, digest] = await Promise.all([encodeOutput(raw, compress), webcrypto.subtle.digest('SHA-256', raw)]);
  return { bytes: raw.length, raw, encoded, sha256: Buffer.from(digest).toString('hex') };
}
