// The team workspace's blocking run (test/support/team-ledger.ts): step 1 changes the
// database, step 2 writes `ready` (its shell's pid to `ready.pid`) and waits for `release`.
// The team-lock specs hold a lock with it, crash it, and end it after each test. The runs
// started here are this file's own (each test file loads its own copy of this module).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { type CliOptions, handrailChild } from './handrail-cli.js';
import type { TeamWorkspace } from './team-ledger.js';
import { until } from './until.js';

export interface HeldRun {
  child: ChildProcess;
  /** The run id the CLI printed, if it printed one. */
  id: string | undefined;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Starts `args` (a run or resume of a blocking runbook); resolves once it changed the database and waits in step 2. */
export async function holdRun(ws: TeamWorkspace, cli: CliOptions, args: string[]): Promise<HeldRun> {
  rmSync(ws.ready, { force: true });
  const child = handrailChild(args, cli);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await until('the run waits in step 2', () => existsSync(ws.ready) || child.exitCode !== null);
  if (!existsSync(ws.ready)) throw new Error(`the run ended before step 2: ${stdout}${stderr}`);
  return { child, id: /Run (\S+):/.exec(stdout)?.[1], exited };
}

/** Kills the waiting step's shell, as a crash of its machine would leave it gone. */
export function killStep(ws: TeamWorkspace): void {
  if (!existsSync(`${ws.ready}.pid`)) return;
  try {
    process.kill(-Number(readFileSync(`${ws.ready}.pid`, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
}

/** After each test: lets any waiting step go, kills every run started here, and clears the step's files. */
export function endBlockingRuns(ws: TeamWorkspace): void {
  writeFileSync(ws.release, '');
  for (const child of children.splice(0)) child.kill('SIGKILL');
  killStep(ws);
  for (const path of [ws.ready, `${ws.ready}.pid`, ws.release]) rmSync(path, { force: true });
}
