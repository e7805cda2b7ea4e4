// `runs --team` and `show RUN --team`: every machine's runs from the team ledger, each
// checked against its machine's pinned key. A machine or run that does not verify is named
// on stderr (so a listing piped on still shows it) and the exit code is 3, as for a local
// trail that was tampered with.
import type { TeamRunPage } from '../../contract/team-views.js';
import { verdictText } from '../../core/audit/run-verdict.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import { ledgerReadFault, openLeadLedger } from '../../app/team/lead-ledger.js';
import { TeamRuns } from '../../app/team/team-runs.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';
import { pacedWriter } from '../paced-stdout.js';
import { decodedOutput, writeIndented, writeJsonString } from '../show-output.js';
import { EXIT_TAMPERED } from './audit.js';

/** How many runs `runs --team` lists: the newest; a ledger can hold many thousands. */
export const TEAM_RUNS_LIMIT = 200;

const COLUMNS: readonly (readonly [string, number])[] = [
  ['RUN', 22],
  ['MACHINE', 14],
  ['STATUS', 30],
  ['RUNBOOK', 28],
  ['ENVIRONMENT', 12],
  ['OPERATOR', 10],
  ['STARTED', 0],
];

export interface TeamRunsFlags {
  json?: boolean;
  team?: boolean;
  machine?: string;
  env?: string;
  limit?: string;
}

export async function runsTeamCommand(options: TeamRunsFlags, global: GlobalOptions): Promise<number> {
  const limit = options.limit === undefined ? TEAM_RUNS_LIMIT : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a whole number of 1 or more, not '${options.limit}'; nothing was read`);
  const ledger = await openLeadLedger(resolveSettings(global), 'runs --team');
  try {
    const page = await new TeamRuns(ledger.client, ledger.place).page({ offset: 0, limit, machine: options.machine, environment: options.env });
    const flagged = page.machines.some((m) => m.problems.length > 0) || page.runs.some((r) => r.problems.length > 0);
    if (options.json) {
      print(JSON.stringify(page, null, 2));
      reportFlags(page);
      return flagged ? EXIT_TAMPERED : 0;
    }
    print(`team ledger ${page.ledger}: ${page.machines.length} machine${page.machines.length === 1 ? '' : 's'}, ${page.total} run${page.total === 1 ? '' : 's'}`);
    for (const m of page.machines) {
      print(`  ${m.name} (${m.id}): key ${m.keyFingerprint ?? '(none pinned)'}, ${m.head} events${m.problems.length > 0 ? '  DOES NOT VERIFY' : ', verified'}`);
    }
    if (page.runs.length === 0) print('no runs shipped yet');
    const row = (cells: string[]) => print(cells.map((c, i) => (i < COLUMNS.length - 1 ? c.padEnd(COLUMNS[i]?.[1] ?? 0) : c)).join('  '));
    if (page.runs.length > 0) row(COLUMNS.map(([name]) => name));
    for (const r of page.runs) {
      row([r.id, r.machine, verdictText(r), `${r.runbookId}@${r.runbookVersion}`, r.environment, r.operator, `${r.startedAt}${r.problems.length > 0 ? '  DOES NOT VERIFY' : ''}`]);
    }
    if (page.total > page.runs.length) print(`(the newest ${page.runs.length} of ${page.total} runs; --limit shows more; the console's Audit view, team scope, pages through all of them)`);
    reportFlags(page);
    return flagged ? EXIT_TAMPERED : 0;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}

/** What does not verify, on stderr (a listing piped on still shows it), and what to do. */
function reportFlags(page: TeamRunPage): void {
  for (const m of page.machines) for (const p of m.problems) fail(`machine ${m.name} (${m.id}): ${p}`);
  for (const r of page.runs) for (const p of r.problems.filter((x) => !x.startsWith('machine '))) fail(p);
  if (page.machines.some((m) => m.problems.length > 0) || page.runs.some((r) => r.problems.length > 0)) {
    fail('what is marked DOES NOT VERIFY cannot be trusted as it stands: keep the ledger as it is, and find out who changed it or which machine offered another key');
  }
}

export async function showTeamCommand(ref: string, options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const ledger = await openLeadLedger(resolveSettings(global), 'show --team');
  try {
    const runs = new TeamRuns(ledger.client, ledger.place);
    const detail = await runs.detail(await runs.find(ref));
    const { run, steps, verdict, machine } = detail;
    const out = pacedWriter();
    if (options.json) {
      const marked = JSON.stringify(
        { machine: { id: machine.id, name: machine.name, keyFingerprint: machine.keyFingerprint }, run, ...verdict, steps: steps.map((s) => ({ ...s, output: `\u0000output-${s.idx}\u0000` })), problems: '\u0000problems\u0000' },
        null,
        2,
      );
      const parts = marked.split(/"\\u0000(output-\d+|problems)\\u0000"/);
      for (const [i, part] of parts.entries()) {
        if (i % 2 === 0) await out.write(part);
        else if (part === 'problems') await out.write(JSON.stringify(detail.problems));
        else {
          const step = steps.find((s) => `output-${s.idx}` === part);
          await out.write('"');
          if (step) await writeJsonString(out, decodedOutput(detail.output(step)));
          await out.write('"');
        }
      }
      await out.write('\n');
    } else {
      await out.write(`Run ${run.id} on machine ${machine.name} (${machine.id}), from the team ledger ${ledger.place}\n`);
      await out.write(`${run.runbookId} ${run.runbookVersion} (sha256 ${run.runbookSha256.slice(0, 16)}…) in ${run.environment}\n`);
      await out.write(`Operator ${run.operator}; ${verdictText(verdict)}; started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`);
      if (Object.keys(run.inputs).length > 0) await out.write(`Inputs: ${Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
      for (const s of steps) {
        await out.write(`\n${s.idx + 1}. ${s.title} [${s.kind}${s.target ? ` on ${s.target}` : ''}] — ${s.status}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}\n`);
        if (s.exitCode !== null) await out.write(`   exit code ${s.exitCode}\n`);
        if (s.signal) await out.write(`   ended by ${s.signal}\n`);
        if (s.reason) await out.write(`   ${s.status === 'skipped' ? 'reason' : 'why'}: ${s.reason}\n`);
        if (s.note) await out.write(`   note: ${s.note}\n`);
        await writeIndented(out, decodedOutput(detail.output(s)));
      }
    }
    await out.end();
    for (const p of detail.problems) fail(p);
    if (detail.problems.length > 0) fail(`run ${run.id} as the ledger holds it does not verify against the key pinned for ${machine.name}: do not rely on it as it stands`);
    return detail.problems.length > 0 ? EXIT_TAMPERED : 0;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}
