// Handrail's SSHSIG against OpenSSH's own: what ssh-keygen -Y sign writes, Handrail
// verifies; what Handrail signs (key file or a real ssh-agent), ssh-keygen -Y verify
// accepts against an allowed_signers file; and an Ed25519 signature (deterministic) is
// byte-identical to ssh-keygen's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSshsig, signSshsig } from '../../src/core/approvals/sshsig.js';
import { agentSigners, keyFileSigner } from '../../src/targets/ssh/ssh-signer.js';
import { runCommand } from '../support/run-command.js';
import { addToAgent, makeKey, startAgent, type Agent, type KeyKind } from '../support/ssh-keys.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const NS = 'handrail-approval';
let dir: string;
let agent: Agent;
const keys: Partial<Record<KeyKind, string>> = {};

beforeAll(async () => {
  dir = await makeTempDir('sshsig');
  for (const kind of ['ed25519', 'rsa', 'ecdsa'] as const) keys[kind] = await makeKey(dir, `alice-${kind}`, kind);
  writeFileSync(
    join(dir, 'allowed_signers'),
    (['ed25519', 'rsa', 'ecdsa'] as const).map((k) => `alice@example.com ${readFileSync(`${keys[k]}.pub`, 'utf8').trim()}\n`).join(''),
  );
  agent = await startAgent(dir);
});

afterAll(async () => {
  await agent?.stop();
  await removeDir(dir);
});

async function keygenVerify(messagePath: string, sigPath: string, namespace = NS) {
  return runCommand('sh', ['-c', 'ssh-keygen -Y verify -f "$1" -I alice@example.com -n "$2" -s "$3" < "$4"', 'sh', join(dir, 'allowed_signers'), namespace, sigPath, messagePath]);
}

describe('SSHSIG interoperability with ssh-keygen', () => {
  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('a %s signature by Handrail verifies under ssh-keygen -Y verify, and one by ssh-keygen verifies in Handrail', async (kind) => {
    const message = Buffer.from(`plan for ${kind}\nsecond line\n`);
    const messagePath = join(dir, `msg-${kind}`);
    writeFileSync(messagePath, message);
    const ours = await signSshsig(NS, message, await keyFileSigner(keys[kind]!, {}));
    writeFileSync(`${messagePath}.ours.sig`, ours);
    const verified = await keygenVerify(messagePath, `${messagePath}.ours.sig`);
    expect(verified.stderr + verified.stdout).toContain('Good "handrail-approval" signature for alice@example.com');
    expect(verified.code).toBe(0);

    const signed = await runCommand('ssh-keygen', ['-Y', 'sign', '-f', keys[kind]!, '-n', NS, messagePath]);
    expect(signed.code).toBe(0);
    const theirs = readFileSync(`${messagePath}.sig`, 'utf8');
    expect(checkSshsig(theirs, NS, message)).toMatchObject({ ok: true });
    expect(checkSshsig(theirs, NS, Buffer.concat([message, Buffer.from(' ')]))).toMatchObject({ ok: false });
    if (kind !== 'ecdsa') expect(ours).toBe(theirs); // Ed25519 and RSA PKCS#1 v1.5 are deterministic
  });

  it('ssh-keygen refuses a Handrail signature made for another namespace, and Handrail refuses one of ssh-keygen', async () => {
    const messagePath = join(dir, 'msg-ns');
    writeFileSync(messagePath, 'x\n');
    writeFileSync(`${messagePath}.ours.sig`, await signSshsig('git', Buffer.from('x\n'), await keyFileSigner(keys.ed25519!, {})));
    expect((await keygenVerify(messagePath, `${messagePath}.ours.sig`)).code).not.toBe(0);
    await runCommand('ssh-keygen', ['-Y', 'sign', '-f', keys.ed25519!, '-n', 'git', messagePath]);
    const check = checkSshsig(readFileSync(`${messagePath}.sig`, 'utf8'), NS, Buffer.from('x\n'));
    expect(check).toMatchObject({ ok: false });
    expect(!check.ok && check.problem).toContain("namespace 'git'");
  });

  it('signs with a key held by a real ssh-agent, given its .pub, and ssh-keygen accepts it', async () => {
    const agentKey = await makeKey(dir, 'agent-only', 'ed25519');
    await addToAgent(agent, agentKey);
    // Then locked on disk: only the agent can sign with it now.
    expect((await runCommand('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'a passphrase nobody types', '-f', agentKey])).code).toBe(0);
    writeFileSync(join(dir, 'allowed_signers'), `alice@example.com ${readFileSync(`${agentKey}.pub`, 'utf8').trim()}\n`, { flag: 'a' });
    const signer = await keyFileSigner(`${agentKey}.pub`, { agentSocket: agent.socket });
    expect(signer.via).toBe('agent');
    // The encrypted private file itself also goes to the agent rather than asking a passphrase.
    expect((await keyFileSigner(agentKey, { agentSocket: agent.socket })).via).toBe('agent');
    expect((await agentSigners(agent.socket)).map((s) => s.publicKey.equals(signer.publicKey))).toContain(true);
    const messagePath = join(dir, 'msg-agent');
    writeFileSync(messagePath, 'approved by the agent\n');
    writeFileSync(`${messagePath}.sig`, await signSshsig(NS, readFileSync(messagePath), signer));
    const verified = await keygenVerify(messagePath, `${messagePath}.sig`);
    expect(verified.code).toBe(0);
  });

  it('refuses an encrypted key file without a way to ask its passphrase, saying to use ssh-agent', async () => {
    const locked = await makeKey(dir, 'locked', 'ed25519', 'secret words');
    await expect(keyFileSigner(locked, {})).rejects.toThrow(/encrypted.*ssh-add/);
    const signer = await keyFileSigner(locked, { passphrase: () => Promise.resolve('secret words') });
    expect(signer.via).toBe('key file');
    await expect(keyFileSigner(locked, { passphrase: () => Promise.resolve('wrong') })).rejects.toThrow(/passphrase .* is wrong/);
  });
});
