// A script seldom stands alone: it sources helpers and calls small programs of its own
// repository. Given those files, a function defined in a sourced helper counts like one the
// script defines, and a wrapper that hands its arguments to a destructive command (a
// `sedfile` around `sed -i "$@"`) makes each of its calls destructive, judged with that
// call's arguments. Look-alikes written for the cause, not lines copied from real scripts.
import { describe, expect, it } from 'vitest';
import { destructiveFindings, filesFrom, ScriptKnowledge } from '../../src/core/authoring/destructive-commands.js';

const HELPERS = ['#!/bin/bash', 'function edit_conf() {', '  sed "$@"', '}', 'function stop_all() {', '  echo "stopping"', '}', 'shutdown() { echo "not the system one: $*"; }'].join('\n');
const SEDFILE = ['#!/bin/bash', '# sed -i, failing when nothing changed', 'set -eu', 'FILE=${*: -1}', 'OLD=$(sha1sum "${FILE}")', 'sed "${@}"', '[[ $OLD != "$(sha1sum "${FILE}")" ]]'].join('\n');

const repo = filesFrom(
  new Map([
    ['target/scripts/helpers/conf.sh', HELPERS],
    ['target/scripts/helpers/index.sh', ['#!/bin/bash', 'function _import() {', "  local HERE='/usr/local/bin/helpers'", '  source "${HERE}/conf.sh"', '}', '_import'].join('\n')],
    ['target/bin/sedfile', SEDFILE],
    ['target/bin/notes.txt', 'sed "$@"'],
    ['target/scripts/start.sh', ''],
  ]),
);

const findingsIn = async (script: string, files = repo): Promise<{ line: number; rule: string }[]> =>
  (await destructiveFindings(script, new ScriptKnowledge(files, 'target/scripts/start.sh'))).map((f) => ({ line: f.line, rule: f.rule }));

describe('functions defined in a sourced helper', () => {
  it('flags a call to a helper that hands its arguments to sed, when the arguments edit a file in place', async () => {
    const script = ['#!/bin/bash', 'source /usr/local/bin/helpers/conf.sh', 'edit_conf -i "s/^port=.*/port=25/" /etc/mail/main.cf'].join('\n');
    expect(await findingsIn(script)).toEqual([{ line: 3, rule: 'in-place-edit' }]);
  });

  it('follows a helper that sources the others through a variable, inside a function', async () => {
    const script = ['#!/bin/bash', 'source /usr/local/bin/helpers/index.sh', 'edit_conf -i -E "s|a|b|" /etc/dovecot/dovecot.conf'].join('\n');
    expect(await findingsIn(script)).toEqual([{ line: 3, rule: 'in-place-edit' }]);
  });

  it("does not flag the same helper reading a file, editing the script's own temporary file, or a helper function that only prints", async () => {
    const script = ['#!/bin/bash', '. "$(dirname "$0")/helpers/conf.sh"', 'edit_conf -n "/^port=/p" /etc/mail/main.cf', 'tmp=$(mktemp)', 'edit_conf -i s/a/b/ "$tmp"', 'stop_all', 'shutdown now'].join('\n');
    expect(await findingsIn(script)).toEqual([]);
  });

  it('still flags the system command when the helper was not sourced', async () => {
    expect(await findingsIn('#!/bin/bash\nshutdown now')).toEqual([{ line: 2, rule: 'power' }]);
  });
});

describe("programs of the script's own repository", () => {
  it('flags a call to a repository program that runs sed with its arguments', async () => {
    const script = ['#!/bin/bash', 'sedfile -i "s/^#(protocols =).*/\\1 lmtp/" /etc/dovecot/dovecot.conf', 'sedfile --strict -i \\', '  "/^mail_plugins/d" \\', '  /etc/dovecot/conf.d/10-mail.conf'].join('\n');
    expect(await findingsIn(script)).toEqual([
      { line: 2, rule: 'in-place-edit' },
      { line: 3, rule: 'in-place-edit' },
    ]);
  });

  it('does not flag it when it only prints, nor a file of that name that is not a shell program', async () => {
    const script = ['#!/bin/bash', 'sedfile -n "1p" /etc/dovecot/dovecot.conf', 'notes.txt -i s/a/b/ /etc/hosts'].join('\n');
    expect(await findingsIn(script)).toEqual([]);
  });

  it('knows nothing of the program when the files are not given', async () => {
    expect(await findingsIn('sedfile -i s/a/b/ /etc/hosts', filesFrom(new Map()))).toEqual([]);
  });
});

describe('a sandbox a sourced setup function enters', () => {
  const SETUP = ['#!/bin/bash', 'SANDBOX="$(mktemp -d /tmp/app-test.XXX)"', 'setup() {', '  git clone --depth=1 "file://$PWD" "$SANDBOX"', '  cd "$SANDBOX"', '}', 'setup'].join('\n');
  const files = filesFrom(new Map([['tests/_setup.sh', SETUP], ['tests/config-test.sh', '']]));
  const run = async (script: string): Promise<{ line: number; rule: string }[]> =>
    (await destructiveFindings(script, new ScriptKnowledge(files, 'tests/config-test.sh'))).map((f) => ({ line: f.line, rule: f.rule }));

  it("writes relative paths into the run's own clone, not the real checkout", async () => {
    expect(await run(['#!/bin/bash', 'source tests/_setup.sh', 'echo "x = 1" > app/app.conf', 'rm app/settings.conf'].join('\n'))).toEqual([]);
  });

  it('still flags the same writes when the setup function is only defined, never called', async () => {
    const idle = filesFrom(new Map([['tests/_setup.sh', SETUP.replace(/\nsetup$/, '')], ['tests/config-test.sh', '']]));
    const found = (await destructiveFindings(['#!/bin/bash', 'source tests/_setup.sh', 'cat app/app.conf.dist > app/app.conf', 'rm app/settings.conf'].join('\n'), new ScriptKnowledge(idle, 'tests/config-test.sh'))).map((f) => f.rule);
    expect(found).toEqual(['redirect-overwrite', 'rm-files']);
  });
});

describe('a sourced file tested for first', () => {
  it('is the repository’s own code when the repository holds it, and a hook that cannot be read when it does not', async () => {
    const files = filesFrom(new Map([['install/_detect-engine.sh', '#!/bin/bash\nENGINE=docker\n'], ['install/geoip.sh', '']]));
    const script = ['#!/bin/bash', 'if [[ -f install/_detect-engine.sh ]]; then', '  source install/_detect-engine.sh', 'fi', '[ -f install/hook.sh ] && source install/hook.sh'].join('\n');
    const found = (await destructiveFindings(script, new ScriptKnowledge(files, 'install/geoip.sh'))).map((f) => ({ line: f.line, rule: f.rule }));
    expect(found).toEqual([{ line: 5, rule: 'optional-script' }]);
  });
});
