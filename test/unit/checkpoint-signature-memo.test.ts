// A checkpoint signature found valid is remembered per key object (a lead's page meets most
// checkpoints twice). What is remembered is the exact message and signature: once a
// checkpoint verified, the same checkpoint with any field or its signature altered is still
// refused, and another key never inherits the yes.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../src/core/audit/chain-hash.js';
import { checkpointSignatureValid, signCheckpoint } from '../../src/core/audit/checkpoint.js';

describe('a remembered checkpoint signature', () => {
  it('vouches for those exact bytes only, and only under the key that verified them', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const cp = signCheckpoint(privateKey, { seq: 7, headHash: 'd'.repeat(64), at: '2026-01-01T00:00:00.000Z', prevCheckpointHash: GENESIS_HASH });
    expect(checkpointSignatureValid(cp, publicKey)).toBe(true);
    expect(checkpointSignatureValid(cp, publicKey)).toBe(true);
    expect(checkpointSignatureValid({ ...cp, seq: 8 }, publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...cp, headHash: 'e'.repeat(64) }, publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...cp, prevCheckpointHash: undefined }, publicKey)).toBe(false);
    const other = signCheckpoint(privateKey, { seq: 9, headHash: 'd'.repeat(64), at: '2026-01-01T00:00:00.000Z', prevCheckpointHash: GENESIS_HASH });
    expect(checkpointSignatureValid({ ...cp, signature: other.signature }, publicKey)).toBe(false);
    // The same public key read again is checked afresh, and a second key pair is refused.
    expect(checkpointSignatureValid(cp, createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })))).toBe(true);
    const stranger = generateKeyPairSync('ed25519').publicKey;
    expect(checkpointSignatureValid(cp, stranger)).toBe(false);
  });
});
