// The shape of a destructive-command rule, shared by the rule files (destructive-rules-*.ts)
// and the table that joins them (destructive-rules.ts).
import type { ShellCall } from './shell-calls.js';
import type { ScriptKnowledge } from './script-knowledge.js';

export type Category =
  | 'files'
  | 'disks'
  | 'databases'
  | 'restores'
  | 'services'
  | 'containers'
  | 'kubernetes'
  | 'network'
  | 'packages'
  | 'git'
  | 'access'
  | 'infrastructure'
  | 'unknown';

/** A call as the rules see it: its base name, its arguments, and what the script did before it. */
export interface RuleInput {
  name: string;
  args: string[];
  call: ShellCall;
  knowledge: ScriptKnowledge;
}

export interface DestructiveRule {
  id: string;
  category: Category;
  /** The command names the rule looks at; empty for the rules destructive-commands.ts applies itself. */
  commands: readonly string[];
  /** What it matches, for a person reading the table. */
  matches: string;
  /** True when the call matches; a string also fills `{}` in the reason. */
  when: (input: RuleInput) => boolean | string;
  /** What the operator reads after the command, e.g. "deletes files (rm)". */
  reason: string;
  /**
   * 'note': worth a look but not destructive by the label rule (nothing is deleted or
   * overwritten), so it is a note an import shows, never a finding, a `confirm` or a score.
   */
  level?: 'note';
  /** Commands that must fire this rule, and look-alikes that must not. */
  examples: { flags: string[]; quiet: string[] };
}

/** For the rules destructive-commands.ts applies itself (redirects, variables, eval). */
export const never = (): boolean => false;
