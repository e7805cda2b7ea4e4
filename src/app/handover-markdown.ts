// The handover bundle's two pages of its own: `open-items.md` (what the next person must act
// on, each item with the command that acts on it) and `README.md` (the index). Every value
// from a runbook or an operator is escaped, as in the handover report.
import type { Run, RunStep } from '../contract/run.js';
import { mdText } from '../core/audit/report-markdown.js';

export interface BundleRun {
  run: Run;
  /** The run's report, relative to the bundle. */
  report: string;
  reviewed: boolean;
}

export interface BundleRunbook {
  /** Relative to the bundle. */
  file: string;
  runbookId: string;
  version: string;
  sha256: string;
  /** Why it is in the bundle: "saved by ana at …", "run 2 times". */
  why: string[];
}

export interface OpenRun {
  run: Run;
  steps: RunStep[];
}

export interface OpenItems {
  interrupted: OpenRun[];
  running: Run[];
  failed: OpenRun[];
  unreviewed: Run[];
}

export interface BundleFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface BundleIndex {
  since: string;
  until: string;
  generatedAt: string;
  generatedBy: string;
  runs: BundleRun[];
  runbooks: BundleRunbook[];
  openItemCount: number;
  files: BundleFile[];
  keyFingerprint: string | null;
}

const runName = (run: Run) =>
  `${run.id} — ${mdText(run.runbookId)} ${mdText(run.runbookVersion)} in ${mdText(run.environment)}${run.incident ? ` (incident ${mdText(run.incident)})` : ''}`;
const who = (run: Run) => `${mdText(run.operator)}, started ${run.startedAt}`;

export function countOpenItems(open: OpenItems): number {
  return open.interrupted.length + open.running.length + open.failed.length + open.unreviewed.length;
}

export function renderOpenItems(open: OpenItems, period: { since: string; until: string }): string {
  const out = ['# Open items', '', `As of the handover (period ${period.since} to ${period.until}).`, ''];
  if (countOpenItems(open) === 0) out.push('Nothing is open: no interrupted, running or failed runs, and every run of the period was reviewed.', '');
  section(out, 'Interrupted runs', 'Stopped part-way (crash, closed app, a confirmation nobody gave). They hold their databases until resumed or aborted; whenever they started.', open.interrupted, (o) => [
    `- **${runName(o.run)}** (${who(o.run)})`,
    ...stepLines(o.steps),
    `  - Next: \`handrail resume ${o.run.id}\` to continue${o.steps.some((s) => s.status === 'in-doubt') ? ' (deciding the in-doubt step first)' : ''}, or abort it in the app.`,
  ]);
  section(out, 'Running now', 'Still being driven by a Handrail process; check with its operator before acting.', open.running, (run) => [
    `- **${runName(run)}** (${who(run)}, process ${run.pid ?? '?'} on ${mdText(run.host ?? '?')})`,
  ]);
  section(out, 'Failed runs', 'A step failed and the run stopped there; whenever they started.', open.failed, (o) => [
    `- **${runName(o.run)}** (${who(o.run)})`,
    ...stepLines(o.steps),
    `  - Next: fix the cause, then \`handrail resume ${o.run.id}\`; or review it: \`handrail audit review ${o.run.id} --note "…"\`.`,
  ]);
  section(out, 'Runs without a review', 'Runs of the period no lead has reviewed yet.', open.unreviewed, (run) => [
    `- **${runName(run)}** (${who(run)}; ${run.status}) — see reports/${run.id}.md, then \`handrail audit review ${run.id} --note "…"\`.`,
  ]);
  return `${out.join('\n')}\n`;
}

/** The steps worth naming: in doubt (never re-run blindly) and failed. */
function stepLines(steps: RunStep[]): string[] {
  return steps.flatMap((s) => {
    const name = `step ${s.idx + 1} (${mdText(s.title)})`;
    if (s.status === 'in-doubt') {
      return [`  - **In doubt:** ${name} was running when Handrail stopped; it may or may not have taken effect. Check, then resume with --retry-in-doubt, --done-in-doubt NOTE or --skip-in-doubt REASON.`];
    }
    if (s.status === 'failed') return [`  - Failed: ${name}${s.reason ? `: ${mdText(s.reason)}` : ''}${s.exitCode !== null ? ` (exit code ${s.exitCode})` : ''}.`];
    return [];
  });
}

function section<T>(out: string[], title: string, intro: string, items: T[], render: (item: T) => string[]): void {
  if (items.length === 0) return;
  out.push(`## ${title} (${items.length})`, '', intro, '');
  for (const item of items) out.push(...render(item));
  out.push('');
}

export function renderIndex(index: BundleIndex): string {
  const out = [
    `# Handover ${index.since} to ${index.until}`,
    '',
    `Written ${index.generatedAt} by ${mdText(index.generatedBy)} with \`handrail handover\`.`,
    '',
    `- [open-items.md](open-items.md): ${index.openItemCount === 0 ? 'nothing open' : `${index.openItemCount} open item${index.openItemCount === 1 ? '' : 's'} — read this first`}.`,
    `- reports/: the handover report of each of the ${index.runs.length} run${index.runs.length === 1 ? '' : 's'} of the period.`,
    `- runbooks/: the ${index.runbooks.length} runbook version${index.runbooks.length === 1 ? '' : 's'} changed or run in the period, exactly as stored.`,
    `- audit.jsonl: the audit trail with the period's events, checkpoints and public key. Check it anywhere with \`handrail audit verify --file audit.jsonl\`,` +
      ` and compare the key (${index.keyFingerprint ?? 'none'}) with \`handrail audit key\` on the machine that wrote it.`,
    '',
  ];
  if (index.runs.length > 0) {
    out.push('## Runs', '', '| Run | Runbook | Environment | Status | Operator | Started | Reviewed |', '|---|---|---|---|---|---|---|');
    for (const r of index.runs) {
      out.push(`| [${r.run.id}](${r.report}) | ${mdText(r.run.runbookId)} ${mdText(r.run.runbookVersion)}${r.run.incident ? ` (incident ${mdText(r.run.incident)})` : ''} | ${mdText(r.run.environment)} | ${r.run.status} | ${mdText(r.run.operator)} | ${r.run.startedAt} | ${r.reviewed ? 'yes' : '**no**'} |`);
    }
    out.push('');
  }
  if (index.runbooks.length > 0) {
    out.push('## Runbooks', '', '| File | Version | SHA-256 | Why it is here |', '|---|---|---|---|');
    for (const rb of index.runbooks) out.push(`| [${mdText(rb.file)}](${encodeURI(rb.file)}) | ${mdText(rb.version)} | \`${rb.sha256.slice(0, 12)}\` | ${rb.why.map(mdText).join('; ')} |`);
    out.push('', 'Compare two versions with `handrail diff RUNBOOK V1 V2`.', '');
  }
  out.push('## Files', '', '| File | Bytes | SHA-256 |', '|---|---|---|');
  for (const f of index.files) out.push(`| ${mdText(f.name)} | ${f.bytes} | \`${f.sha256}\` |`);
  return `${out.join('\n')}\n`;
}
