// Secrets are masked before anything is shown, stored or hashed: the value itself and every
// form it commonly leaks in (see secret-forms.ts), also when a form is split across two
// output chunks or wrapped over lines (wrapped-forms.ts).
import { FormSearch, mergeSpans, type Span } from './form-search.js';
import { secretForms, wrappableForms } from './secret-forms.js';
import { wrappedSpans } from './wrapped-forms.js';

export { MIN_SECRET_LENGTH, secretForms } from './secret-forms.js';

export const MASK = '[REDACTED]';

/** A secret and the name it is shown under in a preview (`[secret: token]`). */
export interface Secret {
  name: string;
  value: string;
}

export class Redactor {
  /** Forms searched for as they are. */
  private readonly plain: FormSearch;
  /** The encoded forms: searched for with or without line breaks inside them. */
  private readonly wrappable: FormSearch;
  /** Characters (bytes other than \r and \n) a stream holds back: the longest form's, less one. */
  private readonly keep: number;

  /** A plain string is a secret without a name (shown as `[secret: secret]` in a preview). */
  constructor(secrets: readonly (Secret | string)[]) {
    const named = secrets.map((s) => (typeof s === 'string' ? { name: 'secret', value: s } : s));
    // The first secret to produce a form names it.
    const encoded = named.flatMap(({ name, value }) => wrappableForms(value).map((text) => ({ text, name })));
    const wrappable = new Set(encoded.map((f) => f.text));
    this.plain = new FormSearch(named.flatMap(({ name, value }) => secretForms(value).flatMap((text) => (wrappable.has(text) ? [] : [{ text, name }]))));
    this.wrappable = new FormSearch(encoded);
    this.keep = Math.max(0, this.plain.longest - 1, this.wrappable.longest - 1);
  }

  get active(): boolean {
    return !this.plain.empty || !this.wrappable.empty;
  }

  /** Masks every form of every secret as [REDACTED]: output, errors, what is stored. */
  text(value: string): string {
    return this.active ? this.mask(Buffer.from(value, 'utf8'), () => MASK).toString('utf8') : value;
  }

  /** Masks like text(), naming the secret: what the operator sees before a step runs. */
  preview(value: string): string {
    return this.active ? this.mask(Buffer.from(value, 'utf8'), (name) => `[secret: ${name}]`).toString('utf8') : value;
  }

  /** A masker for one output stream: holds back just enough bytes to catch a split secret. */
  stream(): { push(chunk: Uint8Array): Buffer; flush(): Buffer } {
    let carry: Buffer = Buffer.alloc(0);
    return {
      push: (chunk) => {
        // No secrets: pass the bytes through without a copy (this is the hot path of every step).
        if (!this.active) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const buf = Buffer.concat([carry, chunk]);
        const spans = this.spans(buf);
        // A form that starts before `base` ends within this buffer, so it has been found; one
        // that starts after it may still be arriving, so those bytes are held back as they
        // are (not masked), to be searched again with what follows.
        // A wrapped form spreads its characters over more bytes: the bytes held back are
        // those of the last `keep` characters, line breaks between them not counted.
        const base = heldFrom(buf, this.keep);
        const chain = base - (buf.length - base);
        let cut = base;
        for (const span of spans) {
          if (span.start < base && span.end > base) {
            // A mask across the cut is held back whole: a form still arriving may overlap it
            // and belongs in the same mask. Only a chain of overlapping forms longer than a
            // form is let out (so the held bytes stay bounded and masking stays linear).
            cut = span.start >= chain ? span.start : span.end;
          }
        }
        carry = buf.subarray(cut);
        return render(
          buf.subarray(0, cut),
          spans.filter((span) => span.end <= cut),
          () => MASK,
        );
      },
      flush: () => {
        const rest = carry;
        carry = Buffer.alloc(0);
        return this.mask(rest, () => MASK);
      },
    };
  }

  private mask(buf: Buffer, label: (name: string) => string): Buffer {
    return render(buf, this.spans(buf), label);
  }

  /** Where forms occur, on one line or wrapped over several, overlapping ones merged, in order. */
  private spans(buf: Buffer): Span[] {
    const found = this.plain.spans(buf);
    for (const span of wrappedSpans(this.wrappable, buf)) found.push(span);
    return mergeSpans(found);
  }
}

/** Where the last `chars` characters of `buf` start, counting \r and \n as no character. */
function heldFrom(buf: Buffer, chars: number): number {
  let at = buf.length;
  for (let seen = 0; at > 0 && seen < chars; at--) {
    const byte = buf[at - 1];
    if (byte !== 0x0a && byte !== 0x0d) seen++;
  }
  return at;
}

function render(buf: Buffer, spans: Span[], label: (name: string) => string): Buffer {
  if (spans.length === 0) return buf;
  const parts: Buffer[] = [];
  let from = 0;
  for (const span of spans) {
    parts.push(buf.subarray(from, span.start));
    const mask = Buffer.from(label(span.name));
    if (span.wrapped) {
      // One mask per line, the line breaks kept as they were: the reader still sees the
      // lines the program printed, and none of the characters on them.
      let line = span.start;
      for (const m of buf.toString('latin1', span.start, span.end).matchAll(/\r?\n/g)) {
        parts.push(mask, buf.subarray(span.start + m.index, span.start + m.index + m[0].length));
        line = span.start + m.index + m[0].length;
      }
      if (line < span.end) parts.push(mask);
    } else parts.push(mask);
    from = span.end;
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}
