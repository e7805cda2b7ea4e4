// HTTP steps through the CLI against a real HTTP server on loopback, looking at the bytes
// the server received: a body encoded by its Content-Type (injected JSON stays one string,
// a form value cannot add a field), a path value that cannot climb out of its segment, and
// a preview that is the request as sent, secrets named.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrailAsync, showRun, type CliOptions } from '../support/handrail-cli.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const root = mkdtempSync(join(tmpdir(), 'handrail-http-encoding-'));
const workspace = join(root, 'ws');
const received: Received[] = [];
let server: Server;
let base: string;
let runs = 0;

function runbook(id: string, inputs: string, block: string): void {
  writeFileSync(
    join(workspace, `${id}.md`),
    `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\ninputs:\n${inputs}\n---\n\n## Call\n\n\`\`\`http {expect-status=200}\n${block}\n\`\`\`\n`,
  );
}

/** Runs with --json; returns the exit code, the preview the CLI printed, and all it printed. */
async function run(id: string, inputs: string[], env: Record<string, string> = {}) {
  const cli: CliOptions = { dataDir: join(root, `data-${runs++}`), workspace, env };
  const result = await handrailAsync(['run', id, '--env', 'dev', '--json', ...inputs.flatMap((i) => ['--input', i])], cli);
  const events = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; command?: string; run?: { id: string } });
  const preview = events.find((e) => e.type === 'step-start')?.command ?? '';
  const runId = events.find((e) => e.type === 'run-start')?.run?.id ?? '';
  return { ...result, preview, printed: result.stdout + result.stderr, shown: () => showRun(runId, cli) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  runbook('json-user', '  name: { type: string }', `POST ${base}/api/users\nContent-Type: application/json\n\n{"admin": false, "user": "{{ name }}"}`);
  runbook('disable-user', '  id: { type: string }', `POST ${base}/api/users/{{ id }}/disable`);
  runbook('form-login', '  name: { type: string }', `POST ${base}/login\nContent-Type: application/x-www-form-urlencoded\n\nuser={{ name }}&role=viewer`);
  runbook(
    'with-token',
    '  token: { type: string, secret: true }\n  q: { type: string }',
    `PUT ${base}/api/items/{{ q }}?q={{ q }}\nAuthorization: Bearer {{ token }}\nContent-Type: application/json\n\n{"q": "{{ q }}", "token": "{{ token }}"}`,
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('HTTP bodies by content type', () => {
  it('JSON: an injected value arrives as one string, not as new keys', async () => {
    const name = 'x", "admin": true, "y": "';
    const result = await run('json-user', [`name=${name}`]);
    expect(result.code, result.printed).toBe(0);
    const got = received.at(-1);
    // The old text substitution sent {"admin": false, "user": "x", "admin": true, …}: admin won.
    expect(JSON.parse(got?.body ?? '')).toEqual({ admin: false, user: name });
  });

  it('form: a value cannot add a field', async () => {
    const result = await run('form-login', ['name=bob&role=admin']);
    expect(result.code, result.printed).toBe(0);
    const got = received.at(-1);
    expect(got?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(got?.body)]).toEqual([
      ['user', 'bob&role=admin'],
      ['role', 'viewer'],
    ]);
  });
});

describe('HTTP paths', () => {
  it('id=.. is refused before anything is sent, and never reaches /api/disable', async () => {
    const before = received.length;
    for (const id of ['..', '.']) {
      const result = await run('disable-user', [`id=${id}`]);
      expect(result.code).toBe(1);
      expect(result.printed).toContain(`input 'id' would make the URL path segment '${id}'`);
      expect(result.printed).toContain('nothing was sent');
    }
    expect(received.length).toBe(before);
    expect(received.map((r) => r.url)).not.toContain('/api/disable');
  });

  it('a value with dots and slashes arrives inside its one segment', async () => {
    const result = await run('disable-user', ['id=../../admin']);
    expect(result.code, result.printed).toBe(0);
    expect(received.at(-1)?.url).toBe('/api/users/..%2F..%2Fadmin/disable');
  });
});

describe('the preview', () => {
  it('is the request the server received, with the secret named and never shown', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    const result = await run('with-token', ['q=a b"c/d'], { HANDRAIL_INPUT_TOKEN: token });
    expect(result.code, result.printed).toBe(0);
    const got = received.at(-1);
    expect(got?.headers['authorization']).toBe(`Bearer ${token}`);
    expect(result.printed).not.toContain(token);

    const [head = '', body = ''] = result.preview.split('\n\n');
    const [requestLine, ...headerLines] = head.split('\n');
    expect(requestLine).toBe(`PUT ${base}${got?.url}`);
    expect(got?.url).toBe('/api/items/a%20b%22c%2Fd?q=a%20b%22c%2Fd');
    // Header names are case-insensitive; fetch sends them in lower case.
    const headers = headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]);
    expect(headers).toEqual([
      ['authorization', 'Bearer [secret: token]'],
      ['content-type', 'application/json'],
    ]);
    expect(body).toBe('{"q": "a b\\"c/d", "token": "[secret: token]"}');
    expect(got?.body).toBe(body.replace('[secret: token]', token));
    expect(JSON.stringify(result.shown())).not.toContain(token);
  });
});
