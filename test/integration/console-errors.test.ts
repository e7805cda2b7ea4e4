// What a console shows when a call fails: toApiError turns any error into words for the
// operator (what failed, that nothing was changed), never a stack trace.
import { describe, expect, it } from 'vitest';
import { API } from '../../src/contract/api.js';
import { NotFoundError, toApiError } from '../../src/app/console/api-error.js';
import { UserError } from '../../src/app/errors.js';

describe('toApiError', () => {
  it('passes refusals through as written', () => {
    expect(toApiError(new UserError("runbook 'x' may only run in pilot; nothing was executed"))).toEqual({
      code: 'refused',
      message: "runbook 'x' may only run in pilot; nothing was executed",
    });
    expect(toApiError(new NotFoundError("there is no run 'r1'"))).toEqual({ code: 'not-found', message: "there is no run 'r1'" });
  });

  it('names what failed for anything else, with the first line of its message and no stack', () => {
    const error = new Error('SQLITE_IOERR: disk I/O error\n    at Statement.run (node_modules/better-sqlite3/lib/x.js:1:1)');
    expect(toApiError(error, 'startRun')).toEqual({
      code: 'failed',
      message: 'starting the run failed: SQLITE_IOERR: disk I/O error; nothing was changed by this request. Try again; if it fails again, report this message.',
    });
    expect(toApiError('a thrown string').message).toBe('the request failed: a thrown string; nothing was changed by this request. Try again; if it fails again, report this message.');
  });

  it('says which field of a malformed request is wrong', () => {
    const parsed = API.decide.request.safeParse({ runId: 'r1', idx: -1, decision: { action: 'skip', reason: '' } });
    if (parsed.success) throw new Error('the request should not parse');
    const error = toApiError(parsed.error, 'decide');
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/^answering the step was refused: the request is not valid \(idx: .*decision\.reason: .*\); nothing was changed$/);
  });
});
