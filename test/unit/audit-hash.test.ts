import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { checkpointSignatureValid, keyFingerprint, signCheckpoint } from '../../src/core/audit/checkpoint.js';

const fields: AuditFields = {
  seq: 1, at: '2026-01-01T00:00:00.000Z', operator: 'ana', machine: 'box', appVersion: '0.1.0', kind: 'run.started',
  runId: 'r1', stepIdx: null, environment: 'pilot', target: null, bodySha256: 'a'.repeat(64),
};

describe('audit chain hash', () => {
  it('is stable and depends on the previous hash', () => {
    expect(eventHash(GENESIS_HASH, fields)).toBe(eventHash(GENESIS_HASH, { ...fields }));
    expect(eventHash(GENESIS_HASH, fields)).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash('1'.repeat(64), fields)).not.toBe(eventHash(GENESIS_HASH, fields));
  });

  it('keeps field boundaries: moved characters, null versus empty, and every field count', () => {
    const base = eventHash(GENESIS_HASH, fields);
    expect(eventHash(GENESIS_HASH, { ...fields, operator: 'anab', machine: 'ox' })).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...fields, target: '' })).not.toBe(base);
    expect(eventHash(GENESIS_HASH, { ...fields, stepIdx: 0 })).not.toBe(base);
    for (const key of Object.keys(fields) as (keyof AuditFields)[]) {
      const changed = { ...fields, [key]: typeof fields[key] === 'number' ? 2 : `${String(fields[key])}x` };
      expect(eventHash(GENESIS_HASH, changed), key).not.toBe(base);
    }
  });

  it('refuses a malformed previous hash', () => {
    expect(() => eventHash('xyz', fields)).toThrow(/64 lowercase hex/);
  });
});

describe('audit checkpoints', () => {
  it('verify with the signing key only, and not once altered', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const cp = signCheckpoint(privateKey, { seq: 5, headHash: 'b'.repeat(64), at: '2026-01-01T00:00:00.000Z', prevCheckpointHash: GENESIS_HASH });
    expect(cp.publicKeyFingerprint).toBe(keyFingerprint(publicKey));
    expect(checkpointSignatureValid(cp, publicKey)).toBe(true);
    expect(checkpointSignatureValid({ ...cp, seq: 6 }, publicKey)).toBe(false);
    expect(checkpointSignatureValid({ ...cp, headHash: 'c'.repeat(64) }, publicKey)).toBe(false);
    expect(checkpointSignatureValid(cp, generateKeyPairSync('ed25519').publicKey)).toBe(false);
  });
});
