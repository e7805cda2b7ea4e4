// The recorder for a process of its own (`handrail record`): the app context (the audit
// trail and the version history) opened here and closed with the recorder.
import type { OutputStream } from '../../core/engine/ports.js';
import { AppContext } from '../app-context.js';
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
  const context = AppContext.open(settings);
  const store = context.store;
  const recorder = new RecorderService(settings, {
    audit: (event) => store.appendEvent(event),
    versions: context.versions,
    onOutput: ports.onOutput,
    ...(ports.askPassphrase ? { askPassphrase: ports.askPassphrase } : {}),
  });
  return {
    recorder,
    async close() {
      await recorder.close();
      context.close();
    },
  };
}
