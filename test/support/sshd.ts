/**
 * A real OpenSSH sshd for integration tests: generated host and user keys, loopback only,
 * throwaway temp folder. Linux only (process trees are read from /proc). Must run as root
 * or as the login user (sshd needs root to switch users; as root the login user is root).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { onProcessExit } from './exit-cleanup.js';
import { freePort } from './free-port.js';
import { runChecked, runCommand } from './run-command.js';
import { makeTempDir, removeDir } from './temp-dir.js';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';
const PRIVSEP_DIR = '/run/sshd';
const HOST = '127.0.0.1';
const STDERR_LIMIT = 64 * 1024;

export interface StartSshdOptions {
  /** Login user the keys are authorised for. Default: the current user (root here). */
  user?: string;
  /** Also generate and serve an RSA host key (2048 bits). Default false. */
  rsaHostKey?: boolean;
  /** Also generate a passphrase-protected ed25519 user key, authorised like the plain one. */
  userKeyPassphrase?: string;
  /** Extra sshd_config lines, appended after the generated ones (e.g. 'AcceptEnv HANDRAIL_*'). */
  extraConfig?: readonly string[];
  /** How long to wait for the SSH banner on each (re)start. Default 10 s. */
  startTimeoutMs?: number;
  /**
   * sshd's ClientAliveInterval in seconds; 0 turns its keepalive off, so a connection whose
   * peer went silent is never dropped by sshd (sshd takes a keyword's first value, so
   * extraConfig cannot override it). Default 10.
   */
  clientAliveIntervalSec?: number;
}

export interface HostKey {
  type: 'ed25519' | 'rsa';
  /** Private key path (the public key is at `${path}.pub`). */
  path: string;
  /** OpenSSH public key line without comment: `ssh-ed25519 AAAA…`. */
  publicKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprintSha256: string;
}

export interface UserKey {
  path: string;
  /** OpenSSH public key line without comment. */
  publicKey: string;
  passphrase: string | undefined;
}

export interface WriteKnownHostsOptions {
  /** Write `|1|salt|hash` entries (HMAC-SHA1, as OpenSSH's HashKnownHosts). Default false. */
  hashed?: boolean;
  /** Append to the file instead of replacing it. Default false. */
  append?: boolean;
}

export interface SshArgsOptions {
  /** known_hosts file to trust. Default: `handle.knownHostsPath`. */
  knownHostsPath?: string;
  /** Identity file. Default: `handle.userKeyPath`. */
  keyPath?: string;
  /** Connect timeout in seconds. Default 5. */
  connectTimeoutSec?: number;
}

export interface SshdHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** Temp folder holding keys, config, known_hosts; removed by stop(). */
  readonly dir: string;
  readonly userKeyPath: string;
  readonly userPublicKey: string;
  /** Present when `userKeyPassphrase` was given. */
  readonly encryptedUserKey: UserKey | undefined;
  /** Current ed25519 host key (changes after rotateHostKey()). */
  readonly hostPublicKey: string;
  readonly hostKeyFingerprintSha256: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` for the current ed25519 host key. */
  readonly knownHostsLine: string;
  /** All current host keys (ed25519 first, then rsa if requested). */
  readonly hostKeys: readonly HostKey[];
  /**
   * A plain known_hosts file written once at start with the ORIGINAL host keys. It is not
   * updated by rotateHostKey(), so ssh with it fails after a rotation.
   */
  readonly knownHostsPath: string;
  /** PID of the listening sshd, or undefined while it is not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /**
   * Options for the system `ssh` client: `-F /dev/null`, BatchMode, strict host key
   * checking against a known_hosts file, the user key, port, then `user@127.0.0.1`.
   * Append the remote command: `runCommand('ssh', [...sshd.sshArgs(), 'echo hello'])`.
   */
  sshArgs(options?: SshArgsOptions): string[];
  /** Writes a known_hosts file with one entry per current host key. */
  writeKnownHosts(path: string, options?: WriteKnownHostsOptions): Promise<void>;
  /** Replaces every host key with a newly generated one and restarts sshd on the same port. */
  rotateHostKey(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL) to the listening sshd AND every process under it
   * (per-connection sshd children, privsep children, remote shells): simulates a server
   * dropping mid-step. Clients see their connection closed. restart() brings it back.
   * After SIGKILL `running` is false at once; for other signals await waitForExit().
   * kill('SIGSTOP') freezes the server instead (connections stay open but silent, as on a
   * hung host); kill('SIGCONT') resumes it.
   */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the listening sshd process has exited (at once if it is not running). */
  waitForExit(): Promise<void>;
  /** Like kill(), but only the per-connection processes; the listener keeps accepting. */
  dropConnections(signal?: NodeJS.Signals): void;
  /** Starts sshd again on the same port with the same keys (after kill()). No-op if running. */
  restart(): Promise<void>;
  /** sshd's stderr so far (last 64 KiB): auth decisions, errors. */
  log(): string;
  /** Kills sshd and everything under it, removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/** Starts sshd on 127.0.0.1 at a free port. Resolves once the SSH banner is readable. */
export async function startSshd(options: StartSshdOptions = {}): Promise<SshdHandle> {
  const dir = await makeTempDir('sshd');
  try {
    const server = new SshServer(dir, options);
    await server.init();
    return server;
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

/** `SHA256:<unpadded base64>` of the key blob in an OpenSSH public key line. */
export function fingerprintSha256(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (blob === undefined) throw new Error(`not an OpenSSH public key line: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The host field of a known_hosts entry: `127.0.0.1` for port 22, else `[127.0.0.1]:PORT`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A hashed known_hosts host field, `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. */
export function hashKnownHostsName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

let sshdVersion: Promise<[number, number]> | undefined;

/** [major, minor] of the installed sshd, from `sshd -V` (printed on stderr). */
function installedSshdVersion(): Promise<[number, number]> {
  sshdVersion ??= runCommand(SSHD, ['-V']).then((result) => {
    const match = /OpenSSH_(\d+)\.(\d+)/.exec(result.stderr + result.stdout);
    return match ? [Number(match[1]), Number(match[2])] : [0, 0];
  });
  return sshdVersion;
}

async function generateKey(path: string, type: 'ed25519' | 'rsa', passphrase = ''): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  await runChecked(SSH_KEYGEN, ['-q', '-t', type, ...bits, '-N', passphrase, '-C', 'handrail-test', '-f', path]);
  return publicKeyWithoutComment(await readFile(`${path}.pub`, 'utf8'));
}

function publicKeyWithoutComment(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  if (type === undefined || blob === undefined) throw new Error(`not an OpenSSH public key line: ${line}`);
  return `${type} ${blob}`;
}

/** PIDs of all descendants of `root` (not `root` itself), from /proc. */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …" — comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true once a TCP connection to host:port yields a line starting with `SSH-2.0`. */
function readBanner(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let received = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (/(^|\n)SSH-2\.0-/.test(received)) finish(true);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

class SshServer implements SshdHandle {
  readonly host = HOST;
  port = 0;
  readonly user: string;
  readonly userKeyPath: string;
  userPublicKey = '';
  encryptedUserKey: UserKey | undefined;
  hostKeys: HostKey[] = [];
  readonly knownHostsPath: string;

  private readonly configPath: string;
  private readonly startTimeoutMs: number;
  private child: ChildProcess | undefined;
  private alive = false;
  private exited: Promise<void> = Promise.resolve();
  private closed: Promise<void> = Promise.resolve();
  private stderr = '';
  private stopped = false;
  private readonly unregisterExit: () => void;

  constructor(
    readonly dir: string,
    private readonly options: StartSshdOptions,
  ) {
    this.user = options.user ?? userInfo().username;
    this.userKeyPath = join(dir, 'id_ed25519');
    this.knownHostsPath = join(dir, 'known_hosts');
    this.configPath = join(dir, 'sshd_config');
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.unregisterExit = onProcessExit(() => {
      const pid = this.child?.pid;
      if (pid !== undefined && this.running) signalAll([...descendantsOf(pid), pid], 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
  }

  get hostPublicKey(): string {
    return this.ed25519HostKey().publicKey;
  }

  get hostKeyFingerprintSha256(): string {
    return this.ed25519HostKey().fingerprintSha256;
  }

  get knownHostsLine(): string {
    return `${knownHostsName(this.host, this.port)} ${this.hostPublicKey}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.alive;
  }

  async init(): Promise<void> {
    // sshd refuses to start ("Missing privilege separation directory") without it.
    if (!existsSync(PRIVSEP_DIR)) {
      try {
        mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
      } catch (error) {
        throw new Error(`sshd harness: cannot create ${PRIVSEP_DIR} (run as root or create it): ${String(error)}`);
      }
    }
    const userKeys = [generateKey(this.userKeyPath, 'ed25519')];
    const passphrase = this.options.userKeyPassphrase;
    if (passphrase !== undefined) userKeys.push(generateKey(join(this.dir, 'id_ed25519_encrypted'), 'ed25519', passphrase));
    const [[plain, encrypted]] = await Promise.all([Promise.all(userKeys), this.generateHostKeys()]);
    this.userPublicKey = plain ?? '';
    if (passphrase !== undefined && encrypted !== undefined) {
      this.encryptedUserKey = { path: join(this.dir, 'id_ed25519_encrypted'), publicKey: encrypted, passphrase };
    }
    await writeFile(join(this.dir, 'authorized_keys'), [plain, encrypted].filter(Boolean).join('\n') + '\n', {
      mode: 0o600,
    });
    // A port taken between freePort() and sshd's bind makes sshd exit; retry with another.
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort(this.host);
      await this.writeConfig();
      try {
        await this.launch();
        break;
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/i.test(this.stderr)) throw error;
      }
    }
    await this.writeKnownHosts(this.knownHostsPath);
  }

  sshArgs(options: SshArgsOptions = {}): string[] {
    return [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${options.knownHostsPath ?? this.knownHostsPath}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'UpdateHostKeys=no',
      '-o', 'IdentitiesOnly=yes',
      '-o', `ConnectTimeout=${options.connectTimeoutSec ?? 5}`,
      '-i', options.keyPath ?? this.userKeyPath,
      '-p', String(this.port),
      `${this.user}@${this.host}`,
    ];
  }

  async writeKnownHosts(path: string, options: WriteKnownHostsOptions = {}): Promise<void> {
    const name = knownHostsName(this.host, this.port);
    const lines = this.hostKeys.map((key) => `${options.hashed ? hashKnownHostsName(name) : name} ${key.publicKey}\n`);
    await writeFile(path, lines.join(''), { flag: options.append ? 'a' : 'w', mode: 0o600 });
  }

  async rotateHostKey(): Promise<void> {
    this.assertNotStopped();
    await this.terminate('SIGKILL');
    await this.generateHostKeys();
    await this.launch();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return;
    // Collect the tree first: once the listener dies its children are re-parented.
    signalAll([...descendantsOf(pid), pid], signal);
    if (signal === 'SIGKILL') this.alive = false;
  }

  async waitForExit(): Promise<void> {
    // The child is unref'd; hold a ref while someone waits so the event loop does not end early.
    const child = this.child;
    child?.ref();
    try {
      await this.exited;
    } finally {
      child?.unref();
    }
  }

  dropConnections(signal: NodeJS.Signals = 'SIGKILL'): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return;
    signalAll(descendantsOf(pid), signal);
  }

  async restart(): Promise<void> {
    this.assertNotStopped();
    if (this.running) return;
    await this.waitForExit();
    await this.launch();
  }

  log(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.terminate('SIGKILL');
    this.unregisterExit();
    await removeDir(this.dir);
  }

  private ed25519HostKey(): HostKey {
    const key = this.hostKeys.find((candidate) => candidate.type === 'ed25519');
    if (key === undefined) throw new Error('sshd harness: no ed25519 host key');
    return key;
  }

  private assertNotStopped(): void {
    if (this.stopped) throw new Error('sshd harness: already stopped');
  }

  private async generateHostKeys(): Promise<void> {
    const types: HostKey['type'][] = this.options.rsaHostKey ? ['ed25519', 'rsa'] : ['ed25519'];
    this.hostKeys = await Promise.all(
      types.map(async (type) => {
        const path = join(this.dir, `ssh_host_${type}_key`);
        const publicKey = await generateKey(path, type);
        return { type, path, publicKey, fingerprintSha256: fingerprintSha256(publicKey) };
      }),
    );
  }

  private async writeConfig(): Promise<void> {
    const [major, minor] = await installedSshdVersion();
    const lines = [
      `ListenAddress ${this.host}`,
      `Port ${this.port}`,
      ...this.hostKeys.map((key) => `HostKey ${key.path}`),
      `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${this.user}`,
      'StrictModes no',
      'UsePAM no',
      'UseDNS no',
      `PidFile ${join(this.dir, 'sshd.pid')}`,
      'PrintMotd no',
      'PrintLastLog no',
      'LogLevel INFO',
      'LoginGraceTime 30',
      `ClientAliveInterval ${this.options.clientAliveIntervalSec ?? 10}`,
      'ClientAliveCountMax 3',
      'MaxStartups 100',
      'MaxSessions 100',
      'MaxAuthTries 10',
      ...(existsSync(SFTP_SERVER) ? [`Subsystem sftp ${SFTP_SERVER}`] : []),
      // OpenSSH 9.8+ penalises sources that fail auth by refusing them for a while; tests
      // fail auth on purpose from 127.0.0.1 and must not lock out the next test.
      ...(major > 9 || (major === 9 && minor >= 8) ? ['PerSourcePenalties no'] : []),
      ...(this.options.extraConfig ?? []),
    ];
    await writeFile(this.configPath, lines.join('\n') + '\n', { mode: 0o600 });
  }

  /** Spawns sshd in the foreground and waits for its banner. Host keys in the config are read at start. */
  private async launch(): Promise<void> {
    this.stderr = '';
    const child = spawn(SSHD, ['-D', '-e', '-f', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.alive = child.pid !== undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (error) => {
        this.stderr += `spawn ${SSHD} failed: ${error.message}\n`;
        resolve();
      });
    });
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.alive = false;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_LIMIT);
    });
    // Don't let a forgotten sshd keep the test process alive; the exit hook still kills it.
    child.unref();
    (child.stderr as (Readable & { unref?: () => void }) | null)?.unref?.();

    const deadline = Date.now() + this.startTimeoutMs;
    const maxTries = 400;
    for (let attempt = 1; attempt <= maxTries && Date.now() < deadline; attempt++) {
      if (!this.running) break;
      if (await readBanner(this.port, Math.min(1000, Math.max(50, deadline - Date.now())))) return;
      await delay(20);
    }
    const why = this.running ? `no SSH banner within ${this.startTimeoutMs} ms` : `sshd exited (${this.exitStatus()})`;
    this.kill('SIGKILL');
    await this.waitForExit();
    await Promise.race([this.closed, delay(500)]); // let the last stderr lines arrive
    throw new Error(`sshd harness: ${why} on ${this.host}:${this.port}\nsshd stderr:\n${this.stderr || '(empty)'}`);
  }

  private exitStatus(): string {
    const child = this.child;
    if (child === undefined) return 'not started';
    return child.signalCode !== null ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    this.kill(signal);
    await this.waitForExit();
  }
}
