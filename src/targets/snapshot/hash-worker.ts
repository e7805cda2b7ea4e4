// Hashes one snapshot file in its own process. On the console's main thread, the hash
// competed for the CPU with quick_check and the fsync and the longest event-loop stall went
// from ~25 ms to 40–98 ms (1 GiB, 2 vCPU); here the main thread only relays progress.
import { errorCode, firstLine } from './snapshot-errors.js';
import { hashFile } from './snapshot-files.js';

export interface ToHashWorker {
  type: 'hash';
  path: string;
}

export type FromHashWorker =
  | { type: 'progress'; done: number }
  | { type: 'hashed'; sha256: string; bytes: number }
  | { type: 'failed'; code: string; message: string };

/** A progress message per this many bytes keeps the IPC traffic to a few dozen per GB. */
const PROGRESS_EVERY = 32 << 20;

const send = (message: FromHashWorker): void => void process.send?.(message);
process.on('disconnect', () => process.exit(1));
process.on('message', (message: ToHashWorker) => {
  let reported = 0;
  const onBytes = (done: number): void => {
    if (done - reported < PROGRESS_EVERY) return;
    reported = done;
    send({ type: 'progress', done });
  };
  hashFile(message.path, onBytes).then(
    (result) => send({ type: 'hashed', ...result }),
    (error: unknown) => send({ type: 'failed', code: errorCode(error), message: firstLine(error) }),
  );
});
