// `audit export` on a real run: crashed twice (an idempotent step retried by itself, a
// non-idempotent one skipped by the operator), then one of its snapshots restored. The
// handover report must put all three under Deviations; the JSON Lines export must verify
// from the file alone, and fail, naming the seq, once a body is edited or a line removed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-export-'));
const workspace = join(root, 'ws');
const dbPath = join(root, 'shop.db');
const log = join(root, 'log');
const stepPid = join(root, 'step.pid');
const cli: CliOptions = { dataDir: join(root, 'data'), workspace };
const HOSTILE = '<script>alert(1)</script> & "friends"';
let runId = '';

mkdirSync(workspace);
// Steps get a minimal environment: the test's sleep lengths reach them through pass-env.
writeFileSync(
  join(workspace, 'handrail.yml'),
  `environments:\n  dev:\n    pass-env: [SLEEP_WARM, SLEEP_NOTIFY]\n    targets:\n      shop: { sqlite: ${JSON.stringify(dbPath)} }\n`,
);
writeFileSync(
  join(workspace, 'handover.md'),
  `---
id: handover
title: ${JSON.stringify(`Handover ${HOSTILE}`)}
version: 1.2.0
---

## Purge old orders

\`\`\`sql {target=shop mutates}
DELETE FROM orders WHERE id <= 2;
\`\`\`

## Warm the cache

\`\`\`sh {target=local idempotent}
echo $$ > ${stepPid}
echo warm-start >> ${log}
sleep "\${SLEEP_WARM:-30}"
echo warm-end
\`\`\`

## Notify the team

\`\`\`sh {target=local}
echo $$ > ${stepPid}
echo notify-start >> ${log}
sleep "\${SLEEP_NOTIFY:-30}"
\`\`\`

## Count what is left

\`\`\`sql {target=shop expect-rows=2}
SELECT id FROM orders;
\`\`\`
`,
);

const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

/** kill -9 of the CLI once `marker` is logged, then of the step it left behind. */
async function crashAt(args: string[], marker: string, env: Record<string, string> = {}): Promise<string> {
  const before = lines().length;
  const child = handrailChild(args, { ...cli, env });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  await until(`the step printed ${marker}`, () => lines().slice(before).includes(marker), 400);
  expect(lines().slice(before)).toContain(marker);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  try {
    process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
  return /Run (\S+):/.exec(stdout)?.[1] ?? '';
}

const exportOf = (...args: string[]) => handrail(['audit', 'export', ...args], cli);

beforeAll(async () => {
  const db = new Database(dbPath);
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('a'), ('b'), ('c'), ('d');");
  db.close();
  runId = await crashAt(['run', 'handover', '--env', 'dev'], 'warm-start', { HANDRAIL_OPERATOR_NAME: 'Tess Ter' });
  expect(runId).not.toBe('');
  // The idempotent step is retried by itself; the crash now hits the next step.
  await crashAt(['resume', runId], 'notify-start', { SLEEP_WARM: '0' });
  const resumed = handrail(['resume', runId, '--skip-in-doubt', 'team notified by phone'], cli);
  expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  const snaps = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { id: string; runId: string }[];
  const restored = handrail(['restore', snaps.find((s) => s.runId === runId)?.id ?? '', '--yes'], cli);
  expect(restored.code, restored.stdout + restored.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('handover report', () => {
  it('lists the skip, the retry and the restore under Deviations, before the steps', () => {
    const result = exportOf('--run', runId, '--format', 'md');
    expect(result.code, result.stderr).toBe(0);
    const md = result.stdout;
    const deviationsPart = md.slice(md.indexOf('## Deviations'), md.indexOf(`## Run ${runId}`));
    expect(md.indexOf('## Deviations')).toBeGreaterThan(0);
    expect(deviationsPart).toMatch(/### Skipped steps\n\n- .*step 3 \(Notify the team\).*skipped: team notified by phone/);
    expect(deviationsPart).toMatch(/### Retries\n\n- .*step 2 \(Warm the cache\).*run again after a crash/);
    expect(deviationsPart).toMatch(/### Restores\n\n(- .*\n)*- .*finished: snapshot s-/);
    // Then the run itself: runbook, steps with their commands and output, snapshots, chain status.
    expect(md).toContain('- Runbook: handover 1.2.0');
    expect(md).toContain('- Operator(s): tester (Tess Ter)');
    expect(md).toContain('DELETE FROM orders WHERE id <= 2;');
    expect(md).toContain('- Outcome: **succeeded** after 2 attempts');
    expect(md).toMatch(/### Snapshots\n\n- s-.*SHA-256 `[0-9a-f]{64}`/);
    expect(md).toMatch(/## Audit chain at export time\n\nIntact: \d+ events/);
    expect(md).toContain('Handover \\<script\\>alert(1)\\</script\\>');
    expect(result.stderr).toMatch(/exported \d+ events as md \(\d+ bytes, sha256 [0-9a-f]{64}\); recorded as audit event \d+/);
  });

  it('shows the reviews of the run (audit review)', () => {
    const reviewed = handrail(['audit', 'review', runId, '--note', 'checked the restore with <b>ops</b>'], cli);
    expect(reviewed.code, reviewed.stderr).toBe(0);
    const md = exportOf('--run', runId, '--format', 'md').stdout;
    expect(md).toMatch(/### Reviews\n\n- tester on .*: checked the restore with \\<b\\>ops\\<\/b\\>/);
  });

  it('writes one self-contained HTML file, with the hostile title inert', () => {
    const out = join(root, 'report.html');
    const result = exportOf('--run', runId.slice(0, 12), '--format', 'html', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Handover &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import|url\(/i);
    expect(html).toContain('@media print');
    expect(html.indexOf('Deviations')).toBeLessThan(html.indexOf('Step 1:'));
  });

  it('refuses an unknown format or a date it cannot read, exporting nothing', () => {
    expect(exportOf('--format', 'pdf').code).toBe(2);
    const bad = exportOf('--format', 'md', '--since', 'yesterday-ish');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since 'yesterday-ish' is not a date");
  });
});

describe('jsonl export', () => {
  const file = join(root, 'trail.jsonl');
  const verify = (path: string) => handrail(['audit', 'verify', '--file', path, '--json'], { ...cli, dataDir: join(root, 'elsewhere') });

  beforeAll(() => {
    const result = exportOf('--format', 'jsonl', '--out', file);
    expect(result.code, result.stderr).toBe(0);
  });

  it('carries events with bodies, checkpoints and the public key, and verifies from the file alone', () => {
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; kind?: string; bodyJson?: string });
    expect(records[0]?.type).toBe('header');
    expect(records.at(-1)?.type).toBe('public-key');
    expect(records.some((r) => r.type === 'checkpoint')).toBe(true);
    expect(records.find((r) => r.kind === 'step.skipped')?.bodyJson).toContain('team notified by phone');
    const result = verify(file);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, first: null });
    // Recorded in the chain, after the file was complete.
    const next = exportOf('--format', 'jsonl');
    expect(next.stdout).toMatch(/"kind":"audit\.exported".*\\"format\\":\\"jsonl\\"/);
  });

  it('fails with exit 3 naming the seq when one body was edited', () => {
    const text = readFileSync(file, 'utf8').split('\n');
    const at = text.findIndex((l) => l.includes('"kind":"step.retried"') || l.includes('"kind":"step.decided"'));
    const seq = (JSON.parse(text[at] ?? '{}') as { seq: number }).seq;
    text[at] = (text[at] ?? '').replace(/\\"decision\\":\\"retry\\"|\\"action\\":\\"skip\\"/, '\\"action\\":\\"done\\"');
    writeFileSync(join(root, 'edited.jsonl'), text.join('\n'));
    const result = verify(join(root, 'edited.jsonl'));
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, first: { seq, kind: 'body-edited' } });
  });

  it('carries the output the chain vouches for, and names an edited output chunk', () => {
    const text = readFileSync(file, 'utf8').split('\n');
    const at = text.findIndex((l) => l.includes('"kind":"step.output"'));
    const record = JSON.parse(text[at] ?? '{}') as { seq: number; output: string };
    expect(Buffer.from(record.output, 'base64').length).toBeGreaterThan(0);
    text[at] = JSON.stringify({ ...record, output: Buffer.from('all good\n').toString('base64') });
    writeFileSync(join(root, 'output-edited.jsonl'), text.join('\n'));
    const result = verify(join(root, 'output-edited.jsonl'));
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, first: { seq: record.seq, kind: 'output-edited' } });
  });

  it('fails with exit 3 naming the seq when one line was removed', () => {
    const text = readFileSync(file, 'utf8').split('\n');
    writeFileSync(join(root, 'cut.jsonl'), [...text.slice(0, 6), ...text.slice(7)].join('\n'));
    const removed = (JSON.parse(text[6] ?? '{}') as { seq: number }).seq;
    const result = verify(join(root, 'cut.jsonl'));
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, first: { seq: removed, kind: 'event-missing' } });
    const human = handrail(['audit', 'verify', '--file', join(root, 'cut.jsonl')], cli);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain(`export BROKEN at event ${removed} (event-missing)`);
  });

  it('keeps a run-scoped export verifiable: other events keep their chained fields, not their bodies', () => {
    const scoped = join(root, 'run.jsonl');
    expect(exportOf('--format', 'jsonl', '--run', runId, '--out', scoped).code).toBe(0);
    const result = verify(scoped);
    expect(result.code, result.stdout).toBe(0);
    expect((JSON.parse(result.stdout) as { withheld: number }).withheld).toBeGreaterThan(0);
  });
});
