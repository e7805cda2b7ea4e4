// The links `handrail link` prints and the server's answers to them, on their own: every value
// encoded, a Prometheus template kept only when it is one whole action (so Prometheus encodes
// the label), and the sign-in page carrying a link's values as text, never markup.
import { describe, expect, it } from 'vitest';
import { alertLink, linkWithToken, parseOpenLink } from '../../src/app/console-link.js';
import { setupLocation, signInPage, tokenOf } from '../../src/server/alert-link.js';

const link = (inputs: Record<string, string>, incident?: string) => alertLink({ runbook: 'db-failover', environment: 'prod', inputs, incident, port: 7447 });

describe('alertLink', () => {
  it('encodes every plain value, so none can add or cut a parameter', () => {
    expect(link({ instance: 'db-1&env=dev#x' }, 'INC 1/2')).toBe(
      'http://127.0.0.1:7447/run/db-failover?env=prod&input.instance=db-1%26env%3Ddev%23x&incident=INC%201%2F2',
    );
  });

  it('keeps one whole template for Prometheus, piped through urlquery once', () => {
    expect(link({ a: '{{ $labels.instance }}', b: '{{$labels.job | urlquery}}' })).toBe(
      'http://127.0.0.1:7447/run/db-failover?env=prod&input.a={{ $labels.instance | urlquery }}&input.b={{ $labels.job | urlquery }}',
    );
  });

  it('encodes a value with two actions or text around one, rather than leave an action unencoded', () => {
    expect(link({ a: '{{ $labels.x }}}}{{ $labels.y }}', b: 'pre-{{ $labels.x }}' })).toBe(
      'http://127.0.0.1:7447/run/db-failover?env=prod&input.a=%7B%7B%20%24labels.x%20%7D%7D%7D%7D%7B%7B%20%24labels.y%20%7D%7D&input.b=pre-%7B%7B%20%24labels.x%20%7D%7D',
    );
  });
});

describe('opening a link', () => {
  it('adds the console token to the link, and takes only links to this machine', () => {
    expect(linkWithToken('http://127.0.0.1:9000/?token=T0K', '/run/x?env=prod&token=old')).toBe('http://127.0.0.1:9000/run/x?env=prod&token=T0K');
    expect(parseOpenLink('http://localhost:7447/run/x?env=prod&token=stale')).toEqual({ port: 7447, pathAndQuery: '/run/x?env=prod' });
    expect(() => parseOpenLink('http://10.0.0.5:7447/run/x')).toThrow(/not a Handrail console on this machine/);
    expect(() => parseOpenLink('https://127.0.0.1:7447/run/x')).toThrow(/not a Handrail console on this machine/);
  });

  it('sends a signed-in browser to the set-up with the link’s values only', () => {
    const url = new URL('http://127.0.0.1:1/run/db%2Ffailover?env=prod&handrail-reloaded=1&token=x&incident=I%231');
    expect(setupLocation('db/failover', url)).toBe('/#/runbooks/db%2Ffailover?env=prod&incident=I%231');
  });

  it('carries hostile values in the sign-in page as escaped text', () => {
    const url = new URL(`http://127.0.0.1:1/run/x?env=${encodeURIComponent('"><script>alert(1)</script>')}&input.${encodeURIComponent("a'b")}=${encodeURIComponent('<img src=x>')}`);
    const page = signInPage('<b>x</b>', url);
    expect(page).not.toMatch(/<script>alert|<img src|<b>x/);
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain('name="input.a&#39;b"');
  });

  it('takes the token, or the whole URL serve printed', () => {
    expect(tokenOf('  abc  ')).toBe('abc');
    expect(tokenOf('http://127.0.0.1:7447/?token=abc')).toBe('abc');
  });
});
