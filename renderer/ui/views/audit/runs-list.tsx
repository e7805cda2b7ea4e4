// The Audit list: every run, newest first, virtualized (only the rows on screen exist in
// the page) so 100,000 runs scroll as smoothly as ten. Arrow keys move between rows.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { StatusBadge } from '../../components/status-badge.js';
import { durationOf, formatDuration, formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { verdictLook } from '../../lib/status.js';
import type { RunPages } from './use-run-pages.js';

const ROW_HEIGHT = 44;

export function RunsList({ pages }: { pages: RunPages }) {
  const scroller = useRef<HTMLDivElement>(null);
  const total = pages.total ?? 0;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { ensureRows } = pages;

  useEffect(() => {
    if (total > 0) ensureRows(first, last);
  }, [first, last, total, ensureRows]);

  function focusRow(index: number) {
    const target = Math.max(0, Math.min(total - 1, index));
    virtualizer.scrollToIndex(target, { align: 'auto' });
    // The row exists once the virtualizer has rendered it.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-row="${target}"] a`)?.focus());
  }

  return (
    <div className="runs-list">
      <div className="runs-row runs-head" aria-hidden="true">
        <span>Started</span>
        <span>Runbook</span>
        <span>Environment</span>
        <span>Operator</span>
        <span>Status</span>
        <span>Took</span>
      </div>
      <div
        className="runs-scroller"
        ref={scroller}
        role="list"
        aria-label="Runs, newest first"
        onKeyDown={(event) => {
          const row = (event.target as HTMLElement).closest<HTMLElement>('[data-row]');
          if (!row) return;
          const index = Number(row.dataset['row']);
          const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + 10, PageUp: index - 10, Home: 0, End: total - 1 };
          const next = moves[event.key];
          if (next === undefined) return;
          event.preventDefault();
          focusRow(next);
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const run = pages.rowAt(item.index);
            const took = run ? durationOf(run.startedAt, run.finishedAt) : null;
            return (
              <div
                key={item.key}
                role="listitem"
                aria-setsize={total}
                aria-posinset={item.index + 1}
                data-row={item.index}
                className="runs-item"
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {run ? (
                  // Named by its visible text (the spaces keep the columns apart when read
                  // aloud): a separate aria-label would not contain what a sighted user sees
                  // and says to voice control.
                  <a className="runs-row" href={href.auditRun(run.id)}>
                    <span>{formatTime(run.startedAt)}</span>{' '}
                    <span>
                      <strong>{run.runbookId}</strong> <span className="muted">{run.runbookVersion}</span>
                    </span>{' '}
                    <span>{run.environment}</span> <span>{run.operator}</span>{' '}
                    {run.incident ? <span className="tag tag-info">{run.incident}</span> : null}{' '}
                    <span>
                      <StatusBadge look={verdictLook(run.verdict, run.deviations)} />
                      {run.tampering.length > 0 ? (
                        <strong className="bad" title={run.tampering.map((t) => t.message).join('\n')}>
                          {' '}
                          ⚠ record edited outside Handrail
                        </strong>
                      ) : null}
                    </span>{' '}
                    <span>{took !== null && run.finishedAt ? formatDuration(took) : '—'}</span>
                  </a>
                ) : (
                  <span className="runs-row muted">Loading…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
