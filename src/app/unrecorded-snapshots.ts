// Files in the snapshots folder that no snapshot row knows. Nothing publishes a snapshot
// without its row any more (a row that cannot be written takes its file with it), but a
// process killed between the two, an older Handrail, or a copy put there by hand leaves one:
// unlisted, never restorable with `handrail restore`, never deleted by retention. It is
// reported, never deleted: it may be the only copy of something.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isPartialName } from '../targets/snapshot/snapshot-files.js';

/** One line per unrecorded file, for the operator. */
export async function unrecordedSnapshotFiles(dir: string, recordedPaths: Iterable<string>): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const known = new Set([...recordedPaths].map((p) => resolve(p)));
  const lines: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (isPartialName(name) || known.has(resolve(path))) continue;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    lines.push(
      `unrecorded snapshot file ${path}, ${(info.size / 1024 / 1024).toFixed(1)} MB: not deleted; no snapshot in this data folder is recorded with it ` +
        '(a Handrail stopped between writing it and recording it, or it was copied there), so it is not listed and cannot be restored with handrail restore. ' +
        'Check what it is, then move it elsewhere or delete it.',
    );
  }
  return lines;
}
