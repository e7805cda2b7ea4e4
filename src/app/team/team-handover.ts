// `handrail handover --team`: the handover bundle over every machine's runs in the team
// ledger, for a lead handing a rotation over. The same folder as a machine's own handover: a
// report per run (from its chain, checked against its machine's pinned key), the runbook
// bytes each run used, open items and an index; the audit export is one file per machine
// (audit/), each checked with `audit verify --file FILE --key FINGERPRINT`. The period takes
// the runs that started in it. Written whole or not at all, then recorded in the lead's trail.
import { resolve } from 'node:path';
import { renderMarkdown } from '../../core/audit/report-markdown.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { ledgerRunPage } from '../../targets/ledger/ledger-read.js';
import { AppContext } from '../app-context.js';
import { dateBound } from '../audit-export-service.js';
import { BundleFolder, type BundleFile } from '../bundle-folder.js';
import { UserError } from '../errors.js';
import type { HandoverRequest, HandoverResult } from '../handover-service.js';
import { countOpenItems, renderIndex, renderOpenItems, type BundleRun, type BundleRunbook, type OpenItems } from '../handover-markdown.js';
import { operatorBody, type Settings } from '../settings.js';
import { machineLines, TEAM_REPORT_RUNS } from './team-export.js';
import { gatherTeamReport } from './team-report.js';
import { TeamRuns, type TeamRunDetail } from './team-runs.js';

export async function writeTeamHandover(client: LedgerClient, place: string, settings: Settings, request: HandoverRequest): Promise<HandoverResult> {
  const since = dateBound(request.since, 'since');
  const until = request.until === undefined ? new Date().toISOString() : dateBound(request.until, 'until');
  if (since >= until) throw new UserError(`--since ${request.since} is not before --until ${request.until ?? 'now'}; nothing was written`);
  const team = new TeamRuns(client, place);
  const starts = (await ledgerRunPage(client, { since, until }, 0, TEAM_REPORT_RUNS)).runs.reverse();
  const out = resolve(request.out);
  const folder = await BundleFolder.create(out, 'handover bundle');
  try {
    const files: BundleFile[] = [];
    const details: TeamRunDetail[] = [];
    const bundleRuns: BundleRun[] = [];
    const runbooks = new Map<string, BundleRunbook & { runs: number }>();
    for (const start of starts) {
      const detail = await team.detail(start);
      details.push(detail);
      const name = `reports/${safe(detail.machine.name)}-${safe(detail.run.id)}.md`;
      const report = await gatherTeamReport(team, [start], { runId: start.runId, since: null, until: null }, settings.operator);
      files.push(await folder.write(name, renderMarkdown(report)));
      bundleRuns.push({ run: { ...detail.run, operator: `${detail.run.operator} on ${detail.machine.name}` }, report: name, reviewed: reviewed(detail) });
      const { run } = detail;
      if (detail.runbookSource) {
        const key = `${run.runbookId}\n${run.runbookSha256}`;
        const known = runbooks.get(key);
        if (known) known.runs++;
        else {
          const file = `runbooks/${safe(run.runbookId)}@${safe(run.runbookVersion)}-${run.runbookSha256.slice(0, 12)}.md`;
          files.push(await folder.write(file, detail.runbookSource));
          runbooks.set(key, { file, runbookId: run.runbookId, version: run.runbookVersion, sha256: run.runbookSha256, why: [], runs: 1 });
        }
      }
    }
    const open: OpenItems = {
      interrupted: details.filter((d) => d.run.status === 'interrupted').map((d) => ({ run: d.run, steps: d.steps })),
      running: details.filter((d) => d.run.status === 'running').map((d) => d.run),
      failed: details.filter((d) => d.run.status === 'failed').map((d) => ({ run: d.run, steps: d.steps })),
      unreviewed: details.filter((d) => !reviewed(d)).map((d) => d.run),
    };
    files.push(await folder.write('open-items.md', renderOpenItems(open, { since, until })));
    const machines = await team.checkedMachines();
    const exports: string[] = [];
    for (const m of machines) {
      if (!m.key) continue;
      const name = `audit/${safe(m.name)}-${safe(m.id)}.jsonl`;
      files.push(await folder.write(name, (await machineLines(client, m, { runId: null, since, until: request.until === undefined ? null : until }, settings.operator)).lines.join('')));
      exports.push(`| ${m.name} | ${m.id} | \`${m.keyFingerprint ?? ''}\` | [${name}](${name}) | ${m.problems.length === 0 ? 'verified' : `**does not verify**: ${m.problems.join('; ')}`} |`);
    }
    const bundled: BundleRunbook[] = [...runbooks.values()].map(({ runs, ...rb }) => ({ ...rb, why: [`run ${runs} time${runs === 1 ? '' : 's'} in the period`] }));
    const index = renderIndex({ since, until, generatedAt: new Date().toISOString(), generatedBy: settings.operator, runs: bundleRuns, runbooks: bundled, openItemCount: countOpenItems(open), files, keyFingerprint: null })
      // One export per machine here, not one audit.jsonl: say so where the index names the export.
      .replace(/^- audit\.jsonl: .*$/m, `- audit/: one audit export per machine of the team ledger ${place}, each checked anywhere with \`handrail audit verify --file FILE --key KEY\` against the key pinned for it (below).`);
    files.push(await folder.write('README.md', `${index}\n## Team ledger\n\n| Machine | Id | Pinned key | Export | Chain |\n|---|---|---|---|---|\n${exports.join('\n')}\n`));
    await folder.commit();
    const seq = record(settings, { since, until, out, team: place, runs: details.length, runbooks: runbooks.size, openItems: countOpenItems(open), files });
    return { out, since, until, runs: details.length, runbooks: runbooks.size, openItems: countOpenItems(open), files, seq };
  } catch (error) {
    await folder.discard();
    if (error instanceof UserError) throw error;
    throw new UserError(`could not write the handover bundle to ${out} (${error instanceof Error ? error.message : String(error)}); nothing was written there. Check the disk and the folder's permissions, then run handover again.`, 1);
  }
}

function reviewed(detail: TeamRunDetail): boolean {
  return detail.events.some((e) => e.kind === 'review');
}

function record(settings: Settings, body: Record<string, unknown>): number {
  const context = AppContext.open(settings);
  try {
    return context.store.appendEvent({ operator: settings.operator, kind: 'handover.written', runId: null, body: { ...body, ...operatorBody(settings) } });
  } finally {
    context.close();
  }
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._+-]/g, '_');
}
