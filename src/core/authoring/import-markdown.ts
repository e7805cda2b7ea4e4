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
import { parseMarkdown, type Code, type RootContent } from '../runbook/markdown.js';
import { parseYaml } from '../yaml.js';
import { capitalized, fenced, headingText, runbookIdFrom, yamlScalar } from './draft-markdown.js';
import { loadShellGrammar } from '../engine/shell-placeholders.js';
import { exportedBy, finishAction, type Finished, type Provider } from './page-actions.js';
import { destructiveReasons } from './destructive-commands.js';
import { asPlaceholders, asVariables, readPageBlock, type PageBlock } from './page-blocks.js';
import { inputNameFor, providedByShell, type PageInput } from './page-placeholders.js';
import { codeNodes, leadIn, leadTitle, outputLeadIns, plainText, renderer, unitsOf } from './page-pieces.js';

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
  const providers: Provider[] = [];
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

  // A manual step runs by hand, so nothing asks to confirm it: its destructive commands are
  // flagged all the same, for the person who will type them.
  const cautions = new Map<Code, string[]>();
  for (const code of codes) {
    const block = blocks.get(code) as PageBlock;
    if (block.kind === 'manual') cautions.set(code, (await destructiveReasons(asVariables(block.code))).map(asPlaceholders));
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

  const render = renderer(source, blocks, finished, cautions, options);
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

  // The page's owner is Handrail's owner when it is one name; anything else stays the page's text.
  const owner = stringOf(page.owner);
  const taken = ['title', 'summary', 'description', 'cwd', ...(owner !== undefined ? ['owner'] : [])];
  const leftover = Object.entries(page).filter(([key]) => !taken.includes(key));
  const summary = stringOf(page.summary) ?? stringOf(page.description) ?? `Draft imported from ${fileName}`;
  const frontMatter = [
    '---',
    `id: ${idOf(fileName)}`,
    `title: ${yamlScalar(title)}`,
    'version: 0.1.0',
    `summary: ${yamlScalar(summary.replace(/\s+/g, ' ').trim())}`,
    owner !== undefined ? `owner: ${yamlScalar(owner)}` : '# owner: the team that keeps this runbook current',
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
    for (const reason of (code && cautions.get(code)) || []) warnings.push(`step ${i + 1} "${stepTitle}" (manual): ${reason}; check it before you run it by hand`);
  });
  const confirmed = stepTitles.some(({ code }) => code && finished.get(code)?.reasons.length);
  const byHand = stepTitles.some(({ code }) => code && cautions.get(code)?.length);
  if (confirmed || byHand) {
    const asks = confirmed ? ' The runnable ones ask for confirmation (`confirm`) before they run.' : '';
    const manual = byHand ? ' The manual ones are typed by hand: nothing asks.' : '';
    todo.push(`**Destructive:** the steps with a **Warning** change or remove something.${asks}${manual} Check them first.`);
  }
  todo.push(
    owner !== undefined
      ? 'Fill in `environments:`, if it must not run everywhere, and mark the steps that are safe to run twice `idempotent`.'
      : 'Fill in `owner:` (and `environments:`, if it must not run everywhere), and mark the steps that are safe to run twice `idempotent`.',
  );
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
