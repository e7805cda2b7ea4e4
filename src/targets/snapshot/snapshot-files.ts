// The file side of every snapshot, SQLite or PostgreSQL: the temporary name it is written
// under, fsync of the file and of its folder, the rename that makes it
// a snapshot, and the clean-up of what a killed process left behind. See docs/DESIGN.md, "Snapshots".
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * `<final>.partial-<pid>-<hex>`. Nothing but a finished, verified snapshot ever has the final
 * name, so a process killed at any moment leaves at most files with this mark. SQLite's own
 * sidecars of a partial copy (`-wal`, `-shm`, `-journal`) carry the mark too.
 */
const PARTIAL = /\.partial-(\d+)-[0-9a-f]+(-wal|-shm|-journal)?$/;
const SIDECARS = ['', '-wal', '-shm', '-journal'];

/** Whether a file name in the snapshots folder is a partial (or one of its sidecars), never a snapshot. */
export function isPartialName(name: string): boolean {
  return PARTIAL.test(name);
}

export function partialPathFor(finalPath: string): string {
  return `${finalPath}.partial-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Deletes a partial file and any SQLite sidecar of it; never throws (it runs while failing already). */
export async function removePartial(partial: string): Promise<void> {
  await Promise.allSettled(SIDECARS.map((suffix) => rm(partial + suffix, { force: true })));
}

/**
 * Deletes the `*.partial-*` files a killed Handrail left in `dir`; call it at start-up. A
 * file whose pid is still alive is kept: it may be another Handrail (the CLI beside the app)
 * writing a snapshot right now. Resolves the paths it removed.
 */
export async function cleanLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = PARTIAL.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    await rm(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the snapshot folder if needed and fails early, before writing, when `bytes` will not fit. */
export async function prepareFolder(dir: string, bytes: number): Promise<void> {
  await makeFolder(dir);
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < bytes) {
    throw Object.assign(new Error(`${formatBytes(free)} free, about ${formatBytes(bytes)} needed`), { code: 'ENOSPC' });
  }
}

/**
 * `mkdir -p` that reports the real reason: Node's recursive mkdir answers ENOENT on a
 * read-only file system, where the operator needs to read EROFS.
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`${dir} is a file`), { code: 'ENOTDIR' });
    }
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeFolder(dirname(dir));
    await makeFolder(dir);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Progress is advice for a display: a callback that throws (it runs from timers and IPC
 * handlers, where the throw would surface as an unhandled error) must not fail the snapshot.
 */
export function reportProgress(request: { onProgress?: ((done: number, total: number) => void) | undefined }, done: number, total: number): void {
  try {
    request.onProgress?.(done, total);
  } catch {
    // see above
  }
}

/** fsync through libuv's thread pool, so a slow disk never stalls the event loop. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Renames the verified partial file to its final name, then fsyncs the folder so the new
 * name survives a power cut. Refuses to replace an existing file: that is someone's snapshot.
 */
export async function publish(partial: string, finalPath: string): Promise<void> {
  const exists = await access(finalPath).then(
    () => true,
    () => false,
  );
  if (exists) throw Object.assign(new Error(`${finalPath} already exists`), { code: 'SNAPSHOT_EXISTS' });
  await rename(partial, finalPath);
  try {
    await fsyncFolder(dirname(finalPath));
  } catch (error) {
    // The caller will report a failure, so no snapshot may be left under the final name.
    await rm(finalPath, { force: true }).catch(() => {});
    throw error;
  }
}

async function fsyncFolder(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
