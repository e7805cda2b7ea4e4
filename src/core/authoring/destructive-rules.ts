// The table of destructive-command rules: one entry per thing an operator cannot get back by
// running the step again, with the reason they read and examples that must (and must not)
// fire it. Import, the recorder and the validator's advice all read this one table
// (destructive-commands.ts walks a script and asks it), and the unit tests run every rule's
// examples, so a rule cannot be added without the cases that show what it means.
//
// The rules read a command as the shell hands it over (parsed, quotes removed, wrappers
// such as `sudo` and `sh -c` already unwrapped), never the raw script text.
import { DATA_RULES } from './destructive-rules-data.js';
import { HOST_RULES } from './destructive-rules-host.js';
import { NAME_RULES } from './destructive-rules-names.js';
import { PLATFORM_RULES } from './destructive-rules-platforms.js';
import { RESTART_RULES } from './destructive-rules-restarts.js';
import { SECURITY_RULES } from './destructive-rules-security.js';
import { ACCESS_RESET_RULES } from './destructive-rules-access-resets.js';
import { SESSION_RULES } from './destructive-rules-sessions.js';
import { STORAGE_RULES } from './destructive-rules-storage.js';
import { RESTORE_COPY_RULES } from './destructive-rules-restore-copies.js';
import { ACCOUNT_CHANGE_RULES } from './destructive-rules-account-changes.js';
import { STRUCTURED_EDIT_RULES } from './destructive-rules-structured-edits.js';
import type { DestructiveRule } from './destructive-rule-types.js';
import { sqlClientOf } from './sql-in-shell.js';

export type { Category, DestructiveRule, RuleInput } from './destructive-rule-types.js';

export const RULES: readonly DestructiveRule[] = [...HOST_RULES, ...DATA_RULES, ...PLATFORM_RULES, ...RESTART_RULES, ...SECURITY_RULES, ...NAME_RULES, ...STORAGE_RULES, ...ACCESS_RESET_RULES, ...SESSION_RULES, ...RESTORE_COPY_RULES, ...ACCOUNT_CHANGE_RULES, ...STRUCTURED_EDIT_RULES];

/**
 * The rules that look at a command name (`mkfs.ext4` is looked up as `mkfs.*`). A tool with
 * no rule of its own gets the delete-verb rule (and is read by its name), unless it only handles text or runs another
 * command (`sudo`, `sh`, … are unwrapped and their command judged instead).
 */
export function rulesFor(name: string, runsOthers: (name: string) => boolean = () => false): DestructiveRule[] {
  const key = /^mkfs\./.test(name) ? 'mkfs.*' : name;
  const own = BY_NAME.get(key);
  // A service manager with a restart rule of its own still stops things the generic way (`snapctl stop NAME`).
  if (own) return STOPS_BY_VERB.has(name) ? [...own, ruleById('cli-stop-verb')] : KEEPS_VERBS.has(name) ? [...own, ...CLI_VERBS] : own;
  return TEXT_TOOLS.has(name) || runsOthers(name) || sqlClientOf(name) !== undefined || !/^[A-Za-z][\w.-]*$/.test(name) ? [] : CLI_VERBS;
}

/** The command has rules of its own in the table (not only the delete-verb rule every tool gets). */
export function hasOwnRules(name: string): boolean {
  return BY_NAME.has(/^mkfs\./.test(name) ? 'mkfs.*' : name);
}

export function ruleById(id: string): DestructiveRule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no destructive-command rule has id '${id}'; this is a bug in Handrail`);
  return rule;
}

/** Commands whose words are text or paths, not subcommands: `echo delete` deletes nothing. */
const TEXT_TOOLS = new Set(
  'echo printf grep egrep fgrep rg ag sed awk gawk jq yq cut sort uniq head tail wc tr tee cat tac less more ls cp mv ln mkdir touch test [ [[ logger man which type help vi vim nano emacs read export local declare set unset alias source . true false sleep date basename dirname realpath readlink stat file du df diff cmp comm paste column xxd od base64 gzip gunzip zcat bzip2 xz tar zip unzip sha256sum md5sum wget'.split(' '),
);
const STOPS_BY_VERB = new Set(['snap', 'snapctl', 'launchctl']);
/** Tools whose own rule knows one subcommand only: their other delete- or stop-type subcommands are read as for any tool. */
const KEEPS_VERBS = new Set(['artisan', 'rails', 'rake', 'manage.py', 'nvme', 'nvmetcli', 'targetcli']);
const CLI_VERBS = [ruleById('cli-delete-verb'), ruleById('cli-stop-verb'), ruleById('name-verb')];
const BY_NAME = new Map<string, DestructiveRule[]>();
for (const rule of RULES) for (const name of rule.commands) BY_NAME.set(name, [...(BY_NAME.get(name) ?? []), rule]);
