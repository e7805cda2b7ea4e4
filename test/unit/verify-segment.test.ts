// A stretch of a machine's chain, as a lead's listing checks each run it shows: from the
// run's first event to its last, against the key pinned for the machine.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { linkTo, signCheckpoint, type Checkpoint } from '../../src/core/audit/checkpoint.js';
import { runFromChain } from '../../src/core/audit/team-run.js';
import type { StoredEvent } from '../../src/core/audit/verify-chain.js';
import { verifySegment } from '../../src/core/audit/verify-segment.js';

const pinned = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

/** Two runs of four events each (seq 1-4, 5-8), each end signed, as a machine writes them. */
function chain(): { events: StoredEvent[]; checkpoints: Checkpoint[] } {
  const events: StoredEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  let prev = GENESIS_HASH;
  const kinds = ['run.started', 'step.running', 'step.succeeded', 'run.succeeded'];
  for (let r = 0; r < 2; r++) {
    for (const [i, kind] of kinds.entries()) {
      const seq = events.length + 1;
      const bodyJson = JSON.stringify(i === 0 ? { runbook: 'rb', version: '1.0.0', sha256: 'a'.repeat(64), environment: 'dev', inputs: {} } : { attempt: 1, exitCode: 0 });
      const fields: AuditFields = {
        seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), operator: 'ana', machine: 'laptop-a', appVersion: '0.1.0', kind, runId: `run-${r}`,
        stepIdx: i === 1 || i === 2 ? 0 : null, environment: 'dev', target: null, bodySha256: bodySha256(bodyJson),
      };
      const hash = eventHash(prev, fields);
      events.push({ ...fields, prevHash: prev, hash, bodyJson });
      prev = hash;
      if (kind === 'run.succeeded') checkpoints.push(signCheckpoint(pinned.privateKey, { seq, headHash: hash, at: fields.at, prevCheckpointHash: linkTo(checkpoints.at(-1)) }));
    }
  }
  return { events, checkpoints };
}

describe('verifySegment', () => {
  it("passes the second run's stretch, its first link taken on trust, with the checkpoint before it", () => {
    const { events, checkpoints } = chain();
    expect(verifySegment(5, events.slice(4), checkpoints, pinned.publicKey)).toEqual({ events: 4, problems: [] });
  });

  it('names an event whose body was rewritten in the ledger', () => {
    const { events, checkpoints } = chain();
    events[5] = { ...events[5]!, bodyJson: '{"attempt":2}' };
    expect(verifySegment(5, events.slice(4), checkpoints, pinned.publicKey).problems[0]).toMatchObject({ seq: 6, kind: 'body-edited' });
  });

  it('names a stretch rehashed from an event on: its end no longer matches the signed checkpoint', () => {
    const { events, checkpoints } = chain();
    let prev = events[4]!.hash;
    for (let i = 5; i < 8; i++) {
      const fields = { ...events[i]!, operator: i === 5 ? 'mallory' : events[i]!.operator };
      const hash = eventHash(prev, fields);
      events[i] = { ...fields, prevHash: prev, hash };
      prev = hash;
    }
    expect(verifySegment(5, events.slice(4), checkpoints, pinned.publicKey).problems.map((p) => p.kind)).toContain('checkpoint-mismatch');
  });

  it('names a checkpoint signed by a key other than the pinned one', () => {
    const { events, checkpoints } = chain();
    const forged = signCheckpoint(other.privateKey, { seq: 8, headHash: events[7]!.hash, at: events[7]!.at, prevCheckpointHash: linkTo(checkpoints[0]) });
    expect(verifySegment(5, events.slice(4), [checkpoints[0]!, forged], pinned.publicKey).problems[0]).toMatchObject({ seq: 8, kind: 'bad-signature' });
  });

  it('names a run end whose signed checkpoint is missing', () => {
    const { events, checkpoints } = chain();
    expect(verifySegment(5, events.slice(4), [checkpoints[0]!], pinned.publicKey).problems[0]).toMatchObject({ seq: 8, kind: 'checkpoint-missing' });
  });
});

describe('runFromChain', () => {
  it('rebuilds a run, its steps and their times from its events alone', () => {
    const { events } = chain();
    const view = runFromChain('run-1', events.slice(4), [{ title: 'Check', kind: 'sh', target: 'app' }]);
    expect(view?.run).toMatchObject({ id: 'run-1', runbookId: 'rb', status: 'succeeded', operator: 'ana', host: 'laptop-a', environment: 'dev' });
    expect(view?.steps).toEqual([expect.objectContaining({ idx: 0, title: 'Check', status: 'succeeded', attempt: 1, exitCode: 0, startedAt: events[5]!.at, finishedAt: events[6]!.at })]);
  });
});
