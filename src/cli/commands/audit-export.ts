// `audit export` and `audit verify --file`.
import { AuditExportService, EXPORT_FORMATS, verifyExportFile, type ExportFormat } from '../../app/audit-export-service.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';
import { EXIT_TAMPERED } from './audit.js';

export interface ExportFlags {
  run?: string;
  since?: string;
  until?: string;
  format: string;
  out?: string;
  team?: boolean;
  machine?: string;
}

export async function auditExportCommand(flags: ExportFlags, global: GlobalOptions): Promise<number> {
  if (!EXPORT_FORMATS.includes(flags.format as ExportFormat)) {
    throw new UserError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not '${flags.format}'; nothing was exported`);
  }
  if (flags.team) return (await import('./team-audit.js')).teamExportCommand(flags, global);
  const service = new AuditExportService(resolveSettings(global));
  try {
    const result = await service.export({ format: flags.format as ExportFormat, run: flags.run, since: flags.since, until: flags.until, out: flags.out }, process.stdout);
    // On stderr: stdout may be the export itself.
    process.stderr.write(
      `exported ${result.count} events as ${result.format}${result.out ? ` to ${result.out}` : ''} (${result.bytes} bytes, sha256 ${result.sha256}); ${result.seq !== null ? `recorded as audit event ${result.seq}` : result.notRecorded}\n`,
    );
    return 0;
  } finally {
    service.close();
  }
}

/**
 * Opens no database: it checks the export against --key, else against this data directory's
 * key when there is one, else against the key the export carries (and says so).
 */
export async function auditVerifyFileCommand(file: string, options: { json?: boolean; key?: string }, global: GlobalOptions): Promise<number> {
  const result = verifyExportFile(file, { key: options.key, dataDir: resolveSettings(global).dataDir });
  if (options.json) {
    print(JSON.stringify({ file, ...result, first: result.problems[0] ?? null }, null, 2));
    return result.ok ? 0 : EXIT_TAMPERED;
  }
  const key = !result.keyFingerprint
    ? 'no public key in the file'
    : result.keyCheckedAgainst === 'pinned'
      ? `signed by key ${result.keyFingerprint}, the one given with --key`
      : result.keyCheckedAgainst === 'local'
        ? `signed by key ${result.keyFingerprint}, this data directory's key`
        : `trusted the key the file carries, ${result.keyFingerprint}`;
  const head = result.head ? `head ${result.head.seq} ${result.head.hash}` : 'no events';
  const withheld = result.withheld > 0 ? `; ${result.withheld} bodies outside the export's scope were left out and not checked` : '';
  if (result.ok) {
    print(`export intact: ${result.events} events, ${result.checkpoints} checkpoints, ${head}, ${key}${withheld}`);
    if (result.keyCheckedAgainst === 'file') {
      // Anyone can rehash a forged file and sign it with a key of their own: only a key noted elsewhere tells.
      print("anyone can re-sign a forged export with a key of their own: compare that fingerprint with the one `handrail audit key` printed on the machine that exported it, or pass it with --key");
    }
    return 0;
  }
  const [first, ...rest] = result.problems;
  if (first) fail(`export BROKEN at event ${first.seq} (${first.kind}): ${first.message}`);
  for (const problem of rest.slice(0, 9)) fail(`  also at event ${problem.seq} (${problem.kind}): ${problem.message}`);
  if (rest.length > 9) fail(`  and ${rest.length - 9} more problems (--json lists them)`);
  fail(`checked ${result.events} events and ${result.checkpoints} checkpoints in ${file} (${head}, ${key}). ` +
    'Do not rely on this export; ask for a fresh one from the machine that holds the audit trail, and keep this file for investigation.');
  return EXIT_TAMPERED;
}

