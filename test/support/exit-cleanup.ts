/**
 * Last-resort cleanup for services a test started but did not stop (a crashed test, a
 * forgotten afterAll). Actions run synchronously, newest first, on the process 'exit'
 * event and on SIGTERM/SIGINT/SIGHUP — Vitest ends its fork workers with SIGTERM, which
 * by default kills Node without an 'exit' event. So actions must use sync APIs only
 * (process.kill, fs.rmSync). SIGKILL cannot be caught: nothing runs then.
 */
const actions = new Set<() => void>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
let installed = false;

function runAll(): void {
  for (const action of [...actions].reverse()) {
    try {
      action();
    } catch {
      // Best effort: one failing action must not prevent the others.
    }
  }
  actions.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // If nobody else handles this signal, restore the default behaviour (terminate) by
  // removing our handler and re-raising it; otherwise leave the decision to the others.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

/** Registers `action` to run at process exit; returns a function that unregisters it. */
export function onProcessExit(action: () => void): () => void {
  if (!installed) {
    process.on('exit', runAll);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    installed = true;
  }
  actions.add(action);
  return () => {
    actions.delete(action);
  };
}
