// The contract over one WebSocket: each message is a WireCall, parsed twice (the envelope,
// then the operation's own request schema) before the service sees it; each answer carries
// the call's id; every console event is pushed to every socket. No business logic here.
import type { RawData, WebSocket } from 'ws';
import { ZodError } from 'zod';
import { toApiError } from '../app/console/api-error.js';
import { UserError } from '../app/errors.js';
import { API, WireCall, type ApiName, type ConsoleApi, type ConsoleEvent, type WireMessage } from '../contract/api.js';

/** What the server needs from src/app's ConsoleService. */
export type ConsoleBackend = ConsoleApi & { subscribe(listener: (event: ConsoleEvent) => void): () => void };

/**
 * Past this much unsent data the browser is not keeping up (a step printing millions of
 * lines to a stalled tab). Rather than buffer without bound, the socket is closed; the
 * console reconnects and reads the stored output with getOutput.
 */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Close codes (RFC 6455) and the reasons sent with them (at most 123 bytes). */
const UNSUPPORTED_DATA = 1003;
const POLICY_VIOLATION = 1008;
const TRY_AGAIN_LATER = 1013;

export function bindSocket(socket: WebSocket, backend: ConsoleBackend, log: (line: string) => void): void {
  const send = (message: WireMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(TRY_AGAIN_LATER, 'the console fell behind the live output; reconnect and reload');
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // A result JSON cannot carry (a BigInt, a cycle) is a bug; the caller still gets an answer.
      if ('id' in message) text = JSON.stringify({ id: message.id, error: { code: 'failed', message: `the answer could not be sent: ${String(error)}` } });
      else return;
    }
    socket.send(text);
  };

  const unsubscribe = backend.subscribe((event) => send({ event }));
  socket.once('close', unsubscribe);
  // ws reports protocol errors (an oversized message, a bad frame) here and then closes the
  // socket itself; without a listener they would crash the server.
  socket.on('error', (error) => log(`a console connection failed: ${error.message}`));
  socket.on('message', (data, isBinary) => {
    answer(data, isBinary).catch((error: unknown) => log(`a console message could not be answered: ${error instanceof Error ? error.message : String(error)}`));
  });

  async function answer(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      socket.close(UNSUPPORTED_DATA, 'the console protocol is JSON text messages');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      socket.close(POLICY_VIOLATION, 'a message was not JSON');
      return;
    }
    const call = WireCall.safeParse(json);
    if (!call.success) {
      // Answer when the message at least names its id, so the caller's promise settles.
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        const op = (json as { op?: unknown }).op;
        const issues = call.error.issues.map((issue) => `${issue.path.join('.') || 'call'}: ${issue.message}`).join('; ');
        send({ id, error: { code: 'invalid', message: `a call to ${typeof op === 'string' ? JSON.stringify(op).slice(0, 60) : 'an unnamed operation'} was refused (${issues}); nothing was done` } });
      } else {
        socket.close(POLICY_VIOLATION, 'a message was not a call ({id, op, request})');
      }
      return;
    }
    const { id, op } = call.data;
    const request = API[op].request.safeParse(call.data.request);
    if (!request.success) {
      send({ id, error: toApiError(request.error, op) });
      return;
    }
    let reply: WireMessage;
    try {
      reply = { id, result: await invoke(backend, op, request.data) };
    } catch (error) {
      // Refusals are the operator's to read in the console; anything else is a bug worth a line here.
      if (!(error instanceof UserError || error instanceof ZodError)) {
        log(`${op} failed: ${error instanceof Error ? (process.env.HANDRAIL_DEBUG ? error.stack : error.message) : String(error)}`);
      }
      reply = { id, error: toApiError(error, op) };
    }
    send(reply);
  }
}

/** One call into the service; the schema lookup above guarantees request matches op. */
function invoke(backend: ConsoleBackend, op: ApiName, request: unknown): Promise<unknown> {
  const method = backend[op] as (this: ConsoleBackend, request: unknown) => Promise<unknown>;
  return method.call(backend, request);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data)).toString('utf8');
  return data.toString('utf8');
}
