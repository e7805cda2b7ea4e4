// Attacks on approvals through the built CLI, with real ssh-keygen keys and a real git
// workspace: an operator who edits allowed_signers on their own machine to approve their own
// run, and a target's connection detail changed after the plan was signed. Each must be
// refused before anything runs; `tester` is the operator (test/support/handrail-cli.ts).
import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeKey } from '../support/ssh-keys.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let ws: string;
let n = 0;
const key: Record<string, string> = {};

const REMOTE = '---\nid: remote\ntitle: Remote\nversion: 1.0.0\nenvironments: [prod]\n---\n\n# Remote\n\n## Count\n\n```sql {target=db}\nSELECT 1;\n```\n\n## Uptime\n\n```sh {target=box}\nuptime\n```\n';

const CONFIRMED = '---\nid: careful\ntitle: Careful\nversion: 1.0.0\nenvironments: [live]\n---\n\n# Careful\n\n## Change\n\n```sh {target=local confirm}\necho "step-ran-$((40+2))"\n```\n';

const RUNBOOK = '---\nid: greet\ntitle: Greet\nversion: 1.0.0\nenvironments: [prod]\n---\n\n# Greet\n\n## Say hello\n\n```sh {target=local}\necho attacked-step-ran\n```\n';

function inventory(knownHosts: string, seed = ''): string {
  return (
    'environments:\n  prod:\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets:\n' +
    `      box: { ssh: deploy@db1.example.com, port: 22, known-hosts: ${knownHosts} }\n` +
    `      db: { sqlite: ./prod.db${seed ? `, seed: ${seed}` : ''} }\n` +
    '  live:\n    protected: true\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n'
  );
}

function cli(): CliOptions {
  return { dataDir: join(root, `data-${++n}`), workspace: ws, cwd: root, env: { SSH_AUTH_SOCK: '' } };
}

const pub = (name: string) => readFileSync(`${key[name]}.pub`, 'utf8').trim();
const git = (...args: string[]) => runCommand('git', ['-C', ws, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);

function planAndApprove(options: CliOptions, signer: string, principal: string, runbook = 'greet'): string {
  const path = join(root, `plan-${++n}.txt`);
  const planned = handrail(['plan', runbook, '--env', 'prod', '--out', path], options);
  expect(planned.code).toBe(0);
  const approved = handrail(['approve', path, '--key', key[signer]!, '--principal', principal, '--yes'], options);
  expect(approved.stderr).toContain('holds your signed approval');
  return `${path}.sig`;
}

const run = (options: CliOptions, approval: string, runbook = 'greet') => handrail(['run', runbook, '--env', 'prod', '--yes', '--approval', approval], options);

function expectRefused(r: ReturnType<typeof run>, options: CliOptions, message: RegExp) {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/nothing was executed/);
  expect(r.code).toBe(2);
  expect(r.stdout).not.toContain('attacked-step-ran');
  expect(JSON.parse(handrail(['runs', '--json'], options).stdout)).toEqual([]);
}

beforeAll(async () => {
  root = await makeTempDir('approval-attacks');
  ws = join(root, 'ws');
  mkdirSync(ws);
  for (const name of ['alice', 'tester', 'second']) key[name] = await makeKey(root, name);
  writeFileSync(join(ws, 'allowed_signers'), `alice@example.com ${pub('alice')}\ntester@example.com ${pub('tester')}\n`);
  writeFileSync(join(ws, 'handrail.yml'), inventory('./known_hosts'));
  writeFileSync(join(ws, 'greet.md'), RUNBOOK);
  writeFileSync(join(ws, 'remote.md'), REMOTE);
  writeFileSync(join(ws, 'careful.md'), CONFIRMED);
  expect((await git('init', '-q')).code).toBe(0);
  expect((await git('add', '.')).code).toBe(0);
  expect((await git('commit', '-q', '-m', 'approvers')).code).toBe(0);
});

afterAll(async () => {
  await removeDir(root);
});

describe('an operator approving their own run', () => {
  it('is refused when they listed a second key of theirs in allowed_signers without committing it', async () => {
    const options = cli();
    appendFileSync(join(ws, 'allowed_signers'), `dave@example.com ${pub('second')}\n`);
    try {
      const sig = planAndApprove(options, 'second', 'dave@example.com');
      expectRefused(run(options, sig), options, /allowed_signers differs from the workspace's last git commit/);
    } finally {
      await git('checkout', '--', 'allowed_signers');
    }
  });

  it('is refused when they point approvers at a file of their own outside the workspace\'s repository', async () => {
    const options = cli();
    const own = join(root, 'my_signers');
    writeFileSync(own, `dave@example.com ${pub('second')}\n`);
    const yml = readFileSync(join(ws, 'handrail.yml'), 'utf8');
    writeFileSync(join(ws, 'handrail.yml'), yml.replaceAll('./allowed_signers', own));
    try {
      const sig = planAndApprove(options, 'second', 'dave@example.com');
      expectRefused(run(options, sig), options, /my_signers is outside the workspace's git repository/);
    } finally {
      writeFileSync(join(ws, 'handrail.yml'), yml);
    }
  });

  it('runs with an approval from a committed allowed_signers, and the audit keeps that file\'s SHA-256', async () => {
    const options = cli();
    const sig = planAndApprove(options, 'alice', 'alice@example.com');
    const r = run(options, sig);
    expect(r.stdout).toContain('attacked-step-ran');
    expect(r.code).toBe(0);
    const sha = (await runCommand('sha256sum', [join(ws, 'allowed_signers')])).stdout.split(' ')[0]!;
    const accepted = JSON.parse(handrail(['audit', 'search', sha, '--kind', 'approval.accepted', '--json'], options).stdout) as unknown[];
    expect(accepted).toHaveLength(1);
    expect(handrail(['show', runIdOf(r.stdout)], options).stdout).toContain('Approval: approved by alice@example.com (SHA256:');
    // A script reading `show --json` learns the same: the approval the run ran under.
    const shown = JSON.parse(handrail(['show', runIdOf(r.stdout), '--json'], options).stdout) as { approvals: string[]; deviations: string[] };
    expect(shown.approvals).toEqual([expect.stringContaining('approved by alice@example.com (SHA256:')]);
    expect(shown.deviations).toEqual([]);
  });
});

describe('a connection detail changed after the plan was signed', () => {
  it('refuses an approval once the SSH target trusts another known_hosts file', () => {
    const options = cli();
    const sig = planAndApprove(options, 'alice', 'alice@example.com', 'remote');
    writeFileSync(join(ws, 'handrail.yml'), inventory('/tmp/attacker_known_hosts'));
    try {
      expectRefused(run(options, sig, 'remote'), options, /the approval is for plan [0-9a-f]{64}, but this run's plan is/);
    } finally {
      writeFileSync(join(ws, 'handrail.yml'), inventory('./known_hosts'));
    }
  });

  it('refuses an approval once the SQLite target gains a seed file', () => {
    const options = cli();
    const sig = planAndApprove(options, 'alice', 'alice@example.com', 'remote');
    writeFileSync(join(ws, 'seed.sql'), 'CREATE TABLE t(x);\n');
    writeFileSync(join(ws, 'handrail.yml'), inventory('./known_hosts', './seed.sql'));
    try {
      expectRefused(run(options, sig, 'remote'), options, /the approval is for plan [0-9a-f]{64}, but this run's plan is/);
    } finally {
      writeFileSync(join(ws, 'handrail.yml'), inventory('./known_hosts'));
    }
  });
});

describe('an approval file', () => {
  it('is refused unread when it is far larger than any approval', () => {
    const options = cli();
    const path = join(root, 'huge.sig');
    writeFileSync(path, Buffer.alloc(64 * 1024 * 1024, 0x41));
    expectRefused(run(options, path), options, /huge\.sig is 67108864 bytes; an approval is a few hundred/);
  });
});

describe('break-glass', () => {
  const REASON = 'INC-99: approver asleep, queue stuck';

  it("waives the approval only: a protected environment's typed name is still needed", () => {
    const options = cli();
    const r = handrail(['run', 'careful', '--env', 'live', '--yes', '--break-glass', REASON], options);
    expect(r.stdout + r.stderr).toMatch(/--confirm live/);
    expect(r.stdout).not.toContain('step-ran-42');
    expect(r.code).not.toBe(0);
  });

  it('is counted in runs, and show gives the reason', () => {
    const options = cli();
    const r = handrail(['run', 'careful', '--env', 'live', '--confirm', 'live', '--break-glass', REASON], options);
    expect(r.stdout).toContain('step-ran-42');
    expect(r.code).toBe(0);
    expect(handrail(['show', runIdOf(r.stdout)], options).stdout).toContain(REASON);
    expect(handrail(['runs'], options).stdout).toMatch(/succeeded with deviations \(1\)/);
    const shown = JSON.parse(handrail(['show', runIdOf(r.stdout), '--json'], options).stdout) as { deviations: string[] };
    expect(shown.deviations).toEqual([expect.stringContaining(REASON)]);
  });
});
