// Writes an export where the operator asked: a file appears whole or not at all (temp file in
// the same folder, fsync, rename, fsync of the folder), readable by its owner only, since an
// export holds step output; or a stream (stdout), respecting its back-pressure.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmod, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';

export interface Written {
  bytes: number;
  sha256: string;
}

const BATCH = 256 * 1024;

export async function writeAtomically(path: string, chunks: Iterable<string>): Promise<Written> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const file = await open(tmp, 'wx', 0o600);
    try {
      for (const batch of batched(chunks)) {
        const data = Buffer.from(batch);
        hash.update(data);
        bytes += data.length;
        await file.write(data);
      }
      await file.chmod(0o600);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    await chmod(path, 0o600);
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch (error) {
    await rm(tmp, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`could not write the export to ${path} (${message}); no file was written there. Check the folder exists and is writable, then export again.`, 1);
  }
  return { bytes, sha256: hash.digest('hex') };
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
