// A real run whose step encodes .env-like files holding secrets with the real `base64`,
// `base64 -w 64` and `openssl base64` (also with CRLF line ends), so line breaks fall inside
// each secret's encoded form. Neither the terminal nor the stored output holds a piece of
// any secret's encoding, and what is stored keeps every line the programs printed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/engine/redact.js';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';
import { SECRET_LENGTHS, secretOfLength, secretOnlyRange, wrappedCases, type WrappedCase } from '../support/wrapped-base64.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-wrapped-run-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cases = wrappedCases();
const inputName = (c: WrappedCase) => `s${c.secret.length}`;

/** The step: each case's text into a file, then the case's program on it. */
function script(secretWord: (c: WrappedCase) => string): string {
  const lines = ['f=$(mktemp)'];
  for (const c of cases) lines.push(`printf '%s%s%s' '${c.prefix}' ${secretWord(c)} '${c.suffix}' > "$f"`, c.wrapper.script);
  lines.push('rm -f "$f"');
  return lines.join('\n');
}

writeFileSync(
  join(workspace, 'wrapped.md'),
  `---
id: wrapped
title: Wrapped base64
version: 1.0.0
inputs:
${SECRET_LENGTHS.map((n) => `  s${n}: { type: string, secret: true, pattern: '^[!-~]{4,}$' }`).join('\n')}
---

## Encode the files

\`\`\`sh {target=local}
${script((c) => `{{ ${inputName(c)} }}`)}
\`\`\`
`,
);

function pieces(text: string, size: number): string[] {
  return Array.from({ length: Math.max(0, text.length - size + 1) }, (_, i) => text.slice(i, i + size));
}

describe('wrapped base64 through a real run', () => {
  it('leaves no piece of a secret in the terminal or the stored output, and keeps the lines', () => {
    const env = Object.fromEntries(SECRET_LENGTHS.map((n) => [`HANDRAIL_INPUT_S${n}`, secretOfLength(n)]));
    const cli: CliOptions = { dataDir: join(root, 'data'), workspace, env };
    const result = handrail(['run', 'wrapped', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const stored = showRun(runIdOf(result.stdout), cli).steps[0]?.output ?? '';

    // The same commands run here, outside Handrail: what the step printed before masking.
    const printed = execFileSync('/bin/sh', ['-c', script((c) => `"$${inputName(c)}"`)], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...Object.fromEntries(SECRET_LENGTHS.map((n) => [`s${n}`, secretOfLength(n)])) },
    });
    expect(printed.match(/\r?\n/g)?.length).toBeGreaterThan(cases.length);
    const redactor = new Redactor(SECRET_LENGTHS.map((n) => ({ name: `s${n}`, value: secretOfLength(n) })));
    expect(stored).toBe(redactor.text(printed));
    expect(stored.match(/\r?\n/g)).toEqual(printed.match(/\r?\n/g));

    const leaks = cases.flatMap((c) => {
      const encoded = Buffer.from(c.prefix + c.secret + c.suffix).toString('base64');
      const [from, to] = secretOnlyRange(c);
      return pieces(encoded.slice(from, to), Math.min(6, to - from));
    });
    for (const [where, text] of [
      ['terminal', result.stdout + result.stderr],
      ['stored output', stored],
    ] as const) {
      // Pieces are looked for across line breaks: a reader joins the lines back just as easily.
      const joined = text.replace(/\r?\n/g, '');
      const found = leaks.filter((leak) => joined.includes(leak));
      expect(found, `${where} holds pieces of a secret's base64`).toEqual([]);
    }
    // What does not depend on a secret is still there to read: the encoded .env before it.
    const joined = stored.replace(/\r?\n/g, '');
    for (const c of cases.filter((k) => k.prefix !== '')) {
      const encoded = Buffer.from(c.prefix + c.secret + c.suffix).toString('base64');
      expect(joined, c.label).toContain(encoded.slice(0, Math.floor((8 * Buffer.byteLength(c.prefix)) / 6)));
    }
  });
});
