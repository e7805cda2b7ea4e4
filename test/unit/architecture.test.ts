import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/*
 * Tests the architecture rule itself (STYLE.md item 1): the rule set in .dependency-cruiser.cjs
 * must catch every wrong-way import in test/fixtures/wrong-way/, let the legal ones through,
 * and find nothing wrong in the real tree.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtureDir = path.join(repoRoot, 'test/fixtures/wrong-way');
const loadCjs = createRequire(import.meta.url);
const config = loadCjs(path.join(repoRoot, '.dependency-cruiser.cjs')) as IConfiguration;

interface Edge {
  rule: string;
  from: string;
  to: string;
}

/** Runs the same rule set the `lint:arch` script uses, with `baseDir` as the base directory. */
async function cruiseWithRules(baseDir: string, tsConfigFile: string, paths: string[]): Promise<ICruiseResult> {
  const tsConfigFileName = path.join(baseDir, tsConfigFile);
  const { output } = await cruise(
    paths,
    {
      ...config.options,
      validate: true,
      ruleSet: { forbidden: config.forbidden ?? [] },
      baseDir,
      tsConfig: { fileName: tsConfigFileName },
    },
    {},
    { tsConfig: extractTSConfig(tsConfigFileName) },
  );
  if (typeof output === 'string') throw new Error(`dependency-cruiser returned a report, not a result: ${output}`);
  return output;
}

/**
 * A package resolves to `../../../node_modules/<name>/…` from the fixture folder when it is
 * installed, and stays a bare `<name>` when it is not; compare by package name either way.
 */
function packageOrPath(resolved: string): string {
  return resolved.replace(/^(?:.*\/)?node_modules\/(?:@types\/)?((?:@[^/]+\/)?[^/]+)\/.*$/, '$1');
}

function violationsOf(result: ICruiseResult): Edge[] {
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: packageOrPath(v.to) }));
}

const byKey = (a: Edge, b: Edge): number =>
  `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`);

/** One wrong-way import per rule. */
const wrongWay: Edge[] = [
  { rule: 'contract-only-zod', from: 'src/contract/reads-disk.ts', to: 'fs' },
  { rule: 'core-not-outward', from: 'src/core/uses-store.ts', to: 'src/store/db.ts' },
  { rule: 'store-not-sideways-or-outward', from: 'src/store/uses-targets.ts', to: 'src/targets/shell.ts' },
  { rule: 'targets-not-sideways-or-outward', from: 'src/targets/uses-store.ts', to: 'src/store/db.ts' },
  { rule: 'app-not-to-entry-points', from: 'src/app/uses-cli.ts', to: 'src/cli/main.ts' },
  { rule: 'cli-not-to-other-entry-points', from: 'src/cli/uses-server.ts', to: 'src/server/http.ts' },
  { rule: 'electron-not-to-other-entry-points', from: 'src/electron/uses-cli.ts', to: 'src/cli/main.ts' },
  { rule: 'server-not-to-other-entry-points', from: 'src/server/uses-electron-main.ts', to: 'src/electron/main.ts' },
  { rule: 'src-not-to-renderer', from: 'src/core/reaches-renderer.ts', to: 'renderer/view.ts' },
  // A type-only import: it counts because of tsPreCompilationDeps.
  { rule: 'renderer-only-contract-from-src', from: 'renderer/reaches-core.ts', to: 'src/core/plan.ts' },
  { rule: 'electron-package-only-in-src-electron', from: 'src/cli/uses-electron.ts', to: 'electron' },
  { rule: 'better-sqlite3-only-in-store-and-targets', from: 'src/app/uses-sqlite.ts', to: 'better-sqlite3' },
  { rule: 'ssh2-and-pg-only-in-targets', from: 'src/core/uses-pg.ts', to: 'pg' },
  { rule: 'product-not-to-test', from: 'src/core/reaches-test.ts', to: 'test/helper.ts' },
  { rule: 'no-circular', from: 'src/core/cycle-a.ts', to: 'src/core/cycle-b.ts' },
  { rule: 'not-to-unresolvable', from: 'src/core/reaches-missing.ts', to: './not-there.js' },
];

/** Legal imports, one for each kind of arrow above, that must not be reported. */
const legal: Omit<Edge, 'rule'>[] = [
  { from: 'src/contract/model.ts', to: 'zod' },
  { from: 'src/core/plan.ts', to: 'src/contract/model.ts' },
  { from: 'src/store/db.ts', to: 'src/core/plan.ts' },
  { from: 'src/store/db.ts', to: 'better-sqlite3' },
  { from: 'src/targets/shell.ts', to: 'src/core/plan.ts' },
  { from: 'src/targets/shell.ts', to: 'ssh2' },
  { from: 'src/app/service.ts', to: 'src/store/db.ts' },
  { from: 'src/app/service.ts', to: 'src/targets/shell.ts' },
  { from: 'src/cli/main.ts', to: 'src/app/service.ts' },
  { from: 'src/server/http.ts', to: 'src/app/service.ts' },
  { from: 'src/electron/main.ts', to: 'src/app/service.ts' },
  { from: 'src/electron/main.ts', to: 'electron' },
  { from: 'renderer/view.ts', to: 'src/contract/model.ts' },
];

/**
 * The fixture imports real package names. Those not installed here (electron, ssh2 and pg
 * until the issues that need them add them) also trip `not-to-unresolvable`, as they would
 * in src/; which ones do depends on node_modules, so work it out rather than hard-code it.
 */
const resolveFromFixture = createRequire(path.join(fixtureDir, 'package.json'));
function isInstalled(name: string): boolean {
  try {
    resolveFromFixture.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const barePackageImports: Omit<Edge, 'rule'>[] = [
  { from: 'src/cli/uses-electron.ts', to: 'electron' },
  { from: 'src/electron/main.ts', to: 'electron' },
  { from: 'src/core/uses-pg.ts', to: 'pg' },
  { from: 'src/targets/shell.ts', to: 'ssh2' },
  { from: 'src/store/db.ts', to: 'better-sqlite3' },
  { from: 'src/app/uses-sqlite.ts', to: 'better-sqlite3' },
  { from: 'src/contract/model.ts', to: 'zod' },
];
const notInstalled: Edge[] = barePackageImports
  .filter((edge) => !isInstalled(edge.to))
  .map((edge) => ({ rule: 'not-to-unresolvable', ...edge }));

describe('architecture rule (.dependency-cruiser.cjs)', () => {
  it('reports exactly the wrong-way imports in test/fixtures/wrong-way', async () => {
    const result = await cruiseWithRules(fixtureDir, 'tsconfig.json', ['src', 'renderer']);

    expect(violationsOf(result).sort(byKey)).toEqual([...wrongWay, ...notInstalled].sort(byKey));
  });

  it('lets the legal imports in the fixture through, and did see them', async () => {
    const result = await cruiseWithRules(fixtureDir, 'tsconfig.json', ['src', 'renderer']);
    const violations = violationsOf(result);

    for (const { from, to } of legal) {
      const module = result.modules.find((m) => m.source === from);
      const seen = module?.dependencies.some((d) => packageOrPath(d.resolved) === to) ?? false;
      expect(seen, `fixture import ${from} -> ${to} was not cruised`).toBe(true);
      const reported = violations.filter((v) => v.from === from && v.to === to && v.rule !== 'not-to-unresolvable');
      expect(reported, `legal import ${from} -> ${to} was reported`).toEqual([]);
    }
  });

  it('has a wrong-way fixture for every rule', () => {
    const ruleNames = (config.forbidden ?? []).map((rule) => rule.name).sort();
    expect(ruleNames).toEqual([...new Set(wrongWay.map((edge) => edge.rule))].sort());
  });

  it('finds no violations in the real tree (src, renderer, test)', async () => {
    const result = await cruiseWithRules(repoRoot, 'tsconfig.json', ['src', 'renderer', 'test']);

    expect(violationsOf(result)).toEqual([]);
    expect(result.summary.totalCruised).toBeGreaterThan(0);
  });
});
