// A command named by a variable the script itself never sets (`$DOCKER_BIN rm …`, `$dc down`)
// is judged by what the files that came with it set the variable to: the files that source the
// script, then any file of the repository. A variable nothing sets, or sets to something
// unknown, stays "cannot tell what runs"; a script judged alone keeps that too. Look-alikes
// written for each cause, not lines copied from the real scripts.
import { describe, expect, it } from 'vitest';
import { destructiveFindings, filesFrom, ScriptKnowledge, type ScriptFiles } from '../../src/core/authoring/destructive-commands.js';

const findings = async (files: ScriptFiles | undefined, self: string): Promise<{ line: number; rule: string }[]> => {
  const text = files?.read(self) ?? '';
  return (await destructiveFindings(text, new ScriptKnowledge(files, self))).map((f) => ({ line: f.line, rule: f.rule }));
};

const entryProgram = ['#!/usr/bin/env bash', 'set -eo pipefail', 'export DOCKER_BIN=${DOCKER_BIN:="docker"}', 'exec "$PLUGIN_PATH/$1/subcommand" "$@"'].join('\n');
const plugin = ['#!/usr/bin/env bash', 'app_destroy() {', '  "$DOCKER_BIN" container rm -f "$1-web"', '  $DOCKER_BIN image ls -q "$1"', '}'].join('\n');

describe('a command variable set by another file of the repository', () => {
  it('judges $DOCKER_BIN as docker when the entry program exports it with a default', async () => {
    const repo = filesFrom(new Map([['tool', entryProgram], ['plugins/apps/functions', plugin]]));
    expect(await findings(repo, 'plugins/apps/functions')).toEqual([{ line: 3, rule: 'container-delete' }]);
  });

  // Twelfth round: a variable named for a program ($DOCKER_BIN) is judged as that program when
  // nothing sets it (program-variables.ts); until then this pinned "cannot tell what runs" twice.
  it('judges $DOCKER_BIN by its name when the script is judged alone', async () => {
    const alone = filesFrom(new Map([['plugins/apps/functions', plugin]]));
    expect((await destructiveFindings(plugin)).map((f) => f.rule)).toEqual(['container-delete']);
    expect((await findings(alone, 'plugins/apps/functions')).map((f) => f.rule)).toEqual(['container-delete']);
    expect((await destructiveFindings(plugin.replaceAll('DOCKER_BIN', 'ENGINE'))).map((f) => f.rule)).toEqual(['command-from-variable', 'command-from-variable']);
  });

  it('stays "cannot tell what runs" when a value found is unknown (an argument, command output)', async () => {
    const repo = filesFrom(
      new Map([
        ['tool', '#!/bin/bash\nexport DOCKER_BIN=docker\n'],
        ['other/run', '#!/bin/bash\nDOCKER_BIN=$(find_engine)\n'],
        ['plugins/apps/functions', plugin],
      ]),
    );
    // Twelfth round: before, $DOCKER_BIN stayed "cannot tell what runs"; a variable named for a
    // program is now judged as that program, so the unknown value is asked of a neutral name.
    expect((await findings(repo, 'plugins/apps/functions')).map((f) => f.rule)).toEqual(['container-delete']);
    const neutral = filesFrom(new Map([...['tool', 'other/run', 'plugins/apps/functions'].map((p): [string, string] => [p, (repo.read(p) ?? '').replaceAll('DOCKER_BIN', 'ENGINE')])]));
    expect((await findings(neutral, 'plugins/apps/functions')).map((f) => f.rule)).toContain('command-from-variable');
  });

  it('prefers what the file that sources the script sets over other files of the repository', async () => {
    const repo = filesFrom(
      new Map([
        ['install.sh', '#!/bin/bash\nsource install/detect.sh\nsource install/turn-off.sh\n'],
        ['install/detect.sh', 'export ENGINE="docker"\nif [[ "${USE_PODMAN:-0}" -eq 1 ]]; then\n  export ENGINE="podman"\nfi\ndc="$ENGINE compose --ansi never"\n'],
        ['tests/fake.sh', 'export dc=$1\n'],
        ['install/turn-off.sh', 'echo "stopping"\n$dc down --remove-orphans\n$ENGINE volume ls\n'],
      ]),
    );
    expect(await findings(repo, 'install/turn-off.sh')).toEqual([{ line: 2, rule: 'compose-down' }]);
  });

  it('follows a value that starts with another variable, and a substitution that only echoes fixed text', async () => {
    const detect = [
      'export ENGINE="docker"',
      'dc_base="$(${ENGINE} compose version &>/dev/null && echo "$ENGINE compose" || echo \'\')"',
      'dc_standalone="$(${ENGINE}-compose version &>/dev/null && echo "$ENGINE-compose" || echo \'\')"',
      'if [[ -z "$dc_base" ]]; then dc_base="$dc_standalone"; fi',
      'if [[ "$ENGINE" == "podman" ]]; then NO_ANSI="--no-ansi"; else NO_ANSI="--ansi never"; fi',
      'dc="$dc_base $NO_ANSI"',
      'dcr="$dc run --rm"',
    ].join('\n');
    const repo = filesFrom(
      new Map([
        ['install.sh', '#!/bin/bash\nsource install/detect.sh\nsource install/reset.sh\n'],
        ['install/detect.sh', detect],
        ['install/reset.sh', '$dc rm -fsv\n$dcr web sentry help\n${ENGINE}-compose ps\n'],
      ]),
    );
    expect(await findings(repo, 'install/reset.sh')).toEqual([{ line: 1, rule: 'compose-down' }]);
  });

  it('keeps "cannot tell what runs" for a variable that nothing in the repository sets', async () => {
    const repo = filesFrom(new Map([['tool', entryProgram], ['hooks/run', '#!/bin/bash\n$HOOK_COMMAND --now\n']]));
    expect(await findings(repo, 'hooks/run')).toEqual([{ line: 2, rule: 'command-from-variable' }]);
  });
});

describe('commands run in a compose service', () => {
  it('judges the command given to compose exec/run', async () => {
    const rules = async (s: string): Promise<string[]> => (await destructiveFindings(s)).map((f) => f.rule);
    expect(await rules('docker compose exec db psql -c "DROP TABLE x"')).toContain('sql-drop');
    expect(await rules('docker compose --ansi never --env-file .env run --rm web rm -rf /data/assets')).toContain('rm-recursive');
    expect(await rules('docker-compose exec -T clickhouse clickhouse-client -q "TRUNCATE TABLE system.query_log"')).toContain('sql-truncate');
    expect(await rules('docker compose exec web ls -la /data')).toEqual([]);
    expect(await rules('docker compose exec clickhouse clickhouse-client -q "SELECT count() FROM system.tables"')).toEqual([]);
  });
});

describe('temporary folders from several functions', () => {
  it('does not flag removing a variable that each function sets to its own mktemp folder', async () => {
    const script = [
      'a() {',
      '  local WORK=$(mktemp -d "/tmp/app-${FUNCNAME[0]}.XXXXXX")',
      '  trap "rm -rf \'$WORK\' >/dev/null" RETURN INT TERM EXIT',
      '}',
      'b() {',
      '  local WORK=$(mktemp -d "/tmp/other-$$.XXXX")',
      '  rm -rf "$WORK" "$WORK/sub"',
      '}',
    ].join('\n');
    expect(await destructiveFindings(script)).toEqual([]);
  });

  it('still flags it when one of the values is not fresh', async () => {
    const script = ['a() {', '  local WORK=$(mktemp -d)', '}', 'b() {', '  local WORK=/srv/data', '  rm -rf "$WORK"', '}'].join('\n');
    expect((await destructiveFindings(script)).map((f) => f.rule)).toContain('rm-recursive');
  });
});

describe('containers and volumes the run made itself', () => {
  const rules = async (s: string): Promise<{ line: number; rule: string }[]> => (await destructiveFindings(s)).map((f) => ({ line: f.line, rule: f.rule }));

  it('does not flag removing a container it created, named, or a volume it made afresh', async () => {
    expect(await rules('tmp=$(docker create app:1)\ndocker cp "$tmp:/etc/ssl/certs/." certs/\ndocker rm "$tmp"')).toEqual([]);
    expect(await rules('ENGINE=podman\nname="migrate-$$"\ntrap \'$ENGINE rm -f "$name"\' EXIT\n$ENGINE run -d --name "$name" app:1')).toEqual([]);
    expect(await rules('docker volume rm pg-new || true\ndocker run --rm -v pg-new:/data app:1 init\ndocker volume rm pg-new')).toEqual([{ line: 1, rule: 'container-delete' }]);
  });

  it('still flags removing a container or volume that was there before the run', async () => {
    expect(await rules('docker rm -f web\ndocker volume rm pgdata')).toEqual([
      { line: 1, rule: 'container-delete' },
      { line: 2, rule: 'container-delete' },
    ]);
    expect(await rules('docker volume create pgdata\ndocker volume rm pgdata')).toEqual([{ line: 2, rule: 'container-delete' }]);
    expect(await rules('tmp=$(docker create app:1)\ndocker rm "$tmp" web')).toEqual([{ line: 2, rule: 'container-delete' }]);
  });
});

describe("a sourced helper's function-local variables", () => {
  it("does not hand a helper function's local value to the script that sources it", async () => {
    const repo = filesFrom(
      new Map([
        ['plugins/common/functions', '#!/bin/bash\ncopy_into() {\n  local WORK="$3"\n  cp -r "$1" "$WORK"\n}\n'],
        ['plugins/git/from-image', '#!/bin/bash\nsource "$CORE/common/functions"\nfetch() {\n  local WORK=$(mktemp -d "/tmp/app-${FUNCNAME[0]}.XXXXXX")\n  trap "rm -rf \'$WORK\' >/dev/null" RETURN INT TERM EXIT\n}\n'],
      ]),
    );
    expect(await findings(repo, 'plugins/git/from-image')).toEqual([]);
  });

  it('still hands on a value the helper sets for everyone', async () => {
    const repo = filesFrom(
      new Map([
        ['plugins/common/functions', '#!/bin/bash\nWORK=/srv/app/current\n'],
        ['plugins/git/from-image', '#!/bin/bash\nsource "$CORE/common/functions"\nrm -rf "$WORK"\n'],
      ]),
    );
    expect((await findings(repo, 'plugins/git/from-image')).map((f) => f.rule)).toEqual(['rm-recursive']);
  });
});

describe("the admin's own units and drop-ins, written whole", () => {
  const rules = async (s: string): Promise<string[]> => (await destructiveFindings(s)).map((f) => f.rule);

  it('does not flag a systemd unit under /etc/systemd/system written whole from a heredoc, nor fixed text echoed into a drop-in', async () => {
    expect(await rules('cat <<EOF >/etc/systemd/system/app-prune.timer\n[Timer]\nOnCalendar=daily\nEOF')).toEqual([]);
    expect(await rules('echo "%app ALL=(ALL) NOPASSWD:/usr/bin/app-health" >"/etc/sudoers.d/app-health"')).toEqual([]);
  });

  it('still flags other files written whole, and a unit built from another file', async () => {
    expect(await rules('echo "127.0.0.1 web-1" > /etc/hosts')).toEqual(['redirect-overwrite']);
    expect(await rules('cat <<EOF > /etc/systemd/system.conf\n[Manager]\nEOF')).toEqual(['redirect-overwrite']);
    expect(await rules('cat unit.tpl > /etc/systemd/system/app.service')).toEqual(['redirect-overwrite']);
  });
});

describe('service control whose action the script does not fix', () => {
  const rules = async (s: string): Promise<string[]> => (await destructiveFindings(s)).map((f) => f.rule);

  it('flags systemctl, invoke-rc.d and an init script given the action in a variable', async () => {
    expect(await rules('nginx_cmd() {\n  local CMD="$1"\n  sudo /usr/sbin/invoke-rc.d nginx "$CMD"\n}')).toContain('service-action-from-variable');
    expect(await rules('nginx_cmd() {\n  local CMD="$1"\n  sudo /etc/init.d/nginx "$CMD"\n}')).toContain('service-action-from-variable');
    expect(await rules('/etc/init.d/nginx stop')).toContain('service-stop');
  });

  it('reads an installed program tested for where it lives as that program, not as a hook', async () => {
    const script = ['systemctl_path=/bin/systemctl', 'if [[ -x /usr/bin/systemctl ]]; then', '  systemctl_path=/usr/bin/systemctl', 'fi', 'sudo "$systemctl_path" is-active --quiet nginx', '[[ -x /usr/bin/sv ]] && sudo /usr/bin/sv status nginx'].join('\n');
    expect(await rules(script)).toEqual([]);
    expect(await rules('[ -x ./hooks/pre-deploy ] && ./hooks/pre-deploy')).toEqual(['optional-script']);
  });
});

describe('the working folder the run made', () => {
  it('treats relative paths as the run own after cd into a folder it made, and not after it leaves', async () => {
    const script = ['mkdir /tmp/ruby && cd /tmp/ruby', 'tar xzf ruby.tar.gz && cd ruby-3.2', 'rm -rf build', 'cd /srv/app', 'tar xzf x.tgz', 'rm -rf build'].join('\n');
    expect((await destructiveFindings(script)).map((f) => ({ line: f.line, rule: f.rule }))).toEqual([
      { line: 5, rule: 'tar-extract' },
      { line: 6, rule: 'rm-recursive' },
    ]);
  });
});

describe('a file named with the run id the entry program sets', () => {
  const entry = ['#!/usr/bin/env bash', 'export RUN_PID="${RUN_PID:=$$}"', 'exec "$PLUGIN_PATH/$1/subcommand" "$@"'].join('\n');
  const stage = ['#!/usr/bin/env bash', 'stage_checks() {', '  cp -f CHECKS "/var/lib/app/$1/CHECKS.$RUN_PID"', '  cp -f CHECKS "/var/lib/app/$1/CHECKS"', '}'].join('\n');

  it("is this run's own file: replacing it loses nothing, while the shared file stays flagged", async () => {
    const repo = filesFrom(new Map([['tool', entry], ['plugins/checks/functions', stage]]));
    expect(await findings(repo, 'plugins/checks/functions')).toEqual([{ line: 4, rule: 'cp-force' }]);
  });
});
