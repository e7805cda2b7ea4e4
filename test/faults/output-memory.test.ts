// Memory stays bounded however much a step prints: `show` of a run with a gigabyte of output
// streams it page by page, and live output to a reader that stopped reading (a pipe nobody
// drains) is not buffered without limit. Peak memory is measured by /usr/bin/time -v (the
// kernel's own count of the CLI's peak resident set), so the bound is on memory, not time.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runIdOf } from '../support/handrail-cli.js';

const TIME = '/usr/bin/time';
const root = mkdtempSync(join(tmpdir(), 'handrail-outmem-'));
const workspace = join(root, 'ws');
const dataDir = join(root, 'data');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
const printer = (id: string, bytes: number) =>
  `---\nid: ${id}\ntitle: Prints a lot\nversion: 1.0.0\n---\n\n## Print\n\n\`\`\`sh {target=local}\nyes 'handrail output line, long enough to be a realistic log line of an application' | head -c ${bytes}\n\`\`\`\n`;
const GiB = 1024 ** 3;
const MB = 1000 * 1000;
writeFileSync(join(workspace, 'gigabyte.md'), printer('gigabyte', GiB));
writeFileSync(join(workspace, 'half-gigabyte.md'), printer('half-gigabyte', 500 * MB));

const env = {
  ...process.env,
  HANDRAIL_DATA_DIR: dataDir,
  HANDRAIL_WORKSPACE: workspace,
  HANDRAIL_OPERATOR: 'tester',
  // Store all of it: the default per-attempt cap (256 MiB) would make the runs smaller.
  HANDRAIL_MAX_OUTPUT_MB: '2048',
};

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Measured {
  code: number | null;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
  peakMb: number;
}

/**
 * Runs the CLI under /usr/bin/time -v. `read`: whether stdout is drained; else nobody reads it
 * (once the pipe is full the CLI's writes pile up in its own memory unless it stops) until
 * `until` resolves, and then the pipe is closed, as when a stalled terminal finally goes away.
 */
function measured(args: string[], read: boolean, until?: Promise<void>): Promise<Measured> {
  const child = spawn(TIME, ['-v', process.execPath, BIN, ...args], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutBytes = 0;
  let head = '';
  let stderr = '';
  if (read) {
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      if (head.length < 4096) head += d.toString();
    });
  }
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  void until?.then(() => child.stdout.destroy());
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      child.stdout.destroy();
      resolve({ code, stdoutBytes, stdout: head, stderr, peakMb: peak ? Number(peak[1]) / 1024 : Number.NaN });
    });
  });
}

/** Resolves once the runbook's run is recorded as over (the CLI may still be waiting to write to its stdout). */
async function runEnded(runbook: string): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (!existsSync(join(dataDir, 'handrail.db'))) continue;
    const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
    try {
      const status = db.prepare('SELECT status FROM runs WHERE runbook_id = ?').pluck().get(runbook) as string | undefined;
      if (status !== undefined && status !== 'running') return;
    } finally {
      db.close();
    }
  }
}

function storedBytes(runId: string): number {
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
  try {
    return db.prepare('SELECT sum(stored_bytes) FROM step_output_totals WHERE run_id = ?').pluck().get(runId) as number;
  } finally {
    db.close();
  }
}

describe('memory with a lot of output', () => {
  it.skipIf(!existsSync(TIME))('`show` of a run that printed 1 GiB streams it: the CLI stays under 300 MB', async () => {
    const run = await measured(['run', 'gigabyte', '--env', 'dev', '--yes'], true);
    expect(run.code, run.stderr).toBe(0);
    const id = runIdOf(run.stdout);
    expect(storedBytes(id)).toBe(GiB);

    const show = await measured(['show', id], true);
    expect(show.code, show.stderr).toBe(0);
    // Every byte is printed (each line with its "   | " prefix), within a bounded memory.
    expect(show.stdoutBytes).toBeGreaterThan(GiB);
    expect(show.peakMb).toBeLessThan(300);

    const json = await measured(['show', id, '--json'], true);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdoutBytes).toBeGreaterThan(GiB);
    expect(json.peakMb).toBeLessThan(300);
  }, 600_000);

  it.skipIf(!existsSync(TIME))('live output to a pipe nobody reads: the CLI stays under 300 MB, stores everything and says live output paused', async () => {
    const run = await measured(['run', 'half-gigabyte', '--env', 'dev', '--yes'], false, runEnded('half-gigabyte'));
    expect(run.peakMb).toBeLessThan(300);
    expect(run.stderr).toMatch(/live output paused: the terminal is not reading; everything is stored — `handrail show \d{8}-\d{6}-[0-9a-f]{6}`/);
    const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
    const { id, status } = db.prepare("SELECT id, status FROM runs WHERE runbook_id = 'half-gigabyte'").get() as { id: string; status: string };
    db.close();
    expect(status).toBe('succeeded');
    expect(storedBytes(id)).toBe(500 * MB);
  }, 600_000);
});
