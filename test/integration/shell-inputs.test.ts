// The one rule for inputs in sh steps, proved with real shells: a step does exactly what its
// text says whatever the value. Every context a placeholder may stand in × hostile values,
// run through the engine on dash (/bin/sh) and bash locally and on a real sshd; secrets are
// in no process's command line while a step runs, and never in the script text.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepAction } from '../../src/contract/runbook.js';
import { checkInputs } from '../../src/core/engine/inputs.js';
import type { ShellExecutor, ShellRequest, SqlValue } from '../../src/core/engine/ports.js';
import { Redactor } from '../../src/core/engine/redact.js';
import type { TargetResolver } from '../../src/core/engine/run-ports.js';
import { runAction } from '../../src/core/engine/step-actions.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { createLocalShell } from '../../src/targets/local-shell.js';
import type { SshSession } from '../../src/targets/ssh/ssh-connection.js';
import { startSshd, type SshdHandle } from '../support/sshd.js';
import { connectToSshd } from '../support/ssh-target.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-shell-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const F = join(root, 'F');

/** A runbook with one sh step and inputs x (string) and token (secret); its parsed action. */
function action(code: string): StepAction {
  const md = `---\nid: t\ntitle: T\nversion: 1.0.0\ninputs:\n  x: { type: string }\n  token: { type: string, secret: true }\n---\n\n# T\n\n## Step\n\n\`\`\`sh {target=local}\n${code}\n\`\`\`\n`;
  const parsed = parseRunbook('t.md', new TextEncoder().encode(md));
  const found = parsed.runbook?.steps[0]?.action;
  if (!found) throw new Error(`test runbook did not parse: ${JSON.stringify(parsed.problems)}`);
  return found;
}

/** Runs `code` with `inputs` on `shell` through the engine; returns stdout and what the shell was given. */
async function runStep(shell: ShellExecutor, code: string, inputs: Record<string, SqlValue>, onStdout?: (text: string) => void) {
  const requests: ShellRequest[] = [];
  const targets: TargetResolver = {
    shell: async () => ({ run: (request) => (requests.push(request), shell.run(request)) }),
    sql: () => Promise.reject(new Error('no sql here')),
    http: () => {
      throw new Error('no http here');
    },
    snapshot: () => ({ refused: 'none' }),
    variables: {},
  };
  const a = action(code);
  let stdout = '';
  const outcome = await runAction({
    step: { index: 0, title: 'Step' } as never,
    action: a,
    inputs,
    targets,
    redactor: new Redactor([]),
    signal: new AbortController().signal,
    emit: (stream, chunk) => {
      if (stream !== 'stdout') return;
      stdout += chunk.toString('utf8');
      onStdout?.(stdout);
    },
  });
  return { outcome, stdout, requests };
}

const HOSTILE: [string, string][] = [
  ['command substitution', `$(touch ${F})`],
  ['backticks', `\`touch ${F}\``],
  ['single-quote break-out', `'; touch ${F}; '`],
  ['double-quote break-out', `"; touch ${F}; "`],
  ['newline', `\ntouch ${F}\n`],
  ['a glob', '*'],
  ['an option', '-rf'],
  ['spaces', '  two  spaces  '],
  ['unicode', 'ünïcødé ✓ 日本'],
  ['empty', ''],
  ['backslashes and dollars', '\\n \\ $HOME ${PATH} \\$'],
];

/** The step's text and what it must print for value v. */
const CONTEXTS: [string, string, (v: string) => string][] = [
  ['a bare word', "printf '%s' {{ x }}", (v) => v],
  ['inside double quotes', `printf '%s' "<{{ x }}>"`, (v) => `<${v}>`],
  ['an unquoted heredoc', 'cat <<EOF\n<{{ x }}>\nEOF', (v) => `<${v}>\n`],
  ['an assignment', "v={{ x }}\nprintf '%s' \"$v\"", (v) => v],
  ['a --flag= word', "printf '%s' --flag={{ x }}", (v) => `--flag=${v}`],
];

function matrix(name: string, shell: () => ShellExecutor): void {
  describe(`every context × hostile value (${name})`, () => {
    for (const [context, code, expected] of CONTEXTS) {
      it.each(HOSTILE)(`${context}: %s is printed exactly and runs nothing`, async (_label, value) => {
        rmSync(F, { force: true });
        const { outcome, stdout, requests } = await runStep(shell(), code, { x: value });
        expect(existsSync(F)).toBe(false);
        expect(stdout).toBe(expected(value));
        expect(outcome.ok).toBe(true);
        // The value went beside the script, not into it.
        if (value.length > 2) expect(requests[0]?.script).not.toContain(value);
      });
    }
  });
}

/** Every process's command line on this machine, joined (the sshd in tests is local too). */
function allCommandLines(): string {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return lines.join('\n');
}

function secretInArgv(name: string, shell: () => ShellExecutor): void {
  it(`keeps a secret out of every command line while the step runs (${name})`, async () => {
    const secret = `Tok3n-${Math.random().toString(36).slice(2)}-zz`;
    const fifo = join(root, `go-${name.replace(/\W/g, '')}`);
    execFileSync('mkfifo', [fifo]);
    let seen: string | undefined;
    // The step says "ready", then blocks on the fifo until the test has looked at every process.
    const { outcome, stdout, requests } = await runStep(
      shell(),
      `t={{ token }}\necho ready\nread _ < ${fifo}\nprintf '%s\\n' "{{ token }}" | wc -c`,
      { token: secret },
      (text) => {
        if (seen !== undefined || !text.includes('ready')) return;
        seen = allCommandLines();
        execFileSync('sh', ['-c', `echo go > ${fifo}`]);
      },
    );
    expect(outcome.ok).toBe(true);
    expect(stdout).toBe(`ready\n${secret.length + 1}\n`);
    expect(seen).toBeDefined();
    expect(seen).not.toContain(secret);
    expect(requests[0]?.script).not.toContain(secret);
  });
}

const dash = () => createLocalShell({ shellPath: '/bin/sh' });
const bash = () => createLocalShell({ shellPath: '/bin/bash' });

describe('sh inputs on this machine', () => {
  it('runs the local steps under dash as /bin/sh', () => {
    expect(execFileSync('readlink', ['-f', '/bin/sh'], { encoding: 'utf8' })).toMatch(/dash/);
  });
  matrix('local dash', dash);
  matrix('local bash', bash);
  secretInArgv('local dash', dash);
  secretInArgv('local bash', bash);
});

describe('sh inputs over SSH', () => {
  let sshd: SshdHandle;
  let session: SshSession;
  beforeAll(async () => {
    sshd = await startSshd();
    session = await connectToSshd(sshd);
  });
  afterAll(async () => {
    await session?.close();
    await sshd?.stop();
  });
  matrix('real sshd', () => session);
  secretInArgv('real sshd', () => session);
});

describe('input values a shell cannot hold, or patterns searched instead of matched', () => {
  const fm = {
    id: 't',
    title: 'T',
    version: '1.0.0',
    inputs: { pilot: { type: 'string' as const, pattern: '^pilot-[0-9]+' }, x: { type: 'string' as const } },
  };

  it('refuses a NUL byte with a clear message, before anything runs', () => {
    expect(checkInputs(fm, { pilot: 'pilot-7', x: 'a\0b' })).toEqual({
      ok: false,
      problems: [`input 'x': the value contains a NUL byte (\\0), which a step cannot receive; give the value without it`],
    });
  });

  it('matches a pattern against the whole value, so ^pilot-[0-9]+ refuses "pilot-7 $(touch F)"', () => {
    expect(checkInputs(fm, { pilot: `pilot-7 $(touch ${F})`, x: '' })).toEqual({
      ok: false,
      problems: [`input 'pilot': ${JSON.stringify(`pilot-7 $(touch ${F})`)} does not match ^pilot-[0-9]+ (the whole value must match)`],
    });
    expect(checkInputs(fm, { pilot: 'pilot-7', x: '' }).ok).toBe(true);
  });
});
