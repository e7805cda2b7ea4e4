// The recorder between a step's pipe and the store: output is cut into chunks, prepared on the
// thread pool and committed in batches, yet what is committed is always the output in the order
// it arrived, each chunk of one stream of one attempt, and a state change's commitAll() leaves
// nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, INCOMPRESSIBLE_RUN, MAX_PENDING_BYTES, OutputRecorder, type ReadyChunk } from '../../src/app/output-recorder.js';
import { decodeOutputChunk, keptAsItCame } from '../../src/store/output-codec.js';
import type { OutputStream } from '../../src/core/engine/ports.js';
import { until } from '../support/until.js';

interface Piece {
  idx: number;
  attempt: number;
  stream: OutputStream;
  data: Buffer;
}

function recorder(full: (idx: number, attempt: number) => boolean = () => false) {
  const commits: ReadyChunk[][] = [];
  const rec = new OutputRecorder((chunks) => commits.push(chunks), (error) => {
    throw error;
  }, full);
  return { rec, commits };
}

/** The committed bytes of each (idx, attempt, stream), checked against each chunk's own hash. */
function committedStreams(commits: ReadyChunk[][]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const { idx, attempt, stream, chunk } of commits.flat()) {
    let raw: Buffer;
    if ('pastCap' in chunk) throw new Error('output counted as past the cap where none was');
    else {
      raw = decodeOutputChunk(chunk.encoded);
      expect(raw.length).toBe(chunk.bytes);
      if (chunk.raw) expect(raw.equals(chunk.raw)).toBe(true);
      expect(createHash('sha256').update(raw).digest('hex')).toBe(chunk.sha256);
    }
    const key = `${idx}/${attempt}/${stream}`;
    out.set(key, Buffer.concat([out.get(key) ?? Buffer.alloc(0), raw]));
  }
  return out;
}

describe('OutputRecorder', () => {
  it('commits every byte, in arrival order per stream, prepared for storage, once commitAll returns', async () => {
    const { rec, commits } = recorder();
    const pieces: Piece[] = [];
    // Interleaved streams and attempts, pieces from a few bytes to several chunks' worth.
    for (let i = 0; i < 60; i++) {
      const size = i % 7 === 0 ? CHUNK_BYTES * 2 + 17 : 1 + ((i * 7919) % 200_000);
      pieces.push({ idx: i < 40 ? 0 : 1, attempt: i < 20 ? 1 : 2, stream: i % 3 === 0 ? 'stderr' : 'stdout', data: randomBytes(size) });
    }
    for (const [n, p] of pieces.entries()) {
      rec.add(p.idx, p.attempt, p.stream, p.data);
      // Let the pool finish some chunks and the timer beat now and then, as in a run.
      if (n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (n % 11 === 0) rec.tick();
    }
    rec.commitAll();

    const expected = new Map<string, Buffer>();
    for (const p of pieces) {
      const key = `${p.idx}/${p.attempt}/${p.stream}`;
      expected.set(key, Buffer.concat([expected.get(key) ?? Buffer.alloc(0), p.data]));
    }
    const got = committedStreams(commits);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, bytes] of expected) expect(got.get(key)?.equals(bytes), key).toBe(true);
    // Several chunks per commit: not one commit per chunk.
    expect(commits.flat().length).toBeGreaterThan(commits.length);
    // Nothing is committed twice when the pool finishes a chunk commitAll() already took.
    await new Promise((resolve) => setTimeout(resolve, 50));
    rec.commitAll();
    expect(committedStreams(commits).get('0/1/stdout')?.equals(expected.get('0/1/stdout')!)).toBe(true);
  });

  it('commits what a beat cut as soon as the pool has prepared it, not a beat later', async () => {
    const { rec, commits } = recorder();
    rec.add(0, 1, 'stdout', Buffer.from('a line a slow step printed\n'));
    rec.tick();
    // No further beat: the pool finishing the chunk is what commits it.
    await until('the chunk the beat cut was committed', () => commits.length > 0);
    expect(committedStreams(commits).get('0/1/stdout')?.toString()).toBe('a line a slow step printed\n');
  });

  it('writes fast output that compresses in few commits: a ready chunk waits as it is stored, not as it came', async () => {
    const { rec, commits } = recorder();
    const line = 'INFO request handled in 12 ms ok\n';
    const piece = Buffer.alloc(64 * 1024, line);
    const total = 8 * MAX_PENDING_BYTES;
    // No beat: only the recorder's own bounds decide when to commit. The pool keeps up (each
    // chunk is prepared before more arrives), as on a machine with a core to spare.
    for (let added = 0; added < total; added += piece.length) {
      rec.add(0, 1, 'stdout', piece);
      if ((added + piece.length) % CHUNK_BYTES === 0) await until('the pool prepared the chunk', () => rec.heldBytes < CHUNK_BYTES / 4);
    }
    rec.commitAll();
    expect(committedStreams(commits).get('0/1/stdout')?.length).toBe(total);
    // 64 MiB of log lines: a commit per 4 MiB printed would be 16.
    expect(commits.length).toBeLessThanOrEqual(2);
  });

  it('holds no more than MAX_PENDING_BYTES uncommitted when the pool cannot keep up', () => {
    const { rec, commits } = recorder();
    // No await anywhere: the pool's results cannot arrive, as when it is starved.
    const piece = randomBytes(64 * 1024);
    let added = 0;
    for (let i = 0; i < (4 * MAX_PENDING_BYTES) / piece.length; i++) {
      rec.add(0, 1, 'stdout', piece);
      added += piece.length;
      const committed = commits.flat().reduce((n, c) => n + ('bytes' in c.chunk ? c.chunk.bytes : 0), 0);
      expect(added - committed).toBeLessThanOrEqual(MAX_PENDING_BYTES + 2 * CHUNK_BYTES);
    }
  });

  it('keeps output that stopped compressing as it came for a while without trying, then tries again', () => {
    const { rec, commits } = recorder();
    const text = Buffer.from('INFO request handled in 12 ms ok\n'.repeat(CHUNK_BYTES / 33 + 1)).subarray(0, CHUNK_BYTES);
    // Prepared on this thread (commitAll), one chunk at a time, so the order of decisions is known.
    const add = (data: Buffer) => {
      rec.add(0, 1, 'stdout', data);
      rec.commitAll();
    };
    // A few bytes at a beat do not compress either, but say nothing about what follows.
    add(Buffer.from('ok\n'));
    add(text);
    add(randomBytes(CHUNK_BYTES));
    for (let i = 0; i < INCOMPRESSIBLE_RUN + 1; i++) add(text);
    const kept = commits.flat().map(({ chunk }) => ('encoded' in chunk ? keptAsItCame(chunk.encoded) : 'cut'));
    expect(kept).toEqual([true, false, true, ...Array<boolean>(INCOMPRESSIBLE_RUN).fill(true), false]);
    expect(committedStreams(commits).get('0/1/stdout')?.length).toBe((INCOMPRESSIBLE_RUN + 3) * CHUNK_BYTES + 3);
  });

  it('only counts output past the storage cap: never held, compressed or hashed, and committed with the beat', () => {
    const { rec, commits } = recorder((idx) => idx === 3);
    for (let i = 0; i < 3 * (MAX_PENDING_BYTES / CHUNK_BYTES); i++) rec.add(3, 1, 'stdout', Buffer.alloc(CHUNK_BYTES, 'y'));
    // Held output would have been committed by now (the bound); a count waits for the beat.
    expect(commits).toEqual([]);
    rec.tick();
    expect(commits).toEqual([[{ idx: 3, attempt: 1, stream: 'stdout', chunk: { pastCap: 3 * MAX_PENDING_BYTES } }]]);
  });
});
