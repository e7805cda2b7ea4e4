// A placeholder in a sh step goes in as data, proved on the real /bin/sh: a hostile value is
// printed, never run. (The pure checks of inputs and the preview are in
// test/unit/engine-inputs.test.ts; every quoting context × hostile value, on dash, bash and
// sshd, is in shell-inputs.test.ts.)
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadShellGrammar, prepareShell } from '../../src/core/engine/shell-placeholders.js';

describe('substitution', () => {
  it('runs nothing but the intended command in sh, whatever the input', async () => {
    await loadShellGrammar();
    const evil = `x'; touch /tmp/handrail-pwned-$$; echo '`;
    const prepared = prepareShell('printf "%s\\n" {{ pilot }}', { pilot: evil });
    if (!prepared.ok) throw new Error('the placeholder was refused');
    expect(prepared.script).toBe('printf "%s\\n" "$HR_IN_pilot"');
    const out = execFileSync('/bin/sh', ['-c', prepared.script], { encoding: 'utf8', env: { ...process.env, ...prepared.env } });
    expect(out).toBe(`${evil}\n`);
  });
});
