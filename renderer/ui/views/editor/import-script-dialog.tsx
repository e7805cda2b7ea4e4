// Import script: paste a shell script or pick a .sh file; Handrail turns it into a runbook
// draft (import's real shell parser, on the server) that opens in the editor, unsaved.
import { useState } from 'react';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { useAction } from '../../lib/use-action.js';
import type { PendingDraft } from './pending-draft.js';

/** `Deploy Release.sh` → `deploy-release.md`, a name the workspace accepts. */
export function runbookFileFor(scriptName: string): string {
  const base = scriptName.replace(/^.*[\\/]/, '').replace(/\.(sh|bash)$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'imported-script'}.md`;
}

export function ImportScriptDialog({ onClose, onImported }: { onClose: () => void; onImported: (draft: PendingDraft) => void }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [name, setName] = useState('script.sh');
  const importing = useAction(async () => {
    const imported = await client.importScript({ text, name });
    onImported({ text: imported.markdown, path: runbookFileFor(name), warnings: imported.warnings });
  });
  const { run: submit, busy, error, setError } = importing;

  async function pick(file: File | undefined) {
    if (!file) return;
    try {
      setText(await file.text());
      setName(file.name);
      setError(null);
    } catch (e) {
      setError(`${file.name} could not be read (${errorText(e)}); paste the script instead.`);
    }
  }


  return (
    <ModalDialog title="Import a shell script" onClose={onClose} closable={!busy}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="hint">
          Each command becomes a step, its comments the step's prose; destructive commands are flagged to confirm. The draft opens in the editor and is
          not saved until you save it.
        </p>
        <label className="field">
          <span className="field-label">Pick a .sh file</span>
          <input type="file" accept=".sh,.bash,text/x-sh,text/plain" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        <label className="field">
          <span className="field-label">Shell script</span>
          <textarea className="script-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} placeholder="#!/bin/sh …" />
        </label>
        <label className="field">
          <span className="field-label">Script name</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <ErrorAlert error={error} title="The script could not be imported." />
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy || text.trim() === ''}>
            {busy ? 'Importing…' : 'Import'}
          </button>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
