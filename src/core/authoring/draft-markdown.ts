// Small writers for a runbook draft's Markdown: comment text made safe as prose (a comment
// line `## Step 2` or `---` must not start a new step), fences that survive the code
// inside them, front matter values that stay one YAML scalar.

/** Decoration (`# ------`, `#####`) and directives for tools, which say nothing to a reader. */
const NOISE = /^(\s*[-=#*_~+/\\|]{3,}\s*|\s*shellcheck\s.*|\s*(vim?|ex):.*|.*-\*-.*-\*-.*)$/i;

/** Comment lines (without `#`) as Markdown paragraphs; blank lines separate paragraphs. */
export function proseFrom(lines: string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (NOISE.test(line)) continue;
    if (line.trim() === '') {
      if (out.length > 0 && out.at(-1) !== '') out.push('');
      continue;
    }
    // A leading #, fence, or setext underline would change the document's structure.
    out.push(/^\s{0,3}(#|```|~~~|=+\s*$|-+\s*$)/.test(line) ? `\\${line.trimStart()}` : line);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}

/** A fenced block whose fence is longer than any backtick run in the code. */
export function fenced(lang: string, attributes: string[], code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const info = attributes.length > 0 ? `${lang} {${attributes.join(' ')}}` : lang;
  return `${fence}${info}\n${code.replace(/\n+$/, '')}\n${fence}`;
}

/** A YAML scalar: plain when that is unambiguous, else double-quoted (JSON is valid YAML). */
export function yamlScalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9 ,.()/'_-]*$/.test(value) && !/\s$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

/** A runbook id from a file name: `Deploy_App.v2.sh` → `deploy-app-v2`. */
export function runbookIdFrom(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\.(sh|bash|ksh|zsh)$/i, '');
  const id = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id === '' ? 'imported-script' : id;
}

/** A heading's text: one line, no trailing `#`s, not too long for a step list. */
export function headingText(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').replace(/[\s#]+$/, '').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
