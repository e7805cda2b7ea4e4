// The refusals of the host key check, worded for the operator who has to decide what to do
// next. docs/DESIGN.md, "Execution semantics": an unknown key is accepted only explicitly, by its
// SHA-256 fingerprint; a changed key is refused, always.
import { type HostKeyCheck, knownHostsName } from './known-hosts.js';

export class HostKeyError extends Error {
  override readonly name = 'HostKeyError';

  constructor(
    readonly verdict: HostKeyCheck,
    message: string,
  ) {
    super(message);
  }
}

export interface HostKeyErrorContext {
  host: string;
  port: number;
  /** The runbook target's name, when the caller has one. */
  target?: string | undefined;
  /** The fingerprint the operator accepted, when one was given and did not match. */
  acceptedFingerprint?: string | undefined;
}

export function hostKeyError(verdict: HostKeyCheck, context: HostKeyErrorContext): HostKeyError {
  const hostPort = `${context.host}:${context.port}`;
  const prefix = context.target === undefined ? '' : `target "${context.target}": `;
  const got = verdict.fingerprint;
  const acceptHint = `check it with the host's owner, then accept it with --accept-host-key ${got}`;
  switch (verdict.status) {
    case 'unknown':
      if (context.acceptedFingerprint !== undefined) {
        return new HostKeyError(
          verdict,
          `${prefix}the host key of ${hostPort} is ${got} (${verdict.keyType}), ` +
            `not the ${context.acceptedFingerprint} that was accepted: either the fingerprint was mistyped ` +
            'or the key is not the one that was checked; ' +
            `${acceptHint}; nothing was run`,
        );
      }
      return new HostKeyError(
        verdict,
        `${prefix}the host key of ${hostPort} is not known (${got}); ${acceptHint}; nothing was run`,
      );
    case 'changed': {
      const name = knownHostsName(context.host, context.port);
      return new HostKeyError(
        verdict,
        `${prefix}REFUSED: the host key of ${hostPort} changed: expected ${verdict.expected.join(' or ')}, ` +
          `got ${got}; this can mean a man-in-the-middle attack or a reinstalled host; nothing was run. ` +
          `The old key is recorded at ${verdict.sources.join(', ')}. Only if the host's owner confirms the ` +
          `new key, remove the old entry (ssh-keygen -R '${name}' -f FILE) and accept the new one.`,
      );
    }
    case 'revoked':
      return new HostKeyError(
        verdict,
        `${prefix}REFUSED: the host key of ${hostPort} (${got}) is marked @revoked at ` +
          `${verdict.sources.join(', ')}; nothing was run. Do not connect until the host's owner has ` +
          `installed a new key.`,
      );
    case 'known':
      // Not an error; callers only build one for a refusal. Kept total for the type checker.
      return new HostKeyError(verdict, `${prefix}the host key of ${hostPort} is known (${got})`);
  }
}
