// Stored output (bytes) as text for a console: UTF-8, one decoder per stream so a character
// split between two chunks of a stream stays whole; invalid bytes become U+FFFD.
import type { OutputPage } from '../../store/output-page.js';

export function decodeChunks(chunks: OutputPage['chunks']): { seq: number; stream: 'stdout' | 'stderr'; text: string }[] {
  const decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  const last = { stdout: -1, stderr: -1 };
  chunks.forEach((c, i) => (last[c.stream] = i));
  // The last chunk of each stream on the page flushes its decoder: the next page starts clean.
  return chunks.map((c, i) => ({ seq: c.seq, stream: c.stream, text: decoders[c.stream].decode(c.data, { stream: i !== last[c.stream] }) }));
}
