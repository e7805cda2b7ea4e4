// Finding a set of secret forms in a buffer with a few native indexOf calls, however many
// forms there are.

export interface Span {
  start: number;
  end: number;
  name: string;
  /** The span holds line breaks that wrapping put inside a form: each line is masked apart. */
  wrapped?: boolean;
}

interface Form {
  bytes: Buffer;
  name: string;
}

/**
 * A form that contains no other form. Only these are searched for; a longer form that
 * contains one (the whole base64 contains its aligned middle) is checked where its anchor
 * was found.
 */
interface Anchor extends Form {
  text: string;
  wider: { form: Form; at: number }[];
}

export class FormSearch {
  private readonly anchors: Anchor[];
  /** Bytes of the longest form. */
  readonly longest: number;

  /** Forms with the name each is shown under; the first to give a text names it. */
  constructor(named: Iterable<{ text: string; name: string }>) {
    const byForm = new Map<string, string>();
    for (const { text, name } of named) if (!byForm.has(text)) byForm.set(text, name);
    const forms = [...byForm].map(([text, name]) => ({ text, name })).sort((a, b) => a.text.length - b.text.length);
    const anchors: Anchor[] = [];
    for (const { text, name } of forms) {
      const form = { bytes: Buffer.from(text, 'utf8'), name };
      // Shortest first: any form this one contains is already an anchor or inside one.
      const inner = anchors.find((a) => text.includes(a.text));
      if (inner === undefined) {
        anchors.push({ ...form, text, wider: [] });
        continue;
      }
      for (let at = text.indexOf(inner.text); at !== -1; at = text.indexOf(inner.text, at + 1)) {
        inner.wider.push({ form, at: Buffer.byteLength(text.slice(0, at)) });
      }
    }
    this.anchors = anchors;
    this.longest = Math.max(0, ...forms.map((f) => Buffer.byteLength(f.text)));
  }

  get empty(): boolean {
    return this.anchors.length === 0;
  }

  /** Whether any form occurs in `text` (a cheap first look; `spans` says where). */
  occursIn(text: string): boolean {
    return this.anchors.some((a) => text.includes(a.text));
  }

  /** Where forms occur, unmerged, in no particular order. */
  spans(buf: Buffer): Span[] {
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
    return found;
  }
}

/** Overlapping matches (a form inside a wider one, two secrets sharing bytes) become one span, in order. */
export function mergeSpans(found: Span[]): Span[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of found) {
    const last = merged.at(-1);
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      if (span.wrapped) last.wrapped = true;
    } else merged.push({ ...span });
  }
  return merged;
}
