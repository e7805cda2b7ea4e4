/** Rejected with when the operator aborts a snapshot or restore. */
export class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'Aborted';
  }
}

/**
 * Settles like `promise`, or rejects with Aborted as soon as `signal` fires. The work behind
 * `promise` goes on; the caller stops it (kills the process) on Aborted.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // Once we stop listening, the work's own failure (its process killed) is expected; without
  // this it would surface as an unhandled rejection.
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
