// Reading a fast step's pipe in fewer, larger pieces: the pacer naps only while small reads
// arrive back to back (a fast producer writing a few KiB at a time), never after a large read,
// nor for a producer that prints now and then.
import { describe, expect, it } from 'vitest';
import { NAP_MS, readPacer } from '../../src/targets/read-pacer.js';

function pacer() {
  let now = 0;
  const naps: number[] = [];
  const pace = readPacer({ now: () => now, nap: (ms) => {
    naps.push(ms);
    now += ms;
  } });
  return { pace, naps, advance: (ms: number) => (now += ms) };
}

describe('readPacer', () => {
  it('naps between small reads that come back to back', () => {
    const { pace, naps, advance } = pacer();
    for (let i = 0; i < 10; i++) {
      pace(4096);
      advance(0.01);
    }
    // The first read has nothing before it to judge by.
    expect(naps).toEqual(Array<number>(9).fill(NAP_MS));
  });

  it('does not nap after a large read, nor when output comes now and then', () => {
    const { pace, naps, advance } = pacer();
    pace(4096);
    advance(0.01);
    pace(64 * 1024);
    for (let i = 0; i < 5; i++) {
      advance(5);
      pace(100);
    }
    expect(naps).toEqual([]);
  });

  it('naps for less than the time a fast producer takes to fill a pipe', () => {
    // ~200 KB of socket buffer at ~300 MB/s is ~0.6 ms: a nap must leave the producer room.
    expect(NAP_MS).toBeLessThanOrEqual(0.3);
  });
});
