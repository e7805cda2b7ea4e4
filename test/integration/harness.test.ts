import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgHandle, startPostgres } from '../support/postgres.js';
import { runCommand } from '../support/run-command.js';
import { type SshdHandle, startSshd } from '../support/sshd.js';

const SETUP_TIMEOUT = 30_000;
const TEST_TIMEOUT = 20_000;

describe('sshd harness', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    sshd = await startSshd({ userKeyPassphrase: 'correct horse' });
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await sshd?.stop();
  });

  it('runs a command over the system ssh client in BatchMode with the generated key and known_hosts', async () => {
    const result = await runCommand('ssh', [...sshd.sshArgs(), 'echo hello']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello\n');
    expect(result.code).toBe(0);
    expect(await readFile(sshd.knownHostsPath, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
    expect(sshd.knownHostsLine).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`);
  }, TEST_TIMEOUT);

  it('reports the host key fingerprint exactly as ssh-keygen -lf does', async () => {
    const keygen = await runCommand('ssh-keygen', ['-l', '-E', 'sha256', '-f', sshd.knownHostsPath]);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout.split(' ')[1]).toBe(sshd.hostKeyFingerprintSha256);
    expect(sshd.hostKeyFingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  }, TEST_TIMEOUT);

  it('writes a hashed known_hosts entry that OpenSSH finds and trusts', async () => {
    const path = join(sshd.dir, 'known_hosts_hashed');
    await sshd.writeKnownHosts(path, { hashed: true });
    const content = await readFile(path, 'utf8');
    expect(content).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    expect(content).not.toContain('127.0.0.1');

    const lookup = await runCommand('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', path]);
    expect(lookup.code).toBe(0);

    const result = await runCommand('ssh', [...sshd.sshArgs({ knownHostsPath: path }), 'echo hashed']);
    expect(result.stdout).toBe('hashed\n');
    expect(result.code).toBe(0);
  }, TEST_TIMEOUT);

  it('provides a passphrase-protected user key that BatchMode cannot use without its passphrase', async () => {
    const key = sshd.encryptedUserKey;
    expect(key).toBeDefined();
    if (key === undefined) return;
    const withPassphrase = await runCommand('ssh-keygen', ['-y', '-P', key.passphrase ?? '', '-f', key.path]);
    expect(withPassphrase.stdout.trim().startsWith(key.publicKey)).toBe(true);
    const withoutPassphrase = await runCommand('ssh-keygen', ['-y', '-P', '', '-f', key.path]);
    expect(withoutPassphrase.code).not.toBe(0);

    const login = await runCommand('ssh', [...sshd.sshArgs({ keyPath: key.path }), 'true']);
    expect(login.code).toBe(255);
    expect(login.stderr).toContain('Permission denied');
  }, TEST_TIMEOUT);

  it('kill() drops an open session mid-command and restart() serves again on the same port', async () => {
    const port = sshd.port;
    const marker = join(sshd.dir, 'remote-started');
    const session = runCommand('ssh', [...sshd.sshArgs(), `touch ${marker}; sleep 30; echo finished`]);
    await waitFor(() => existsSync(marker));

    sshd.kill('SIGKILL');
    const dropped = await session;
    expect(dropped.code).toBe(255);
    expect(dropped.stdout).not.toContain('finished');
    expect(sshd.running).toBe(false);
    await sshd.waitForExit();
    expect((await runCommand('ssh', [...sshd.sshArgs(), 'true'])).code).toBe(255);

    await sshd.restart();
    expect(sshd.port).toBe(port);
    const again = await runCommand('ssh', [...sshd.sshArgs(), 'echo back']);
    expect(again.stdout).toBe('back\n');
  }, TEST_TIMEOUT);

  it('dropConnections() ends open sessions while the listener keeps accepting', async () => {
    const marker = join(sshd.dir, 'remote-started-2');
    const session = runCommand('ssh', [...sshd.sshArgs(), `touch ${marker}; sleep 30; echo finished`]);
    await waitFor(() => existsSync(marker));

    sshd.dropConnections();
    const dropped = await session;
    expect(dropped.code).toBe(255);
    expect(dropped.stdout).not.toContain('finished');
    expect(sshd.running).toBe(true);
    expect((await runCommand('ssh', [...sshd.sshArgs(), 'echo still-here'])).stdout).toBe('still-here\n');
  }, TEST_TIMEOUT);

  it("kill('SIGSTOP') freezes the server so clients time out, kill('SIGCONT') resumes it", async () => {
    sshd.kill('SIGSTOP');
    const frozen = await runCommand('ssh', [...sshd.sshArgs({ connectTimeoutSec: 1 }), 'true']);
    expect(frozen.code).toBe(255);
    expect(frozen.stderr).toMatch(/timed out/i);

    sshd.kill('SIGCONT');
    expect((await runCommand('ssh', [...sshd.sshArgs(), 'echo thawed'])).stdout).toBe('thawed\n');
  }, TEST_TIMEOUT);

  it('rotateHostKey() makes ssh with the old known_hosts fail with a changed-host-key error', async () => {
    const oldKey = sshd.hostPublicKey;
    const oldFingerprint = sshd.hostKeyFingerprintSha256;
    await sshd.rotateHostKey();
    expect(sshd.hostPublicKey).not.toBe(oldKey);
    expect(sshd.hostKeyFingerprintSha256).not.toBe(oldFingerprint);

    const stale = await runCommand('ssh', [...sshd.sshArgs(), 'echo should-not-run']);
    expect(stale.code).toBe(255);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(stale.stderr).toContain(sshd.hostKeyFingerprintSha256);

    const fresh = join(sshd.dir, 'known_hosts_rotated');
    await sshd.writeKnownHosts(fresh);
    const ok = await runCommand('ssh', [...sshd.sshArgs({ knownHostsPath: fresh }), 'echo hello']);
    expect(ok.stdout).toBe('hello\n');
  }, TEST_TIMEOUT);

  it('stop() ends sshd and removes its temp folder', async () => {
    const { dir, port } = sshd;
    await sshd.stop();
    expect(existsSync(dir)).toBe(false);
    expect(sshd.running).toBe(false);
    const result = await runCommand('ssh', [...sshd.sshArgs({ knownHostsPath: '/dev/null' }), 'true']);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(new RegExp(`port ${port}: Connection refused`));
  }, TEST_TIMEOUT);
});

describe('postgres harness', () => {
  let pg: PgHandle;

  beforeAll(async () => {
    pg = await startPostgres();
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await pg?.stop();
  });

  it('runs select 1 with the password from the environment', async () => {
    expect(await pg.psql('select 1')).toBe('1');
    expect(await pg.psql('select current_database(), current_user')).toBe('app|postgres');
  }, TEST_TIMEOUT);

  it('refuses a connection without the password', async () => {
    const result = await pg.runPsql('select 1', { withPassword: false });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no password supplied|password authentication failed/);

    const wrong = await pg.runPsql('select 1', { env: { PGPASSWORD: 'wrong' } });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('password authentication failed');
  }, TEST_TIMEOUT);

  it('hands out a URL without the password and a connection env that works for child processes', async () => {
    expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/app`);
    expect(pg.url).not.toContain(pg.password);
    const result = await runCommand(join(pg.binDir, 'psql'), ['-X', '-w', '-At', '-c', 'show port', pg.url], {
      env: { PATH: process.env['PATH'] ?? '', ...pg.env({ withPassword: true }) },
    });
    expect(result.stdout).toBe(`${pg.port}\n`);
  }, TEST_TIMEOUT);

  it('reports SQL errors with psql stderr', async () => {
    await expect(pg.psql('select * from no_such_table')).rejects.toThrow(/no_such_table/);
  }, TEST_TIMEOUT);

  it('stop() shuts the server down and removes its temp folder', async () => {
    const { dir } = pg;
    await pg.stop();
    expect(existsSync(dir)).toBe(false);
    const result = await pg.runPsql('select 1');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Connection refused/);
  }, TEST_TIMEOUT);
});

async function waitFor(condition: () => boolean | Promise<boolean>, tries = 200, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
