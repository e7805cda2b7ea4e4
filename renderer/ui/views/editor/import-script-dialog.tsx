// Import: paste a shell script or a Markdown runbook (a wiki page, an alert runbook, a Runme
// notebook), or pick a .sh or .md file; Handrail turns it into a runbook draft (import's real
// shell and Markdown parsers, on the server) that opens in the editor, unsaved.
import { useState } from 'react';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { useAction } from '../../lib/use-action.js';
import type { PendingDraft } from './pending-draft.js';

/** `Deploy Release.sh` → `deploy-release.md`, `KubePodCrashLooping.md` → `kube-pod-crash-looping.md`: names the workspace accepts. */
export function runbookFileFor(scriptName: string): string {
  const base = scriptName
    .replace(/^.*[\\/]/, '')
    .replace(/\.(sh|bash|md|markdown)$/i, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base || 'imported-script'}.md`;
}

type Format = 'shell' | 'markdown';

const WORDS: Record<Format, { title: string; text: string; name: string; defaultName: string; hint: string; placeholder: string }> = {
  shell: {
    title: 'Import a shell script',
    text: 'Shell script',
    name: 'Script name',
    defaultName: 'script.sh',
    hint: "Each command becomes a step, its comments the step's prose; destructive commands are flagged to confirm.",
    placeholder: '#!/bin/sh …',
  },
  markdown: {
    title: 'Import a Markdown runbook',
    text: 'Markdown page',
    name: 'Page name',
    defaultName: 'runbook.md',
    hint:
      'Each shell block becomes a step with the text around it; prompts are stripped and example output kept; placeholders such as <pod> become inputs; ' +
      'commands that need a terminal become manual steps; destructive commands are flagged to confirm.',
    placeholder: '# Disk full …',
  },
};

export function ImportScriptDialog({ onClose, onImported }: { onClose: () => void; onImported: (draft: PendingDraft) => void }) {
  const client = useClient();
  const [format, setFormat] = useState<Format>('shell');
  const [text, setText] = useState('');
  const [name, setName] = useState('script.sh');
  const [target, setTarget] = useState('');
  const words = WORDS[format];
  const importing = useAction(async () => {
    const imported = await client.importScript({ text, name, format, ...(target.trim() ? { target: target.trim() } : {}) });
    onImported({ text: imported.markdown, path: runbookFileFor(name), warnings: imported.warnings });
  });
  const { run: submit, busy, error, setError } = importing;

  async function pick(file: File | undefined) {
    if (!file) return;
    try {
      setText(await file.text());
      setName(file.name);
      if (/\.(md|markdown)$/i.test(file.name)) setFormat('markdown');
      else if (/\.(sh|bash)$/i.test(file.name)) setFormat('shell');
      setError(null);
    } catch (e) {
      setError(`${file.name} could not be read (${errorText(e)}); paste the script instead.`);
    }
  }

  return (
    <ModalDialog title={words.title} onClose={onClose} closable={!busy}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="plain-fieldset field">
          <legend className="field-label">What to import</legend>
          {(['shell', 'markdown'] as const).map((f) => (
            <label key={f} className="choice">
              <input
                type="radio"
                name="import-format"
                value={f}
                checked={format === f}
                onChange={() => {
                  setFormat(f);
                  if (name === WORDS[format].defaultName) setName(WORDS[f].defaultName);
                }}
              />{' '}
              {f === 'shell' ? 'Script (.sh)' : 'Markdown (.md)'}
            </label>
          ))}
        </fieldset>
        <p className="hint">{words.hint} The draft opens in the editor and is not saved until you save it.</p>
        <label className="field">
          <span className="field-label">Pick a .sh or .md file</span>
          <input type="file" accept=".sh,.bash,.md,.markdown,text/x-sh,text/markdown,text/plain" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        <label className="field">
          <span className="field-label">{words.text}</span>
          <textarea className="script-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} placeholder={words.placeholder} />
        </label>
        <label className="field">
          <span className="field-label">{words.name}</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label className="field">
          <span className="field-label">Target for every shell step (optional)</span>
          <input type="text" value={target} onChange={(e) => setTarget(e.target.value)} autoComplete="off" placeholder="local, or a target of handrail.yml" />
        </label>
        <ErrorAlert error={error} title={format === 'shell' ? 'The script could not be imported.' : 'The page could not be imported.'} />
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
