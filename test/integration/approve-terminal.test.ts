// `handrail approve` at a real terminal (a pseudo-terminal made by script(1)): an encrypted
// key's passphrase is asked on the terminal, never echoed, never taken from argv, and the
// approval is written. The test waits for the prompt in the output before it types.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, handrail } from '../support/handrail-cli.js';
import { makeKey } from '../support/ssh-keys.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const PASSPHRASE = 'open sesame 4711';
let root: string;

beforeAll(async () => {
  root = await makeTempDir('approve-tty');
  const ws = join(root, 'ws');
  mkdirSync(ws);
  const key = await makeKey(root, 'carol', 'ed25519', PASSPHRASE);
  writeFileSync(join(ws, 'allowed_signers'), `carol@example.com ${readFileSync(`${key}.pub`, 'utf8').trim()}\n`);
  writeFileSync(join(ws, 'handrail.yml'), 'environments:\n  prod:\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n');
  writeFileSync(join(ws, 'hi.md'), '---\nid: hi\ntitle: Hi\nversion: 1.0.0\nenvironments: [prod]\n---\n\n# Hi\n\n## Say\n\n```sh {target=local}\necho hi\n```\n');
});

afterAll(() => removeDir(root));

/** Runs the CLI on a pseudo-terminal; types `answer` once `prompt` has been printed. */
function atTerminal(args: string[], prompt: string, answer: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { ...process.env, HANDRAIL_WORKSPACE: join(root, 'ws'), HANDRAIL_DATA_DIR: join(root, 'data'), HANDRAIL_OPERATOR: 'tester', SSH_AUTH_SOCK: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (!typed && output.includes(prompt)) {
      typed = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('approve at a terminal', () => {
  it('asks an encrypted key its passphrase without echoing it, then writes the approval', async () => {
    const env = { HANDRAIL_OPERATOR: 'tester' };
    const plan = join(root, 'plan.txt');
    expect(handrail(['plan', 'hi', '--env', 'prod', '--out', plan], { dataDir: join(root, 'data'), workspace: join(root, 'ws'), env }).code).toBe(0);
    const r = await atTerminal(['approve', plan, '--key', join(root, 'carol'), '--yes'], 'Passphrase for', PASSPHRASE);
    expect(r.output).toContain('Passphrase for');
    expect(r.output).not.toContain(PASSPHRASE);
    expect(r.output).toContain('holds your signed approval');
    expect(r.code).toBe(0);
    expect(existsSync(`${plan}.sig`)).toBe(true);
  });
});
