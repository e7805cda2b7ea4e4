// Commands that destroy something an operator cannot get back by running the step again:
// recursive deletes, SQL that deletes or drops, disks formatted, files overwritten,
// services stopped, processes killed, history rewritten. Import and the recorder both ask
// this before a runbook is saved, so such a step gets `confirm` and a warning a reviewer
// sees. The rules read what the shell would run (parsed, not grepped), so `rm file`,
// `echo "DROP TABLE"`, `>> log` and `> /dev/null` are left alone.
import { parseShellScript, ShellSyntaxError, type ShellCall, type ShellCommand, type ShellRedirect } from './shell-commands.js';
import { sqlClientOf, sqlEffect, sqlFedTo } from './sql-in-shell.js';
import { baseName, withWrappedCalls } from './wrapped-commands.js';

type Rule = (args: string[]) => string | undefined;

/**
 * Why `command` (one line or a whole script) looks destructive, one reason per finding,
 * each naming the line and the command; empty when nothing does. A command that cannot be
 * parsed is reported too, since it could not be checked.
 */
export async function destructiveReasons(command: string): Promise<string[]> {
  try {
    const script = await parseShellScript(command);
    const reasons: string[] = [];
    for (const command of script.commands) reasons.push(...(await reasonsIn(command)));
    return [...new Set(reasons)];
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    return [`line ${error.line}: this could not be read as shell (${error.reason}), so it was not checked for destructive commands; review it by hand`];
  }
}

/** The reasons for one parsed command, with its script's line numbers. */
export async function reasonsIn(command: Pick<ShellCommand, 'calls' | 'redirects'>): Promise<string[]> {
  const reasons: string[] = [];
  for (const call of command.calls) {
    for (const effective of await withWrappedCalls(call, isRuled)) {
      for (const why of judge(effective)) reasons.push(`line ${call.line}: \`${shown(call)}\` ${why}`);
    }
  }
  for (const redirect of command.redirects) {
    const why = overwrite(redirect);
    if (why) reasons.push(`line ${redirect.line}: \`${redirect.fd ?? ''}${redirect.op} ${redirect.target}\` ${why}`);
  }
  return [...new Set(reasons)];
}

function judge(call: ShellCall): string[] {
  const name = baseName(call.name);
  const client = sqlClientOf(name);
  if (client) {
    return sqlFedTo(call).flatMap((fed) => {
      if (fed.sql === null) return [];
      const verbs = sqlEffect(fed.sql, client).destructive;
      return verbs.length > 0 ? [`${describeSql(verbs)} (${verbs.join(', ')} sent to ${client} ${fed.via})`] : [];
    });
  }
  const rule = RULES[name] ?? (/^mkfs(\.|$)/.test(name) ? RULES.mkfs : undefined);
  const why = rule?.(call.args);
  return why ? [why] : [];
}

const isRuled = (name: string): boolean => name in RULES || /^mkfs(\.|$)/.test(name) || sqlClientOf(name) !== undefined;

function describeSql(verbs: string[]): string {
  if (verbs.some((v) => v.startsWith('DROP'))) return 'drops database objects';
  if (verbs.includes('TRUNCATE')) return 'empties tables';
  return 'deletes rows';
}

/** Flags written alone or bundled (`-rf`, `-fR`), or spelled long. */
function hasFlag(args: string[], short: string, ...long: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (long.some((l) => arg === l || arg.startsWith(`${l}=`))) return true;
    if (/^-[A-Za-z]+$/.test(arg) && [...short].some((s) => arg.includes(s))) return true;
  }
  return false;
}

const operands = (args: string[]): string[] => args.filter((a) => !a.startsWith('-'));
const subcommand = (args: string[]): string => operands(args)[0] ?? '';

const SYSTEMCTL: Record<string, string> = {
  stop: 'stops a service',
  disable: 'disables a service',
  mask: 'masks a service so nothing can start it',
  kill: "kills a service's processes",
  isolate: 'switches the system to another target, stopping services',
  poweroff: 'powers the machine off',
  reboot: 'reboots the machine',
  halt: 'halts the machine',
  rescue: 'drops the machine into rescue mode',
  emergency: 'drops the machine into emergency mode',
};

const RULES: Record<string, Rule> = {
  rm: (args) => {
    if (!hasFlag(args, 'rR', '--recursive')) return undefined;
    const risky = operands(args).find((a) => /^\$\{?[A-Za-z_]\w*\}?\//.test(a) || a === '/' || a === '/*');
    return `deletes files and folders recursively (rm -r)${risky ? `; if a variable in '${risky}' is empty, this starts from /` : ''}`;
  },
  find: (args) => (args.includes('-delete') ? 'deletes every file it finds (find -delete)' : args.includes('-exec') && args.some((a) => baseName(a) === 'rm') ? 'deletes every file it finds (find -exec rm)' : undefined),
  shred: () => 'overwrites files so they cannot be recovered (shred)',
  dd: (args) => {
    const out = args.find((a) => a.startsWith('of='));
    return out ? `writes raw bytes over ${out.slice(3)} (dd of=)` : undefined;
  },
  mkfs: () => 'creates a new filesystem, erasing what was on the device (mkfs)',
  mke2fs: () => 'creates a new filesystem, erasing what was on the device (mke2fs)',
  mkswap: () => 'turns a device into swap, erasing it (mkswap)',
  wipefs: () => 'erases filesystem signatures (wipefs)',
  fdisk: (args) => (hasFlag(args, 'l', '--list') ? undefined : "changes a disk's partition table (fdisk)"),
  sfdisk: (args) => (hasFlag(args, 'ld', '--list', '--dump') ? undefined : "changes a disk's partition table (sfdisk)"),
  sgdisk: (args) => (hasFlag(args, 'p', '--print') ? undefined : "changes a disk's partition table (sgdisk)"),
  parted: (args) => (args.some((a) => /^(rm|mklabel|mkpart|resizepart)$/.test(a)) ? "changes a disk's partition table (parted)" : undefined),
  truncate: () => 'cuts files to a new size; what was past it is lost (truncate)',
  tee: (args) => {
    if (hasFlag(args, 'a', '--append')) return undefined;
    const files = operands(args).filter((f) => !isHarmlessTarget(f));
    return files.length > 0 ? `overwrites ${files.join(', ')} (tee without -a)` : undefined;
  },
  systemctl: (args) => {
    const verb = subcommand(args);
    const what = SYSTEMCTL[verb];
    return what ? `${what} (systemctl ${verb})` : undefined;
  },
  service: (args) => (args[1] === 'stop' ? `stops a service (service ${args[0] ?? ''} stop)` : undefined),
  kill: (args) => (args.some((a) => a === '-0' || a === '-l' || a === '-L' || a === '-s0') ? undefined : 'signals processes, usually to end them (kill)'),
  pkill: () => 'kills every process whose name matches (pkill)',
  killall: () => 'kills every process with that name (killall)',
  reboot: () => 'reboots the machine',
  poweroff: () => 'powers the machine off',
  halt: () => 'halts the machine',
  shutdown: (args) => (args.includes('-c') ? undefined : 'shuts the machine down'),
  git: (args) => {
    const verb = subcommand(args);
    if (verb === 'push' && (hasFlag(args, 'f', '--force', '--force-with-lease', '--mirror', '--delete') || operands(args).some((a) => a.startsWith('+') || a.startsWith(':')))) {
      return 'rewrites or deletes a remote branch (git push --force)';
    }
    if (verb === 'reset' && args.includes('--hard')) return 'discards uncommitted changes (git reset --hard)';
    if (verb === 'clean' && hasFlag(args, 'f', '--force')) return 'deletes untracked files (git clean -f)';
    if (verb === 'branch' && hasFlag(args, 'D')) return 'deletes a branch that may not be merged (git branch -D)';
    return undefined;
  },
  chmod: (args) => (hasFlag(args, 'R', '--recursive') ? 'changes permissions of a whole tree (chmod -R)' : undefined),
  chown: (args) => (hasFlag(args, 'R', '--recursive') ? 'changes the owner of a whole tree (chown -R)' : undefined),
  chgrp: (args) => (hasFlag(args, 'R', '--recursive') ? 'changes the group of a whole tree (chgrp -R)' : undefined),
  crontab: (args) => (hasFlag(args, 'r') ? 'removes the whole crontab (crontab -r)' : undefined),
  rsync: (args) => (args.some((a) => a.startsWith('--delete') || a === '--remove-source-files') ? 'deletes files at the destination that the source lacks (rsync --delete)' : undefined),
  dropdb: () => 'drops a PostgreSQL database (dropdb)',
  dropuser: () => 'drops a PostgreSQL role (dropuser)',
  'redis-cli': (args) => (args.some((a) => /^flush(all|db)$/i.test(a)) ? 'empties Redis (FLUSHALL/FLUSHDB)' : undefined),
  docker: (args) => containerVerdict('docker', args),
  podman: (args) => containerVerdict('podman', args),
  'docker-compose': (args) => (subcommand(args) === 'down' && hasFlag(args, 'v', '--volumes') ? 'removes containers and their volumes (docker-compose down -v)' : undefined),
  kubectl: (args) => (/^(delete|drain)$/.test(subcommand(args)) ? `${subcommand(args) === 'delete' ? 'deletes Kubernetes resources' : 'evicts every pod from a node'} (kubectl ${subcommand(args)})` : undefined),
  terraform: (args) => (subcommand(args) === 'destroy' || args.includes('-destroy') ? 'destroys infrastructure (terraform destroy)' : undefined),
  iptables: (args) => (hasFlag(args, 'FX', '--flush', '--delete-chain') ? 'flushes firewall rules (iptables -F)' : undefined),
  userdel: () => 'deletes a user account (userdel)',
  groupdel: () => 'deletes a group (groupdel)',
};

function containerVerdict(tool: string, args: string[]): string | undefined {
  const words = operands(args);
  const verb = words[0] ?? '';
  if (verb === 'rm' || verb === 'rmi' || (verb === 'volume' && /^(rm|prune)$/.test(words[1] ?? '')) || words.includes('prune')) {
    return `deletes containers, images or volumes (${tool} ${words.slice(0, 2).join(' ')})`;
  }
  if (verb === 'stop' || verb === 'kill') return `stops containers (${tool} ${verb})`;
  if (verb === 'compose' && words[1] === 'down' && hasFlag(args, 'v', '--volumes')) return `removes containers and their volumes (${tool} compose down -v)`;
  return undefined;
}

function overwrite(redirect: ShellRedirect): string | undefined {
  const writes = redirect.op === '>' || redirect.op === '>|' || redirect.op === '&>';
  if (!writes || isHarmlessTarget(redirect.target) || /^\d+$/.test(redirect.target)) return undefined;
  return `overwrites ${redirect.target} (what it held is lost)`;
}

/** Where writing loses nothing: the bit bucket and the process's own streams. */
function isHarmlessTarget(target: string): boolean {
  return /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/.test(target) || /^\/proc\/self\/fd\/\d+$/.test(target) || target === '-' || target === '';
}

/** The call as a person would type it, cut to a readable length. */
function shown(call: ShellCall): string {
  const words = [call.name, ...call.args].map((w) => (w === '' || /[\s'"]/.test(w) ? `"${w.replace(/"/g, '\\"')}"` : w));
  const text = words.join(' ').replace(/\s+/g, ' ').replace(/`/g, "'");
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
