// Writes an export where the operator asked: to a file (whole or not at all, readable by its
// owner only, since an export holds step output) through the shared safe writer, or to a
// stream (stdout), respecting its back-pressure.
//
// `--out` may name any folder, also one reached through a link: the operator chose it. Only a
// link at the file name itself is refused (see safe-write.ts), so a link planted where an
// export will land can never redirect it onto another file.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { UserError } from './errors.js';
import { WriteRefused, writeFileSafely, type Written } from './safe-write.js';

export type { Written } from './safe-write.js';

const BATCH = 256 * 1024;

export async function writeAtomically(path: string, chunks: Iterable<string>): Promise<Written> {
  try {
    return await writeFileSafely(path, batched(chunks), { mode: 0o600, replace: true });
  } catch (error) {
    if (error instanceof WriteRefused) {
      throw new UserError(`could not write the export to ${path}: ${error.message}; no file was written there. Remove the link or give --out another name, then export again.`);
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`could not write the export to ${path} (${message}); no file was written there. Check the folder exists and is writable, then export again.`, 1);
  }
}

export async function writeToStream(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<Written> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const batch of batched(chunks)) {
    const data = Buffer.from(batch);
    hash.update(data);
    bytes += data.length;
    if (!stream.write(data)) await once(stream, 'drain');
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Joins small pieces (one line each) into writes of ~256 KiB. */
function* batched(chunks: Iterable<string>): Generator<string> {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= BATCH) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}
