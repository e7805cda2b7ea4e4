import type { TargetSpec } from '../contract/inventory.js';
import type { Secret } from '../core/engine/redact.js';

/** A PostgreSQL target's password, from the environment variable its `password-env` names. */
export function passwordOf(spec: TargetSpec): string | undefined {
  return passwordSecretOf(spec)?.value;
}

/** The same password as a secret to mask, named by its variable (`[secret: PGPASSWORD]` in a preview). */
export function passwordSecretOf(spec: TargetSpec): Secret | undefined {
  const name = typeof spec === 'object' && 'password-env' in spec ? spec['password-env'] : undefined;
  const value = name ? process.env[name] : undefined;
  return name && value !== undefined ? { name, value } : undefined;
}
