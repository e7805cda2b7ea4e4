// The first and last lines of a step's output, read chunk by chunk: a step may have printed
// hundreds of megabytes, and a report needs twenty lines of each end, not all of it in memory.
import type { OutputExcerpt } from './report-model.js';

export class LineExcerpt {
  private readonly head: string[] = [];
  private readonly tail: string[] = [];
  private partial = '';
  private lines = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly keep = 20) {}

  push(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  finish(): OutputExcerpt {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest !== '') this.add(rest);
    return { head: [...this.head], tail: [...this.tail], omitted: Math.max(0, this.lines - this.head.length - this.tail.length), totalLines: this.lines };
  }

  private add(line: string): void {
    this.lines++;
    // Long lines are cut too: one minified JSON line must not make the report unreadable.
    const kept = line.length > 500 ? `${line.slice(0, 500)}… (${line.length - 500} more characters)` : line.replace(/\r$/, '');
    if (this.head.length < this.keep) {
      this.head.push(kept);
      return;
    }
    this.tail.push(kept);
    if (this.tail.length > this.keep) this.tail.shift();
  }
}
