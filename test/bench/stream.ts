// A step streaming 1 GB of output through the engine (redaction, expectation matching,
// compressed storage, the terminal printer) against the same command writing to
// /dev/null, and the peak memory of the handrail process meanwhile.
// HANDRAIL_BENCH_STREAM_MB changes the size (default 1024).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { atMost, settings, show, stats, type Figure } from './table.js';

const BIN = resolve(import.meta.dirname, '../../bin/handrail.js');
const FLOOR = resolve(import.meta.dirname, 'stream-floor.mjs');

/** ~`mb` MB of log-like lines (numbers compress like real logs do, not like zeros). */
function producer(mb: number): string {
  const lines = Math.round((mb * 1024 * 1024) / 48);
  return `awk 'BEGIN { for (i = 0; i < ${lines}; i++) printf "%012d INFO request handled in %5d ms ok\\n", i, i % 99991 }'`;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ ms: number; peakKb: number }> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        peakKb = Math.max(peakKb, Number(hwm?.[1] ?? 0));
      } catch {
        // exited between polls
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) fail(new Error(`${command} ${args.join(' ')} exited ${code}`));
      else done({ ms: performance.now() - start, peakKb });
    });
  });
}

export async function benchStream(): Promise<Figure[]> {
  const mb = Number(process.env.HANDRAIL_BENCH_STREAM_MB ?? 1024);
  const root = mkdtempSync(join(tmpdir(), 'handrail-bench-stream-'));
  try {
    const ws = join(root, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'handrail.yml'), 'environments:\n  bench:\n    targets: {}\n');
    writeFileSync(join(ws, 'stream.md'), `---\nid: stream\ntitle: Stream\nversion: 1.0.0\n---\n\n## Print a lot\n\n\`\`\`sh {target=local}\n${producer(mb)}\n\`\`\`\n`);
    const env = { ...process.env, HANDRAIL_DATA_DIR: join(root, 'data'), HANDRAIL_WORKSPACE: ws };
    const base: number[] = [];
    const engine: number[] = [];
    const floor: number[] = [];
    let peakKb = 0;
    for (let round = 0; round < settings.runs; round++) {
      base.push((await timed('/bin/sh', ['-c', `${producer(mb)} > /dev/null`])).ms);
      const run = await timed(process.execPath, [BIN, 'run', 'stream', '--env', 'bench'], env);
      engine.push(run.ms);
      peakKb = Math.max(peakKb, run.peakKb);
      floor.push((await timed(process.execPath, [FLOOR, producer(mb), join(root, 'floor.out')])).ms);
      rmSync(join(root, 'floor.out'), { force: true });
    }
    // A quarter of the output, once: flat memory is the same peak whatever the output's size.
    // A new version: the same version with other content is refused (version history).
    const quarterMb = Math.max(1, Math.round(mb / 4));
    writeFileSync(join(ws, 'stream.md'), `---\nid: stream\ntitle: Stream\nversion: 1.0.1\n---\n\n## Print less\n\n\`\`\`sh {target=local}\n${producer(quarterMb)}\n\`\`\`\n`);
    const quarter = await timed(process.execPath, [BIN, 'run', 'stream', '--env', 'bench'], env);
    // The same run printing one line: what the process needs before output costs anything.
    writeFileSync(join(ws, 'stream.md'), `---\nid: stream\ntitle: Stream\nversion: 1.0.2\n---\n\n## Print a line\n\n\`\`\`sh {target=local}\necho one\n\`\`\`\n`);
    const idle = await timed(process.execPath, [BIN, 'run', 'stream', '--env', 'bench'], env);
    const ratio = stats(engine.map((e, i) => e / base[i]!));
    const floorRatio = stats(floor.map((f, i) => f / base[i]!));
    return [
      {
        name: `stream ${mb} MiB through a step`,
        value: `${show.x(ratio)}; ${show.s(stats(engine))}`,
        baseline: `same command > /dev/null: ${show.s(stats(base))}`,
        goal: atMost(ratio, 1.3),
      },
      {
        name: 'the streaming floor: read, SHA-256, append, fsync every 250 ms (test/bench/stream-floor.mjs)',
        value: `${show.x(floorRatio)}; Handrail against it ${show.x(stats(engine.map((e, i) => e / floor[i]!)))}`,
        baseline: `same command > /dev/null: ${show.s(stats(base))}`,
        goal: 'no goal: the least any recorder does',
      },
      {
        name: 'peak memory of handrail meanwhile (worst run)',
        value: `${(peakKb / 1024).toFixed(0)} MB (+${((peakKb - idle.peakKb) / 1024).toFixed(0)} MB)`,
        baseline: `a one-line step: ${(idle.peakKb / 1024).toFixed(0)} MB`,
        goal: { text: 'flat (+ < 64 MB)', met: peakKb - idle.peakKb < 64 * 1024 },
      },
      {
        name: `peak memory with ${quarterMb} MiB of output against ${mb} MiB (does it grow with the output?)`,
        value: `${(quarter.peakKb / 1024).toFixed(0)} MB against ${(peakKb / 1024).toFixed(0)} MB (${peakKb >= quarter.peakKb ? '+' : '−'}${(Math.abs(peakKb - quarter.peakKb) / 1024).toFixed(0)} MB)`,
        baseline: `a one-line step: ${(idle.peakKb / 1024).toFixed(0)} MB`,
        goal: { text: 'flat (4× the output, + < 16 MB)', met: peakKb - quarter.peakKb < 16 * 1024 },
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
