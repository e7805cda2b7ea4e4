// Destructive-command rules for what a person relies on to get in: a password set back or
// removed, a second factor deleted, a web site or module switched off. An operator expects
// these flagged: the old password or secret cannot be had back, and a disabled site is down
// for its users. destructive-rules.ts joins the tables.
import { hasFlag, operands } from './command-args.js';
import type { DestructiveRule } from './destructive-rule-types.js';

/** Keys that hold a login secret in a settings file. */
const SECRET_KEY = /(pass(word|wd)?|totp|otp|2fa|mfa|secret)/i;

export const ACCESS_RESET_RULES: readonly DestructiveRule[] = [
  {
    id: 'credential-reset',
    category: 'access',
    // `chpasswd` and `passwd` are left alone: setting an account's password is what most
    // scripts that call them are for (a panel's change-password command, an installer's new user).
    commands: ['yq'],
    matches: 'yq -i that deletes or sets a password, TOTP or secret key in a settings file',
    when: (i) => {
      // yq -i writes the file back: a secret deleted or replaced there is gone.
      if (!hasFlag(i.args, 'i', '--inplace')) return false;
      const expr = operands(i.args).find((w) => !/^(eval|e|eval-all|ea)$/.test(w)) ?? '';
      return SECRET_KEY.test(expr) && (/\bdel\(/.test(expr) || /[^=!<>]=[^=]/.test(expr));
    },
    reason: 'replaces or removes a stored password or second factor; the old one cannot be had back',
    examples: {
      flags: ['yq -i "del(.user.totpUri)" /data/app.yaml', "yq eval 'del(.user.totpUri)' -i \"$F\"", 'yq -i ".user.hashedPassword = \\"$HASH\\"" /data/app.yaml'],
      quiet: ['echo "admin:$PASS" | chpasswd', 'yq ".user.totpUri" /data/app.yaml', 'yq -i ".user.name = \\"x\\"" /data/app.yaml'],
    },
  },
  {
    id: 'site-disable',
    category: 'services',
    commands: ['a2dissite', 'a2dismod', 'a2disconf', 'mv'],
    matches: 'a2dissite/a2dismod/a2disconf; mv FILE FILE.disabled (the way to switch a site off where the server reads every file of a folder)',
    when: (i) => {
      if (i.name !== 'mv') return true;
      const [from, to, ...more] = operands(i.args);
      return more.length === 0 && from !== undefined && to === `${from}.disabled`;
    },
    reason: 'switches a web site or module off: it stops being served',
    examples: {
      flags: ['a2dissite horizon', 'a2dismod php8.2', 'mv /etc/httpd/conf.d/horizon.conf /etc/httpd/conf.d/horizon.conf.disabled', 'for i in $DIR/*-proxy.conf; do\n  mv $i $i.disabled\ndone'],
      quiet: ['a2ensite horizon', 'a2enmod ssl', 'mv /etc/httpd/conf.d/horizon.conf.disabled /etc/httpd/conf.d/horizon.conf', 'mv app.log app.log.1'],
    },
  },
];
