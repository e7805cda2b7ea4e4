// A key's fingerprint is remembered per key object (a lead's page checks dozens of checkpoints
// against the same pinned keys): asked in any order, each key still gets its own, the same as
// computed afresh from its DER, and a private key the fingerprint of its public half.
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/core/audit/checkpoint.js';

function fresh(key: KeyObject): string {
  return `SHA256:${createHash('sha256').update((key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

describe('keyFingerprint', () => {
  it('gives each key its own fingerprint however often and in whatever order it is asked', () => {
    const a = generateKeyPairSync('ed25519');
    const b = generateKeyPairSync('ed25519');
    const asked = [a.publicKey, b.publicKey, a.publicKey, b.privateKey, a.privateKey, b.publicKey].map(keyFingerprint);
    expect(asked).toEqual([fresh(a.publicKey), fresh(b.publicKey), fresh(a.publicKey), fresh(b.publicKey), fresh(a.publicKey), fresh(b.publicKey)]);
    expect(fresh(a.publicKey)).not.toBe(fresh(b.publicKey));
    const pem = a.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyFingerprint(pem)).toBe(fresh(a.publicKey));
  });
});
