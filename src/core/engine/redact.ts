// Secrets are masked before anything is shown, stored or hashed: the value itself and every
// form it commonly leaks in (see secret-forms.ts), also when a form is split across two
// output chunks.
import { secretForms } from './secret-forms.js';

export { MIN_SECRET_LENGTH, secretForms } from './secret-forms.js';

export const MASK = '[REDACTED]';

/** A secret and the name it is shown under in a preview (`[secret: token]`). */
export interface Secret {
  name: string;
  value: string;
}

interface Form {
  bytes: Buffer;
  name: string;
}

/**
 * A form that contains no other form. Only these are searched for; a longer form that
 * contains one (the whole base64 contains its aligned middle) is checked where its anchor
 * was found. That keeps masking to a few indexOf per chunk however many forms there are.
 */
interface Anchor extends Form {
  wider: { form: Form; at: number }[];
}

interface Span {
  start: number;
  end: number;
  name: string;
}

export class Redactor {
  private readonly anchors: Anchor[];
  private readonly keep: number;

  /** A plain string is a secret without a name (shown as `[secret: secret]` in a preview). */
  constructor(secrets: readonly (Secret | string)[]) {
    const byForm = new Map<string, string>();
    for (const s of secrets) {
      const { name, value } = typeof s === 'string' ? { name: 'secret', value: s } : s;
      // The first secret to produce a form names it.
      for (const form of secretForms(value)) if (!byForm.has(form)) byForm.set(form, name);
    }
    const forms = [...byForm].map(([text, name]) => ({ text, name })).sort((a, b) => a.text.length - b.text.length);
    const anchors: Anchor[] = [];
    for (const { text, name } of forms) {
      const form = { bytes: Buffer.from(text, 'utf8'), name };
      // Shortest first: any form this one contains is already an anchor or inside one.
      const inner = anchors.find((a) => text.includes(a.bytes.toString('utf8')));
      if (inner === undefined) {
        anchors.push({ ...form, wider: [] });
        continue;
      }
      const innerText = inner.bytes.toString('utf8');
      for (let at = text.indexOf(innerText); at !== -1; at = text.indexOf(innerText, at + 1)) {
        inner.wider.push({ form, at: Buffer.byteLength(text.slice(0, at)) });
      }
    }
    this.anchors = anchors;
    const longest = Math.max(0, ...forms.map((f) => Buffer.byteLength(f.text)));
    this.keep = Math.max(0, longest - 1);
  }

  get active(): boolean {
    return this.anchors.length > 0;
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
        const base = Math.max(0, buf.length - this.keep);
        let cut = base;
        for (const span of spans) {
          if (span.start < base && span.end > base) {
            // A mask across the cut is held back whole: a form still arriving may overlap it
            // and belongs in the same mask. Only a chain of overlapping forms longer than a
            // form is let out (so the held bytes stay bounded and masking stays linear).
            cut = span.start >= base - this.keep ? span.start : span.end;
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

  /** Where forms occur, overlapping ones merged, in order. */
  private spans(buf: Buffer): Span[] {
    const found: Span[] = [];
    for (const anchor of this.anchors) {
      for (let at = buf.indexOf(anchor.bytes); at !== -1; at = buf.indexOf(anchor.bytes, at + 1)) {
        found.push({ start: at, end: at + anchor.bytes.length, name: anchor.name });
        for (const { form, at: offset } of anchor.wider) {
          const start = at - offset;
          const end = start + form.bytes.length;
          if (start >= 0 && end <= buf.length && buf.compare(form.bytes, 0, form.bytes.length, start, end) === 0) {
            found.push({ start, end, name: form.name });
          }
        }
      }
    }
    // Overlapping matches (a form inside a wider one, two secrets sharing bytes) become one mask.
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Span[] = [];
    for (const span of found) {
      const last = merged.at(-1);
      if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
      else merged.push({ ...span });
    }
    return merged;
  }
}

function render(buf: Buffer, spans: Span[], label: (name: string) => string): Buffer {
  if (spans.length === 0) return buf;
  const parts: Buffer[] = [];
  let from = 0;
  for (const span of spans) {
    parts.push(buf.subarray(from, span.start), Buffer.from(label(span.name)));
    from = span.end;
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}
