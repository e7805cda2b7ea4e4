// Host key checking against a real sshd: docs/DESIGN.md, "Execution semantics" — an unknown key
// is accepted only explicitly by its SHA-256 fingerprint; a changed key is refused, always.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSsh,
  HostKeyError,
  type HostKeyEvent,
  type SshConnectOptions,
  type SshSession,
} from '../../src/targets/ssh/ssh-connection.js';
import { type SshdHandle, startSshd } from '../support/sshd.js';

const sessions: SshSession[] = [];

async function connectTo(sshd: SshdHandle, overrides: Partial<SshConnectOptions>): Promise<SshSession> {
  const session = await connectSsh({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityPath: sshd.userKeyPath,
    knownHostsPaths: [],
    ...overrides,
  });
  sessions.push(session);
  return session;
}

async function refusal(pending: Promise<unknown>): Promise<HostKeyError> {
  const error = await pending.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostKeyError);
  return error as HostKeyError;
}

async function echo(session: SshSession, text: string): Promise<string> {
  let output = '';
  await session.run({
    script: `echo ${text}`,
    env: {},
    signal: new AbortController().signal,
    onOutput: (_stream, chunk) => (output += Buffer.from(chunk).toString()),
  });
  return output;
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

describe('SSH host keys', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('refuses an unknown key, naming its fingerprint and how to accept it', async () => {
    const error = await refusal(connectTo(sshd, { knownHostsPaths: [join(sshd.dir, 'none')], target: 'app' }));
    const fingerprint = sshd.hostKeyFingerprintSha256;
    expect(error.verdict).toMatchObject({ status: 'unknown', fingerprint, keyType: 'ssh-ed25519' });
    expect(error.message).toBe(
      `target "app": the host key of 127.0.0.1:${sshd.port} is not known (${fingerprint}); check it with the ` +
        `host's owner, then accept it with --accept-host-key ${fingerprint}; nothing was run`,
    );
  });

  it('refuses an unknown key when a different fingerprint was accepted', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const error = await refusal(connectTo(sshd, { acceptedFingerprint: wrong }));
    expect(error.message).toContain(`is ${sshd.hostKeyFingerprintSha256} (ssh-ed25519), not the ${wrong} that was accepted`);
    expect(error.message).toMatch(/nothing was run$/);
  });

  it('accepts an unknown key by its fingerprint, records it hashed, and knows it next time', async () => {
    const own = join(sshd.dir, 'data', 'known_hosts');
    const events: HostKeyEvent[] = [];
    const first = await connectTo(sshd, {
      knownHostsPaths: [join(sshd.dir, 'inventory_known_hosts'), own],
      acceptedFingerprint: sshd.hostKeyFingerprintSha256,
      recordAcceptedTo: own,
      onHostKey: (event) => events.push(event),
    });
    expect(await echo(first, 'accepted')).toBe('accepted\n');
    const recorded = await readFile(own, 'utf8');
    expect(recorded).toBe(recorded.split('\n')[0] + '\n');
    expect(recorded).toMatch(/^\|1\|\S+\|\S+ ssh-ed25519 /);
    expect(recorded).toContain(sshd.hostPublicKey.split(' ')[1]);

    const second = await connectTo(sshd, { knownHostsPaths: [own], onHostKey: (event) => events.push(event) });
    expect(await echo(second, 'known')).toBe('known\n');
    expect(events.map((event) => event.status)).toEqual(['accepted', 'known']);
    expect(events[0]).toMatchObject({ fingerprint: sshd.hostKeyFingerprintSha256, recordedTo: own });
  });

  it('trusts a key found in a hashed known_hosts file', async () => {
    const hashed = join(sshd.dir, 'known_hosts_hashed');
    await sshd.writeKnownHosts(hashed, { hashed: true });
    const session = await connectTo(sshd, { knownHostsPaths: [join(sshd.dir, 'missing'), hashed] });
    expect(await echo(session, 'hashed')).toBe('hashed\n');
  });
});

describe('SSH host keys of a host that offers RSA too', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    sshd = await startSshd({ rsaHostKey: true });
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('asks for the key type on record, so a host known by its RSA key is not called changed', async () => {
    const rsa = sshd.hostKeys.find((key) => key.type === 'rsa');
    expect(rsa).toBeDefined();
    const path = join(sshd.dir, 'known_hosts_rsa');
    await sshd.writeKnownHosts(path);
    const content = await readFile(path, 'utf8');
    await writeFile(path, content.split('\n').filter((line) => line.includes(' ssh-rsa ')).join('\n') + '\n');

    const events: HostKeyEvent[] = [];
    const session = await connectTo(sshd, { knownHostsPaths: [path], onHostKey: (event) => events.push(event) });
    expect(await echo(session, 'rsa')).toBe('rsa\n');
    expect(events).toEqual([{ status: 'known', fingerprint: rsa?.fingerprintSha256, keyType: 'ssh-rsa' }]);
  });
});

describe('SSH host key changed', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    sshd = await startSshd();
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('refuses a changed key, always, even when its new fingerprint was accepted', async () => {
    const before = await connectTo(sshd, { knownHostsPaths: [sshd.knownHostsPath] });
    expect(await echo(before, 'before')).toBe('before\n');
    const oldFingerprint = sshd.hostKeyFingerprintSha256;
    await sshd.rotateHostKey();
    const newFingerprint = sshd.hostKeyFingerprintSha256;

    const own = join(sshd.dir, 'own', 'known_hosts');
    const error = await refusal(
      connectTo(sshd, {
        knownHostsPaths: [sshd.knownHostsPath, own],
        acceptedFingerprint: newFingerprint,
        recordAcceptedTo: own,
      }),
    );
    expect(error.verdict).toMatchObject({ status: 'changed', fingerprint: newFingerprint, expected: [oldFingerprint] });
    expect(error.message).toMatch(/^REFUSED: the host key of 127\.0\.0\.1:\d+ changed: /);
    expect(error.message).toContain(`expected ${oldFingerprint}, got ${newFingerprint}`);
    expect(error.message).toContain('man-in-the-middle');
    expect(error.message).toContain(`${sshd.knownHostsPath}:1`);
    expect(error.message).toContain('nothing was run');
    expect(existsSync(own)).toBe(false);
  });
});
