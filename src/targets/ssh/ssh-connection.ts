// Opening an SSH connection for a target: host key check against known_hosts files, login
// with a key file or ssh-agent, and errors that say what to check. The rest of Handrail
// reaches ssh2 only through this folder (docs/ARCHITECTURE.md, "One place per outside dependency").
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import ssh2, { type ConnectConfig } from 'ssh2';
import { HostKeyError, hostKeyError } from './host-key-error.js';
import { appendKnownHost, checkHostKey, type HostKeyCheck, knownKeyTypes, loadKnownHosts } from './known-hosts.js';
import { describeConnectError } from './connect-errors.js';
import { SshSession } from './ssh-session.js';

export { HostKeyError } from './host-key-error.js';
export { SshSession } from './ssh-session.js';

export interface SshConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** The runbook target's name (`app`), shown in every message. */
  target?: string;
  /** Private key file; `~/` is the user's home. Without it, ssh-agent is used. */
  identityPath?: string;
  /** Asked only when the key file turns out to be encrypted. */
  passphrase?: () => Promise<string>;
  /** Log in with the keys of the agent at SSH_AUTH_SOCK when no identityPath is given. Default true. */
  useAgent?: boolean;
  /**
   * known_hosts files, all consulted: the inventory's, ~/.ssh/known_hosts, Handrail's own
   * DATA_DIR/known_hosts. Missing files are empty.
   */
  knownHostsPaths: string[];
  /** `SHA256:…` the operator accepted for a host whose key is not known yet. */
  acceptedFingerprint?: string;
  /** Same, several at once (every `--accept-host-key` of a run); any one may match. */
  acceptedFingerprints?: readonly string[];
  /** Where an accepted key is recorded (Handrail's own known_hosts); unset: this connection only. */
  recordAcceptedTo?: string;
  /** Default 5000. Must be > 0: without keepalives a frozen host would hang a step forever. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. Default 3. */
  keepaliveCountMax?: number;
  /** TCP connect + handshake + login. Default 15000. */
  readyTimeoutMs?: number;
  /** After a timeout or abort, how long the host has to confirm the command ended. Default 5000. */
  stopGraceMs?: number;
  /** Told what the host key check decided, for the audit trail. A throw aborts the connection. */
  onHostKey?: (event: HostKeyEvent) => void;
}

/** The check's verdict, or `accepted` for an unknown key accepted by its fingerprint. */
export type HostKeyEvent = {
  status: HostKeyCheck['status'] | 'accepted';
  fingerprint: string;
  keyType: string;
  /** For `changed`: the fingerprints on record. */
  expected?: string[];
  /** For `accepted`: the file the key was appended to. */
  recordedTo?: string;
};

/**
 * Host key algorithms, with those of the keys already recorded for the host first, as ssh(1)
 * orders them: a host that has a newer key type too still proves the key we know. ssh-rsa
 * (SHA-1 signatures) is left out, as OpenSSH 8.8 does; an RSA key still works via rsa-sha2-*.
 */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
};

export async function connectSsh(options: SshConnectOptions): Promise<SshSession> {
  const port = options.port ?? 22;
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? 5_000;
  const keepaliveCountMax = options.keepaliveCountMax ?? 3;
  const { host, user, target } = options;
  const login = `${user}@${host}:${port}`;
  const where = target === undefined ? login : `target "${target}" (${login})`;
  const fail = (what: string, cause?: unknown): Error =>
    new Error(`SSH to ${where}: ${what}; nothing was run`, { cause });
  if (!(keepaliveIntervalMs > 0)) {
    throw fail('keepaliveIntervalMs must be above 0, or a frozen host would hang a step');
  }

  const credentials = await loginCredentials(options, fail);
  let entries;
  try {
    entries = await loadKnownHosts(options.knownHostsPaths);
  } catch (error) {
    throw fail((error as Error).message, error);
  }

  const accepted = [options.acceptedFingerprint ?? [], options.acceptedFingerprints ?? []]
    .flat()
    .map((fingerprint) => fingerprint.trim());
  let refusal: HostKeyError | undefined;
  let event: HostKeyEvent | undefined;
  let toRecord: string | undefined;
  // Sync form: the decision needs no I/O. Recording an accepted key waits for 'ready',
  // because ssh2 checks the server's signature (proof it holds the key) after this returns.
  const hostVerifier = (keyBlob: Buffer): boolean => {
    const verdict: HostKeyCheck = checkHostKey(entries, host, port, keyBlob);
    const { fingerprint, keyType } = verdict;
    event = { status: verdict.status, fingerprint, keyType };
    if (verdict.status === 'changed') event.expected = verdict.expected;
    if (verdict.status === 'known') return true;
    if (verdict.status === 'unknown' && accepted.some((candidate) => sameFingerprint(candidate, fingerprint))) {
      toRecord = `${keyType} ${keyBlob.toString('base64')}`;
      event = { status: 'accepted', fingerprint, keyType };
      if (options.recordAcceptedTo !== undefined) event.recordedTo = options.recordAcceptedTo;
      return true;
    }
    // A changed or revoked key is refused even when its fingerprint was "accepted".
    const mismatch = verdict.status === 'unknown' && accepted.length === 1 ? accepted[0] : undefined;
    refusal = hostKeyError(verdict, { host, port, target, acceptedFingerprint: mismatch });
    return false;
  };

  const preferred = knownKeyTypes(entries, host, port).flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? []);
  const algorithms = [...new Set([...preferred, ...Object.values(HOST_KEY_ALGORITHMS).flat()])];
  const config: ConnectConfig = {
    host,
    port,
    username: user,
    ...credentials,
    hostVerifier,
    algorithms: { serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
    keepaliveInterval: keepaliveIntervalMs,
    keepaliveCountMax,
    readyTimeout: options.readyTimeoutMs ?? 15_000,
  };

  const readyTimeoutMs = config.readyTimeout ?? 0;
  const session = { where, login, keepaliveIntervalMs, keepaliveCountMax, stopGraceMs: options.stopGraceMs ?? 5_000 };
  const client = new ssh2.Client();
  return new Promise<SshSession>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      client.removeListener('ready', onReady);
      try {
        if (event !== undefined) options.onHostKey?.(event);
      } catch (auditError) {
        error ??= fail(`the host key check could not be recorded (${(auditError as Error).message})`, auditError);
      }
      // Built before anything else can happen, so the session sees every later event. The
      // listeners below stay attached: once settled they do nothing, and an 'error' with no
      // listener at all would crash the process.
      if (error === undefined) return resolve(new SshSession(client, session));
      client.destroy();
      reject(error);
    };
    const onReady = (): void => {
      if (toRecord === undefined || options.recordAcceptedTo === undefined) return settle();
      appendKnownHost(options.recordAcceptedTo, host, port, toRecord).then(
        () => settle(),
        (error: unknown) => {
          if (event !== undefined) delete event.recordedTo;
          const why = (error as Error).message;
          settle(fail(`could not record the accepted host key in ${options.recordAcceptedTo} (${why})`, error));
        },
      );
    };
    client.on('ready', onReady);
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      settle(refusal ?? fail(describeConnectError(error, { host, port, user, readyTimeoutMs }), error));
    });
    client.on('close', () => settle(refusal ?? fail('the connection closed before the login completed')));
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 validates the config synchronously (an unreadable key, say).
      settle(fail((error as Error).message, error));
    }
  });
}

/** Accepts the fingerprint with or without its `SHA256:` prefix; base64 is case-sensitive. */
function sameFingerprint(accepted: string, actual: string): boolean {
  return (accepted.startsWith('SHA256:') ? accepted : `SHA256:${accepted}`) === actual;
}

async function loginCredentials(
  options: SshConnectOptions,
  fail: (what: string, cause?: unknown) => Error,
): Promise<Pick<ConnectConfig, 'privateKey' | 'passphrase' | 'agent'>> {
  if (options.identityPath !== undefined) {
    const path = options.identityPath.replace(/^~(?=\/|$)/, homedir());
    let key: Buffer;
    try {
      key = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw fail(`cannot read the identity file ${path} (${code}); check the target's identity setting`, error);
    }
    const parsed = ssh2.utils.parseKey(key);
    if (!(parsed instanceof Error)) return { privateKey: key };
    if (!/passphrase|encrypted/i.test(parsed.message)) {
      throw fail(`the identity file ${path} is not a private key Handrail can use (${parsed.message})`);
    }
    if (options.passphrase === undefined) {
      throw fail(`the identity file ${path} is encrypted and no passphrase was given`);
    }
    const passphrase = await options.passphrase();
    if (ssh2.utils.parseKey(key, passphrase) instanceof Error) {
      throw fail(`the passphrase for the identity file ${path} is wrong`);
    }
    return { privateKey: key, passphrase };
  }
  const agent = process.env['SSH_AUTH_SOCK'];
  if ((options.useAgent ?? true) && agent !== undefined && agent !== '') return { agent };
  throw fail(
    'no identity file is configured and no ssh-agent is available (SSH_AUTH_SOCK is not set); ' +
      "set the target's identity in handrail.yml or start ssh-agent and add the key",
  );
}
