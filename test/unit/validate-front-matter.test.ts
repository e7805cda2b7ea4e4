// Validator rules about the YAML front matter and input declarations: exact line:col
// (of the offending key or value) and message.
import { describe, expect, it } from 'vitest';
import { runbookProblems } from '../support/validate-text.js';

const STEP = '\n# T\n\n## Do it\n\nSay hello.\n';
const fm = (yaml: string) => `---\n${yaml}---\n${STEP}`;

describe('front matter', () => {
  it('must be present and closed', () => {
    expect(runbookProblems(`# T\n\n## A\n\nDo it.\n`)).toEqual([
      '1:1: the runbook has no front matter; start the file with a --- line, then id, title and version, then another --- line',
    ]);
    expect(runbookProblems(`---\nid: x\ntitle: T\n\n## A\n\nDo it.\n`)).toEqual([
      '1:1: the front matter is never closed; add a line with --- after its last key',
    ]);
  });

  it('reports invalid YAML where it breaks', () => {
    expect(runbookProblems(fm('id: x\ntitle: "unclosed\nversion: 1.0.0\n'))).toEqual([
      '4:15: invalid YAML: Missing closing "quote in the front matter',
    ]);
    expect(runbookProblems(fm('id: x\nid: y\ntitle: T\nversion: 1.0.0\n'))).toEqual([
      '3:1: Map keys must be unique; each key may appear once in the front matter',
    ]);
  });

  it('must be a map', () => {
    expect(runbookProblems(fm('- just\n- a list\n'))).toEqual(['1:1: the front matter must be a map of keys (id, title, version, …)']);
  });

  it('needs id, title and version', () => {
    expect(runbookProblems(fm('owner: backend\n'))).toEqual([
      "1:1: the front matter is missing 'id' (lowercase letters, digits and hyphens, e.g. reset-pilot)",
      "1:1: the front matter is missing 'title' (a short human title)",
      "1:1: the front matter is missing 'version' (a semantic version MAJOR.MINOR.PATCH, e.g. 2.1.0)",
    ]);
  });

  it('checks id and version at their values', () => {
    expect(runbookProblems(fm('id: Reset_Pilot\ntitle: T\nversion: "2.1"\n'))).toEqual([
      `2:5: 'id' has an invalid value "Reset_Pilot"; lowercase letters, digits and hyphens, e.g. reset-pilot`,
      `4:10: 'version' has an invalid value "2.1"; a semantic version MAJOR.MINOR.PATCH, e.g. 2.1.0`,
    ]);
    expect(runbookProblems(fm('id: x\ntitle: T\nversion: 2.1\n'))).toEqual([
      "4:10: 'version' must be a string, not number 2.1 (a semantic version MAJOR.MINOR.PATCH, e.g. 2.1.0)",
    ]);
  });

  it('rejects unknown keys at the key', () => {
    expect(runbookProblems(fm('id: x\ntitle: T\nversion: 1.0.0\ncolour: blue\n'))).toEqual([
      "5:1: unknown key 'colour' in the front matter; allowed keys: id, title, version, owner, summary, environments, inputs",
    ]);
  });

  it('rejects an environment the inventory does not define, at the list item', () => {
    expect(runbookProblems(fm('id: x\ntitle: T\nversion: 1.0.0\nenvironments: [pilot, pilto]\n'))).toEqual([
      "5:23: environment 'pilto' is not defined in handrail.yml (defined: local-demo, pilot, production)",
    ]);
  });
});

describe('inputs', () => {
  const inputs = (yaml: string, body = 'echo {{ a }}') =>
    runbookProblems(`---\nid: x\ntitle: T\nversion: 1.0.0\ninputs:\n${yaml}---\n\n## A\n\n\`\`\`sh {target=app}\n${body}\n\`\`\`\n`);
  /** The warning for input 'a', a string with no pattern, used on `line` of a sh step. */
  const unbounded = (line: number) =>
    `6:3: warning: input 'a' is a string with no pattern and reaches a sh step (line ${line}): any text is accepted, a leading '-' (read as an option) included; give it a pattern (matched whole), e.g. '^[a-z0-9][a-z0-9.-]*$', or make it an enum`;

  it('rejects a bad input name, type or key', () => {
    expect(inputs('  Bad-Name: { type: string }\n', 'echo hi')).toEqual([
      "6:3: 'Bad-Name' is not a valid name in 'inputs'; input names are lowercase letters, digits and underscores, e.g. api_token",
    ]);
    expect(inputs('  a: { type: text }\n')).toEqual([
      unbounded(12),
      `6:14: 'inputs.a.type' has an invalid value "text"; one of string, number, boolean, enum`,
    ]);
    expect(inputs('  a: { type: string, required: true }\n')).toEqual([
      unbounded(12),
      "6:22: unknown key 'required' in 'inputs.a'; allowed keys: type, description, pattern, values, default, secret",
    ]);
  });

  it('checks enums, patterns and defaults', () => {
    expect(inputs('  a:\n    type: enum\n')).toEqual(["7:5: input 'a' is an enum but has no values; add values: [a, b]"]);
    expect(inputs('  a:\n    type: string\n    values: [x]\n')).toEqual([
      unbounded(14),
      "8:5: input 'a' has values but is of type string; use type: enum, or remove values",
    ]);
    expect(inputs('  a:\n    type: number\n    pattern: "^1$"\n')).toEqual([
      "8:5: input 'a' has a pattern but is of type number; patterns apply to strings",
    ]);
    expect(inputs('  a:\n    type: string\n    pattern: "([a-z"\n')).toEqual([
      "8:5: the pattern of input 'a' is not a valid regular expression: /([a-z/: Unterminated character class",
    ]);
    expect(inputs('  a:\n    type: string\n    pattern: "^[a-z]+$"\n    default: Pilot-7\n')).toEqual([
      `9:5: the default of input 'a' "Pilot-7" does not match its pattern ^[a-z]+$ (the whole value must match)`,
    ]);
    expect(inputs('  a:\n    type: number\n    default: "3"\n')).toEqual([`8:5: the default of input 'a' must be a number, not "3"`]);
    expect(inputs('  a:\n    type: enum\n    values: [red, green]\n    default: blue\n')).toEqual([
      `9:5: the default of input 'a' "blue" is not one of its values (red, green)`,
    ]);
  });

  it('never lets a secret have a default written in the runbook', () => {
    expect(inputs('  a:\n    type: string\n    secret: true\n    pattern: "^.{8,}$"\n    default: hunter22\n')).toEqual([
      "10:5: secret input 'a' has a default; a secret must not be written in the runbook — remove the default",
    ]);
  });

  it('warns about a secret that may be too short to mask', () => {
    const secret = (decl: string) => inputs(`  a:\n    type: ${decl}\n    secret: true\n`);
    expect(secret('string')).toEqual([
      "6:3: warning: secret input 'a' accepts values shorter than 4 characters, which cannot be masked in output and the audit trail; give it a pattern that requires more, such as '^.{12,}$'",
      unbounded(14),
    ]);
    expect(secret('string\n    pattern: "^[0-9]{4}$"')).toEqual([]);
    expect(secret('string\n    pattern: "^[0-9]+$"')).toHaveLength(1);
  });

  it('warns about an input no step uses', () => {
    expect(inputs('  a: { type: string }\n  b: { type: string }\n')).toEqual([unbounded(13), "7:3: warning: input 'b' is declared but no step uses it"]);
  });
});
