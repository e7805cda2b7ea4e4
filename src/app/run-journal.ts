// The engine's journal, written into the app database. Every call commits before it
// returns; the store runs with synchronous=FULL, so "recorded" means on disk.
import { rmSync } from 'node:fs';
import type { Run } from '../contract/run.js';
import type { OutputStream } from '../core/engine/ports.js';
import type { RunJournal, StepChange } from '../core/engine/run-ports.js';
import type { SnapshotResult } from '../core/engine/ports.js';
import type { RunStore } from '../store/run-store.js';
import type { SnapshotStore } from '../store/snapshot-store.js';
import { newId } from './ids.js';
import { realLocationOf } from './snapshot-file.js';

/** Output is stored in chunks of this size (readers page through output chunk by chunk). */
const BATCH_BYTES = 1024 * 1024;
/**
 * Several chunks go into one commit (or whatever came in FLUSH_MS): under synchronous=FULL each
 * commit is an fsync, and one per MiB was a third of the time of a step printing fast.
 */
const COMMIT_BYTES = 8 * BATCH_BYTES;
const FLUSH_MS = 250;

export function storeJournal(store: RunStore, snapshots: SnapshotStore, run: Run): RunJournal & { close(): void } {
  const { id: runId, operator } = run;
  let pending: { idx: number; attempt: number; stream: OutputStream; chunks: Uint8Array[]; bytes: number } | undefined;
  const cutReported = new Set<string>();
  const flush = () => {
    if (!pending) return;
    const { idx, attempt, stream, chunks } = pending;
    pending = undefined;
    const data = Buffer.concat(chunks);
    store.atomically(() => {
      for (let at = 0; at < data.length || at === 0; at += BATCH_BYTES) {
        const totals = store.appendOutput(runId, idx, attempt, stream, data.subarray(at, at + BATCH_BYTES), operator);
        if (totals.cutBytes > 0 && !cutReported.has(`${idx}/${attempt}`)) {
          // The output goes on; only its storage stops. Say so once, where a reviewer looks.
          cutReported.add(`${idx}/${attempt}`);
          store.appendEvent({ operator, kind: 'output.cut', runId, stepIdx: idx, body: { attempt, storedBytes: totals.storedBytes } });
        }
      }
    });
  };
  // The first failure to write (a full disk, mostly) sticks: output arrives in a child's
  // 'data' handler and on a timer, where a throw would kill the process with a stack trace.
  // It is kept and thrown by the next state change instead, so the engine stops there and
  // the step's end is never recorded on top of output that was lost.
  let fault: { error: unknown } | undefined;
  const recording = <T>(write: () => T): T => {
    if (fault) throw fault.error;
    try {
      return write();
    } catch (error) {
      fault = { error };
      throw error;
    }
  };
  const timer = setInterval(() => {
    try {
      recording(flush);
    } catch {
      // kept in `fault`, thrown by the next state change
    }
  }, FLUSH_MS);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      recording(flush);
    },
    setStep(idx: number, status, change: StepChange = {}) {
      recording(flush);
      store.atomically(() => {
        store.setStepStatus(runId, idx, status, change);
        store.appendEvent({ operator, kind: `step.${status}`, runId, stepIdx: idx, body: change });
      });
    },
    beginAttempt(idx: number) {
      recording(flush);
      return store.atomically(() => {
        const step = store.setStepStatus(runId, idx, 'running');
        store.appendEvent({ operator, kind: 'step.running', runId, stepIdx: idx, body: { attempt: step.attempt } });
        return step.attempt;
      });
    },
    output(idx: number, attempt: number, stream: OutputStream, chunk: Uint8Array) {
      if (pending && (pending.idx !== idx || pending.attempt !== attempt || pending.stream !== stream)) flush();
      pending ??= { idx, attempt, stream, chunks: [], bytes: 0 };
      // Kept by reference: stream chunks are never reused by their producer.
      pending.chunks.push(chunk);
      pending.bytes += chunk.length;
      if (pending.bytes >= COMMIT_BYTES) {
        try {
          recording(flush);
        } catch {
          // kept in `fault`, thrown by the next state change
        }
      }
    },
    process(idx: number, attempt: number, started) {
      flush();
      store.recordStepProcess(runId, idx, attempt, started);
    },
    event(kind: string, body: Record<string, unknown>, idx?: number) {
      recording(flush);
      store.appendEvent({ operator, kind, runId, stepIdx: idx ?? null, body });
    },
    snapshot(idx, { target, kind, location, result }) {
      try {
        recording(flush);
        recording(() => record(idx, target, kind, location, result));
      } catch (error) {
        // A snapshot no row knows would be an orphan under its final name: it goes.
        rmSync(result.path, { force: true });
        throw error;
      }
    },
  };

  function record(idx: number, target: string, kind: 'sqlite' | 'postgres', location: string, result: SnapshotResult): void {
    store.atomically(() => {
      const recorded = snapshots.record({
        id: newId('s-'),
        runId,
        step: idx,
        environment: run.environment,
        target,
        kind,
        location,
        path: result.path,
        bytes: result.bytes,
        sha256: result.sha256,
        verified: true,
        reason: 'step',
        operator,
        createdAt: new Date().toISOString(),
      });
      // The real path too: a symlinked target re-pointed later is then told apart at restore.
      store.appendEvent({ operator, kind: 'snapshot.verified', runId, stepIdx: idx, body: { ...recorded, durationMs: result.durationMs, realLocation: realLocationOf(recorded) } });
    });
  }
}
