// `audit export --team`: the team ledger's record, exported by a lead. JSON Lines is one file
// per machine in the format `audit export` writes (its events, checkpoints and the key pinned
// for it), so each is checked with `audit verify --file FILE --key FINGERPRINT` anywhere, from
// the file alone; Markdown and HTML are one handover report over the runs in scope. Every
// export is recorded in the lead's own trail, as a local export is.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkpointLine, eventLine, headerLine, publicKeyLine } from '../../core/audit/export-jsonl.js';
import { OUTPUT_EVENT } from '../../core/audit/output-event.js';
import { renderHtml } from '../../core/audit/report-html.js';
import { renderMarkdown } from '../../core/audit/report-markdown.js';
import { inScope, type EventScope } from '../../store/audit-events-read.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { ledgerCheckpoints, ledgerOutputOfEvents, ledgerRunPage, ledgerStretch } from '../../targets/ledger/ledger-read.js';
import { AppContext } from '../app-context.js';
import { writeAtomically, writeToStream, type Written } from '../atomic-output.js';
import { dateBound, type ExportFormat } from '../audit-export-service.js';
import { UserError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { CheckedMachine } from './team-machines.js';
import { gatherTeamReport } from './team-report.js';
import { TeamRuns } from './team-runs.js';
import { decodeOutputChunk } from '../../store/output-codec.js';

/** Events read from the ledger per query while exporting a machine's chain. */
const PAGE = 5000;
/** A report names at most this many runs; narrow it with --since/--until or --run. */
export const TEAM_REPORT_RUNS = 2000;

export interface TeamExportRequest {
  format: ExportFormat;
  run?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** jsonl: a folder (one file per machine); md, html: a file (absent: `stdout`). */
  out?: string | undefined;
  /** Only this machine (its id or host name). */
  machine?: string | undefined;
}

export interface TeamExportFile extends Written {
  path: string | null;
  machine: string | null;
  keyFingerprint: string | null;
  events: number;
}

export async function exportTeam(client: LedgerClient, place: string, settings: Settings, request: TeamExportRequest, stdout: NodeJS.WritableStream): Promise<TeamExportFile[]> {
  const team = new TeamRuns(client, place);
  const since = request.since === undefined ? null : dateBound(request.since, 'since');
  const until = request.until === undefined ? null : dateBound(request.until, 'until');
  const start = request.run === undefined ? undefined : await team.find(request.run);
  const scope: EventScope = { runId: start?.runId ?? null, since, until };
  let files: TeamExportFile[];
  if (request.format === 'jsonl') {
    if (request.out === undefined) {
      throw new UserError('audit export --team --format jsonl writes one file per machine: give --out FOLDER; nothing was exported');
    }
    const folder = resolve(request.out);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const machines = (await team.checkedMachines()).filter((m) => (start ? m.id === start.machineId : request.machine === undefined || m.id === request.machine || m.name === request.machine));
    files = [];
    for (const m of machines) {
      const path = join(folder, `${m.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${m.id.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`);
      const lines = await machineLines(client, m, scope, settings.operator);
      const written = await writeAtomically(path, lines.lines);
      files.push({ ...written, path, machine: m.name, keyFingerprint: m.keyFingerprint, events: lines.events });
    }
  } else {
    const starts = start ? [start] : (await ledgerRunPage(client, { since: since ?? undefined, until: until ?? undefined, machine: request.machine }, 0, TEAM_REPORT_RUNS)).runs.reverse();
    const report = await gatherTeamReport(team, starts, scope, settings.operator);
    const text = request.format === 'md' ? renderMarkdown(report) : renderHtml(report);
    const out = request.out === undefined ? null : resolve(request.out);
    const written = out === null ? await writeToStream(stdout, [text]) : await writeAtomically(out, [text]);
    files = [{ ...written, path: out, machine: null, keyFingerprint: null, events: report.events.length }];
  }
  recordExport(settings, place, request, scope, files);
  return files;
}

/** A machine's whole chain as `audit export` lines; bodies outside the scope withheld, as locally. */
export async function machineLines(client: LedgerClient, m: CheckedMachine, scope: EventScope, operator: string): Promise<{ lines: string[]; events: number }> {
  if (!m.key) throw new UserError(`machine ${m.name} (${m.id}) has no usable pinned key in the ledger (${m.problems.join('; ')}); its export could not be checked by anyone; nothing was exported`, 3);
  const lines = [`${headerLine(new Date().toISOString(), operator, scope)}\n`];
  let events = 0;
  for (let from = 1; from <= m.head; from += PAGE) {
    const to = Math.min(m.head, from + PAGE - 1);
    const [page, output] = await Promise.all([ledgerStretch(client, m.id, from, to), ledgerOutputOfEvents(client, m.id, from, to)]);
    for (const e of page) {
      const withheld = !inScope(e, scope);
      const chunk = !withheld && e.kind === OUTPUT_EVENT ? output.get(e.seq) : undefined;
      lines.push(`${eventLine(e, e.bodyJson, withheld, chunk && decodeOutputChunk(chunk))}\n`);
      if (!withheld) events++;
    }
  }
  for (const cp of await ledgerCheckpoints(client, m.id, 1, m.head)) lines.push(`${checkpointLine(cp)}\n`);
  lines.push(`${publicKeyLine(m.key)}\n`);
  return { lines, events };
}

/** In the lead's own trail, as every export is: what, from which ledger, where to, and the files' hashes. */
function recordExport(settings: Settings, place: string, request: TeamExportRequest, scope: EventScope, files: TeamExportFile[]): void {
  const context = AppContext.open(settings);
  try {
    context.store.appendEvent({
      operator: settings.operator,
      kind: 'audit.exported',
      runId: null,
      body: { team: place, format: request.format, run: scope.runId, since: scope.since, until: scope.until, machine: request.machine ?? null,
        files: files.map((f) => ({ out: f.path ?? 'stdout', machine: f.machine, count: f.events, bytes: f.bytes, sha256: f.sha256 })) },
    });
  } finally {
    context.close();
  }
}
