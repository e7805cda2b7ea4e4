import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../src/core/engine/ports.js';
import { createHttpExecutor } from '../../src/targets/http-target.js';
import { freePort } from '../support/free-port.js';

const http = createHttpExecutor();

function request(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url, headers: [], body: '', signal: new AbortController().signal, onOutput: () => {}, ...overrides };
}

describe('HTTP executor', () => {
  let server: Server;
  let base: string;
  /** Resolved when the streaming route has sent its first chunk; it sends the rest when released. */
  let releaseStream: () => void = () => {};
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
    '/health': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    },
    '/echo': (req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers['authorization'], type: req.headers['content-type'], body }));
    },
    '/stream': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      releaseStream = () => res.end('second\n');
    },
    '/moved': (_req, res) => {
      res.writeHead(302, { location: '/health' });
      res.end();
    },
    '/hang': () => {
      // Never answers: the client's timeout has to end it.
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => (routes[req.url ?? ''] ?? routes['/health'])?.(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the status and streams the body chunk by chunk as it arrives', async () => {
    const chunks: string[] = [];
    const result = await http.run(
      request(`${base}/stream`, {
        onOutput: (stream, chunk) => {
          expect(stream).toBe('stdout');
          chunks.push(Buffer.from(chunk).toString('utf8'));
          // The second chunk is sent only once the first has reached us.
          if (chunks.length === 1) releaseStream();
        },
      }),
    );
    expect(result.status).toBe(200);
    expect(chunks).toEqual(['first\n', 'second\n']);
  });

  it('sends the method, headers and body', async () => {
    let text = '';
    const result = await http.run(
      request(`${base}/echo`, {
        method: 'POST',
        headers: [
          ['Authorization', 'Bearer t0ken'],
          ['Content-Type', 'application/json'],
        ],
        body: '{"pilot":"ada"}',
        onOutput: (_stream, chunk) => (text += Buffer.from(chunk).toString('utf8')),
      }),
    );
    expect(result.status).toBe(201);
    expect(JSON.parse(text)).toEqual({ method: 'POST', auth: 'Bearer t0ken', type: 'application/json', body: '{"pilot":"ada"}' });
  });

  it('shows a redirect as the 302 it is, without following it', async () => {
    let text = '';
    const result = await http.run(request(`${base}/moved`, { onOutput: (_s, chunk) => (text += Buffer.from(chunk).toString('utf8')) }));
    expect(result.status).toBe(302);
    expect(text).toBe('');
  });

  it('gives up at the timeout and says the server may have acted on the request', async () => {
    await expect(http.run(request(`${base}/hang`, { method: 'POST', body: 'x', timeoutMs: 200 }))).rejects.toThrow(
      `The step's 200 ms timeout ran out while waiting for ${base} to answer; the request was abandoned, and the server may still have received and acted on it.`,
    );
  });

  it('stops on abort while the body is arriving', async () => {
    const controller = new AbortController();
    const running = http.run(request(`${base}/stream`, { signal: controller.signal, onOutput: () => controller.abort() }));
    await expect(running).rejects.toThrow(`The step was aborted by the operator while the body of ${base}'s 200 answer was arriving`);
    releaseStream();
  });

  it('says "connection refused" and that nothing was sent when nothing listens', async () => {
    const port = await freePort('127.0.0.1');
    await expect(http.run(request(`http://127.0.0.1:${port}/deploy?token=s3cret`, { method: 'POST' }))).rejects.toThrow(
      new Error(`Could not reach http://127.0.0.1:${port}: connection refused; nothing was sent, so nothing was changed.`),
    );
  });

  it('refuses a body on GET before sending anything', async () => {
    await expect(http.run(request(`${base}/echo`, { body: 'x' }))).rejects.toThrow(/A GET request cannot carry a body.*nothing was sent/);
  });
});
