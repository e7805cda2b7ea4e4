// The specs need renderer/dist. Build it when it is missing or older than its sources, so
// `npm test` in a fresh clone works and a stale bundle never hides a change. Built in a
// child process with NODE_ENV=production: Vitest sets NODE_ENV=test, which would make Vite
// bundle React's development build.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from '../../support/dist-build.js';
import { ROOT } from '../../support/handrail-cli.js';

const RENDERER = join(ROOT, 'renderer');
const BUILT = join(RENDERER, 'dist/index.html');
const SOURCES = [join(RENDERER, 'ui'), join(RENDERER, 'index.html'), join(RENDERER, 'vite.config.ts'), join(ROOT, 'src/contract')];
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

export function ensureRendererBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map((path) => newestMtime(path)))) return;
  process.stdout.write(`renderer/dist is ${existsSync(BUILT) ? 'older than its sources' : 'missing'}: building it (vite build) before the end-to-end tests\n`);
  const result = spawnSync(process.execPath, [VITE, 'build', '--config', join(RENDERER, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`Building the renderer (vite build) failed, so the console cannot be tested; renderer/dist was left as it was.\n${result.stdout}${result.stderr}`);
  }
}
