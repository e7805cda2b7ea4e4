// Secrets printed in base64 the way real tools wrap it: GNU `base64` at 76 columns,
// `base64 -w 64`, `openssl base64` at 64 (as PEM), and Windows line ends. Each case is a
// secret alone or inside a longer text (an .env file) at byte offset 0, 1 or 2 modulo 3,
// placed so that a line break falls inside the secret's encoded characters.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECRET_LENGTHS = [4, 5, 56, 57, 58, 100, 300] as const;

/** The programs, as a step runs them on a file `$f`; width and line end of what they print. */
export const WRAPPERS = [
  { name: 'base64', script: 'base64 "$f"', width: 76, eol: '\n' },
  { name: 'base64 -w 64', script: 'base64 -w 64 "$f"', width: 64, eol: '\n' },
  { name: 'openssl base64', script: 'openssl base64 -in "$f"', width: 64, eol: '\n' },
  { name: 'base64, CRLF line ends', script: `base64 "$f" | sed 's/$/\\r/'`, width: 76, eol: '\r\n' },
  { name: 'openssl base64, CRLF line ends', script: `openssl base64 -in "$f" | sed 's/$/\\r/'`, width: 64, eol: '\r\n' },
] as const;

export type Wrapper = (typeof WRAPPERS)[number];

/** A deterministic secret of `n` bytes, printable, with the punctuation passwords have. */
export function secretOfLength(n: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.:@%+!';
  let seed = n * 7919;
  let s = '';
  while (s.length < n) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    s += alphabet[seed % alphabet.length];
  }
  return s;
}

const FILLER = '# payments-api, production\nAPP_NAME=payments-api\nLOG_LEVEL=info\nDB_HOST=db.internal.example\nDB_USER=payments\nDB_PASSWORD=';
export const SUFFIX = '\nREGION=eu-west-1\n';

export interface WrappedCase {
  label: string;
  secret: string;
  /** The text before the secret ('' when the secret is encoded alone). */
  prefix: string;
  suffix: string;
  wrapper: Wrapper;
}

/**
 * The .env text's head, `3k + offset` bytes long, with k the largest that still starts the
 * secret's encoded characters on the first line: the first line break then falls inside them.
 */
export function prefixFor(width: number, offset: number): string {
  let k = 0;
  while (Math.ceil((8 * (3 * (k + 1) + offset)) / 6) <= width - 1) k++;
  return FILLER.slice(FILLER.length - (3 * k + offset));
}

export function wrappedCases(): WrappedCase[] {
  const cases: WrappedCase[] = [];
  for (const n of SECRET_LENGTHS) {
    const secret = secretOfLength(n);
    for (const wrapper of WRAPPERS) {
      cases.push({ label: `${n} bytes alone, ${wrapper.name}`, secret, prefix: '', suffix: '', wrapper });
      for (const offset of [0, 1, 2]) {
        cases.push({ label: `${n} bytes at offset ${offset} (mod 3) in an .env, ${wrapper.name}`, secret, prefix: prefixFor(wrapper.width, offset), suffix: SUFFIX, wrapper });
      }
    }
  }
  return cases;
}

/** What the real program prints for the case's text. */
export function encodeWithRealProgram(c: WrappedCase): string {
  const dir = mkdtempSync(join(tmpdir(), 'handrail-wrapped-'));
  try {
    const f = join(dir, 'text');
    writeFileSync(f, c.prefix + c.secret + c.suffix);
    return execFileSync('/bin/sh', ['-c', c.wrapper.script], { encoding: 'utf8', env: { PATH: process.env.PATH, f } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Characters of the unwrapped base64 that depend on nothing but the secret: [from, to). */
export function secretOnlyRange(c: WrappedCase): [number, number] {
  const p = Buffer.byteLength(c.prefix);
  const n = Buffer.byteLength(c.secret);
  return [Math.ceil((8 * p) / 6), Math.floor((8 * (p + n)) / 6)];
}

/** Where the unwrapped character `i` is in the wrapped output. */
export function wrappedIndex(c: WrappedCase, i: number): number {
  return i + Math.floor(i / c.wrapper.width) * c.wrapper.eol.length;
}
