#!/usr/bin/env node
// Bundles the console server (dist/server/console-main.js and everything it imports from
// dist/) into dist/server-bundle/, after tsc. `handrail serve` loads the bundle: Node's ESM
// loader spent a third of the console's start-up resolving, reading and compiling ~250 small
// files one by one. zod (95 files, checked at the API's edge from the first call) and ws
// (CommonJS, which Node scans for its exports before an ES module may import it) go in too;
// every other package stays in node_modules, and every dynamic import stays a chunk of its
// own, loaded on first use as before (test/integration/serve-start-modules.test.ts still
// sees which packages load).
//
// Code that finds a file next to itself (a worker, renderer/dist, the demo workspace,
// package.json) keeps finding it: each module's `import.meta.url` is rewritten to its own
// file's URL in dist/, computed from where the bundle is at run time.
//
// dist/server-bundle/inputs.json lists the files it was made from (from the package's
// folder) and their digests; the CLI loads the bundle only while each of them is older than
// it or still has the same bytes (`tsc -w` rewrites dist/ without re-bundling).
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist') + sep;
export const BUNDLE_DIR = join(ROOT, 'dist/server-bundle');
const ENTRY = join(ROOT, 'dist/server/console-main.js');
/** Packages bundled in; the rest are imported from node_modules at run time. */
const INSIDE = /^(zod|ws)(\/|$)/;

export async function bundleConsole() {
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const result = await build({
    entryPoints: [ENTRY],
    outdir: BUNDLE_DIR,
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS inside an ES module bundle asks for Node's built-ins with require().
    banner: { js: "import { createRequire as handrailCreateRequire } from 'node:module'; const require = handrailCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-outside',
        setup(bundle) {
          bundle.onResolve({ filter: /^[^./]/ }, ({ path }) => (INSIDE.test(path) ? undefined : { path, external: true }));
        },
      },
      {
        name: 'own-import-meta-url',
        setup(bundle) {
          bundle.onLoad({ filter: /\.js$/ }, async ({ path }) => {
            if (!path.startsWith(DIST)) return undefined;
            const own = JSON.stringify(relative(BUNDLE_DIR, path).split('\\').join('/'));
            const text = await readFile(path, 'utf8');
            return { contents: text.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`), loader: 'js' };
          });
        },
      },
    ],
  });
  // Relative to the package's folder, each with the SHA-256 of its bytes (a build step that
  // rewrites dist/ unchanged, as tsconfig.electron.json's does, leaves the bundle good). The
  // bundled packages count as one file: npm rewrites node_modules/.package-lock.json on every
  // install or upgrade.
  const paths = [...new Set(Object.keys(result.metafile.inputs).map((input) => {
    const path = relative(ROOT, join(ROOT, input)).split(sep).join('/');
    return path.includes('node_modules/') ? 'node_modules/.package-lock.json' : path;
  }))];
  const inputs = await Promise.all(paths.map(async (path) => ({ path, sha256: createHash('sha256').update(await readFile(join(ROOT, path))).digest('hex') })));
  await writeFile(join(BUNDLE_DIR, 'inputs.json'), `${JSON.stringify(inputs)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await bundleConsole();
  } catch (error) {
    process.stderr.write(`bundle-console: bundling dist/server/console-main.js failed; handrail serve will load dist/ directly.\n${error.message}\n`);
    process.exit(1);
  }
}
