// Files a program split into several files copies into place itself, known across its files by
// the path it writes them to (src/core/authoring/program-copies.ts): an in-place edit of such a
// copy fills in the program's own template and is quiet; an edit of a file the program did not
// copy still flags. Look-alikes written for the cause, not lines of the measured scripts.
import { describe, expect, it } from 'vitest';
import { destructiveFindings, filesFrom, ScriptKnowledge } from '../../src/core/authoring/destructive-commands.js';

const rulesIn = async (files: Map<string, string>, self: string): Promise<string[]> => (await destructiveFindings(files.get(self) ?? '', new ScriptKnowledge(filesFrom(files), self))).map((f) => f.rule);

const ENTRY = ['#!/bin/bash', '. ./conf/paths', '. ${STEPS}/app.sh', '. ${STEPS}/tune.sh', 'app_install', 'app_tune'].join('\n');
const PATHS = ['STEPS=./steps', 'SAMPLES=./samples', 'APP_CONF=/etc/app/app.conf', 'JAIL_DIR=/etc/app/jail.d'].join('\n');

describe('a copy made in another file of the same program', () => {
  const program = (app: string, tune: string, entry = ENTRY): Map<string, string> =>
    new Map([
      ['install.sh', entry],
      ['conf/paths', PATHS],
      ['steps/app.sh', app],
      ['steps/tune.sh', tune],
    ]);

  it('is quiet for perl -pi / sed -i of the file another step copied into place by the same variable', async () => {
    const files = program('app_install() {\n  cp -f ${SAMPLES}/app.conf ${APP_CONF}\n}', "app_tune() {\n  perl -pi -e 's#PH_HOST#$ENV{HOST}#' ${APP_CONF}\n  sed -i \"s/PH_PORT/$PORT/\" \"$APP_CONF\"\n}");
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual([]);
  });

  it('still flags an in-place edit of a file no step copied (a package’s shipped config)', async () => {
    const files = program('app_install() {\n  cp -f ${SAMPLES}/app.conf ${APP_CONF}\n}', "app_tune() {\n  perl -pi -e 's/^#Port 22/Port 2222/' /etc/ssh/sshd_config\n  sed -i s/a/b/ ${OTHER_CONF}\n}");
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit', 'in-place-edit']);
  });

  it('still flags the edit when the step is judged without the program around it', async () => {
    const files = new Map([['steps/tune.sh', "app_tune() {\n  perl -pi -e 's#PH_HOST#x#' ${APP_CONF}\n}"]]);
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit']);
  });

  it('still flags a > write over the copy: the destination may have held a file before', async () => {
    const files = program('app_install() {\n  cp -f ${SAMPLES}/app.conf ${APP_CONF}\n}', 'app_tune() {\n  cat ${SAMPLES}/tuned.conf > ${APP_CONF}\n}');
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['redirect-overwrite']);
  });

  it('does not trust cp -n, which keeps a file that was already there', async () => {
    const files = program('app_install() {\n  cp -n ${SAMPLES}/app.conf ${APP_CONF}\n}', "app_tune() {\n  sed -i 's/a/b/' ${APP_CONF}\n}");
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit']);
  });

  it('does not trust a copy that puts back a file the program saved away (the old content)', async () => {
    const files = program('app_install() {\n  cp ${APP_CONF} /tmp/app.conf.saved\n  cp /tmp/app.conf.saved ${APP_CONF}\n}', "app_tune() {\n  sed -i 's/a/b/' ${APP_CONF}\n}");
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit']);
  });

  it('does not match a variable the step sets itself (its own $f is not the other file’s)', async () => {
    const files = program('app_install() {\n  for f in a b; do cp -f ${SAMPLES}/x "$f"; done\n}', "app_tune() {\n  for f in /etc/app/main.cf /etc/app/extra.cf; do\n    perl -pi -e 's/a/b/' ${f}\n  done\n}");
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit']);
  });

  it('needs every program that sources the step to have made the file', async () => {
    const files = program('app_install() {\n  cp -f ${SAMPLES}/app.conf ${APP_CONF}\n}', "app_tune() {\n  sed -i 's/a/b/' ${APP_CONF}\n}");
    files.set('test/tune-test.sh', '#!/bin/bash\n. ./conf/paths\n. steps/tune.sh\necho old > ${APP_CONF}.orig\napp_tune');
    expect(await rulesIn(files, 'steps/tune.sh')).toEqual(['in-place-edit']);
  });
});

describe('a copy into a folder', () => {
  it('is quiet for an edit of FOLDER/NAME after cp SRC/NAME FOLDER, also by a glob of the copied names', async () => {
    const script = ['cp -f ${SAMPLES}/jail.d/*.local ${JAIL_DIR}', "perl -pi -e 's#PH_ACTION#x#' ${JAIL_DIR}/*.local", 'cp ${SAMPLES}/syslog/app-log.conf ${SYSLOG_DIR}', "perl -pi -e 's#PH_LOG#y#' ${SYSLOG_DIR}/app-log.conf", 'cp conf/filters /etc/postfix/', 'sed -i s/a/b/ /etc/postfix/filters'].join('\n');
    expect((await destructiveFindings(script)).map((f) => f.rule)).toEqual([]);
  });

  it('still flags an edit of another name in that folder, the folder itself, or a bare * in the current folder', async () => {
    const script = ['cp -f ${SAMPLES}/jail.d/*.local ${JAIL_DIR}', "perl -pi -e 's#a#b#' ${JAIL_DIR}/*.conf", 'cp conf/filters /etc/postfix/', 'sed -i s/a/b/ /etc/postfix', 'cd /etc/sysconfig/network-scripts', "perl -pi -e 's#ZONE=public#ZONE=mail#' *"].join('\n');
    expect((await destructiveFindings(script)).map((f) => f.line)).toEqual([2, 4, 6]);
  });

  it('is quiet for a glob edit over several files copied into one folder', async () => {
    const script = ['cp -f ${SAMPLES}/init.sql ${DATA_DIR}/init.sql', 'cp -f ${SAMPLES}/db.pgsql ${DATA_DIR}/db.sql', "perl -pi -e 's#PH_DB#mail#' ${DATA_DIR}/*.sql"].join('\n');
    expect((await destructiveFindings(script)).filter((f) => f.rule === 'in-place-edit')).toEqual([]);
  });
});

describe('SQL and settings the program itself put in place', () => {
  const rules = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);

  it('does not call psql -f of an SQL file the program copied from its own template a restore', async () => {
    expect(await rules('cp "$SAMPLES/schema.sql" "$DATA_DIR/schema.sql"\nsed -i "s/PH_DB/mail/" "$DATA_DIR/schema.sql"\npsql -d template1 -f "$DATA_DIR/schema.sql"')).toEqual([]);
    expect(await rules('cp "$SAMPLES/schema.sql" "$DATA_DIR/schema.sql"\nmysql mail < "$DATA_DIR/schema.sql"')).toEqual([]);
  });

  it('still flags SQL from a file the program did not copy (a dump)', async () => {
    expect(await rules('cp "$SAMPLES/schema.sql" "$DATA_DIR/schema.sql"\npsql -d mail -f /var/backups/mail.sql')).toEqual(['sql-load']);
    expect(await rules('mysql mail < "$DATA_DIR/schema.sql"')).toEqual(['sql-load']);
  });

  it('does not call sourcing a settings file it tested for a hook, and still flags a tested .sh', async () => {
    expect(await rules('[ -f .env.custom ] && . .env.custom\nif [ -r /etc/os-release ]; then source /etc/os-release; fi\nf=/etc/app/versions\n[ -f "$f" ] && . "$f"')).toEqual([]);
    expect(await rules('[ -f hooks/pre.sh ] && source hooks/pre.sh')).toEqual(['optional-script']);
    expect(await rules('[ -f hooks/pre ] && bash hooks/pre')).toEqual(['optional-script']);
  });
});

describe('a backup tool is not a backup', () => {
  const rules = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);

  it('does not call installing a backup script a restore, and still flags a saved copy put back', async () => {
    expect(await rules('cp "${TOOLS_DIR}/backup_db.sh" "${CRON_DIR}/backup_db.sh"\ncp "${TOOLS_DIR}/${BACKUP_SCRIPT_NAME}" "$dest"')).toEqual([]);
    expect(await rules('cp /var/backups/app.conf /etc/app/app.conf\ncp /etc/app.conf.orig /etc/app.conf')).toEqual(['cp-restore', 'cp-restore']);
  });
});

describe("the program's own files in its checkout", () => {
  const checkout = (step: string): Map<string, string> =>
    new Map([
      ['install.sh', ['#!/bin/bash', 'if [ -n "$1" ]; then', '  export ROOTDIR="$1"', 'else', '  export ROOTDIR="$(pwd)"', 'fi', 'export SAMPLE_DIR="${ROOTDIR}/samples"', '. ./steps/ldap.sh'].join('\n')],
      ['samples/systemd/slapd.service', '[Service]\nUser=PH_USER\n'],
      ['samples/firewall/rules.v4', '-A INPUT -p tcp --dport 22 -j ACCEPT\n'],
      ['steps/ldap.sh', step],
    ]);

  it('is quiet for an in-place edit of a file the repository holds, reached through the program’s own folder variable', async () => {
    const files = checkout("ldap_setup() {\n  perl -pi -e 's#PH_USER#$ENV{LDAP_USER}#g' ${SAMPLE_DIR}/systemd/slapd.service\n  sed -i \"s/ 22 / $PORT /\" ${SAMPLE_DIR}/firewall/rules.v4\n}");
    expect(await rulesIn(files, 'steps/ldap.sh')).toEqual([]);
  });

  it('still flags an edit of a path the repository does not hold, or of the same name outside the checkout', async () => {
    const files = checkout("ldap_setup() {\n  sed -i s/a/b/ ${SAMPLE_DIR}/systemd/other.service\n  sed -i s/a/b/ /etc/systemd/slapd.service\n}");
    expect(await rulesIn(files, 'steps/ldap.sh')).toEqual(['in-place-edit', 'in-place-edit']);
  });
});
