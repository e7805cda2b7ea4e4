// Where a command variable gets its value when the script itself never sets it: `$DOCKER_BIN
// image rm …` in a plugin of a project whose entry program exports `DOCKER_BIN=docker`, or
// `$dc down` in a file that install.sh sources after sourcing the file that sets
// `dc="docker compose …"`. An operator reading the repository knows what runs there, so the
// detector looks where that operator would, nearest first: the files that source this script
// (and what they source), then any file of the repository or folder imported with it. Only
// assignments written in those files count (`X=…`, `export X=…`, `local X=…`, `${X:=docker}`,
// `${X:-docker}`); a variable nothing sets stays unknown, and so does the command it names.
import { sourcedFile, type ScriptFiles } from './script-files.js';

/** One assignment found in a file: the value as written, or null when it is not one word. */
interface Assignment {
  name: string;
  value: string | null;
  local?: boolean;
}

/** Reads the assignments of one file's text (the script-knowledge parser, handed in to keep the modules acyclic). */
export type AssignmentParser = (text: string) => Assignment[];

interface Index {
  assignments: Map<string, Assignment[]>;
  parents: Map<string, string[]>;
  sources: Map<string, string[]>;
}

const indexes = new WeakMap<ScriptFiles, Index>();

function indexOf(files: ScriptFiles): Index {
  let index = indexes.get(files);
  if (!index) {
    index = { assignments: new Map(), parents: new Map(), sources: new Map() };
    indexes.set(files, index);
  }
  return index;
}

/** Files that may be shell: `*.sh`/`*.bash`, or no extension with a shell `#!` line; nothing under a dot folder. */
function shellText(files: ScriptFiles, path: string): string | undefined {
  if (/(^|\/)\.[^/]+\//.test(path)) return undefined;
  const name = path.split('/').pop() ?? '';
  const extension = /\.[^.]+$/.exec(name)?.[0];
  if (extension !== undefined && extension !== '.sh' && extension !== '.bash') return undefined;
  const text = files.read(path);
  if (text === undefined || text.length > 400_000) return undefined;
  if (extension === undefined && !/^#!\s*\S*(\/|\s)(ba|da|k|z)?sh\b/.test(text.slice(0, 120))) return undefined;
  return text;
}

/** The values `name` gets in one file: its assignments, and a default it is given with `${NAME:=v}`/`${NAME:-v}`. */
function valuesIn(files: ScriptFiles, path: string, name: string, parse: AssignmentParser): (string | null)[] {
  const text = shellText(files, path);
  if (text === undefined || !new RegExp(`\\b${name}(=|:=|:-|\\+=)`).test(text)) return [];
  const index = indexOf(files);
  let assignments = index.assignments.get(path);
  if (!assignments) {
    try {
      assignments = parse(text);
    } catch {
      assignments = [];
    }
    index.assignments.set(path, assignments);
  }
  const out: (string | null)[] = assignments.filter((a) => a.name === name && !a.local).map((a) => a.value);
  for (const m of text.matchAll(new RegExp(`\\$\\{${name}:?[-=](?:"([^"}]*)"|'([^'}]*)'|([^}"']*))\\}`, 'g'))) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  // `X=${X:=docker}` is the default itself: the `${…}` match above already gave it.
  return out.filter((v) => v === null || !new RegExp(`^\\$\\{${name}:?[-=]`).test(v));
}

/** The files a file sources (`source F`, `. F`), as far as they can be found among `files`. */
function sourcedBy(files: ScriptFiles, path: string): string[] {
  const index = indexOf(files);
  let found = index.sources.get(path);
  if (!found) {
    const text = shellText(files, path) ?? '';
    found = [];
    for (const m of text.matchAll(/^[ \t]*(?:source|\.)[ \t]+("[^"\n]+"|'[^'\n]+'|[^\s;&|]+)/gm)) {
      const word = (m[1] ?? '').replace(/^["']|["']$/g, '');
      const file = sourcedFile(files, path, word);
      if (file !== undefined && file !== path) found.push(file);
    }
    index.sources.set(path, found);
  }
  return found;
}

/** The files that source `self`. */
function parentsOf(files: ScriptFiles, self: string): string[] {
  const index = indexOf(files);
  let found = index.parents.get(self);
  if (!found) {
    found = files.paths.filter((path) => path !== self && sourcedBy(files, path).includes(self));
    index.parents.set(self, found);
  }
  return found;
}

/**
 * The programs `self` is part of: for each file that sources it, that file and the other
 * files it sources, each with its text (shell files only).
 */
export function programParts(files: ScriptFiles, self: string): { path: string; text: string }[][] {
  return parentsOf(files, self).map((parent) =>
    [parent, ...sourcedBy(files, parent).filter((file) => file !== self && file !== parent)].flatMap((path) => {
      const text = shellText(files, path);
      return text === undefined ? [] : [{ path, text }];
    }),
  );
}

/**
 * The values `name` is given outside the script: in the files that source it and the files
 * those source; when none of them sets it, anywhere in `files`. Empty when nothing sets it.
 */
export function outsideValues(files: ScriptFiles, self: string | undefined, name: string, parse: AssignmentParser): (string | null)[] {
  if (!/^[A-Za-z_]\w*$/.test(name)) return [];
  if (self !== undefined) {
    const near = new Set<string>();
    for (const parent of parentsOf(files, self)) {
      near.add(parent);
      for (const file of sourcedBy(files, parent)) if (file !== self) near.add(file);
    }
    const values = [...near].flatMap((path) => valuesIn(files, path, name, parse));
    if (values.length > 0) return values;
  }
  return files.paths.filter((path) => path !== self).flatMap((path) => valuesIn(files, path, name, parse));
}

/**
 * The texts a substitution can print when all it prints is fixed text
 * (`$(docker compose version &>/dev/null && echo "docker compose" || echo '')`): each `echo`
 * prints its word, every other command's output is thrown away. Null when it prints anything else.
 */
export function printedTexts(value: string): string[] | null {
  const inner = /^\$\((.*)\)$/s.exec(value.trim())?.[1];
  // `XTRACE=$(set +o | grep xtrace)` … `$XTRACE`: the shell prints its own option settings as
  // the commands that restore them (`set -o xtrace`, `shopt -s extglob`), so running the
  // variable later puts an option back; a common idiom to silence tracing for a while.
  if (inner !== undefined && SHELL_OPTIONS.test(inner)) return ['set -o', 'set +o', 'shopt -s', 'shopt -u'];
  if (inner === undefined || /[|;]\s*[^|&]/.test(inner.replace(/\|\||&&/g, ' '))) return null;
  const texts: string[] = [];
  for (const part of inner.split(/\|\||&&/)) {
    const echo = /^\s*echo\s+("[^"]*"|'[^']*'|[^\s"']+)\s*$/.exec(part);
    if (echo?.[1] !== undefined) texts.push(echo[1].replace(/^["']|["']$/g, ''));
    else if (!/(&>|>)\s*\/dev\/null(\s+2>&1)?\s*$/.test(part)) return null;
  }
  return texts.length > 0 ? texts : null;
}

/** `set +o`, `shopt -p` (optionally filtered by grep): the shell's option settings as commands. */
const SHELL_OPTIONS = /^\s*(set\s+\+o|shopt\s+-p)(\s+[\w-]+)*\s*(\|\s*grep\s+(-[\w]+\s+)*("[^"]*"|'[^']*'|[^\s|;&]+)\s*)?$/;
