// Main's side of the service process: numbers each call, matches replies to callers, fans
// events out, and starts the process again on the next call if it died. Written against a
// small port so the same code drives an Electron utilityProcess (main.ts) and, in the
// tests, a Node child process running the same service-process entry.
import type { ApiName, ConsoleEvent } from '../contract/api.js';
import type { ApiEnvelope, FromService, ToService } from './service-messages.js';

export interface ServicePort {
  send(message: ToService): void;
  onMessage(listener: (message: FromService) => void): void;
  /** Called once, when the process has ended for any reason. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

interface Pending {
  operation: ApiName;
  resolve: (envelope: ApiEnvelope) => void;
}

/** How long close() waits for the service to abort live runs and close its database. */
const CLOSE_GRACE_MS = 10_000;

export class ServiceHost {
  #port: ServicePort | undefined;
  #exited: Promise<void> = Promise.resolve();
  #nextId = 1;
  #closing: Promise<void> | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: ConsoleEvent) => void>();

  constructor(private readonly spawn: () => ServicePort) {}

  /** Starts the service now rather than on the first call, so the window's first request does not wait for it. */
  start(): void {
    if (!this.#closing) this.#port ??= this.#open();
  }

  call(operation: ApiName, request: unknown): Promise<ApiEnvelope> {
    if (this.#closing) {
      return Promise.resolve({ error: { code: 'refused', message: `Handrail is closing, so '${operation}' was not run. Nothing was changed.` } });
    }
    const port = (this.#port ??= this.#open());
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { operation, resolve });
      port.send({ type: 'call', id, operation, request });
    });
  }

  /** Every event the service publishes from now on; returns the unsubscribe function. */
  onEvent(listener: (event: ConsoleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the service to stop (live runs become interrupted) and waits for it; kills it past the grace period. */
  close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.#closing ??= (async () => {
      const port = this.#port;
      if (!port) return;
      port.send({ type: 'close' });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      if ((await Promise.race([this.#exited.then(() => 'exited' as const), late])) === 'late') port.kill();
      clearTimeout(timer);
      await this.#exited;
    })();
    return this.#closing;
  }

  #open(): ServicePort {
    const port = this.spawn();
    this.#exited = new Promise((resolve) => {
      port.onExit((code) => {
        if (this.#port === port) this.#port = undefined;
        this.#failPending(code);
        resolve();
      });
    });
    port.onMessage((message) => this.#receive(message));
    return port;
  }

  #receive(message: FromService): void {
    if (message.type === 'reply') {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      pending?.resolve(message.envelope);
    } else if (message.type === 'event') {
      for (const listener of this.#listeners) listener(message.event);
    }
  }

  #failPending(code: number | null): void {
    if (this.#pending.size === 0) return;
    const how = code === null ? 'was killed' : `stopped (exit code ${code})`;
    for (const { operation, resolve } of this.#pending.values()) {
      resolve({
        error: {
          code: 'failed',
          message:
            `Handrail's service process ${how} while '${operation}' was in progress, so its outcome is unknown. ` +
            'A run it was driving is kept as interrupted: open it and resume. The next action starts the service again.',
        },
      });
    }
    this.#pending.clear();
  }
}
