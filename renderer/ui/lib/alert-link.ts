// What an alert link (`/run/RUNBOOK?env=ENV&input.NAME=VALUE&incident=ID`, which the console
// server turns into `#/runbooks/RUNBOOK?…`) asks the set-up screen to fill in, and what it
// cannot: the link only fills the form, it never starts anything, and every value it brings
// is shown before the operator presses Start. Values the runbook cannot take are named, not
// dropped in silence: an alert whose labels changed shows up here first.
import type { EnvironmentInfo } from '../../../src/contract/api.js';
import type { InputDeclaration } from '../../../src/contract/runbook.js';

export interface LinkValues {
  environment?: string;
  inputs: Record<string, string>;
  incident?: string;
  /** Parameters that mean nothing to the set-up screen. */
  unknown: string[];
}

/** The longest text a warning repeats from a link; the field itself holds the whole value. */
const SHOWN = 80;

export function shorten(value: string): string {
  return value.length > SHOWN ? `${value.slice(0, SHOWN)}… (${value.length} characters)` : value;
}

export function parseLinkValues(query: string): LinkValues {
  // No prototype: a link's `input.__proto__` is kept as a name (and then named as unused), not swallowed.
  const values: LinkValues = { inputs: Object.create(null) as Record<string, string>, unknown: [] };
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === 'env') values.environment = value;
    else if (key === 'incident') values.incident = value;
    else if (key.startsWith('input.') && key.length > 'input.'.length) values.inputs[key.slice('input.'.length)] = value;
    else values.unknown.push(key);
  }
  return values;
}

export interface LinkFill {
  environment: string;
  inputs: Record<string, string>;
  incident: string;
  /** What the link gave that the form did not take, each in words. */
  notes: string[];
}

/** What the form takes from the link for this runbook and inventory. */
export function fillFromLink(link: LinkValues, declared: Record<string, InputDeclaration>, environments: readonly EnvironmentInfo[]): LinkFill {
  const notes: string[] = [];
  let environment = '';
  if (link.environment !== undefined) {
    if (environments.some((e) => e.name === link.environment)) environment = link.environment;
    else notes.push(`The link names the environment “${shorten(link.environment)}”, which handrail.yml does not have; choose one below.`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(link.inputs)) {
    // Own declarations only: `constructor` or `toString` from a link is not an input of the runbook.
    const declaration = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!declaration) notes.push(`The link gives a value for “${shorten(name)}”, which this runbook does not take; it was not used.`);
    else if (declaration.secret) notes.push(`The link gives a value for the secret input “${name}”; secrets are never taken from a link (it would sit in the alert, the browser's history and logs). Type it below.`);
    else inputs[name] = value;
  }
  for (const key of link.unknown) notes.push(`The link's parameter “${shorten(key)}” means nothing here; it was not used.`);
  return { environment, inputs, incident: link.incident ?? '', notes };
}

/** The link's query without values for secret inputs, or null when it has none to drop. */
export function withoutSecrets(query: string, declared: Record<string, InputDeclaration>): string | null {
  const params = new URLSearchParams(query);
  const secret = [...params.keys()].filter((key) => key.startsWith('input.') && declared[key.slice('input.'.length)]?.secret === true);
  if (secret.length === 0) return null;
  for (const key of secret) params.delete(key);
  return params.toString();
}
