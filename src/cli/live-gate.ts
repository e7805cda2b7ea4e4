// Live output to a terminal that stopped reading. Node buffers every write to a pipe or
// socket that is not taking data, without limit: a step printing 500 MB to a stalled
// terminal grew the CLI past a gigabyte. Two ways out: pause the step until the terminal
// reads again, or stop showing output until it does. We stop showing: pausing would let a
// terminal nobody watches (a frozen SSH session to the bastion, a `| less` left open) hold a
// production change half-done for as long as it stays frozen, and the store has every byte
// anyway. Headers and verdicts are still written (a few lines per step); only the step's own
// output is held back, and one line says so.
import type { Writable } from 'node:stream';
import type { Printer } from './run-printer.js';

/** Buffered and unread bytes at which live output stops being shown. */
export const LIVE_BUFFER_LIMIT = 8 * 1024 * 1024;

export interface LiveGate {
  /** Whether a chunk of the step's output may be written now. */
  admit(bytes: number): boolean;
}

/**
 * `notify` writes a line to the operator (the caller picks the stream: for JSON lines it is
 * an event on stdout); `showCommand` names the run to read the rest with.
 */
export function liveGate(streams: Writable[], notify: (line: string) => void, showCommand: () => string, limit = LIVE_BUFFER_LIMIT): LiveGate {
  let paused = false;
  let held = 0;
  const backlog = () => Math.max(...streams.map((s) => s.writableLength));
  const resume = () => {
    if (!paused || backlog() > limit / 2) return;
    paused = false;
    notify(`live output resumed (${(held / 1024 / 1024).toFixed(1)} MB were not shown; everything is stored — \`${showCommand()}\`)`);
    held = 0;
  };
  for (const stream of streams) stream.on('drain', resume);
  return {
    admit(bytes) {
      if (!paused && backlog() > limit) {
        paused = true;
        notify(`live output paused: the terminal is not reading; everything is stored — \`${showCommand()}\``);
      }
      if (paused) held += bytes;
      return !paused;
    },
  };
}

/** The printer, with the step's output held back while stdout or stderr is not being read. */
export function gatedPrinter(printer: Printer, notify: (line: string) => void, streams: Writable[] = [process.stdout, process.stderr]): Printer {
  let runId = 'RUN';
  const gate = liveGate(streams, notify, () => `handrail show ${runId}`);
  return {
    start(run, info) {
      runId = run.id;
      printer.start(run, info);
    },
    event(e) {
      if (e.type === 'output' && !gate.admit(e.data.length)) return;
      printer.event(e);
    },
    finish: (run, outcome, verdict) => printer.finish(run, outcome, verdict),
    hold: (on) => printer.hold(on),
  };
}
