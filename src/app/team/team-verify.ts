// `audit verify --team`: every machine's chain in the ledger, every event, checkpoint and
// output chunk, checked against the key pinned for that machine, a page at a time (a
// machine's chain may hold millions of events). The ledger's own triggers already refused
// what did not continue a chain; this is what catches a row changed around them (by the
// database's owner or a superuser, triggers disabled).
import { OUTPUT_EVENT, outputEventBody, outputMismatch } from '../../core/audit/output-event.js';
import { ChainVerifier, type VerifyResult } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { ledgerCheckpoints, ledgerOutputOfEvents, ledgerStretch } from '../../targets/ledger/ledger-read.js';
import { checkMachines, problemText } from './team-machines.js';
import { decodeOutputChunk } from '../../store/output-codec.js';

const PAGE = 5000;

export interface MachineVerification extends VerifyResult {
  machineId: string;
  machine: string;
  keyFingerprint: string | null;
  /** Key incidents and a pinned key that cannot be used, beside the chain's own problems. */
  incidents: string[];
}

export async function verifyTeam(client: LedgerClient, machine?: string): Promise<MachineVerification[]> {
  const out: MachineVerification[] = [];
  for (const m of await checkMachines(client)) {
    if (machine !== undefined && m.id !== machine && m.name !== machine) continue;
    const verifier = new ChainVerifier(await ledgerCheckpoints(client, m.id), m.key);
    for (let from = 1; from <= m.head; from += PAGE) {
      const to = Math.min(m.head, from + PAGE - 1);
      const [page, output] = await Promise.all([ledgerStretch(client, m.id, from, to), ledgerOutputOfEvents(client, m.id, from, to)]);
      for (const e of page) {
        verifier.push(e);
        const body = e.kind === OUTPUT_EVENT ? outputEventBody(e.bodyJson) : undefined;
        if (!body) continue;
        const chunk = output.get(e.seq);
        const wrong = outputMismatch(e.seq, e.stepIdx, body, chunk && decodeOutputChunk(chunk));
        if (wrong) verifier.report(e.seq, chunk ? 'output-edited' : 'output-missing', wrong);
      }
    }
    const result = verifier.finish();
    // The tail check's finding is the chain's own, found again above; the rest is about the key.
    const incidents = m.problems.filter((p) => !p.startsWith('its chain does not verify'));
    out.push({ ...result, ok: result.ok && incidents.length === 0, machineId: m.id, machine: m.name, keyFingerprint: m.keyFingerprint, incidents });
  }
  return out;
}

export { problemText };
