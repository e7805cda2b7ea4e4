// Signed checkpoints: an Ed25519 signature over (seq, head hash, time, key fingerprint) and, from
// format v2 on, the hash of the checkpoint before it. Without the private key nobody can rewrite
// the chain below a checkpoint and re-sign it, so a chain rehashed from some event on, or cut
// below a checkpoint, is caught; and since each v2 checkpoint names its predecessor, a
// checkpoint deleted from the middle is caught by the next one. Pure: no file access.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, sha256Hex } from './chain-hash.js';

export interface Checkpoint {
  seq: number;
  headHash: string;
  /** ISO 8601 UTC. */
  at: string;
  /** Base64 Ed25519 signature over checkpointMessage(). */
  signature: string;
  /** Of the key that signed it; see keyFingerprint(). */
  publicKeyFingerprint: string;
  /**
   * v2: checkpointHash() of the checkpoint before this one in seq order (GENESIS_HASH for the
   * first checkpoint of a chain). Absent: a v1 checkpoint, written before checkpoints were linked.
   */
  prevCheckpointHash?: string | undefined;
}

/** Recorded once, when Handrail makes a data directory's first signing key; body `{ fingerprint }`. */
export const KEY_CREATED_EVENT = 'audit.key-created';

/**
 * The exact bytes signed. A new line per field, versioned, so no field can bleed into the next.
 * v1 (no link) is kept so the checkpoints already in data directories still verify; a v2
 * message cannot be turned into a v1 one by dropping its link, because the version line and
 * the `prev=` line are signed.
 */
export function checkpointMessage(cp: Omit<Checkpoint, 'signature'>): string {
  const common = `seq=${cp.seq}\nhead=${cp.headHash}\nat=${cp.at}\nkey=${cp.publicKeyFingerprint}\n`;
  return cp.prevCheckpointHash === undefined
    ? `handrail-audit-checkpoint-v1\n${common}`
    : `handrail-audit-checkpoint-v2\n${common}prev=${cp.prevCheckpointHash}\n`;
}

/**
 * What the next checkpoint links to: hex SHA-256 of this checkpoint's message followed by
 * `sig=` and its base64 signature and a new line. v1 checkpoints have one too, so the first
 * v2 checkpoint of an upgraded data directory links to the last v1 one.
 */
export function checkpointHash(cp: Checkpoint): string {
  return sha256Hex(`${checkpointMessage(cp)}sig=${cp.signature}\n`);
}

/** What a new checkpoint links to, given the last one written (undefined: none yet). */
export function linkTo(previous: Checkpoint | undefined): string {
  return previous ? checkpointHash(previous) : GENESIS_HASH;
}

// A KeyObject cannot change, and every checkpoint check names its key's fingerprint: a
// lead's page of runs checks dozens of checkpoints against the same pinned keys, and the DER
// export behind each fingerprint cost more than the Ed25519 verification itself.
const fingerprints = new WeakMap<KeyObject, string>();

/** `SHA256:` and the hex SHA-256 of the public key's DER (SPKI) encoding. */
export function keyFingerprint(publicKey: KeyObject | string): string {
  const known = typeof publicKey === 'string' ? undefined : fingerprints.get(publicKey);
  if (known !== undefined) return known;
  // A private key works too: its public half is derived from it.
  const key = typeof publicKey === 'string' || publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const fingerprint = `SHA256:${sha256Hex(key.export({ type: 'spki', format: 'der' }))}`;
  if (typeof publicKey !== 'string') fingerprints.set(publicKey, fingerprint);
  return fingerprint;
}

/** Signs a v2 checkpoint (linked to `prevCheckpointHash`). */
export function signCheckpoint(
  privateKey: KeyObject,
  cp: Omit<Checkpoint, 'signature' | 'publicKeyFingerprint' | 'prevCheckpointHash'> & { prevCheckpointHash: string },
): Checkpoint {
  const fingerprint = keyFingerprint(createPublicKey(privateKey));
  const unsigned = { seq: cp.seq, headHash: cp.headHash, at: cp.at, publicKeyFingerprint: fingerprint, prevCheckpointHash: cp.prevCheckpointHash };
  return { ...unsigned, signature: sign(null, Buffer.from(checkpointMessage(unsigned)), privateKey).toString('base64') };
}

// Signatures already found valid, per key object, by the exact message and signature text: a
// lead's page checks each run's stretch with the checkpoint before it, which is the end of the
// run before, so most checkpoints came up twice. Ed25519 verification is a pure function of
// key, message and signature, so a remembered yes is the same yes; only the bytes as they are
// now can hit it, and a refusal is never remembered.
const validSignatures = new WeakMap<KeyObject, Set<string>>();
const REMEMBERED_PER_KEY = 10_000;

/** Whether `cp` carries a valid signature by `publicKey` (and names that key). */
export function checkpointSignatureValid(cp: Checkpoint, publicKey: KeyObject): boolean {
  if (cp.publicKeyFingerprint !== keyFingerprint(publicKey)) return false;
  const message = checkpointMessage(cp);
  const signed = `${message}sig=${cp.signature}`;
  let known = validSignatures.get(publicKey);
  if (known?.has(signed)) return true;
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(message), publicKey, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
  if (valid) {
    if (!known || known.size >= REMEMBERED_PER_KEY) validSignatures.set(publicKey, (known = new Set()));
    known.add(signed);
  }
  return valid;
}
