// What a script has said by the time a command runs, so the destructive-command rules can
// tell `$dc down --volumes` (after `dc="docker compose"`) from `$TOOL …`, and a write to a
// file the script made itself (`tmp=$(mktemp)`, `> out` earlier, `touch`, `mkdir`, a name
// holding the time it ran) from a write over a file that was there before. Only what the
// script states plainly counts; anything else is left unknown, so it stays flagged.
import { armsTaken, canRunTogether, isOnlyArm } from './script-branches.js';
import { copiesElsewhereInProgram, copyDestinations, namesOneOf, pathKey, variablesIn } from './program-copies.js';
import { hasFlag, operands, optionValue } from './command-args.js';
import { elementNamedBy, fixedValues } from './array-elements.js';
import { readBashNow } from './bash-syntax.js';
import { downloadedFile } from './download-outputs.js';
import { filesReadBy } from './generated-writes.js';
import { inOwnCheckout } from './checkout-files.js';
import { functionPrints, functionPrintsFreshName } from './function-output.js';
import { outsideValues, printedTexts } from './outside-values.js';
import type { ScriptFiles } from './script-files.js';
import type { ShellCall } from './shell-calls.js';
import type { Rewrite } from './rebuilt-files.js';
import { assignmentsIn, type Assignment } from './script-assignments.js';

export { assignmentsIn, testedFilesIn, type Assignment } from './script-assignments.js';

/** Writing here loses nothing: the bit bucket, the process's own streams. */
export function isHarmlessTarget(target: string): boolean {
  return /^\/dev\/(null|zero|stdout|stderr|tty|fd\/\d+)$/.test(target) || /^\/proc\/self\/fd\/\d+$/.test(target) || target === '-' || target === '';
}

/** Scratch space and kernel settings, not data: /tmp, /var/tmp, /dev/shm, $TMPDIR, /proc, /sys. */
const SCRATCH = /^(\/tmp|\/var\/tmp|\/dev\/shm|\/proc|\/sys|\$\{?TMPDIR\}?)(\/|$)/;
/**
 * A folder held in a variable the script does not set, named for what it is: temporary
 * (`$TMP`, `${tmpdir}`, `$TEMP_DIR`). A script that set it to a real place is judged by that
 * place (the value is read first). Exactly these names: `$tmpdir_backup` says something else.
 */
const SCRATCH_VARIABLE = /^\$\{?((?:tmp|temp)(?:_?dir)?)\}?(\/|$)/i;
/** A name made fresh by the run: a temporary file (also `$(sudo -u app mktemp)`), the time, the shell's pid, a random number. */
// A helper of the script's own named for it (`_mktemp`, `my_mktemp`) makes one too.
const FRESH = /^(\$\(\s*[\w-]*mktemp\b|`\s*[\w-]*mktemp\b)|\$\(\s*date\b|`\s*date\b|\$\$|\$\{?RANDOM\b|^\$\([^()`]*(?<![\w-])[\w-]*mktemp\b[^()`]*\)$/;
const EXPANSION = /[$`]/;
/**
 * A name that says it is a step's work in progress (`app.tar.gz.part`, `.unpack-1.4.2`,
 * `out.tmp`): clearing a leftover one from an earlier, interrupted attempt loses nothing.
 * One named leftover only: a glob (`cache/*.tmp`) takes whatever matches.
 */
/** `apk` options that take a value (so `apk add --virtual .deps gcc` is `add` of `gcc`). */
const APK_VALUE_OPTIONS = new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir']);
const WORK_IN_PROGRESS = /(^|\/)(\.[^/]*(tmp|temp|unpack|partial|part|download)[^/]*|[^/]+\.(part|partial|tmp|temp|download|new))$/i;

export class ScriptKnowledge {
  private readonly values = new Map<string, (string | null)[]>();
  /** Values set with `local` in a function, per name: not handed on to a script that sources this file. */
  private readonly locals = new Map<string, (string | null)[]>();
  /** Values found outside the script for a variable it never sets, looked up once each. */
  private readonly outside = new Map<string, (string | null)[]>();
  private readonly created = new Set<string>();
  /** The `if`/`case` arms each created path was made in (script-branches.ts). */
  private readonly createdIn = new Map<string, string[][]>();
  /** The arms of the command being judged now: set by the walker before each command. */
  armsNow: readonly string[] = [];
  /** The writes afresh that can follow the statement judged now (rebuilt-files.ts): set by the walker. */
  rewritesAhead: readonly Rewrite[] = [];
  /** Every value each name gets anywhere in the script, read ahead of the walk (learnWholeScript). */
  private readonly wholeScript = new Map<string, (string | null)[]>();
  /**
   * The script itself replaced the running firewall ruleset (`nft flush ruleset`, `nft -f FILE`):
   * reloading the saved ruleset afterwards drops nothing that was running before the script.
   */
  firewallReplaced = false;
  /** Set while a `> FILE` is judged: a file made in any arm counts (destructive-commands.ts says why). */
  anyArm = false;
  /** Folders the script made itself (plain `mkdir`, `mktemp -d`): moving one never replaces anything. */
  private readonly folders = new Set<string>();
  private readonly destroyPlans = new Set<string>();
  /** Containers and volumes the run made itself (`run --name N`, a volume mounted again after the script removed it). */
  private readonly containers = new Set<string>();
  /** Volumes the script removed: mounting one again afterwards makes a new, empty one. */
  private readonly removedVolumes = new Set<string>();
  /**
   * The shell is in a folder the run made (`mkdir /tmp/ruby && cd /tmp/ruby`, a `cd` into its
   * own `git clone`): a relative path there names what the run put there.
   */
  private workingFolderOwned = false;
  /**
   * How far below scratch space the shell is (`cd /tmp` is 0, then `cd tool-1.0` 1), or
   * undefined: a name given outright there, with no glob and no `..`, is one the run put there,
   * as `/tmp/NAME` is.
   */
  private scratchDepth: number | undefined;
  /** Package groups the script made with `apk add --virtual NAME`. */
  readonly virtualPackages = new Set<string>();
  /** Functions whose body ends in a folder the run made (`setup() { …; cd "$SANDBOX"; }`): calling one puts the shell there. */
  readonly entersOwnFolder = new Set<string>();
  /** Files the script tests for (`[ -f hook.sh ]`) before running: optional, so not its own code. */
  private readonly optional = new Set<string>();
  /** Functions that run their arguments as a command (`run() { echo "+ $*"; "$@"; }`). */
  readonly wrappers = new Set<string>();
  /**
   * Leading arguments a wrapper drops before running the rest (`run() { desc=$1; shift; "$@"; }`,
   * `"${@:2}"`): a description, not the command, so each call is judged by what follows it.
   */
  readonly wrapperSkips = new Map<string, number>();
  /**
   * Functions the script defines: a call to one runs the script's own body (judged where it is
   * written), not the system command of that name (`shutdown() { … }` then `trap shutdown TERM`).
   */
  readonly functions = new Set<string>();
  /** Each function's definition as written, to tell what `$(NAME)` prints (function-output.ts). */
  readonly definitions = new Map<string, string>();
  /**
   * Functions (and programs of the script's own repository) that hand their arguments to a
   * command (`edit() { sed -i "$@"; }`): the calls in their body that pass `"$@"` on, judged
   * at each call with its arguments, since only the call says what the command is given.
   */
  readonly passThrough = new Map<string, ShellCall[]>();
  /** Things worth a look that are not destructive (a recursive permission change of a system folder), one per line and reason. */
  readonly notes: { line: number; rule: string; reason: string }[] = [];
  /** Paths the script appends or copies into somewhere (regenerated-files.ts): emptying one first starts it afresh. */
  private readonly filled = new Set<string>();
  /** Files the script copied into place (`cp SRC DEST`), per the branch arms it copied them in. */
  private readonly copied = new Map<string, string[][]>();
  /** Files a command read before now (generated-writes.ts): writing one whole loses what the script treated as worth reading. */
  private readonly readSoFar = new Set<string>();
  /** Folders `mkdir -p` made sure of: where the script collects what it writes (generated-writes.ts). */
  private readonly ensured = new Set<string>();
  /** The folder the last `cd` went to, when the script spells it out (a copy by a relative name lands there). */
  private folderNow: string | undefined;
  /** A copy was placed by a relative name after such a `cd`: only then is a path spelt out through the program's other files. */
  private folderSeen = false;
  /** Files already read for this script (each sourced file is learnt once, even when sourced in a loop). */
  readonly read: Set<string>;

  /**
   * `files`: the files that came with the script (its repository or folder), to read the
   * helpers it sources and the programs it calls; `self`: the script's own path among them.
   */
  constructor(
    readonly files?: ScriptFiles,
    readonly self?: string,
    read?: Set<string>,
  ) {
    this.read = read ?? new Set(self !== undefined ? [self] : []);
  }

  /** What the script knows once it has sourced a file read with `sourced` (a knowledge of that file). */
  adopt(sourced: ScriptKnowledge): void {
    // A helper's `local X="$3"` belongs to its function: the script sourcing it never sees that value.
    for (const [name, all] of sourced.values) {
      const values = [...all];
      for (const local of sourced.locals.get(name) ?? []) values.splice(values.indexOf(local), 1);
      if (values.length > 0) this.values.set(name, [...(this.values.get(name) ?? []), ...values]);
    }
    for (const name of sourced.functions) this.functions.add(name);
    for (const name of sourced.entersOwnFolder) this.entersOwnFolder.add(name);
    // A sourced file runs in this shell: a `cd` it made (directly or through a function) still holds.
    if (sourced.workingFolderOwned) this.workingFolderOwned = true;
    for (const [name, text] of sourced.definitions) this.definitions.set(name, text);
    for (const name of sourced.wrappers) this.wrappers.add(name);
    for (const [name, skip] of sourced.wrapperSkips) this.wrapperSkips.set(name, skip);
    for (const [name, calls] of sourced.passThrough) this.passThrough.set(name, calls);
  }

  assign(assignment: Assignment): void {
    this.values.set(assignment.name, [...(this.values.get(assignment.name) ?? []), assignment.value]);
    if (assignment.local) this.locals.set(assignment.name, [...(this.locals.get(assignment.name) ?? []), assignment.value]);
  }

  /**
   * `$NAME` and `${NAME}` replaced by the one value the script gave NAME, when it gave one, or
   * gave the same text every time (`tmp=$(mktemp)` in each of several functions).
   */
  resolve(word: string, depth = 0): string {
    if (depth > 4 || !EXPANSION.test(word)) return word;
    return word.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (whole, braced?: string, bare?: string) => {
      const seen = this.values.get(braced ?? bare ?? '') ?? [];
      const only = seen.length > 0 && seen.every((v) => v === seen[0]) ? seen[0] : undefined;
      return typeof only === 'string' ? this.resolve(only, depth + 1) : whole;
    });
  }

  /** The program's own shipped file in the checkout it runs from (checkout-files.ts). */
  inOwnCheckout(word: string): boolean {
    return this.files !== undefined && inOwnCheckout(this.spelt(word), this.files);
  }

  /** resolve, also with the values the files that came with the script give (valuesOf). */
  private spelt(word: string, depth = 0): string {
    if (depth > 4 || !EXPANSION.test(word)) return word;
    return word.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (whole, braced?: string, bare?: string) => {
      const seen = this.valuesOf(braced ?? bare ?? '');
      const only = seen.length > 0 && seen.every((v) => v === seen[0]) ? seen[0] : undefined;
      return typeof only === 'string' ? this.spelt(only, depth + 1) : whole;
    });
  }

  /**
   * The commands a name written with a variable can stand for (`$dc` → `docker compose`),
   * one per value the script gives it; undefined when the program of one of them is not
   * fixed text (its arguments may hold expansions: `docker compose -f $work/c.yml`).
   */
  commandChoices(name: string): string[] | undefined {
    // `${module_options["x,feature"]}`: one element of a keyed array, read as the text the script gave it.
    const element = elementNamedBy(name);
    if (element !== undefined) return fixedValues(this.values.get(element));
    const single = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(name);
    if (single) return this.choicesOf(single[1] ?? single[2] ?? '', 0);
    // `${ENGINE}-compose`: the program word is built around a variable.
    return this.commandLines(name, 0);
  }

  /**
   * The values a variable holds here: the script's own (and its sourced files'); when it sets
   * none, those the files that came with it give (outside-values.ts). A lone script has none.
   */
  private valuesOf(name: string): (string | null)[] {
    const own = this.values.get(name) ?? [];
    if (own.length > 0 || !this.files) return own;
    let outside = this.outside.get(name);
    if (!outside) {
      outside = outsideValues(this.files, this.self, name, (text) => readBashNow(text, assignmentsIn));
      this.outside.set(name, outside);
    }
    return outside;
  }

  /** Every command line a variable's values can make, following variables in the program word (bounded); undefined if one is unknown. */
  private choicesOf(name: string, depth: number): string[] | undefined {
    if (depth > 5) return undefined;
    // `cmd="$cmd --name=$1"` adds arguments to the command already held: its program is that of the other values.
    const growing = new RegExp(`^\\$(\\{${name}\\}|${name}\\b)(\\s|$)`);
    const all = this.valuesOf(name).filter((v, _, values) => v === null || !growing.test(v) || values.every((w) => w !== null && growing.test(w)));
    // `CRI=` declared empty and set later (`CRI=docker`) is judged by what it is set to.
    const seen = all.some((v) => v !== '') ? all.filter((v) => v !== '') : all;
    if (seen.length === 0 || seen.some((v) => v === null)) return undefined;
    // Only ever set empty so far (`CRI=` before the function that sets it runs): as before, nothing to judge by name.
    if (seen.every((v) => v === '')) return [''];
    const out: string[] = [];
    for (const value of seen as string[]) {
      // A substitution printing '' leaves no command: that branch runs nothing.
      for (const text of (lookedUp(value) ?? printedTexts(value) ?? this.printedByFunction(value) ?? [value]).filter((t) => t.trim() !== '')) {
        const lines = this.commandLines(text.trim(), depth);
        if (lines === undefined) return undefined;
        out.push(...lines);
      }
    }
    return out.length > 0 ? [...new Set(out)] : undefined;
  }

  /** Every value the script gives the variable `$NAME` / `${NAME}` names (null: one not known); none for any other word. */
  valuesGiven(word: string): (string | null)[] {
    const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(word);
    return m ? (this.values.get(m[1] ?? m[2] ?? '') ?? []) : [];
  }

  /** `func="$1"` then `$func …` in a function: every value the variable has is one of the function's own arguments. */
  holdsAnArgument(word: string): boolean {
    const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(word);
    const values = m ? this.valuesOf(m[1] ?? m[2] ?? '').filter((v) => v !== '') : [];
    return values.length > 0 && values.every((v) => v !== null && /^\$\{?[1-9]\}?$/.test(v));
  }

  /** `$(nginx_location)`: the names a function of the script prints, when all it prints is fixed or looked up on PATH. */
  private printedByFunction(value: string): string[] | null {
    const name = /^\$\(\s*([\w.:-]+)\s*\)$/.exec(value.trim())?.[1];
    const definition = name === undefined ? undefined : this.definitions.get(name);
    const printed = definition === undefined ? null : functionPrints(definition, lookedUp, (n) => this.definitions.get(n));
    return printed && printed.length > 0 ? printed : null;
  }

  /**
   * `docker compose $NO_ANSI down`: an argument that is one variable whose values are all fixed
   * text is spelt out, one line per value, so the verb after it is found (bounded).
   */
  private withOptionsSpelt(program: string, args: string[], depth: number): string[] {
    let lines = [[program]];
    for (const arg of args) {
      const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(arg);
      const values = m && depth < 5 ? this.valuesOf(m[1] ?? m[2] ?? '') : [];
      const spelt = values.length > 0 && values.every((v): v is string => v !== null && !EXPANSION.test(v)) ? [...new Set(values)] : [arg];
      if (lines.length * spelt.length > 16) spelt.splice(1);
      lines = lines.flatMap((line) => spelt.map((v) => [...line, v]));
    }
    return lines.map((words) => words.filter((w) => w !== '').join(' '));
  }

  /** `$dc_base --ansi never`, `${ENGINE}-compose ps`: the program word's variable replaced by each of its choices. */
  private commandLines(line: string, depth: number): string[] | undefined {
    const [first = '', ...rest] = line.split(/\s+/);
    // `"$(cat /etc/app/cmd)" start`: a program word some command prints cannot be read here.
    if (/^(\$\(|`)/.test(first)) return undefined;
    if (!EXPANSION.test(first)) return this.withOptionsSpelt(first, rest, depth);
    // `${APP_DIR}/npm/json`: only the folder comes from a variable; the program is the fixed
    // name after the last slash, and is judged as that program (as `/sbin/shutdown` is).
    if (/^\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)(?:\/[\w.+-]+)+$/.test(first)) return this.withOptionsSpelt(first, rest, depth);
    const m = /^([^$`]*)\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))(.*)$/.exec(first);
    if (!m) return undefined;
    const inner = this.choicesOf(m[2] ?? m[3] ?? '', depth + 1);
    if (inner === undefined) return undefined;
    const out: string[] = [];
    for (const choice of inner) {
      const lines = this.commandLines([`${m[1] ?? ''}${choice}${m[4] ?? ''}`, ...rest].join(' '), depth + 1);
      if (lines === undefined) return undefined;
      out.push(...lines);
    }
    return out;
  }

  /**
   * Created by the script, named fresh by this run, or scratch space: deleting or
   * overwriting it loses nothing from before. `scratch: false` leaves /tmp out, for a
   * recursive delete, where a whole tree someone else put there is worth a look.
   */
  ownedByScript(word: string, { scratch = true } = {}): boolean {
    const path = normal(this.resolve(word));
    // `$(mktemp -d)/../..` climbs out of what the script made.
    if (/(^|\/)\.\.(\/|$)/.test(path)) return false;
    if (this.freshVariable(word)) return true;
    if (this.workingFolderOwned && !/^[/$`~]/.test(path) && path !== '/') return true;
    if (this.scratchDepth !== undefined && !/^[/$`~]/.test(path) && !/[*?[]/.test(path) && path !== '.' && path !== '') return true;
    if (FRESH.test(path) || (WORK_IN_PROGRESS.test(path) && !/[*?[]/.test(path)) || (scratch && (SCRATCH.test(path) || this.scratchVariable(path)))) return true;
    if (this.namedForThisRun(path)) return true;
    for (const made of this.created) if ((path === made || path.startsWith(`${made}/`)) && this.madeInThisPass(made)) return true;
    return false;
  }

  /** Under a temporary folder held in a variable the script never sets itself (SCRATCH_VARIABLE). */
  private scratchVariable(path: string): boolean {
    const name = SCRATCH_VARIABLE.exec(path)?.[1];
    return name !== undefined && !this.values.has(name);
  }

  /** Whether `word` names a file the script copied into place earlier in this pass (see learnCall). */
  copiedByScript(word: string): boolean {
    const path = normal(this.resolve(word));
    const here = (p: string): boolean => {
      const places = this.copied.get(p);
      // A copy in one arm of an `if` may not have run when the edit after it does (the `else` kept
      // the file that was there); only a copy that surely ran makes the file the run's own.
      return places !== undefined && (this.anyArm || armsTaken(places.filter((arms) => canRunTogether(arms, this.armsNow)), this.armsNow));
    };
    if (here(path)) return true;
    // `APP_CONF` set in the program's config file, the copy made after `cd "$APP_DIR"` (see learnCall).
    if (this.folderSeen && here(normal(this.spelt(word)))) return true;
    // `${DIR}/*.sql` after copies of `${DIR}/a.sql` and `${DIR}/b.sql`.
    if (/[*?]/.test(path) && namesOneOf(path, new Set([...this.copied.keys()].filter(here).map(pathKey)))) return true;
    // Copied into place by another file of the same program (program-copies.ts).
    // Only through variables this script does not set itself: its own `$f` is not the other file's.
    if (this.files === undefined || this.self === undefined || variablesIn(word).some((v) => this.values.has(v))) return false;
    return namesOneOf(word, copiesElsewhereInProgram(this.files, this.self));
  }

  private make(path: string): void {
    this.created.add(path);
    this.createdIn.set(path, [...(this.createdIn.get(path) ?? []), [...this.armsNow]]);
  }

  /**
   * Made where the command now judged can also run, not only in another arm of an `if`/`case`;
   * and, when made inside an `if` with no other arm, judged inside that `if` too: after it ends,
   * the arm may not have run (`if [ "$new" = yes ]; then mkdir "$DIR"; fi`), so what is at the
   * path may have been there before the run.
   */
  private madeInThisPass(path: string): boolean {
    const places = this.createdIn.get(path);
    return this.anyArm || places === undefined || places.some((arms) => canRunTogether(arms, this.armsNow) && arms.filter(isOnlyArm).every((arm) => this.armsNow.includes(arm)));
  }

  /**
   * `CHECKS.$RUN_PID` where the project sets `RUN_PID="${RUN_PID:=$$}"` (here or in the files
   * that came with the script): the file's name carries this run's process id, so the run
   * made it; another run's file has another name.
   */
  private namedForThisRun(path: string): boolean {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (/[*?[]/.test(name)) return false;
    for (const m of name.matchAll(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g)) {
      const values = this.valuesOf(m[1] ?? m[2] ?? '').filter((v) => v !== '');
      if (values.length > 0 && values.every((v) => v !== null && /^(\$\$|\$\{?BASHPID\}?|\$\{[A-Za-z_]\w*:?=(\$\$|\$BASHPID)\})$/.test(v.trim()))) return true;
    }
    return false;
  }

  /**
   * `"$TMP_WORK_DIR"` (or a path under it) where every value the script gives the variable
   * is a fresh name (`$(mktemp -d "/tmp/app-${FUNCNAME[0]}.XXXXXX")` in each of several
   * functions, each with its own template): whichever it holds, the run made it.
   */
  private freshVariable(word: string): boolean {
    const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))(\/[^$`]*)?$/.exec(word);
    if (!m || /(^|\/)\.\.(\/|$)/.test(m[3] ?? '')) return false;
    const name = m[1] ?? m[2] ?? '';
    const own = (this.values.get(name) ?? []).filter((v) => v !== '');
    // None set yet: what the whole script ever sets it to (learnWholeScript), when every value is fresh.
    const values = own.length > 0 ? own : (this.wholeScript.get(name) ?? []).filter((v) => v !== '');
    return values.length > 0 && values.every((v) => v !== null && (FRESH.test(v.trim()) || this.handsBackFreshName(v)));
  }

  /** `f=$(fetch URL)` where the script's `fetch` makes `tmp=$(mktemp)` and echoes it back. */
  private handsBackFreshName(value: string): boolean {
    const name = /^\$\(\s*([\w.:-]+)(\s[^()`]*)?\)$/.exec(value.trim())?.[1];
    const definition = name === undefined ? undefined : this.definitions.get(name);
    return definition !== undefined && functionPrintsFreshName(definition, (v) => FRESH.test(v));
  }

  /**
   * A folder the script made (plain `mkdir`, `$(mktemp -d)`): `mv` of it onto a path moves it
   * inside an existing folder or fails on an existing file, so it replaces nothing.
   */
  isFolderMadeByScript(word: string): boolean {
    const path = normal(this.resolve(word));
    return this.folders.has(path) || /^(\$\(|`)\s*mktemp\s+(-[a-zA-Z]*d|--directory)\b/.test(path);
  }

  /** Files a `[ -f FILE ]` / `[[ -x FILE ]]` in the statement tests for. */
  learnTested(files: readonly string[]): void {
    for (const file of files) this.optional.add(normal(this.resolve(file)));
  }

  /** The file sits in a folder the script made sure of with `mkdir -p` before now. */
  inEnsuredFolder(word: string): boolean {
    const path = normal(this.resolve(word));
    return this.ensured.has(path.slice(0, path.lastIndexOf('/')));
  }

  /** The script searched, compared or backed up this file before now. */
  readOrTested(word: string): boolean {
    const path = normal(this.resolve(word));
    return this.readSoFar.has(path);
  }

  isOptionalFile(word: string): boolean {
    return this.optional.has(normal(this.resolve(word)));
  }

  isDestroyPlan(word: string): boolean {
    return this.destroyPlans.has(normal(this.resolve(word)));
  }

  /**
   * What a command the script ran leaves behind: files it touched, folders it made, a destroy
   * plan it wrote. `mkdir -p` proves nothing (it is quiet when the folder is there, with what
   * it holds); plain `mkdir` fails then, so a folder it made is new.
   */
  learnCall(call: Pick<ShellCall, 'name' | 'args'>): void {
    const name = call.name.split('/').pop() ?? call.name;
    for (const file of filesReadBy(call)) this.readSoFar.add(normal(this.resolve(file)));
    if (name === 'mkdir' && hasFlag(call.args, 'p', '--parents')) for (const path of operands(call.args, new Set(['-m', '--mode']))) this.ensured.add(normal(this.resolve(path)));
    // `apk add --virtual .build-deps gcc …`: a package group of this run's own making, deleted whole after the build.
    if (name === 'apk' && operands(call.args, APK_VALUE_OPTIONS)[0] === 'add') {
      const group = optionValue(call.args, '-t', '--virtual');
      if (group !== undefined) this.virtualPackages.add(group);
    }
    if (name === 'nft' && !hasFlag(call.args, 'c', '--check') && (hasFlag(call.args, 'f', '--file') || (call.args.includes('flush') && call.args.includes('ruleset')))) this.firewallReplaced = true;
    const made = name === 'touch' || (name === 'mkdir' && !hasFlag(call.args, 'p', '--parents'));
    if (made) {
      for (const path of operands(call.args, new Set(['-m', '--mode', '-d', '-r', '-t']))) {
        // `[ -f F ] || touch F` makes sure F is there; it does not make F the script's own.
        if (name === 'touch' && (this.optional.has(normal(this.resolve(path))) || this.optional.has(normal(path)))) continue;
        this.make(normal(this.resolve(path)));
        if (name === 'mkdir') this.folders.add(normal(this.resolve(path)));
      }
    }
    // `cp conf/x /etc/app/x` then `sed -i s/HOST/$HOST/ /etc/app/x`: the edit fills in the copy the
    // run just put there from its own template (also FOLDER/NAME when DEST is a folder). Only an
    // in-place edit trusts this: DEST may have held a file, so it is not the script's own for
    // deletes or overwrites.
    for (const dest of copyDestinations(call)) {
      // `cd "$APP_DIR"; cp settings.py.sample settings.py` puts "$APP_DIR/settings.py" in place.
      const at = this.folderNow !== undefined && !/^[/$~]/.test(dest) ? [`${this.folderNow}/${dest.replace(/^\.\//, '')}`] : [];
      if (at.length > 0) this.folderSeen = true;
      for (const path of [normal(this.resolve(dest)), ...at]) this.copied.set(path, [...(this.copied.get(path) ?? []), [...this.armsNow]]);
    }
    // A file a download just wrote (`curl -o F`, `wget -O F`, `wget -P DIR URL`, `wget URL`) holds what the run fetched.
    if (name === 'curl' || name === 'wget') {
      const fetched = downloadedFile(name, call.args);
      if (fetched !== undefined && !fetched.endsWith('/')) this.make(normal(this.resolve(fetched)));
    }
    // `docker run --cidfile F` refuses an F that exists and writes the new container's id there: the run's own file.
    const cidfile = optionValue(call.args, null, '--cidfile');
    if (cidfile !== undefined && cidfile !== '') this.make(normal(this.resolve(cidfile)));
    // `git clone URL DIR` refuses a DIR that exists and is not empty: what is under it is the run's own.
    if (name === 'git') {
      const words = operands(call.args, new Set(['-b', '--branch', '--depth', '-o', '--origin', '-c', '--config', '-C', '--reference', '--separate-git-dir', '-j', '--jobs', '--filter']));
      const at = words.indexOf('clone');
      const url = words[at + 1];
      const dir = words[at + 2] ?? url?.replace(/\/+$/, '').split(/[/:]/).pop()?.replace(/\.git$/, '');
      if (at !== -1 && url !== undefined && dir) {
        this.make(normal(this.resolve(dir)));
        this.folders.add(normal(this.resolve(dir)));
      }
    }
    if (this.entersOwnFolder.has(call.name)) this.workingFolderOwned = true;
    if (name === 'cd' || name === 'pushd' || name === 'popd') {
      const to = name === 'popd' ? undefined : operands(call.args)[0];
      const where = to === undefined ? undefined : normal(this.spelt(to));
      this.folderNow = where !== undefined && where.startsWith('/') && !/[$`*?]/.test(where) ? where : undefined;
      // `cd ruby-3.2` inside a folder the run made stays in it; `cd -`, `popd` or elsewhere leaves it.
      this.workingFolderOwned = to !== undefined && to !== '-' && !/(^|\/)\.\.(\/|$)/.test(to) && (this.ownedByScript(to, { scratch: false }) || this.isFolderMadeByScript(to));
      // Into scratch space named outright, or down from it and back up no higher than it.
      if (where?.startsWith('/') === true) this.scratchDepth = !/[$`*?]/.test(where) && SCRATCH.test(where) && !/^\/(proc|sys)(\/|$)/.test(where) ? 0 : undefined;
      else if (this.scratchDepth !== undefined && to !== undefined && !/^[/$`~-]/.test(to)) {
        const steps = to.split('/').filter((p) => p !== '' && p !== '.');
        const depth = steps.reduce((d, p) => (d < 0 ? d : p === '..' ? d - 1 : d + 1), this.scratchDepth);
        this.scratchDepth = depth >= 0 ? depth : undefined;
      } else this.scratchDepth = undefined;
    }
    if (name === 'docker' || name === 'podman' || name === 'docker-compose' || name === 'podman-compose') this.learnContainers(call.args);
    if (name === '[' || name === '[[' || name === 'test') {
      call.args.forEach((arg, k) => {
        const file = call.args[k + 1];
        if (/^-[efxrs]$/.test(arg) && file !== undefined) this.optional.add(normal(this.resolve(file)));
      });
    }
    if ((name === 'terraform' || name === 'tofu') && operands(call.args)[0] === 'plan' && call.args.includes('-destroy')) {
      const out = optionValue(call.args, null, '-out');
      if (out) this.destroyPlans.add(normal(this.resolve(out)));
    }
  }

  /**
   * `docker run --name N` / `docker create --name N` fail when N exists, so N is the run's own;
   * `volume rm V` and then `run -v V:/data` makes V afresh.
   */
  private learnContainers(args: readonly string[]): void {
    const words = operands(args, new Set(['--name', '-v', '--volume', '-e', '--env', '-w', '--workdir', '--entrypoint', '-u', '--user', '--network', '-p', '--publish', '--env-file', '-f', '--file', '-p', '--project-name', '--ansi', '--profile']));
    const verb = words[0] === 'compose' || words[0] === 'container' ? words[1] : words[0];
    if (words[0] === 'volume' && (words[1] === 'rm' || words[1] === 'remove')) for (const v of words.slice(2)) this.removedVolumes.add(this.resolve(v));
    if (verb !== 'run' && verb !== 'create') return;
    const name = optionValue(args, null, '--name');
    if (name !== undefined) this.containers.add(this.resolve(name));
    args.forEach((arg, k) => {
      const mount = arg === '-v' || arg === '--volume' ? args[k + 1] : /^--volume=(.*)$/.exec(arg)?.[1];
      const volume = mount?.split(':')[0];
      if (volume !== undefined && this.removedVolumes.has(this.resolve(volume))) this.containers.add(this.resolve(volume));
    });
  }

  /** A container or volume this run made: named by it (`--name`), a fresh name, or the id `$(docker create …)` printed. */
  ownsContainer(word: string): boolean {
    if (this.containers.has(this.resolve(word)) || (FRESH.test(this.resolve(word)) && !/^\$\(\s*mktemp/.test(this.resolve(word)))) return true;
    const m = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(word);
    const values = m ? (this.values.get(m[1] ?? m[2] ?? '') ?? []).filter((v) => v !== '') : [];
    return values.length > 0 && values.every((v) => v !== null && (FRESH.test(v) || /^\$\(\s*(\S+\s+)?(container\s+)?create\b/.test(v.trim()) || this.containers.has(v)));
  }

  /**
   * What the script made so far, to put back after a function's body: a file made in one
   * function is the script's own inside that function only, since another may run first or alone.
   */
  madeSoFar(): { created: string[]; folders: string[]; containers: string[]; workingFolderOwned: boolean; scratchDepth?: number } {
    return { created: [...this.created], folders: [...this.folders], containers: [...this.containers], workingFolderOwned: this.workingFolderOwned, scratchDepth: this.scratchDepth };
  }

  /** Whether the shell is, as far as the script says, in a folder the run made. */
  inOwnFolder(): boolean {
    return this.workingFolderOwned;
  }

  forgetMadeSince(before: { created: string[]; folders: string[]; containers: string[]; workingFolderOwned: boolean; scratchDepth?: number }): void {
    this.workingFolderOwned = before.workingFolderOwned;
    this.scratchDepth = before.scratchDepth;
    // Containers too: `docker run --name N` in create_instance does not make N the run's own in remove_instance.
    for (const [set, kept] of [
      [this.created, before.created],
      [this.folders, before.folders],
      [this.containers, before.containers],
    ] as const) {
      const keep = new Set(kept);
      for (const path of [...set]) if (!keep.has(path)) set.delete(path);
    }
  }

  /**
   * Every assignment in the whole script, read before it is walked: a function is judged where it
   * is defined, before the main body sets the names it uses (`logfile=$(mktemp)` near the end,
   * `rm "$logfile"` in a cleanup function above it).
   */
  learnWholeScript(assignments: readonly Assignment[]): void {
    for (const a of assignments) this.wholeScript.set(a.name, [...(this.wholeScript.get(a.name) ?? []), a.value]);
  }

  learnFilled(targets: readonly string[]): void {
    for (const target of targets) this.filled.add(normal(target));
  }

  /** The script fills this path itself (`>> FILE`, `cp SRC FILE`), as written or once resolved. */
  isFilled(target: string): boolean {
    return this.filled.has(normal(target)) || [...this.filled].some((f) => normal(this.resolve(f)) === normal(this.resolve(target)) && !EXPANSION.test(this.resolve(target)));
  }

  /** A file the script overwrote (`> file`): what it holds from then on is the script's own. */
  learnWrite(target: string): void {
    if (target !== '') this.make(normal(this.resolve(target)));
  }
}

/**
 * The programs a PATH lookup names (`$(which docker.io || which docker)`, `` `command -v git` ``):
 * whichever one it finds is that program. Null when the substitution does anything else, or
 * looks up a name that is not fixed text.
 */
function lookedUp(value: string): string[] | null {
  const inner = /^\$\((.*)\)$/s.exec(value.trim())?.[1] ?? /^`(.*)`$/s.exec(value.trim())?.[1];
  if (inner === undefined) return null;
  const names: string[] = [];
  // `exec <&- 2>&-;` first only closes descriptors, and `&& true`/`|| true` last only keeps `set -e`
  // quiet when nothing is found: neither changes what the lookup names.
  const lookup = inner.replace(/^\s*exec(?:\s+\d*[<>]&-)+\s*;/, '').replace(/\s*(?:&&|\|\|)\s*(?:true|:)\s*$/, '');
  for (const part of lookup.split('||')) {
    // A `PATH=…` (or other NAME=value) before the lookup widens where it looks, not what it looks for.
    const m = /^\s*(?:\w+=(?:"[^"]*"|'[^']*'|[^\s"']*)\s+)*(?:which|command\s+-v|type\s+-[Pp]|type)\s+([\w.+-]+)\s*(?:2>\s*\/dev\/null\s*)?$/.exec(part);
    if (!m?.[1]) return null;
    names.push(m[1]);
  }
  return names;
}

/**
 * `${VAR:?}` and `${VAR:?message}` (stop when unset, the usual guard before `rm`) name what
 * `${VAR}` names; their `?` is no glob.
 */
function normal(path: string): string {
  return (
    path
      .replace(/\$\{(\w+):?\?[^}]*\}/g, '${$1}')
      .replace(/^\.\//, '')
      .replace(/\/+$/, '')
      .replace(/\/\*$/, '') || '/'
  );
}
