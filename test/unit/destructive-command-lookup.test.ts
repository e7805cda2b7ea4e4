// A command named by a variable the script set from a PATH lookup (`docker_path=$(which docker)`,
// as discourse_docker's launcher does) names that program: judge it as the program, so
// `$docker_path info` is quiet and `$docker_path rm web` is flagged as a container removal.
import { describe, expect, it } from 'vitest';
import { destructiveFindings } from '../../src/core/authoring/destructive-commands.js';

const rules = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);

describe('a command looked up on PATH and kept in a variable', () => {
  it('is judged as the program it names', async () => {
    expect(await rules('docker_path=`which docker.io 2> /dev/null || which docker`\n$docker_path info\n')).toEqual([]);
    expect(await rules('git_path=$(command -v git)\n$git_path --version\n')).toEqual([]);
    expect((await rules('docker_path=$(which docker)\n$docker_path rm web\n')).length).toBe(1);
    expect(await rules('docker_path=$(which docker)\n$docker_path rm web\n')).not.toContain('command-from-variable');
  });

  it('stays unknown when the lookup names no fixed program', async () => {
    expect(await rules('tool=$(which "$1")\n$tool --version\n')).toEqual(['command-from-variable']);
    expect(await rules('tool=$(which docker; cat /etc/cmd)\n$tool ps\n')).toEqual(['command-from-variable']);
  });
});

describe('a temporary file named the same way in several functions', () => {
  it('is still the script’s own file when every assignment gives the same fresh name', async () => {
    const script = 'a() {\n  tmp=$(mktemp)\n  echo x > "$tmp"\n  rm -f "$tmp"\n}\nb() {\n  tmp=$(mktemp)\n  echo y > "$tmp"\n  rm -f "$tmp"\n}\n';
    expect(await rules(script)).toEqual([]);
  });

  it('is not when one assignment names a file that was there before', async () => {
    expect(await rules('tmp=$(mktemp)\nrm -f "$tmp"\ntmp=/var/lib/app/state\nrm -f "$tmp"\n')).toContain('rm-files');
  });
});
