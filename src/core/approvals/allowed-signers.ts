// OpenSSH's allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"), the one git uses for
// signed commits: `principals [options] keytype base64 [comment]`. Parsed the way
// ssh-keygen parses it (quoted principals, quoted option values with \" inside, the
// options cert-authority, namespaces, valid-after and valid-before, times as
// YYYYMMDD[HHMM[SS]][Z]); a line it would reject is a problem here too, named by line and
// column, so a typo in the file that decides who may approve is never skipped in silence.
import { parsePublicKeyText, unsupportedKeyType, type SshPublicKey } from './ssh-public-key.js';

export interface AllowedSigner {
  line: number;
  /** The principals field as written: comma-separated patterns (`*`, `?`, `!negation`). */
  principals: string;
  keyType: string;
  /** Null when the key type is one Handrail cannot check (say why with `unusable`). */
  key: SshPublicKey | null;
  unusable: string | null;
  certAuthority: boolean;
  namespaces: string | null;
  /** Epoch milliseconds. */
  validAfter: number | null;
  validBefore: number | null;
}

export interface AllowedSignersProblem {
  line: number;
  column: number;
  message: string;
}

export interface AllowedSignersFile {
  signers: AllowedSigner[];
  problems: AllowedSignersProblem[];
}

const WS = /[ \t\r]/;

export function parseAllowedSigners(text: string): AllowedSignersFile {
  const signers: AllowedSigner[] = [];
  const problems: AllowedSignersProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const result = parseLine(raw, i + 1);
    if (result === null) return;
    if ('message' in result) problems.push(result);
    else signers.push(result);
  });
  return { signers, problems };
}

function parseLine(raw: string, line: number): AllowedSigner | AllowedSignersProblem | null {
  let pos = skipSpace(raw, 0);
  if (pos >= raw.length || raw[pos] === '#') return null;
  const fail = (at: number, message: string): AllowedSignersProblem => ({ line, column: at + 1, message });

  const principals = readPrincipals(raw, pos);
  if ('error' in principals) return fail(pos, principals.error);
  if (principals.value === '') return fail(pos, 'the principals field is empty');
  pos = skipSpace(raw, principals.end);
  if (pos >= raw.length) return fail(pos, 'a key must follow the principals');

  let options: Options = { certAuthority: false, namespaces: null, validAfter: null, validBefore: null };
  if (!looksLikeKey(raw, pos)) {
    const optionsEnd = advancePastOptions(raw, pos);
    if (optionsEnd < 0) return fail(pos, 'an option has an unterminated quote');
    const parsed = parseOptions(raw.slice(pos, optionsEnd));
    if ('error' in parsed) return fail(pos + parsed.at, parsed.error);
    options = parsed;
    pos = skipSpace(raw, optionsEnd);
    if (pos >= raw.length) return fail(pos, 'a key must follow the options');
  }

  const typeEnd = tokenEnd(raw, pos);
  const keyType = raw.slice(pos, typeEnd);
  const dataStart = skipSpace(raw, typeEnd);
  const dataEnd = tokenEnd(raw, dataStart);
  const data = raw.slice(dataStart, dataEnd);
  if (data === '') return fail(pos, `'${keyType}' is not a key (keytype base64, as in a .pub file)`);
  const unusable = unsupportedKeyType(keyType);
  let key: SshPublicKey | null = null;
  if (unusable === null) {
    try {
      key = parsePublicKeyText(keyType, data);
    } catch (error) {
      return fail(dataStart, `the key cannot be read: ${(error as Error).message}`);
    }
  } else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    return fail(dataStart, 'the key is not base64');
  }
  return { line, principals: principals.value, keyType, key, unusable, ...options };
}

function skipSpace(s: string, pos: number): number {
  while (pos < s.length && WS.test(s[pos]!)) pos++;
  return pos;
}

function tokenEnd(s: string, pos: number): number {
  while (pos < s.length && !WS.test(s[pos]!)) pos++;
  return pos;
}

/** As OpenSSH's strdelimw: a word, where a double quote starts a part that may hold spaces. */
function readPrincipals(s: string, pos: number): { value: string; end: number } | { error: string } {
  let value = '';
  while (pos < s.length && !WS.test(s[pos]!)) {
    if (s[pos] === '"') {
      const close = s.indexOf('"', pos + 1);
      if (close < 0) return { error: 'the quoted principals have no closing quote' };
      value += s.slice(pos + 1, close);
      return { value, end: close + 1 };
    }
    value += s[pos];
    pos++;
  }
  return { value, end: pos };
}

function looksLikeKey(s: string, pos: number): boolean {
  const type = s.slice(pos, tokenEnd(s, pos));
  return /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9-]+@openssh\.com|[a-z0-9-]+-cert-v01@openssh\.com)$/i.test(type) && !type.includes('=');
}

/** As OpenSSH's sshkey_advance_past_options: up to the first space outside quotes; -1 for an open quote. */
function advancePastOptions(s: string, pos: number): number {
  let quoted = false;
  for (; pos < s.length && (quoted || !WS.test(s[pos]!)); pos++) {
    if (s[pos] === '\\' && s[pos + 1] === '"') pos++;
    else if (s[pos] === '"') quoted = !quoted;
  }
  return quoted ? -1 : pos;
}

interface Options {
  certAuthority: boolean;
  namespaces: string | null;
  validAfter: number | null;
  validBefore: number | null;
}

function parseOptions(text: string): Options | { error: string; at: number } {
  const out: Options = { certAuthority: false, namespaces: null, validAfter: null, validBefore: null };
  let i = 0;
  while (i < text.length) {
    const start = i;
    const name = /^[A-Za-z-]+/.exec(text.slice(i))?.[0] ?? '';
    i += name.length;
    const lower = name.toLowerCase();
    if (lower === 'cert-authority' && text[i] !== '=') {
      out.certAuthority = true;
    } else if (['namespaces', 'valid-after', 'valid-before'].includes(lower) && text[i] === '=') {
      const value = dequote(text, i + 1);
      if ('error' in value) return { error: `${name}: ${value.error}`, at: i + 1 };
      i = value.end;
      if (lower === 'namespaces') {
        if (out.namespaces !== null) return { error: 'namespaces is given twice', at: start };
        out.namespaces = value.value;
      } else {
        const time = parseSignerTime(value.value);
        if (time === null) return { error: `${name}="${value.value}" is not a time (YYYYMMDD[HHMM[SS]], Z for UTC)`, at: start };
        const field = lower === 'valid-after' ? 'validAfter' : 'validBefore';
        if (out[field] !== null) return { error: `${name} is given twice`, at: start };
        out[field] = time;
      }
    } else {
      return { error: `unsupported option '${text.slice(start).split(/[,=]/)[0]}' (allowed: cert-authority, namespaces, valid-after, valid-before)`, at: start };
    }
    if (i >= text.length) break;
    if (text[i] !== ',') return { error: `expected ',' between options`, at: i };
    i++;
    if (i >= text.length) return { error: 'the options end with a comma', at: i };
  }
  if (out.validAfter !== null && out.validBefore !== null && out.validBefore <= out.validAfter) {
    return { error: 'valid-before is not after valid-after', at: 0 };
  }
  return out;
}

/** A double-quoted value, `\"` standing for a quote (OpenSSH's opt_dequote). */
function dequote(s: string, pos: number): { value: string; end: number } | { error: string } {
  if (s[pos] !== '"') return { error: 'the value must be in double quotes' };
  let value = '';
  for (let i = pos + 1; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '"') {
      value += '"';
      i++;
    } else if (s[i] === '"') {
      return { value, end: i + 1 };
    } else {
      value += s[i];
    }
  }
  return { error: 'the value has no closing quote' };
}

/** YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS; UTC with a trailing Z, else this machine's local time. */
export function parseSignerTime(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7) as (string | undefined)[];
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const date = m[7] === 'Z' ? new Date(Date.UTC(...parts)) : new Date(...parts);
  // A date that rolled over (20260231) is not the date written.
  const check = m[7] === 'Z' ? [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  if (check.some((v, i) => v !== parts[i])) return null;
  return date.getTime();
}

/** OpenSSH's match_pattern_list: 1 a pattern matched, 0 none did, -1 a negated one matched (which wins). */
export function matchPatternList(value: string, patterns: string): 1 | 0 | -1 {
  let positive = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (matchPattern(value, pattern)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

function matchPattern(value: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(value);
}
