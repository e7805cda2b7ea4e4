import * as runs from './migrations/0001-runs.js';
import * as snapshots from './migrations/0002-snapshots.js';
import * as auditChain from './migrations/0003-audit-chain.js';
import * as auditSearch from './migrations/0004-audit-search.js';
import * as runFilters from './migrations/0005-run-filters.js';
import * as runbookVersions from './migrations/0006-runbook-versions.js';
import * as linkedCheckpoints from './migrations/0007-linked-checkpoints.js';
import * as stepProcesses from './migrations/0008-step-processes.js';
import * as teamOutbox from './migrations/0009-team-outbox.js';
import * as runIncident from './migrations/0010-run-incident.js';
import * as auditSearchCatchUp from './migrations/0011-audit-search-catch-up.js';
import * as remoteStepProcesses from './migrations/0012-remote-step-processes.js';

/** One schema change: `name` is `NNNN-words`, its number is its id and its place in order. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/**
 * Every migration this build knows, oldest first. Append only: migrate.ts checks that the
 * numbers run 1, 2, 3… and that an applied migration's SQL was not edited since.
 */
export const MIGRATIONS: readonly Migration[] = [runs, snapshots, auditChain, auditSearch, runFilters, runbookVersions, linkedCheckpoints, stepProcesses, teamOutbox, runIncident, auditSearchCatchUp, remoteStepProcesses];
