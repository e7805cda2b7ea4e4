// Architecture rules for Handrail (docs/ARCHITECTURE.md, "Arrows").
//
//   contract <- core <- {store, targets} <- app <- {cli, electron, server}
//   renderer/ may take only src/contract from src/.
//
// Do not relax these rules. When an import trips one, the import is pointing the wrong
// way: move the code to the layer that may own it, or put an interface in core and
// implement it one layer out. test/unit/architecture.test.ts checks that each rule
// still catches its fixture in test/fixtures/wrong-way/.
//
// Paths match as `(^|/)src/<layer>/` rather than `^src/<layer>/` so the rules give the same
// answer when depcruise runs from another base directory (the fixture test uses the
// fixture folder as its base). `inRepo` also skips node_modules, so a package that happens
// to ship its own `src/core/` folder is never mistaken for one of our layers.

/** @param {string} folder a folder under the repository root, e.g. `src/core` */
const inRepo = (folder) => `^(?!.*node_modules/).*(^|/)${folder}/`;
/** @param {string} name an npm package name, matched resolved or unresolved */
const npmPackage = (name) => `(^|/)node_modules/(@types/)?${name}/|^${name}(/|$)`;

const contract = inRepo('src/contract');
const core = inRepo('src/core');
const store = inRepo('src/store');
const targets = inRepo('src/targets');
const app = inRepo('src/app');
const cli = inRepo('src/cli');
const electron = inRepo('src/electron');
const server = inRepo('src/server');
const anySrc = inRepo('src');
const renderer = inRepo('renderer');
const test = inRepo('test');
const product = [anySrc, renderer];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contract-only-zod',
      comment:
        'src/contract is shared by the CLI, Electron main, the server and the browser renderer. ' +
        'It may import other contract files and zod, nothing else: no node: builtins, no other package, no other layer.',
      severity: 'error',
      from: { path: contract },
      to: { pathNot: [contract, '(^|/)node_modules/zod/'] },
    },
    {
      name: 'core-not-outward',
      comment:
        'src/core is the engine. It talks to the world only through interfaces it defines; ' +
        'store, targets, app and the entry points implement or use them, never the other way round.',
      severity: 'error',
      from: { path: core },
      to: { path: [store, targets, app, cli, electron, server] },
    },
    {
      name: 'store-not-sideways-or-outward',
      comment:
        'src/store sits beside src/targets and below src/app. The composition root (src/app) ' +
        'wires store and targets together; store must not reach for them itself.',
      severity: 'error',
      from: { path: store },
      to: { path: [targets, app, cli, electron, server] },
    },
    {
      name: 'targets-not-sideways-or-outward',
      comment:
        'src/targets sits beside src/store and below src/app. Executors get what they need ' +
        'through core interfaces; the composition root (src/app) wires them to the store.',
      severity: 'error',
      from: { path: targets },
      to: { path: [store, app, cli, electron, server] },
    },
    {
      name: 'app-not-to-entry-points',
      comment:
        'src/app is the one service every entry point calls. If it imported the CLI, ' +
        'Electron or the server, the other entry points would drag that one along.',
      severity: 'error',
      from: { path: app },
      to: { path: [cli, electron, server] },
    },
    {
      name: 'cli-not-to-other-entry-points',
      comment:
        'The CLI, Electron and the server are peers that each bind src/app. Shared code belongs in src/app or below.',
      severity: 'error',
      from: { path: cli },
      to: { path: [electron, server] },
    },
    {
      name: 'electron-not-to-other-entry-points',
      comment:
        'The CLI, Electron and the server are peers that each bind src/app. Shared code belongs in src/app or below.',
      severity: 'error',
      from: { path: electron },
      to: { path: [cli, server] },
    },
    {
      name: 'server-not-to-other-entry-points',
      comment:
        'The CLI, Electron and the server are peers that each bind src/app. Shared code belongs in src/app or below.',
      severity: 'error',
      from: { path: server },
      to: { path: [cli, electron] },
    },
    {
      name: 'src-not-to-renderer',
      comment:
        'renderer/ is a separately bundled browser app. Electron and the server serve its built ' +
        'files; no code in src/ imports it.',
      severity: 'error',
      from: { path: anySrc },
      to: { path: renderer },
    },
    {
      name: 'renderer-only-contract-from-src',
      comment:
        'The renderer runs sandboxed (in Electron or any browser) and talks to Handrail only ' +
        'through the contract. From src/ it may import src/contract and nothing else.',
      severity: 'error',
      from: { path: renderer },
      to: { path: anySrc, pathNot: contract },
    },
    {
      name: 'electron-package-only-in-src-electron',
      comment:
        'Only src/electron knows Electron, so the CLI, the server and the tests run on plain Node. ' +
        'Matches both a resolved node_modules/electron path and a bare `electron` that does not resolve.',
      severity: 'error',
      from: { path: product, pathNot: electron },
      to: { path: npmPackage('electron') },
    },
    {
      name: 'better-sqlite3-only-in-store-and-targets',
      comment:
        'better-sqlite3 is a native module with one ABI per runtime (Node vs Electron). Keeping it in ' +
        'src/store (app database) and src/targets (SQLite target) keeps that problem in two folders. ' +
        'Tests may open a database directly (for example to tamper with the audit chain).',
      severity: 'error',
      from: { path: product, pathNot: [store, targets] },
      to: { path: npmPackage('better-sqlite3') },
    },
    {
      name: 'ssh2-and-pg-only-in-targets',
      comment:
        'src/targets is the outside world: SSH and PostgreSQL are reached only through its executors, ' +
        'one place to read, mock and upgrade.',
      severity: 'error',
      from: { path: product, pathNot: targets },
      to: { path: [npmPackage('ssh2'), npmPackage('pg')] },
    },
    {
      name: 'product-not-to-test',
      comment: 'Shipped code (src/, renderer/) must not depend on test helpers or fixtures.',
      severity: 'error',
      from: { path: product },
      to: { path: test },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle means two modules are one idea split in two, or a layer arrow points the wrong way. ' +
        'Type-only imports count (tsPreCompilationDeps).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that cannot be resolved is a typo, a missing dependency, or a package that must be ' +
        'added to package.json first. test/fixtures/ is excluded from the normal run (it imports ' +
        'packages on purpose that may not be installed).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // The fixtures break the rules on purpose; test/unit/architecture.test.ts cruises them
    // with their own base directory and checks every violation it expects.
    // renderer/dist is Vite's bundled output, not source.
    exclude: { path: '(^|/)test/fixtures/|^renderer/dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Count `import type` too: a type-only import still ties a layer to another.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
