// `handrail link` and `handrail open` from the operator's terminal, against real consoles
// (`handrail serve` in child processes). Without a display no browser is started, so `open`
// prints the signed-in link; the console then trades its token for the cookie and sends the
// browser on to the run set-up with the link's values, never starting anything.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onProcessExit } from '../support/exit-cleanup.js';
import { freePort } from '../support/free-port.js';
import { handrail, handrailAsync, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
let cli: CliOptions;
const NO_DISPLAY = { DISPLAY: '', WAYLAND_DISPLAY: '' };
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await makeTempDir('open-link');
  const workspace = join(dir, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  prod:\n    targets:\n      app: local\n');
  writeFileSync(
    join(workspace, 'db-failover.md'),
    '---\nid: db-failover\ntitle: Fail over\nversion: 1.0.0\ninputs:\n  instance: { type: string }\n  key: { type: string, secret: true }\n---\n\n## Look\n\n```sh {target=app}\necho "$HR_IN_instance"\n```\n',
  );
  cli = { dataDir: join(dir, 'data'), workspace, env: NO_DISPLAY };
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});
afterAll(() => removeDir(dir));

/** Starts `handrail ARGS` and returns the first line it prints (a console's URL). */
async function firstLine(args: string[]): Promise<string> {
  const child = handrailChild(args, cli);
  children.push(child);
  const forget = onProcessExit(() => child.kill('SIGKILL'));
  child.once('exit', forget);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`handrail ${args.join(' ')} exited ${code}: ${err}`)));
  });
}

function get(url: string, cookie?: string): Promise<{ status: number; location: string | undefined; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] });
    });
    req.once('error', reject);
    req.end();
  });
}

/** Follows a signed-in link as a browser would: token → cookie → the set-up screen's address. */
async function landing(signedIn: string): Promise<string | undefined> {
  const first = await get(signedIn);
  expect(first.status).toBe(303);
  expect(first.location).not.toContain('token');
  const origin = new URL(signedIn).origin;
  const second = await get(`${origin}${first.location ?? ''}`, first.cookie);
  expect(second.status).toBe(303);
  return second.location;
}

const query = 'env=prod&input.instance=db-7&incident=INC-12';

describe('handrail open', () => {
  it('signs in to the console already running for the data folder and lands on the set-up', async () => {
    const served = new URL(await firstLine(['serve', '--port', '0']));
    const opened = await handrailAsync(['open', `http://127.0.0.1:${served.port}/run/db-failover?${query}`], cli);
    expect(opened.code, opened.stderr).toBe(0);
    const signedIn = opened.stdout.trim();
    expect(signedIn).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${served.port}/run/db-failover\\?env=prod&input\\.instance=db-7&incident=INC-12&token=`));
    expect(await landing(signedIn)).toBe(`/#/runbooks/db-failover?${query}`);
    expect(JSON.parse(handrail(['runs', '--json'], cli).stdout)).toEqual([]);
  });

  it('starts a console for the link when none is running, on the link’s port', async () => {
    const port = await freePort();
    const signedIn = await firstLine(['open', `http://localhost:${port}/run/db-failover?${query}`]);
    expect(signedIn).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/run/db-failover\\?.*&token=`));
    expect(await landing(signedIn)).toBe(`/#/runbooks/db-failover?${query}`);
  });

  it('refuses a link to another machine', () => {
    const refused = handrail(['open', 'http://console.example.net:7447/run/db-failover?env=prod'], cli);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not a Handrail console on this machine');
  });
});

describe('handrail link', () => {
  it('prints the link, with Prometheus templates kept and URL-encoded by Prometheus', () => {
    const made = handrail(['link', 'db-failover', '--env', 'prod', '--input', 'instance={{ $labels.instance }}', '--incident', '{{ $labels.alertname }}'], cli);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toBe(
      'http://127.0.0.1:7447/run/db-failover?env=prod&input.instance={{ $labels.instance | urlquery }}&incident={{ $labels.alertname | urlquery }}',
    );
  });

  it('refuses a secret input, an input or environment the runbook does not have, and a bad incident id', () => {
    for (const [args, said] of [
      [['--input', 'key=hunter2'], "'key' is a secret input"],
      [['--input', 'nope=1'], "has no input 'nope'"],
      [['--incident', 'INC\u001b[2J'], 'control or invisible characters'],
    ] as const) {
      const refused = handrail(['link', 'db-failover', '--env', 'prod', ...args], cli);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(said);
      expect(refused.stdout).toBe('');
    }
    const noEnv = handrail(['link', 'db-failover', '--env', 'staging'], cli);
    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain("no environment 'staging'");
  });
});
