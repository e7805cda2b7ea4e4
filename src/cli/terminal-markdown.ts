// A step's prose as a terminal shows it: bold, emphasis, code and lists rendered, never the
// raw `**` and fences. A small walk over the Markdown tree the runbook parser already makes
// (remark), so no second Markdown library is loaded; ANSI styles only on a colour terminal.
import { parseMarkdown, type RootContent } from '../core/runbook/markdown.js';

type Node = RootContent | { type: string; children?: Node[]; value?: string };

export interface TerminalStyle {
  bold(text: string): string;
  italic(text: string): string;
  code(text: string): string;
  dim(text: string): string;
}

export const PLAIN: TerminalStyle = { bold: (t) => t, italic: (t) => t, code: (t) => `\`${t}\``, dim: (t) => t };

export const ANSI: TerminalStyle = {
  bold: (t) => `\x1b[1m${t}\x1b[22m`,
  italic: (t) => `\x1b[3m${t}\x1b[23m`,
  code: (t) => `\x1b[36m${t}\x1b[39m`,
  dim: (t) => `\x1b[2m${t}\x1b[22m`,
};

/** ANSI on a terminal that has not asked for no colour (NO_COLOR, TERM=dumb); plain text otherwise. */
export function styleFor(stream: NodeJS.WriteStream): TerminalStyle {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return stream.isTTY && !noColor && process.env.TERM !== 'dumb' ? ANSI : PLAIN;
}

/** `markdown` rendered as lines of text, each starting with `indent`. */
export function renderTerminalMarkdown(markdown: string, style: TerminalStyle, indent = '   '): string {
  const blocks = parseMarkdown(markdown).children.map((node) => block(node as Node, style, indent)).filter((b) => b !== '');
  return blocks.join('\n\n');
}

function block(node: Node, style: TerminalStyle, indent: string): string {
  const children = (node as { children?: Node[] }).children ?? [];
  switch (node.type) {
    case 'heading':
      return `${indent}${style.bold(inline(children, style))}`;
    case 'paragraph':
      return wrapLines(inline(children, style), indent);
    case 'code':
      return ((node as { value: string }).value ?? '')
        .split('\n')
        .map((line) => `${indent}    ${style.code(line)}`)
        .join('\n');
    case 'blockquote':
      return children.map((child) => block(child, style, `${indent}│ `)).join('\n');
    case 'list': {
      const ordered = (node as { ordered?: boolean }).ordered === true;
      const start = (node as { start?: number | null }).start ?? 1;
      return children
        .map((item, i) => {
          const marker = ordered ? `${start + i}.` : '•';
          const body = ((item as { children?: Node[] }).children ?? []).map((c) => block(c, style, `${indent}${' '.repeat(marker.length + 1)}`)).join('\n');
          return `${indent}${marker} ${body.trimStart()}`;
        })
        .join('\n');
    }
    case 'thematicBreak':
      return `${indent}${style.dim('─'.repeat(20))}`;
    case 'html':
      // Raw HTML is shown as written: a terminal cannot render it, and hiding it would hide text.
      return wrapLines((node as { value: string }).value ?? '', indent);
    default:
      return children.length > 0 ? wrapLines(inline(children, style), indent) : '';
  }
}

function inline(nodes: Node[], style: TerminalStyle): string {
  return nodes
    .map((node) => {
      const children = (node as { children?: Node[] }).children ?? [];
      switch (node.type) {
        case 'text':
          return (node as { value: string }).value;
        case 'strong':
          return style.bold(inline(children, style));
        case 'emphasis':
          return style.italic(inline(children, style));
        case 'inlineCode':
          return style.code((node as { value: string }).value);
        case 'break':
          return '\n';
        case 'link': {
          const text = inline(children, style);
          const url = (node as { url?: string }).url ?? '';
          return url === '' || url === text ? text : `${text} (${url})`;
        }
        case 'image':
          return `[image: ${(node as { alt?: string }).alt ?? ''}]`;
        default:
          return (node as { value?: string }).value ?? inline(children, style);
      }
    })
    .join('');
}

function wrapLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n');
}
