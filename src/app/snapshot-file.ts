// The file a restore reads, and the database it writes into, as real files rather than names:
// a snapshot path is a plain file inside the snapshots folder (never a symlink to somewhere
// else), and a target is compared by its real path, since a symlink re-pointed after the
// snapshot names another database under the same path.
import { createHash } from 'node:crypto';
import { constants, realpathSync } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, isAbsolute } from 'node:path';

/** The real path of `path`; for a file not there yet, its real folder joined with its name. */
export function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/** What a snapshot's event records as the database it is of: a SQLite file's real path, a PostgreSQL URL as is. */
export function realLocationOf(s: { kind: 'sqlite' | 'postgres'; location: string }): string {
  return s.kind === 'sqlite' ? realPathOf(s.location) : s.location;
}

export interface CheckedSnapshotFile {
  sha256: string;
  /** Identity of the file hashed, checked again right before the restore reads it. */
  dev: number;
  ino: number;
}

/**
 * Why a snapshot file must not be read, or undefined: a symlink (lstat, never followed), not
 * a regular file, or outside the snapshots folder (real paths compared).
 */
export async function snapshotFileProblem(path: string, folder: string): Promise<string | undefined> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) return `cannot read snapshot ${path}: ${info.code === 'ENOENT' ? 'the file is gone' : info.message}`;
  if (info.isSymbolicLink()) return `${path} is a symbolic link, not the snapshot file Handrail wrote; a snapshot is never read through a link`;
  if (!info.isFile()) return `${path} is not a regular file`;
  const [realFolder, realFile] = await Promise.all([realpath(folder).catch(() => folder), realpath(path)]);
  const rel = relative(realFolder, realFile);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return `${path} lies outside the snapshots folder ${folder} (it is ${realFile})`;
  return undefined;
}

/** Hashes the file through a descriptor opened without following a symlink. */
export async function hashSnapshotFile(path: string): Promise<CheckedSnapshotFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return { sha256: hash.digest('hex'), dev: stat.dev, ino: stat.ino };
  } finally {
    await handle.close();
  }
}

/** Whether `path` is still the very file that was hashed (not swapped since, not a link now). */
export async function stillSameFile(path: string, file: CheckedSnapshotFile): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  return info !== undefined && info.isFile() && info.dev === file.dev && info.ino === file.ino;
}
