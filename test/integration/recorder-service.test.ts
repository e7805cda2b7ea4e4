// The recorder against real parts: commands run in this machine's shell, the audit chain and
// the version history in a real data directory, drafts as files that a second recorder (as
// after a crash) reopens, runbooks written into a real workspace and judged by the validator.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecorder, type OpenedRecorder } from '../../src/app/recorder/cli-recorder.js';
import { RunbookVersions } from '../../src/app/runbook-versions.js';
import type { Settings } from '../../src/app/settings.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { eventsInScope } from '../../src/store/audit-events-read.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const INVENTORY = `environments:
  dev:
    variables: { GREETING: "hello from dev" }
    targets:
      app: local
      events: { sqlite: "\${data_dir}/events.db" }
  vault:
    protected: true
    targets:
      app: local
`;

let root: string;
let settings: Settings;
let opened: OpenedRecorder[];
let live: { draftId: string; stream: string; text: string }[];

beforeEach(async () => {
  root = await makeTempDir('recorder');
  const workspace = join(root, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), INVENTORY);
  settings = { dataDir: join(root, 'data'), workspace, operator: 'tester', maxOutputBytes: 1024 * 1024 };
  opened = [];
  live = [];
});

afterEach(async () => {
  for (const o of opened) await o.close();
  await removeDir(root);
});

/** A recorder in this process, as `handrail record` opens one. */
function recorder(onText?: (text: string) => void) {
  const o = openRecorder(settings, {
    onOutput: (draftId, stream, text) => {
      live.push({ draftId, stream, text });
      onText?.(text);
    },
  });
  opened.push(o);
  return o.recorder;
}

function auditEvents(kind: string): Record<string, unknown>[] {
  const db = openAppDatabase(settings.dataDir);
  try {
    return eventsInScope(db.db, { runId: null, since: null, until: null })
      .filter((e) => e.kind === kind)
      .map((e) => JSON.parse(e.bodyJson ?? 'null') as Record<string, unknown>);
  } finally {
    db.close();
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the recorder', () => {
  it('runs each command for real with the environment’s variables, keeps it as a step, and a second recorder reopens the draft', async () => {
    const first = recorder();
    const draft = await first.start({ environment: 'dev', target: 'app', title: 'Check the host' });
    const one = await first.record(draft.id, 'echo "$GREETING"; echo warned >&2');
    expect(one.step?.exampleOutput).toContain('hello from dev');
    expect(one.step?.exampleOutput).toContain('warned');
    expect(one.step).toMatchObject({ exitCode: 0, target: 'app', command: 'echo "$GREETING"; echo warned >&2', confirm: false, destructive: [] });
    expect(live.filter((l) => l.draftId === draft.id).map((l) => l.text).join('')).toContain('hello from dev');
    const failed = await first.record(draft.id, 'echo not there; exit 3');
    expect(failed.outcome?.exitCode).toBe(3);
    expect(failed.draft.steps.map((s) => s.exitCode)).toEqual([0, 3]);
    expect(existsSync(join(settings.dataDir, 'drafts', `${draft.id}.json`))).toBe(true);

    // The first recorder is never closed, as when the app died: the draft is on disk anyway.
    const second = recorder();
    expect((await second.list()).map((r) => [r.id, r.steps, r.savedPath])).toEqual([[draft.id, 2, null]]);
    const reopened = await second.record(draft.id, 'echo three');
    expect(reopened.draft.steps.map((s) => s.exampleOutput)).toEqual([one.step?.exampleOutput, 'not there', 'three']);

    const commands = auditEvents('recording.command');
    expect(commands.map((c) => [c['command'], c['exitCode'], c['draftId']])).toEqual([
      ['echo "$GREETING"; echo warned >&2', 0, draft.id],
      ['echo not there; exit 3', 3, draft.id],
      ['echo three', 0, draft.id],
    ]);
    expect(commands[2]).toMatchObject({ outputBytes: 6, outputSha256: sha256('three\n') });
    expect(auditEvents('recording.started')).toEqual([expect.objectContaining({ draftId: draft.id, title: 'Check the host' })]);
  });

  it('keeps the last lines of a long output as the example and says how many were cut', async () => {
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'local', title: 'Long' });
    const { step, outcome } = await r.record(draft.id, 'seq 1 5000');
    expect(outcome?.cutLines).toBe(4800);
    const lines = step?.exampleOutput.split('\n') ?? [];
    expect(lines[0]).toMatch(/^… 4800 lines cut/);
    expect(lines.slice(1)).toEqual(Array.from({ length: 200 }, (_, i) => String(4801 + i)));
  });

  it('takes the author’s edits, keeps the recorded facts as recorded, and refuses a mutates that is not a database', async () => {
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Edit me' });
    await r.record(draft.id, 'echo a');
    await r.record(draft.id, 'echo b');
    const { draft: recorded } = await r.record(draft.id, 'echo c');
    const [a, b, c] = recorded.steps;
    if (!a || !b || !c) throw new Error('three steps were recorded');

    const edited = await r.update(draft.id, {
      title: 'Edited',
      steps: [
        { ...c, title: 'Say c', prose: 'Why c comes first.', idempotent: true, command: 'rm -rf /' } as typeof c,
        { ...a, mutates: ['events'], confirm: true },
      ],
    });
    expect(edited.title).toBe('Edited');
    expect(edited.steps.map((s) => [s.title, s.command, s.prose, s.mutates, s.confirm, s.idempotent])).toEqual([
      ['Say c', 'echo c', 'Why c comes first.', [], false, true],
      ['echo a', 'echo a', '', ['events'], true, false],
    ]);
    expect((await recorder().get(draft.id)).steps).toEqual(edited.steps);

    await expect(r.update(draft.id, { title: 'Edited', steps: [{ ...a, mutates: ['app'] }] })).rejects.toThrow(/mutates names a database target of dev \(there: events\)/);
    await expect(r.update(draft.id, { title: 'Edited', steps: [b] })).rejects.toThrow(/not a step of recording/);
    expect((await r.get(draft.id)).steps).toEqual(edited.steps);
  });

  it('saves runbook 1.0.0 into the workspace that validates, records the version, and never overwrites a file', async () => {
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Probe the host' });
    await r.record(draft.id, 'echo one');
    await r.record(draft.id, 'hostname');
    const path = join(settings.workspace, 'probe.md');
    const saved = await r.save(draft.id, { path, acknowledged: [], cwd: settings.workspace });
    expect(saved.problems).toEqual([]);
    expect(saved.id).toBe('probe-the-host');

    const text = readFileSync(path, 'utf8');
    const parsed = parseRunbook('probe.md', readFileSync(path));
    expect(parsed.problems).toEqual([]);
    expect(parsed.runbook?.frontMatter).toMatchObject({ id: 'probe-the-host', title: 'Probe the host', version: '1.0.0', environments: ['dev'] });
    expect(parsed.runbook?.steps.map((s) => [s.title, s.action?.code, s.action?.attributes.target])).toEqual([
      ['echo one', 'echo one', 'app'],
      ['hostname', 'hostname', 'app'],
    ]);
    expect(text).toMatch(/Example output, as recorded \(exit code 0, \d+ ms\):\n\n```text\none\n```/);

    const db = openAppDatabase(settings.dataDir);
    try {
      expect(new RunbookVersions(db.db).list('probe-the-host')).toEqual([expect.objectContaining({ version: '1.0.0', reason: 'recorded', sha256: saved.sha256, recordedBy: 'tester' })]);
    } finally {
      db.close();
    }
    expect(auditEvents('recording.saved')).toEqual([expect.objectContaining({ runbook: 'probe-the-host', sha256: saved.sha256, steps: 2 })]);

    await expect(r.record(draft.id, 'echo more')).rejects.toThrow(/already saved as/);
    const other = await r.start({ environment: 'dev', target: 'app', title: 'Another probe' });
    await r.record(other.id, 'echo two');
    await expect(r.save(other.id, { path, acknowledged: [], cwd: settings.workspace })).rejects.toThrow(/probe\.md already exists/);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const sameId = await r.start({ environment: 'dev', target: 'app', title: 'Probe the host!' });
    await r.record(sameId.id, 'echo three');
    await expect(r.save(sameId.id, { path: join(settings.workspace, 'again.md'), acknowledged: [], cwd: settings.workspace })).rejects.toThrow(
      /id 'probe-the-host' .* already used by probe\.md/,
    );
  });

  it('flags a destructive command with confirm and refuses to save it unconfirmed until it is acknowledged', async () => {
    const r = recorder();
    const junk = join(root, 'junk');
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Clean up' });
    await r.record(draft.id, `mkdir -p ${junk}/a && touch ${junk}/a/file`);
    // find -delete, not rm -rf: a folder named outright under /tmp (where the test's folder is)
    // is scratch to the detector, while find -delete is flagged wherever it points.
    // Warned before it runs: without the author's go-ahead nothing runs and nothing is recorded.
    const held = await r.record(draft.id, `find ${junk}/a -delete`);
    expect(held.held?.join(' ')).toMatch(/find -delete/);
    expect(held.step).toBeUndefined();
    expect(existsSync(join(junk, 'a', 'file'))).toBe(true);
    expect(held.draft.steps).toHaveLength(1);
    const { step } = await r.record(draft.id, `find ${junk}/a -delete`, { runDestructive: true });
    expect(step?.destructive.join(' ')).toMatch(/find -delete/);
    expect(step?.confirm).toBe(true);
    expect(existsSync(join(junk, 'a'))).toBe(false);

    const steps = (await r.get(draft.id)).steps;
    await r.update(draft.id, { title: 'Clean up', steps: steps.map((s) => ({ ...s, confirm: false })) });
    const path = join(settings.workspace, 'clean-up.md');
    await expect(r.save(draft.id, { path, acknowledged: [], cwd: settings.workspace })).rejects.toThrow(/step 2 \(find .* -delete: .*\) looks destructive and would run without asking/);
    expect(existsSync(path)).toBe(false);

    const saved = await r.save(draft.id, { path, acknowledged: [1], cwd: settings.workspace });
    // Saved as the author chose, and `validate` keeps advising confirm on it (a warning, not an error).
    expect(saved.problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^step '.*': `find .* -delete` deletes every file it finds \(find -delete\); add confirm to its block/) }),
    ]);
    expect(saved.markdown).toMatch(/\*\*Warning:\*\* this command looks destructive .*Reviewed when it was saved/);
    expect(saved.markdown).toContain('```sh {target=app}\nfind ');
  });

  it('saves a command that changes a database target of the environment as changing it (mutates), and one that reads as not', async () => {
    const events = join(settings.dataDir, 'events.db');
    mkdirSync(settings.dataDir, { recursive: true });
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Trim events' });
    const create = await r.record(draft.id, `sqlite3 ${events} "CREATE TABLE e (id INTEGER); INSERT INTO e VALUES (1), (2);"`);
    expect(create.step?.mutates).toEqual(['events']);
    const read = await r.record(draft.id, `sqlite3 ${events} "SELECT count(*) FROM e"`);
    expect(read.step).toMatchObject({ mutates: [], exitCode: 0 });
    expect(read.step?.exampleOutput).toContain('2');
    // Flagged as destructive, held, then run: saved as changing events, with confirm.
    const held = await r.record(draft.id, `sqlite3 ${events} "DELETE FROM e WHERE id = 1"`);
    expect(held.held?.join(' ')).toMatch(/deletes rows/);
    const { step } = await r.record(draft.id, `sqlite3 ${events} "DELETE FROM e WHERE id = 1"`, { runDestructive: true });
    expect(step).toMatchObject({ mutates: ['events'], confirm: true });

    const saved = await r.save(draft.id, { path: join(settings.workspace, 'trim-events.md'), acknowledged: [2], cwd: settings.workspace });
    expect(saved.markdown).toContain('```sh {target=app mutates=events');
  });

  it('refuses a database target, an unknown environment and a protected one whose name was not typed; nothing runs', async () => {
    const r = recorder();
    await expect(r.start({ environment: 'dev', target: 'events', title: 'x' })).rejects.toThrow(/'events' is a sqlite database .* pick 'local' or an SSH target/);
    await expect(r.start({ environment: 'nowhere', target: 'app', title: 'x' })).rejects.toThrow(/no environment 'nowhere' .* \(there are: dev, vault\)/);
    await expect(r.start({ environment: 'vault', target: 'app', title: 'x' })).rejects.toThrow(/protected environment .* type its name .*--confirm vault/);
    await expect(r.start({ environment: 'vault', target: 'app', title: 'x', confirm: 'valut' })).rejects.toThrow(/'valut' is not 'vault'/);
    expect(await r.list()).toEqual([]);
    expect(auditEvents('recording.refused')).toHaveLength(4);
    const ok = await r.start({ environment: 'vault', target: 'app', title: 'x', confirm: 'vault' });
    expect(ok.environment).toBe('vault');
  });

  it('stops a command that does not end; it is audited but not kept as a step', async () => {
    let printed = () => {};
    const started = new Promise<void>((resolve) => (printed = resolve));
    const r = recorder((text) => text.includes('started') && printed());
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Stop me' });
    const running = r.record(draft.id, 'echo started; sleep 30; echo never');
    await started;
    await expect(r.record(draft.id, 'echo second')).rejects.toThrow(/still running a command/);
    await r.stop(draft.id);
    const { step, outcome, draft: after } = await running;
    expect(step).toBeUndefined();
    expect(outcome?.aborted).toBe(true);
    expect(after.steps).toEqual([]);
    expect(auditEvents('recording.command')).toEqual([expect.objectContaining({ aborted: true, command: 'echo started; sleep 30; echo never' })]);
  });
});

