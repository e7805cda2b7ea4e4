// How `handrail serve` hands out the built renderer: real files with their content types,
// the page's route paths answered with index.html, nothing outside the build folder however
// the path is spelled, and plain words when the UI has not been built. An in-process
// server on a free loopback port, in front of a real ConsoleService and a real build folder.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { resolveSettings } from '../../src/app/settings.js';
import { startConsoleServer, type RunningConsole } from '../../src/server/console-server.js';
import { DEMO } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-3f2a.js"></script></body></html>';
const SCRIPT = 'document.documentElement.dataset.appState = "ready";';
const SECRET = 'this file is outside the build folder';

let dir: string;
let service: ConsoleService;
let built: RunningConsole;
let unbuilt: RunningConsole;
const logged: string[] = [];

beforeAll(async () => {
  dir = await makeTempDir('serve-files');
  const dist = join(dir, 'renderer', 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'app-3f2a.js'), SCRIPT);
  writeFileSync(join(dist, 'assets', 'app-3f2a.css'), 'body { margin: 0 }');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, '.env'), SECRET);
  writeFileSync(join(dir, 'renderer', 'secret.txt'), SECRET);
  symlinkSync(join(dir, 'renderer', 'secret.txt'), join(dist, 'assets', 'linked.txt'));
  service = new ConsoleService(resolveSettings({ dataDir: join(dir, 'data'), workspace: DEMO, operator: 'tester' }));
  const log = (line: string) => logged.push(line);
  built = await startConsoleServer({ backend: service, host: '127.0.0.1', port: 0, rendererDir: dist, log });
  unbuilt = await startConsoleServer({ backend: service, host: '127.0.0.1', port: 0, rendererDir: join(dir, 'nowhere', 'dist'), log });
});

afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  await service?.close();
  await removeDir(dir);
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A signed-in GET (the bearer token, as a script would); the raw path is sent as written. */
function get(server: RunningConsole, path: string): Promise<Reply> {
  const url = new URL(server.url);
  const headers = { Authorization: `Bearer ${url.searchParams.get('token')}` };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: url.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** The page as built, and the first screen's answers the server wrote into it just before </body>. */
function splitAnswers(body: string): { page: string; answers: Record<string, unknown> } {
  const element = /<script type="application\/json" id="handrail-page-answers">([^<]*)<\/script><\/body>/.exec(body);
  expect(element, 'the page carries the first screen\'s answers').not.toBeNull();
  return { page: body.replace(element![0], '</body>'), answers: JSON.parse(element![1]!) as Record<string, unknown> };
}

describe('the built renderer, as handrail serve hands it out', () => {
  it('serves index.html at / with the strict policy, uncached, and the first screen\'s answers written in', async () => {
    let reply = await get(built, '/');
    // A new data folder judges the runbooks first; a page asked for meanwhile goes without the
    // list (the page asks the socket for it) rather than wait. Asked again, it has it.
    for (let tries = 0; tries < 40 && !('listRunbooks' in splitAnswers(reply.body).answers); tries++) reply = await get(built, '/');
    expect(reply.status).toBe(200);
    const { page, answers } = splitAnswers(reply.body);
    expect(page).toBe(INDEX);
    expect(Object.keys(answers).sort()).toEqual(['appInfo', 'listRunbooks']);
    expect((answers.listRunbooks as { runbooks: { id: string }[] }).runbooks.map((r) => r.id)).toContain('deploy-release');
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    const port = new URL(built.url).port;
    expect(reply.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
    );
  });

  it('serves assets with their content types, and route paths with index.html', async () => {
    const script = await get(built, '/assets/app-3f2a.js');
    expect(script.status).toBe(200);
    expect(script.body).toBe(SCRIPT);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await get(built, '/assets/app-3f2a.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(built, '/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
    for (const route of ['/runbooks', '/audit/runs/20260101-120000-abcdef', '/snapshots?sort=size']) {
      const page = await get(built, route);
      expect(page.status, route).toBe(200);
      expect(splitAnswers(page.body).page, route).toBe(INDEX);
    }
  });

  it('answers 404 for a missing asset rather than a page that would fail to load', async () => {
    const reply = await get(built, '/assets/app-0000.js');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('<');
  });

  it('never serves a file outside the build folder, however the path is spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/linked.txt',
      '/.env',
      '/%2eenv',
      '/secret.txt%00.js',
    ]) {
      const reply = await get(built, path);
      expect(reply.body, path).not.toContain(SECRET);
      expect([200, 400, 404], path).toContain(reply.status);
      // A path the router may own gets the page itself, never the file behind it.
      if (reply.status === 200) expect(reply.body, path).toBe(INDEX);
    }
  });

  it('says in plain words that the UI is not built, and how to build it', async () => {
    for (const path of ['/', '/audit']) {
      const reply = await get(unbuilt, path);
      expect(reply.status, path).toBe(503);
      expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(reply.body).toContain("The console's user interface is not built");
      expect(reply.body).toContain('Run `npm run build`');
    }
    expect(logged).toEqual([]);
  });
});
