import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** Full environment for the child (not merged with process.env). Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  uid?: number;
  gid?: number;
  /** The child is sent SIGKILL after this long. Default 30 s. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null when the child was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `file` with `args` (no shell) and collects its output. Never rejects on a non-zero exit. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        // The child may exit before reading all input (EPIPE); its exit status tells the story.
      });
      child.stdin.end(options.input);
    }
  });
}

/** Like runCommand, but rejects (with the command line, exit status and stderr) unless it exits 0. */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    const status = result.timedOut ? 'timed out' : result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
    throw new Error(`${file} ${args.join(' ')} failed (${status})\n${result.stderr}${result.stdout}`.trimEnd());
  }
  return result;
}
