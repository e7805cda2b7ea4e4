// Waiting on state, not time: a test that needs a process to have reached some point (a
// marker written, a pid gone, a socket made) checks for it every POLL_MS, a bounded number of
// times, and goes on the moment it holds. Never a fixed sleep, so a quiet machine is not slowed
// and a busy one is given the same number of chances. The default bound (800 × 25 ms, about
// 20 s) stays inside the 30 s test timeout, so a wait that gives up says what never happened
// instead of Vitest's bare "timed out".
const POLL_MS = 25;
const TRIES = 800;

/** Checks until `check` holds or the tries run out; says which. For callers that assert on what is left themselves. */
export async function poll(check: () => boolean, tries = TRIES): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return check();
}

/** Waits until `check` holds; fails naming `what` never happened. */
export async function until(what: string, check: () => boolean, tries = TRIES): Promise<void> {
  if (!(await poll(check, tries))) throw new Error(`gave up waiting until ${what} (checked ${tries} times, every ${POLL_MS} ms)`);
}
