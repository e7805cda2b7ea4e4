// `audit verify` and `audit key`.
import { AuditService } from '../../app/audit-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';

/** Exit code of `audit verify` when the trail was tampered with (distinct from 1: failed, 2: refused). */
export const EXIT_TAMPERED = 3;

export async function auditVerifyCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const service = new AuditService(settings);
  try {
    // With a team ledger, the trail is also held against the copy this machine shipped.
    const { mayHaveTeam } = await import('../../app/team/team-hint.js');
    const ledger = mayHaveTeam(settings.workspace)
      ? await (await import('../../app/team/ledger-compare.js')).compareWithLedger(service.database, settings.workspace)
      : undefined;
    const result = await service.verify(ledger?.problems);
    if (ledger) process.stderr.write(`(${ledger.note})\n`);
    if (result.notRecorded) fail(result.notRecorded);
    if (options.json) {
      print(JSON.stringify({ ...result, first: result.problems[0] ?? null }, null, 2));
      return result.ok ? 0 : EXIT_TAMPERED;
    }
    const head = result.head ? `head ${result.head.seq} ${result.head.hash}` : 'no events yet';
    if (result.ok) {
      print(`audit trail intact: ${result.events} events, ${result.checkpoints} checkpoints, ${head}`);
      return 0;
    }
    const [first, ...rest] = result.problems;
    if (first) fail(`audit trail BROKEN at event ${first.seq} (${first.kind}): ${first.message}`);
    for (const problem of rest.slice(0, 9)) fail(`  also at event ${problem.seq} (${problem.kind}): ${problem.message}`);
    if (rest.length > 9) fail(`  and ${rest.length - 9} more problems (--json lists them)`);
    for (const ack of result.acknowledgements) fail(`  acknowledged by ${ack.operator} at ${ack.at} (event ${ack.seq}): ${ack.note}`);
    // An acknowledgement is signed: with the key gone there is nothing to sign it with.
    const keyGone = result.problems.some((p) => p.kind === 'key-missing' || p.kind === 'key-replaced');
    fail(
      `checked ${result.events} events and ${result.checkpoints} checkpoints (${head}). Nothing was changed. ` +
        'Keep this data directory as it is (copy it for investigation) and tell whoever is responsible for it; ' +
        (keyGone
          ? 'restore keys/ from a backup of this data directory: Handrail will not make a new key for a trail that was signed, so nothing can be acknowledged or signed until the key is back.'
          : 'once it is understood, `handrail audit acknowledge --note TEXT` records that and lets changes run again.'),
    );
    return EXIT_TAMPERED;
  } finally {
    service.close();
  }
}

export async function auditKeyCommand(global: GlobalOptions): Promise<number> {
  const service = new AuditService(resolveSettings(global));
  try {
    const { fingerprint, keysDir } = service.keyFingerprint();
    print(fingerprint);
    process.stderr.write(`(the public key of ${keysDir}; note it somewhere off this machine to check exports against it)\n`);
    return 0;
  } finally {
    service.close();
  }
}

export async function auditAcknowledgeCommand(options: { note: string }, global: GlobalOptions): Promise<number> {
  const service = new AuditService(resolveSettings(global));
  try {
    const { seq, problems } = service.acknowledge(options.note);
    print(`acknowledged ${problems} problem${problems === 1 ? '' : 's'} as event ${seq}, and signed a checkpoint over it; mutating steps may run again`);
    process.stderr.write('(audit verify still names the break, with your acknowledgement beside it)\n');
    return 0;
  } finally {
    service.close();
  }
}
