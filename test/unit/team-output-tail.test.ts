// What a team run's page carries of a long step output: its end (where a failure shows),
// how much was left out said in bytes, and never half a character at the cut.
import { describe, expect, it } from 'vitest';
import { outputTail } from '../../src/app/console/team-run-view.js';

type Chunk = { stream: 'stdout' | 'stderr'; data: Buffer };

async function* chunksOf(...chunks: Chunk[]): AsyncGenerator<Chunk> {
  for (const c of chunks) yield c;
}

const out = (text: string): Chunk => ({ stream: 'stdout', data: Buffer.from(text, 'utf8') });
const err = (text: string): Chunk => ({ stream: 'stderr', data: Buffer.from(text, 'utf8') });

describe("a team run's output on its page", () => {
  it('keeps short output whole, both streams in the order they came', async () => {
    expect(await outputTail(chunksOf(out('one\n'), err('two\n'), out('three\n')), 100)).toEqual({ text: 'one\ntwo\nthree\n', omitted: 0 });
  });

  it('keeps the end of long output and says how many bytes were left out, a chunk larger than the page included', async () => {
    const first = 'x'.repeat(50);
    const huge = `${'y'.repeat(300)}the last line\n`;
    const tail = await outputTail(chunksOf(out(first), out(huge)), 40);
    expect(tail.text).toBe(`${'y'.repeat(26)}the last line\n`);
    expect(tail.omitted).toBe(first.length + huge.length - 40);
  });

  it('never starts with half a character when the cut falls inside one', async () => {
    // "é" is two bytes; a cut of one byte into the first leaves its second byte alone.
    const tail = await outputTail(chunksOf(out('ééééé\n')), 10);
    expect(tail.text).toBe('éééé\n');
    expect(tail.text).not.toContain('\uFFFD');
    expect(tail.omitted).toBe(2);
  });

  it('keeps a character split between two chunks of one stream whole', async () => {
    const bytes = Buffer.from('a€b\n', 'utf8');
    const tail = await outputTail(chunksOf({ stream: 'stdout', data: bytes.subarray(0, 2) }, err('e\n'), { stream: 'stdout', data: bytes.subarray(2) }), 100);
    expect(tail.text.replace('e\n', '')).toBe('a€b\n');
    expect(tail.omitted).toBe(0);
  });
});
