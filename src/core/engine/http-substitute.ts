// Builds an http step's request from its block and the inputs, each placeholder encoded by
// the rules of the part it is in, so a value is always data: the body by its declared
// Content-Type, a path segment by URL rules (never `.` or `..`), the query URL-encoded, a
// header without line breaks. The preview and the sender both take this function's output,
// so what the operator reads is what goes out.
import type { HttpBlock } from '../runbook/http-block.js';
import type { InputValues } from './inputs.js';
import type { SqlValue } from './ports.js';

export interface BuiltHttpRequest {
  method: string;
  /** As fetch sends it: parsed and serialized by URL rules, without the fragment. */
  url: string;
  headers: [string, string][];
  body: string;
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;
const NOTHING_SENT = 'nothing was sent';

/** Throws, with a message naming the input (never its value), when a value cannot be put in safely. */
export function buildHttpRequest(block: HttpBlock, values: InputValues): BuiltHttpRequest {
  const headers = block.headers.map(([name, value]): [string, string] => [name, substituteHeader(value, values)]);
  const contentType = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (block.body !== '' && contentType === undefined) {
    // What fetch adds to a text body by itself; written here so the preview shows it.
    headers.push(['Content-Type', 'text/plain;charset=UTF-8']);
  }
  return { method: block.method, url: substituteUrl(block.url, values), headers, body: substituteBody(block.body, contentType, values) };
}

/** The request as the operator reads it before it is sent: the block's own layout. */
export function httpRequestText(request: BuiltHttpRequest): string {
  const head = [`${request.method} ${request.url}`, ...request.headers.map(([name, value]) => `${name}: ${value}`)].join('\n');
  return request.body === '' ? head : `${head}\n\n${request.body}`;
}

function text(value: SqlValue | undefined): string {
  return String(value ?? '');
}

function substituteHeader(template: string, values: InputValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = text(values[name]);
    if (/[\r\n]/.test(value)) throw new Error(`input '${name}' contains a line break and cannot go into an HTTP header; ${NOTHING_SENT}`);
    return value;
  });
}

/**
 * The template's own `/`, `?` and `#` decide which part of the URL a placeholder is in
 * (a placeholder cannot contain them), so a value can never move itself into another part.
 */
function substituteUrl(template: string, values: InputValues): string {
  const schemeEnd = template.indexOf('://') + 3;
  const rest = template.slice(schemeEnd);
  const cut = (from: number, stops: string): number => {
    const at = [...stops].map((c) => rest.indexOf(c, from)).filter((i) => i !== -1);
    return at.length > 0 ? Math.min(...at) : rest.length;
  };
  const pathAt = cut(0, '/?#');
  const queryAt = cut(pathAt, '?#');
  const fragmentAt = cut(queryAt, '#');

  const authority = rest.slice(0, pathAt).replace(PLACEHOLDER, (_, name: string) => {
    const value = text(values[name]);
    // A host name and a port need nothing else; anything else could name another host or user.
    if (!/^[A-Za-z0-9.-]*$/.test(value)) throw new Error(`input '${name}' goes into the URL's host and may hold only letters, digits, '.' and '-'; ${NOTHING_SENT}`);
    return value;
  });
  const templatePath = rest.slice(pathAt, queryAt);
  const path = templatePath
    .split('/')
    .map((segment) => {
      let first: string | undefined;
      const encoded = segment.replace(PLACEHOLDER, (_, name: string) => {
        first ??= name;
        return encodeURIComponent(text(values[name]));
      });
      // URL rules resolve `.` and `..` segments, %2E-encoded ones too (new URL, and so
      // fetch, turn /users/%2E%2E/disable into /disable): no encoding sends them as they are.
      if (first !== undefined && ['.', '..'].includes(encoded.replace(/%2e/gi, '.'))) {
        const shown = templatePath.replace(segment, encoded);
        throw new Error(
          `input '${first}' would make the URL path segment '${encoded}', which resolves to another path (${shown} is sent as ${withoutDotSegments(shown)}); ${NOTHING_SENT}. ` +
            `Check the value; a pattern on the input (e.g. '^[A-Za-z0-9_-]+$') refuses such values before the run starts.`,
        );
      }
      return encoded;
    })
    .join('/');
  const query = rest.slice(queryAt, fragmentAt).replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(text(values[name])));
  try {
    return new URL(`${template.slice(0, schemeEnd)}${authority}${path}${query}`).href;
  } catch {
    throw new Error(`the step's URL is not a valid URL once the inputs are in (check the host and port); ${NOTHING_SENT}`);
  }
}

/** What URL rules make of a path with `.` and `..` in it (the other placeholders left readable). */
function withoutDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '..') {
      if (out.length > 1) out.pop();
    } else if (segment !== '.') {
      out.push(segment);
      return;
    }
    if (last) out.push('');
  });
  return out.join('/');
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isJson(media: string): boolean {
  return media === 'application/json' || media.endsWith('+json');
}

const JSON_HINT = 'write each {{ name }} inside "…" or where a JSON value goes, and check the body parses as JSON';

function substituteBody(body: string, contentType: string | undefined, values: InputValues): string {
  if (body === '') return body;
  const media = mediaType(contentType);
  if (isJson(media)) {
    const json = substituteJson(body, values);
    if (!json.ok) {
      throw new Error(`this step declares Content-Type ${media}, but its body is not valid JSON once the inputs are in${json.where}; ${NOTHING_SENT}. To fix: ${JSON_HINT}.`);
    }
    return json.text;
  }
  if (media === 'application/x-www-form-urlencoded') {
    return body.replace(PLACEHOLDER, (_, name: string) => new URLSearchParams({ v: text(values[name]) }).toString().slice(2));
  }
  return body.replace(PLACEHOLDER, (_, name: string) => text(values[name]));
}

/**
 * For the validator: a body declared JSON that is not JSON whatever the values are (the
 * template itself is broken), so the author hears of it before anyone runs the step.
 */
export function jsonBodyProblem(block: HttpBlock): string | undefined {
  const media = mediaType(block.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]);
  if (block.body === '' || !isJson(media)) return undefined;
  const probes = Object.fromEntries([...block.body.matchAll(PLACEHOLDER)].map((m) => [m[1] ?? '', 'x']));
  const json = substituteJson(block.body, probes);
  return json.ok ? undefined : `the body is declared ${media} but is not valid JSON; ${JSON_HINT}`;
}

/**
 * Inside a JSON string a value is escaped as JSON, without quotes of its own, so
 * `"{{ name }}"` stays one string whatever the value. Outside a string it becomes the JSON
 * value of its input's type: a number, true/false, or a quoted string. The result must still
 * be JSON, or it is not sent.
 */
function substituteJson(body: string, values: InputValues): { ok: true; text: string } | { ok: false; where: string } {
  const at = new RegExp(PLACEHOLDER.source, 'y');
  let out = '';
  let inString = false;
  for (let i = 0; i < body.length; ) {
    at.lastIndex = i;
    const match = at.exec(body);
    if (match) {
      const value = values[match[1] ?? ''];
      out += inString ? JSON.stringify(text(value)).slice(1, -1) : JSON.stringify(value ?? null);
      i += match[0].length;
      continue;
    }
    const c = body[i] ?? '';
    if (inString && c === '\\') {
      out += body.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i++;
  }
  try {
    JSON.parse(out);
    return { ok: true, text: out };
  } catch (error) {
    // The parser's message quotes the text around the fault, which may hold a value: only where.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    return { ok: false, where: position === undefined ? '' : ` (at character ${Number(position) + 1})` };
  }
}
