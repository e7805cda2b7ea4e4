// `handrail list` judges every runbook to count its problems: the Markdown, SQL and shell
// parsers, about a second of CPU on a cold start for the demo workspace. What it prints
// depends only on the bytes of the runbooks and of handrail.yml, on where the operator stands
// (paths are shown relative to it) and on Handrail's own code and parsers; kept in the data
// folder under a key made of all of these, the listing of an unchanged workspace reads and
// hashes the files and prints, without loading a parser. Any changed byte is judged again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunbookSummary } from '../contract/runbook.js';
import { INVENTORY_FILE } from '../core/inventory/inventory-file.js';
import { codeStamp } from './code-stamp.js';
import type { Display } from './workspace.js';
import { findRunbookFiles, readSource } from './workspace-files.js';

const CACHE_DIR = 'cache';
const CACHE_FILE = 'runbook-list.json';

interface CacheFile {
  key: string;
  runbooks: RunbookSummary[];
}

/** The same list as listRunbooks (workspace.ts), from the data folder's cache when nothing changed. */
export async function listRunbooksCached(workspace: string, display: Display, dataDir: string): Promise<RunbookSummary[]> {
  const cachePath = join(dataDir, CACHE_DIR, CACHE_FILE);
  // Without a data folder there is nowhere to keep it, and listing must not create one.
  const usable = (await stat(dataDir).catch(() => undefined))?.isDirectory() === true;
  const files = usable ? await readWorkspace(workspace).catch(() => undefined) : undefined;
  const key = files && (await keyOf(files, display));
  if (key !== undefined) {
    const cached = await readCache(cachePath);
    if (cached?.key === key) return cached.runbooks;
  }
  // Judged from the very bytes the key was made of, so a file edited meanwhile is never
  // stored under the key of its earlier content.
  const { listRunbooks, listRunbookSources } = await import('./workspace.js');
  if (!files || key === undefined) return listRunbooks(workspace, display);
  const runbooks = await listRunbookSources(workspace, files.runbooks, display);
  // handrail.yml is read by the judging itself: stored only if it is still what the key says.
  const after = await readFile(files.inventoryPath).catch(() => undefined);
  if (after && Buffer.compare(after, files.inventory) === 0) await writeCache(cachePath, { key, runbooks });
  return runbooks;
}

interface WorkspaceFiles {
  inventoryPath: string;
  inventory: Buffer;
  runbooks: { file: string; source: [Uint8Array, number] }[];
}

async function readWorkspace(workspace: string): Promise<WorkspaceFiles> {
  const inventoryPath = join(workspace, INVENTORY_FILE);
  const inventory = await readFile(inventoryPath);
  const runbooks = [];
  for (const file of await findRunbookFiles(workspace)) runbooks.push({ file, source: await readSource(file) });
  return { inventoryPath, inventory, runbooks };
}

async function keyOf(files: WorkspaceFiles, display: Display): Promise<string> {
  const hash = createHash('sha256');
  const add = (part: string | Uint8Array) => hash.update(createHash('sha256').update(part).digest());
  add(await codeStamp(['workspace']));
  add(display.cwd);
  add(files.inventoryPath);
  add(files.inventory);
  for (const { file, source } of files.runbooks) {
    add(file);
    add(String(source[1]));
    add(source[0]);
  }
  return hash.digest('hex');
}

async function readCache(path: string): Promise<CacheFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheFile>;
    return typeof parsed.key === 'string' && Array.isArray(parsed.runbooks) ? (parsed as CacheFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Written aside and renamed into place: a reader sees the old file or the new one. A cache that cannot be written is no fault. */
async function writeCache(path: string, content: CacheFile): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(partial, JSON.stringify(content), { mode: 0o600 });
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
  }
}
