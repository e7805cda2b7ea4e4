// The one way Handrail writes a file it produces (exports, runbooks, recordings, drafts, the
// files of a handover bundle): whole or not at all, and never through a symbolic link.
//
// - The bytes go to a temporary file beside the final name, opened O_CREAT|O_EXCL|O_NOFOLLOW
//   (a link planted at that name fails the open instead of being followed), fsynced, then
//   renamed into place (or hard-linked, when the file must be new: link() never replaces
//   anything), and the folder fsynced: a crash leaves the old file or the new one.
// - A link at the final name is refused, not replaced. rename() would not follow it, but
//   whoever gave that name may expect the bytes where the link points, and a link planted
//   there is a lure; either way the link and what it points to are left as they were.
// - `inside` (the workspace, the data folder): the folder's real path, links resolved, must
//   be inside the real path of that root, so a linked folder cannot carry a write out of it.
//   Someone able to swap folders between this check and the write owns the folder already.
import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readlink, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** A write refused for where it would go; the message is a clause for the caller's sentence. */
export class WriteRefused extends Error {
  override readonly name = 'WriteRefused';
}

export interface Written {
  bytes: number;
  sha256: string;
}

export interface SafeWriteOptions {
  /** Mode of a new file: 0600 for anything holding output, 0644 for a shared runbook. */
  mode: number;
  /** false: the file must be new (EEXIST when anything is at the name). */
  replace: boolean;
  /** When replacing, keep the old file's permission bits (a runbook someone made group-writable). */
  keepMode?: boolean;
  /** Create missing parent folders (after checking `inside`, so none is made outside it). */
  createFolders?: boolean;
  /** The folder the file must really be in, and how to name it in a message. */
  inside?: { root: string; what: string };
}

// O_NOFOLLOW does not exist on Windows; O_EXCL alone already refuses an existing link there.
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Opens a file that must not exist yet, not even as a dangling link. */
export function openNewFile(path: string, mode: number): Promise<FileHandle> {
  return open(path, NEW_FILE, mode);
}

/** What is at `path` (undefined: nothing), refusing a symbolic link. */
export async function refuseLink(path: string): Promise<Stats | undefined> {
  const info = await lstat(path).catch(ifMissing);
  if (info?.isSymbolicLink()) {
    const target = await readlink(path).catch(() => 'somewhere');
    throw new WriteRefused(`${path} is a symbolic link (to ${target}), and Handrail never writes through a link`);
  }
  return info;
}

/**
 * The real path `path` leads to when that is outside `root` (both with links resolved);
 * undefined when it is inside. A path not created yet is judged by its deepest existing part.
 */
export async function realPathOutside(root: string, path: string): Promise<string | undefined> {
  const realRoot = await realpath(root);
  for (let part = path; ; part = dirname(part)) {
    const real = await realpath(part).catch(() => undefined);
    if (real !== undefined) {
      const rel = relative(realRoot, real);
      return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? real : undefined;
    }
    if (dirname(part) === part) return part;
  }
}

export async function writeFileSafely(path: string, content: Iterable<string | Uint8Array>, options: SafeWriteOptions): Promise<Written> {
  const dir = dirname(path);
  await checkInside(path, options);
  if (options.createFolders) {
    await mkdir(dir, { recursive: true });
    await checkInside(path, options);
  }
  const existing = await refuseLink(path);
  if (existing && !options.replace) throw Object.assign(new Error(`${path} already exists`), { code: 'EEXIST' });
  const keep = options.keepMode && existing ? existing.mode & 0o777 : undefined;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const file = await openNewFile(tmp, keep ?? options.mode);
    try {
      for (const chunk of content) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(data);
        bytes += data.length;
        await file.writeFile(data);
      }
      // The umask may have taken bits the old file had.
      if (keep !== undefined) await file.chmod(keep);
      await file.sync();
    } finally {
      await file.close();
    }
    if (options.replace) {
      await refuseLink(path); // planted while the bytes were written
      await rename(tmp, path);
    } else {
      await link(tmp, path);
    }
  } finally {
    await rm(tmp, { force: true });
  }
  await syncFolder(dir);
  return { bytes, sha256: hash.digest('hex') };
}

/** Makes a folder's entries (a rename, a new name) survive a power cut. */
export async function syncFolder(path: string): Promise<void> {
  const dir = await open(path, 'r');
  await dir.sync().finally(() => dir.close());
}

async function checkInside(path: string, options: SafeWriteOptions): Promise<void> {
  if (!options.inside) return;
  const { root, what } = options.inside;
  const real = await realPathOutside(root, dirname(path));
  if (real !== undefined) throw new WriteRefused(`${path} is outside ${what} ${root} (its folder is ${real})`);
}

function ifMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
