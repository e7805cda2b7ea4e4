// Starts `handrail serve --port 0` as an operator would, with its own data directory and
// workspace, and reads the sign-in URL it prints. Stopped with SIGTERM (the CLI passes it
// on to the server, which leaves open runs interrupted), and killed at process exit if a
// test forgot to.
import { onProcessExit } from '../../support/exit-cleanup.js';
import { handrailChild, type CliOptions } from '../../support/handrail-cli.js';

export interface ConsoleProcess {
  /** The sign-in URL with its one-time token, as printed. */
  url: string;
  /** http://127.0.0.1:PORT, for deep links once the browser holds the cookie. */
  origin: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

const URL_LINE = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=\S+$/m;

export async function startConsole(options: CliOptions): Promise<ConsoleProcess> {
  const child = handrailChild(['serve', '--port', '0'], options);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const forget = onProcessExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = URL_LINE.exec(stdout);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`handrail serve exited (${code ?? signal}) before printing its URL.\nstdout: ${stdout}\nstderr: ${stderr}`)),
    );
  });

  return {
    url,
    origin: URL_LINE.exec(url)?.[1] ?? '',
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      forget();
    },
  };
}
