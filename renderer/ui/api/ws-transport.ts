// The browser console's transport: one WebSocket to /api/ws on the page's own origin (the
// server already set the session cookie when it handed out the page), speaking the
// contract's WireCall / WireMessage. When the socket drops it reconnects with backoff; a
// call that was in flight is failed rather than silently re-sent, because the server may
// already have carried it out.
import type { ApiName, ConsoleClient, WireCall } from '../../../src/contract/api.js';
import { clientOf } from './client-proxy.js';
import { contractSchemas, loadContractSchemasWhenIdle } from './contract-schemas.js';
import { takePageAnswer } from './page-answers.js';
import { ConsoleCallError, type ConnectionListener, type ConnectionState, type ConsoleTransport, type EventListener } from './console-transport.js';

interface Pending {
  op: ApiName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  sent: boolean;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

export class WsTransport implements ConsoleTransport {
  readonly client: ConsoleClient;
  private socket: WebSocket | null = null;
  private state: ConnectionState = 'connecting';
  private failures = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Calls made while the socket was down, sent once it is open. */
  private waiting: (() => void)[] = [];
  private readonly eventListeners = new Set<EventListener>();
  private readonly connectionListeners = new Set<ConnectionListener>();
  /**
   * Messages waiting, in order, for the contract's schemas: an event or an error must be
   * checked, and whatever arrives after it waits its turn, so nothing is seen out of order.
   */
  private backlog: Promise<void> | null = null;

  constructor(private readonly url: string) {
    this.client = clientOf((op, request) => this.call(op, request));
    this.connect();
    loadContractSchemasWhenIdle();
  }

  static forPage(): WsTransport {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WsTransport(`${scheme}//${window.location.host}/api/ws`);
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: ConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  connection(): ConnectionState {
    return this.state;
  }

  private call(op: ApiName, request: unknown): Promise<unknown> {
    const answered = takePageAnswer(op, request);
    if (answered !== undefined) return Promise.resolve(answered.value);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const entry: Pending = { op, resolve, reject, sent: false };
      this.pending.set(id, entry);
      // While the socket is down the call waits for it; it was never sent, so sending it
      // after the reconnect cannot do anything twice.
      if (this.socket?.readyState === WebSocket.OPEN) this.send(id, entry, request);
      else this.waiting.push(() => this.send(id, entry, request));
    });
  }

  private send(id: number, entry: Pending, request: unknown): void {
    const call: WireCall = { id, op: entry.op, request };
    entry.sent = true;
    this.socket?.send(JSON.stringify(call));
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.failures = 0;
      this.setState('open');
      const waiting = this.waiting;
      this.waiting = [];
      for (const send of waiting) send();
    });
    socket.addEventListener('message', (message) => {
      if (typeof message.data === 'string') this.receive(message.data);
    });
    socket.addEventListener('close', () => this.dropped(socket));
  }

  private dropped(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    for (const [id, entry] of this.pending) {
      if (!entry.sent) continue;
      this.pending.delete(id);
      entry.reject(
        new ConsoleCallError(
          entry.op,
          'failed',
          `The connection to Handrail dropped while "${entry.op}" was under way, so it may or may not have been carried out. ` +
            'Nothing was sent again. Look at the current state (it reloads when the connection is back) before trying again.',
        ),
      );
    }
    this.setState('lost');
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 8000;
    this.failures++;
    window.setTimeout(() => this.connect(), delay);
  }

  private receive(data: string): void {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const checked = 'event' in message || 'error' in message;
    if (!checked && this.backlog === null) {
      this.settle(message, undefined);
      return;
    }
    const settled = (this.backlog ?? Promise.resolve())
      .then(() => (checked ? contractSchemas().catch(() => undefined) : undefined))
      .then((schemas) => this.settle(message, schemas));
    this.backlog = settled;
    void settled.finally(() => {
      if (this.backlog === settled) this.backlog = null;
    });
  }

  /** Hands a message on: an event to the listeners, an answer to its call. Without the schemas (they failed to load), an event is dropped and an error is one the server did not describe. */
  private settle(message: object, schemas: Awaited<ReturnType<typeof contractSchemas>> | undefined): void {
    if ('event' in message) {
      const event = schemas?.ConsoleEvent.safeParse(message.event);
      if (event?.success) for (const listener of this.eventListeners) listener(event.data);
      return;
    }
    if (!('id' in message) || typeof message.id !== 'number') return;
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    if ('error' in message) {
      const error = schemas?.ApiError.safeParse(message.error);
      entry.reject(
        error?.success
          ? new ConsoleCallError(entry.op, error.data.code, error.data.message, error.data.leftovers)
          : new ConsoleCallError(entry.op, 'failed', `Handrail answered "${entry.op}" with an error it did not describe.`),
      );
    } else {
      entry.resolve('result' in message ? message.result : undefined);
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.connectionListeners) listener(state);
  }
}
