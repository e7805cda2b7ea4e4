// Why a run's process stopped, when the database could not take it: a disk that filled up
// mid-step leaves no room for the `run.interrupted` event. The stopping process leaves an
// empty file instead, its reason in the file's name (an empty file needs no data block, so
// it can be created on a disk with 0 bytes free); the next command that records the
// interruption reads it into the event, then deletes it.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FOLDER = 'run-stops';

export type StopReason = 'disk-full';

/** Created when a run starts, while there is room: writing the note later needs none. */
export function prepareStopNotes(dataDir: string): void {
  try {
    mkdirSync(join(dataDir, FOLDER), { recursive: true, mode: 0o700 });
  } catch {
    // The note is a courtesy to the next reader; the run does not depend on it.
  }
}

/** Best effort: the process is failing already, and the interruption is recorded without a reason if this fails. */
export function noteStop(dataDir: string, runId: string, reason: StopReason): void {
  try {
    writeFileSync(join(dataDir, FOLDER, `${runId}.${reason}`), '', { flag: 'w', mode: 0o600 });
  } catch {
    // see above
  }
}

export function stopReason(dataDir: string, runId: string): StopReason | undefined {
  try {
    const name = readdirSync(join(dataDir, FOLDER)).find((n) => n.startsWith(`${runId}.`));
    return name?.slice(runId.length + 1) === 'disk-full' ? 'disk-full' : undefined;
  } catch {
    return undefined;
  }
}

export function clearStopNote(dataDir: string, runId: string): void {
  rmSync(join(dataDir, FOLDER, `${runId}.disk-full`), { force: true });
}

/** The reason as the `run.interrupted` event and the operator read it. */
export function describeStop(dataDir: string, reason: StopReason): string {
  switch (reason) {
    case 'disk-full':
      return `the disk holding ${dataDir} was full: Handrail could not record the step's output or its end, and stopped`;
  }
}
