// One xterm.js terminal in a box, sized to the box's width: what a step's stored and live
// output (output-terminal.tsx) and a recorded command's live output (the recorder) show in.
// xterm keeps a bounded scrollback and parses writes in the background, so a command
// printing millions of lines never freezes the window.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, type RefObject } from 'react';

const FONT_FAMILY = 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';
const FONT_SIZE = 13;
const SCROLLBACK_LINES = 100_000;
// stderr in a distinct colour, so an error line stands out without reading every word.
const STDERR_ON = '\x1b[91m';
const STDERR_OFF = '\x1b[39m';

/** Text for the terminal: stderr coloured. */
export function coloured(stream: 'stdout' | 'stderr', text: string): string {
  return stream === 'stderr' ? STDERR_ON + text + STDERR_OFF : text;
}

function charWidth(): number {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return FONT_SIZE * 0.6;
  context.font = `${FONT_SIZE}px ${FONT_FAMILY}`;
  return context.measureText('M').width || FONT_SIZE * 0.6;
}

/** Attach `box` to a div; `terminal.current` is the terminal while it is mounted. */
export function useXterm(rows: number): { box: RefObject<HTMLDivElement | null>; terminal: RefObject<Terminal | null> } {
  const box = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
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
    // xterm takes Tab for itself, which traps a keyboard user inside. These terminals only
    // show output, so Tab and Shift+Tab always move on; Esc then Tab (VS Code's habit) works too.
    term.attachCustomKeyEventHandler(leavesTerminal);
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
  return { box, terminal };
}

/** What the terminal's help text says about leaving it (output-terminal.tsx shows it). */
export const LEAVE_TERMINAL_HELP = 'Read-only output. Tab or Shift+Tab leaves the terminal (Esc then Tab also works).';

/** false: xterm leaves the key to the browser (Tab moves focus, Esc does nothing here). */
function leavesTerminal(event: KeyboardEvent): boolean {
  if (event.key === 'Tab' || event.key === 'Escape') return false;
  // Enter belongs to the page (the run's primary action), not to a terminal without input.
  return event.key !== 'Enter';
}
