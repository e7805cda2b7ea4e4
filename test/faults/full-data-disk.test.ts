// The data folder on a disk that is full (a real tmpfs with 0 bytes free): reading commands
// still work, writing ones name the full disk instead of calling it a bug, and a run whose
// process died is recorded as interrupted once there is room again.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrail, handrailChild, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { mountSmallDisk, reportSkip } from '../support/small-disk.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-fulldisk-'));
const disk = mountSmallDisk(16, join(root, 'disk'));
reportSkip('full data disk', disk);
const workspace = join(root, 'ws');
const stepPid = join(root, 'step.pid');
mkdirSync(workspace);
// Steps get a minimal environment: the filler step's target file reaches it through pass-env.
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    pass-env: [HANDRAIL_TEST_FILL]\n    targets: {}\n');
writeFileSync(
  join(workspace, 'echo.md'),
  '---\nid: echo\ntitle: Echo\nversion: 1.0.0\n---\n\n## Say\n\n```sh {target=local}\necho hello\n```\n',
);
writeFileSync(
  join(workspace, 'slow.md'),
  `---\nid: slow\ntitle: Slow\nversion: 1.0.0\n---\n\n## Wait\n\n\`\`\`sh {target=local}\necho $$ > ${stepPid}\nsleep 60\n\`\`\`\n`,
);
// Fills the data folder's disk from inside the step, then prints: the output can no longer be stored.
writeFileSync(
  join(workspace, 'filler.md'),
  `---\nid: filler\ntitle: Filler\nversion: 1.0.0\n---\n\n## Fill the disk\n\n\`\`\`sh {target=local}\ncat /dev/zero > "$HANDRAIL_TEST_FILL" 2>/dev/null\nfor i in $(seq 1 20000); do echo "line $i of output that has to be stored somewhere"; done\n\`\`\`\n`,
);

const cli: CliOptions = { dataDir: join(disk.dir, 'data'), workspace, env: { HANDRAIL_TEST_FILL: join(disk.dir, 'step-filler') } };
const BUG = /This is a bug|internal error/;

afterAll(() => {
  if (existsSync(stepPid)) {
    try {
      process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  disk.remove();
  rmSync(root, { recursive: true, force: true });
});

function runStatus(id: string): string {
  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    return db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id) as string;
  } finally {
    db.close();
  }
}

function eventsOf(id: string, kind: string): Record<string, unknown>[] {
  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    return (db.prepare('SELECT body_json FROM events WHERE run_id = ? AND kind = ?').pluck().all(id, kind) as string[]).map((b) => JSON.parse(b) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

/** `handrail serve` until it prints its URL, then one call through that URL (answered or not), then kill -9. */
async function serveLimited(): Promise<{ code: number | null; stdout: string; stderr: string; answered: boolean }> {
  const child = handrailChild(['serve', '--port', '0'], cli);
  // A console that never answers must not outlive the test run.
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  let answered = false;
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    const printed = /http:\/\/\S+/.exec(stdout)?.[0];
    if (printed === undefined || !stdout.includes('\n')) return;
    child.stdout?.removeAllListeners('data');
    void appInfoAnswered(new URL(printed)).then((yes) => {
      answered = yes;
      child.kill('SIGKILL');
    });
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  unregister();
  return { code, stdout, stderr, answered };
}

/** Whether the console at `url` answers appInfo (false when the socket is refused or closes first). */
function appInfoAnswered(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://${url.host}/api/ws`, { headers: { Origin: url.origin, Authorization: `Bearer ${url.searchParams.get('token')}` } });
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, op: 'appInfo', request: {} })));
    socket.once('message', (data: Buffer) => {
      resolve((JSON.parse(data.toString()) as { result?: unknown }).result !== undefined);
      socket.close();
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

function verifiedEvents(): number {
  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    return db.prepare("SELECT count(*) FROM events WHERE kind = 'audit.verified'").pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Starts the slow runbook and kill -9s the CLI once its step runs: a run left `running` by a dead process. */
async function deadRun(): Promise<string> {
  rmSync(stepPid, { force: true });
  const child = handrailChild(['run', 'slow', '--env', 'dev', '--yes'], cli);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = () => (existsSync(stepPid) && readFileSync(stepPid, 'utf8').trim() ? resolve() : setTimeout(check, 50));
    child.once('exit', () => reject(new Error(`the run ended early: ${out}`)));
    check();
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('close', resolve));
  process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
  rmSync(stepPid, { force: true });
  return runIdOf(out);
}

describe('the data folder on a full disk', () => {
  it.skipIf(disk.unavailable !== undefined)('runs, show and audit verify still answer; run names the full disk; the dead run is recorded once there is room', async () => {
    const first = handrail(['run', 'echo', '--env', 'dev', '--yes'], cli);
    expect(first.code, first.stderr).toBe(0);
    const done = runIdOf(first.stdout);
    const dead = await deadRun();
    expect(runStatus(dead)).toBe('running');

    disk.fill();
    expect(disk.freeBytes()).toBe(0);

    const runs = handrail(['runs'], cli);
    expect(runs.stderr).not.toMatch(BUG);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(done);
    // Its process is gone, so it is not "running"; the disk is why that is not recorded yet.
    expect(runs.stdout).toMatch(new RegExp(`${dead}\\s+interrupted`));
    expect(runs.stderr).toMatch(/the disk holding .* is full \(0(\.0)? MB free\)/i);
    expect(runs.stderr).toContain(dead);

    const show = handrail(['show', done], cli);
    expect(show.stderr).not.toMatch(BUG);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('| hello');

    const verify = handrail(['audit', 'verify'], cli);
    expect(verify.stderr).not.toMatch(BUG);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/audit trail intact/);
    // SQLite may still find room in its own files for the record of the check; when it does
    // not, the check says so instead of claiming it.
    expect(verifiedEvents()).toBe(/this check was not recorded in the trail: the disk holding .* is full/.test(verify.stderr) ? 0 : 1);

    // An export to another disk is how the data is moved off a full one.
    const exported = join(root, 'trail.jsonl');
    const exportRun = handrail(['audit', 'export', '--format', 'jsonl', '--out', exported], cli);
    expect(exportRun.stderr).not.toMatch(BUG);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    expect(exportRun.stderr).toMatch(/recorded as audit event \d+|this export was not recorded in the trail: the disk holding .* is full/);
    const exportChecked = handrail(['audit', 'verify', '--file', exported], cli);
    expect(exportChecked.code, exportChecked.stderr).toBe(0);
    expect(exportChecked.stdout).toMatch(/export intact/);

    // The console either starts (it can read; what it would start is refused for room) or,
    // when SQLite finds no room even to open for writing, says the disk is full. Never a bug,
    // and never a URL that does not answer.
    const serve = await serveLimited();
    expect(serve.stderr).not.toMatch(BUG);
    if (serve.stdout.includes('http')) expect(serve.answered, serve.stderr).toBe(true);
    else {
      expect(serve.code).toBe(1);
      expect(serve.stderr).toMatch(/the disk holding .* is full \(\d+\.\d MB free\)/i);
    }

    const run = handrail(['run', 'echo', '--env', 'dev', '--yes'], cli);
    expect(run.stderr).not.toMatch(BUG);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`the disk holding ${cli.dataDir} is full \\(\\d+\\.\\d MB free`, 'i'));
    expect(run.stderr).toMatch(/free some space/i);
    expect(run.stdout).not.toContain('hello');

    // (A command above may have recorded it already, where SQLite found room in its own files.)
    disk.free();
    const after = handrail(['runs'], cli);
    expect(after.code, after.stderr).toBe(0);
    expect(runStatus(dead)).toBe('interrupted');
    expect(eventsOf(dead, 'run.interrupted')).toHaveLength(1);
  });

  it.skipIf(disk.unavailable !== undefined)('a disk that fills during a step: the run names the full disk, and is recorded as stopped by it once there is room', () => {
    disk.free();
    const run = handrail(['run', 'filler', '--env', 'dev', '--yes'], cli);
    expect(run.stderr).not.toMatch(BUG);
    expect(run.stderr).not.toMatch(/nothing was changed/i);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(new RegExp(`the disk holding ${cli.dataDir} is full \\(\\d+(\\.\\d+)? MB free\\)`, 'i'));
    const id = runIdOf(run.stdout);

    rmSync(cli.env?.HANDRAIL_TEST_FILL ?? '', { force: true });
    const after = handrail(['runs'], cli);
    expect(after.code, after.stderr).toBe(0);
    expect(runStatus(id)).toBe('interrupted');
    const [interrupted] = eventsOf(id, 'run.interrupted');
    expect(String(interrupted?.reason)).toMatch(/disk .* full/);
  });
});
