import * as ledger from './migrations/0001-ledger.js';
import * as leadViews from './migrations/0002-lead-views.js';
import * as leadUnlock from './migrations/0003-lead-unlock.js';
import * as approvalRequests from './migrations/0004-approval-requests.js';

/** One change of the ledger's schema: `name` is `NNNN-words`; its number is its id and its place. */
export interface LedgerMigration {
  readonly name: string;
  readonly sql: string;
}

/** Every ledger migration this build knows, oldest first. Append only (see ledger-migrate.ts). */
export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [ledger, leadViews, leadUnlock, approvalRequests];
