// A run's stored output, as `show` prints it, streamed chunk by chunk from the store: a run
// that printed a gigabyte is never held as one string.
import type { OutputChunk } from '../store/step-output.js';
import type { PacedWriter } from './paced-stdout.js';

/**
 * Text is made in pieces of this many bytes at most. A stored chunk is up to 1 MiB, and a
 * string that large goes to V8's large-object space, freed only by a full collection: a
 * gigabyte of them grew the process by hundreds of megabytes before one ran. Small pieces
 * die young and are freed as they go.
 */
const PIECE = 32 * 1024;

/** Decodes a step's chunks as UTF-8, one decoder per stream so a character split between chunks stays whole. */
export async function* decodedOutput(chunks: AsyncIterable<OutputChunk>): AsyncGenerator<string> {
  const decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.data.length; at += PIECE) {
      const text = decoders[chunk.stream].decode(chunk.data.subarray(at, at + PIECE), { stream: true });
      if (text) yield text;
    }
  }
  for (const decoder of Object.values(decoders)) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}

/** Each line as `   | line`; a last line without a newline gets one. */
export async function writeIndented(out: PacedWriter, pieces: AsyncIterable<string>): Promise<void> {
  let atLineStart = true;
  for await (const piece of pieces) {
    const body = piece.endsWith('\n') ? piece.slice(0, -1) : piece;
    await out.write(`${atLineStart ? '   | ' : ''}${body.replaceAll('\n', '\n   | ')}${piece.endsWith('\n') ? '\n' : ''}`);
    atLineStart = piece.endsWith('\n');
  }
  if (!atLineStart) await out.write('\n');
}

/** The text as the inside of a JSON string, piece by piece (the quotes are the caller's). */
export async function writeJsonString(out: PacedWriter, pieces: AsyncIterable<string>): Promise<void> {
  for await (const piece of pieces) await out.write(JSON.stringify(piece).slice(1, -1));
}
