// How a chunk of step output is kept in step_output.data (and shipped as is to a team
// ledger). Output arrives as fast as a command can print, and on a small machine the
// producer and Handrail share the cores, so the encoding is chosen for CPU first:
//   - Brotli at quality 0: on log lines about 1.4 times cheaper than DEFLATE level 1, on
//     ordinary text about 3 times, for a similar size (14% against 10% on the bench's log
//     lines, the same on real text);
//   - kept as it came when it does not shrink (compressed, random or already-compressed
//     bytes): DEFLATE spent ~17 s of CPU per GiB of random bytes to gain nothing.
// The form is said by the first byte. Chunks stored before this are raw DEFLATE streams,
// whose first byte never has block type 11 (bits 1-2 set: "reserved, error" in RFC 1951),
// so two such bytes mark the new forms and every old chunk still reads as it was.
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';

const BROTLI = 0xfe;
const STORED = 0xff;

/** A chunk is kept compressed only when that saves at least this share of it. */
const WORTH_IT = 0.95;

const brotliAsync = promisify(brotliCompress);

function brotliOptions(size: number) {
  return {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 0,
      [constants.BROTLI_PARAM_SIZE_HINT]: size,
      [constants.BROTLI_PARAM_LGWIN]: 20,
    },
    // One trip through the pool for the whole chunk instead of several 16 KiB ones.
    chunkSize: Math.max(64 * 1024, size >> 2),
  };
}

/** The chunk as kept: compressed when that pays, else as it came; `compress: false` does not try. */
export function encodeOutputSync(raw: Buffer, compress = true): Buffer {
  return pick(raw, compress ? brotliCompressSync(raw, brotliOptions(raw.length)) : undefined);
}

/** encodeOutputSync on libuv's thread pool: the main thread only waits. */
export async function encodeOutput(raw: Buffer, compress = true): Promise<Buffer> {
  return pick(raw, compress ? await brotliAsync(raw, brotliOptions(raw.length)) : undefined);
}

function pick(raw: Buffer, compressed: Buffer | undefined): Buffer {
  if (compressed && compressed.length < raw.length * WORTH_IT) return Buffer.concat([Buffer.of(BROTLI), compressed]);
  return Buffer.concat([Buffer.of(STORED), raw]);
}

/** Whether the chunk was kept as it came (it did not compress). */
export function keptAsItCame(encoded: Uint8Array): boolean {
  return encoded[0] === STORED;
}

/** The chunk's bytes as the step printed them, whichever form they were kept in. */
export function decodeOutputChunk(data: Uint8Array): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes[0] === STORED) return bytes.subarray(1);
  if (bytes[0] === BROTLI) return brotliDecompressSync(bytes.subarray(1));
  return inflateRawSync(bytes);
}
