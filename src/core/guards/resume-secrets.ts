// Secret inputs are stored masked, never in clear: a run resumed later needs each of them
// given again, and the mask itself must never be taken for the value.
import { MASK } from '../engine/redact.js';

/** The names of the inputs a run stored masked: its secret inputs. */
export function maskedInputs(stored: Record<string, unknown>): string[] {
  return Object.entries(stored).flatMap(([name, value]) => (value === MASK ? [name] : []));
}

/** The first secret input a resume still lacks (not given, or given empty), or undefined. */
export function missingSecretInput(stored: Record<string, unknown>, given: Record<string, string | undefined>): string | undefined {
  return maskedInputs(stored).find((name) => (given[name] ?? '') === '');
}
