// The other files a script comes with: the helpers it sources and the small programs of its
// own repository it calls (`sedfile -i …`, where `sedfile` is the project's wrapper around
// `sed -i "$@"`). A script judged alone cannot know what such a name does, so its in-place
// edits went unflagged; given these files (a folder import has them, a checkout has them),
// a function defined in a sourced helper counts exactly like one the script defines, and a
// program of the same repository that hands its arguments to a command is judged with the
// arguments of each call.
//
// Paths in `source` are where the file sits once installed (`/usr/local/bin/helpers/log.sh`),
// not where it sits in the repository (`target/scripts/helpers/log.sh`), so a sourced path is
// matched by its trailing folders and name; when several files match, the one nearest the
// script wins.

/** The files beside a script, by path relative to one root (`/` between folders). */
export interface ScriptFiles {
  /** Every file available, relative to the root. */
  readonly paths: readonly string[];
  /** The text of one of `paths`, or undefined when it cannot be read (binary, too large). */
  read(path: string): string | undefined;
}

/** A ScriptFiles over texts already in memory. */
export function filesFrom(texts: ReadonlyMap<string, string>): ScriptFiles {
  return { paths: [...texts.keys()], read: (path) => texts.get(path) };
}

const segments = (path: string): string[] => path.split('/').filter((s) => s !== '' && s !== '.');

function folderOf(path: string): string[] {
  return segments(path).slice(0, -1);
}

/** Folders `a` and `b` share from the root. */
function sharedDepth(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** `a/b/../c` → `a/c`; null when it climbs above the root. */
function collapse(parts: string[]): string[] | null {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out;
}

function nearest(candidates: string[], self: string | undefined): string | undefined {
  if (candidates.length <= 1 || self === undefined) return candidates[0];
  const home = folderOf(self);
  return [...candidates].sort((a, b) => sharedDepth(folderOf(b), home) - sharedDepth(folderOf(a), home) || a.localeCompare(b))[0];
}

/**
 * The file a `source WORD` / `. WORD` reads, WORD already resolved as far as the script says.
 * What stands before the last expansion (`$(dirname "$0")/lib.sh`, `${DIR}/lib.sh`) is
 * unknown, so only the folders and name after it are matched.
 */
export function sourcedFile(files: ScriptFiles, self: string | undefined, word: string): string | undefined {
  const all = word.split('/');
  const lastExpansion = all.reduce((at, part, i) => (/[$`]/.test(part) ? i : at), -1);
  const known = all.slice(lastExpansion + 1);
  if (known.length === 0 || known.at(-1) === '') return undefined;
  // A plain relative path is relative to where the script is run, usually its own folder.
  if (lastExpansion === -1 && !word.startsWith('/') && self !== undefined) {
    const joined = collapse([...folderOf(self), ...segments(word)]);
    const path = joined?.join('/');
    if (path !== undefined && files.paths.includes(path)) return path;
  }
  const tail = segments(known.join('/')).filter((s) => s !== '..');
  if (tail.length === 0) return undefined;
  // The most trailing folders in common wins: `/usr/local/bin/helpers/log.sh` is the
  // repository's `…/helpers/log.sh` rather than another `log.sh`.
  const common = (path: string): number => {
    const parts = segments(path);
    let n = 0;
    while (n < tail.length && n < parts.length && parts[parts.length - 1 - n] === tail[tail.length - 1 - n]) n++;
    return n;
  };
  const scored = files.paths.filter((p) => p !== self).map((path) => ({ path, n: common(path) }));
  const best = Math.max(0, ...scored.map((s) => s.n));
  return best === 0 ? undefined : nearest(scored.filter((s) => s.n === best).map((s) => s.path), self);
}

/** A shell program of the same repository named `name` (no extension, `#!…sh` first line), or undefined. */
export function programFile(files: ScriptFiles, self: string | undefined, name: string): string | undefined {
  if (!/^[\w.+-]+$/.test(name)) return undefined;
  const named = files.paths.filter((path) => path !== self && path.split('/').pop() === name);
  const shell = named.filter((path) => /^#!\s*\S*(\/|\s)(ba|da|k|z)?sh\b/.test(files.read(path)?.slice(0, 120) ?? ''));
  return nearest(shell, self);
}
