// The desktop app's transport: the preload exposes one named function per contract
// operation on window.handrail (never a generic invoke), plus onEvent. IPC does not drop
// like a socket, so the connection is always open.
import type { ApiName, ConsoleBridge, ConsoleClient } from '../../../src/contract/api.js';
import { clientOf } from './client-proxy.js';
import { contractSchemas } from './contract-schemas.js';
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

async function toCallError(op: ApiName, error: unknown): Promise<ConsoleCallError> {
  const { ApiError } = await contractSchemas();
  const parsed = ApiError.safeParse(error);
  if (parsed.success) return new ConsoleCallError(op, parsed.data.code, parsed.data.message, parsed.data.leftovers);
  const text = error instanceof Error ? error.message : String(error);
  const stripped = text.replace(IPC_PREFIX, '');
  // The main process may carry the ApiError as JSON inside the message.
  try {
    const inner = ApiError.safeParse(JSON.parse(stripped));
    if (inner.success) return new ConsoleCallError(op, inner.data.code, inner.data.message, inner.data.leftovers);
  } catch {
    // plain text
  }
  return new ConsoleCallError(op, 'failed', stripped);
}

export class ElectronTransport implements ConsoleTransport {
  readonly client: ConsoleClient;

  constructor(private readonly bridge: ConsoleBridge) {
    this.client = clientOf(async (op, request) => {
      const fn = bridge[op] as (request: unknown) => Promise<unknown>;
      try {
        return await fn(request);
      } catch (error) {
        throw await toCallError(op, error);
      }
    });
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
