// `handrail serve` loads the console server from dist/server-bundle/ (a bundle of dist/ made
// by `npm run build`: a few files for Node's loader instead of ~250), and never from a bundle
// older than the dist/ it was made from: after a `tsc -w` or a bare `tsc`, the code that runs
// is the code just compiled. Each case runs a copy of the built package, so editing it
// disturbs no other test.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onProcessExit } from '../support/exit-cleanup.js';
import { DEMO, ROOT } from '../support/handrail-cli.js';
import { moduleLog } from '../support/loaded-packages.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('serve-console-bundle');
});
afterAll(() => removeDir(dir));

/** A copy of the built package (dist/, bin/, package.json; node_modules linked). */
function copyOfPackage(name: string): string {
  const copy = join(dir, name);
  mkdirSync(copy);
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true, preserveTimestamps: true });
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'));
  return copy;
}

/** Starts the copy's `handrail serve`, waits for its URL, stops it; returns its stderr and the module URLs it loaded. */
async function serveOnce(copy: string): Promise<{ code: number | null; stderr: string; loaded: string[] }> {
  const log = moduleLog();
  const child = spawn(process.execPath, [join(copy, 'bin/handrail.js'), 'serve', '--port', '0'], {
    env: { ...process.env, ...log.env, HANDRAIL_DATA_DIR: join(copy, 'data'), HANDRAIL_WORKSPACE: DEMO, HANDRAIL_OPERATOR: 'tester' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = await new Promise<boolean>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  child.kill('SIGTERM');
  const code = await exited;
  unregister();
  expect(printed, stderr).toBe(true);
  return { code, stderr, loaded: readFileSync(log.env.MODULE_LOG ?? '', 'utf8').split('\n').filter(Boolean) };
}

describe('the console server bundle', () => {
  it('is what serve loads after a build, instead of the server modules of dist/ one by one', async () => {
    const copy = copyOfPackage('fresh');
    const served = await serveOnce(copy);
    expect(served.code, served.stderr).toBe(0);
    const own = served.loaded.filter((url) => url.includes(`${copy}/dist/`)).map((url) => url.slice(url.indexOf('/dist/') + 1));
    expect(own).toContain('dist/server-bundle/console-main.js');
    expect(own.filter((file) => file.startsWith('dist/server/'))).toEqual([]);
  });

  it('stays in use when a build step rewrote a file it was made from with the same bytes', async () => {
    const copy = copyOfPackage('rewritten');
    // As tsconfig.electron.json's compile does: dist/ emitted again, unchanged, after the bundle.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(copy, 'dist/server/console-server.js'), later, later);
    const served = await serveOnce(copy);
    expect(served.code, served.stderr).toBe(0);
    expect(served.loaded.some((url) => url.endsWith(`${copy}/dist/server-bundle/console-main.js`))).toBe(true);
  });

  it('gives way to dist/ when a file it was made from changed since', async () => {
    const copy = copyOfPackage('edited');
    // As `tsc -w` does after an edit: one compiled file rewritten, the bundle left as it was.
    appendFileSync(join(copy, 'dist/server/console-server.js'), "\nprocess.stderr.write('the edited console-server.js ran\\n');\n");
    const served = await serveOnce(copy);
    expect(served.code, served.stderr).toBe(0);
    expect(served.stderr).toContain('the edited console-server.js ran');
  });

  it('is not needed: without it serve runs dist/ as compiled', async () => {
    const copy = copyOfPackage('unbundled');
    rmSync(join(copy, 'dist/server-bundle'), { recursive: true });
    writeFileSync(join(copy, 'dist/server/console-server.js'), `${readFileSync(join(copy, 'dist/server/console-server.js'), 'utf8')}\nprocess.stderr.write('dist/server ran\\n');\n`);
    const served = await serveOnce(copy);
    expect(served.code, served.stderr).toBe(0);
    expect(served.stderr).toContain('dist/server ran');
  });
});
