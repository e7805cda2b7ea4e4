// Step output: compressed on the way in, read back chunk by chunk in arrival order.
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { searchAudit } from '../../src/store/audit-search.js';
import { prepareChunkSync } from '../../src/store/output-prepare.js';
import { OUTPUT_INDEX_BYTES, type OutputChunk, readChunk } from '../../src/store/step-output.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const CHUNK = 256 * 1024; // four fit under the cap these tests set
const SOURCE = Buffer.from('---\nid: demo\ntitle: Demo\nversion: 1.0.0\n---\n\n## Step\n');

let dir: string;
let app: AppDatabase;
let store: RunStore;
beforeEach(async () => {
  dir = await makeTempDir('store-out');
  app = openAppDatabase(dir);
  store = new RunStore(app.db, { maxOutputBytesPerAttempt: 1024 * 1024 });
  store.createRun({
    id: 'run-1',
    runbookId: 'demo',
    runbookVersion: '1.0.0',
    runbookSha256: createHash('sha256').update(SOURCE).digest('hex'),
    runbookPath: 'demo.md',
    runbookSource: SOURCE,
    environment: 'local-demo',
    operator: 'ana',
    inputs: {},
    steps: [{ idx: 0, title: 'Step', kind: 'sh', target: 'local' }],
  });
  store.setStepStatus('run-1', 0, 'running');
});
afterEach(async () => {
  app.close();
  await removeDir(dir);
});

async function collect(iterable: AsyncIterable<OutputChunk>): Promise<OutputChunk[]> {
  const chunks: OutputChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

describe('RunStore: step output', () => {
  it('round-trips chunks of both streams in arrival order through compression', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}: ${'ok '.repeat(i)}\n`);
    lines.forEach((line, i) => store.appendOutput('run-1', 0, 1, i % 3 === 0 ? 'stderr' : 'stdout', Buffer.from(line)));

    app.close();
    app = openAppDatabase(dir);
    store = new RunStore(app.db);

    const chunks = await collect(store.readOutput('run-1', 0, 1, 7)); // pages of 7 rows
    expect(chunks.map((c) => c.seq)).toEqual(lines.map((_, i) => i));
    expect(chunks.map((c) => c.stream)).toEqual(lines.map((_, i) => (i % 3 === 0 ? 'stderr' : 'stdout')));
    expect(chunks.map((c) => c.data.toString())).toEqual(lines);
    expect(store.outputTotals('run-1', 0, 1)).toEqual({
      chunks: 40,
      storedBytes: Buffer.byteLength(lines.join('')),
      cutBytes: 0,
    });
  });

  it('stores chunks compressed, and binary output byte for byte', async () => {
    const text = Buffer.from('GET /health 200 OK\n'.repeat(5000));
    const binary = randomBytes(70_000);
    store.appendOutput('run-1', 0, 1, 'stdout', text);
    store.appendOutput('run-1', 0, 1, 'stdout', binary);
    const stored = app.db.prepare('SELECT raw_bytes, length(data) AS kept FROM step_output ORDER BY seq').all() as {
      raw_bytes: number;
      kept: number;
    }[];
    expect(stored[0]?.raw_bytes).toBe(text.length);
    expect(stored[0]?.kept).toBeLessThan(text.length / 20);

    const chunks = await collect(store.readOutput('run-1', 0, 1));
    expect(chunks[0]?.data.equals(text)).toBe(true);
    expect(chunks[1]?.data.equals(binary)).toBe(true);
  });

  it('keeps output that does not compress as it came (no compressor output bigger than the input), and reads it back', async () => {
    const binary = randomBytes(CHUNK);
    const text = Buffer.from('2026-12-07T03:00:00Z INFO request handled in 12 ms ok\n'.repeat(CHUNK / 52));
    store.appendOutput('run-1', 0, 1, 'stdout', binary);
    store.appendOutput('run-1', 0, 1, 'stdout', text);
    const kept = app.db.prepare('SELECT length(data) AS kept FROM step_output ORDER BY seq').pluck().all() as number[];
    // One byte says how the chunk is kept; a compressor's framing around bytes it could not shrink is not kept.
    expect(kept[0]).toBeLessThanOrEqual(binary.length + 1);
    expect(kept[1]).toBeLessThan(text.length / 5);
    const chunks = await collect(store.readOutput('run-1', 0, 1));
    expect(chunks[0]?.data.equals(binary)).toBe(true);
    expect(chunks[1]?.data.equals(text)).toBe(true);
    expect(readChunk(app.db, { runId: 'run-1', idx: 0, attempt: 1 }, 0)?.equals(binary)).toBe(true);
  });

  it('cuts at the cap a prepared chunk that no longer holds the bytes as received', async () => {
    const text = Buffer.from('a line the step printed\n'.repeat(CHUNK / 24));
    const { raw: _dropped, ...prepared } = prepareChunkSync(text);
    store.appendOutput('run-1', 0, 1, 'stdout', Buffer.alloc(1024 * 1024 - 100, 'x'));
    expect(store.appendOutput('run-1', 0, 1, 'stdout', prepared)).toEqual({ chunks: 2, storedBytes: 1024 * 1024, cutBytes: text.length - 100 });
    const chunks = await collect(store.readOutput('run-1', 0, 1));
    expect(chunks[1]?.data.equals(text.subarray(0, 100))).toBe(true);
  });

  it('reads chunks stored before output was kept in its current form (raw DEFLATE)', async () => {
    const old = Buffer.from('an old line of output\n'.repeat(2000));
    // As an earlier version kept it: the chunk's bytes as raw DEFLATE, nothing else in the column.
    store.appendOutput('run-1', 0, 1, 'stdout', old);
    app.db.prepare('UPDATE step_output SET data = ? WHERE seq = 0').run(deflateRawSync(old));
    store.appendOutput('run-1', 0, 1, 'stdout', Buffer.from('a new line\n'));
    const chunks = await collect(store.readOutput('run-1', 0, 1));
    expect(chunks.map((c) => c.data.toString())).toEqual([old.toString(), 'a new line\n']);
    expect(readChunk(app.db, { runId: 'run-1', idx: 0, attempt: 1 }, 0)?.equals(old)).toBe(true);
  });

  it('keeps attempts apart and lets the writer go on while a reader is part-way through', async () => {
    for (let i = 0; i < 10; i++) store.appendOutput('run-1', 0, 1, 'stdout', Buffer.from(`first ${i}\n`));
    store.setStepStatus('run-1', 0, 'failed', { exitCode: 1 });
    store.setStepStatus('run-1', 0, 'running');

    const seen: string[] = [];
    for await (const chunk of store.readOutput('run-1', 0, 1, 3)) {
      seen.push(chunk.data.toString());
      // The engine writing the retry's output on the same connection mid-read.
      store.appendOutput('run-1', 0, 2, 'stdout', Buffer.from(`second ${seen.length}\n`));
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `first ${i}\n`));
    expect(store.outputTotals('run-1', 0, 2).chunks).toBe(10);
    expect((await collect(store.readOutput('run-1', 0, 2)))[0]?.data.toString()).toBe('second 1\n');
  });

  it('counts output past the per-attempt cap as cut instead of storing it', async () => {
    const mib = 1024 * 1024;
    store.appendOutput('run-1', 0, 1, 'stdout', Buffer.alloc(mib - 10, 'y'));
    const totals = store.appendOutput('run-1', 0, 1, 'stdout', Buffer.alloc(100, 'y'));
    expect(totals).toEqual({ chunks: 2, storedBytes: mib, cutBytes: 90 });
    expect(store.appendOutput('run-1', 0, 1, 'stderr', Buffer.from('more\n'))).toEqual({
      chunks: 2,
      storedBytes: mib,
      cutBytes: 95,
    });
    const chunks = await collect(store.readOutput('run-1', 0, 1));
    expect(chunks.map((c) => c.data.length)).toEqual([mib - 10, 10]);
  });
});

describe('search index of output', () => {
  it('indexes the first 16 MiB of an attempt and keeps, unindexed, what follows', async () => {
    const big = new RunStore(app.db, { maxOutputBytesPerAttempt: 64 * 1024 * 1024 });
    const filler = Buffer.alloc(OUTPUT_INDEX_BYTES - 64, 'ab ');
    big.appendOutput('run-1', 0, 1, 'stdout', Buffer.concat([Buffer.from('early-word '), filler]));
    big.appendOutput('run-1', 0, 1, 'stdout', Buffer.from('straddling-word '.repeat(8)));
    big.appendOutput('run-1', 0, 1, 'stdout', Buffer.from('late-word\n'));
    const found = (word: string) => searchAudit(app.db, word, { limit: 10 }).filter((h) => h.source === 'output').length;
    expect(found('early-word')).toBe(1);
    expect(found('straddling-word')).toBe(1);
    expect(found('late-word')).toBe(0);
    // Stored all the same: nothing is lost, only not searchable.
    const text = Buffer.concat((await collect(big.readOutput('run-1', 0, 1))).map((c) => c.data)).toString();
    expect(text.endsWith('late-word\n')).toBe(true);
  });
});
