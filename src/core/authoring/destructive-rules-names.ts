// A command the script neither defines nor sources, that no rule knows, read by its own name.
// Shell projects split into files that a top script sources in turn (`lib/nova` calls
// `stop_process n-api`, defined in a file only the top script sources), and a script imported
// alone calls helpers whose bodies are not there to read. Their names are how their authors
// say what they do: `stop_process`, `recreate_database`, `uninstall_package`, `destroy_disk`.
// A name made of several words, one of them a verb of stopping or removing, is flagged with
// that said plainly; a one-word program name (`stop`, `drop`) is too ambiguous to read.
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';
import { programFile } from './script-files.js';
import type { ScriptKnowledge } from './script-knowledge.js';

const NAME_VERB = /^(stop|kill|delete|remove|destroy|drop|purge|uninstall|wipe|erase|recreate|teardown|cleanup|undeploy|terminate|shutdown|restart|unmount|umount|flush)$/i;

/**
 * Words that say the helper tells rather than does, when they come before the verb:
 * `fn_print_restart_warning` and `log_stop_message` print about a restart or a stop
 * (`stop_and_log` still stops).
 */
const TELLS = /^(print|printf|echo|log|warn|warning|msg|message|notice|info|say|show|display|banner|usage|help)$/i;

/** The verb of stopping or removing in a several-word name (`stop_process` → stop), if any. */
export function verbInName(name: string): string | undefined {
  if (name.includes('.')) return undefined; // `remove-unused.js`, `purge.py`: a file an interpreter runs, not a helper of the script
  const words = name.split(/[_-]+/).filter(Boolean);
  if (words.length < 2) return undefined;
  const at = words.findIndex((w) => NAME_VERB.test(w));
  if (at < 0 || words.slice(0, at).some((w) => TELLS.test(w))) return undefined;
  return words[at]!.toLowerCase();
}

/** Functions each script defines anywhere in its text: one called above its definition is still its own. */
const definedInText = new WeakMap<ScriptKnowledge, Set<string>>();

/** Reads the names of every function a script's text defines (`name() {`, `function name {`). */
export function learnFunctionNames(knowledge: ScriptKnowledge, script: string): void {
  const names = new Set<string>();
  for (const m of script.matchAll(/^[ \t]*(?:function[ \t]+([\w:.-]+)|([\w:.-]+)[ \t]*\([ \t]*\))/gm)) names.add(m[1] ?? m[2] ?? '');
  definedInText.set(knowledge, names);
}

/** The script (or a file it sources, or a program of its repository) holds the body: it is judged there. */
function ownCode(i: RuleInput): boolean {
  const { knowledge } = i;
  if (knowledge.functions.has(i.name) || definedInText.get(knowledge)?.has(i.name)) return true;
  return knowledge.files !== undefined && programFile(knowledge.files, knowledge.self, i.name) !== undefined;
}

export const NAME_RULES: readonly DestructiveRule[] = [
  {
    id: 'name-verb',
    category: 'unknown',
    commands: [],
    matches: 'a command the script does not define and no rule knows, whose name of several words says it stops or removes (`stop_process api`, `recreate_database nova`)',
    when: (i) => {
      const verb = verbInName(i.name);
      return verb !== undefined && !ownCode(i) && verb !== undefined && `${i.name} (its name says ${verb}; it is defined outside the script, so what it does cannot be read here)`;
    },
    reason: 'runs {}',
    examples: {
      flags: ['stop_process n-api', 'recreate_database keystone', 'uninstall_package slapd ldap-utils', 'destroy_disk $SWIFT_DISK_IMAGE $DATA_DIR/drives/sdb1', 'neutron_ovs_base_cleanup', 'restart_service memcached'],
      quiet: ['start_process n-api', 'create_database keystone', 'install_package slapd', 'stop_process() { echo "$1"; }\nstop_process api', 'main() {\n  remove_dir /tmp/x\n}\nremove_dir() {\n  echo "$1"\n}\nmain', 'stop', 'configure_nova'],
    },
  },
];
