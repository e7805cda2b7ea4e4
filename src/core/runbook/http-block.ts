// An `http` action: `METHOD URL` on the first line, then optional `Name: value` headers,
// a blank line, and the body. The validator and the HTTP executor both read it from here.

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface HttpBlock {
  method: (typeof HTTP_METHODS)[number];
  url: string;
  headers: [string, string][];
  body: string;
  /** The body's first line, counted from the request line (0), for messages about it. */
  bodyLine: number;
}

export type HttpBlockParse = { ok: true; request: HttpBlock } | { ok: false; line: number; message: string };

export function parseHttpBlock(code: string): HttpBlockParse {
  const lines = code.split('\n');
  const requestLine = (lines[0] ?? '').trim();
  // The URL may hold `{{ name }}` placeholders, which contain spaces; nothing else may.
  const match = /^(\S+)\s+(.+)$/.exec(requestLine);
  if (!match || /\s/.test((match[2] ?? '').replace(/\{\{[^{}]*\}\}/g, ''))) {
    return { ok: false, line: 0, message: 'the first line of an http block must be METHOD URL, e.g. GET https://app.example.net/health' };
  }
  const method = (match[1] ?? '').toUpperCase();
  const url = match[2] ?? '';
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return { ok: false, line: 0, message: `'${match[1]}' is not an HTTP method; use one of ${HTTP_METHODS.join(', ')}` };
  }
  if (!/^https?:\/\//i.test(url)) {
    return { ok: false, line: 0, message: `the URL must start with http:// or https://, not '${url}'` };
  }
  const headers: [string, string][] = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') break;
    const header = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*)$/.exec(line);
    if (!header) {
      return { ok: false, line: i, message: 'headers are written Name: value, one per line; leave a blank line before the body' };
    }
    headers.push([header[1] ?? '', header[2] ?? '']);
  }
  const body = lines.slice(i + 1).join('\n');
  return { ok: true, request: { method: method as HttpBlock['method'], url, headers, body, bodyLine: i + 1 } };
}
