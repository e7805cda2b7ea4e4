import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintSha256,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  parseKnownHosts,
} from '../../src/targets/ssh/known-hosts.js';
import { runCommand } from '../support/run-command.js';
import { hashKnownHostsName } from '../support/sshd.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

// A key and the fingerprint `ssh-keygen -lf` printed for it.
const FIXED_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBysVn22yR8/VEASbc2aXDurqu3Uym08QM4G9Xtw/Ouv';
const FIXED_FINGERPRINT = 'SHA256:+aSg94ceM35ZvZmh+r77GFfQfuYjPZuyrr5h4352ngw';

/** SSH wire string: uint32 length, bytes. */
function sshString(value: Buffer | string): Buffer {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** A fresh ed25519 public key as `ssh-ed25519 BASE64` and its blob. */
function newEd25519(): { line: string; blob: Buffer } {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(der.subarray(-32))]);
  return { line: `ssh-ed25519 ${blob.toString('base64')}`, blob };
}

/** A key blob of another type; only its bytes matter to known_hosts matching. */
function fakeEcdsa(): { line: string; blob: Buffer } {
  const blob = Buffer.concat([
    sshString('ecdsa-sha2-nistp256'),
    sshString('nistp256'),
    sshString(Buffer.alloc(65, 4)),
  ]);
  return { line: `ecdsa-sha2-nistp256 ${blob.toString('base64')}`, blob };
}

const blobOf = (line: string): Buffer => Buffer.from(line.split(' ')[1] ?? '', 'base64');

describe('known_hosts fingerprints and names', () => {
  it('prints fingerprints as ssh-keygen does', () => {
    expect(fingerprintSha256(blobOf(FIXED_KEY))).toBe(FIXED_FINGERPRINT);
    expect(keyTypeOf(blobOf(FIXED_KEY))).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from('garbage'))).toBeUndefined();
  });

  it('names port 22 plainly and other ports in brackets, in lower case', () => {
    expect(knownHostsName('Pilot-1.Example.NET', 22)).toBe('pilot-1.example.net');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });
});

describe('parseKnownHosts and checkHostKey', () => {
  const key = newEd25519();
  const other = newEd25519();

  it('finds plain names, [host]:port, and comma lists', () => {
    const entries = parseKnownHosts(
      [
        `pilot-1.example.net ${key.line}`,
        `[127.0.0.1]:2222 ${key.line} a comment`,
        `app-1,app-2.example.net,10.0.0.7 ${key.line}`,
      ].join('\n'),
      'hosts',
    );
    expect(entries).toHaveLength(3);
    expect(checkHostKey(entries, 'PILOT-1.example.net', 22, key.blob)).toMatchObject({
      status: 'known',
      fingerprint: fingerprintSha256(key.blob),
      sources: ['hosts:1'],
    });
    expect(checkHostKey(entries, '127.0.0.1', 2222, key.blob).status).toBe('known');
    expect(checkHostKey(entries, '127.0.0.1', 22, key.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'app-2.example.net', 22, key.blob).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.7', 22, key.blob).status).toBe('known');
    expect(checkHostKey(entries, 'app-3.example.net', 22, key.blob).status).toBe('unknown');
  });

  it('recognises hashed entries written the way OpenSSH writes them', () => {
    const text = `${hashKnownHostsName('[127.0.0.1]:2222')} ${key.line}\n${hashKnownHostsName('db-1')} ${key.line}\n`;
    const entries = parseKnownHosts(text, 'hashed');
    expect(checkHostKey(entries, '127.0.0.1', 2222, key.blob).status).toBe('known');
    expect(checkHostKey(entries, 'db-1', 22, key.blob).status).toBe('known');
    expect(checkHostKey(entries, '127.0.0.1', 2223, key.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'db-1', 22, other.blob)).toMatchObject({ status: 'changed', sources: ['hashed:2'] });
  });

  it('matches wildcards, and a negated pattern vetoes the line', () => {
    const entries = parseKnownHosts(`*.example.net,!bad.example.net ${key.line}\n[10.0.0.?]:2222 ${key.line}`, 'w');
    expect(checkHostKey(entries, 'good.example.net', 22, key.blob).status).toBe('known');
    expect(checkHostKey(entries, 'bad.example.net', 22, key.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'example.net', 22, key.blob).status).toBe('unknown');
    expect(checkHostKey(entries, '10.0.0.5', 2222, key.blob).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.15', 2222, key.blob).status).toBe('unknown');
  });

  it('calls a different key of the same type changed, and names every expected fingerprint', () => {
    const third = newEd25519();
    const entries = parseKnownHosts(`h ${key.line}\nh ${third.line}\n`, 'f');
    expect(checkHostKey(entries, 'h', 22, other.blob)).toEqual({
      status: 'changed',
      fingerprint: fingerprintSha256(other.blob),
      expected: [fingerprintSha256(key.blob), fingerprintSha256(third.blob)],
      keyType: 'ssh-ed25519',
      sources: ['f:1', 'f:2'],
    });
    // Several keys may be on record for one host; any one of them is known.
    expect(checkHostKey(entries, 'h', 22, third.blob).status).toBe('known');
  });

  it('calls a key changed when only keys of another type are on record (stricter than ssh)', () => {
    const ecdsa = fakeEcdsa();
    const entries = parseKnownHosts(`h ${ecdsa.line}\n`, 'f');
    expect(checkHostKey(entries, 'h', 22, key.blob)).toMatchObject({
      status: 'changed',
      expected: [fingerprintSha256(ecdsa.blob)],
    });
    expect(knownKeyTypes(entries, 'h', 22)).toEqual(['ecdsa-sha2-nistp256']);
    expect(knownKeyTypes(entries, 'other', 22)).toEqual([]);
  });

  it('refuses a key marked @revoked, for any host pattern, even when another line trusts it', () => {
    const entries = parseKnownHosts(`h ${key.line}\n@revoked elsewhere.example.net ${key.line}\n`, 'f');
    expect(checkHostKey(entries, 'h', 22, key.blob)).toMatchObject({ status: 'revoked', sources: ['f:2'] });
    expect(checkHostKey(entries, 'h', 22, other.blob).status).toBe('changed');
  });

  it('ignores @cert-authority lines, comments, blank and malformed lines, and tolerates CRLF', () => {
    const text = [
      '# a comment',
      '',
      `@cert-authority * ${key.line}`,
      `@unknown-marker h ${key.line}`,
      'h ssh-ed25519',
      `h ssh-rsa ${key.line.split(' ')[1]}`, // type and blob disagree
      'h ssh-ed25519 !!!not-base64!!!',
      `  h2 ${key.line}  `,
    ].join('\r\n');
    const entries = parseKnownHosts(text, 'f');
    expect(entries.map((entry) => entry.source)).toEqual(['f:8']);
    expect(checkHostKey(entries, 'h', 22, key.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'h2', 22, key.blob).status).toBe('known');
  });
});

describe('loadKnownHosts and appendKnownHost', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('kh');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('reads files in order, treating a missing one as empty', async () => {
    const key = newEd25519();
    await writeFile(join(dir, 'a'), `h ${key.line}\n`);
    const entries = await loadKnownHosts([join(dir, 'missing'), join(dir, 'a'), join(dir, 'nodir', 'x')]);
    expect(entries.map((entry) => entry.source)).toEqual([`${join(dir, 'a')}:1`]);
  });

  it('fails on a file it cannot read rather than skipping what it might say', async () => {
    await mkdir(join(dir, 'is-a-dir'));
    await expect(loadKnownHosts([join(dir, 'is-a-dir')])).rejects.toThrow(/could not read the known_hosts file .*EISDIR/);
  });

  it('appends a hashed entry, creating the folder 0700 and the file 0600, that ssh-keygen -F finds', async () => {
    const path = join(dir, 'data', 'known_hosts');
    await appendKnownHost(path, '127.0.0.1', 2222, `${FIXED_KEY} comment`);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const content = await readFile(path, 'utf8');
    expect(content).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 AAAA\S+\n$/);
    expect(content).not.toContain('127.0.0.1');
    expect(checkHostKey(await loadKnownHosts([path]), '127.0.0.1', 2222, blobOf(FIXED_KEY)).status).toBe('known');

    const lookup = await runCommand('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', path]);
    expect(lookup.code).toBe(0);
    expect(lookup.stdout).toContain(FIXED_KEY.split(' ')[1]);
  });

  it('starts a new line when the file does not end with one, and keeps what was there', async () => {
    const path = join(dir, 'known_hosts');
    const key = newEd25519();
    await writeFile(path, `old ${key.line}`);
    await appendKnownHost(path, 'new.example.net', 22, FIXED_KEY);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`old ${key.line}`);
    const entries = await loadKnownHosts([path]);
    expect(checkHostKey(entries, 'old', 22, key.blob).status).toBe('known');
    expect(checkHostKey(entries, 'new.example.net', 22, blobOf(FIXED_KEY)).status).toBe('known');
  });

  it('refuses to write something that is not a public key line', async () => {
    await expect(appendKnownHost(join(dir, 'kh'), 'h', 22, 'ssh-ed25519 bm90IGEga2V5')).rejects.toThrow(
      /not an OpenSSH public key line/,
    );
  });
});
