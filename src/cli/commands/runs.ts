import { AuditSearchService } from '../../app/audit-search-service.js';
import { RunService } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import type { RecordMismatch } from '../../contract/record-check.js';
import type { Run } from '../../contract/run.js';
import { verdictText } from '../../core/audit/run-verdict.js';
import { fail, print } from '../output.js';
import { EXIT_TAMPERED } from './audit.js';

/** Column names and widths of the `runs` table. */
const RUN_COLUMNS: readonly (readonly [string, number])[] = [
  ['RUN', 22],
  ['STATUS', 30],
  ['RUNBOOK', 28],
  ['ENVIRONMENT', 12],
  ['OPERATOR', 10],
  ['STARTED', 0],
];

export async function runsCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    const checked = service.listRuns();
    const tampering = checked.flatMap((c) => c.tampering);
    const verdicts = service.verdicts(checked.map((c) => c.run));
    const verdict = (run: Run) => verdicts.get(run.id) ?? { verdict: run.status, deviations: 0 };
    if (options.json) {
      // `status` keeps its meaning; `verdict` and `deviations` say what it means to a person.
      print(JSON.stringify(checked.map((c) => ({ ...c.run, ...verdict(c.run), tampering: c.tampering })), null, 2));
      return tampering.length > 0 ? EXIT_TAMPERED : 0;
    }
    if (checked.length === 0) print('no runs yet');
    const row = (cells: string[]) => print(cells.map((c, i) => (i < RUN_COLUMNS.length - 1 ? c.padEnd(RUN_COLUMNS[i]?.[1] ?? 0) : c)).join('  '));
    if (checked.length > 0) row(RUN_COLUMNS.map(([name]) => name));
    for (const { run: r, tampering: t } of checked) {
      row([r.id, verdictText(verdict(r)), `${r.runbookId}@${r.runbookVersion}`, r.environment, r.operator, `${r.startedAt}${t.length > 0 ? '  EDITED' : ''}`]);
    }
    reportTampering(tampering);
    return tampering.length > 0 ? EXIT_TAMPERED : 0;
  } finally {
    service.close();
  }
}

/** Rows that differ from the audit trail: named on stderr, so a listing piped on still shows them. */
function reportTampering(tampering: RecordMismatch[]): void {
  if (tampering.length === 0) return;
  for (const m of tampering) fail(m.message);
  fail('what is shown above comes from the audit trail; run handrail audit verify for every difference, and find out who edited the database');
}

export async function showCommand(ref: string, options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const service = new RunService(settings);
  const audit = new AuditSearchService(settings);
  try {
    const { run, steps, tampering } = service.showRun(ref);
    const reviews = audit.reviews(run.id);
    const output: Record<number, string> = {};
    for (const step of steps) {
      if (step.attempt === 0) continue;
      let text = '';
      for await (const chunk of service.store.readOutput(run.id, step.idx, step.attempt)) text += Buffer.from(chunk.data).toString('utf8');
      output[step.idx] = text;
    }
    const verdict = service.verdicts([run]).get(run.id) ?? { verdict: run.status, deviations: 0 };
    if (options.json) {
      print(JSON.stringify({ run, ...verdict, steps: steps.map((s) => ({ ...s, output: output[s.idx] ?? '' })), reviews, tampering }, null, 2));
      reportTampering(tampering);
      return tampering.length > 0 ? EXIT_TAMPERED : 0;
    }
    print(`Run ${run.id}: ${run.runbookId} ${run.runbookVersion} (sha256 ${run.runbookSha256.slice(0, 16)}…) in ${run.environment}`);
    print(`Operator ${run.operator}; ${verdictText(verdict)}; started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`);
    if (Object.keys(run.inputs).length > 0) print(`Inputs: ${Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    for (const s of steps) {
      print(`\n${s.idx + 1}. ${s.title} [${s.kind}${s.target ? ` on ${s.target}` : ''}] — ${s.status}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}`);
      if (s.exitCode !== null) print(`   exit code ${s.exitCode}`);
      if (s.signal) print(`   ended by ${s.signal}`);
      if (s.reason) print(`   ${s.status === 'skipped' ? 'reason' : 'why'}: ${s.reason}`);
      if (s.note) print(`   note: ${s.note}`);
      const text = output[s.idx];
      if (text) print(text.replace(/\n$/, '').split('\n').map((l) => `   | ${l}`).join('\n'));
    }
    print('\nReviews');
    if (reviews.length === 0) print('   none yet (handrail audit review RUN --note TEXT records one)');
    for (const r of reviews) print(`   ${r.at} ${r.reviewer} (audit event ${r.seq}): ${r.note}`);
    reportTampering(tampering);
    return tampering.length > 0 ? EXIT_TAMPERED : 0;
  } finally {
    audit.close();
    service.close();
  }
}
