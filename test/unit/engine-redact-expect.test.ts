import { describe, expect, it } from 'vitest';
import { OutputMatcher } from '../../src/core/engine/expectations.js';
import { MASK, Redactor } from '../../src/core/engine/redact.js';

const secret = 's3cr3t-Tok&n/+';

describe('Redactor', () => {
  it('masks the value and its base64, URL-encoded and JSON-escaped forms', () => {
    const r = new Redactor([secret, 'ab']);
    const text = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(`${secret}"`), 'ab'].join(' ');
    const masked = r.text(text);
    expect(masked).toBe(`${MASK} ${MASK} ${MASK} "${MASK}\\"" ab`);
  });

  it('masks a secret split across chunks, at every split point', () => {
    const r = new Redactor([secret]);
    const whole = Buffer.from(`before ${secret} after`);
    for (let cut = 1; cut < whole.length; cut++) {
      const s = r.stream();
      const out = Buffer.concat([s.push(whole.subarray(0, cut)), s.push(whole.subarray(cut)), s.flush()]).toString();
      expect(out).toBe(`before ${MASK} after`);
    }
  });
});

describe('OutputMatcher', () => {
  it('matches expect-output line by line across chunks', () => {
    const m = new OutputMatcher('^pilot-[0-9]+$');
    m.push(Buffer.from('host: x\npil'));
    expect(m.matched).toBe(false);
    m.push(Buffer.from('ot-12\nmore'));
    expect(m.matched).toBe(true);
  });

  it('checks the last line when output has no final newline', () => {
    const m = new OutputMatcher('^ok$');
    m.push(Buffer.from('ok'));
    m.end();
    expect(m.matched).toBe(true);
    const n = new OutputMatcher('^ok$');
    n.push(Buffer.from('not ok'));
    n.end();
    expect(n.matched).toBe(false);
  });
});
