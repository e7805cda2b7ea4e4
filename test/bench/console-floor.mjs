// The console's floor: nothing Handrail-specific. A bare Node server that serves the same
// renderer build and answers the console's calls with the same JSON a console answered
// (read from ANSWERS), over a WebSocket like the console's. What the page alone costs; the
// console's own start-up is the difference. Prints its URL, like `handrail serve`.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { WebSocketServer } from 'ws';

const dir = process.env.RENDERER_DIR;
const answers = JSON.parse(readFileSync(process.env.ANSWERS, 'utf8'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

// The page with the first screen's answers written in, as `handrail serve` writes them.
const escaped = JSON.stringify(answers).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const index = readFileSync(join(dir, 'index.html'), 'utf8').replace('</body>', `<script type="application/json" id="handrail-page-answers">${escaped}</script></body>`);

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://floor.invalid').pathname;
  if (path === '/') {
    response.writeHead(200, { 'Content-Type': TYPES['.html'], 'Content-Length': Buffer.byteLength(index) });
    response.end(index);
    return;
  }
  const file = join(dir, path);
  let size;
  try {
    size = statSync(file).size;
  } catch {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
  createReadStream(file).pipe(response);
});
new WebSocketServer({ server, path: '/api/ws' }).on('connection', (socket) =>
  socket.on('message', (data) => {
    const { id, op } = JSON.parse(String(data));
    socket.send(JSON.stringify(op in answers ? { id, result: answers[op] } : { id, error: { code: 'failed', message: `${op} is not answered by the floor` } }));
  }),
);
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`));
