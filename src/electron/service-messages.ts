// What main and the service process (a utilityProcess running the ConsoleService) say to
// each other. Requests arrive already parsed by the operation's schema (ipc-guard.ts);
// results and errors go back as the same envelope the window receives.
import type { ApiError, ApiName, ConsoleEvent } from '../contract/api.js';

/** What an IPC call resolves to in the window: never a thrown error, never a stack. */
export type ApiEnvelope = { ok: unknown } | { error: ApiError };

export type ToService = { type: 'call'; id: number; operation: ApiName; request: unknown } | { type: 'close' };

export type FromService = { type: 'reply'; id: number; envelope: ApiEnvelope } | { type: 'event'; event: ConsoleEvent } | { type: 'closed' };
