// Rules for handrail.yml, each at the key or value it is about.
import { describe, expect, it } from 'vitest';
import { INVENTORY, inventoryProblems } from '../support/validate-text.js';

describe('handrail.yml', () => {
  it('accepts the inventory of the design', () => {
    expect(inventoryProblems(INVENTORY)).toEqual([]);
  });

  it('rejects an empty, binary or broken file', () => {
    expect(inventoryProblems('')).toEqual(['1:1: the file is empty; handrail.yml needs an `environments:` map']);
    expect(inventoryProblems(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toEqual([
      '1:1: this is not a text file (it contains NUL bytes); is it the right file?',
    ]);
    expect(inventoryProblems('environments:\n  a: [\n')).toEqual([
      '3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(inventoryProblems('- a\n')).toEqual(['1:1: handrail.yml must be a map with an environments: key']);
  });

  it('rejects unknown keys at every level', () => {
    expect(inventoryProblems('environments:\n  a:\n    targets: {}\nhosts: []\n')).toEqual([
      "4:1: unknown key 'hosts' in handrail.yml; allowed keys: environments, snapshots, team",
    ]);
    expect(inventoryProblems('environments:\n  a:\n    protect: true\n    targets: {}\n')).toEqual([
      "3:5: unknown key 'protect' in 'environments.a'; allowed keys: description, protected, variables, pass-env, targets",
    ]);
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      app: { ssh: deploy@h, user: x }\n')).toEqual([
      "4:29: unknown key 'user' in 'environments.a.targets.app'; allowed keys: ssh, port, identity, known-hosts; sqlite, seed; postgres, password-env",
    ]);
  });

  it('checks names of environments, targets and variables', () => {
    expect(inventoryProblems('environments:\n  Prod:\n    targets: {}\n')).toEqual([
      "2:3: 'Prod' is not a valid name in 'environments'; environment names are lowercase letters, digits and hyphens, e.g. local-demo",
    ]);
    expect(inventoryProblems('environments:\n  a:\n    variables: { deploy_root: /srv }\n    targets: {}\n')).toEqual([
      "3:18: 'deploy_root' is not a valid name in 'environments.a.variables'; variable names are uppercase letters, digits and _, e.g. DEPLOY_ROOT",
    ]);
  });

  it('says what a target must look like', () => {
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      app: remote\n')).toEqual([
      "4:12: 'environments.a.targets.app' is not valid; a target is local, {ssh: user@host, port, identity, known-hosts}, {sqlite: PATH, seed} or {postgres: URL, password-env}",
    ]);
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      app: { ssh: pilot-1.example.net }\n')).toEqual([
      `4:19: 'environments.a.targets.app.ssh' has an invalid value "pilot-1.example.net"; write user@host, e.g. deploy@pilot-1.example.net`,
    ]);
  });

  it('refuses a password in a PostgreSQL URL', () => {
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      db: { postgres: "postgres://app:hunter2@db:5432/app" }\n')).toEqual([
      '4:23: this URL contains a password; remove it and name an environment variable that holds it with password-env',
    ]);
  });

  it('keeps the name local for this machine', () => {
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      local: { sqlite: x.db }\n')).toEqual([
      "4:7: 'local' always means this machine; give this sqlite target another name",
    ]);
  });

  it('rejects unknown ${…} in paths and variables', () => {
    expect(inventoryProblems('environments:\n  a:\n    targets:\n      db: { sqlite: "${datadir}/x.db" }\n')).toEqual([
      '4:21: unknown ${datadir} in sqlite; paths may use ${data_dir} and ${workspace}',
    ]);
    expect(inventoryProblems('environments:\n  a:\n    variables: { ROOT: "${home}/app" }\n    targets: {}\n')).toEqual([
      '3:24: unknown ${home} in ROOT; paths may use ${data_dir} and ${workspace}',
    ]);
  });
});
