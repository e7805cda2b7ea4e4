// Hash routes, so a deep link works from a bookmark, in Electron's file URL and behind the
// browser console without any help from the server.
import { useEffect, useState } from 'react';

export type Route =
  | { view: 'runbooks' }
  /** `link`: the query of an alert link, whose values the set-up screen fills in (never starts). */
  | { view: 'runbook'; id: string; link?: string }
  | { view: 'run'; runId: string }
  | { view: 'audit' }
  | { view: 'audit-run'; runId: string }
  /** The Audit view's team scope, and one run of the team ledger (a run id is unique only on its machine). */
  | { view: 'team' }
  | { view: 'team-run'; machineId: string; runId: string }
  | { view: 'snapshots' }
  /** Approval requests in the team ledger, and one opened to read and sign. */
  | { view: 'approvals'; requestId?: string }
  | { view: 'record' }
  | { view: 'recording'; draftId: string }
  | { view: 'edit'; id: string }
  | { view: 'new' }
  | { view: 'history'; id: string };

export function parseRoute(hash: string): Route {
  // Ids are written percent-encoded (href below), so a literal `?` starts a link's query.
  const bare = hash.replace(/^#\/?/, '');
  const q = bare.indexOf('?');
  const query = q < 0 ? '' : bare.slice(q + 1);
  const [first, second, third] = (q < 0 ? bare : bare.slice(0, q)).split('/').map(decodePart);
  switch (first) {
    case 'runbooks':
      return second ? { view: 'runbook', id: second, ...(query ? { link: query } : {}) } : { view: 'runbooks' };
    case 'run':
      return second ? { view: 'run', runId: second } : { view: 'runbooks' };
    case 'audit':
      return second ? { view: 'audit-run', runId: second } : { view: 'audit' };
    case 'team':
      return second && third ? { view: 'team-run', machineId: second, runId: third } : { view: 'team' };
    case 'snapshots':
      return { view: 'snapshots' };
    case 'approvals':
      return second ? { view: 'approvals', requestId: second } : { view: 'approvals' };
    case 'record':
      return second ? { view: 'recording', draftId: second } : { view: 'record' };
    case 'edit':
      return second ? { view: 'edit', id: second } : { view: 'new' };
    case 'new':
      return { view: 'new' };
    case 'history':
      return second ? { view: 'history', id: second } : { view: 'runbooks' };
    default:
      return { view: 'runbooks' };
  }
}

/** A part that is not valid percent-encoding (a hand-edited link) is taken as written. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export const href = {
  runbooks: () => '#/runbooks',
  runbook: (id: string) => `#/runbooks/${encodeURIComponent(id)}`,
  run: (runId: string) => `#/run/${encodeURIComponent(runId)}`,
  audit: () => '#/audit',
  auditRun: (runId: string) => `#/audit/${encodeURIComponent(runId)}`,
  team: () => '#/team',
  teamRun: (machineId: string, runId: string) => `#/team/${encodeURIComponent(machineId)}/${encodeURIComponent(runId)}`,
  snapshots: () => '#/snapshots',
  approvals: () => '#/approvals',
  approval: (requestId: string) => `#/approvals/${encodeURIComponent(requestId)}`,
  record: () => '#/record',
  recording: (draftId: string) => `#/record/${encodeURIComponent(draftId)}`,
  edit: (id: string) => `#/edit/${encodeURIComponent(id)}`,
  newRunbook: () => '#/new',
  history: (id: string) => `#/history/${encodeURIComponent(id)}`,
};

export function navigate(to: string): void {
  window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
