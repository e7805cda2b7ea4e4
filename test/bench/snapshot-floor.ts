// The SQLite snapshot's floor: nothing of Handrail, only the four pieces a verified snapshot
// needs, in the best arrangement found on two cores, in this process (no worker process to
// start). The copy (copy_file_range through fs.copyFile) runs while a thread hashes each stretch
// of it as soon as it is written, reading it back from the copy; then `PRAGMA quick_check`
// (which needs the whole copy) through a memory map, beside the hash's tail and the fsync.
// Handrail's figure beside this one is what its own arrangement adds.
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Hashes the file at workerData.path as it grows, until the size the parent sends is read. */
const FOLLOW = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { open } = require('node:fs/promises');
let size = -1;
parentPort.on('message', (bytes) => (size = bytes));
const nap = () => new Promise((r) => setTimeout(r, 2));
(async () => {
  const hash = createHash('sha256');
  const file = await open(workerData.path, 'r');
  const buffer = Buffer.allocUnsafe(4 << 20);
  let at = 0;
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) {
      if (size >= 0 && at >= size) break;
      await nap();
      continue;
    }
    hash.update(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
  await file.close();
  parentPort.postMessage(hash.digest('hex'));
})();
`;

export async function floorSnapshot(source: string, copy: string): Promise<void> {
  const copying = copyFile(source, copy);
  // A WAL database's copy is made a rollback-journal one (header bytes 18-19), as Handrail's
  // snapshot is, so it opens alone; written once the copy is past its first page (Linux copies
  // in order from the start), before the thread reads it.
  for (;;) {
    let fd = -1;
    try {
      fd = openSync(copy, 'r+');
      if (fstatSync(fd).size >= 65_536) {
        writeSync(fd, Buffer.from([1, 1]), 0, 2, 18);
        break;
      }
    } catch {
      // not created yet
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const hasher = new Worker(FOLLOW, { eval: true, workerData: { path: copy } });
  const hashed = new Promise<string>((done, fail) => {
    hasher.once('message', (hex: string) => done(hex));
    hasher.once('error', fail);
  });
  await copying;
  const fd = openSync(copy, 'r');
  const size = fstatSync(fd).size;
  closeSync(fd);
  hasher.postMessage(size);
  const synced = (async () => {
    const handle = await open(copy, 'r+');
    await handle.sync();
    await handle.close();
  })();
  const db = new Database(copy, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`mmap_size = ${size}`);
    const [result] = db.pragma('quick_check(1)') as { quick_check: string }[];
    if (result?.quick_check !== 'ok') throw new Error(`quick_check of the floor's copy: ${JSON.stringify(result)}`);
  } finally {
    db.close();
  }
  await Promise.all([hashed, synced]);
  await hasher.terminate();
}
