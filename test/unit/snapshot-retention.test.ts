import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/contract/snapshot.js';
import { snapshotsToDelete } from '../../src/core/snapshots/retention.js';

const now = new Date('2026-11-22T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const snap = (id: string, ageDays: number, bytes: number, runId: string | null = null): Snapshot => ({
  id, runId, step: null, environment: 'dev', target: 'db', kind: 'sqlite', location: '/db', path: `/s/${id}`, bytes,
  sha256: 'a'.repeat(64), verified: true, reason: 'step', operator: 'x', createdAt: daysAgo(ageDays), deletedAt: null,
});
const GB = 1024 ** 3;

describe('snapshot retention', () => {
  it('deletes snapshots older than keep-days', () => {
    const all = [snap('old', 20, 1), snap('mid', 5, 1), snap('new', 0.5, 1)];
    expect(snapshotsToDelete(all, { keepDays: 14, maxBytes: 10 * GB }, now, new Set()).map((s) => s.id)).toEqual(['old']);
  });

  it('deletes the oldest while over max size, never the last 24 hours', () => {
    const all = [snap('a', 5, 4 * GB), snap('b', 3, 4 * GB), snap('c', 2, 4 * GB), snap('today', 0.1, 9 * GB)];
    expect(snapshotsToDelete(all, { keepDays: 14, maxBytes: 10 * GB }, now, new Set()).map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('never deletes a snapshot of a run that is still open', () => {
    const all = [snap('open', 30, 4 * GB, 'run-1'), snap('closed', 30, 4 * GB, 'run-2')];
    expect(snapshotsToDelete(all, { keepDays: 14, maxBytes: 0 }, now, new Set(['run-1'])).map((s) => s.id)).toEqual(['closed']);
  });
});
