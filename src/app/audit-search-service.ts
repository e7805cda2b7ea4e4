// `audit search` and `audit review`: finding things in the audit trail, and a lead's review
// of a run recorded in it. Search only reads; a review is one appended event.
import type { Run } from '../contract/run.js';
import { searchAudit, runEventsOfKind, ftsQuery, type AuditSearchHit } from '../store/audit-search.js';
import type { AppDatabase } from '../store/open-database.js';
import { ContextService } from './app-context.js';
import { UserError } from './errors.js';
import { findRun } from './find-by-prefix.js';
import { operatorBody } from './settings.js';

export interface SearchRequest {
  text: string;
  run?: string | undefined;
  operator?: string | undefined;
  env?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  kind?: string | undefined;
  /** Only events and output of runs started for this incident id. */
  incident?: string | undefined;
  limit?: number | undefined;
}

export interface Review {
  seq: number;
  at: string;
  reviewer: string;
  note: string;
}

export const DEFAULT_SEARCH_LIMIT = 100;
export const REVIEW_KIND = 'review';

export class AuditSearchService extends ContextService {
  private readonly db = this.context.db;
  private readonly store = this.context.store;

  /** Newest first; refuses (exit 2) text with nothing to search for, a bad date or an unknown run. */
  search(request: SearchRequest): AuditSearchHit[] {
    if (!ftsQuery(request.text)) {
      throw new UserError(`there is nothing to search for in '${request.text}': give at least one word with a letter or digit; nothing was searched`);
    }
    const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a whole number of 1 or more, not '${request.limit}'; nothing was searched`);
    return searchAudit(this.db, request.text, {
      runId: request.run === undefined ? undefined : this.findRun(request.run).id,
      operator: request.operator,
      environment: request.env,
      since: request.since === undefined ? undefined : parseDate('--since', request.since, false),
      until: request.until === undefined ? undefined : parseDate('--until', request.until, true),
      kind: request.kind,
      incident: request.incident,
      limit,
    });
  }

  /** Records who reviewed the run, when, and what they said. */
  review(runRef: string, note: string): { run: Run; review: Review } {
    const text = note.trim();
    if (text === '') throw new UserError('a review needs a note saying what you checked (--note TEXT); nothing was recorded');
    const run = this.findRun(runRef);
    const seq = this.store.appendEvent({
      operator: this.settings.operator,
      kind: REVIEW_KIND,
      runId: run.id,
      body: { note: text, runbook: run.runbookId, version: run.runbookVersion, runStatus: run.status, ...operatorBody(this.settings) },
    });
    const review = this.reviews(run.id).find((r) => r.seq === seq);
    if (!review) throw new UserError(`the review of run ${run.id} was recorded as event ${seq} but cannot be read back; run handrail audit verify`, 1);
    return { run, review };
  }

  /** The run's reviews, oldest first. */
  reviews(runId: string): Review[] {
    return runReviews(this.context.database, runId);
  }

  /** A run id, or a unique prefix of one (as `show` takes them). */
  private findRun(ref: string): Run {
    return findRun(this.store, ref, 'nothing was recorded or searched');
  }
}

/** The run's reviews, oldest first, read through any open connection (`show` has one already). */
export function runReviews(db: AppDatabase, runId: string): Review[] {
  return runEventsOfKind(db.db, runId, REVIEW_KIND).map((e) => {
    const body = (e.body ?? {}) as { note?: unknown };
    return { seq: e.seq, at: e.at, reviewer: e.operator, note: typeof body.note === 'string' ? body.note : '' };
  });
}

/**
 * ISO 8601 UTC for a date the operator typed. A bare day is the whole day: `--since 2024-05-01`
 * starts at its midnight (UTC), `--until 2024-05-01` includes it.
 */
export function parseDate(flag: string, value: string, end: boolean): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) {
    throw new UserError(`${flag} '${value}' is not a date; give one like 2024-05-01 or 2024-05-01T14:30:00Z (UTC); nothing was searched`);
  }
  return new Date(day && end ? ms + 24 * 60 * 60 * 1000 : ms).toISOString();
}
