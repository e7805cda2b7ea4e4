// `handrail serve` is the console itself, not a launcher for a second Node process: the
// process the operator started is the one that listens, is recorded for `handrail open`, and
// stops once on one Ctrl-C. (A second process cost a whole Node start-up before the URL.)
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
let cli: CliOptions;

beforeAll(async () => {
  dir = await makeTempDir('serve-one-process');
  cli = { dataDir: join(dir, 'data') };
});
afterAll(() => removeDir(dir));

async function serve(): Promise<{ child: ChildProcess; url: URL; stderr: () => string; exited: Promise<number | null> }> {
  const child = handrailChild(['serve', '--port', '0'], cli);
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(unregister);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    void exited.then((code) => reject(new Error(`handrail serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return { child, url: new URL(line), stderr: () => stderr, exited };
}

describe('handrail serve runs the console in its own process', () => {
  it('is the process recorded for handrail open, and one Ctrl-C stops it cleanly', async () => {
    const served = await serve();
    const recorded = JSON.parse(readFileSync(join(cli.dataDir, `console-${served.url.port}.json`), 'utf8')) as { pid: number; port: number };
    expect(recorded.port).toBe(Number(served.url.port));
    expect(recorded.pid).toBe(served.child.pid);

    served.child.kill('SIGINT');
    expect(await served.exited, served.stderr()).toBe(0);
    expect(served.stderr()).toContain('SIGINT: stopping');
    expect(served.stderr()).not.toContain('again');
  });
});
