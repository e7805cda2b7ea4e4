// Every IPC request is checked in main before the service sees it: the sender must be the
// app window's own top frame, and the request must fit the operation's schema.
import { describe, expect, it } from 'vitest';
import { guardRequest, type RequestSender } from '../../src/electron/ipc-guard.js';

const appWindow: RequestSender = { frameUrl: 'app://handrail/index.html', isAppMainFrame: true };
const validStart = { runbook: 'reset-pilot', environment: 'local-demo', inputs: { pilot: 'p1' } };

describe('the IPC request guard', () => {
  it('passes a valid request from the app window, with the schema’s defaults filled in', () => {
    expect(guardRequest('startRun', appWindow, validStart)).toEqual({ request: validStart });
    expect(guardRequest('listRuns', { ...appWindow, frameUrl: 'app://handrail/#/audit' }, {})).toEqual({ request: { offset: 0, limit: 200 } });
  });

  it.each<[string, RequestSender]>([
    ['a page from the web', { frameUrl: 'https://evil.example/', isAppMainFrame: true }],
    ['a local file', { frameUrl: 'file:///tmp/index.html', isAppMainFrame: true }],
    ['another host on the app scheme', { frameUrl: 'app://other/index.html', isAppMainFrame: true }],
    ['a look-alike with credentials', { frameUrl: 'app://evil@handrail/index.html', isAppMainFrame: true }],
    ['an iframe inside the app', { frameUrl: 'app://handrail/index.html', isAppMainFrame: false }],
    ['a frame that is gone', { frameUrl: null, isAppMainFrame: false }],
  ])('refuses %s and runs nothing', (_label, sender) => {
    const result = guardRequest('startRun', sender, validStart);
    expect(result).toEqual({ error: { code: 'refused', message: expect.stringContaining("only the app's own window") } });
  });

  it('refuses a malformed request, naming the field, before anything runs', () => {
    const result = guardRequest('startRun', appWindow, { runbook: 'reset-pilot', inputs: {} });
    expect(result).toEqual({ error: { code: 'invalid', message: expect.stringMatching(/environment/) } });
    expect(guardRequest('decide', appWindow, { runId: 'r1', idx: 0, decision: { action: 'skip', reason: '' } })).toMatchObject({ error: { code: 'invalid' } });
    expect(guardRequest('getRun', appWindow, 'r1')).toMatchObject({ error: { code: 'invalid' } });
  });
});
