// The parent side of hash-worker.ts.
import type { FromHashWorker, ToHashWorker } from './hash-worker.js';
import { startWorker } from './worker-channel.js';

export interface Hasher {
  /** SHA-256 of the file at `path`, read in one streaming pass; `onBytes` gets the running count. */
  hash(path: string, onBytes?: (done: number) => void): Promise<{ sha256: string; bytes: number }>;
  kill(): Promise<void>;
}

/** Starts the hashing process now, so its start-up overlaps whatever comes before the hash. */
export function startHasher(): Hasher {
  const worker = startWorker<ToHashWorker, FromHashWorker>('hash-worker');
  return {
    async hash(path, onBytes) {
      worker.send({ type: 'hash', path });
      for (;;) {
        const message = await worker.next();
        if (message.type === 'progress') onBytes?.(message.done);
        else if (message.type === 'hashed') return { sha256: message.sha256, bytes: message.bytes };
        else throw Object.assign(new Error(message.message), { code: message.code });
      }
    },
    kill: () => worker.kill(),
  };
}
