// Encoded forms a program wrapped over lines: `base64` breaks its output every 76 characters,
// `openssl base64` and PEM every 64, `xxd -p` every 60, and a Windows program ends lines
// with \r\n. A secret's encoding crossing such a break is one form with a line break (\n or
// \r\n) between two of its characters; a blank line or any other gap is not a wrap.
import type { FormSearch, Span } from './form-search.js';

const BREAK = /\r?\n/g;

/**
 * Spans of `buf` where a form of `search` occurs with line breaks inside it. The buffer is
 * read as latin1 so that one character is one byte (the forms are ASCII). Plain output
 * costs one pass that drops the breaks and a native search of what is left; the breaks are
 * located only when a form occurs there.
 */
export function wrappedSpans(search: FormSearch, buf: Buffer): Span[] {
  if (search.empty || buf.indexOf(0x0a) === -1) return [];
  const text = buf.toString('latin1');
  const joined = text.replace(BREAK, '');
  if (!search.occursIn(joined)) return [];

  // For each break: where it sits in `joined` (before which character) and where in `buf`.
  const at: number[] = [];
  const removedBefore: number[] = [];
  let removed = 0;
  for (const m of text.matchAll(BREAK)) {
    at.push(m.index - removed);
    removed += m[0].length;
    removedBefore.push(removed);
  }
  /** How many bytes were removed before the character at `j` of joined. */
  const shift = (j: number): number => {
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! <= j) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : removedBefore[lo - 1]!;
  };

  const spans: Span[] = [];
  for (const span of search.spans(Buffer.from(joined, 'latin1'))) {
    const start = span.start + shift(span.start);
    const end = span.end - 1 + shift(span.end - 1) + 1;
    // Only a form with breaks inside it is new here (the plain search finds the others),
    // and only one break between two characters is a wrap.
    if (end - start === span.end - span.start) continue;
    if (/\r?\n\r?\n/.test(text.slice(start, end))) continue;
    spans.push({ start, end, name: span.name, wrapped: true });
  }
  return spans;
}
