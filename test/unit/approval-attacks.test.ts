// Attacks on the approval check itself (no files, no CLI): principals that read as someone
// else but name the operator, a key that verifies anything (Ed25519 small-order point), and
// signatures OpenSSH would refuse (RSA with SHA-1, an SSHSIG hashed with sha1, a signature of
// another curve, two signatures pasted together, CRLF, a truncated armor).
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAllowedSigners } from '../../src/core/approvals/allowed-signers.js';
import { statementText } from '../../src/core/approvals/approval-statement.js';
import { armor, encodeSshsig, signSshsig } from '../../src/core/approvals/sshsig.js';
import { wireMpint, wireString } from '../../src/core/approvals/ssh-wire.js';
import { checkApproval, type ApprovalCheckInput } from '../../src/core/guards/approval-check.js';

const NOW = new Date('2026-12-07T01:00:00Z');
const PLAN = 'a'.repeat(64);
const NS = 'handrail-approval';

function ed25519(): { line: string; blob: Buffer; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'))]);
  return { line: `ssh-ed25519 ${blob.toString('base64')}`, blob, privateKey };
}

const statement = (principal: string) => statementText({ plan: PLAN, runbook: 'greet', environment: 'prod', principal, signedAt: '2026-12-07T00:50:00Z' });

async function edApproval(key: ReturnType<typeof ed25519>, principal: string): Promise<string> {
  const text = statement(principal);
  const signer = { publicKey: key.blob, sign: (data: Buffer) => Promise.resolve(Buffer.concat([wireString('ssh-ed25519'), wireString(sign(null, data, key.privateKey))])) };
  return text + (await signSshsig(NS, Buffer.from(text), signer));
}

/** An SSHSIG built by hand: any hash name, any signature blob. */
function rawApproval(principal: string, publicKey: Buffer, hash: string, signature: (data: Buffer) => Buffer): string {
  const text = statement(principal);
  const digest = createHash(hash).update(text).digest();
  const data = Buffer.concat([Buffer.from('SSHSIG'), wireString(NS), wireString(''), wireString(hash), wireString(digest)]);
  return text + armor(encodeSshsig({ publicKey, namespace: NS, hashAlgorithm: hash, signature: signature(data) }));
}

function input(text: string, signers: string): ApprovalCheckInput {
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
  };
}

const bob = ed25519();
const alice = ed25519();
const refused = (pattern: RegExp) => ({ ok: false, reason: expect.stringMatching(pattern) as unknown });

describe('principals that name the operator in disguise', () => {
  it.each([
    ['a trailing space', 'bob '],
    ['full-width letters', 'ｂｏｂ'],
    ['a trailing space before the domain', 'bob @example.com'],
    ["the full name's spacing changed", 'Bob  Operator'],
  ])('refuses self-approval by %s', async (_what, principal) => {
    const decision = checkApproval(input(await edApproval(bob, principal), `"${principal}" ${bob.line}\n`));
    expect(decision).toMatchObject(refused(/^self-approval/));
  });

  it('still accepts a different person whose name merely starts like the operator', async () => {
    const decision = checkApproval(input(await edApproval(alice, 'bobby@example.com'), `bobby@example.com ${alice.line}\n`));
    expect(decision).toMatchObject({ ok: true });
  });
});

describe('signatures OpenSSH would refuse', () => {
  it('refuses an Ed25519 small-order public key, whose "signature" verifies any text', () => {
    // The identity point (y = 1): R = identity, S = 0 satisfies [S]B = R + [k]A for every message.
    const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]);
    const blob = Buffer.concat([wireString('ssh-ed25519'), wireString(identity)]);
    const text = rawApproval('eve@example.com', blob, 'sha512', () => Buffer.concat([wireString('ssh-ed25519'), wireString(Buffer.concat([identity, Buffer.alloc(32)]))]));
    const signers = parseAllowedSigners(`eve@example.com ssh-ed25519 ${blob.toString('base64')}\n`);
    expect(signers.problems).toEqual([{ line: 1, column: 29, message: expect.stringMatching(/small-order point/) as unknown }]);
    expect(checkApproval(input(text, `eve@example.com ssh-ed25519 ${blob.toString('base64')}\n`))).toMatchObject(refused(/small-order point/));
  });

  it('refuses an RSA signature made with SHA-1 (ssh-rsa), as OpenSSH does for SSHSIG', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([wireString('ssh-rsa'), wireMpint(Buffer.from(jwk.e!, 'base64url')), wireMpint(Buffer.from(jwk.n!, 'base64url'))]);
    const text = rawApproval('carol@example.com', blob, 'sha512', (data) => Buffer.concat([wireString('ssh-rsa'), wireString(sign('sha1', data, privateKey))]));
    const decision = checkApproval(input(text, `carol@example.com ssh-rsa ${blob.toString('base64')}\n`));
    expect(decision).toMatchObject(refused(/ssh-rsa key cannot make a ssh-rsa signature/));
  });

  it('refuses an SSHSIG whose message hash is sha1', () => {
    const text = rawApproval('alice@example.com', alice.blob, 'sha1', (data) => Buffer.concat([wireString('ssh-ed25519'), wireString(sign(null, data, alice.privateKey))]));
    expect(checkApproval(input(text, `alice@example.com ${alice.line}\n`))).toMatchObject(refused(/uses hash sha1; only sha512 and sha256/));
  });

  it('refuses an ECDSA P-256 key presenting a P-384 signature', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const blob = Buffer.concat([wireString('ecdsa-sha2-nistp256'), wireString('nistp256'), wireString(point)]);
    const text = rawApproval('carol@example.com', blob, 'sha512', (data) => {
      const p1363 = sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return Buffer.concat([wireString('ecdsa-sha2-nistp384'), wireString(Buffer.concat([wireMpint(p1363.subarray(0, 32)), wireMpint(p1363.subarray(32))]))]);
    });
    expect(checkApproval(input(text, `carol@example.com ecdsa-sha2-nistp256 ${blob.toString('base64')}\n`))).toMatchObject(refused(/cannot make a ecdsa-sha2-nistp384 signature/));
  });

  it('refuses two signatures pasted one after the other, a truncated armor, and a statement with CRLF line ends', async () => {
    const good = await edApproval(alice, 'alice@example.com');
    const signers = `alice@example.com ${alice.line}\n`;
    const sigStart = good.indexOf('-----BEGIN');
    expect(checkApproval(input(good + good.slice(sigStart), signers))).toMatchObject({ ok: false });
    expect(checkApproval(input(good.slice(0, good.length - 40), signers))).toMatchObject({ ok: false });
    expect(checkApproval(input(good.replace(/\n/g, '\r\n'), signers))).toMatchObject({ ok: false });
    expect(checkApproval(input(good, signers))).toMatchObject({ ok: true });
  });
});
