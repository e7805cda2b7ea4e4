// What an operator is told, and the trail keeps, when a run's team lock will not be (or was
// not) released by this machine. The ledger lets only the login that took a lock, or a lead,
// release it; a run resumed or aborted on its own machine under another ledger login cannot
// let go of the lock it inherited, and a "succeeded" with nothing else said would leave the
// database locked for the whole team. Each text names only what was checked in the ledger.
import type { HeldLock } from '../../targets/ledger/ledger-locks.js';
import { FINISHED_RUN_STATUSES, type RunStatus } from '../../contract/run-states.js';
import type { ReportEvent } from '../../core/audit/report-model.js';
import { runEventsOfKind } from '../../store/audit-search.js';
import type { AppDatabase } from '../../store/open-database.js';
import type { RunStore } from '../../store/run-store.js';
import type { LockLogins, LockWithLogins, RunLockRelease } from './run-lock-release.js';
import { sqlName } from './team-unlock-rules.js';

/** Recorded on the run before it goes on: a lock it holds that its end will not be able to release. */
export const TEAM_LOCK_INHERITED = 'team.lock-inherited';
/** Recorded on the run after its end or abort: a lock that stayed held, or a release that could not be asked. */
export const TEAM_LOCK_KEPT = 'team.lock-kept';

function named(lock: HeldLock): string {
  return `team lock ${lock.lockId} on ${lock.target ?? lock.lockKey} (${lock.lockKey})`;
}

function nextStep(lock: HeldLock, logins: LockLogins): string {
  return (
    `A lead (a login in role handrail_lead) releases it: handrail team unlock ${lock.lockId} --note "why" (so can login ${logins.takenWith} from this machine); ` +
    `to make ${logins.login} a lead, whoever administers the ledger runs: GRANT handrail_lead TO ${sqlName(logins.login)};`
  );
}

function willStay(lock: HeldLock, runId: string, logins: LockLogins): string {
  return (
    `${named(lock)} was taken by run ${runId} with ledger login ${logins.takenWith}; this machine now reaches the ledger as ${logins.login}, which is not a lead, ` +
    `so the ledger will refuse to let it release the lock: it will stay held when the run ends, keeping every other machine off ${lock.target ?? lock.lockKey}.`
  );
}

/** Before a resume runs anything: the lock it goes on under will stay held after it. */
export function inheritedText(lock: HeldLock, runId: string, logins: LockLogins): string {
  return `${willStay(lock, runId, logins)} The run goes on under this lock. ${nextStep(lock, logins)}`;
}

/** On an interrupted run's page, before Resume is pressed: what a resume here would leave held. */
export function outlookText(lock: HeldLock, runId: string, logins: LockLogins): string {
  return `If it is resumed here: ${willStay(lock, runId, logins)} ${nextStep(lock, logins)}`;
}

/** After the run's end or abort: the ledger refused the release and the lock was seen still held. */
export function keptText(lock: HeldLock, runId: string, after: string, logins: LockLogins): string {
  return (
    `${named(lock)} stayed held in the team ledger after run ${runId} ${after}: it was taken with ledger login ${logins.takenWith}, and this machine's login ${logins.login} is not a lead, ` +
    `so the ledger refused to release it; until it is released no other machine can change ${lock.target ?? lock.lockKey}. ${nextStep(lock, logins)}`
  );
}

/** After the run's end or abort: the ledger could not be asked, so nothing is known of its locks there. */
export function uncheckedText(runId: string, after: string, fault: string): string {
  return (
    `${fault}, so the team locks of run ${runId} (${after}) could not be released, and whether it still holds any there was not checked. ` +
    'This machine tries again each time it ships to the ledger (handrail team ship); handrail team status lists the held locks'
  );
}

function lockBody(lock: HeldLock, logins: LockLogins): Record<string, unknown> {
  return { lockId: lock.lockId, lockKey: lock.lockKey, target: lock.target, takenWith: logins.takenWith, login: logins.login };
}

/** Recorded with the resume, before it goes on; the texts to show the operator now. */
export function recordInherited(store: RunStore, operator: string, runId: string, inherited: readonly LockWithLogins[]): string[] {
  return inherited.map(({ lock, logins }) => {
    const message = inheritedText(lock, runId, logins);
    store.appendEvent({ operator, kind: TEAM_LOCK_INHERITED, runId, body: { ...lockBody(lock, logins), message } });
    return message;
  });
}

/**
 * After the run's end or abort: each lock that stayed held (and, when `sayUnchecked`, a ledger
 * that could not be asked) recorded on the run; the texts to show the operator. Recording is
 * best effort here: the run's end is already recorded, and the operator is told either way.
 */
export function recordKept(store: RunStore, operator: string, runId: string, after: string, release: RunLockRelease | undefined, sayUnchecked: boolean): string[] {
  if (!release) return [];
  const notes = release.kept.map(({ lock, logins }) => ({ message: keptText(lock, runId, after, logins), body: lockBody(lock, logins) }));
  if (release.unchecked !== undefined && sayUnchecked) notes.push({ message: uncheckedText(runId, after, release.unchecked), body: { unchecked: true } });
  for (const note of notes) {
    try {
      store.appendEvent({ operator, kind: TEAM_LOCK_KEPT, runId, body: { ...note.body, after, message: note.message } });
    } catch {
      // The data folder cannot be written now (a full disk): the operator still reads it below.
    }
  }
  return notes.map((n) => n.message);
}

/** What `show` and the console say of a run's team locks that stayed held, oldest first. */
export function keptLockNotes(db: AppDatabase['db'], runId: string): string[] {
  return runEventsOfKind(db, runId, TEAM_LOCK_KEPT).flatMap((e) => {
    const message = (e.body as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? [`${message} (recorded ${e.at})`] : [];
  });
}

/** The console's run page: locks left held after the end, and, until it ends, those it will leave. */
export function teamLockNotesOf(events: readonly ReportEvent[], status: RunStatus): { teamLocksKept: string[]; teamLocksInherited: string[] } {
  const said = (kind: string) =>
    events.filter((e) => e.kind === kind && typeof e.body?.message === 'string').map((e) => `${String(e.body?.message)} (recorded ${e.at})`);
  const over = (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
  return { teamLocksKept: said(TEAM_LOCK_KEPT), teamLocksInherited: over ? [] : said(TEAM_LOCK_INHERITED) };
}
