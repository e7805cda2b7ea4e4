// `audit verify` with a team ledger: this machine's trail is also compared with the copy the
// ledger holds of it. The ledger is the witness the account holder cannot rewrite: a local
// trail shorter than the ledger's copy, or different from it at some seq, was changed after
// it shipped, however well it verifies on its own (a truncated tail with its checkpoint gone).
import type { AppDatabase } from '../../store/open-database.js';

type Database = AppDatabase['db'];
import type { AuditProblem } from '../../core/audit/verify-chain.js';
import { existingTeamMachineId } from '../../store/team-machine.js';
import { lastSeq, localHashes } from '../../store/team-outbox-read.js';
import { connectLedger, ledgerPlace } from '../../targets/ledger/ledger-connection.js';
import { ledgerHashes, ledgerHead } from '../../targets/ledger/ledger-ship.js';
import { loadInventory } from '../run-plan.js';
import { describeLedgerFault } from './ledger-faults.js';
import { teamConfig } from './team-config.js';

const PAGE = 10_000;

export interface LedgerComparison {
  /** One line for people: what was compared, or why it could not be. */
  note: string;
  problems: AuditProblem[];
}

/** undefined when no team ledger is configured. */
export async function compareWithLedger(db: Database, workspace: string): Promise<LedgerComparison | undefined> {
  const team = teamConfig(await loadInventory(workspace).catch(() => ({ team: undefined })));
  if (!team) return undefined;
  const place = ledgerPlace(team.url);
  const machineId = existingTeamMachineId(db);
  if (machineId === undefined) return { note: `not compared with the team ledger at ${place}: this machine has never shipped to it`, problems: [] };
  let client;
  try {
    client = await connectLedger(team, 'verify');
  } catch (error) {
    return { note: `not compared with the team ledger: ${describeLedgerFault(team.url, error)}`, problems: [] };
  }
  try {
    const head = await ledgerHead(client, machineId);
    const local = lastSeq(db);
    const problems: AuditProblem[] = [];
    for (let from = 1; from <= Math.min(head.seq, local) && problems.length === 0; from += PAGE) {
      const to = Math.min(from + PAGE - 1, head.seq, local);
      const theirs = await ledgerHashes(client, machineId, from, to);
      const mine = localHashes(db, from, to);
      for (let seq = from; seq <= to; seq++) {
        const held = theirs.get(seq);
        if (held !== undefined && mine.get(seq) !== held) {
          problems.push({
            seq,
            kind: 'ledger-differs',
            message: mine.has(seq)
              ? `event ${seq} is not the one this machine shipped to the team ledger at ${place} (hash ${held.slice(0, 12)}… there, ${(mine.get(seq) ?? '').slice(0, 12)}… here): this trail was rewritten after it shipped`
              : `event ${seq} is missing here, but the team ledger at ${place} holds it: it was deleted after it shipped`,
          });
          break;
        }
      }
    }
    if (local < head.seq) {
      problems.push({
        seq: local + 1,
        kind: 'truncated',
        message: `this trail ends at seq ${local}, but the team ledger at ${place} holds this machine's events up to seq ${head.seq}: events ${local + 1} to ${head.seq} were removed here after they shipped`,
      });
    }
    return { note: `compared with the team ledger at ${place}: it holds this machine's trail up to seq ${head.seq}`, problems };
  } catch (error) {
    return { note: `not compared with the team ledger: ${describeLedgerFault(team.url, error)}`, problems: [] };
  } finally {
    await client.end().catch(() => undefined);
  }
}
