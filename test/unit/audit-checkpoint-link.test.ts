// Linked checkpoints and where verification expects one, checked on chains built in memory.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import {
  checkpointHash,
  checkpointMessage,
  checkpointSignatureValid,
  keyFingerprint,
  linkTo,
  signCheckpoint,
  type Checkpoint,
} from '../../src/core/audit/checkpoint.js';
import { ChainVerifier, type StoredEvent, type VerifyResult } from '../../src/core/audit/verify-chain.js';
import { verifyTail } from '../../src/core/audit/verify-tail.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** A chain of events of these kinds (run.* events belong to run `r<seq of its run.started>`). */
function chain(kinds: string[]): StoredEvent[] {
  let prev = GENESIS_HASH;
  let run: string | null = null;
  return kinds.map((kind, i) => {
    const seq = i + 1;
    if (kind === 'run.started') run = `r${seq}`;
    const bodyJson = JSON.stringify({ seq });
    const fields: AuditFields = { seq, at: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`, operator: 'ana', machine: 'm', appVersion: '1',
      kind, runId: kind.startsWith('run.') || kind.startsWith('step.') ? run : null, stepIdx: null, environment: null, target: null, bodySha256: bodySha256(bodyJson) };
    const hash = eventHash(prev, fields);
    const event = { ...fields, prevHash: prev, hash, bodyJson };
    prev = hash;
    return event;
  });
}

/** v2 checkpoints at these seqs, each linked to the one before, as the store writes them. */
function linked(events: StoredEvent[], seqs: number[], start?: Checkpoint): Checkpoint[] {
  const out: Checkpoint[] = [];
  let previous = start;
  for (const seq of seqs) {
    const cp = signCheckpoint(privateKey, { seq, headHash: events[seq - 1]?.hash ?? '', at: '2026-01-02T00:00:00.000Z', prevCheckpointHash: linkTo(previous) });
    out.push(cp);
    previous = cp;
  }
  return out;
}

/** A v1 checkpoint, as Handrail wrote them before checkpoints were linked. */
function v1(events: StoredEvent[], seq: number, key: KeyObject = privateKey): Checkpoint {
  const unsigned = { seq, headHash: events[seq - 1]?.hash ?? '', at: '2026-01-01T12:00:00.000Z', publicKeyFingerprint: keyFingerprint(key) };
  return { ...unsigned, signature: sign(null, Buffer.from(checkpointMessage(unsigned)), key).toString('base64') };
}

function verify(events: StoredEvent[], checkpoints: Checkpoint[]): VerifyResult {
  const verifier = new ChainVerifier(checkpoints, publicKey);
  for (const e of events) verifier.push(e);
  return verifier.finish();
}

const kinds = (r: VerifyResult) => r.problems.map((p) => [p.seq, p.kind]);

// Two runs: 1..3 and 4..6, then a note (7) and an export's checkpoint over it.
const RUNS = ['run.started', 'step.succeeded', 'run.succeeded', 'run.started', 'step.failed', 'run.failed', 'audit.exported'];

describe('checkpoint link', () => {
  it('is a hash of the signed message and the signature, and cannot be stripped to pass as v1', () => {
    const events = chain(RUNS);
    const [first] = linked(events, [3]) as [Checkpoint];
    expect(first.prevCheckpointHash).toBe(GENESIS_HASH);
    expect(checkpointSignatureValid(first, publicKey)).toBe(true);
    expect(checkpointHash(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(checkpointHash({ ...first, signature: Buffer.alloc(64).toString('base64') })).not.toBe(checkpointHash(first));
    // The same fields without the link are a v1 message, which this signature does not cover.
    const { prevCheckpointHash: _dropped, ...stripped } = first;
    expect(checkpointSignatureValid(stripped, publicKey)).toBe(false);
  });

  it('verifies a chain whose checkpoints are each linked to the one before', () => {
    const events = chain(RUNS);
    expect(verify(events, linked(events, [3, 6, 7]))).toMatchObject({ ok: true, checkpoints: 3 });
  });

  it('names a checkpoint deleted from the middle, by the link of the next one', () => {
    const events = chain(RUNS);
    const [a, , c] = linked(events, [3, 6, 7]) as [Checkpoint, Checkpoint, Checkpoint];
    // The export's checkpoint at 7 is deleted too: nothing requires one there, but 6 is a run's end.
    const dropped = verify(events, [a, c]);
    expect(kinds(dropped)).toEqual([[6, 'checkpoint-missing'], [7, 'checkpoint-missing']]);
    expect(dropped.problems[1]?.message).toContain('does not link to the checkpoint before it (seq 3)');
  });

  it('names a chain whose first checkpoints were all deleted', () => {
    const events = chain(RUNS);
    const [, b, c] = linked(events, [3, 6, 7]) as [Checkpoint, Checkpoint, Checkpoint];
    expect(kinds(verify(events, [b, c]))).toEqual([[3, 'checkpoint-missing'], [6, 'checkpoint-missing']]);
  });

  it('starts the links at the first v2 checkpoint, which links to the last v1 one', () => {
    const events = chain(RUNS);
    const old = v1(events, 3);
    expect(verify(events, [old, ...linked(events, [6, 7], old)])).toMatchObject({ ok: true });
    // Linked to nothing instead: the v1 checkpoint before it was not there when it was signed.
    expect(kinds(verify(events, [old, ...linked(events, [6, 7])]))).toEqual([[6, 'checkpoint-missing']]);
  });
});

describe('expected checkpoints', () => {
  it('names the missing checkpoint of a finished run, with the run', () => {
    const events = chain(RUNS);
    const result = verify(events, linked(events, [3]));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ seq: 6, kind: 'checkpoint-missing' });
    expect(result.problems[0]?.message).toContain('run r4 ended there (run.failed)');
  });

  it('expects one at an interrupted or aborted run from the first linked checkpoint on, not before', () => {
    const events = chain(['run.started', 'run.interrupted', 'run.started', 'run.aborted', 'run.started', 'run.aborted']);
    // Written by an earlier Handrail, which signed neither: still intact.
    expect(verify(events.slice(0, 4), [])).toMatchObject({ ok: true });
    // After the first v2 checkpoint (at 5), an abort without its checkpoint is named.
    const cps = linked(events, [5]);
    expect(kinds(verify(events, cps))).toEqual([[6, 'checkpoint-missing']]);
    expect(verify(events, [...cps, ...linked(events, [6], cps[0])])).toMatchObject({ ok: true });
  });

  it('expects one at an acknowledgement', () => {
    const events = chain(['run.started', 'run.succeeded', 'audit.acknowledged']);
    const first = linked(events, [2]);
    expect(kinds(verify(events, first))).toEqual([[3, 'checkpoint-missing']]);
    expect(verify(events, [...first, ...linked(events, [3], first[0])])).toMatchObject({ ok: true });
  });

  it('names a run that ended in the unsigned tail at start-up', () => {
    const events = chain(RUNS);
    const cps = linked(events, [3]);
    const tail = verifyTail(events.slice(2), cps, publicKey);
    expect(tail.problem).toMatchObject({ seq: 6, kind: 'checkpoint-missing' });
    expect(verifyTail(events.slice(2, 4), cps, publicKey).problem).toBeNull();
  });

  it('checks the last checkpoint’s link at start-up', () => {
    const events = chain(RUNS);
    const [a, b, c] = linked(events, [3, 6, 7]) as [Checkpoint, Checkpoint, Checkpoint];
    expect(verifyTail(events.slice(6), [a, b, c], publicKey).problem).toBeNull();
    // The one before the last was deleted (and the run it signed was not rewritten).
    expect(verifyTail(events.slice(6), [a, c], publicKey).problem).toMatchObject({ kind: 'checkpoint-missing', seq: 7 });
  });
});

describe('the recorded key', () => {
  it('names a key other than the one whose creation the chain records, and a missing one', () => {
    const other = keyFingerprint(generateKeyPairSync('ed25519').publicKey);
    const forged = chainWithBody(JSON.stringify({ fingerprint: other }));
    const result = verify(forged, linked(forged, [3]));
    expect(kinds(result)).toEqual([[1, 'key-replaced']]);
    expect(result.problems[0]?.message).toContain(other);

    const honest = chainWithBody(JSON.stringify({ fingerprint: keyFingerprint(publicKey) }));
    expect(verify(honest, linked(honest, [3]))).toMatchObject({ ok: true });
    // keys/ gone and every checkpoint deleted: the recorded creation still names it.
    const verifier = new ChainVerifier([], undefined);
    for (const e of honest) verifier.push(e);
    expect(kinds(verifier.finish())).toEqual([[1, 'key-missing'], [3, 'checkpoint-missing']]);
  });
});

/** key-created (with this body), then one run. */
function chainWithBody(bodyJson: string): StoredEvent[] {
  const base = chain(['audit.key-created', 'run.started', 'run.succeeded']);
  const out: StoredEvent[] = [];
  let prev = GENESIS_HASH;
  for (const e of base) {
    const withBody = e.seq === 1 ? { ...e, bodyJson, bodySha256: bodySha256(bodyJson) } : e;
    const hash = eventHash(prev, withBody);
    out.push({ ...withBody, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}
