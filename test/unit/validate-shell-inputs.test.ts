// Where an input may stand in a sh step. Each refused context is an error at the
// placeholder's exact line:col with a fix; the safe ones pass. In `runbook(body)` the body
// starts on line 9 plus the input lines, so a step's first code line is line 16.
import { describe, expect, it } from 'vitest';
import { runbook, runbookProblems } from '../support/validate-text.js';

const INPUTS = 'inputs:\n  name:\n    type: string\n    pattern: "^[a-z]+$"\n';
const step = (code: string) => runbook(`## Step\n\n\`\`\`sh {target=app}\n${code}\n\`\`\`\n`, INPUTS);

describe('inputs in sh steps', () => {
  it('accepts a placeholder as a word, inside double quotes, in an unquoted heredoc and as an assignment', () => {
    const code =
      'echo {{ name }} --flag={{ name }} "hello {{ name }}"\nv={{ name }}\ncat <<EOF\n{{ name }}\nEOF\necho "$(printf %s {{ name }})"\n' +
      'for x in {{ name }}; do case "$x" in {{ name }}) :;; esac; done\n[ -n {{ name }} ] && [[ -f /x/{{ name }} ]]\nexport V={{ name }}\n' +
      'sh -c \'echo "$1"\' _ {{ name }}\ncat > /tmp/{{ name }}.txt <<< "{{ name }}" # {{ name }}';
    expect(runbookProblems(step(code))).toEqual([]);
  });

  it.each<[string, string, string?]>([
    ["echo 'hi {{ name }}'", '16:10', "input 'name' is inside single quotes, where no value is safe: write {{ name }} outside the quotes, e.g. 'abc'\"{{ name }}\"'def'"],
    ["echo $'hi {{ name }}'", '16:11', "input 'name' is inside $'…', where no value is safe: write {{ name }} outside it, in double quotes"],
    ['echo $(( {{ name }} + 1 ))', '16:10'],
    ['(( {{ name }} > 1 ))', '16:4'],
    ['echo `echo {{ name }}`', '16:12', "input 'name' is inside backticks, which parse it again: write $( … ) instead of backticks"],
    ['{{ name }} --version', '16:1'],
    ['echo ${HOME:-{{ name }}}', '16:14'],
    ["cat <<'EOF'\n{{ name }}\nEOF", '17:1'],
    ['eval "echo {{ name }}"', '16:12'],
    ['sh -c "echo {{ name }}"', '16:13'],
    ['[[ {{ name }} -eq 3 ]]', '16:4'],
    ['psql -c "SELECT 1 WHERE x = \'{{ name }}\'"', '16:30', "input 'name' is in the program text of psql -c, which parses it as code: use a sql step, which binds {{ name }} as the parameter :name"],
    ["psql <<EOF\nSELECT '{{ name }}';\nEOF", '17:9'],
    ['sudo -u app bash -lc "cd /srv && ./run {{ name }}"', '16:40'],
    ['ssh app-1 uptime {{ name }}', '16:18'],
  ])('refuses %j at the placeholder', (code, at, message) => {
    const problems = runbookProblems(step(code));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${at}: input 'name' is `));
    if (message) expect(problems[0]).toBe(`${at}: ${message}`);
  });

  it('warns when a string input with no pattern reaches a sh step', () => {
    const md = runbook("## Step\n\n```sh {target=app}\necho {{ free }} {{ picked }}\n```\n", 'inputs:\n  free: { type: string }\n  picked: { type: enum, values: [a, b] }\n');
    expect(runbookProblems(md)).toEqual([
      "6:3: warning: input 'free' is a string with no pattern and reaches a sh step (line 15): any text is accepted, a leading '-' (read as an option) included; give it a pattern (matched whole), e.g. '^[a-z0-9][a-z0-9.-]*$', or make it an enum",
    ]);
  });
});
