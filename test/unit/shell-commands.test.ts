// How a shell script splits into top-level commands (what import makes steps of) and what
// each one calls (what the destructive-command rules read).
import { describe, expect, it } from 'vitest';
import { parseShellScript, ShellSyntaxError } from '../../src/core/authoring/shell-commands.js';

const texts = async (script: string) => (await parseShellScript(script)).commands.map((c) => c.text);

describe('parseShellScript', () => {
  it('keeps line continuations, heredocs, pipelines, chains, subshells and functions whole', async () => {
    const script = [
      'curl -fsSL "$URL" \\',
      '  -o release.tgz',
      'cat <<EOF | psql app',
      'DELETE FROM t;',
      'EOF',
      'tar -tzf release.tgz | grep VERSION | head -n 1',
      'mkdir -p out && cd out || exit 1',
      '( cd /tmp; ls )',
      'log() {',
      '  echo "$@" >&2',
      '}',
      'if [ -f x ]; then',
      '  echo yes',
      'fi',
      'echo one; echo two',
    ].join('\n');
    expect(await texts(script)).toEqual([
      'curl -fsSL "$URL" \\\n  -o release.tgz',
      'cat <<EOF | psql app\nDELETE FROM t;\nEOF',
      'tar -tzf release.tgz | grep VERSION | head -n 1',
      'mkdir -p out && cd out || exit 1',
      '( cd /tmp; ls )',
      'log() {\n  echo "$@" >&2\n}',
      'if [ -f x ]; then\n  echo yes\nfi',
      'echo one',
      'echo two',
    ]);
  });

  it('keeps a heredoc body that ends the script, and text that is not ASCII, exactly', async () => {
    expect(await texts('psql <<-SQL\n\tSELECT \'é\';\n\tSQL')).toEqual(["psql <<-SQL\n\tSELECT 'é';\n\tSQL"]);
    expect(await texts('echo "café" > menu.txt\necho ok')).toEqual(['echo "café" > menu.txt', 'echo ok']);
  });

  it('does not mistake a shift in arithmetic for a heredoc', async () => {
    expect(await texts('let x=1<<2\necho a\necho b\n')).toEqual(['let x=1<<2', 'echo a', 'echo b']);
  });

  it('gives the comments above each command in blocks, the shebang apart, and the trailing comment', async () => {
    const script = await parseShellScript('#!/bin/sh\n# Header.\n\n# Fetch it.\n# Really.\ncurl x # quietly\n# the end\n');
    expect(script.shebang).toBe('/bin/sh');
    const [command] = script.commands;
    expect(command?.commentsBefore.map((b) => b.lines)).toEqual([['Header.'], ['Fetch it.', 'Really.']]);
    expect(command?.trailingComment).toBe('quietly');
    expect(script.closingComments.map((b) => b.lines)).toEqual([['the end']]);
  });

  it('finds the calls inside pipelines, $(…), backticks, loops and case branches, with their lines', async () => {
    const [command] = (
      await parseShellScript('for f in $(ls logs); do\n  case "$f" in\n    *.gz) rm "logs/$f" ;;\n    *) gzip `echo "logs/$f"` ;;\n  esac\ndone | tee out')
    ).commands;
    const calls = command?.calls.map((c) => [c.name, c.args.join(' '), c.line]);
    expect(calls).toEqual(
      expect.arrayContaining([
        ['ls', 'logs', 1],
        ['rm', 'logs/$f', 3],
        ['echo', 'logs/$f', 4],
        ['gzip', '`echo "logs/$f"`', 4],
        ['tee', 'out', 6],
      ]),
    );
    expect(command?.calls.map((c) => c.name)).not.toContain('*.gz');
  });

  it('removes quotes from arguments but keeps expansions as written', async () => {
    const [command] = (await parseShellScript(`psql "$DB" -c 'DELETE FROM "t" WHERE a = 1' --set=x=\${Y}`)).commands;
    expect(command?.calls[0]?.args).toEqual(['$DB', '-c', 'DELETE FROM "t" WHERE a = 1', '--set=x=${Y}']);
  });

  it('hands heredoc and here-string bodies, and what cat or echo pipe in, to the command that reads them', async () => {
    const [heredoc, quoted, herestring, piped] = (
      await parseShellScript("psql <<SQL\nDROP TABLE a;\nSQL\nsqlite3 app.db <<'EOF'\nDELETE FROM b;\nEOF\nmysql <<< 'TRUNCATE c'\necho 'DELETE FROM d' | psql")
    ).commands;
    expect(heredoc?.calls[0]?.stdin).toEqual(['DROP TABLE a;\n']);
    expect(quoted?.calls[0]?.stdin).toEqual(['DELETE FROM b;\n']);
    expect(herestring?.calls[0]?.stdin).toEqual(['TRUNCATE c']);
    expect(piped?.calls.find((c) => c.name === 'psql')?.stdin).toEqual(['DELETE FROM d']);
  });

  it('collects redirections, also those on a whole loop', async () => {
    const [command] = (await parseShellScript('while read -r line; do echo "$line"; done < in.txt > out.txt 2>>err.log')).commands;
    expect(command?.redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target}`)).toEqual(['<in.txt', '>out.txt', '2>>err.log']);
  });

  it('tells simple commands, assignments and function definitions apart', async () => {
    const [assign, call, chain, fn] = (await parseShellScript('A=1 B="$A/x"\nexport C=$(date)\nmake && make install\nfunction up { echo up; }')).commands;
    expect(assign).toMatchObject({ simple: true, assigns: ['A', 'B'], expands: ['A'] });
    expect(call).toMatchObject({ simple: true, assigns: [] });
    expect(chain?.simple).toBe(false);
    expect(fn?.defines).toEqual(['up']);
  });

  it('reads arithmetic, nested $(…) with quotes, commands in heredoc bodies, case patterns and a trailing &', async () => {
    const script = [
      'next=$((count + 1))',
      'echo "$(basename "$(pwd)")"',
      'cat <<EOF > motd',
      'up since $(uptime -s)',
      'EOF',
      'case "$1" in (start|up) systemctl start app ;; stop) systemctl stop app ;& esac',
      'sleep 30 &',
    ].join('\n');
    const [arithmetic, nested, heredoc, branches, background] = (await parseShellScript(script)).commands;
    expect(arithmetic).toMatchObject({ assigns: ['next'], expands: ['count'] });
    expect(nested?.calls.map((c) => [c.name, c.args])).toEqual([
      ['echo', ['$(basename "$(pwd)")']],
      ['basename', ['$(pwd)']],
      ['pwd', []],
    ]);
    expect(heredoc?.calls.map((c) => [c.name, c.line])).toEqual([
      ['cat', 3],
      ['uptime', 4],
    ]);
    expect(branches?.calls.map((c) => [c.name, ...c.args].join(' '))).toEqual(['systemctl start app', 'systemctl stop app']);
    // `&` runs it in the background; dropping it would make the step wait.
    expect(background).toMatchObject({ text: 'sleep 30 &', simple: false });
  });

  it('counts positions in characters, so text that is not ASCII keeps heredoc bodies and lines exact', async () => {
    const [psql, echo, rm] = (await parseShellScript("psql <<SQL\nDELETE FROM t WHERE name = '😀';\nSQL\necho \"😀\" > é.txt; rm -r \"é/x\"")).commands;
    expect(psql?.calls[0]?.stdin).toEqual(["DELETE FROM t WHERE name = '😀';\n"]);
    expect(echo?.redirects.map((r) => [r.target, r.line])).toEqual([['é.txt', 4]]);
    expect(rm?.calls[0]).toMatchObject({ name: 'rm', args: ['-r', 'é/x'], line: 4 });
  });

  it('reports a syntax error with its line and column', async () => {
    const error = await parseShellScript('echo ok\nif true; then\n  echo "unclosed\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShellSyntaxError);
    expect(error).toMatchObject({ line: 3, col: 8, message: 'line 3, column 8: reached EOF without closing quote `"`' });
  });
});
