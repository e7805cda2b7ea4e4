import type { TargetSpec } from '../contract/inventory.js';

/** A PostgreSQL target's password, from the environment variable its `password-env` names. */
export function passwordOf(spec: TargetSpec): string | undefined {
  const name = typeof spec === 'object' && 'password-env' in spec ? spec['password-env'] : undefined;
  return name ? process.env[name] : undefined;
}
