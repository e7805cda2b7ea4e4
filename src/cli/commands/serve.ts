// `handrail serve`: the browser console. The CLI and the server are peers that each bind
// src/app (the architecture rules keep src/cli from importing src/server), so this command
// loads the server's entry point by its path and runs it in this process: the URL line on
// stdout, the server's lines on stderr, its exit code, and Ctrl-C/SIGTERM stop it cleanly.
// It used to start a second Node process for it, which cost a whole Node start-up (and this
// process's) before the URL; nothing the console guarantees needed a process of its own.
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { consoleEntry } from '../console-entry.js';
import { fail } from '../output.js';

export const DEFAULT_PORT = 7447;

export interface ServeFlags {
  port: number;
  host: string;
  open?: boolean;
  /** `handrail open LINK` with no console running: open at this path and query (signed in). */
  openAt?: string;
}

/** What src/server/console-main.ts (and its bundle) exports, declared here since the CLI may not import it. */
interface ConsoleEntry {
  runConsole(args: string[]): Promise<number>;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535 (0: any free port), not "${value}"`);
  return port;
}

export async function serveCommand(flags: ServeFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  // The server reads its settings from these, as it does when started on its own; anything
  // it starts sees the same values a separate server process was given.
  process.env.HANDRAIL_DATA_DIR = settings.dataDir;
  process.env.HANDRAIL_WORKSPACE = settings.workspace;
  process.env.HANDRAIL_OPERATOR = settings.operator;
  const file = consoleEntry();
  let entry: ConsoleEntry;
  try {
    entry = (await import(file.href)) as ConsoleEntry;
  } catch (error) {
    fail(`serve: cannot load the console server (${fileURLToPath(file)}): ${(error as Error).message}. Nothing was started; run \`npm run build\` in the Handrail folder.`);
    return 1;
  }
  return entry.runConsole(['--host', flags.host, '--port', String(flags.port), ...(flags.open ? ['--open'] : []), ...(flags.openAt !== undefined ? ['--open-at', flags.openAt] : [])]);
}
