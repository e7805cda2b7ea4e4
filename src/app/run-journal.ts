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
import { COMMIT_MS, OutputRecorder, type ReadyChunk } from './output-recorder.js';

export function storeJournal(store: RunStore, snapshots: SnapshotStore, run: Run): RunJournal & { close(): void } {
  const { id: runId, operator } = run;
  const cutReported = new Set<string>();
  const commit = (chunks: ReadyChunk[]) =>
    recording(() =>
      store.atomically(() => {
        for (const { idx, attempt, stream, chunk } of chunks) {
          const totals = store.appendOutput(runId, idx, attempt, stream, chunk, operator);
          if (totals.cutBytes > 0 && !cutReported.has(`${idx}/${attempt}`)) {
            // The output goes on; only its storage stops. Say so once, where a reviewer looks.
            cutReported.add(`${idx}/${attempt}`);
            store.appendEvent({ operator, kind: 'output.cut', runId, stepIdx: idx, body: { attempt, storedBytes: totals.storedBytes } });
          }
        }
      }),
    );
  // A commit's failure is kept in `fault` by recording(), thrown by the next state change.
  const output = new OutputRecorder(commit, () => undefined, (idx, attempt) => cutReported.has(`${idx}/${attempt}`));
  const flush = () => output.commitAll();
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
      recording(() => output.tick());
    } catch {
      // kept in `fault`, thrown by the next state change
    }
  }, COMMIT_MS);
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
      try {
        recording(() => output.add(idx, attempt, stream, chunk));
      } catch {
        // kept in `fault`, thrown by the next state change
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
