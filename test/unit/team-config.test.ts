// The team ledger's configuration: `team:` in handrail.yml, checked like the rest of the file;
// HANDRAIL_TEAM_URL for one machine; never a password in the URL. And what a team lock is
// keyed by: the database as every machine names it, not the inventory's name for it.
import { describe, expect, it } from 'vitest';
import { teamConfig } from '../../src/app/team/team-config.js';
import { teamLockKey } from '../../src/app/team/team-lock-key.js';
import { inventoryProblems } from '../support/validate-text.js';

const ENVIRONMENTS = 'environments:\n  dev:\n    targets:\n      box: local\n';

describe('team: in handrail.yml', () => {
  it('accepts the ledger URL and the password variable', () => {
    expect(inventoryProblems(`team:\n  postgres: "postgres://handrail@ledger.example.net:5432/handrail"\n  password-env: HANDRAIL_LEDGER_PASSWORD\n${ENVIRONMENTS}`)).toEqual([]);
  });

  it('refuses a password in the URL, an unknown key and a bad variable name, each where it is', () => {
    expect(inventoryProblems(`team:\n  postgres: "postgres://handrail:hunter2@ledger:5432/handrail"\n${ENVIRONMENTS}`)).toEqual([
      "2:13: 'team.postgres': no password in the URL: name an environment variable with password-env",
    ]);
    expect(inventoryProblems(`team:\n  postgres: "postgres://h@l/d"\n  password: x\n${ENVIRONMENTS}`)).toEqual([
      "3:3: unknown key 'password' in 'team'; allowed keys: postgres, password-env",
    ]);
    expect(inventoryProblems(`team:\n  postgres: "postgres://h@l/d"\n  password-env: "not a name"\n${ENVIRONMENTS}`)[0]).toMatch(/^3:17: /);
  });
});

describe('teamConfig', () => {
  const inventory = { team: { postgres: 'postgres://handrail@ledger:5432/handrail', 'password-env': 'LEDGER_PW' } };

  it('is undefined without team: and without HANDRAIL_TEAM_URL: Handrail works as before', () => {
    expect(teamConfig({}, {})).toBeUndefined();
  });

  it('reads the password from the variable named, and HANDRAIL_TEAM_URL overrides the URL for one machine', () => {
    expect(teamConfig(inventory, { LEDGER_PW: 's3cret' })).toEqual({ url: 'postgres://handrail@ledger:5432/handrail', password: 's3cret', passwordEnv: 'LEDGER_PW', source: 'handrail.yml' });
    expect(teamConfig(inventory, { LEDGER_PW: 's3cret', HANDRAIL_TEAM_URL: 'postgres://alice@ledger:5432/handrail' })).toMatchObject({
      url: 'postgres://alice@ledger:5432/handrail', password: 's3cret', source: 'HANDRAIL_TEAM_URL',
    });
  });

  it('refuses a password in HANDRAIL_TEAM_URL without repeating it', () => {
    expect(() => teamConfig(inventory, { HANDRAIL_TEAM_URL: 'postgres://alice:hunter2@ledger/handrail' })).toThrow(/holds a password; remove it/);
    try {
      teamConfig(inventory, { HANDRAIL_TEAM_URL: 'postgres://alice:hunter2@ledger/handrail' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('teamLockKey', () => {
  it('names one PostgreSQL database the same way whatever the inventory calls it or how its URL is spelled', () => {
    const a = teamLockKey({ postgres: 'postgres://deploy@DB.example.net/shop' }, (p) => p);
    const b = teamLockKey({ postgres: 'postgresql://admin@db.example.net:5432/shop', 'password-env': 'X' }, (p) => p);
    expect(a).toBe('postgres://db.example.net:5432/shop');
    expect(b).toBe(a);
    expect(teamLockKey({ postgres: 'postgres://deploy@db.example.net:5433/shop' }, (p) => p)).not.toBe(a);
    expect(teamLockKey({ postgres: 'postgres://deploy@db.example.net' }, (p) => p)).toBe('postgres://db.example.net:5432/deploy');
  });

  it('names a SQLite file by this host and its real path', () => {
    expect(teamLockKey({ sqlite: '/tmp/../tmp/x.db' }, (p) => p)).toMatch(/^sqlite:\/\/[^/]+\/tmp\/x\.db$/);
  });
});
