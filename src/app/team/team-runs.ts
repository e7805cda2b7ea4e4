// The lead's team scope: every machine's runs as the ledger holds them. A run is rebuilt from
// its machine's chain events (core/audit/team-run.ts), never from the run rows shipped beside
// them, and each run shown is checked where it stands: its stretch of its machine's chain,
// from its first event to its last, against the key pinned for that machine. A listing reads
// one page of runs, their stretches and each machine's unsigned tail: its cost follows the
// page, not the size of the ledger.
import { createHash } from 'node:crypto';
import type { RecordMismatch } from '../../contract/record-check.js';
import { FINISHED_RUN_STATUSES, type Run, type RunStep } from '../../contract/run.js';
import type { TeamRunEntry, TeamRunPage, TeamRunQuery } from '../../contract/team-views.js';
import type { Checkpoint } from '../../core/audit/checkpoint.js';
import { OUTPUT_EVENT, outputEventBody, outputMismatch } from '../../core/audit/output-event.js';
import { toReportEvent } from '../../core/audit/report-model.js';
import { checkRunRecord, shownMessage } from '../../core/audit/run-record.js';
import { runVerdict, type RunVerdictInfo } from '../../core/audit/run-verdict.js';
import { runFromChain, type StepOutline } from '../../core/audit/team-run.js';
import { verifySegment } from '../../core/audit/verify-segment.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import {
  ledgerCheckpoints,
  ledgerCheckpointsOf,
  ledgerRunEnds,
  ledgerFindRuns,
  ledgerOutput,
  ledgerRunEvents,
  ledgerRunPage,
  ledgerRunRecord,
  ledgerStretch,
  ledgerStretches,
  type LedgerEvent,
  type LedgerRunStart,
} from '../../targets/ledger/ledger-read.js';
import { UserError } from '../errors.js';
import { checkMachines, problemText, type CheckedMachine } from './team-machines.js';
import { decodeOutputChunk } from '../../store/output-codec.js';

export interface TeamRunDetail {
  machine: CheckedMachine;
  run: Run;
  steps: RunStep[];
  verdict: RunVerdictInfo;
  /** What does not verify: the run's stretch of its chain, its machine, its shipped rows and output. */
  problems: string[];
  /** How much of its machine's chain the check of its stretch read. */
  checked: { events: number; checkpoints: number; lastSeq: number };
  /** The run's events (step output left out), for reports. */
  events: LedgerEvent[];
  /** The runbook bytes shipped with the run, when they are the ones its chain names. */
  runbookSource: Buffer | undefined;
  /** One step attempt's stored output, each chunk checked against the event that vouches for it. */
  output(step: RunStep): AsyncGenerator<{ seq: number; stream: 'stdout' | 'stderr'; data: Buffer }>;
}

/** A listing reads one stretch per machine when its runs on the page lie within this many events. */
const MAX_SHARED_STRETCH = 50_000;

interface Stretch {
  events: LedgerEvent[];
  checkpoints: Checkpoint[];
}

export class TeamRuns {
  private machines: Promise<CheckedMachine[]> | undefined;

  constructor(
    private readonly client: LedgerClient,
    /** host:port/database of the ledger, for headings. */
    readonly place: string,
  ) {}

  /** Each machine, checked once per TeamRuns (a listing, a command). */
  checkedMachines(): Promise<CheckedMachine[]> {
    this.machines ??= checkMachines(this.client);
    return this.machines;
  }

  async page(query: TeamRunQuery): Promise<TeamRunPage> {
    const machines = await this.checkedMachines();
    const { total, runs } = await ledgerRunPage(this.client, query, query.offset, query.limit, query.after);
    // Where each run ends, then one stretch per machine from its earliest run's start on the page
    // to its latest run's end (the newest runs lie mostly side by side): each run's events and
    // the chain around them come from that one read, instead of three queries per run.
    const ends = await ledgerRunEnds(this.client, runs);
    const key = (r: { machineId: string; runId: string | null }) => `${r.machineId}\n${r.runId}`;
    const stretches = await this.machineStretches(runs.map((r) => ({ machineId: r.machineId, from: r.seq, to: ends.get(key(r)) ?? r.seq })));
    const entries: TeamRunEntry[] = [];
    for (const start of runs) {
      const shared = stretches.get(start.machineId);
      const events = shared
        ? shared.events.filter((e) => e.runId === start.runId && e.kind !== OUTPUT_EVENT)
        : await ledgerRunEvents(this.client, start.machineId, start.runId, [OUTPUT_EVENT]);
      const entry = await this.entry(start, events, machines.find((m) => m.id === start.machineId), shared);
      if (entry) entries.push(entry);
    }
    const last = runs.at(-1);
    const next = last && runs.length === query.limit ? { at: last.at, machineId: last.machineId, seq: last.seq } : null;
    return { ledger: this.place, total, runs: entries, machines: machines.map(({ key: _key, ...m }) => m), next };
  }

  /** Per machine, its events and checkpoints over the union of the given ranges, when they lie close enough together. */
  private async machineStretches(ranges: readonly { machineId: string; from: number; to: number }[]): Promise<Map<string, Stretch>> {
    const union = new Map<string, { from: number; to: number }>();
    for (const { machineId, from, to } of ranges) {
      const r = union.get(machineId);
      union.set(machineId, r ? { from: Math.min(r.from, from), to: Math.max(r.to, to) } : { from, to });
    }
    // Runs far apart on one machine: each is read on its own rather than everything between.
    const shared = [...union].filter(([, { from, to }]) => to - from <= MAX_SHARED_STRETCH).map(([machineId, r]) => ({ machineId, ...r }));
    // Every machine's stretch in two queries: the page's cost follows its runs, not its machines.
    const [events, checkpoints] = await Promise.all([ledgerStretches(this.client, shared), ledgerCheckpointsOf(this.client, shared)]);
    return new Map(shared.map((r, i) => [r.machineId, { events: events[i] ?? [], checkpoints: checkpoints[i] ?? [] }]));
  }

  /** A run by id or unique prefix, on whichever machine ran it. */
  async find(ref: string): Promise<LedgerRunStart> {
    const found = await ledgerFindRuns(this.client, ref);
    const exact = found.filter((r) => r.runId === ref);
    const matches = exact.length > 0 ? exact : found;
    if (matches.length === 0) throw new UserError(`there is no run '${ref}' in the team ledger at ${this.place}; handrail runs --team lists them; nothing was read`, 2);
    if (matches.length > 1) {
      const names = matches.slice(0, 5).map((r) => `${r.runId} (machine ${r.machineId})`).join(', ');
      throw new UserError(`'${ref}' names more than one run in the team ledger (${names}); give more of the id; nothing was read`, 2);
    }
    return matches[0]!;
  }

  /** A run by its machine and exact id, as a row of a listing names it. */
  async on(machineId: string, runId: string): Promise<LedgerRunStart> {
    const found = (await ledgerFindRuns(this.client, runId)).find((r) => r.machineId === machineId && r.runId === runId);
    if (!found) throw new UserError(`there is no run '${runId}' of machine ${machineId} in the team ledger at ${this.place}; handrail runs --team lists them; nothing was read`, 2);
    return found;
  }

  async detail(start: LedgerRunStart): Promise<TeamRunDetail> {
    const machines = await this.checkedMachines();
    const machine = machines.find((m) => m.id === start.machineId) ?? unknownMachine(start.machineId);
    const events = await ledgerRunEvents(this.client, start.machineId, start.runId, [OUTPUT_EVENT]);
    const record = await ledgerRunRecord(this.client, start.machineId, start.runId);
    const shippedSteps = record ? parseSteps(record.stepsJson) : [];
    const outline: StepOutline[] = shippedSteps.map((s) => ({ title: s.title, kind: s.kind, target: s.target }));
    const view = runFromChain(start.runId, events, outline);
    if (!view) throw new UserError(`run ${start.runId} on machine ${machine.name} has no run.started event the ledger can read; run handrail audit verify --team; nothing was read`, 3);
    const stretch = await this.checkStretch(start, events, machine);
    const problems = [...machineProblems(machine), ...stretch.problems];
    let runbookSource: Buffer | undefined;
    // While a run is going its rows may ship ahead of its events; once it ended both are final.
    if (record && (FINISHED_RUN_STATUSES as readonly string[]).includes(view.run.status)) {
      const shipped = parseRun(record.runJson);
      const check = shipped && checkRunRecord({ run: shipped, steps: shippedSteps, events, sourceSha256: record.runbookSource ? sha256(record.runbookSource) : undefined });
      const mismatches: RecordMismatch[] = check?.mismatches ?? [];
      problems.push(...mismatches.map((m) => `the run rows it shipped disagree with its chain: ${shownMessage(m)}`));
      if (record.runbookSource && !mismatches.some((m) => m.field === 'runbook_source')) runbookSource = record.runbookSource;
    }
    const client = this.client;
    const outputEvents = await ledgerRunEvents(client, start.machineId, start.runId).then((all) => all.filter((e) => e.kind === OUTPUT_EVENT));
    return {
      machine,
      run: view.run,
      steps: view.steps,
      verdict: runVerdict(view.run.status, events.map(toReportEvent)),
      problems,
      checked: stretch.checked,
      events,
      runbookSource,
      async *output(step: RunStep) {
        if (step.attempt === 0) return;
        const vouched = new Map<number, { seq: number; body: NonNullable<ReturnType<typeof outputEventBody>> }>();
        for (const e of outputEvents) {
          const body = e.stepIdx === step.idx ? outputEventBody(e.bodyJson) : undefined;
          if (body && body.attempt === step.attempt) vouched.set(body.chunk, { seq: e.seq, body });
        }
        for (const chunk of await ledgerOutput(client, start.machineId, start.runId, step.idx, step.attempt)) {
          const data = decodeOutputChunk(chunk.data);
          const v = vouched.get(chunk.seq);
          const wrong = v ? outputMismatch(v.seq, step.idx, v.body, data) : `chunk ${chunk.seq} of step ${step.idx + 1}'s output (attempt ${step.attempt}) has no step.output event vouching for it`;
          if (wrong) problems.push(wrong);
          vouched.delete(chunk.seq);
          yield { seq: chunk.seq, stream: chunk.stream, data };
        }
        // A chunk deleted from the ledger leaves nothing wrong in what is there: only the
        // step.output event still vouching for it says that something is gone.
        for (const [chunk, v] of vouched) {
          problems.push(`chunk ${chunk} of step ${step.idx + 1}'s output (attempt ${step.attempt}) is missing from the ledger: event ${v.seq} vouches for it, so it was deleted after it was shipped`);
        }
      },
    };
  }

  private async entry(start: LedgerRunStart, events: readonly LedgerEvent[], machine: CheckedMachine | undefined, shared: Stretch | undefined): Promise<TeamRunEntry | undefined> {
    const view = runFromChain(start.runId, events);
    if (!view) return undefined;
    const m = machine ?? unknownMachine(start.machineId);
    const { run } = view;
    const verdict = runVerdict(run.status, events.map(toReportEvent));
    return {
      id: run.id,
      runbookId: run.runbookId,
      runbookVersion: run.runbookVersion,
      environment: run.environment,
      operator: run.operator,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      machineId: m.id,
      machine: m.name,
      verdict: verdict.verdict,
      deviations: verdict.deviations,
      problems: [...machineProblems(m), ...(await this.checkStretch(start, events, m, shared)).problems],
    };
  }

  /** The run's stretch of its machine's chain, first event to last, against the pinned key. */
  private async checkStretch(start: LedgerRunStart, events: readonly LedgerEvent[], machine: CheckedMachine, shared?: Stretch): Promise<{ problems: string[]; checked: TeamRunDetail['checked'] }> {
    const from = events[0]?.seq ?? start.seq;
    const to = events.at(-1)?.seq ?? start.seq;
    const [stretch, checkpoints] = shared
      ? [shared.events.filter((e) => e.seq >= from && e.seq <= to), shared.checkpoints.filter((cp) => cp.seq <= to)]
      : await Promise.all([ledgerStretch(this.client, start.machineId, from, to), ledgerCheckpoints(this.client, start.machineId, from, to)]);
    const check = verifySegment(from, stretch, checkpoints, machine.key);
    const problems = check.problems.map((p) => `run ${start.runId}'s stretch of the chain of ${machine.name} does not verify at ${problemText(p)}`);
    if (problems.length === 0 && stretch.at(-1)?.seq !== to) problems.push(`run ${start.runId}'s events end at seq ${to} on ${machine.name}, but the chain there stops at seq ${stretch.at(-1)?.seq ?? from - 1}`);
    return { problems, checked: { events: check.events, checkpoints: checkpoints.filter((cp) => cp.seq >= from).length, lastSeq: to } };
  }
}

/** A machine's own problems, as each of its runs repeats them. */
function machineProblems(m: CheckedMachine): string[] {
  return m.problems.map((p) => `machine ${m.name}: ${p}`);
}

/** Events under a machine id the ledger has no pinned key for: nothing of it can be trusted. */
function unknownMachine(id: string): CheckedMachine {
  return { id, name: id, keyFingerprint: null, head: 0, problems: ['it has no pinned key in handrail.machines: its rows were added outside Handrail'], key: undefined };
}

function parseRun(json: string): Run | undefined {
  try {
    return JSON.parse(json) as Run;
  } catch {
    return undefined;
  }
}

function parseSteps(json: string): RunStep[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as RunStep[]) : [];
  } catch {
    return [];
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
