// The destructive-command rule table, rule by rule: each rule fires on the commands it
// lists and stays quiet on its look-alikes, and the whole detector stays quiet on the false
// alarms operators reported (`exec > >(tee -a log)`, writes to files the script just made)
// and on ordinary reads. What runs inside `sh -c`, `sudo`, `xargs`, `env`, `timeout`,
// `nohup`, `nice` is judged too, and a command nobody can read before it runs is flagged.
import { describe, expect, it } from 'vitest';
import { destructiveFindings, destructiveReasons, ScriptKnowledge } from '../../src/core/authoring/destructive-commands.js';
import { RULES, type Category } from '../../src/core/authoring/destructive-rules.js';

const rulesFired = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);
/** The rules a script fires at the note level: shown to the author, never a destructive finding. */
const notesFired = async (script: string): Promise<string[]> => {
  const knowledge = new ScriptKnowledge();
  await destructiveFindings(script, knowledge);
  return knowledge.notes.map((n) => n.rule);
};

describe('the destructive-command rule table', () => {
  it('gives every rule a unique id, a reason, and at least one command it must flag', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.reason, rule.id).not.toBe('');
      expect(rule.examples.flags.length, rule.id).toBeGreaterThan(0);
    }
  });

  it('covers every category an operator worries about', () => {
    const categories = new Set<Category>(RULES.map((r) => r.category));
    for (const c of ['files', 'disks', 'databases', 'restores', 'services', 'containers', 'kubernetes', 'network', 'packages', 'git', 'access', 'infrastructure', 'unknown'] as const) {
      expect(categories.has(c), c).toBe(true);
    }
  });

  it.each(RULES.map((r) => [r.id, r] as const))('rule %s flags its commands and not its look-alikes', async (id, rule) => {
    const fired = rule.level === 'note' ? notesFired : rulesFired;
    for (const command of rule.examples.flags) expect(await fired(command), command).toContain(id);
    for (const command of rule.examples.quiet) expect(await fired(command), command).not.toContain(id);
    // A note is never a destructive finding.
    if (rule.level === 'note') for (const command of rule.examples.flags) expect(await rulesFired(command), command).not.toContain(id);
  });
});

describe('the categories the detector used to miss', () => {
  it.each([
    ['ip link delete br-lab type bridge', 'ip-delete'],
    ['ip addr flush dev eth1', 'ip-delete'],
    ['iptables -F', 'iptables-flush'],
    ['iptables -X', 'iptables-flush'],
    ['iptables -D INPUT -s 203.0.113.0/24 -j DROP', 'iptables-flush'],
    ['nft flush ruleset', 'nft-delete'],
    ['nft delete table inet blocklist', 'nft-delete'],
    ['$dc down --volumes', 'command-from-variable'],
    ['eval "$STEP"', 'eval'],
    ['tar -xzf /backup/uploads.tgz -C /var/lib/app', 'tar-extract'],
    ['psql app < /var/backups/app.sql', 'sql-load'],
    ['pg_restore -d shop shop.dump', 'pg-restore'],
    ['mysql shop < dump.sql', 'sql-load'],
    ['rm -f /srv/app/current.pid', 'rm-files'],
    ['docker volume rm shop_pgdata', 'container-delete'],
    ['docker rm -v shop-worker', 'container-delete'],
    ['docker system prune -af', 'container-delete'],
    ['docker compose down --volumes', 'compose-down-volumes'],
    ['docker-compose down -v', 'compose-down-volumes'],
    ['mysqladmin -f drop reporting_tmp', 'mysqladmin-drop'],
    ['redis-cli FLUSHALL', 'redis-delete'],
    ['redis-cli FLUSHDB', 'redis-delete'],
    ['redis-cli DEL session:42', 'redis-delete'],
    ['redis-cli UNLINK session:42', 'redis-delete'],
    ['yum remove -y php', 'package-remove'],
    ['dnf remove -y php', 'package-remove'],
    ['apt remove -y php', 'package-remove'],
    ['apt-get purge -y php', 'package-remove'],
    ['apt-get autoremove -y', 'package-remove'],
    ['kubectl scale deploy/worker --replicas=0', 'kube-scale-zero'],
    ['oc delete pod api-1', 'kube-delete'],
    ['oc adm drain worker-3 --force', 'kube-drain'],
    ['oc patch dc/api -p "{}"', 'kube-patch'],
  ])('flags %s (%s)', async (command, rule) => {
    expect(await rulesFired(command)).toContain(rule);
  });
});

describe('what runs inside another command', () => {
  it.each([
    [`sh -c 'rm -rf /srv/app/cache'`, 'rm-recursive'],
    [`bash -c "iptables -F SHOP-IN"`, 'iptables-flush'],
    [`sudo ip link delete br-lab`, 'ip-delete'],
    [`sudo sh -c 'systemctl stop shop && rm -rf /var/lib/shop/tmp/*'`, 'systemctl-stop'],
    [`sudo sh -c 'systemctl stop shop && rm -rf /var/lib/shop/tmp/*'`, 'rm-recursive'],
    [`sudo -u postgres psql -c "DROP DATABASE scratch"`, 'sql-drop'],
    [`docker volume ls -qf dangling=true | xargs -r docker volume rm`, 'container-delete'],
    [`env SHOP_MODE=maint redis-cli FLUSHALL`, 'redis-delete'],
    [`timeout 30 docker rm -v shop-worker-old`, 'container-delete'],
    [`nohup redis-cli FLUSHALL > /dev/null 2>&1 &`, 'redis-delete'],
    [`nice -n 10 rm -f /var/lib/shop/export.csv`, 'rm-files'],
    [`sudo env A=1 timeout -s KILL 60 nice -n 5 nft flush ruleset`, 'nft-delete'],
    [`sudo sh -c 'echo "$KEY" > /etc/app/key'`, 'redirect-overwrite'],
    [`sudo mysql shop < /srv/dump.sql`, 'sql-load'],
    [`ssh db-1 'sudo -u postgres dropdb shop_old'`, 'dropdb'],
    [`sudo $CMD`, 'command-from-variable'],
    [`sh -c "$CMD"`, 'command-from-variable'],
    [`run() { echo "+ $*"; "$@"; }\nrun redis-cli FLUSHALL`, 'redis-delete'],
    [`trap 'systemctl stop worker' EXIT`, 'systemctl-stop'],
    [`find /srv/old -print0 | xargs -0 -I{} sh -c 'rm -rf "{}"'`, 'rm-recursive'],
    [`ssh deploy@app-1 -- 'sudo systemctl stop app'`, 'systemctl-stop'],
    [`su - postgres -c "dropdb shop_old"`, 'dropdb'],
    [`command rm -f /srv/app/current.pid`, 'rm-files'],
    [`docker exec -i db psql -U app shop < /srv/dump.sql`, 'sql-load'],
  ])('%s → %s', async (command, rule) => {
    expect(await rulesFired(command)).toContain(rule);
  });

  it('names the outer command and its line, so the reviewer sees what they will run', async () => {
    expect(await destructiveReasons(`cd /srv\nsudo sh -c 'iptables -F'`)).toEqual(["line 2: `sudo sh -c \"iptables -F\"` deletes firewall rules or chains (iptables -F/-X/-D)"]);
  });
});

describe('commands nobody can read before they run', () => {
  it('flags a command named by a variable the script does not fix, and eval', async () => {
    expect(await destructiveReasons('"$TOOL" "$ACTION"')).toEqual(['line 1: `$TOOL $ACTION` runs a command named by $TOOL, which the script does not set to a fixed value: cannot tell what runs']);
    expect(await destructiveReasons('eval "$ACTION --force"')).toEqual(['line 1: `eval "$ACTION --force"` runs text built at run time (eval): cannot tell what runs']);
    expect(await rulesFired('exec "$@"')).toEqual(['command-from-variable']);
    expect(await rulesFired('TOOL=${TOOL:-/usr/bin/shopctl}\n$TOOL purge')).toEqual(['command-from-variable']);
  });

  it('reads the variable when the script sets it to fixed text, every value it may take', async () => {
    expect(await rulesFired('dc="docker compose -f deploy/compose.yml"\n$dc down --volumes')).toEqual(['compose-down-volumes']);
    expect(await rulesFired('dc="docker compose"\n$dc ps\n$dc up -d')).toEqual([]);
    expect(await rulesFired('if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi\n$SUDO systemctl stop app')).toEqual(['systemctl-stop']);
    expect(await rulesFired('if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi\n$SUDO systemctl status app')).toEqual([]);
    expect(await rulesFired('eval "systemctl stop app"')).toEqual(['systemctl-stop']);
  });
});

describe('files the script made itself', () => {
  it('flags the first write over a file that may have been there, not the later writes nor its removal', async () => {
    const findings = await destructiveFindings('OUT=report.txt\nhostname > "$OUT"\ndate > "$OUT"\nrm -f "$OUT"');
    expect(findings.map((f) => [f.line, f.rule])).toEqual([[2, 'redirect-overwrite']]);
  });
});

describe('blocks of one page, read in order', () => {
  it('carries what an earlier block made and set into the later ones through one ScriptKnowledge', async () => {
    const knowledge = new ScriptKnowledge();
    expect(await destructiveFindings('work=$(mktemp -d)\ndc="docker compose -f $work/compose.yml"', knowledge)).toEqual([]);
    expect((await destructiveFindings('date > "$work/out"\n$dc down -v', knowledge)).map((f) => f.rule)).toEqual(['compose-down-volumes']);
    expect((await destructiveFindings('date > "$work/out"\n$dc down -v')).map((f) => f.rule)).toEqual(['redirect-overwrite', 'command-from-variable']);
  });
});

describe("what does not prove a file is the script's own", () => {
  it('flags a write into a folder mkdir -p may have found there, and a path that climbs out with ..', async () => {
    expect(await rulesFired('mkdir -p /etc/app\necho "port=80" > /etc/app/app.conf')).toEqual(['redirect-overwrite']);
    expect(await rulesFired('tmp=$(mktemp)\ndate > "$tmp/../../etc/hosts"')).toEqual(['redirect-overwrite']);
    expect(await rulesFired('mkdir /srv/app/run\necho "$$" > /srv/app/run/pid')).toEqual([]);
  });
});

describe('must not flag', () => {
  it.each([
    // The false alarms operators reported.
    'exec > >(tee -a /var/log/deploy.log) 2>&1',
    'exec > >(tee -a "$LOG") 2> >(tee -a "$LOG" >&2)',
    'tmp=$(mktemp)\necho "$PAYLOAD" > "$tmp"\nsort "$tmp" > "$tmp.sorted"\nrm -f "$tmp" "$tmp.sorted"',
    'work=$(mktemp -d)\ntrap \'rm -rf "$work"\' EXIT\ngit clone https://git.example.com/a.git "$work/src"\nrm -rf "$work/src/.git"',
    'touch /srv/app/maintenance.flag\necho on > /srv/app/maintenance.flag\nrm /srv/app/maintenance.flag',
    'LOG=/var/log/backup-$(date +%F).log\necho start > "$LOG"',
    'R=/srv/app/releases/$(date +%s)\nmkdir -p "$R"\ntar -xzf app.tgz -C "$R"\necho "$R" > "$R/REVISION"',
    'echo $$ > /var/tmp/job.$$.pid',
    // Ordinary reads and harmless look-alikes.
    'ip addr show dev eth0',
    'ip -br link show',
    'iptables -L -n -v',
    'nft list ruleset',
    'redis-cli INFO keyspace',
    'redis-cli GET del',
    'docker compose ps',
    'docker compose up -d',
    'docker volume ls',
    'kubectl -n payments get pods -o wide',
    'kubectl scale deploy/api --replicas=3',
    'oc get clusterversion',
    'oc adm top nodes',
    'apt-get install -y nginx',
    'yum list installed nginx',
    'tar -czf /srv/backups/app.tgz /srv/app',
    'tar -tzf backup.tgz',
    'pg_restore --list shop.dump',
    'pg_dump shop | gzip > /tmp/shop.sql.gz',
    'psql -c "SELECT count(*) FROM orders"',
    'mysql -e "SHOW PROCESSLIST"',
    'echo "rm -rf /; DROP TABLE users; iptables -F"',
    'grep -c "DELETE" access.log',
    'systemctl reload app',
    'kill -0 "$PID"',
    'command -v docker >/dev/null 2>&1',
    'eval "$(ssh-agent -s)"',
    'git fetch --prune origin',
    'terraform plan -destroy -out=destroy.plan',
    // `$((…))` inside a C-style for is arithmetic, not a subshell running `$depth`.
    'depth=${#FUNCNAME[@]}\nfor ((i = $(($depth - 1)), j = 1; i > 0; i--, j++)); do echo "$i $j"; done',
  ])('%s', async (script) => {
    expect(await destructiveReasons(script)).toEqual([]);
  });
});
