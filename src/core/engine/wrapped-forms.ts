// Encoded forms a program wrapped over lines: `base64` breaks its output every 76 characters,
// `openssl base64` and PEM every 64, `xxd -p` every 60, and a Windows program ends lines
// with \r\n. A secret's encoding crossing such a break is one form with a line break (\n or
// \r\n) between two of its characters; a blank line or any other gap is not a wrap.
import type { FormSearch, Span } from './form-search.js';

const BREAK = /\r?\n/g;

/**
 * Spans of `buf` where a form of `search` occurs, on one line or with line breaks inside it.
 * The buffer is read as latin1 so that one character is one byte (the forms are ASCII).
 * The forms are searched for in the text with its line breaks dropped, in place of a search
 * of the text itself: plain output costs one native pass that drops the breaks, and the
 * breaks are located only where a form occurs.
 */
export function wrappedSpans(search: FormSearch, buf: Buffer): Span[] {
  if (search.empty) return [];
  if (buf.indexOf(0x0a) === -1) return search.spans(buf);
  const text = buf.toString('latin1');
  // A lone \r (a progress line redrawn) is no line break; a string replace is the faster
  // pass when there is no \r at all.
  const joined = text.includes('\r') ? text.replace(BREAK, '') : text.replaceAll('\n', '');
  if (!search.occursIn(joined)) return [];
  const found = search.spans(Buffer.from(joined, 'latin1'));

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
  for (const span of found) {
    const start = span.start + shift(span.start);
    const end = span.end - 1 + shift(span.end - 1) + 1;
    if (end - start === span.end - span.start) {
      spans.push({ start, end, name: span.name });
      continue;
    }
    // Only one line break between two characters is a wrap: a blank line is not.
    if (/\r?\n\r?\n/.test(text.slice(start, end))) continue;
    spans.push({ start, end, name: span.name, wrapped: true });
  }
  return spans;
}
