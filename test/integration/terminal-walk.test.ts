// The CLI in a real terminal (a pty from util-linux `script`), driven as an operator would:
// each question is answered only once it is on screen, and the test checks that the step it
// is about — header, prose without Markdown marks, exact command — was on screen before it.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, handrail, showRun } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let workspace: string;
let dataDir: string;

beforeAll(async () => {
  root = await makeTempDir('terminal-walk');
  workspace = join(root, 'ws');
  dataDir = join(root, 'data');
  mkdirSync(workspace);
  const books = join(root, 'books.db');
  const db = new Database(books);
  db.exec('CREATE TABLE entries (id INTEGER PRIMARY KEY, amount INTEGER); INSERT INTO entries (amount) VALUES (5), (-3), (-1);');
  db.close();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      books: { sqlite: ${JSON.stringify(books)} }\n`);
  writeFileSync(
    join(workspace, 'tidy.md'),
    `---
id: tidy
title: Tidy the books
version: 1.0.0
inputs:
  ticket: { type: string, pattern: "T-[0-9]+", description: the change ticket }
  owner: { type: string, pattern: "[a-z]+", default: ops }
---

# Tidy the books

## Count the negative entries

**Check the count first**: it should be small.

\`\`\`sql {target=books}
SELECT count(*) AS n FROM entries WHERE amount < 0;
\`\`\`

## Drop the negative entries

This is the change.

\`\`\`sql {target=books mutates}
DELETE FROM entries WHERE amount < 0;
\`\`\`

## Announce it

\`\`\`sh {target=local confirm}
echo "tidied for {{ ticket }} by {{ owner }}"
\`\`\`
`,
  );
});
afterAll(() => removeDir(root));

interface Turn {
  /** The question, as it appears on screen. */
  prompt: RegExp;
  /** What must already be on screen when the question appears. */
  shownBefore: RegExp[];
  answer: string;
}

/** Runs `handrail ARGS` in a pty and plays the turns in order; resolves with the whole screen and the exit code. */
function inTerminal(args: string[], turns: Turn[]): Promise<{ screen: string; code: number | null; seen: string[] }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, HANDRAIL_DATA_DIR: dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester', TERM: 'xterm', NO_COLOR: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const seen: string[] = [];
  let next = 0;
  let from = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    const turn = turns[next];
    if (!turn) return;
    const match = turn.prompt.exec(screen.slice(from));
    if (!match) return;
    const upTo = screen.slice(0, from + match.index);
    for (const expected of turn.shownBefore) if (!expected.test(upTo)) seen.push(`MISSING before ${turn.prompt}: ${expected}`);
    from += match.index + match[0].length;
    next++;
    child.stdin.write(`${turn.answer}\r`);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ screen, code, seen })));
}

it('shows each step before asking about it, asks for a missing input, pauses before a change and offers a skip', async () => {
  const { screen, code, seen } = await inTerminal(
    ['run', 'tidy', '--env', 'dev'],
    [
      { prompt: /Input 'ticket' \(the change ticket; matching T-\[0-9\]\+\): /, shownBefore: [], answer: 'T-42' },
      {
        prompt: /This step changes data\. \[r\]un \/ \[s\]kip with a reason \/ \[a\]bort the run: /,
        shownBefore: [/── 2\/3 Drop the negative entries/, /This is the change\./, /\$ DELETE FROM entries WHERE amount < 0;/],
        answer: 'r',
      },
      {
        prompt: /Run this step\? \[y\]es \/ \[s\]kip with a reason \/ \[a\]bort the run \/ \[q\]uit and resume later: /,
        shownBefore: [/── 3\/3 Announce it/, /\$ echo "tidied for T-42 by ops"/],
        answer: 's',
      },
      { prompt: /Reason \(kept in the audit trail\): /, shownBefore: [], answer: 'announced by hand' },
    ],
  );
  expect(seen).toEqual([]);
  expect(code).toBe(0);
  // Inputs at the start, the default named as such.
  expect(screen).toMatch(/Inputs:\r?\n\s+ticket = "T-42"\r?\n\s+owner = "ops" \(default\)/);
  // Prose rendered for a terminal: bold, not Markdown marks.
  expect(screen).toContain('\x1b[1mCheck the count first\x1b[22m: it should be small.');
  expect(screen).not.toContain('**');
  const runId = /Run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(screen)?.[1] ?? '';
  const shown = showRun(runId, { dataDir, workspace });
  expect(shown.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'skipped']);
  expect(shown.steps[2]?.reason).toBe('announced by hand');
  // A success with a skip is not a plain success, in any face of the CLI.
  expect(screen).toContain(`Run ${runId} succeeded with deviations (1)`);
  expect(handrail(['runs'], { dataDir, workspace }).stdout).toMatch(new RegExp(`${runId}\\s+succeeded with deviations \\(1\\)`));
  const listed = JSON.parse(handrail(['runs', '--json'], { dataDir, workspace }).stdout) as { id: string; status: string; verdict: string; deviations: number }[];
  expect(listed.find((r) => r.id === runId)).toMatchObject({ status: 'succeeded', verdict: 'succeeded-with-deviations', deviations: 1 });
});

it('with --yes runs on unattended, and says which runbook is meant for a mistyped id', async () => {
  const { screen } = await inTerminal(['run', 'tidi', '--env', 'dev', '--yes', '--input', 'ticket=T-1'], []);
  expect(screen).toMatch(/no runbook 'tidi' in .* — did you mean 'tidy'\?/);
});
