// Destructive-command rules for a host's own things: files, disks, services and processes,
// the network and firewall, packages, git, accounts and permissions. One entry per rule;
// destructive-rules.ts joins the tables.
import { copiedAsideUnderStamp } from './aside-copies.js';
import { perlFillsOnlyBlanks, sedFillsOnlyBlanks } from './blank-fills.js';
import { hasFlag, operands, options } from './command-args.js';
import { never, type DestructiveRule, type RuleInput } from './destructive-rule-types.js';
import { isHarmlessTarget } from './script-knowledge.js';
import { laidDownByTee } from './tee-targets.js';
import { isCachePath, isNamedScratch } from './disposable-paths.js';
import { rebuiltAfter } from './rebuilt-files.js';
import { movesOwnUnpackedFile } from './unpacked-moves.js';

/** A cache, or a path named outright in scratch space (disposable-paths.ts): removing its tree loses nothing kept. */
const disposable = (path: string): boolean => isCachePath(path) || isNamedScratch(path);

const SYSTEMCTL_VERBS = new Map([
  ['stop', 'stops a service'],
  ['disable', 'disables a service'],
  ['mask', 'masks a service so nothing can start it'],
  ['kill', "kills a service's processes"],
  ['isolate', 'switches the system to another target, stopping services'],
  ['poweroff', 'powers the machine off'],
  ['reboot', 'reboots the machine'],
  ['halt', 'halts the machine'],
  ['rescue', 'drops the machine into rescue mode'],
  ['emergency', 'drops the machine into emergency mode'],
]);
const SYSTEMCTL_OPTIONS = options('-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal', '--state', '-n', '--lines', '-o', '--output', '--kill-whom', '--root');
const PACKAGE_OPTIONS = options('-o', '--option', '-c', '--config-file', '-t', '--target-release', '--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '-e', '-d', '-x', '--exclude');
/** `/`, a top-level folder, or one folder down in /etc, /usr, /var: where a recursive permission change reaches the whole system. */
const SYSTEM_FOLDER = /^\/((etc|usr|var|home|root|bin|sbin|lib|lib64|opt|srv|boot|boot\/efi)(\/[^/$`*]+)?)?\/?$/;
const IP_OPTIONS = options('-n', '-netns', '-b', '-batch', '-rc', '-rcvbuf', '-f', '-family');

/** A backup's name: `X.orig`, `X.bak`, `backup/X`, `${dbBCKfile}.3`, `migration_backup/*`. */
const BACKUP_NAME = /backup|bck|\.bak\b|\.orig\b|\.old\b|\.save\b/i;
/**
 * A saved copy of data, by its name; not a backup tool being installed (`tools/backup_db.sh`,
 * `${BACKUP_SCRIPT_NAME}`): a program named for what it does is not the data it saves.
 */
const isBackupCopy = (word: string): boolean => BACKUP_NAME.test(word) && !/script|\.(sh|bash|py|pl)$/i.test(word);

/** The value of an option given as `-t DIR`, `--target-directory=DIR` or `--target-directory DIR`. */
function optionValueOf(args: string[], short: string, long: string): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const a = args[k] ?? '';
    if (a === short || a === long) return args[k + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
  }
  return undefined;
}

/** Operands (after options) that are files the script did not create: what a delete or overwrite would lose. */
function othersFiles(input: RuleInput, words: string[], scratch = true): string[] {
  return words.filter((w) => !isHarmlessTarget(w) && !input.knowledge.ownedByScript(w, { scratch }));
}

/** The dangerous part of `rm -r "$DIR/…"`: an empty variable turns the path into one under `/`. */
function rootRisk(words: string[]): string {
  const risky = words.find((a) => /^\$\{?[A-Za-z_]\w*\}?\//.test(a) || a === '/' || a === '/*');
  return risky ? `; if a variable in '${risky}' is empty, this starts from /` : '';
}

/** sgdisk's options that only read the disk or write elsewhere (a backup file); `--pretend` makes every change an in-memory one. */
const SGDISK_READS = new Set(['-i', '--info', '-p', '--print', '-v', '--verify', '-O', '--print-mbr', '-L', '--list-types', '-b', '--backup', '-V', '--version', '-?', '--help']);

function sgdiskOnlyReads(args: string[]): boolean {
  if (hasFlag(args, 'P', '--pretend')) return true;
  const given = args.filter((a) => a.startsWith('-')).map((a) => (a.startsWith('--') ? a.split('=')[0] ?? a : a.slice(0, 2)));
  return given.length > 0 && given.every((option) => SGDISK_READS.has(option));
}

function packageVerb(input: RuleInput): string | undefined {
  if (input.name === 'rpm') return hasFlag(input.args, 'e', '--erase') ? 'rpm -e' : undefined;
  if (input.name === 'apk') {
    const [verb, ...names] = operands(input.args);
    // `apk del .build-deps` after `apk add --virtual .build-deps …`: the group the run added for a build, taken away after it.
    const ownGroups = names.length > 0 && names.every((n) => input.knowledge.virtualPackages.has(n));
    return verb === 'del' && !ownGroups ? 'apk del' : undefined;
  }
  if (input.name === 'snap') return operands(input.args)[0] === 'remove' ? 'snap remove' : undefined;
  if (input.name === 'pacman') return input.args.some((a) => a === '--remove' || /^-R/.test(a)) ? 'pacman -R' : undefined;
  const verb = operands(input.args, PACKAGE_OPTIONS)[0] ?? '';
  return /^(remove|purge|autoremove|autopurge|erase|uninstall)$/.test(verb) ? `${input.name} ${verb}` : undefined;
}

function ipVerdict(args: string[]): string | false {
  const [object = '', verb = '', ...rest] = operands(args, IP_OPTIONS);
  const deletes = /^(del|delete|flush|destroy)$/.test(verb);
  if (/^(l|li|lin|link)$/.test(object)) return deletes ? `ip link ${verb}` : verb === 'set' && rest.includes('down') ? 'ip link set down' : false;
  if (/^(a|ad|add|addr|address|r|ro|rou|route|n|ne|neigh|ru|rule|netns|tunnel|tun|xfrm)$/.test(object) && deletes) return `ip ${object} ${verb}`;
  return false;
}

/** The files `sed -i` rewrites: its operands, less the script when no -e/-f gave one. */
function sedInPlaceFiles(args: string[]): string[] {
  if (!args.some((a) => a === '-i' || /^-i./.test(a) || a === '--in-place' || a.startsWith('--in-place=') || /^-[a-hj-zA-Z]*i[a-zA-Z]*$/.test(a))) return [];
  const words = operands(args, options('-e', '--expression', '-f', '--file', '-l', '--line-length'));
  const scripted = args.some((a) => a === '-e' || a === '-f' || a === '--expression' || a === '--file' || a.startsWith('--expression=') || a.startsWith('--file='));
  return scripted ? words : words.slice(1);
}

/** The files `perl -i` / `perl -pi -e …` rewrites: its operands after the code. */
function perlInPlaceFiles(args: string[]): string[] {
  if (!args.some((a) => /^-[pnlaws0]*i/.test(a))) return [];
  const words = operands(args, options('-e', '-E', '-M', '-I', '-m'));
  return args.some((a) => a === '-e' || a === '-E' || /^-[a-zA-Z]*[eE]$/.test(a)) ? words : words.slice(1);
}

/** What a git command overwrites in the work tree, or false: the local changes are not kept anywhere. */
function gitOverwrite(args: string[]): string | false {
  const [verb, ...rest] = operands(args, options('-C', '-c', '--git-dir', '--work-tree', '-m', '-b', '-B', '-X', '-s', '--strategy'));
  const force = hasFlag(args, 'f', '--force');
  const dashes = args.indexOf('--');
  const paths = dashes >= 0 ? args.slice(dashes + 1).filter((a) => a !== '') : [];
  if (verb === 'checkout') {
    if (force) return 'discards local changes in the work tree (git checkout -f)';
    if (paths.length > 0 || rest.includes('.')) return `overwrites ${paths.length > 0 ? paths.join(' ') : '.'} with the committed version, discarding local changes (git checkout -- PATH)`;
  }
  if (verb === 'switch' && (force || args.includes('--discard-changes'))) return 'discards local changes in the work tree (git switch --discard-changes)';
  if (verb === 'restore' && (!args.some((a) => a === '--staged' || a === '-S') || args.some((a) => a === '--worktree' || a === '-W'))) return 'overwrites work-tree files with the committed version, discarding local changes (git restore)';
  if (verb === 'merge') {
    const theirs = args.some((a, k) => /^-X.*theirs/.test(a) || /^--strategy-option=.*theirs/.test(a) || ((a === '-X' || a === '--strategy-option') && /theirs/.test(args[k + 1] ?? '')));
    if (theirs) return 'takes their side of every conflict, overwriting local changes (git merge -X theirs)';
  }
  if (verb === 'rm' && !args.includes('--cached')) return 'deletes tracked files from the work tree (git rm)';
  return false;
}

export const HOST_RULES: readonly DestructiveRule[] = [
  // files
  {
    id: 'rm-recursive',
    category: 'files',
    commands: ['rm'],
    matches: 'rm -r / -R / --recursive on a path the script did not create, nor a cache or a folder named outright under /tmp (a glob in /tmp is worth a look)',
    when: (i) => {
      if (!hasFlag(i.args, 'rR', '--recursive')) return false;
      // No operands: they come from elsewhere (`… | xargs rm -rf`), so nothing says they are the script's own.
      const all = operands(i.args);
      const words = othersFiles(i, all, false).filter((w) => !disposable(w) && !disposable(i.knowledge.resolve(w)));
      return (all.length === 0 || words.length > 0) && rootRisk(words);
    },
    reason: 'deletes files and folders recursively (rm -r){}',
    examples: { flags: ['ls -1t | tail -n +6 | xargs -r rm -rf', 'rm -rf /tmp/build-*', 'rm -rf /var/lib/apt/lists/* /usr/share/doc', 'work=$(mktemp -d)\nrm -rf "$work/../.."', 'mkdir -p /etc/app\nrm -rf /etc/app', 'rm -rf /srv/app/releases/1.2.0', 'rm -fR build', 'rm --recursive --force cache', 'sudo rm -r /opt/old'], quiet: ['work=$(mktemp -d)\nrm -rf "$work"', 'mkdir build/x\nrm -rf build/x', 'rm -f /tmp/lock', 'rm -rf "$DEPLOY_ROOT/releases/.unpack-$release"', 'rm -rf /tmp/build-cache', 'rm -rf /var/lib/apt/lists/*'] },
  },
  {
    id: 'rm-files',
    category: 'files',
    commands: ['rm', 'unlink'],
    matches: 'rm without -r (also rm -f), unlink, on files the script did not create',
    // A file written afresh right after (rebuilt-files.ts) holds what the program writes on each run.
    when: (i) => !hasFlag(i.args, 'rR', '--recursive') && (operands(i.args).length === 0 || othersFiles(i, operands(i.args)).filter((w) => !rebuiltAfter(i.knowledge.rewritesAhead, i.call.line, w, i.knowledge.armsNow)).length > 0),
    reason: 'deletes files (rm)',
    examples: { flags: ['rm -f /var/run/shop/worker.lock', 'rm /var/lib/shop/cache/*.tmp', 'nice -n 10 rm -f export.csv', 'find . -name "*.orig" | xargs rm -f', 'pick() {\n  local f\n  f=$(mktemp)\n  echo /etc/app.conf\n}\nc=$(pick)\nrm -f "$c"'], quiet: ['fetch() {\n  local tmp\n  tmp=$(mktemp)\n  if ! curl -fsSL -o "$tmp" "$1"; then\n    rm -f "$tmp"\n    exit 1\n  fi\n  echo "$tmp"\n}\nf=$(fetch https://example.org/x.sh) || exit 1\nrm -f "$f"', 'docker run --cidfile cids/boot.cid -d app:1\nCID=$(cat cids/boot.cid)\nrm -f cids/boot.cid', 'tmp=$(mktemp)\nrm -f "$tmp"', 'rm -f /tmp/lock', 'rm -f "$incoming/$name.part"', 'touch marker\nrm marker', 'echo x > out.txt\nrm -f out.txt'] },
  },
  {
    id: 'in-place-edit',
    category: 'files',
    commands: ['sed', 'perl'],
    matches: 'sed -i / --in-place, perl -i / -pi, on a file the script did not create or copy into place earlier, nor one its own repository ships, reached through the folder it runs from (an in-place edit overwrites it)',
    when: (i) => {
      const files = i.name === 'sed' ? sedInPlaceFiles(i.args) : perlInPlaceFiles(i.args);
      // Filling a placeholder or an empty setting replaces nothing anyone set (blank-fills.ts).
      if (files.length > 0 && (i.name === 'sed' ? sedFillsOnlyBlanks(i.args) : perlFillsOnlyBlanks(i.args))) return false;
      const others = othersFiles(i, files).filter((f) => !i.knowledge.copiedByScript(f) && !i.knowledge.inOwnCheckout(f));
      return others.length > 0 && others.join(' ');
    },
    reason: 'edits {} in place, overwriting what was there',
    examples: { flags: ['sed -i "s/^PORT=.*/PORT=8080/" /etc/app.conf', 'cp conf/filters /etc/postfix/\nsed -i s/a/b/ /etc/postfix', 'cp -r conf/app /etc/app\nsed -i s/a/b/ /etc/app/main.cf', 'sed -i s/a/b/ /etc/app.conf\ncp conf/app.conf /etc/app.conf', 'sed -i.bak -e s/a/b/ app.conf', 'sed --in-place=.orig "/^#/d" hosts', "perl -pi -e 's/a/b/' /etc/hosts"], quiet: ['tmp=$(mktemp)\nsed -i s/a/b/ "$tmp"', 'cp conf/filters /etc/postfix/filters\nsed -i "s/HOST/$HOST/" /etc/postfix/filters', 'sed -n 1p /etc/app.conf', "sed 's/a/b/' app.conf", "perl -ne 'print' /etc/hosts"] },
  },
  {
    id: 'mv-replace',
    category: 'files',
    commands: ['mv'],
    matches: 'mv of a file the script made onto a path it did not create (not -n, -b, into a folder given with a trailing / or -t, a folder the script made, or NAME.part onto NAME; nor a file from inside a folder the run made and filled, unless the script read the destination first)',
    when: (i) => {
      if (hasFlag(i.args, 'nbt', '--no-clobber') || i.args.some((a) => a.startsWith('--backup') || a.startsWith('--target-directory'))) return false;
      const words = operands(i.args, options('-S', '--suffix'));
      const [source, dest] = words;
      if (words.length !== 2 || source === undefined || dest === undefined || dest.endsWith('/')) return false;
      // A folder the script made replaces nothing (it lands inside a folder, or mv fails); and
      // `mv NAME.part NAME` completes the script's own download of NAME (write, then rename
      // into place), the idiom that keeps a half-written file from ever looking whole.
      if (i.knowledge.isFolderMadeByScript(source) || source === `${dest}.part` || source === `${dest}.partial` || source === `${dest}.download`) return false;
      if (movesOwnUnpackedFile(i, source, dest)) return false;
      const lost = i.knowledge.ownedByScript(source) ? othersFiles(i, [dest]) : [];
      return lost.length > 0 && lost.join(' ');
    },
    reason: 'replaces {} with a file the script wrote; what was there is lost (mv)',
    examples: {
      flags: ['postconf -n > /tmp/main-new.cf\nmv /tmp/main-new.cf /etc/postfix/main.cf', 'tmp=$(mktemp)\njq . /etc/docker/daemon.json > "$tmp"\nmv "$tmp" /etc/docker/daemon.json', 'mv -f /tmp/hosts.new /etc/hosts', 'T=$(mktemp)\nif [[ -f "$F" ]]; then\n  jq .ipv6=true "$F" >"$T" && mv "$T" "$F"\nelse\n  echo "{}" >"$T"\n  mv "$T" "$F"\nfi'],
      quiet: ['mv /etc/cron.d/purge.disabled /etc/cron.d/purge', 'mv app.log app.log.1', 'mv /tmp/hosts.new /etc/', 'mv -n /tmp/hosts.new /etc/hosts', 'mv --backup=numbered /tmp/hosts.new /etc/hosts', 'mv /tmp/build.tgz "/srv/archive/build-$(date +%s).tgz"', 'curl -o "$dir/app.tgz.part" "$url"\nmv "$dir/app.tgz.part" "$dir/app.tgz"', 'tmp=/srv/releases/.unpack-1\nmkdir "$tmp"\nmv "$tmp" /srv/releases/1', 'tmp=$(mktemp -d)\nmv "$tmp" /srv/releases/1', 'export RUN_PID="${RUN_PID:=$$}"\nT=$(mktemp)\nrender > "$T"\nmv "$T" "/var/lib/app/CHECKS.$RUN_PID"', 'F=relay/credentials.json\nif [[ -f "$F" ]]; then\n  echo "$F already exists"\nelse\n  relay credentials generate >"$F".tmp\n  mv "$F".tmp "$F"\nfi'],
    },
  },
  {
    id: 'cp-restore',
    category: 'restores',
    commands: ['cp'],
    matches: 'cp from a backup (a name with backup, bak, bck, orig, old) onto a file the script did not create (not -n)',
    when: (i) => {
      if (hasFlag(i.args, 'n', '--no-clobber') || i.args.includes('--update=none')) return false;
      const words = operands(i.args, options('-S', '--suffix', '-t', '--target-directory'));
      const target = optionValueOf(i.args, '-t', '--target-directory');
      const dest = target ?? words.at(-1);
      const sources = target !== undefined ? words : words.slice(0, -1);
      if (dest === undefined || sources.length === 0 || !sources.some((s) => isBackupCopy(s) || isBackupCopy(i.knowledge.resolve(s)))) return false;
      const lost = othersFiles(i, [dest]);
      return lost.length > 0 && lost.join(' ');
    },
    reason: 'restores a backup over {}: what it holds now is lost',
    examples: {
      flags: ['cp -p /etc/systemd/resolved.conf.orig /etc/systemd/resolved.conf', 'cp "${dbBackup}.${num}" "${liveDb}"', 'cp /srv/backup/app.db /var/lib/app/app.db'],
      quiet: ['cp /etc/app.conf /etc/app.conf.bak', 'cp "${TOOLS_DIR}/backup_db.sh" "${CRON_DIR}/backup_db.sh"', 'cp "${TOOLS_DIR}/${BACKUP_SCRIPT_NAME}" "$dest"', 'cp -n /etc/app.conf.orig /etc/app.conf', 'cp app.conf.example /etc/app.conf', 'tmp=$(mktemp)\ncp /srv/backup/app.db "$tmp"'],
    },
  },
  {
    // `-f` says the author expects a file at the destination and wants it replaced; without
    // it nothing in the script says one is there (`cp config.example config` makes a new file).
    id: 'cp-force',
    category: 'files',
    commands: ['cp'],
    matches: 'cp -f / --force / --remove-destination onto a file the script did not create (not -n, -b/--backup, -t, a destination ending in /, several sources or a glob: those go into a folder; nor a copy aside to SOURCE.$DATE / SOURCE.$VERSION)',
    when: (i) => {
      if (!hasFlag(i.args, 'f', '--force', '--remove-destination') || hasFlag(i.args, 'nbt', '--no-clobber', '--target-directory') || i.args.some((a) => a.startsWith('--backup'))) return false;
      const words = operands(i.args, options('-S', '--suffix'));
      const dest = words.at(-1);
      if (words.length < 2 || dest === undefined || dest.endsWith('/')) return false;
      // Several sources, or a glob (`cp -f samples/*.conf ${CONF_DIR}`), go into a folder, as with a trailing `/`.
      if (words.length > 2 || /[*?]/.test(words[0] ?? '')) return false;
      if (copiedAsideUnderStamp(words[0] ?? '', dest)) return false;
      const lost = othersFiles(i, [dest]);
      return lost.length > 0 && lost.join(' ');
    },
    reason: 'replaces {} with a copy; what was there is lost (cp -f)',
    examples: {
      flags: ['cp -f "$CUSTOM_DH" /etc/postfix/dhparams.pem', 'sudo cp --force /srv/app/nginx.conf /etc/nginx/nginx.conf', 'cp -af /srv/release/app.ini /etc/app/app.ini'],
      quiet: ['cp config.yml.example config.yml', 'cp -f app.conf /etc/app/', 'cp -f samples/jail.d/*.local "$JAIL_DIR"', 'cp -f a.conf b.conf /etc/app', 'cp -n defaults.conf /etc/app.conf', 'cp -f --backup=numbered app.conf /etc/app.conf', ': > /etc/postfix/virtual\ncp -f /srv/virtual.cf /etc/postfix/virtual', 'tmp=$(mktemp)\ncp -f /etc/hosts "$tmp"'],
    },
  },
  {
    id: 'find-delete',
    category: 'files',
    commands: ['find'],
    matches: 'find … -delete, find … -exec rm',
    when: (i) => i.args.includes('-delete') || (i.args.some((a) => a === '-exec' || a === '-execdir') && i.args.some((a) => /(^|\/)rm$/.test(a))),
    reason: 'deletes every file it finds (find -delete)',
    examples: { flags: ['find /var/log/app -name "*.gz" -mtime +30 -delete', 'find /var/crash -type f -exec rm -f {} +'], quiet: ['find /var/log -name "*.gz" -print'] },
  },
  {
    id: 'shred',
    category: 'files',
    commands: ['shred'],
    matches: 'shred',
    when: () => true,
    reason: 'overwrites files so they cannot be recovered (shred)',
    examples: { flags: ['shred -u secrets.txt'], quiet: [] },
  },
  {
    id: 'truncate',
    category: 'files',
    commands: ['truncate'],
    matches: 'truncate',
    when: () => true,
    reason: 'cuts files to a new size; what was past it is lost (truncate)',
    examples: { flags: ['truncate -s 0 /var/log/app.log'], quiet: [] },
  },
  {
    id: 'tee-overwrite',
    category: 'files',
    commands: ['tee'],
    matches: 'tee without -a, into a file the script did not create (nor its own file in a drop-in folder or a folder it made sure of, an apt key ring or source list drop-in, or a process substitution)',
    when: (i) => {
      if (hasFlag(i.args, 'a', '--append')) return false;
      const files = othersFiles(i, operands(i.args)).filter((f) => !laidDownByTee(i, f));
      return files.length > 0 && files.join(', ');
    },
    reason: 'overwrites {} (tee without -a)',
    examples: { flags: ['printf "%s\\n" "$CONFIG" | tee /etc/app.conf'], quiet: ['echo "deb https://x stable main" | tee /etc/apt/sources.list.d/x.list', 'tee -a deploy.log', 'tee /dev/null', 'exec > >(tee -a /var/log/build.log) 2>&1'] },
  },
  {
    id: 'redirect-overwrite',
    category: 'files',
    commands: [],
    matches:
      '`>`, `>|`, `&>` into a file the script did not create (not /dev/null, /tmp, a process substitution; not a file the script regenerates in full: emptied and then filled with `>>`/`cp` by the script, or written whole from the script\'s own text — a heredoc, `echo`/`printf` of words and variables — unless that text is empty, the file is a log, a file the system shares (`/etc/apt/sources.list`, `/etc/passwd`), a package\'s main configuration (`/etc/NAME/NAME.conf`), or one the script searched or backed up first; not output collected in a folder `mkdir -p` made sure of, unless a key, certificate, log or package configuration; not a write made only where a test said the file is missing; not an apt key ring or source list drop-in; not a file rendered from its own template, `NAME.in`/`NAME-template.EXT` or a template renderer; not a database dump (mysqldump, pg_dump, slapcat) written to its file)',
    when: never,
    reason: 'overwrites {} (what it held is lost)',
    examples: {
      flags: [
        'date > /srv/app/STATUS',
        'echo "" > /srv/app/queue.db',
        'cat <<EOF >/etc/apt/sources.list\ndeb https://deb.debian.org/debian bookworm main\nEOF',
        'if ! grep -q "quota" /etc/app/quota.conf; then\n  cat > /etc/app/quota.conf <<EOF\nquota = 1\nEOF\nfi',
        ': > /var/log/shop/current.log',
        'sort names.txt >| names.txt',
        ': > /srv/shop/app.log\necho started >> /srv/shop/app.log',
        'cat /srv/shop/defaults.conf > /etc/shop.conf <<EOF\nx\nEOF',
        'cat > /etc/shop.conf < /srv/shop/defaults.conf',
        ': > /etc/postfix/virtual\necho x >> /etc/postfix/virtual.new',
      ],
      quiet: [
        ': > /etc/postfix/virtual\ncp -f /srv/conf/virtual.cf /etc/postfix/virtual',
        'map=/etc/app/relay_map\n: > "$map"\nfor d in a b; do echo "@$d relay" >> /etc/app/relay_map; done',
        'fill() { echo "$1" >> /etc/dovecot/userdb; }\n: > /etc/dovecot/userdb\nfill a',
        'cat > /etc/logrotate.d/shop <<EOF\n/var/log/shop/*.log {\n  weekly\n}\nEOF',
        'cat > "/srv/shop/releases/$RELEASE/config.env" <<EOF\nRELEASE=$RELEASE\nEOF',
        'echo "$PRIMARY_HOSTNAME" > /etc/hostname',
        'if [ -f /etc/shop.conf ]; then\n  echo "port=80" > /etc/shop.conf\nfi',
        'mkdir -p "$DUMP/net"\nip route &> "$DUMP/net/routes"',
        "if [[ ! -f /etc/saslauthd.conf ]]; then\n  sed '/^$/d' > /etc/saslauthd.conf <<EOF\nldap_servers: x\nEOF\nfi",
        '[ -e /etc/mailname ] || hostname -f > /etc/mailname',
        'if [ -f /etc/shop.conf ]; then\n  echo kept\nelse\n  echo "port=80" > /etc/shop.conf\nfi','tmp=$(mktemp)\necho x > "$tmp"', 'touch out.txt\necho b > out.txt', 'OUT=/srv/r/orders-$(date +%F).csv\nquery > "$OUT"', 'date >> /var/log/deploy.log', 'make > /dev/null 2>&1', 'exec > >(tee -a /var/log/build.log) 2>&1', 'echo 3 > /proc/sys/vm/drop_caches',
      ],
    },
  },
  {
    id: 'rsync-delete',
    category: 'files',
    commands: ['rsync'],
    matches: 'rsync --delete*, --remove-source-files',
    when: (i) => i.args.some((a) => a.startsWith('--delete') || a === '--remove-source-files'),
    reason: 'deletes files at the destination that the source lacks (rsync --delete)',
    examples: { flags: ['rsync -a --delete build/ /srv/www/'], quiet: ['rsync -a build/ /srv/www/'] },
  },
  {
    id: 'journal-vacuum',
    category: 'files',
    commands: ['journalctl'],
    matches: 'journalctl --vacuum-time/size/files',
    when: (i) => i.args.some((a) => a.startsWith('--vacuum')),
    reason: 'deletes archived journal files (journalctl --vacuum)',
    examples: { flags: ['journalctl --vacuum-time=7d'], quiet: ['journalctl -u app --since today'] },
  },
  // disks
  {
    id: 'dd-of',
    category: 'disks',
    commands: ['dd'],
    matches: 'dd of=',
    when: (i) => i.args.find((a) => a.startsWith('of='))?.slice(3) ?? false,
    reason: 'writes raw bytes over {} (dd of=)',
    examples: { flags: ['dd if=/dev/zero of=/dev/sdb bs=1M count=10'], quiet: ['dd if=/dev/sda bs=512 count=1 | xxd'] },
  },
  {
    id: 'mkfs',
    category: 'disks',
    commands: ['mkfs', 'mke2fs', 'mkswap', 'mkfs.*'],
    matches: 'mkfs, mkfs.TYPE, mke2fs, mkswap',
    when: () => true,
    reason: 'creates a new filesystem, erasing what was on the device (mkfs)',
    examples: { flags: ['mkfs.ext4 -L pgdata /dev/nvme1n1p1', 'mkfs -t xfs /dev/sdc', 'mkswap /dev/sdb2'], quiet: [] },
  },
  {
    id: 'wipefs',
    category: 'disks',
    commands: ['wipefs'],
    matches: 'wipefs (not --no-act)',
    when: (i) => !hasFlag(i.args, 'n', '--no-act'),
    reason: 'erases filesystem signatures (wipefs)',
    examples: { flags: ['wipefs -a /dev/sdb'], quiet: ['wipefs -n /dev/sdb'] },
  },
  {
    id: 'partition-table',
    category: 'disks',
    commands: ['fdisk', 'sfdisk', 'sgdisk', 'parted'],
    matches: 'fdisk/sfdisk/sgdisk (not listing), parted rm/mklabel/mkpart/resizepart',
    when: (i) =>
      i.name === 'parted' ? i.args.some((a) => /^(rm|mklabel|mkpart|resizepart)$/.test(a)) : i.name === 'sgdisk' ? !sgdiskOnlyReads(i.args) : !hasFlag(i.args, 'ld', '--list', '--dump'),
    reason: "changes a disk's partition table",
    examples: { flags: ['parted -s /dev/sdb mklabel gpt mkpart primary ext4 0% 100%', 'sgdisk --zap-all /dev/sdb', 'sgdisk --info=1 --delete=1 /dev/sdb'], quiet: ['fdisk -l', 'parted /dev/sdb print', 'sgdisk --info=1 /dev/sdb', 'sgdisk --pretend --zap-all /dev/sdb'] },
  },
  {
    id: 'volume-remove',
    category: 'disks',
    commands: ['lvremove', 'vgremove', 'pvremove', 'lvreduce', 'zfs', 'zpool'],
    matches: 'lvremove, vgremove, pvremove, lvreduce; zfs destroy/rollback; zpool destroy/labelclear (pct/qm destroy fall to cli-delete-verb)',
    when: (i) => (i.name === 'zfs' ? /^(destroy|rollback)$/.test(i.args[0] ?? '') : i.name === 'zpool' ? /^(destroy|labelclear)$/.test(i.args[0] ?? '') : true),
    // A logical volume or dataset holds a filesystem: removing or shrinking it loses what was on it.
    reason: 'removes, shrinks or rolls back a volume, losing the data on it',
    examples: { flags: ['lvremove -f pve/vm-101-disk-0', 'vgremove data', 'lvreduce -L 10G /dev/vg/home', 'zfs destroy -r tank/backups', 'zfs rollback tank/db@monday', 'zpool destroy tank', 'pct exec 101 -- lvremove -y vg/old'], quiet: ['lvs', 'lvcreate -L 10G -n data vg0', 'zfs list -t snapshot', 'zfs snapshot tank/db@now', 'zpool status'] },
  },
  // services and processes
  {
    id: 'systemctl-stop',
    category: 'services',
    commands: ['systemctl'],
    matches: 'systemctl stop/disable/mask/kill/isolate/poweroff/reboot/halt/rescue/emergency',
    when: (i) => {
      const verb = operands(i.args, SYSTEMCTL_OPTIONS)[0] ?? '';
      const what = SYSTEMCTL_VERBS.get(verb);
      return what ? `${what} (systemctl ${verb})` : false;
    },
    reason: '{}',
    examples: { flags: ['systemctl stop nginx', 'systemctl disable --now nginx', 'systemctl --host cache-1 stop redis-server', 'ssh deploy@app-1 "sudo systemctl stop app"'], quiet: ['systemctl restart app', 'systemctl status app', 'systemctl reload nginx'] },
  },
  {
    id: 'service-stop',
    category: 'services',
    commands: ['service'],
    matches: 'service NAME stop',
    when: (i) => i.args[1] === 'stop',
    reason: 'stops a service (service stop)',
    examples: { flags: ['service app stop'], quiet: ['service app status'] },
  },
  {
    id: 'service-action-from-variable',
    category: 'services',
    commands: ['systemctl', 'service', 'sv', 'invoke-rc.d', 'rc-service'],
    // `systemctl "$CMD" nginx` in a function its callers give `stop`: the action is not in the
    // script's text, so whether it stops the service cannot be told here; an operator would check.
    matches: 'systemctl/service/sv/invoke-rc.d/rc-service (and /etc/init.d/NAME) whose action is a variable the script does not fix',
    when: (i) => {
      const words = operands(i.args, i.name === 'systemctl' ? SYSTEMCTL_OPTIONS : options('-w'));
      const action = i.name === 'systemctl' || i.name === 'sv' ? words[0] : words[1];
      return action !== undefined && /^\$/.test(action) && /[$`]/.test(i.knowledge.resolve(action)) && action;
    },
    reason: 'may stop or disable a service: the action comes from {}, which the script does not fix',
    examples: { flags: ['systemctl "$CMD" nginx', 'sudo /usr/sbin/invoke-rc.d nginx "$CMD"', 'sudo /etc/init.d/nginx "$CMD"', 'sv "$1" nginx'], quiet: ['CMD=reload\nsystemctl "$CMD" nginx', 'systemctl restart "$UNIT"', 'service "$NAME" status'] },
  },
  {
    id: 'sv-stop',
    category: 'services',
    commands: ['sv'],
    matches: 'runit sv stop / down / force-stop / force-shutdown / kill / exit (and their one-letter forms)',
    when: (i) => {
      const verb = operands(i.args, options('-w'))[0] ?? '';
      return /^(stop|down|d|force-stop|force-shutdown|kill|k|exit|x)$/.test(verb) && `sv ${verb}`;
    },
    reason: 'stops a runit service ({})',
    examples: { flags: ['sv stop nginx', 'sv -w 30 force-stop unicorn', 'ls /etc/service | xargs sv force-stop', 'sv d redis'], quiet: ['sv status nginx', 'sv up nginx', 'sv restart unicorn'] },
  },
  {
    id: 'supervisor-stop',
    category: 'services',
    commands: ['supervisorctl'],
    matches: 'supervisorctl stop / shutdown / remove / update / signal TERM|KILL|INT|QUIT (not restart, reread, status, signal HUP/USR1)',
    when: (i) => {
      const [verb = '', ...rest] = operands(i.args, options('-c', '--configuration', '-s', '--serverurl', '-u', '--username', '-p', '--password'));
      if (verb === 'stop' || verb === 'shutdown' || verb === 'remove') return `supervisorctl ${verb}`;
      // `update` applies changed configuration: programs removed from it are stopped and removed, changed ones restarted.
      if (verb === 'update') return 'supervisorctl update';
      if (verb === 'signal' && /^(SIG)?(TERM|KILL|INT|QUIT|STOP|9|15|2|3)$/i.test(rest[0] ?? '')) return `supervisorctl signal ${rest[0] ?? ''}`;
      return false;
    },
    reason: 'stops supervised programs ({})',
    examples: { flags: ['supervisorctl stop worker:*', 'supervisorctl update', 'supervisorctl -c /etc/supervisord.conf shutdown', 'supervisorctl signal SIGKILL postfix'], quiet: ['supervisorctl status', 'supervisorctl reread', 'supervisorctl restart worker', 'supervisorctl signal SIGHUP postfix', 'supervisorctl start worker'] },
  },
  {
    id: 'kill',
    category: 'services',
    commands: ['kill', 'pkill', 'killall'],
    matches: 'kill (not -0, -l), pkill, killall',
    when: (i) => {
      // A hang-up asks a daemon to reload; it keeps running. USR1/USR2 mean what each program
      // makes them mean (a script's trap may exit on USR1), so they stay flagged.
      // Not runsvdir: on HUP it stops every service it supervises and exits (runit's shutdown).
      if (!i.args.some((a) => /runsvdir/i.test(a)) && i.args.some((a, n) => RELOAD_SIGNAL.test(a) || (/^(-s|--signal)$/.test(a) && /^(SIG)?HUP$/i.test(i.args[n + 1] ?? '')))) return false;
      // CONT wakes a stopped process; it ends nothing, whatever the program.
      if (i.args.some((a, n) => RESUME_SIGNAL.test(a) || (/^(-s|--signal)$/.test(a) && /^(SIG)?CONT$/i.test(i.args[n + 1] ?? '')))) return false;
      if (i.name === 'pkill') return 'kills every process whose name matches (pkill)';
      if (i.name === 'killall') return 'kills every process with that name (killall)';
      return !i.args.some((a) => a === '-0' || a === '-l' || a === '-L' || a === '-s0') && 'signals processes, usually to end them (kill)';
    },
    reason: '{}',
    examples: { flags: ['kill -TERM "$(cat /run/app.pid)"', 'pkill -9 -f worker', 'killall node', 'kill -9 -1', 'kill -1', 'kill -HUP $RUNSVDIR', 'pkill -HUP runsvdir', 'kill -SIGUSR1 1'], quiet: ['kill -0 "$PID"', 'pgrep -fa exporter', 'killall -HUP rsyslogd', 'pkill --signal HUP -x dnsmasq', 'kill -s SIGHUP 1234'] },
  },
  {
    id: 'power',
    category: 'services',
    commands: ['reboot', 'poweroff', 'halt', 'shutdown'],
    matches: 'reboot, poweroff, halt, shutdown (not shutdown -c)',
    when: (i) => !(i.name === 'shutdown' && i.args.includes('-c')),
    reason: 'reboots or powers the machine off',
    examples: { flags: ['sudo reboot', 'shutdown -r +5'], quiet: ['shutdown -c'] },
  },
  // network and firewall
  {
    id: 'ip-delete',
    category: 'network',
    commands: ['ip'],
    matches: 'ip link/addr/route/neigh/rule/netns delete|del|flush, ip link set … down',
    when: (i) => ipVerdict(i.args),
    reason: 'removes or takes down network configuration ({})',
    examples: { flags: ['ip link delete br-lab type bridge', 'ip link del eth0.42', 'ip addr flush dev eth1', 'ip route del 10.42.0.0/16 via 10.0.0.1', 'ip link set br-lab down'], quiet: ['ip -br link show', 'ip addr show dev eth1', 'ip route show', 'ip link set eth1 up'] },
  },
  {
    id: 'ifdown',
    category: 'network',
    commands: ['ifdown'],
    matches: 'ifdown',
    when: () => true,
    reason: 'takes a network interface down (ifdown)',
    examples: { flags: ['ifdown eth1'], quiet: [] },
  },
  {
    id: 'iptables-flush',
    category: 'network',
    commands: ['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft'],
    matches: 'iptables -F / -X / -D (also --flush, --delete-chain, --delete)',
    when: (i) => hasFlag(i.args, 'FXD', '--flush', '--delete-chain', '--delete'),
    reason: 'deletes firewall rules or chains (iptables -F/-X/-D)',
    examples: { flags: ['iptables -F', 'iptables -t nat -F', 'iptables -X', 'iptables -D INPUT -s 203.0.113.0/24 -j DROP', 'sudo bash -c "iptables -F SHOP-IN"'], quiet: ['iptables -L -n -v', 'iptables -S', 'iptables -A INPUT -j DROP'] },
  },
  {
    id: 'iptables-restore',
    category: 'network',
    commands: ['iptables-restore', 'ip6tables-restore'],
    matches: 'iptables-restore (not --test, not --noflush)',
    when: (i) => !hasFlag(i.args, 'tn', '--test', '--noflush'),
    reason: 'replaces every firewall rule with the file’s (iptables-restore)',
    examples: { flags: ['iptables-restore < /etc/iptables/rules.v4'], quiet: ['iptables-restore --test < rules.v4'] },
  },
  {
    id: 'nft-delete',
    category: 'network',
    commands: ['nft'],
    matches: 'nft flush / delete / destroy',
    when: (i) => /^(flush|delete|destroy)$/.test(operands(i.args, options('-f', '--file', '-I', '--includepath'))[0] ?? '') && `nft ${operands(i.args)[0]}`,
    reason: 'deletes firewall rules, chains or tables ({})',
    examples: { flags: ['nft flush ruleset', 'nft delete table inet blocklist'], quiet: ['nft list ruleset', 'nft -c -f /etc/nftables.conf'] },
  },
  {
    id: 'ufw-reset',
    category: 'network',
    commands: ['ufw'],
    matches: 'ufw reset / delete / disable',
    when: (i) => /^(reset|delete|disable)$/.test(operands(i.args)[0] ?? '') && `ufw ${operands(i.args)[0]}`,
    reason: 'removes firewall rules or turns the firewall off ({})',
    examples: { flags: ['ufw --force reset', 'ufw delete allow 8080'], quiet: ['ufw status verbose'] },
  },
  {
    id: 'network-apply',
    category: 'network',
    commands: ['netplan'],
    matches: 'netplan apply',
    // `netplan try` rolls back unless confirmed; `apply` does not.
    when: (i) => operands(i.args)[0] === 'apply',
    reason: 'applies the network configuration now: interfaces are reconfigured and connections can drop (netplan apply)',
    examples: { flags: ['netplan apply'], quiet: ['netplan generate', 'netplan get', 'netplan try --timeout 60'] },
  },
  // packages
  {
    id: 'selinux-module-remove',
    category: 'packages',
    commands: ['semodule'],
    matches: 'semodule -r/--remove (also after -X PRIORITY)',
    when: (i) => hasFlag(i.args, 'r', '--remove'),
    reason: 'removes an installed SELinux policy module; what it allowed is denied from then on (semodule -r)',
    examples: { flags: ['semodule -r rke2', 'semodule -X 200 -r rke2', 'semodule --remove=rke2'], quiet: ['semodule -l', 'semodule -i rke2.pp'] },
  },
  {
    id: 'package-remove',
    category: 'packages',
    commands: ['apt', 'apt-get', 'aptitude', 'yum', 'dnf', 'microdnf', 'zypper', 'rpm', 'apk', 'snap', 'pacman'],
    matches: 'apt/apt-get/yum/dnf/zypper remove|purge|autoremove|erase, rpm -e, apk del, snap remove, pacman -R',
    when: (i) => packageVerb(i) ?? false,
    reason: 'removes installed packages ({})',
    examples: { flags: ['apt-get remove -y collectd', 'apt-get purge -y "nagios-*"', 'apt-get autoremove -y', 'yum remove -y "php-*"', 'dnf -y autoremove', 'rpm -e httpd-tools', 'pacman --noconfirm -R openvpn', 'pacman -Rns unbound'], quiet: ['pacman -Syu --noconfirm openvpn', 'apt-get install -y nginx', 'apt-get update', 'dnf install -y nginx', 'rpm -qa "php*"'] },
  },
  // git
  {
    id: 'git-push-force',
    category: 'git',
    commands: ['git'],
    matches: 'git push --force/-f/--force-with-lease/--mirror, or a +refspec',
    when: (i) => operands(i.args)[0] === 'push' && (hasFlag(i.args, 'f', '--force', '--force-with-lease', '--mirror') || operands(i.args).some((a) => a.startsWith('+'))),
    reason: 'rewrites a remote branch (git push --force)',
    examples: { flags: ['git push --force origin main', 'git push origin +main', 'git push --force-with-lease origin main'], quiet: ['git push origin main'] },
  },
  {
    id: 'git-push-delete',
    category: 'git',
    commands: ['git'],
    matches: 'git push --delete / -d, or a :refspec',
    when: (i) => operands(i.args)[0] === 'push' && (hasFlag(i.args, 'd', '--delete') || operands(i.args).some((a) => a.startsWith(':'))),
    reason: 'deletes a remote branch or tag (git push --delete)',
    examples: { flags: ['git push origin --delete release/2023.4', 'git push origin :old-branch'], quiet: ['git push origin v2024.1'] },
  },
  {
    id: 'git-discard',
    category: 'git',
    commands: ['git'],
    matches: 'git reset --hard, git clean -f, git branch -D',
    when: (i) => {
      const verb = operands(i.args)[0];
      if (verb === 'reset' && i.args.includes('--hard')) return 'discards uncommitted changes (git reset --hard)';
      if (verb === 'clean' && hasFlag(i.args, 'f', '--force')) return 'deletes untracked files (git clean -f)';
      if (verb === 'branch' && (hasFlag(i.args, 'D') || (hasFlag(i.args, 'd', '--delete') && hasFlag(i.args, 'f', '--force')))) return 'deletes a branch that may not be merged (git branch -D)';
      return false;
    },
    reason: '{}',
    examples: { flags: ['git reset --hard origin/main', 'git clean -fdx -e .env', 'git branch -D release/2023.4'], quiet: ['git status --short', 'git tag -f deployed', 'git fetch --prune origin'] },
  },
  {
    id: 'git-overwrite',
    category: 'git',
    commands: ['git'],
    matches: 'git checkout -f / -- PATH / ., git restore (not --staged alone), git switch -f, git merge -X theirs, git rm (not --cached)',
    when: (i) => gitOverwrite(i.args),
    reason: '{}',
    examples: {
      flags: ['git checkout -f', 'git checkout -f origin/master', 'git checkout origin -- _modules', 'git checkout .', 'git restore app.conf', 'git restore --staged --worktree app.conf', 'git switch --discard-changes main', 'git merge -Xtheirs -m "After update"', 'git merge -X"${MERGE_STRATEGY:-theirs}" -Xpatience', 'git merge --strategy-option=theirs origin/main', 'git rm data/conf/secret.inc'],
      quiet: ['git checkout main', 'git checkout -b feature/x', 'git restore --staged app.conf', 'git rm --cached secrets.env', 'git merge --ff-only origin/main', 'git merge -Xpatience origin/main', 'git checkout -- ', 'git switch main'],
    },
  },
  // access
  {
    // A permission change deletes and overwrites nothing, so it is not destructive; but a
    // recursive one over a system folder, or over a path that starts with a variable (empty,
    // it starts from /), can lock a service or every user out, which an operator wants to see.
    id: 'recursive-ownership',
    category: 'access',
    level: 'note',
    commands: ['chmod', 'chown', 'chgrp'],
    matches: 'chmod/chown/chgrp -R of a system folder (/, /etc, /var/lib, …) or of a path that starts with a variable: a note, not a destructive finding',
    when: (i) => {
      if (!hasFlag(i.args, 'R', '--recursive')) return false;
      const paths = operands(i.args, options('--reference', '--from')).slice(1);
      const risky = paths.find((p) => SYSTEM_FOLDER.test(p) || /^\$\{?[A-Za-z_]\w*\}?\//.test(p));
      if (risky === undefined) return false;
      const what = i.name === 'chmod' ? 'permissions' : i.name === 'chown' ? 'the owner' : 'the group';
      return `changes ${what} of everything under ${risky} (${i.name} -R)${/^\$/.test(risky) ? `; if the variable in '${risky}' is empty, this starts from /` : ''}`;
    },
    reason: '{}',
    examples: { flags: ['chmod -R 777 /srv', 'chown -R deploy: /', 'chown -R www-data "$APP_ROOT/"', 'chmod -R go-w /etc/ssl', 'sudo chgrp -R staff /usr/local'], quiet: ['chmod 600 key.pem', 'chown -R postgres:postgres /var/lib/postgresql', 'chmod -R 0700 keys/', 'chown -R app: "$(mktemp -d)"'] },
  },
  {
    id: 'crontab-remove',
    category: 'access',
    commands: ['crontab'],
    matches: 'crontab -r',
    when: (i) => hasFlag(i.args, 'r'),
    reason: 'removes the whole crontab (crontab -r)',
    examples: { flags: ['crontab -r -u alice'], quiet: ['crontab -l -u alice'] },
  },
  {
    id: 'account-delete',
    category: 'access',
    commands: ['userdel', 'groupdel', 'deluser', 'delgroup', 'ldapdelete'],
    matches: 'userdel, groupdel, deluser, delgroup, ldapdelete',
    when: () => true,
    reason: 'deletes a user account or group',
    examples: { flags: ['userdel -r alice', 'groupdel contractors', 'ldapdelete -x -r "$BASE_DN"'], quiet: [] },
  },
];

/** `-HUP`, `-SIGHUP`, `--signal=HUP`: reload, not end. */
const RELOAD_SIGNAL = /^(-(SIG)?HUP|--signal=(SIG)?HUP)$/i;
/** `-CONT`, `-SIGCONT`, `--signal=CONT`: resume a stopped process. */
const RESUME_SIGNAL = /^(-(SIG)?CONT|--signal=(SIG)?CONT)$/i;
