// The shipper's connection to the ledger, kept from one shipment to the next while a run
// lasts. A new connection each second cost the ledger a login (a backend started, the
// SCRAM exchange, the schema check and the machine's registration) for a few events; kept,
// a shipment is the ledger's head, the batches and their commit. Whoever takes it owns it
// until it is put back: a connection that failed is ended, never put back.
import { markIdle, type LedgerClient } from '../../targets/ledger/ledger-connection.js';

export class KeptLedger {
  private client: LedgerClient | undefined;

  take(): LedgerClient | undefined {
    const client = this.client;
    this.client = undefined;
    if (client) markIdle(client, false);
    return client;
  }

  put(client: LedgerClient): void {
    markIdle(client, true);
    this.client = client;
  }

  async close(): Promise<void> {
    await this.take()
      ?.end()
      .catch(() => undefined);
  }
}
