// A step's output in xterm.js (use-xterm.ts): stored output is paged in with getOutput,
// live chunks are written as `output` events arrive; each page is awaited before the next
// is fetched so memory stays bounded.
import type { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { errorText } from '../api/console-transport.js';
import { useClient, useConsoleEvents } from '../api/api-context.js';
import { exactBytes, formatBytes } from '../lib/format.js';
import { coloured, LEAVE_TERMINAL_HELP, useXterm } from './use-xterm.js';

export interface OutputSource {
  runId: string;
  idx: number;
  attempt: number;
  /** true while the step may still be printing (says "No output yet." rather than "No output."). */
  live: boolean;
}

function writeAsync(terminal: Terminal, text: string): Promise<void> {
  return new Promise((resolve) => terminal.write(text, resolve));
}

interface FeedInfo {
  state: 'idle' | 'loading' | 'ready' | 'error';
  storedBytes: number;
  cutBytes: number;
  error: string | null;
  written: number;
}

export function OutputTerminal({ source, label, rows = 16 }: { source: OutputSource | null; label: string; rows?: number }) {
  const client = useClient();
  const { box, terminal } = useXterm(rows);
  /** Which source live chunks may be appended for (set once its stored output is in). */
  const liveKey = useRef<string | null>(null);
  const [info, setInfo] = useState<FeedInfo>({ state: 'idle', storedBytes: 0, cutBytes: 0, error: null, written: 0 });

  const key = source ? `${source.runId}/${source.idx}/${source.attempt}` : null;
  // `key` says everything about `source` that matters for reading stored output; the effect
  // reads the latest `source` through this ref, so a step that stops being live keeps what it
  // shows instead of reading it all again.
  const latestSource = useRef(source);
  latestSource.current = source;

  useEffect(() => {
    const term = terminal.current;
    const source = latestSource.current;
    if (!term) return;
    term.reset();
    liveKey.current = null;
    if (!source || source.attempt < 1) {
      setInfo({ state: 'idle', storedBytes: 0, cutBytes: 0, error: null, written: 0 });
      return;
    }
    let cancelled = false;
    setInfo({ state: 'loading', storedBytes: 0, cutBytes: 0, error: null, written: 0 });
    (async () => {
      let fromChunk = 0;
      let written = 0;
      for (;;) {
        const page = await client.getOutput({ runId: source.runId, idx: source.idx, attempt: source.attempt, fromChunk });
        if (cancelled) return;
        const text = page.chunks.map((c) => coloured(c.stream, c.text)).join('');
        written += page.chunks.length;
        if (text) await writeAsync(term, text);
        if (cancelled) return;
        setInfo({ state: page.more ? 'loading' : 'ready', storedBytes: page.storedBytes, cutBytes: page.cutBytes, error: null, written });
        const last = page.chunks.at(-1);
        if (!page.more || !last) break;
        fromChunk = last.seq + 1;
      }
      // From here on, chunks pushed by the server are newer than what was stored. (Chunks
      // pushed while the pages were read are in them.)
      liveKey.current = key;
    })().catch((error: unknown) => {
      if (!cancelled) setInfo((previous) => ({ ...previous, state: 'error', error: errorText(error) }));
    });
    return () => {
      cancelled = true;
    };
  }, [key, client, terminal]);

  useConsoleEvents((event) => {
    if (event.type !== 'output' || !source || liveKey.current !== key) return;
    if (event.runId !== source.runId || event.idx !== source.idx) return;
    terminal.current?.write(coloured(event.stream, event.text));
    setInfo((previous) => (previous.written === 0 ? { ...previous, written: 1 } : previous));
  });

  return (
    <div className="output">
      <div className="output-terminal" role="region" aria-label={label} aria-description={LEAVE_TERMINAL_HELP} ref={box} />
      <p className="output-help hint">{LEAVE_TERMINAL_HELP}</p>
      <p className="output-info" aria-live="polite">
        {info.state === 'loading' ? 'Loading stored output…' : null}
        {info.state === 'error' ? `Could not load the stored output: ${info.error}` : null}
        {info.state !== 'loading' && info.state !== 'error' && info.written === 0 ? (source?.live ? 'No output yet.' : 'No output.') : null}
        {info.storedBytes > 0 ? <span title={exactBytes(info.storedBytes)}> Stored: {formatBytes(info.storedBytes)}.</span> : null}
        {info.cutBytes > 0 ? (
          <strong>
            {' '}
            {formatBytes(info.cutBytes)} past the output limit was counted but not kept.
          </strong>
        ) : null}
      </p>
    </div>
  );
}
