// A Markdown runbook (a wiki page, an alert runbook, a Runme notebook) turned into a
// Handrail draft. The page is read with the runbook parser's own Markdown reader, and cut
// into steps where Handrail needs them: each shell block becomes a step of its own (several
// under one heading become consecutive steps, one above the first `##` too), the prose
// around it stays with it, and everything else of the page — prose, other code blocks,
// example output, front matter Handrail has no key for — is kept in the draft.
//
// As for scripts, no step gets a target unless the author names one (`target`): a page
// does not say where its commands ran, and a guess could run them on the wrong machine.
import { INPUT_NAME_PATTERN } from '../../contract/runbook.js';
import { loadShellGrammar, readShellInputs } from '../engine/shell-placeholders.js';
import { parseMarkdown, type Code, type RootContent } from '../runbook/markdown.js';
import { parseYaml } from '../yaml.js';
import { destructiveReasons } from './destructive-commands.js';
import { capitalized, fenced, headingText, runbookIdFrom, yamlScalar } from './draft-markdown.js';
import { asPlaceholders, asVariables, readPageBlock, type PageBlock } from './page-blocks.js';
import { inputNameFor, placeInputs, providedByShell, type PageInput } from './page-placeholders.js';
import { assigned, ownCall, roleOf } from './script-setup.js';
import type { ShellCommand } from './shell-commands.js';

export interface ImportMarkdownOptions {
  /** Put `target=NAME` on every shell step. */
  target?: string;
  /** The inventory's target names, for the draft's to-do. */
  targets?: string[];
}

export interface ImportedMarkdown {
  markdown: string;
  /** What the author must look at or fill in, one line each. */
  warnings: string[];
  runnableSteps: number;
  manualSteps: number;
}

/** The page has no step to make: no `##` section and no shell block. */
export class NothingToImportError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NothingToImportError';
  }
}

type Node = RootContent;

interface Unit {
  start: number;
  end: number;
  /** Spaces taken off the lines after the first (a list item's content indent). */
  indent: number;
  node: Node;
  /** Step-making blocks (actions and manual commands) inside. */
  blocks: Code[];
}

interface Finished {
  code: string;
  reasons: string[];
  notes: string[];
  confirm: boolean;
}

export async function importMarkdown(text: string, name: string, options: ImportMarkdownOptions = {}): Promise<ImportedMarkdown> {
  await loadShellGrammar();
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const fileName = name.split(/[\\/]/).pop() ?? name;
  const tree = parseMarkdown(source);
  const warnings: string[] = [];

  const yamlNode = tree.children.find((n) => n.type === 'yaml');
  const page = yamlNode ? pageFrontMatter(yamlNode.value) : {};
  let nodes = tree.children.filter((n) => n.type !== 'yaml');
  const firstSection = nodes.findIndex((n) => n.type === 'heading' && n.depth === 2);
  const h1 = nodes.find((n, i) => n.type === 'heading' && n.depth === 1 && (firstSection === -1 || i < firstSection));
  if (h1) nodes = nodes.filter((n) => n !== h1);
  const title = headingText(stringOf(page.title) ?? (h1 ? plainText(h1) : '') ?? '') || capitalized(idOf(fileName).replace(/-/g, ' '));
  const h1Text = h1 ? plainText(h1).trim() : '';

  // Each code block, read once.
  const codes = codeNodes(nodes);
  const blocks = new Map<Code, PageBlock>();
  const introducesOutput = outputLeadIns(nodes);
  let sessionOpened = false;
  for (const code of codes) {
    let block = await readPageBlock(code.value, code.lang, code.meta, introducesOutput.has(code));
    // `sh-5.1# chroot /host` after `oc debug node/x`: typed inside the session, not on the target.
    if (block.rootSession && sessionOpened && block.kind === 'action') {
      block = { ...block, kind: 'manual', manualBecause: 'its prompt is a root shell of its own, so it is typed inside the session an earlier step opens (a debug pod, a remote shell), not on the target' };
    }
    if (block.kind === 'manual' && / opens /.test(block.manualBecause ?? '')) sessionOpened = true;
    blocks.set(code, block);
  }
  const stepMaking = (code: Code) => blocks.get(code)?.kind !== 'doc';

  // Variables: what the page sets is its own; what it only reads is asked for.
  const actions = codes.filter((c) => blocks.get(c)?.kind === 'action');
  const setOnPage = new Set(codes.flatMap((c) => blocks.get(c)?.sets ?? []));
  const inputVariables = new Map<string, string>();
  const described = new Map<string, PageInput>();
  for (const code of actions) {
    const block = blocks.get(code) as PageBlock;
    for (const literal of block.inputs) if (!described.has(literal.name)) described.set(literal.name, literal);
    for (const variable of block.expands) {
      if (providedByShell(variable) || setOnPage.has(variable)) continue;
      const inputName = inputNameFor(variable);
      inputVariables.set(variable, inputName);
      if (!described.has(inputName)) described.set(inputName, { name: inputName, description: `$${variable} on the page, which the page does not set`, secret: /token|password|passwd|secret|api_?key|credential/i.test(inputName) });
    }
  }
  const finished = new Map<Code, Finished>();
  const providers: { names: string[]; text: string; expands: string[] }[] = [];
  for (const code of actions) {
    const block = blocks.get(code) as PageBlock;
    // Runme's document-level `cwd` (in the page's front matter) holds for blocks without their own.
    const pageCwd = stringOf(page.cwd);
    const withCwd = pageCwd && !block.runme?.cwd ? { ...block, runme: { interactive: false, background: false, excludeFromRunAll: false, ignored: [], ...block.runme, cwd: pageCwd } } : block;
    finished.set(code, await finishAction(withCwd, providers, inputVariables));
    for (const statement of block.statements) {
      const names = exportedBy(statement);
      if (names.length > 0) providers.push({ names, text: statement.text, expands: statement.expands });
    }
  }

  // Sections: what comes before the first `##`, then one per `##` heading.
  const sections: { heading: Node | undefined; nodes: Node[] }[] = [{ heading: undefined, nodes: [] }];
  for (const node of nodes) {
    if (node.type === 'heading' && node.depth === 2) sections.push({ heading: node, nodes: [] });
    else sections.at(-1)?.nodes.push(node);
  }
  const hasSteps = (section: { nodes: Node[] }) => section.nodes.some((n) => codeNodes([n]).some(stepMaking));
  const firstWithSteps = sections.findIndex(hasSteps);
  if (firstWithSteps === -1 && sections.length === 1) {
    throw new NothingToImportError(codes.length === 0 ? 'it has no ## sections and no code blocks' : 'it has no ## sections and no shell block');
  }

  const render = renderer(source, blocks, finished, options);
  // The page's own heading, when the title came from its front matter and says something else.
  const intro: string[] = h1Text !== '' && h1Text !== title ? [`The page's heading: **${h1Text}**`] : [];
  const steps: string[] = [];
  let runnable = 0;
  let manual = 0;
  const stepTitles: { title: string; code: Code | undefined }[] = [];
  const addStep = (heading: string, parts: string[], code: Code | undefined) => {
    steps.push([`## ${heading}`, ...parts].join('\n\n'));
    stepTitles.push({ title: heading, code });
    if (code && blocks.get(code)?.kind === 'action') runnable++;
    else manual++;
  };

  for (const [index, section] of sections.entries()) {
    const sectionTitle = section.heading ? headingText(plainText(section.heading)) || 'Untitled section' : title;
    const units = section.nodes.flatMap((n) => unitsOf(n, blocks, stepMaking));
    const stepUnits = units.flatMap((u, i) => (u.blocks.length > 0 ? [i] : []));
    if (stepUnits.length === 0) {
      const body = units.map(render.unit);
      if (!section.heading) intro.push(...body);
      // Sections before the first command (Meaning, Impact) are read before the run, not
      // marked done one by one; a page with no command at all keeps them as manual steps.
      else if (firstWithSteps !== -1 && index < firstWithSteps) intro.push(`### ${sectionTitle}`, ...body);
      else addStep(sectionTitle, body, undefined);
      continue;
    }
    // Where one step ends and the next begins: at a heading between two blocks, else
    // before the paragraphs that lead into the next block.
    const cuts = [section.heading ? 0 : leadIn(units, -1, stepUnits[0] as number)];
    for (let k = 1; k < stepUnits.length; k++) cuts.push(leadIn(units, stepUnits[k - 1] as number, stepUnits[k] as number));
    cuts.push(units.length);
    if (!section.heading) intro.push(...units.slice(0, cuts[0]).map(render.unit));
    // A step with no heading or lead-in of its own is named after the nearest heading above it.
    let context = sectionTitle;
    const counted = new Map<string, number>();
    const numbered = (title: string) => {
      const n = (counted.get(title) ?? 1) + 1;
      counted.set(title, n);
      return `${title} (${n})`;
    };
    for (let k = 0; k < stepUnits.length; k++) {
      const chunk = units.slice(cuts[k], cuts[k + 1]);
      const main = units[stepUnits[k] as number]?.blocks[0];
      let heading: string;
      if (k === 0 && section.heading) heading = sectionTitle;
      else if (chunk[0]?.node.type === 'heading') {
        heading = headingText(plainText(chunk[0].node)) || numbered(context);
        context = heading;
        chunk.shift();
      } else heading = leadTitle(chunk[0]?.node, main, blocks) ?? numbered(context);
      for (const u of chunk) if (u.node.type === 'heading') context = headingText(plainText(u.node)) || context;
      addStep(heading, chunk.map(render.unit), main);
    }
  }
  if (steps.length === 0) throw new NothingToImportError('it has no shell block and no section after its introduction');

  // The inputs the steps use, as the draft's front matter declares them.
  const used = new Set<string>();
  for (const done of finished.values()) for (const m of done.code.matchAll(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g)) used.add(m[1] ?? '');
  const inputs = [...used].sort().map((n) => described.get(n) ?? { name: n, description: `a value the page leaves to the reader`, secret: false });

  const leftover = Object.entries(page).filter(([key]) => !['title', 'summary', 'description', 'cwd'].includes(key));
  const summary = stringOf(page.summary) ?? stringOf(page.description) ?? `Draft imported from ${fileName}`;
  const frontMatter = [
    '---',
    `id: ${idOf(fileName)}`,
    `title: ${yamlScalar(title)}`,
    'version: 0.1.0',
    `summary: ${yamlScalar(summary.replace(/\s+/g, ' ').trim())}`,
    '# owner: the team that keeps this runbook current',
    '# environments: [the environments it may run in]',
    ...inputsYaml(inputs),
    '---',
  ].join('\n');

  const todo: string[] = [];
  if (!options.target && runnable > 0) {
    const list = options.targets && options.targets.length > 0 ? `a target of handrail.yml (${options.targets.join(', ')}) or \`local\`` : 'a target of handrail.yml, or `local` for this machine';
    todo.push(`**Targets:** no step has one yet, because the page does not say where its commands ran. Add \`target=NAME\` to each \`sh\` block (${list}), or import again with \`--target NAME\`.`);
    warnings.push(`no step has a target yet: add target=NAME to each of the ${runnable} sh block${runnable === 1 ? '' : 's'}, or import again with --target NAME`);
  }
  if (inputs.length > 0) {
    todo.push(`**Inputs:** the page leaves ${inputs.map((i) => `\`${i.name}\``).join(', ')} to the reader; the run asks for ${inputs.length === 1 ? 'it' : 'them'}. Check each description and pattern in the front matter.`);
  }
  stepTitles.forEach(({ title: stepTitle, code }, i) => {
    const done = code ? finished.get(code) : undefined;
    for (const reason of done?.reasons ?? []) warnings.push(`step ${i + 1} "${stepTitle}": ${reason}; it asks for confirmation`);
    for (const note of done?.notes ?? []) warnings.push(`step ${i + 1} "${stepTitle}": ${note}`);
    const block = code ? blocks.get(code) : undefined;
    if (block?.kind === 'manual') warnings.push(`step ${i + 1} "${stepTitle}" is a manual step: ${block.manualBecause ?? 'it cannot run unattended'}`);
  });
  if (stepTitles.some(({ code }) => code && finished.get(code)?.reasons.length)) {
    todo.push('**Destructive:** the steps with a **Warning** ask for confirmation (`confirm`) before they run. Check them first.');
  }
  todo.push('Fill in `owner:` (and `environments:`, if it must not run everywhere), and mark the steps that are safe to run twice `idempotent`.');
  const note = [
    `> **Draft imported from \`${fileName}\`.** Each shell block of the page is a step below, with the page's text around it as its instructions; ` +
      'commands that need a terminal or never end are manual steps that show the command; example output is kept, never run. Read every step before you run it.',
    `**Before this runbook can run:**\n\n${todo.map((t) => `- ${t}`).join('\n')}`,
  ];
  if (leftover.length > 0) {
    note.push(`The page's own front matter, which Handrail does not use:\n\n${fenced('yaml', [], leftover.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'))}`);
    warnings.push(`the page's front matter key${leftover.length === 1 ? '' : 's'} ${leftover.map(([k]) => k).join(', ')} ${leftover.length === 1 ? 'has' : 'have'} no meaning in Handrail: kept as text in the introduction`);
  }
  const body = [frontMatter, `# ${title}`, ...note, ...intro, ...steps];
  return { markdown: `${body.join('\n\n').replace(/\n{3,}/g, '\n\n')}\n`, warnings, runnableSteps: runnable, manualSteps: manual };
}

async function finishAction(
  block: PageBlock,
  providers: { names: string[]; text: string; expands: string[] }[],
  inputVariables: Map<string, string>,
): Promise<Finished> {
  // Each step runs in a fresh shell: what an earlier block exported is set again here.
  const carried: string[] = [];
  const wanted = new Set(block.expands.filter((v) => !block.sets.includes(v)));
  for (let i = providers.length - 1; i >= 0; i--) {
    const provider = providers[i] as (typeof providers)[number];
    if (!provider.names.some((n) => wanted.has(n))) continue;
    carried.unshift(provider.text);
    for (const n of provider.names) wanted.delete(n);
    for (const e of provider.expands) wanted.add(e);
  }
  const placed = placeInputs([...carried, block.code].join('\n'), inputVariables);
  const prelude = placed.exported.map((v) => `export ${v}={{ ${inputVariables.get(v) ?? inputNameFor(v)} }}`);
  const cwd = block.runme?.cwd ? [`cd -- '${block.runme.cwd.replace(/'/g, `'\\''`)}' || exit 1`] : [];
  const code = [...prelude, ...cwd, placed.code].join('\n');
  const notes: string[] = [];
  if (carried.length > 0) notes.push(`the first ${carried.length === 1 ? 'line repeats' : `${carried.length} lines repeat`} what an earlier step set, since each step runs in a fresh shell`);
  if (block.runme?.cwd) notes.push(`the page runs this block in \`${block.runme.cwd}\` (Runme \`cwd\`); the step changes into it first, relative to where the step starts`);
  if (block.runme?.excludeFromRunAll) notes.push('the page leaves this block out when it runs all of them (Runme `excludeFromRunAll`): the step asks before it runs');
  if (block.runme?.name) notes.push(`the page names this block \`${block.runme.name}\``);
  if (block.runme && block.runme.ignored.length > 0) notes.push(`left out (no meaning in Handrail): ${block.runme.ignored.map((a) => `\`${a}\``).join(', ')}`);
  const refused = readShellInputs(code).refused;
  for (const r of refused) notes.push(`input '${r.name}' is ${r.where}: ${r.fix}`);
  const reasons = (await destructiveReasons(asVariables(code))).map(asPlaceholders);
  return { code, reasons, notes, confirm: reasons.length > 0 || block.runme?.excludeFromRunAll === true };
}

/** The names a statement assigns or exports for the statements after it. */
function exportedBy(statement: ShellCommand): string[] {
  const role = roleOf(statement).kind;
  if (role === 'assign') return assigned(statement);
  if (role === 'env' && ['export', 'readonly', 'declare', 'typeset'].includes(ownCall(statement)?.name ?? '')) return assigned(statement);
  return [];
}

/** The index of the unit where the step holding block `next` starts, after block `previous`. */
function leadIn(units: Unit[], previous: number, next: number): number {
  for (let i = previous + 1; i < next; i++) if (units[i]?.node.type === 'heading') return i;
  // One paragraph (or list item) leads in; the text before it stays with what came before.
  const before = units[next - 1];
  return next - 1 > previous && before && ['paragraph', 'listItem'].includes(before.node.type) && before.blocks.length === 0 ? next - 1 : next;
}

/** A step's title from the text that leads into its block (a list item's first line, a paragraph), or a Runme name. */
function leadTitle(node: Node | undefined, main: Code | undefined, blocks: Map<Code, PageBlock>): string | undefined {
  const named = main ? blocks.get(main)?.runme?.name : undefined;
  if (named) return capitalized(headingText(named));
  if (!node || (node.type !== 'paragraph' && node.type !== 'listItem')) return undefined;
  const first = node.type === 'listItem' ? node.children[0] : node;
  if (!first || first.type === 'code') return undefined;
  const line = plainText(first).replace(/\s+/g, ' ').replace(/[:.]\s*$/, '').trim();
  return line === '' ? undefined : capitalized(headingText(line));
}

/** The pieces a section is cut at: its top-level blocks, or a list's items (or an item's parts) when one holds several steps. */
function unitsOf(node: Node, blocks: Map<Code, PageBlock>, stepMaking: (c: Code) => boolean, indent = 0, start?: number): Unit[] {
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

function renderer(source: string, blocks: Map<Code, PageBlock>, finished: Map<Code, Finished>, options: ImportMarkdownOptions) {
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
      return [`> **Run this by hand:** ${capitalized(block.manualBecause ?? 'it cannot run unattended')}. Run it in your own terminal, then mark the step done.`, fenced('text', [], code.value)].join('\n\n');
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
function outputLeadIns(nodes: Node[]): Set<Code> {
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

function codeNodes(nodes: Node[]): Code[] {
  const out: Code[] = [];
  for (const node of nodes) {
    if (node.type === 'code') out.push(node);
    else if ('children' in node) out.push(...codeNodes(node.children as Node[]));
  }
  return out;
}

function plainText(node: Node): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Node[]).map(plainText).join('');
  return '';
}

const offset = (node: { position?: { start: { offset?: number }; end: { offset?: number } } }, end: 'start' | 'end') => node.position?.[end].offset ?? 0;
const column = (node: Node) => node.position?.start.column ?? 1;

function pageFrontMatter(value: string): Record<string, unknown> {
  const read = parseYaml(value);
  return read.ok && read.value && typeof read.value === 'object' && !Array.isArray(read.value) ? (read.value as Record<string, unknown>) : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `Kube Pod Crash Looping.md` → `kube-pod-crash-looping`. */
function idOf(fileName: string): string {
  // Alert names are CamelCase: `KubePodCrashLooping` reads better as kube-pod-crash-looping.
  const id = runbookIdFrom(fileName.replace(/\.(md|markdown|mdx)$/i, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2'));
  return id === 'imported-script' ? 'imported-runbook' : id;
}

const INPUT_NAME = new RegExp(INPUT_NAME_PATTERN);

function inputsYaml(inputs: PageInput[]): string[] {
  const valid = inputs.filter((i) => INPUT_NAME.test(i.name));
  if (valid.length === 0) return [];
  return [
    'inputs:',
    ...valid.flatMap((input) => [
      `  ${input.name}:`,
      '    type: string',
      `    description: ${yamlScalar(input.description)}`,
      // One word, not an option: what a name, a namespace or a token is; widen it if the page means more.
      input.secret ? `    pattern: ${yamlScalar('^\\S{8,}$')}` : `    pattern: ${yamlScalar('^[^-\\s]\\S*$')}`,
      ...(input.secret ? ['    secret: true'] : []),
    ]),
  ];
}
