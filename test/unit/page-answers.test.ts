// The first screen's answers go into the page inside a <script type="application/json">: no
// author's text may end that element or open another, and the page must read back exactly
// what the server answered.
import { describe, expect, it } from 'vitest';
import { jsonForHtml, pageAnswersElement } from '../../src/server/page-answers.js';
import type { ConsoleBackend } from '../../src/server/wire-binding.js';

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

describe('pageAnswersElement', () => {
  const info = { version: '0.1.0', operator: 'tester' };
  const backend = (listRunbooks: () => Promise<unknown>) => ({ appInfo: () => Promise.resolve(info), listRunbooks }) as unknown as ConsoleBackend;
  const parse = (element: string) => JSON.parse(/>(.*)<\/script>$/.exec(element)![1]!) as Record<string, unknown>;

  it('writes both answers when they are ready', async () => {
    const list = { runbooks: [], inventoryProblems: [] };
    expect(parse(await pageAnswersElement(backend(() => Promise.resolve(list)), 10_000))).toEqual({ appInfo: info, listRunbooks: list });
  });

  it('does not hold the page for a listing still being judged: it is left to the socket', async () => {
    let finish: (value: unknown) => void = () => undefined;
    const judging = new Promise((resolve) => (finish = resolve));
    const element = await pageAnswersElement(backend(() => judging), 20);
    finish({ runbooks: [], inventoryProblems: [] });
    expect(parse(element)).toEqual({ appInfo: info });
  });

  it('leaves out a call that failed, for the socket to report in the server’s words', async () => {
    expect(parse(await pageAnswersElement(backend(() => Promise.reject(new Error('handrail.yml is missing'))), 10_000))).toEqual({ appInfo: info });
  });
});
