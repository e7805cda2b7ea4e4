// Secrets are masked before anything is shown, stored or hashed: the value itself and the
// forms it commonly leaks in (base64, URL-encoded, JSON-escaped), also when a value is
// split across two output chunks.

export const MASK = '[REDACTED]';

/** Shorter values are not masked: they would mask half of every output. */
export const MIN_SECRET_LENGTH = 4;

export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = new Set([
    secret,
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  // Longest first, so a form that contains another is masked whole.
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

export class Redactor {
  private readonly forms: Buffer[];
  private readonly keep: number;

  constructor(secrets: string[]) {
    this.forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length).map((f) => Buffer.from(f, 'utf8'));
    this.keep = Math.max(0, ...this.forms.map((f) => f.length - 1));
  }

  get active(): boolean {
    return this.forms.length > 0;
  }

  text(value: string): string {
    return this.active ? this.mask(Buffer.from(value, 'utf8')).toString('utf8') : value;
  }

  /** A masker for one output stream: holds back just enough bytes to catch a split secret. */
  stream(): { push(chunk: Uint8Array): Buffer; flush(): Buffer } {
    let carry: Buffer = Buffer.alloc(0);
    return {
      push: (chunk) => {
        // No secrets: pass the bytes through without a copy (this is the hot path of every step).
        if (!this.active) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const masked = this.mask(Buffer.concat([carry, chunk]));
        const cut = Math.max(0, masked.length - this.keep);
        carry = masked.subarray(cut);
        return masked.subarray(0, cut);
      },
      flush: () => {
        const rest = carry;
        carry = Buffer.alloc(0);
        return rest;
      },
    };
  }

  private mask(buf: Buffer): Buffer {
    let out = buf;
    const mask = Buffer.from(MASK);
    for (const form of this.forms) {
      let at = out.indexOf(form);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(out.subarray(from, at), mask);
        from = at + form.length;
        at = out.indexOf(form, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }
}
