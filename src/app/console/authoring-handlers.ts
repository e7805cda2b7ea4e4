// The console API for writing runbooks: the editor (validate, read, save, history, diff),
// the recorder, and importing a script or a Markdown runbook.
// Each imports what it uses on first use: the parsers must not load with the console's first screen.
import type { ConsoleParts, Handlers } from './console-parts.js';

export type AuthoringOps =
  | 'validateText' | 'getRunbookSource' | 'saveRunbook' | 'runbookHistory' | 'runbookDiff'
  | 'startRecording' | 'listRecordings' | 'recordCommand' | 'stopRecordingCommand' | 'updateRecording' | 'getRecording' | 'saveRecording'
  | 'importScript';

export function authoringHandlers(parts: ConsoleParts): Handlers<AuthoringOps> {
  const { settings, editing, recording } = parts;
  const versions = parts.context.versions;
  return {
    validateText: async (r) => (await editing()).validateText(r),
    getRunbookSource: async (r) => (await editing()).getRunbookSource(r),
    saveRunbook: async (r) => (await editing()).saveRunbook(r),
    runbookHistory: async (r) => (await import('./runbook-versions-api.js')).historyOp(versions, settings, r),
    runbookDiff: async (r) => (await import('./runbook-versions-api.js')).diffOp(versions, settings, r),
    startRecording: async (r) => recording.start(r),
    listRecordings: async () => recording.list(),
    recordCommand: async (r) => recording.record(r),
    stopRecordingCommand: async (r) => recording.stop(r),
    updateRecording: async (r) => recording.update(r),
    getRecording: async (r) => recording.get(r),
    saveRecording: async (r) => recording.save(r),
    importScript: async (r) => {
      const { importMarkdownText, isMarkdownName } = await import('../markdown-import-service.js');
      const markdown = r.format === 'markdown' || (r.format === undefined && isMarkdownName(r.name));
      const { markdown: text, warnings } = markdown
        ? await importMarkdownText(r.text, r.name, settings.workspace, r.target)
        : await (await import('../import-service.js')).importScriptText(r.text, r.name, settings.workspace, r.target);
      return { markdown: text, warnings };
    },
  };
}
