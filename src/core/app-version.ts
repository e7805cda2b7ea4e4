// Handrail's own version, from its package.json: shown by `--version` and the consoles, and
// recorded with every audit event so a reviewer knows which build wrote it. Read once.
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The package's version, or 'unknown' when package.json cannot be read. */
export function appVersion(): string {
  version ??= readVersion();
  return version;
}

function readVersion(): string {
  try {
    // src/core/ and dist/core/ both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
