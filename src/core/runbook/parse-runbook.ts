// Runbook format version 1: Markdown with YAML front matter; every `##` heading starts a
// step; a step's `sh`/`bash`/`sql`/`http` fenced block is its action. This file builds the
// typed model and reports what does not need the inventory to be judged.
import { createHash } from 'node:crypto';
import type { Problem, SourcePos } from '../../contract/problem.js';
import type { ActionKind, FrontMatter, Runbook, Step, StepAction } from '../../contract/runbook.js';
import { ProblemList, positionIn } from '../problems.js';
import { decodeSourceFile } from '../text-file.js';
import { parseFenceAttributes } from './fence-attributes.js';
import { readFrontMatter } from './front-matter.js';
import { jsonBodyProblem } from '../engine/http-substitute.js';
import { parseHttpBlock } from './http-block.js';
import { parseMarkdown, type Code, type RootContent } from './markdown.js';
import { findPlaceholders } from './placeholders.js';
import { readAttributes } from './step-attributes.js';

const ACTION_LANGS: Record<string, ActionKind> = { sh: 'sh', bash: 'sh', sql: 'sql', http: 'http' };

export interface ParsedRunbook {
  /** Present when the front matter is valid, even if steps have problems. */
  runbook: Runbook | undefined;
  /** The same model built from the valid parts of the front matter, for judging the rest. */
  draft: Runbook | undefined;
  problems: Problem[];
}

export function parseRunbook(path: string, bytes: Uint8Array, totalBytes = bytes.length): ParsedRunbook {
  const problems = new ProblemList(path);
  const decoded = decodeSourceFile(bytes, 'runbook', totalBytes);
  if (!decoded.ok) {
    problems.error({ line: 1, col: 1 }, decoded.message);
    return { runbook: undefined, draft: undefined, problems: problems.items };
  }
  const text = decoded.text;
  const lines = text.split(/\r?\n/);
  const tree = parseMarkdown(text);
  const children = tree.children;

  let frontMatter: FrontMatter | undefined;
  let partial: FrontMatter = { id: '', title: '', version: '' };
  let keyPos: Record<string, SourcePos> = {};
  const head = children[0];
  if (head?.type === 'yaml') {
    const fence = start(head);
    const read = readFrontMatter(head.value, { line: fence.line + 1, col: 1 }, fence, problems);
    frontMatter = read.frontMatter;
    partial = read.partial;
    keyPos = Object.fromEntries(read.positions.key);
  } else if (/^---\s*$/.test(lines[0] ?? '')) {
    problems.error({ line: 1, col: 1 }, 'the front matter is never closed; add a line with --- after its last key');
  } else {
    problems.error(
      { line: 1, col: 1 },
      'the runbook has no front matter; start the file with a --- line, then id, title and version, then another --- line',
    );
  }

  // Split the document at its `##` headings: before the first is the intro, each is a step.
  const sections: { heading: RootContent | undefined; nodes: RootContent[] }[] = [{ heading: undefined, nodes: [] }];
  for (const node of children) {
    if (node.type === 'yaml') continue;
    if (node.type === 'heading' && node.depth === 2) sections.push({ heading: node, nodes: [] });
    else sections.at(-1)?.nodes.push(node);
  }
  const [introSection, ...stepSections] = sections;
  const intro = introSection ? sliceOf(text, introSection.nodes).replace(/^#\s.*\n?/, '').trim() : '';
  // The intro belongs to no step, so a block there would be shown and never run: said, not skipped.
  for (const code of codeBlocks(introSection?.nodes ?? [])) {
    const lang = (code.lang ?? '').toLowerCase();
    if (ACTION_LANGS[lang]) {
      problems.error(
        start(code),
        `this ${lang} block comes before the first ## heading, so it belongs to no step and would never run; ` +
          'put a ## heading above it to make it a step, or change its language to text if it only shows an example',
      );
    }
  }

  const steps: Step[] = [];
  const declared = new Set(Object.keys(partial.inputs ?? {}));
  for (const section of stepSections) {
    const heading = section.heading!;
    const title = text
      .slice(heading.position?.start.offset, heading.position?.end.offset)
      .replace(/^##\s*/, '')
      .replace(/\s+#+\s*$/, '')
      .trim();
    const pos = start(heading);
    if (title === '') problems.error(pos, 'this step heading is empty; write what the step does after ##');

    let action: StepAction | undefined;
    let actionNode: Code | undefined;
    for (const code of codeBlocks(section.nodes)) {
      const kind = ACTION_LANGS[(code.lang ?? '').toLowerCase()];
      const fence = start(code);
      if (!isClosed(text, code)) {
        problems.error(fence, `this code fence is never closed, so the rest of the file became code; add a closing fence after the code`);
        continue;
      }
      if (!kind) {
        if (code.meta?.includes('{')) {
          problems.error(fence, `'${code.lang ?? ''}' blocks are documentation, so attributes do nothing here; actions are sh, bash, sql or http blocks`);
        }
        continue;
      }
      if (action) {
        problems.error(
          fence,
          `this step already has an action (line ${action.pos.line}); a step has at most one action — move this block into its own ## step`,
        );
        continue;
      }
      action = readAction(code, kind, lines, problems, declared);
      actionNode = code;
    }
    const prose = sliceOf(text, section.nodes.filter((n) => n !== actionNode)).trim();
    if (!action && prose === '') {
      problems.warning(pos, `step '${title}' has no instructions and no action; say what the operator should do`);
    }
    steps.push({ index: steps.length, title, pos, prose, ...(action ? { action } : {}) });
  }

  if (steps.length === 0) {
    const after = head?.type === 'yaml' ? { line: (head.position?.end.line ?? 0) + 1, col: 1 } : { line: 1, col: 1 };
    problems.error(after, 'this runbook has no steps; start each step with a ## heading');
  }

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const draft: Runbook = { path, sha256, frontMatter: frontMatter ?? partial, keyPos, intro, steps };
  return { runbook: frontMatter ? draft : undefined, draft, problems: problems.items };
}

function readAction(
  code: Code,
  kind: ActionKind,
  lines: string[],
  problems: ProblemList,
  declared: Set<string>,
): StepAction {
  const fence = start(code);
  const lineText = lines[fence.line - 1] ?? '';
  const langAt = lineText.indexOf(code.lang ?? '', fence.col - 1);
  const metaAt = code.meta ? lineText.indexOf(code.meta, langAt + (code.lang ?? '').length) : -1;
  const posAt = (offset: number): SourcePos => ({ line: fence.line, col: metaAt + offset + 1 });
  const codeOrigin = { line: fence.line + 1, col: fence.col };

  let raw: ReturnType<typeof parseFenceAttributes> = { ok: true, attributes: [] };
  if (code.meta) {
    raw = parseFenceAttributes(code.meta);
    if (!raw.ok) problems.error(posAt(raw.offset), raw.message);
  }
  const { attributes, positions } = readAttributes(kind, raw.ok ? raw.attributes : [], (a) => posAt(a.offset), problems);

  if (code.value.trim() === '') {
    problems.error(fence, `this ${code.lang} block is empty; write the ${kind === 'sql' ? 'SQL' : kind === 'http' ? 'request' : 'command'} to run, or remove the block to make a manual step`);
  }
  if (kind === 'sh' && positions.target === undefined && raw.ok) {
    problems.error(fence, 'this sh step has no target; add target=NAME (e.g. {target=app}, or {target=local} for this machine) so it is clear where it runs');
  }
  if (kind === 'sql' && positions.target === undefined && raw.ok) {
    problems.error(fence, 'this sql step has no target; add target=NAME naming a database target of handrail.yml, e.g. {target=events}');
  }
  if (kind === 'http' && code.value.trim() !== '') {
    const http = parseHttpBlock(code.value);
    if (!http.ok) problems.error({ line: codeOrigin.line + http.line, col: codeOrigin.col }, http.message);
    const bodyProblem = http.ok ? jsonBodyProblem(http.request) : undefined;
    if (http.ok && bodyProblem) problems.error({ line: codeOrigin.line + http.request.bodyLine, col: codeOrigin.col }, bodyProblem);
  }
  if (kind !== 'sql') {
    for (const p of findPlaceholders(code.value)) {
      const where = positionIn(code.value, p.offset, codeOrigin);
      if (!/^[a-z_][a-z0-9_]*$/.test(p.name)) {
        problems.error(where, `'{{ ${p.name} }}' is not an input name; inputs are written {{ name }} with lowercase letters, digits and _`);
      } else if (!declared.has(p.name)) {
        problems.error(where, `input '${p.name}' is used but not declared; add it under inputs: in the front matter`);
      }
    }
  }
  return {
    kind,
    lang: code.lang ?? kind,
    code: code.value,
    pos: fence,
    codeLine: codeOrigin.line,
    codeCol: codeOrigin.col,
    attributes,
    attributePos: positions,
  };
}

function* codeBlocks(nodes: RootContent[]): Generator<Code> {
  for (const node of nodes) {
    if (node.type === 'code') yield node;
    else if ('children' in node) yield* codeBlocks(node.children as RootContent[]);
  }
}

/** CommonMark lets an unclosed fence run to the end of its container; we call that an error. */
function isClosed(text: string, code: Code): boolean {
  const raw = text.slice(code.position?.start.offset, code.position?.end.offset);
  const open = /^\s*(`{3,}|~{3,})/.exec(raw);
  if (!open) return true; // an indented code block has no fence to close
  const rawLines = raw.split(/\r?\n/);
  const last = (rawLines.at(-1) ?? '').trim();
  const fence = open[1] ?? '```';
  return rawLines.length > 1 && last.length >= fence.length && [...last].every((c) => c === fence[0]);
}

function sliceOf(text: string, nodes: RootContent[]): string {
  return nodes.map((n) => text.slice(n.position?.start.offset, n.position?.end.offset)).join('\n\n');
}

function start(node: RootContent): SourcePos {
  return { line: node.position?.start.line ?? 1, col: node.position?.start.column ?? 1 };
}
