// `handrail serve` from the operator's terminal: what it prints, how it refuses, how it
// stops. The built CLI in child processes, each with its own data directory.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onProcessExit } from '../support/exit-cleanup.js';
import { freePort } from '../support/free-port.js';
import { handrailAsync, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
let cli: CliOptions;

beforeAll(async () => {
  dir = await makeTempDir('serve-cli');
  cli = { dataDir: join(dir, 'data') };
});
afterAll(() => removeDir(dir));

interface Served {
  child: ChildProcess;
  url: URL;
  stderr: () => string;
}

async function serve(args: string[], options: CliOptions = cli): Promise<Served> {
  const child = handrailChild(['serve', ...args], options);
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  child.once('exit', unregister);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`handrail serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return { child, url: new URL(line), stderr: () => stderr };
}

async function stop(served: Served): Promise<number | null> {
  if (served.child.exitCode !== null) return served.child.exitCode;
  const exited = new Promise<number | null>((resolve) => served.child.once('exit', resolve));
  served.child.kill('SIGTERM');
  return exited;
}

function status(url: URL, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Resolves once nothing accepts connections on the port any more. */
async function portClosed(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectOneCleanLine(text: string) {
  expect(text.trim().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at\s|node:internal/m);
}

describe('handrail serve (the command)', () => {
  it('stays on loopback without a warning by default', async () => {
    const served = await serve(['--port', '0']);
    expect(served.url.hostname).toBe('127.0.0.1');
    expect(await stop(served)).toBe(0);
    expect(served.stderr()).not.toMatch(/warning/i);
  });

  it('listens on every interface only when asked, and warns who can reach it', async () => {
    const served = await serve(['--port', '0', '--host', '0.0.0.0']);
    // The printed URL still works on this machine.
    expect(served.url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await status(served.url)).toBe(303);
    expect(await stop(served)).toBe(0);
    expect(served.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0, not on loopback\. Anyone who can reach this machine on port \d+/);
    expect(served.stderr()).toContain('ssh -L');
  });

  it('refuses a port already in use with one clear line and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await handrailAsync(['serve', '--port', String(port)], cli);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expectOneCleanLine(result.stderr);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
      expect(result.stderr).toContain('--port 0');
    } finally {
      blocker.close();
    }
  });

  it('refuses a port that is not one with exit 2', async () => {
    for (const port of ['70000', 'eighty', '-1']) {
      const result = await handrailAsync(['serve', '--port', port], cli);
      expect(result.code, port).toBe(2);
      expectOneCleanLine(result.stderr);
      expect(result.stderr).toContain('port');
    }
  });

  it('takes the server down with it when handrail serve itself is killed', async () => {
    const served = await serve(['--port', '0']);
    const port = Number(served.url.port);
    served.child.kill('SIGKILL');
    await portClosed(port);
    await expect(status(served.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--open hands the browser a private redirect file, never the token on a command line', async () => {
    // The desktop's opener, replaced by a script that records its arguments: this machine
    // has no desktop session, and what matters is what the opener is given.
    const bin = join(dir, 'bin');
    const argsFile = join(dir, 'opener-args');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}.tmp' && mv '${argsFile}.tmp' '${argsFile}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const served = await serve(['--port', '0', '--open'], { ...cli, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99' } });
    const token = served.url.searchParams.get('token') ?? '';
    while (!existsSync(argsFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    const args = readFileSync(argsFile, 'utf8').trim();
    expect(args).toMatch(/^file:\/\//);
    expect(args).not.toContain(token);
    const redirect = fileURLToPath(args);
    expect(readFileSync(redirect, 'utf8')).toContain(served.url.href);
    expect(statSync(redirect).mode & 0o777).toBe(0o600);
    expect(await stop(served)).toBe(0);
    // The file holding the token does not outlive the server.
    expect(existsSync(redirect)).toBe(false);
  });

  it('--open never writes the token through a link planted at the redirect file name', async () => {
    const bin = join(dir, 'bin-planted');
    const argsFile = join(dir, 'planted-opener-args');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const port = await freePort();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'kept\n');
    mkdirSync(cli.dataDir, { recursive: true });
    symlinkSync(victim, join(cli.dataDir, `console-${port}.html`));
    const served = await serve(['--port', String(port), '--open'], { ...cli, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99' } });
    while (!existsSync(argsFile) && !served.stderr().includes('to open a browser')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(served.stderr()).toMatch(/could not write .*console-\d+\.html to open a browser .*open the URL above yourself/);
    expect(existsSync(argsFile)).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('kept\n');
    expect(await stop(served)).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('kept\n');
  });

  it('--open without a desktop session says so and serves anyway', async () => {
    const env = { DISPLAY: '', WAYLAND_DISPLAY: '' };
    const served = await serve(['--port', '0', '--open'], { ...cli, env });
    expect(await status(served.url)).toBe(303);
    expect(await stop(served)).toBe(0);
    expect(served.stderr()).toContain('no browser to open here');
  });
});
