// `handrail serve` as a browser (or another web page, or a script) meets it: the built CLI
// in a child process on a free loopback port, with its own data directory. Nothing is
// served, not even index.html, without the token or the cookie it is traded for; a foreign
// Host (DNS rebinding) or Origin (another page) is refused on HTTP and on the WebSocket.
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let dir: string;
let child: ChildProcess;
let url: URL;
let token: string;
let origin: string;
let stderr = '';

beforeAll(async () => {
  dir = await makeTempDir('serve-sec');
  child = handrailChild(['serve', '--port', '0'], { dataDir: dir });
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  child.once('exit', unregister);
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  url = new URL(await firstLine(child));
  token = url.searchParams.get('token') ?? '';
  origin = url.origin;
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await removeDir(dir);
});

/** The URL line `handrail serve` prints on stdout once it listens. */
function firstLine(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    process.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    process.once('exit', (code) => reject(new Error(`handrail serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
}

function stderrSays(text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!stderr.includes(text)) return;
      child.stderr?.off('data', check);
      resolve();
    };
    child.stderr?.on('data', check);
    check();
  });
}

/** node:http rather than fetch: fetch will not send a Host header of our choosing. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

async function signIn(): Promise<string> {
  const reply = await get(`/?token=${token}`);
  const cookie = [reply.headers['set-cookie'] ?? []].flat()[0] ?? '';
  return cookie.split(';')[0] ?? '';
}

/** Opens the console's WebSocket; rejects with the HTTP status the upgrade was refused with. */
function connect(headers: Record<string, string>, path = '/api/ws'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${url.port}${path}`, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused with ${res.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** A body that could carry any of the console: markup, JSON, script. */
function expectNoData(body: string) {
  expect(body).not.toMatch(/<html|<script|<!doctype|\{"|\[\{/i);
  expect(body.length).toBeLessThan(300);
}

describe('handrail serve, before signing in', () => {
  it('prints exactly one line on stdout: the loopback URL with a fresh token', async () => {
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.pathname).toBe('/');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // …and says on stderr how to stop it.
    await stderrSays('Ctrl-C');
  });

  it('answers 401 and no data to a request without the token, on every path', async () => {
    for (const path of ['/', '/index.html', '/assets/index.js', '/runbooks', '/api/ws']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(401);
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
      expect(reply.headers['set-cookie']).toBeUndefined();
      expectNoData(reply.body);
      expect(reply.body).toContain('token');
    }
  });

  it('answers 401 to a wrong token, in the URL or as a bearer, and a forged cookie', async () => {
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const [path, headers] of [
      [`/?token=${wrong}`, {}],
      [`/?token=`, {}],
      ['/', { Authorization: `Bearer ${wrong}` }],
      ['/', { Cookie: `handrail-session-${url.port}=${token}` }],
    ] as const) {
      const reply = await get(path, headers);
      expect(reply.status, path).toBe(401);
      expect(reply.headers['set-cookie']).toBeUndefined();
      expectNoData(reply.body);
    }
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and redirects to the URL without it', async () => {
    const reply = await get(`/audit?view=runs&token=${token}`);
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/audit?view=runs');
    const cookie = [reply.headers['set-cookie'] ?? []].flat()[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^handrail-session-${url.port}=[A-Za-z0-9_-]+;`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    // The cookie is not the token: the string in terminal scrollback is not what the browser keeps.
    expect(cookie).not.toContain(token);
  });
});

describe('handrail serve, signed in', () => {
  it('lets the cookie or the bearer token in, with the security headers on the page', async () => {
    const cookie = await signIn();
    for (const headers of [{ Cookie: cookie }, { Authorization: `Bearer ${token}` }] as Record<string, string>[]) {
      const reply = await get('/', headers);
      // 200 with the UI when renderer/dist is built, 503 saying how to build it when not.
      expect([200, 503]).toContain(reply.status);
      if (reply.status === 503) expect(reply.body).toContain('npm run build');
      expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
      expect(reply.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${url.port}`);
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('refuses a foreign Host (DNS rebinding) with 403, even with the cookie', async () => {
    const cookie = await signIn();
    for (const host of [`evil.example:${url.port}`, `127.0.0.1:1`, 'localhost']) {
      const reply = await get('/', { Cookie: cookie, Host: host });
      expect(reply.status, host).toBe(403);
      expectNoData(reply.body);
    }
    // The token exchange itself is refused too: a rebinding page cannot sign itself in.
    const exchange = await get(`/?token=${token}`, { Host: `evil.example:${url.port}` });
    expect(exchange.status).toBe(403);
    expect(exchange.headers['set-cookie']).toBeUndefined();
    // The names that do mean this machine are accepted.
    for (const host of [`localhost:${url.port}`, `[::1]:${url.port}`]) {
      expect((await get('/', { Authorization: `Bearer ${token}`, Host: host })).status, host).not.toBe(403);
    }
  });

  it('refuses a request from another origin with 403, even with the cookie', async () => {
    const cookie = await signIn();
    for (const foreign of ['http://evil.example', `http://localhost:${url.port}`, 'null']) {
      const reply = await get('/', { Cookie: cookie, Origin: foreign }, 'GET');
      expect(reply.status, foreign).toBe(403);
      expectNoData(reply.body);
    }
    expect((await get('/', { Cookie: cookie, Origin: origin })).status).not.toBe(403);
  });
});

describe("handrail serve's WebSocket", () => {
  it('refuses the upgrade without the cookie (401), from another origin or Host (403), elsewhere than /api/ws (404)', async () => {
    const cookie = await signIn();
    await expect(connect({ Origin: origin })).rejects.toThrow('refused with 401');
    await expect(connect({ Origin: origin, Cookie: `handrail-session-${url.port}=forged` })).rejects.toThrow('refused with 401');
    await expect(connect({ Origin: 'http://evil.example', Cookie: cookie })).rejects.toThrow('refused with 403');
    await expect(connect({ Origin: origin, Cookie: cookie, Host: `evil.example:${url.port}` })).rejects.toThrow('refused with 403');
    await expect(connect({ Origin: origin, Cookie: cookie }, '/elsewhere')).rejects.toThrow('refused with 404');
  });

  it('accepts the upgrade with the cookie from its own origin, and closes a message over 1 MiB', async () => {
    const socket = await connect({ Origin: origin, Cookie: await signIn() });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: 1, op: 'appInfo', request: { pad: 'x'.repeat(1024 * 1024 + 1) } }));
    expect(await closed).toBe(1009);
  });

  it('stops on SIGTERM: closes the console sockets and exits 0', async () => {
    const socket = await connect({ Origin: origin, Cookie: await signIn() });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await exited).toBe(0);
    await stderrSays('stopping');
  });
});
