// A run's incident id is bound into its run.started event, so a row that claims another
// incident (or one the run never had, or drops it) is named as edited and the trail's is shown.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/contract/run.js';
import { GENESIS_HASH, bodySha256, eventHash } from '../../src/core/audit/chain-hash.js';
import { checkRunRecord } from '../../src/core/audit/run-record.js';
import type { StoredEvent } from '../../src/core/audit/verify-chain.js';

const SHA = 'a'.repeat(64);

function started(body: Record<string, unknown>): StoredEvent[] {
  const bodyJson = JSON.stringify({ runbook: 'book', version: '1.0.0', sha256: SHA, environment: 'dev', inputs: {}, ...body });
  const fields = { seq: 1, at: '2026-01-01T00:00:00.000Z', operator: 'ana', machine: 'm', appVersion: '1', kind: 'run.started', runId: 'r1',
    stepIdx: null, environment: 'dev', target: null, bodySha256: bodySha256(bodyJson) };
  return [{ ...fields, prevHash: GENESIS_HASH, hash: eventHash(GENESIS_HASH, fields), bodyJson }];
}

const run = (incident: string | null): Run => ({ id: 'r1', runbookId: 'book', runbookVersion: '1.0.0', runbookSha256: SHA, runbookPath: 'book.md',
  environment: 'dev', operator: 'ana', status: 'running', inputs: {}, pid: 1, host: 'h', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, incident });

describe('the incident id in the run-record check', () => {
  it('finds nothing wrong when the row and the trail agree', () => {
    expect(checkRunRecord({ run: run('INC-42'), events: started({ incident: 'INC-42' }) }).mismatches).toEqual([]);
    expect(checkRunRecord({ run: run(null), events: started({}) }).mismatches).toEqual([]);
  });

  it('names a row that was moved to another incident, and shows the trail’s', () => {
    const check = checkRunRecord({ run: run('INC-99'), events: started({ incident: 'INC-42' }) });
    expect(check.mismatches.map((m) => m.message)).toEqual([
      'runs row r1: incident says INC-99, the audit trail says INC-42 — the row was edited',
    ]);
    expect(check.run.incident).toBe('INC-42');
  });

  it('names an incident added to a run that had none, and one removed from a run that had one', () => {
    expect(checkRunRecord({ run: run('INC-7'), events: started({}) }).mismatches.map((m) => m.field)).toEqual(['incident']);
    const removed = checkRunRecord({ run: run(null), events: started({ incident: 'INC-42' }) });
    expect(removed.mismatches.map((m) => m.field)).toEqual(['incident']);
    expect(removed.run.incident).toBe('INC-42');
  });
});
