// Commands that destroy something an operator cannot get back by running the step again:
// deletes, SQL that deletes or drops, restores over live data, disks formatted, files
// overwritten, services stopped, firewall rules flushed, packages removed, history
// rewritten — and commands nobody can read before they run (`$TOOL …`, `eval`). Import,
// the recorder and the validator's advice all ask this, so such a step gets `confirm` and
// a warning a reviewer sees.
//
// The script is read in order, as the shell would run it (parsed, not grepped), and what it
// said earlier counts: `tmp=$(mktemp)` makes `> "$tmp"` and `rm -f "$tmp"` harmless,
// `dc="docker compose"` makes `$dc down --volumes` readable. The rules themselves are a
// table (destructive-rules.ts), one entry per rule with its reason and examples.
import { isAptRepositoryFile } from './apt-repository-files.js';
import { armsByLine } from './script-branches.js';
import { loadBashGrammar, readBashNow, type SyntaxNode } from './bash-syntax.js';
import { hasOwnRules, ruleById, rulesFor, type Category, type DestructiveRule } from './destructive-rules.js';
import { learnFunctionNames } from './destructive-rules-names.js';
import { familyNamedForHarmlessWork } from './function-families.js';
import { EVAL_GENERATORS, innerCommands, runsOtherCommands } from './inner-commands.js';
import { isKeyMaterial, keptBySomeoneElse } from './generated-writes.js';
import { filledTargets, heredocWrites, inDropInFolder, isLog, writesWhereMissing } from './regenerated-files.js';
import { programNamedByVariable } from './program-variables.js';
import { evalsQuotedOutput } from './quoted-evals.js';
import { rewritesAhead } from './rebuilt-files.js';
import { isFreshPlace } from './fresh-places.js';
import { programFile, sourcedFile } from './script-files.js';
import { assignmentsIn, isHarmlessTarget, ScriptKnowledge, testedFilesIn, type Assignment } from './script-knowledge.js';
import { readCodeNow, readStatement, shownCall, type ShellCall, type ShellRedirect, type StatementCalls } from './shell-calls.js';
import { parseShellScript, ShellSyntaxError, type ShellCommand } from './shell-commands.js';
import { sqlClientOf } from './sql-in-shell.js';
import { namedAsSuppliedCode } from './supplied-code.js';
import { SHELLS } from './wrapped-commands.js';
import { dumpOutputs } from './dump-outputs.js';
import { templateRenders } from './template-renders.js';

export { ScriptKnowledge } from './script-knowledge.js';
export { filesFrom, type ScriptFiles } from './script-files.js';

export interface DestructiveFinding {
  /** The line where the command begins (for a command inside `sh -c "…"`, the line of the outer command). */
  line: number;
  rule: string;
  category: Category;
  /** The whole sentence an operator reads: "line 4: `rm -r cache` deletes files and folders recursively (rm -r)". */
  reason: string;
}

/**
 * Why `command` (one line or a whole script) looks destructive, one reason per finding,
 * each naming the line and the command; empty when nothing does. A command that cannot be
 * parsed is reported too, since it could not be checked.
 */
export async function destructiveReasons(command: string): Promise<string[]> {
  try {
    await parseShellScript(command);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    return [`line ${error.line}: this could not be read as shell (${error.reason}), so it was not checked for destructive commands; review it by hand`];
  }
  return [...new Set((await destructiveFindings(command)).map((f) => f.reason))];
}

/**
 * Every finding in a whole script, read in order, each with its rule and category. Pass a
 * ScriptKnowledge to carry what earlier scripts (earlier blocks of one page) said.
 */
export async function destructiveFindings(script: string, knowledge = new ScriptKnowledge()): Promise<DestructiveFinding[]> {
  await loadBashGrammar();
  let commands: ShellCommand[];
  try {
    // sh-syntax splits statements the way bash does; tree-sitter's grammar sometimes runs a
    // statement on into the next after a comment, which would judge them out of order.
    commands = (await parseShellScript(script)).commands;
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    return destructiveFindingsNow(script, knowledge);
  }
  knowledge.learnFilled(filledTargets(commands));
  learnFunctionNames(knowledge, script);
  knowledge.learnWholeScript(readBashNow(script, assignmentsIn));
  const findings: DestructiveFinding[] = [];
  const reads = commands.map((command) => readBashNow(command.text, (root) => ({ tested: testedFilesIn(root), assignments: assignmentsIn(root), whereMissing: writesWhereMissing(root, command.line), arms: armsByLine(root, command.line) })));
  const ahead = rewritesAhead(commands.map((command, k) => ({ ...command, arms: reads[k]?.arms })));
  for (const [k, command] of commands.entries()) {
    knowledge.rewritesAhead = ahead[k] ?? [];
    const read = reads[k] ?? { tested: [], assignments: [], whereMissing: [], arms: new Map<number, string[]>() };
    knowledge.learnTested(read.tested);
    findings.push(...judgeStatement({ ...command, whereMissing: read.whereMissing, arms: read.arms }, read.assignments, knowledge));
  }
  return unique(findings);
}

/**
 * destructiveFindings for callers that cannot wait (the validator): the bash grammar must be
 * loaded. Statements are split by tree-sitter alone, which is right for the short code of a
 * step; a whole imported script goes through destructiveFindings.
 */
export function destructiveFindingsNow(script: string, knowledge = new ScriptKnowledge()): DestructiveFinding[] {
  const statements = readBashNow(script, topLevelStatements).map((statement) =>
    readBashNow(statement.text, (root) => ({ ...readStatement(root, statement.line), text: statement.text, assignments: assignmentsIn(root), tested: testedFilesIn(root), whereMissing: writesWhereMissing(root, statement.line), arms: armsByLine(root, statement.line) })),
  );
  knowledge.learnFilled(filledTargets(statements));
  learnFunctionNames(knowledge, script);
  const findings: DestructiveFinding[] = [];
  const ahead = rewritesAhead(statements);
  for (const [k, read] of statements.entries()) {
    knowledge.rewritesAhead = ahead[k] ?? [];
    knowledge.learnTested(read.tested);
    findings.push(...judgeStatement(read, read.assignments, knowledge));
  }
  return unique(findings);
}

/**
 * The reasons for one parsed command, with its script's line numbers. Pass the knowledge
 * of the commands before it (from the same ScriptKnowledge each time) to have what they
 * created and assigned count; without it the command is judged on its own.
 */
export async function reasonsIn(command: Pick<ShellCommand, 'calls' | 'redirects'> & { text?: string; line?: number }, knowledge = new ScriptKnowledge()): Promise<string[]> {
  await loadBashGrammar();
  const assignments = command.text !== undefined ? readBashNow(command.text, assignmentsIn) : [];
  return [...new Set(judgeStatement({ calls: command.calls, redirects: command.redirects, defines: [] }, assignments, knowledge).map((f) => f.reason))];
}

/** Each top-level statement's text from its start to the next one's (heredoc bodies included), with its line. */
function topLevelStatements(root: SyntaxNode): { text: string; line: number }[] {
  const nodes = root.children.filter((c) => c.isNamed && c.type !== 'comment');
  return nodes.map((node, i) => ({ text: root.text.slice(node.startIndex, nodes[i + 1]?.startIndex ?? root.text.length), line: node.startPosition.row + 1 }));
}

interface Judging {
  knowledge: ScriptKnowledge;
  /** The statement defines a function: `"$@"` in it makes the function a wrapper, not a finding. */
  defining: boolean;
  runsArguments: boolean;
  /** Leading arguments dropped before the body runs `"$@"` (`shift`, `"${@:2}"`). */
  skipsArguments?: number;
  /** The line where the body first runs its arguments (also through another wrapper). */
  runsArgumentsAt?: number;
  out: DestructiveFinding[];
  /** `cat > FILE <<EOF`: the file's whole new content is in the script (regenerated-files.ts). */
  wholeFromHeredoc?: ReadonlySet<ShellRedirect>;
  /** Targets written only where a test said the file is missing. */
  whereMissing?: ReadonlySet<string>;
  /** `sed … x.conf.in > x.conf`: rendered from its own template (template-renders.ts). */
  rendered?: ReadonlySet<ShellRedirect>;
  /** `mysqldump db > FILE`: the backup being made (dump-outputs.ts). */
  dumps?: ReadonlySet<ShellRedirect>;
}

function judgeStatement(read: Pick<StatementCalls, 'calls' | 'redirects' | 'defines'> & { whereMissing?: string[]; text?: string; arms?: Map<number, string[]> }, assignments: Assignment[], knowledge: ScriptKnowledge): DestructiveFinding[] {
  for (const assignment of assignments) knowledge.assign(assignment);
  if (read.defines.length === 1 && read.text !== undefined) knowledge.definitions.set(read.defines[0] ?? '', read.text);
  const judging: Judging = { knowledge, defining: read.defines.length > 0, runsArguments: false, out: [], wholeFromHeredoc: heredocWrites(read.calls), whereMissing: new Set(read.whereMissing ?? []), rendered: templateRenders(read.calls, read.redirects), dumps: dumpOutputs(read.calls, read.redirects, (n) => knowledge.commandChoices(n)) };
  for (const name of read.defines) knowledge.functions.add(name);
  const madeBefore = read.defines.length > 0 ? knowledge.madeSoFar() : undefined;
  if (read.defines.length > 0) {
    const through = read.calls.filter(passesArguments);
    for (const name of read.defines) knowledge.passThrough.set(name, through);
  }
  // In order, so `mkdir -p "$R" && tar -xzf a.tgz -C "$R"` knows the folder is new.
  // Calls and redirections in the order of their lines (a call before the redirections on its
  // own line), so `: > F` on one line of a function makes F the script's own on the next.
  const steps = [...read.calls.map((call) => ({ line: call.line, call })), ...read.redirects.map((redirect) => ({ line: redirect.line, redirect }))];
  steps.sort((a, b) => a.line - b.line || Number('redirect' in a) - Number('redirect' in b));
  // A trap's command runs when the shell exits, after the rest: `trap 'rm -f "$log"' EXIT`
  // then `log=$(mktemp)` removes the file the script made.
  const atExit: ShellCall[] = [];
  for (const step of steps) {
    // `> FILE` in each arm of an if/case writes the file whole whichever arm runs: the first is
    // judged, the others repeat it. Only a delete or edit in another arm loses an earlier run's file.
    knowledge.armsNow = read.arms?.get(step.line) ?? [];
    knowledge.anyArm = !('call' in step);
    if ('call' in step && step.call.name === 'trap') atExit.push(step.call);
    else if ('call' in step) {
      judgeCall(step.call, step.call, 0, judging);
      knowledge.learnCall(step.call);
    } else {
      judgeRedirect(step.redirect, null, judging);
      if (writes(step.redirect)) knowledge.learnWrite(step.redirect.target);
    }
  }
  knowledge.armsNow = [];
  knowledge.anyArm = false;
  for (const call of atExit) judgeCall(call, call, 0, judging);
  if (judging.runsArguments) {
    for (const name of read.defines) knowledge.wrappers.add(name);
    const skip = judging.skipsArguments ?? shiftsBefore(read.calls, judging.runsArgumentsAt, read.arms ?? new Map<number, string[]>());
    if (skip > 0) for (const name of read.defines) knowledge.wrapperSkips.set(name, skip);
  }
  if (madeBefore && knowledge.inOwnFolder() && !madeBefore.workingFolderOwned) for (const name of read.defines) knowledge.entersOwnFolder.add(name);
  if (madeBefore) knowledge.forgetMadeSince(madeBefore);
  return judging.out;
}

/**
 * How many arguments a wrapper's body shifts away before `line`, where it first runs `"$@"`
 * (`local desc="$1"; shift; "$@"`): those are its own (a description), not the command.
 */
function shiftsBefore(calls: ShellCall[], line: number | undefined, arms: Map<number, string[]>): number {
  if (line === undefined) return 0;
  // A shift in a branch of its own (`if [[ $1 == --quiet ]]; then shift; fi`) happens only sometimes.
  const always = (at: number): boolean => (arms.get(at) ?? []).every((arm) => (arms.get(line) ?? []).includes(arm));
  return calls.filter((c) => c.name === 'shift' && c.line < line && always(c.line)).reduce((n, c) => n + (/^\d+$/.test(c.args[0] ?? '') ? Number(c.args[0]) : 1), 0);
}

/**
 * What a wrapper's call judged alone found, per top-level command. Without it a script whose
 * helpers pass their arguments on to helpers that do the same (nvm.sh: 4,960 lines) is judged
 * in time growing with the number of helpers to the power of the depth: 27 s for its first
 * 1,000 lines.
 */
const expansions = new WeakMap<ShellCall, Map<string, DestructiveFinding[]>>();

/** The helpers whose bodies are being expanded for a top-level command, outermost first. */
const expandingFor = new WeakMap<ShellCall, Set<string>>();

function expandingNow(top: ShellCall): Set<string> {
  let names = expandingFor.get(top);
  if (names === undefined) expandingFor.set(top, (names = new Set()));
  return names;
}

function expandedOnce(top: ShellCall, key: string, judge: () => DestructiveFinding[]): DestructiveFinding[] {
  let seen = expansions.get(top);
  if (seen === undefined) expansions.set(top, (seen = new Map()));
  const known = seen.get(key);
  if (known !== undefined) return known;
  // Past this many different calls for one command, its arguments are followed no deeper: the
  // bodies themselves were judged where they are written.
  if (seen.size >= MAX_EXPANSIONS) return [];
  const found = judge();
  seen.set(key, found);
  return found;
}

/** Different wrapper calls judged with their arguments for one top-level command, at most. */
const MAX_EXPANSIONS = 200;

function judgeCall(call: ShellCall, top: ShellCall, depth: number, judging: Judging): void {
  if (depth > 6) return;
  const { knowledge } = judging;
  // `$DEPLOY_ROOT/bin/restart` names its program; only the folder it sits in varies.
  const program = call.name.slice(call.name.lastIndexOf('/') + 1);
  // `exec "$0" "$@"` runs this same script again, whose commands are the ones being judged.
  if (/^\$(0|\{0\})$/.test(call.name)) return;
  if ((call.name === 'source' || call.name === '.') && call.args[0] !== undefined) learnSourced(call.args[0], knowledge);
  // `PATH=$PATH make` handed on through `"$@"`: a setting for the command that follows, as sudo and env read it.
  if (/^[A-Za-z_]\w*=/.test(call.name)) {
    const [name, ...args] = call.args;
    if (name !== undefined) judgeCall({ ...call, name, args }, top, depth + 1, judging);
    return;
  }
  // `edit() { sed -i "$@"; }` (here, in a sourced helper, or a program of the same repository):
  // what `edit s/a/b/ /etc/app.conf` does is known only at the call, with its arguments.
  // A wrapper's calls are judged once, by the command it runs (below), not again through its body.
  const expanding = expandingNow(top);
  // A helper already being expanded for this command (`nvm` running `nvm use …`) adds only its
  // arguments again, and would be expanded without end: its first expansion stands for it.
  if (!call.name.includes('/') && !knowledge.wrappers.has(call.name) && !expanding.has(call.name)) {
    expanding.add(call.name);
    for (const template of passedOn(call.name, knowledge)) {
      // What the body does whatever it is given is found where the body is written; only
      // what these arguments add is this call's.
      const alone = (c: ShellCall): DestructiveFinding[] => {
        // Wrappers call wrappers (`nvm_grep` → `nvm_echo` → …), each judged twice per call: the
        // same call at the same depth is judged once per top-level command (expandedOnce).
        return expandedOnce(top, `${depth}\u0001${c.name}\u0001${c.args.join('\u0002')}`, () => {
          const scratch: Judging = { knowledge, defining: false, runsArguments: false, out: [] };
          judgeCall({ ...c, line: call.line }, top, depth + 1, scratch);
          return scratch.out;
        });
      };
      const asWritten = new Set(alone(template).map((f) => f.rule));
      const given = alone({ ...template, args: template.args.flatMap((a) => (ALL_ARGUMENTS.test(a) ? call.args : [a])) });
      judging.out.push(...given.filter((f) => !asWritten.has(f.rule)));
    }
    expanding.delete(call.name);
  }
  // A name the script defined as a function runs that function (its body is judged where it
  // is written); a path (`/sbin/shutdown`) still names the system's program.
  if (!call.name.includes('/') && knowledge.functions.has(call.name) && !knowledge.wrappers.has(call.name)) return;
  if (ownFunctionFamily(call.name, knowledge)) return;
  // `"$(cat /etc/app/cmd)" start`: the slash inside the substitution is not a program's folder.
  if (/[$`]/.test(call.name) && (!call.name.includes('/') || /[$`]/.test(program) || program === '' || /^(\$\(|`)/.test(call.name))) {
    // `"${CMD[@]}" user:list` runs the words the array holds (script-assignments.ts joins them).
    const choices = knowledge.commandChoices(call.name.replace(/^\$\{([A-Za-z_]\w*)\[[@*]\]\}$/, '$${$1}'));
    if (choices === undefined) {
      // `run() { "$@"; }`, or `trap_with_arg() { func="$1"; shift; … trap "$func $sig" …; }`: the
      // function runs what its callers give it, judged at each call. Only for a trap's handler:
      // elsewhere `$1` may be the script's own argument (`bash -c "$run_command"`), not the function's.
      if (judging.defining && (/^\$\{?[@*]\}?$/.test(call.name) || (top.name === 'trap' && knowledge.holdsAnArgument(call.name)))) {
        judging.runsArguments = true;
        judging.runsArgumentsAt ??= call.line;
      }
      else if (judging.defining && /^\$\{@:[1-9]\d*\}$/.test(call.name)) {
        judging.runsArguments = true;
        judging.skipsArguments ??= Number(/\d+/.exec(call.name)?.[0]) - 1;
      }
      else {
        const named = programNamedByVariable(call.name);
        if (named !== undefined) judgeCall({ ...call, name: named }, top, depth + 1, judging);
        else if (printsNothing(call.name) || THIS_SCRIPT.test(call.name)) return;
        else if (!familyNamedForHarmlessWork(call.name)) found(ruleById('command-from-variable'), call.name, top, judging);
      }
      return;
    }
    for (const choice of choices) {
      const words = [...choice.split(/\s+/).filter(Boolean), ...call.args];
      const [name, ...args] = words;
      if (name !== undefined) {
        judgeCall({ ...call, name, args }, top, depth + 1, judging);
        // `$ENGINE run --name N …`: what the program it names made is the script's own too.
        knowledge.learnCall({ name, args });
      }
    }
    return;
  }
  // `./hooks/post-deploy` after `[ -x ./hooks/post-deploy ]`: an optional file, not the script's own code.
  // An installed program tested for where it may live (`[[ -x /usr/bin/systemctl ]]`) is that
  // program, not a hook someone drops in.
  const installed = SYSTEM_PROGRAMS.test(knowledge.resolve(call.name));
  if (call.name.includes('/') && !installed && knowledge.isOptionalFile(call.name) && namedAsSuppliedCode(knowledge.resolve(call.name))) found(ruleById('optional-script'), call.name, top, judging);
  // `/etc/init.d/nginx stop` is `service nginx stop`.
  const initScript = /^\/etc\/(rc\.d\/)?init\.d\/([^/$`]+)$/.exec(knowledge.resolve(call.name));
  if (initScript?.[2] !== undefined) {
    judgeCall({ ...call, name: 'service', args: [initScript[2], ...call.args] }, top, depth + 1, judging);
    return;
  }
  const name = program;
  if (name === 'eval') {
    judgeEval(call, top, depth, judging);
    return;
  }
  for (const rule of rulesFor(name, (n) => runsOtherCommands(n) || knowledge.wrappers.has(n))) {
    const hit = rule.when({ name, args: call.args, call, knowledge });
    if (hit !== false) found(rule, hit === true ? '' : hit, top, judging);
  }
  const inner = innerCommands(call, name, knowledge, isKnown);
  for (const c of inner.calls) {
    // A command on a later line of a multi-line `bash -c "…"` is reported at its own line,
    // showing itself: the outer line alone points at the start of a long string.
    judgeCall(c, c.line > top.line ? c : top, depth + 1, judging);
    // `sudo -u app git clone …`: what the wrapped command made is the script's own too.
    knowledge.learnCall(c);
  }
  const dumps = dumpOutputs(inner.calls, inner.redirects, (n) => knowledge.commandChoices(n));
  // `sudo bash -c "cat > F" <<EOF`: the inner cat reads the heredoc the outer command was fed,
  // so F is written whole from the script's own text, as `cat > F <<EOF` is.
  const fed = call.redirects.filter((r) => r.op.startsWith('<<') && r.op !== '<<<');
  const whole = fed.length > 0 && SHELLS.has(name) ? heredocWrites(inner.calls.map((c) => ({ ...c, redirects: [...c.redirects, ...fed] }))) : new Set<ShellRedirect>();
  const outer = judging.wholeFromHeredoc;
  if (whole.size > 0) judging.wholeFromHeredoc = new Set([...(outer ?? []), ...whole]);
  for (const r of inner.redirects) if (!dumps.has(r)) judgeRedirect(r, top, judging);
  judging.wholeFromHeredoc = outer;
}

const ALL_ARGUMENTS = /^\$\{?[@*]\}?$/;

/** Where installed programs live (and init scripts): a path there names that program. */
const SYSTEM_PROGRAMS = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$|^\/etc\/(rc\.d\/)?init\.d\/[^/]+$/;

/** A call that hands on every argument it was given (`sed -i "$@"`), not one that runs them (`"$@"`). */
const passesArguments = (call: ShellCall): boolean => !ALL_ARGUMENTS.test(call.name) && call.args.some((a) => ALL_ARGUMENTS.test(a));

/**
 * `source lib.sh`: its functions, wrappers and variables become the script's, as the shell
 * would have them, when the file came with the script (see script-files.ts). Its own commands
 * are judged where they are written, in that file, not here.
 */
function learnSourced(word: string, knowledge: ScriptKnowledge): void {
  const files = knowledge.files;
  const path = files && sourcedFile(files, knowledge.self, knowledge.resolve(word));
  if (!files || path === undefined || knowledge.read.has(path)) return;
  knowledge.read.add(path);
  const text = files.read(path);
  if (text === undefined) return;
  const sourced = new ScriptKnowledge(files, path, knowledge.read);
  destructiveFindingsNow(text, sourced);
  knowledge.adopt(sourced);
}

/**
 * The calls that hand on the arguments of `name`: a function's (here or sourced), or else a
 * shell program of the script's own repository (`bin/sedfile` running `sed "$@"`), read once.
 */
function passedOn(name: string, knowledge: ScriptKnowledge): ShellCall[] {
  const known = knowledge.passThrough.get(name);
  if (known !== undefined || knowledge.functions.has(name) || !knowledge.files) return known ?? [];
  const path = programFile(knowledge.files, knowledge.self, name);
  const text = path === undefined ? undefined : knowledge.files.read(path);
  const through: ShellCall[] = [];
  if (text !== undefined) {
    for (const statement of readBashNow(text, topLevelStatements)) {
      const read = readBashNow(statement.text, (root) => readStatement(root, statement.line));
      // `"$@"` inside one of the program's functions is that function's arguments, not the program's.
      if (read.defines.length === 0) through.push(...read.calls.filter(passesArguments));
      if (read.defines.length === 0 && read.calls.some((c) => ALL_ARGUMENTS.test(c.name))) knowledge.wrappers.add(name);
    }
  }
  knowledge.passThrough.set(name, through);
  return through;
}

/** One word `NAME=value` where the name is letters, digits, `_` and `${VAR}`/`$VAR` parts, the value one expansion or plain text. */
const EVAL_ASSIGNMENT = /^(\w|\$\{\w+\}|\$\w+)+=(\$\{?\w+\}?|[\w./:-]*)$/;

/** `eval` of fixed text is read like any code; of text built at run time it cannot be read. */
function judgeEval(call: ShellCall, top: ShellCall, depth: number, judging: Judging): void {
  const code = call.args.join(' ').trim();
  if (EVAL_GENERATORS.test(code)) return;
  // `eval ${service}_SSL_CERT=$cert`: a variable whose name is built at run time is set; no command runs.
  if (call.args.length === 1 && EVAL_ASSIGNMENT.test(code)) return;
  // `eval set -- "$PARSED"` after `PARSED=$(getopt …)`: quoted-evals.ts says why nothing runs.
  if (evalsQuotedOutput(call.args, (w) => judging.knowledge.resolve(w), (w) => judging.knowledge.valuesGiven(w))) return;
  // `eval ${PKG_INSTALL} pkg` after `PKG_INSTALL="${PKG_MANAGER} install -y"`: the text is the
  // script's own, spelt out in its assignments, when only the first word is a variable.
  const [first = '', ...rest] = call.args;
  const choices = /^\$(\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)$/.test(first) && !rest.some((a) => /[$`]/.test(a)) ? judging.knowledge.commandChoices(first) : undefined;
  if (choices !== undefined && choices.every((c) => !/[$`]/.test(c))) {
    for (const choice of choices) judgeCode([choice, ...rest].join(' '), call, top, depth, judging);
    return;
  }
  // `eval echo "\"\$$pkey\""`, `eval echo "\$CERT_ID_${key}"`: prints a variable whose name is
  // built at run time; the value itself is never read as code. (`eval echo $file` does read it.)
  if ((first === 'echo' || first === 'printf') && rest.length > 0 && rest.every((a) => readsBuiltName(a.replace(/["'\\]/g, '')))) return;
  if (/[$`]/.test(code)) {
    found(ruleById('eval'), '', top, judging);
    return;
  }
  judgeCode(code, call, top, depth, judging);
}

/**
 * `exec gosu postgres "$BASH_SOURCE" "$@"`: the script running itself again (as another user,
 * the container entrypoint's idiom). What that runs is this very script, judged here.
 */
const THIS_SCRIPT = /^\$(\{BASH_SOURCE(\[0\])?\}|BASH_SOURCE|0|\{0\})$/;

/** `if "$(grep -q x file)"; then`: a substitution that prints nothing leaves no command to run. */
function printsNothing(word: string): boolean {
  const inner = /^\$\(([^]*)\)$/.exec(word)?.[1];
  const last = inner?.split('|').pop()?.trim() ?? '';
  return /^[ef]?grep\s+(?:-[A-Za-z]*q[A-Za-z]*|--quiet|--silent)\b/.test(last);
}

/** No expansion, or one variable whose name is put together from others (`$$name`, `$PREFIX_${key}`). */
function readsBuiltName(word: string): boolean {
  return !/[$`]/.test(word) || /^\$[A-Za-z_]*\$(\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)$/.test(word);
}

function judgeCode(code: string, call: ShellCall, top: ShellCall, depth: number, judging: Judging): void {
  const read = readCodeNow(code, call.line);
  for (const c of read.calls) judgeCall(c, top, depth + 1, judging);
  for (const r of read.redirects) judgeRedirect(r, top, judging);
}

const writes = (redirect: ShellRedirect): boolean => redirect.op === '>' || redirect.op === '>|' || redirect.op === '&>';

function judgeRedirect(redirect: ShellRedirect, top: ShellCall | null, judging: Judging): void {
  const target = redirect.target;
  if (!writes(redirect) || isHarmlessTarget(target) || /^\d+$/.test(target) || /^[<>]\(/.test(target) || judging.knowledge.ownedByScript(target)) return;
  // A file the script regenerates in full: emptied and then filled by the script, or written whole from a heredoc.
  if (judging.whereMissing?.has(target)) return;
  const resolved = judging.knowledge.resolve(target);
  if (isFreshPlace(resolved)) return;
  if (isAptRepositoryFile(resolved) || judging.dumps?.has(redirect)) return;
  if (judging.rendered?.has(redirect) && !isLog(resolved) && !isKeyMaterial(resolved) && !keptBySomeoneElse(resolved) && !judging.knowledge.readOrTested(target)) return;
  // `mkdir -p "$DUMP/net"; ip route &> "$DUMP/net/routes"`: the script collects its output in a folder it keeps for that.
  if (!isLog(resolved) && !isKeyMaterial(resolved) && !keptBySomeoneElse(resolved) && judging.knowledge.inEnsuredFolder(target) && !judging.knowledge.readOrTested(target)) return;
  if (!isLog(resolved) && (judging.knowledge.isFilled(target) || (judging.wholeFromHeredoc?.has(redirect) && laidDownWhole(resolved, target, judging.knowledge)))) return;
  const rule = ruleById('redirect-overwrite');
  const what = top ? `\`${shownCall(top)}\`` : `\`${redirect.fd ?? ''}${redirect.op} ${target}\``;
  judging.out.push({ line: top?.line ?? redirect.line, rule: rule.id, category: rule.category, reason: `line ${top?.line ?? redirect.line}: ${what} ${rule.reason.replace('{}', target)}` });
}

/**
 * A whole write of the script's own text lays the program's file down (generated-writes.ts says
 * why), unless the file is someone else's or the script read, tested or backed it up first.
 */
function laidDownWhole(resolved: string, target: string, knowledge: ScriptKnowledge): boolean {
  if (knowledge.readOrTested(target)) return false;
  return inDropInFolder(resolved) || !keptBySomeoneElse(resolved);
}

function found(rule: DestructiveRule, detail: string, top: ShellCall, judging: Judging): void {
  // `mv`/`cp` onto a path a test just said is not there replaces nothing.
  if ((rule.id === 'mv-replace' || rule.id === 'cp-force') && judging.whereMissing?.has(`${top.line}:${detail}`)) return;
  const finding = { line: top.line, rule: rule.id, category: rule.category, reason: `line ${top.line}: \`${shownCall(top)}\` ${rule.reason.replace('{}', detail)}` };
  if (rule.level !== 'note') judging.out.push(finding);
  else if (!judging.knowledge.notes.some((n) => n.reason === finding.reason)) judging.knowledge.notes.push({ line: finding.line, rule: finding.rule, reason: finding.reason });
}

/**
 * `fn-computed-${TYPE}-log-path`: a name built around one variable, with fixed text before
 * it, where the script (or a helper it sources) defines functions of that shape. A project
 * that names a family of functions this way dispatches to them, each judged where it is
 * written, rather than to an unknown program.
 */
function ownFunctionFamily(name: string, knowledge: ScriptKnowledge): boolean {
  // `do_$1_regen` dispatches on a positional argument as `fn-${TYPE}-rotate` does on a named one.
  const m = /^([\w-]+)\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*|\{\d\}|\d)([\w-]*)$/.exec(name);
  if (!m || (m[1] ?? '').length < 3) return false;
  const escape = (t: string): string => t.replace(/[-.]/g, '\\$&');
  const family = new RegExp(`^${escape(m[1] ?? '')}[\\w-]+${escape(m[2] ?? '')}$`);
  return [...knowledge.functions].some((f) => family.test(f));
}

/** Names worth finding among a container tool's arguments: those with rules, database clients, shells, wrappers. */
function isKnown(name: string): boolean {
  return hasOwnRules(name) || sqlClientOf(name) !== undefined || SHELLS.has(name) || name === 'ssh' || name === 'sudo' || name === 'env' || name === 'xargs';
}

function unique(findings: DestructiveFinding[]): DestructiveFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.reason) && seen.add(f.reason));
}

