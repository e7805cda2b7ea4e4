// Runs the built `handrail` CLI in a child process with its own data directory, the way
// an operator (or a script) does. `npm test` builds dist/ first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/handrail.js');
export const DEMO = join(ROOT, 'runbooks');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  dataDir: string;
  workspace?: string;
  cwd?: string;
  env?: Record<string, string>;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HANDRAIL_DATA_DIR: options.dataDir,
    HANDRAIL_WORKSPACE: options.workspace ?? DEMO,
    HANDRAIL_OPERATOR: 'tester',
    ...options.env,
  };
}

export function handrail(args: string[], options: CliOptions): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tmpdir(),
    encoding: 'utf8',
    env: environment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting, for tests that kill it mid-step. */
export function handrailChild(args: string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: environment(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ShownRun {
  run: { id: string; status: string; inputs: Record<string, unknown> };
  steps: { idx: number; title: string; status: string; attempt: number; reason: string | null; note: string | null; output: string }[];
}

export function showRun(id: string, options: CliOptions): ShownRun {
  const result = handrail(['show', id, '--json'], options);
  if (result.code !== 0) throw new Error(`handrail show ${id} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ShownRun;
}

export function runIdOf(stdout: string): string {
  const match = /Run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(stdout);
  if (!match?.[1]) throw new Error(`no run id in output:\n${stdout}`);
  return match[1];
}

/** Like `handrail`, without blocking this process (needed when the test itself serves HTTP). */
export function handrailAsync(args: string[], options: CliOptions): Promise<CliResult> {
  const child = handrailChild(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
