// A file written whole from the script's own text (`cat > F <<EOF`, `echo "$HOST" > F`) is the
// program laying down its file: what F held is what the same script wrote on its last run, or
// nothing. Labelled scripts bear this out (installers and start-up scripts write their
// configuration this way on every run, and the labellers judged those writes harmless); the
// writes they judged destructive have one of the marks below, each visible in the script:
// - the text is empty (`echo "" > F`, `echo '{}' > F`): that empties F rather than writes it;
// - F is history (a log), which no run rebuilds;
// - F is a file the operating system shares between packages and the admin
//   (`/etc/apt/sources.list`, `/etc/environment`, `/etc/passwd`), or a package's main
//   configuration (`/etc/munin/munin.conf`, `/etc/dovecot/dovecot-sql.conf.ext`): someone else
//   put it there and may have edited it;
// - the script read, tested or backed up F before writing it (`grep -q … F`, `[ -f F ]`,
//   `cp F F.$DATE`): it treats what F holds as something that matters.
import { operands } from './command-args.js';
import type { ShellCall } from './shell-calls.js';

/** `echo`/`printf` words that write nothing worth keeping: blank, or an empty JSON value. */
export function writesNothing(call: ShellCall): boolean {
  if (!/^(echo|printf)$/.test(call.name)) return false;
  const words = call.args.filter((a) => !/^-[neE]+$/.test(a));
  return words.every((w) => /^\s*(\{\s*\}|\[\s*\])?\s*$/.test(w.replace(/\\n/g, '')));
}

/** Files every package and the admin share, which no one program regenerates. */
const SHARED_SYSTEM_FILES = /^\/etc\/(apt\/sources\.list|environment|passwd|group|shadow|gshadow|sudoers|fstab|hosts|crontab|profile|bash\.bashrc|sysctl\.conf|systemd\/[a-z]+\.conf|security\/limits\.conf|ssh\/sshd_config|ssh\/ssh_config)$/;

/** A package's main configuration: `/etc/NAME/NAME.conf`, `/etc/NAME/NAME-sql.conf.ext`. */
function packageMainConfig(path: string): boolean {
  const m = /^\/etc\/([A-Za-z][\w-]*)\/(?:[^/]+\/)*([^/]+)$/.exec(path);
  if (m === null) return false;
  const [, folder = '', file = ''] = m;
  return file.startsWith(`${folder}.`) || file.startsWith(`${folder}-`);
}

/** A path written whole that belongs to someone else than the script (resolved path). */
export function keptBySomeoneElse(path: string): boolean {
  return SHARED_SYSTEM_FILES.test(path) || packageMainConfig(path);
}

/**
 * Programs that search or compare what a file holds (for `cp`/`mv`/`install`, the copies' sources:
 * a backup). Reading a value back (`$(cat F)`, `. F`) is left out: that is how a script keeps its
 * own state (a version stamp it compares and writes again), not a sign the file is someone's.
 */
const READERS = new Set(['grep', 'egrep', 'fgrep', 'sed', 'awk', 'diff', 'cmp']);

/**
 * The options that take a value, per program that reads a pattern or a script before its
 * files: they differ (`grep -v` inverts and `grep -F` fixes strings; `awk -v` assigns and
 * `awk -F` sets the separator).
 */
const GREP_VALUED = new Set(['-e', '-f', '--regexp', '--file', '-m', '--max-count', '-A', '-B', '-C']);
const PATTERN_PROGRAMS: Record<string, ReadonlySet<string>> = {
  sed: new Set(['-e', '-f', '--expression', '--file', '-l']),
  grep: GREP_VALUED,
  egrep: GREP_VALUED,
  fgrep: GREP_VALUED,
  awk: new Set(['-f', '-v', '-F']),
};

/** The files a call reads (its operands), so a later whole write over one of them is judged a loss. */
export function filesReadBy(call: Pick<ShellCall, 'name' | 'args'>): string[] {
  const name = call.name.split('/').pop() ?? call.name;
  // `sed -e EXPR FILE` / `grep -e PAT FILE`: a script's first operand is its pattern.
  const valued = PATTERN_PROGRAMS[name];
  if (valued !== undefined) {
    const words = operands(call.args, valued);
    return call.args.some((a) => a === '-e' || a === '--expression' || a === '--regexp' || a === '-f') ? words : words.slice(1);
  }
  // `backup_file F1 F2`, `backup F`: a step the script names for keeping a copy of what F holds.
  if (READERS.has(name) || /backup/i.test(name)) return operands(call.args);
  if (name === 'cp' || name === 'mv' || name === 'install' || name === 'rsync') return operands(call.args, new Set(['-m', '--mode', '-o', '--owner', '-g', '--group', '-t', '--target-directory', '-S', '--suffix'])).slice(0, -1);
  return [];
}

/** A key or certificate: no run rebuilds the one that was trusted, so writing over it is never routine output. */
export function isKeyMaterial(path: string): boolean {
  return /\.(pem|key|crt|cert|csr|p12|pfx|jks|keystore)$/.test(path);
}
