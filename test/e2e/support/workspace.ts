// Throwaway workspaces for flows that need their own runbooks or inventory.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO } from '../../support/handrail-cli.js';

/** Writes `files` (relative path → text) into `dir`, optionally over a copy of the demo workspace. */
export function writeWorkspace(dir: string, files: Record<string, string>, copyDemo = false): void {
  if (copyDemo) cpSync(DEMO, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
