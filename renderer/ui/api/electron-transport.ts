// The desktop app's transport: the preload exposes one named function per contract
// operation on window.handrail (never a generic invoke), plus onEvent. IPC does not drop
// like a socket, so the connection is always open.
import { API_NAMES, ApiError, type ApiName, type ConsoleBridge, type ConsoleClient } from '../../../src/contract/api.js';
import { ConsoleCallError, type ConnectionState, type ConsoleTransport, type EventListener } from './console-transport.js';

declare global {
  interface Window {
    handrail?: ConsoleBridge;
  }
}

// The preload rejects with a plain ApiError object. Should an Error get through instead,
// Electron words it "Error invoking remote method 'op': Error: <message>"; the operator
// should read only the message.
const IPC_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

function toCallError(op: ApiName, error: unknown): ConsoleCallError {
  const parsed = ApiError.safeParse(error);
  if (parsed.success) return new ConsoleCallError(op, parsed.data.code, parsed.data.message);
  const text = error instanceof Error ? error.message : String(error);
  const stripped = text.replace(IPC_PREFIX, '');
  // The main process may carry the ApiError as JSON inside the message.
  try {
    const inner = ApiError.safeParse(JSON.parse(stripped));
    if (inner.success) return new ConsoleCallError(op, inner.data.code, inner.data.message);
  } catch {
    // plain text
  }
  return new ConsoleCallError(op, 'failed', stripped);
}

export class ElectronTransport implements ConsoleTransport {
  readonly client: ConsoleClient;

  constructor(private readonly bridge: ConsoleBridge) {
    const client: Record<string, (request: unknown) => Promise<unknown>> = {};
    for (const op of API_NAMES) {
      const fn = bridge[op] as (request: unknown) => Promise<unknown>;
      client[op] = async (request) => {
        try {
          return await fn(request);
        } catch (error) {
          throw toCallError(op, error);
        }
      };
    }
    this.client = client as unknown as ConsoleClient;
  }

  onEvent(listener: EventListener): () => void {
    return this.bridge.onEvent(listener);
  }

  onConnection(): () => void {
    return () => undefined;
  }

  connection(): ConnectionState {
    return 'open';
  }
}
