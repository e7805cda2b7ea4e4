// Expectations decide whether a step succeeded. `expect-output` is matched line by line
// as output streams past, so a step printing gigabytes is checked without holding it.

const MAX_LINE = 1024 * 1024;

export class OutputMatcher {
  private readonly regex: RegExp | undefined;
  private partial = '';
  private readonly decoder = new TextDecoder();
  matched = false;

  constructor(pattern: string | undefined) {
    this.regex = pattern === undefined ? undefined : new RegExp(pattern);
  }

  push(chunk: Uint8Array): void {
    if (!this.regex || this.matched) return;
    const lines = (this.partial + this.decoder.decode(chunk, { stream: true })).split('\n');
    this.partial = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const line of lines) this.test(line);
  }

  end(): void {
    if (this.regex && !this.matched && this.partial !== '') this.test(this.partial);
    this.partial = '';
  }

  private test(line: string): void {
    if (this.regex?.test(line.replace(/\r$/, ''))) this.matched = true;
  }
}

export interface Verdict {
  ok: boolean;
  /** Why the step failed, in words for the operator; empty when ok. */
  reasons: string[];
}

export function judgeExit(expected: number, exitCode: number | null, signal: string | null): string | undefined {
  if (exitCode === expected) return undefined;
  if (exitCode === null) return `the command was ended by ${signal ?? 'a signal'} (expected exit code ${expected})`;
  return `the command exited with ${exitCode} (expected ${expected})`;
}
