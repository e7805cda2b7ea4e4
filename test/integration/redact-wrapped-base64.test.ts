// A secret printed in base64 by a real program that wraps its lines (`base64` at 76 columns,
// `base64 -w 64`, `openssl base64` at 64, CRLF line ends) is masked wherever the line breaks
// fall inside its encoded form, also when output arrives in chunks cut inside the form or
// at the break; the masked output keeps its lines. Ordinary base64 stays readable.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MASK, Redactor, secretForms } from '../../src/core/engine/redact.js';
import { SECRET_LENGTHS, encodeWithRealProgram, secretOfLength, secretOnlyRange, wrappedCases, wrappedIndex, type WrappedCase } from '../support/wrapped-base64.js';

const cases = wrappedCases().map((c) => ({ ...c, output: encodeWithRealProgram(c) }));

function breaks(text: string): string[] {
  return text.match(/\r?\n/g) ?? [];
}

/**
 * Every character that depends on the secret alone is masked, at most the one character on
 * each side that mixes in the text around it is left, nothing else is touched, and the
 * masked output has the line breaks the program printed, where it printed them.
 */
function expectMasked(c: WrappedCase & { output: string }, masked: string): void {
  const encoded = Buffer.from(c.prefix + c.secret + c.suffix).toString('base64');
  expect(c.output.replace(/\r?\n/g, '')).toBe(encoded);
  expect(breaks(masked), c.label).toEqual(breaks(c.output));
  const lines = masked.split(/\r?\n/);
  c.output.split(/\r?\n/).forEach((line, i) => expect(lines[i] === '', `${c.label}: line ${i + 1} emptied`).toBe(line === ''));
  const [from, to] = secretOnlyRange(c);
  const pieces = masked.replace(/\r?\n/g, '').split(MASK);
  expect(pieces.length, `${c.label}: nothing masked in\n${masked}`).toBeGreaterThan(1);
  const before = pieces[0] ?? '';
  const after = pieces.at(-1) ?? '';
  // Between the first mask and the last there is nothing but more masks (one per line).
  expect(pieces.slice(1, -1).every((p) => p === ''), `${c.label}: ${masked}`).toBe(true);
  expect(encoded.startsWith(before) && encoded.endsWith(after), `${c.label}: ${masked}`).toBe(true);
  expect(before.length, c.label).toBeLessThanOrEqual(from);
  expect(before.length, c.label).toBeGreaterThanOrEqual(Math.floor((8 * Buffer.byteLength(c.prefix)) / 6));
  expect(encoded.length - after.length, c.label).toBeGreaterThanOrEqual(to);
  expect(encoded.length - after.length, c.label).toBeLessThanOrEqual(c.prefix === '' && c.suffix === '' ? encoded.length : to + 1);
}

function streamed(r: Redactor, text: string, cuts: number[]): string {
  const whole = Buffer.from(text);
  const s = r.stream();
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(s.push(whole.subarray(at, cut)));
    at = cut;
  }
  out.push(s.push(whole.subarray(at)), s.flush());
  return Buffer.concat(out).toString();
}

describe('a secret in wrapped base64', () => {
  it('the cases put a line break inside the encoded secret', () => {
    for (const c of cases) {
      const [from, to] = secretOnlyRange(c);
      const firstBreak = Math.ceil((from + 1) / c.wrapper.width) * c.wrapper.width;
      // Alone, the secret crosses a line once its encoding is wider than a line (57 bytes
      // are 76 characters: one whole line of `base64`, two lines of `openssl base64`).
      expect(firstBreak > from && firstBreak < to, c.label).toBe(c.prefix !== '' || to > c.wrapper.width);
    }
  });

  it('is masked whole, for every length, alignment and wrapping, keeping the lines', () => {
    for (const c of cases) {
      const r = new Redactor([{ name: 'token', value: c.secret }]);
      expectMasked(c, r.text(c.output));
    }
  });

  it('is masked the same when a chunk ends inside the encoded secret or at the line break', () => {
    for (const c of cases) {
      const r = new Redactor([{ name: 'token', value: c.secret }]);
      const expected = r.text(c.output);
      const [from, to] = secretOnlyRange(c);
      const inside = wrappedIndex(c, from + Math.floor((to - from) / 2));
      const cuts = [[inside]];
      const lineEnd = Math.ceil((from + 1) / c.wrapper.width) * c.wrapper.width;
      if (lineEnd < to) {
        const afterBreak = wrappedIndex(c, lineEnd);
        const eol = c.wrapper.eol.length;
        // before the line end, after it, and between \r and \n
        cuts.push([afterBreak - eol], [afterBreak], [afterBreak - eol, afterBreak]);
        if (eol === 2) cuts.push([afterBreak - 1]);
      }
      expectMasked(c, expected);
      for (const at of cuts) expect(streamed(r, c.output, at), `${c.label}, cut at ${at.join(',')}`).toBe(expected);
    }
  });

  it('is masked the same at every cut point (5 and 58 bytes, CRLF)', () => {
    for (const c of cases.filter((k) => (k.secret.length === 5 || k.secret.length === 58) && k.wrapper.eol === '\r\n')) {
      const r = new Redactor([{ name: 'token', value: c.secret }]);
      const expected = r.text(c.output);
      expectMasked(c, expected);
      for (let cut = 1; cut < Buffer.byteLength(c.output); cut++) expect(streamed(r, c.output, [cut]), `${c.label}, cut at ${cut}`).toBe(expected);
    }
  });

  it('is masked the same whichever way all the outputs are cut into chunks', () => {
    // Seeded, so every run checks the same cuts: every case's output one after the other,
    // with every secret known, cut into chunks of 1 to 200 bytes.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const r = new Redactor(SECRET_LENGTHS.map((n) => ({ name: `s${n}`, value: secretOfLength(n) })));
    const text = cases.map((c) => c.output).join('');
    const expected = r.text(text);
    const joined = expected.replace(/\r?\n/g, '');
    for (const c of cases) {
      const [from, to] = secretOnlyRange(c);
      const middle = Buffer.from(c.prefix + c.secret + c.suffix).toString('base64').slice(from, to);
      expect(joined.includes(middle.slice(0, 6)) || joined.includes(middle.slice(-6)), c.label).toBe(false);
    }
    for (let round = 0; round < 20; round++) {
      const cuts: number[] = [];
      for (let at = 1 + Math.floor(random() * 200); at < Buffer.byteLength(text); at += 1 + Math.floor(random() * 200)) cuts.push(at);
      expect(streamed(r, text, cuts), `round ${round}`).toBe(expected);
    }
    expect(breaks(expected)).toEqual(breaks(text));
  });

  it('is masked in base64url and hex wrapped by real programs too', () => {
    const secret = secretOfLength(58);
    const r = new Redactor([{ name: 'token', value: secret }]);
    const run = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, t: secret } });
    const url = run(`printf '%s' "$t" | basenc --base64url -w 60`);
    const hex = run(`printf '%s' "$t" | xxd -p`);
    expect(breaks(url).length).toBeGreaterThan(1);
    expect(breaks(hex).length).toBeGreaterThan(1);
    for (const text of [url, hex]) {
      const masked = r.text(text);
      expect(breaks(masked)).toEqual(breaks(text));
      expect(masked.split(/\r?\n/).filter(Boolean).every((line) => line === MASK), masked).toBe(true);
    }
  });
});

describe('base64 that does not hold the secret stays readable', () => {
  const secrets = cases.map((c) => c.secret).filter((s, i, all) => all.indexOf(s) === i);
  const r = new Redactor(secrets.map((value, i) => ({ name: `s${i}`, value })));

  it('leaves ordinary wrapped base64 as it was', () => {
    for (const script of ['seq 1 3000 | base64', 'seq 1 3000 | openssl base64', `seq 1 3000 | base64 -w 64 | sed 's/$/\\r/'`]) {
      const text = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
      expect(breaks(text).length).toBeGreaterThan(100);
      expect(r.text(text)).toBe(text);
    }
  });

  it('leaves a piece shorter than the minimum, and a form whose next line goes elsewhere', () => {
    for (const secret of secrets) {
      const encoded = Buffer.from(secret).toString('base64');
      // The start of the form ends a line; the next line is not its rest.
      for (const text of [`${encoded.slice(0, 3)}\nAAAA\n`, `${encoded.slice(0, 3)}\r\n${encoded.slice(4, 10)}\r\n`, `xx${encoded.slice(0, 2)}\n${encoded.slice(2, 3)}yy\n`]) {
        expect(r.text(text), JSON.stringify(text)).toBe(text);
      }
    }
  });

  it('does not let a blank line or a space stand in for a line break', () => {
    const secret = secretOfLength(58);
    const encoded = Buffer.from(secret).toString('base64');
    const one = new Redactor([secret]);
    expect(secretForms(secret)).toContain(encoded);
    for (const gap of [' ', '\t', '\n\n', '\r\r\n']) {
      const text = `${encoded.slice(0, 40)}${gap}${encoded.slice(40)}`;
      // Each half alone is not a form, and the gap is not one line break.
      expect(one.text(text), JSON.stringify(gap)).toBe(text);
    }
  });
});
