// The specs need renderer/dist. Build it when it is missing or older than its sources, so
// `npm test` in a fresh clone works and a stale bundle never hides a change. Built in a
// child process with NODE_ENV=production: Vitest sets NODE_ENV=test, which would make Vite
// bundle React's development build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../support/handrail-cli.js';

const RENDERER = join(ROOT, 'renderer');
const BUILT = join(RENDERER, 'dist/index.html');
const SOURCES = [join(RENDERER, 'ui'), join(RENDERER, 'index.html'), join(RENDERER, 'vite.config.ts'), join(ROOT, 'src/contract')];
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function ensureRendererBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map(newestMtime))) return;
  const result = spawnSync(process.execPath, [VITE, 'build', '--config', join(RENDERER, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`Building the renderer (vite build) failed, so the console cannot be tested; renderer/dist was left as it was.\n${result.stdout}${result.stderr}`);
  }
}
