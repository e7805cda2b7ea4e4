// `audit export --team` and `audit verify --team`: the lead's export and check of every
// machine's record in the team ledger.
import type { ExportFormat } from '../../app/audit-export-service.js';
import { resolveSettings } from '../../app/settings.js';
import { ledgerReadFault, openLeadLedger } from '../../app/team/lead-ledger.js';
import { exportTeam } from '../../app/team/team-export.js';
import { verifyTeam } from '../../app/team/team-verify.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';
import { EXIT_TAMPERED } from './audit.js';

/** The flags of `audit export` (commands/audit-export.ts) that apply with --team. */
export interface TeamExportFlags {
  format: string;
  run?: string;
  since?: string;
  until?: string;
  out?: string;
  machine?: string;
}

export async function teamExportCommand(flags: TeamExportFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const ledger = await openLeadLedger(settings, 'audit export --team');
  try {
    const files = await exportTeam(ledger.client, ledger.place, settings, { format: flags.format as ExportFormat, run: flags.run, since: flags.since, until: flags.until, out: flags.out, machine: flags.machine }, process.stdout);
    // On stderr: stdout may be the export itself.
    for (const f of files) {
      process.stderr.write(
        `exported ${f.events} events${f.machine ? ` of ${f.machine}` : ''} from the team ledger ${ledger.place} as ${flags.format}${f.path ? ` to ${f.path}` : ''} (${f.bytes} bytes, sha256 ${f.sha256})` +
          `${f.keyFingerprint ? `; check it with handrail audit verify --file ${f.path} --key ${f.keyFingerprint}` : ''}\n`,
      );
    }
    return 0;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}

export async function teamVerifyCommand(options: { json?: boolean; machine?: string }, global: GlobalOptions): Promise<number> {
  const ledger = await openLeadLedger(resolveSettings(global), 'audit verify --team');
  try {
    const results = await verifyTeam(ledger.client, options.machine);
    const ok = results.every((r) => r.ok);
    if (options.json) {
      print(JSON.stringify({ ledger: ledger.place, ok, machines: results.map((r) => ({ ...r, first: r.problems[0] ?? null })) }, null, 2));
      return ok ? 0 : EXIT_TAMPERED;
    }
    if (results.length === 0) print(`the team ledger ${ledger.place} holds no machine yet`);
    for (const r of results) {
      const head = r.head ? `head ${r.head.seq} ${r.head.hash}` : 'no events yet';
      if (r.ok) {
        print(`${r.machine} (${r.machineId}): intact, ${r.events} events, ${r.checkpoints} checkpoints, ${head}, key ${r.keyFingerprint ?? '(none pinned)'}`);
        continue;
      }
      print(`${r.machine} (${r.machineId}): BROKEN (${r.events} events, ${r.checkpoints} checkpoints checked, ${head})`);
      for (const i of r.incidents) fail(`${r.machine}: ${i}`);
      for (const p of r.problems.slice(0, 10)) fail(`${r.machine}: event ${p.seq} (${p.kind}): ${p.message}`);
      if (r.problems.length > 10) fail(`${r.machine}: and ${r.problems.length - 10} more problems (--json lists them)`);
    }
    if (!ok) {
      fail(`checked the team ledger ${ledger.place}; nothing was changed. Keep the ledger as it is (the database's owner or a superuser can change rows around its triggers: ask who did), ` +
        'and compare with the machine itself: `handrail audit verify` there checks its local chain');
    }
    return ok ? 0 : EXIT_TAMPERED;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}
