// Drives ConsoleService the way a console does: subscribe to its events, reload the run on
// every `run-changed`, answer each prompt through `decide`. Waits on state, never on time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ApiError, Prompt, RunDetail, StepDecision } from '../../src/contract/api.js';
import { toApiError } from '../../src/app/console/api-error.js';
import type { ConsoleService } from '../../src/app/console/console-service.js';
import type { Settings } from '../../src/app/settings.js';
import { DEMO } from '../support/handrail-cli.js';

export function settingsFor(dataDir: string, options: { workspace?: string; operator?: string } = {}): Settings {
  return { dataDir, workspace: options.workspace ?? DEMO, operator: options.operator ?? 'tester', maxOutputBytes: 256 * 1024 * 1024 };
}

/**
 * The Runbooks view's list once every runbook is judged: a data folder that has not seen the
 * workspace lists runbooks as `judging` at first and sends `runbooks-judged` when their
 * verdicts are in (subscribed before asking, so the event cannot pass unseen).
 */
export async function judgedList(service: ConsoleService): Promise<Awaited<ReturnType<ConsoleService['listRunbooks']>>> {
  for (;;) {
    let unsubscribe = () => {};
    const judged = new Promise<void>((resolve) => {
      unsubscribe = service.subscribe((event) => {
        if (event.type === 'runbooks-judged') resolve();
      });
    });
    try {
      const list = await service.listRunbooks({});
      if (!list.runbooks.some((r) => r.judging === true)) return list;
      await judged;
    } finally {
      unsubscribe();
    }
  }
}

/** Resolves with the run's page once `predicate` holds: checked now and after each change of the run. */
export function untilRun(service: ConsoleService, runId: string, predicate: (d: RunDetail) => boolean): Promise<RunDetail> {
  return new Promise((resolve, reject) => {
    let busy = false;
    let again = false;
    let settled = false;
    const check = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const detail = await service.getRun({ runId });
          if (predicate(detail)) {
            settled = true;
            unsubscribe();
            resolve(detail);
            return;
          }
        } while (again && !settled);
      } catch (error) {
        settled = true;
        unsubscribe();
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        busy = false;
      }
    };
    const unsubscribe = service.subscribe((event) => {
      if (!settled && event.type === 'run-changed' && event.runId === runId) void check();
    });
    void check();
  });
}

/** The next question of the run, or its page once it is no longer driven here. */
export function nextPrompt(service: ConsoleService, runId: string): Promise<RunDetail> {
  return untilRun(service, runId, (d) => d.prompt !== null || !d.live);
}

/**
 * Answers every prompt with `answer` until the run ends; returns the prompts in the order
 * they came and the run's final page.
 */
export async function walk(
  service: ConsoleService,
  runId: string,
  answer: (prompt: Prompt, detail: RunDetail) => StepDecision,
): Promise<{ prompts: Prompt[]; detail: RunDetail }> {
  const prompts: Prompt[] = [];
  for (;;) {
    const detail = await nextPrompt(service, runId);
    if (!detail.prompt) return { prompts, detail };
    prompts.push(detail.prompt);
    await service.decide({ runId, idx: detail.prompt.idx, decision: answer(detail.prompt, detail) });
  }
}

/** The answer an operator who agrees with everything gives. */
export function goAhead(prompt: Prompt): StepDecision {
  switch (prompt.kind) {
    case 'before-step':
      return { action: 'run' };
    case 'manual':
      return { action: 'done' };
    case 'confirm':
      return prompt.environment === null ? { action: 'confirm' } : { action: 'confirm', typed: prompt.environment };
    default:
      return { action: 'stop' };
  }
}

/** The error a binding would send for this rejected call. */
export async function apiErrorOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    return toApiError(error);
  }
  throw new Error('the call succeeded, but a refusal was expected');
}

export function expectNoStack(error: ApiError): void {
  expect(error.message).not.toMatch(/\n\s+at /);
}

/** A small workspace: a protected environment, an unprotected one, and runbooks for each case. */
export function writeWorkspace(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'handrail.yml'),
    `environments:
  vault:
    description: Stands in for production
    protected: true
    targets:
      ledger: { sqlite: "\${data_dir}/vault/ledger.db", seed: ./seed.sql }
  sandbox:
    targets:
      ledger: { sqlite: "\${data_dir}/sandbox/ledger.db", seed: ./seed.sql }
`,
  );
  writeFileSync(
    join(dir, 'seed.sql'),
    'CREATE TABLE entries (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);\nINSERT INTO entries (amount) VALUES (10), (-4), (7), (-1);\n',
  );
  writeFileSync(
    join(dir, 'close-ledger.md'),
    `---
id: close-ledger
title: Close the ledger
version: 1.0.0
environments: [vault, sandbox]
---

# Close the ledger

## Count the entries

\`\`\`sql {target=ledger}
SELECT count(*) AS n FROM entries;
\`\`\`

## Drop the negative entries

\`\`\`sql {target=ledger mutates}
DELETE FROM entries WHERE amount < 0;
\`\`\`
`,
  );
  writeFileSync(
    join(dir, 'flaky-check.md'),
    `---
id: flaky-check
title: A check that fails
version: 1.0.0
---

# A check that fails

## Look around

\`\`\`sh {target=local}
echo looking
\`\`\`

## Check the disk

\`\`\`sh {target=local}
echo "disk at 97%" >&2
exit 3
\`\`\`

## Carry on

\`\`\`sh {target=local}
echo carried on
\`\`\`
`,
  );
  writeFileSync(
    join(dir, 'echo-word.md'),
    `---
id: echo-word
title: Echo a word
version: 1.0.0
inputs:
  word:
    type: string
    pattern: "^[a-z]+$"
---

# Echo a word

## Say it

\`\`\`sh {target=local}
echo the word is {{ word }}
\`\`\`
`,
  );
  writeFileSync(
    join(dir, 'wait-long.md'),
    `---
id: wait-long
title: Wait a long time
version: 1.0.0
---

# Wait a long time

## Wait

\`\`\`sh {target=local}
echo waiting
sleep 60
\`\`\`
`,
  );
  return dir;
}
