// General causes behind the misses and false alarms measured on real public scripts
// (test/fixtures/destructive-real/README.md): each case is a small look-alike written for the
// cause, not a line copied from those scripts.
import { describe, expect, it } from 'vitest';
import { destructiveFindings, ScriptKnowledge } from '../../src/core/authoring/destructive-commands.js';

const rules = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);

describe('names the script gives its own meaning', () => {
  it('judges a function the script defines, not the system command it shadows', async () => {
    const script = ['shutdown() {', '  echo stopping', '}', 'trap shutdown TERM', 'shutdown', 'reboot() { echo no; }', 'reboot'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags the system command when no function of that name is defined', async () => {
    expect(await rules('echo bye\nshutdown -h now')).toContain('power');
  });

  it('does not call the script re-running itself "cannot tell what runs"', async () => {
    expect(await rules('exec "$0" "$@"')).toEqual([]);
    expect(await rules('exec $0 ${SAVED_ARGV[@]}')).toEqual([]);
    expect(await rules('bash "$0" --retry')).toEqual([]);
  });
});

describe('test brackets', () => {
  it("reads [ \"$a\" '<' \"$b\" ] as a comparison, not as a command named by $a", async () => {
    const script = ['cmp() {', '  local a=$1 b=$2', '  if [ "$a" \'<\' "$b" ]; then', '    return 1', '  elif [ "$a" \'>\' "$b" ]; then', '    return 0', '  fi', '  return 1', '}'].join('\n');
    expect(await rules(script)).toEqual([]);
  });
});

describe('redis scripts', () => {
  it('flags EVAL whose Lua deletes or flushes keys, not one that only reads', async () => {
    expect(await rules(`redis-cli -a "$PASS" EVAL "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 'sess:*'`)).toContain('redis-delete');
    expect(await rules(`redis-cli EVAL "return redis.call('UNLINK', KEYS[1])" 1 a`)).toContain('redis-delete');
    expect(await rules(`docker exec cache redis-cli EVALSHA "$(cat x)" 0; redis-cli eval "redis.call('flushdb')" 0`)).toContain('redis-delete');
    expect(await rules(`redis-cli EVAL "return redis.call('get', KEYS[1])" 1 del`)).not.toContain('redis-delete');
  });
});

describe('editing a file in place', () => {
  it('flags sed -i and perl -pi on a file the script did not create', async () => {
    expect(await rules('sed -i "s/^A=.*/A=1/" /etc/app.conf')).toContain('in-place-edit');
    expect(await rules('sed -i --follow-symlinks "/DB/c\\DB=x" "$DIR/app.conf"')).toContain('in-place-edit');
    expect(await rules('sed -i.bak -e s/a/b/ app.conf')).toContain('in-place-edit');
    expect(await rules("perl -pi -e 's/a/b/' /etc/hosts")).toContain('in-place-edit');
    expect(await rules("perl -i -pe 's/a/b/' cfg.ini")).toContain('in-place-edit');
  });

  it('stays quiet on a file the script made, and on sed that only prints', async () => {
    expect(await rules('tmp=$(mktemp)\necho a > "$tmp"\nsed -i s/a/b/ "$tmp"')).not.toContain('in-place-edit');
    expect(await rules('sed -n 1p /etc/app.conf')).toEqual([]);
    expect(await rules("sed 's/a/b/' /etc/app.conf > /tmp/x")).toEqual([]);
    expect(await rules("perl -ne 'print' /etc/hosts")).toEqual([]);
  });
});

describe('a restore inside a multi-line shell string given to a container', () => {
  it('flags the SQL load in docker run … sh -c "…" spanning lines', async () => {
    const script = ['docker run -i --rm \\', '  -v data:/var/lib/mysql \\', '  "$IMAGE" /bin/sh -c "mysqld & \\', '  until mysqladmin ping; do sleep 3; done && \\', '  gunzip < backup/db.gz | mysql -uroot && \\', '  mysql -uroot -e \'SHUTDOWN\'"'].join('\n');
    const found = await destructiveFindings(script);
    expect(found.map((f) => f.rule)).toContain('sql-load');
    expect(found.find((f) => f.rule === 'sql-load')?.line).toBe(1);
  });

  it('flags psql -f and < dump through docker exec and kubectl exec sh -c', async () => {
    expect(await rules('docker exec db sh -c "\n  psql -U app -f /backup/app.sql app\n"')).toContain('sql-load');
    expect(await rules('kubectl exec -i db-0 -- bash -c "\n  mysql shop < /tmp/shop.sql\n"')).toContain('sql-load');
  });
});

describe('runit services', () => {
  it('flags sv stop, force-stop, kill and down, not status or up', async () => {
    for (const verb of ['stop', 'force-stop', 'kill', 'down', 'force-shutdown', 'exit']) expect(await rules(`sv ${verb} nginx`), verb).toContain('sv-stop');
    expect(await rules('ls /etc/service | xargs sv force-stop')).toContain('sv-stop');
    expect(await rules('sv -w 7 stop unicorn')).toContain('sv-stop');
    expect(await rules('sv status nginx')).toEqual([]);
    expect(await rules('sv up nginx')).toEqual([]);
  });
});

describe('what the script made, and where', () => {
  it('does not take `[ -f F ] || touch F` as making F: the file may well have been there', async () => {
    expect(await rules('[[ -f /etc/rspamd/override.d/x.conf ]] || touch /etc/rspamd/override.d/x.conf\nsed -i "s/a/b/" /etc/rspamd/override.d/x.conf')).toContain('in-place-edit');
    const inFunction = ['set_option() {', '  local FILE="${OVERRIDE_D}/${1}"', '  [[ -f ${FILE} ]] || touch "${FILE}"', '  sed -i -E "s|a|b|g" "${FILE}"', '}'].join('\n');
    expect(await rules(inFunction)).toContain('in-place-edit');
    expect(await rules('touch /srv/app/marker.conf\nsed -i "s/a/b/" /srv/app/marker.conf')).toEqual([]);
  });

  it('takes a file made in one function as the script’s own in that function only', async () => {
    const two = ['setup_rotate() {', '  cat /srv/app/rotate.tmpl > /etc/app/rotate.conf', '}', 'add_hook() {', '  sed -i "s|}|  postrotate\\n  endscript\\n}|" /etc/app/rotate.conf', '}'].join('\n');
    expect((await destructiveFindings(two)).map((f) => [f.line, f.rule])).toEqual([
      [2, 'redirect-overwrite'],
      [5, 'in-place-edit'],
    ]);
    const one = ['regen() {', '  : > /etc/postfix/virtual', '  cp -f /srv/conf/virtual.cf /etc/postfix/virtual', '  sed -i "/^#/d" /etc/postfix/virtual', '}'].join('\n');
    expect(await rules(one)).toEqual([]);
  });
});

describe('a command named by a variable declared empty first', () => {
  it('judges `CRI=` then `CRI=docker` / `CRI=podman` by the programs it is set to', async () => {
    const set = ['CRI=', 'if command -v docker >/dev/null; then CRI=docker; else CRI=podman; fi'];
    expect(await rules([...set, '${CRI} exec -t "${CONTAINER_NAME}" setup "$@"'].join('\n'))).toEqual([]);
    expect(await rules([...set, '${CRI} rm -f "${CONTAINER_NAME}"'].join('\n'))).toContain('container-delete');
    expect(await rules('TOOL=\nTOOL="$1"\n${TOOL} status')).toContain('command-from-variable');
  });
});

describe('traps', () => {
  it('judges a trap’s command as the exit runs it, after the rest of the statement', async () => {
    const made = ['make_log() {', '  trap \'rm -f "${ERR_LOG}"\' EXIT', '  ERR_LOG=$(run_as_app --quiet mktemp)', '}'].join('\n');
    expect(await rules(made)).toEqual([]);
    const theirs = ['clean() {', '  trap \'rm -f "${STATE}"\' EXIT', '  STATE=/var/lib/app/state.json', '}'].join('\n');
    expect(await rules(theirs)).toContain('rm-files');
  });
});

describe('wrapper options', () => {
  it('reads `sudo -HEu USER cmd` as running cmd, the bundled -u taking USER', async () => {
    expect(await rules('sudo -HEu "${APP_USER}" make install')).toEqual([]);
    expect(await rules('sudo -HEu "${APP_USER}" rm -rf /srv/app/shared')).toContain('rm-recursive');
    expect(await rules('as_app() { sudo -HEu "${APP_USER}" "$@"; }\nas_app git config --global gc.auto 0')).toEqual([]);
  });
});

describe('what a clone makes', () => {
  it('takes the folder `git clone` made (also through sudo or a wrapper) as the script’s own', async () => {
    const clone = ['as_app() { sudo -HEu "${APP_USER}" "$@"; }', 'as_app git clone -q -b v1.2 --depth 1 "${REPO_URL}" "${INSTALL_DIR}"', 'rm -rf "${INSTALL_DIR}/log"', 'as_app sed -i "s/a/b/" "${INSTALL_DIR}/config/app.rb"', 'as_app "PATH=$PATH" make -C "${INSTALL_DIR}" setup'].join('\n');
    expect(await rules(clone)).toEqual([]);
    expect(await rules('git clone https://example.org/shop.git\nrm -rf shop/tmp')).toEqual([]);
    // What was there before the clone, or beside it, is not.
    expect(await rules('git clone "${REPO_URL}" "${INSTALL_DIR}"\nrm -rf "${DATA_DIR}/uploads"')).toContain('rm-recursive');
    expect(await rules('git -C "${INSTALL_DIR}" pull\nrm -rf "${INSTALL_DIR}/log"')).toContain('rm-recursive');
  });
});

describe('what a download wrote', () => {
  it('takes the file curl -o / wget -O / wget -P just wrote as the run’s own', async () => {
    expect(await rules('wget -cq "${URL}" -O "${BUILD}/shell.tar.bz2"\ntar xf "${BUILD}/shell.tar.bz2" -C /tmp/shell\nrm -rf "${BUILD}/shell.tar.bz2"')).toEqual([]);
    expect(await rules('wget -cnv https://go.dev/dl/go${V}.linux-amd64.tar.gz -P ${BUILD}/\nrm -f ${BUILD}/go${V}.linux-amd64.tar.gz')).toEqual([]);
    expect(await rules('curl -fsSL -o /opt/app/app.tgz "$URL"\nrm /opt/app/app.tgz')).toEqual([]);
    expect(await rules('curl -fsSL "$URL" | tar -xz -C /tmp/x\nrm -f /opt/app/app.tgz')).toContain('rm-files');
  });
});

describe('commands inside a multi-line bash -c string', () => {
  it('reports each inner command at its own line, showing itself', async () => {
    const script = ['for ct in $(pct list | awk \'{print $1}\'); do', '  pct exec "$ct" -- bash -c \'', '    echo cleaning', '    find /var/log -type f -delete', '    apt-get -y --purge autoremove', '  \'', 'done'].join('\n');
    const found = await destructiveFindings(script);
    expect(found.map((f) => [f.line, f.rule])).toEqual(expect.arrayContaining([[4, expect.any(String)], [5, expect.any(String)]]));
    expect(found.find((f) => f.line === 4)?.reason).toContain('find /var/log -type f -delete');
    expect(found.some((f) => f.line === 2)).toBe(false);
  });

  it('reads a double-quoted multi-line bash -c line by line', async () => {
    const found = await destructiveFindings('echo a\nbash -c "echo cleaning\n  rm -rf /srv/app/cache"');
    expect(found.map((f) => [f.line, f.rule])).toEqual([[3, 'rm-recursive']]);
  });

  it('keeps the outer line for a one-line bash -c', async () => {
    const found = await destructiveFindings("echo start\nsudo bash -c 'rm -rf /srv/app/cache'");
    expect(found.map((f) => f.line)).toEqual([2]);
  });
});

describe('unquoted words the grammar splits', () => {
  // tree-sitter-bash reads `$DIR/mail.$domain.crt` as two arguments (`$DIR/mail.$`, `domain.crt`):
  // a one-source `cp -f` then looked like several sources going into a folder.
  it('reads $DIR/name.$var.ext as one path, so cp -f of one file over another still flags', async () => {
    const found = await destructiveFindings('cp -f $DATA/ssl/mail.$domain.crt $HOME_DIR/$user/conf/ssl/$domain.crt');
    expect(found.map((f) => f.rule)).toContain('cp-force');
    expect(found.find((f) => f.rule === 'cp-force')?.reason).toContain('$HOME_DIR/$user/conf/ssl/$domain.crt');
  });

  it('still reads several such sources as going into a folder', async () => {
    expect(await rules('cp -f $DATA/mail.$domain.crt $DATA/mail.$domain.key $CONF_DIR')).not.toContain('cp-force');
  });
});

describe('programs found by a PATH lookup', () => {
  it('judges a variable set by command -v NAME as that program, also with PATH= before it, || true after it, or closed descriptors first', async () => {
    const script = [
      'get() {',
      '  curl="$(PATH="${PATH}:/opt/app/bin" command -v curl 2>/dev/null && true)"',
      '  "${curl}" -sSL "$1"',
      '}',
      'MD5="$(exec <&- 2>&-; which md5sum || command -v md5sum || type md5sum)"',
      '$MD5 file',
      'WGET="$(command -v wget 2>/dev/null || true)"',
      '${WGET} -q -O - http://example.test',
    ].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still cannot tell what runs when the substitution does more than look a name up', async () => {
    expect(await rules('X="$(PATH=/opt/bin command -v curl; read_name)"\n$X')).toContain('command-from-variable');
    expect(await rules('X="$(command -v "$TOOL" || true)"\n$X')).toContain('command-from-variable');
  });
});

describe('folders made only in one branch', () => {
  const script = (after: string): string =>
    ['if [ "$create_user" = yes ]; then', '  mkdir "$USER_DIR"', '  cp -f /srv/new/a.conf "$USER_DIR/a.conf"', 'fi', after].join('\n');

  it('flags cp -f into a folder an if with no other arm made, once that if has ended (the folder may have been there)', async () => {
    expect(await rules(script('cp -f "$tmpdir/backup/a.crt" "$USER_DIR/ssl/a.crt"'))).toContain('cp-force');
  });

  it('stays quiet inside that arm, and after an if whose arms each make the folder', async () => {
    expect(await rules(script(''))).toEqual([]);
    const each = ['if [ "$mode" = a ]; then', '  mkdir "$OUT"', 'else', '  mkdir "$OUT"', 'fi', 'cp -f /srv/new/a.conf "$OUT/a.conf"'].join('\n');
    expect(await rules(each)).toEqual([]);
  });
});

describe('names a function uses before the main body sets them', () => {
  it('knows a cleanup function above the main body removes the temporary file the body makes later', async () => {
    const script = ['cleanup() {', '  [ -n "${logfile}" ] && rm "${logfile}" && logfile=', '}', 'logfile=', 'logfile="$(mktemp -t app.log.XXXXXX)"', 'trap cleanup EXIT'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags it when the script also sets that name to a path that was there before', async () => {
    const script = ['cleanup() {', '  rm -f "${logfile}"', '}', 'logfile="$(mktemp)"', '[ -n "$KEEP" ] && logfile=/var/log/app.log', 'cleanup'].join('\n');
    expect(await rules(script)).toContain('rm-files');
  });
});

describe('helpers that print the temporary folder they make', () => {
  it('knows tmpdir=$(helper) is fresh when the helper ends with a bare mktemp -d', async () => {
    const script = ['make_tmp() {', '  if [ -z "${TMPDIR}" ]; then', '    TMPDIR=/tmp', '  fi', '  mktemp -d -t app-XXXXXXXXXX', '}', 'tmpdir="$(make_tmp)"', 'rm -rf "${tmpdir}"'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags it when the helper may print another path', async () => {
    const script = ['pick() {', '  mktemp -d', '  echo /var/lib/app', '}', 'dir="$(pick)"', 'rm -rf "${dir}"'].join('\n');
    expect(await rules(script)).toContain('rm-recursive');
  });
});

describe('an application CLI run through its interpreter or a user switcher', () => {
  it('flags a delete-type subcommand of a script run by php, python or node, also in noun:verb form', async () => {
    expect(await rules('php /var/www/html/occ app:remove richdocuments')).toContain('cli-delete-verb');
    expect(await rules('php occ config:system:delete trusted_proxies')).toContain('cli-delete-verb');
    expect(await rules('python3 manage.py flush --no-input')).toContain('cli-delete-verb');
    expect(await rules('python3 -m pip uninstall -y requests')).toContain('cli-delete-verb');
  });

  it('stays quiet for what only reads or adds, and for code given inline', async () => {
    expect(await rules('php /var/www/html/occ app:list')).toEqual([]);
    expect(await rules('php occ config:system:set trusted_proxies 0 --value=10.0.0.1')).toEqual([]);
    expect(await rules('python3 -c "print(\'delete\')"')).toEqual([]);
    expect(await rules('node build/remove-unused.js src')).toEqual([]);
    expect(await rules('perl -ne \'print if /delete/\' app.log')).toEqual([]);
    expect(await rules('php -c /etc/php.ini -r \'echo "remove";\'')).toEqual([]);
  });

  it('reads the command that su-exec, gosu and s6-setuidgid run as another user', async () => {
    expect(await rules('su-exec www-data docker image prune --force')).toContain('container-delete');
    expect(await rules('gosu postgres rm -rf /var/lib/postgresql/data/old')).toContain('rm-recursive');
    expect(await rules('su-exec www-data docker ps')).toEqual([]);
  });

  it('does not take a program the interpreter runs for a hook someone may drop in', async () => {
    expect(await rules('if [ -f /var/www/html/lib/versioncheck.php ]; then\n  php /var/www/html/lib/versioncheck.php\nfi')).toEqual([]);
    expect(await rules('php occ app:disable richdocuments')).toContain('cli-stop-verb');
    expect(await rules('PHP_VER=8.1\nsudo -u www-data php"$PHP_VER" /usr/local/lib/app/console.php app:disable photos')).toContain('cli-stop-verb');
    expect(await rules('python3.11 manage.py flush --no-input')).toContain('cli-delete-verb');
  });

  it('looks past a variable standing before the subcommand (an option kept in a variable)', async () => {
    expect(await rules('borg "$LOG_FLAG" prune --keep-daily 7')).toContain('cli-delete-verb');
    expect(await rules('borg "$LOG_FLAG" list')).toEqual([]);
    // Past the first word a variable is an operand: what follows it is the operand's, not a subcommand.
    expect(await rules('plugn trigger post-update "$APP" remove')).toEqual([]);
  });
});

describe('a dispatch to one of the script\'s own functions by a positional argument', () => {
  it('stays quiet when the script defines functions of that family', async () => {
    const script = ['do_pre_regen() {', '  echo pre', '}', 'do_post_regen() {', '  echo post', '}', 'do_$1_regen "$2"'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags it when no function of that family is defined', async () => {
    expect(await rules('do_$1_regen "$2"')).toContain('command-from-variable');
  });
});

describe('a command held in an array the script sets', () => {
  it('reads "${CMD[@]}" as the words the array holds, in each arm that sets it', async () => {
    const set = ['if [[ "$EUID" = 0 ]]; then', '  OCC=(su-exec www-data php /var/www/html/occ)', 'else', '  OCC=(php /var/www/html/occ)', 'fi'];
    expect(await rules([...set, '"${OCC[@]}" user:list'].join('\n'))).toEqual([]);
    expect(await rules([...set, '"${OCC[@]}" user:delete "$user"'].join('\n'))).toContain('cli-delete-verb');
  });

  it('still cannot tell what runs when an element is not a fixed word or the array is added to', async () => {
    expect(await rules('CMD=("$TOOL" --all)\n"${CMD[@]}"')).toContain('command-from-variable');
    expect(await rules('CMD=(ls)\nCMD+=("$EXTRA")\n"${CMD[@]}"')).toContain('command-from-variable');
  });
});

describe('env settings whose names are not shell names', () => {
  it('reads the command after them (`env logger.level=info app`)', async () => {
    expect(await rules('exec env logger.level=$LEVEL /usr/local/bin/docker-entrypoint.sh "$@"')).toEqual([]);
    expect(await rules('env app.mode=x rm -rf /srv/data')).toContain('rm-recursive');
  });
});

describe('a restart through a service manager other than systemd', () => {
  it('flags `snapctl restart`, `snap restart`, `s6-svc -r`, `launchctl kickstart -k`', async () => {
    expect(await rules('snapctl restart ${SNAP_NAME}.daemon-containerd')).toContain('service-restart');
    expect(await rules('snap restart microk8s || true')).toContain('service-restart');
    expect(await rules('s6-svc -r /run/service/nginx')).toContain('service-restart');
    expect(await rules('launchctl kickstart -k system/com.example.agent')).toContain('service-restart');
  });

  it('stays quiet on their reloads and reads, and on a `restart` of a program that manages no services', async () => {
    expect(await rules('snap restart --reload microk8s')).toEqual([]);
    expect(await rules('snapctl services')).toEqual([]);
    expect(await rules('s6-svc -h /run/service/nginx')).toEqual([]);
    expect(await rules('launchctl kickstart system/com.example.agent')).toEqual([]);
    expect(await rules('mytool restart --dry-run')).not.toContain('service-restart');
  });
});

describe('a service manager that has a restart rule', () => {
  it('still flags its stop subcommand the generic way', async () => {
    expect(await rules('snapctl stop ${SNAP_NAME}.daemon-kubelite')).toContain('cli-stop-verb');
    expect(await rules('launchctl stop netdata')).toContain('cli-stop-verb');
    expect(await rules('snapctl start ${SNAP_NAME}.daemon-kubelite')).toEqual([]);
  });
});

describe('a file written whole from the script’s own text', () => {
  it('is the program laying down its own file: not flagged wherever it goes', async () => {
    expect(await rules('cat > /etc/postfix/virtual-mailbox-domains.cf << EOF;\ndbpath=$DB\nquery = SELECT 1\nEOF')).toEqual([]);
    expect(await rules('cat > "/srv/shop/releases/$RELEASE/config.env" <<EOF\nRELEASE=$RELEASE\nEOF')).toEqual([]);
    expect(await rules('echo "$PRIMARY_HOSTNAME" > /etc/hostname')).toEqual([]);
    expect(await rules('printf "Package: %s\\nVersion: %s\\n" "$p" "$v" > "$p"')).toEqual([]);
    expect(await rules('echo "${install_type}" > "${PREFIX}/etc/shop/.install-type"')).toEqual([]);
  });

  it('still flags emptying a file with an echo of nothing', async () => {
    expect(await rules('echo " " > "/srv/shop/queue.db"')).toContain('redirect-overwrite');
    expect(await rules("echo '{}' > /etc/shop/persistent.json")).toContain('redirect-overwrite');
    expect(await rules('echo -n > /srv/shop/state')).toContain('redirect-overwrite');
  });

  it('still flags a log, a file the system shares, and the main configuration of a package', async () => {
    expect(await rules('echo started > /var/log/shop/current.log')).toContain('redirect-overwrite');
    expect(await rules('cat <<EOF >/etc/apt/sources.list\ndeb https://deb.debian.org/debian bookworm main\nEOF')).toContain('redirect-overwrite');
    expect(await rules('echo "PATH=\\"$PATH\\"" > /etc/environment')).toContain('redirect-overwrite');
    expect(await rules('apt-get install -y munin\ncat > /etc/munin/munin.conf <<EOF\ndbdir /var/lib/munin\nEOF')).toContain('redirect-overwrite');
  });

  it('still flags one the script searched or backed up before writing it', async () => {
    expect(await rules('if ! grep -q "quota = maildir" /etc/dovecot/conf.d/90-quota.conf; then\n  cat > /etc/dovecot/conf.d/90-quota.conf << EOF\nquota = maildir\nEOF\nfi')).toContain('redirect-overwrite');
    expect(await rules('cp -f /etc/shop/access.cidr /etc/shop/access.cidr.$DATE\ncat > /etc/shop/access.cidr <<EOF\n10.0.0.0/8 permit\nEOF')).toContain('redirect-overwrite');
    expect(await rules('backup_file /etc/shop/reply.map\ncat > /etc/shop/reply.map <<EOF\n# none\nEOF')).toContain('redirect-overwrite');
  });

  it('does not count reading back a value the script stores, nor a test that the file is there', async () => {
    expect(await rules('if [[ "$V" != "$(cat /usr/local/lib/shop/version)" ]]; then\n  echo "$V" > /usr/local/lib/shop/version\nfi')).toEqual([]);
    expect(await rules('if [ -f /etc/shop.conf ]; then\n  echo "port=80" > /etc/shop.conf\nfi')).toEqual([]);
  });

  it('still flags output that is not the script’s text (a program’s output, a file’s copy)', async () => {
    expect(await rules('echo "$KEY" | base64 -d > /etc/ssl/private/shop.key')).toContain('redirect-overwrite');
    expect(await rules('cat /srv/shop/defaults.conf > /etc/shop.conf')).toContain('redirect-overwrite');
    expect(await rules('openssl rand -hex 19 > serial')).toContain('redirect-overwrite');
  });
});

describe('output collected in a folder the script keeps for it', () => {
  it('does not flag a command’s output written into a folder `mkdir -p` made sure of just before', async () => {
    expect(await rules('DUMP=${DATA}/inspection-report\nmkdir -p $DUMP/network\nip route &> $DUMP/network/ip-route\nps aux > $DUMP/network/ps')).toEqual([]);
  });

  it('still flags a key or certificate, a log, or a package’s main configuration there', async () => {
    expect(await rules('mkdir -p "/etc/letsencrypt/live/${D}"\necho "${KEY}" | base64 -d > "/etc/letsencrypt/live/${D}/key.pem"')).toContain('redirect-overwrite');
    expect(await rules('mkdir -p /srv/shop/logs\nrun_job > /srv/shop/logs/job.log')).toContain('redirect-overwrite');
    expect(await rules('mkdir -p /etc/shop\nrender > /etc/shop/shop.conf')).toContain('redirect-overwrite');
  });
});

describe('a copy made by a relative name after `cd`', () => {
  it('takes `cd DIR; cp x.sample x` as putting DIR/x in place, for a later in-place edit of DIR/x', async () => {
    const script = ['APP_DIR=/opt/shopd', 'APP_CONF="${APP_DIR}/settings.py"', 'install_app() {', '  cd ${APP_DIR}', '  cp settings.py.sample settings.py', '}', 'configure_app() {', '  perl -pi -e "s#^(port).*#${1} = 7777#" ${APP_CONF}', '}'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags the edit when the copy went to another folder', async () => {
    const script = ['APP_CONF=/opt/shopd/settings.py', 'cd /opt/other', 'cp settings.py.sample settings.py', 'perl -pi -e "s#^(port).*#x#" ${APP_CONF}'].join('\n');
    expect(await rules(script)).toContain('in-place-edit');
  });
});

describe('eleventh round: kinds of command the newest collections labelled and the table did not know', () => {
  it('flags disk repairs that answer yes, and a forced zfs receive, not a preen or a dry run', async () => {
    expect(await rules('fsck.ext4 -y "$DEV"')).toContain('disk-repair');
    expect(await rules('e2fsck -fy /dev/sdb1')).toContain('disk-repair');
    expect(await rules('xfs_repair -L /dev/vg/data')).toContain('disk-repair');
    expect(await rules('zfs receive -F tank/new < /tmp/stream')).toContain('zfs-receive-force');
    expect(await rules('zfs send -i a b | zfs recv -Fu pool/data')).toContain('zfs-receive-force');
    expect(await rules('fsck.ext4 -p "$DEV"; fsck -n /dev/sda1; xfs_repair -n /dev/sdc; zfs receive tank/new < s')).toEqual([]);
  });

  it('flags storage targets and sessions torn down, not listed or logged into', async () => {
    expect(await rules('sudo tgt-admin --delete iqn.2010-10.org.openstack:vol1')).toContain('storage-target-remove');
    expect(await rules('nvme disconnect-all')).toContain('storage-target-remove');
    expect(await rules('sudo nvmetcli clear')).toContain('storage-target-remove');
    expect(await rules('iscsiadm -m node -T "$T" -p "$P" --logout')).toContain('storage-target-remove');
    expect(await rules('iscsiadm --mode node --op delete')).toContain('storage-target-remove');
    expect(await rules('sudo virsh list --name | xargs -n1 virsh undefine --managed-save')).toContain('cli-delete-verb');
    expect(await rules('tgt-admin --show; nvme list; iscsiadm -m session; iscsiadm -m node -T t --login; nvmetcli restore /etc/nvmet.json')).toEqual([]);
  });

  it('flags a stored password hash or second factor replaced or deleted, not a read or an account password set', async () => {
    expect(await rules('yq -i ".user.hashedPassword = \\"$DEFAULT_HASH\\"" /data/umbrel.yaml')).toContain('credential-reset');
    expect(await rules('yq -i "del(.user.totpUri)" /data/umbrel.yaml')).toContain('credential-reset');
    expect(await rules('echo "$USER:$PASS" | chpasswd; passwd -S guest; yq ".user.totpUri" /data/umbrel.yaml; yq -i ".user.name = \\"x\\"" /data/umbrel.yaml')).toEqual([]);
  });

  it('flags a web site or module disabled, not enabled', async () => {
    expect(await rules('sudo a2dissite horizon')).toContain('site-disable');
    expect(await rules('sudo mv /etc/httpd/conf.d/horizon.conf /etc/httpd/conf.d/horizon.conf.disabled')).toContain('site-disable');
    expect(await rules('sudo a2ensite horizon; sudo a2enmod ssl; mv /etc/httpd/conf.d/horizon.conf.disabled /etc/httpd/conf.d/horizon.conf')).toEqual([]);
  });

  it('flags an interactive shell, console or the caller\'s command in a container, not a command the script names', async () => {
    expect(await rules('docker compose -f docker-compose.yml exec -u www-data coolify sh')).toContain('container-session');
    expect(await rules('docker compose exec redis redis-cli')).toContain('container-session');
    expect(await rules('docker compose exec -u www-data app php artisan tinker')).toContain('container-session');
    expect(await rules('docker exec -it "$INSTANCE" bash')).toContain('container-session');
    expect(await rules('kubectl exec -it -n db pg-0 -- psql -U postgres')).toContain('container-session');
    expect(await rules('docker compose exec -T app php artisan migrate --force; docker exec db psql -c "select 1"; docker exec -it web ls /; docker compose exec redis redis-cli ping; docker exec btc bitcoin-cli "$@"; docker compose exec -T db bash -c "pg_dump x > /tmp/d"; docker run --rm -i img sh < script.sh')).toEqual([]);
  });

  it('flags a framework command that drops every table, not a forward migration', async () => {
    expect(await rules('php artisan migrate:fresh --seed')).toContain('schema-reset');
    expect(await rules('docker compose exec app php artisan db:wipe --force')).toContain('schema-reset');
    expect(await rules('bin/rails db:reset')).toContain('schema-reset');
    expect(await rules('python manage.py flush --noinput')).toContain('schema-reset');
    expect(await rules('php artisan migrate --force; php artisan optimize:clear; bin/rails db:migrate; python manage.py migrate')).toEqual([]);
  });
});

describe('eleventh round: verbs the generic rules did not read', () => {
  it('reads the compose verb after options kept in a variable ($files)', async () => {
    expect(await rules('files=$(compose_files)\ndocker compose --env-file "$ENV_FILE" $files up -d --remove-orphans --wait')).toContain('compose-up-replace');
    expect(await rules('docker compose $COMPOSE_FILES down')).toContain('compose-down');
    expect(await rules('docker compose $COMPOSE_FILES up -d --wait; docker compose $COMPOSE_FILES ps')).toEqual([]);
  });

  it('reads delete_user / remove_node as a delete-type subcommand, and a restart of any tool as a stop', async () => {
    expect(await rules('sudo rabbitmqctl delete_user guest')).toContain('cli-delete-verb');
    expect(await rules('swift-init all restart')).toContain('cli-stop-verb');
    expect(await rules('pm2 restart api')).toContain('cli-stop-verb');
    expect(await rules('rabbitmqctl change_password guest x; rabbitmqctl add_user a b; swift-init all start; pm2 status')).toEqual([]);
  });

  it('flags ldapdelete like any account deletion', async () => {
    expect(await rules('ldapdelete -x -r -D "$MANAGER" -w "$PW" "$BASE_DN"')).toContain('account-delete');
    expect(await rules('ldapsearch -x -b "$BASE_DN"')).toEqual([]);
  });
});

describe('eleventh round: a container one function makes is its own in that function only', () => {
  it('flags docker rm of the named container in another function (a dispatcher runs either alone)', async () => {
    const script = ['create_instance() {', '  docker run -d --name "${INSTANCE_ID}" img', '}', 'remove_instance() {', '  docker rm --force "${INSTANCE_ID}"', '}'].join('\n');
    expect(await rules(script)).toContain('container-delete');
  });

  it('stays quiet on docker rm of the container the same function ran', async () => {
    const script = ['restore() {', '  docker run --name "restore-$(date +%s)" -d img', '  docker run --name tmp-restore -d img', '  docker rm -f tmp-restore', '}'].join('\n');
    expect(await rules(script)).toEqual([]);
    expect(await rules('docker run --name tmp-restore -d img\ndocker rm -f tmp-restore')).toEqual([]);
  });
});

describe('eleventh round: tee lays a file down where a redirect would', () => {
  it('stays quiet on tee into a drop-in folder, or into a folder the script made sure of for its output', async () => {
    expect(await rules('echo "deb [signed-by=/etc/apt/keyrings/docker.gpg] https://x stable" | sudo tee /etc/apt/sources.list.d/docker.list > /dev/null')).toEqual([]);
    expect(await rules('cat <<EOF | sudo tee /etc/rsyslog.d/10-swift.conf\nlocal0.* /var/log/swift/all.log\nEOF')).toEqual([]);
    expect(await rules('mkdir -p "$DUMP/k8s"\nkubectl version 2>&1 | sudo tee "$DUMP/k8s/version"')).toEqual([]);
  });

  it('still flags tee over a file a package or the system keeps, a log, or one the script read first', async () => {
    expect(await rules('cat <<EOF | sudo tee /etc/default/atop\nLOGINTERVAL=30\nEOF')).toContain('tee-overwrite');
    expect(await rules('mkdir -p "$DUMP"\nrun 2>&1 | tee "$DUMP/install.log"')).toContain('tee-overwrite');
    expect(await rules('grep -q x /etc/rsyslog.d/10-app.conf || echo x | tee /etc/rsyslog.d/10-app.conf')).toContain('tee-overwrite');
  });
});

describe('twelfth round: unpacking a release the script just downloaded', () => {
  it('stays quiet on tar -x of an archive piped straight from curl or wget, or one the script downloaded to a file', async () => {
    expect(await rules('curl -fsSL https://example.org/easy-rsa-3.1.tgz | tar xz -C /etc/openvpn/easy-rsa/ --strip-components 1')).toEqual([]);
    expect(await rules('wget -qO- https://example.org/tool.tar.gz | sudo tar -xzf - -C /usr/local/sbin')).toEqual([]);
    expect(await rules('curl -fsSL -o /opt/etcd-v3.5.tgz https://example.org/etcd-v3.5.tgz\ntar xzvf /opt/etcd-v3.5.tgz -C /opt/files')).toEqual([]);
    expect(await rules('wget -O /opt/app.tar.bz2 https://example.org/app.tar.bz2\ntar -C /usr/local/lib -xjf /opt/app.tar.bz2')).toEqual([]);
  });

  it('still flags tar -x of a backup or an archive it was handed, and of a download piped from elsewhere', async () => {
    expect(await rules('tar -xzf "$BACKUP_FILE" -C /var/lib/app')).toContain('tar-extract');
    expect(await rules('tar -xf /srv/backup/config.tar -C /etc/app')).toContain('tar-extract');
    expect(await rules('ssh backup-host cat /b/up.tgz | tar -xz -C /var/lib/app')).toContain('tar-extract');
  });
});

describe('twelfth round: a variable named for the program it holds', () => {
  it('judges $DOCKER, $OPENSSL, $PYTHON, ${VIRTUALENV_CMD} as those programs when the script does not set them', async () => {
    expect(await rules('$DOCKER pull "$IMAGE"\n$DOCKER volume create cache')).toEqual([]);
    expect(await rules('$OPENSSL req -new -key "$dir/key" -out "$dir/req"')).toEqual([]);
    expect(await rules('$PYTHON manage.py compilemessages\n${VIRTUALENV_CMD} "$VENV"')).toEqual([]);
  });

  it('still flags what that program does, and a variable named for no known program', async () => {
    expect(await rules('$KUBECTL delete pod "$POD"')).toContain('kube-delete');
    expect(await rules('$DOCKER rm -f "$NAME"')).toContain('container-delete');
    expect(await rules('$NGINX_SERVICE_COMMAND "$CMD"')).toContain('command-from-variable');
    expect(await rules('$HOOK')).toContain('command-from-variable');
  });
});

describe('thirteenth round: caches and scratch folders removed whole', () => {
  it('stays quiet on rm -r of caches only: apt lists, ~/.cache, node_modules, a folder named for what it caches', async () => {
    expect(await rules('rm -rf /var/lib/apt/lists/*')).toEqual([]);
    expect(await rules('rm -rf /root/.cache "$APP_HOME/.cache" "$APP_HOME/web/node_modules"')).toEqual([]);
    expect(await rules('rm -rf /var/cache/apk/* "$SRC/twig-cache"')).toEqual([]);
  });

  it('still flags rm -r when any operand is not a cache, or only looks like one', async () => {
    expect(await rules('rm -rf /var/lib/apt/lists/* /usr/share/doc')).toContain('rm-recursive');
    expect(await rules('rm -rf "$DATA/cachet"')).toContain('rm-recursive');
    expect(await rules('rm -rf /srv/app/cache')).toContain('rm-recursive');
    expect(await rules('rm -rf /srv/app/.cache/../uploads')).toContain('rm-recursive');
  });

  it('stays quiet on rm -r of a named folder or file under /tmp, which the run unpacked there', async () => {
    expect(await rules('rm -rf /tmp/z-push.zip /tmp/z-push')).toEqual([]);
    expect(await rules('rm -rf /tmp/pear')).toEqual([]);
    expect(await rules('rm -rf /tmp/twig/*')).toEqual([]);
  });

  it('still flags rm -r of whatever a glob matches directly in /tmp, and of a path outside scratch space', async () => {
    expect(await rules('rm -r /tmp/*')).toContain('rm-recursive');
    expect(await rules('rm -rf /tmp/app-sandbox.*')).toContain('rm-recursive');
    expect(await rules('rm -rf /tmp/{*,.*}')).toContain('rm-recursive');
    expect(await rules('rm -rf /usr/local/lib/z-push /tmp/z-push')).toContain('rm-recursive');
  });
});

describe('thirteenth round: a file removed and written afresh by the same function', () => {
  it('stays quiet on rm of a file the next commands write again from scratch', async () => {
    expect(await rules('create_conf() {\n  rm -f $APP_CONF\n  iniset $APP_CONF DEFAULT debug True\n}')).toEqual([]);
    expect(await rules('rm -f /etc/app/app.ini\ncrudini --set /etc/app/app.ini main port 8080')).toEqual([]);
    expect(await rules('fetch() {\n  DEST=$1\n  rm -f "$DEST"\n  wget -O "$DEST" "$2"\n}')).toEqual([]);
  });

  it('still flags rm of a file nothing writes again, or writes again only in another function', async () => {
    expect(await rules('rm -f $APP_CONF\nsystemctl restart app')).toContain('rm-files');
    expect(await rules('clean() {\n  rm -f $APP_CONF\n}\nsetup() {\n  iniset $APP_CONF DEFAULT debug True\n}')).toContain('rm-files');
    expect(await rules('rm -f /etc/app.conf\ngrep -q x /etc/app.conf')).toContain('rm-files');
  });

  it('still flags rm of a file then emptied, copied over, or written by the script (the labels keep those)', async () => {
    expect(await rules('rm -f index.txt\ntouch index.txt')).toContain('rm-files');
    expect(await rules('rm -f /opt/app/backend/config.php\ncp conf/backend.php /opt/app/backend/config.php')).toContain('rm-files');
    expect(await rules('rm -f /etc/resolv.conf\necho "nameserver 127.0.0.1" > /etc/resolv.conf')).toContain('rm-files');
  });

  it('still flags rm of a file replaced by a link, written again only in another branch, or after a return', async () => {
    expect(await rules('if [ -f "$v/bin/$u" ]; then\n  rm "$v/bin/$u"\n  ln -s "../../$NEW/bin/$u" "$v/bin/$u"\nfi')).toContain('rm-files');
    expect(await rules('configure() {\n  [[ $ACTIVE != yes ]] && {\n    rm -f /etc/app/backup.ini\n    return 0\n  }\n  iniset /etc/app/backup.ini cron hour 3\n}')).toContain('rm-files');
    expect(await rules('rm -f /etc/app/extra.conf\nif [ -n "$EXTRA" ]; then\n  iniset /etc/app/extra.conf main extra "$EXTRA"\nfi')).toContain('rm-files');
  });
});

describe('thirteenth round: install copies a file into place as cp does', () => {
  it('stays quiet on sed -i of the file install just put there', async () => {
    expect(await rules('install -m 644 "/build/app.list" "/etc/apt/sources.list.d/"\nsed -i "s/RELEASE/trixie/g" "/etc/apt/sources.list.d/app.list"')).toEqual([]);
    expect(await rules('sudo install -o root -g root -m 644 $SRC/rootwrap.conf $RR_CONF\nsudo sed -e "s:^a=.*$:a=b:" -i $RR_CONF')).toEqual([]);
  });

  it('still flags sed -i of a file install only made the folder for', async () => {
    expect(await rules('install -d -m 755 /etc/app\nsed -i s/a/b/ /etc/app/app.conf')).toContain('in-place-edit');
    expect(await rules('install -m 644 app.list /etc/apt/sources.list.d/\nsed -i s/a/b/ /etc/apt/sources.list.d/other.list')).toContain('in-place-edit');
  });
});

describe('thirteenth round: a copy made in one arm of an if does not make the file the run’s own after it', () => {
  it('flags an in-place edit after the if when only one arm copied the template in', async () => {
    const script = ['if [ -f /etc/logrotate.d/app ]; then', '  echo "keeping the existing file"', 'else', '  install -D -m 644 -T templates/logrotate /etc/logrotate.d/app', 'fi', 'sed -i "s/# su #/su root adm/g" /etc/logrotate.d/app'].join('\n');
    expect(await rules(script)).toContain('in-place-edit');
    const cp = ['if [ ! -f "$CONF" ]; then', '  cp "$CONF.default" "$CONF"', 'fi', 'sed -i "s/^port=.*/port=8080/" "$CONF"'].join('\n');
    expect(await rules(cp)).toContain('in-place-edit');
  });

  it('stays quiet on the edit when the copy always runs first, or runs in the same arm as the edit', async () => {
    expect(await rules('cp templates/app.conf /etc/app/app.conf\nsed -i "s/HOST/$HOST/" /etc/app/app.conf')).toEqual([]);
    const sameArm = ['if [ "$FRESH" = yes ]; then', '  cp templates/app.conf /etc/app/app.conf', '  sed -i "s/HOST/$HOST/" /etc/app/app.conf', 'fi'].join('\n');
    expect(await rules(sameArm)).toEqual([]);
    const bothArms = ['if [ "$V" = 2 ]; then', '  cp templates/v2.conf /etc/app/app.conf', 'else', '  cp templates/v1.conf /etc/app/app.conf', 'fi', 'sed -i "s/HOST/$HOST/" /etc/app/app.conf'].join('\n');
    expect(await rules(bothArms)).toEqual([]);
  });
});

describe('thirteenth round: a copy that brings a backup back over live data', () => {
  const inScript = async (self: string, script: string): Promise<string[]> => (await destructiveFindings(script, new ScriptKnowledge(undefined, self))).map((f) => f.rule);

  it('flags rsync or cp from the folder a restore unpacked into, and of the caller’s files in a script named for restoring', async () => {
    expect(await rules('cd /root/.app/restore\ntar -xvf app.tar.gz\nrsync -a /root/.app/restore/data/ /root/.app')).toContain('restore-copy');
    expect(await inScript('tools/app-restore.sh', 'cp "$1/app.db" "$STORAGE_ROOT/app/"\ncp "$1/config.php" "$STORAGE_ROOT/app/"')).toContain('restore-copy');
  });

  it('stays quiet on the same copy in a script not named for restoring, on copies into a backup folder or a scratch one', async () => {
    expect(await inScript('tools/app-install.sh', 'cp "$1/app.db" "$STORAGE_ROOT/app/"')).toEqual([]);
    expect(await inScript('tools/app-restore.sh', 'cp "$STORAGE_ROOT/app/app.db" "$1/backups/"\ncp "$1/app.db" /tmp/check.db')).toEqual([]);
    expect(await rules('rsync -a /srv/app/ /srv/backups/app/')).toEqual([]);
  });
});

describe('thirteenth round: crontabs and accounts changed so that something is taken away', () => {
  it('flags a file installed as the whole crontab, and a crontab filtered in a subshell', async () => {
    expect(await rules('echo "*/5 * * * * php -f /srv/app/cron.php" > /tmp/crontab_app\ncrontab -u www-data /tmp/crontab_app')).toContain('crontab-install');
    expect(await rules('(crontab -l -u root 2>/dev/null | grep -v "update-cron.sh") | crontab -u root -')).toContain('crontab-replace');
  });

  it('stays quiet on a line added to the crontab, and on reading it', async () => {
    expect(await rules('(crontab -l 2>/dev/null; echo "0 3 * * * /usr/local/bin/backup") | crontab -\ncrontab -l -u root')).toEqual([]);
  });

  it('flags usermod that replaces the groups (-G without -a), locks or expires an account', async () => {
    expect(await rules('usermod -G clamav,amavis clamav')).toContain('account-revoke');
    expect(await rules('usermod --lock --expiredate 1 "$user"')).toContain('account-revoke');
  });

  it('stays quiet on usermod that adds a group, unlocks or changes the shell', async () => {
    expect(await rules('usermod -aG docker "$USER"\nusermod --unlock --expiredate -1 "$USER"\nusermod -s /bin/bash app')).toEqual([]);
  });
});

describe('thirteenth round: what a subshell or group pipes on is what its last command prints', () => {
  it('stays quiet on tar -x of a release piped from a { wget || curl; } group', async () => {
    expect(await rules('{ wget -qO- "$URL" 2>/dev/null || curl -sL "$URL"; } | tar xz -C /etc/openvpn/server/easy-rsa/ --strip-components 1')).toEqual([]);
  });

  it('still flags tar -x of what a group reads from a backup', async () => {
    expect(await rules('{ cat /srv/backups/etc.tar.gz; } | tar xz -C /etc/app')).toContain('tar-extract');
  });
});

describe('thirteenth round: files written whole where nothing is kept (/run, apt key folders)', () => {
  it('stays quiet on a repository signing key laid down, and on settings rendered into /run', async () => {
    expect(await rules('curl -fsSL https://example.org/key.asc | gpg --dearmor > /etc/apt/trusted.gpg.d/example.gpg')).toEqual([]);
    expect(await rules('wget -qO- https://example.org/key.asc | gpg --dearmor | tee /usr/share/keyrings/example.gpg > /dev/null')).toEqual([]);
    expect(await rules('tpl /defaults/saslauthd.conf > /run/saslauthd.conf\nmount | grep -q data > /run/app-mount')).toEqual([]);
  });

  it('still flags a key written over elsewhere, the apt sources list, and a delete under /run', async () => {
    expect(await rules('gpg --export "$ID" > /etc/app/signing.gpg')).toContain('redirect-overwrite');
    expect(await rules('curl -fsSL https://example.org/key.asc | gpg --dearmor > /etc/apt/trusted.gpg')).toContain('redirect-overwrite');
    expect(await rules('rm -f /run/app/app.sock')).toContain('rm-files');
  });
});

describe('fourteenth round: apt repository keys and source lists written whole', () => {
  it('stays quiet on a signing key or a source list written into apt’s own folders (>, tee, sh -c)', async () => {
    expect(await rules('curl -fsSL https://packages.example.com/keys/release.asc | gpg --dearmor > /etc/apt/trusted.gpg.d/example.gpg')).toEqual([]);
    expect(await rules('curl -fsSL https://deb.example.com/gpgkey | gpg --dearmor | sudo tee /usr/share/keyrings/example.gpg >/dev/null')).toEqual([]);
    expect(await rules('curl -fsSL https://deb.example.com/key.gpg | sudo tee /etc/apt/keyrings/example.gpg > /dev/null')).toEqual([]);
    expect(await rules('sudo sh -c \'echo "deb [arch=amd64] https://packages.example.com/repos/code stable main" > /etc/apt/sources.list.d/code.list\'')).toEqual([]);
    expect(await rules('if grep -q nodesource /etc/apt/sources.list.d/nodesource.list; then echo present; fi\necho "deb https://deb.example.com/node_20.x nodistro main" | sudo tee /etc/apt/sources.list.d/nodesource.list')).toEqual([]);
  });

  it('still flags the shared sources.list written whole, and edits or deletes of a repository entry', async () => {
    expect(await rules('echo "deb http://deb.debian.org/debian bookworm main" | tee /etc/apt/sources.list')).toContain('tee-overwrite');
    expect(await rules('curl -fsSL https://example.org/sources > /etc/apt/sources.list')).toContain('redirect-overwrite');
    expect(await rules('sed -i s/buster/bullseye/ /etc/apt/sources.list.d/php.list')).toContain('in-place-edit');
    expect(await rules('rm -f /etc/apt/keyrings/example.gpg')).toContain('rm-files');
    expect(await rules('curl -fsSL https://example.org/key | gpg --dearmor > /etc/ssl/private/site.key')).toContain('redirect-overwrite');
  });
});

describe('fourteenth round: a module dispatching to its own functions through a variable', () => {
  const module = ['module_options+=(', '\t["module_nfsd,feature"]="module_nfsd"', '\t["module_nfsd,example"]="install remove status"', ')', 'function module_nfsd () {', '\tcase "$1" in', '\t\tinstall)', '\t\t\tapt-get install -y nfs-kernel-server', '\t\t\t${module_options["module_nfsd,feature"]} status', '\t\t;;', '\t\tremove) apt-get remove -y nfs-kernel-server ;;', '\t\tstatus) systemctl status nfs-server ;;', '\tesac', '}'].join('\n');

  it('reads ${ARRAY["key"]} as the fixed value the script gives that element, here its own function', async () => {
    expect(await rules(module)).toEqual(['package-remove']);
    expect(await rules('declare -A tools=([list]=ls [show]="cat")\n${tools[show]} /etc/hostname')).toEqual([]);
  });

  it('still flags an element nothing sets, or one set from outside, as cannot tell what runs', async () => {
    expect(await rules('${module_options["module_zfs,feature"]} remove')).toContain('command-from-variable');
    expect(await rules('declare -A tools=([show]="$1")\n${tools[show]} /etc/hostname')).toContain('command-from-variable');
    expect(await rules('declare -A tools=([wipe]="rm -rf")\n${tools[wipe]} /srv/data')).toContain('rm-recursive');
  });

  it('stays quiet on a function family named around a variable whose fixed words say it installs, configures or reads', async () => {
    expect(await rules('install_database_$DATABASE_TYPE\nconfigure_database_$DATABASE_TYPE\ninit_cinder_backend_${be_type} "$be_name"\nget_database_type_$DATABASE_TYPE')).toEqual([]);
  });

  it('still flags a family whose fixed words say it removes, a hook, and a bare variable', async () => {
    expect(await rules('cleanup_database_$DATABASE_TYPE')).toContain('command-from-variable');
    expect(await rules('recreate_database_$DATABASE_TYPE "$db"')).toContain('command-from-variable');
    expect(await rules('hook__$hook "$@"')).toContain('command-from-variable');
    expect(await rules('run_hook_$phase')).toContain('command-from-variable');
    expect(await rules('$cmd --force')).toContain('command-from-variable');
  });
});

describe('fourteenth round: a release downloaded under the name its address gives', () => {
  it('stays quiet on tar -x of what wget URL, curl -O or curl -Lo just wrote', async () => {
    expect(await rules('wget https://cdn.example.com/litespeed/lsmcd.tar.gz\ntar xzvf lsmcd.tar.gz')).toEqual([]);
    expect(await rules('cd /var/www/panel || exit\ncurl -Lo panel.tar.gz "$PANEL_DL_URL"\ntar -xzvf panel.tar.gz')).toEqual([]);
    expect(await rules('curl -fsSLO https://example.org/releases/app-1.2.tgz\ntar xf app-1.2.tgz -C /opt')).toEqual([]);
  });

  it('still flags tar -x of an archive the script did not download', async () => {
    expect(await rules('tar xzvf lsmcd.tar.gz')).toContain('tar-extract');
    expect(await rules('wget https://cdn.example.com/lsmcd.tar.gz\ntar xzf backup.tar.gz -C /srv')).toContain('tar-extract');
    expect(await rules('wget -q -O - https://example.org/x.tgz > /dev/null\ntar xf x.tgz -C /srv')).toContain('tar-extract');
  });
});

describe('fourteenth round: cp -f of a file aside under a dated or versioned name', () => {
  it('stays quiet on a copy to SOURCE.$DATE or SOURCE.$VERSION', async () => {
    expect(await rules('cp -f ${f} ${f}.${DATE}')).toEqual([]);
    expect(await rules('cp -f $LSINSTALL_DIR/$arg $LSWS_HOME/$arg.$VERSION')).toEqual([]);
  });

  it('still flags cp -f over a live file, also from a dated copy', async () => {
    expect(await rules('cp -f "$SAMPLE_DIR/app.conf" /etc/app/app.conf')).toContain('cp-force');
    expect(await rules('cp -f $LSINSTALL_DIR/$arg $LSWS_HOME/$arg')).toContain('cp-force');
    expect(await rules('cp -f ${f}.${DATE} ${f}')).not.toEqual([]);
  });
});

describe('fourteenth round: tee into a process substitution', () => {
  it('stays quiet on tee >(cat - >&2), which writes to a pipe, not a file', async () => {
    expect(await rules('curl -s "$URL" | tee >(cat - >&2) | grep -q ok')).toEqual([]);
  });

  it('still flags tee into a file beside it', async () => {
    expect(await rules('curl -s "$URL" | tee >(cat - >&2) /srv/app/status')).toContain('tee-overwrite');
  });
});

describe('fourteenth round: moving a piece of what the run unpacked into place', () => {
  it('stays quiet on mv of a file from inside a folder the script made and filled', async () => {
    const script = ['TMP_DIR="temp/"', 'mkdir ${TMP_DIR}', 'wget https://example.org/d3.zip -O ${TMP_DIR}/d3.zip', 'unzip -o ${TMP_DIR}/d3.zip -d ${TMP_DIR}', 'mv -f ${TMP_DIR}/d3.js webroot/js/d3.js', 'mv -f ${TMP_DIR}/bootstrap/css/bootstrap.css webroot/css/bootstrap.css'].join('\n');
    expect(await rules(script)).toEqual([]);
    expect(await rules('work=$(mktemp -d)\ngit clone https://example.org/z-push.git "$work/z"\nmv "$work/z/src" /usr/local/lib/z-push')).toEqual([]);
  });

  it('still flags a rewrite of the destination through a scratch file, also one inside a folder it made', async () => {
    expect(await rules('mkdir build\nsed "/cdrom/d" /etc/apt/sources.list > build/sources.list\nmv build/sources.list /etc/apt/sources.list')).toContain('mv-replace');
    expect(await rules('tmp=$(mktemp)\ngrep -v cdrom /etc/apt/sources.list > "$tmp"\nmv "$tmp" /etc/apt/sources.list')).toContain('mv-replace');
  });
});

describe('fourteenth round: a tested-for program of the project is not a hook', () => {
  it('stays quiet on running a program or library under its fixed name after testing it is there', async () => {
    expect(await rules('if [ -x "${NETDATA_PREFIX}/usr/sbin/netdata" ]; then\n  "${NETDATA_PREFIX}/usr/sbin/netdata" -W buildinfo\nfi')).toEqual([]);
    expect(await rules('[ -f "$ACME_HOME/acme.sh" ] && $ACME_HOME/acme.sh --cron --home $ACME_HOME')).toEqual([]);
    expect(await rules('if [ -e "$pwd/slib.sh" ]; then\n  . "$pwd/slib.sh"\nfi')).toEqual([]);
  });

  it('still flags a hook, an override, or a file whose name comes from a variable', async () => {
    expect(await rules('[ -f "$SCRIPT_DIR/pre_update_hook.sh" ] && bash "$SCRIPT_DIR/pre_update_hook.sh"')).toContain('optional-script');
    expect(await rules('test -x ./hooks/post-deploy && ./hooks/post-deploy')).toContain('optional-script');
    expect(await rules('if [ -e "$pwd/${module_name}.sh" ]; then\n  . "$pwd/${module_name}.sh"\nfi')).toContain('optional-script');
    expect(await rules('[ -f /etc/app/custom.sh ] && . /etc/app/custom.sh')).toContain('optional-script');
    expect(await rules('[ -x ./post-install.sh ] && bash ./post-install.sh')).toContain('optional-script');
  });
});

describe('fourteenth round: a file rendered from its own template', () => {
  it('stays quiet on sed/cat of NAME.in or NAME-template.EXT into NAME, and on a template renderer', async () => {
    expect(await rules('sed -e "s/%ADMIN_PORT%/$ADMIN_PORT/" "$LSINSTALL_DIR/admin/conf/admin_config.xml.in" > "$LSINSTALL_DIR/admin/conf/admin_config.xml"')).toEqual([]);
    expect(await rules("sed 's@${SNAP}@'\"${SNAP}\"'@g' $SNAP_DATA/args/containerd-template.toml > $SNAP_DATA/args/containerd.toml")).toEqual([]);
    expect(await rules('tpl /defaults/nginx.conf > /run/web/config/nginx/nginx.conf')).toEqual([]);
    expect(await rules('cat "${APP_TEMPLATE_INPUT_FILE}" | envsubst > "${APP_TEMPLATE_OUTPUT_FILE}"')).toEqual([]);
  });

  it('still flags a rewrite from a copy of the live file, a backup, or a template of another file', async () => {
    expect(await rules('sed -e "s#<enableLVE>.*</enableLVE>#<enableLVE>2</enableLVE>#" "$conf_file.tmp" > "$conf_file"')).toContain('redirect-overwrite');
    expect(await rules('sed -e "s#</group>#</group><x/>#" "$LSWS_HOME/conf/httpd_config.xml.bak" > "$LSWS_HOME/conf/httpd_config.xml"')).toContain('redirect-overwrite');
    expect(await rules('sed -e "s/a/b/" /srv/app/other.conf.in > /srv/app/app.conf')).toContain('redirect-overwrite');
    expect(await rules('sed "s/x/y/" /etc/passwd.in > /etc/passwd')).toContain('redirect-overwrite');
  });
});

describe('fourteenth round: a database dump written to a file is the backup being made', () => {
  it('stays quiet on mysqldump, pg_dump (also through su -c or a variable) and slapcat into a file', async () => {
    expect(await rules('CMD_MYSQLDUMP="mysqldump --defaults-file=/root/.my.cnf --events"\n${CMD_MYSQLDUMP} ${db} > ${output_sql}')).toEqual([]);
    expect(await rules('su - postgres -c "pg_dump ${db} > ${HOMEDIR}/${db}.sql"')).toEqual([]);
    expect(await rules('slapcat > "${BACKUP_FILE}"')).toEqual([]);
    expect(await rules('sudo docker exec "$DB_ID" bash -c "/usr/bin/mysqldump -u $USER --databases $db" > $OUTPUT/$db.sql')).toEqual([]);
  });

  it('still flags other output over a file, and loading a dump back', async () => {
    expect(await rules('mysql -N -e "select 1" > /srv/app/state')).toContain('redirect-overwrite');
    expect(await rules('su - postgres -c "psql -c \'select 1\' > /srv/app/state"')).toContain('redirect-overwrite');
    expect(await rules('mysql "$DB" < "$BACKUP_DIR/app.sql"')).toContain('sql-load');
    expect(await rules('grep mysqldump /var/log/app.log > /srv/app/state')).toContain('redirect-overwrite');
  });
});

describe('lead, after onlyoffice-docker: a program whose folder alone comes from a variable', () => {
  it('judges `${JSON}` as the program its value names at a fixed path under a variable folder', async () => {
    const script = 'JSON_BIN=${APP_DIR}/npm/json\nJSON="${JSON_BIN} -q -f ${CONFIG}"\nDB_HOST=$(${JSON} services.sql.dbHost)\n${JSON} services.sql.dbPort';
    expect(await rules(script)).toEqual([]);
  });

  it('still flags what that program does, and a program whose own name comes from a variable', async () => {
    expect(await rules('RM="${TOOLS}/bin/rm -rf"\n$RM /srv/app/data')).toContain('rm-recursive');
    expect(await rules('TOOL="${TOOLS}/bin/${NAME}"\n$TOOL --apply')).toContain('command-from-variable');
    const json = 'JSON_BIN=${APP_DIR}/npm/json\nJSON="${JSON_BIN} -q -f ${CONFIG}"\n';
    expect(await rules(`${json}\${JSON} -I -e "delete this.activemq.connectOptions.port"`)).toEqual(['config-key-delete']);
    expect(await rules(`${json}\${JSON} -I -e "this.services.port = 8000"`)).toEqual([]);
  });
});

describe('lead: what grep, sed and awk read, with each program’s own options', () => {
  it('counts the file grep -v reads (-v takes no value for grep), so a whole write over it later is a loss', async () => {
    expect(await rules('grep -v "^old" /etc/app/peers.conf > /tmp/peers\necho "new" > /etc/app/peers.conf')).toContain('redirect-overwrite');
    expect(await rules('grep -F -x "$host" /etc/app/peers.conf > /dev/null\necho "new" > /etc/app/peers.conf')).toContain('redirect-overwrite');
  });

  it("still skips awk's -v assignment and -F separator, and grep's -m count, before the file", async () => {
    expect(await rules('awk -v n=1 -F: \'{print $1}\' /etc/app/peers.conf > /tmp/peers\necho "new" > /etc/app/peers.conf')).toContain('redirect-overwrite');
    expect(await rules('grep -m 1 old /etc/app/peers.conf > /tmp/peers\necho "new" > /etc/app/peers.conf')).toContain('redirect-overwrite');
    expect(await rules('echo "new" > /etc/app/peers.conf')).toEqual([]);
  });
});

describe('fifteenth round: an in-place edit that can only fill a blank', () => {
  it('does not flag a substitution of placeholder tokens the file was shipped with', async () => {
    expect(await rules('perl -pi -e "s#__LOG_DIR__#${LOG_DIR}#g" ${CONF_DIR}/sites/*.conf')).toEqual([]);
    expect(await rules('sed -i -e "s|THIS_SHOULD_BE_REPLACED_BY_INSTALLER|${PREFIX}|g" "${PREFIX}/bin/edit-config"')).toEqual([]);
    expect(await rules('sed -i "s/%USER%/$APP_USER/g; s/@PREFIX@/\\/usr/" /etc/app/app.conf')).toEqual([]);
    expect(await rules("sed -i 's/{{ domain }}/example.org/' /etc/nginx/sites-available/app")).toEqual([]);
  });

  it('does not flag filling a setting whose value is empty', async () => {
    expect(await rules('sed -i "s|^[# \\t]*SECRET_KEY_BASE=[ \\t]*$|SECRET_KEY_BASE=$KEY|" $APP_DIR/.env')).toEqual([]);
    expect(await rules('sed -i "s|^\\([ \\t-]*POSTGRES_PASSWORD\\)\\(=[ \\t]*\\)$|\\1=$PASS|g" $APP_DIR/docker-compose.yml')).toEqual([]);
  });

  it('still flags a substitution of a set value, a delete, an added line, or a script read from a file', async () => {
    expect(await rules('sed -i "s|^SECRET_KEY_BASE=.*|SECRET_KEY_BASE=$KEY|" $APP_DIR/.env')).toContain('in-place-edit');
    expect(await rules('sed -i "s/%USER%/app/; /^#/d" /etc/app/app.conf')).toContain('in-place-edit');
    expect(await rules('sed -i "s/PORT=8080/PORT=9090/" /etc/app/app.conf')).toContain('in-place-edit');
    expect(await rules('sed -i "s/DATABASE_URL/x/" /etc/app/app.conf')).toContain('in-place-edit');
    expect(await rules('perl -pi -e "s#PH_SMTP_SERVER#${SMTP_SERVER}#g" /etc/postfix/master.cf')).toContain('in-place-edit');
    expect(await rules('sed -i -f fill.sed /etc/app/app.conf')).toContain('in-place-edit');
    expect(await rules("perl -pi -e 's/^(plugins.*)python/$1python3/' /etc/app/app.ini")).toContain('in-place-edit');
  });
});

describe('fifteenth round: eval of output a program quoted for the shell', () => {
  it('does not flag eval set -- of getopt output, nor eval of declare -p', async () => {
    expect(await rules('PARSED=$(getopt --options=hv --longoptions=help,verbose --name "$0" -- "$@")\neval set -- "$PARSED"')).toEqual([]);
    expect(await rules('OPTS=$(/usr/bin/getopt -o a: -- "$@")\neval set -- $OPTS')).toEqual([]);
    expect(await rules('eval "$(source /etc/app/release && declare -p APP_VERSION)"')).toEqual([]);
  });

  it('still flags eval of other text built at run time, and set -- of a value that is not getopt output', async () => {
    expect(await rules('PARSED="$1"\neval set -- "$PARSED"')).toContain('eval');
    expect(await rules('eval set -- $ARGS')).toContain('eval');
    expect(await rules('eval echo $cert_file')).toContain('eval');
    expect(await rules('eval "$(grep -E \'^(ID|VERSION_ID)=\' /etc/os-release)"')).toContain('eval');
    expect(await rules('eval "$(declare -p APP_VERSION; cat /etc/app/extra)"')).toContain('eval');
  });
});

describe('fifteenth round: names relative to a scratch folder the script moved into', () => {
  it('does not flag edits and removals of what the run unpacked after cd /tmp', async () => {
    const script = ['install() {', '  cd /tmp', '  curl -Lo tool.tar.gz https://example.org/tool/1.0.tar.gz', '  tar xf tool.tar.gz', '  cd tool-${VERSION}', "  sed -i '/systemctl enable tool/d' install.sh", '  cd ..', '  rm -r tool-${VERSION} tool.tar.gz', '}'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still flags a glob there, a climb out of it, and names after leaving it', async () => {
    expect(await rules('cd /tmp\nrm -rf *')).toContain('rm-recursive');
    expect(await rules('cd /tmp\nrm -rf ../srv/app')).toContain('rm-recursive');
    expect(await rules('cd /tmp\ncd ..\nrm -rf srv/app')).toContain('rm-recursive');
    expect(await rules('cd /tmp\ncd ..\nrm -rf srv/app')).toContain('rm-recursive');
    expect(await rules('cd /tmp\ncd /etc/app\nsed -i s/a/b/ app.conf')).toContain('in-place-edit');
    expect(await rules('cd /srv/app\nsed -i s/a/b/ app.conf')).toContain('in-place-edit');
    expect(await rules('f() {\n  cd /tmp\n}\ng() {\n  sed -i s/a/b/ app.conf\n}')).toContain('in-place-edit');
  });
});

describe('fifteenth round: a signal that resumes, not ends', () => {
  it('does not flag kill, killall or pkill with CONT, which wakes a stopped process', async () => {
    expect(await rules('killall -CONT udiskie')).toEqual([]);
    expect(await rules('kill -SIGCONT "$pid"')).toEqual([]);
    expect(await rules('pkill --signal CONT -x worker')).toEqual([]);
    expect(await rules('kill -s CONT 1234')).toEqual([]);
  });

  it('still flags STOP, TERM, USR1 and a plain kill', async () => {
    expect(await rules('killall -STOP udiskie')).toContain('kill');
    expect(await rules('kill -TERM "$pid"')).toContain('kill');
    expect(await rules('kill -USR1 "$pid"')).toContain('kill');
    expect(await rules('kill "$pid"')).toContain('kill');
  });
});

describe('fifteenth round: a heredoc written out through sh -c, as it is without', () => {
  it('does not flag sudo bash -c "cat > FILE" <<EOF, as cat > FILE <<EOF is not', async () => {
    expect(await rules('cat > /etc/app/tuning.conf <<EOF\nWorkers 4\nEOF')).toEqual([]);
    expect(await rules('sudo bash -c "cat > /etc/app/tuning.conf" <<EOF\nWorkers 4\nEOF')).toEqual([]);
    expect(await rules("sudo sh -c 'cat >$conf_file' << EOF\nListen 80\nEOF")).toEqual([]);
  });

  it('still flags it with no heredoc, when cat also reads a file, and over a file someone else keeps', async () => {
    expect(await rules('sudo bash -c "cat > /etc/app/tuning.conf"')).toContain('redirect-overwrite');
    expect(await rules('sudo bash -c "cat /etc/app/base.conf > /etc/app/tuning.conf" <<EOF\nx\nEOF')).toContain('redirect-overwrite');
    expect(await rules('sudo bash -c "cat > /etc/hosts" <<EOF\n127.0.0.1 app\nEOF')).toContain('redirect-overwrite');
    expect(await rules('sudo bash -c "cat > /var/log/app.log" <<EOF\nx\nEOF')).toContain('redirect-overwrite');
  });
});

describe('lead, stop 25: a path under a variable that says scratch, and ${VAR:?} as the variable itself', () => {
  it('does not flag a named file under a temporary folder held in a variable the script does not set', async () => {
    expect(await rules('rm -f "${tmpdir}/.depdetect_list"')).toEqual([]);
    expect(await rules('rm -f "${TMP_DIR}/report.txt"')).toEqual([]);
    expect(await rules('echo x > "$TEMP/state"')).toEqual([]);
  });

  it('reads ${VAR:?} (fail when unset) as ${VAR}: no glob, so a leftover .tmp file under it is scratch', async () => {
    expect(await rules('rm -f ${tmpdir:?}/detect_ldd.tmp')).toEqual([]);
    expect(await rules('rm -f ${workdir:?}/detect_ldd.tmp')).toEqual([]);
    expect(await rules('rm -f ${workdir:?workdir unset}/out.partial')).toEqual([]);
  });

  it('still flags a temporary-named variable the script set to a real place, a recursive delete of scratch, and data under ${VAR:?}', async () => {
    expect(await rules('tmpdir=/var/lib/app\nrm -f "${tmpdir}/data.db"')).toContain('rm-files');
    expect(await rules('rm -rf "${tmpdir}"/*')).toContain('rm-recursive');
    expect(await rules('rm -f ${datadir:?}/users.db')).toContain('rm-files');
    expect(await rules('rm -f "${tmpdir_backup}/latest.tar"')).toContain('rm-files');
  });
});

describe('lead, stop 25: a helper whose name says it prints', () => {
  it('does not flag a helper named for printing, logging or warning about a stop', async () => {
    expect(await rules('fn_print_restart_warning')).toEqual([]);
    expect(await rules('log_stop_message api')).toEqual([]);
    expect(await rules('show_uninstall_help')).toEqual([]);
  });

  it('still flags a helper named for the stop itself', async () => {
    expect(await rules('fn_restart_server')).toContain('name-verb');
    expect(await rules('stop_and_log api')).toContain('name-verb');
  });
});

describe('lead, stop 25: mask through a service manager wrapper', () => {
  it('flags deb-systemd-invoke mask as systemctl mask is: nothing can start the service after it', async () => {
    expect(await rules('deb-systemd-invoke mask ntp.service || :')).toContain('cli-stop-verb');
  });

  it('does not flag unmask', async () => {
    expect(await rules('deb-systemd-invoke unmask ntp.service || :')).toEqual([]);
  });
});

describe('lead, stop 25: a variable named for a program after a describing word, or an array of one', () => {
  it('judges ${USABLE_GIT} as git and ${SUDO[@]} as sudo', async () => {
    expect(await rules('"${USABLE_GIT}" config remote.origin.url "$REMOTE"')).toEqual([]);
    expect(await rules('"${SUDO[@]}" -v')).toEqual([]);
    expect(await rules('${sudo_cmd} mkdir -p /opt/app')).toEqual([]);
  });

  it('still flags what that program destroys, and a variable named for no program', async () => {
    expect(await rules('"${USABLE_GIT}" reset --hard origin/main')).not.toEqual([]);
    expect(await rules('"${SUDO[@]}" rm -rf /srv/data')).toContain('rm-recursive');
    expect(await rules('${NGINX_SERVICE_COMMAND} reload')).toContain('command-from-variable');
    expect(await rules('"${HOOKS[@]}" run')).toContain('command-from-variable');
  });
});

describe('lead, stop 25: the program a word names though it is not a plain name', () => {
  it('reads ${VAR:-openssl}, $(command -v pyenv), $(which git) and $(type -P gawk awk) as the program named', async () => {
    expect(await rules('${ACME_OPENSSL_BIN:-openssl} x509 -noout -in "$pem"')).toEqual([]);
    expect(await rules('exec "$(command -v pyenv)" exec "$program" "$@"')).toEqual([]);
    expect(await rules('"$(which git)" status')).toEqual([]);
    expect(await rules('"$(type -P gawk awk | head -n1)" "{ print }" file')).toEqual([]);
  });

  it('still judges what the named program does, and still cannot tell an unnamed one', async () => {
    expect(await rules('"$(command -v docker)" rm -f web')).toContain('container-delete');
    expect(await rules('${RM_CMD:-rm} -rf /srv/data')).toContain('rm-recursive');
    expect(await rules('${RUNNER:-$DEFAULT_RUNNER} start')).toContain('command-from-variable');
    expect(await rules('"$(cat /etc/app/cmd)" start')).toContain('command-from-variable');
    expect(await rules('`cat /etc/app/cmd` --now')).toContain('command-from-variable');
    // A quiet grep used as a condition prints nothing, so nothing runs.
    expect(await rules('if "$(echo $dev | egrep -q "^wl.*")"; then echo wifi; fi')).toEqual([]);
  });
});

describe('lead, stop 25: eval of echo over variables, help about a verb, a virtual package group, staged and temporary files', () => {
  it('does not flag eval echo of a variable whose name is built at run time (its value is not read as code)', async () => {
    expect(await rules('[ -n "$(eval echo "\\"\\$$pkey\\"")" ] || true')).toEqual([]);
    expect(await rules('_old_cert_id=$(eval echo "\\$BYTEPLUS_CERT_ID_${_conf_key}")')).toEqual([]);
  });

  it('still flags an eval of a command substitution, a redirect or several commands, and eval of anything else', async () => {
    expect(await rules('eval echo "$(cat /etc/app/cmd)"')).toContain('eval');
    expect(await rules('eval echo $X ">" $FILE')).toContain('eval');
    expect(await rules('eval "$CMD"')).toContain('eval');
    expect(await rules('eval echo $cert_file')).toContain('eval');
  });

  it('does not read a verb given to a help command as doing it', async () => {
    expect(await rules('pyenv-help uninstall')).toEqual([]);
  });

  it('does not flag apk del of the virtual group the script added, and still flags other packages', async () => {
    expect(await rules('apk add --no-cache --virtual .build-deps gcc make\nmake install\napk del .build-deps')).toEqual([]);
    expect(await rules('apk add -t .acmesh-deps openssl\napk del .acmesh-deps')).toEqual([]);
    expect(await rules('apk del .build-deps')).toContain('package-remove');
    expect(await rules('apk add --virtual .build-deps gcc\napk del .build-deps openssl')).toContain('package-remove');
  });

  it('does not flag a write to a staged FILE.new, or to a file named by the script\'s own mktemp helper', async () => {
    expect(await rules('f=/etc/nginx/vhost.d/default\nsed "s/a/b/" "$f" > "${f}.new"')).toEqual([]);
    expect(await rules('_temppem="$(_mktemp)"\ncat "$cert" "$key" > "${_temppem}"')).toEqual([]);
  });

  it('still flags a write over the file itself, or over a fixed path', async () => {
    expect(await rules('f=/etc/nginx/vhost.d/default\nsed "s/a/b/" "$f.orig" > "$f"')).toContain('redirect-overwrite');
    expect(await rules('_temppem=/etc/haproxy/site.pem\ncat "$cert" "$key" > "${_temppem}"')).toContain('redirect-overwrite');
  });
});

describe('lead, stop 26: disks and device maps for Ceph, SELinux modules, PostgreSQL tools, noun-verb subcommands, a transactional wrapper', () => {
  it('flags what prepares or wipes a disk for Ceph, and what tears down a device map', async () => {
    expect(await rules('ceph-disk -v prepare --bluestore /dev/sdb')).toContain('ceph-disk-prepare');
    expect(await rules('ceph-disk zap /dev/sdb')).toContain('ceph-disk-prepare');
    expect(await rules('ceph-volume lvm zap /dev/sdb --destroy')).toContain('ceph-disk-prepare');
    expect(await rules('ceph-volume lvm batch --yes /dev/sdb /dev/sdc')).toContain('ceph-disk-prepare');
    expect(await rules('dmsetup wipe_table --force /dev/mapper/osd-1')).toContain('device-map-remove');
    expect(await rules('dmsetup remove /dev/mapper/osd-1')).toContain('device-map-remove');
  });

  it('does not flag what only lists or reads a disk, its Ceph volumes or its device maps', async () => {
    expect(await rules('ceph-disk list')).toEqual([]);
    expect(await rules('ceph-volume lvm list --format json')).toEqual([]);
    expect(await rules('ceph-volume lvm activate --all')).toEqual([]);
    expect(await rules('dmsetup ls --target crypt')).toEqual([]);
    expect(await rules('dmsetup info /dev/mapper/osd-1')).toEqual([]);
    expect(await rules('sgdisk --info=1 /dev/sda')).toEqual([]);
    expect(await rules('sgdisk -i 2 /dev/sda')).toEqual([]);
    expect(await rules('sgdisk --print /dev/sda')).toEqual([]);
    expect(await rules('sgdisk --verify /dev/sda')).toEqual([]);
    expect(await rules('sgdisk --pretend --zap-all /dev/sda')).toEqual([]);
  });

  it('still flags sgdisk when one option changes the table', async () => {
    expect(await rules('sgdisk --zap-all /dev/sda')).toContain('partition-table');
    expect(await rules('sgdisk --info=1 --delete=1 /dev/sda')).toContain('partition-table');
    expect(await rules('sgdisk -n 1:0:+1G /dev/sda')).toContain('partition-table');
  });

  it('flags removing an SELinux module, and not listing or installing one', async () => {
    expect(await rules('semodule -r rke2')).toContain('selinux-module-remove');
    expect(await rules('semodule -X 200 -r rke2')).toContain('selinux-module-remove');
    expect(await rules('semodule --remove=rke2')).toContain('selinux-module-remove');
    expect(await rules('semodule -l')).toEqual([]);
    expect(await rules('semodule -i rke2.pp')).toEqual([]);
  });

  it("flags pgBackRest's restore and expiry and pgbench's initialisation, and not a backup, a check or a benchmark", async () => {
    expect(await rules('pgbackrest --stanza=db --delta restore')).toContain('pgbackrest-restore');
    expect(await rules('pgbackrest --stanza=db expire --repo1-retention-full=1')).toContain('pgbackrest-restore');
    expect(await rules('pgbackrest --stanza=db stanza-delete --force')).toContain('pgbackrest-restore');
    expect(await rules('pgbench -i -s 10 shop')).toContain('pgbench-initialize');
    expect(await rules('pgbench --initialize --scale=10 shop')).toContain('pgbench-initialize');
    expect(await rules('pgbackrest --stanza=db backup --type=full')).toEqual([]);
    expect(await rules('pgbackrest --stanza=db check')).toEqual([]);
    expect(await rules('pgbackrest info')).toEqual([]);
    expect(await rules('pgbench -c 10 -T 60 shop')).toEqual([]);
  });

  it('reads a noun-verb subcommand by its verb (virsh net-destroy), and not a noun-verb that only reads', async () => {
    expect(await rules('virsh net-destroy br-test')).toContain('cli-delete-verb');
    expect(await rules('virsh net-undefine br-test')).toContain('cli-delete-verb');
    expect(await rules('virsh pool-delete images')).toContain('cli-delete-verb');
    expect(await rules('virsh net-list --all')).toEqual([]);
    expect(await rules('virsh net-dumpxml default')).toEqual([]);
  });

  it('judges what transactional-update runs, also through a variable that holds it', async () => {
    const wrapper = 'transactional_update=""\nif [ -x /usr/sbin/transactional-update ]; then transactional_update="transactional-update -c run"; fi\n';
    expect(await rules(`${wrapper}$transactional_update find /usr/lib/systemd/system -name "rke2-*.service" -delete`)).toContain('find-delete');
    expect(await rules('transactional-update -c run rm -rf /opt/rke2')).toContain('rm-recursive');
    expect(await rules(`${wrapper}$transactional_update rm -f -- "\${INSTALL_RKE2_ROOT}/bin/rke2"`)).toContain('rm-files');
    expect(await rules('transactional-update -c run ls /opt')).toEqual([]);
  });

  it('flags netplan apply (interfaces are reconfigured, connections can drop), and not generating or trying', async () => {
    expect(await rules('netplan apply')).toContain('network-apply');
    expect(await rules('netplan generate')).toEqual([]);
    expect(await rules('netplan get')).toEqual([]);
  });
});

describe('lead, stop 26: a script run again as itself, jq output quoted for the shell', () => {
  it('does not read "$BASH_SOURCE" or "$0" run again (as another user) as a command nobody can read', async () => {
    expect(await rules('exec gosu postgres "$BASH_SOURCE" "$@"')).toEqual([]);
    expect(await rules('exec gosu mysql "${BASH_SOURCE[0]}" "$@"')).toEqual([]);
    expect(await rules('exec su-exec redis "$0" "$@"')).toEqual([]);
  });

  it('still flags a command from any other variable, and "$@" itself', async () => {
    expect(await rules('exec gosu postgres "$SCRIPT" "$@"')).toContain('command-from-variable');
    expect(await rules('exec "$@"')).toContain('command-from-variable');
  });

  it('still flags a kill of the process the script itself started (the label rule counts it: spilo)', async () => {
    expect(await rules('mariadbd --skip-networking &\nMARIADB_PID=$!\nkill "$MARIADB_PID"')).toContain('kill');
  });

  it("does not flag eval of set -- or an array assignment over jq's @sh output", async () => {
    expect(await rules('versions="$(jq -r \'keys | map(@sh) | join(" ")\' versions.json)"\neval "set -- $versions"')).toEqual([]);
    expect(await rules('v="$(jq -r \'.[env.version].variants | map(@sh) | join(" ")\' versions.json)"\neval "variants=( $v )"')).toEqual([]);
    expect(await rules('a="$(jq -r \'.arches | map(@sh) | join(" ")\' v.json)"\neval "declare -g -a arches=( $a )"')).toEqual([]);
  });

  it('still flags eval over jq output that is not quoted for the shell, or over several commands', async () => {
    expect(await rules('v="$(jq -r \'.variants | join(" ")\' versions.json)"\neval "variants=( $v )"')).toContain('eval');
    expect(await rules('v="$(jq -r \'map(@sh) | join(" ")\' v.json)"\neval "set -- $v; rm -rf $v"')).toContain('eval');
  });
});
