// What every view talks to: the contract's ConsoleClient, the pushed events, and whether
// the line to Handrail is up. Two implementations, picked once at start (pick-transport.ts):
// Electron's preload bridge and the browser console's WebSocket.
import type { ApiError, ConsoleClient, ConsoleEvent } from '../../../src/contract/api.js';
import type { RunningLeftover } from '../../../src/contract/leftover.js';

export type ConnectionState = 'connecting' | 'open' | 'lost';

export type EventListener = (event: ConsoleEvent) => void;
export type ConnectionListener = (state: ConnectionState) => void;

export interface ConsoleTransport {
  readonly client: ConsoleClient;
  onEvent(listener: EventListener): () => void;
  onConnection(listener: ConnectionListener): () => void;
  connection(): ConnectionState;
}

/**
 * A refused or failed call, carrying the server's own words (what failed, what was left
 * unchanged, what to do next), which the views show as they are.
 */
export class ConsoleCallError extends Error {
  constructor(
    readonly op: string,
    readonly code: ApiError['code'],
    message: string,
    /** A resume refused beside a step's command still running: what runs (the page shows it before offering to stop it). */
    readonly leftovers?: RunningLeftover[],
  ) {
    super(message);
    this.name = 'ConsoleCallError';
  }
}

/** The text to show for anything a call threw. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
