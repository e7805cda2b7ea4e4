// Unpacking a release the script has just downloaded is how installers put software in place
// (`curl … | tar xz -C /usr/local/sbin`, `wget -O /opt/x.tgz URL` then `tar xf /opt/x.tgz`);
// measured on real installers, such extractions are not restores over live data, while a tar -x
// of a backup or of an archive the caller hands in is. Only a download the script itself made
// counts: an archive in /tmp merely named by the script may be a backup.
import type { RuleInput } from './destructive-rule-types.js';

const DOWNLOADERS = new Set(['curl', 'wget']);

/** The archive a tar call reads: -f FILE, --file=FILE, or the operand after old-style `xzf`. */
export function tarArchive(args: readonly string[]): string | undefined {
  const first = args[0];
  if (first !== undefined && !first.startsWith('-') && first.includes('f')) return args[1];
  for (const [n, a] of args.entries()) {
    if (a.startsWith('--file=')) return a.slice('--file='.length);
    if (a === '--file') return args[n + 1];
    if (/^-[A-Za-z]*f$/.test(a)) return args[n + 1];
  }
  return undefined;
}

/** Whether this tar call unpacks something the script itself downloaded (piped, or to a file it made). */
export function unpacksOwnDownload(i: RuleInput): boolean {
  const archive = tarArchive(i.args);
  if (archive === undefined || archive === '-') return DOWNLOADERS.has(i.call.stdinFrom ?? '');
  return i.knowledge.ownedByScript(archive, { scratch: false });
}
