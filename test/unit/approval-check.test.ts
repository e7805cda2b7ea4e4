// The approval decision on its own (no files, no CLI): the cases the CLI tests do not reach
// cheaply — a statement dated in the future, a key past its valid-before, a principal only a
// cert-authority line lists, a malformed allowed_signers line, and self-approval through a
// second principal listed for the same key.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAllowedSigners } from '../../src/core/approvals/allowed-signers.js';
import { statementText } from '../../src/core/approvals/approval-statement.js';
import { signSshsig } from '../../src/core/approvals/sshsig.js';
import { wireMpint, wireString } from '../../src/core/approvals/ssh-wire.js';
import { checkApproval, type ApprovalCheckInput } from '../../src/core/guards/approval-check.js';

interface Key {
  line: string;
  blob: Buffer;
  privateKey: KeyObject;
}

function newKey(): Key {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'))]);
  return { line: `ssh-ed25519 ${blob.toString('base64')}`, blob, privateKey };
}

const NOW = new Date('2026-12-07T01:00:00Z');
const PLAN = 'a'.repeat(64);
const alice = newKey();
const bob = newKey();

async function approval(key: Key, principal: string, signedAt = '2026-12-07T00:50:00Z'): Promise<string> {
  const statement = statementText({ plan: PLAN, runbook: 'greet', environment: 'prod', principal, signedAt });
  const signer = { publicKey: key.blob, sign: (data: Buffer) => Promise.resolve(Buffer.concat([wireString('ssh-ed25519'), wireString(sign(null, data, key.privateKey))])) };
  return statement + (await signSshsig('handrail-approval', Buffer.from(statement), signer));
}

function input(text: string, signers: string, overrides: Partial<ApprovalCheckInput> = {}): ApprovalCheckInput {
  return {
    approval: text,
    approvalPath: 'plan.txt.sig',
    signers: parseAllowedSigners(signers),
    signersPath: 'allowed_signers',
    expected: { planId: PLAN, runbook: 'greet', environment: 'prod' },
    operator: ['bob', 'Bob Operator'],
    now: NOW,
    validForMs: 3_600_000,
    validForText: '1h',
    ...overrides,
  };
}

describe('the approval check', () => {
  it('accepts a fresh approval by a listed principal who is not the operator, naming the line', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com'), `# approvers\nalice@example.com ${alice.line}\n`));
    expect(decision).toMatchObject({ ok: true, principal: 'alice@example.com', fingerprint: expect.stringMatching(/^SHA256:/) as unknown, signerLine: 2 });
  });

  it('refuses a statement dated in the future beyond a small clock skew', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com', '2026-12-07T03:00:00Z'), `alice@example.com ${alice.line}\n`));
    expect(decision).toMatchObject({ ok: false, brief: 'signed in the future', reason: expect.stringMatching(/in the future here .* check both clocks/) as unknown });
  });

  it('refuses a key past its valid-before', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com'), `alice@example.com valid-before="20261201Z" ${alice.line}\n`));
    expect(decision).toMatchObject({ ok: false, brief: 'key not allowed to sign approvals now', reason: expect.stringMatching(/allowed_signers:1: the key was valid only before 2026-12-01/) as unknown });
  });

  it('refuses a principal only a cert-authority line lists, saying such lines are not supported', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com'), `*@example.com cert-authority ${bob.line}\n`));
    expect(decision).toMatchObject({ ok: false, brief: 'cert-authority lines not supported', reason: expect.stringMatching(/cert-authority lines are not supported/) as unknown });
  });

  it('refuses every approval over a malformed allowed_signers line, naming it', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com'), `alice@example.com ${alice.line}\nbob nonsense="x" ${bob.line}\n`));
    expect(decision).toMatchObject({ ok: false, brief: 'allowed_signers has an error', reason: expect.stringMatching(/^allowed_signers:2:5: unsupported option 'nonsense'/) as unknown });
  });

  it('refuses self-approval through another principal listed with the signing key', async () => {
    const decision = checkApproval(input(await approval(bob, 'release-team@example.com'), `release-team@example.com,bob@example.com ${bob.line}\n`));
    expect(decision).toMatchObject({ ok: false, reason: expect.stringMatching(/self-approval: .* with a key listed for 'bob@example.com'/) as unknown });
  });

  it("refuses self-approval by the operator's full name", async () => {
    const decision = checkApproval(input(await approval(bob, 'Bob Operator'), `"Bob Operator" ${bob.line}\n`));
    expect(decision).toMatchObject({ ok: false, brief: 'signed by the requester', reason: expect.stringMatching(/^self-approval/) as unknown });
  });

  it('refuses an approval for another environment or runbook, saying which', async () => {
    const decision = checkApproval(input(await approval(alice, 'alice@example.com'), `alice@example.com ${alice.line}\n`, { expected: { planId: PLAN, runbook: 'greet', environment: 'staging' } }));
    expect(decision).toMatchObject({ ok: false, brief: 'signed for another runbook or environment', reason: expect.stringMatching(/for greet in prod, not greet in staging/) as unknown });
  });

  it("refuses self-approval through a wildcard line that lets the operator's key sign as anyone in the domain", async () => {
    const decision = checkApproval(input(await approval(bob, 'carol@example.com'), `*@example.com ${bob.line}\n`));
    expect(decision).toMatchObject({ ok: false, reason: expect.stringMatching(/^self-approval: .* with a key listed for '\*@example.com'/) as unknown });
  });

  it('refuses an RSA key shorter than OpenSSH accepts (1024 bits)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 768 });
    const jwk = publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([wireString('ssh-rsa'), wireMpint(Buffer.from(jwk.e!, 'base64url')), wireMpint(Buffer.from(jwk.n!, 'base64url'))]);
    const statement = statementText({ plan: PLAN, runbook: 'greet', environment: 'prod', principal: 'weak@example.com', signedAt: '2026-12-07T00:50:00Z' });
    const signer = { publicKey: blob, sign: (data: Buffer) => Promise.resolve(Buffer.concat([wireString('rsa-sha2-512'), wireString(sign('sha512', data, privateKey))])) };
    const text = statement + (await signSshsig('handrail-approval', Buffer.from(statement), signer));
    const decision = checkApproval(input(text, `weak@example.com ssh-rsa ${blob.toString('base64')}\n`));
    expect(decision).toMatchObject({ ok: false, reason: expect.stringMatching(/768-bit RSA key is too short/) as unknown });
  });
});
