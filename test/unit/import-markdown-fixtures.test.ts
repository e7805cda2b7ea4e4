// Markdown import on real alert runbooks (test/fixtures/markdown-runbooks, attributed there):
// each imports into a draft the validator accepts once a target is named, and nothing of the
// page is lost — every line of prose, every command and every line of example output is
// in the draft (commands with their prompt stripped, placeholders as inputs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importMarkdown } from '../../src/core/authoring/import-markdown.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { runbookProblems } from '../support/validate-text.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/markdown-runbooks');
const pages = readdirSync(FIXTURES).filter((f) => f.endsWith('.md') && f !== 'README.md');

/** What each page should give: runnable steps and manual steps. */
const EXPECTED: Record<string, [number, number]> = {
  'kubevirt-VirtHandlerDaemonSetRolloutFailing.md': [3, 1],
  'kubevirt-VirtualMachineStuckOnNode.md': [14, 6],
  'openshift-KubePersistentVolumeInodesFillingUp.md': [0, 2],
  'openshift-RuncDeprecated.md': [6, 5],
  'prometheus-operator-KubePersistentVolumeFillingUp.md': [3, 1],
  'prometheus-operator-etcdBackendQuotaLowSpace.md': [3, 1],
};

/** A line as the draft may hold it: prompt stripped, a placeholder replaced, a fence or heading marker gone. */
function pieces(line: string): string[] {
  const text = line
    .trim()
    .replace(/^(\$|#)\s+/, '')
    .replace(/^#+\s*/, '')
    .replace(/^(\d+\.|[-*])\s+/, '');
  return text.split(/<[^<>]*>|\[[\w-]+\]|\$\{?[A-Z_]+\}?|`/).map((p) => p.trim()).filter((p) => p.length >= 4);
}

describe('importMarkdown on public alert runbooks', () => {
  it('has the expected sample', () => {
    expect(pages.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const page of pages) {
    it(`${page}: a draft that validates with a target, its steps as expected, nothing of the page lost`, async () => {
      const text = readFileSync(join(FIXTURES, page), 'utf8');
      const draft = await importMarkdown(text, page, { target: 'app' });
      expect(runbookProblems(draft.markdown).filter((p) => !p.includes('warning:'))).toEqual([]);
      const runbook = parseRunbook('draft.md', new TextEncoder().encode(draft.markdown)).runbook;
      const steps = runbook?.steps ?? [];
      expect([steps.filter((s) => s.action).length, steps.filter((s) => !s.action).length]).toEqual(EXPECTED[page]);
      const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
      for (const line of body.split('\n')) {
        if (/^\s*(```|~~~)/.test(line)) continue;
        for (const piece of pieces(line)) expect(draft.markdown, `${page}: ${JSON.stringify(line)}`).toContain(piece);
      }
    });
  }
});
