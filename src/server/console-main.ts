// The browser console: `handrail serve` (src/cli/commands/serve.ts) runs it inside its own
// process, with the settings already resolved in HANDRAIL_* variables (a second Node process
// cost a whole Node start-up before the URL); src/server/main.ts runs it as a program of its own. The CLI and the server are peers that both bind src/app,
// so the CLI finds this file by its path rather than importing it.
//
// stdout: exactly one line, the URL (`npm start` and the tests read it). Everything else:
// stderr.
import { parseArgs } from 'node:util';
import { ConsoleService } from '../app/console/console-service.js';
import { UserError } from '../app/errors.js';
import { resolveSettings } from '../app/settings.js';
import { isStorageFault, storageFaultError } from '../app/storage-faults.js';
import { startConsoleServer, type RunningConsole } from './console-server.js';
import { isLoopback } from './hosts.js';
import { openInBrowser } from '../app/open-browser.js';
import { recordConsole } from '../app/console-registry.js';
import { linkWithToken } from '../app/console-link.js';

const log = (line: string) => process.stderr.write(`handrail serve: ${line}\n`);

/** A forgotten handle (a timer in a library) must not keep a stopped console alive. */
const EXIT_GRACE_MS = 5_000;
/** Stopping aborts the steps still running (whole process groups); past this, give up waiting. */
const STOP_LIMIT_MS = 15_000;

async function main(args: string[]): Promise<number> {
  const { values } = parseOptions(args);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  const host = values.host;

  // Listen for stop signals before anything is printed: whoever reads the URL may stop us at
  // once, and a SIGTERM that arrived before the handler existed would kill the process with
  // no clean stop and exit status 1 (a race once seen as a flaky test).
  const stop = stopRequested();
  const settings = resolveSettings({});
  const service = new ConsoleService(settings);
  let running: RunningConsole;
  try {
    running = await startConsoleServer({ backend: service, host, port, log });
  } catch (error) {
    await service.close();
    throw error;
  }

  if (!isLoopback(host)) {
    log(
      `WARNING: listening on ${host}, not on loopback. Anyone who can reach this machine on port ${running.port} ` +
        'can reach the console; only the token keeps them out, and plain HTTP carries it unencrypted. ' +
        `Prefer the default (127.0.0.1) and an SSH tunnel: ssh -L ${running.port}:127.0.0.1:${running.port} THIS-HOST.`,
    );
  }
  // Recorded before the URL is printed: once a caller sees the URL, `handrail open` finds this console.
  let forget = (): void => {};
  try {
    forget = recordConsole(settings.dataDir, { url: running.url, port: running.port, pid: process.pid, workspace: settings.workspace });
  } catch (error) {
    // Only `handrail open` uses the file: the console works without it.
    log(`could not record this console in ${settings.dataDir} (${(error as Error).message}); it runs, but handrail open will start another instead of using it`);
  }
  // `handrail open LINK` starts a console that opens at the link: its one line is then the
  // link itself, signed in (the token is traded for the cookie and dropped from the address).
  const shown = values['open-at'] ? linkWithToken(running.url, values['open-at']) : running.url;
  process.stdout.write(`${shown}\n`);
  // While the browser loads the page, not after it asks.
  service.prepareRunbooks();
  log(`workspace ${settings.workspace}, data in ${settings.dataDir}, operator ${settings.operator}`);
  log('open the URL above in a browser; stop with Ctrl-C');
  const removeRedirect = values.open || values['open-at'] ? openInBrowser(shown, settings.dataDir, running.port, log) : () => {};

  const why = await stop;
  log(`${why}: stopping (open runs are left interrupted and can be resumed)`);
  const limit = setTimeout(() => {
    log(`could not stop cleanly within ${STOP_LIMIT_MS / 1000} s; exiting now. A run still shown as running is resumable after the next start.`);
    process.exit(1);
  }, STOP_LIMIT_MS);
  try {
    await running.close();
    await service.close();
  } finally {
    forget();
    removeRedirect();
    clearTimeout(limit);
  }
  return 0;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        open: { type: 'boolean', default: false },
        'open-at': { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}; usage: handrail serve [--port N] [--host H] [--open]`);
  }
}

/** Ctrl-C, SIGTERM, or a parent that started this process with an IPC channel going away. */
function stopRequested(): Promise<string> {
  // The channel to the parent only tells us when it goes; it must not keep this process up.
  process.channel?.unref();
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (stopping) {
          log(`${signal} again: exiting now, without waiting for open runs to stop`);
          process.exit(1);
        }
        stopping = true;
        resolve(signal);
      });
    }
    process.once('disconnect', () => {
      stopping = true;
      resolve('handrail serve went away');
    });
  });
}
let stopping = false;

/**
 * Runs the console until it is stopped; resolves with the exit status. `args` are the
 * server's own flags (--host, --port, --open, --open-at); the settings come from the
 * HANDRAIL_* environment variables.
 */
export async function runConsole(args: string[]): Promise<number> {
  let code: number;
  try {
    code = await main(args);
  } catch (error) {
    code = failed(error);
  }
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  return code;
}

function failed(error: unknown): number {
  if (error instanceof UserError) {
    log(error.message);
    return error.exitCode;
  }
  if (isStorageFault(error, resolveSettings({}).dataDir)) {
    // The data folder's disk, not a bug: say so, with its free space and what to do.
    log(storageFaultError(error, resolveSettings({}).dataDir, 'The console stopped; open runs are left as they were recorded.').message);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  log(`internal error: ${message}. This is a bug in Handrail. Set HANDRAIL_DEBUG=1 to see where it happened.`);
  if (process.env.HANDRAIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
