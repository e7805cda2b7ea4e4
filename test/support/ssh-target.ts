// How tests reach a test sshd (test/support/sshd.ts): as an inventory target, and as a
// session with its host key trusted. One place, so the tests say only what differs.
import { connectSsh, type SshConnectOptions, type SshSession } from '../../src/targets/ssh/ssh-connection.js';
import type { SshdHandle } from './sshd.js';

/** The inventory entry (flow YAML) of an SSH target on `sshd`, remembering host keys in `knownHosts`. */
export function sshTargetSpec(sshd: SshdHandle, knownHosts: string): string {
  return `{ ssh: ${sshd.user}@${sshd.host}, port: ${sshd.port}, identity: ${JSON.stringify(sshd.userKeyPath)}, known-hosts: ${JSON.stringify(knownHosts)} }`;
}

/** A session to `sshd` as its user, its host key trusted through its own known_hosts; `overrides` win. */
export function connectToSshd(sshd: SshdHandle, overrides: Partial<SshConnectOptions> = {}): Promise<SshSession> {
  return connectSsh({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityPath: sshd.userKeyPath,
    knownHostsPaths: [sshd.knownHostsPath],
    ...overrides,
  });
}
