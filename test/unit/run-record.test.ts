// The run-record check on its own: a run's rows against the events the engine records for a
// crash, an in-doubt decision and a resume (no false alarm), and an edit of each kind named.
import { describe, expect, it } from 'vitest';
import type { Run, RunStep } from '../../src/contract/run.js';
import { GENESIS_HASH, bodySha256, eventHash } from '../../src/core/audit/chain-hash.js';
import { checkRunRecord } from '../../src/core/audit/run-record.js';
import type { StoredEvent } from '../../src/core/audit/verify-chain.js';

const SHA = 'a'.repeat(64);

function chain(events: { kind: string; at: string; operator?: string; stepIdx?: number; body: unknown }[]): StoredEvent[] {
  let prev = GENESIS_HASH;
  return events.map((e, i) => {
    const bodyJson = JSON.stringify(e.body);
    const fields = { seq: i + 1, at: e.at, operator: e.operator ?? 'ana', machine: 'm', appVersion: '1', kind: e.kind, runId: 'r1',
      stepIdx: e.stepIdx ?? null, environment: 'dev', target: null, bodySha256: bodySha256(bodyJson) };
    const hash = eventHash(prev, fields);
    const stored = { ...fields, prevHash: prev, hash, bodyJson };
    prev = hash;
    return stored;
  });
}

const run: Run = { id: 'r1', runbookId: 'book', runbookVersion: '1.0.0', runbookSha256: SHA, runbookPath: 'book.md', environment: 'dev', operator: 'ana',
  status: 'succeeded', inputs: { n: '3' }, pid: 1, host: 'h', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:05:00.000Z' };
const step = (idx: number, over: Partial<RunStep>): RunStep => ({ runId: 'r1', idx, title: `s${idx}`, kind: 'sh', target: null, status: 'succeeded', attempt: 1,
  exitCode: 0, signal: null, reason: null, note: null, startedAt: null, finishedAt: null, ...over });

// Step 1 runs, Handrail is killed while step 2 runs, the run is resumed, step 2 is marked done by the operator, the run succeeds.
const events = chain([
  { kind: 'run.started', at: '2026-01-01T00:00:00.004Z', body: { runbook: 'book', version: '1.0.0', sha256: SHA, environment: 'dev', inputs: { n: '3' } } },
  { kind: 'step.running', at: '2026-01-01T00:00:01.000Z', stepIdx: 0, body: { attempt: 1 } },
  { kind: 'step.succeeded', at: '2026-01-01T00:00:02.000Z', stepIdx: 0, body: { exitCode: 0, signal: null, reason: null } },
  { kind: 'step.running', at: '2026-01-01T00:00:03.000Z', stepIdx: 1, body: { attempt: 1 } },
  { kind: 'run.interrupted', at: '2026-01-01T00:01:00.000Z', body: { pid: 1, host: 'h', inDoubtSteps: [1] } },
  { kind: 'run.resumed', at: '2026-01-01T00:04:00.000Z', operator: 'bo', body: { previous: 'interrupted' } },
  { kind: 'step.decided', at: '2026-01-01T00:04:01.000Z', stepIdx: 1, body: { action: 'done', note: 'checked by hand' } },
  { kind: 'step.succeeded', at: '2026-01-01T00:04:02.000Z', stepIdx: 1, body: { note: 'checked by hand', reason: 'marked done by the operator after a crash' } },
  { kind: 'run.succeeded', at: '2026-01-01T00:05:00.002Z', body: { status: 'succeeded' } },
]);
const steps = [step(0, {}), step(1, { exitCode: null, note: 'checked by hand', reason: 'marked done by the operator after a crash' })];

describe('checkRunRecord', () => {
  it('finds nothing wrong with the rows of a crashed, resumed run', () => {
    expect(checkRunRecord({ run, steps, events, sourceSha256: SHA }).mismatches).toEqual([]);
  });

  it('names each edited column with the chain’s value, and shows that value', () => {
    const edited = { ...run, environment: 'prod', inputs: { n: '300' }, finishedAt: '2026-01-02T00:00:00.000Z' };
    const check = checkRunRecord({ run: edited, steps: [step(0, { attempt: 2 }), steps[1]!], events, sourceSha256: 'b'.repeat(64) });
    expect(check.mismatches.map((m) => `${m.table}.${m.field}@${m.seq}`)).toEqual([
      'runs.environment@1', 'runs.inputs_json@1', 'runs.finished_at@9', 'runs.runbook_source@1', 'steps.attempt@3',
    ]);
    expect(check.run).toMatchObject({ environment: 'dev', inputs: { n: '3' }, finishedAt: '2026-01-01T00:05:00.002Z' });
    expect(check.steps[0]?.attempt).toBe(1);
  });

  it('says a step the chain has in doubt is in doubt, whatever its row says', () => {
    const check = checkRunRecord({ run: { ...run, status: 'interrupted', finishedAt: null }, steps: [steps[0]!, step(1, { status: 'succeeded' })], events: events.slice(0, 5) });
    expect(check.mismatches.map((m) => m.message)).toEqual([
      'steps row r1 step 2: status says succeeded, the audit trail says in-doubt — the row was edited',
      'steps row r1 step 2: exit_code says 0, the audit trail says (nothing) — the row was edited',
    ]);
  });

  it('does not trust an event whose hash no longer holds', () => {
    const forged = events.map((e) => (e.seq === 9 ? { ...e, bodyJson: '{"status":"failed"}' } : e));
    expect(checkRunRecord({ run, steps, events: forged }).mismatches[0]?.message).toBe(
      'event 9 (run.succeeded) of run r1 no longer matches its hash: the audit trail itself was edited; run handrail audit verify',
    );
  });
});
