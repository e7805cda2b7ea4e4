// The protected-environment rule: a step that changes something there, a restore into it,
// and a recording made there each need the environment's name typed (or given as
// --confirm NAME). Typing the name, not answering "yes", makes the operator read which
// environment they are about to change. Each face (terminal, console, recorder, restore)
// asks in its own way and words the answer for its own next step; whether the answer is
// good enough is decided here.
import type { Inventory } from '../../contract/inventory.js';

export type TypedName =
  | { ok: true }
  /** Nothing was typed: ask for the name. */
  | { ok: false; missing: true }
  /** Something else was typed: `mismatch` says so, for the face to show. */
  | { ok: false; missing: false; mismatch: string };

/** Whether the inventory marks the environment protected (an unknown one is not). */
export function isProtectedEnvironment(inventory: Inventory, environment: string): boolean {
  return inventory.environments[environment]?.protected === true;
}

/** Whether a step must be confirmed before it runs: a `confirm` step, or one that changes data in a protected environment. */
export function needsConfirmation(attributes: { confirm: boolean; mutates: readonly string[] }, environmentProtected: boolean): boolean {
  return attributes.confirm || (environmentProtected && attributes.mutates.length > 0);
}

/** Whether `typed` is the protected environment's name: exactly, never a guess at what was meant. */
export function checkTypedName(environment: string, typed: string | undefined): TypedName {
  if (typed === environment) return { ok: true };
  if (typed === undefined || typed === '') return { ok: false, missing: true };
  return { ok: false, missing: false, mismatch: `'${typed}' is not '${environment}'` };
}
