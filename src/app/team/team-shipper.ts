// Runs the outbox in the background while a run goes on: off the step's path (the ledger's
// answers are awaited on the event loop, never by a step), one shipment at a time, and a last
// one when the run ends. A failure waits for the next tick; it never reaches the run. One
// connection to the ledger serves every tick of the run and is closed at its end.
import { KeptLedger } from './kept-ledger.js';
import type { ShipReport, TeamOutbox } from './outbox.js';

const EVERY_MS = 1_000;

export class TeamShipper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ShipReport> | undefined;
  private readonly connection = new KeptLedger();

  constructor(private readonly outbox: TeamOutbox) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.kick(), EVERY_MS);
    this.timer.unref();
  }

  /** One shipment now, or the one already under way. */
  kick(): Promise<ShipReport> {
    this.running ??= this.outbox.ship(this.connection).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the ticks, ships what is left, once, and closes the connection. */
  async stop(): Promise<ShipReport> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    try {
      return await this.kick();
    } finally {
      await this.connection.close();
    }
  }
}
