// A sh step that destroys something should ask before it runs. The validator reads each sh
// step with the same rule table import and the recorder use, and warns when a destructive
// step is marked neither `confirm` (the operator is asked first) nor `mutates` (a database
// snapshot is taken first, and a protected environment asks). It stays a warning: the
// author may know the step is safe where it runs, and a warning does not stop a run.
//
// Steps run in order on their target, so what an earlier sh step on the same target made
// (a folder, a temporary file) counts for the later ones, as it does for an imported script.
import type { Step, StepAction } from '../../contract/runbook.js';
import { destructiveFindingsNow, ScriptKnowledge } from '../authoring/destructive-commands.js';
import type { ProblemList } from '../problems.js';

/** `{{ name }}` becomes a plain word, so the grammar reads the command around it as the shell will. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/** One per runbook: what the sh steps so far made on each target. */
export class StepKnowledge {
  private readonly byTarget = new Map<string, ScriptKnowledge>();

  of(target: string | undefined): ScriptKnowledge {
    const key = target ?? '';
    const found = this.byTarget.get(key) ?? new ScriptKnowledge();
    this.byTarget.set(key, found);
    return found;
  }
}

export function adviseOnDestructiveShell(step: Step, action: StepAction, problems: ProblemList, steps: StepKnowledge): void {
  if (action.kind !== 'sh') return;
  const findings = destructiveFindingsNow(action.code.replace(PLACEHOLDER, 'input_$1'), steps.of(action.attributes.target));
  if (action.attributes.confirm || action.attributes.mutates.length > 0) return;
  const first = findings[0];
  if (!first) return;
  const line = action.codeLine + first.line - 1;
  const what = first.reason.replace(/^line \d+: /, '');
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more destructive command${findings.length > 2 ? 's' : ''} in this step)` : '';
  problems.warning(
    { line, col: first.line === 1 ? action.codeCol : 1 },
    `step '${step.title}': ${what}${more}; add confirm to its block (e.g. \`\`\`sh {target=… confirm}) so the operator is asked before it runs`,
  );
}
