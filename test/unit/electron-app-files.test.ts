// The app:// protocol serves the built renderer and nothing outside it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppFile } from '../../src/electron/app-files.js';

const root = '/opt/handrail/renderer/dist';

describe('files served on app://handrail/', () => {
  it('serves files of the renderer, and index.html for the app’s own views', () => {
    expect(resolveAppFile('app://handrail/assets/index-abc.js', root)).toEqual({ file: join(root, 'assets/index-abc.js') });
    expect(resolveAppFile('app://handrail/', root)).toEqual({ file: join(root, 'index.html') });
    expect(resolveAppFile('app://handrail/audit', root)).toEqual({ file: join(root, 'index.html') });
  });

  it.each([
    'app://handrail/../../../etc/ssh/ssh_host_ed25519_key.pub',
    'app://handrail/%2e%2e/%2e%2e/etc/hosts.conf',
    'app://handrail/assets/..%2f..%2f..%2f..%2fhandrail.db',
    'app://handrail/assets/%2e%2e%5c%2e%2e%5csecret.txt',
  ])('never leaves the renderer folder for %s', (url) => {
    const result = resolveAppFile(url, root);
    if ('file' in result) expect(result.file.startsWith(`${root}/`)).toBe(true);
    else expect([400, 403]).toContain(result.status);
  });

  it('refuses other origins and NUL bytes', () => {
    expect(resolveAppFile('app://elsewhere/index.html', root)).toMatchObject({ status: 403 });
    expect(resolveAppFile('file:///etc/passwd', root)).toMatchObject({ status: 403 });
    expect(resolveAppFile('app://handrail/index.html%00.png', root)).toMatchObject({ status: 400 });
  });
});
