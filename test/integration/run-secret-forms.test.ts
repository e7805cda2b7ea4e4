// A real run whose step prints a secret the ways real scripts leak it: base64 of a Basic-auth
// pair (at each byte alignment), hex, a bash trace, and a `type: number` secret. Neither the
// terminal nor what is stored (`show`) holds any form of either secret.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-secret-forms-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
writeFileSync(
  join(workspace, 'leak-forms.md'),
  `---
id: leak-forms
title: Leak forms
version: 1.0.0
inputs:
  token: { type: string, secret: true }
  pin: { type: number, secret: true }
---

## Print the token every way

\`\`\`sh {target=local}
printf 'deploy:%s' {{ token }} | base64
printf 'x%s' {{ token }} | base64
printf 'xy%s!' {{ token }} | base64
printf '%s' {{ token }} | od -An -tx1 | tr -d ' \\n'; echo
printf '%s' {{ token }} | xxd -p -u | tr -d '\\n'; echo
bash -xc ': "$1"' _ {{ token }} 2>&1
echo pin {{ pin }}
\`\`\`
`,
);

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every `size`-character piece of `text`: none may appear where the secret was. */
function pieces(text: string, size: number): string[] {
  return Array.from({ length: Math.max(0, text.length - size + 1) }, (_, i) => text.slice(i, i + size));
}

describe('secret forms through a real run', () => {
  it('leave no form of the secret in the terminal or the stored output', () => {
    const token = `Pa'ss wo$rd"9-release-key`;
    const pin = '48213977';
    const cli: CliOptions = { dataDir: join(root, 'data'), workspace, env: { HANDRAIL_INPUT_TOKEN: token, HANDRAIL_INPUT_PIN: pin } };
    const result = handrail(['run', 'leak-forms', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const stored = showRun(runIdOf(result.stdout), cli).steps[0]?.output ?? '';
    expect(stored.split('\n')).toHaveLength(8);

    const bytes = Buffer.from(token);
    const leaks = [
      token,
      pin,
      `'\\''`, // the bash trace's quoting of the ' in the token
      ...pieces(bytes.toString('hex'), 8),
      ...pieces(bytes.toString('hex').toUpperCase(), 8),
      // base64 of the token after 0, 1 and 2 other bytes: the characters made of its bytes alone
      ...[0, 1, 2].flatMap((p) => {
        const encoded = Buffer.concat([Buffer.alloc(p), bytes]).toString('base64');
        return pieces(encoded.slice(Math.ceil((8 * p) / 6), Math.floor((8 * (p + bytes.length)) / 6)), 6);
      }),
    ];
    for (const [where, text] of [
      ['terminal', result.stdout + result.stderr],
      ['stored output', stored],
    ] as const) {
      for (const leak of leaks) expect(text.includes(leak), `${where} holds ${leak}:\n${text}`).toBe(false);
    }
    expect(stored).toContain('pin [REDACTED]');
    // What does not depend on the secret is still there to read: base64 of 'deploy'.
    expect(stored).toContain('ZGVwbG95');
  });
});
