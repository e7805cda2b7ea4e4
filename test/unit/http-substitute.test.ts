// An http step's request is built once, from the block and the inputs, by the rules of each
// part: the body by its declared content type, each path segment by URL rules (a value can
// never climb out of its segment), the query URL-encoded, headers without line breaks.
import { describe, expect, it } from 'vitest';
import { buildHttpRequest, httpRequestText } from '../../src/core/engine/http-substitute.js';
import { parseHttpBlock } from '../../src/core/runbook/http-block.js';

function build(code: string, values: Record<string, string | number | boolean | null>) {
  const parsed = parseHttpBlock(code);
  if (!parsed.ok) throw new Error(parsed.message);
  return buildHttpRequest(parsed.request, values);
}

const injected = 'x", "admin": true, "y": "';

describe('the body, by its content type', () => {
  it('JSON: a value inside a string stays one string, whatever it holds', () => {
    const req = build('POST https://api.example.net/users\nContent-Type: application/json\n\n{"user": "{{ name }}", "note": "by {{ name }}"}', { name: injected });
    expect(JSON.parse(req.body)).toEqual({ user: injected, note: `by ${injected}` });
  });

  it('JSON: a value outside a string becomes a JSON value of its type', () => {
    const req = build('POST https://api.example.net/x\nContent-Type: application/vnd.api+json; charset=utf-8\n\n{"name": {{ name }}, "n": {{ n }}, "dry": {{ dry }}}', {
      name: injected,
      n: 7,
      dry: false,
    });
    expect(JSON.parse(req.body)).toEqual({ name: injected, n: 7, dry: false });
  });

  it('JSON: escapes backslashes, control characters and line breaks', () => {
    const value = 'a\\"\n\t\u0001\u2028z';
    const req = build('PUT https://api.example.net/x\ncontent-type: application/json\n\n{"v": "{{ v }}"}', { v: value });
    expect(JSON.parse(req.body)).toEqual({ v: value });
  });

  it('JSON: refuses, before sending, a body that is not JSON once the inputs are in', () => {
    expect(() => build('POST https://api.example.net/x\nContent-Type: application/json\n\n{"v": {{ v }} "w": 1}', { v: 'a' })).toThrow(
      /declares Content-Type application\/json, but its body is not valid JSON once the inputs are in .*nothing was sent/,
    );
  });

  it('form: each value URL-encoded, so it cannot add a field', () => {
    const req = build('POST https://api.example.net/login\nContent-Type: application/x-www-form-urlencoded\n\nuser={{ name }}&role=viewer', { name: 'bob&role=admin +x' });
    expect(req.body).toBe('user=bob%26role%3Dadmin+%2Bx&role=viewer');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ user: 'bob&role=admin +x', role: 'viewer' });
  });

  it('any other content type: the value as text, as written', () => {
    const req = build('POST https://api.example.net/x\nContent-Type: text/plain\n\nhello {{ name }}', { name: injected });
    expect(req.body).toBe(`hello ${injected}`);
  });

  it('no content type: text, and the Content-Type fetch would add is shown', () => {
    const req = build('POST https://api.example.net/x\n\nhello {{ name }}', { name: 'a&b' });
    expect(req.body).toBe('hello a&b');
    expect(req.headers).toEqual([['Content-Type', 'text/plain;charset=UTF-8']]);
  });
});

describe('the URL', () => {
  it('a path value is one segment: / ? # are encoded', () => {
    expect(build('GET https://api.example.net/pilots/{{ p }}?x=1', { p: '../admin?drop=1#' }).url).toBe('https://api.example.net/pilots/..%2Fadmin%3Fdrop%3D1%23?x=1');
  });

  it('refuses a value that makes a path segment . or .., which the URL would resolve away', () => {
    for (const id of ['..', '.']) {
      expect(() => build('POST https://api.example.net/api/users/{{ id }}/disable', { id })).toThrow(
        `input 'id' would make the URL path segment '${id}', which resolves to another path (/api/users/${id}/disable is sent as ${new URL(`https://h/api/users/${id}/disable`).pathname}); nothing was sent. ` +
          "Check the value; a pattern on the input (e.g. '^[A-Za-z0-9_-]+$') refuses such values before the run starts.",
      );
    }
    expect(() => build('GET https://api.example.net/a/{{ x }}{{ y }}/b', { x: '.', y: '.' })).toThrow(/input 'x' would make the URL path segment '\.\.'/);
    expect(() => build('GET https://api.example.net/t/{{ t }}/u/{{ id }}', { t: 'a', id: '..' })).toThrow('(/t/{{ t }}/u/.. is sent as /t/{{ t }}/)');
    expect(() => build('GET https://api.example.net:{{ port }}/', { port: 99999 })).toThrow(
      "the step's URL is not a valid URL once the inputs are in (check the host and port); nothing was sent",
    );
    expect(build('GET https://api.example.net/a/{{ x }}/b', { x: '...' }).url).toBe('https://api.example.net/a/.../b');
    expect(build('GET https://api.example.net/a/v{{ x }}/b', { x: '..' }).url).toBe('https://api.example.net/a/v../b');
  });

  it('query values are URL-encoded and cannot add a parameter', () => {
    const url = build('GET https://api.example.net/search?q={{ q }}&limit=5', { q: 'a b&limit=1000#x' }).url;
    expect(url).toBe('https://api.example.net/search?q=a%20b%26limit%3D1000%23x&limit=5');
    expect(new URL(url).searchParams.getAll('limit')).toEqual(['5']);
  });

  it('a host value may only hold a host name: letters, digits, . and -', () => {
    expect(build('GET https://{{ region }}.api.example.net:{{ port }}/health', { region: 'eu-west-1', port: 8443 }).url).toBe('https://eu-west-1.api.example.net:8443/health');
    for (const region of ['evil.net/', 'evil.net#', 'a@evil.net', 'evil.net:1']) {
      expect(() => build('GET https://{{ region }}.api.example.net/health', { region })).toThrow(
        "input 'region' goes into the URL's host and may hold only letters, digits, '.' and '-'; nothing was sent",
      );
    }
  });
});

describe('headers', () => {
  it('refuses a line break in a header value (header injection)', () => {
    expect(() => build('GET https://api.example.net/\nX-Pilot: {{ p }}', { p: 'a\r\nX-Admin: yes' })).toThrow(
      "input 'p' contains a line break and cannot go into an HTTP header; nothing was sent",
    );
  });
});

describe('the preview text', () => {
  it('is the request as sent: method, URL, headers, body', () => {
    const req = build('post https://api.example.net/users/{{ id }}?x={{ id }}#top\nContent-Type: application/json\nX-Id: {{ id }}\n\n{"id": "{{ id }}"}', { id: 'a"b c' });
    expect(httpRequestText(req)).toBe(
      'POST https://api.example.net/users/a%22b%20c?x=a%22b%20c\nContent-Type: application/json\nX-Id: a"b c\n\n{"id": "a\\"b c"}',
    );
  });
});
