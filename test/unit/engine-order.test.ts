// The engine's central rules, pinned with fake ports (no CLI, no store): every step is shown
// before anything about it is asked; a mutating step runs only after a verified snapshot
// taken in this run (first try, retry, in-doubt retry); a failed snapshot stops the step; a
// broken audit tail refuses changes; an unknown outcome goes in doubt, never failed.
import { describe, expect, it } from 'vitest';
import type { StepStatus } from '../../src/contract/run.js';
import type { Runbook } from '../../src/contract/runbook.js';
import type { ShellExecutor, ShellRequest, SqlExecutor, SnapshotProvider } from '../../src/core/engine/ports.js';
import { Redactor } from '../../src/core/engine/redact.js';
import { executeRun, type EngineOutcome } from '../../src/core/engine/run-engine.js';
import type { OperatorPort, RunJournal, TargetResolver } from '../../src/core/engine/run-ports.js';
import { OutcomeUnknownError } from '../../src/core/engine/step-faults.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';

const RUNBOOK = `---
id: order
title: Order of things
version: 1.0.0
---

# Order of things

## Look

\`\`\`sh {target=local}
echo look
\`\`\`

## Change the books

\`\`\`sql {target=books mutates}
DELETE FROM entries WHERE amount < 0;
\`\`\`

## Tell someone

Post in the channel.
`;

function runbook(): Runbook {
  const parsed = parseRunbook('order.md', Buffer.from(RUNBOOK));
  if (!parsed.runbook) throw new Error(JSON.stringify(parsed.problems));
  return parsed.runbook;
}

interface Script {
  /** What the snapshot provider does on each take(). */
  snapshot?: () => void;
  /** What the SQL executor does on each run(). */
  sql?: (attempt: number) => void;
  /** The operator's answer when a step is in doubt. */
  inDoubt?: Awaited<ReturnType<OperatorPort['inDoubt']>>;
  /** The operator's answer when a step failed. */
  failed?: Awaited<ReturnType<OperatorPort['failed']>>[];
  steps?: StepStatus[];
  refuseMutating?: string;
  holdMutating?: string;
}

/** Runs the runbook with fakes that log every call, in order. */
async function drive(script: Script = {}): Promise<{ log: string[]; outcome: EngineOutcome; status: Map<number, StepStatus> }> {
  const log: string[] = [];
  const status = new Map<number, StepStatus>();
  let sqlAttempts = 0;
  const failedAnswers = [...(script.failed ?? [])];
  const shell: ShellExecutor = {
    run: async (request: ShellRequest) => {
      log.push('shell.run');
      request.onOutput('stdout', Buffer.from('look\n'));
      return { exitCode: 0, signal: null, timedOut: false, aborted: false, durationMs: 1 };
    },
  };
  const sql: SqlExecutor = {
    run: async () => {
      sqlAttempts++;
      log.push(`sql.run#${sqlAttempts}`);
      script.sql?.(sqlAttempts);
      return { columns: [], rows: [], rowCount: 2, returnsRows: false, committed: true, durationMs: 1 };
    },
    close: async () => {},
  };
  const provider: SnapshotProvider = {
    kind: 'sqlite',
    estimateBytes: async () => 10,
    take: async (request) => {
      log.push('snapshot.take');
      script.snapshot?.();
      return { path: request.path, bytes: 10, sha256: 'a'.repeat(64), durationMs: 1 };
    },
    restore: async () => {},
  };
  const targets: TargetResolver = {
    shell: async () => shell,
    sql: async () => sql,
    http: () => {
      throw new Error('no http in this runbook');
    },
    snapshot: () => ({ provider, path: '/snapshots/books.sqlite', location: '/data/books.db', freeBytes: async () => 1e9 }),
    variables: {},
  };
  const journal: RunJournal = {
    setStep: (idx, s) => {
      status.set(idx, s);
      log.push(`journal.${s}#${idx}`);
    },
    beginAttempt: (idx) => {
      status.set(idx, 'running');
      log.push(`journal.running#${idx}`);
      return 1;
    },
    output: () => {},
    event: (kind, _body, idx) => log.push(`event.${kind}${idx === undefined ? '' : `#${idx}`}`),
    snapshot: (idx) => log.push(`journal.snapshot-recorded#${idx}`),
    process: () => {},
  };
  const operator: OperatorPort = {
    beforeStep: async (step) => {
      log.push(`ask.before#${step.index}`);
      return { action: 'run' };
    },
    manual: async (step) => {
      log.push(`ask.manual#${step.index}`);
      return { action: 'done' };
    },
    confirm: async (step) => {
      log.push(`ask.confirm#${step.index}`);
      return { ok: true, how: 'test' };
    },
    failed: async (step) => {
      log.push(`ask.failed#${step.index}`);
      return failedAnswers.shift() ?? { action: 'stop' };
    },
    inDoubt: async (step) => {
      log.push(`ask.in-doubt#${step.index}`);
      return script.inDoubt ?? { action: 'refuse', message: 'nobody to ask' };
    },
  };
  const rb = runbook();
  const outcome = await executeRun({
    runbook: rb,
    environment: { name: 'dev', protected: false },
    inputs: {},
    redactor: new Redactor([]),
    steps: script.steps ?? rb.steps.map(() => 'pending'),
    targets,
    operator,
    journal,
    onEvent: (e) => {
      if (e.type === 'step-ready') log.push(`show#${e.idx}`);
    },
    signal: new AbortController().signal,
    refuseMutating: script.refuseMutating,
    holdMutating: script.holdMutating === undefined ? undefined : () => Promise.resolve(script.holdMutating),
  });
  return { log, outcome, status };
}

const before = (log: string[], a: string, b: string) => {
  expect(log).toContain(a);
  expect(log).toContain(b);
  expect(log.indexOf(a)).toBeLessThan(log.indexOf(b));
};

describe('the engine', () => {
  it('shows each step before it asks anything about it', async () => {
    const { log, outcome } = await drive();
    expect(outcome.status).toBe('succeeded');
    for (const [idx, question] of [[0, 'ask.before#0'], [1, 'ask.before#1'], [2, 'ask.manual#2']] as const) before(log, `show#${idx}`, question);
  });

  it('runs a mutating step only after its snapshot was taken and recorded', async () => {
    const { log } = await drive();
    before(log, 'journal.snapshotting#1', 'snapshot.take');
    before(log, 'snapshot.take', 'journal.snapshot-recorded#1');
    before(log, 'journal.snapshot-recorded#1', 'journal.snapshot-verified#1');
    before(log, 'journal.snapshot-verified#1', 'journal.running#1');
    before(log, 'journal.running#1', 'sql.run#1');
  });

  it('takes a new snapshot before a retry', async () => {
    const { log, outcome } = await drive({
      sql: (attempt) => {
        if (attempt === 1) throw new Error('database is locked');
      },
      failed: [{ action: 'retry' }],
    });
    expect(outcome.status).toBe('succeeded');
    const takes = log.flatMap((entry, i) => (entry === 'snapshot.take' ? [i] : []));
    expect(takes).toHaveLength(2);
    expect(takes[1]).toBeLessThan(log.indexOf('sql.run#2'));
    expect(takes[1]).toBeGreaterThan(log.indexOf('sql.run#1'));
  });

  it('takes a new snapshot before retrying a step found in doubt', async () => {
    const { log, outcome } = await drive({ steps: ['succeeded', 'in-doubt', 'pending'], inDoubt: { action: 'retry' } });
    expect(outcome.status).toBe('succeeded');
    before(log, 'show#1', 'ask.in-doubt#1');
    before(log, 'ask.in-doubt#1', 'snapshot.take');
    before(log, 'snapshot.take', 'sql.run#1');
  });

  it('does not run the step when its snapshot fails', async () => {
    const { log, outcome, status } = await drive({
      snapshot: () => {
        throw new Error('disk full');
      },
    });
    expect(log).not.toContain('sql.run#1');
    expect(status.get(1)).toBe('failed');
    expect(outcome).toMatchObject({ status: 'failed', step: 1 });
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/the snapshot of books failed: disk full; the step was not run and nothing was changed/);
  });

  it('refuses a mutating step over a broken audit tail, before any snapshot or question', async () => {
    const { log, status } = await drive({ refuseMutating: 'the audit trail is broken at event 7' });
    expect(log).toContain('shell.run');
    expect(log).not.toContain('snapshot.take');
    expect(log).not.toContain('sql.run#1');
    expect(status.get(1)).toBe('failed');
  });

  it('holds a mutating step a guard elsewhere could not allow (the team ledger down): reads ran, no snapshot taken, the run stays resumable', async () => {
    const { log, outcome, status } = await drive({ holdMutating: 'the team ledger at ledger:5432/handrail is not answering' });
    expect(log).toContain('shell.run');
    expect(log).not.toContain('snapshot.take');
    expect(log).not.toContain('sql.run#1');
    expect(outcome).toMatchObject({ status: 'refused', step: 1, reason: 'the team ledger at ledger:5432/handrail is not answering' });
    expect(status.get(1)).toBeUndefined();
  });

  it('puts a step whose outcome is unknown in doubt, and does not retry it without a decision', async () => {
    const { log, outcome, status } = await drive({
      sql: () => {
        throw new OutcomeUnknownError('the connection broke during COMMIT');
      },
    });
    expect(status.get(1)).toBe('in-doubt');
    expect(log).not.toContain('ask.failed#1');
    expect(log.filter((e) => e.startsWith('sql.run'))).toEqual(['sql.run#1']);
    expect(outcome).toMatchObject({ status: 'refused', step: 1 });
  });
});
