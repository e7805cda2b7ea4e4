// The console's importScript, as the app calls it: the request parsed by the contract's
// schema, a draft back with the workspace's targets named, and a script that is not shell
// refused in words (line and column), with nothing written.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/app/console/api-error.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { API } from '../../src/contract/api.js';
import { DEMO } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { settingsFor } from './console-support.js';

let dir: string;
let service: ConsoleService;

beforeAll(async () => {
  dir = await makeTempDir('console-import');
  service = new ConsoleService(settingsFor(dir));
});
afterAll(async () => {
  await service.close();
  await removeDir(dir);
});

describe('importScript (console)', () => {
  it('returns a draft and the to-do for a script given as text', async () => {
    const request = API.importScript.request.parse({ text: '# Restart the shop.\nsystemctl restart shop\n# Drop old carts.\npsql -c "DELETE FROM carts"\n' });
    const { markdown, warnings } = await service.importScript(request);
    expect(markdown).toMatch(/^---\nid: script\n/);
    // A restart stops the service for a moment, so it is flagged like a stop (a reload would not be).
    expect(markdown).toContain('## Restart the shop\n\n> **Warning:** line 2: `systemctl restart shop` restarts shop (it stops while it restarts).\n\n```sh {confirm}\nsystemctl restart shop\n```');
    expect(markdown).toContain('```sh {confirm}\npsql -c "DELETE FROM carts"\n```');
    // The demo workspace's targets are what the author chooses from.
    expect(warnings[0]).toBe('no step has a target yet: add target=NAME to each of the 2 sh blocks (targets in handrail.yml: app, events; or local for this machine)');
  });

  it('refuses a script that is not shell with its line and column, writing nothing', async () => {
    const before = readdirSync(DEMO);
    const error = await service.importScript({ text: 'case "$1" in\n  start) run ;;\n', name: 'ctl.sh' }).catch((e: unknown) => e);
    expect(toApiError(error, 'importScript')).toEqual({
      code: 'refused',
      message: expect.stringMatching(/^cannot import ctl\.sh: it is not valid shell at line 1, column 1 \(.*\); nothing was imported\./),
    });
    expect(readdirSync(DEMO)).toEqual(before);
  });

  it('imports pasted Markdown when the format says so, or the name ends in .md, with the target named for every shell step', async () => {
    const page = '# Shop down\n\n## Check\n\n```console\n$ systemctl status shop\n● shop.service\n```\n';
    const asked = await service.importScript(API.importScript.request.parse({ text: page, name: 'pasted', format: 'markdown', target: 'app' }));
    expect(asked.markdown).toMatch(/^---\nid: pasted\ntitle: Shop down\nversion: 0\.1\.0\n/);
    expect(asked.markdown).toContain('```sh {target=app}\nsystemctl status shop\n```');
    expect(asked.markdown).toContain('● shop.service');
    const byName = await service.importScript(API.importScript.request.parse({ text: page, name: 'shop-down.md' }));
    expect(byName.markdown).toContain('```sh\nsystemctl status shop\n```');
    expect(() => API.importScript.request.parse({ text: page, target: 'App Server' })).toThrow();
  });
});
