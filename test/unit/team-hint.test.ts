// `audit verify` skips loading the ledger client only when handrail.yml cannot name a team:
// every way YAML can spell the key must still reach the real check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mayHaveTeam } from '../../src/app/team/team-hint.js';

const dir = mkdtempSync(join(tmpdir(), 'handrail-team-hint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const withYaml = (text: string) => {
  writeFileSync(join(dir, 'handrail.yml'), text);
  return mayHaveTeam(dir, {});
};

describe('mayHaveTeam', () => {
  it.each([
    'team:\n  postgres: "postgres://h@db/handrail"\n',
    'environments: {}\nteam :\n  postgres: x\n',
    '"team": {postgres: x}\n',
    "'team': {postgres: x}\n",
    '{environments: {}, team: {postgres: x}}\n',
    'environments: {}\n\tteam: {postgres: x}\n',
  ])('sends %j on to the real check', (yaml) => {
    expect(withYaml(yaml)).toBe(true);
  });

  it('lets prose about a team through without loading the ledger', () => {
    expect(withYaml('# the mobile team owns these\nenvironments:\n  dev: {targets: {}}\n')).toBe(false);
  });

  it('always checks when HANDRAIL_TEAM_URL is set, or handrail.yml cannot be read', () => {
    writeFileSync(join(dir, 'handrail.yml'), 'environments: {}\n');
    expect(mayHaveTeam(dir, { HANDRAIL_TEAM_URL: 'postgres://h@db/handrail' })).toBe(true);
    expect(mayHaveTeam(join(dir, 'missing'), {})).toBe(true);
  });
});
