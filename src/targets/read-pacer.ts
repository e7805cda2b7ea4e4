// Reading a fast step's pipe. A producer such as awk writes 4 KiB at a time, and Node reads
// whenever anything is there, so the main thread woke and read once per write: some 200,000
// reads per GiB, each an epoll wake-up, a read, and a trip through the stream and the engine,
// and each write woke the main thread and so preempted the producer. When small reads come
// back to back, the main thread now naps a quarter of a millisecond before the next read
// and the pipe gathers ~40 KiB meanwhile: measured, a tenth of the reads, half the CPU of
// reading and ~0.4 s less system time per GiB for the producer. The nap is shorter than a
// fast producer takes to fill the pipe's buffer (~200 KB, ~0.6 ms at 300 MB/s), so the
// producer is not held up; output that comes now and then (gaps over a millisecond) or in
// large reads never naps.
/** How long the main thread naps between back-to-back small reads. */
export const NAP_MS = 0.25;
/** A read this large already came after a pause worth its cost. */
const SMALL_READ = 32 * 1024;
/** Reads closer than this come from a producer that writes faster than it is read. */
const BACK_TO_BACK_MS = 1;

export interface PacerClock {
  now(): number;
  nap(ms: number): void;
}

const cell = new Int32Array(new SharedArrayBuffer(4));

let canWait = true;

/**
 * Atomics.wait on a value nobody changes: a sleep of `ms` that blocks only this thread. A
 * host that forbids waiting on its main thread (as browsers do) just reads as before.
 */
const realClock: PacerClock = {
  now: () => performance.now(),
  nap: (ms) => {
    if (!canWait) return;
    try {
      Atomics.wait(cell, 0, 0, ms);
    } catch {
      canWait = false;
    }
  },
};

/** Call with each read's size, after handling it; it naps when reads come small and back to back. */
export function readPacer(clock: PacerClock = realClock): (bytes: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (bytes) => {
    const now = clock.now();
    const napping = bytes < SMALL_READ && now - last < BACK_TO_BACK_MS;
    if (napping) clock.nap(NAP_MS);
    last = napping ? clock.now() : now;
  };
}
