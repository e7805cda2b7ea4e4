// `handrail serve`: the browser console. The CLI and the server are peers that each bind
// src/app (the architecture rules keep src/cli from importing src/server), so this command
// starts the server's own entry point as a child process and stands in for it: same stdout
// (the URL line), same stderr, same exit code, and signals passed on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { fail } from '../output.js';

export const DEFAULT_PORT = 7447;

export interface ServeFlags {
  port: number;
  host: string;
  open?: boolean;
  /** `handrail open LINK` with no console running: open at this path and query (signed in). */
  openAt?: string;
}

const SERVER_MAIN = fileURLToPath(new URL('../../server/main.js', import.meta.url));

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535 (0: any free port), not "${value}"`);
  return port;
}

export async function serveCommand(flags: ServeFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const child = spawn(process.execPath, [SERVER_MAIN, '--host', flags.host, '--port', String(flags.port), ...(flags.open ? ['--open'] : []), ...(flags.openAt !== undefined ? ['--open-at', flags.openAt] : [])], {
    // Its own process group, so a terminal's Ctrl-C reaches it once (passed on below), not
    // twice; the IPC channel closes when this process dies, which stops the server too.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, HANDRAIL_DATA_DIR: settings.dataDir, HANDRAIL_WORKSPACE: settings.workspace, HANDRAIL_OPERATOR: settings.operator },
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, passOn);
  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (error) => {
        fail(`serve: cannot start the console server (${SERVER_MAIN}): ${error.message}. Nothing was started; run \`npm run build\` in the Handrail folder.`);
        resolve(1);
      });
      child.once('exit', (code, signal) => {
        if (signal !== null) fail(`serve: the console server was stopped by ${signal}; open runs are left interrupted and can be resumed`);
        resolve(code ?? 1);
      });
    });
  } finally {
    for (const signal of signals) process.off(signal, passOn);
  }
}
