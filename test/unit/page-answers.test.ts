// The first screen's answers go into the page inside a <script type="application/json">: no
// author's text may end that element or open another, and the page must read back exactly
// what the server answered.
import { describe, expect, it } from 'vitest';
import { jsonForHtml } from '../../src/server/page-answers.js';

const HOSTILE = ['</script><script>alert(1)</script>', '</SCRIPT >', '<!--', '<script>', ']]>', 'a & b &amp; c', 'line\u2028separator\u2029paragraph', '"quoted" \\ back', '\u003c/script\u003e'];

describe('jsonForHtml', () => {
  for (const value of HOSTILE) {
    it(`keeps ${JSON.stringify(value)} inside the element and reads back the same`, () => {
      const answers = { listRunbooks: { runbooks: [{ title: value, summary: value }] }, [value]: value };
      const written = jsonForHtml(answers);
      expect(written).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(written)).toEqual(answers);
    });
  }
});
