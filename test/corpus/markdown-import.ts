// Measures Markdown import on a collection of runbook pages:
//   npx tsx test/corpus/markdown-import.ts FOLDER... [--show-failures]
// For each .md file: does it have a shell block (labelled sh/bash/shell/zsh/console, or unlabelled), does it import, does the draft (every shell
// step given target=local) pass the validator with no error, and how many runnable steps it has.
// The figures asked of import: at least 60% of the files with shell blocks import into a
// draft that validates and has at least one runnable step.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importMarkdown } from '../../src/core/authoring/import-markdown.js';
import { ProblemList, formatProblem } from '../../src/core/problems.js';
import { parseMarkdown, type RootContent } from '../../src/core/runbook/markdown.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { validateRunbook } from '../../src/core/validate/validate-runbook.js';

const args = process.argv.slice(2);
const showFailures = args.includes('--show-failures');
const folders = args.filter((a) => !a.startsWith('--'));
const SHELL = new Set(['sh', 'bash', 'shell', 'zsh', 'console', '']);

/** Whether the page has a code block labelled as shell, or unlabelled (which may be shell). */
function hasShellBlock(text: string): boolean {
  const walk = (nodes: RootContent[]): boolean =>
    nodes.some((n) => (n.type === 'code' && SHELL.has((n.lang ?? '').toLowerCase())) || ('children' in n && walk(n.children as RootContent[])));
  return walk(parseMarkdown(text).children);
}

function* markdownFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'vendor' && entry !== 'node_modules' && !entry.startsWith('.')) yield* markdownFiles(path);
    } else if (/\.md$/i.test(entry)) yield path;
  }
}

let files = 0;
let withShell = 0;
let good = 0;
let runnableTotal = 0;
const failures: string[] = [];
for (const folder of folders) {
  for (const path of markdownFiles(folder)) {
    files++;
    const text = readFileSync(path, 'utf8');
    // "Has a shell block": a fence labelled as shell, or unlabelled (import decides which of those are shell).
    if (!hasShellBlock(text)) continue;
    withShell++;
    try {
      const draft = await importMarkdown(text, path, { target: 'local' });
      const parsed = parseRunbook('draft.md', new TextEncoder().encode(draft.markdown));
      const problems = new ProblemList('draft.md');
      if (parsed.draft) validateRunbook(parsed.draft, undefined, problems);
      const errors = [...parsed.problems, ...problems.items].filter((p) => p.severity === 'error');
      const runnable = parsed.runbook?.steps.filter((s) => s.action).length ?? 0;
      if (errors.length === 0 && runnable > 0) {
        good++;
        runnableTotal += runnable;
      } else failures.push(`${relative(process.cwd(), path)}: ${errors.length > 0 ? errors.slice(0, 3).map(formatProblem).join(' | ') : 'no runnable step'}`);
    } catch (error) {
      failures.push(`${relative(process.cwd(), path)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
if (showFailures) for (const f of failures) process.stdout.write(`${f}\n`);
const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
process.stdout.write(
  `files: ${files}\nfiles with shell blocks: ${withShell}\n` +
    `import into a draft that validates (target=local) with a runnable step: ${good} (${pct(good, withShell)})\n` +
    `runnable steps per such draft: ${good === 0 ? '—' : (runnableTotal / good).toFixed(1)}\n`,
);
