// Types for electron-runtime.mjs, so the TypeScript tests can call it.
export function electronRuntime(): { path: string; version: string } | { missing: string };
export const HOW_TO_GET_ELECTRON: string;
