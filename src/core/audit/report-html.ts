// The handover report as one self-contained HTML file: inline CSS, no scripts, no fonts,
// images or links to fetch, so it opens the same offline, attached to a ticket, or printed.
// Every value is escaped: a runbook titled `<script>…` prints as that text and runs nothing.
import { approvalLine } from './report-approvals.js';
import { CATEGORY_TITLES, deviations, durationMs, formatDuration, snapshotWhy, type HandoverReport, type ReportRun, type ReportStep } from './report-model.js';

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem}
pre{background:#f5f5f5;border:1px solid #ddd;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
.deviations{border:2px solid #b45309;background:#fffbeb;padding:0 1rem 1rem}.none{color:#166534}
.bad{color:#b91c1c;font-weight:bold}.ok{color:#166534;font-weight:bold}.muted{color:#555}
@media print{body{margin:0;max-width:none;font-size:11pt}pre{white-space:pre-wrap;border-color:#999}
.deviations{background:none}section.step,tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
`;

export function renderHtml(report: HandoverReport): string {
  const scope = report.scope.runId
    ? `run ${report.scope.runId}`
    : `events ${report.scope.since ? `from ${report.scope.since}` : 'from the start'} ${report.scope.until ? `until ${report.scope.until}` : 'until now'}`;
  const title = report.runs.length === 1 && report.runs[0] ? `${report.runs[0].title} — ${scope}` : scope;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing in this file may load or run anything, even if a future edit forgets to escape.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>Handover report: ${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>Handover report: ${esc(scope)}</h1>`,
    `<p class="muted">Generated ${esc(report.generatedAt)} by ${esc(report.generatedBy)}; ${report.events.length} audit events in scope.</p>`,
    renderDeviations(report),
    report.runs.length === 0 ? '<p>No runs in scope.</p>' : report.runs.map((run) => renderRun(run, approvalLine(report.events, run.id))).join('\n'),
    renderVerification(report),
    '</body></html>',
    '',
  ].join('\n');
}

function renderDeviations(report: HandoverReport): string {
  const list = deviations(report.events);
  const out = ['<section class="deviations"><h2>Deviations</h2>'];
  if (list.length === 0) out.push('<p class="none">None: no step was skipped, retried or failed, nothing was restored, confirmed or refused.</p>');
  for (const [category, heading] of Object.entries(CATEGORY_TITLES)) {
    const items = list.filter((d) => d.category === category);
    if (items.length === 0) continue;
    out.push(`<h3>${esc(heading)}</h3><ul>`);
    for (const d of items) {
      const step = d.step === null ? undefined : report.runs.find((r) => r.id === d.runId)?.steps.find((s) => s.idx === d.step);
      const where = `${d.runId ? `run ${d.runId}` : 'no run'}${d.step !== null ? ` step ${d.step + 1}${step ? ` (${step.title})` : ''}` : ''}`;
      out.push(`<li><strong>${esc(where)}</strong>: ${esc(d.text)} <span class="muted">— ${esc(d.at)}, ${esc(d.operator)}, event ${d.seq}</span></li>`);
    }
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

function renderRun(run: ReportRun, approval: string | null): string {
  const rows: [string, string][] = [
    ['Runbook', `${run.runbookId} ${run.version} (${run.path})`],
    ['Runbook SHA-256', run.sha256],
    ['Environment', run.environment],
    ...(run.incident ? [['Incident', run.incident] as [string, string]] : []),
    ['Operator(s)', run.operators.join(', ')],
    ...(approval ? [['Approval', approval] as [string, string]] : []),
    ['Started', run.startedAt],
    ['Ended', `${run.finishedAt ?? 'not ended'} (${run.verdict})`],
    ['Inputs', run.inputs.length === 0 ? 'none' : run.inputs.map(([k, v]) => `${k} = ${v}`).join(', ')],
  ];
  const snapshots = run.snapshots.length === 0
    ? '<p>None taken in this run.</p>'
    : `<table><tr><th>Snapshot</th><th>Target</th><th>Why</th><th>Bytes</th><th>Verified</th><th>Taken</th><th>SHA-256</th></tr>${run.snapshots
        .map((s) => `<tr><td>${esc(s.id)}</td><td>${esc(s.target)} (${esc(s.kind)})</td><td>${esc(snapshotWhy(s))}</td>` +
          `<td>${s.bytes}</td><td>${s.verified ? 'yes' : '<span class="bad">NO</span>'}</td><td>${esc(s.createdAt)}${s.deletedAt ? ` (deleted ${esc(s.deletedAt)})` : ''}</td><td><code>${esc(s.sha256)}</code></td></tr>`)
        .join('')}</table>`;
  return [
    `<section class="run"><h2>Run ${esc(run.id)}: ${esc(run.title)}</h2>`,
    ...(run.tampering.length > 0
      ? [`<p class="bad"><strong>The record of this run was edited outside Handrail.</strong> What follows is what the audit trail recorded:</p><ul>${run.tampering.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`]
      : []),
    `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`,
    ...(run.undoneBy.length > 0
      ? [`<p class="bad"><strong>Undone by a restore.</strong> Its changes to these databases were rolled back afterwards:</p><ul>${run.undoneBy
          .map((u) => `<li>${esc(u.target)} restored to snapshot ${esc(u.snapshot)} on ${esc(u.at)} by ${esc(u.operator)} (event ${u.seq})</li>`)
          .join('')}</ul>`]
      : []),
    ...run.steps.map(renderStep),
    `<h3>Snapshots</h3>${snapshots}`,
    `<h3>Reviews</h3>${run.reviews.length === 0 ? '<p>Not reviewed yet.</p>' : `<ul>${run.reviews.map((r) => `<li>${esc(r.reviewer)} on ${esc(r.at)} (event ${r.seq}): ${esc(r.note)}</li>`).join('')}</ul>`}</section>`,
  ].join('\n');
}

function renderStep(step: ReportStep): string {
  const facts = [
    `Outcome: <strong>${esc(step.status)}</strong>${step.attempt > 1 ? ` after ${step.attempt} attempts` : ''}${step.exitCode !== null ? `, exit code ${step.exitCode}` : ''}`,
    `Target: ${esc(step.target ?? '—')} (${esc(step.kind)})`,
    `Duration: ${esc(formatDuration(durationMs(step.startedAt, step.finishedAt)))}${step.startedAt ? ` (from ${esc(step.startedAt)})` : ''}`,
    ...(step.reason ? [`Reason: ${esc(step.reason)}`] : []),
    ...(step.note ? [`Note: ${esc(step.note)}`] : []),
  ];
  const out = [`<section class="step"><h3>Step ${step.idx + 1}: ${esc(step.title)}</h3><ul>${facts.map((f) => `<li>${f}</li>`).join('')}</ul>`];
  if (step.command !== null) out.push(`<p>Command:</p><pre>${esc(step.command.replace(/\n$/, ''))}</pre>`);
  if (step.output && step.output.totalLines > 0) {
    const { head, tail, omitted, totalLines } = step.output;
    const lines = omitted > 0 ? [...head, `… ${omitted} lines left out …`, ...tail] : [...head, ...tail];
    out.push(`<p>Output (attempt ${step.attempt}, ${totalLines} line${totalLines === 1 ? '' : 's'}):</p><pre>${esc(lines.join('\n'))}</pre>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function renderVerification(report: HandoverReport): string {
  const v = report.verification;
  const key = v.keyFingerprint ? `key ${v.keyFingerprint}` : 'no signing key in this data directory';
  if (v.ok) {
    return `<section><h2>Audit chain at export time</h2><p><span class="ok">Intact</span>: ${v.events} events and ${v.checkpoints} signed checkpoints verified up to event ${v.headSeq ?? 0} (${esc(key)}).</p></section>`;
  }
  const problems = v.problems.slice(0, 10).map((p) => `<li>event ${p.seq} (${esc(p.kind)}): ${esc(p.message)}</li>`).join('');
  return `<section><h2>Audit chain at export time</h2><p><span class="bad">BROKEN</span>: ${v.events} events and ${v.checkpoints} checkpoints checked (${esc(key)}). Do not rely on this report until it is explained:</p><ul>${problems}</ul></section>`;
}
