// Files a program puts in place itself, known by the path it writes them to. An installer
// split into files (an entry script that sources `functions/postfix.sh`, `functions/amavisd.sh`,
// …) copies a sample into `${POSTFIX_FILE_MAIN_CF}` in one file and fills in a placeholder with
// `perl -pi` in another; the path is a variable its config sets, so only its text is shared.
// An in-place edit of such a file edits the program's own copy, not what a package shipped.
// Only in-place edits trust this (script-knowledge.ts, `copiedByScript`): the destination may
// have held something before, so a `>` or `cp -f` onto it is still judged on its own.
import { readBashNow } from './bash-syntax.js';
import { hasFlag, operands, optionValue, options } from './command-args.js';
import { programParts } from './outside-values.js';
import type { ScriptFiles } from './script-files.js';
import { assignmentsIn } from './script-assignments.js';
import { readStatement, type ShellCall } from './shell-calls.js';

/**
 * Where `cp` puts files: the destination as written when it names one file (two operands, no
 * trailing `/`), and FOLDER/NAME for each source, since the destination may be a folder
 * (`cp ${SAMPLE_DIR}/jail.d/*.local ${JAIL_DIR}` puts `${JAIL_DIR}/*.local`). Not `cp -n`,
 * which leaves a file that was there (a user's own config kept from before the run), and not
 * `mv`, whose file may be the old one put back (`mv F F.off` … `mv F.off F`). `install` copies too.
 */
export function copyDestinations(call: Pick<ShellCall, 'name' | 'args'>): string[] {
  const name = call.name.split('/').pop() ?? call.name;
  if (name === 'install') return installDestinations(call.args);
  if (name !== 'cp' || hasFlag(call.args, 'n', '--no-clobber') || call.args.includes('--update=none')) return [];
  return placed(call.args, options('-S', '--suffix', '-t', '--target-directory'));
}

/**
 * `install [-m MODE] [-o USER] SRC DEST` copies SRC into place as `cp` does (setting its mode and
 * owner on the way); `install -d` only makes folders, so it puts no file anywhere.
 */
function installDestinations(args: readonly string[]): string[] {
  if (hasFlag(args, 'd', '--directory')) return [];
  return placed(args, options('-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix', '-t', '--target-directory'));
}

/** The files a copy puts in place, given the options of its program that take a value. */
function placed(args: readonly string[], takesValue: ReadonlySet<string>): string[] {
  const words = operands(args, takesValue);
  const folder = optionValue(args, '-t', '--target-directory');
  const dest = folder ?? words.at(-1);
  const sources = folder !== undefined ? words : words.slice(0, -1);
  if (dest === undefined || sources.length === 0) return [];
  const out = sources.map((s) => `${dest.replace(/\/+$/, '')}/${s.replace(/\/+$/, '').split('/').pop() ?? ''}`);
  if (folder === undefined && words.length === 2 && !dest.endsWith('/')) out.push(dest);
  return out;
}

/** `${A}/x` and `$A/x` are one path; quotes are gone already. */
export function pathKey(path: string): string {
  return path.replace(/\$\{([A-Za-z_]\w*)\}/g, '$$$1').replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * Whether `path` names one of `made`. A glob in its last part (`${DIR}/*.sql`) names them
 * when it matches one in the same, fixed folder; a bare `*` names whatever is in the
 * current folder, which the run did not fill.
 */
export function namesOneOf(path: string, made: ReadonlySet<string>): boolean {
  const key = pathKey(path);
  if (made.has(key)) return true;
  const slash = key.lastIndexOf('/');
  if (!/[*?]/.test(key.slice(slash + 1)) || slash <= 0 || /[*?]/.test(key.slice(0, slash))) return false;
  const glob = new RegExp(`^${key.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return [...made].some((m) => !/[*?]/.test(m) && glob.test(m));
}

/** The variables a word expands (`${A}/x/$B` → A, B). */
export function variablesIn(word: string): string[] {
  return [...word.matchAll(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g)].map((m) => m[1] ?? m[2] ?? '');
}

const byFiles = new WeakMap<ScriptFiles, Map<string, ReadonlySet<string>>>();

/**
 * What the other files of the program `self` belongs to (the entry scripts that source it
 * and the other files those source) copy into place or write whole, as written (variables
 * unresolved). Empty for a script nothing sources.
 */
export function copiesElsewhereInProgram(files: ScriptFiles, self: string): ReadonlySet<string> {
  let cache = byFiles.get(files);
  if (!cache) {
    cache = new Map();
    byFiles.set(files, cache);
  }
  const known = cache.get(self);
  if (known) return known;
  // A file sourced by several programs (an installer and a test that sources the same step)
  // is the program's own only where every one of them makes it.
  let made: Set<string> | undefined;
  for (const program of programParts(files, self)) {
    const mine = madeBy(program);
    made = made === undefined ? mine : new Set([...made].filter((p) => mine.has(p)));
  }
  made ??= new Set<string>();
  cache.set(self, made);
  return made;
}

/** What the files of one program copy into place or write whole, less what they also save away. */
function madeBy(program: { text: string }[]): Set<string> {
  const made = new Set<string>();
  /** Paths the program copies away (`cp $CONF /tmp/conf` … `cp /tmp/conf $CONF`): what it puts back there is the old file. */
  const saved = new Set<string>();
  for (const { text } of program) {
    let read;
    try {
      read = readBashNow(text, (root) => readStatement(root, 1));
    } catch {
      continue;
    }
    // `for f in …; do cp X "$f"` there says nothing of `$f` here: only paths built from the
    // program's shared variables (set in neither file, e.g. by its config) name one file in both.
    const own = new Set(readBashNow(text, assignmentsIn).map((a) => a.name));
    const shared = (d: string): boolean => variablesIn(d).every((v) => !own.has(v));
    for (const call of read.calls) {
      for (const d of copyDestinations(call)) if (shared(d)) made.add(pathKey(d));
      if (call.name === 'cp') for (const source of operands(call.args, options('-S', '--suffix', '-t', '--target-directory')).slice(0, -1)) saved.add(pathKey(source));
    }
    for (const r of read.redirects) if ((r.op === '>' || r.op === '>|') && /^[/$]/.test(r.target) && shared(r.target)) made.add(pathKey(r.target));
  }
  for (const path of saved) made.delete(path);
  return made;
}
