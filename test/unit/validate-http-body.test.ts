// A body declared JSON must be JSON with its placeholders in; `validate` says so, where the
// body starts, before anyone runs the step (the run would refuse to send it anyway).
import { describe, expect, it } from 'vitest';
import { runbook, runbookProblems } from '../support/validate-text.js';

const fence = (info: string, code: string) => `\`\`\`${info}\n${code}\n\`\`\`\n`;
const http = (code: string) =>
  runbookProblems(runbook(`## A\n\n${fence('http {expect-status=200}', code)}`, 'inputs:\n  name: { type: string }\n  n: { type: number }\n'));

describe('http bodies declared JSON', () => {
  it('accepts placeholders inside strings and where a JSON value goes', () => {
    expect(http('POST https://api.example.net/x\nContent-Type: application/json\n\n{"user": "{{ name }}", "n": {{ n }}}')).toEqual([]);
  });

  it('rejects a body that cannot be JSON whatever the values, at the line the body starts', () => {
    expect(http('POST https://api.example.net/x\nContent-Type: application/problem+json; charset=utf-8\n\n{"user": {{ name }} "n": {{ n }}}')).toEqual([
      '18:1: the body is declared application/problem+json but is not valid JSON; write each {{ name }} inside "…" or where a JSON value goes, and check the body parses as JSON',
    ]);
  });

  it('leaves other content types alone', () => {
    expect(http('POST https://api.example.net/x\nContent-Type: text/plain\n\n{"user": {{ name }} "n" {{ n }}')).toEqual([]);
  });
});
