// Every machine that ships to the ledger, with what is wrong with its record. A machine is
// checked against the key pinned at its first contact (handrail.machines), never against a
// key its rows name: its key incidents (it came back with another key), and the stretch of
// its chain nobody has signed yet (from its last checkpoint to its head, as the start-up tail
// check does locally). That is a few hundred events per machine at most, so every listing can
// afford it; `audit verify --team` checks every event.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TeamMachine } from '../../contract/team-views.js';
import { keyFingerprint } from '../../core/audit/checkpoint.js';
import { verifyTail } from '../../core/audit/verify-tail.js';
import type { AuditProblem } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { ledgerCheckpointsOf, ledgerKeyIncidents, ledgerMachines, ledgerStretches, type LedgerMachine } from '../../targets/ledger/ledger-read.js';

export interface CheckedMachine extends TeamMachine {
  /** The pinned key, parsed; undefined when the pinned row does not hold a usable key (a problem says so). */
  key: KeyObject | undefined;
}

/** Named the same way everywhere a chain problem of the ledger is shown. */
export function problemText(p: AuditProblem): string {
  return `event ${p.seq} (${p.kind}): ${p.message}`;
}

export async function checkMachines(client: LedgerClient): Promise<CheckedMachine[]> {
  const [machines, incidents] = await Promise.all([ledgerMachines(client), ledgerKeyIncidents(client)]);
  // Every machine's tail in two queries, whatever the number of machines.
  const tails = machines.filter((m) => m.head > 0).map((m) => ({ machineId: m.machineId, from: Math.max(1, m.lastCheckpointSeq), to: m.head }));
  const [events, checkpoints] = await Promise.all([ledgerStretches(client, tails), ledgerCheckpointsOf(client, tails)]);
  const out: CheckedMachine[] = [];
  for (const m of machines) {
    const problems: string[] = [];
    const key = pinnedKey(m, problems);
    for (const i of incidents.filter((x) => x.machineId === m.machineId)) {
      problems.push(
        `key incident at ${i.at}: ${i.operator} on ${i.hostname} offered key ${i.offeredFingerprint}, not the pinned ${i.pinnedFingerprint}; ` +
          'the ledger refused it, and what that machine records since is not witnessed here',
      );
    }
    const t = tails.findIndex((r) => r.machineId === m.machineId);
    if (t >= 0) {
      const tail = verifyTail(events[t] ?? [], checkpoints[t] ?? [], key);
      if (tail.problem) problems.push(`its chain does not verify against its pinned key at ${problemText(tail.problem)}`);
    }
    out.push({ id: m.machineId, name: m.hostname, keyFingerprint: m.keyFingerprint, head: m.head, problems, key });
  }
  return out;
}

/** The pinned public key; a row whose key does not match its own fingerprint was altered. */
function pinnedKey(m: LedgerMachine, problems: string[]): KeyObject | undefined {
  try {
    const key = createPublicKey(m.publicKeyPem);
    if (keyFingerprint(key) !== m.keyFingerprint) {
      problems.push(`its pinned key row was altered: the key it holds is ${keyFingerprint(key)}, the fingerprint beside it ${m.keyFingerprint}`);
      return undefined;
    }
    return key;
  } catch {
    problems.push(`its pinned key (handrail.machines) is not a readable public key: the row was altered; none of its checkpoints can be checked`);
    return undefined;
  }
}
