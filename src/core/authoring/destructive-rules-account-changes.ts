// Destructive-command rules for changes to an existing account that take something away: a
// file installed as a user's whole crontab (`crontab -u www-data /tmp/cron`: what was in it is
// gone), and `usermod` that replaces an account's groups (`-G` without `-a`), locks it or expires
// it. The labelled installers do each of these to accounts and schedules that existed before the
// run. destructive-rules.ts joins the tables.
import { hasFlag, operands, optionValue, options } from './command-args.js';
import type { DestructiveRule } from './destructive-rule-types.js';

export const ACCOUNT_CHANGE_RULES: readonly DestructiveRule[] = [
  {
    id: 'crontab-install',
    category: 'access',
    commands: ['crontab'],
    matches: 'crontab FILE (not -l, -e, -r; `crontab -` from a filter is crontab-replace)',
    when: (i) => !hasFlag(i.args, 'lerT') && (operands(i.args, options('-u'))[0] ?? '-') !== '-',
    reason: 'installs a file as the whole crontab, dropping the entries that were in it',
    examples: {
      flags: ['crontab -u www-data /tmp/app-cron', 'crontab "$CRON_FILE"'],
      quiet: ['crontab -l', 'crontab -l -u alice > saved.cron', 'crontab -e', '(crontab -l 2>/dev/null; echo "0 3 * * * /usr/local/bin/backup") | crontab -'],
    },
  },
  {
    id: 'account-revoke',
    category: 'access',
    commands: ['usermod'],
    matches: 'usermod -G/--groups without -a/--append (replaces the supplementary groups), -L/--lock, -e/--expiredate',
    when: (i) => {
      const groups = i.args.some((a) => a === '-G' || a === '--groups' || a.startsWith('--groups=') || /^-[a-zA-Z]*G$/.test(a));
      if (groups && !hasFlag(i.args, 'a', '--append')) return 'replaces its supplementary groups';
      if (hasFlag(i.args, 'L', '--lock')) return 'locks it';
      // `--expiredate -1` (or empty) takes the expiry away: that unlocks, as `--unlock` does.
      const expires = optionValue(i.args, '-e', '--expiredate');
      if (expires !== undefined && expires !== '' && expires !== '-1') return 'expires it';
      return false;
    },
    reason: 'changes an existing account: {}',
    examples: {
      flags: ['usermod -G clamav amavis', 'usermod --lock --expiredate 1 "$user"', 'usermod -L olduser'],
      quiet: ['usermod -aG docker "$USER"', 'usermod -a -G www-data app', 'usermod -s /bin/bash app', 'usermod -d /srv/app app', 'usermod --unlock --expiredate -1 "$USER"'],
    },
  },
];
