import { UserError } from '../../app/errors.js';
import { RunService } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import type { RecordMismatch } from '../../contract/record-check.js';
import type { Run, RunStep } from '../../contract/run.js';
import { verdictText } from '../../core/audit/run-verdict.js';
import { fail, print } from '../output.js';
import { printable } from '../printable.js';
import { EXIT_TAMPERED } from './audit.js';
import { pacedWriter } from '../paced-stdout.js';
import { decodedOutput, writeIndented, writeJsonString } from '../show-output.js';

/** Column names and widths of the `runs` table. */
const RUN_COLUMNS: readonly (readonly [string, number])[] = [
  ['RUN', 22],
  ['STATUS', 30],
  ['RUNBOOK', 28],
  ['ENVIRONMENT', 12],
  ['OPERATOR', 10],
  ['STARTED', 0],
];

export async function runsCommand(options: { json?: boolean; incident?: string; team?: boolean; machine?: string; env?: string; limit?: string }, global: GlobalOptions): Promise<number> {
  if (options.team) return (await import('./team-runs.js')).runsTeamCommand(options, global);
  if (options.machine ?? options.env ?? options.limit) {
    throw new UserError('--machine, --env and --limit narrow runs --team; this machine\'s runs are all listed; nothing was read');
  }
  const service = new RunService(resolveSettings(global));
  try {
    for (const notice of service.notices) fail(notice);
    const checked = service.listRuns(undefined, { incident: options.incident });
    const tampering = checked.flatMap((c) => c.tampering);
    const verdicts = service.verdicts(checked.map((c) => c.run));
    const verdict = (run: Run) => verdicts.get(run.id) ?? { verdict: run.status, deviations: 0 };
    if (options.json) {
      // `status` keeps its meaning; `verdict` and `deviations` say what it means to a person.
      print(JSON.stringify(checked.map((c) => ({ ...c.run, ...verdict(c.run), tampering: c.tampering })), null, 2));
      return tampering.length > 0 ? EXIT_TAMPERED : 0;
    }
    if (checked.length === 0) print(options.incident === undefined ? 'no runs yet' : `no runs for incident ${printable(options.incident)}`);
    const row = (cells: string[]) => print(cells.map((c, i) => (i < RUN_COLUMNS.length - 1 ? c.padEnd(RUN_COLUMNS[i]?.[1] ?? 0) : c)).join('  '));
    if (checked.length > 0) row(RUN_COLUMNS.map(([name]) => name));
    for (const { run: r, tampering: t } of checked) {
      const incident = r.incident ? `  incident ${printable(r.incident)}` : '';
      row([r.id, verdictText(verdict(r)), `${r.runbookId}@${r.runbookVersion}`, r.environment, r.operator, `${r.startedAt}${incident}${t.length > 0 ? '  EDITED' : ''}`]);
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
  for (const m of tampering) fail(printable(m.message));
  fail('what is shown above comes from the audit trail; run handrail audit verify for every difference, and find out who edited the database');
}

/** Output is read a few chunks at a time (each up to 1 MiB): a page of the store, not the run. */
const SHOW_PAGE_CHUNKS = 4;

export async function showCommand(ref: string, options: { json?: boolean; team?: boolean }, global: GlobalOptions): Promise<number> {
  if (options.team) return (await import('./team-runs.js')).showTeamCommand(ref, options, global);
  const service = new RunService(resolveSettings(global));
  try {
    for (const notice of service.notices) fail(notice);
    const local = await notHereTryTeam(() => service.showRun(ref), ref, global);
    if (local === 'team') {
      service.close();
      return (await import('./team-runs.js')).showTeamCommand(ref, options, global);
    }
    const { run, steps, tampering } = local;
    const verdict = service.verdicts([run]).get(run.id) ?? { verdict: run.status, deviations: 0 };
    const reviews = service.reviews(run.id);
    const out = pacedWriter();
    const output = (step: RunStep) =>
      decodedOutput(step.attempt === 0 ? none() : service.store.readOutput(run.id, step.idx, step.attempt, SHOW_PAGE_CHUNKS));
    if (options.json) {
      // The document as before, each step's output streamed into its place.
      // The approval the run ran under and every waived guard, as the text view's lines say them.
      const { approvals, deviations, teamLocksKept } = service.guardLines(run.id);
      const marked = JSON.stringify({ run, ...verdict, approvals, deviations, teamLocksKept, steps: steps.map((s) => ({ ...s, output: `\u0000output-${s.idx}\u0000` })), reviews, tampering }, null, 2);
      const parts = marked.split(/"\\u0000output-(\d+)\\u0000"/);
      for (const [i, part] of parts.entries()) {
        if (i % 2 === 0) {
          await out.write(part);
          continue;
        }
        const step = steps.find((s) => s.idx === Number(part));
        await out.write('"');
        if (step) await writeJsonString(out, output(step));
        await out.write('"');
      }
      await out.write('\n');
      await out.end();
      reportTampering(tampering);
      return tampering.length > 0 ? EXIT_TAMPERED : 0;
    }
    await out.write(`Run ${run.id}: ${run.runbookId} ${run.runbookVersion} (sha256 ${run.runbookSha256.slice(0, 16)}…) in ${run.environment}\n`);
    if (run.incident) await out.write(`Incident ${printable(run.incident)}\n`);
    await out.write(`Operator ${run.operator}; ${verdictText(verdict)}; started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`);
    const guards = service.guardLines(run.id);
    for (const line of guards.approvals) await out.write(`Approval: ${printable(line)}\n`);
    if (guards.deviations.length > 0) await out.write(`Deviations:\n${guards.deviations.map((d) => `   ${printable(d)}\n`).join('')}`);
    if (guards.teamLocksKept.length > 0) await out.write(`Team locks left held (as recorded here; handrail team status shows what the ledger holds now):\n${guards.teamLocksKept.map((k) => `   ${printable(k)}\n`).join('')}`);
    if (Object.keys(run.inputs).length > 0) await out.write(`Inputs: ${Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
    for (const s of steps) {
      await out.write(`\n${s.idx + 1}. ${s.title} [${s.kind}${s.target ? ` on ${s.target}` : ''}] — ${s.status}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}\n`);
      if (s.exitCode !== null) await out.write(`   exit code ${s.exitCode}\n`);
      if (s.signal) await out.write(`   ended by ${s.signal}\n`);
      if (s.reason) await out.write(`   ${s.status === 'skipped' ? 'reason' : 'why'}: ${s.reason}\n`);
      if (s.note) await out.write(`   note: ${s.note}\n`);
      await writeIndented(out, output(s));
    }
    await out.write('\nReviews\n');
    if (reviews.length === 0) await out.write('   none yet (handrail audit review RUN --note TEXT records one)\n');
    for (const r of reviews) await out.write(`   ${r.at} ${r.reviewer} (audit event ${r.seq}): ${r.note}\n`);
    await out.end();
    reportTampering(tampering);
    return tampering.length > 0 ? EXIT_TAMPERED : 0;
  } finally {
    service.close();
  }
}

async function* none(): AsyncGenerator<never> {}

/**
 * A run that is not in this data folder may be in the team ledger (a lead looks up a run an
 * operator named): with a team configured, `show` asks the ledger instead of refusing.
 */
async function notHereTryTeam<T>(local: () => T, ref: string, global: GlobalOptions): Promise<T | 'team'> {
  try {
    return local();
  } catch (error) {
    if (!(error instanceof UserError) || !error.message.startsWith(`no run '${ref}'`)) throw error;
    const { leadTeamConfig } = await import('../../app/team/lead-ledger.js');
    const configured = await leadTeamConfig(resolveSettings(global)).then(() => true, () => false);
    if (!configured) throw error;
    fail(`no run '${ref}' on this machine; looking in the team ledger`);
    return 'team';
  }
}
