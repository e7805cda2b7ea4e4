// The audit chain's hash, defined once so the store, `audit verify` and (later) the verifier
// of an export on another machine compute the same bytes. Pure: no I/O.
//
//   hash = SHA-256( prev_hash as 32 raw bytes ‖ enc(seq) ‖ enc(at) ‖ enc(operator) ‖ enc(machine)
//                   ‖ enc(app_version) ‖ enc(kind) ‖ enc(run_id) ‖ enc(step_idx) ‖ enc(environment)
//                   ‖ enc(target) ‖ enc(body_sha256) )
//
//   enc(null)  = 0x00
//   enc(value) = 0x01 ‖ uint32 big-endian byte length ‖ UTF-8 bytes of the value
//                (numbers as their decimal text, e.g. seq 12 → "12")
//
// The length prefix (and the null tag) keep field boundaries unambiguous: moving a character
// from `operator` into `machine`, or turning "" into null, changes the hash. The genesis event
// (seq 1) has prev_hash = 64 zeros. Changing any of this is a new chain format, never an edit.
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The chained fields of one event, in hash order (prev_hash and hash excluded). */
export interface AuditFields {
  seq: number;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  operator: string;
  machine: string;
  appVersion: string;
  kind: string;
  runId: string | null;
  stepIdx: number | null;
  environment: string | null;
  target: string | null;
  /** SHA-256 (hex) of the body's stored JSON text; the body itself lives beside the chain. */
  bodySha256: string;
}

export interface ChainedEvent extends AuditFields {
  prevHash: string;
  hash: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

// The one-shot hash: for inputs of a few hundred bytes, as every event and body is, a Hash
// object's construction cost about as much as the hashing (a lead's page checks thousands).
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** SHA-256 of the exact body text stored (UTF-8), so a body can be checked without parsing it. */
export function bodySha256(bodyJson: string): string {
  return sha256Hex(bodyJson);
}

export function eventHash(prevHash: string, fields: AuditFields): string {
  if (!HEX64.test(prevHash)) throw new Error(`prev_hash must be 64 lowercase hex digits, got ${JSON.stringify(prevHash)}`);
  const texts = [
    fields.seq,
    fields.at,
    fields.operator,
    fields.machine,
    fields.appVersion,
    fields.kind,
    fields.runId,
    fields.stepIdx,
    fields.environment,
    fields.target,
    fields.bodySha256,
  ].map((value) => (value === null ? null : typeof value === 'number' ? String(value) : value));
  // One buffer and one update per event: `audit verify` recomputes a million of these, and a
  // buffer per field cost more than the hashing itself. The bytes are those described above.
  let size = 32;
  for (const text of texts) size += text === null ? 1 : 5 + Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafe(size);
  bytes.write(prevHash, 0, 32, 'hex');
  let at = 32;
  for (const text of texts) {
    if (text === null) {
      bytes[at++] = 0;
      continue;
    }
    bytes[at] = 1;
    const length = bytes.write(text, at + 5, 'utf8');
    bytes.writeUInt32BE(length, at + 1);
    at += 5 + length;
  }
  return hash('sha256', bytes, 'hex');
}
