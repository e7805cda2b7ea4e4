// Opening the console in the operator's own browser (`handrail serve --open`, `handrail open`), when there is one.
//
// The token is the key to the console, and a process's command line is readable by every
// user of the machine (ps, /proc/PID/cmdline). So, as Jupyter does, the URL goes into a
// private (0600) redirect file in the data folder and the browser is given that file's
// path, never the URL itself. The printed URL (stdout, the operator's own terminal) carries
// the token by design: it is how the operator signs in.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, fchmodSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Opens the console and returns a function that removes the redirect file again. */
export function openInBrowser(url: string, dataDir: string, port: number, log: (line: string) => void): () => void {
  const launcher = browserLauncher();
  if (launcher === null) {
    log('no browser to open here (no desktop session found); open the URL above yourself');
    return () => {};
  }
  const file = join(dataDir, `console-${port}.html`);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeRedirectFile(file, redirectPage(url));
  } catch (error) {
    log(`could not write ${file} to open a browser (${error instanceof Error ? error.message : String(error)}); open the URL above yourself`);
    return () => {};
  }
  const child = spawn(launcher.command, [...launcher.args, pathToFileURL(file).href], { stdio: 'ignore', detached: true });
  child.once('error', (error) => log(`could not open a browser (${launcher.command}: ${error.message}); open the URL above yourself`));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) log(`could not open a browser (${launcher.command} exited with ${code}); open the URL above yourself`);
  });
  child.unref();
  return () => rmSync(file, { force: true });
}

/**
 * 0600 even when an older file of that name was not, and never through a link planted at the
 * name (O_NOFOLLOW; not on Windows, which has no such flag): the page carries the token.
 */
function writeRedirectFile(file: string, page: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeFileSync(fd, page);
  } finally {
    closeSync(fd);
  }
}

function browserLauncher(): { command: string; args: string[] } | null {
  switch (process.platform) {
    case 'darwin':
      return { command: 'open', args: [] };
    case 'win32':
      // `start` is a cmd built-in; its first quoted argument is a window title.
      return { command: 'cmd', args: ['/c', 'start', '""'] };
    default:
      // A bastion host over SSH has xdg-open installed but no display to show a browser on.
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
      return onPath('xdg-open') ? { command: 'xdg-open', args: [] } : null;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function redirectPage(url: string): string {
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Handrail console</title></head>
<body><p>Opening the Handrail console… If nothing happens, <a href="${href}">open it here</a>.</p></body></html>
`;
}
