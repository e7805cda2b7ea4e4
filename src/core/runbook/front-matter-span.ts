// Where a runbook's front matter sits: from a first line `---` to the next line `---`. Found
// without the Markdown parser, for the readers that need the front matter alone: the editor
// raising `version` in place, and the Runbooks view listing a runbook before it is judged.
// Everything else reads the whole runbook through remark (markdown.ts).
const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*$/m;

export type FrontMatterSpan = { ok: true; start: number; yaml: string } | { ok: false; missing: 'opening' | 'closing' };

/** `start` is the offset of the YAML's first character in `text`. */
export function frontMatterSpan(text: string): FrontMatterSpan {
  const open = OPENING.exec(text);
  if (!open) return { ok: false, missing: 'opening' };
  const start = open[0].length;
  // The closing line may directly follow the opening one (empty front matter).
  const close = CLOSING.exec(text.slice(start));
  if (!close) return { ok: false, missing: 'closing' };
  return { ok: true, start, yaml: text.slice(start, start + close.index) };
}
