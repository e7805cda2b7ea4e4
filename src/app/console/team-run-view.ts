// One run of the team ledger as the console's detail shows it, read by the same TeamRuns.detail
// `show RUN --team` prints: the run rebuilt from its machine's chain, its stretch checked
// against the key pinned for that machine, every output chunk against the event vouching for
// it. What does not verify travels with the answer for the page to put first; the UI decides
// nothing about trust.
import type { TeamRunView } from '../../contract/team-views.js';
import { deviations, toReportEvent } from '../../core/audit/report-model.js';
import { deriveRun } from '../../core/audit/run-record.js';
import { parseRunbook } from '../../core/runbook/parse-runbook.js';
import { REVIEW_KIND } from '../audit-search-service.js';
import type { TeamRuns } from '../team/team-runs.js';
import { summarize } from './event-summary.js';

/**
 * A page carries at most this much of one step attempt's output: its end, where a failure
 * shows. The whole of it is still read and checked; `show RUN --team` prints all of it.
 */
export const TEAM_OUTPUT_BYTES = 256 * 1024;

/** The newest this many events are listed (deviations are taken from all of them). */
const LISTED_EVENTS = 500;

export async function teamRunView(team: TeamRuns, machineId: string, runId: string): Promise<TeamRunView> {
  const detail = await team.detail(await team.on(machineId, runId));
  const { run, machine } = detail;
  const parsed = detail.runbookSource ? parseRunbook(`${run.runbookId}.md`, detail.runbookSource) : undefined;
  const book = parsed?.runbook ?? parsed?.draft;
  const outputs: TeamRunView['outputs'] = [];
  // Reading the output checks it too: its problems join the run's before they are sent.
  for (const step of detail.steps) {
    if (step.attempt > 0 && step.kind !== 'manual') outputs.push({ idx: step.idx, attempt: step.attempt, ...(await outputTail(detail.output(step))) });
  }
  const events = detail.events.map(toReportEvent);
  const chain = deriveRun(detail.events);
  return {
    ledger: team.place,
    machine: { id: machine.id, name: machine.name, keyFingerprint: machine.keyFingerprint },
    run,
    steps: detail.steps,
    stepTexts: detail.steps.map((s) => ({ idx: s.idx, title: book?.steps[s.idx]?.title ?? s.title, command: book?.steps[s.idx]?.action?.code ?? null })),
    runbookTitle: book?.frontMatter.title ?? run.runbookId,
    verdict: detail.verdict.verdict,
    deviationCount: detail.verdict.deviations,
    deviations: deviations(events).map((d) => ({ kind: d.category, idx: d.step, text: d.text, at: d.at })),
    events: events.slice(-LISTED_EVENTS).map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, operator: e.operator, idx: e.stepIdx, summary: summarize(e) })),
    snapshots: [...(chain?.snapshots.values() ?? [])].map(({ body }) => ({
      id: String(body.id),
      step: typeof body.step === 'number' ? body.step : null,
      target: String(body.target ?? ''),
      kind: String(body.kind ?? ''),
      bytes: typeof body.bytes === 'number' ? body.bytes : 0,
      sha256: String(body.sha256 ?? ''),
      createdAt: String(body.createdAt ?? ''),
    })),
    reviews: events.filter((e) => e.kind === REVIEW_KIND).map((e) => ({ seq: e.seq, at: e.at, reviewer: e.operator, note: typeof e.body?.note === 'string' ? e.body.note : '' })),
    outputs,
    problems: [...detail.problems],
    checked: detail.checked,
  };
}

/** The last `max` bytes of a step attempt's output as text, every chunk read (and so checked). */
export async function outputTail(chunks: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>, max = TEAM_OUTPUT_BYTES): Promise<{ text: string; omitted: number }> {
  const kept: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
  let keptBytes = 0;
  let omitted = 0;
  for await (const chunk of chunks) {
    kept.push({ stream: chunk.stream, data: chunk.data });
    keptBytes += chunk.data.length;
    while (keptBytes > max && kept.length > 0) {
      const first = kept[0]!;
      const excess = keptBytes - max;
      if (first.data.length <= excess) {
        kept.shift();
      } else {
        kept[0] = { stream: first.stream, data: first.data.subarray(excess) };
      }
      const dropped = Math.min(first.data.length, excess);
      keptBytes -= dropped;
      omitted += dropped;
    }
  }
  // A cut inside a character leaves its continuation bytes (10xxxxxx) first: they go too,
  // rather than open the page with a replacement character.
  const first = kept[0];
  if (omitted > 0 && first) {
    let skip = 0;
    while (skip < 3 && skip < first.data.length && (first.data[skip]! & 0xc0) === 0x80) skip++;
    kept[0] = { stream: first.stream, data: first.data.subarray(skip) };
    omitted += skip;
  }
  // One decoder per stream, so a character split between two chunks of a stream stays whole.
  const decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  const text = kept.map((c) => decoders[c.stream].decode(c.data, { stream: true })).join('') + decoders.stdout.decode() + decoders.stderr.decode();
  return { text, omitted };
}
