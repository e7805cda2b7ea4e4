// handrail.yml: which environments exist and what each target name means in each.
import type { Problem, SourcePos } from '../../contract/problem.js';
import { Inventory, PostgresTarget, SqliteTarget, SshTarget } from '../../contract/inventory.js';
import { ProblemList } from '../problems.js';
import { decodeSourceFile } from '../text-file.js';
import { parseYaml, type YamlPositions } from '../yaml.js';
import { reportZodIssues, type Hints } from '../zod-issues.js';

const HINTS: Hints = {
  '#keys': 'environments, snapshots, team',
  'snapshots#keys': 'keep-days, max-gb',
  'team#keys': 'postgres, password-env',
  'team.postgres': 'write postgres://user@host:5432/database, without a password',
  environments: 'environment names are lowercase letters, digits and hyphens, e.g. local-demo',
  'environments.*#keys': 'description, protected, variables, pass-env, targets',
  'environments.*.pass-env': "a list of variable names from Handrail's environment, e.g. [SSH_AUTH_SOCK]",
  'environments.*.targets':
    'target names are lowercase letters, digits and hyphens; a target is local, {ssh: user@host}, {sqlite: PATH} or {postgres: URL}',
  'environments.*.targets.*':
    'a target is local, {ssh: user@host, port, identity, known-hosts}, {sqlite: PATH, seed} or {postgres: URL, password-env}',
  'environments.*.targets.*.ssh': 'write user@host, e.g. deploy@pilot-1.example.net',
  'environments.*.targets.*.postgres': 'write postgres://user@host:5432/database',
  'environments.*.targets.*.password-env': 'the name of an environment variable, e.g. PROD_PG_PASSWORD',
  'environments.*.targets.*#keys': 'ssh, port, identity, known-hosts; sqlite, seed; postgres, password-env',
  'environments.*.variables': 'variable names are uppercase letters, digits and _, e.g. DEPLOY_ROOT',
  'environments.*.protected': 'true or false',
};

const PATH_VARIABLES = ['data_dir', 'workspace'];

export interface ParsedInventory {
  inventory: Inventory | undefined;
  positions: YamlPositions;
  problems: Problem[];
}

export function parseInventory(path: string, bytes: Uint8Array, totalBytes = bytes.length): ParsedInventory {
  const problems = new ProblemList(path);
  const positions: YamlPositions = { key: new Map(), value: new Map() };
  const decoded = decodeSourceFile(bytes, 'inventory', totalBytes);
  if (!decoded.ok) {
    problems.error({ line: 1, col: 1 }, decoded.message);
    return { inventory: undefined, positions, problems: problems.items };
  }
  const parsed = parseYaml(decoded.text);
  if (!parsed.ok) {
    problems.error(parsed.error.pos, parsed.error.message);
    return { inventory: undefined, positions, problems: problems.items };
  }
  const top: SourcePos = { line: 1, col: 1 };
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    problems.error(top, 'handrail.yml must be a map with an environments: key');
    return { inventory: undefined, positions: parsed.positions, problems: problems.items };
  }
  const result = Inventory.safeParse(parsed.value, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const targetIssues = issue.code === 'invalid_union' ? targetSchemaIssues(parsed.value, issue.path) : undefined;
      reportZodIssues(targetIssues ?? [issue], parsed.positions, top, problems, HINTS, 'handrail.yml');
    }
    return { inventory: undefined, positions: parsed.positions, problems: problems.items };
  }
  checkTargets(result.data, parsed.positions, problems);
  return { inventory: result.data, positions: parsed.positions, problems: problems.items };
}

/** A union error says little; re-check a target against the one schema its keys point to. */
function targetSchemaIssues(root: unknown, path: PropertyKey[]) {
  const value = path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], root);
  if (value === null || typeof value !== 'object') return undefined;
  const schema = 'ssh' in value ? SshTarget : 'sqlite' in value ? SqliteTarget : 'postgres' in value ? PostgresTarget : undefined;
  const check = schema?.safeParse(value, { reportInput: true });
  if (!check || check.success) return undefined;
  return check.error.issues.map((i) => ({ ...i, path: [...path, ...i.path] }));
}

function checkTargets(inventory: Inventory, positions: YamlPositions, problems: ProblemList): void {
  for (const [envName, env] of Object.entries(inventory.environments)) {
    for (const [name, spec] of Object.entries(env.targets)) {
      const at = (key: string): SourcePos =>
        positions.value.get(`environments.${envName}.targets.${name}.${key}`) ??
        positions.key.get(`environments.${envName}.targets.${name}`) ?? { line: 1, col: 1 };
      if (name === 'local' && spec !== 'local') {
        problems.error(at(''), `'local' always means this machine; give this ${Object.keys(spec)[0]} target another name`);
      }
      if (typeof spec === 'object' && 'postgres' in spec && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(spec.postgres)) {
        problems.error(
          at('postgres'),
          'this URL contains a password; remove it and name an environment variable that holds it with password-env',
        );
      }
      if (typeof spec === 'object') {
        for (const [key, value] of Object.entries(spec)) checkPathVariables(key, value, at(key), problems);
      }
    }
    for (const [name, value] of Object.entries(env.variables ?? {})) {
      const pos = positions.value.get(`environments.${envName}.variables.${name}`) ?? { line: 1, col: 1 };
      checkPathVariables(name, value, pos, problems);
    }
  }
}

function checkPathVariables(key: string, value: unknown, pos: SourcePos, problems: ProblemList): void {
  if (typeof value !== 'string') return;
  for (const m of value.matchAll(/\$\{([^}]*)\}/g)) {
    if (!PATH_VARIABLES.includes(m[1] ?? '')) {
      problems.error(pos, `unknown \${${m[1]}} in ${key}; paths may use \${data_dir} and \${workspace}`);
    }
  }
}
