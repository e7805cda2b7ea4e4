// Every form a secret leaks in is masked: the value, base64 of any text that contains it (at
// each of the three byte alignments), base64url, hex, URL- and JSON-encoded, and the quoted
// forms real shells print in a trace or a variable listing. The shell forms are taken from
// real bash and dash, not from our idea of what they print.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/core/engine/inputs.js';
import { MASK, Redactor, secretForms } from '../../src/core/engine/redact.js';

/** A quote, a space, a dollar, a double quote: every shell quotes it differently. */
const secret = `Pa'ss wo$rd"9`;
const redactor = new Redactor([{ name: 'token', value: secret }]);

function sh(shell: string, script: string, t = secret): string {
  // stderr too: that is where `set -x` writes its trace.
  return execFileSync(shell, ['-c', `{ ${script}; } 2>&1`], { encoding: 'utf8', env: { PATH: process.env.PATH, t } });
}

function b64(text: string, encoding: 'base64' | 'base64url' = 'base64'): string {
  return Buffer.from(text, 'utf8').toString(encoding);
}

/** Characters of base64 that depend on nothing but the secret's bytes, at byte offset `p`. */
function secretOnly(p: number, n: number): [number, number] {
  return [Math.ceil((8 * p) / 6), Math.floor((8 * (p + n)) / 6)];
}

describe('masking the forms a secret leaks in', () => {
  it('masks the value itself', () => {
    expect(redactor.text(`token=${secret};`)).toBe(`token=${MASK};`);
  });

  it('masks base64 of a longer text that contains the secret, at each byte alignment', () => {
    const n = Buffer.byteLength(secret);
    for (const prefix of ['', 'a', 'ab', 'deploy:', 'user:', 'x:']) {
      for (const suffix of ['', '\n', ':z', '!!!']) {
        // The text as `printf 'deploy:%s' "$t" | base64` prints it (a Basic-auth header).
        const encoded = sh('/bin/sh', `printf '${prefix}%s${suffix}' "$t" | base64 -w0`);
        expect(encoded).toBe(b64(prefix + secret + suffix));
        const [from, to] = secretOnly(prefix.length, n);
        const masked = redactor.text(`Authorization: Basic ${encoded}\n`);
        if (prefix === '' && suffix === '') {
          expect(masked).toBe(`Authorization: Basic ${MASK}\n`);
          continue;
        }
        // Every character that depends on the secret alone is masked; at most the one
        // character on each side that mixes in the bytes around it is left.
        const [before = '', after = ''] = masked.slice('Authorization: Basic '.length, -1).split(MASK);
        expect(encoded.startsWith(before) && encoded.endsWith(after), masked).toBe(true);
        expect(before.length).toBeLessThanOrEqual(from);
        expect(before.length).toBeGreaterThanOrEqual(Math.floor((8 * prefix.length) / 6));
        expect(encoded.length - after.length).toBeGreaterThanOrEqual(to);
        expect(encoded.length - after.length).toBeLessThanOrEqual(to + 1);
      }
    }
  });

  it('masks base64url at each alignment', () => {
    const urlSecret = 'a>>?b~~~?c'; // bytes whose base64 holds + and /
    const r = new Redactor([{ name: 'token', value: urlSecret }]);
    for (const prefix of ['', 'k', 'ke']) {
      const encoded = sh('/bin/sh', `printf '${prefix}%s.' "$t" | basenc --base64url -w0`, urlSecret);
      expect(encoded).toMatch(/[-_]/);
      const [from, to] = secretOnly(prefix.length, urlSecret.length);
      expect(r.text(encoded)).toBe(`${encoded.slice(0, from)}${MASK}${encoded.slice(to)}`);
    }
  });

  it('masks hex, lower and upper case', () => {
    const lower = sh('/bin/sh', `printf '%s' "$t" | xxd -p | tr -d '\\n'`);
    const upper = sh('/bin/sh', `printf '%s' "$t" | xxd -p -u | tr -d '\\n'`);
    expect(lower).toBe(Buffer.from(secret).toString('hex'));
    expect(redactor.text(`sha input ${lower} / ${upper}`)).toBe(`sha input ${MASK} / ${MASK}`);
  });

  it('masks the URL-encoded forms (path and form encoding)', () => {
    const path = encodeURIComponent(secret);
    const form = new URLSearchParams({ p: secret }).toString().slice(2);
    expect(form).not.toBe(path);
    expect(redactor.text(`GET /login?p=${path} body p=${form}`)).toBe(`GET /login?p=${MASK} body p=${MASK}`);
  });

  it('masks the JSON-escaped form', () => {
    expect(redactor.text(JSON.stringify({ password: secret }))).toBe(`{"password":"${MASK}"}`);
  });

  it("masks what bash's set -x prints: 'Pa'\\''ss'", () => {
    const trace = sh('bash', 'set -x; : "$t"');
    expect(trace).toContain(`'Pa'\\''ss wo$rd"9'`);
    expect(redactor.text(trace)).toBe(`+ : '${MASK}'\n`);
  });

  it('masks what dash prints: set -x as is, and set / export -p as \'Pa\'"\'"\'ss\'', () => {
    const trace = sh('dash', 'set -x; : "$t"');
    expect(trace).toBe(`+ : ${secret}\n`);
    expect(redactor.text(trace)).toBe(`+ : ${MASK}\n`);
    const listing = sh('dash', 'export -p | grep " t="');
    expect(listing).toBe(`export t='Pa'"'"'ss wo$rd"9'\n`);
    expect(redactor.text(listing)).toBe(`export t='${MASK}'\n`);
  });

  it("masks bash's printf %q (Pa\\'ss\\ wo\\$rd) and declare -p (\"…\\$…\") forms", () => {
    const q = sh('bash', 'printf "%q" "$t"');
    expect(q).toBe(`Pa\\'ss\\ wo\\$rd\\"9`);
    expect(redactor.text(q)).toBe(MASK);
    const declared = sh('bash', 'declare -p t');
    expect(declared).toBe(`declare -x t="Pa'ss wo\\$rd\\"9"\n`);
    expect(redactor.text(declared)).toBe(`declare -x t="${MASK}"\n`);
  });

  it("masks bash's $'…' form of a secret with control characters", () => {
    const ctl = 'ab\x01cd\tef';
    const r = new Redactor([{ name: 'token', value: ctl }]);
    const out = sh('bash', 'set -x; : "$t"; set +x; printf "%q\\n" "$t"', ctl);
    expect(out).toBe(`+ : '${ctl}'\n+ set +x\n$'ab\\001cd\\tef'\n`);
    expect(r.text(out)).toBe(`+ : '${MASK}'\n+ set +x\n$'${MASK}'\n`);
  });

  it('masks a number secret, as given and as substituted', () => {
    const checked = checkInputs(
      { id: 'x', title: 'X', version: '1.0.0', inputs: { pin: { type: 'number', secret: true } } },
      { pin: '0048213977' },
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const r = new Redactor(checked.secrets);
    expect(r.text(`pin ${checked.values['pin']} typed 0048213977`)).toBe(`pin ${MASK} typed ${MASK}`);
  });

  it('names the secret in a preview', () => {
    expect(redactor.preview(`curl -u deploy:${secret} ${encodeURIComponent(secret)}`)).toBe('curl -u deploy:[secret: token] [secret: token]');
  });

  it('masks a form split across two chunks, at every split point', () => {
    const samples = [
      `Authorization: Basic ${b64(`deploy:${secret}`)}\n`,
      `hex ${Buffer.from(secret).toString('hex').toUpperCase()} end`,
      `+ : 'Pa'\\''ss wo$rd"9'\n`,
    ];
    for (const sample of samples) {
      const whole = Buffer.from(sample);
      const expected = redactor.text(sample);
      expect(expected).toContain(MASK);
      for (let cut = 1; cut < whole.length; cut++) {
        const s = redactor.stream();
        const out = Buffer.concat([s.push(whole.subarray(0, cut)), s.push(whole.subarray(cut)), s.flush()]).toString();
        expect(out).toBe(expected);
      }
    }
  });

  it('masks the same whichever way output is cut into chunks, forms touching and overlapping', () => {
    // Seeded, so every run checks the same cuts: forms of three secrets glued together with
    // base64-ish filler, cut into chunks of 1 to 40 bytes, against masking the whole text.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const secrets = [{ name: 'a', value: secret }, { name: 'b', value: 'abab' }, { name: 'c', value: 'é-ü\x01z' }];
    const r = new Redactor(secrets);
    const forms = secrets.flatMap((s) => secretForms(s.value));
    for (let round = 0; round < 500; round++) {
      let text = '';
      while (text.length < 300) text += random() < 0.3 ? forms[Math.floor(random() * forms.length)] : 'xyzAB=+/ \n'[Math.floor(random() * 10)];
      const expected = r.text(text);
      for (const form of forms) expect(expected).not.toContain(form);
      const whole = Buffer.from(text);
      const s = r.stream();
      const out: Buffer[] = [];
      for (let at = 0; at < whole.length; ) {
        const size = 1 + Math.floor(random() * 40);
        out.push(s.push(whole.subarray(at, at + size)));
        at += size;
      }
      out.push(s.flush());
      expect(Buffer.concat(out).toString()).toBe(expected);
    }
  });

  it('passes output through untouched, without a copy, when there is no secret', () => {
    const s = new Redactor([]).stream();
    const chunk = Buffer.from('plain output\n');
    const out = s.push(chunk);
    expect(out.buffer).toBe(chunk.buffer);
    expect(out.byteOffset).toBe(chunk.byteOffset);
  });
});
