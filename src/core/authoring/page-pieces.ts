// Where an imported page is cut into steps, and how each piece is written back: a section's
// top-level blocks (a list's items, or an item's parts, when it holds several steps), the
// paragraph that leads into each step and names it, and each code block replaced by what it
// became (an action, a manual command, or documentation), at its indentation.
import type { Code, RootContent } from '../runbook/markdown.js';
import { capitalized, fenced, headingText } from './draft-markdown.js';
import type { Finished } from './page-actions.js';
import type { PageBlock } from './page-blocks.js';

type Node = RootContent;

export interface Unit {
  start: number;
  end: number;
  /** Spaces taken off the lines after the first (a list item's content indent). */
  indent: number;
  node: Node;
  /** Step-making blocks (actions and manual commands) inside. */
  blocks: Code[];
}

/** The index of the unit where the step holding block `next` starts, after block `previous`. */
export function leadIn(units: Unit[], previous: number, next: number): number {
  for (let i = previous + 1; i < next; i++) if (units[i]?.node.type === 'heading') return i;
  // One paragraph (or list item) leads in; the text before it stays with what came before.
  const before = units[next - 1];
  return next - 1 > previous && before && ['paragraph', 'listItem'].includes(before.node.type) && before.blocks.length === 0 ? next - 1 : next;
}

/** A step's title from the text that leads into its block (a list item's first line, a paragraph), or a Runme name. */
export function leadTitle(node: Node | undefined, main: Code | undefined, blocks: Map<Code, PageBlock>): string | undefined {
  const named = main ? blocks.get(main)?.runme?.name : undefined;
  if (named) return capitalized(headingText(named));
  if (!node || (node.type !== 'paragraph' && node.type !== 'listItem')) return undefined;
  const first = node.type === 'listItem' ? node.children[0] : node;
  if (!first || first.type === 'code') return undefined;
  const line = plainText(first).replace(/\s+/g, ' ').replace(/[:.]\s*$/, '').trim();
  return line === '' ? undefined : capitalized(headingText(line));
}

/** The pieces a section is cut at: its top-level blocks, or a list's items (or an item's parts) when one holds several steps. */
export function unitsOf(node: Node, blocks: Map<Code, PageBlock>, stepMaking: (c: Code) => boolean, indent = 0, start?: number): Unit[] {
  const inside = codeNodes([node]).filter(stepMaking);
  const from = start ?? offset(node, 'start');
  if (inside.length >= 2 && node.type === 'list') {
    return node.children.flatMap((item) => unitsOf(item as Node, blocks, stepMaking, column(item as Node) - 1));
  }
  if (inside.length >= 2 && node.type === 'listItem' && node.children.length > 1) {
    return node.children.flatMap((child, i) => unitsOf(child as Node, blocks, stepMaking, column(child as Node) - 1, i === 0 ? from : undefined));
  }
  return [{ start: from, end: offset(node, 'end'), indent, node, blocks: inside }];
}

/** `cautions`: the destructive commands of each manual block, shown above it. */
export function renderer(source: string, blocks: Map<Code, PageBlock>, finished: Map<Code, Finished>, cautions: Map<Code, string[]>, options: { target?: string }) {
  const all = [...blocks.keys()];
  const replacement = (code: Code): string => {
    const block = blocks.get(code) as PageBlock;
    if (block.kind === 'action') {
      const done = finished.get(code) as Finished;
      const attributes = [...(options.target ? [`target=${options.target}`] : []), ...(done.confirm ? ['confirm'] : [])];
      const parts = [
        ...done.reasons.map((r) => `> **Warning:** ${r}.`),
        ...done.notes.map((n) => `> **Note:** ${capitalized(n)}.`),
        fenced('sh', attributes, done.code),
      ];
      if (block.output) parts.push('Example output (from the page; not run):', fenced('text', [], block.output));
      return parts.join('\n\n');
    }
    if (block.kind === 'manual') {
      return [
        ...(cautions.get(code) ?? []).map((r) => `> **Warning:** ${r}.`),
        `> **Run this by hand:** ${capitalized(block.manualBecause ?? 'it cannot run unattended')}. Run it in your own terminal, then mark the step done.`,
        fenced('text', [], code.value),
      ].join('\n\n');
    }
    const lang = ['sql', 'http', 'sh', 'bash'].includes(block.lang) ? 'text' : (code.lang ?? '');
    const shown = fenced(lang, [], code.value);
    return lang !== (code.lang ?? '') ? `> **Note:** the page's \`${code.lang ?? ''}\` block below is shown, not run.\n\n${shown}` : shown;
  };
  const unit = (u: Unit): string => {
    const inside = all.filter((c) => offset(c, 'start') >= u.start && offset(c, 'end') <= u.end);
    // Each code block is marked (with a private-use character no page holds), the unit is
    // dedented, then each mark becomes the block's new text at the mark's indentation.
    let text = '';
    let at = u.start;
    inside.forEach((code, i) => {
      text += source.slice(at, offset(code, 'start')) + `\uE000${i}\uE000`;
      at = offset(code, 'end');
    });
    text += source.slice(at, u.end);
    const dedent = new RegExp(`^ {0,${u.indent}}`);
    text = text
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(dedent, '')))
      .join('\n');
    return text.replace(/^(.*?)\uE000(\d+)\uE000([^\n]?)/gm, (_m, before: string, i: string, after: string) => {
      const prefix = before.replace(/[^>\s]/g, ' ');
      const lines = replacement(inside[Number(i)] as Code).split('\n');
      // A fence the page never closed can end mid-line; the closing fence needs a line of its own.
      return before + lines.map((l, j) => (j === 0 ? l : `${prefix}${l}`.trimEnd())).join('\n') + (after ? `\n${prefix}${after}` : '');
    });
  };
  return { unit };
}

/** Code blocks right after a paragraph that introduces output ("Example output:", "The result looks like:"). */
export function outputLeadIns(nodes: Node[]): Set<Code> {
  const found = new Set<Code>();
  const walk = (siblings: Node[]) => {
    siblings.forEach((node, i) => {
      const before = siblings[i - 1];
      if (node.type === 'code' && before?.type === 'paragraph' && /\b(output|returns?|result|looks? like|prints?|shows?)\b[^.]*:\s*$/i.test(plainText(before))) found.add(node);
      if ('children' in node) walk(node.children as Node[]);
    });
  };
  walk(nodes);
  return found;
}

export function codeNodes(nodes: Node[]): Code[] {
  const out: Code[] = [];
  for (const node of nodes) {
    if (node.type === 'code') out.push(node);
    else if ('children' in node) out.push(...codeNodes(node.children as Node[]));
  }
  return out;
}

export function plainText(node: Node): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Node[]).map(plainText).join('');
  return '';
}

export const offset = (node: { position?: { start: { offset?: number }; end: { offset?: number } } }, end: 'start' | 'end') => node.position?.[end].offset ?? 0;
const column = (node: Node) => node.position?.start.column ?? 1;

