// The handover report as Markdown. Every value from the runbook, the operator or a command's
// output is escaped or fenced, so a title like `<script>` or `*bold*` stays literal text in
// any Markdown viewer.
import { approvalLine } from './report-approvals.js';
import { CATEGORY_TITLES, deviations, durationMs, formatDuration, snapshotWhy, type Deviation, type HandoverReport, type ReportRun, type ReportStep } from './report-model.js';

/** Backslash-escapes what Markdown (and the HTML it may contain) would interpret; one line. */
export function mdText(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#&]/g, '\\$&');
}

/** A fenced block no content can close early: the fence is longer than any backtick run inside. */
export function mdFence(lines: string[], lang = ''): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, ...lines, fence].join('\n');
}

export function renderMarkdown(report: HandoverReport): string {
  const out: string[] = [];
  const scope = report.scope.runId
    ? `run ${report.scope.runId}`
    : `events ${report.scope.since ? `from ${report.scope.since}` : 'from the start'} ${report.scope.until ? `until ${report.scope.until}` : 'until now'}`;
  out.push(`# Handover report: ${mdText(scope)}`, '');
  out.push(`Generated ${mdText(report.generatedAt)} by ${mdText(report.generatedBy)}; ${report.events.length} audit events in scope.`, '');
  out.push(...renderDeviations(deviations(report.events), report), '');
  if (report.runs.length === 0) out.push('No runs in scope.', '');
  for (const run of report.runs) out.push(...renderRun(run, approvalLine(report.events, run.id)), '');
  out.push(...renderVerification(report));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function stepName(report: HandoverReport, d: Deviation): string {
  if (d.step === null) return '';
  const step = report.runs.find((r) => r.id === d.runId)?.steps.find((s) => s.idx === d.step);
  return ` step ${d.step + 1}${step ? ` (${mdText(step.title)})` : ''}`;
}

function renderDeviations(list: Deviation[], report: HandoverReport): string[] {
  const out = ['## Deviations', ''];
  if (list.length === 0) return [...out, 'None: no step was skipped, retried or failed, nothing was restored, confirmed or refused.'];
  for (const [category, title] of Object.entries(CATEGORY_TITLES)) {
    const items = list.filter((d) => d.category === category);
    if (items.length === 0) continue;
    out.push(`### ${title}`, '');
    for (const d of items) {
      const where = `${d.runId ? `run ${mdText(d.runId)}` : 'no run'}${stepName(report, d)}`;
      out.push(`- **${mdText(where)}**: ${mdText(d.text)} — ${mdText(d.at)}, ${mdText(d.operator)}, event ${d.seq}`);
    }
    out.push('');
  }
  return out;
}

function renderRun(run: ReportRun, approval: string | null): string[] {
  const out = [`## Run ${mdText(run.id)}: ${mdText(run.title)}`, ''];
  if (run.tampering.length > 0) {
    out.push('**The record of this run was edited outside Handrail.** What follows is what the audit trail recorded:', '');
    for (const t of run.tampering) out.push(`- ${mdText(t)}`);
    out.push('');
  }
  out.push(
    `- Runbook: ${mdText(run.runbookId)} ${mdText(run.version)} (${mdText(run.path)})`,
    `- Runbook SHA-256: \`${run.sha256}\``,
    `- Environment: ${mdText(run.environment)}`,
    ...(run.incident ? [`- Incident: ${mdText(run.incident)}`] : []),
    `- Operator(s): ${run.operators.map(mdText).join(', ')}`,
    ...(approval ? [`- Approval: ${mdText(approval)}`] : []),
    `- Started: ${mdText(run.startedAt)}`,
    `- Ended: ${run.finishedAt ? mdText(run.finishedAt) : 'not ended'} (${mdText(run.verdict)})`,
    `- Inputs: ${run.inputs.length === 0 ? 'none' : run.inputs.map(([k, v]) => `${mdText(k)} = \`${v.replaceAll('`', "'")}\``).join(', ')}`,
    '',
  );
  if (run.undoneBy.length > 0) {
    out.push('**Undone by a restore.** Its changes to these databases were rolled back afterwards:', '');
    for (const u of run.undoneBy) out.push(`- ${mdText(u.target)} restored to snapshot ${mdText(u.snapshot)} on ${mdText(u.at)} by ${mdText(u.operator)} (event ${u.seq})`);
    out.push('');
  }
  for (const step of run.steps) out.push(...renderStep(step), '');
  out.push('### Snapshots', '');
  if (run.snapshots.length === 0) out.push('None taken in this run.');
  for (const s of run.snapshots) {
    out.push(`- ${mdText(s.id)}: ${mdText(s.target)} (${mdText(s.kind)}, ${mdText(snapshotWhy(s))}), ${s.bytes} bytes, ` +
      `${s.verified ? 'verified' : 'NOT verified'}, ${mdText(s.createdAt)}, SHA-256 \`${s.sha256}\`${s.deletedAt ? `, deleted ${mdText(s.deletedAt)}` : ''}`);
  }
  out.push('', '### Reviews', '');
  if (run.reviews.length === 0) out.push('Not reviewed yet.');
  for (const r of run.reviews) out.push(`- ${mdText(r.reviewer)} on ${mdText(r.at)} (event ${r.seq}): ${mdText(r.note)}`);
  return out;
}

function renderStep(step: ReportStep): string[] {
  const out = [`### Step ${step.idx + 1}: ${mdText(step.title)}`, ''];
  out.push(
    `- Outcome: **${mdText(step.status)}**${step.attempt > 1 ? ` after ${step.attempt} attempts` : ''}${step.exitCode !== null ? `, exit code ${step.exitCode}` : ''}`,
    `- Target: ${step.target ? mdText(step.target) : '—'} (${mdText(step.kind)})`,
    `- Duration: ${formatDuration(durationMs(step.startedAt, step.finishedAt))}${step.startedAt ? ` (from ${mdText(step.startedAt)})` : ''}`,
  );
  if (step.reason) out.push(`- Reason: ${mdText(step.reason)}`);
  if (step.note) out.push(`- Note: ${mdText(step.note)}`);
  out.push('');
  if (step.command !== null) out.push('Command:', '', mdFence(step.command.replace(/\n$/, '').split('\n')), '');
  if (step.output && step.output.totalLines > 0) {
    const { head, tail, omitted, totalLines } = step.output;
    const lines = omitted > 0 ? [...head, `… ${omitted} lines left out …`, ...tail] : [...head, ...tail];
    out.push(`Output (attempt ${step.attempt}, ${totalLines} line${totalLines === 1 ? '' : 's'}):`, '', mdFence(lines));
  }
  return out;
}

function renderVerification(report: HandoverReport): string[] {
  const v = report.verification;
  const out = ['## Audit chain at export time', ''];
  const key = v.keyFingerprint ? `key ${v.keyFingerprint}` : 'no signing key in this data directory';
  if (v.ok) {
    out.push(`Intact: ${v.events} events and ${v.checkpoints} signed checkpoints verified up to event ${v.headSeq ?? 0} (${mdText(key)}).`);
  } else {
    out.push(`**BROKEN**: ${v.events} events and ${v.checkpoints} checkpoints checked (${mdText(key)}). Do not rely on this report until it is explained:`, '');
    for (const p of v.problems.slice(0, 10)) out.push(`- event ${p.seq} (${mdText(p.kind)}): ${mdText(p.message)}`);
  }
  return out;
}
