// A handover report (Markdown, HTML) over runs of the team ledger: the same report a machine
// writes of its own runs, built from each run's chain events as the ledger holds them. Step
// titles and commands come from the runbook bytes shipped with the run, and only when their
// SHA-256 is the one its chain recorded; output excerpts are read back from the ledger and
// checked chunk by chunk. What does not verify is the report's first news, per run.
import type { HandoverReport, ReportRun, ReportSnapshot, ReportStep, ReportVerification } from '../../core/audit/report-model.js';
import { toReportEvent } from '../../core/audit/report-model.js';
import { deriveRun } from '../../core/audit/run-record.js';
import { verdictText } from '../../core/audit/run-verdict.js';
import { loadShellGrammar } from '../../core/engine/shell-placeholders.js';
import { parseRunbook } from '../../core/runbook/parse-runbook.js';
import type { LedgerRunStart } from '../../targets/ledger/ledger-read.js';
import { reportStep } from '../audit-report-data.js';
import { REDACTED } from '../run-types.js';
import type { TeamRunDetail, TeamRuns } from './team-runs.js';

export interface TeamReportScope {
  runId: string | null;
  since: string | null;
  until: string | null;
}

export async function gatherTeamReport(team: TeamRuns, starts: readonly LedgerRunStart[], scope: TeamReportScope, generatedBy: string): Promise<HandoverReport> {
  await loadShellGrammar();
  const runs: ReportRun[] = [];
  const events = [];
  const problems: ReportVerification['problems'] = [];
  let checkedEvents = 0;
  let checkedCheckpoints = 0;
  for (const start of starts) {
    const detail = await team.detail(start);
    const run = await reportRun(detail);
    runs.push(run);
    events.push(...detail.events.map(toReportEvent));
    checkedEvents += detail.checked.events;
    checkedCheckpoints += detail.checked.checkpoints;
    problems.push(...run.tampering.map((message) => ({ seq: detail.checked.lastSeq, kind: `machine ${detail.machine.name}`, message })));
  }
  const machines = await team.checkedMachines();
  const keys = machines.map((m) => `${m.name} ${m.keyFingerprint ?? '(no key pinned)'}`).join(', ');
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    generatedAt: new Date().toISOString(),
    generatedBy,
    scope,
    events,
    runs,
    verification: {
      ok: problems.length === 0,
      events: checkedEvents,
      checkpoints: checkedCheckpoints,
      headSeq: null,
      keyFingerprint: `the team ledger ${team.place}, each machine against its pinned key: ${keys}`,
      problems,
    },
  };
}

async function reportRun(detail: TeamRunDetail): Promise<ReportRun> {
  const { run } = detail;
  const runbook = detail.runbookSource ? parseRunbook(`${run.runbookId}.md`, detail.runbookSource).runbook : undefined;
  const steps: ReportStep[] = [];
  for (const step of detail.steps) {
    steps.push(await reportStep(step, runbook?.steps[step.idx]?.title ?? step.title, runbook?.steps[step.idx]?.action, run.inputs, () => detail.output(step)));
  }
  const chain = deriveRun(detail.events);
  const snapshots: ReportSnapshot[] = [...(chain?.snapshots.values() ?? [])].map(({ body }) => ({
    id: String(body.id),
    step: typeof body.step === 'number' ? body.step : null,
    target: String(body.target ?? ''),
    kind: String(body.kind ?? ''),
    reason: String(body.reason ?? 'step'),
    bytes: typeof body.bytes === 'number' ? body.bytes : 0,
    sha256: String(body.sha256 ?? ''),
    verified: true,
    createdAt: String(body.createdAt ?? ''),
    deletedAt: null,
  }));
  const events = detail.events.map(toReportEvent);
  const fullName = new Map(events.flatMap((e) => (typeof e.body?.operatorName === 'string' ? [[e.operator, e.body.operatorName] as const] : [])));
  const operators = [...new Set([run.operator, ...events.map((e) => e.operator)])].map((o) => (fullName.has(o) ? `${o} (${fullName.get(o)})` : o));
  return {
    id: run.id,
    title: `${runbook?.frontMatter.title ?? run.runbookId} (machine ${detail.machine.name})`,
    runbookId: run.runbookId,
    version: run.runbookVersion,
    sha256: run.runbookSha256,
    path: `team ledger, machine ${detail.machine.name} (${detail.machine.id})`,
    environment: run.environment,
    incident: run.incident ?? null,
    status: run.status,
    operators,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    steps,
    snapshots,
    tampering: detail.problems,
    verdict: verdictText(detail.verdict),
    inputs: Object.entries(run.inputs).map(([name, value]) => [name, value === REDACTED ? '[secret]' : String(value)]),
    // Restores are recorded on the machine that made them; a later restore elsewhere is not tied to this run here.
    undoneBy: [],
    reviews: events.filter((e) => e.kind === 'review').map((e) => ({ seq: e.seq, at: e.at, reviewer: e.operator, note: typeof e.body?.note === 'string' ? e.body.note : '' })),
  };
}
