// Approvals end to end through the built CLI, with real OpenSSH keys, ssh-keygen and
// ssh-agent: a protected environment with approval.required refuses a run without one, and
// runs with one from someone else; every other approval is refused with what to do, and
// nothing runs. `tester` is the operator (test/support/handrail-cli.ts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { runCommand } from '../support/run-command.js';
import { addToAgent, makeKey, startAgent, type Agent } from '../support/ssh-keys.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let ws: string;
let agent: Agent;
const key: Record<string, string> = {};
let n = 0;
let flag: string;

const RUNBOOK = '---\nid: greet\ntitle: Greet\nversion: 1.0.0\nenvironments: [prod]\ninputs:\n  name:\n    type: string\n---\n\n# Greet\n\n## Say hello\n\n```sh {target=local}\necho "approved-step-ran {{ name }}"\n```\n';

const WAIT_RUNBOOK = '---\nid: wait-flag\ntitle: Wait for a flag\nversion: 1.0.0\nenvironments: [prod]\n---\n\n# Wait\n\n## Needs the flag\n\n```sh {target=local}\ntest -e "$FLAG_FILE" || { echo flag-missing; exit 1; }\necho resumed-step-ran\n```\n';

function inventory(extraVariable = ''): string {
  return `environments:\n  prod:\n    protected: true\n    approval:\n      required: true\n      approvers: ./allowed_signers\n      valid-for: 1h\n    variables:\n      GREETING: "hi${extraVariable}"\n      FLAG_FILE: "${flag}"\n    targets: {}\n`;
}

/** A fresh data folder per case: a refused run must leave no run behind. */
function cli(env: Record<string, string> = {}): CliOptions {
  return { dataDir: join(root, `data-${++n}`), workspace: ws, cwd: root, env: { SSH_AUTH_SOCK: '', ...env } };
}

function plan(options: CliOptions, name = 'world'): { path: string; id: string } {
  const path = join(root, `plan-${++n}.txt`);
  const r = handrail(['plan', 'greet', '--env', 'prod', '--input', `name=${name}`, '--out', path], options);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { path, id: /Plan id: ([0-9a-f]{64})/.exec(r.stdout)![1]! };
}

function run(options: CliOptions, approval?: string, name = 'world', extra: string[] = []) {
  return handrail(['run', 'greet', '--env', 'prod', '--input', `name=${name}`, '--yes', ...(approval ? ['--approval', approval] : []), ...extra], options);
}

/** An approval made without Handrail: the statement written by hand, signed by ssh-keygen -Y sign. */
async function keygenApproval(planId: string, signer: string, principal: string, options: { namespace?: string; signedAt?: Date } = {}): Promise<string> {
  const statement = join(root, `statement-${++n}`);
  const at = (options.signedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(statement, `Handrail approval v1\nplan: ${planId}\nrunbook: greet\nenvironment: prod\nprincipal: ${principal}\nsigned-at: ${at}\n`);
  const signed = await runCommand('ssh-keygen', ['-Y', 'sign', '-f', key[signer]!, '-n', options.namespace ?? 'handrail-approval', statement]);
  expect(signed.code).toBe(0);
  const approval = `${statement}.approval`;
  writeFileSync(approval, readFileSync(statement, 'utf8') + readFileSync(`${statement}.sig`, 'utf8'));
  return approval;
}

function expectRefused(r: ReturnType<typeof run>, options: CliOptions, message: RegExp) {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/nothing was executed/);
  expect(r.code).toBe(2);
  expect(r.stdout).not.toContain('approved-step-ran');
  expect(JSON.parse(handrail(['runs', '--json'], options).stdout)).toEqual([]);
  expect(handrail(['audit', 'search', 'prod', '--kind', 'approval.refused', '--json'], options).stdout).toContain('approval.refused');
}

beforeAll(async () => {
  root = await makeTempDir('approvals');
  ws = join(root, 'ws');
  flag = join(root, 'flag');
  mkdirSync(ws);
  for (const name of ['alice', 'tester', 'carol', 'bob']) key[name] = await makeKey(root, name);
  const pub = (name: string) => readFileSync(`${key[name]}.pub`, 'utf8').trim();
  writeFileSync(
    join(ws, 'allowed_signers'),
    [
      '# who may approve runs in prod',
      `"alice@example.com" namespaces="handrail-approval,git" ${pub('alice')} alice's laptop`,
      `tester@example.com ${pub('tester')}`,
      `carol@example.com namespaces="git" ${pub('carol')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(ws, 'handrail.yml'), inventory());
  writeFileSync(join(ws, 'greet.md'), RUNBOOK);
  writeFileSync(join(ws, 'wait.md'), WAIT_RUNBOOK);
  agent = await startAgent(root);
});

afterAll(async () => {
  await agent?.stop();
  await removeDir(root);
});

describe('a protected environment with approval.required', () => {
  it('refuses a run without an approval, saying how to get one', () => {
    const options = cli();
    expectRefused(run(options), options, /prod requires an approval .*handrail approve plan\.txt.*--approval plan\.txt\.sig.*--break-glass/);
  });

  it('runs with an approval signed by someone else, shown before it was signed and named in the report', async () => {
    const options = cli();
    const p = plan(options);
    const approved = handrail(['approve', p.path, '--key', key.alice!, '--yes'], options);
    expect(approved.stdout).toContain('Step 1 of 1: Say hello'); // the plan is shown before it is signed
    expect(approved.stdout).toContain(`Plan id: ${p.id}`);
    expect(approved.stderr).toContain(`${p.path}.sig holds your signed approval of plan ${p.id} as alice@example.com`);
    expect(approved.code).toBe(0);

    const r = run(options, `${p.path}.sig`);
    expect(r.stdout).toContain('approved-step-ran world');
    expect(r.code).toBe(0);
    const fingerprint = (await runCommand('ssh-keygen', ['-lf', `${key.alice}.pub`])).stdout.split(' ')[1]!;
    expect(r.stderr).toContain(`Approval: approved by alice@example.com (${fingerprint}), signed `);
    const accepted = JSON.parse(handrail(['audit', 'search', 'alice', '--kind', 'approval.accepted', '--json'], options).stdout) as { kind: string; runId: string }[];
    expect(accepted.map((e) => [e.kind, e.runId])).toEqual([['approval.accepted', runIdOf(r.stdout)]]);
    // The event itself names the key. (The search's snippet is a window of words around the
    // match: a fingerprint whose base64 holds many '/' and '+' is more words, and was cut.)
    const exported = handrail(['audit', 'export', '--run', runIdOf(r.stdout), '--format', 'jsonl'], options).stdout;
    const event = exported.split('\n').find((line) => line.includes('"approval.accepted"'));
    expect(event).toContain(fingerprint);
    const report = handrail(['audit', 'export', '--run', runIdOf(r.stdout), '--format', 'md'], options).stdout;
    expect(report).toContain(`approved by alice@example.com (${fingerprint})`);
  });

  it('writes an approval that ssh-keygen -Y verify accepts, once split at its BEGIN line', async () => {
    const options = cli();
    const p = plan(options);
    expect(handrail(['approve', p.path, '--key', key.alice!, '--principal', 'alice@example.com', '--yes'], options).code).toBe(0);
    const file = readFileSync(`${p.path}.sig`, 'utf8');
    const at = file.indexOf('-----BEGIN SSH SIGNATURE-----');
    writeFileSync(join(root, 'stmt'), file.slice(0, at));
    writeFileSync(join(root, 'stmt.sig'), file.slice(at));
    expect(file.slice(0, at)).toContain(`plan: ${p.id}\n`);
    const verified = await runCommand('sh', ['-c', 'ssh-keygen -Y verify -f "$1" -I alice@example.com -n handrail-approval -s "$2" < "$3"', 'sh', join(ws, 'allowed_signers'), join(root, 'stmt.sig'), join(root, 'stmt')]);
    expect(verified.stdout + verified.stderr).toContain('Good "handrail-approval" signature for alice@example.com');
  });

  it('accepts an approval signed with ssh-keygen -Y sign', async () => {
    const options = cli();
    const p = plan(options);
    const r = run(options, await keygenApproval(p.id, 'alice', 'alice@example.com'));
    expect(r.stdout).toContain('approved-step-ran world');
    expect(r.code).toBe(0);
  });

  it('signs with a key held by a real ssh-agent (approve --key KEY.pub)', async () => {
    await addToAgent(agent, key.alice!);
    const options = cli({ SSH_AUTH_SOCK: agent.socket });
    const p = plan(options);
    const approved = handrail(['approve', p.path, '--key', `${key.alice}.pub`, '--yes'], options);
    expect(approved.stderr).toContain('(agent)');
    expect(approved.code).toBe(0);
    expect(run(options, `${p.path}.sig`).code).toBe(0);
  });

  it('runs without an approval by break-glass, recorded as a deviation', () => {
    const options = cli();
    const r = run(options, undefined, 'world', ['--break-glass', 'INC-7: approver unreachable, outage ongoing']);
    expect(r.stderr).toContain('Approval WAIVED by break-glass (recorded as a deviation)');
    expect(r.stdout).toContain('approved-step-ran world');
    expect(r.code).toBe(0);
    const report = handrail(['audit', 'export', '--run', runIdOf(r.stdout), '--format', 'md'], options).stdout;
    expect(report).toContain('ran without the approval this environment requires');
  });
});

describe('refused approvals say what to do, and nothing runs', () => {
  it('self-approval: signed by the operator, as a principal naming them', async () => {
    const options = cli();
    const p = plan(options);
    const own = handrail(['approve', p.path, '--key', key.tester!, '--yes'], options);
    expect(own.stderr).toMatch(/you \(tester@example\.com\) are the operator of this plan .* ask another approver; nothing was signed/);
    expect(own.code).toBe(2);
    expectRefused(run(options, await keygenApproval(p.id, 'tester', 'tester@example.com')), options, /self-approval: .* ask another approver/);
  });

  it('a signature made for another namespace', async () => {
    const options = cli();
    const p = plan(options);
    expectRefused(run(options, await keygenApproval(p.id, 'alice', 'alice@example.com', { namespace: 'git' })), options, /namespace 'git', not 'handrail-approval'/);
  });

  it('a key allowed_signers permits only for other namespaces', async () => {
    const options = cli();
    const p = plan(options);
    expectRefused(run(options, await keygenApproval(p.id, 'carol', 'carol@example.com')), options, /allowed_signers:4: the key may sign only in namespaces "git"/);
  });

  it('an expired approval', async () => {
    const options = cli();
    const p = plan(options);
    const old = new Date(Date.now() - 2 * 3_600_000);
    expectRefused(run(options, await keygenApproval(p.id, 'alice', 'alice@example.com', { signedAt: old })), options, /approval expired: .* valid for 1h .* approved again/);
  });

  it('approve refuses a plan file with terminal control characters (they could hide a line from the approver)', () => {
    const options = cli();
    const p = plan(options);
    writeFileSync(p.path, readFileSync(p.path, 'utf8').replace('Steps: 1', 'Steps: 1\n  rm -rf / \u001b[2K\r'));
    const r = handrail(['approve', p.path, '--key', key.alice!, '--yes'], options);
    expect(r.stderr).toMatch(/control characters .* hide .* nothing was signed/);
    expect(r.stdout).not.toContain('rm -rf');
    expect(r.code).toBe(2);
    expect(existsSync(`${p.path}.sig`)).toBe(false);
  });

  it('a changed input', async () => {
    const options = cli();
    const p = plan(options);
    expect(handrail(['approve', p.path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    expectRefused(run(options, `${p.path}.sig`, 'everyone'), options, new RegExp(`approval is for plan ${p.id}, but this run's plan is`));
  });

  it('a changed runbook byte', async () => {
    const options = cli();
    const p = plan(options);
    expect(handrail(['approve', p.path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    writeFileSync(join(ws, 'greet.md'), RUNBOOK.replace('approved-step-ran', 'approved-step-ran '));
    try {
      expectRefused(run(options, `${p.path}.sig`), options, /but this run's plan is/);
    } finally {
      writeFileSync(join(ws, 'greet.md'), RUNBOOK);
    }
  });

  it("a changed environment (a variable every step gets)", async () => {
    const options = cli();
    const p = plan(options);
    expect(handrail(['approve', p.path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    writeFileSync(join(ws, 'handrail.yml'), inventory(' there'));
    try {
      expectRefused(run(options, `${p.path}.sig`), options, /but this run's plan is/);
    } finally {
      writeFileSync(join(ws, 'handrail.yml'), inventory());
    }
  });

  it('an unknown signer', async () => {
    const options = cli();
    const p = plan(options);
    expectRefused(run(options, await keygenApproval(p.id, 'bob', 'bob@example.com')), options, /unknown signer: 'bob@example\.com' is not a principal in .*allowed_signers; ask someone listed there to approve/);
  });

  it('a key that is not the one listed for the principal', async () => {
    const options = cli();
    const p = plan(options);
    expectRefused(run(options, await keygenApproval(p.id, 'bob', 'alice@example.com')), options, /the key that signed \(SHA256:.*\) is not the key .* lists for 'alice@example\.com'/);
  });

  it('a tampered approval (its statement edited after signing)', async () => {
    const options = cli();
    const p = plan(options);
    expect(handrail(['approve', p.path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    const sig = `${p.path}.sig`;
    writeFileSync(sig, readFileSync(sig, 'utf8').replace(/signed-at: \d{4}/, 'signed-at: 2099'));
    expectRefused(run(options, sig), options, /does not verify: the signature does not match: the signed text was changed after signing/);
  });

  it('a plain ssh-keygen signature of the plan file, which names no time or principal', async () => {
    const options = cli();
    const p = plan(options);
    await runCommand('ssh-keygen', ['-Y', 'sign', '-f', key.alice!, '-n', 'handrail-approval', p.path]);
    expectRefused(run(options, `${p.path}.sig`), options, /is not a Handrail approval: it does not start with 'Handrail approval v1'/);
  });
});

describe('resuming an approved run', () => {
  it('goes on under the approval the run started with, however long ago, while its plan is the same', () => {
    const options = cli();
    const path = join(root, 'wait-plan.txt');
    expect(handrail(['plan', 'wait-flag', '--env', 'prod', '--out', path], options).code).toBe(0);
    expect(handrail(['approve', path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    const first = handrail(['run', 'wait-flag', '--env', 'prod', '--yes', '--approval', `${path}.sig`], options);
    expect(first.stdout).toContain('flag-missing');
    expect(first.code).toBe(1);
    const id = runIdOf(first.stdout);
    writeFileSync(flag, '');
    try {
      const resumed = handrail(['resume', id, '--yes'], options);
      expect(resumed.stdout).toContain('resumed-step-ran');
      expect(resumed.code).toBe(0);
    } finally {
      rmSync(flag, { force: true });
    }
  });

  it('needs a new approval when the plan changed since (here: the inventory)', () => {
    const options = cli();
    const path = join(root, 'wait-plan-2.txt');
    expect(handrail(['plan', 'wait-flag', '--env', 'prod', '--out', path], options).code).toBe(0);
    expect(handrail(['approve', path, '--key', key.alice!, '--yes'], options).code).toBe(0);
    const first = handrail(['run', 'wait-flag', '--env', 'prod', '--yes', '--approval', `${path}.sig`], options);
    expect(first.code).toBe(1);
    writeFileSync(join(ws, 'handrail.yml'), inventory(' changed'));
    try {
      const resumed = handrail(['resume', runIdOf(first.stdout), '--yes'], options);
      expect(resumed.stderr).toMatch(/was approved for plan [0-9a-f]{64}, but resuming it now would run plan [0-9a-f]{64} .* resume with --approval PLAN\.sig/);
      expect(resumed.stdout).not.toContain('flag-missing');
      expect(resumed.code).toBe(2);
    } finally {
      writeFileSync(join(ws, 'handrail.yml'), inventory());
    }
  });
});

describe('handrail validate', () => {
  it("checks each environment's allowed_signers file, naming a bad line by line and column", async () => {
    const bad = join(root, 'ws-bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'handrail.yml'), 'environments:\n  prod:\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n  staging:\n    approval:\n      approvers: ./missing_signers\n    targets: {}\n');
    writeFileSync(join(bad, 'allowed_signers'), `# ok\nalice@example.com no-touch-required ${readFileSync(`${key.alice}.pub`, 'utf8').trim()}\n`);
    const r = handrail(['validate', bad], { dataDir: join(root, `data-${++n}`), workspace: bad, cwd: bad });
    expect(r.stdout).toContain('allowed_signers:2:19: unsupported option');
    expect(r.stdout).toMatch(/missing_signers:1:1: .*staging.* cannot be read \(ENOENT\)/);
    expect(r.code).toBe(1);
  });
});
