// kill -9 of the CLI while a step streams output: output is committed in batches (many chunks
// per commit, compressed and hashed off the main thread), and whatever the step's record says
// was stored must be there after the crash, in order, byte for byte what the step printed, each
// chunk vouched for by its `step.output` event, and the chain must verify.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { decodeOutputChunk, keptAsItCame } from '../../src/store/output-codec.js';
import { handrail, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-outcrash-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
// Fixed-width numbered lines: the bytes at any offset are known, so the stored output can be
// compared with exactly what the step printed up to its length. Far more than is printed
// before the kill (the run never ends by itself within the test).
const LINE = (i: number) => `${String(i).padStart(9, '0')} a line printed by the crash test step\n`;
const LINE_BYTES = LINE(0).length;
writeFileSync(
  join(workspace, 'stream.md'),
  "---\nid: stream\ntitle: Stream\nversion: 1.0.0\n---\n\n## Print\n\n```sh {target=local}\n" +
    `awk 'BEGIN { for (i = 0; i < 400000000; i++) printf "%09d a line printed by the crash test step\\n", i }'\n` +
    '```\n',
);
const cli: CliOptions = { dataDir: join(root, 'data'), workspace, env: { HANDRAIL_MAX_OUTPUT_MB: '4096' } };

afterAll(() => rmSync(root, { recursive: true, force: true }));

function expected(bytes: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i * LINE_BYTES < bytes; i++) lines.push(LINE(i));
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** What a second connection sees committed for the step: the record the run acknowledges. */
function committed(dataDir = cli.dataDir): { chunks: number; stored: number } {
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT chunks, stored_bytes AS stored FROM step_output_totals').get() as { chunks: number; stored: number } | undefined;
    return row ?? { chunks: 0, stored: 0 };
  } catch {
    return { chunks: 0, stored: 0 }; // the tables are not made yet
  } finally {
    db.close();
  }
}

it('keeps every chunk the step record acknowledged, in order and in the chain, after kill -9 mid-stream', async () => {
  const child = handrailChild(['run', 'stream', '--env', 'dev', '--yes'], cli);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  let seen = { chunks: 0, stored: 0 };
  const exited = new Promise((resolve) => child.once('close', resolve));
  await until(`the step stored several batches of output (stderr: ${stderr})`, () => {
    try {
      seen = committed();
    } catch {
      // the database is not there yet
    }
    return seen.chunks >= 12;
  });
  child.kill('SIGKILL');
  await exited;

  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    const totals = db.prepare('SELECT run_id, idx, attempt, chunks, stored_bytes FROM step_output_totals').get() as {
      run_id: string; idx: number; attempt: number; chunks: number; stored_bytes: number;
    };
    // Nothing acknowledged before the kill was lost.
    expect(totals.chunks).toBeGreaterThanOrEqual(seen.chunks);
    expect(totals.stored_bytes).toBeGreaterThanOrEqual(seen.stored);

    const rows = db.prepare('SELECT seq, raw_bytes, data FROM step_output WHERE run_id = ? AND idx = ? AND attempt = ? ORDER BY seq')
      .all(totals.run_id, totals.idx, totals.attempt) as { seq: number; raw_bytes: number; data: Buffer }[];
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: totals.chunks }, (_, i) => i));
    const chunks = rows.map((r) => decodeOutputChunk(r.data));
    const stored = Buffer.concat(chunks);
    expect(stored.length).toBe(totals.stored_bytes);
    expect(stored.equals(expected(stored.length)), 'the stored output is exactly what the step printed, from its start').toBe(true);

    const events = (db.prepare("SELECT b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = 'step.output' AND e.run_id = ? ORDER BY e.seq")
      .pluck().all(totals.run_id) as string[]).map((json) => JSON.parse(json) as { chunk: number; bytes: number; sha256: string });
    expect(events).toEqual(chunks.map((data, chunk) => expect.objectContaining({ chunk, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') })));
  } finally {
    db.close();
  }

  const verify = handrail(['audit', 'verify'], cli);
  expect(verify.stderr).toBe('');
  expect(verify.code, verify.stdout).toBe(0);
}, 120_000);

// Output that does not compress (an archive, random bytes) is kept as it came and the rest
// compressed: after a kill -9 both read back, each exactly the bytes its event vouches for.
it('keeps output of both forms (compressed, and kept as it came) readable and vouched for after kill -9 mid-stream', async () => {
  const ws = join(root, 'ws-mixed');
  mkdirSync(ws);
  writeFileSync(join(ws, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(ws, 'mixed.md'),
    "---\nid: mixed\ntitle: Mixed\nversion: 1.0.0\n---\n\n## Print\n\n```sh {target=local}\n" +
      "for b in $(seq 1 400); do\n" +
      "  awk 'BEGIN { for (i = 0; i < 60000; i++) printf \"%09d a line of a log\\n\", i }'\n" +
      '  head -c 2097152 /dev/urandom\n' +
      'done\n```\n',
  );
  const mixed: CliOptions = { dataDir: join(root, 'data-mixed'), workspace: ws, env: { HANDRAIL_MAX_OUTPUT_MB: '4096' } };
  const child = handrailChild(['run', 'mixed', '--env', 'dev', '--yes'], mixed);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  const exited = new Promise((resolve) => child.once('close', resolve));
  await until(`the step stored several batches of mixed output (stderr: ${stderr})`, () => {
    try {
      return committed(mixed.dataDir).chunks >= 24;
    } catch {
      return false; // the database is not there yet
    }
  });
  child.kill('SIGKILL');
  await exited;

  const db = new Database(join(mixed.dataDir, 'handrail.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT run_id, seq, raw_bytes, data FROM step_output ORDER BY seq').all() as { run_id: string; seq: number; raw_bytes: number; data: Buffer }[];
    const forms = new Set(rows.map((r) => keptAsItCame(r.data)));
    expect(forms, 'some chunks were kept as they came and some compressed').toEqual(new Set([true, false]));
    const chunks = rows.map((r) => decodeOutputChunk(r.data));
    expect(chunks.map((c) => c.length)).toEqual(rows.map((r) => r.raw_bytes));
    const events = (db.prepare("SELECT b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = 'step.output' ORDER BY e.seq")
      .pluck().all() as string[]).map((json) => JSON.parse(json) as { chunk: number; bytes: number; sha256: string });
    expect(events).toEqual(chunks.map((data, chunk) => expect.objectContaining({ chunk, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') })));
    const show = handrail(['show', rows[0]!.run_id], mixed);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('000059999 a line of a log');
  } finally {
    db.close();
  }
  const verify = handrail(['audit', 'verify'], mixed);
  expect(verify.stderr).toBe('');
  expect(verify.code, verify.stdout).toBe(0);
}, 120_000);
