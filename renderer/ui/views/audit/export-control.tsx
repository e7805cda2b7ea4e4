// Export one run (a handover report) or the whole trail (JSON Lines for a SIEM).
import { useState } from 'react';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { downloadText } from '../../lib/download.js';
import { useAction } from '../../lib/use-action.js';

type Format = 'md' | 'html' | 'jsonl';
const FORMATS: { value: Format; label: string }[] = [
  { value: 'md', label: 'Markdown report' },
  { value: 'html', label: 'HTML report' },
  { value: 'jsonl', label: 'JSON Lines (verifiable)' },
];

export function ExportControl({ runId }: { runId?: string }) {
  const client = useClient();
  const [format, setFormat] = useState<Format>(runId ? 'md' : 'jsonl');
  const [done, setDone] = useState<string | null>(null);

  const { run: exportNow, busy, error } = useAction(async () => {
    setDone(null);
    const file = await client.exportAudit(runId ? { runId, format } : { format });
    downloadText(file.fileName, file.mediaType, file.content);
    setDone(file.fileName);
  });

  return (
    <div className="export-control">
      <div className="actions">
        <label className="field field-inline">
          <span className="field-label">Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" disabled={busy} onClick={() => void exportNow()}>
          Export
        </button>
        <span className="hint" role="status">
          {busy ? 'Exporting…' : done ? `Saved ${done}.` : runId ? 'This run only.' : 'The whole audit trail.'}
        </span>
      </div>
      <ErrorAlert error={error} title="Nothing was exported." />
    </div>
  );
}
