// A run that ended while the team ledger could not be reached keeps its team lock there; the
// outbox releases it on a later shipment. When this machine now reaches the ledger with
// another login than the one that took the lock (a writer, not a lead), the ledger refuses that
// release (real PostgreSQL ledger): the lock stays for the whole team, so the run must record
// which lock stayed (team.lock-kept, as its own end does, so `show` says it) and
// `handrail team ship` must say it too, with what a lead does — never pass it over in silence.
import { describe, expect, it } from 'vitest';
import { handrail } from '../support/handrail-cli.js';
import { localEvents } from '../support/local-audit-events.js';
import { otherLoginSuite } from '../support/other-login-ledger.js';
import { freePort } from '../support/free-port.js';

const suite = otherLoginSuite('team-ship-kept-lock');
const { crashedThenRelogged, stillHeld, refusedElsewhere, expectKeptNote } = suite;

describe('a run aborted while the ledger was down, its lock taken with another login, then shipped', () => {
  it('team ship says which lock stayed and what a lead does; the run records team.lock-kept once; show says it; another machine is still refused', async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a2', 'alice');
    const nowhere = `postgres://op_a2@127.0.0.1:${await freePort()}/ledger`;
    const aborted = handrail(['abort', id, '--reason', 'nobody will finish this one'], { ...again, env: { ...again.env, HANDRAIL_TEAM_URL: nowhere } });
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain('whether it still holds any there was not checked');

    // The ledger answers again, under the login this machine has now.
    const shipped = handrail(['team', 'ship'], again);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    expectKeptNote(shipped.stdout + shipped.stderr, lockId, 'op_a2');
    expect(shipped.stdout + shipped.stderr).toContain(`after run ${id} aborted`);
    expect(await stillHeld(lockId)).toBe(true);

    const kept = localEvents(again, 'team.lock-kept').filter((e) => e.lockId === lockId);
    expect(kept).toEqual([expect.objectContaining({ lockId, target: 'lite', takenWith: 'op_a', login: 'op_a2', after: 'aborted' })]);
    expectKeptNote(String(kept[0]?.message), lockId, 'op_a2');
    expectKeptNote(handrail(['show', id], again).stdout, lockId, 'op_a2');

    // The next shipment is refused again and says so again, but the run's trail gets it once.
    const again2 = handrail(['team', 'ship'], again);
    expect(again2.code, again2.stdout + again2.stderr).toBe(0);
    expectKeptNote(again2.stdout + again2.stderr, lockId, 'op_a2');
    expect(localEvents(again, 'team.lock-kept').filter((e) => e.lockId === lockId)).toHaveLength(1);

    // The record reached the ledger with the shipment that made it.
    const inLedger = await suite.ledger.pg.psql(`SELECT count(*) FROM handrail.audit_events WHERE run_id = '${id}' AND kind = 'team.lock-kept'`);
    expect(inLedger).toBe('2');

    // It really stayed: another machine is refused, naming the run.
    const refused = await refusedElsewhere();
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`locked in the team ledger by run ${id} of alice`);
  });

  it('with the login that took the lock, the shipment releases it and says nothing of it', async () => {
    const { id, lockId, again } = await crashedThenRelogged('op_a', 'alice');
    const nowhere = `postgres://op_a@127.0.0.1:${await freePort()}/ledger`;
    expect(handrail(['abort', id, '--reason', 'nobody will finish this one'], { ...again, env: { ...again.env, HANDRAIL_TEAM_URL: nowhere } }).code).toBe(0);
    const shipped = handrail(['team', 'ship'], again);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    expect(shipped.stdout + shipped.stderr).not.toContain('team lock');
    expect(await stillHeld(lockId)).toBe(false);
    expect(localEvents(again, 'team.lock-kept').filter((e) => e.lockId !== undefined)).toHaveLength(0);
  });
});
