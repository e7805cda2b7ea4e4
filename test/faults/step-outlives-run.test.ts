// A local step must not outlive its run: Handrail killed (-9) mid-step, or stopped by SIGTERM
// or SIGHUP (the operator's SSH session to the bastion dropped). The step writes numbered
// lines tagged with its pid to a file; two copies at once would interleave their pids there.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, handrail, handrailChild, showRun, type CliOptions } from '../support/handrail-cli.js';
import { until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-outlive-'));
const workspace = join(root, 'ws');
const written = join(root, 'written');
const loops = join(root, 'loops');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');

// The writer appends "PID N" lines; the loops file bounds it so a retry can finish quickly
// (a file, not an environment variable: a step gets only the environment the inventory passes).
const writer = (trapTerm: boolean) => `---
id: writer-${trapTerm ? 'stubborn' : 'plain'}
title: A step that writes for a while
version: 1.0.0
---

## Start

\`\`\`sh {target=local}
echo start
\`\`\`

## Write

\`\`\`sh {target=local}
${trapTerm ? "trap '' TERM\n" : ''}i=0
n=$(cat ${loops} 2>/dev/null || echo 600)
while [ "$i" -lt "$n" ]; do echo "$$ $i" >> ${written}; i=$((i+1)); sleep 0.05; done
\`\`\`
`;
writeFileSync(join(workspace, 'plain.md'), writer(false));
writeFileSync(join(workspace, 'manual.md'), '---\nid: by-hand\ntitle: By hand\nversion: 1.0.0\n---\n\n## Do it by hand\n\nDo the thing.\n');
writeFileSync(join(workspace, 'stubborn.md'), writer(true));

const lines = (): string[] => (existsSync(written) ? readFileSync(written, 'utf8').trim().split('\n').filter(Boolean) : []);
const writerPids = (): number[] => [...new Set(lines().map((l) => Number(l.split(' ')[0])))];

/** Whether a live (non-zombie) process is left in process group `pgid`. */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/** The pids in the file, in order of their first line, must never alternate: one writer at a time. */
function expectOneWriterAtATime(): void {
  const order = lines().map((l) => Number(l.split(' ')[0]));
  const runs = order.filter((pid, i) => i === 0 || order[i - 1] !== pid);
  expect(runs, 'two copies of the step wrote at the same time').toEqual([...new Set(runs)]);
}

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(written, { force: true });
  rmSync(loops, { force: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts a run and waits until its writing step has written; returns the CLI, run id and writer pid. */
async function startWriting(cli: CliOptions, runbook: string): Promise<{ child: ChildProcess; id: string; pid: number; exited: Promise<number | null> }> {
  const child = handrailChild(['run', runbook, '--env', 'dev'], cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await until('the step writes', () => lines().length >= 3);
  const [pid] = writerPids();
  if (pid === undefined) throw new Error('no writer');
  started.push(pid);
  const id = /Run (\S+):/.exec(stdout)?.[1];
  if (!id) throw new Error(`no run id printed: ${stdout}`);
  return { child, id, pid, exited };
}

describe('a local step does not outlive its run', () => {
  it('after kill -9 of the CLI, resume reports the step still running and never starts a second copy beside it', async () => {
    const cli = { dataDir: join(root, 'data-kill'), workspace };
    const { child, id, pid, exited } = await startWriting(cli, 'plain.md');
    child.kill('SIGKILL');
    await exited;
    expect(groupAlive(pid)).toBe(true);

    // Without the operator's choice to stop it, the resume is refused and runs nothing.
    writeFileSync(loops, '3');
    const refused = handrail(['resume', id, '--retry-in-doubt'], cli);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`step 2's command \\(pid ${pid}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`));
    expect(refused.stderr).toContain('--stop-leftover');
    expect(writerPids()).toEqual([pid]);
    expect(groupAlive(pid)).toBe(true);
    expect(showRun(id, cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 1], ['in-doubt', 1]]);

    // Chosen: the old copy is stopped (and gone) before the retry starts.
    const resumed = handrail(['resume', id, '--retry-in-doubt', '--stop-leftover'], cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`step 2's command (pid ${pid}`);
    expect(groupAlive(pid)).toBe(false);
    const pids = writerPids();
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(pid);
    expectOneWriterAtATime();
    expect(lines().filter((l) => l.startsWith(`${pids[1]} `))).toHaveLength(3);
    expect(showRun(id, cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 1], ['succeeded', 2]]);
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to the CLI stops the step's group and leaves the run interrupted, the step in doubt`, async () => {
      const cli = { dataDir: join(root, `data-${signal}`), workspace };
      const { child, id, pid, exited } = await startWriting(cli, 'plain.md');
      child.kill(signal);
      const code = await exited;
      expect(code).toBe(signal === 'SIGTERM' ? 143 : 129);
      // The file stops growing: nothing is left in the step's group to write to it.
      expect(groupAlive(pid)).toBe(false);
      const shown = showRun(id, cli);
      expect(shown.run.status).toBe('interrupted');
      expect(shown.steps.map((s) => s.status)).toEqual(['succeeded', 'in-doubt']);
      expect(shown.steps[1]?.reason).toContain(signal);
      // Nothing left running: the resume needs only the in-doubt decision, no --stop-leftover.
      writeFileSync(loops, '2');
      const resumed = handrail(['resume', id, '--retry-in-doubt'], cli);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expectOneWriterAtATime();
    });
  }

  it('a step that ignores SIGTERM gets SIGKILL, from the CLI being stopped and from --stop-leftover', async () => {
    const cli = { dataDir: join(root, 'data-stubborn'), workspace };
    const first = await startWriting(cli, 'stubborn.md');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(143);
    expect(groupAlive(first.pid)).toBe(false);
    expect(showRun(first.id, cli).run.status).toBe('interrupted');

    rmSync(written, { force: true });
    const second = await startWriting(cli, 'stubborn.md');
    second.child.kill('SIGKILL');
    await second.exited;
    const resumed = handrail(['resume', second.id, '--skip-in-doubt', 'checked by hand', '--stop-leftover'], cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(groupAlive(second.pid)).toBe(false);
  });

  it('at a terminal, resume shows the step still running and its command, asks, and says what it stopped on "y"', async () => {
    const cli = { dataDir: join(root, 'data-ask'), workspace };
    const { child, id, pid, exited } = await startWriting(cli, 'plain.md');
    child.kill('SIGKILL');
    await exited;
    writeFileSync(loops, '3');
    const command = [process.execPath, BIN, 'resume', id, '--retry-in-doubt'].map((w) => `'${w}'`).join(' ');
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, HANDRAIL_DATA_DIR: cli.dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let before: string | undefined;
    terminal.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      const asked = /Stop it now \(SIGTERM, then SIGKILL after 5 s\) and go on\? \[y\/N\] /.exec(screen);
      if (before !== undefined || !asked) return;
      before = screen.slice(0, asked.index);
      terminal.stdin.write('y\r');
    });
    const code = await new Promise((r) => terminal.once('close', r));
    // Shown before the question: which step, which group, since when, and its command.
    expect(before, screen).toMatch(new RegExp(`step 2's command \\(pid ${pid}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`));
    expect(before).toContain('while [ "$i" -lt "$n" ]');
    expect(code, screen).toBe(0);
    expect(screen).toMatch(new RegExp(`stopped step 2's command \\(pid ${pid}, started \\d\\d:\\d\\d:\\d\\d\\) \\(SIGTERM to its group, SIGKILL after 5 s if needed\\)`));
    expect(groupAlive(pid)).toBe(false);
    expectOneWriterAtATime();
    expect(showRun(id, cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 1], ['succeeded', 2]]);
  });

  it('a step recorded on another machine is refused at once, naming the machine: no --stop-leftover offered, no question asked', async () => {
    const cli = { dataDir: join(root, 'data-elsewhere'), workspace };
    const { child, id, exited } = await startWriting(cli, 'plain.md');
    child.kill('SIGKILL');
    await exited;
    // The data folder now on another machine than the one the step ran on (moved, or restored from a copy).
    const db = new Database(join(cli.dataDir, 'handrail.db'));
    db.prepare("UPDATE step_processes SET host = 'other-laptop' WHERE run_id = ?").run(id);
    db.close();
    const refused = handrail(['resume', id, '--retry-in-doubt'], cli);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain('ran on other-laptop; it can only be checked and stopped there (resume the run on other-laptop); nothing was executed');
    expect(refused.stderr).not.toContain('--stop-leftover');

    const command = [process.execPath, BIN, 'resume', id, '--retry-in-doubt'].map((w) => `'${w}'`).join(' ');
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, HANDRAIL_DATA_DIR: cli.dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    terminal.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    // A "y" typed anyway must not be taken as an answer to anything.
    terminal.stdin.write('y\r');
    const code = await new Promise((r) => terminal.once('close', r));
    expect(screen).not.toContain('Stop it now');
    expect(screen).toContain('it can only be checked and stopped there');
    expect(code, screen).toBe(2);
    expect(showRun(id, cli).steps.map((s) => s.status)).toEqual(['succeeded', 'in-doubt']);
  });

  it('SIGTERM while the CLI waits at a terminal prompt ends it and leaves the run interrupted', async () => {
    const cli = { dataDir: join(root, 'data-prompt'), workspace };
    // A terminal (script(1) gives the CLI a pty), so the manual step asks and waits.
    const command = [process.execPath, BIN, 'run', 'by-hand', '--env', 'dev'].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, HANDRAIL_DATA_DIR: cli.dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await until('the manual step asks', () => output.includes('Done?'));
    const [run] = JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; pid: number }[];
    if (!run) throw new Error('no run');
    process.kill(run.pid, 'SIGTERM');
    await exited;
    expect(output).toContain('INTERRUPTED: Handrail received SIGTERM while waiting for an answer');
    expect(showRun(run.id, cli).run.status).toBe('interrupted');
  });
});
