// One shell block of an imported page made into a step's code: the variables earlier blocks
// set, carried in (each step runs in a fresh shell); the page's placeholders placed where the
// input rule accepts them; a Runme `cwd`; the destructive commands found, as script import
// finds them.
import { readShellInputs } from '../engine/shell-placeholders.js';
import { destructiveReasons } from './destructive-commands.js';
import { asPlaceholders, asVariables, type PageBlock } from './page-blocks.js';
import { inputNameFor, placeInputs } from './page-placeholders.js';
import { assigned, ownCall, roleOf } from './script-setup.js';
import { bashOnlySyntax, type ShellCommand } from './shell-commands.js';

export interface Finished {
  code: string;
  reasons: string[];
  notes: string[];
  confirm: boolean;
}

/** A statement of an earlier block that sets variables for the blocks after it. */
export interface Provider {
  names: string[];
  text: string;
  expands: string[];
}

export async function finishAction(
  block: PageBlock,
  providers: Provider[],
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
  const bashOnly = await bashOnlySyntax(asVariables(code));
  if (bashOnly) {
    notes.push(
      `this block uses bash-only syntax (${bashOnly.reason.replace(/; tried parsing as posix$/, '')}), and Handrail runs \`sh\` blocks with /bin/sh, which is not always bash: ` +
        "rewrite it for sh, or wrap it as `bash -c '…'`",
    );
  }
  const refused = readShellInputs(code).refused;
  for (const r of refused) notes.push(`input '${r.name}' is ${r.where}: ${r.fix}`);
  const reasons = (await destructiveReasons(asVariables(code))).map(asPlaceholders);
  return { code, reasons, notes, confirm: reasons.length > 0 || block.runme?.excludeFromRunAll === true };
}

/** The names a statement assigns or exports for the statements after it. */
export function exportedBy(statement: ShellCommand): string[] {
  const role = roleOf(statement).kind;
  if (role === 'assign') return assigned(statement);
  if (role === 'env' && ['export', 'readonly', 'declare', 'typeset'].includes(ownCall(statement)?.name ?? '')) return assigned(statement);
  return [];
}

