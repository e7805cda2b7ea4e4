// Serves the built renderer (Vite's renderer/dist/) to a signed-in browser: files inside that
// folder only, with their real content types; any other page path gets index.html so the
// React router can take it (a reload on /audit/RUN works).
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sendText } from './response-headers.js';

/** renderer/dist/ of this package, found like settings.ts finds the demo workspace (dist/server/ and src/server/ are both two levels down). */
export const RENDERER_DIR = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * `pageAnswers`, when given, is written into index.html before `</body>` (see page-answers.ts);
 * the page's head goes out first, so the browser fetches the scripts while it is computed.
 */
export async function serveRendererFile(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  rendererDir: string,
  pageAnswers?: () => Promise<string>,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(response, 400, `the path ${pathname} is not valid percent-encoding`);
    return;
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  // `..` can arrive percent-encoded (%2e%2e, ..%2f) past the URL parser's own clean-up, and
  // dotfiles are never part of a build: refuse both before touching the disk.
  if (decoded.includes('\0') || decoded.includes('\\') || segments.some((s) => s.startsWith('.'))) {
    sendText(response, 404, `no such file: ${pathname}`);
    return;
  }
  const root = await realpath(rendererDir).catch(() => null);
  if (root === null) {
    notBuilt(response, rendererDir);
    return;
  }
  const wanted = segments.length === 0 ? 'index.html' : segments.join('/');
  const file = await insideRoot(root, join(root, wanted));
  if (file !== null) {
    if (wanted === 'index.html') await sendIndex(request, response, file, pageAnswers);
    else await sendFile(request, response, file, false);
    return;
  }
  // Browsers ask for /favicon.ico on their own; a build without one is not an error to log
  // in the page's console.
  if (wanted === 'favicon.ico') {
    response.writeHead(204, { 'Cache-Control': 'no-cache' });
    response.end();
    return;
  }
  // A missing asset is a 404, or a broken build would look like a blank page; a missing page
  // path (no extension) is a client-side route.
  if (extname(wanted) !== '') {
    sendText(response, 404, `no such file: ${pathname}`);
    return;
  }
  const index = await insideRoot(root, join(root, 'index.html'));
  if (index === null) notBuilt(response, rendererDir);
  else await sendIndex(request, response, index, pageAnswers);
}

/** The file's real path when it is a regular file inside `root` (symbolic links resolved), else null. */
async function insideRoot(root: string, candidate: string): Promise<string | null> {
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

async function sendFile(request: IncomingMessage, response: ServerResponse, file: string, isIndex: boolean): Promise<void> {
  const info = await stat(file);
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  response.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    // index.html names the current build's hashed assets: always fetch it anew. Vite puts a
    // content hash in every name under assets/, so those never change.
    'Cache-Control': isIndex ? 'no-store' : file.includes(`${sep}assets${sep}`) ? 'private, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await pipeline(createReadStream(file), response);
}

async function sendIndex(request: IncomingMessage, response: ServerResponse, file: string, pageAnswers: (() => Promise<string>) | undefined): Promise<void> {
  if (pageAnswers === undefined || request.method === 'HEAD') {
    await sendFile(request, response, file, true);
    return;
  }
  const answers = pageAnswers();
  const html = await readFile(file, 'utf8');
  const end = html.lastIndexOf('</body>');
  // No Content-Length: the head is sent before the answers are known.
  response.writeHead(200, { 'Content-Type': CONTENT_TYPES['.html']!, 'Cache-Control': 'no-store' });
  if (end < 0) {
    response.end(html);
    return;
  }
  response.write(html.slice(0, end));
  response.end(`${await answers}${html.slice(end)}`);
}

function notBuilt(response: ServerResponse, rendererDir: string): void {
  sendText(
    response,
    503,
    `The console's user interface is not built: ${join(rendererDir, 'index.html')} does not exist.\n` +
      'Run `npm run build` in the Handrail folder, then reload this page. The server itself is running and nothing was changed.',
  );
}
