// Which consoles (`handrail serve`) are running for a data folder, so `handrail open LINK` can
// use the one already running instead of starting a second. As Jupyter keeps a
// `jpserver-PID.json` per server, each console writes `DATA_DIR/console-PORT.json` (0600,
// never through a link: it holds the console's token) while it runs and removes it when it
// stops. A file left by a console that was killed names a process that is gone, or a
// port that no longer answers to its token: both are ignored.
import { closeSync, constants, fchmodSync, fstatSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningConsoleEntry {
  /** http://127.0.0.1:PORT/?token=…, as the console printed it. */
  url: string;
  port: number;
  pid: number;
  workspace: string;
}

const FILE = /^console-(\d+)\.json$/;

export function consoleFile(dataDir: string, port: number): string {
  return join(dataDir, `console-${port}.json`);
}

/** Written when the console starts; returns the function that removes it again. */
export function recordConsole(dataDir: string, entry: RunningConsoleEntry): () => void {
  const file = consoleFile(dataDir, entry.port);
  // Whatever is there (a killed console's file, a symlink planted to have the token written
  // elsewhere) is removed, not written through; O_EXCL then refuses anything put back meanwhile.
  rmSync(file, { force: true });
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeFileSync(fd, `${JSON.stringify(entry)}\n`);
  } finally {
    closeSync(fd);
  }
  return () => rmSync(file, { force: true });
}

/** Consoles of this data folder whose process is alive, the one on `preferPort` first. */
export function runningConsoles(dataDir: string, preferPort?: number): RunningConsoleEntry[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  const found: RunningConsoleEntry[] = [];
  for (const name of names) {
    const port = Number(FILE.exec(name)?.[1]);
    if (!Number.isInteger(port)) continue;
    try {
      const entry = readOwnFile(join(dataDir, name));
      if (entry !== undefined && entry.port === port && loopbackOn(entry.url, port) && Number.isInteger(entry.pid) && alive(entry.pid)) found.push(entry);
    } catch {
      // A half-written or foreign file: not a console to use.
    }
  }
  return found.sort((a, b) => Number(b.port === preferPort) - Number(a.port === preferPort));
}

/**
 * The file as a console of this account wrote it: not a symlink (O_NOFOLLOW), a regular file
 * of ours that nobody else can write. Anything else may have been planted to send the
 * browser, with the alert's values, somewhere else.
 */
function readOwnFile(path: string): RunningConsoleEntry | undefined {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const stat = fstatSync(fd);
    const ours = process.getuid === undefined || stat.uid === process.getuid();
    if (!stat.isFile() || !ours || (stat.mode & 0o022) !== 0) return undefined;
    return JSON.parse(readFileSync(fd, 'utf8')) as RunningConsoleEntry;
  } finally {
    closeSync(fd);
  }
}

/** A console listens on loopback, on the port its file is named for. */
function loopbackOn(consoleUrl: unknown, port: number): boolean {
  if (typeof consoleUrl !== 'string') return false;
  try {
    const url = new URL(consoleUrl);
    const host = url.hostname;
    return url.protocol === 'http:' && (/^127\./.test(host) || host === '[::1]' || host === 'localhost') && Number(url.port) === port;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the pid now belongs to another account's process, so not our console.
    return false;
  }
}
