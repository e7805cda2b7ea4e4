// `handrail serve`'s HTTP server: every request passes Host/Origin (403), then the token or
// session cookie (401), before it may see a single byte of the UI or the API. The WebSocket
// upgrade goes through the same checks before it is accepted.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CHALLENGE, CHALLENGE_HEADER, consoleProof, PROOF_HEADER } from '../app/console-proof.js';
import { UserError } from '../app/errors.js';
import { ConsoleToken } from './console-token.js';
import { allowedHosts, isWildcard, refusedHostOrOrigin, urlHostOf } from './hosts.js';
import { pageAnswersElement } from './page-answers.js';
import { RENDERER_DIR, serveRendererFile } from './renderer-files.js';
import { sendHtml, sendText, setSecurityHeaders } from './response-headers.js';
import { alertLinkRunbook, crossSite, reloadPage, setupLocation, signInPage, tokenOf } from './alert-link.js';
import { bindSocket, type ConsoleBackend } from './wire-binding.js';

export const WS_PATH = '/api/ws';
/** The largest call a console sends is a run's inputs; 1 MiB is generous and bounds memory. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Sockets whose peer vanished (a laptop lid closed) are found by ping and dropped. */
const HEARTBEAT_MS = 30_000;

export interface ConsoleServerOptions {
  backend: ConsoleBackend;
  /** Address to listen on; loopback unless the operator asked for more. */
  host: string;
  /** 0: any free port. */
  port: number;
  /** Defaults to this package's renderer/dist/. */
  rendererDir?: string;
  /** One line for the operator's terminal (stderr). */
  log: (line: string) => void;
}

export interface RunningConsole {
  /** The one URL that signs a browser in: http://HOST:PORT/?token=TOKEN. */
  url: string;
  port: number;
  /** Stops accepting, closes every connection; the backend is the caller's to close. */
  close(): Promise<void>;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const rendererDir = options.rendererDir ?? RENDERER_DIR;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port)));
    server.listen({ host: options.host, port: options.port, exclusive: true }, resolve);
  });
  server.on('error', (error) => options.log(`the console server failed: ${error.message}`));

  // Known only now: the port (maybe the kernel's choice) is part of the cookie's name, of
  // every allowed Host and of the URL. No request is read before this function returns.
  const address = server.address() as AddressInfo;
  const token = new ConsoleToken(address.port);
  const allowed = allowedHosts(options.host, address.port);
  // A wildcard bind answers on loopback too; that is the address to print for this machine.
  const ownHost = `${isWildcard(address.address) ? '127.0.0.1' : urlHostOf(address.address)}:${address.port}`;

  const alive = new WeakSet<WebSocket>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  sockets.on('connection', (socket: WebSocket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    bindSocket(socket, options.backend, options.log);
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = refusedHostOrOrigin(request, allowed);
    // A refused Host is not echoed into the policy.
    setSecurityHeaders(response, refused === null ? (request.headers.host ?? ownHost) : ownHost);
    if (refused !== null) {
      sendText(response, 403, `Forbidden: ${refused}.`);
      return;
    }
    // `handrail open` asks whether this is the console that wrote its console-PORT.json, without sending the token.
    const challenge = request.headers[CHALLENGE_HEADER];
    if (typeof challenge === 'string' && CHALLENGE.test(challenge)) response.setHeader(PROOF_HEADER, consoleProof(token.value, challenge));
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const offered = url.searchParams.get('token');
    if (offered !== null && (request.method === 'GET' || request.method === 'HEAD') && token.matchesToken(tokenOf(offered))) {
      // Trade the token for the cookie and drop it from the address bar (and so from history).
      url.searchParams.delete('token');
      // One leading slash: `//host` (from a raw `/.//host`) would send the browser to another site.
      response.writeHead(303, { Location: `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`, 'Set-Cookie': token.sessionCookie(), 'Cache-Control': 'no-store' });
      response.end();
      return;
    }
    const linked = alertLinkRunbook(url);
    if (!token.admits(request)) {
      if (linked !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
        sendHtml(response, 401, crossSite(request, url) ? reloadPage(url) : signInPage(linked, url));
        return;
      }
      sendText(response, 401, 'Not signed in. Open the URL with ?token=… that `handrail serve` printed when it started.', {
        'WWW-Authenticate': 'Bearer realm="handrail"',
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, `${request.method ?? '?'} is not served here; the console's API is the WebSocket at ${WS_PATH}`, { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === WS_PATH) {
      sendText(response, 426, `${WS_PATH} speaks WebSocket only`, { Upgrade: 'websocket' });
      return;
    }
    if (linked !== undefined) {
      response.writeHead(303, { Location: setupLocation(linked, url), 'Cache-Control': 'no-store' });
      response.end();
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendText(response, 404, `no such API path: ${url.pathname}; the console's API is the WebSocket at ${WS_PATH}`);
      return;
    }
    await serveRendererFile(request, response, url.pathname, rendererDir, () => pageAnswersElement(options.backend));
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handleRequest(request, response).catch((error: unknown) => {
      options.log(`a request for ${request.url ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendText(response, 500, 'the console could not answer this request; see the terminal running handrail serve');
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string, text: string) => {
      const body = `${text}\n`;
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const refused = refusedHostOrOrigin(request, allowed);
    if (refused !== null) return refuse(403, 'Forbidden', `Forbidden: ${refused}.`);
    if (!token.admits(request)) return refuse(401, 'Unauthorized', 'Not signed in.');
    if (new URL(request.url ?? '/', 'http://console.invalid').pathname !== WS_PATH) return refuse(404, 'Not Found', `the WebSocket is at ${WS_PATH}`);
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  const heartbeat = setInterval(() => {
    for (const socket of sockets.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    url: `http://${ownHost}/?token=${token.value}`,
    port: address.port,
    async close() {
      clearInterval(heartbeat);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const goodbyes = [...sockets.clients].map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.close(1001, 'handrail serve is stopping');
          }),
      );
      // A peer that never answers the closing handshake must not hold the shutdown up.
      await Promise.race([Promise.all(goodbyes), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      for (const socket of sockets.clients) socket.terminate();
      server.closeAllConnections();
      await closed;
    },
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${urlHostOf(host)}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new UserError(`cannot listen on ${where}: the port is already in use (another handrail serve?). Nothing was started; pick another with --port N, or --port 0 for any free port.`, 1);
    case 'EACCES':
      return new UserError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges). Nothing was started; pick a port above 1024 with --port N.`, 1);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`cannot listen on ${where}: ${host} is not an address of this machine. Nothing was started; leave out --host to use 127.0.0.1.`, 1);
    default:
      return new UserError(`cannot listen on ${where}: ${error.message}. Nothing was started.`, 1);
  }
}
