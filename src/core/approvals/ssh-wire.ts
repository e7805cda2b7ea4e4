// The SSH wire encoding (RFC 4251 §5): uint32-length-prefixed strings and mpints, which
// public keys, signatures and SSHSIG blobs are all made of.

export class WireReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.pos + 4 > this.buf.length) throw new Error('truncated');
    const len = this.buf.readUInt32BE(this.pos);
    const start = this.pos + 4;
    if (start + len > this.buf.length) throw new Error('truncated');
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  text(): string {
    return this.string().toString('utf8');
  }

  uint32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error('truncated');
    const value = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error('truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  done(): boolean {
    return this.pos === this.buf.length;
  }
}

export function wireString(value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** An unsigned big-endian integer as an SSH mpint: no leading zeros, a zero byte when the top bit is set. */
export function wireMpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  let body = unsigned.subarray(i);
  if (body.length > 0 && (body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return wireString(body);
}

/** An mpint's magnitude, left-padded to `size` bytes (the fixed-width form node:crypto expects). */
export function unsignedFixed(mpint: Buffer, size: number): Buffer {
  let i = 0;
  while (i < mpint.length - 1 && mpint[i] === 0) i++;
  const body = mpint.subarray(i);
  if (body.length > size) throw new Error('integer too long');
  return Buffer.concat([Buffer.alloc(size - body.length), body]);
}
