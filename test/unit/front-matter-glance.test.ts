// The Runbooks view lists a runbook not judged yet from a glance at its front matter: the keys
// a list shows, each only if valid on its own, and nothing from a front matter that is not one.
import { describe, expect, it } from 'vitest';
import { glanceAtFrontMatter } from '../../src/core/runbook/front-matter-glance.js';
import { frontMatterSpan } from '../../src/core/runbook/front-matter-span.js';

describe('a glance at a front matter', () => {
  it('keeps the listed keys that are valid, and drops the rest', () => {
    const text = '---\nid: reset-pilot\ntitle: Reset\nversion: 1.2.3\nowner: ops\nsummary: Wipes a pilot\nenvironments: [pilot]\ninputs:\n  who: {type: string}\n---\n# Reset\n';
    expect(glanceAtFrontMatter(text)).toEqual({ id: 'reset-pilot', title: 'Reset', version: '1.2.3', owner: 'ops', summary: 'Wipes a pilot', environments: ['pilot'] });
    expect(glanceAtFrontMatter('---\nid: Not An Id\ntitle: T\nversion: one\nenvironments: [Bad Name]\n---\n')).toEqual({ title: 'T' });
  });

  it('reads nothing from a page whose front matter is missing, unclosed, not a map or not YAML', () => {
    for (const text of ['# No front matter\n', '---\nid: x\ntitle: never closed\n', '---\n- a list\n---\n', '---\nid: [unclosed\n---\n', '']) {
      expect(glanceAtFrontMatter(text)).toEqual({});
    }
  });

  it('finds the same span the editor raises the version in: an empty one, CRLF lines, a closing line later in the page', () => {
    expect(frontMatterSpan('---\n---\nbody')).toEqual({ ok: true, start: 4, yaml: '' });
    expect(frontMatterSpan('---\r\nid: a\r\n---\r\n')).toEqual({ ok: true, start: 5, yaml: 'id: a\r\n' });
    expect(frontMatterSpan('text\n---\n')).toEqual({ ok: false, missing: 'opening' });
    expect(frontMatterSpan('---\nid: a\n')).toEqual({ ok: false, missing: 'closing' });
  });
});
