// `audit search` and `audit review`.
import { AuditSearchService, DEFAULT_SEARCH_LIMIT, type SearchRequest } from '../../app/audit-search-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export type SearchFlags = Omit<SearchRequest, 'text' | 'limit'> & { json?: boolean; limit?: string; team?: boolean; machine?: string };

export async function auditSearchCommand(text: string, options: SearchFlags, global: GlobalOptions): Promise<number> {
  if (options.team) return (await import('./team-search.js')).teamSearchCommand(text, options, global);
  const service = new AuditSearchService(resolveSettings(global));
  try {
    const { json, limit, team: _team, machine: _machine, ...filters } = options;
    const hits = service.search({ ...filters, text, limit: limit === undefined ? undefined : Number(limit) });
    if (json) {
      print(JSON.stringify(hits, null, 2));
      return 0;
    }
    if (hits.length === 0) {
      print(`no matches for '${text}'`);
      return 0;
    }
    for (const hit of hits) {
      const where = [
        hit.runId ? `run ${hit.runId}` : '',
        hit.stepIdx !== null ? `step ${hit.stepIdx + 1}` : '',
        hit.attempt !== null ? `attempt ${hit.attempt}` : '',
        hit.environment ? `in ${hit.environment}` : '',
      ].filter(Boolean);
      const id = hit.seq !== null ? `#${hit.seq}` : 'output';
      print(`${id.padEnd(7)} ${hit.at}  ${(hit.operator ?? '?').padEnd(10)} ${hit.kind.padEnd(16)} ${where.join(', ')}`);
      print(`        ${hit.snippet}`);
    }
    const max = limit === undefined ? DEFAULT_SEARCH_LIMIT : Number(limit);
    if (hits.length >= max) print(`(the newest ${max} matches; narrow with --run, --kind, --since/--until, or raise --limit)`);
    return 0;
  } finally {
    service.close();
  }
}

export async function auditReviewCommand(runRef: string, options: { note: string; json?: boolean }, global: GlobalOptions): Promise<number> {
  const service = new AuditSearchService(resolveSettings(global));
  try {
    const { run, review } = service.review(runRef, options.note);
    if (options.json) {
      print(JSON.stringify({ runId: run.id, ...review }, null, 2));
      return 0;
    }
    print(`review of run ${run.id} recorded as audit event ${review.seq} (${review.reviewer}, ${review.at})`);
    return 0;
  } finally {
    service.close();
  }
}
