// `audit search --team`: the words in every machine's events and output, as the ledger holds
// them. The ledger keeps no full-text index (it is a witness, not a search engine): event
// bodies are matched by PostgreSQL, word by word, literally and case-insensitively; output is
// stored compressed, so the newest chunks the filters leave are read and matched here.
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { ledgerRecentOutput, ledgerSearchEvents } from '../../targets/ledger/ledger-read.js';
import { ftsQuery, outputSnippet, type AuditSearchHit } from '../../store/audit-search.js';
import { DEFAULT_SEARCH_LIMIT, parseDate, type SearchRequest } from '../audit-search-service.js';
import { UserError } from '../errors.js';
import { checkMachines } from './team-machines.js';
import { decodeOutputChunk } from '../../store/output-codec.js';

/** How many of the newest output chunks a team search reads. */
export const TEAM_OUTPUT_CHUNKS = 2000;

export interface TeamSearchHit extends AuditSearchHit {
  machineId: string;
  machine: string;
  /** Why the hit's machine cannot be trusted as it stands (a chain that does not verify, a key incident); empty when it can. */
  machineProblems: string[];
}

export interface TeamSearchRequest extends SearchRequest {
  machine?: string | undefined;
}

export async function searchTeam(client: LedgerClient, request: TeamSearchRequest): Promise<TeamSearchHit[]> {
  if (!ftsQuery(request.text)) {
    throw new UserError(`there is nothing to search for in '${request.text}': give at least one word with a letter or digit; nothing was searched`);
  }
  const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a whole number of 1 or more, not '${request.limit}'; nothing was searched`);
  const words = request.text
    .split(/\s+/)
    .map((w) => (w.length > 1 && w.endsWith('*') ? w.slice(0, -1) : w))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  const filters = {
    runId: request.run,
    operator: request.operator,
    environment: request.env,
    machine: request.machine,
    since: request.since === undefined ? undefined : parseDate('--since', request.since, false),
    until: request.until === undefined ? undefined : parseDate('--until', request.until, true),
    kind: request.kind === 'output' ? undefined : request.kind,
    limit,
  };
  // Every listing names a machine that does not verify, search hits included.
  const problems = new Map((await checkMachines(client)).map((m) => [m.id, m.problems]));
  const hits: Omit<TeamSearchHit, 'machineProblems'>[] = [];
  if (request.kind !== 'output') {
    for (const e of await ledgerSearchEvents(client, words, filters)) {
      hits.push({
        source: 'event', seq: e.seq, at: e.at, operator: e.operator, kind: e.kind, runId: e.runId, stepIdx: e.stepIdx, attempt: null,
        environment: e.environment, snippet: outputSnippet(`${e.kind} ${e.bodyJson ?? ''}`, request.text), machineId: e.machineId, machine: e.machine,
      });
    }
  }
  if (request.kind === undefined || request.kind === 'output') {
    const lower = words.map((w) => w.toLowerCase());
    for (const o of await ledgerRecentOutput(client, filters, TEAM_OUTPUT_CHUNKS)) {
      const text = decodeOutputChunk(o.data).toString('utf8');
      const folded = text.toLowerCase();
      if (!lower.every((w) => folded.includes(w))) continue;
      hits.push({
        source: 'output', seq: null, at: o.at, operator: o.operator, kind: 'output', runId: o.runId, stepIdx: o.idx, attempt: o.attempt,
        environment: o.environment, snippet: outputSnippet(text, request.text), machineId: o.machineId, machine: o.machine,
      });
    }
  }
  return hits
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, limit)
    .map((h) => ({ ...h, machineProblems: problems.get(h.machineId) ?? ['it has no pinned key in handrail.machines: its rows were added outside Handrail'] }));
}
