// A data folder that has not seen the workspace must judge every runbook before it can list
// problems (the Markdown, SQL and shell parsers over every file: about a second for the demo).
// The Runbooks view does not wait for that: the first list names every runbook from its front
// matter, marked as being judged, with no problems claimed either way; the console says when
// the verdicts are in, and the list then is the judged one. A known data folder lists its kept
// verdicts at once, with nothing pending.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../src/contract/api.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { DEMO } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { judgedList, settingsFor } from './console-support.js';

const FLAWED = `---\nid: flawed\ntitle: Flawed\nversion: 1.0.0\nowner: ops\n---\n\n# Flawed\n\n## Look\n\n\`\`\`sh {target=nowhere}\necho look\n\`\`\`\n`;
// Its front matter is never closed: judged, it is one problem; glanced at, it has no keys.
const UNCLOSED = `---\nid: unclosed\ntitle: Never closed\n\n# Unclosed\n`;
// An id that is not an id: the glance keeps the keys that are valid on their own.
const BAD_ID = `---\nid: Not An Id\ntitle: Bad id\nversion: 2.0.0\n---\n\n# Bad\n\n## Look\n\nLook.\n`;

let dir: string;
let workspace: string;
beforeAll(async () => {
  dir = await makeTempDir('console-runbooks-judging');
  workspace = join(dir, 'ws');
  cpSync(DEMO, workspace, { recursive: true });
  writeFileSync(join(workspace, 'flawed.md'), FLAWED);
  writeFileSync(join(workspace, 'unclosed.md'), UNCLOSED);
  writeFileSync(join(workspace, 'bad-id.md'), BAD_ID);
});
afterAll(() => removeDir(dir));

function openConsole(data: string): { service: ConsoleService; events: ConsoleEvent[] } {
  const service = new ConsoleService(settingsFor(join(dir, data), { workspace }));
  const events: ConsoleEvent[] = [];
  service.subscribe((event) => events.push(event));
  return { service, events };
}

describe('the Runbooks view over a workspace this data folder has not seen', () => {
  it('lists every runbook at once from its front matter, then says when the verdicts are in', async () => {
    const { service, events } = openConsole('new');
    try {
      const judged = new Promise<void>((resolve) => service.subscribe((e) => e.type === 'runbooks-judged' && resolve()));
      const first = await service.listRunbooks({});
      expect(first.runbooks.every((r) => r.judging === true && r.problemList.length === 0)).toBe(true);
      expect(first.runbooks.find((r) => r.path === 'reset-pilot.md')).toMatchObject({ id: 'reset-pilot', title: "Reset a pilot's data", version: '1.0.0', owner: 'backend', lastRun: null });
      expect(first.runbooks.find((r) => r.path === 'unclosed.md')).toMatchObject({ id: 'unclosed', title: 'unclosed.md', version: '' });
      expect(first.runbooks.find((r) => r.path === 'bad-id.md')).toMatchObject({ id: 'bad-id', title: 'Bad id', version: '2.0.0' });

      await judged;
      expect(events.filter((e) => e.type === 'runbooks-judged')).toHaveLength(1);
      const after = await service.listRunbooks({});
      expect(after.runbooks.some((r) => r.judging)).toBe(false);
      const paths = (list: typeof first) => list.runbooks.map((r) => r.path).sort();
      expect(paths(after)).toEqual(paths(first));
      expect(after.runbooks.find((r) => r.id === 'flawed')?.problemList.map((p) => p.message)).toEqual([expect.stringContaining("target 'nowhere'")]);
      expect(after.runbooks.find((r) => r.path === 'unclosed.md')?.problems).toBeGreaterThan(0);
      expect(after.runbooks.find((r) => r.id === 'reset-pilot')?.steps).toBeGreaterThan(0);
      expect(after).toEqual(await judgedList(openConsole('another-new').service));
    } finally {
      await service.close();
    }
  });

  it('lists a known workspace from its kept verdicts with nothing pending and no event', async () => {
    const first = openConsole('known');
    try {
      await judgedList(first.service);
    } finally {
      await first.service.close();
    }
    const again = openConsole('known');
    try {
      const list = await again.service.listRunbooks({});
      expect(list.runbooks.some((r) => r.judging)).toBe(false);
      expect(list.runbooks.find((r) => r.id === 'flawed')?.problems).toBe(1);
      expect(again.events).toEqual([]);
    } finally {
      await again.service.close();
    }
  });

  it('glances again only at what changed: an edited runbook is pending, the others keep their verdicts', async () => {
    const known = openConsole('edited');
    try {
      await judgedList(known.service);
      writeFileSync(join(workspace, 'flawed.md'), FLAWED.replace('title: Flawed', 'title: Flawed, edited'));
      const list = await known.service.listRunbooks({});
      expect(list.runbooks.filter((r) => r.judging).map((r) => [r.id, r.title])).toEqual([['flawed', 'Flawed, edited']]);
      expect(list.runbooks.find((r) => r.id === 'reset-pilot')?.steps).toBeGreaterThan(0);
      const judged = await judgedList(known.service);
      expect(judged.runbooks.find((r) => r.id === 'flawed')).toMatchObject({ title: 'Flawed, edited', problems: 1 });
    } finally {
      writeFileSync(join(workspace, 'flawed.md'), FLAWED);
      await known.service.close();
    }
  });
});
