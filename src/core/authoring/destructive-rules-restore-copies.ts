// A copy that brings saved data back over the live copy: `rsync -a "$DIR/restore/data/" "$DIR"`
// after unpacking a backup into `restore/`, or, in a script whose name says it restores
// (`owncloud-restore.sh`, `core-restore-from-backup.sh`), `cp "$1/owncloud.db" "$STORAGE/"` of
// what the caller hands in. The labelled scripts call each of these a restore over live data.
// `cp` from a path named as a backup (`X.bak`, `backups/X`) is cp-restore's (destructive-rules-host.ts).
// destructive-rules.ts joins the tables.
import { hasFlag, operands, options } from './command-args.js';
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';
import { isHarmlessTarget } from './script-knowledge.js';

/** A path that passes through a folder a restore unpacks into or a backup is kept in. */
const RESTORE_FOLDER = /(^|\/)[^/]*(restore|backup)[^/]*\//i;
/** A backup's own name (cp-restore's case), and a folder of backups as a destination. */
const BACKUP_NAME = /backup|bck|\.bak\b|\.orig\b|\.old\b|\.save\b|restore/i;
/** The caller's words: `$1/owncloud.db`, `${2}`. */
const ARGUMENT = /^\$\{?\d\}?(\/|$)/;

const CP_OPTIONS = options('-S', '--suffix', '-t', '--target-directory');
const RSYNC_OPTIONS = options('-e', '--rsh', '--exclude', '--include', '--filter', '-f', '--chown', '--chmod', '--exclude-from', '--include-from', '--files-from', '--password-file', '--log-file', '-T', '--temp-dir', '--partial-dir', '--backup-dir', '--suffix', '--rsync-path', '-M', '--remote-option');

function restoresOver(i: RuleInput): string | false {
  if (i.name === 'cp' && (hasFlag(i.args, 'n', '--no-clobber') || i.args.includes('--update=none'))) return false;
  const words = operands(i.args, i.name === 'cp' ? CP_OPTIONS : RSYNC_OPTIONS);
  const dest = words.at(-1);
  const sources = words.slice(0, -1);
  if (dest === undefined || sources.length === 0 || BACKUP_NAME.test(dest) || /^[\w.-]*@?[\w.-]+:/.test(dest)) return false;
  const script = (i.knowledge.self ?? '').split('/').pop() ?? '';
  const restoring = /restore/i.test(script);
  const from = (s: string): boolean => {
    const path = i.knowledge.resolve(s);
    // A cp from a path named as a backup is cp-restore's; a program file named for backups (`backup_db.sh`) is no saved data.
    if (i.name === 'cp' && (/backup|bck|\.bak\b|\.orig\b|\.old\b|\.save\b/i.test(path) || /backup|bck|\.bak\b|\.orig\b|\.old\b|\.save\b/i.test(s))) return false;
    if (/\.(sh|bash|py|pl)$/.test(path)) return false;
    return RESTORE_FOLDER.test(path) || (restoring && ARGUMENT.test(s));
  };
  if (!sources.some(from)) return false;
  if (isHarmlessTarget(dest) || i.knowledge.ownedByScript(dest)) return false;
  return dest;
}

export const RESTORE_COPY_RULES: readonly DestructiveRule[] = [
  {
    id: 'restore-copy',
    category: 'restores',
    commands: ['cp', 'rsync'],
    matches: 'cp/rsync from a folder a restore unpacked into or a backup folder (`…/restore/…`, `…/backups/…`), or of the caller\'s files (`$1/…`) in a script named for restoring, onto a path the script did not make (not cp -n)',
    when: restoresOver,
    reason: 'copies saved data back over {}: what it holds now is lost (a restore)',
    examples: {
      flags: ['rsync -a /var/lib/app/restore/data/ /var/lib/app', 'cp -a /srv/app/restore/config.json /etc/app/config.json', 'rsync -a --chown app:app "$BACKUP_DIR/"uploads/ /srv/app/uploads'],
      quiet: ['rsync -a /var/lib/app/ /srv/backups/app/', 'cp "$1/app.db" /srv/app/', 'cp -n /srv/backups/config.json /etc/app/config.json', 'cp tools/backup_db.sh /usr/local/bin/', 'rsync -a /srv/restore/ backup-host:/srv/copy/', 'tmp=$(mktemp -d)\nrsync -a /srv/backups/x/ "$tmp"'],
    },
  },
];
