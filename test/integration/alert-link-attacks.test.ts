// Hostile requests and planted files against the alert-link path of the console: a request
// that would turn the token trade into a redirect to another site, and `handrail open`
// trusting a console-PORT.json file (a stale one whose port a foreign server now holds, one
// planted as a symlink, one naming another host). The token must never reach a server that
// is not the console that wrote the file, and the browser must never be sent there.
import type { ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onProcessExit } from '../support/exit-cleanup.js';
import { freePort } from '../support/free-port.js';
import { handrailAsync, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
let workspace: string;
let n = 0;
const NO_DISPLAY = { DISPLAY: '', WAYLAND_DISPLAY: '' };
const children: ChildProcess[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  dir = await makeTempDir('alert-link-attacks');
  workspace = join(dir, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  prod:\n    targets:\n      app: local\n');
  writeFileSync(join(workspace, 'db-failover.md'), '---\nid: db-failover\ntitle: Fail over\nversion: 1.0.0\n---\n\n## Look\n\n```sh {target=app}\necho hi\n```\n');
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});
afterAll(() => removeDir(dir));

const cli = (): CliOptions => ({ dataDir: join(dir, `data-${++n}`), workspace, env: NO_DISPLAY });

async function serve(options: CliOptions, port = 0): Promise<URL> {
  const child = handrailChild(['serve', '--port', String(port)], options);
  children.push(child);
  const forget = onProcessExit(() => child.kill('SIGKILL'));
  child.once('exit', forget);
  return new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(new URL(out.split('\n')[0] ?? ''));
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

/** A request with the path sent exactly as given (a browser would normalise it; an attacker's client need not). */
function rawGet(port: number, path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.once('error', reject);
    req.end();
  });
}

/** A server that is not a Handrail console: it answers 200 to everything and remembers what it was sent. */
async function foreignServer(): Promise<{ port: number; seen: IncomingHttpHeaders[]; urls: string[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const urls: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    urls.push(req.url ?? '');
    res.writeHead(200).end('welcome');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, urls };
}

describe('the token trade', () => {
  for (const path of ['/.//evil.example/x', '/%2e//evil.example/x', '/.///evil.example', '/./\\evil.example/x']) {
    it(`never answers ${path}?token=… with a redirect off the console`, async () => {
      const served = await serve(cli());
      const token = served.searchParams.get('token') ?? '';
      const answer = await rawGet(Number(served.port), `${path}?token=${token}`);
      expect(answer.status).toBe(303);
      const location = answer.location ?? '';
      // Resolved as a browser resolves it, the redirect stays on the console.
      expect(new URL(location, served.origin).origin).toBe(served.origin);
    });
  }
});

describe('handrail open and the console-PORT.json files', () => {
  const SECRET = 'planted-or-stale-token-value-0123456789';
  const link = (port: number) => `http://127.0.0.1:${port}/run/db-failover?env=prod&incident=INC-1`;

  it('a stale file whose port a foreign server now holds: the token is not sent there, the browser is not sent there', async () => {
    const options = cli();
    mkdirSync(options.dataDir ?? '', { recursive: true, mode: 0o700 });
    const foreign = await foreignServer();
    // A console killed with SIGKILL left its file; its pid now belongs to a live process of ours.
    writeFileSync(join(options.dataDir ?? '', `console-${foreign.port}.json`), JSON.stringify({ url: `http://127.0.0.1:${foreign.port}/?token=${SECRET}`, port: foreign.port, pid: process.pid, workspace }), { mode: 0o600 });
    const opened = await handrailAsync(['open', link(foreign.port)], options);
    expect(JSON.stringify(foreign.seen)).not.toContain(SECRET);
    expect(foreign.urls.join('\n')).not.toContain(SECRET);
    expect(opened.stdout).not.toContain(SECRET);
    // The port is taken, so no console can start there: said plainly, nothing opened.
    expect(opened.code).not.toBe(0);
    expect(opened.stderr).toContain('already in use');
  });

  it('a file naming another host, or a symlink, is not a console of this data folder', async () => {
    const options = cli();
    const dataDir = options.dataDir ?? '';
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const foreign = await foreignServer();
    const entry = JSON.stringify({ url: `http://localhost:${foreign.port}/?token=${SECRET}`, port: 1, pid: process.pid, workspace });
    writeFileSync(join(dataDir, 'console-1.json'), entry, { mode: 0o600 });
    writeFileSync(join(dir, `elsewhere-${n}.json`), JSON.stringify({ url: `http://127.0.0.1:${foreign.port}/?token=${SECRET}`, port: foreign.port, pid: process.pid, workspace }));
    symlinkSync(join(dir, `elsewhere-${n}.json`), join(dataDir, `console-${foreign.port}.json`));
    const opened = await handrailAsync(['open', link(foreign.port)], options);
    expect(foreign.seen).toEqual([]);
    expect(opened.stdout).not.toContain(SECRET);
    expect(opened.code).not.toBe(0);
  });

  it('a symlink planted where the console writes its file: the console starts, writes its own file, and never writes through the link', async () => {
    const options = cli();
    const dataDir = options.dataDir ?? '';
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const port = await freePort();
    const target = join(dir, `written-through-${n}.json`);
    symlinkSync(target, join(dataDir, `console-${port}.json`));
    const served = await serve(options, port);
    expect(existsSync(target)).toBe(false);
    const file = lstatSync(join(dataDir, `console-${port}.json`));
    expect(file.isFile()).toBe(true);
    expect(file.mode & 0o777).toBe(0o600);
    const opened = await handrailAsync(['open', link(port)], options);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout.trim()).toContain(`token=${served.searchParams.get('token') ?? ''}`);
  });

  it('the console that wrote its file is still found and signs the link in', async () => {
    const options = cli();
    const served = await serve(options);
    const opened = await handrailAsync(['open', link(Number(served.port))], options);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout.trim()).toBe(`${served.origin}/run/db-failover?env=prod&incident=INC-1&token=${served.searchParams.get('token') ?? ''}`);
  });
});
