// The report renderers and the export verifier are pure: checked here without a database.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { signCheckpoint } from '../../src/core/audit/checkpoint.js';
import { checkpointLine, eventLine, headerLine, publicKeyLine, verifyExportLines } from '../../src/core/audit/export-jsonl.js';
import { LineExcerpt } from '../../src/core/audit/report-excerpt.js';
import { renderHtml } from '../../src/core/audit/report-html.js';
import { mdFence, renderMarkdown } from '../../src/core/audit/report-markdown.js';
import { deviations, type HandoverReport, type ReportEvent } from '../../src/core/audit/report-model.js';

const ev = (seq: number, kind: string, body: Record<string, unknown>, stepIdx: number | null = 1): ReportEvent => ({
  seq, at: `2026-01-01T00:00:0${seq}.000Z`, operator: 'ana', kind, runId: 'r1', stepIdx, environment: 'prod', target: null, body,
});

const report = (events: ReportEvent[]): HandoverReport => ({
  generatedAt: '2026-01-02T00:00:00.000Z', generatedBy: 'lead', scope: { runId: 'r1', since: null, until: null }, events, runs: [],
  verification: { ok: true, events: 9, checkpoints: 1, headSeq: 9, keyFingerprint: 'SHA256:ab', problems: [] },
});

describe('deviations', () => {
  it('lists a skip once although the engine records it twice, and a failed expectation as such', () => {
    const list = deviations([
      ev(1, 'step.skipped', { reason: 'done by hand' }), ev(2, 'step.skipped', { reason: 'done by hand' }),
      ev(3, 'step.failed', { reason: 'expected 2 rows, got 3' }), ev(4, 'confirmation', { how: 'typed', environment: 'prod' }),
      ev(5, 'guard.refused', { runbook: 'x', environment: 'prod', reason: 'not allowed' }, null), ev(6, 'step.running', {}),
    ]);
    expect(list.map((d) => [d.category, d.seq])).toEqual([['skip', 1], ['failure', 3], ['confirmation', 4], ['guard', 5]]);
    expect(list[1]?.text).toBe('failed expectation: expected 2 rows, got 3');
  });

  it('renders "None" when nothing deviated, and the chain status last', () => {
    const md = renderMarkdown(report([ev(1, 'step.running', {})]));
    expect(md).toContain('## Deviations\n\nNone');
    expect(md.trimEnd().split('\n').at(-1)).toMatch(/^Intact: 9 events/);
  });
});

describe('escaping', () => {
  it('keeps a fence longer than any backtick run in the content', () => {
    expect(mdFence(['a ```` b'])).toBe('`````\na ```` b\n`````');
  });

  it('escapes every value in HTML, including deviation texts', () => {
    const html = renderHtml(report([ev(1, 'step.skipped', { reason: '<img src=x onerror=alert(1)>' })]));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });
});

describe('output excerpt', () => {
  it('keeps the first and last lines across chunk boundaries, counting what it leaves out', () => {
    const excerpt = new LineExcerpt(2);
    const text = Buffer.from('l1\nl2\nl3\nl4\nl5\nl6');
    excerpt.push(text.subarray(0, 4));
    excerpt.push(text.subarray(4));
    expect(excerpt.finish()).toEqual({ head: ['l1', 'l2'], tail: ['l5', 'l6'], omitted: 2, totalLines: 6 });
  });
});

describe('export verification', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const build = () => {
    const lines = [headerLine('2026-01-02T00:00:00.000Z', 'lead', { runId: null, since: null, until: null })];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const bodyJson = JSON.stringify({ n: seq });
      const fields: AuditFields = { seq, at: '2026-01-01T00:00:00.000Z', operator: 'ana', machine: 'm', appVersion: '1', kind: 'note', runId: null, stepIdx: null, environment: null, target: null, bodySha256: bodySha256(bodyJson) };
      const hash = eventHash(prev, fields);
      lines.push(eventLine({ ...fields, prevHash: prev, hash }, bodyJson, seq === 2));
      prev = hash;
    }
    lines.push(checkpointLine(signCheckpoint(privateKey, { seq: 3, headHash: prev, at: '2026-01-01T00:00:01.000Z', prevCheckpointHash: GENESIS_HASH })), publicKeyLine(publicKey));
    return lines;
  };

  it('accepts an intact export, with a withheld body counted, not checked', () => {
    const result = verifyExportLines(() => build());
    expect(result).toMatchObject({ ok: true, events: 3, checkpoints: 1, withheld: 1 });
  });

  it('names a cut file: no public key, no checkpoint for the last events', () => {
    const result = verifyExportLines(() => build().slice(0, 3));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([[2, 'checkpoint-missing'], [3, 'truncated']]);
  });

  it('names a damaged line instead of crashing', () => {
    const lines = build();
    lines[2] = '{"type":"event", broken';
    const result = verifyExportLines(() => lines);
    expect(result.problems[0]).toMatchObject({ seq: 2, kind: 'event-edited' });
  });
});
