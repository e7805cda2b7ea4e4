// Ctrl/Cmd+K: type part of a runbook's title or id, Enter opens it. The fastest way to the
// right runbook in the middle of an incident.
import { useMemo, useState } from 'react';
import { useClient } from '../api/api-context.js';
import { href, navigate } from '../lib/routes.js';
import { useLoad } from '../lib/use-load.js';
import { matchesRunbook } from '../views/runbooks/runbooks-view.js';
import { ErrorAlert } from './error-alert.js';
import { ModalDialog } from './modal-dialog.js';

export function CommandPalette({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const list = useLoad(() => client.listRunbooks({}), []);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => (list.data?.runbooks ?? []).filter((r) => matchesRunbook(r, query)).slice(0, 50), [list.data, query]);
  const current = Math.min(active, Math.max(0, matches.length - 1));

  function open(id: string) {
    onClose();
    navigate(href.runbook(id));
  }

  return (
    <ModalDialog title="Go to runbook" onClose={onClose} className="palette">
      <input
        type="text"
        role="combobox"
        aria-label="Runbook title or id"
        aria-expanded="true"
        aria-controls="palette-results"
        aria-activedescendant={matches[current] ? `palette-${matches[current].id}` : undefined}
        autoFocus
        value={query}
        placeholder="Type to find a runbook…"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive(Math.min(current + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive(Math.max(current - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const chosen = matches[current];
            if (chosen) open(chosen.id);
          }
        }}
      />
      <ErrorAlert error={list.error} />
      <ul id="palette-results" role="listbox" aria-label="Runbooks" className="palette-results">
        {matches.map((r, i) => (
          <li
            key={r.id}
            id={`palette-${r.id}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : undefined}
            onMouseEnter={() => setActive(i)}
            onClick={() => open(r.id)}
          >
            <strong>{r.title}</strong> <span className="muted">
              {r.id} {r.version}
            </span>
          </li>
        ))}
        {list.data && matches.length === 0 ? <li className="muted">No runbook matches.</li> : null}
      </ul>
      <p className="hint">
        <kbd>↑</kbd> <kbd>↓</kbd> to choose, <kbd>Enter</kbd> to open, <kbd>Esc</kbd> to close
      </p>
    </ModalDialog>
  );
}
