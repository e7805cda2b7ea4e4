// The destructive-command detector the importer and the recorder use: each rule fires on
// the command an operator would worry about, names the command and its line, and stays
// quiet on the look-alikes that are harmless (`rm file`, `echo "DROP TABLE"`, `>> log`).
import { describe, expect, it } from 'vitest';
import { destructiveFindings, destructiveReasons, ScriptKnowledge } from '../../src/core/authoring/destructive-commands.js';

/** The one reason a command gets, or fails naming what it got instead. */
async function onlyReason(command: string): Promise<string> {
  const reasons = await destructiveReasons(command);
  expect(reasons, command).toHaveLength(1);
  return reasons[0] ?? '';
}

describe('destructiveReasons', () => {
  it.each([
    ['rm -r old', /`rm -r old` deletes files and folders recursively \(rm -r\)/],
    ['rm -rf /srv/app/releases/1.2.0', /rm -rf .* recursively/],
    ['rm -fR build', /recursively/],
    ['rm --recursive --force cache', /recursively/],
  ])('flags a recursive rm: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it('warns that rm -r on "$VAR/…" starts from / when the variable is empty', async () => {
    expect(await onlyReason('rm -rf "$APP_ROOT/releases"')).toMatch(/if a variable in '\$APP_ROOT\/releases' is empty, this starts from \//);
  });

  it.each([
    ['psql -c "DELETE FROM sessions WHERE expired"', /deletes rows \(DELETE sent to psql with -c\)/],
    ['psql "$DB_URL" --command="DROP TABLE audit_old"', /drops database objects \(DROP TABLE sent to psql with -c\)/],
    ['mysql -u app -e "TRUNCATE events" shop', /empties tables \(TRUNCATE sent to mysql with -e\)/],
    ['sqlite3 /srv/app.db "delete from jobs"', /deletes rows \(DELETE sent to sqlite3 as arguments\)/],
    ['psql app <<EOF\nBEGIN;\nDROP INDEX events_pilot;\nCOMMIT;\nEOF', /DROP INDEX sent to psql on stdin/],
    ['psql app <<< "DELETE FROM t"', /DELETE sent to psql on stdin/],
    ['echo "TRUNCATE t;" | mysql app', /TRUNCATE sent to mysql on stdin/],
    ['cat <<SQL | sudo -u postgres psql\nDELETE FROM t;\nSQL', /`sudo -u postgres psql` deletes rows/],
    ['docker exec db psql -U app -c "DROP SCHEMA old CASCADE"', /DROP SCHEMA sent to psql/],
    ['psql -c "DELETE FROM t WHERE id = $ID" app', /deletes rows/],
  ])('flags DELETE, DROP and TRUNCATE sent to a database client: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it('reads the SQL with a parser, so a read that mentions DROP is not flagged', async () => {
    expect(await destructiveReasons(`psql -c "SELECT 'DROP TABLE' AS note"`)).toEqual([]);
    expect(await destructiveReasons('psql -c "SELECT count(*) FROM events"')).toEqual([]);
    expect(await destructiveReasons('psql -c "UPDATE jobs SET state = 1 WHERE id = 4"')).toEqual([]);
  });

  it.each([
    ['dd if=/dev/zero of=/dev/sdb bs=1M count=10', /writes raw bytes over \/dev\/sdb \(dd of=\)/],
    ['mkfs.ext4 /dev/sdb1', /creates a new filesystem/],
    ['mkfs -t xfs /dev/sdc', /creates a new filesystem/],
    ['wipefs -a /dev/sdb', /erases filesystem signatures/],
  ])('flags writing over disks: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it.each([
    ['date > /srv/app/STATUS', /`> \/srv\/app\/STATUS` overwrites \/srv\/app\/STATUS/],
    ['sort names.txt >| names.txt', /overwrites names.txt/],
    ['./report &> report.log', /overwrites report.log/],
    ['printf "%s\\n" "$CONFIG" | tee /etc/app.conf', /overwrites \/etc\/app.conf \(tee without -a\)/],
  ])('flags overwriting a file: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it.each([
    ['systemctl stop nginx', /stops a service \(systemctl stop\)/],
    ['systemctl disable --now nginx', /disables a service/],
    ['systemctl mask app.service', /masks a service/],
    ['service app stop', /stops a service/],
    ['kill 4242', /signals processes/],
    ['kill -9 $(cat /run/app.pid)', /signals processes/],
    ['pkill -f worker', /kills every process whose name matches/],
    ['killall node', /kills every process with that name/],
  ])('flags stopping services and processes: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it.each([
    ['git push --force origin main', /git push --force/],
    ['git push origin +main', /git push --force/],
    ['git reset --hard origin/main', /discards uncommitted changes/],
    ['truncate -s 0 /var/log/app.log', /cuts files to a new size/],
    ['find /var/log/app -name "*.gz" -mtime +30 -delete', /deletes every file it finds/],
    ['rsync -a --delete build/ /srv/www/', /rsync --delete/],
    ['redis-cli FLUSHALL', /empties Redis/],
    ['kubectl delete pod worker-1', /deletes Kubernetes resources/],
    ['crontab -r', /removes the whole crontab/],
    ['dropdb shop_staging', /drops a PostgreSQL database/],
    ['docker volume rm shop_data', /deletes containers, images or volumes/],
  ])('flags what an experienced operator would want to review: %s', async (command, reason) => {
    expect(await onlyReason(command)).toMatch(reason);
  });

  it('does not call a recursive permission change destructive, but notes one over a system folder or a path starting with a variable', async () => {
    // Nothing is deleted or overwritten: the written label rule lists no permission changes.
    for (const command of ['chmod -R 777 /srv/app', 'chown -R deploy: /srv', 'chown -R clamav:clamav "${STATE_DIR}/lib-clamav"']) expect(await destructiveFindings(command), command).toEqual([]);
    const knowledge = new ScriptKnowledge();
    await destructiveFindings('chown -R deploy: /srv\nchmod -R 0700 keys/\nchown -R clamav: "${STATE_DIR}/lib-clamav"', knowledge);
    expect(knowledge.notes.map((n) => n.reason)).toEqual([
      'line 1: `chown -R deploy: /srv` changes the owner of everything under /srv (chown -R)',
      "line 3: `chown -R clamav: ${STATE_DIR}/lib-clamav` changes the owner of everything under ${STATE_DIR}/lib-clamav (chown -R); if the variable in '${STATE_DIR}/lib-clamav' is empty, this starts from /",
    ]);
  });

  it('looks inside sudo, xargs, bash -c, ssh, if-blocks, loops and $(…)', async () => {
    expect(await onlyReason('sudo rm -rf /opt/old')).toMatch(/`sudo rm -rf \/opt\/old` deletes files and folders recursively/);
    expect(await onlyReason('ls -1d releases/* | head -n -3 | xargs -r rm -rf')).toMatch(/`xargs -r rm -rf` deletes/);
    expect(await onlyReason(`bash -c 'systemctl stop app'`)).toMatch(/stops a service/);
    expect(await onlyReason(`ssh deploy@app-1 "sudo systemctl stop app"`)).toMatch(/`ssh deploy@app-1 "sudo systemctl stop app"` stops a service/);
    expect(await onlyReason('if [ -d /srv/old ]; then\n  rm -r /srv/old\nfi')).toMatch(/^line 2: `rm -r \/srv\/old`/);
    expect(await onlyReason('for pid in $(pgrep worker); do kill "$pid"; done')).toMatch(/signals processes/);
    expect(await onlyReason('echo "removed: $(rm -rv /srv/cache)"')).toMatch(/`rm -rv \/srv\/cache` deletes/);
  });

  it('reads ssh options given after the host as options, as ssh does, not as the remote command', async () => {
    expect(await destructiveReasons('ssh root@$server_ip -p$server_port -i /root/.ssh/key echo ok')).toEqual([]);
    expect(await destructiveReasons('ssh app-1 -p 2222 -o BatchMode=yes uptime')).toEqual([]);
    expect(await onlyReason('ssh root@$server_ip -p$server_port -i /root/.ssh/key "systemctl stop app"')).toMatch(/stops a service/);
    expect(await onlyReason('ssh app-1 -p 2222 -- rm -rf /srv/old')).toMatch(/deletes files and folders recursively/);
  });

  it('looks inside what bash runs from a heredoc body, coproc and a line with an extended glob', async () => {
    expect(await onlyReason('cat <<EOF > /dev/null\n$(rm -rf /srv/cache)\nEOF')).toMatch(/^line 2: `rm -rf \/srv\/cache` deletes files and folders recursively/);
    // A quoted delimiter makes the body literal text: nothing in it runs.
    expect(await destructiveReasons("cat <<'EOF'\n$(rm -rf /srv/cache)\nEOF")).toEqual([]);
    expect(await onlyReason('coproc rm -rf /srv/old')).toMatch(/deletes files and folders recursively/);
    expect(await onlyReason('shopt -s extglob\nrm -rf !(*.gz|keep)')).toMatch(/^line 2: .* deletes files and folders recursively/);
  });

  it('names the line of each finding in a longer command', async () => {
    expect(await destructiveReasons('cd /srv/app\nsystemctl stop app\necho done\nrm -r cache')).toEqual([
      'line 2: `systemctl stop app` stops a service (systemctl stop)',
      'line 4: `rm -r cache` deletes files and folders recursively (rm -r)',
    ]);
  });

  it.each([
    'rm -f /tmp/lock',
    'echo "DROP TABLE users"',
    'echo "rm -rf /"',
    'grep -c DELETE access.log',
    'date >> /var/log/deploy.log',
    'make build > /dev/null 2>&1',
    'curl -fsS http://localhost/health 2>/dev/null',
    'command -v psql >/dev/null',
    'systemctl reload app',
    'systemctl status app',
    'kill -0 "$PID"',
    'tee -a deploy.log',
    'git push origin main',
    'chmod 600 key.pem',
    'dd if=/dev/sda bs=512 count=1 | xxd',
    'psql -c "SELECT 1"',
    'cat <<EOF\nDELETE FROM t;\nEOF',
  ])('leaves a harmless look-alike alone: %s', async (command) => {
    expect(await destructiveReasons(command)).toEqual([]);
  });

  it('says when a command cannot be parsed, rather than calling it safe', async () => {
    expect(await destructiveReasons('echo "unterminated')).toEqual([
      'line 1: this could not be read as shell (reached EOF without closing quote `"`), so it was not checked for destructive commands; review it by hand',
    ]);
  });
});
