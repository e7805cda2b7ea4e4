// Destructive-command rules for keys removed, in place, from a structured settings file:
// `json -I -f local.json -e "delete this.x"` (the `json` tool's in-place edit) and
// `yq -i 'del(.x)' FILE`. A key set to a value is a setter, as `sed -i s/old/new/` of a value
// is judged elsewhere; a key deleted is a setting that was there and is gone (the ONLYOFFICE
// entrypoint drops its message-queue settings this way). destructive-rules.ts joins the tables.
import { hasFlag } from './command-args.js';
import type { DestructiveRule } from './destructive-rule-types.js';

/** The text of every -e / --exec expression, and the first operand yq reads as its expression. */
function expressions(args: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, at) => {
    if ((arg === '-e' || arg === '--exec') && args[at + 1] !== undefined) out.push(args[at + 1] ?? '');
  });
  return out;
}

export const STRUCTURED_EDIT_RULES: readonly DestructiveRule[] = [
  {
    id: 'config-key-delete',
    category: 'files',
    commands: ['json', 'yq'],
    matches: 'json -I … -e "delete …", yq -i \'del(…)\': a key removed in place from a JSON or YAML file',
    when: (i) => {
      if (i.name === 'json') return hasFlag(i.args, 'I', '--in-place') && expressions(i.args).some((e) => /\bdelete\s/.test(e));
      return hasFlag(i.args, 'i', '--inplace') && i.args.some((a) => /\bdel\(/.test(a));
    },
    reason: 'removes keys from a settings file in place: what they held is lost',
    examples: {
      flags: ['json -I -f /etc/app/local.json -e "delete this.queue.password"', "yq -i 'del(.services.old)' compose.yml"],
      quiet: ['json -q -f /etc/app/local.json services.sql.dbHost', 'json -I -f /etc/app/local.json -e "this.port = 8080"', "yq '.services' compose.yml", "yq -i '.version = \"3\"' compose.yml"],
    },
  },
];
