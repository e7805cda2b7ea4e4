// Approval requests through the team ledger (a real PostgreSQL), with real OpenSSH keys: the
// operator posts the plan, an approver on another machine reads and signs it there, and the
// run fetches the signature. The ledger only carries it: every approval it hands back is
// checked exactly as a PLAN.sig file is, so a row the operator wrote, or one edited in the
// database, is refused like a forged file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeKey } from '../support/ssh-keys.js';
import { psqlAs, startTestLedger, teamYaml, type TestLedger } from '../support/team-ledger.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let ws: string;
let ledger: TestLedger;
let operator: CliOptions;
let approver: CliOptions;
const key: Record<string, string> = {};
let n = 0;

const RUNBOOK =
  '---\nid: greet\ntitle: Greet\nversion: 1.0.0\nenvironments: [prod]\ninputs:\n  name:\n    type: string\n---\n\n# Greet\n\n## Say hello\n\n```sh {target=local}\necho "approved-step-ran {{ name }}"\n```\n';

beforeAll(async () => {
  root = await makeTempDir('approval-requests');
  ws = join(root, 'ws');
  mkdirSync(ws);
  ledger = await startTestLedger(root, { op_olga: 'operator', ap_alice: 'operator' });
  for (const name of ['alice', 'olga']) key[name] = await makeKey(root, name);
  const pub = (name: string) => readFileSync(`${key[name]}.pub`, 'utf8').trim();
  writeFileSync(join(ws, 'allowed_signers'), `alice@example.com ${pub('alice')}\nolga@example.com ${pub('olga')}\n`);
  writeFileSync(
    join(ws, 'handrail.yml'),
    `${teamYaml(ledger)}environments:\n  prod:\n    protected: true\n    approval:\n      required: true\n      approvers: ./allowed_signers\n      valid-for: 1h\n    targets: {}\n`,
  );
  writeFileSync(join(ws, 'greet.md'), RUNBOOK);
  writeFileSync(
    join(ws, 'wait.md'),
    `---\nid: wait-flag\ntitle: Wait for a flag\nversion: 1.0.0\nenvironments: [prod]\ninputs:\n  name:\n    type: string\n---\n\n# Wait\n\n## Needs the flag\n\n\`\`\`sh {target=local}\ntest -e ${JSON.stringify(join(root, 'flag'))} || { echo flag-missing; exit 1; }\necho "resumed-step-ran {{ name }}"\n\`\`\`\n`,
  );
  operator = { dataDir: join(root, 'data-olga'), workspace: ws, cwd: root, env: { ...ledger.env('op_olga'), HANDRAIL_OPERATOR: 'olga', SSH_AUTH_SOCK: '' } };
  approver = { dataDir: join(root, 'data-alice'), workspace: ws, cwd: root, env: { ...ledger.env('ap_alice'), HANDRAIL_OPERATOR: 'alice', SSH_AUTH_SOCK: '' } };
}, 120_000);

afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

function request(name = 'world', note = 'INC-42: reset the greeting'): { id: string; planId: string } {
  const r = handrail(['plan', 'greet', '--env', 'prod', '--input', `name=${name}`, '--request-approval', '--note', note], operator);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const id = /Approval request: (\S+)/.exec(r.stdout)?.[1];
  expect(id).toBeDefined();
  return { id: id!, planId: /Plan id: ([0-9a-f]{64})/.exec(r.stdout)![1]! };
}

function run(requestId: string, name = 'world') {
  return handrail(['run', 'greet', '--env', 'prod', '--input', `name=${name}`, '--yes', '--confirm', 'prod', '--approval-request', requestId], operator);
}

function expectRefused(r: ReturnType<typeof run>, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/nothing was executed/);
  expect(r.stdout).not.toContain('approved-step-ran');
  expect(r.code).toBe(2);
}

/** An approval statement signed by `signer` with ssh-keygen alone, as anyone with a writer login could post it. */
async function keygenStatement(planId: string, signer: string, principal: string): Promise<{ statement: string; signature: string }> {
  const path = join(root, `statement-${++n}`);
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const statement = `Handrail approval v1\nplan: ${planId}\nrunbook: greet\nenvironment: prod\nprincipal: ${principal}\nsigned-at: ${at}\n`;
  writeFileSync(path, statement);
  const signed = await runCommand('ssh-keygen', ['-Y', 'sign', '-f', key[signer]!, '-n', 'handrail-approval', path]);
  expect(signed.code).toBe(0);
  return { statement, signature: readFileSync(`${path}.sig`, 'utf8') };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

describe('an approval requested through the team ledger', () => {
  it('is listed for approvers, shown and signed by one with the CLI, and lets the operator run, recorded with the approver', async () => {
    const req = request();
    const listed = handrail(['approvals'], approver);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(req.id);
    expect(listed.stdout).toContain(req.planId.slice(0, 12));
    expect(listed.stdout).toMatch(/greet/);
    expect(listed.stdout).toMatch(/prod/);
    expect(listed.stdout).toMatch(/olga/);

    const approved = handrail(['approve', '--request', req.id, '--key', key.alice!, '--yes'], approver);
    expect(approved.stdout).toContain('Step 1 of 1: Say hello'); // the plan is shown before it is signed
    expect(approved.stdout).toContain(`Plan id: ${req.planId}`);
    expect(approved.stderr).toContain(`signed approval of plan ${req.planId} as alice@example.com`);
    expect(approved.code).toBe(0);

    const r = run(req.id);
    expect(r.stdout).toContain('approved-step-ran world');
    expect(r.code).toBe(0);
    const fingerprint = (await runCommand('ssh-keygen', ['-lf', `${key.alice}.pub`])).stdout.split(' ')[1]!;
    expect(r.stderr).toContain(`Approval: approved by alice@example.com (${fingerprint})`);
    const accepted = JSON.parse(handrail(['audit', 'search', 'alice@example.com', '--kind', 'approval.accepted', '--json'], operator).stdout) as { runId: string }[];
    expect(accepted.map((e) => e.runId)).toEqual([runIdOf(r.stdout)]);
    // The event itself names the key (the search's snippet is a window of words and can cut it).
    const exported = handrail(['audit', 'export', '--run', runIdOf(r.stdout), '--format', 'jsonl'], operator).stdout;
    expect(exported.split('\n').find((line) => line.includes('"approval.accepted"'))).toContain(fingerprint);
    const byRequest = JSON.parse(handrail(['audit', 'search', req.id, '--kind', 'approval.accepted', '--json'], operator).stdout) as { runId: string }[];
    expect(byRequest.map((e) => e.runId)).toEqual([runIdOf(r.stdout)]);
  });

  it('is refused at run when the only approval in the ledger was signed by the operator', async () => {
    const req = request();
    const own = await keygenStatement(req.planId, 'olga', 'olga@example.com');
    const posted = await psqlAs(
      ledger,
      'op_olga',
      `INSERT INTO handrail.approval_signatures (request_id, statement, signature, principal, key_fingerprint) VALUES (${quote(req.id)}, ${quote(own.statement)}, ${quote(own.signature)}, 'olga@example.com', 'SHA256:x');`,
    );
    expect(posted.stderr).toBe('');
    // It cannot take the request off the approvers' list either.
    const listed = handrail(['approvals'], approver).stdout;
    expect(listed).toContain(req.id);
    expect(listed).toContain('1 posted approval does not verify: signed by the requester');
    expectRefused(run(req.id), /self-approval: /);
  });

  it('stays on the approvers\' list, with a note, when a writer posts a row that does not verify, and leaves it once a real approval is posted', async () => {
    const req = request();
    const real = await keygenStatement(req.planId, 'alice', 'alice@example.com');
    // Another writer (not the requester) posts alice's signature over a statement it no longer covers.
    const junk = real.statement.replace(/signed-at: .*/, 'signed-at: 2026-01-01T00:00:00Z');
    const posted = await psqlAs(
      ledger,
      'ap_alice',
      `INSERT INTO handrail.approval_signatures (request_id, statement, signature, principal, key_fingerprint) VALUES (${quote(req.id)}, ${quote(junk)}, ${quote(real.signature)}, 'alice@example.com', 'SHA256:x');`,
    );
    expect(posted.stderr).toBe('');
    const listed = handrail(['approvals'], approver);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes(req.id));
    expect(line).toBeDefined();
    expect(listed.stdout).toContain('1 posted approval does not verify: signature does not match');
    const json = JSON.parse(handrail(['approvals', '--json'], approver).stdout) as { requestId: string; unverified?: { count: number; why: string } }[];
    expect(json.find((r) => r.requestId === req.id)?.unverified).toEqual({ count: 1, why: 'signature does not match' });

    expect(handrail(['approve', '--request', req.id, '--key', key.alice!, '--yes'], approver).code).toBe(0);
    expect(handrail(['approvals'], approver).stdout).not.toContain(req.id);
  });

  it('is refused at run when a signature row was edited in the database', async () => {
    const req = request();
    expect(handrail(['approve', '--request', req.id, '--key', key.alice!, '--yes'], approver).code).toBe(0);
    // A writer cannot change a row; only a superuser who switches the triggers off can.
    const denied = await psqlAs(ledger, 'op_olga', `UPDATE handrail.approval_signatures SET principal = 'x' WHERE request_id = ${quote(req.id)};`);
    expect(denied.stderr).toMatch(/permission denied|append-only/);
    await ledger.pg.psql(
      `SET session_replication_role = replica; UPDATE handrail.approval_signatures SET statement = regexp_replace(statement, 'signed-at: [^\\n]*', 'signed-at: 2099-01-01T00:00:00Z') WHERE request_id = ${quote(req.id)};`,
      { database: ledger.database },
    );
    expectRefused(run(req.id), /does not verify/);
  });

  it('is refused at run when an input changed after the request (another plan)', () => {
    const req = request('world');
    expect(handrail(['approve', '--request', req.id, '--key', key.alice!, '--yes'], approver).code).toBe(0);
    expectRefused(run(req.id, 'someone-else'), /the approval is for plan .* but this run's plan is/);
  });

  it('is refused at run while no approver has signed it yet', () => {
    const req = request();
    expectRefused(run(req.id), new RegExp(`no approval .*${req.id}`));
  });
});

describe('a resume whose plan changed since it was approved', () => {
  it('goes on with an approval requested for the new plan, and is refused with the old request', () => {
    const ask = (name: string) => {
      const r = handrail(['plan', 'wait-flag', '--env', 'prod', '--input', `name=${name}`, '--request-approval'], operator);
      expect(r.code, r.stderr).toBe(0);
      const id = /Approval request: (\S+)/.exec(r.stdout)![1]!;
      expect(handrail(['approve', '--request', id, '--key', key.alice!, '--yes'], approver).code).toBe(0);
      return id;
    };
    const first = ask('one');
    const failed = handrail(['run', 'wait-flag', '--env', 'prod', '--input', 'name=one', '--yes', '--confirm', 'prod', '--approval-request', first], operator);
    expect(failed.stdout).toContain('flag-missing');
    expect(failed.code).toBe(1);
    const runId = runIdOf(failed.stdout);
    writeFileSync(join(root, 'flag'), '');
    const resume = (requestId: string) =>
      handrail(['resume', runId, '--input', 'name=two', '--yes', '--confirm', 'prod', '--approval-request', requestId], operator);
    expectRefused(resume(first), /the approval is for plan .* but this run's plan is/);
    const second = ask('two');
    const resumed = resume(second);
    expect(resumed.stdout).toContain('resumed-step-ran two');
    expect(resumed.code).toBe(0);
  });
});

describe('the ledger keeps the rows as posted', () => {
  it('refuses a request whose plan id is not the SHA-256 of its text, and any change or removal, even by its owner', async () => {
    const req = request();
    const forged = await psqlAs(
      ledger,
      'op_olga',
      `INSERT INTO handrail.approval_requests (request_id, plan_id, plan_text, runbook, environment, operator, machine) VALUES (gen_random_uuid()::text, ${quote(req.planId)}, 'another text', 'greet', 'prod', 'olga', 'm');`,
    );
    expect(forged.stderr).toMatch(/violates check constraint/);
    for (const sql of [`DELETE FROM handrail.approval_requests WHERE request_id = ${quote(req.id)};`, `UPDATE handrail.approval_requests SET note = 'x' WHERE request_id = ${quote(req.id)};`]) {
      const refused = await ledger.pg.runPsql(sql, { database: ledger.database });
      expect(refused.stderr).toMatch(/append-only/);
    }
    expect(handrail(['approvals', '--json'], approver).stdout).toContain(req.id);
  });
});

describe('without a team ledger', () => {
  it('plan --request-approval refuses and says how to approve by file', () => {
    const alone = join(root, 'alone');
    mkdirSync(alone);
    writeFileSync(join(alone, 'handrail.yml'), readFileSync(join(ws, 'handrail.yml'), 'utf8').replace(/^team:\n( {2}.*\n)+/, ''));
    writeFileSync(join(alone, 'greet.md'), RUNBOOK);
    writeFileSync(join(alone, 'allowed_signers'), readFileSync(join(ws, 'allowed_signers')));
    const r = handrail(['plan', 'greet', '--env', 'prod', '--input', 'name=world', '--request-approval'], {
      dataDir: join(root, 'data-alone'),
      workspace: alone,
      cwd: root,
      env: { HANDRAIL_OPERATOR: 'olga' },
    });
    expect(r.stderr).toMatch(/no team ledger is configured/);
    expect(r.stderr).toMatch(/--out plan\.txt.*handrail approve plan\.txt.*--approval plan\.txt\.sig/);
    expect(r.stderr).toMatch(/nothing was posted/);
    expect(r.code).toBe(2);
  });
});
