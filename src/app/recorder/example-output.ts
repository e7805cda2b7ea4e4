// A recorded command's output, kept as the step's example: the last lines only (a runbook
// is read by a person, and `journalctl` can print a million lines), with how much was cut
// said in words. The audit gets the size and SHA-256 of all of it.
import { createHash } from 'node:crypto';
import type { OutputStream } from '../../core/engine/ports.js';

export const EXAMPLE_MAX_LINES = 200;
export const EXAMPLE_MAX_BYTES = 64 * 1024;

/** Colours and cursor movement mean nothing in a Markdown text block. */
// eslint-disable-next-line no-control-regex -- the escape character is what this matches
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export interface ExampleOutput {
  text: string;
  bytes: number;
  sha256: string;
  /** Lines left out of `text` (the first ones). */
  cutLines: number;
}

export class ExampleOutputKeeper {
  private readonly hash = createHash('sha256');
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  private bytes = 0;
  private newlines = 0;
  private tail = '';
  private endsWithNewline = true;

  /** Takes a chunk as it arrives (already redacted); returns it as text for live display. */
  push(stream: OutputStream, chunk: Uint8Array): string {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const text = this.decoders[stream].decode(chunk, { stream: true });
    this.add(text);
    return text;
  }

  finish(): ExampleOutput {
    for (const stream of ['stdout', 'stderr'] as const) this.add(this.decoders[stream].decode());
    const totalLines = this.newlines + (this.endsWithNewline ? 0 : 1);
    const clean = this.tail.replace(/\r\n/g, '\n').replace(ANSI, '').replace(/\n$/, '');
    let lines = clean === '' ? [] : clean.split('\n').map((line) => line.replace(/^.*\r/, ''));
    lines = lines.slice(-EXAMPLE_MAX_LINES);
    while (lines.length > 1 && Buffer.byteLength(lines.join('\n')) > EXAMPLE_MAX_BYTES) lines.shift();
    let kept = lines.join('\n');
    if (Buffer.byteLength(kept) > EXAMPLE_MAX_BYTES) kept = `…${kept.slice(-EXAMPLE_MAX_BYTES / 2)}`; // one huge line
    const cutLines = Math.max(0, totalLines - lines.length);
    const text = cutLines > 0 ? `… ${cutLines} line${cutLines === 1 ? '' : 's'} cut (${this.bytes} bytes in all)\n${kept}` : kept;
    return { text, bytes: this.bytes, sha256: this.hash.digest('hex'), cutLines };
  }

  private add(text: string): void {
    if (text === '') return;
    for (const ch of text) if (ch === '\n') this.newlines++;
    this.endsWithNewline = text.endsWith('\n');
    // Twice the budget, so trimming at a line boundary later still leaves a full example.
    this.tail += text;
    if (this.tail.length > 4 * EXAMPLE_MAX_BYTES) this.tail = this.tail.slice(-2 * EXAMPLE_MAX_BYTES);
  }
}
