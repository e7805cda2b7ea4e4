// Inputs as the operator gives them (`--input pilot=pilot-7`, a form field) checked
// against the runbook's declarations before anything runs.
import type { FrontMatter } from '../../contract/runbook.js';
import type { SqlValue } from './ports.js';
import { MIN_SECRET_LENGTH, type Secret } from './redact.js';

export type InputValues = Record<string, SqlValue>;

export type InputCheck = { ok: true; values: InputValues; secrets: Secret[]; warnings: string[] } | { ok: false; problems: string[] };

export function checkInputs(frontMatter: FrontMatter, given: Record<string, string>): InputCheck {
  const declared = frontMatter.inputs ?? {};
  const problems: string[] = [];
  const values: InputValues = {};
  const secrets: Secret[] = [];
  const warnings: string[] = [];
  for (const name of Object.keys(given)) {
    if (!declared[name]) {
      const known = Object.keys(declared);
      problems.push(`input '${name}' is not declared by this runbook (${known.length ? `it takes: ${known.join(', ')}` : 'it takes no inputs'})`);
    }
  }
  for (const [name, decl] of Object.entries(declared)) {
    const raw = given[name];
    if (raw === undefined) {
      if (decl.default === undefined) {
        const how = decl.secret ? `set HANDRAIL_INPUT_${name.toUpperCase()}` : `pass --input ${name}=VALUE`;
        problems.push(`input '${name}' is required${decl.description ? ` (${decl.description})` : ''}; ${how}`);
      } else {
        values[name] = decl.default;
      }
      continue;
    }
    const shown = decl.secret ? 'the value given' : JSON.stringify(raw);
    if (raw.includes('\0')) {
      // No shell variable, argument or environment entry can hold a NUL: refuse it here, before anything runs.
      problems.push(`input '${name}': ${decl.secret ? 'the value given' : 'the value'} contains a NUL byte (\\0), which a step cannot receive; give the value without it`);
      continue;
    }
    switch (decl.type) {
      case 'string':
        if (decl.pattern && !wholeMatch(decl.pattern).test(raw)) {
          problems.push(`input '${name}': ${shown} does not match ${decl.pattern} (the whole value must match)`);
        } else values[name] = raw;
        break;
      case 'number':
        if (raw.trim() === '' || !Number.isFinite(Number(raw))) problems.push(`input '${name}': ${shown} is not a number`);
        else values[name] = Number(raw);
        break;
      case 'boolean':
        if (raw !== 'true' && raw !== 'false') problems.push(`input '${name}': ${shown} is not true or false`);
        else values[name] = raw === 'true';
        break;
      case 'enum': {
        const match = decl.values?.find((v) => String(v) === raw);
        if (match === undefined) problems.push(`input '${name}': ${shown} is not one of ${(decl.values ?? []).join(', ')}`);
        else values[name] = match;
        break;
      }
    }
    const value = values[name];
    // Every type: a PIN declared `type: number` is as secret as a string. A step sees the
    // converted value (0042 becomes 42), the operator may have printed it as given: both are masked.
    if (decl.secret && value !== undefined && value !== null) {
      const shown = String(value);
      secrets.push({ name, value: shown });
      if (raw !== shown) secrets.push({ name, value: raw });
      if (shown.length < MIN_SECRET_LENGTH) warnings.push(shortSecret(name));
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values, secrets, warnings };
}

/** A secret this short would mask every occurrence of its letters in all output, so it is not masked at all. */
export function shortSecret(name: string): string {
  return `secret input '${name}' is shorter than ${MIN_SECRET_LENGTH} characters, so it cannot be masked in output and the audit trail; use a longer secret`;
}

/**
 * A pattern matches the whole value, as HTML's pattern attribute does: `^pilot-[0-9]+`
 * must not let `pilot-7 $(…)` through because it only looked at the start.
 */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
