// Validator rules about steps and their actions. Each case checks the exact line:col and
// message, as `handrail validate` prints them. In `runbook(body)` the body starts on line 9.
import { describe, expect, it } from 'vitest';
import { runbook, runbookProblems } from '../support/validate-text.js';

const fence = (info: string, code: string) => `\`\`\`${info}\n${code}\n\`\`\`\n`;

describe('steps', () => {
  it('accepts the example runbook of the design', () => {
    const md = runbook(
      `## Check that this is the pilot host

${fence('sh {target=app expect-output="^pilot-"}', 'hostname')}
## Delete the pilot's events

${fence('sql {target=events mutates}', 'DELETE FROM events WHERE pilot = :pilot;')}
## Confirm nothing is left

${fence('sql {target=events expect-rows=0}', 'SELECT id FROM events WHERE pilot = :pilot;')}
## Tell the mobile team

Post in the pilot channel that the reset is done.
`,
      'environments: [pilot, local-demo]\ninputs:\n  pilot:\n    type: string\n    pattern: "^[a-z0-9-]+$"\n',
    );
    expect(runbookProblems(md)).toEqual([]);
  });

  it('needs at least one step', () => {
    expect(runbookProblems(runbook('Just prose.\n'))).toEqual(['6:1: this runbook has no steps; start each step with a ## heading']);
  });

  it('rejects an empty heading and warns about an empty step', () => {
    expect(runbookProblems(runbook('## \n\n## Do nothing\n\n## Real\n\nDo it.\n'))).toEqual([
      '9:1: this step heading is empty; write what the step does after ##',
      "9:1: warning: step '' has no instructions and no action; say what the operator should do",
      "11:1: warning: step 'Do nothing' has no instructions and no action; say what the operator should do",
    ]);
  });

  it('rejects a code fence that is never closed', () => {
    expect(runbookProblems(runbook('## A\n\n```sh {target=app}\necho hi\n'))).toEqual([
      '11:1: this code fence is never closed, so the rest of the file became code; add a closing fence after the code',
    ]);
  });

  it('rejects two actions in one step, at the second', () => {
    const md = runbook(`## A\n\n${fence('sh {target=app}', 'echo one')}\n${fence('sql {target=events}', 'SELECT 1')}`);
    expect(runbookProblems(md)).toEqual([
      '15:1: this step already has an action (line 11); a step has at most one action — move this block into its own ## step',
    ]);
  });

  it('treats other languages as documentation but rejects attributes on them', () => {
    const md = runbook(`## A\n\nDo it.\n\n${fence('text', 'example output')}\n${fence('python {target=app}', 'print(1)')}`);
    expect(runbookProblems(md)).toEqual([
      "17:1: 'python' blocks are documentation, so attributes do nothing here; actions are sh, bash, sql or http blocks",
    ]);
  });

  it('rejects an empty action block', () => {
    expect(runbookProblems(runbook(`## A\n\n\`\`\`sh {target=app}\n\`\`\`\n`))).toEqual([
      '11:1: this sh block is empty; write the command to run, or remove the block to make a manual step',
    ]);
  });

  it('needs a target on sh and sql steps', () => {
    expect(runbookProblems(runbook(`## A\n\n${fence('bash', 'echo hi')}\n## B\n\n${fence('sql', 'SELECT 1')}`))).toEqual([
      '11:1: this sh step has no target; add target=NAME (e.g. {target=app}, or {target=local} for this machine) so it is clear where it runs',
      '17:1: this sql step has no target; add target=NAME naming a database target of handrail.yml, e.g. {target=events}',
    ]);
  });
});

describe('attributes', () => {
  const one = (info: string, code = 'echo hi') => runbookProblems(runbook(`## A\n\n${fence(info, code)}`));

  it('rejects an unknown attribute and suggests the closest', () => {
    expect(one('sh {target=app expct-exit=0}')).toEqual([
      "11:19: unknown attribute 'expct-exit' — did you mean 'expect-exit'? (allowed: target, mutates, expect-exit, expect-output, expect-rows, expect-status, timeout, confirm, idempotent)",
    ]);
  });

  it('rejects an attribute given twice', () => {
    expect(one('sh {target=app target=local}')).toEqual(["11:19: attribute 'target' is given twice; keep one"]);
  });

  it('rejects attributes that do not apply to the kind of step', () => {
    expect(one('sh {target=app expect-rows=0}')).toEqual([
      "11:19: 'expect-rows' does not apply to sh steps (the number of rows the query must return); it applies to sql steps",
    ]);
    expect(one('sql {target=events expect-status=200}', 'SELECT 1')).toEqual([
      "11:23: 'expect-status' does not apply to sql steps (the HTTP status that means success); it applies to http steps",
    ]);
  });

  it('rejects a value on a flag and a flag without its value', () => {
    expect(one('sh {target=app confirm=yes}')).toEqual(["11:19: 'confirm' is a flag and takes no value; write just confirm"]);
    expect(one('sh {target}')).toEqual(["11:8: 'target' needs a value: the target the action runs on, e.g. target=app"]);
  });

  it('checks numbers, regular expressions and durations', () => {
    expect(one('sh {target=app expect-exit=300}')).toEqual(['11:19: expect-exit=300 is not a whole number (0 to 255)']);
    expect(one('sql {target=events expect-rows=-1}', 'SELECT 1')).toEqual(['11:23: expect-rows=-1 is not a whole number (0 or more)']);
    expect(one('sh {target=app expect-output="([a-z"}')).toEqual([
      '11:19: expect-output is not a valid regular expression: /([a-z/: Unterminated character class',
    ]);
    expect(one('sh {target=app timeout=5}')).toEqual([
      '11:19: timeout=5 is not a duration; write a number with ms, s, m or h, e.g. timeout=30s or timeout=5m',
    ]);
  });

  it('reports broken attribute syntax where it breaks', () => {
    expect(one('sh target=app')).toEqual(['11:7: unexpected text after the language; write attributes in braces, e.g. {target=app}']);
    expect(one('sh {target=app')).toEqual(['11:7: the attribute list is not closed; add } at the end of the fence line']);
    expect(one('sh {target=app expect-output="^x}')).toEqual([
      '11:33: the value of expect-output opens a " quote that is never closed',
    ]);
    expect(one('sh {target=app timeout= confirm}')).toEqual(['11:19: timeout= has no value; write timeout=VALUE or leave out the =']);
    expect(one('sh {target=app} extra')).toEqual(['11:20: unexpected text after the closing }']);
  });

  it('needs the databases a sh step changes named, and only its own on a sql step', () => {
    expect(one('sh {target=app mutates}')).toEqual([
      '11:19: a sh step must name the databases it changes: mutates=TARGET (e.g. mutates=events), so each is snapshotted first',
    ]);
    expect(one('sql {target=events mutates=other}', 'DELETE FROM t')).toEqual([
      '11:23: a sql step changes only its own target; write just mutates (it snapshots events)',
    ]);
  });
});

describe('inputs in actions', () => {
  it('rejects an input used in sh, http or sql but not declared, where it is used', () => {
    const md = runbook(
      `## A\n\n${fence('sh {target=app}', 'echo {{ pilot }}\necho {{ region }}')}\n## B\n\n${fence('http', 'GET https://x.example.net/{{ path }}')}\n## C\n\n${fence('sql {target=events}', 'SELECT * FROM t\nWHERE a = :pilot AND b = :missing')}`,
      'inputs:\n  pilot: { type: string, pattern: "^[a-z0-9-]+$" }\n',
    );
    expect(runbookProblems(md)).toEqual([
      "15:6: input 'region' is used but not declared; add it under inputs: in the front matter",
      "21:27: input 'path' is used but not declared; add it under inputs: in the front matter",
      "28:26: input 'missing' is used but not declared; add it under inputs: in the front matter",
    ]);
  });

  it('rejects a placeholder that is not an input name', () => {
    expect(runbookProblems(runbook(`## A\n\n${fence('sh {target=app}', 'echo {{ Bad-Name }}')}`))).toEqual([
      "12:6: '{{ Bad-Name }}' is not an input name; inputs are written {{ name }} with lowercase letters, digits and _",
    ]);
  });

  it('does not mistake :name inside a SQL string or comment for an input', () => {
    const md = runbook(`## A\n\n${fence('sql {target=events}', "SELECT ':nope' -- :nor\nFROM t")}`);
    expect(runbookProblems(md)).toEqual([]);
  });
});

describe('http blocks', () => {
  const http = (code: string) => runbookProblems(runbook(`## A\n\n${fence('http {expect-status=200}', code)}`));

  it('accepts method, URL, headers and body', () => {
    expect(http('POST https://api.example.net/v1/reset\nContent-Type: application/json\n\n{"pilot": "p7"}')).toEqual([]);
  });

  it('rejects a bad request line, method, URL or header', () => {
    expect(http('https://api.example.net/health')).toEqual([
      '12:1: the first line of an http block must be METHOD URL, e.g. GET https://app.example.net/health',
    ]);
    expect(http('FETCH https://api.example.net/')).toEqual([
      "12:1: 'FETCH' is not an HTTP method; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    ]);
    expect(http('GET api.example.net/health')).toEqual(["12:1: the URL must start with http:// or https://, not 'api.example.net/health'"]);
    expect(http('GET https://api.example.net/\nnot a header')).toEqual([
      '13:1: headers are written Name: value, one per line; leave a blank line before the body',
    ]);
  });
});
