// Writes a runbook into the workspace so that the file is either the old one or the new one,
// never half of each: a hidden temporary file beside it (the workspace listing skips hidden
// names), fsync, rename over the old name, fsync of the folder so the rename survives a
// power cut.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

/** Runbooks are shared documents (and usually committed): readable by others unless the old file said otherwise. */
const NEW_FILE_MODE = 0o644;

export async function writeRunbookFile(path: string, bytes: Uint8Array, shownPath: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const mode = (await stat(path).catch(() => undefined))?.mode ?? NEW_FILE_MODE;
    const file = await open(tmp, 'wx', mode & 0o777);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    const folder = await open(dir, 'r');
    await folder.sync().finally(() => folder.close());
  } catch (error) {
    await rm(tmp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`could not write ${shownPath} (${reason}); the file on disk is as it was. Check that the workspace folder is writable, then save again.`, 1);
  }
}
