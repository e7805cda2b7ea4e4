// The files of a workspace: finding runbooks and reading their bytes. No parser here, so a
// command that only needs the files (a cached `handrail list`) starts without them.
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { INVENTORY_FILE } from '../core/inventory/inventory-file.js';
import { MAX_SOURCE_BYTES } from '../core/text-file.js';
import { UserError } from './errors.js';

/** An editor's draft (`NAME.draft.md`): saved with its problems, so it is never listed, validated with the workspace or run by id. */
export const DRAFT_SUFFIX = '.draft.md';

/** Every *.md under the folder, skipping hidden folders, node_modules and drafts (validate one by naming it). */
export async function findRunbookFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findRunbookFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.md') && !entry.name.endsWith(DRAFT_SUFFIX)) found.push(path);
  }
  return found.sort();
}

/** `path` as shown to someone standing in `cwd`: relative, unless that climbs more than two folders. */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('../../../') ? path : rel;
}

/** Reads at most one byte more than a source may have, so a 10 GB file costs nothing. */
export async function readSource(path: string): Promise<[Uint8Array, number]> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${error.code === 'EACCES' ? 'permission denied' : error.message}; nothing was changed`, 1);
  });
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, MAX_SOURCE_BYTES + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return [buffer.subarray(0, bytesRead), size];
  } finally {
    await handle.close();
  }
}

/** The path of the workspace's handrail.yml; refused, saying what to do, when the folder or the file is missing. */
export async function requireInventory(workspace: string): Promise<string> {
  const info = await stat(workspace).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(`the workspace folder ${workspace} does not exist; pass --workspace DIR or set HANDRAIL_WORKSPACE`);
  }
  const path = join(workspace, INVENTORY_FILE);
  if (!(await stat(path).catch(() => undefined))) {
    throw new UserError(`${workspace} has no ${INVENTORY_FILE}, so it is not a Handrail workspace; pass --workspace DIR or set HANDRAIL_WORKSPACE`);
  }
  return path;
}
