// Types for preload-bundle.mjs, so the TypeScript tests can call it.
export const PRELOAD_OUTFILE: string;
export function bundlePreload(options: { write: true }): Promise<null>;
export function bundlePreload(options: { write: false }): Promise<string>;
