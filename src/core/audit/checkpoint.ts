// Signed checkpoints: an Ed25519 signature over (seq, head hash, time, key fingerprint). Without
// the private key nobody can rewrite the chain below a checkpoint and re-sign it, so a chain
// rehashed from some event on, or cut below a checkpoint, is caught. Pure: no file access.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { sha256Hex } from './chain-hash.js';

export interface Checkpoint {
  seq: number;
  headHash: string;
  /** ISO 8601 UTC. */
  at: string;
  /** Base64 Ed25519 signature over checkpointMessage(). */
  signature: string;
  /** Of the key that signed it; see keyFingerprint(). */
  publicKeyFingerprint: string;
}

/** The exact bytes signed. A new line per field, versioned, so no field can bleed into the next. */
export function checkpointMessage(cp: Omit<Checkpoint, 'signature'>): string {
  return `handrail-audit-checkpoint-v1\nseq=${cp.seq}\nhead=${cp.headHash}\nat=${cp.at}\nkey=${cp.publicKeyFingerprint}\n`;
}

/** `SHA256:` and the hex SHA-256 of the public key's DER (SPKI) encoding. */
export function keyFingerprint(publicKey: KeyObject | string): string {
  // A private key works too: its public half is derived from it.
  const key = typeof publicKey === 'string' || publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  return `SHA256:${sha256Hex(key.export({ type: 'spki', format: 'der' }))}`;
}

export function signCheckpoint(privateKey: KeyObject, cp: Omit<Checkpoint, 'signature' | 'publicKeyFingerprint'>): Checkpoint {
  const fingerprint = keyFingerprint(createPublicKey(privateKey));
  const unsigned = { ...cp, publicKeyFingerprint: fingerprint };
  return { ...unsigned, signature: sign(null, Buffer.from(checkpointMessage(unsigned)), privateKey).toString('base64') };
}

/** Whether `cp` carries a valid signature by `publicKey` (and names that key). */
export function checkpointSignatureValid(cp: Checkpoint, publicKey: KeyObject): boolean {
  if (cp.publicKeyFingerprint !== keyFingerprint(publicKey)) return false;
  try {
    return verify(null, Buffer.from(checkpointMessage(cp)), publicKey, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}
