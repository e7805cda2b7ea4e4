// The data folder holds every command's output, runbook sources, inputs and the audit
// signing key, so it is its owner's alone: the folder 0700, Handrail's files in it 0600, its
// own sub-folders 0700. Earlier builds let SQLite create handrail.db at its default 0644 (and
// -wal/-shm copy the database's mode) in a folder someone made at 0755; every open tightens
// those again, quietly: there is nothing for the operator to decide, and a notice on every
// command would only teach people to skip notices.
//
// The folder's own mode is changed only when the folder is Handrail's alone: created just now,
// or holding nothing but Handrail's files and sub-folders (an inventory keeps practice data in
// `${data_dir}/NAME/`). A folder that also holds other files (a home or project folder named
// with --data-dir or HANDRAIL_DATA_DIR) keeps its mode: 0700 there could lock other people and
// programs out of what they rely on; Handrail's own files in it are still made 0600.
//
// What runbooks keep under `${data_dir}/NAME/` belongs to them (a deployed script must stay
// executable) and is left alone.
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** Handrail's own files directly in the data folder. */
const OWN_FILE = /^(handrail\.db(-wal|-shm|-journal)?|known_hosts|console-\d+\.html)$/;
/** Handrail's own sub-folders: every file directly in them is private too. */
const OWN_FOLDERS = new Set(['snapshots', 'keys', 'drafts']);

// Flags missing on Windows, where modes mean little anyway.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

export function tightenDataDir(dataDir: string, createdNow: boolean): void {
  const entries = entriesOf(dataDir);
  if (entries === undefined) return;
  // The folder named by the operator is followed if it is a link: its target is the data folder.
  if (createdNow || entries.every((e) => e.isDirectory() || (e.isFile() && OWN_FILE.test(e.name)))) setMode(dataDir, 0o700, true);
  for (const entry of entries) {
    const path = join(dataDir, entry.name);
    if (entry.isFile() && OWN_FILE.test(entry.name)) {
      setMode(path, 0o600, false);
    } else if (entry.isDirectory() && OWN_FOLDERS.has(entry.name)) {
      setMode(path, 0o700, false);
      for (const inner of entriesOf(path) ?? []) if (inner.isFile()) setMode(join(path, inner.name), 0o600, false);
    }
  }
}

function entriesOf(dir: string): Dirent[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

/**
 * Checked cheaply first (most entries are right already), then changed through a descriptor
 * opened without following a link, so the mode set is that of the entry just listed, never of
 * what a link swapped in would point to. Best effort: an entry that vanished, or one this
 * account does not own, is left as it is.
 */
function setMode(path: string, mode: number, follow: boolean): void {
  let fd: number | undefined;
  try {
    const seen = follow ? statSync(path) : lstatSync(path);
    if (seen.isSymbolicLink() || (seen.mode & 0o777) === mode) return;
    fd = openSync(path, constants.O_RDONLY | (follow ? 0 : NO_FOLLOW) | NON_BLOCKING);
    const info = fstatSync(fd);
    if (info.isFile() || info.isDirectory()) fchmodSync(fd, mode);
  } catch {
    // left as it is (see above)
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
