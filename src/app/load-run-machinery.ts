// The loader of run-machinery.ts, apart from it: a static import of this file must not pull
// the parsers, the engine and the targets in with it.
export type RunMachinery = typeof import('./run-machinery.js');

let loaded: Promise<RunMachinery> | undefined;

/** The module, imported once per process. */
export function runMachinery(): Promise<RunMachinery> {
  loaded ??= import('./run-machinery.js');
  return loaded;
}
