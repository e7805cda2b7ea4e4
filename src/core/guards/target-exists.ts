// Whether an environment, and a target in it, exist in the inventory: asked before a run,
// a snapshot or restore, and a recording. `local` (this machine) exists in every environment.
import type { Environment, Inventory, TargetSpec } from '../../contract/inventory.js';
import { INVENTORY_FILE } from '../inventory/inventory-file.js';

export type Found<T> = { ok: true; value: T } | { ok: false; message: string };

export function findEnvironment(inventory: Inventory, name: string): Found<Environment> {
  const environment = inventory.environments[name];
  if (environment) return { ok: true, value: environment };
  return { ok: false, message: `there is no environment '${name}' in ${INVENTORY_FILE} (there are: ${Object.keys(inventory.environments).join(', ')})` };
}

/** The target's spec in the environment; `local` always exists. Undefined when the environment does not define it. */
export function targetIn(environment: Environment, target: string): TargetSpec | undefined {
  return target === 'local' ? 'local' : environment.targets[target];
}
