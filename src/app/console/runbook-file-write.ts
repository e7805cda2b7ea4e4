// Writes a runbook into the workspace so that the file is either the old one or the new one,
// never half of each (the shared safe writer: a hidden temporary file beside it, which the
// workspace listing skips, fsync, rename, fsync of the folder). The file must really be in
// the workspace (a linked folder cannot lead out of it) and is never written through a link.
import { UserError } from '../errors.js';
import { WriteRefused, writeFileSafely } from '../safe-write.js';

/** Runbooks are shared documents (and usually committed): readable by others unless the old file said otherwise. */
const NEW_FILE_MODE = 0o644;

export async function writeRunbookFile(path: string, bytes: Uint8Array, shownPath: string, workspace: string): Promise<void> {
  try {
    await writeFileSafely(path, [bytes], { mode: NEW_FILE_MODE, keepMode: true, replace: true, createFolders: true, inside: { root: workspace, what: 'the workspace' } });
  } catch (error) {
    if (error instanceof WriteRefused) {
      throw new UserError(`could not write ${shownPath} (${error.message}); the file on disk is as it was. Save it under the name of the file itself, inside the workspace.`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`could not write ${shownPath} (${reason}); the file on disk is as it was. Check that the workspace folder is writable, then save again.`, 1);
  }
}
