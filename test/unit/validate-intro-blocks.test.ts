// A runnable block above the first `##` heading belongs to no step, so nothing would ever
// run it; the validator says so at the block instead of leaving it out without a word.
import { describe, expect, it } from 'vitest';
import { runbook, runbookProblems } from '../support/validate-text.js';

const fence = (info: string, code: string) => `\`\`\`${info}\n${code}\n\`\`\`\n`;

describe('a block before the first ## heading', () => {
  it('refuses a sh block there, at its fence, with the fix', () => {
    const md = runbook(`Before anything:\n\n${fence('sh {target=app}', 'systemctl stop shop')}\n## Check\n\nLook at it.\n`);
    expect(runbookProblems(md)).toEqual([
      "11:1: this sh block comes before the first ## heading, so it belongs to no step and would never run; put a ## heading above it to make it a step, or change its language to text if it only shows an example",
    ]);
  });

  it('refuses bash, sql and http blocks there too, also inside a list', () => {
    const md = runbook(`1. Stop it:\n\n   ${fence('bash', 'systemctl stop shop').replace(/\n(?=.)/g, '\n   ')}\n${fence('sql {target=events}', 'SELECT 1')}\n## Check\n\nLook at it.\n`);
    expect(runbookProblems(md).map((p) => p.replace(/:.*?(bash|sql|http) block.*$/, ' $1'))).toEqual(['11 bash', '15 sql']);
  });

  it('leaves documentation blocks there alone', () => {
    const md = runbook(`${fence('text', 'example output')}\n${fence('console', '$ ls')}\n## Check\n\nLook at it.\n`);
    expect(runbookProblems(md)).toEqual([]);
  });
});
