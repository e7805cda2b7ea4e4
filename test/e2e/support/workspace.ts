// Throwaway workspaces for flows that need their own runbooks or inventory.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO, handrail, handrailChild } from '../../support/handrail-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';
import type { Flow } from '../flows/flow.js';

/** Writes `files` (relative path → text) into `dir`, optionally over a copy of the demo workspace. */
export function writeWorkspace(dir: string, files: Record<string, string>, copyDemo = false): void {
  if (copyDemo) cpSync(DEMO, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/**
 * A flow's own folders: a fresh data directory, and the demo workspace or the flow's own
 * (written now), with the CLI helpers bound to them. Both the browser and the Electron runs
 * start every flow from this.
 */
export async function flowFolders(flow: Flow, prefix: string) {
  const root = await makeTempDir(prefix);
  const dataDir = join(root, 'data');
  let workspace = DEMO;
  if (flow.workspace) {
    workspace = join(root, 'workspace');
    const spec = flow.workspace({ workspace, dataDir });
    writeWorkspace(workspace, spec.files, spec.copyDemo);
  }
  const cli = { dataDir, workspace };
  const tools = { cli: (args: string[]) => handrail(args, cli), cliChild: (args: string[]) => handrailChild(args, cli) };
  return { root, dataDir, workspace, cli, tools };
}
