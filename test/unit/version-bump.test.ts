// Raising a runbook's version edits only the value's characters: quoting, comments, line
// endings and everything else stay byte for byte; what cannot be raised says why.
import { describe, expect, it } from 'vitest';
import { bumpVersion } from '../../src/core/runbook/version-bump.js';

describe('bumpVersion', () => {
  it('raises patch, minor and major and keeps the rest of the file', () => {
    const text = '---\r\n# owner: backend\r\nid: a\r\nversion: 2.1.9 # keep in step\r\ntitle: A\r\n---\r\n\r\n## Step\r\n';
    expect(bumpVersion(text, 'patch')).toEqual({ ok: true, from: '2.1.9', to: '2.1.10', text: text.replace('2.1.9', '2.1.10') });
    expect(bumpVersion(text, 'minor')).toMatchObject({ ok: true, to: '2.2.0', text: text.replace('2.1.9', '2.2.0') });
    expect(bumpVersion(text, 'major')).toMatchObject({ ok: true, to: '3.0.0', text: text.replace('2.1.9', '3.0.0') });
  });

  it('keeps single or double quotes', () => {
    expect(bumpVersion("---\nversion: '0.9.0'\n---\n", 'minor')).toMatchObject({ text: "---\nversion: '0.10.0'\n---\n" });
    expect(bumpVersion('---\nversion: "1.0.0-rc.1"\n---\n', 'patch')).toMatchObject({ text: '---\nversion: "1.0.0"\n---\n' });
  });

  it('changes only the front matter, even when the body says version: too', () => {
    const text = '---\nid: a\nversion: 1.0.0\n---\n\n## Step\n\n```yaml\nversion: 1.0.0\n```\n';
    expect(bumpVersion(text, 'major')).toMatchObject({ text: text.replace('version: 1.0.0\n---', 'version: 2.0.0\n---') });
  });

  it('says what to fix when there is no version to raise', () => {
    expect(bumpVersion('# no front matter\n', 'patch')).toMatchObject({ ok: false, message: expect.stringMatching(/no front matter/) });
    expect(bumpVersion('---\nid: a\nversion: 1.0.0\n', 'patch')).toMatchObject({ ok: false, message: expect.stringMatching(/never closed/) });
    expect(bumpVersion('---\nid: a\n---\n', 'patch')).toMatchObject({ ok: false, message: expect.stringMatching(/no readable version/) });
    expect(bumpVersion('---\nversion: latest\n---\n', 'patch')).toMatchObject({ ok: false, message: expect.stringMatching(/'latest' is not a semantic version/) });
  });
});
