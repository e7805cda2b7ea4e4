// A step's output in xterm.js: stored output is paged in with getOutput, live chunks are
// written as `output` events arrive. xterm keeps a bounded scrollback and parses writes in
// the background, so a step printing millions of lines never freezes the window; each page
// is awaited before the next is fetched so memory stays bounded too.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { errorText } from '../api/console-transport.js';
import { useClient, useConsoleEvents } from '../api/api-context.js';
import { exactBytes, formatBytes } from '../lib/format.js';

export interface OutputSource {
  runId: string;
  idx: number;
  attempt: number;
  /** true while the step may still be printing (says "No output yet." rather than "No output."). */
  live: boolean;
}

const FONT_FAMILY = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';
const FONT_SIZE = 13;
const SCROLLBACK_LINES = 100_000;
// stderr in a distinct colour, so an error line stands out without reading every word.
const STDERR_ON = '\x1b[91m';
const STDERR_OFF = '\x1b[39m';

function charWidth(): number {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return FONT_SIZE * 0.6;
  context.font = `${FONT_SIZE}px ${FONT_FAMILY}`;
  return context.measureText('M').width || FONT_SIZE * 0.6;
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
  const box = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  /** Which source live chunks may be appended for (set once its stored output is in). */
  const liveKey = useRef<string | null>(null);
  const [info, setInfo] = useState<FeedInfo>({ state: 'idle', storedBytes: 0, cutBytes: 0, error: null, written: 0 });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const term = new Terminal({
      convertEol: true,
      disableStdin: true,
      cursorBlink: false,
      cursorInactiveStyle: 'none',
      scrollback: SCROLLBACK_LINES,
      fontFamily: FONT_FAMILY,
      fontSize: FONT_SIZE,
      rows,
      theme: { background: '#10151c', foreground: '#e6edf3', cursor: '#10151c' },
    });
    term.open(element);
    terminal.current = term;
    const width = charWidth();
    const fit = () => {
      const cols = Math.max(40, Math.floor((element.clientWidth - 24) / width));
      if (cols !== term.cols) term.resize(cols, rows);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    return () => {
      observer.disconnect();
      terminal.current = null;
      term.dispose();
    };
  }, [rows]);

  const key = source ? `${source.runId}/${source.idx}/${source.attempt}` : null;

  useEffect(() => {
    const term = terminal.current;
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
        const text = page.chunks.map((c) => (c.stream === 'stderr' ? STDERR_ON + c.text + STDERR_OFF : c.text)).join('');
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
    // `key` says everything about `source` that matters here; a step that stops being live
    // keeps what it shows instead of reading it all again.
  }, [key, client]);

  useConsoleEvents((event) => {
    if (event.type !== 'output' || !source || liveKey.current !== key) return;
    if (event.runId !== source.runId || event.idx !== source.idx) return;
    terminal.current?.write(event.stream === 'stderr' ? STDERR_ON + event.text + STDERR_OFF : event.text);
    setInfo((previous) => (previous.written === 0 ? { ...previous, written: 1 } : previous));
  });

  return (
    <div className="output">
      <div className="output-terminal" role="region" aria-label={label} ref={box} />
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
