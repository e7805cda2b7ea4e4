// The recorder for a process of its own (`handrail record`): the app database for the audit
// trail and the version history, opened here and closed with the recorder.
import type { OutputStream } from '../../core/engine/ports.js';
import { openAppDatabase, type AppDatabase } from '../../store/open-database.js';
import { RunStore } from '../../store/run-store.js';
import { UserError } from '../errors.js';
import { RunbookVersions } from '../runbook-versions.js';
import type { Settings } from '../settings.js';
import { RecorderService } from './recorder-service.js';

export interface OpenedRecorder {
  recorder: RecorderService;
  close(): Promise<void>;
}

export function openRecorder(
  settings: Settings,
  ports: { onOutput(draftId: string, stream: OutputStream, text: string): void; askPassphrase?: (prompt: string) => Promise<string> },
): OpenedRecorder {
  let db: AppDatabase;
  try {
    db = openAppDatabase(settings.dataDir);
  } catch (error) {
    // The store's messages are written for the operator already (what, where, what next).
    throw new UserError(error instanceof Error ? error.message : String(error), 1);
  }
  const store = new RunStore(db.db, { maxOutputBytesPerAttempt: settings.maxOutputBytes });
  const recorder = new RecorderService(settings, {
    audit: (event) => store.appendEvent(event),
    versions: new RunbookVersions(db.db),
    onOutput: ports.onOutput,
    ...(ports.askPassphrase ? { askPassphrase: ports.askPassphrase } : {}),
  });
  return {
    recorder,
    async close() {
      await recorder.close();
      db.close();
    },
  };
}
